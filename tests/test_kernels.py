"""Kernels generated from the derivations: against finite differences, a high-precision
reference, scikit-learn, and bad input."""
import warnings

import mpmath
import numpy as np
import pytest

import derivator

KERNELS = ["bce", "mse"]


def _data(rng, N=40, D=5, dtype=np.float64, name="bce"):
    X = rng.normal(size=(N, D)).astype(dtype)
    y = (rng.random(N) < 0.5).astype(dtype) if name == "bce" else rng.normal(size=N).astype(dtype)
    return rng.normal(size=D).astype(dtype), dtype(0.3), X, y


def _central(f, x, eps=1e-6):
    return (f(x + eps) - f(x - eps)) / (2 * eps)


@pytest.mark.parametrize("name", KERNELS)
def test_gradient_matches_central_differences(name):
    k = derivator.kernel(name)
    w, b, X, y = _data(np.random.default_rng(3), name=name)
    dw, db = k.grad(w, b, X, y)
    fd_w = [_central(lambda t: k.loss(w + t * e, b, X, y), 0.0) for e in np.eye(len(w))]
    np.testing.assert_allclose(dw, fd_w, rtol=1e-6, atol=1e-9)
    assert db == pytest.approx(_central(lambda t: k.loss(w, b + t, X, y), 0.0), rel=1e-6)


@pytest.mark.parametrize("name", KERNELS)
def test_loss_matches_the_plain_formula(name):
    k = derivator.kernel(name)
    w, b, X, y = _data(np.random.default_rng(4), name=name)
    z = X @ w + b
    if name == "bce":
        p = 1 / (1 + np.exp(-z))
        expected = np.mean(-y * np.log(p) - (1 - y) * np.log(1 - p))
    else:
        expected = np.mean((y - z) ** 2)
    assert k.loss(w, b, X, y) == pytest.approx(expected, rel=1e-12)


def test_blocks_give_the_same_answer_as_one_pass(monkeypatch):
    from derivator.kernels import linear as kernels
    k = derivator.kernel("bce")
    w, b, X, y = _data(np.random.default_rng(5), N=1000)
    whole = k.loss(w, b, X, y), k.grad(w, b, X, y)
    monkeypatch.setattr(kernels, "BLOCK_BYTES", 7 * 5 * 8)     # blocks of 7 rows
    assert k.loss(w, b, X, y) == pytest.approx(whole[0], rel=1e-13)
    np.testing.assert_allclose(k.grad(w, b, X, y)[0], whole[1][0], rtol=1e-12)


def _reference(z, y):
    """Loss and dL/dz by the textbook formula, with enough digits (mpmath) that 1 - σ(z)
    keeps its own: e^-1000 needs about 435."""
    mpmath.mp.dps = 60 + int(abs(z) / 2)
    z = mpmath.mpf(z)
    s = 1 / (1 + mpmath.exp(-z))
    loss = -y * mpmath.log(s) - (1 - y) * mpmath.log(1 - s)
    return float(loss), float(s - y)


def _close(got, ref, rel=1e-12):
    tiny = np.finfo(np.float64).tiny         # below this, float64 has no relative precision
    return abs(got - ref) <= rel * abs(ref) or (abs(ref) < tiny and abs(got - ref) < tiny)


def test_bce_is_stable_and_accurate_for_z_in_minus_1000_to_1000():
    k = derivator.kernel("bce")
    zs = np.concatenate([np.linspace(-1000, 1000, 401), [-40.0, 40.0, -1e-9, 0.0, 1e-9]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")               # no overflow, no divide by zero
        with np.errstate(over="raise", divide="raise", invalid="raise"):  # underflow to 0 is fine
            for z in zs:
                for label in (0.0, 1.0):
                    X, y = np.array([[z]]), np.array([label])
                    loss = k.loss(np.array([1.0]), 0.0, X, y)
                    dw, db = k.grad(np.array([1.0]), 0.0, X, y)
                    ref_loss, ref_grad = _reference(z, label)
                    assert np.isfinite(loss) and np.isfinite(dw).all() and np.isfinite(db)
                    assert _close(loss, ref_loss), (z, label, loss, ref_loss)
                    assert _close(dw[0], ref_grad * z), (z, label, dw, ref_grad)
                    assert _close(db, ref_grad), (z, label, db, ref_grad)


def test_bce_tiny_loss_is_not_rounded_to_zero():
    k = derivator.kernel("bce")
    loss = k.loss(np.array([1.0]), 0.0, np.array([[-40.0]]), np.array([0.0]))
    assert loss == pytest.approx(4.248354255291589e-18, rel=1e-12)


@pytest.mark.parametrize("name", KERNELS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_result_follows_the_input_dtype(name, dtype):
    k = derivator.kernel(name)
    w, b, X, y = _data(np.random.default_rng(6), dtype=dtype, name=name)
    loss = k.loss(w, b, X, y)
    dw, db = k.grad(w, b, X, y)
    assert np.asarray(loss).dtype == dtype and dw.dtype == dtype and np.asarray(db).dtype == dtype
    ref = derivator.kernel(name).grad(w.astype(np.float64), float(b), X.astype(np.float64),
                                      y.astype(np.float64))[0]
    np.testing.assert_allclose(dw, ref, rtol=1e-3 if dtype == np.float32 else 1e-12, atol=1e-5)


@pytest.mark.parametrize("change,message", [
    (lambda w, b, X, y: (w[:-1], b, X, y), "w has shape (4,) but X has shape (40, 5)"),
    (lambda w, b, X, y: (w, b, X, y[:-1]), "y has shape (39,) but X has shape (40, 5)"),
    (lambda w, b, X, y: (w, b, X[0], y), "X must be a 2-D array (N, D); got shape (5,)"),
    (lambda w, b, X, y: (w, np.ones(2), X, y), "b must be a scalar"),
    (lambda w, b, X, y: (w, b, X, np.where(np.arange(40) == 7, np.nan, y)),
     "y contains NaN or inf (at index 7)"),
    (lambda w, b, X, y: (np.where(np.arange(5) == 2, np.inf, w), b, X, y),
     "w contains NaN or inf (at index 2)"),
    (lambda w, b, X, y: (w, b, np.where(np.arange(40)[:, None] == 11, np.nan, X), y),
     "X @ w is not finite at row 11"),
])
@pytest.mark.parametrize("name", KERNELS)
def test_bad_input_names_the_argument_and_shapes(name, change, message):
    k = derivator.kernel(name)
    args = change(*_data(np.random.default_rng(7), name=name))
    for method in (k.loss, k.grad):
        with pytest.raises(ValueError) as err:
            method(*args)
        assert message in str(err.value)


def test_source_is_the_generated_code():
    source = derivator.kernel("bce").source
    compile(source, "kernel", "exec")
    for piece in ("softplus", "exp(-abs(", "where(", "Xb.T @ r_w", "X[rows] @ w", "def grad("):
        assert piece in source


def test_not_a_loss_and_unknown_names():
    with pytest.raises(derivator.DerivatorError, match="sigmoid is not a loss over samples"):
        derivator.kernel("sigmoid")
    with pytest.raises(derivator.DerivatorError, match="unknown derivation 'nope'"):
        derivator.kernel("nope")


def test_bce_agrees_with_scikit_learn():
    sklearn = pytest.importorskip("sklearn")
    from sklearn.datasets import load_breast_cancer
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import log_loss
    from sklearn.preprocessing import StandardScaler
    X, y = load_breast_cancer(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    model = LogisticRegression(C=np.inf, tol=1e-12, max_iter=100_000).fit(X, y)   # no penalty
    w, b = model.coef_[0], model.intercept_[0]
    k = derivator.kernel("bce")
    dw, db = k.grad(w, b, X, y.astype(float))
    assert np.max(np.abs(dw)) < 1e-5 and abs(db) < 1e-5
    assert k.loss(w, b, X, y.astype(float)) == pytest.approx(
        log_loss(y, model.predict_proba(X)[:, 1]), rel=1e-9, abs=1e-12)
    assert sklearn.__version__
