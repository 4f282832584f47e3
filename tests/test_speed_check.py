"""Issue 24: the fast paths of `check` give the verdicts of the slow ones.

- `_allclose` is np.allclose's test done directly on finite reals: it must agree with
  np.allclose everywhere, NaN and infinities included (they take np.allclose itself);
- `check(..., explain=False)`, which `_another_problem` uses because it reads only the
  status, must give the same status and message as the full check, without the notes.
"""
import re
from pathlib import Path

import numpy as np
import pytest

from derivator.answers.judge.judge import _allclose, check

CORPUS = Path(__file__).resolve().parent / "data" / "answer_corpus.txt"


def test_allclose_agrees_with_numpy_on_random_and_special_values():
    rng = np.random.default_rng(24)
    specials = [np.nan, np.inf, -np.inf, 0.0, 1e-300, -1e308]
    for trial in range(400):
        shape = [(), (3,), (2, 5), (4, 1)][trial % 4]
        a = rng.normal(size=shape)
        b = a * (1 + rng.choice([0, 1e-9, 1e-7, 1e-5, 1e-3]) * rng.normal(size=shape)) \
            + rng.choice([0, 1e-10, 1e-8]) * rng.normal(size=shape)
        if trial % 5 == 0 and np.ndim(a):
            a.flat[0] = rng.choice(specials)
        if trial % 7 == 0 and np.ndim(b):
            b.flat[-1] = rng.choice(specials)
        rtol, atol = [(1e-5, 1e-8), (1e-6, 1e-9), (1e-6, 0.0), (0.0, 1e-6)][trial % 4]
        assert _allclose(a, b, rtol, atol) == np.allclose(a, b, rtol=rtol, atol=atol)
        assert _allclose(list(np.ravel(a)), 1.0, rtol) == np.allclose(list(np.ravel(a)), 1.0,
                                                                     rtol=rtol)
    assert _allclose([1, 2], [1, 2]) and not _allclose([1, 2], [1, 3])        # integers
    assert _allclose([np.inf], [np.inf]) and not _allclose([np.nan], [np.nan])
    with pytest.raises(ValueError):
        _allclose(np.ones(2), np.ones(3))


def _corpus(every=3):
    rows = []
    for line in CORPUS.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            parts = re.split(r"\s*:::\s*", line.strip(), 4)
            rows.append((parts[0], parts[-1]))
    return rows[::every]


def test_a_check_without_notes_gives_the_same_verdict():
    seen = {"correct": 0, "incorrect": 0, "unreadable": 0}
    for problem, answer in _corpus():
        full = check(problem, answer, elsewhere=False)
        quick = check(problem, answer, elsewhere=False, explain=False)
        assert (quick.status, quick.message) == (full.status, full.message), answer
        if quick.status == "incorrect" and quick.message.startswith("it differs"):
            assert quick.notes == [] and quick.counterexample is None
        seen[full.status] = seen.get(full.status, 0) + 1
    assert seen["correct"] >= 10 and seen["incorrect"] >= 10      # a broad mix


def test_another_problems_answer_is_still_named():
    # p6's (X + Xᵀ)w judged as an answer to p1a's names: it is p6's answer
    verdict = check("p1a", "(X + X^T) w")
    assert verdict.status in ("incorrect", "unreadable")
    right = check("p6", "(X + X^T) w")
    assert right.status == "correct"
    assert any("p6" in n for n in verdict.notes) or "p6" in verdict.message


def test_numbers_are_written_as_fractions_found_without_fraction():
    from fractions import Fraction

    from derivator.answers.judge.judge import _number

    def slow(x):                       # the former way, with Fraction
        if abs(x) >= 1e6:              # huge values: 3 significant digits, never 53
            return f"{x:.3g}"
        if abs(x - round(x)) < 1e-9:
            return str(int(round(x)))
        f = Fraction(x).limit_denominator(12)
        return f"{f.numerator}/{f.denominator}" if abs(float(f) - x) < 1e-12 else f"{x:.3g}"
    rng = np.random.default_rng(7)
    values = [p / q for q in range(1, 15) for p in range(-30, 31)]
    values += list(rng.normal(size=300) * 10) + [1 / 3 + 1e-13, 2 / 3 + 1e-11, -7 / 12,
                                                 5 / 13, 1e6 + 0.5, 999999.5, -6.63e52, -1e-7]
    for x in values:
        assert _number(x) == slow(x), x
    assert _number(-7 / 12) == "-7/12" and _number(0.5) == "1/2"


def test_symbolic_confirmation_is_computed_once_per_tree(monkeypatch):
    from derivator.answers.judge import judge, symbolic
    calls = []
    real = symbolic.confirms
    monkeypatch.setattr(symbolic, "confirms", lambda *a: calls.append(a) or real(*a))
    monkeypatch.setattr(judge, "_CONFIRMED", {})
    first = check("p6", "(X + X^T) w")
    again = check("p6", "(X+X^T)w")              # the same tree, other columns
    other = check("p6", "X w + X^T w")           # another tree: confirmed on its own
    assert first.status == again.status == other.status == "correct"
    assert first.message == again.message and "SymPy confirms" in first.message
    assert len(calls) == 2
