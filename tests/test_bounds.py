"""Every check is bounded: `derivator.check` without a timeout returns within 10 s of CPU in
bounded memory (< 500 MB) for any answer of at most 2,000 characters. Answers that are right
numerically but would make SymPy's expansion explode (a large power of a sum) are the
dangerous ones: the symbolic confirmation is optional, and must never be what decides."""
import json
import subprocess
import sys
import textwrap

import pytest

SUM = "(D + D^2 + D^3 + D^4 + D^5 + D^6 + D^7 + D^8)/10^6"
HOSTILE = [
    ("p1a", f"2X^T + ({SUM})^{{64}} X^T"),                      # 10^9 coefficients
    ("p1a", "2X^T + ((D + D^2 + D^3 + D^4)/10^6)^{64} X^T"),
    ("p1a", "2X^T" + f" + ({SUM})^{{3}} 0 X^T" * 12),
    ("p1a", "(X^T + X^T)" + " (X^0 + X^0 - X^0)" * 100),        # a product of many sums
    ("p1a", "2X^T" + " + (D - D) X^T" * 140),
    ("p1a", "sum_{i=1}^{8600} sum_{k=1}^{4} inv(X)^{64}"),      # 40 s before the budget
    ("p1b", "3 (X^2)^T + (" + " + ".join(["X"] * 240) + ") - (" + " + ".join(["X"] * 240) + ")"),
    ("p6", "(X + X^T) w + ((w^T w + D)^{64} - (w^T w + D)^{64}) w"),
    ("p2", "w - eta (X^T (sigma(X w) - y) + 2 w) + "
           "sum_{i=1}^{N} sum_{j=1}^{N} sum_{k=1}^{N} 0 x_i"),
    ("p4", "(X^T X)^{-1} X^T y" + " + 0 (X^T X)^{64} w" * 40),
]

SCRIPT = textwrap.dedent("""
    import json, resource, sys, time
    import derivator
    out = []
    for problem, answer in json.loads(sys.stdin.read()):
        start = time.process_time()
        verdict = derivator.check(problem, answer)
        out.append([verdict.status, time.process_time() - start])
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"verdicts": out, "rss_mb": rss}))
""")


def test_hostile_answers_are_judged_in_bounded_time_and_memory():
    for _, answer in HOSTILE:
        assert len(answer) <= 2000
    run = subprocess.run([sys.executable, "-c", SCRIPT], input=json.dumps(HOSTILE),
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-2000:]
    report = json.loads(run.stdout)
    for (problem, answer), (status, seconds) in zip(HOSTILE, report["verdicts"]):
        assert status in ("correct", "incorrect", "unreadable"), (problem, answer)
        assert seconds < 10, (problem, answer[:80], seconds)
    assert report["rss_mb"] < 500, report


def test_an_answer_right_in_numbers_is_correct_whether_or_not_sympy_is_tried():
    import derivator
    verdict = derivator.check("p1a", "2X^T + ((D + D^2)/10^6)^{4} X^T")
    assert verdict.status == "correct", verdict
    assert "SymPy" not in verdict.message          # too large to expand: not attempted


def test_a_term_that_grows_with_the_sizes_is_seen_at_a_larger_size():
    """(Σ_{k≤8} D^k / 10⁶)^64 is about 10⁻²⁰⁰ at D = 2 but 10⁵⁰ at D = 7: bounded in time,
    and wrong, as the size that shows it says."""
    import derivator
    verdict = derivator.check("p1a", f"2X^T + ({SUM})^{{64}} X^T")
    assert verdict.status == "incorrect", verdict
    assert any("depends on the sizes" in n for n in verdict.notes), verdict.notes
    import re           # its values near 10⁵² are written 6.63e+52, not as 53 digits
    assert not re.search(r"\d{12}", str(verdict.counterexample)), verdict.counterexample


def test_sympy_still_confirms_a_small_answer():
    import derivator
    assert "SymPy confirms" in derivator.check("p1a", "X^T + X^T").message
