"""norm(v), norm(A) and norm(A, "fro") (the one quoted word the grammar reads) in problem
files and in answers (issue 20). Golden values by NumPy."""
from pathlib import Path

import numpy as np
import pytest

import derivator
from derivator.answers.judge.evaluate import Evaluator
from derivator.answers.read.parse import AnswerError, parse

CORPUS = Path(__file__).parent / "problem_files_cookbook"


@pytest.mark.parametrize("text", ['norm(A, "fro")', "norm(A, 'fro')", "norm(A)"])
def test_frobenius_norm_is_read_and_computed(text):
    A = np.random.default_rng(1).normal(size=(3, 2))
    value = Evaluator({"A": A})(parse(text))
    assert np.isclose(value, np.sqrt(np.sum(A ** 2)))


def test_vector_norm_is_the_euclidean_length():
    x = np.random.default_rng(2).normal(size=(4, 1))
    assert np.isclose(Evaluator({"x": x})(parse("norm(x)^2")), float(np.sum(x ** 2)))


def test_other_quoted_text_is_refused():
    with pytest.raises(AnswerError):
        parse('norm(A, "nuc")')


@pytest.mark.parametrize("answer, status", [
    ("2 A^T (A X - B)", "correct"),
    ("2 (A X - B) A^T", "incorrect"),      # wrong shapes
    ("A^T (A X - B)", "incorrect"),        # the factor 2 missing
])
def test_answers_to_a_file_written_with_fro(answer, status):
    assert derivator.check(str(CORPUS / "mo_frobenius_flag.toml"), answer).status == status


@pytest.mark.parametrize("answer, status", [
    ("x / norm(x)", "correct"), ('x / norm(x, "fro")', "correct"), ("2 x / norm(x)", "incorrect"),
])
def test_answers_with_norm(answer, status):
    assert derivator.check(str(CORPUS / "norm_x.toml"), answer).status == status
