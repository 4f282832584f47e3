"""Summation letters reused across definitions (issue 21): every definition is substituted
with its bound letters renamed apart, whatever letters the file uses, and the checker, which
substitutes by a means of its own, catches a step where that went wrong."""
from pathlib import Path

import numpy as np
import pytest
import sympy as sp

import derivator
from derivator.model import lecture
from test_engine_corpus import _central, assert_entries_are, mlp_grad_u, mlp_loss

CORPUS = Path(__file__).parent / "problem_files_losses"

NETWORKS = {"network_reused_c": (mlp_loss, mlp_grad_u, {"u": ("M", "D"), "v": ("M",)}),
            "network_reused_i": (mlp_loss, mlp_grad_u, {"u": ("M", "D"), "v": ("M",)})}


@pytest.mark.parametrize("name", sorted(NETWORKS))
def test_a_network_with_reused_letters_derives_the_delta_rule(name):
    path = str(CORPUS / f"{name}.toml")
    problem = derivator.load(path)
    derivation = derivator.derive(path)
    assert all(c.ok for c in derivation.verify())
    assert not derivation.result.has(sp.KroneckerDelta)
    loss, grad_u, shapes = NETWORKS[name]
    size = {n: int(v.check[0]) for n, v in problem.names.items() if v.kind == "size"}
    rng = np.random.default_rng(11)
    X = rng.normal(size=(size["N"], size["D"]))
    y = rng.integers(0, 2, size=size["N"]).astype(float)
    w = {k: rng.normal(size=tuple(size[d] for d in dims)) for k, dims in shapes.items()}
    by_hand = grad_u(X, y, w)
    assert np.allclose(by_hand, _central(lambda u: loss(X, y, {**w, "u": u}), w["u"]),
                       rtol=1e-5, atol=1e-7)
    assert_entries_are(derivation, by_hand, X, y, w)


def test_the_checker_catches_a_captured_letter(monkeypatch):
    """With the renaming switched off in the engine only, z(c, x) of Σ_c u_{m,c} x_c becomes
    Σ_c u_{c,c} x_c: the checker's own substitution disagrees, and the steps fail."""
    monkeypatch.setattr(lecture.Definition, "apply",
                        lambda self, args: self._apply(args, lambda body, avoid, reserved: body))
    from derivator.strategies.loss import derive     # the engine itself, not a cached result
    derivation = derive(derivator.load(str(CORPUS / "network_reused_c.toml")), None)
    failed = [c.step.rule for c in derivation.verify() if not c.ok]
    assert "chain_rule" in failed and "substitute_sample" in failed


def test_renaming_apart_picks_a_letter_used_nowhere():
    c, m, i = sp.symbols("c m i", integer=True)
    u, x = sp.IndexedBase("u"), sp.IndexedBase("x")
    z = lecture.Definition(sp.Function("z"), (m, x), sp.Sum(u[m, c] * x[c], (c, 1, 3)),
                           reserved=frozenset({"i", "j"}))
    body = z.apply((c, x))
    (bound,) = [v for v, _, _ in body.limits]
    assert str(bound) not in {"c", "m", "i", "j"}
    assert body.doit() == sum(u[c, k] * x[k] for k in (1, 2, 3))
    # the checker's substitution gives the same value under other names
    assert z.apply_hygienic((c, x)).doit() == body.doit()


@pytest.mark.parametrize("name, by_hand", [
    ("index_trace_reused", lambda v: v["A"].T + v["B"].T),
    ("index_product_reused", lambda v: 2 * v["A"].T @ v["A"] @ v["x"]
                                       + 2 * v["B"].T @ v["B"] @ v["x"])])
def test_an_index_form_with_reused_letters(name, by_hand):
    derivation = derivator.derive(str(CORPUS / f"{name}.toml"))
    assert all(c.ok for c in derivation.verify())
    problem = derivator.load(str(CORPUS / f"{name}.toml"))
    sizes = {s: int(problem.names[str(s)].check[-1]) for s in problem.sizes().values()}
    rng = np.random.default_rng(3)
    values, symbols = {}, {}
    for n, m in problem.matrices().items():
        shape = tuple(int(d.xreplace(sizes)) for d in m.shape)
        values[n] = rng.normal(size=shape)
        symbols[sp.MatrixSymbol(n, *m.shape).xreplace(sizes)] = sp.ImmutableMatrix(values[n])
    flat = {k: v[:, 0] if v.shape[1] == 1 else v for k, v in values.items()}
    derived = np.array(derivation.result.xreplace(sizes).xreplace(symbols).doit()
                       .as_explicit(), dtype=float)
    assert np.allclose(np.squeeze(derived), by_hand(flat))


def test_a_declared_scalar_in_an_index_form():
    """A temperature T declared `scalar` is a constant of the index form (it was an unknown
    name): ∂/∂x (‖Ax‖² + aᵀx)/T = (2/T) AᵀAx + a/T, by hand."""
    path = str(CORPUS / "index_scaled_quadratic.toml")
    derivation = derivator.derive(path)
    assert all(c.ok for c in derivation.verify())
    problem = derivator.load(path)
    sizes = {s: int(problem.names[str(s)].check[0]) for s in problem.sizes().values()}
    rng = np.random.default_rng(4)
    values, symbols = {}, {sp.Symbol("T"): 0.7}
    for n, m in problem.matrices().items():
        values[n] = rng.normal(size=tuple(int(d.xreplace(sizes)) for d in m.shape))
        symbols[sp.MatrixSymbol(n, *m.shape).xreplace(sizes)] = sp.ImmutableMatrix(values[n])
    A, a, x = values["A"], values["a"][:, 0], values["x"][:, 0]
    by_hand = (2 * A.T @ A @ x + a) / 0.7
    f = lambda v: (np.sum((A @ v) ** 2) + a @ v) / 0.7
    assert np.allclose(_central(f, x), by_hand, rtol=1e-6)
    derived = np.array(derivation.result.xreplace(sizes).xreplace(symbols).doit()
                       .as_explicit(), dtype=float)
    assert np.allclose(np.ravel(derived), by_hand)


def test_ridge_map_with_a_variance_ends_in_the_textbook_form():
    """The normal equations divided by −1/s², XᵀX first: (XᵀX + λs²I)⁻¹Xᵀy, where the
    hand-written log-posterior's gradient (central differences) vanishes."""
    from test_engine_corpus import _explicit
    path = str(CORPUS / "ridge_map_variance.toml")
    derivation = derivator.derive(path)
    assert all(c.ok for c in derivation.verify())
    assert "normalise_equations" in [s.rule for s in derivation.steps]
    rng = np.random.default_rng(8)
    N, D, lam, s = 5, 3, 0.6, 1.3
    X, y = rng.normal(size=(N, D)), rng.normal(size=N)
    by_hand = np.linalg.solve(X.T @ X + lam * s ** 2 * np.eye(D), X.T @ y)
    log_posterior = lambda w: -np.sum((y - X @ w) ** 2) / (2 * s ** 2) - lam / 2 * w @ w
    assert np.allclose(_central(log_posterior, by_hand), 0, atol=1e-6)
    sizes = derivator.load(path).sizes()
    values = {sp.MatrixSymbol("X", N, D): X, sp.MatrixSymbol("y", N, 1): y.reshape(-1, 1),
              sp.Symbol("lambda"): lam, sp.Symbol("s"): s}
    derived = _explicit(derivation.result.xreplace({sizes["N"]: N, sizes["D"]: D}), values)
    assert np.allclose(np.ravel(derived), by_hand)
    inverse = derivation.result.args[0]
    assert isinstance(inverse, sp.Inverse) and sp.MatrixSymbol("X", sizes["N"], sizes["D"]).T \
        in inverse.arg.args[0].args        # XᵀX + λs²I: the data term first, alone
