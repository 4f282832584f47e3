"""Workings in the forms students paste (issue 18, wave 4): the corpus in
tests/workings/corpus.txt, written by hand with each planted mistake's file line, and the
single behaviours it needed."""
from pathlib import Path

import derivator
from derivator.answers.judge.working import check_working
from derivator.answers.read.latex import normalise
from derivator.answers.read.parse import parse
from corpora import working_blocks

CORPUS = Path(__file__).resolve().parent / "workings" / "corpus.txt"


def blocks():
    return working_blocks(CORPUS)


def test_the_corpus_first_wrong_lines_are_named_and_right_workings_stay_right():
    corpus = blocks()
    assert len(corpus) >= 40 and {p for p, _, _ in corpus} >= {
        "p1a", "p1b", "p1c", "p2", "p3", "p4", "p5", "p6", "p7a", "p7b"}
    found, marked_wrong, misses = 0, [], []
    for problem, first, text in corpus:
        v = check_working(problem, text)
        found += v.first_wrong_line == first
        if first is None and v.first_wrong_line is not None:
            marked_wrong.append((problem, text, v.first_wrong_line))
        if first is not None and v.status != "incorrect":
            misses.append(f"{problem}: a planted mistake passed ({v.status})")
        if v.first_wrong_line != first:
            misses.append(f"{problem}: want {first}, got {v.first_wrong_line}\n{text}")
    print("\n".join(misses))
    assert not marked_wrong
    assert found / len(corpus) >= 0.9


def test_frac12_is_one_half_as_tex_reads_it():
    assert normalise(r"\frac12 x") == r"\frac{1}{2} x"
    assert parse(normalise(r"\frac12")) == parse(r"\frac{1}{2}")
    assert parse(normalise(r"\frac1{2}")) == parse(r"\frac{1}{2}")
    v = derivator.check("p3", r"w - \eta \frac12 \sum_i (f(x_i) - y_i)(1 - f(x_i)^2) x_i")
    assert v.status == "correct"
    v = derivator.check("p3", r"w - \eta \frac13 \sum_i (f(x_i) - y_i)(1 - f(x_i)^2) x_i")
    assert v.status == "incorrect"


def test_a_number_or_bracket_under_a_coefficient_of_a_sum_or_log():
    # (η/2) Σ and (1/(2σ²)) Σ: nobody means η/(2 Σ …); a/2 (…) stays ambiguous
    assert derivator.check("p3", "w - eta/2 sum_i (f(x_i) - y_i)(1 - f(x_i)^2) x_i").status \
        == "correct"
    assert derivator.check("p3", "w - eta/2 (f(x_i) - y_i)(1 - f(x_i)^2) x_i").status \
        == "unreadable"
    v = check_working("p4", "ln P = -N/2 ln(2 pi sigma^2) - 1/(2 sigma^2) sum_i (y_i - w^T x_i)^2\n"
                            "ln P = -N ln(2 pi sigma^2) - 1/(2 sigma^2) sum_i (y_i - w^T x_i)^2")
    assert v.first_wrong_line == 2 and v.lines[0]["status"] != "unreadable"


def test_ln_of_a_fraction_without_brackets():
    assert parse(r"\ln \frac{1}{2}") == parse(r"\ln(\frac{1}{2})")
    v = derivator.check("p1a", r"\ln \frac{1}{2} X")
    assert v.status == "unreadable" and "ambiguous" in v.message


def test_slashed_and_nabla_left_hand_sides_in_unicode():
    v = check_working("p7a", "∂L/∂h_j = (g − y) g w_{2,j}")       # g(1-g) dropped
    assert v.first_wrong_line == 1 and "own left-hand side ∂L/∂h_j" in v.lines[0]["note"]
    v = check_working("p7a", "∂L/∂h_j = (g − y) g (1 − g) w_{2,j}")
    assert v.status == "correct"
    v = check_working("p2", "∇L = Xᵀ(σ(Xw) − y) + w")               # 2w halved
    assert v.first_wrong_line == 1 and "∂L/∂w" in v.lines[0]["read_as"]
    v = check_working("p1a", "∂f/∂X_kl = 2 X_kl")                    # transposed
    assert v.first_wrong_line == 1


def test_names_a_working_defines_stand_for_their_expressions():
    right = "delta = σ(Xw) − y\n∇_w L = Xᵀ delta + 2w\nw_new = w - η (Xᵀ delta + 2w)"
    v = check_working("p2", right)
    assert v.first_wrong_line is None and v.status == "correct", v.lines
    v = check_working("p2", "grad = X.T @ (sigmoid(X @ w) - y) + 2 * w\nw_new = w + lr * grad")
    assert v.first_wrong_line == 2 and v.status == "incorrect"
    v = check_working("p2", "grad = X.T @ (sigmoid(X @ w) - y) + 2 * w\nw_new = w - lr * grad")
    assert v.status == "correct"


def test_the_solution_stated_where_the_problem_solves_for_it():
    assert check_working("p4", "w = np.linalg.solve(X.T @ X, X.T @ y)").status == "correct"
    v = check_working("p4", "w = 2 * np.linalg.solve(X.T @ X, X.T @ y)")
    assert v.first_wrong_line == 1
    v = check_working("p4", r"\hat{w} = (X^T X)^{-1} X^T y")
    assert v.first_wrong_line is None


def test_a_korean_sentence_naming_a_variable_is_a_comment():
    v = check_working("p6", "f = w^T X w\nw에 대해 미분하면\ndf/dw = 2 X w")
    assert [row["line"] for row in v.lines] == [1, 3] and v.first_wrong_line == 3
