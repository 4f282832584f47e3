"""`check FILE.toml` accepts what `show FILE.toml` prints: for each problem file of the
corpus, the result's text and LaTeX are read and judged correct, and a wrong answer is
judged incorrect with a counterexample, never a traceback."""
import json
from pathlib import Path

import pytest

import derivator
from derivator.render import documents

CORPUS = Path(__file__).resolve().parent / "problem_files"
# what the answers' reader does not take yet (each prints one clear line, tested below)
NOT_YET = {}
FILES = sorted(p.name for p in CORPUS.glob("*.toml"))
REVIEW = CORPUS.parent / "problem_files_review"         # a second corpus, written apart


@pytest.mark.parametrize("path", [CORPUS / f for f in FILES if f not in NOT_YET] +
                         sorted(REVIEW.glob("*.toml")), ids=lambda p: p.name)
def test_check_accepts_what_show_prints(path):
    path = str(path)
    result = json.loads(documents.render_json(derivator.derive(path), "en"))["result"]
    for form in (result["text"], result["latex"]):
        verdict = derivator.check(path, form)
        assert verdict.status == "correct", (form, verdict.message)


@pytest.mark.parametrize("name", FILES)
def test_a_wrong_answer_to_a_problem_file_gets_a_verdict_not_a_traceback(name):
    verdict = derivator.check(str(CORPUS / name), "0")
    assert verdict.status in ("incorrect", "unreadable"), verdict
    assert "Traceback" not in verdict.message


RIDGE, JACOBIAN = str(CORPUS / "ridge_map.toml"), str(CORPUS / "jacobian_sigmoid.toml")
TANH = str(CORPUS / "tanh_squared.toml")


@pytest.mark.parametrize("path,answer,status,phrase", [
    (RIDGE, r"(\lambda I + X^T X)^{-1} X^T y", "correct", ""),
    (RIDGE, r"\left(X^{\top} X + \lambda \mathbb{I}\right)^{-1} X^{\top} y", "correct", ""),
    (RIDGE, r"(X^T X + \lambda)^{-1} X^T y", "incorrect", ""),       # λ on every entry
    (RIDGE, r"(X^T X)^{-1} X^T y", "incorrect", ""),                   # the prior dropped
    (RIDGE, "I", "incorrect", "the size of I cannot be known"),
    (JACOBIAN, "diag(σ(W x) ⊙ (1 - σ(W x))) W", "correct", ""),
    (JACOBIAN, "diag(σ(W x)) W", "incorrect", ""),
    (JACOBIAN, "W^T diag(σ(W x) ⊙ (1 - σ(W x)))", "incorrect",
     "your answer is a D×M matrix; the answer is a M×D matrix"),
    (TANH, "X^T ((tanh(X w) - y) ⊙ (1 - tanh(X w)^∘2))", "correct", ""),
    (TANH, r"X^T ((\tanh(X w) - y) \odot (1 - \tanh(X w)^{\circ 2}))", "correct", ""),
    (TANH, "X^T (tanh(X w) - y)", "incorrect", ""),
])
def test_identity_diag_and_entrywise_powers_in_answers(path, answer, status, phrase):
    verdict = derivator.check(path, answer)
    assert verdict.status == status, verdict
    assert phrase in verdict.message


def test_a_network_file_without_its_weights_shapes_says_what_to_add(tmp_path):
    text = (CORPUS / "mlp_one_hidden.toml").read_text(encoding="utf-8")
    kept = "\n".join(line for line in text.splitlines() if "weight =" not in line)
    path = tmp_path / "mlp.toml"
    path.write_text(kept, encoding="utf-8")
    verdict = derivator.check(str(path), "0")
    assert verdict.status == "unreadable"
    assert "the shape of the weight array u is not declared" in verdict.message
    assert 'weight = "u", array = [' in verdict.message

@pytest.mark.parametrize("name,right,wrong", [
    ("tanh_squared.toml", "sum_i (tanh(w^T x_i) - y_i) (1 - tanh(w^T x_i)^2) x_i",
     "sum_i (tanh(w^T x_i) - y_i) (1 - tanh(w^T x_i)) x_i"),
])
def test_a_result_with_an_entrywise_power_can_be_checked(name, right, wrong):
    """The result Xᵀ((tanh(Xw) − y) ⊙ (𝟙 − tanh(Xw)^∘2)) could not be compiled for check
    (NumPy's printer does not know ^∘2): every answer was 'a fault in derivator'."""
    path = str(CORPUS / name)
    assert derivator.check(path, right).status == "correct"
    assert derivator.check(path, wrong).status == "incorrect"


BIAS = str(REVIEW / "softplus_pm1_bias.toml")          # its first parameter is b


@pytest.mark.parametrize("answer,status,phrase", [
    (r"-\mathbf{1}^\top (\sigma(-y \odot (X w + b)) \odot y)", "correct", ""),
    ("-𝟙ᵀ (σ(-(y ⊙ (X w + b))) ⊙ y)", "correct", ""),
    (r"-\sum_{i=1}^{N} y_i \sigma(-y_i (w^T x_i + b))", "correct", ""),
    (r"\sum_{i=1}^{N} y_i \sigma(-y_i (w^T x_i + b))", "incorrect", ""),
    ("-(σ(-(y ⊙ (X w + b))) ⊙ y)", "incorrect", "column vector; the answer is a scalar"),
    ("1^T", "incorrect", "the length of 𝟙ᵀ cannot be known here"),
    ("1^T + b", "incorrect", "the length of 𝟙ᵀ cannot be known here"),
])
def test_the_row_of_ones_sums_what_it_multiplies(answer, status, phrase):
    verdict = derivator.check(BIAS, answer)
    assert verdict.status == status, verdict
    assert phrase in verdict.message
