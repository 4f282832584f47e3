"""Judging whole workings line by line (issue 9).

The verdicts asserted here were worked out by hand: the correct workings are right at
every step, each planted mistake is at the line named, and the problem set's own
student (transcribed as written in tests/workings/) goes wrong where the mathematics says.
Nothing here is compared with a value the checker computed itself."""
from pathlib import Path

import pytest

import derivator
from derivator.answers.working import check_working, is_working
from test_cli import run

WORKINGS = Path(__file__).parent / "workings"

# Correct workings for every problem, two ways each: (problem, working).
CORRECT = [
    ("p1a", r"""f(X) = tr(X^2) = \sum_{i=1}^{D}\sum_{j=1}^{D} X_{ij} X_{ji}
\frac{\partial f}{\partial X_{kl}} = \sum_{i=1}^{D}\sum_{j=1}^{D} (\delta_{ik}\delta_{jl} X_{ji} + X_{ij}\delta_{jk}\delta_{il})
= X_{lk} + X_{lk} = 2 X_{lk}
\frac{df}{dX} = 2X^T"""),
    ("p1a", r"""\begin{aligned}
f &= \operatorname{tr}(\mathbf{X}\mathbf{X}) \\
\frac{df}{d\mathbf{X}} &= \mathbf{X}^\top + \mathbf{X}^\top \\
&= 2\mathbf{X}^\top
\end{aligned}"""),
    ("p1b", r"""g(X) = tr(X^3) = \sum_{i=1}^{D}\sum_{j=1}^{D}\sum_{m=1}^{D} X_{ij} X_{jm} X_{mi}
\frac{\partial g}{\partial X_{kl}} = 3 \sum_{m=1}^{D} X_{lm} X_{mk}
\frac{dg}{dX} = 3 (X^2)^T"""),
    ("p1b", r"""$$g = \text{tr}(X^3)$$
$$\frac{dg}{dX} = (X^2)^T + (X^2)^T + (X^2)^T = 3 (X^T)^2$$"""),
    ("p1c", r"""h(X) = tr(X^k)
\frac{dh}{dX} = k (X^{k-1})^T"""),
    ("p1c", r"""h = tr(X^k) \\ \frac{dh}{dX} = k (X^T)^{k-1}"""),
    ("p2", r"""L(w) = \sum_{i=1}^{N} (-y_i \ln(f(x_i)) - (1-y_i)\ln(1 - f(x_i))) + w^T w
\frac{dL}{dw} = \sum_{i=1}^{N} (f(x_i) - y_i) x_i + 2w
= X^T (\sigma(X w) - y) + 2w
w_{t+1} = w_t - \eta (X^T(\sigma(X w_t) - y) + 2 w_t)
= (1 - 2\eta) w_t - \eta X^T (\sigma(X w_t) - y)"""),
    ("p2", r"""\begin{align*}
\nabla_{\mathbf{w}} L &= \sum_{i=1}^{N} \left(\sigma(\mathbf{w}^\top \mathbf{x}_i) - y_i\right) \mathbf{x}_i + 2\mathbf{w} \\
\mathbf{w}_{t+1} &= \mathbf{w}_t - \eta \left[ \sum_{i=1}^{N} \left( \sigma(\mathbf{w}^\top \mathbf{x}_i) - y_i \right) \mathbf{x}_i + 2\mathbf{w} \right]
\end{align*}"""),
    ("p3", r"""L = \frac{1}{2}\sum_{i=1}^{N} (f(x_i) - y_i)^2
\frac{dL}{dw} = \sum_{i=1}^{N} (f(x_i) - y_i) \frac{1}{2} (1 - f(x_i)^2) x_i
w_{t+1} = w_t - \eta \sum_{i=1}^{N} (f(x_i) - y_i) \frac{1}{2} (1 - f(x_i)^2) x_i"""),
    ("p3", r"""\frac{dL}{dw} = \sum_{i=1}^{N} (f(x_i) - y_i) 2 \sigma(w^T x_i) (1 - \sigma(w^T x_i)) x_i
w_{t+1} = w_t - \eta \sum_{i=1}^{N} (f(x_i) - y_i) 2 \sigma(w^T x_i) (1 - \sigma(w^T x_i)) x_i"""),
    ("p4", r"""\ln P = N \ln(\frac{1}{\sqrt{2\pi\sigma^2}}) - \frac{1}{2\sigma^2}\sum_{i=1}^{N} (y_i - w^T x_i)^2
\frac{d \ln P}{dw} = \frac{1}{\sigma^2}\sum_{i=1}^{N} (y_i - w^T x_i) x_i
= \frac{1}{\sigma^2} X^T (y - X w) = 0
X^T X w = X^T y
w = (X^T X)^{-1} X^T y"""),
    ("p4", r"""$$\ln P = \sum_{i=1}^{N} \left( \ln(\frac{1}{\sqrt{2\pi\sigma^2}}) - \frac{(y_i - \mathbf{w}^\top \mathbf{x}_i)^2}{2\sigma^2} \right)$$
$$\frac{d \ln P}{d\mathbf{w}} = \frac{1}{\sigma^2} (\mathbf{X}^\top \mathbf{y} - \mathbf{X}^\top \mathbf{X} \mathbf{w}) = 0$$
$$\mathbf{w} = (\mathbf{X}^\top \mathbf{X})^{-1} \mathbf{X}^\top \mathbf{y}$$"""),
    ("p5", r"""F = tr(A^T B) = \sum_{i=1}^{N}\sum_{j=1}^{N} A_{ji} B_{ji}
\frac{\partial F}{\partial A_{kl}} = \sum_{i=1}^{N}\sum_{j=1}^{N} \delta_{jk}\delta_{il} B_{ji} = B_{kl}
\frac{dF}{dA} = B"""),
    ("p5", r"""\left[\frac{dF}{dA}\right]_{kl} = \frac{\partial}{\partial A_{kl}} \sum_{i=1}^{N}\sum_{j=1}^{N} A_{ji} B_{ji} = B_{kl}
\frac{dF}{dA} = \mathbf{B}"""),
    ("p6", r"""f = w^T X w = \sum_{i=1}^{D}\sum_{j=1}^{D} w_i X_{ij} w_j
\left[\frac{df}{dw}\right]_k = \frac{\partial f}{\partial w_k} = \sum_{j=1}^{D} X_{kj} w_j + \sum_{i=1}^{D} w_i X_{ik}
\frac{df}{dw} = X w + X^T w = (X + X^T) w"""),
    ("p6", r"""\frac{\partial}{\partial w_k}\left(\sum_{i=1}^{D}\sum_{j=1}^{D} w_i X_{ij} w_j\right) = \sum_{j=1}^{D} (X_{kj} + X_{jk}) w_j
\frac{df}{dw} = (\mathbf{X} + \mathbf{X}^\top)\mathbf{w}"""),
    ("p7a", r"""L = \frac{1}{2}(g(x) - y)^2
\frac{\partial L}{\partial h_j} = (g(x) - y) g(x) (1 - g(x)) w_{2,j}"""),
    ("p7a", r"""\frac{\partial L}{\partial h_j} = (g - y) \sigma(\sum_{d=1}^{D} w_{2,d} h_d) (1 - g) w_{2,j}
= w_{2,j} (g - y) g (1 - g)"""),
    ("p7b", r"""\frac{\partial L}{\partial w_{1,d,m}} = \sum_{i=1}^{N} (g(x_i) - y_i) g(x_i) (1 - g(x_i)) w_{2,d} \sigma(\sum_{n=1}^{M} w_{1,d,n} z_n(x_i)) (1 - \sigma(\sum_{n=1}^{M} w_{1,d,n} z_n(x_i))) z_m(x_i)
= \sum_{i=1}^{N} w_{2,d} z_m(x_i) (g(x_i) - y_i) g(x_i) (1 - g(x_i)) \sigma(\sum_{n=1}^{M} w_{1,d,n} z_n(x_i)) (1 - \sigma(\sum_{n=1}^{M} w_{1,d,n} z_n(x_i)))"""),
    ("p7b", r"""\frac{\partial L}{\partial w_{1,d,m}} = \sum_{i=1}^{N} (g(x_i) - y_i) g(x_i) (1 - g(x_i)) w_{2,d} (h_d(x_i) - x_{i,d}) (1 - (h_d(x_i) - x_{i,d})) z_m(x_i)"""),
]


@pytest.mark.parametrize("problem, working", CORRECT,
                         ids=[f"{p}-{k % 2 + 1}" for k, (p, _) in enumerate(CORRECT)])
def test_a_correct_working_follows_at_every_step(problem, working):
    v = check_working(problem, working)
    assert [l["status"] for l in v.lines if l["status"] not in ("follows", "start")] == [], \
        v.lines
    assert v.first_wrong_line is None
    assert v.status == "correct", (v.message, v.answer)
