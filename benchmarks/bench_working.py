"""Judging a whole working: a 15-line working (p2, the problem set's student's, as
written) and a 15-line correct one (p6), each judged cold (a fresh process: derivation,
random points and the reference computed) and warm (the problem's reference cached, as
for the second student of a class). Target: within 2 s on 2 cores. The baseline in the
same run is one warm check of a single answer to the same problem, so the ratio says
what judging every line costs over judging the last one.
Usage: python benchmarks/bench_working.py
"""
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
STUDENT_P2 = (HERE.parent / "tests" / "workings" / "student_p2.tex").read_text(encoding="utf-8")
P6 = "\n".join([r"f = w^T X w = \sum_{i=1}^{D}\sum_{j=1}^{D} w_i X_{ij} w_j"] +
               [r"= \sum_{j=1}^{D}\sum_{i=1}^{D} w_j X_{ji} w_i"] * 6 +
               [r"\left[\frac{df}{dw}\right]_k = \frac{\partial f}{\partial w_k} "
                r"= \sum_{j=1}^{D} X_{kj} w_j + \sum_{i=1}^{D} w_i X_{ik}"] +
               [r"\frac{df}{dw} = X w + X^T w"] +
               [r"= (X + X^T) w"] * 6)
WORKINGS = {"p2 (student, 13 lines)": ("p2", STUDENT_P2), "p6 (15 lines)": ("p6", P6)}
ANSWERS = {"p2": "w - eta (X^T (sigma(X w) - y) + 2 w)", "p6": "(X + X^T) w"}

COLD = """
import sys, time
start = time.perf_counter()
import derivator
v = derivator.check(sys.argv[1], sys.stdin.read())
print(f"{time.perf_counter() - start:.3f} {len(v.lines)} {v.first_wrong_line}")
"""


def cold(problem, working):
    out = subprocess.run([sys.executable, "-c", COLD, problem], input=working, text=True,
                         capture_output=True, check=True).stdout.split()
    return float(out[0]), int(out[1])


def main():
    import derivator
    for label, (problem, working) in WORKINGS.items():
        seconds, lines = cold(problem, working)
        derivator.check(problem, working)                   # warm the reference
        derivator.check(problem, ANSWERS[problem])
        warm, single = [], []
        for _ in range(5):
            start = time.perf_counter()
            derivator.check(problem, working)
            warm.append(time.perf_counter() - start)
            start = time.perf_counter()
            derivator.check(problem, ANSWERS[problem])
            single.append(time.perf_counter() - start)
        w, s = statistics.median(warm), statistics.median(single)
        print(f"{label}: {lines} lines judged; cold {seconds:.2f} s (import included), "
              f"warm {w * 1000:.0f} ms = {w / s:.1f} × one answer's check ({s * 1000:.0f} ms)"
              " (target: within 2 s)")


if __name__ == "__main__":
    main()
