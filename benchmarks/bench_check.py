"""Checking answers: the median time of one warm check over a mix of problems, and a
batch of 1,000 answers through the worker pool. Targets: <= 50 ms median per answer;
the batch scales with the cores. Usage: python benchmarks/bench_check.py [--batch 1000]
"""
import argparse
import os
import statistics
import time

import derivator
from derivator.answers.workers import check_all

MIX = [("p1a", "2X^T"), ("p1b", "3 (X^2)^T"), ("p1c", "k (X^{k-1})^T"), ("p5", "B"),
       ("p6", "(X + X^T) w"), ("p6", "2 X w"), ("p4", "(X^T X)^{-1} X^T y"),
       ("p2", "w - eta (X^T (sigma(X w) - y) + 2 w)"), ("p1a", "2X"),
       ("p3", "w - eta sum_{i=1}^{N} (f(x_i) - y_i) 2 x_i sigma(w^T x_i) (1 - sigma(w^T x_i))"),
       ("p7a", "(g - y) g (1 - g) w_{2,j}"),
       ("p7b", "sum_{i=1}^{N} (g(x_i) - y_i) g(x_i) (1 - g(x_i)) w_{2,d} "
               "sigma(sum_{n=1}^{M} w_{1,d,n} z_n(x_i)) (1 - sigma(sum_{n=1}^{M} w_{1,d,n} "
               "z_n(x_i))) z_m(x_i)")]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--batch", type=int, default=1000)
    args = parser.parse_args()
    for problem, answer in MIX:                 # warm: derivations computed, caches full
        derivator.check(problem, answer)
    times = []
    for _ in range(5):
        for problem, answer in MIX:
            start = time.perf_counter()
            derivator.check(problem, answer)
            times.append(time.perf_counter() - start)
    print(f"one warm check, median of {len(times)}: {statistics.median(times) * 1000:.1f} ms "
          "(target <= 50 ms)")
    items = [MIX[k % len(MIX)] for k in range(args.batch)]
    for processes in sorted({1, os.cpu_count() or 1}):
        start = time.perf_counter()
        check_all(items, processes=processes)
        elapsed = time.perf_counter() - start
        print(f"{args.batch} answers with {processes} worker(s): {elapsed:.1f} s "
              f"({elapsed / args.batch * 1000:.1f} ms per answer)")


if __name__ == "__main__":
    main()
