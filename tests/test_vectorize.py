"""The vectorized form names the right weight vector: with two linear scores wᵀx_i and
uᵀx_i in one loss, each becomes X w or X u, whichever the sum holds (both were written
with the first parameter: ∂/∂w printed Xᵀ(… X u …), a wrong result that lint caught and
show printed)."""
from pathlib import Path

import numpy as np
import sympy as sp

import derivator

FILE = Path(__file__).parent / "problem_files_main" / "two_weight_vectors.toml"


def _value(expr, values, sizes):
    """A matrix expression at numbers: sizes and every matrix symbol replaced."""
    e = expr.xreplace({s: sizes[s.name] for s in expr.atoms(sp.Symbol) if s.name in sizes})
    e = e.xreplace({m: sp.ImmutableMatrix(values[m.name].reshape(m.shape[0], -1))
                    for m in e.atoms(sp.MatrixSymbol)})
    return np.array(sp.Matrix(e.doit()).evalf(), dtype=float).ravel()


def test_each_linear_score_is_written_with_its_own_weights():
    rng = np.random.default_rng(3)
    N, D = 6, 4
    X, y, w, u = rng.normal(size=(N, D)), rng.normal(size=N), rng.normal(size=D), rng.normal(size=D)
    # L = Σ (y_i - wᵀx_i)² + (wᵀx_i)(uᵀx_i), by hand:
    hand = {"w": X.T @ (2 * (X @ w - y) + X @ u), "u": X.T @ (X @ w)}
    values = {"X": X, "y": y, "w": w, "u": u}
    for p in ("w", "u"):
        d = derivator.derive(str(FILE), wrt=p)
        assert all(c.ok for c in d.verify()), p
        got = _value(d.result, values, {"N": N, "D": D})
        # the hand gradient is itself checked by central differences
        f = lambda v: np.sum((y - X @ v["w"]) ** 2 + (X @ v["w"]) * (X @ v["u"]))
        fd = np.array([(f({**values, p: values[p] + e}) - f({**values, p: values[p] - e})) / 2e-6
                       for e in np.eye(D) * 1e-6])
        np.testing.assert_allclose(hand[p], fd, rtol=1e-6, atol=1e-6)
        np.testing.assert_allclose(got, hand[p], rtol=1e-9, atol=1e-9)
