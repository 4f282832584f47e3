"""An answer written as an equation `left = right`: a left side in words the checker cannot
read is a label, set aside (the right side is judged); a left side it can compute must equal
the right side. Expected verdicts by hand."""
import pytest

import derivator


@pytest.mark.parametrize("problem, answer", [
    ("p1a", "{partial f} over {partial X} = 2X ^{T}"),          # a word processor's script
    ("p5", "{partial} over {partial A} tr LEFT ( A ^{T} B RIGHT ) = B"),
    ("p1a", "{d f} over {d X} = 2X^{T}"),
])
def test_a_left_side_that_cannot_be_read_is_set_aside(problem, answer):
    verdict = derivator.check(problem, answer)
    assert verdict.status == "correct"
    assert "set aside" in verdict.message


@pytest.mark.parametrize("problem, answer", [
    ("p1a", "{partial f} over {partial X} = 2X"),               # the right side is wrong
    ("p1a", "{d f} over {d X} = X^{T}"),
    ("p1a", "2 X = 2 X^T"),                                      # a left side it computes
])
def test_a_left_side_never_makes_a_wrong_answer_right(problem, answer):
    assert derivator.check(problem, answer).status == "incorrect"


@pytest.mark.parametrize("answer, expected", [
    ("(sigmoid(w2 @ h) - y) * sigmoid(w2 @ h) * (1 - sigmoid(w2 @ h)) * w2[j]", "correct"),
    ("w2[j] * (expit(np.dot(w2, h)) - y) * expit(np.dot(w2, h)) * (1 - expit(np.dot(w2, h)))",
     "correct"),
    ("(sigmoid(w2 @ h) - y) * sigmoid(w2 @ h) * w2[j]", "incorrect"),   # σ' lost
    ("w2 @ h", "incorrect"),
])
def test_a_product_of_indexed_vectors_is_their_dot_product(answer, expected):
    """p7a's w_{2,d} and h_d are indexed by d: NumPy's w2 @ h is Σ_d w_{2,d} h_d (it was a
    fault that marked right answers incorrect: 'tuple index out of range')."""
    assert derivator.check("p7a", answer).status == expected


@pytest.mark.parametrize("answer, expected", [
    ("w - lr * X.T @ (((1 - np.exp(-X @ w)) / (1 + np.exp(-X @ w)) - y)"
     " * 2 * sigmoid(X @ w) * (1 - sigmoid(X @ w)))", "correct"),   # f' = 2σ(1 − σ), by hand
    (r"w_t - \eta X^T ((\frac{1 - e^{-X w_t}}{1 + e^{-X w_t}} - y) \odot 2 \sigma(X w_t)"
     r" \odot (1 - \sigma(X w_t)))", "correct"),
    ("w - lr * X.T @ (((1 - np.exp(-X @ w)) / (1 + np.exp(-X @ w)) - y)"
     " * sigmoid(X @ w) * (1 - sigmoid(X @ w)))", "incorrect"),     # the 2 of f' lost
])
def test_a_vector_divided_by_a_vector_of_its_shape_is_divided_entry_by_entry(answer, expected):
    assert derivator.check("p3", answer).status == expected


@pytest.mark.parametrize("problem, answer, expected", [
    ("p2", "w - eta * ((1 / (1 + np.exp(-X @ w)) - y) @ X + 2 * w)", "correct"),  # r @ X = Xᵀr
    ("p6", "w @ (X + X.T)", "correct"),          # X + Xᵀ is symmetric: wᵀ(X + Xᵀ) = (X + Xᵀ)w
    ("p6", "X.dot(w) + w.dot(X)", "correct"),
    ("p6", "w @ X", "incorrect"),
    ("p2", "w - eta * ((1 / (1 + np.exp(-X @ w)) - y) @ X.T + 2 * w)", "incorrect"),
])
def test_a_one_d_vector_at_a_matrix_is_numpys_product(problem, answer, expected):
    assert derivator.check(problem, answer).status == expected
