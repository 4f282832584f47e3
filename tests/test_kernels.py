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
    from derivator.kernels import blocks as kernels
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


# Every loss over samples, through the dict API: p2, p3 and problem 7's network too.

ALL_KERNELS = ["bce", "mse", "p2", "p3", "p7b", "bce-mle", "logistic-pm1"]


def test_every_loss_over_samples_has_a_kernel():
    from derivator.kernels import kernel_names
    assert kernel_names() == ALL_KERNELS


def _labels(name, rng, N):
    y = (rng.random(N) < 0.5).astype(float)
    return {"p3": 2 * y - 1, "logistic-pm1": 2 * y - 1, "mse": rng.normal(size=N)}.get(name, y)


def _params(k, rng, sizes):
    return {p: rng.normal(size=tuple(sizes[s] for s in shape)) if shape else rng.normal()
            for p, shape in k.params.items()}


def _central_gradient(k, params, X, y, eps=1e-6):
    out = {}
    for p, value in params.items():
        value = np.asarray(value, dtype=float)
        grad = np.zeros_like(value)
        for idx in np.ndindex(value.shape):
            step = np.zeros_like(value)
            step[idx] = eps
            grad[idx] = (k.loss({**params, p: value + step}, X, y)
                         - k.loss({**params, p: value - step}, X, y)) / (2 * eps)
        out[p] = grad
    return out


@pytest.mark.parametrize("name", ALL_KERNELS)
@pytest.mark.parametrize("N,D,M", [(7, 3, 4), (12, 2, 5)])
def test_every_kernel_matches_central_differences(name, N, D, M):
    rng = np.random.default_rng(N * D)
    k = derivator.kernel(name)
    X, y = rng.normal(size=(N, D)), _labels(name, rng, N)
    params = _params(k, rng, {"D": D, "M": M})
    grad = k.grad(params, X, y)
    assert set(grad) == set(params)
    for p, expected in _central_gradient(k, params, X, y).items():
        assert np.shape(grad[p]) == np.shape(params[p])
        np.testing.assert_allclose(grad[p], expected, rtol=1e-6, atol=1e-8, err_msg=p)


def test_the_pm1_kernel_is_the_notes_loss_and_equals_bce_of_relabelled_labels():
    """Σ log(1 + e^(-y wᵀx)) with y in {-1, 1}; its gradient is N times BCE's mean gradient
    for y' = (1 + y)/2 (the notes' link), with b = 0."""
    rng = np.random.default_rng(11)
    X, w = rng.normal(size=(9, 3)), rng.normal(size=3)
    y = 2 * (rng.random(9) < 0.5) - 1.0
    pm1 = derivator.kernel("logistic-pm1")
    assert pm1.loss({"w": w}, X, y) == pytest.approx(np.sum(np.log1p(np.exp(-y * (X @ w)))),
                                                     rel=1e-12)
    dw, _ = derivator.kernel("bce").grad(w, 0.0, X, (1 + y) / 2)
    np.testing.assert_allclose(pm1.grad({"w": w}, X, y)["w"], 9 * dw, rtol=1e-10)


def _plain_network(params, X):
    """Problem 7's equations (10)-(13) written out for one sample at a time."""
    def s(t):
        return 1 / (1 + np.exp(-t))
    w0, w1, w2 = params["w_0"], params["w_1"], params["w_2"]
    out = []
    for x in X:
        z = [s(sum(w0[m, d] * x[d] for d in range(len(x)))) for m in range(w0.shape[0])]
        h = [x[d] + s(sum(w1[d, m] * z[m] for m in range(len(z)))) for d in range(len(x))]
        out.append(s(sum(w2[d] * h[d] for d in range(len(x)))))
    return np.array(out)


def test_losses_match_the_problems_formulas():
    rng = np.random.default_rng(8)
    X, y01 = rng.normal(size=(9, 3)), _labels("p2", rng, 9)
    w = rng.normal(size=3)
    f = 1 / (1 + np.exp(-X @ w))
    p2 = np.sum(-y01 * np.log(f) - (1 - y01) * np.log(1 - f)) + w @ w
    assert derivator.kernel("p2").loss({"w": w}, X, y01) == pytest.approx(p2, rel=1e-12)
    ypm = 2 * y01 - 1
    f = (1 - np.exp(-X @ w)) / (1 + np.exp(-X @ w))
    p3 = 0.5 * np.sum((f - ypm) ** 2)
    assert derivator.kernel("p3").loss({"w": w}, X, ypm) == pytest.approx(p3, rel=1e-12)
    np.testing.assert_allclose(derivator.kernel("p3").predict({"w": w}, X), f, rtol=1e-12)
    k = derivator.kernel("p7b")
    params = _params(k, rng, {"D": 3, "M": 2})
    g = _plain_network(params, X)
    assert k.loss(params, X, y01) == pytest.approx(0.5 * np.sum((g - y01) ** 2), rel=1e-12)
    np.testing.assert_allclose(k.predict(params, X), g, rtol=1e-12)


def test_network_gradient_is_a_backward_pass_over_the_batch():
    source = derivator.kernel("p7b").source
    grad = source[source.index("def grad("):source.index("def predict(")]
    predict = source[source.index("def predict("):]
    forward = [line.split(" = ")[1] for line in predict.splitlines() if " @ " in line]
    assert len(forward) == 3                  # X w_0ᵀ, z w_1ᵀ, h w_2
    assert all(grad.count(product) == 1 for product in forward)   # reused, not recomputed
    assert grad.count("sigmoid(") == 4        # z, h, g once each, and σ(-a) for 1 - σ(a)
    assert grad.count(" @ ") == 3 + 4         # and one product per weight, + δ w_1 for w_0
    assert "for " not in grad.split('"""')[2]   # no loop over samples or weight entries


def _p3_reference(z, y):
    """p3's per-sample loss and dL/dz with enough digits (mpmath)."""
    mpmath.mp.dps = 60 + int(abs(z))
    z = mpmath.mpf(z)
    f = (1 - mpmath.exp(-z)) / (1 + mpmath.exp(-z))
    return float((f - y) ** 2 / 2), float((f - y) * (1 - f ** 2) / 2)


def test_p3_is_stable_and_accurate_for_z_in_minus_1000_to_1000():
    k = derivator.kernel("p3")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", divide="raise", invalid="raise"):
            for z in np.concatenate([np.linspace(-1000, 1000, 201), [-30.0, 30.0, 1e-9]]):
                for label in (-1.0, 1.0):
                    X, y = np.array([[z]]), np.array([label])
                    loss, dw = k.loss({"w": [1.0]}, X, y), k.grad({"w": [1.0]}, X, y)["w"]
                    ref_loss, ref_grad = _p3_reference(z, label)
                    assert _close(loss, ref_loss), (z, label, loss, ref_loss)
                    assert _close(dw[0], ref_grad * z), (z, label, dw, ref_grad * z)


def test_float32_data_is_not_copied():
    import tracemalloc
    k = derivator.kernel("bce")
    rng = np.random.default_rng(9)
    X = rng.normal(size=(40_000, 50)).astype(np.float32)      # 8 MB
    y, w = _labels("bce", rng, 40_000), np.zeros(50)          # float64 y and w
    k.grad(w, 0.0, X, y)
    tracemalloc.start()
    try:
        dw, db = k.grad(w, 0.0, X, y)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert dw.dtype == np.float32 and peak < X.nbytes / 4


@pytest.mark.parametrize("change,message", [
    (lambda p, X, y: (p, X.astype(complex), y), "X must hold real numbers; got dtype complex128"),
    (lambda p, X, y: (p, X.astype(object), y), "X must hold real numbers; got dtype object"),
    (lambda p, X, y: (p, X, y.astype(str)), "y must hold real numbers; got dtype <U"),
    (lambda p, X, y: ({**p, "w_1": p["w_1"] + 0j}, X, y), "w_1 must hold real numbers"),
    (lambda p, X, y: ({**p, "v": 1.0}, X, y), "unknown parameter 'v'; parameters: w_0, w_1, w_2"),
    (lambda p, X, y: ({"w_0": p["w_0"], "w_1": p["w_1"]}, X, y), "missing parameter 'w_2'"),
    (lambda p, X, y: ({**p, "w_1": p["w_1"].T}, X, y), "w_1 has shape (2, 3) but X has shape"),
    (lambda p, X, y: ({**p, "w_0": p["w_0"][:1]}, X, y), "w_1 has shape (3, 2) but X has"),
    (lambda p, X, y: (p, np.where(X > 1, np.inf, X), y), "X contains NaN or inf (at row"),
])
def test_bad_network_input_names_the_argument(change, message):
    k = derivator.kernel("p7b")
    rng = np.random.default_rng(10)
    args = change(_params(k, rng, {"D": 3, "M": 2}), rng.normal(size=(20, 3)),
                  _labels("p7b", rng, 20))
    for method in (k.loss, k.grad):
        with pytest.raises(ValueError) as err:
            method(*args)
        assert message in str(err.value)


@pytest.mark.parametrize("name,message", [
    ("p1a", "p1a is not a loss over samples; kernels: bce, mse, p2, p3, p7b"),
    ("p4", "p4 is not a loss over samples"),
    ("p7a", "p7a is not a loss over samples"),
    ("p9", "unknown derivation 'p9'"),
])
def test_derivations_without_a_kernel_say_so(name, message):
    with pytest.raises(derivator.DerivatorError, match=message):
        derivator.kernel(name)


def test_a_loss_with_a_constant_other_than_its_parameters_takes_it_as_a_hyperparameter():
    """λ of an L2 term is neither a parameter nor data: the kernel takes it by name, with
    the middle of its declared domain as the default. By hand: Σ(y - Xw)² + λwᵀw and
    its gradient 2Xᵀ(Xw - y) + 2λw."""
    from pathlib import Path
    path = str(Path(__file__).parent / "problem_files" / "ridge_loss.toml")
    k = derivator.kernel(path)
    assert k.hyper == {"lam": pytest.approx((0.1 + 2.0) / 2)}
    rng = np.random.default_rng(5)
    for N, D in ((7, 3), (12, 5)):
        X, y, w = rng.normal(size=(N, D)), rng.normal(size=N), rng.normal(size=D)
        for lam in (0.3, 1.7):
            r = X @ w - y
            assert k.loss({"w": w}, X, y, lam=lam) == pytest.approx(r @ r + lam * w @ w)
            np.testing.assert_allclose(k.grad({"w": w}, X, y, lam=lam)["w"],
                                       2 * X.T @ r + 2 * lam * w, rtol=1e-10)
    r = X @ w - y
    assert k.loss({"w": w}, X, y) == pytest.approx(r @ r + 1.05 * w @ w)


@pytest.mark.parametrize("name", ALL_KERNELS)
def test_blocks_shared_among_threads_give_the_one_pass_answer_every_time(name, monkeypatch):
    from derivator.kernels import blocks, kernel
    rng = np.random.default_rng(11)
    k = derivator.kernel(name)
    X, y = rng.normal(size=(1000, 5)), _labels(name, rng, 1000)
    params = _params(k, rng, {"D": 5, "M": 3})
    whole = k.loss(params, X, y), k.grad(params, X, y)
    monkeypatch.setattr(blocks, "BLOCK_BYTES", 7 * 5 * 8)            # blocks of 7 rows
    monkeypatch.setattr(kernel, "NETWORK_BLOCK_BYTES", 7 * 5 * 8)
    monkeypatch.setattr(blocks, "cores", lambda: 3)
    first = k.loss(params, X, y), k.grad(params, X, y)
    assert first[0] == pytest.approx(whole[0], rel=1e-12)
    for p in params:
        np.testing.assert_allclose(first[1][p], whole[1][p], rtol=1e-11, atol=1e-14)
    for _ in range(3):                   # partial sums added in block order, not thread order
        again = k.loss(params, X, y), k.grad(params, X, y)
        assert again[0] == first[0]
        assert all(np.array_equal(again[1][p], first[1][p]) for p in params)
    bad = X.copy()
    bad[500, 2] = np.nan
    with pytest.raises(ValueError, match="at row 500"):
        k.grad(params, bad, y)


def _logistic_pm1():
    """A loss that is not in the repository: logistic loss with labels -1/1,
    L(y, p) = log(1 + e^(-y p)), declared as the lectures declare theirs."""
    import sympy as sp
    from derivator.model.lecture import Definition, Domain, Model
    from derivator.model.registry import J, L, X, Y, b, i, p, w, x, y, z
    m = sp.Symbol("m")
    with sp.evaluate(False):
        loss = sp.log(1 + sp.exp(-y * p))
        linear = w * x + b
    cost = sp.Mul(sp.Pow(m, -1), sp.Sum(L(Y[i], z(X[i])), (i, 1, m)), evaluate=False)
    return Model(name="logistic-test", title={"en": "test", "ko": "test"},
                 definitions=(Definition(z, (x,), linear), Definition(L, (y, p), loss),
                              Definition(J, (w, b), cost)),
                 target=J(w, b), params=(w, b), sample_index=i, sample_count=m, samples=(X, Y),
                 domains={Y: Domain(-1, 1, integer=True), m: Domain(3, 3, integer=True)})


def test_a_loss_from_outside_the_repository_gets_a_stable_kernel(monkeypatch):
    from derivator.model import registry
    monkeypatch.setitem(registry.BUILDERS, "logistic-test", _logistic_pm1)
    k = derivator.kernel("logistic-test")
    assert k.params == {"w": ("D",), "b": ()} and k.labels == (-1, 1)
    rng = np.random.default_rng(12)
    X, y = rng.normal(size=(9, 3)), _labels("p3", rng, 9)
    params = {"w": rng.normal(size=3), "b": 0.4}
    expected = np.mean(np.logaddexp(0, -y * (X @ params["w"] + params["b"])))
    assert k.loss(params, X, y) == pytest.approx(expected, rel=1e-12)
    for p, fd in _central_gradient(k, params, X, y).items():
        np.testing.assert_allclose(k.grad(params, X, y)[p], fd, rtol=1e-6, atol=1e-9)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", divide="raise", invalid="raise"):
            for t in (-1000.0, -40.0, 40.0, 1000.0):
                for label in (-1.0, 1.0):
                    dw, db = k.grad(np.array([1.0]), 0.0, np.array([[t]]), np.array([label]))
                    s = float(mpmath.mpf(1) / (1 + mpmath.exp(label * t)))    # σ(-y t)
                    assert _close(db, -label * s) and _close(dw[0], -label * s * t)


def test_positional_calls_return_what_they_did():
    rng = np.random.default_rng(13)
    X, y = rng.normal(size=(6, 2)), _labels("p2", rng, 6)
    w = rng.normal(size=2)
    k = derivator.kernel("p2")
    np.testing.assert_array_equal(k.grad(w, X, y), k.grad({"w": w}, X, y)["w"])  # one array
    assert k.loss(w, X, y) == k.loss({"w": w}, X, y)
    with pytest.raises(TypeError, match=r"grad\(\) takes \(params, X, y\)"):
        k.grad(w, w, X, y)


def _grad_in_child(connection, k, params, X, y):
    connection.send(k.grad(params, X, y))


def test_a_forked_child_can_use_kernels_after_its_parent_did(monkeypatch):
    """The thread pool belongs to the process that made it: a child forked after the
    parent ran a kernel (multiprocessing's default on Linux) gets its own, not a hang."""
    import multiprocessing
    from derivator.kernels import blocks
    monkeypatch.setattr(blocks, "BLOCK_BYTES", 7 * 5 * 8)
    monkeypatch.setattr(blocks, "cores", lambda: 2)
    rng = np.random.default_rng(14)
    k = derivator.kernel("bce")
    X, y = rng.normal(size=(200, 5)), _labels("bce", rng, 200)
    params = {"w": rng.normal(size=5), "b": 0.1}
    here = k.grad(params, X, y)
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_grad_in_child, args=(send, k, params, X, y))
    child.start()
    try:
        assert receive.poll(60), "the child hung"
        there = receive.recv()
    finally:
        child.kill()
        child.join()
    assert all(np.array_equal(here[p], there[p]) for p in params)
