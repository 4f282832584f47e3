"""The class report, measured (never asserted in the tests): a class of --rows answers
(default 10,000: bench_check's class, every problem, with the seed student's workings
for a share of the p2, p4, p6 and p7a rows) is graded once by `check --file --output
results.json`; then the report alone is timed from those verdicts, as HTML and as
Markdown, and the LMS files likewise. Target: the report in <= 10 s beyond the grading.

Usage: python benchmarks/bench_report.py [--rows 10000] [--keep DIR]
"""
import argparse
import csv
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, os.path.dirname(__file__))
from bench_check import make_class                      # noqa: E402

from derivator.answers.batch.batch import _present      # noqa: E402
from derivator.answers.batch.lms import write_lms        # noqa: E402
from derivator.answers.batch.report import write_report  # noqa: E402
from derivator.model.problemset import all_problems      # noqa: E402

WORKINGS = Path(__file__).parent.parent / "tests" / "workings"
SHARE_WORKINGS = 0.05


def with_workings(rows, seed=0):
    rng = random.Random(seed)
    texts = {p.stem.removeprefix("student_"): p.read_text() for p in WORKINGS.glob("*.tex")}
    return [(s, p, texts[p]) if p in texts and rng.random() < SHARE_WORKINGS else (s, p, a)
            for s, p, a in rows]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--keep", help="write the class, verdicts and report here")
    parser.add_argument("--results", help="verdicts of an earlier run (results.json): "
                        "measure the report only")
    args = parser.parse_args()
    if args.results:
        return report_only(args.results, os.path.dirname(args.results))
    directory = args.keep or tempfile.mkdtemp()
    os.makedirs(directory, exist_ok=True)
    path = os.path.join(directory, "class.csv")
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["student", "problem", "answer"])
        writer.writerows(with_workings(make_class(args.rows)))
    results_path = os.path.join(directory, "results.json")
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "derivator", "check", "--file", path, "--output",
                    results_path, "--timeout", "30"], capture_output=True, check=False)
    print(f"grading {args.rows} rows: {time.perf_counter() - start:.1f} s")
    report_only(results_path, directory)


def report_only(results_path, directory):
    """The report from the verdicts, in this process: the first one cold (each problem
    derived and compiled here, as `check --file` has done before it writes a report),
    then again warm, and the LMS files."""
    results = json.load(open(results_path, encoding="utf-8"))
    problems = _present(results, all_problems())
    for name in ("report.html", "report.html", "report.md"):
        start = time.perf_counter()
        write_report(os.path.join(directory, name), results, problems, "en")
        print(f"{name}: {time.perf_counter() - start:.2f} s beyond the grading "
              "(target <= 10 s)")
    for lms, out in (("gradescope", "gradescope"), ("canvas", "canvas.csv"),
                     ("moodle", "moodle.csv")):
        start = time.perf_counter()
        write_lms(lms, os.path.join(directory, out), results, problems)
        print(f"--lms {lms}: {time.perf_counter() - start:.2f} s")


if __name__ == "__main__":
    main()
