"""A problem file may give only the matrix form (issue 20): the index form is built from
it (steps/to_index.py). The corpus files that give both derive to the same gradient from
the matrix form alone; a matrix form without an index form gets one FILE:LINE line."""
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import sympy as sp

import derivator
from derivator.model.problem import ProblemFileError
from derivator.model.problemfile import load
from test_cookbook import CASES, CORPUS, _draw, central_differences
from derivator.verify.indices import _matrix_value, _numeric

# quick ones of every family: trace, inverse, det, Hadamard, Jacobian, norm, residual
BOTH = ["trace_axtb", "trace_xtax", "trace_x2", "inverse_bilinear", "inverse_trace",
        "gaussian_covariance", "determinant_times_trace", "trace_hadamard", "frobenius_hadamard",
        "jacobian_ax", "jacobian_atx", "norm_x", "inner_product_two", "bilinear_xtdx",
        "sigmoid_inner", "quadratic_inverse"]


def _matrix_only(name, tmp_path):
    text = (CORPUS / f"{name}.toml").read_text()
    stripped = re.sub(r"^index = .*\n", "", text, flags=re.M)
    assert stripped != text
    path = tmp_path / f"{name}.toml"
    path.write_text(stripped)
    return path


@pytest.mark.parametrize("name", BOTH)
def test_matrix_form_alone_derives_the_same_gradient(name, tmp_path):
    path = _matrix_only(name, tmp_path)
    derivation = derivator.derive(str(path))
    assert not [c for c in derivation.verify() if not c.ok]
    problem = load(path)
    sizes, arrays = _draw(problem, np.random.default_rng(7))
    symbols = {sp.Symbol(n, integer=True, positive=True): v for n, v in sizes.items()}
    symbols.update({sp.Symbol(n): v for n, v in arrays.items() if isinstance(v, float)})
    f, closed = CASES[name]
    try:                        # the tool's own evaluators: NumPy, else SymPy
        tool = np.asarray(_matrix_value(derivation.result, symbols, arrays), dtype=float)
    except (AttributeError, NameError, TypeError):
        tool = np.asarray(_numeric(derivation.result, symbols, arrays, problem.matrices()),
                          dtype=float)
    numeric = central_differences(f, arrays, problem.data["derive"]["wrt"])
    assert np.allclose(tool.reshape(numeric.shape), numeric, rtol=1e-5, atol=1e-6)
    assert np.allclose(tool, closed(arrays))


def test_summation_letters_avoid_entry_letters_and_declared_names(tmp_path):
    # the entry is (i, j) and the vectors are a, b: the sums must use other letters
    text = (CORPUS / "bilinear_xtdx.toml").read_text()
    text = re.sub(r"^index = .*\n", "", text, flags=re.M).replace('["k", "l"]', '["i", "j"]')
    path = tmp_path / "f.toml"
    path.write_text(text)
    form = derivator.derive(str(path)).details["index_info"][2]
    assert not {str(l[0]) for s in form.atoms(sp.Sum) for l in s.limits} & {"i", "j", "b", "c"}


def test_no_index_form_is_one_line(tmp_path):
    path = tmp_path / "det_axb.toml"
    path.write_text('strategy = "index"\n[names]\nA = { kind = "matrix", shape = ["N", "N"] }\n'
                    'X = { kind = "matrix", shape = ["N", "N"] }\n'
                    'N = { kind = "size", check = [3, 2] }\n'
                    '[function]\nname = "f"\nmatrix = "det(A X)"\n'
                    '[derive]\nwrt = "X"\nentry = ["k", "l"]\n')
    with pytest.raises(ProblemFileError) as error:
        load(path)
    message = str(error.value)
    assert message.startswith(f"{path}:8:") and "index" in message and "\n" not in message
    run = subprocess.run([sys.executable, "-m", "derivator", "show", str(path)],
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 2 and "Traceback" not in run.stderr
    assert run.stderr.strip().count("\n") == 0 and "index" in run.stderr


def test_neither_form_is_one_line(tmp_path):
    path = tmp_path / "none.toml"
    path.write_text('strategy = "index"\n[names]\nX = { kind = "matrix", shape = ["N", "N"] }\n'
                    'N = { kind = "size", check = [3, 2] }\n[function]\nname = "f"\n'
                    '[derive]\nwrt = "X"\nentry = ["k", "l"]\n')
    with pytest.raises(ProblemFileError, match="index .* or matrix"):
        load(path)


@pytest.mark.parametrize("definition, says", [
    ('name = "g"\nparams = ["s", "t"]\nbody = "s t"\n', "one scalar parameter"),
    ('name = "g"\nparams = ["t"]\nbody = "t + q"\n', "q"),          # an unknown name
])
def test_a_bad_entrywise_definition_is_one_line(definition, says, tmp_path):
    text = (CORPUS / "mo_definition_trace.toml").read_text()
    text = re.sub(r'name = "g"\nparams = \["t"\]\nbody = .*\n', definition, text)
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(ProblemFileError) as error:
        load(path)
    assert says in str(error.value) and "\n" not in str(error.value)
    assert str(error.value).startswith(f"{path}:")


@pytest.mark.parametrize("name, said", [("jacobian_sin", True), ("jacobian_ax", True),
                                        ("mo_jacobian_tanh", True), ("trace_x", False),
                                        ("inner_ax", False)])
def test_a_jacobian_says_its_layout_in_the_title(name, said):
    title = load(CORPUS / f"{name}.toml").title
    assert ("numerator layout" in title["en"]) is said
    assert ("분자 레이아웃" in title["ko"]) is (said and "layout" not in
                                          (CORPUS / f"{name}.toml").read_text())
