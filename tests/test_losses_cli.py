"""The command line for issue 21: derivations without a closed form, out-of-scope functions,
hyperparameters of training."""
import json
from pathlib import Path

import numpy as np
import pytest

from test_cli import run

FOCAL_STOP = """title = "A derivative no rule takes"
strategy = "loss"

[names]
X = { kind = "matrix", shape = ["N", "D"] }
x_i = { kind = "vector", shape = ["D"], sample = "x", rows_of = "X" }
y = { kind = "vector", shape = ["N"] }
y_i = { kind = "scalar", sample = "y", rows_of = "y" }
w = { kind = "vector", shape = ["D"] }
N = { kind = "size", check = [3] }
D = { kind = "size", check = [2] }

[[definitions]]
name = "L"
params = ["w"]
body = "sum(BODY, i=1..N)"

[derive]
target = "L"
wrt = ["w"]
samples = ["x", "y"]
index = "i"
count = "N"
"""
CORPUS = Path(__file__).parent / "problem_files_losses"


@pytest.fixture
def stuck(tmp_path):
    """A file whose derivation stops: (wᵀx)^(wᵀx), a power whose exponent varies too,
    which no rule of the course takes."""
    path = tmp_path / "stuck.toml"
    path.write_text(FOCAL_STOP.replace("BODY", "(w^T x_i)^(w^T x_i)"))
    return str(path)


def test_lint_and_show_name_the_derivative_left(stuck):
    code, out, err = run("lint", stuck)
    assert code == 1 and "stops at ∂/∂w" in out + err and "no rule applies" in out + err
    assert len((out + err).strip().splitlines()) == 1 and "Traceback" not in out + err
    code, out, err = run("show", stuck, "--format", "text")
    assert code == 1 and "stops at ∂/∂w" in err and len(err.strip().splitlines()) == 1


def test_check_refuses_a_file_without_a_closed_form(stuck):
    code, out, err = run("check", stuck, "X^T y")
    assert code == 2 and "no closed form" in err and "cannot be checked" in err
    assert "fault in derivator" not in out + err


@pytest.mark.parametrize("body, name", [("abs(w^T x_i - y_i)", "abs"),
                                        ("max(0, 1 - y_i w^T x_i)", "max"),
                                        ("min((y_i - w^T x_i)^2, 1)", "min"),
                                        ("sign(w^T x_i) y_i", "sign")])
def test_out_of_scope_functions_in_files(tmp_path, body, name):
    path = tmp_path / "f.toml"
    path.write_text(FOCAL_STOP.replace("BODY", body))
    code, out, err = run("lint", str(path))
    assert code == 2 and f"{name}(...) is out of scope" in out + err
    assert len((out + err).strip().splitlines()) == 1


@pytest.mark.parametrize("answer, name", [("abs(w)", "abs"), (r"\max(0, w)", "max"),
                                          ("min(w, 1)", "min"), (r"\operatorname{sign}(w)", "sign"),
                                          ("sgn(w)", "sign")])
def test_out_of_scope_functions_in_answers(answer, name):
    code, out, err = run("check", "p2", answer)
    assert code == 2 and f"{name}(...) is out of scope" in out


def test_sigmoid_and_names_containing_the_words_are_not_out_of_scope():
    code, out, _ = run("check", "p2", "sigma(w) + maxi")
    assert "out of scope" not in out


def test_train_sets_a_hyperparameter():
    path = str(CORPUS / "ridge_half.toml")
    runs = {}
    for lam in ("0.1", "50"):
        code, out, err = run("train", path, "--set", f"lam={lam}", "--epochs", "30",
                             "--lr", "0.0005", "--format", "json")
        assert code == 0, err
        runs[lam] = np.array(json.loads(out)["w"])
    # a larger λ shrinks the weights (ridge): the value given is the value used
    assert np.linalg.norm(runs["50"]) < np.linalg.norm(runs["0.1"])
    code, _, err = run("train", path, "--set", "gamma=1")
    assert code == 2 and "no hyperparameter 'gamma'; it has lam" in err
    code, _, err = run("train", path, "--set", "lam=nan")
    assert code == 2 and "finite" in err
