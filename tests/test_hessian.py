"""Second order: Hessians derived step by step, checked, as kernels and on the command line.

Golden values are worked out by hand (XᵀSX, 2XᵀX/N + 2λI, Xᵀdiag(e^{Xw})X) or taken from
central differences of a gradient, never from the tool's own Hessian."""
import dataclasses
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import sympy as sp

import derivator

HERE = Path(__file__).parent
FILES = sorted((HERE / "problem_files_hessian").glob("*.toml"))
TRUSTED = "X, y and w by hand"


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def test_at_least_ten_order_two_files():
    assert len(FILES) >= 10


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_every_file_derives_its_hessian_and_every_step_verifies(path):
    d = derivator.derive(str(path), order=2)
    rules = [s.rule for s in d.steps]
    assert "hessian_definition" in rules and "chain_predictor" in rules
    assert all(c.ok for c in d.verify()), [c.detail for c in d.verify() if not c.ok]


def _fd_jacobian(grad, params, q, p, h=1e-6):
    base = np.asarray(params[q], dtype=float)
    cols = []
    for j in range(max(base.size, 1)):
        e = np.zeros(base.size)
        e[j] = h
        up, down = dict(params), dict(params)
        up[q] = (base.ravel() + e).reshape(base.shape) if base.shape else float(base + h)
        down[q] = (base.ravel() - e).reshape(base.shape) if base.shape else float(base - h)
        cols.append((np.asarray(grad(up)[p]) - np.asarray(grad(down)[p])) / (2 * h))
    return np.stack(cols, -1).reshape(np.shape(params[p]) + np.shape(params[q]))


@pytest.mark.parametrize("path", FILES[1::2], ids=lambda p: p.stem)
def test_kernel_hessian_is_the_differences_of_the_gradient_kernel_at_two_sizes(path):
    try:
        k = derivator.kernel(str(path))
    except derivator.DerivatorError as error:        # no first-order kernel (another branch)
        pytest.skip(str(error))
    rng = np.random.default_rng(3)
    for N, D in ((6, 2), (9, 4)):
        X = rng.normal(size=(N, D))
        y = rng.integers(0, 2, size=N).astype(float)
        params = {p: rng.normal(size=D) * 0.5 if shape else float(rng.normal())
                  for p, shape in k.params.items()}
        H = k.hessian(params, X, y)
        assert set(H) == {(p, q) for p in params for q in params}
        for (p, q), block in H.items():
            fd = _fd_jacobian(lambda ps: k.grad(ps, X, y), params, q, p)
            assert block.shape == fd.shape
            np.testing.assert_allclose(block, fd, rtol=1e-5, atol=1e-6)


def _data(N=7, D=3, seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(N, D)), rng.integers(0, 2, size=N).astype(float), rng.normal(size=D)


def test_bce_sum_hessian_is_xt_s_x_by_hand():
    X, y, w = _data()
    p = sigmoid(X @ w)
    by_hand = X.T @ np.diag(p * (1 - p)) @ X
    H = derivator.kernel(str(HERE / "problem_files_hessian/bce_sum.toml")).hessian({"w": w}, X, y)
    np.testing.assert_allclose(H[("w", "w")], by_hand, rtol=1e-10)


def test_ridge_mean_hessian_is_2xtx_over_n_plus_2_lambda_by_hand():
    X, y, w = _data(N=8, D=4)
    k = derivator.kernel(str(HERE / "problem_files_hessian/ridge_mean.toml"))
    H = k.hessian({"w": w}, X, y, lam=0.3)
    np.testing.assert_allclose(H[("w", "w")], 2 * X.T @ X / 8 + 2 * 0.3 * np.eye(4), rtol=1e-10)
    d = derivator.derive(str(HERE / "problem_files_hessian/ridge_mean.toml"), order=2)
    final = [s for s in d.steps if s.rule == "hessian_matrix_form"][-1].expr
    assert not final.has(sp.DiagMatrix)          # the same weight for all: 2XᵀX, no diag(s)


def test_poisson_hessian_by_hand():
    X, y, w = _data(N=6, D=2, seed=4)
    k = derivator.kernel(str(HERE / "problem_files_hessian/poisson_sum.toml"))
    np.testing.assert_allclose(k.hessian({"w": w}, X, y)[("w", "w")],
                               X.T @ np.diag(np.exp(X @ w)) @ X, rtol=1e-10)


def test_newton_step_is_the_last_step_and_solves_a_quadratic_in_one_step():
    path = str(HERE / "problem_files_hessian/ridge_mean.toml")
    d = derivator.derive(path, order=2)
    assert d.steps[-1].rule == "newton_step"
    k = derivator.kernel(path)
    X, y, w = _data(N=9, D=3, seed=2)
    g = k.grad({"w": w}, X, y, lam=0.2)["w"]
    H = k.hessian({"w": w}, X, y, lam=0.2)[("w", "w")]
    w_new = w - np.linalg.solve(H, g)
    np.testing.assert_allclose(k.grad({"w": w_new}, X, y, lam=0.2)["w"], 0, atol=1e-9)


def test_lecture_bce_order_2_from_python_verifies_every_block():
    d = derivator.derive("bce", order=2)
    blocks = d.details["hessian_blocks"]
    assert set(blocks) == {("w", "w"), ("w", "b"), ("b", "b")}
    assert all(c.ok for c in d.verify())


def test_a_wrong_hessian_step_fails_verification():
    d = derivator.derive(str(HERE / "problem_files_hessian/bce_sum.toml"), order=2)
    k = next(n for n, s in enumerate(d.steps) if s.rule == "chain_predictor")
    wrong = dataclasses.replace(d.steps[k], expr=d.steps[k].expr.replace(
        lambda e: isinstance(e, sp.Add) and e.has(sp.Integer(1)) and len(e.args) == 2
        and not e.has(sp.Sum), lambda e: sp.Integer(1)))       # (1 - f) dropped: f x xᵀ
    assert wrong.expr != d.steps[k].expr
    broken = type(d)(d.name, d.wrt, d.steps[:k] + [wrong] + d.steps[k + 1:], d.result,
                     d.model, d.details)
    checks = broken.verify()
    assert not checks[k].ok


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "derivator", *args], capture_output=True,
                          text=True, timeout=120)


def test_show_order_2_on_the_command_line_in_english_and_korean():
    run = _cli("show", "p2", "--order", "2", "--format", "text")
    assert run.returncode == 0, run.stderr
    assert "Newton" in run.stdout and "Hessian" in run.stdout
    ko = _cli("show", "p2", "--order", "2", "--format", "text", "--lang", "ko")
    assert ko.returncode == 0 and "헤세" in ko.stdout


def test_a_file_whose_hessian_cannot_be_derived_is_one_line_exit_1(tmp_path):
    source = (HERE / "problem_files/mlp_one_hidden.toml").read_text()
    path = tmp_path / "mlp2.toml"
    path.write_text(source.replace("[derive]", "[derive]\norder = 2", 1))
    run = _cli("show", str(path), "--format", "text")
    assert run.returncode == 1, (run.stdout, run.stderr)
    assert "Traceback" not in run.stderr and len(run.stderr.strip().splitlines()) == 1
    assert "Hessian" in run.stderr


def test_a_bad_order_is_one_line(tmp_path):
    source = (HERE / "problem_files_hessian/bce_sum.toml").read_text()
    path = tmp_path / "o3.toml"
    path.write_text(source.replace("order = 2", "order = 3"))
    run = _cli("show", str(path))
    assert run.returncode == 2 and "order" in run.stderr and "Traceback" not in run.stderr


def test_every_second_order_rule_has_english_and_korean():
    from derivator.render.messages import RULES
    for rule in ("hessian_definition", "into_sum_hessian", "data_constant", "chain_predictor",
                 "hessian_matrix_form", "newton_step"):
        assert set(RULES[rule]) >= {"en", "ko"}


def test_the_chain_rule_caption_states_the_derivative_it_takes():
    """bce's model is w x + b with a scalar w: ∂z/∂w = x, not 1, so the caption's value is
    ∂r/∂w (x² σ' for the w-block's residual r = (h - y) x), never called ∂r/∂z."""
    derivation = derivator.derive("bce", order=2)
    stated = {str(s.lhs): s.params["d"][0] for s in derivation.steps if s.rule == "chain_predictor"}
    x = next(iter(stated["∂²J/∂b²"].atoms(sp.Indexed)))
    # by hand: ∂/∂w (h - y)x = x² h(1 - h), ∂/∂b (h - y)x = x h(1 - h), ∂/∂b (h - y) = h(1 - h)
    assert sp.simplify(stated["∂²J/∂w²"] / stated["∂²J/∂b²"] - x ** 2) == 0
    assert sp.simplify(stated["∂²J/∂w∂b"] / stated["∂²J/∂b²"] - x) == 0
    from derivator.render import captioned
    captions = [c for *_, rows in captioned(derivation) for *_, c in rows]
    assert not any("∂r/∂z_i = x" in c for c in captions)
    assert any("∂r/∂wᵀ = (∂r/∂z_i) ∂z_i/∂wᵀ = " in c for c in captions)
