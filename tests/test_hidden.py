"""Answers that fool a check at fixed sizes and small values (issue 19): a coefficient that
is 0 at the sizes checked, a gate that never opens, a coefficient within the tolerance.
Each verdict here is decided by hand: 2X^T is p1a's answer, so 2X^T + c X is wrong
whenever c is not 0, and right when c is 0 for every size and value."""
import pytest

import derivator
from derivator.answers.judge.hidden import FLAG
from derivator.answers.judge.reference import VARIANTS, _size_settings
from derivator.model.problemset import all_problems

P2 = "w_t - eta (sum_{i=1}^{N} (sigma(w_t^T x_i) - y_i) x_i + 2 w_t)"
P3 = "w_t - eta sum_{i=1}^{N} (f(x_i) - y_i) 2 x_i sigma(w^T x_i) (1 - sigma(w^T x_i))"
P7B = ("sum_{i=1}^{N} (g(x_i) - y_i) g(x_i) (1 - g(x_i)) w_{2,d} sigma(sum_{n=1}^{M} "
       "w_{1,d,n} z_n(x_i)) (1 - sigma(sum_{n=1}^{M} w_{1,d,n} z_n(x_i))) z_m(x_i)")
# 0 at every size from 1 to 14: no draw of sizes in a small range sees it
ROOTS = "".join(f"(D-{k})" for k in range(1, 15))

WRONG = [
    # the cases
    ("p1a", "2X^T + (D-2)(D-3) X"),
    ("p1a", "2X^T + H(tr(X^T X) - 10^3) X"),
    ("p6", "(X+X^T)w + relu(w^T w - 100) w"),
    ("p2", P2 + " + H(N-100) w_t"),
    ("p1a", "2.0000001 X^T"),
    ("p2", P2 + " + 10^{-8} w_t"),
    # and more of the same kinds
    ("p1a", "2X^T + " + ROOTS + " X"),
    ("p1a", "2X^T + (D-2)(D-3)(D-4)(D-5)(D-6)(D-7)(D-8) X"),
    ("p1c", "k (X^{k-1})^T + (k-1)(k-2)(k-3)(k-4)(k-5)(k-6) X"),
    ("p6", "(X+X^T)w + H(D-10) w"),
    ("p6", "(X+X^T)w + H(D-1) w - w"),               # wrong at D = 1
    ("p3", P3 + " + H(N-100) w_t"),
    ("p5", "B + H(N-50) B"),
    ("p1a", "2X^T + H(tr(X^T X) - 10^{30}) X"),
    ("p4", "(X^T X)^{-1} X^T y + relu(y^T y - 1000) w"),
    ("p7a", "(g - y) g (1 - g) w_{2,j} + relu(w_{2,j} - 50) w_{2,j}"),
    ("p7b", P7B + " + H(N-100) w_{1,d,m}"),
    ("p1a", "2.0000000001 X^T"),
    ("p1b", "3.00000001 (X^2)^T"),
    ("p1a", "2X^T + X/10^9"),
    ("p1a", "(2 + 10^{-9}) X^T"),
    ("p3", P3 + " (1 + 10^{-9})"),
    ("p7b", P7B + " + 10^{-9} w_{1,d,m}"),
    # smooth gates: exactly 0 in floats at every point drawn
    ("p1a", "2X^T + sigma(10^6 (tr(X^T X) - 10^3)) X"),
    ("p1a", "2X^T + exp(-10^6 tr(X^T X)) X"),
    ("p6", "(X+X^T)w + exp(-10^3 w^T w) w"),
]

RIGHT = [
    ("p1a", "(D/D) 2X^T"),                            # a part of the sizes that is 1
    ("p1a", "2X^T + 0 (D-2)(D-3)(D-4)(D-5)(D-6)(D-7)(D-8) X"),
    ("p1a", "2 relu(X^T) - 2 relu(-X^T)"),            # gates that open and shut: 2X^T
    ("p1a", "1.0 (2 X^T)"),
    ("p1a", "0.5 (4 X^T)"),
    ("p1b", "3 (X^2)^T + 1.5 (X^2)^T - 1.5 (X^2)^T"),
    ("p2", P2),
    ("p7b", P7B),
    ("p1a", "2X^T + sigma(tr(X^T X)) X - sigma(tr(X^T X)) X"),
    ("p1a", "2X^T + (tr(X) - tr(X^T)) X"),
]


@pytest.mark.parametrize("problem,answer", WRONG)
def test_an_answer_right_only_at_the_points_checked_is_wrong(problem, answer):
    verdict = derivator.check(problem, answer)
    assert verdict.status == "incorrect", verdict


@pytest.mark.parametrize("problem,answer", RIGHT)
def test_a_right_answer_with_such_parts_stays_right(problem, answer):
    verdict = derivator.check(problem, answer)
    assert verdict.status == "correct" and not any(FLAG in n for n in verdict.notes), verdict


@pytest.mark.parametrize("problem,answer", [
    ("p1a", "2X^T + relu(-tr(X^T X) - 1) X"),          # shut for every real X: right
    ("p7a", "(g - y) g (1 - g) w_{2,j} + H(g - 2) w_{2,j}"),   # 0 < g < 1: right
    ("p1a", "2X^T + tanh(10^6 + tr(X^T X)) X - X"),     # tanh is 1 to the last digit
])
def test_a_gate_no_value_opens_is_flagged_for_a_person(problem, answer):
    verdict = derivator.check(problem, answer)
    assert verdict.status == "correct" and FLAG in verdict.message and \
        any(FLAG in n for n in verdict.notes), verdict


def test_the_notes_name_the_sizes_not_symmetry():
    """(D-2)(D-3) X is 0 at D = 2, the size of the symmetric point too: the note must
    not say the answer is right for symmetric X."""
    verdict = derivator.check("p1a", "2X^T + (D-2)(D-3) X")
    notes = " ".join(verdict.notes)
    assert "symmetric" not in notes and "right at D = 2 but not at D = " in notes, verdict


@pytest.mark.parametrize("p", list(all_problems().values()), ids=lambda p: p.id)
def test_the_check_sizes_are_three_settings_one_large_none_only_stated(p):
    for variant in range(VARIANTS):
        settings = _size_settings(p, variant)
        if settings == [{}]:
            continue
        firsts, middle, large = settings
        assert len({tuple(sorted(s.items())) for s in settings}) == 3
        assert max(large.values()) >= 5
        assert all(middle[n] != firsts[n] for n in firsts)       # every size changes
        for a in firsts:                                        # the stated order is kept
            for b in firsts:
                if firsts[a] < firsts[b]:
                    assert middle[a] <= middle[b] and large[a] <= large[b]


def test_the_sizes_change_from_one_answer_to_the_next():
    p = all_problems()["p1a"]
    assert len({tuple(_size_settings(p, v)[2].items()) for v in range(VARIANTS)}) > 1


# Constants doubles cannot tell from a simple number, decided by hand: σ(40) = 1 − e⁻⁴⁰/(1 +
# e⁻⁴⁰) ≠ 1, 1 − tanh 50 > 0, exp(−10⁴) > 0, log(1 + 10⁻¹⁷) > 0, softplus(−1000) > 0.
DISGUISED = [("p1a", "2X^T sigma(40)", "σ(40)"),
             ("p1a", "2X^T + (1 - tanh(50)) X", "1 - tanh(50)"),
             ("p1a", "2X^T + (1 + 10^(-20) - 1) X", "10^(-20)"),
             ("p6", "(X + X^T) w + exp(-10^4) X w", "exp(-10^4)"),
             ("p6", "(X + X^T) w + softplus(-1000) w", "softplus(-1000)"),
             ("p6", "(X + X^T) w + (sigma(1000) - 1) X w", "σ(1000) - 1")]
# and constants that are exactly what doubles say (rounding noise in (√2)² − 2 included)
EXACT = [("p1a", "2 X^T exp(0)"), ("p1a", "2X^T + log(1) X"), ("p1a", "(1/3 + 2/3) 2 X^T"),
         ("p6", "(X + X^T) w + (sqrt(2)^2 - 2) w"), ("p6", "(X + X^T) w tanh(0) + (X + X^T) w")]


@pytest.mark.parametrize("problem, answer, part", DISGUISED)
def test_a_constant_doubles_take_for_a_simple_number_is_seen(problem, answer, part):
    verdict = derivator.check(problem, answer)
    assert verdict.status == "incorrect", verdict
    assert any(part in n and "double precision cannot see" in n for n in verdict.notes), \
        verdict.notes


@pytest.mark.parametrize("problem, answer", EXACT)
def test_a_constant_that_is_exactly_simple_stays_right(problem, answer):
    assert derivator.check(problem, answer).status == "correct"


def test_the_constant_note_is_said_in_korean():
    from derivator.render.catalogue import translate
    from test_korean import english_in
    verdict = derivator.check("p1a", "2X^T sigma(40)")
    assert not any(english_in(translate(t, "ko")) for t in [verdict.message, *verdict.notes])
