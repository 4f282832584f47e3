"""Final results against sympy.diff of the fully substituted cost and central differences."""
import numpy as np
import pytest
import sympy as sp

import derivator
from derivator.verify.steps import expand_everything


def _bce_cost(w, b, X, Y):
    z = w * X + b
    h = 1 / (1 + np.exp(-z))
    return np.mean(-Y * np.log(h) - (1 - Y) * np.log(1 - h))


def _central(f, v, eps=1e-6):
    return (f(v + eps) - f(v - eps)) / (2 * eps)


@pytest.mark.parametrize("wrt", ["w", "b"])
def test_bce_result_agrees_with_sympy_diff(wrt):
    d = derivator.derive("bce", wrt)
    x, y, w, b, i = sp.symbols("x y w b i")
    Xs, Ys = sp.IndexedBase("x"), sp.IndexedBase("y")
    m = 3   # the checker's sample count
    cost = sum(-Ys[k] * sp.log(1 / (1 + sp.exp(-(w * Xs[k] + b))))
               - (1 - Ys[k]) * sp.log(1 - 1 / (1 + sp.exp(-(w * Xs[k] + b))))
               for k in range(1, m + 1)) / m
    truth = sp.diff(cost, sp.Symbol(wrt))
    ours = expand_everything(d.result, d.model)
    values = {w: 0.7, b: -0.3, **{Xs[k]: 0.5 * k - 1 for k in range(1, 4)},
              **{Ys[k]: k % 2 for k in range(1, 4)}}
    assert float(ours.xreplace(values)) == pytest.approx(float(truth.xreplace(values)), rel=1e-12)


@pytest.mark.parametrize("wrt", ["w", "b"])
def test_bce_result_agrees_with_central_differences(wrt):
    rng = np.random.default_rng(1)
    X, Y = rng.normal(size=7), rng.integers(0, 2, size=7).astype(float)
    w0, b0 = 0.4, -0.2
    d = derivator.derive("bce", wrt)
    m, i = sp.symbols("m i")
    Xs, Ys = sp.IndexedBase("x"), sp.IndexedBase("y")
    h = sp.Function("h")
    w, b = sp.symbols("w b")
    result = d.result.replace(h, sp.Lambda(sp.Symbol("t"), 1 / (1 + sp.exp(-(w * sp.Symbol("t") + b)))))
    result = result.xreplace({m: len(X)}).doit()
    value = float(result.xreplace({w: w0, b: b0, **{Xs[k + 1]: X[k] for k in range(7)},
                                   **{Ys[k + 1]: Y[k] for k in range(7)}}))
    if wrt == "w":
        fd = _central(lambda v: _bce_cost(v, b0, X, Y), w0)
    else:
        fd = _central(lambda v: _bce_cost(w0, v, X, Y), b0)
    assert value == pytest.approx(fd, rel=1e-7)


def test_sigmoid_result_is_its_derivative():
    d = derivator.derive("sigmoid")
    x = sp.Symbol("x")
    s = 1 / (1 + sp.exp(-x))
    ours = expand_everything(d.result, d.model)
    for v in (-3.0, 0.0, 0.5, 4.0):
        assert float(ours.subs(x, v)) == pytest.approx(_central(
            lambda t: 1 / (1 + np.exp(-t)), v), rel=1e-7)
        assert float(ours.subs(x, v)) == pytest.approx(float(sp.diff(s, x).subs(x, v)))


@pytest.mark.parametrize("wrt", ["w", "b"])
def test_mse_vectorized_result_agrees_with_central_differences(wrt):
    rng = np.random.default_rng(2)
    N, D = 6, 4
    X, y = rng.normal(size=(N, D)), rng.normal(size=N)
    w0, b0 = rng.normal(size=D), 0.3

    def cost(w, b):
        return np.mean((y - (X @ w + b)) ** 2)

    d = derivator.derive("mse", wrt)
    Xm, ym, wm = d.model.data_matrix
    Ns, Ds, b = sp.symbols("N D b")
    expr = d.result.xreplace({Ns: N, Ds: D})
    f = sp.lambdify([sp.MatrixSymbol("X", N, D), sp.MatrixSymbol("y", N, 1),
                     sp.MatrixSymbol("w", D, 1), b], expr, "numpy")
    value = np.ravel(f(X, y.reshape(-1, 1), w0.reshape(-1, 1), b0))
    if wrt == "w":
        fd = np.array([_central(lambda t: cost(w0 + t * e, b0), 0.0) for e in np.eye(D)])
    else:
        fd = np.array([_central(lambda t: cost(w0, b0 + t), 0.0)])
    np.testing.assert_allclose(value, fd, rtol=1e-6)
