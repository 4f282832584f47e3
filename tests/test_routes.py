"""The routes of the course's other notes (bce-mle, logistic-pm1), against the notes.

Key lines are transcribed here by hand from ../shared/reference/notes_logistic_regression_
pm1_labels.md and the lecture, as SymPy expressions, without the engine; results are
checked against sympy.diff and central differences, and the link between labels in
{+1, -1} and {0, 1} on the shipped breast-cancer data."""
import numpy as np
import pytest
import sympy as sp
from sympy import Derivative, Eq, Piecewise, Product, Sum, exp, log

import derivator
from derivator.cli import main
from derivator.model.functions import inner, sigmoid
from derivator.strategies.routes.explicit import verify_steps
from derivator.kernels.train import default_dataset
from forms import form

w, x, y, b, i, N, m = sp.symbols("w x y b i N m")
X, Y = sp.IndexedBase("x"), sp.IndexedBase("y")
h, L, J, p, NLL = (sp.Function(n) for n in ("h", "L", "J", "p", "NLL"))


def _line(d, rule, lhs=None, k=0):
    """The k-th step with `rule` (and `lhs`)."""
    hits = [s for s in d.steps if s.rule == rule and (lhs is None or s.lhs == lhs)]
    return hits[k].expr


@pytest.fixture(scope="module")
def pm1():
    return derivator.derive("logistic-pm1")


@pytest.fixture(scope="module")
def mle():
    return derivator.derive("bce-mle")


# --- every step proven -----------------------------------------------------------------

@pytest.mark.parametrize("name", ["logistic-pm1", "bce-mle"])
def test_every_step_is_verified(name):
    checks = derivator.derive(name).verify()
    failed = [(c.step.rule, c.detail) for c in checks if not c.ok]
    assert checks and not failed


def test_a_wrong_step_is_caught(pm1):
    """The checker is not a rubber stamp: σ(y wᵀx) with the sign of y flipped fails."""
    import dataclasses
    k = next(n for n, s in enumerate(pm1.steps) if s.rule == "one_formula")
    wrong = dataclasses.replace(pm1.steps[k], expr=sigmoid(-y * inner(w, x)))
    checks = verify_steps(pm1.steps[:k] + [wrong], pm1.world)
    assert checks[-1].method == "failed" and all(c.ok for c in checks[:-1])


# --- key lines, transcribed from the notes -------------------------------------------

def test_pm1_key_lines(pm1):
    t = inner(w, x)
    # ŷ when y = +1, 1 - ŷ when y = -1 (the notes' cases) ...
    assert form(pm1.steps[0].expr) == form(Piecewise((sigmoid(t), Eq(y, 1)),
                                                     (1 - sigmoid(t), Eq(y, -1))))
    # ... written as one formula: P(y | x) = σ(y wᵀx)
    assert form(_line(pm1, "one_formula", p(y, x))) == form(sigmoid(y * t))
    # the negative log-likelihood Σ log(1 + e^{-y_i wᵀx_i})
    ti = inner(w, X[i])
    assert form(_line(pm1, "minus_log_sigmoid", NLL(w))) == \
        form(Sum(log(1 + exp(-Y[i] * ti)), (i, 1, N)))
    # its gradient -Σ y_i σ(-y_i wᵀx_i) x_i, with σ recognised
    assert form(pm1.result) == form(-Sum(Y[i] * sigmoid(-Y[i] * ti) * X[i], (i, 1, N)))
    # the link: the BCE of y' = (1 + y)/2 is log(1 + e^{-y wᵀx}) ...
    assert form(_line(pm1, "minus_log_sigmoid", sp.Function("BCE")(sp.Symbol("y'"), x))) == \
        form(log(1 + exp(-y * t)))
    # ... and its gradient, the lecture's Σ (σ(wᵀx_i) - y'_i) x_i, is ∂NLL/∂w
    assert pm1.steps[-1].expr == Derivative(NLL(w), w)
    assert pm1.steps[-1].lhs == Derivative(J(w), w)


def test_bce_mle_key_lines(mle):
    cost = J(w, b)
    assert form(_line(mle, "one_formula")) == form(h(x) ** y * (1 - h(x)) ** (1 - y))
    P = sp.Function("P")
    assert form(_line(mle, "iid_likelihood")) == form(Product(p(Y[i], X[i]), (i, 1, m)))
    assert form(_line(mle, "substitute", P(w, b))) == form(
        Product(h(X[i]) ** Y[i] * (1 - h(X[i])) ** (1 - Y[i]), (i, 1, m)))
    assert form(_line(mle, "log_powers", cost)) == form(
        -1 / m * Sum(Y[i] * log(h(X[i])) + (1 - Y[i]) * log(1 - h(X[i])), (i, 1, m)))
    # the lecture's cost J(w, b) = (1/m) Σ L(y_i, h(x_i))
    assert form(_line(mle, "fold_definition", cost)) == form(1 / m * Sum(L(Y[i], h(X[i])),
                                                                        (i, 1, m)))
    # then the lecture's route, ending at (1/m) Σ (ŷ_i - y_i) x_i
    assert form(mle.result) == form(1 / m * Sum((h(X[i]) - Y[i]) * X[i], (i, 1, m)))
    assert [s.rule for s in mle.steps[-26:]] == [s.rule for s in derivator.derive("bce").steps]


def test_bce_mle_by_the_bias():
    d = derivator.derive("bce-mle", wrt="b")
    assert all(c.ok for c in d.verify())
    assert form(d.result) == form(1 / m * Sum(h(X[i]) - Y[i], (i, 1, m)))
    assert [s.rule for s in d.steps[:8]] == [s.rule for s in derivator.derive("bce-mle").steps[:8]]


def test_bce_mle_says_why_the_log():
    from derivator.render.messages import explain
    step = next(s for s in derivator.derive("bce-mle").steps if s.rule == "negative_mean")
    assert "underflow" in explain(step, "en") and "increasing" in explain(step, "en")
    assert "언더플로" in explain(step, "ko")


# --- results against sympy.diff and central differences --------------------------------

def _pm1_numbers(result, Xd, yd, wd):
    """The derived gradient at data Xd (N×D), labels yd, weights wd: its summand compiled."""
    (k, lo, hi), = next(s for s in sp.preorder_traversal(result) if isinstance(s, Sum)).limits
    outside = sp.Mul(*[f for f in result.args if not isinstance(f, Sum)]) \
        if isinstance(result, sp.Mul) else 1
    body = next(s for s in sp.preorder_traversal(result) if isinstance(s, Sum)).function
    xs, ys = sp.symbols("xs ys")
    f = sp.lambdify([w, xs, ys], body.xreplace({X[k]: xs, Y[k]: ys}),
                    modules=[{"inner": np.dot, "sigmoid": lambda t: 0.5 * (1 + np.tanh(t / 2))},
                             "numpy"])
    return float(outside) * sum(f(wd, xr, yr) for xr, yr in zip(Xd, yd))


def _nll(Xd, yd, wd):
    return np.sum(np.logaddexp(0, -yd * (Xd @ wd)))


def test_pm1_result_against_sympy_diff_and_central_differences(pm1):
    rng = np.random.default_rng(3)
    n, dim = 5, 3                            # non-square data
    Xd, yd = rng.normal(size=(n, dim)), rng.choice([-1.0, 1.0], size=n)
    wd = rng.normal(size=dim)
    ours = _pm1_numbers(pm1.result, Xd, yd, wd)
    ws = sp.symbols(f"w1:{dim + 1}")
    loss = sum(sp.log(1 + sp.exp(-int(yd[r]) * sum(ws[c] * sp.Float(Xd[r, c])
                                                    for c in range(dim)))) for r in range(n))
    at = dict(zip(ws, wd))
    by_sympy = np.array([float(sp.diff(loss, wk).xreplace(at)) for wk in ws])
    eps = 1e-6
    central = np.array([(_nll(Xd, yd, wd + eps * e) - _nll(Xd, yd, wd - eps * e)) / (2 * eps)
                        for e in np.eye(dim)])
    np.testing.assert_allclose(ours, by_sympy, rtol=1e-12)
    np.testing.assert_allclose(ours, central, rtol=1e-7)


def test_bce_mle_result_against_central_differences(mle):
    rng = np.random.default_rng(4)
    xd, yd = rng.normal(size=6), rng.integers(0, 2, size=6).astype(float)
    w0, b0 = 0.4, -0.3
    z = sp.Symbol("t")
    result = mle.result.replace(h, sp.Lambda(z, 1 / (1 + sp.exp(-(w * z + b)))))
    value = float(result.xreplace({m: 6}).doit().xreplace(
        {w: w0, b: b0, **{X[k + 1]: xd[k] for k in range(6)},
         **{Y[k + 1]: yd[k] for k in range(6)}}))

    def cost(v):
        s = 1 / (1 + np.exp(-(v * xd + b0)))
        return -np.mean(yd * np.log(s) + (1 - yd) * np.log(1 - s))
    assert value == pytest.approx((cost(w0 + 1e-6) - cost(w0 - 1e-6)) / 2e-6, rel=1e-7)


def test_pm1_and_bce_agree_on_breast_cancer(pm1):
    """Labels y ∈ {+1, -1} and y' = (1 + y)/2 ∈ {0, 1}: the same loss, the same gradient."""
    data = default_dataset((0, 1))               # benign: 0 or 1
    Xd = (data.X - data.X.mean(axis=0)) / data.X.std(axis=0)     # standardised features
    y01 = data.y.astype(float)
    ypm = 2 * y01 - 1
    wd = np.random.default_rng(5).normal(scale=0.1, size=Xd.shape[1])
    ours = _pm1_numbers(pm1.result, Xd, ypm, wd)
    s = 0.5 * (1 + np.tanh(Xd @ wd / 2))
    bce_gradient = Xd.T @ (s - y01)
    scale = np.abs(bce_gradient).max()
    np.testing.assert_allclose(ours, bce_gradient, rtol=1e-12, atol=1e-12 * scale)
    bce_loss = -np.sum(y01 * np.log(s) + (1 - y01) * np.log1p(-s))
    assert _nll(Xd, ypm, wd) == pytest.approx(bce_loss, rel=1e-12)


# --- the command line --------------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["rich", "text", "latex", "markdown", "json"])
@pytest.mark.parametrize("lang", ["en", "ko"])
def test_show_in_every_format(fmt, lang, capsys):
    for name in ("logistic-pm1", "bce-mle"):
        assert main(["show", name, "--format", fmt, "--lang", lang]) == 0
    assert "σ" in capsys.readouterr().out or fmt != "text"


def test_list_names_the_new_derivations(capsys):
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    assert "bce-mle" in out and "logistic-pm1" in out


def test_an_unknown_route_is_one_line(capsys):
    assert main(["show", "bce", "--route", "nowhere"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "nowhere" in err


def test_python_api():
    assert derivator.derive("logistic-pm1").result == \
        derivator.derive("logistic-pm1", route=None).result
    assert "logistic-pm1" in derivator.catalog() and "bce-mle" in derivator.catalog()
    with pytest.raises(derivator.DerivatorError):
        derivator.derive("logistic-pm1", wrt="b")


# --- bce --route ez (../shared/reference/notes_bce_vectorized.md) -------------------------

zs, eta, n_, m_, j, k = sp.symbols("z eta n m j k")
Wb, Zb = sp.IndexedBase("w"), sp.IndexedBase("z")
bfun = sp.Function("b")


@pytest.fixture(scope="module")
def ez():
    return derivator.derive("bce", route="ez")


def _same(a, b_):
    """Equal as functions of z and y (the notes' lines are written loosely)."""
    return sp.simplify(sp.expand(sp.sympify(a) - sp.sympify(b_))) == 0


def test_ez_every_step_is_verified(ez):
    failed = [(c.step.rule, c.detail) for c in ez.verify() if not c.ok]
    assert not failed


def test_ez_key_lines(ez):
    ez_, dz = exp(zs), Derivative(zs, Wb[j])
    lhs = Derivative(L(y, bfun(zs)), Wb[j])
    # ∂L/∂w_j by the chain rule through b(z) and z, as the notes write it
    assert form(_line(ez, "log_chain_through", lhs)) == form(
        -y * (1 / bfun(zs)) * Derivative(bfun(zs), zs) * dz
        - (1 - y) * (1 / (1 - bfun(zs))) * Derivative(1 - bfun(zs), zs) * dz)
    # ∂b/∂z through e^z: d/dz(e^z/(1 + e^z)) = d/dz(1 - 1/(1 + e^z)) = e^z/(1 + e^z)²
    db = Derivative(bfun(zs), zs)
    assert form(_line(ez, "times_exponential", db)) == form(Derivative(ez_ / (1 + ez_), zs))
    assert form(_line(ez, "divide_out", db)) == form(Derivative(1 - 1 / (1 + ez_), zs))
    assert form(_line(ez, "exponential_rule", db)) == form(ez_ / (1 + ez_) ** 2)
    # the two quotients: 1/(1 + e^z) and -e^z/(1 + e^z)
    cancelled = [s.expr for s in ez.steps if s.rule == "cancel_common"]
    assert _same(cancelled[0], 1 / (1 + ez_)) and _same(cancelled[1], -ez_ / (1 + ez_))
    assert _same([s.expr for s in ez.steps if s.rule == "multiply_out"][1],
                 (ez_ + 1) * (-ez_ / (1 + ez_) ** 2))
    # combined: e^z/(1 + e^z) - y = 1/(1 + e^{-z}) - y = b(z) - y
    assert _same(_line(ez, "collect_label"), ez_ / (1 + ez_) - y)
    assert form(_line(ez, "to_negative_exponent")) == form(1 / (1 + exp(-zs)) - y)
    assert form(_line(ez, "fold_definition")) == form(bfun(zs) - y)
    # per weight and for the bias
    assert form(_line(ez, "kronecker_delta", lhs)) == form((bfun(zs) - y) * X[j])
    assert form(_line(ez, "itself")) == form(bfun(zs) - y)
    # the mean over the n samples, and the updates
    grad = 1 / n_ * Sum((bfun(Zb[i]) - Y[i]) * X[i, j], (i, 1, n_))
    assert form(ez.result) == form(grad)
    assert form(_line(ez, "substitute_sample", k=1)) == form(
        1 / n_ * Sum(bfun(Zb[i]) - Y[i], (i, 1, n_)))
    updates = [s.expr for s in ez.steps if s.section == "update" and s.rule == "substitute"]
    assert form(updates[0]) == form(Wb[j] - eta * grad)
    # vectorized, the samples as rows: (1/n)(b(z) - y) X
    # (its numbers are checked against Xᵀ(σ(Xw + b) - y)/n below)
    from derivator.render.printing import to_text
    row = _line(ez, "row_vector")
    assert to_text(row) == "(1/n) (b(z) - y) X"
    assert row.shape == (1, m_) and sp.MatrixSymbol("X", n_, m_) in row.args


def test_ez_notes_the_slips(ez):
    from derivator.render.messages import explain
    slips = [s for s in ez.steps if s.rule == "substitute_both"]
    assert len(slips) == 2
    for s in slips:
        assert "slip" in explain(s, "en") and "실수" in explain(s, "ko")


def test_ez_keeps_the_notes_letters(ez):
    sizes = {str(s) for step in ez.steps for s in step.expr.free_symbols}
    assert "n" in sizes and "m" in sizes and "N" not in sizes and "D" not in sizes


def _bce_mean(Xd, yd, wd, bd):
    s = 1 / (1 + np.exp(-(Xd @ wd + bd)))
    return -np.mean(yd * np.log(s) + (1 - yd) * np.log(1 - s))


def test_ez_results_against_central_differences_and_the_lecture(ez):
    from derivator.strategies.routes.explicit import Writer, numbers
    rng = np.random.default_rng(6)
    n, mm = 5, 3
    Xd, yd = rng.normal(size=(n, mm)), rng.integers(0, 2, size=n).astype(float)
    wd, bd = rng.normal(size=mm), 0.2
    point = {**{X[r + 1, c + 1]: sp.Float(Xd[r, c]) for r in range(n) for c in range(mm)},
             **{Y[r + 1]: sp.Float(yd[r]) for r in range(n)},
             **{Wb[c + 1]: sp.Float(wd[c]) for c in range(mm)}, b: sp.Float(bd)}
    writer = Writer(ez.world, {n_: n, m_: mm})
    per_weight = np.array([numbers(writer.explicit(ez.result.xreplace({j: jj})), point).real
                           for jj in range(1, mm + 1)])
    eps = 1e-6
    central = np.array([(_bce_mean(Xd, yd, wd + eps * e, bd) - _bce_mean(Xd, yd, wd - eps * e, bd))
                        / (2 * eps) for e in np.eye(mm)])
    np.testing.assert_allclose(per_weight, central, rtol=1e-7)
    lecture = Xd.T @ (1 / (1 + np.exp(-(Xd @ wd + bd))) - yd) / n      # Xᵀ(σ(Xw + b) - y)/n
    for step in (s for s in ez.steps if s.section == "ez_vector"):
        row = numbers(writer.explicit(step.expr), point).real
        np.testing.assert_allclose(row.ravel(), lecture, rtol=1e-12)


def test_ez_on_the_command_line(capsys):
    for lang in ("en", "ko"):
        for fmt in ("text", "latex", "markdown", "json"):
            assert main(["show", "bce", "--route", "ez", "--format", fmt, "--lang", lang]) == 0
    assert main(["list"]) == 0
    assert "--route ez" in capsys.readouterr().out


# --- answers to the routes' derivations ---------------------------------------------------

@pytest.mark.parametrize("name,answer,status", [
    ("logistic-pm1", "-sum_{i=1}^{N} y_i sigma(-y_i w^T x_i) x_i", "correct"),
    ("logistic-pm1", r"\sum_{i=1}^{N} (\sigma(w^T x_i) - (1 + y_i)/2) x_i", "correct"),
    ("logistic-pm1", "X^T (sigma(X w) - (1 + y)/2)", "correct"),
    ("logistic-pm1", "-sum_{i=1}^{N} y_i sigma(y_i w^T x_i) x_i", "incorrect"),
    ("logistic-pm1", "sum_{i=1}^{N} (sigma(w^T x_i) - y_i) x_i", "incorrect"),   # {0,1} form
    ("bce-mle", "(1/m) sum_{i=1}^{m} (sigma(w x_i + b) - y_i) x_i", "correct"),
    ("bce-mle", "(1/m) sum_{i=1}^{m} (h(x_i) - y_i) x_i", "correct"),
    ("bce-mle", "(1/m) sum_{i=1}^{m} (y_i - h(x_i)) x_i", "incorrect"),
    ("bce-mle", "sum_{i=1}^{m} (h(x_i) - y_i) x_i", "incorrect"),
])
def test_check_answers(name, answer, status):
    assert derivator.check(name, answer).status == status


@pytest.mark.parametrize("name,answer", [
    ("bce-mle", r"\frac{dJ}{dw} = \frac{1}{m}\sum_{i=1}^{m} (h(x_i) - y_i) x_i"),
    ("bce-mle", "dJ/dw = (1/m) sum_{i=1}^{m} (h(x_i) - y_i) x_i"),
    ("logistic-pm1", r"\nabla_w L = -\sum_{i=1}^N y_i x_i \sigma(-y_i w^T x_i)"),
])
def test_check_answers_with_a_left_hand_side(name, answer):
    """A left-hand side naming the derivative by w, which is what the routes ask for
    (it was judged incorrect: 'the problem asks for the derivative by ' and no name)."""
    assert derivator.check(name, answer).status == "correct"


def test_check_labels_come_from_their_set():
    """With y = 0 drawn for ±1 labels the (1 + y)/2 form would be judged wrong."""
    from derivator.answers.judge.judge import _task
    task, points = _task("logistic-pm1", 0)
    labels = np.concatenate([np.ravel(p.values["y"]) for p in points])
    assert set(labels) == {-1.0, 1.0}


@pytest.mark.skipif(__import__("shutil").which("pdflatex") is None,
                    reason="pdflatex is not installed")
def test_routes_latex_compiles_with_pdflatex(tmp_path):
    import subprocess
    from derivator.render import documents
    body = "".join(documents.render_latex(d, "ko") for d in (
        derivator.derive("logistic-pm1"), derivator.derive("bce-mle"),
        derivator.derive("bce", route="ez")))
    doc = "\\documentclass{article}\n\\usepackage{amsmath}\n\\begin{document}\n" + body \
          + "\\end{document}\n"
    (tmp_path / "d.tex").write_text(doc, encoding="utf-8")
    run = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "d.tex"],
                         cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout[-2000:]
    math = "\n".join(line.split(" % ")[0] for line in body.splitlines()
                     if not line.startswith("%"))
    assert math.isascii()


def test_a_class_answers_the_routes_too(tmp_path, capsys):
    answers = tmp_path / "answers.csv"
    answers.write_text("student,problem,answer\n"
                       'ann,logistic-pm1,"-sum_{i=1}^{N} y_i sigma(-y_i w^T x_i) x_i"\n'
                       'bob,bce-mle,"sum_{i=1}^{m} (h(x_i) - y_i)"\n', encoding="utf-8")
    results = tmp_path / "results.json"
    assert main(["check", "--file", str(answers), "--output", str(results)]) == 0
    import json
    verdicts = json.loads(results.read_text(encoding="utf-8"))
    assert [v["status"] for v in verdicts] == ["correct", "incorrect"]


def test_a_working_that_starts_from_the_routes_cost():
    """J = … as the first line of a bce-mle working is the route's own cost (it crashed:
    'the check failed: StopIteration', the cost being hidden from answers)."""
    from derivator.answers.judge.working import check_working
    v = check_working("bce-mle", r"""J = -\frac{1}{m} \sum_{i=1}^{m} (y_i \ln(h(x_i)) + (1 - y_i) \ln(1 - h(x_i)))
\frac{dJ}{dw} = \frac{1}{m}\sum_{i=1}^{m} (h(x_i) - y_i) x_i""")
    assert v.status == "correct" and [r["status"] for r in v.lines] == ["follows"] * 2
    v = check_working("bce-mle", r"J = \frac{1}{m} \sum_{i=1}^{m} (y_i \ln(h(x_i)) + (1 - y_i) \ln(1 - h(x_i)))")
    assert v.lines[0]["status"] == "wrong"
    v = check_working("logistic-pm1", r"""NLL = \sum_{i=1}^{N} \ln(1 + e^{-y_i w^T x_i})
\frac{dNLL}{dw} = -\sum_{i=1}^{N} y_i \sigma(-y_i w^T x_i) x_i""")   # NameError: P
    assert [r["status"] for r in v.lines] == ["unreadable", "follows"] and v.status == "correct"


def test_a_missing_mean_is_named_with_the_routes_own_count():
    """bce-mle's samples are counted by m: its note says 1/m (it said 1/N, a name the
    problem does not have)."""
    assert derivator.check("bce-mle", r"\sum_{i=1}^{m} (h(x_i) - y_i) x_i").notes[0] == \
        "missing a 1/m, or a sum counted m times"
    assert derivator.check("bce-mle", r"\frac{1}{m^2}\sum_{i=1}^{m} (h(x_i) - y_i) x_i") \
        .notes[0].startswith("an extra 1/m:")
