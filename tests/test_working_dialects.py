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


# --- issue 18's held-out gaps, as kinds -----------------------------------------------------

def test_a_slashed_derivative_operator_applies_to_what_follows_it():
    # ∂/∂w (…) in plain text, as \frac{\partial}{\partial w}(…) is read: its operand's
    # derivative by finite differences; the factor is said when it is wrong
    cases = [("p2", "Step 1: ∂/∂w (w^T w) = w\nStep 2: ∂L/∂w = X^T(σ(Xw) - y) + 2w", 1),
             ("p2", "∂/∂w (w^T w) = 2w\n∂L/∂w = X^T(σ(Xw) - y) + 2w", None),
             ("p6", "d/dw (w^T X w) = X w + X^T w\n= (X + X^T) w", None),
             ("p6", "d/dw (w^T X w) = 2 X^T w\n= (X + X^T) w", 1),
             ("p2", "∂/∂w_k (w^T w) = 2 w_k\n∂L/∂w = X^T(σ(Xw) - y) + 2w", None)]
    for problem, text, first in cases:
        assert check_working(problem, text).first_wrong_line == first, text
    v = check_working("p2", "∂/∂w (w^T w) = w\n∂L/∂w = X^T(σ(Xw) - y) + 2w")
    assert "1/2 times its own left-hand side ∂/∂w (wᵀ w)" in v.lines[0]["note"]


def test_a_notebooks_assignment_w_equals_w_minus_a_step_is_the_update():
    right = "grad = X.T @ (sigmoid(X @ w) - y) + 2 * w\nw = w - lr * grad"
    assert check_working("p2", right).first_wrong_line is None
    assert check_working("p2", right).status == "correct"
    halved = "grad = 0.5 * (X.T @ (sigmoid(X @ w) - y)) + 2 * w\nw = w - lr * grad"
    assert check_working("p2", halved).first_wrong_line == 1
    ascent = "grad = X.T @ (sigmoid(X @ w) - y) + 2 * w\nw = w + lr * grad"
    assert check_working("p2", ascent).first_wrong_line == 2
    generator = ("grad = sum((sigmoid(X[i] @ w) - y[i]) * X[i] for i in range(N)) + 2 * w\n"
                 "w = w - lr * grad")
    assert check_working("p2", generator).first_wrong_line is None


def test_a_sentence_before_a_colon_leaves_the_equation_on_its_line_to_judge():
    text = ("∂ ln P/∂w = (1/σ^2) Σ_{i=1}^N (y_i - w^T x_i) x_i\n"
            "Setting it to 0: X^T X w = X^T y\nw = (X^T X)^{-1} X^T y")
    v = check_working("p4", text)
    assert v.first_wrong_line is None and v.lines[1]["status"] == "follows"
    wrong = text.replace("X^T X w = X^T y", "X^T X w = 2 X^T y")
    assert check_working("p4", wrong).first_wrong_line == 2


def test_the_quantity_by_one_of_its_intermediates_is_a_chain_rule_factor():
    # 7a: L = ½(g(x) - y)², so ∂L/∂g = g(x) - y (by hand); a dropped or kept factor is wrong
    cases = [(r"\frac{\partial L}{\partial g} = g(x) - y", None),
             (r"\frac{\partial L}{\partial g} = \frac{1}{2}(g(x) - y)", 1),
             ("∂L/∂g = y - g(x)", 1),
             ("∂L/∂g = (g(x) - y)^2", 1)]
    for text, first in cases:
        assert check_working("p7a", text + "\n∂L/∂h_j = (g(x) - y) g(x)(1 - g(x)) w_{2,j}"
                             ).first_wrong_line == first, text
    v = check_working("p7a", "∂L/∂g = y - g(x)\n∂L/∂h_j = (g(x) - y) g(x)(1 - g(x)) w_{2,j}")
    assert "minus its own left-hand side ∂L/∂g" in v.lines[0]["note"]
    # 7b's L sums over the samples: g(x_i) is N values, so ∂L/∂g is not one derivative
    v = check_working("p7b", "∂L/∂g = g(x_i) - y_i\n"
                      "∂L/∂w_{1,d,m} = Σ_{i=1}^N (g(x_i) - y_i) g(x_i)(1 - g(x_i)) w_{2,d} "
                      "σ'(Σ_{n=1}^M w_{1,d,n} z_n(x_i)) z_m(x_i)")
    assert v.lines[0]["status"] == "unreadable" and v.first_wrong_line is None


def test_a_derivative_through_the_problems_own_functions_moves_what_they_were_bound_to():
    # f, g are compiled from the problem's definitions: a moved entry binds them again, so
    # ∂g/∂h_j of 7a's g = σ(Σ_d w_{2,d} h_d) is g(1 - g) w_{2,j} (by hand), and ∂/∂w of
    # ln f(x_i) = ln σ(wᵀx_i) is (1 - f(x_i)) x_i
    rest = "\n∂L/∂h_j = (g(x) - y) g(x)(1 - g(x)) w_{2,j}"
    cases = [("p7a", "∂g/∂h_j = g(x)(1 - g(x)) w_{2,j}" + rest, None),
             ("p7a", "∂g/∂h_j = g(x)(1 - g(x))" + rest, 1),
             ("p7a", "∂g/∂h_j = g(x) w_{2,j}" + rest, 1),
             ("p2", "∂/∂w ln f(x_i) = (1 - f(x_i)) x_i\n∂L/∂w = X^T(σ(Xw) - y) + 2w", None),
             ("p2", "∂/∂w ln(1 - f(x_i)) = -f(x_i) x_i\n∂L/∂w = X^T(σ(Xw) - y) + 2w", None),
             ("p2", "∂/∂w ln f(x_i) = f(x_i) x_i\n∂L/∂w = X^T(σ(Xw) - y) + 2w", 1),
             ("p3", "∂/∂w f(x_i) = (1 - f(x_i)^2) x_i / 2\n∂L/∂w = \\sum_{i=1}^N (f(x_i) - y_i)"
                    "(1 - f(x_i)^2) x_i / 2", None),
             ("p3", "∂/∂w f(x_i) = (1 - f(x_i)^2) x_i\n∂L/∂w = \\sum_{i=1}^N (f(x_i) - y_i)"
                    "(1 - f(x_i)^2) x_i / 2", 1)]
    for problem, text, first in cases:
        assert check_working(problem, text).first_wrong_line == first, text
