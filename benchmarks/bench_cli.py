"""How much more `python -m derivator show bce` costs than importing SymPy.

All run as fresh processes, interleaved, in the same run; prints the medians and the
ratios (target: <= 1.5), warm (the usual case: the derivation is cached on disk after the
first run) and cold (DERIVATOR_CACHE_DIR=off: derived and rendered from scratch).
Usage: python benchmarks/bench_cli.py [--repeat N]
"""
import os
import argparse
import statistics
import subprocess
import sys
import time


def timed(cmd, env=None):
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, env=env)
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=11)
    args = parser.parse_args()
    baseline = [sys.executable, "-c", "import sympy"]
    show = [sys.executable, "-m", "derivator", "show", "bce"]
    cold_env = {**os.environ, "DERIVATOR_CACHE_DIR": "off"}
    timed(show)        # fill the derivation cache and the OS file cache
    base, warm, cold = [], [], []
    for _ in range(args.repeat):
        base.append(timed(baseline))
        warm.append(timed(show))
        cold.append(timed(show, cold_env))
    b = statistics.median(base)
    print(f"import sympy:                        {b * 1000:7.1f} ms (median of {args.repeat})")
    for label, times in (("show bce (cached)", warm), ("show bce (cache off)", cold)):
        t = statistics.median(times)
        print(f"python -m derivator {label:<17} {t * 1000:7.1f} ms   ratio {t / b:.2f}"
              "  (target <= 1.5)")


if __name__ == "__main__":
    main()
