"""The Matrix Cookbook corpus (tests/problem_files_cookbook/, issue 20): every file derives
to a matrix form, and every result equals (1) central differences of the function and
(2) the closed form, both written below with NumPy alone, on random non-square,
non-symmetric matrices (invertible, or SPD where the file declares spd = true). A few
files are also verified step by step."""
from pathlib import Path

import numpy as np
import pytest
import sympy as sp

import derivator
from derivator.model.problemfile import load
from derivator.verify.indices import _matrix_value, _numeric

CORPUS = Path(__file__).parent / "problem_files_cookbook"


def sig(t):
    return 1 / (1 + np.exp(-t))


def inv(X):
    return np.linalg.inv(X)


def det(X):
    return np.linalg.det(X)


def s(v):                     # a 1×1 array as a number
    return float(np.squeeze(v))


# name -> (f(a), closed form of ∂f/∂wrt (the Jacobian, numerator layout, for a vector f))
CASES = {
    "trace_x": (lambda a: np.trace(a["X"]), lambda a: np.eye(len(a["X"]))),
    "trace_x_squared": (lambda a: np.trace(a["X"]) ** 2,
                        lambda a: 2 * np.trace(a["X"]) * np.eye(len(a["X"]))),
    "trace_a_trace_x": (lambda a: np.trace(a["A"]) * np.trace(a["X"]),
                        lambda a: np.trace(a["A"]) * np.eye(len(a["X"]))),
    "trace_ax": (lambda a: np.trace(a["A"] @ a["X"]), lambda a: a["A"].T),
    "trace_xa": (lambda a: np.trace(a["X"] @ a["A"]), lambda a: a["A"].T),
    "trace_axb": (lambda a: np.trace(a["A"] @ a["X"] @ a["B"]), lambda a: a["A"].T @ a["B"].T),
    "trace_axtb": (lambda a: np.trace(a["A"] @ a["X"].T @ a["B"]), lambda a: a["B"] @ a["A"]),
    "trace_xtx": (lambda a: np.trace(a["X"].T @ a["X"]), lambda a: 2 * a["X"]),
    "trace_xxt": (lambda a: np.trace(a["X"] @ a["X"].T), lambda a: 2 * a["X"]),
    "trace_xtax": (lambda a: np.trace(a["X"].T @ a["A"] @ a["X"]),
                   lambda a: (a["A"] + a["A"].T) @ a["X"]),
    "trace_xaxt": (lambda a: np.trace(a["X"] @ a["A"] @ a["X"].T),
                   lambda a: a["X"] @ (a["A"] + a["A"].T)),
    "trace_axbx": (lambda a: np.trace(a["A"] @ a["X"] @ a["B"] @ a["X"]),
                   lambda a: a["A"].T @ a["X"].T @ a["B"].T + a["B"].T @ a["X"].T @ a["A"].T),
    "trace_x2": (lambda a: np.trace(a["X"] @ a["X"]), lambda a: 2 * a["X"].T),
    "trace_axt": (lambda a: np.trace(a["A"] @ a["X"].T), lambda a: a["A"]),
    "trace_hadamard": (lambda a: np.trace(a["A"].T @ (a["X"] * a["B"])), lambda a: a["A"] * a["B"]),
    "frobenius_hadamard": (lambda a: np.sum((a["X"] * a["A"]) ** 2),
                           lambda a: 2 * a["X"] * a["A"] ** 2),
    "trace_residual_square": (
        lambda a: np.sum((a["A"] @ a["X"] @ a["B"] + a["C"]) ** 2),
        lambda a: 2 * a["A"].T @ (a["A"] @ a["X"] @ a["B"] + a["C"]) @ a["B"].T),
    "frobenius_residual": (lambda a: np.sum((a["A"] @ a["X"] - a["B"]) ** 2),
                           lambda a: 2 * a["A"].T @ (a["A"] @ a["X"] - a["B"])),
    "frobenius_residual_right": (lambda a: np.sum((a["X"] @ a["A"] - a["B"]) ** 2),
                                 lambda a: 2 * (a["X"] @ a["A"] - a["B"]) @ a["A"].T),
    "autoencoder": (
        lambda a: np.sum((a["X"] - a["X"] @ a["W"] @ a["W"].T) ** 2),
        lambda a: (lambda R: -2 * (a["X"].T @ R + R.T @ a["X"]) @ a["W"])(
            a["X"] - a["X"] @ a["W"] @ a["W"].T)),
    "sum_sin": (lambda a: np.sum(np.sin(a["X"])), lambda a: np.cos(a["X"])),
    "sum_cos": (lambda a: np.sum(np.cos(a["X"])), lambda a: -np.sin(a["X"])),
    "sum_exp": (lambda a: np.sum(np.exp(a["X"])), lambda a: np.exp(a["X"])),
    "sum_tan": (lambda a: np.sum(np.tan(a["X"])), lambda a: 1 / np.cos(a["X"]) ** 2),
    "sum_tanh": (lambda a: np.sum(np.tanh(a["X"])), lambda a: 1 / np.cosh(a["X"]) ** 2),
    "sum_sigmoid": (lambda a: np.sum(sig(a["X"])), lambda a: sig(a["X"]) * sig(-a["X"])),
    "sum_softplus": (lambda a: np.sum(np.logaddexp(0, a["X"])), lambda a: sig(a["X"])),
    "sum_log_square": (lambda a: np.sum(np.log1p(a["X"] ** 2)),
                       lambda a: 2 * a["X"] / (1 + a["X"] ** 2)),
    "weighted_sin": (lambda a: np.sum(a["A"] * np.sin(a["X"])), lambda a: a["A"] * np.cos(a["X"])),
    "inner_ax": (lambda a: s(a["a"].T @ a["x"]), lambda a: a["a"]),
    "inner_xx": (lambda a: s(a["x"].T @ a["x"]), lambda a: 2 * a["x"]),
    "quadratic_xax": (lambda a: s(a["x"].T @ a["A"] @ a["x"]),
                      lambda a: (a["A"] + a["A"].T) @ a["x"]),
    "quadratic_atax": (lambda a: s(np.sum((a["A"] @ a["x"]) ** 2)),
                       lambda a: 2 * a["A"].T @ a["A"] @ a["x"]),
    "least_squares": (lambda a: np.sum((a["A"] @ a["x"] - a["b"]) ** 2),
                      lambda a: 2 * a["A"].T @ (a["A"] @ a["x"] - a["b"])),
    "norm_x": (lambda a: np.linalg.norm(a["x"]), lambda a: a["x"] / np.linalg.norm(a["x"])),
    "norm_ax": (lambda a: np.linalg.norm(a["A"] @ a["x"]),
                lambda a: a["A"].T @ a["A"] @ a["x"] / np.linalg.norm(a["A"] @ a["x"])),
    "inner_squared": (lambda a: s(a["a"].T @ a["x"]) ** 2,
                      lambda a: 2 * s(a["a"].T @ a["x"]) * a["a"]),
    "inner_product_two": (lambda a: s(a["a"].T @ a["x"]) * s(a["x"].T @ a["b"]),
                          lambda a: (a["a"] @ a["b"].T + a["b"] @ a["a"].T) @ a["x"]),
    "exp_inner": (lambda a: np.exp(s(a["a"].T @ a["x"])),
                  lambda a: np.exp(s(a["a"].T @ a["x"])) * a["a"]),
    "sigmoid_inner": (lambda a: sig(s(a["a"].T @ a["x"])),
                      lambda a: sig(s(a["a"].T @ a["x"])) * sig(-s(a["a"].T @ a["x"])) * a["a"]),
    "softplus_sum": (lambda a: np.sum(np.logaddexp(0, a["A"] @ a["x"])),
                     lambda a: a["A"].T @ sig(a["A"] @ a["x"])),
    "logsumexp": (lambda a: np.log(np.sum(np.exp(a["x"]))),
                  lambda a: np.exp(a["x"]) / np.sum(np.exp(a["x"]))),
    "tanh_sum": (lambda a: np.sum(np.tanh(a["A"] @ a["x"])),
                 lambda a: a["A"].T @ (1 - np.tanh(a["A"] @ a["x"]) ** 2)),
    "bilinear_residual": (
        lambda a: s((a["A"] @ a["x"] + a["b"]).T @ a["C"] @ (a["D"] @ a["x"] + a["e"])),
        lambda a: a["A"].T @ a["C"] @ (a["D"] @ a["x"] + a["e"])
        + a["D"].T @ a["C"].T @ (a["A"] @ a["x"] + a["b"])),
    "ridge": (lambda a: np.sum((a["X"] @ a["w"] - a["y"]) ** 2) + a["lambda"] * np.sum(a["w"] ** 2),
              lambda a: 2 * a["X"].T @ (a["X"] @ a["w"] - a["y"]) + 2 * a["lambda"] * a["w"]),
    "quadratic_inverse": (lambda a: s(a["x"].T @ inv(a["A"]) @ a["x"]),
                          lambda a: (inv(a["A"]) + inv(a["A"]).T) @ a["x"]),
    "scaled_inner": (lambda a: a["c"] * s(a["a"].T @ a["x"]), lambda a: a["c"] * a["a"]),
    "jacobian_ax": (lambda a: a["A"] @ a["x"], lambda a: a["A"]),
    "jacobian_atx": (lambda a: a["A"].T @ a["x"], lambda a: a["A"].T),
    "jacobian_sigmoid_wx": (lambda a: sig(a["W"] @ a["x"]),
                            lambda a: np.diag((sig(a["W"] @ a["x"]) * sig(-a["W"] @ a["x"])).ravel())
                            @ a["W"]),
    "jacobian_hadamard": (lambda a: a["a"] * a["x"], lambda a: np.diag(a["a"].ravel())),
    "jacobian_hadamard_two": (lambda a: a["a"] * a["x"] * a["b"],
                              lambda a: np.diag((a["a"] * a["b"]).ravel())),
    "jacobian_square": (lambda a: a["x"] ** 2, lambda a: 2 * np.diag(a["x"].ravel())),
    "jacobian_x_xtx": (lambda a: a["x"] * s(a["x"].T @ a["x"]),
                       lambda a: s(a["x"].T @ a["x"]) * np.eye(len(a["x"])) + 2 * a["x"] @ a["x"].T),
    "jacobian_sin": (lambda a: np.sin(a["x"]), lambda a: np.diag(np.cos(a["x"]).ravel())),
    "jacobian_tanh_affine": (
        lambda a: np.tanh(a["A"] @ a["x"] + a["b"]),
        lambda a: np.diag((1 - np.tanh(a["A"] @ a["x"] + a["b"]) ** 2).ravel()) @ a["A"]),
    "jacobian_outer": (lambda a: a["b"] * s(a["a"].T @ a["x"]), lambda a: a["b"] @ a["a"].T),
    "jacobian_exp_hadamard": (lambda a: a["a"] * np.exp(a["x"]),
                              lambda a: np.diag((a["a"] * np.exp(a["x"])).ravel())),
    "bilinear_axb": (lambda a: s(a["a"].T @ a["X"] @ a["b"]), lambda a: a["a"] @ a["b"].T),
    "bilinear_axtb": (lambda a: s(a["a"].T @ a["X"].T @ a["b"]), lambda a: a["b"] @ a["a"].T),
    "bilinear_squared": (lambda a: s(a["a"].T @ a["X"] @ a["b"]) ** 2,
                         lambda a: 2 * s(a["a"].T @ a["X"] @ a["b"]) * a["a"] @ a["b"].T),
    "bilinear_xtx": (lambda a: s(a["a"].T @ a["X"].T @ a["X"] @ a["b"]),
                     lambda a: a["X"] @ (a["a"] @ a["b"].T + a["b"] @ a["a"].T)),
    "bilinear_xtdx": (lambda a: s(a["b"].T @ a["X"].T @ a["D"] @ a["X"] @ a["c"]),
                      lambda a: a["D"].T @ a["X"] @ a["b"] @ a["c"].T
                      + a["D"] @ a["X"] @ a["c"] @ a["b"].T),
    "sqrt_bilinear": (lambda a: np.exp(s(a["a"].T @ a["X"] @ a["b"])),
                      lambda a: np.exp(s(a["a"].T @ a["X"] @ a["b"])) * a["a"] @ a["b"].T),
    "logistic_weights": (lambda a: np.sum(np.logaddexp(0, a["X"] @ a["w"])),
                         lambda a: a["X"].T @ sig(a["X"] @ a["w"])),
    "inverse_bilinear": (lambda a: s(a["a"].T @ inv(a["X"]) @ a["b"]),
                         lambda a: -inv(a["X"]).T @ a["a"] @ a["b"].T @ inv(a["X"]).T),
    "inverse_trace": (lambda a: np.trace(a["A"] @ inv(a["X"]) @ a["B"]),
                      lambda a: -inv(a["X"]).T @ a["A"].T @ a["B"].T @ inv(a["X"]).T),
    "inverse_trace_plain": (lambda a: np.trace(inv(a["X"])),
                            lambda a: -(inv(a["X"]) @ inv(a["X"])).T),
    "inverse_quadratic_x": (lambda a: s(a["x"].T @ inv(a["X"]) @ a["x"]),
                            lambda a: -inv(a["X"]).T @ a["x"] @ a["x"].T @ inv(a["X"]).T),
    "determinant": (lambda a: det(a["X"]), lambda a: det(a["X"]) * inv(a["X"]).T),
    "determinant_squared": (lambda a: det(a["X"]) ** 2,
                            lambda a: 2 * det(a["X"]) ** 2 * inv(a["X"]).T),
    "determinant_scaled": (lambda a: a["c"] * det(a["X"]),
                           lambda a: a["c"] * det(a["X"]) * inv(a["X"]).T),
    "log_determinant": (lambda a: np.log(det(a["X"])), lambda a: inv(a["X"]).T),
    "gaussian_covariance": (
        lambda a: np.log(det(a["X"])) + np.trace(inv(a["X"]) @ a["S"]),
        lambda a: inv(a["X"]).T - inv(a["X"]).T @ a["S"].T @ inv(a["X"]).T),
    "determinant_times_trace": (
        lambda a: det(a["X"]) * np.trace(a["X"]),
        lambda a: det(a["X"]) * np.trace(a["X"]) * inv(a["X"]).T + det(a["X"]) * np.eye(len(a["X"]))),
    # matrix-only files (no `index =`): the index form is built from the matrix form
    "mo_trace_atxb": (lambda a: np.trace(a["A"].T @ a["X"] @ a["B"]), lambda a: a["A"] @ a["B"].T),
    "mo_bilinear_sum": (lambda a: s(a["a"].T @ a["X"] @ a["b"] + a["c"].T @ a["X"] @ a["d"]),
                        lambda a: a["a"] @ a["b"].T + a["c"] @ a["d"].T),
    "mo_trace_xtxa": (lambda a: np.trace(a["X"].T @ a["X"] @ a["A"]),
                      lambda a: a["X"] @ (a["A"] + a["A"].T)),
    "mo_trace_axxt": (lambda a: np.trace(a["A"] @ a["X"] @ a["X"].T),
                      lambda a: (a["A"] + a["A"].T) @ a["X"]),
    "mo_trace_axbxt": (lambda a: np.trace(a["A"] @ a["X"] @ a["B"] @ a["X"].T),
                       lambda a: a["A"] @ a["X"] @ a["B"] + a["A"].T @ a["X"] @ a["B"].T),
    "mo_norm_squared_residual": (lambda a: np.sum((a["X"] @ a["B"] - a["C"]) ** 2),
                                 lambda a: 2 * (a["X"] @ a["B"] - a["C"]) @ a["B"].T),
    "mo_norm_difference": (lambda a: np.linalg.norm(a["x"] - a["a"]),
                           lambda a: (a["x"] - a["a"]) / np.linalg.norm(a["x"] - a["a"])),
    "mo_weighted_residual": (
        lambda a: s((a["A"] @ a["x"] - a["b"]).T @ a["W"] @ (a["A"] @ a["x"] - a["b"])),
        lambda a: a["A"].T @ (a["W"] + a["W"].T) @ (a["A"] @ a["x"] - a["b"])),
    "mo_jacobian_affine": (lambda a: a["A"] @ a["x"] + a["b"], lambda a: a["A"]),
    "mo_jacobian_tanh": (lambda a: np.tanh(a["W"] @ a["x"]),
                         lambda a: np.diag((1 - np.tanh(a["W"] @ a["x"]) ** 2).ravel()) @ a["W"]),
    "mo_jacobian_hadamard_ax": (lambda a: a["a"] * (a["A"] @ a["x"]),
                                lambda a: np.diag(a["a"].ravel()) @ a["A"]),
    "mo_jacobian_outer_norm": (lambda a: a["a"] * s(a["x"].T @ a["x"]),
                               lambda a: 2 * a["a"] @ a["x"].T),
    "mo_jacobian_sin_ax": (lambda a: np.sin(a["A"] @ a["x"]),
                           lambda a: np.diag(np.cos(a["A"] @ a["x"]).ravel()) @ a["A"]),
    "mo_inverse_trace_a": (lambda a: np.trace(inv(a["X"]) @ a["A"]),
                           lambda a: -inv(a["X"]).T @ a["A"].T @ inv(a["X"]).T),
    "mo_inverse_transposed": (lambda a: s(a["a"].T @ inv(a["X"]).T @ a["b"]),
                              lambda a: -inv(a["X"]).T @ a["b"] @ a["a"].T @ inv(a["X"]).T),
    "mo_logdet_plus_trace": (lambda a: np.log(det(a["X"])) + np.trace(a["A"] @ a["X"]),
                             lambda a: inv(a["X"]).T + a["A"].T),
    "mo_det_reciprocal": (lambda a: 1 / det(a["X"]), lambda a: -inv(a["X"]).T / det(a["X"])),
    "mo_exp_trace": (lambda a: np.exp(np.trace(a["A"] @ a["X"])),
                     lambda a: np.exp(np.trace(a["A"] @ a["X"])) * a["A"].T),
    "mo_exp_times_inner": (
        lambda a: np.exp(s(a["a"].T @ a["x"])) * s(a["b"].T @ a["x"]),
        lambda a: np.exp(s(a["a"].T @ a["x"])) * (s(a["b"].T @ a["x"]) * a["a"] + a["b"])),
    "mo_trace_cube": (lambda a: np.trace(a["X"] @ a["X"] @ a["X"]),
                      lambda a: 3 * (a["X"] @ a["X"]).T),
    "mo_hadamard_square": (lambda a: np.trace((a["A"] * a["X"]).T @ a["X"]),
                           lambda a: 2 * a["A"] * a["X"]),
    "mo_cubic_inner": (lambda a: s(a["a"].T @ a["x"]) ** 3,
                       lambda a: 3 * s(a["a"].T @ a["x"]) ** 2 * a["a"]),
    "mo_sigmoid_bilinear": (
        lambda a: sig(s(a["a"].T @ a["X"] @ a["b"])),
        lambda a: (lambda z: sig(z) * sig(-z))(s(a["a"].T @ a["X"] @ a["b"])) * a["a"] @ a["b"].T),
    "mo_trace_sin": (lambda a: np.trace(a["A"].T @ np.sin(a["X"])), lambda a: a["A"] * np.cos(a["X"])),
    "mo_trace_exp": (lambda a: np.trace(a["A"].T @ np.exp(a["X"])), lambda a: a["A"] * np.exp(a["X"])),
    "mo_frobenius_flag": (lambda a: np.linalg.norm(a["A"] @ a["X"] - a["B"], "fro") ** 2,
                          lambda a: 2 * a["A"].T @ (a["A"] @ a["X"] - a["B"])),
    # a user's [[definitions]] g(t), applied entrywise
    "definition_entrywise_sum": (lambda a: np.sum(np.log1p(a["X"] ** 2) + a["X"]),
                                 lambda a: 2 * a["X"] / (1 + a["X"] ** 2) + 1),
    "mo_definition_jacobian": (
        lambda a: (a["A"] @ a["x"]) ** 3 + 2 * (a["A"] @ a["x"]),
        lambda a: np.diag((3 * (a["A"] @ a["x"]) ** 2 + 2).ravel()) @ a["A"]),
    "mo_definition_trace": (lambda a: np.trace(a["A"].T @ (a["X"] * np.exp(a["X"]))),
                            lambda a: a["A"] * (1 + a["X"]) * np.exp(a["X"])),
    "mo_scaled_frobenius": (lambda a: a["c"] * np.sum(a["X"] ** 2), lambda a: 2 * a["c"] * a["X"]),
}

# verified step by step too (the rest: result against both references, to keep the suite fast)
STEP_BY_STEP = ["trace_x_squared", "trace_hadamard", "bilinear_squared", "inverse_trace",
                "log_determinant", "gaussian_covariance", "jacobian_x_xtx", "sum_tan",
                "norm_x", "determinant_times_trace", "mo_cubic_inner", "mo_inverse_transposed",
                "mo_jacobian_hadamard_ax", "mo_trace_sin", "mo_logdet_plus_trace"]


def _draw(problem, rng, setting=0):
    """Random arrays at the problem's sizes (each size at its check value number
    `setting`): normal entries, SPD where declared, scalars in [0.5, 2]."""
    sizes = {name: v.check[min(setting, len(v.check) - 1)]
             for name, v in problem.names.items() if v.kind == "size"}
    arrays = {}
    for name, v in problem.names.items():
        spec = problem.data["names"][name]
        if v.kind == "matrix":
            m = rng.normal(size=tuple(sizes[d] for d in v.shape))
            if spec.get("spd"):
                m = m @ m.T + len(m) * np.eye(len(m))
            arrays[name] = m
        elif v.kind == "vector":
            arrays[name] = rng.normal(size=(sizes[v.shape[0]], 1))
        elif v.kind == "scalar":
            arrays[name] = float(rng.uniform(0.5, 2.0))
    return sizes, arrays


def central_differences(f, arrays, wrt, h=1e-6):
    base = arrays[wrt]
    out = []
    for index in np.ndindex(*base.shape):
        up, down = base.copy(), base.copy()
        up[index] += h
        down[index] -= h
        out.append((np.asarray(f({**arrays, wrt: up})) - np.asarray(f({**arrays, wrt: down})))
                   / (2 * h))
    value = np.asarray(f(arrays))
    if value.size > 1:                      # a Jacobian: rows are f's entries
        return np.stack([o.ravel() for o in out], axis=1)
    return np.array(out, dtype=float).reshape(base.shape)


def test_the_corpus_is_broad():
    files = sorted(p.stem for p in CORPUS.glob("*.toml"))
    assert len(files) >= 60
    assert files == sorted(CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_result_is_the_cookbook_gradient(name):
    problem = load(CORPUS / f"{name}.toml")
    derivation = derivator.derive(str(CORPUS / f"{name}.toml"))
    result = derivation.result
    assert isinstance(result, sp.MatrixExpr), f"no matrix form: {result}"
    assert not result.has(sp.Sum, sp.Indexed, sp.KroneckerDelta)
    f, closed = CASES[name]
    wrt = problem.data["derive"]["wrt"]
    rng = np.random.default_rng(sum(map(ord, name)))
    for setting in (0, 1):                  # two non-square settings of the sizes
        sizes, arrays = _draw(problem, rng, setting)
        symbols = {sp.Symbol(n, integer=True, positive=True): v for n, v in sizes.items()}
        symbols.update({sp.Symbol(n): v for n, v in arrays.items() if isinstance(v, float)})
        try:                        # the tool's own evaluators: NumPy, else SymPy
            tool = np.asarray(_matrix_value(result, symbols, arrays), dtype=float)
        except (AttributeError, NameError, TypeError):
            tool = np.asarray(_numeric(result, symbols, arrays, problem.matrices()), dtype=float)
        expected = np.asarray(closed(arrays), dtype=float)
        numeric = central_differences(f, arrays, wrt)
        assert np.allclose(expected.reshape(numeric.shape), numeric, rtol=1e-5, atol=1e-6), \
            "the closed form in this test is wrong"
        assert tool.shape == expected.shape, (tool.shape, expected.shape)
        assert np.allclose(tool, expected, rtol=1e-8, atol=1e-9), (tool, expected)


@pytest.mark.parametrize("name", STEP_BY_STEP)
def test_every_step_is_verified(name):
    derivation = derivator.derive(str(CORPUS / f"{name}.toml"))
    failed = [c for c in derivation.verify() if not c.ok]
    assert not failed, failed[0].detail
