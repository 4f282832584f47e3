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
NOT_YET = {
    "jacobian_sigmoid.toml": "diag(...) in an answer",
    "mlp_one_hidden.toml": "weights used in definitions but not declared in [names]",
    "network3.toml": "weights used in definitions but not declared in [names]",
    "ridge_map.toml": "the identity matrix I in an answer",
    "softmax_cross_entropy.toml": "softmax(...) in an answer",
    "tanh_squared.toml": "the entrywise power ^∘2 in an answer",
}
FILES = sorted(p.name for p in CORPUS.glob("*.toml"))


@pytest.mark.parametrize("name", [f for f in FILES if f not in NOT_YET])
def test_check_accepts_what_show_prints(name):
    path = str(CORPUS / name)
    result = json.loads(documents.render_json(derivator.derive(path), "en"))["result"]
    for form in (result["text"], result["latex"]):
        verdict = derivator.check(path, form)
        assert verdict.status == "correct", (form, verdict.message)


@pytest.mark.parametrize("name", FILES)
def test_a_wrong_answer_to_a_problem_file_gets_a_verdict_not_a_traceback(name):
    verdict = derivator.check(str(CORPUS / name), "0")
    assert verdict.status in ("incorrect", "unreadable"), verdict
    assert "Traceback" not in verdict.message


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
