"""The corpus of problem files in tests/problem_files/: every file derives, every step is
verified, and every result equals (1) the gradient worked out by hand (written below in
NumPy, itself checked against central differences of the function written by hand),
(2) sympy.diff of the file's own function with every definition substituted, on random
non-square, non-symmetric matrices."""
from pathlib import Path

import numpy as np
import pytest
import sympy as sp

import derivator
from derivator.model.functions import expand_named_functions, inner

CORPUS = Path(__file__).parent / "problem_files"


def sig(t):
    return 1 / (1 + np.exp(-t))


def softmax(z):
    e = np.exp(z - z.max())
    return e / e.sum()


def relu(t):
    return np.maximum(t, 0)


# --- the functions and gradients, by hand ------------------------------------------------
# loss files: f(X, y, p) with p = {"w": (D,), "b": float, "lambda": float}; grads by name

def bce(X, y, p, mean=True, l2=0.0):
    q = sig(X @ p["w"] + p.get("b", 0.0))
    s = np.sum(-y * np.log(q) - (1 - y) * np.log(1 - q))
    return (s / len(y) if mean else s) + l2 / 2 * p["w"] @ p["w"]


LOSSES = {
    "logistic_bias": (lambda X, y, p: bce(X, y, p), {
        "w": lambda X, y, p: X.T @ (sig(X @ p["w"] + p["b"]) - y) / len(y),
        "b": lambda X, y, p: np.sum(sig(X @ p["w"] + p["b"]) - y) / len(y)}),
    "logistic_l2_bias": (lambda X, y, p: bce(X, y, p, l2=p["lambda"]), {
        "w": lambda X, y, p: X.T @ (sig(X @ p["w"] + p["b"]) - y) / len(y) + p["lambda"] * p["w"],
        "b": lambda X, y, p: np.sum(sig(X @ p["w"] + p["b"]) - y) / len(y)}),
    "mse_bias": (lambda X, y, p: np.mean((X @ p["w"] + p["b"] - y) ** 2), {
        "w": lambda X, y, p: 2 * X.T @ (X @ p["w"] + p["b"] - y) / len(y),
        "b": lambda X, y, p: 2 * np.sum(X @ p["w"] + p["b"] - y) / len(y)}),
    "ridge_loss": (lambda X, y, p: np.sum((y - X @ p["w"]) ** 2) + p["lambda"] * p["w"] @ p["w"], {
        "w": lambda X, y, p: 2 * X.T @ (X @ p["w"] - y) + 2 * p["lambda"] * p["w"]}),
    "tanh_squared": (lambda X, y, p: 0.5 * np.sum((np.tanh(X @ p["w"]) - y) ** 2), {
        "w": lambda X, y, p: X.T @ ((np.tanh(X @ p["w"]) - y) * (1 - np.tanh(X @ p["w"]) ** 2))}),
    "softplus_pm1": (lambda X, y, p: np.sum(np.logaddexp(0, -y * (X @ p["w"]))), {
        "w": lambda X, y, p: -X.T @ (y * sig(-y * (X @ p["w"])))}),
    "logistic_pm1_log": (lambda X, y, p: np.sum(np.log(1 + np.exp(-y * (X @ p["w"])))), {
        "w": lambda X, y, p: -X.T @ (y * sig(-y * (X @ p["w"])))}),
    "relu_regression": (lambda X, y, p: 0.5 * np.sum((relu(X @ p["w"]) - y) ** 2), {
        "w": lambda X, y, p: X.T @ ((relu(X @ p["w"]) - y) * (X @ p["w"] > 0))}),
    "poisson_regression": (lambda X, y, p: np.sum(np.exp(X @ p["w"]) - y * (X @ p["w"])), {
        "w": lambda X, y, p: X.T @ (np.exp(X @ p["w"]) - y)}),
    "sigmoid_ez": (lambda X, y, p: bce(X, y, {**p, "b": 0.0}, mean=False), {
        "w": lambda X, y, p: X.T @ (sig(X @ p["w"]) - y)}),
    "sigmoid_reciprocal": (lambda X, y, p: 0.5 * np.sum((sig(X @ p["w"]) - y) ** 2), {
        "w": lambda X, y, p: X.T @ ((sig(X @ p["w"]) - y) * sig(X @ p["w"]) * (1 - sig(X @ p["w"])))}),
}

# index files: f(values) and its derivative by the file's wrt, by hand
MATRICES = {
    "trace_ax": (lambda v: np.trace(v["A"] @ v["X"]), lambda v: v["A"].T),
    "trace_axb": (lambda v: np.trace(v["A"] @ v["X"] @ v["B"]), lambda v: v["A"].T @ v["B"].T),
    "trace_xtx": (lambda v: np.trace(v["X"].T @ v["X"]), lambda v: 2 * v["X"]),
    "frobenius_squared": (lambda v: np.sum(v["X"] ** 2), lambda v: 2 * v["X"]),
    "trace_xaxtb": (lambda v: np.trace(v["X"] @ v["A"] @ v["X"].T @ v["B"]),
                    lambda v: v["B"].T @ v["X"] @ v["A"].T + v["B"] @ v["X"] @ v["A"]),
    "trace_xtax": (lambda v: np.trace(v["X"].T @ v["A"] @ v["X"]),
                   lambda v: (v["A"] + v["A"].T) @ v["X"]),
    "quadratic_form": (lambda v: v["x"] @ v["A"] @ v["x"], lambda v: (v["A"] + v["A"].T) @ v["x"]),
    "bilinear_xtay": (lambda v: v["x"] @ v["A"] @ v["y"], lambda v: v["A"].T @ v["x"]),
    "bilinear_by_matrix": (lambda v: v["a"] @ v["X"] @ v["b"], lambda v: np.outer(v["a"], v["b"])),
    "squared_norm": (lambda v: v["x"] @ v["x"], lambda v: 2 * v["x"]),
    "softmax_cross_entropy": (lambda v: -v["y"] @ np.log(softmax(v["z"])),
                              lambda v: softmax(v["z"]) - v["y"]),
    "norm_ax": (lambda v: np.sum((v["A"] @ v["x"]) ** 2), lambda v: 2 * v["A"].T @ v["A"] @ v["x"]),
    "least_squares_sum": (lambda v: np.sum((v["X"] @ v["w"] - v["y"]) ** 2),
                          lambda v: 2 * v["X"].T @ (v["X"] @ v["w"] - v["y"])),
    "jacobian_ax": (lambda v: v["A"] @ v["x"], lambda v: v["A"]),
    "jacobian_xtranspose": (lambda v: v["A"].T @ v["x"], lambda v: v["A"].T),
    "jacobian_sigmoid": (lambda v: sig(v["W"] @ v["x"]),
                         lambda v: np.diag(sig(v["W"] @ v["x"]) * (1 - sig(v["W"] @ v["x"])))
                         @ v["W"]),
}


def test_the_corpus_is_covered_by_expected_results():
    files = {p.stem for p in CORPUS.glob("*.toml")}
    assert len(files) >= 25
    assert files == set(LOSSES) | set(MATRICES) | set(OTHERS)


OTHERS = {"mlp_one_hidden", "network3", "bernoulli_mle", "poisson_mle",
          "bernoulli_logistic_mle", "ridge_map"}   # checked below


# --- evaluation ---------------------------------------------------------------------------

def _central(f, x, eps=1e-6):
    x = np.asarray(x, dtype=float)
    out = []
    for idx in np.ndindex(x.shape):
        e = np.zeros_like(x)
        e[idx] = eps
        out.append((np.asarray(f(x + e)) - np.asarray(f(x - e))) / (2 * eps))
    out = np.array(out)
    return out.reshape(x.shape + out.shape[1:]) if out.ndim > 1 else out.reshape(x.shape)


def _explicit(expr, values):
    """A matrix (or scalar) expression at concrete values, by SymPy with explicit
    matrices: nothing shared with the verifier's numpy path."""
    concrete = {k: (sp.ImmutableMatrix(v.reshape(v.shape[0], -1)) if isinstance(k, sp.MatrixSymbol)
                    else sp.Float(v)) for k, v in values.items()}
    value = expr.xreplace(concrete).doit()
    if isinstance(value, sp.MatrixExpr):
        value = value.as_explicit()
    value = expand_named_functions(value).replace(
        lambda e: isinstance(e, sp.Heaviside), lambda e: sp.Integer(1) if e.args[0] > 0 else 0)
    return np.array(sp.Matrix(value).evalf(), dtype=float) if isinstance(value, sp.MatrixBase) \
        else float(value)


def _loss_point(problem, seed):
    rng = np.random.default_rng(seed)
    names = problem.data["names"]
    N = int(problem.names[problem.data["derive"]["count"]].check[0])
    D = int(next(v.check[0] for n, v in problem.names.items() if v.kind == "size"
                 and n != problem.data["derive"]["count"]))
    X = rng.normal(size=(N, D))
    lo, hi = names["y"].get("domain", [-2, 2])
    y = rng.integers(lo, hi + 1, size=N).astype(float) if names["y"].get("integer") \
        else rng.uniform(lo, hi, size=N)
    if lo == -1 and hi == 1 and names["y"].get("integer"):
        y = rng.choice([-1.0, 1.0], size=N)
    p = {"w": rng.normal(size=D), "b": float(rng.normal())}
    if "lambda" in names:
        p["lambda"] = float(rng.uniform(*names["lambda"]["domain"]))
    return N, D, X, y, p


def _loss_values(problem, N, D, X, y, p):
    sizes = problem.sizes()
    values = {sp.MatrixSymbol("X", N, D): X, sp.MatrixSymbol("y", N, 1): y.reshape(-1, 1),
              sp.MatrixSymbol("w", D, 1): p["w"].reshape(-1, 1), sp.Symbol("b"): p["b"]}
    if "lambda" in p:
        values[sp.Symbol("lambda")] = p["lambda"]
    return {sizes[problem.data["derive"]["count"]]: N,
            next(s for n, s in sizes.items() if n != problem.data["derive"]["count"]): D}, values


def _written_out(expr, model, N, X, y, w_value, sizes):
    """The model's expression with its definitions substituted, the sums written out over
    N samples, x_i and y_i given, w (a D-vector of symbols or numbers) put in."""
    x_base, y_base = model.samples
    expr = expand_named_functions(model.substitute_definitions(expr)).xreplace(sizes)
    expr = expr.replace(lambda e: isinstance(e, sp.Sum),
                        lambda e: sp.Add(*[e.function.xreplace({e.limits[0][0]: k})
                                           for k in range(1, N + 1)]))
    rows = {x_base[k]: sp.ImmutableMatrix(X[k - 1]) for k in range(1, N + 1)}
    labels = {y_base[k]: sp.Float(y[k - 1]) for k in range(1, N + 1)}
    expr = expr.xreplace(labels)
    expr = expr.replace(lambda e: isinstance(e, inner),
                        lambda e: (sp.ImmutableMatrix(e.args[0].xreplace(rows).xreplace(
                            {sp.Symbol("w"): w_value}) if not isinstance(e.args[0], sp.MatrixBase)
                            else e.args[0]).T * sp.ImmutableMatrix(
                            e.args[1].xreplace(rows).xreplace({sp.Symbol("w"): w_value})))[0, 0])
    return expr.xreplace(rows).xreplace({sp.Symbol("w"): w_value})


def _derived_loss_gradient(derivation, problem, N, D, X, y, p):
    sizes, values = _loss_values(problem, N, D, X, y, p)
    result = derivation.result
    if isinstance(result, sp.MatrixExpr):
        return np.ravel(_explicit(result.xreplace(sizes), values))
    w = sp.ImmutableMatrix(p["w"])
    scalars = {sp.Symbol(k): v for k, v in p.items() if k != "w"}
    value = _written_out(result, derivation.model, N, X, y, w, sizes).xreplace(
        {k: sp.Float(v) for k, v in scalars.items()})
    value = value.doit()
    value = value.replace(lambda e: isinstance(e, sp.Heaviside),
                          lambda e: sp.Integer(1) if e.args[0] > 0 else sp.Integer(0))
    return np.ravel(np.array(sp.Matrix([value]) if not isinstance(value, sp.MatrixBase)
                             else value.evalf(), dtype=float))


def _sympy_diff(derivation, problem, wrt, N, D, X, y, p):
    """sympy.diff of the file's own function, every definition substituted."""
    model = derivation.model
    sizes, _ = _loss_values(problem, N, D, X, y, p)
    ws = sp.symbols(f"w1:{D + 1}")
    b = sp.Symbol("b")
    expr = _written_out(model.target, model, N, X, y, sp.ImmutableMatrix(ws), sizes)
    variables = ws if wrt == "w" else (b,)
    point = {**dict(zip(ws, p["w"])), b: p["b"], sp.Symbol("lambda"): p.get("lambda", 0.0)}
    out = []
    for v in variables:
        d = sp.diff(expr, v).xreplace({k: sp.Float(val) for k, val in point.items()})
        d = d.replace(lambda e: isinstance(e, sp.Heaviside),
                      lambda e: sp.Integer(1) if e.args[0] > 0 else sp.Integer(0))
        d = d.replace(lambda e: isinstance(e, sp.Max), lambda e: sp.Max(*e.args))
        out.append(float(d.evalf()))
    return np.array(out)


LOSS_CASES = [(name, wrt) for name, (_, grads) in LOSSES.items() for wrt in grads]


@pytest.mark.parametrize("name,wrt", LOSS_CASES, ids=[f"{n}-{w}" for n, w in LOSS_CASES])
def test_a_loss_file_derives_its_gradient(name, wrt):
    path = str(CORPUS / f"{name}.toml")
    problem = derivator.load(path)
    derivation = derivator.derive(path, wrt=wrt)
    checks = derivation.verify()
    assert [(c.step.rule, c.detail) for c in checks if not c.ok] == []
    f, grads = LOSSES[name]
    for seed in (0, 1):
        N, D, X, y, p = _loss_point(problem, seed)
        by_hand = np.ravel(grads[wrt](X, y, p))
        numeric = _central(lambda v: f(X, y, {**p, wrt: v}), p[wrt])
        assert np.allclose(by_hand, np.ravel(numeric), rtol=1e-5, atol=1e-6)   # the golden value
        derived = _derived_loss_gradient(derivation, problem, N, D, X, y, p)
        assert np.allclose(derived, by_hand, rtol=1e-8, atol=1e-9), (derived, by_hand)
        if seed == 0:                # SymPy's own derivative, once: it is the slow part
            assert np.allclose(_sympy_diff(derivation, problem, wrt, N, D, X, y, p), by_hand,
                               rtol=1e-8, atol=1e-9)


def _index_values(problem, env, rng):
    sizes = {sym: int(problem.names[n].check[min(env, len(problem.names[n].check) - 1)])
             for n, sym in problem.sizes().items()}
    values = {}
    for name, m in problem.matrices().items():
        shape = tuple(int(d.xreplace(sizes)) for d in m.shape)
        values[name] = rng.normal(size=shape)
        if problem.data["names"][name].get("sum") == 1:          # one-hot-like labels
            values[name] = np.abs(values[name]) / np.abs(values[name]).sum()
        if shape[0] == shape[1] and shape[0] > 1:
            assert not np.allclose(values[name], values[name].T)
    return sizes, values


def _index_sympy_diff(problem, sizes, values):
    """sympy.diff of the file's index form written out at these sizes, entry by entry
    (for a vector-valued f, row by row of the Jacobian)."""
    spec = problem.data["derive"]
    form = problem.parse(problem.data["function"]["index"], matrix=False).xreplace(sizes)
    output = sorted(form.free_symbols & set(problem.indices().values()), key=str)
    wrt = values[spec["wrt"]]
    vector = problem.names[spec["wrt"]].kind == "vector"
    base = sp.IndexedBase(spec["wrt"])
    rows = []
    for o in (range(1, _output_size(problem, sizes) + 1) if output else [None]):
        f = (form if o is None else form.xreplace({output[0]: o})).doit()
        symbols = {e: sp.Symbol(f"{e.base.label}_{'_'.join(map(str, e.indices))}")
                   for e in f.atoms(sp.Indexed)}
        f = f.xreplace(symbols)
        point = {}
        for e, sym in symbols.items():
            array = values[str(e.base.label)]
            idx = tuple(int(i) - 1 for i in e.indices)
            point[sym] = array[idx] if array.ndim == len(idx) else array[idx[0], 0]
        g = np.zeros(wrt.shape)
        for idx in np.ndindex(wrt.shape):
            entry = base[idx[0] + 1] if vector else base[tuple(i + 1 for i in idx)]
            sym = symbols.get(entry)
            g[idx] = 0.0 if sym is None else float(sp.diff(f, sym).xreplace(point))
        rows.append(g)
    return rows[0] if not output else np.array(rows)


def _output_size(problem, sizes):
    form = problem.parse(problem.data["function"]["index"], matrix=False)
    out = sorted(form.free_symbols & set(problem.indices().values()), key=str)[0]
    for a in form.atoms(sp.Indexed):
        if out in a.indices:
            dim = problem.names[str(a.base.label)].shape[a.indices.index(out)]
            return int(problem.sizes()[dim].xreplace(sizes))


@pytest.mark.parametrize("name", sorted(MATRICES))
def test_a_matrix_file_derives_its_derivative(name):
    path = str(CORPUS / f"{name}.toml")
    problem = derivator.load(path)
    derivation = derivator.derive(path)
    checks = derivation.verify()
    assert [(c.step.rule, c.detail) for c in checks if not c.ok] == []
    f, by_hand_of = MATRICES[name]
    wrt = problem.data["derive"]["wrt"]
    rng = np.random.default_rng(3)
    for env in (0, 1):                                   # two sizes
        sizes, values = _index_values(problem, env, rng)
        flat = {k: (v[:, 0] if v.ndim == 2 and v.shape[1] == 1 and problem.names[k].kind == "vector"
                    else v) for k, v in values.items()}
        by_hand = by_hand_of(flat)
        numeric = _central(lambda v: f({**flat, wrt: v}), flat[wrt])
        if numeric.ndim == by_hand.ndim + 1 or (np.ndim(f(flat)) == 1):
            numeric = np.moveaxis(numeric, -1, 0)         # Jacobian: output index first
        assert np.allclose(by_hand, numeric, rtol=1e-5, atol=1e-6)
        symbols = {sp.MatrixSymbol(n, *m.shape).xreplace(sizes): values[n]
                   for n, m in problem.matrices().items()}
        derived = _explicit(derivation.result.xreplace(sizes), symbols)
        assert np.allclose(np.squeeze(derived), by_hand, rtol=1e-8, atol=1e-9)
        diffed = _index_sympy_diff(problem, sizes, values)
        assert np.allclose(np.squeeze(diffed), np.squeeze(by_hand), rtol=1e-8, atol=1e-9)


# --- networks of sigmoid layers with named nodes (problem 7's form) ------------------------

def mlp_loss(X, y, w):
    z = sig(X @ w["u"].T)                 # (N, M)
    g = sig(z @ w["v"])
    return 0.5 * np.sum((g - y) ** 2)


def mlp_grad_u(X, y, w):                  # the delta rule, by hand
    z = sig(X @ w["u"].T)
    g = sig(z @ w["v"])
    delta = (g - y) * g * (1 - g)         # (N,)
    return ((delta[:, None] * w["v"][None, :] * z * (1 - z)).T @ X)      # (M, D)


def network3_loss(X, y, w):
    z = sig(X @ w["u"].T)
    h = sig(z @ w["v"].T)
    g = sig(h @ w["r"])
    return 0.5 * np.sum((g - y) ** 2)


def network3_grad_u(X, y, w):
    z = sig(X @ w["u"].T)
    h = sig(z @ w["v"].T)
    g = sig(h @ w["r"])
    delta_g = (g - y) * g * (1 - g)                              # (N,)
    delta_h = delta_g[:, None] * w["r"][None, :] * h * (1 - h)   # (N, K)
    delta_z = (delta_h @ w["v"]) * z * (1 - z)                   # (N, M)
    return delta_z.T @ X


NETWORKS = {"mlp_one_hidden": (mlp_loss, mlp_grad_u, {"u": ("M", "D"), "v": ("M",)}),
            "network3": (network3_loss, network3_grad_u,
                         {"u": ("M", "D"), "v": ("K", "M"), "r": ("K",)})}


@pytest.mark.parametrize("name", sorted(NETWORKS))
def test_a_network_file_derives_the_delta_rule(name):
    path = str(CORPUS / f"{name}.toml")
    problem = derivator.load(path)
    derivation = derivator.derive(path)
    assert all(c.ok for c in derivation.verify())
    loss, grad_u, shapes = NETWORKS[name]
    size = {n: int(v.check[0]) for n, v in problem.names.items() if v.kind == "size"}
    rng = np.random.default_rng(5)
    X = rng.normal(size=(size["N"], size["D"]))
    y = rng.integers(0, 2, size=size["N"]).astype(float)
    w = {k: rng.normal(size=tuple(size[d] for d in dims)) for k, dims in shapes.items()}
    by_hand = grad_u(X, y, w)
    numeric = _central(lambda u: loss(X, y, {**w, "u": u}), w["u"])
    assert np.allclose(by_hand, numeric, rtol=1e-5, atol=1e-7)
    assert_entries_are(derivation, by_hand, X, y, w)


def assert_entries_are(derivation, by_hand, X, y, w):
    """∂L/∂u_{m,d} of a network, every definition expanded, at the samples X, y and the
    weights w, equals the gradient `by_hand` entry by entry."""
    from derivator.verify.steps import expand_everything
    m, d = sp.symbols("m d", integer=True)
    numbers = {sp.IndexedBase("x")[i + 1, c + 1]: X[i, c] for i, c in np.ndindex(X.shape)}
    numbers.update({sp.IndexedBase("y")[i + 1]: y[i] for i in range(len(y))})
    for k, array in w.items():
        for idx in np.ndindex(array.shape):
            numbers[sp.IndexedBase(k)[tuple(i + 1 for i in idx)]] = array[idx]
    for mm, dd in np.ndindex(by_hand.shape):
        value = expand_everything(derivation.result.xreplace({m: mm + 1, d: dd + 1}),
                                  derivation.model)
        assert abs(float(value.xreplace(numbers)) - by_hand[mm, dd]) < 1e-9


# --- maximum likelihood of one scalar parameter -----------------------------------------

LIKELIHOODS = {   # log-likelihood by hand, the estimate by hand, labels
    "bernoulli_mle": (lambda y, p: np.sum(y * np.log(p) + (1 - y) * np.log(1 - p)),
                      lambda y: np.mean(y), lambda rng, n: rng.integers(0, 2, size=n)),
    "poisson_mle": (lambda y, lam: np.sum(y * np.log(lam) - lam),
                    lambda y: np.mean(y), lambda rng, n: rng.integers(1, 7, size=n)),
}


@pytest.mark.parametrize("name", sorted(LIKELIHOODS))
def test_a_likelihood_file_solves_for_its_parameter(name):
    path = str(CORPUS / f"{name}.toml")
    problem = derivator.load(path)
    derivation = derivator.derive(path)
    assert all(c.ok for c in derivation.verify())
    log_likelihood, estimate, labels = LIKELIHOODS[name]
    n = int(problem.names["N"].check[0])
    rng = np.random.default_rng(2)
    for _ in range(3):
        y = labels(rng, n).astype(float)
        if name == "bernoulli_mle" and y.min() == y.max():
            y[0] = 1 - y[0]                          # both outcomes, so p̂ is inside (0, 1)
        by_hand = estimate(y)
        assert abs(_central(lambda t: log_likelihood(y, t), np.array(by_hand))) < 1e-6
        numbers = {sp.IndexedBase("y")[k + 1]: y[k] for k in range(n)}
        N = problem.sizes()["N"]
        value = derivation.result.xreplace({N: n}).doit().xreplace(numbers)
        assert abs(float(value) - by_hand) < 1e-12
        # sympy.diff of the written-out log-likelihood, solved by SymPy itself
        t = sp.Symbol("t", positive=True)
        body = derivation.model.definitions[0].body.xreplace({N: n}).doit().xreplace(numbers)
        body = body.xreplace({derivation.wrt: t})
        roots = sp.solve(sp.diff(sp.expand_log(sp.log(body), force=True), t), t)
        assert len(roots) == 1 and abs(float(roots[0]) - by_hand) < 1e-12


def test_a_likelihood_without_closed_form_ends_at_its_gradient():
    """Logistic regression by maximum likelihood: ∂ ln P/∂w = Xᵀ(y − σ(Xw)), which set to
    zero has no closed form (the derivation says so and stops there)."""
    path = str(CORPUS / "bernoulli_logistic_mle.toml")
    problem = derivator.load(path)
    derivation = derivator.derive(path)
    assert all(c.ok for c in derivation.verify())
    assert derivation.steps[-1].rule == "no_closed_form"
    N, D, X, y, p = _loss_point(problem, 4)

    def log_likelihood(w):
        q = sig(X @ w)
        return np.sum(y * np.log(q) + (1 - y) * np.log(1 - q))
    by_hand = X.T @ (y - sig(X @ p["w"]))
    assert np.allclose(_central(log_likelihood, p["w"]), by_hand, rtol=1e-5, atol=1e-6)
    derived = _derived_loss_gradient(derivation, problem, N, D, X, y, p)
    assert np.allclose(derived, by_hand, rtol=1e-8, atol=1e-9)


def test_ridge_as_map_solves_to_the_ridge_estimate():
    """A Gaussian prior on w: (XᵀX + λI)⁻¹Xᵀy, where the hand-written log-posterior's
    gradient (central differences) vanishes."""
    path = str(CORPUS / "ridge_map.toml")
    problem = derivator.load(path)
    derivation = derivator.derive(path)
    assert all(c.ok for c in derivation.verify())
    N, D, X, y, p = _loss_point(problem, 7)
    lam = p["lambda"]
    by_hand = np.linalg.solve(X.T @ X + lam * np.eye(D), X.T @ y)

    def log_posterior(w):
        return -0.5 * np.sum((y - X @ w) ** 2) - lam / 2 * w @ w
    assert np.allclose(_central(log_posterior, by_hand), 0, atol=1e-6)
    sizes, values = _loss_values(problem, N, D, X, y, p)
    derived = np.ravel(_explicit(derivation.result.xreplace(sizes), values))
    assert np.allclose(derived, by_hand, rtol=1e-9, atol=1e-10)
