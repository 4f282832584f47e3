"""The kinds of writing behind the held-out corpus's gaps (issue 18), each in words of our
own: a notebook's generator sum and np.mean(…, axis=…), NumPy's broadcasting of a column,
a product by np.ones, @ of two vectors; a remark after the formula in brackets or after a
comma; TeX's evaluation bar and \\| norms inside \\left…\\right. Each row names its meaning
(a key of test_dialects.MEANINGS or of EXTRA below, computed with NumPy); the verdict it
must get is worked out by finite differences there, never written here."""
import re

import numpy as np
import pytest

import derivator
from test_dialects import MEANINGS, p4_right, point, sig, truth

EXTRA = {
    "p3": {"mean": lambda v: v.w - v.eta / (2 * v.N) * v.X.T @ ((v.f - v.y) * (1 - v.f ** 2))},
    "p2": {"norm-reg": lambda v: v.w - v.eta * (v.X.T @ (sig(v.X @ v.w) - v.y)
                                                 + 2 * np.linalg.norm(v.w))},
}

# problem, meaning, kind, answer
KINDS = [
    # a generator sum over the samples, X[i] for x_i
    ("p2", "update", "generator", "w - eta * (sum((sigmoid(X[i] @ w) - y[i]) * X[i] for i in range(N)) + 2 * w)"),
    ("p2", "update", "generator", "w - lr * (sum(X[n] * (expit(np.dot(X[n], w)) - y[n]) for n in range(N)) + 2*w)"),
    ("p2", "no-regulariser", "generator", "w - eta * sum((sigmoid(X[i] @ w) - y[i]) * X[i] for i in range(N))"),
    ("p3", "update", "generator", "w - eta / 2 * sum((np.tanh(X[i] @ w / 2) - y[i]) * (1 - np.tanh(X[i] @ w / 2)**2) * X[i] for i in range(N))"),
    ("p3", "no-half", "generator", "w - eta * sum((f(X[i]) - y[i]) * (1 - f(X[i])**2) * X[i] for i in range(N))"),
    ("p4", "right", "generator", "np.linalg.solve(sum(np.outer(X[j], X[j]) for j in range(N)), sum(y[j] * X[j] for j in range(N)))"),
    ("p4", "xty", "generator", "sum(y[i] * X[i] for i in range(N))"),
    # np.mean over an axis divides by the count of what it sums
    ("p2", "mean", "mean-axis", "w - lr * (np.mean(X * (sigmoid(X @ w) - y)[:, None], axis=0) * 1 + 2 * w)"),
    ("p2", "update", "mean-axis", "w - eta * (N * np.mean((expit(X @ w) - y)[:, None] * X, axis=0) + 2 * w)"),
    ("p2", "update", "mean-axis", "w - eta * (N * (X * (sigmoid(X @ w) - y)[:, None]).mean(axis=0) + 2 * w)"),
    ("p3", "mean", "mean-axis", "w - eta / 2 * np.mean(X * ((np.tanh(X @ w / 2) - y) * (1 - np.tanh(X @ w / 2)**2))[:, None], axis=0)"),
    ("p3", "update", "mean-axis", "w - eta / 2 * N * np.mean(X * ((np.tanh(X @ w / 2) - y) * (1 - np.tanh(X @ w / 2)**2))[:, None], axis=0)"),
    # a column broadcast across a matrix: row k times r_k
    ("p2", "update", "broadcast", "w - eta * (np.sum((sigmoid(X @ w) - y)[:, None] * X, axis=0) + 2 * w)"),
    ("p2", "ascent", "broadcast", "w + eta * (((sigmoid(X @ w) - y)[:, np.newaxis] * X).sum(axis=0) + 2 * w)"),
    ("p3", "no-derivative", "broadcast", "w - eta * np.sum(X * (np.tanh(X @ w / 2) - y)[:, None], axis=0)"),
    # entrywise by ones changes nothing
    ("p5", "right", "ones", "B * np.ones((N, N))"),
    ("p5", "right", "ones", "np.ones_like(A) * B"),
    ("p5", "transposed", "ones", "B.T * torch.ones_like(B)"),
    ("p6", "right", "ones", "(X + X.T) @ w * np.ones(D)"),
    # a remark in brackets after the formula: a sentence, whatever it mentions
    ("p1a", "right", "bracket-remark", "2X^T (both terms of the product rule give X_{lk})"),
    ("p1a", "plain", "bracket-remark", "Answer: 2X (each factor contributes one X)"),
    ("p1b", "right", "bracket-remark", "3 (X^2)^T (three cyclic terms, all equal)"),
    ("p1b", "notransposed", "bracket-remark", "3X^2 (세 항이 모두 같음)"),
    ("p1c", "right", "bracket-remark", "k (X^{k-1})^T [trace is cyclic, so each of the k terms agrees]"),
    ("p4", "right", "bracket-remark", "w = (X^T X)^{-1} X^T y (정규방정식의 해)"),
    ("p4", "twice", "bracket-remark", "2 (X^T X)^{-1} X^T y (from setting the gradient to zero)"),
    ("p5", "transposed", "bracket-remark", "The derivative is B^T (since A_{kl} meets B_{lk})."),
    ("p6", "twice", "bracket-remark", "2Xw (X를 대칭으로 보고)"),
    ("p6", "right", "bracket-remark", r"$(X + X^\top) w$ (product rule on both w's)"),
    # a clause after a comma that says why or when
    ("p6", "right", "clause", "X w + X^T w, which reduces to 2Xw when X is symmetric"),
    ("p6", "xw", "clause", "X w, since the quadratic form only sees X once"),
    ("p1a", "right", "clause", "2X^T, by the product rule applied to tr(XX)"),
    ("p5", "right", "clause", "B, because tr(A^T B) is linear in A"),
    ("p2", "update", "clause", r"w - \eta (X^T(\sigma(Xw) - y) + 2w), using the logistic derivative"),
    # a sentence after the formula's full stop
    ("p1a", "right", "sentence", "2X^T. This follows from the product rule."),
    ("p5", "transposed", "sentence", "B^T. Both matrices are square here."),
    ("p6", "right", "sentence", "(X + X^T)w. The product rule gives two terms."),
    # norm bars in every spelling: \|v\|, \lVert v \rVert, \left\| v \right\|, ‖v‖, ||v||
    ("p2", "update", "norm", r"w - \eta (X^T(\sigma(Xw) - y) + 2\|w\| \frac{w}{\|w\|})"),
    ("p2", "update", "norm", r"w - η (Xᵀ(σ(Xw) - y) + 2‖w‖ w/‖w‖)"),
    ("p2", "update", "norm", r"w - eta (X^T (sigma(X w) - y) + 2 ||w|| w / ||w||)"),
    ("p2", "norm-reg", "norm", r"w_{t+1} = w_t - \eta\left(X^T(\sigma(X w_t) - y) + 2\lVert w_t \rVert\right)"),
    ("p2", "norm-reg", "norm", r"w - \eta\left(\sum_{i=1}^{N}(\sigma(w^T x_i) - y_i)x_i + 2\left\|w\right\|\right)"),
    ("p6", "right", "norm", r"(X + X^T) w \|w\|^2 / (w^T w)"),
    # an evaluation bar: \left. E \right|_{w = w_t}, E\Big|_{…}, E|_{…}
    ("p2", "update", "bar", r"w_t - \eta \left. \left(X^T(\sigma(Xw) - y) + 2w\right) \right|_{w = w_t}"),
    ("p2", "update", "bar", r"w_t - \eta \left(X^T(\sigma(Xw) - y) + 2w\right)\Big|_{w=w_t}"),
    ("p2", "ascent", "bar", r"w_t + \eta (X^T(\sigma(Xw) - y) + 2w)|_{w = w_t}"),
    ("p2", "gradient", "bar", r"\left. X^T(\sigma(X v) - y) + 2v \right|_{v = w}"),
    ("p6", "twice", "bar", r"\left. 2 X v \right|_{v = w}"),
    ("p6", "right", "bar", r"\left. (X + X^T) v \right|_{v = w}"),
    # a sentence before a colon introduces the mathematics after it
    ("p1a", "right", "colon-lead", "Using the product rule twice: 2X^T"),
    ("p1a", "plain", "colon-lead", "By the chain rule on tr(XX): 2X"),
    ("p6", "right", "colon-lead", "for w of size D: (X + X^T) w"),
    ("p4", "right", "colon-lead", "Setting the gradient to 0 and solving: w = (X^T X)^{-1} X^T y"),
    ("p5", "transposed", "colon-lead", "Differentiating each entry A_{kl}: B^T"),
    # @ of two vectors is their inner product (NumPy's 1-D @)
    ("p2", "update", "vector-at", "w - eta * (sum((sigmoid(w @ X[i]) - y[i]) * X[i] for i in range(N)) + 2 * w)"),
    ("p6", "scalar", "vector-at", "w @ X @ w"),
]


def expected(problem, meaning):
    """correct or incorrect, from NumPy and finite differences at two random points."""
    rng = np.random.default_rng(sum(map(ord, problem + meaning)))
    meanings = {**MEANINGS[problem], **EXTRA.get(problem, {})}
    for size in (0, 1):
        v = point(problem, rng, size)
        got = meanings[meaning](v)
        if problem == "p4":
            if not p4_right(v, got):
                return "incorrect"
            continue
        want = truth(problem, v)
        got = np.asarray(got, dtype=float)
        if got.shape != want.shape or not np.allclose(got, want, rtol=1e-5, atol=1e-6):
            return "incorrect"
    return "correct"


def test_the_kinds_have_right_and_wrong_answers():
    verdicts = {expected(p, m) for p, m, _, _ in KINDS}
    assert verdicts == {"correct", "incorrect"}


@pytest.mark.parametrize("problem, meaning, kind, answer", KINDS,
                         ids=[f"{k}-{n}" for n, (_, _, k, _) in enumerate(KINDS)])
def test_each_kind_is_read_and_judged_as_numpy_means_it(problem, meaning, kind, answer):
    v = derivator.check(problem, answer)
    assert v.status == expected(problem, meaning), (v.read_as, v.message)


@pytest.mark.parametrize("text, said", [
    ("sum(X[i] for i in range(1, N))", "range(N)"),
    ("sum(X[i] for i in range(N) if i > 0)", "range(N)"),
    ("sum(X[i] for i in range(7))", "range(N)"),
    ("sum(X[i] * y[j] for i in range(N) for j in range(N))", "range(N)"),
    ("X.T @ np.ones((N, N))", "entrywise product"),
    ("np.ones(D)", "entrywise product"),
])
def test_a_notebook_form_that_is_not_read_says_what_would_be(text, said):
    v = derivator.check("p4", text)
    assert v.status == "unreadable" and said in v.message and "\n" not in v.message


def test_the_guesses_of_a_notebook_are_shown():
    v = derivator.check("p2", "w - eta * (sum((sigmoid(X[i] @ w) - y[i]) * X[i] "
                              "for i in range(N)) + 2 * w)")
    assert "read as Σ_{i=1}^{N}" in v.read_as and "X[i] read as x_i" in v.read_as
    v = derivator.check("p5", "B * np.ones((N, N))")
    assert "read as 1" in v.read_as


@pytest.mark.parametrize("problem, text", [
    ("p6", "(X + X^T) w, which equals 2Xw"),           # claims another answer, unqualified
    ("p6", "(X + X^T) w, so the answer is 2Xw"),       # `so`: what follows may be the answer
    ("p1a", "2X^T. The answer is 2X"),                 # a second formula after the stop
    ("p6", "(X + X^T) w (wait, it is 2Xw)"),           # a bracket that names another answer
])
def test_prose_that_may_be_another_answer_is_never_set_aside_into_an_accept(problem, text):
    assert derivator.check(problem, text).status != "correct"


def test_a_call_or_a_bracket_of_mathematics_is_never_a_remark():
    v = derivator.check("p2", "w_{new} = w_{old} - \\eta (X^T(\\sigma(Xw_{old}) - y) + 2 w_{old})")
    assert v.status == "correct" and "set aside" not in v.read_as
    v = derivator.check("p1a", "2X^T (by the product rule)")
    assert v.status == "correct" and "(by the product rule)" in v.read_as


@pytest.mark.parametrize("text, said", [
    (r"w - \eta (X^T(\sigma(Xw) - y) + 2\|w)", "norm opened here is never closed"),
    (r"w_t - \eta (X^T(\sigma(Xw) - y) + 2w)|_{2w = w_t}", "sets a name"),
    (r"w_t - \eta (X^T(\sigma(Xw) - y) + 2w)|_{w = w_t", "closing |_{w = …}"),
])
def test_a_broken_norm_or_bar_says_where_and_what_would_work(text, said):
    v = derivator.check("p2", text)
    assert v.status == "unreadable" and said in v.message and "column" in v.message


@pytest.mark.parametrize("problem, text", [
    ("p4", "sum(X[i] for i in range(1, N))"),
    ("p4", "X.T @ np.ones((N, N))"),
    ("p2", r"w - \eta (X^T(\sigma(Xw) - y) + 2\|w)"),
    ("p2", r"w_t - \eta (X^T(\sigma(Xw) - y) + 2w)|_{2w = w_t}"),
])
def test_the_new_refusals_read_in_korean(problem, text):
    from derivator.render.catalogue import translate
    korean = translate(derivator.check(problem, text).message, "ko")
    assert re.search("[가-힣]", korean) and not re.search(r"\b(?:is|the|only|read)\b", korean)


def test_the_new_guesses_read_in_korean():
    from derivator.render.catalogue import read_as_text
    for problem, text in [("p5", "B * np.ones((N, N))"),
                          ("p2", "w - eta * (N * np.mean((expit(X @ w) - y)[:, None] * X, "
                                 "axis=0) + 2 * w)")]:
        korean = read_as_text(derivator.check(problem, text).read_as, "ko")
        assert "읽음" in korean and " read as " not in korean, korean
