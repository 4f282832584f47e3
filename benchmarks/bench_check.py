"""Checking answers, measured (never asserted in the tests):

1. one warm check per problem (the process has derived and compiled it): the median over
   several different answers; target <= 20 ms for every problem, p7b included;
2. a cold `python -m derivator check p7b ...` against a cold `check p6` in the same run;
   target: the ratio <= 2;
3. a class of --rows answers (default 10,000: every problem, realistic duplication: most
   students give one of a few common answers, some write their own) through
   `check --file`; target < 60 s on 2 cores; then every distinct answer is checked again
   one at a time, with no time limit, and the verdicts must be the same;
4. with --dask: the same class on a local Dask cluster of 1, 2, ... workers (throughput
   as workers are added on this machine).

5. with --distinct N: N mostly distinct answers checked in one process (answers/s per
   worker; target >= 400).

Usage: python benchmarks/bench_check.py [--rows 10000] [--dask | --only-dask] [--skip-class]
       python benchmarks/bench_check.py --distinct 1000
"""
import argparse
import csv
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time

import derivator
from derivator.answers.judge.judge import check
from derivator.answers.batch.workers import available_cpus

# Per problem: common answers (most of a class), and a template for answers students
# write their own way ({c} a number that makes each one a different expression).
COMMON = {
    "p1a": ["2X^T", "2X", "2 X'", "X^T", r"2\mathbf{X}^\top"],
    "p1b": ["3 (X^2)^T", "3 X^2", "3 X^T X^T", "(X^2)^T"],
    "p1c": ["k (X^{k-1})^T", "k X^{k-1}", "k (X^T)^{k-1}"],
    "p2": ["w - eta (X^T (sigma(X w) - y) + 2 w)", "w - eta X^T (sigma(X w) - y)",
           "X^T (sigma(X w) - y) + 2 w"],
    "p3": ["w_t - eta sum_{i=1}^{N} (f(x_i) - y_i) 2 x_i sigma(w^T x_i) (1 - sigma(w^T x_i))",
           "w_t - eta sum_{i=1}^{N} (f(x_i) - y_i) x_i"],
    "p4": ["(X^T X)^{-1} X^T y", "X^T y", "(X X^T)^{-1} X y"],
    "p5": ["B", "B^T", "2B"],
    "p6": ["(X + X^T) w", "2 X w", "X w + X^T w", "X^T w"],
    "p7a": ["(g - y) g (1 - g) w_{2,j}", "(g - y) w_{2,j}"],
    "p7b": ["sum_{i=1}^{N} (g(x_i) - y_i) g(x_i) (1 - g(x_i)) w_{2,d} "
            "sigma(sum_{n=1}^{M} w_{1,d,n} z_n(x_i)) (1 - sigma(sum_{n=1}^{M} w_{1,d,n} "
            "z_n(x_i))) z_m(x_i)",
            "sum_{i=1}^{N} (g(x_i) - y_i) g(x_i) (1 - g(x_i)) w_{2,d} z_m(x_i)"],
}
OWN = {
    "p1a": "{c} X^T - {d} X^T", "p1b": "{c} (X^2)^T - {d} X^T X^T",
    "p1c": "k (X^{{k-1}})^T + {c} X - {c} X", "p2": "w - eta (X^T (sigma(X w) - y) + {c} w)",
    "p3": "w_t - {c} eta sum_{{i=1}}^{{N}} (f(x_i) - y_i) x_i", "p4": "{c} (X^T X)^{{-1}} X^T y",
    "p5": "{c} B - {d} B", "p6": "(X + X^T) w + {c} w - {d} w",
    "p7a": "{c} (g - y) g (1 - g) w_{{2,j}}", "p7b": "sum_{{i=1}}^{{N}} {c} (g(x_i) - y_i) w_{{2,d}}",
}
SHARE_OWN = 0.3          # the students who write an answer of their own


def warm_per_problem(repeats=5):
    print("1. one warm check (median over different answers, ms; target <= 20)")
    for problem, answers in COMMON.items():
        for a in answers:
            check(problem, a)                          # warm: derived, compiled
        times = []
        for r in range(repeats):
            for a in answers + [OWN[problem].format(c=r + 2, d=r + 3)]:
                start = time.perf_counter()
                check(problem, a)
                times.append(time.perf_counter() - start)
        print(f"   {problem:4} {statistics.median(times) * 1000:7.1f} ms "
              f"(max {max(times) * 1000:.1f})")


def cold_cli(repeats=3):
    def once(problem, answer):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "derivator", "check", problem, answer],
                       capture_output=True, check=False)
        return time.perf_counter() - start
    p6 = statistics.median(once("p6", COMMON["p6"][0]) for _ in range(repeats))
    p7b = statistics.median(once("p7b", COMMON["p7b"][0]) for _ in range(repeats))
    print(f"2. cold check: p6 {p6:.2f} s, p7b {p7b:.2f} s, ratio {p7b / p6:.2f} (target <= 2)")


def make_class(rows, seed=0):
    rng = random.Random(seed)
    problems = list(COMMON)
    out = []
    for k in range(rows):
        student, problem = f"student{k // len(problems):05d}", problems[k % len(problems)]
        if rng.random() < SHARE_OWN:
            answer = OWN[problem].format(c=rng.randint(2, 10 ** 6), d=rng.randint(2, 10 ** 6))
        else:                                          # a few answers most give
            common = COMMON[problem]
            answer = common[min(int(rng.expovariate(1.0)), len(common) - 1)]
        out.append((student, problem, answer))
    return out


def whole_class(rows, directory):
    path = os.path.join(directory, "class.csv")
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["student", "problem", "answer"])
        writer.writerows(make_class(rows))
    results = os.path.join(directory, "results.json")
    start = time.perf_counter()
    run = subprocess.run([sys.executable, "-m", "derivator", "check", "--file", path,
                          "--output", results, "--timeout", "30"], capture_output=True,
                         text=True, check=False)
    elapsed = time.perf_counter() - start
    verdicts = json.load(open(results, encoding="utf-8"))
    distinct = {(v["problem"], v["answer"]) for v in verdicts}
    print(f"3. {rows} answers ({len(distinct)} distinct) on {available_cpus()} CPU(s): "
          f"{elapsed:.1f} s, exit status {run.returncode} (target < 60 s)")
    one_at_a_time = {key: check(*key).status for key in distinct}
    differ = [v for v in verdicts if v["status"] != one_at_a_time[(v["problem"], v["answer"])]]
    print(f"   verdicts that differ from one-at-a-time checks with no time limit: "
          f"{len(differ)}" + (f" (first: {differ[0]})" if differ else ""))
    return path


def on_dask(rows):
    from dask.distributed import LocalCluster
    from derivator.answers.batch.cluster import check_on_dask
    items = [(p, a) for _, p, a in make_class(rows, seed=1)]
    items = list(dict.fromkeys(items))                 # distinct: each one costs a check
    print(f"4. {len(items)} distinct answers on a local Dask cluster:")
    for workers in range(1, available_cpus() + 1):
        with LocalCluster(n_workers=workers, threads_per_worker=1,
                          dashboard_address=None) as cluster:
            check_on_dask(items[:1], 30, cluster.scheduler_address)    # every worker warm
            start = time.perf_counter()
            check_on_dask(items, 30, cluster.scheduler_address)
            elapsed = time.perf_counter() - start
        print(f"   {workers} worker(s): {elapsed:.1f} s, {len(items) / elapsed:.0f} answers/s")


def distinct_answers(count, share_own=0.9):
    """5. A class of mostly distinct answers (share_own of them written each student's own
    way) checked one after another in this process, one worker, every problem warm first:
    distinct answers a second, against the same process's rate on the common answers."""
    global SHARE_OWN
    SHARE_OWN, saved = share_own, SHARE_OWN
    items = list(dict.fromkeys((p, a) for _, p, a in make_class(count * 2, seed=2)))[:count]
    common = [(p, a) for p, answers in COMMON.items() for a in answers]
    from derivator.answers.judge.reference import VARIANTS, _task
    for problem in COMMON:                              # derived, compiled, every draw
        for variant in range(VARIANTS):
            _task(problem, 0, variant)
    warm = list(dict.fromkeys((p, a) for _, p, a in make_class(count, seed=3)))
    for p, a in common + warm:                          # and every problem's notes' data
        check(p, a)

    def rate(pairs):
        start = time.perf_counter()
        for p, a in pairs:
            check(p, a)
        return len(pairs) / (time.perf_counter() - start)
    SHARE_OWN = saved
    own, base = rate(items), rate(common * 3)
    print(f"5. {len(items)} mostly distinct answers, one worker: {own:.0f} answers/s "
          f"(target >= 400; the common answers: {base:.0f}/s, ratio {own / base:.2f})")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--dask", action="store_true")
    parser.add_argument("--skip-class", action="store_true")
    parser.add_argument("--only-dask", action="store_true")
    parser.add_argument("--distinct", type=int, default=0, metavar="N",
                        help="only part 5: N mostly distinct answers in one process")
    args = parser.parse_args()
    if args.distinct:
        distinct_answers(args.distinct)
        return
    derivator.catalog()
    if not args.only_dask:
        warm_per_problem()
        cold_cli()
    if not args.skip_class and not args.only_dask:
        with tempfile.TemporaryDirectory() as directory:
            whole_class(args.rows, directory)
    if args.dask or args.only_dask:
        on_dask(min(args.rows, 3000))


if __name__ == "__main__":
    main()
