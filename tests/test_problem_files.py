"""Problem files from users: read safely, bad ones reported as FILE:LINE, and the commands
show / check / lint / new on a file."""
import textwrap
from pathlib import Path

import numpy as np
import pytest

import derivator
from test_cli import run as run_cli

CORPUS = Path(__file__).parent / "problem_files"

GOOD_INDEX = """\
title = "tr(AᵀB)"
strategy = "index"

[names]
A = { kind = "matrix", shape = ["N", "M"] }
B = { kind = "matrix", shape = ["N", "M"] }
N = { kind = "size", check = [2, 3] }
M = { kind = "size", check = [3, 4] }

[function]
name = "F"
matrix = "tr(A^T B)"
index = "sum_{i=1}^{N} sum_{j=1}^{M} A_{ij} B_{ij}"

[derive]
wrt = "A"
entry = ["k", "l"]
"""


def run(*args):
    return run_cli(*[str(a) for a in args])


def write(tmp_path, text, name="p.toml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


# --- bad files: one line FILE:LINE, exit 2, never a traceback --------------------------

BAD = [
    # (what is changed in GOOD_INDEX, the line reported, a phrase of the message)
    (("[derive]", "[derive"), 15, "not valid TOML"),
    (('strategy = "index"', 'strategy = "magic"'), 2, "unknown strategy 'magic'"),
    (('B = { kind = "matrix"', 'B = { kind = "tensor"'), 6, "unknown kind 'tensor'"),
    (("A_{ij} B_{ij}", "A_{ij} C_{ij}"), 13, "unknown name 'C_ij'"),
    (("A_{ij} B_{ij}", "A_{ij} ** B_{ij} )"), 13, "unbalanced ')'"),
    (('matrix = "tr(A^T B)"', 'matrix = "__import__(\'os\').getpid()"'), 12, "unexpected"),
    (('wrt = "A"', 'wrt = "Q"'), 16, "must be a declared matrix or vector"),
    (('entry = ["k", "l"]', 'entry = ["k"]'), 17, "entry must name 2 index letter(s)"),
    (('shape = ["N", "M"] }\nB', 'shape = ["N", "K"] }\nB'), 5, "the size 'K' is not declared"),
    (('title = "tr(AᵀB)"', 'title = "tr(AᵀB)"\ncolour = "red"'), 2, "unknown key 'colour'"),
    (('matrix = "tr(A^T B)"', 'matrix = "tr(A^T B + 1)"'), 12, "does not make sense as written"),
    (("sum_{j=1}^{M} A_{ij}", "sum_{j=1}^{N} A_{ij}"), 13, "j runs from 1 to N but indexes A"),
    (("A_{ij} B_{ij}", "A_{i} B_{ij}"), 13, "A has 2 dimension(s); A[i] has 1 index(es)"),
]


@pytest.mark.parametrize("change,line,phrase", BAD, ids=[b[2] for b in BAD])
def test_a_bad_file_is_one_line_with_its_line_number(tmp_path, change, line, phrase):
    assert change[0] in GOOD_INDEX
    path = write(tmp_path, GOOD_INDEX.replace(*change))
    for command in (("show", path), ("lint", path), ("check", path, "B")):
        code, out, err = run(*command)
        assert code == 2, (command, out, err)
        assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err
        assert f"{path}:{line}:" in err and phrase in err, err


def test_a_missing_or_unreadable_file_is_one_line(tmp_path):
    for path, phrase in ((tmp_path / "none.toml", "no such file"), (tmp_path, "")):
        code, _, err = run("lint", path if str(path).endswith(".toml") else f"{path}/")
        assert code == 2 and len(err.strip().splitlines()) == 1
    binary = tmp_path / "bin.toml"
    binary.write_bytes(b"\xff\xfe\x00title")
    code, _, err = run("show", binary)
    assert code == 2 and "not UTF-8" in err and "Traceback" not in err


def test_file_text_is_never_evaluated(tmp_path, monkeypatch):
    import sympy.parsing.sympy_parser as parser
    import builtins
    monkeypatch.setattr(parser, "parse_expr", lambda *a, **k: pytest.fail("parse_expr called"))
    real_eval = builtins.eval
    monkeypatch.setattr(builtins, "eval", lambda *a, **k: pytest.fail("eval called")
                        if isinstance(a[0], str) and "tr(" in a[0] else real_eval(*a, **k))
    path = write(tmp_path, GOOD_INDEX)
    assert derivator.load(path).strategy == "index"


# --- the commands on a good file ------------------------------------------------------

def test_show_check_and_lint_a_users_file(tmp_path):
    path = write(tmp_path, GOOD_INDEX)
    code, out, err = run("show", path, "--format", "text")
    assert code == 0 and not err and "Result" in out
    code, out, _ = run("lint", path)
    assert code == 0 and out.startswith(f"{path}: ok: by A")
    code, out, _ = run("check", path, "B")
    assert code == 0 and out.startswith("correct")
    code, out, _ = run("check", path, "B^T")
    assert code == 1 and out.startswith("incorrect")


def test_show_follows_the_file_when_it_changes(tmp_path):
    path = write(tmp_path, GOOD_INDEX)
    _, first, _ = run("show", path, "--format", "text")
    path.write_text(GOOD_INDEX.replace("A_{ij} B_{ij}", "2 A_{ij} B_{ij}").replace(
        "tr(A^T B)", "2 tr(A^T B)"), encoding="utf-8")
    _, second, _ = run("show", path, "--format", "text")
    assert "2 B" in second and "2 B" not in first


@pytest.mark.parametrize("kind", ["loss", "matrix", "likelihood"])
def test_new_writes_a_template_that_lint_accepts_as_it_is(tmp_path, kind):
    path = tmp_path / f"{kind}.toml"
    code, out, _ = run("new", kind, path)
    assert code == 0 and path.exists()
    code, out, err = run("lint", path)
    assert code == 0, err
    assert all(": ok: " in line for line in out.splitlines())
    code, _, err = run("new", kind, path)               # never overwrites
    assert code == 2 and "exists already" in err


def test_derive_and_load_from_python_with_every_parameter():
    path = CORPUS / "logistic_bias.toml"
    problem = derivator.load(path)
    assert problem.strategy == "loss" and problem.source == str(path)
    by_b = derivator.derive(str(path), wrt="b")
    assert str(by_b.wrt) == "b"
    with pytest.raises(derivator.DerivatorError, match="no parameter 'v'"):
        derivator.derive(str(path), wrt="v")


# --- the three silent bugs of issue 10 ------------------------------------------------

def explicit_value(expr, values):
    """A matrix expression at concrete arrays, by SymPy with explicit matrices (no
    lambdify, nothing shared with the verifier)."""
    import sympy as sp
    concrete = {k: sp.ImmutableMatrix(v) if isinstance(k, sp.MatrixSymbol) else sp.Float(v)
                for k, v in values.items()}
    value = expr.xreplace(concrete).doit()
    if isinstance(value, sp.MatrixExpr):
        value = value.as_explicit()
    value = value.replace(lambda e: isinstance(e, derivator.model.functions.sigmoid),
                          lambda e: 1 / (1 + sp.exp(-e.args[0])))
    return np.array(sp.Matrix(value).evalf(), dtype=float).ravel() \
        if isinstance(value, sp.MatrixBase) else float(value)


def _sigmoid(t):
    return 1 / (1 + np.exp(-t))


def _bias_data(rng, N=5, D=3):
    X = rng.normal(size=(N, D))
    y = rng.integers(0, 2, size=N).astype(float)
    return X, y, rng.normal(size=D), float(rng.normal())


def _bce(X, y, w, b):
    p = _sigmoid(X @ w + b)
    return float(np.mean(-y * np.log(p) - (1 - y) * np.log(1 - p)))


def test_the_bias_is_not_taken_for_the_weight_vector():
    """∂L/∂b of the mean BCE: 𝟙ᵀ(σ(Xw + b𝟙) − y)/N; it was σ(Xb + b𝟙)."""
    import sympy as sp
    d = derivator.derive(str(CORPUS / "logistic_bias.toml"), wrt="b")
    rng = np.random.default_rng(1)
    X, y, w, b = _bias_data(rng)
    N, D = X.shape
    result = d.result.subs({sp.Symbol("N", integer=True, positive=True): N,
                            sp.Symbol("D", integer=True, positive=True): D})
    values = {sp.MatrixSymbol("X", N, D): X, sp.MatrixSymbol("y", N, 1): y.reshape(-1, 1),
              sp.MatrixSymbol("w", D, 1): w.reshape(-1, 1), sp.Symbol("b"): b}
    got = explicit_value(result, values)
    h = 1e-6
    numeric = (_bce(X, y, w, b + h) - _bce(X, y, w, b - h)) / (2 * h)
    assert np.allclose(got, numeric, atol=1e-7)
    assert "X*b" not in str(d.result).replace(" ", "")


def test_the_jacobian_of_ax_keeps_its_output_index():
    """d(Ax)/dx is A (M×D), the Jacobian; it was Aᵀ."""
    d = derivator.derive(str(CORPUS / "jacobian_ax.toml"))
    assert str(d.result) == "A"
    assert all(c.ok for c in d.verify())


def test_the_verifier_gives_free_indices_their_own_range_on_non_square_matrices(tmp_path):
    """tr(AXB) with X non-square: ∂/∂X_kl holds k only in Kronecker deltas at one step;
    every step verifies, and a wrong result (the transpose) still fails."""
    path = tmp_path / "taxb.toml"
    run("new", "matrix", path)
    d = derivator.derive(str(path))
    checks = d.verify()
    assert all(c.ok for c in checks), [c.detail for c in checks if not c.ok]
    import dataclasses
    import sympy as sp
    wrong = dataclasses.replace(d.steps[-1], expr=sp.Transpose(d.steps[-1].expr))
    bad = dataclasses.replace(d, steps=d.steps[:-1] + [wrong])
    assert not bad.verify()[-1].ok


@pytest.mark.parametrize("body,phrase", [("max(0, 1 - y w^T x)", "hinge"),
                                         ("logdet(x)", "log det"), ("abs(y - w^T x)", "abs")])
def test_out_of_scope_functions_get_one_clear_line(tmp_path, body, phrase):
    template = (CORPUS / "softplus_pm1.toml").read_text(encoding="utf-8")
    path = write(tmp_path, template.replace('body = "softplus(-y w^T x)"', f'body = "{body}"'))
    code, _, err = run("show", path)
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert "out of scope" in err and phrase in err and ":18:" in err, err


def test_check_judges_answers_to_a_loss_file():
    path = CORPUS / "logistic_bias.toml"
    code, out, _ = run("check", path, "X^T (sigma(X w + b) - y)/N")
    assert code == 0 and out.startswith("correct")
    code, out, _ = run("check", path, "X^T (sigma(X w + b) - y)")
    assert code == 1 and "1/N" in out


@pytest.mark.parametrize("change,phrase", [
    (("exp(t) - y t", "exp(t) - y t + L(w, b)"), "L_i is defined through itself"),
    (("exp(t) - y t", "exp(t) - y t + L_i(y, t)"), "L_i is defined through itself"),
    (("exp(t) - y t", "exp(t) - y f(t, t)"), "f takes 1 argument(s), given 2"),
])
def test_a_definition_through_itself_or_with_the_wrong_arguments_is_one_line(
        tmp_path, change, phrase):
    """Substituting a definition that calls itself never ended; one applied to too many
    arguments was derived as if it were another function."""
    text = (Path(__file__).parent / "problem_files_review" / "poisson_bias.toml").read_text()
    assert change[0] in text
    path = write(tmp_path, text.replace(*change))
    code, out, err = run("lint", path)
    assert code == 2 and "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    assert f"{path}:24:" in err and phrase in err, err


@pytest.mark.parametrize("change,line,phrase", [
    (("domain = [0, 5], integer = true }\ny_i", "domain = [0, 1e308], integer = true }\ny_i"),
     13, "an integer domain must hold from 1 to 1000 whole numbers"),
    (("domain = [0, 5], integer = true }\ny_i", "domain = [0.2, 0.7], integer = true }\ny_i"),
     13, "an integer domain must hold from 1 to 1000 whole numbers"),
    (("domain = [0, 5], integer = true }\ny_i", "domain = [nan, inf] }\ny_i"), 13,
     "domain must be [low, high]"),
    (('N = { kind = "size", check = [5] }', 'N = { kind = "size", check = [true] }'), 11,
     "check must list whole numbers from 1 to 8"),
])
def test_a_domain_that_cannot_be_drawn_from_is_one_line(tmp_path, change, line, phrase):
    """A whole-number domain of 10³⁰⁸ numbers made check list them all (a hang); one with
    none, or a NaN bound, could not be drawn from; `true` is not a size."""
    text = (Path(__file__).parent / "problem_files_review" / "poisson_bias.toml").read_text()
    assert change[0] in text
    path = write(tmp_path, text.replace(*change))
    for command in (("lint", path), ("check", path, "0")):
        code, out, err = run(*command)
        assert code == 2 and "Traceback" not in err and len(err.strip().splitlines()) == 1, err
        assert f"{path}:{line}:" in err and phrase in err, err


def test_an_overflow_at_a_random_point_is_judged_never_printed(tmp_path):
    """exp(exp(exp(t))) overflows at the points drawn: lint printed hundreds of NumPy
    RuntimeWarnings around its one line per failed step, check some dozens."""
    import warnings
    text = (Path(__file__).parent / "problem_files_review" / "poisson_bias.toml").read_text()
    path = str(write(tmp_path, text.replace('body = "exp(t) - y t"',
                                            'body = "exp(exp(exp(exp(exp(t)))))"')))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        derivator.derive(path).verify()
        assert derivator.check(path, "0").status == "incorrect"
        from derivator.answers.batch.workers import check_one
        check_one(path, "0", 20)
    assert [str(w.message) for w in caught if w.category is RuntimeWarning] == []


@pytest.mark.parametrize("change,line,phrase", [
    (('wrt = ["w", "b"]', "wrt = []"), 33, "wrt must be a name, or a list of names"),
    (('index = "i"', 'index = "q"'), 35, "index = 'q' must be an index letter"),
    (('index = "i"', 'index = "w"'), 35, "index = 'w' must be an index letter"),
])
def test_an_empty_wrt_or_a_sample_index_that_is_no_index_letter_is_one_line(
        tmp_path, change, line, phrase):
    """wrt = [] made show raise IndexError; index = "q" printed Σ (e^(f(x[q]ᵢ)) − y[q]ᵢ) ..."""
    text = (Path(__file__).parent / "problem_files_review" / "poisson_bias.toml").read_text()
    assert change[0] in text
    path = write(tmp_path, text.replace(*change))
    for command in (("show", path), ("lint", path)):
        code, out, err = run(*command)
        assert code == 2 and "Traceback" not in err and len(err.strip().splitlines()) == 1, err
        assert f"{path}:{line}:" in err and phrase in err, err
