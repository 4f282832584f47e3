"""A second corpus of users' problem files (tests/problem_files_review/), written apart from
the first one: each file derives, every step is verified, and its result equals a gradient
written by hand in NumPy, itself checked against central differences of the function written
by hand, on random non-square, non-symmetric matrices."""
from pathlib import Path

import numpy as np
import pytest
import sympy as sp

import derivator
from test_engine_corpus import (_central, _derived_loss_gradient, _explicit, _index_values,
                                _loss_point, _loss_values, assert_entries_are, sig)

CORPUS = Path(__file__).parent / "problem_files_review"


def _affine(X, p):
    return X @ p["w"] + p.get("b", 0.0)


def _by_w_and_b(dz):
    """∂/∂w and ∂/∂b of Σ_i ℓ(z_i), z = Xw + b𝟙, from dz(X, y, p) = (ℓ'(z_i))_i."""
    return {"w": lambda X, y, p: X.T @ dz(X, y, p), "b": lambda X, y, p: np.sum(dz(X, y, p))}


LOSSES = {   # the loss by hand, its gradients by hand
    "logcosh": (lambda X, y, p: np.sum(np.log(np.cosh(_affine(X, p) - y))),
                _by_w_and_b(lambda X, y, p: np.tanh(_affine(X, p) - y))),
    "poisson_bias": (lambda X, y, p: np.sum(np.exp(_affine(X, p)) - y * _affine(X, p)),
                     _by_w_and_b(lambda X, y, p: np.exp(_affine(X, p)) - y)),
    "exponential_pm1": (lambda X, y, p: np.sum(np.exp(-y * _affine(X, p))),
                        _by_w_and_b(lambda X, y, p: -y * np.exp(-y * _affine(X, p)))),
    "cauchy": (lambda X, y, p: np.sum(np.log1p((X @ p["w"] - y) ** 2)),
               {"w": lambda X, y, p: X.T @ (2 * (X @ p["w"] - y) / (1 + (X @ p["w"] - y) ** 2))}),
    "ridge_bias_mean": (
        lambda X, y, p: np.mean((_affine(X, p) - y) ** 2) + p["lambda"] * p["w"] @ p["w"],
        {"w": lambda X, y, p: 2 * X.T @ (_affine(X, p) - y) / len(y) + 2 * p["lambda"] * p["w"],
         "b": lambda X, y, p: 2 * np.sum(_affine(X, p) - y) / len(y)}),
    "softplus_pm1_bias": (lambda X, y, p: np.sum(np.logaddexp(0, -y * _affine(X, p))),
                          _by_w_and_b(lambda X, y, p: -y * sig(-y * _affine(X, p)))),
    "tanh_bias_mean": (
        lambda X, y, p: 0.5 * np.mean((np.tanh(_affine(X, p)) - y) ** 2),
        _by_w_and_b(lambda X, y, p: (np.tanh(_affine(X, p)) - y)
                    * (1 - np.tanh(_affine(X, p)) ** 2) / len(y))),
    "bce_quotient_bias": (
        lambda X, y, p: np.sum(-y * np.log(sig(_affine(X, p)))
                               - (1 - y) * np.log(1 - sig(_affine(X, p)))),
        _by_w_and_b(lambda X, y, p: sig(_affine(X, p)) - y)),
}

MATRICES = {  # f by hand, its derivative by the file's wrt by hand
    "trace_axbxt": (lambda v: np.trace(v["A"] @ v["X"] @ v["B"] @ v["X"].T),
                    lambda v: v["A"].T @ v["X"] @ v["B"].T + v["A"] @ v["X"] @ v["B"]),
    "quadratic_ab": (lambda v: v["x"] @ v["A"] @ v["B"] @ v["x"],
                     lambda v: (v["A"] @ v["B"] + (v["A"] @ v["B"]).T) @ v["x"]),
    "trace_axtx": (lambda v: np.trace(v["A"] @ v["X"].T @ v["X"]),
                   lambda v: v["X"] @ (v["A"] + v["A"].T)),
    "bilinear_xtxb": (lambda v: v["a"] @ v["X"].T @ v["X"] @ v["b"],
                      lambda v: v["X"] @ (np.outer(v["a"], v["b"]) + np.outer(v["b"], v["a"]))),
    "least_squares_offset": (lambda v: np.sum((v["X"] @ v["w"] + v["c"] - v["y"]) ** 2),
                             lambda v: 2 * v["X"].T @ (v["X"] @ v["w"] + v["c"] - v["y"])),
    "jacobian_tanh_bias": (lambda v: np.tanh(v["W"] @ v["x"] + v["c"]),
                           lambda v: np.diag(1 - np.tanh(v["W"] @ v["x"] + v["c"]) ** 2) @ v["W"]),
}

SCALAR_MLE = {   # log-likelihood by hand (parameter t), the estimate by hand, a sample
    "exponential_mle": (lambda y, t: np.sum(np.log(t) - t * y), lambda y: len(y) / np.sum(y),
                        lambda rng, n: rng.uniform(0.5, 3.0, size=n)),
    "gaussian_mean_mle": (lambda y, t: -np.sum((y - t) ** 2) / 2, lambda y: np.mean(y),
                          lambda rng, n: rng.normal(size=n)),
}
OTHERS = {"tanh_network", "map_noise"}


def test_every_file_of_the_corpus_has_an_expected_result():
    files = {p.stem for p in CORPUS.glob("*.toml")}
    assert len(files) >= 15
    assert files == set(LOSSES) | set(MATRICES) | set(SCALAR_MLE) | OTHERS


def _verified(path, wrt=None):
    derivation = derivator.derive(path, wrt=wrt)
    assert [(c.step.rule, c.detail) for c in derivation.verify() if not c.ok] == []
    return derivation


LOSS_CASES = [(name, wrt) for name, (_, grads) in LOSSES.items() for wrt in grads]


@pytest.mark.parametrize("name,wrt", LOSS_CASES, ids=[f"{n}-{w}" for n, w in LOSS_CASES])
def test_a_loss_file_derives_its_gradient(name, wrt):
    path = str(CORPUS / f"{name}.toml")
    problem = derivator.load(path)
    derivation = _verified(path, wrt)
    f, grads = LOSSES[name]
    for seed in (0, 1):
        N, D, X, y, p = _loss_point(problem, seed)
        by_hand = np.ravel(grads[wrt](X, y, p))
        numeric = _central(lambda v: f(X, y, {**p, wrt: v}), p[wrt])
        assert np.allclose(by_hand, np.ravel(numeric), rtol=1e-5, atol=1e-6)
        derived = _derived_loss_gradient(derivation, problem, N, D, X, y, p)
        assert np.allclose(derived, by_hand, rtol=1e-8, atol=1e-9), (derived, by_hand)


@pytest.mark.parametrize("name", sorted(MATRICES))
def test_a_matrix_file_derives_its_derivative(name):
    path = str(CORPUS / f"{name}.toml")
    problem = derivator.load(path)
    derivation = _verified(path)
    f, by_hand_of = MATRICES[name]
    wrt = problem.data["derive"]["wrt"]
    rng = np.random.default_rng(11)
    for env in (0, 1):                                   # two sizes
        sizes, values = _index_values(problem, env, rng)
        flat = {k: (v[:, 0] if problem.names[k].kind == "vector" else v)
                for k, v in values.items()}
        by_hand = by_hand_of(flat)
        numeric = _central(lambda v: f({**flat, wrt: v}), flat[wrt])
        if np.ndim(f(flat)) == 1:
            numeric = np.moveaxis(numeric, -1, 0)        # a Jacobian: the output index first
        assert np.allclose(by_hand, numeric, rtol=1e-5, atol=1e-6)
        symbols = {sp.MatrixSymbol(n, *m.shape).xreplace(sizes): values[n]
                   for n, m in problem.matrices().items()}
        derived = _explicit(derivation.result.xreplace(sizes), symbols)
        assert np.allclose(np.squeeze(derived), by_hand, rtol=1e-8, atol=1e-9)


@pytest.mark.parametrize("name", sorted(SCALAR_MLE))
def test_a_likelihood_file_solves_for_its_parameter(name):
    path = str(CORPUS / f"{name}.toml")
    problem = derivator.load(path)
    derivation = _verified(path)
    log_likelihood, estimate, sample = SCALAR_MLE[name]
    n = int(problem.names["N"].check[0])
    rng = np.random.default_rng(12)
    for _ in range(3):
        y = sample(rng, n)
        by_hand = estimate(y)
        assert abs(_central(lambda t: log_likelihood(y, t), np.array(by_hand))) < 1e-6
        numbers = {sp.IndexedBase("y")[k + 1]: y[k] for k in range(n)}
        value = derivation.result.xreplace({problem.sizes()["N"]: n}).doit().xreplace(numbers)
        assert abs(float(value) - by_hand) < 1e-10


def test_map_with_a_noise_variance_solves_to_its_ridge_estimate():
    """w = (XᵀX + λs²I)⁻¹Xᵀy, where the hand-written log-posterior's gradient vanishes."""
    path = str(CORPUS / "map_noise.toml")
    problem = derivator.load(path)
    derivation = _verified(path)
    N, D, X, y, p = _loss_point(problem, 13)
    lam, s = p["lambda"], 1.3
    by_hand = np.linalg.solve(X.T @ X + lam * s ** 2 * np.eye(D), X.T @ y)

    def log_posterior(w):
        return -np.sum((y - X @ w) ** 2) / (2 * s ** 2) - lam / 2 * w @ w
    assert np.allclose(_central(log_posterior, by_hand), 0, atol=1e-6)
    sizes, values = _loss_values(problem, N, D, X, y, p)
    derived = np.ravel(_explicit(derivation.result.xreplace(sizes).xreplace(
        {sp.Symbol("s"): s}), values))
    assert np.allclose(derived, by_hand, rtol=1e-9, atol=1e-10)


def test_a_tanh_network_derives_its_backpropagation():
    path = str(CORPUS / "tanh_network.toml")
    problem = derivator.load(path)
    derivation = _verified(path)
    size = {n: int(v.check[0]) for n, v in problem.names.items() if v.kind == "size"}
    rng = np.random.default_rng(14)
    X = rng.normal(size=(size["N"], size["D"]))
    y = rng.uniform(-1, 1, size=size["N"])
    w = {"u": rng.normal(size=(size["M"], size["D"])), "v": rng.normal(size=size["M"])}

    def loss(u):
        return 0.5 * np.sum((np.tanh(X @ u.T) @ w["v"] - y) ** 2)
    z = np.tanh(X @ w["u"].T)                                        # (N, M)
    by_hand = ((((z @ w["v"] - y)[:, None] * w["v"][None, :]) * (1 - z ** 2)).T @ X)
    assert np.allclose(by_hand, _central(loss, w["u"]), rtol=1e-5, atol=1e-7)
    assert_entries_are(derivation, by_hand, X, y, w)
