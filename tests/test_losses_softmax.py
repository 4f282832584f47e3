"""Softmax regression, multinomial logistic regression and linear layers by a weight matrix W
(issue 21), tests/problem_files_losses/: every step verified, labels whose rows sum to one
used as such, and the result equal, at random non-square sizes, to the gradient worked out
by hand below in NumPy, itself checked against central differences of the loss written here.
And `show` refuses a derivation with a step that does not verify."""
import dataclasses
from pathlib import Path

import numpy as np
import pytest
import sympy as sp

import derivator
from test_cli import run
from test_engine_corpus import _central

CORPUS = Path(__file__).parent / "problem_files_losses"


def softmax(Z):
    Z = Z - Z.max(axis=1, keepdims=True)
    E = np.exp(Z)
    return E / E.sum(axis=1, keepdims=True)


def lse(Z):
    m = Z.max(axis=1, keepdims=True)
    return (m + np.log(np.exp(Z - m).sum(axis=1, keepdims=True)))[:, 0]


def sig(t):
    return 1 / (1 + np.exp(-t))


def _ce(S, Y):
    return -np.sum(Y * (S - lse(S)[:, None]))


def _scores(a):
    return a["X"] @ a["W"].T + (a["b"] if "b" in a else 0)


P = lambda a: softmax(_scores(a))         # noqa: E731

# name: (loss(arrays), the parameter, its gradient by hand)
LOSSES = {
    "softmax_regression_sum": (lambda a: _ce(_scores(a), a["Y"]), "W",
                               lambda a: (P(a) - a["Y"]).T @ a["X"]),
    "softmax_regression_mean": (lambda a: _ce(_scores(a), a["Y"]) / len(a["X"]), "W",
                                lambda a: (P(a) - a["Y"]).T @ a["X"] / len(a["X"])),
    "softmax_logsumexp_form": (lambda a: np.sum(lse(_scores(a))) - np.sum(a["Y"] * _scores(a)),
                               "W", lambda a: (P(a) - a["Y"]).T @ a["X"]),
    "softmax_label_smoothing": (lambda a: _ce(_scores(a), a["Y"]), "W",
                                lambda a: (P(a) - a["Y"]).T @ a["X"]),
    "softmax_temperature": (lambda a: _ce(_scores(a) / a["T"], a["Y"]), "W",
                            lambda a: (softmax(_scores(a) / a["T"]) - a["Y"]).T @ a["X"] / a["T"]),
    "softmax_l2": (lambda a: _ce(_scores(a), a["Y"]) + a["lambda"] / 2 * np.sum(a["W"] ** 2), "W",
                   lambda a: (P(a) - a["Y"]).T @ a["X"] + a["lambda"] * a["W"]),
    "softmax_weighted_samples": (lambda a: a["s"] * _ce(_scores(a), a["Y"]), "W",
                                 lambda a: a["s"] * (P(a) - a["Y"]).T @ a["X"]),
    "multinomial_bias_by_W": (lambda a: _ce(_scores(a), a["Y"]), "W",
                              lambda a: (P(a) - a["Y"]).T @ a["X"]),
    "multinomial_bias_by_b": (lambda a: _ce(_scores(a), a["Y"]), "b",
                              lambda a: (P(a) - a["Y"]).sum(axis=0)),
    "softmax_class_weights": (lambda a: -np.sum(a["r"] * a["Y"] * np.log(P(a))), "W",
                              lambda a: (P(a) * (a["Y"] @ a["r"])[:, None]
                                         - a["Y"] * a["r"]).T @ a["X"]),
    "linear_layer_sse": (lambda a: np.sum((_scores(a) - a["Y"]) ** 2), "W",
                         lambda a: 2 * (_scores(a) - a["Y"]).T @ a["X"]),
    "linear_layer_mse_half": (lambda a: np.sum((_scores(a) - a["Y"]) ** 2) / (2 * len(a["X"])),
                              "W", lambda a: (_scores(a) - a["Y"]).T @ a["X"] / len(a["X"])),
    "logsumexp_scores": (lambda a: np.sum(lse(_scores(a))), "W", lambda a: P(a).T @ a["X"]),
    "softmax_tanh_features": (lambda a: _ce(np.tanh(a["X"]) @ a["W"].T, a["Y"]), "W",
                              lambda a: (softmax(np.tanh(a["X"]) @ a["W"].T) - a["Y"]).T
                              @ np.tanh(a["X"])),
    "linear_layer_sigmoid_sse": (lambda a: 0.5 * np.sum((sig(_scores(a)) - a["Y"]) ** 2), "W",
                                 lambda a: ((sig(_scores(a)) - a["Y"]) * sig(_scores(a))
                                            * (1 - sig(_scores(a)))).T @ a["X"]),
}


def _arrays(problem, sizes, rng):
    """Random arrays of the file's shapes; labels declared sum = 1 drawn as rows of
    probabilities (smoothed one-hot rows), scalars inside their domains."""
    names, a = problem.data["names"], {}
    for name, m in problem.matrices().items():
        shape = tuple(int(s.xreplace(sizes)) for s in m.shape)
        shape = shape[:1] if name in ("b", "r") else shape      # declared vectors
        a[name] = rng.normal(size=shape)
        if names[name].get("sum") == 1:
            hot = np.eye(shape[1])[rng.integers(0, shape[1], size=shape[0])]
            a[name] = 0.9 * hot + 0.1 / shape[1]
    for name, v in names.items():
        if v.get("kind") == "scalar":
            a[name] = float(rng.uniform(*v["domain"]))
    return a


def _matrix(expr, values):
    """A matrix form at concrete arrays, by a walk of its own in NumPy (SymPy's explicit
    matrices take seconds a file; the verifier's evaluation is not used)."""
    from sympy.matrices.expressions.applyfunc import ElementwiseApplyFunction
    from derivator.model.functions import expand_named_functions
    go = lambda e: _matrix(e, values)                   # noqa: E731
    if not isinstance(expr, sp.MatrixExpr):
        return float(expr)
    if isinstance(expr, sp.MatrixSymbol):
        return values[expr]
    if isinstance(expr, sp.MatAdd):
        return sum(go(t) for t in expr.args)
    if isinstance(expr, sp.MatMul):
        out = 1.0
        for f in expr.args:
            out = out @ go(f) if isinstance(f, sp.MatrixExpr) and np.ndim(out) else out * go(f)
        return out
    if isinstance(expr, sp.Transpose):
        return go(expr.arg).T
    if isinstance(expr, sp.HadamardProduct):
        return np.prod([go(f) for f in expr.args], axis=0)
    if isinstance(expr, sp.HadamardPower):
        return go(expr.base) ** float(expr.exp)
    if isinstance(expr, sp.DiagMatrix):
        return np.diag(go(expr.args[0]).ravel())
    if isinstance(expr, sp.OneMatrix):
        return np.ones(tuple(int(n) for n in expr.shape))
    if isinstance(expr, ElementwiseApplyFunction):
        f = expr.function
        return sp.lambdify(f.variables, expand_named_functions(f.expr), "numpy")(go(expr.expr))
    raise TypeError(f"no NumPy for {type(expr).__name__}")


def _value(derivation, problem, sizes, a, wrt):
    """The derived result at the arrays a: a matrix form by a NumPy walk of its own, an
    index form entry by entry (its sums written out)."""
    result, shape = derivation.result.xreplace(sizes), np.shape(a[wrt])
    scalars = {sp.Symbol(n): v for n, v in a.items() if np.ndim(v) == 0}
    if isinstance(result, sp.MatrixExpr):
        values = {m.xreplace(sizes): a[n].reshape(int(m.shape[0].xreplace(sizes)), -1)
                  for n, m in problem.matrices().items()}
        return np.reshape(_matrix(result.xreplace(scalars), values), shape)
    entry = [problem.indices()[s] for s in problem.data["derive"]["entry"]]
    out = np.zeros(shape)
    for at in np.ndindex(*shape):
        e = result.xreplace({i: v + 1 for i, v in zip(entry, at)}).xreplace(scalars).doit()
        e = e.replace(lambda t: isinstance(t, sp.Indexed),
                      lambda t: sp.Float(a[str(t.base.label)][tuple(int(i) - 1 for i in t.indices)]))
        out[at] = float(e)
    return out


def test_the_weight_matrix_files_are_covered():
    assert len(LOSSES) >= 15
    assert all((CORPUS / f"{name}.toml").exists() for name in LOSSES)


@pytest.mark.parametrize("name", sorted(LOSSES))
def test_a_weight_matrix_loss_derives_its_gradient(name):
    path = str(CORPUS / f"{name}.toml")
    problem, derivation = derivator.load(path), derivator.derive(path)
    assert not derivation.result.has(sp.Derivative)
    assert [(c.step.rule, c.detail) for c in derivation.verify() if not c.ok] == []
    loss, wrt, by_hand = LOSSES[name]
    rng = np.random.default_rng(3)
    for N, D, K in ((3, 2, 4), (4, 3, 3)):             # non-square, two sizes
        sizes = dict(zip((problem.sizes()[s] for s in "NDK"), (N, D, K)))
        a = _arrays(problem, sizes, rng)
        golden = by_hand(a)
        numeric = _central(lambda v: loss({**a, wrt: v.reshape(a[wrt].shape)}), a[wrt].ravel())
        assert np.allclose(golden.ravel(), np.ravel(numeric), rtol=1e-5, atol=1e-6)
        assert np.allclose(_value(derivation, problem, sizes, a, wrt), golden, rtol=1e-8, atol=1e-9)


def test_the_labels_rows_sum_to_one_in_the_steps():
    derivation = derivator.derive(str(CORPUS / "softmax_regression_sum.toml"))
    assert "sum_to_one" in [s.rule for s in derivation.steps]


def test_show_refuses_a_derivation_whose_step_does_not_verify(monkeypatch):
    from derivator.steps.derivation import Derivation
    path = str(CORPUS / "linear_layer_sse.toml")
    code, out, _ = run("show", path, "--format", "text")
    assert code == 0 and "Result" in out

    real = Derivation.verify

    def one_fails(self, *args, **kwargs):
        checks = real(self, *args, **kwargs)
        checks[1] = dataclasses.replace(checks[1], method="failed", detail="1.0 != 2.0")
        return checks
    monkeypatch.setattr(Derivation, "verify", one_fails)
    code, out, err = run("show", path, "--format", "text")
    assert code == 1
    assert "Result" not in out
    assert "step 2 (" in err and "does not follow" in err and len(err.strip().splitlines()) == 1


def test_a_vector_declared_to_sum_to_one_is_drawn_as_a_column_summing_to_one(tmp_path):
    """A K-vector of probabilities is a K×1 column: normalised as a whole, not row by row
    (which made every entry 1); a matrix of labels is normalised row by row."""
    from derivator.verify.indices import _environment
    path = tmp_path / "p.toml"
    path.write_text('''title = "A probability vector"
strategy = "index"
[names]
p = { kind = "vector", shape = ["K"], sum = 1 }
Y = { kind = "matrix", shape = ["N", "K"], sum = 1 }
w = { kind = "vector", shape = ["K"] }
K = { kind = "size", check = [3, 4] }
N = { kind = "size", check = [2, 5] }
[function]
name = "f"
index = "sum_{k=1}^{K} p_k w_k^2 + sum_{i=1}^{N} sum_{k=1}^{K} Y_{ik} w_k"
[derive]
wrt = "w"
entry = ["a"]
''')
    problem = derivator.load(str(path))
    for n, K, N in ((0, 3, 2), (1, 4, 5)):
        _, arrays = _environment(problem, n, np.random.default_rng(n))
        p, Y = arrays["p"], arrays["Y"]
        assert p.shape == (K, 1) and (p > 0).all() and np.isclose(p.sum(), 1.0)
        assert not np.allclose(p, 1.0)
        assert Y.shape == (N, K) and (Y > 0).all() and np.allclose(Y.sum(axis=1), 1.0)
