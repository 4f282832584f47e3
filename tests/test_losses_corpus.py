"""The losses a course sets next (issue 21), tests/problem_files_losses/: every file derives
to a closed form, every step is verified, and the result equals the gradient worked out by
hand (below, in NumPy), itself checked against central differences of the loss written here
in NumPy, at two random points."""
from pathlib import Path

import numpy as np
import pytest
import sympy as sp

import derivator
from test_engine_corpus import _central, _explicit, _written_out

CORPUS = Path(__file__).parent / "problem_files_losses"


def sig(t):
    return 1 / (1 + np.exp(-t))


def sp_(t):
    return np.logaddexp(0, t)


# name: (loss(X, y, p), {param: gradient by hand})
def _r(X, y, p):
    return X @ p["w"] - y


LOSSES = {
    "mse_mean": (lambda X, y, p: np.mean(_r(X, y, p) ** 2),
                 {"w": lambda X, y, p: 2 * X.T @ _r(X, y, p) / len(y)}),
    "half_sse": (lambda X, y, p: 0.5 * np.sum(_r(X, y, p) ** 2),
                 {"w": lambda X, y, p: X.T @ _r(X, y, p)}),
    "mse_bias_half": (lambda X, y, p: 0.5 * np.mean((_r(X, y, p) + p["b"]) ** 2),
                      {"w": lambda X, y, p: X.T @ (_r(X, y, p) + p["b"]) / len(y),
                       "b": lambda X, y, p: np.mean(_r(X, y, p) + p["b"])}),
    "quartic": (lambda X, y, p: np.sum(_r(X, y, p) ** 4),
                {"w": lambda X, y, p: 4 * X.T @ _r(X, y, p) ** 3}),
    "cubic_abs_free": (lambda X, y, p: np.sum(_r(X, y, p) ** 3) / 3,
                       {"w": lambda X, y, p: X.T @ _r(X, y, p) ** 2}),
    "ridge_mean": (lambda X, y, p: np.mean(_r(X, y, p) ** 2) + p["lambda"] * p["w"] @ p["w"],
                   {"w": lambda X, y, p: 2 * X.T @ _r(X, y, p) / len(y) + 2 * p["lambda"] * p["w"]}),
    "ridge_half": (lambda X, y, p: 0.5 * np.sum(_r(X, y, p) ** 2) + p["lambda"] / 2 * p["w"] @ p["w"],
                   {"w": lambda X, y, p: X.T @ _r(X, y, p) + p["lambda"] * p["w"]}),
    "weighted_sse": (lambda X, y, p: np.sum(_r(X, y, p) ** 2) / (2 * p["s"] ** 2),
                     {"w": lambda X, y, p: X.T @ _r(X, y, p) / p["s"] ** 2}),
    "gaussian_nll_fixed": (lambda X, y, p: np.sum(0.5 * np.log(2 * np.pi * p["v"])
                                                  + _r(X, y, p) ** 2 / (2 * p["v"])),
                           {"w": lambda X, y, p: X.T @ _r(X, y, p) / p["v"]}),
    "bce_sum": (lambda X, y, p: np.sum(sp_(X @ p["w"]) - y * (X @ p["w"])),
                {"w": lambda X, y, p: X.T @ (sig(X @ p["w"]) - y)}),
    "bce_l2_mean": (lambda X, y, p: np.mean(sp_(X @ p["w"]) - y * (X @ p["w"]))
                    + p["lambda"] / 2 * p["w"] @ p["w"],
                    {"w": lambda X, y, p: X.T @ (sig(X @ p["w"]) - y) / len(y) + p["lambda"] * p["w"]}),
    "bce_temperature": (lambda X, y, p: np.sum(sp_(X @ p["w"] / p["T"]) - y * (X @ p["w"]) / p["T"]),
                        {"w": lambda X, y, p: X.T @ (sig(X @ p["w"] / p["T"]) - y) / p["T"]}),
    "bce_weighted": (lambda X, y, p: np.sum(-p["a"] * y * np.log(sig(X @ p["w"]))
                                            - (1 - y) * np.log(1 - sig(X @ p["w"]))),
                     {"w": lambda X, y, p: X.T @ (sig(X @ p["w"]) * (p["a"] * y + 1 - y) - p["a"] * y)}),
    "bce_bias_sum": (lambda X, y, p: np.sum(sp_(X @ p["w"] + p["b"]) - y * (X @ p["w"] + p["b"])),
                     {"w": lambda X, y, p: X.T @ (sig(X @ p["w"] + p["b"]) - y),
                      "b": lambda X, y, p: np.sum(sig(X @ p["w"] + p["b"]) - y)}),
    "focal": (lambda X, y, p: np.sum(-(1 - sig(X @ p["w"])) ** p["gamma"] * np.log(sig(X @ p["w"]))),
              {"w": lambda X, y, p: X.T @ (p["gamma"] * (1 - sig(X @ p["w"])) ** p["gamma"]
                                           * sig(X @ p["w"]) * np.log(sig(X @ p["w"]))
                                           - (1 - sig(X @ p["w"])) ** (p["gamma"] + 1))}),
    "logcosh": (lambda X, y, p: np.sum(np.log(np.cosh(_r(X, y, p)))),
                {"w": lambda X, y, p: X.T @ np.tanh(_r(X, y, p))}),
    "logcosh_mean": (lambda X, y, p: np.mean(np.log(np.cosh(_r(X, y, p)))),
                     {"w": lambda X, y, p: X.T @ np.tanh(_r(X, y, p)) / len(y)}),
    "sinh_residual": (lambda X, y, p: np.sum(np.sinh(_r(X, y, p)) ** 2),
                      {"w": lambda X, y, p: X.T @ (2 * np.sinh(_r(X, y, p)) * np.cosh(_r(X, y, p)))}),
    "cosh_loss": (lambda X, y, p: np.sum(np.cosh(_r(X, y, p))),
                  {"w": lambda X, y, p: X.T @ np.sinh(_r(X, y, p))}),
    "poisson_sum": (lambda X, y, p: np.sum(np.exp(X @ p["w"]) - y * (X @ p["w"])),
                    {"w": lambda X, y, p: X.T @ (np.exp(X @ p["w"]) - y)}),
    "poisson_mean": (lambda X, y, p: np.mean(np.exp(X @ p["w"]) - y * (X @ p["w"])),
                     {"w": lambda X, y, p: X.T @ (np.exp(X @ p["w"]) - y) / len(y)}),
    "exponential_loss": (lambda X, y, p: np.sum(np.exp(-y * (X @ p["w"]))),
                         {"w": lambda X, y, p: -X.T @ (y * np.exp(-y * (X @ p["w"])))}),
    "logistic_pm1_mean": (lambda X, y, p: np.mean(sp_(-y * (X @ p["w"]))),
                          {"w": lambda X, y, p: -X.T @ (y * sig(-y * (X @ p["w"]))) / len(y)}),
    "softplus_pm1_bias": (lambda X, y, p: np.sum(sp_(-y * (X @ p["w"] + p["b"]))),
                          {"w": lambda X, y, p: -X.T @ (y * sig(-y * (X @ p["w"] + p["b"]))),
                           "b": lambda X, y, p: -np.sum(y * sig(-y * (X @ p["w"] + p["b"])))}),
    "cauchy": (lambda X, y, p: np.sum(np.log(1 + _r(X, y, p) ** 2)),
               {"w": lambda X, y, p: X.T @ (2 * _r(X, y, p) / (1 + _r(X, y, p) ** 2))}),
    "cauchy_scale": (lambda X, y, p: np.sum(np.log(1 + _r(X, y, p) ** 2 / p["c"] ** 2)),
                     {"w": lambda X, y, p: X.T @ (2 * _r(X, y, p) / (p["c"] ** 2 + _r(X, y, p) ** 2))}),
    "geman_mcclure": (lambda X, y, p: np.sum(_r(X, y, p) ** 2 / (1 + _r(X, y, p) ** 2)),
                      {"w": lambda X, y, p: X.T @ (2 * _r(X, y, p) / (1 + _r(X, y, p) ** 2) ** 2)}),
    "pseudo_huber": (lambda X, y, p: np.sum(np.sqrt(1 + _r(X, y, p) ** 2) - 1),
                     {"w": lambda X, y, p: X.T @ (_r(X, y, p) / np.sqrt(1 + _r(X, y, p) ** 2))}),
    "tanh_regression_mean": (lambda X, y, p: np.mean((np.tanh(X @ p["w"]) - y) ** 2),
                             {"w": lambda X, y, p: 2 * X.T @ ((np.tanh(X @ p["w"]) - y)
                                                              * (1 - np.tanh(X @ p["w"]) ** 2)) / len(y)}),
    "sigmoid_sse": (lambda X, y, p: np.sum((sig(X @ p["w"]) - y) ** 2),
                    {"w": lambda X, y, p: 2 * X.T @ ((sig(X @ p["w"]) - y) * sig(X @ p["w"])
                                                     * (1 - sig(X @ p["w"])))}),
    "exp_regression": (lambda X, y, p: 0.5 * np.sum((np.exp(X @ p["w"]) - y) ** 2),
                       {"w": lambda X, y, p: X.T @ ((np.exp(X @ p["w"]) - y) * np.exp(X @ p["w"]))}),
    "gamma_deviance": (lambda X, y, p: np.sum(y * np.exp(-X @ p["w"]) + X @ p["w"]),
                       {"w": lambda X, y, p: X.T @ (1 - y * np.exp(-X @ p["w"]))}),
    "softplus_regression": (lambda X, y, p: 0.5 * np.sum((sp_(X @ p["w"]) - y) ** 2),
                            {"w": lambda X, y, p: X.T @ ((sp_(X @ p["w"]) - y) * sig(X @ p["w"]))}),
    "bce_logits_written": (lambda X, y, p: np.sum(np.log(1 + np.exp(X @ p["w"])) - y * (X @ p["w"])),
                           {"w": lambda X, y, p: X.T @ (sig(X @ p["w"]) - y)}),
    "ridge_bias": (lambda X, y, p: np.sum((_r(X, y, p) + p["b"]) ** 2) + p["lambda"] * p["w"] @ p["w"],
                   {"w": lambda X, y, p: 2 * X.T @ (_r(X, y, p) + p["b"]) + 2 * p["lambda"] * p["w"],
                    "b": lambda X, y, p: 2 * np.sum(_r(X, y, p) + p["b"])}),
    "scaled_logit_mse": (lambda X, y, p: np.sum((p["a"] * X @ p["w"] - y) ** 2),
                         {"w": lambda X, y, p: 2 * p["a"] * X.T @ (p["a"] * X @ p["w"] - y)}),
    "power_loss": (lambda X, y, p: np.sum((1 + _r(X, y, p) ** 2) ** p["q"]),
                   {"w": lambda X, y, p: X.T @ (p["q"] * (1 + _r(X, y, p) ** 2) ** (p["q"] - 1)
                                                * 2 * _r(X, y, p))}),
    "inverse_link": (lambda X, y, p: 0.5 * np.sum((1 / (1 + (X @ p["w"]) ** 2) - y) ** 2),
                     {"w": lambda X, y, p: X.T @ (-(1 / (1 + (X @ p["w"]) ** 2) - y) * 2 * (X @ p["w"])
                                                  / (1 + (X @ p["w"]) ** 2) ** 2)}),
    "bce_sigmoid_written": (lambda X, y, p: np.sum(sp_(X @ p["w"]) - y * (X @ p["w"])),
                            {"w": lambda X, y, p: X.T @ (sig(X @ p["w"]) - y)}),
    "tempered_exp": (lambda X, y, p: np.sum(np.exp(-y * (X @ p["w"]) / p["T"])),
                     {"w": lambda X, y, p: -X.T @ (y * np.exp(-y * (X @ p["w"]) / p["T"])) / p["T"]}),
    "mse_eps": (lambda X, y, p: np.sum(_r(X, y, p) ** 2) + p["epsilon"] * p["w"] @ p["w"],
                {"w": lambda X, y, p: 2 * X.T @ _r(X, y, p) + 2 * p["epsilon"] * p["w"]}),
    "sqrt_loss": (lambda X, y, p: 0.5 * np.sum(np.sqrt(1 + _r(X, y, p) ** 2)),
                  {"w": lambda X, y, p: X.T @ (_r(X, y, p) / (2 * np.sqrt(1 + _r(X, y, p) ** 2)))}),
}
OTHERS = {"network_reused_c", "network_reused_i", "index_trace_reused", "index_scaled_quadratic",
          "ridge_map_variance",
          "index_product_reused"}        # tests/test_losses_letters.py
from test_losses_softmax import LOSSES as WEIGHT_MATRIX_LOSSES     # noqa: E402
OTHERS |= set(WEIGHT_MATRIX_LOSSES)      # by a weight matrix W: tests/test_losses_softmax.py


def test_the_corpus_is_covered_by_expected_results():
    files = {p.stem for p in CORPUS.glob("*.toml")}
    assert len(set(LOSSES)) >= 40
    assert files == set(LOSSES) | OTHERS


def _point(problem, seed):
    """Random data and parameters inside the file's own domains."""
    rng = np.random.default_rng(seed)
    N, D = int(problem.names["N"].check[0]), int(problem.names["D"].check[0])
    names = problem.data["names"]
    X = rng.normal(size=(N, D))
    lo, hi = names["y"].get("domain", [-2, 2])
    if names["y"].get("integer"):
        y = rng.choice([-1.0, 1.0], size=N) if (lo, hi) == (-1, 1) else \
            rng.integers(lo, hi + 1, size=N).astype(float)
    else:
        y = rng.uniform(lo, hi, size=N)
    p = {"w": rng.normal(size=D)}
    for name, v in names.items():
        if v.get("kind") == "scalar" and "sample" not in v:
            p[name] = float(rng.uniform(*v.get("domain", [-1, 1])))
    return N, D, X, y, p


def _derived(derivation, problem, N, D, X, y, p):
    """The derived result at (X, y, p), by SymPy with explicit matrices."""
    sizes = {problem.sizes()["N"]: N, problem.sizes()["D"]: D}
    scalars = {sp.Symbol(k): v for k, v in p.items() if k != "w"}
    result = derivation.result
    if isinstance(result, sp.MatrixExpr):
        values = {sp.MatrixSymbol("X", N, D): X, sp.MatrixSymbol("y", N, 1): y.reshape(-1, 1),
                  sp.MatrixSymbol("w", D, 1): p["w"].reshape(-1, 1), **scalars}
        return np.ravel(_explicit(result.xreplace(sizes), values))
    value = _written_out(result, derivation.model, N, X, y, sp.ImmutableMatrix(p["w"]), sizes)
    value = value.xreplace({k: sp.Float(v) for k, v in scalars.items()}).doit()
    return np.ravel(np.array(value.evalf() if isinstance(value, sp.MatrixBase)
                             else sp.Matrix([value]).evalf(), dtype=float))


CASES = [(name, wrt) for name, (_, grads) in sorted(LOSSES.items()) for wrt in grads]


@pytest.mark.parametrize("name,wrt", CASES, ids=[f"{n}-{w}" for n, w in CASES])
def test_a_course_loss_derives_its_gradient(name, wrt):
    path = str(CORPUS / f"{name}.toml")
    problem = derivator.load(path)
    derivation = derivator.derive(path, wrt=wrt)
    assert not derivation.result.has(sp.Derivative)
    assert [(c.step.rule, c.detail) for c in derivation.verify(points=2) if not c.ok] == []
    loss, grads = LOSSES[name]
    for seed in (0, 1):
        N, D, X, y, p = _point(problem, seed)
        by_hand = np.ravel(grads[wrt](X, y, p))
        numeric = _central(lambda v: loss(X, y, {**p, wrt: v}), p[wrt])
        assert np.allclose(by_hand, np.ravel(numeric), rtol=1e-5, atol=1e-6)   # the golden value
        derived = _derived(derivation, problem, N, D, X, y, p)
        assert np.allclose(derived, by_hand, rtol=1e-8, atol=1e-9), (derived, by_hand)


# --- kernels: every loss over samples has one, its hyperparameters given by keyword ------

STABLE = {"bce_sum", "bce_l2_mean", "bce_temperature", "bce_bias_sum", "logistic_pm1_mean",
          "softplus_pm1_bias", "bce_logits_written", "bce_sigmoid_written", "bce_weighted",
          "focal"}      # σ and softplus inside: finite at any |z|, as bce is


def _kernel_point(problem, rng, N, D):
    names = problem.data["names"]
    lo, hi = names["y"].get("domain", [-2, 2])
    if names["y"].get("integer"):
        y = rng.choice([-1.0, 1.0], size=N) if (lo, hi) == (-1, 1) else \
            rng.integers(lo, hi + 1, size=N).astype(float)
    else:
        y = rng.uniform(lo, hi, size=N)
    hyper = {("lam" if n == "lambda" else n): float(rng.uniform(*v["domain"]))
             for n, v in names.items()
             if v.get("kind") == "scalar" and "sample" not in v and n != "b"}
    return rng.normal(size=(N, D)), y, hyper


@pytest.mark.parametrize("name", sorted(LOSSES))
def test_a_course_loss_has_a_kernel(name):
    path = str(CORPUS / f"{name}.toml")
    problem = derivator.load(path)
    k = derivator.kernel(path)
    loss, grads = LOSSES[name]
    assert set(k.params) == set(grads)
    rng = np.random.default_rng(7)
    for N, D in ((5, 3), (9, 4)):                       # two sizes
        X, y, hyper = _kernel_point(problem, rng, N, D)
        assert set(k.hyper) == set(hyper)
        p = {"w": rng.normal(size=D) * 0.5, **({"b": float(rng.normal())} if "b" in grads else {})}
        given = {("lambda" if h == "lam" else h): v for h, v in hyper.items()}
        assert np.isclose(k.loss(p, X, y, **hyper), loss(X, y, {**p, **given}), rtol=1e-10)
        g = k.grad(p, X, y, **hyper)
        for q in grads:
            numeric = _central(lambda v: k.loss({**p, q: v}, X, y, **hyper), p[q])
            assert np.allclose(g[q], numeric, rtol=1e-5, atol=1e-6), q
    if name in STABLE:
        X, y, hyper = _kernel_point(problem, rng, 6, 3)
        p = {q: (np.full(3, 400.0) if q == "w" else 0.0) for q in grads}
        assert np.isfinite(k.loss(p, X * 10, y, **hyper))
        assert all(np.isfinite(v).all() for v in k.grad(p, X * 10, y, **hyper).values())


def test_a_kernel_names_an_unknown_hyperparameter():
    k = derivator.kernel(str(CORPUS / "ridge_half.toml"))
    assert k.hyper == {"lam": 0.55}          # the middle of the file's domain [0.1, 1]
    X, y = np.ones((3, 2)), np.zeros(3)
    with pytest.raises(TypeError, match="no hyperparameter 'gamma'; it has lam"):
        k.loss({"w": np.zeros(2)}, X, y, gamma=2.0)
