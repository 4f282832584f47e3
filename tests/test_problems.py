"""Problems 1-7: derivations computed from the files in problems/, every step checked,
every result against central differences on random non-symmetric matrices at two sizes."""
import numpy as np
import pytest
import sympy as sp

import derivator
from derivator.model.problemset import all_problems, problem
from forms import form
from test_cli import run

INDEX_PROBLEMS = [p for p, v in all_problems().items() if v.strategy == "index"]

# The functions themselves, written independently of the problem files: f(values of names)
FUNCTIONS = {
    "p1a": lambda v: np.trace(v["X"] @ v["X"]),
    "p1b": lambda v: np.trace(v["X"] @ v["X"] @ v["X"]),
    "p5": lambda v: np.trace(v["A"].T @ v["B"]),
    "p6": lambda v: (v["w"].T @ v["X"] @ v["w"]).item(),
}


def _central_matrix(f, M, eps=1e-6):
    out = np.zeros_like(M)
    for idx in np.ndindex(M.shape):
        E = np.zeros_like(M)
        E[idx] = eps
        out[idx] = (f(M + E) - f(M - E)) / (2 * eps)
    return out


def _numeric(expr, values):
    """A matrix expression evaluated with numpy arrays for its MatrixSymbols."""
    symbols = sorted(expr.atoms(sp.MatrixSymbol), key=str)
    f = sp.lambdify(symbols, expr, "numpy")
    return np.asarray(f(*[values[s.name] for s in symbols]), dtype=float)


def _nonsymmetric(rng, shape):
    M = rng.normal(size=shape)
    assert shape[0] != shape[-1] or not np.allclose(M, M.T)
    return M


@pytest.mark.parametrize("pid", INDEX_PROBLEMS)
def test_every_step_is_checked(pid):
    checks = derivator.derive(pid).verify()
    assert [c.method for c in checks if not c.ok] == []


@pytest.mark.parametrize("pid", INDEX_PROBLEMS)
@pytest.mark.parametrize("size", [2, 3, 4])
def test_result_matches_central_differences(pid, size):
    p = problem(pid)
    d = derivator.derive(pid)
    rng = np.random.default_rng(size)
    sizes = {s: size for s in p.sizes().values()}
    matrices = {n: m.xreplace(sizes) for n, m in p.matrices().items()}
    values = {n: _nonsymmetric(rng, tuple(int(x) for x in m.shape)) for n, m in matrices.items()}
    wrt = p.data["derive"]["wrt"]

    def f(M):
        return FUNCTIONS[pid]({**values, wrt: M})

    expected = _central_matrix(f, values[wrt])
    got = _numeric(d.result.xreplace(sizes), values)
    np.testing.assert_allclose(got.reshape(expected.shape), expected, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("pid,expected", [
    ("p1a", lambda X: 2 * X.T), ("p1b", lambda X: 3 * (X**2).T),
])
def test_trace_results_are_the_known_formulas(pid, expected):
    d = derivator.derive(pid)
    X = sp.MatrixSymbol("X", problem(pid).sizes()["D"], problem(pid).sizes()["D"])
    D = problem(pid).sizes()["D"]
    Xn = np.random.default_rng(0).normal(size=(3, 3))
    got = _numeric(d.result.xreplace({D: 3}), {"X": Xn})
    want = _numeric(expected(X).xreplace({D: 3}), {"X": Xn})
    np.testing.assert_allclose(got, want)


def test_p6_is_x_plus_x_transpose_times_w_and_notes_symmetry():
    d = derivator.derive("p6")
    D = problem("p6").sizes()["D"]
    rng = np.random.default_rng(1)
    X, w = _nonsymmetric(rng, (3, 3)), rng.normal(size=(3, 1))
    got = _numeric(d.result.xreplace({D: 3}), {"X": X, "w": w})
    np.testing.assert_allclose(got, (X + X.T) @ w)
    assert not np.allclose(got, 2 * X @ w)         # 2Xw holds for symmetric X only
    assert "symmetric" in problem("p6").notes["en"]


def test_a_wrong_matrix_form_fails_the_check():
    import dataclasses
    d = derivator.derive("p1a")
    k = next(k for k, s in enumerate(d.steps) if s.rule == "matrix_form")
    X = d.steps[k].expr.atoms(sp.MatrixSymbol).pop()
    steps = list(d.steps)
    steps[k] = dataclasses.replace(steps[k], expr=2 * X)        # forgot the transpose
    broken = dataclasses.replace(d, steps=steps)
    assert not broken.verify()[k].ok


def test_the_derivation_reads_like_the_course_index_notation():
    rules = [s.rule for s in derivator.derive("p1a").steps]
    assert rules == ["definition", "index_notation", "definition", "into_sum", "product_rule",
                     "entry_derivative", "kronecker_delta", "collect", "transpose", "matrix_form"]
    d = derivator.derive("p5")
    A, B = (sp.IndexedBase(n) for n in "AB")
    i, j, k, l = sp.symbols("i j k l", integer=True)
    kron = next(s for s in d.steps if s.rule == "kronecker_delta")
    assert form(kron.expr) == form(B[k, l])


@pytest.mark.parametrize("name", ["p1a", "1a", "p6", "6"])
def test_show_accepts_ids_and_numbers(name):
    code, out, err = run("show", name, "--format", "text")
    assert code == 0 and not err and "Back to matrix form" in out


@pytest.mark.parametrize("fmt", ["rich", "text", "latex", "markdown", "json"])
@pytest.mark.parametrize("lang", ["en", "ko"])
def test_every_format_and_language(fmt, lang):
    for pid in all_problems():
        code, out, err = run("show", pid, "--format", fmt, "--lang", lang)
        assert code == 0 and out.strip() and not err


def test_problems_lists_statements():
    code, out, _ = run("problems")
    assert code == 0
    for pid in all_problems():
        assert f"{pid} (problem" in out
    assert "Frobenius" in out


def test_unknown_problem_and_wrong_wrt():
    assert run("show", "p9")[0] == 2 and "unknown derivation 'p9'" in run("show", "p9")[2]
    code, _, err = run("show", "p1a", "--wrt", "w")
    assert code == 2 and "p1a is differentiated with respect to X only" in err


LOSS_PROBLEMS = [p for p, v in all_problems().items() if v.strategy in ("loss", "likelihood")]


@pytest.mark.parametrize("pid", LOSS_PROBLEMS)
def test_loss_problem_steps_are_checked(pid):
    assert [(c.step.rule, c.detail) for c in derivator.derive(pid).verify() if not c.ok] == []


def _sigmoid(z):
    return 1 / (1 + np.exp(-z))


def test_p2_gradient_and_update_match_central_differences():
    d = derivator.derive("p2")
    rng = np.random.default_rng(5)
    N, D, eta = 7, 4, 0.1
    X, y, w = rng.normal(size=(N, D)), rng.integers(0, 2, size=N).astype(float), rng.normal(size=D)

    def L(w):
        f = _sigmoid(X @ w)
        return np.sum(-y * np.log(f) - (1 - y) * np.log(1 - f)) + w @ w

    fd = np.array([(L(w + 1e-6 * e) - L(w - 1e-6 * e)) / 2e-6 for e in np.eye(D)])
    grad = next(s for s in d.steps if s.rule == "vectorize").expr
    sizes = {s: v for s, v in zip(problem("p2").sizes().values(), (N, D))}
    values = {"X": X, "y": y.reshape(-1, 1), "w": w.reshape(-1, 1), "w_t": w.reshape(-1, 1)}
    got = _evaluate_with_sigmoid(grad.xreplace(sizes), values)
    np.testing.assert_allclose(got.ravel(), fd, rtol=1e-6)
    decay = next(s for s in d.steps if s.rule == "weight_decay").expr
    update = _evaluate_with_sigmoid(decay.xreplace({**sizes, sp.Symbol("eta"): eta}), values)
    np.testing.assert_allclose(update.ravel(), w - eta * fd, rtol=1e-6)


def _evaluate_with_sigmoid(expr, values):
    from derivator.model.functions import expand_named_functions
    from derivator.verify.steps import _evaluate_raw
    return np.asarray(_evaluate_raw(expand_named_functions(expr), {sp.MatrixSymbol(n, *a.shape): a
                                           for n, a in values.items()}), dtype=float)


def test_p3_gradient_matches_central_differences_and_shows_both_forms():
    from derivator.verify.steps import _evaluate, expand_everything
    d = derivator.derive("p3")
    rules = [s.rule for s in d.steps]
    for rule in ("quotient_rule", "recognise_lemma", "in_terms_of", "gradient_descent"):
        assert rule in rules
    rng = np.random.default_rng(6)
    N, D = 4, 3                                   # the model's checking size for N
    X, y, w = rng.normal(size=(N, D)), rng.choice([-1.0, 1.0], size=N), rng.normal(size=D)

    def L(w):
        e = np.exp(-(X @ w))
        return 0.5 * np.sum(((1 - e) / (1 + e) - y) ** 2)

    fd = np.array([(L(w + 1e-6 * e) - L(w - 1e-6 * e)) / 2e-6 for e in np.eye(D)])
    expanded = expand_everything(d.result, d.model)
    values = {s: w for s in expanded.free_symbols if s.name in ("w", "w_t")}
    values.update({sp.IndexedBase("x")[k + 1]: X[k] for k in range(N)})
    values.update({sp.IndexedBase("y")[k + 1]: y[k] for k in range(N)})
    np.testing.assert_allclose(_evaluate(expanded, values), fd, rtol=1e-6)


def _network(W0, W1, W2, X, Y):
    """Equations 9-13 of the problem set, written with numpy: L, and g for each sample."""
    Z = _sigmoid(X @ W0.T)                 # z_m(x) = σ(Σ_d w_{0,m,d} x_d)
    H = X + _sigmoid(Z @ W1.T)             # h_k(x) = x_k + σ(Σ_m w_{1,k,m} z_m(x))
    G = _sigmoid(H @ W2)                   # g(x) = σ(Σ_d w_{2,d} h_d(x))
    return 0.5 * np.sum((G - Y) ** 2)


def _indexed_values(expr, arrays):
    """Numbers for every entry w_1[k, m], x[i, d], ... (1-based) in expr."""
    return {a: sp.Float(arrays[str(a.base.label)][tuple(int(i) - 1 for i in a.indices)])
            for a in expr.atoms(sp.Indexed)}


def test_p7b_matches_central_differences_for_every_weight():
    from derivator.verify.steps import expand_everything
    d = derivator.derive("p7b")
    N, D, M = 2, 2, 3                     # the sizes the problem file checks at
    rng = np.random.default_rng(7)
    W0, W1, W2 = rng.normal(size=(M, D)), rng.normal(size=(D, M)), rng.normal(size=D)
    X, Y = rng.normal(size=(N, D)), rng.integers(0, 2, size=N).astype(float)
    arrays = {"w_0": W0, "w_1": W1, "w_2": W2, "x": X, "y": Y}
    dd, mm = sp.symbols("d m", integer=True)
    for di in range(D):
        for mi in range(M):
            E = np.zeros_like(W1)
            E[di, mi] = 1e-6
            fd = (_network(W0, W1 + E, W2, X, Y) - _network(W0, W1 - E, W2, X, Y)) / 2e-6
            value = expand_everything(d.result.xreplace({dd: di + 1, mm: mi + 1}), d.model)
            assert float(value.xreplace(_indexed_values(value, arrays))) == pytest.approx(fd, rel=1e-6)


def test_p7a_matches_central_differences_for_every_node():
    from derivator.verify.steps import expand_everything
    d = derivator.derive("p7a")
    D = 3
    rng = np.random.default_rng(8)
    W2, h, y = rng.normal(size=D), rng.normal(size=D), 1.0

    def L(h):
        return 0.5 * (_sigmoid(h @ W2) - y) ** 2

    j = sp.Symbol("j", integer=True)
    for k in range(D):
        E = np.zeros(D)
        E[k] = 1e-6
        fd = (L(h + E) - L(h - E)) / 2e-6
        value = expand_everything(d.result.xreplace({j: k + 1}), d.model)
        value = value.xreplace({**_indexed_values(value, {"w_2": W2, "h": h}),
                                sp.Symbol("y"): y})
        assert float(value) == pytest.approx(fd, rel=1e-6)


def test_p7b_reuses_the_upper_layers_derivative():
    """The result holds ∂L/∂h_d of 7a, (g - y) g (1 - g) w_{2,d}, as factors."""
    d7a, d7b = derivator.derive("p7a"), derivator.derive("p7b")
    summand = d7b.result.function
    i, dd = sp.Symbol("i"), sp.Symbol("d", integer=True)
    g = sp.Function("g")
    x = sp.IndexedBase("x")
    present = {form(f) for f in summand.args}
    for factor in (g(x[i]) - sp.IndexedBase("y")[i], g(x[i]), 1 - g(x[i]),
                   sp.IndexedBase("w_2")[dd]):
        assert form(factor) in present
    assert any(s.rule == "kronecker_delta" for s in d7a.steps)


def test_p4_normal_equations_match_least_squares_and_the_gradient():
    from derivator.verify.steps import _evaluate_raw
    d = derivator.derive("p4")
    assert [s.rule for s in d.steps if s.section == "solve"] == [
        "set_to_zero", "drop_factor_expand", "normal_equations", "invert"]
    rng = np.random.default_rng(9)
    N, D, sigma = 6, 3, 0.7
    X, y = rng.normal(size=(N, D)), rng.normal(size=N)
    sizes = dict(zip(problem("p4").sizes().values(), (N, D)))
    solution = np.asarray(_evaluate_raw(d.result.xreplace(sizes), {
        sp.MatrixSymbol("X", N, D): X, sp.MatrixSymbol("y", N, 1): y.reshape(-1, 1)}))
    np.testing.assert_allclose(solution.ravel(), np.linalg.lstsq(X, y, rcond=None)[0])
    gradient = next(s for s in d.steps if s.rule == "vectorize").expr.xreplace(
        {**sizes, sp.Symbol("sigma"): sigma})
    w = rng.normal(size=D)

    def log_p(w):
        return np.sum(-0.5 * np.log(2 * np.pi * sigma**2) - (y - X @ w) ** 2 / (2 * sigma**2))

    fd = [(log_p(w + 1e-6 * e) - log_p(w - 1e-6 * e)) / 2e-6 for e in np.eye(D)]
    got = _evaluate_raw(gradient, {sp.MatrixSymbol("X", N, D): X,
                                   sp.MatrixSymbol("y", N, 1): y.reshape(-1, 1),
                                   sp.MatrixSymbol("w", D, 1): w.reshape(-1, 1)})
    np.testing.assert_allclose(np.ravel(got), fd, rtol=1e-6)


@pytest.mark.parametrize("size", [2, 3, 4])
def test_p1c_matches_central_differences_for_k_1_to_6(size):
    from derivator.verify.steps import _evaluate_raw
    d = derivator.derive("p1c")
    k, D = sp.Symbol("k", integer=True, positive=True), problem("p1c").sizes()["D"]
    rng = np.random.default_rng(size)
    X = _nonsymmetric(rng, (size, size)) / size
    for power in range(1, 7):
        def f(M):
            return np.trace(np.linalg.matrix_power(M, power))
        expected = _central_matrix(f, X)
        result = d.result.xreplace({k: power, D: size})
        got = np.asarray(_evaluate_raw(result.doit(), {sp.MatrixSymbol("X", size, size): X}),
                         dtype=float)
        np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-9)


def test_p1c_is_checked_at_every_k():
    checks = derivator.derive("p1c").verify()
    assert all(c.ok for c in checks)
    assert "k = 1..6" in checks[-1].detail
