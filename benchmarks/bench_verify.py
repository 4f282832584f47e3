"""How long verifying every step takes (issue 24): softmax regression with an L2 penalty,
problem 7b, and sigmoid networks of 1, 2 and 3 hidden layers at the same sizes (N = 2,
D = 2, every hidden layer 3 wide), derived by the first layer's weights u_{m,d}.

Prints, for each case, the median seconds of derive and of verify over --repeat runs, each
in a fresh process (SymPy's caches cold, as for a user's `lint`). Compare two versions as whole processes with farm-bench, e.g.
    farm-bench --vs 'env PYTHONPATH=/tmp/old python benchmarks/bench_verify.py p7b' \
        -- python benchmarks/bench_verify.py p7b

Usage: python benchmarks/bench_verify.py [CASE ...] [--repeat 3]
       CASE: softmax_l2, p7b, net1, net2, net3 (default: all)
"""
import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import derivator

ROOT = Path(__file__).resolve().parent.parent
FILES = {"softmax_l2": ROOT / "tests/problem_files_losses/softmax_l2.toml",
         "p7b": ROOT / "problems/p7b.toml"}


NODES, WEIGHTS, WIDTHS = "zhq", "uvs", "MKJ"      # layer k: node, weights, width


def network(layers):
    """A problem file: z = σ(u x), h = σ(v z), q = σ(s h) (as many as `layers`),
    g = σ(Σ_b r_b of the last), L = ½ Σ_i (g(x_i) − y_i)², derived by u_{m,d}."""
    names = ['x_i = { kind = "vector", shape = ["D"], sample = "x" }',
             'y_i = { kind = "scalar", sample = "y", domain = [0, 1], integer = true }',
             'N = { kind = "size", check = [2] }', 'D = { kind = "size", check = [2] }',
             '"u_{m,d}" = { kind = "scalar", weight = "u", array = ["M", "D"] }',
             f'r_b = {{ kind = "scalar", weight = "r", array = ["{WIDTHS[layers - 1]}"] }}']
    definitions = ['name = "z"\nparams = ["m", "x"]\nindexed_params = ["x"]\n'
                   'body = "sigmoid(sum(u_{m,c} x_c, c=1..D))"']
    for k in range(layers):
        names.append(f'{WIDTHS[k]} = {{ kind = "size", check = [3] }}')
    for k in range(1, layers):
        node, below, w, width, wide = NODES[k], NODES[k - 1], WEIGHTS[k], WIDTHS[k], WIDTHS[k - 1]
        names.append(f'"{w}_{{n,a}}" = {{ kind = "scalar", weight = "{w}", '
                     f'array = ["{width}", "{wide}"] }}')
        definitions.append(f'name = "{node}"\nparams = ["n", "x"]\nindexed_params = ["x"]\n'
                           f'body = "sigmoid(sum({w}_{{n,a}} {below}(a, x), a=1..{wide}))"')
    top, wide = NODES[layers - 1], WIDTHS[layers - 1]
    definitions += [f'name = "g"\nparams = ["x"]\nindexed_params = ["x"]\n'
                    f'body = "sigmoid(sum(r_b {top}(b, x), b=1..{wide}))"',
                    'name = "L_i"\nparams = ["y", "p"]\nbody = "(1/2) (p - y)^2"',
                    'name = "L"\nparams = ["W"]\nbody = "sum(L_i(y_i, g(x_i)), i=1..N)"']
    indexed = ", ".join(f'"{w}"' for w in ["u", "r", *WEIGHTS[1:layers]])
    return (f'title = "{layers} sigmoid layers"\nstrategy = "loss"\n\n[names]\n'
            + "\n".join(names) + "\n\n"
            + "".join(f"[[definitions]]\n{d}\n\n" for d in definitions)
            + '[derive]\ntarget = "L"\nwrt = "u_{m,d}"\nsamples = ["x", "y"]\nindex = "i"\n'
            f'count = "N"\nindexed = [{indexed}]\ncomponent_samples = ["x"]\n'
            'free = { m = "M", d = "D" }\n')


def measure(case, directory):
    """(derive, verify seconds, steps) of one case, cold: SymPy's caches empty."""
    path = FILES.get(case)
    if path is None:
        path = Path(directory) / f"{case}.toml"
        path.write_text(network(int(case.removeprefix("net"))))
    start = time.perf_counter()
    d = derivator.derive(str(path))
    middle = time.perf_counter()
    checks = d.verify()
    end = time.perf_counter()
    failed = [c.step.rule for c in checks if not c.ok]
    assert not failed, f"{case}: steps fail: {failed}"
    return middle - start, end - middle, len(checks)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cases", nargs="*", default=["softmax_l2", "p7b", "net1", "net2", "net3"])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--one", action="store_true", help="measure once, in this process")
    args = parser.parse_args()
    if args.one:
        with tempfile.TemporaryDirectory() as tmp:
            print(*measure(args.cases[0], tmp))
        return
    times = {}
    for case in args.cases:        # each run a fresh process (the environment's PYTHONPATH)
        runs = [subprocess.run([sys.executable, __file__, case, "--one"], check=True,
                               capture_output=True, text=True).stdout.split()
                for _ in range(args.repeat)]
        derive = statistics.median(float(r[0]) for r in runs)
        verify = statistics.median(float(r[1]) for r in runs)
        times[case] = derive, verify
        print(f"{case:11s} {runs[0][2]:>3s} steps  derive {derive:6.2f} s  verify {verify:6.2f} s")
    if "net1" in times and "net3" in times:
        for k, what in enumerate(["derive", "verify"]):
            print(f"{what}, 3 layers / 1 layer: {times['net3'][k] / times['net1'][k]:.2f}")
        print(f"derive + verify, 3 layers / 1 layer: "
              f"{sum(times['net3']) / sum(times['net1']):.2f}")


if __name__ == "__main__":
    main()
