"""The derived kernels against handwritten NumPy (and PyTorch autograd when installed),
on an idle machine and under loads this script starts and stops itself.

- bce: the gradient at N = 200,000, D = 100 (the issue's setting);
- p2: L2-regularised logistic regression, the gradient, N = 100,000, D = 100;
- p7b: problem 7's residual network, every weight's gradient, N = 100,000, D = 50, M = 100.

Loads: none; one busy process; two busy processes pinned to one core (each BLAS thread
that lands there waits); a mix (a busy process, a process streaming memory through
NumPy, and one that wakes up every few milliseconds). Prints the median times and the
ratio derived / handwritten for each (target <= 1.0), interleaving the two so that both
see the same machine.

Usage: python benchmarks/bench_kernels.py [--repeat 9] [--loads idle,busy1,pinned2,mix]
                                          [--only bce,p2,p7b]
"""
import argparse
import multiprocessing
import os
import statistics
import time

import numpy as np

import derivator


def sigmoid(t):
    return 1 / (1 + np.exp(-t))


# handwritten NumPy, as a student or a course would write it

def bce_hand(w, b, X, y):
    r = sigmoid(X @ w + b) - y
    return X.T @ r / len(y), r.sum() / len(y)


def p2_hand(w, X, y):
    return X.T @ (sigmoid(X @ w) - y) + 2 * w


def p7_hand(w0, w1, w2, X, y):
    Z = sigmoid(X @ w0.T)
    A = sigmoid(Z @ w1.T)
    H = X + A
    G = sigmoid(H @ w2)
    dG = (G - y) * G * (1 - G)
    dA = dG[:, None] * w2 * A * (1 - A)
    return ((dA @ w1) * Z * (1 - Z)).T @ X, dA.T @ Z, H.T @ dG


# loads

def _spin(cpu=None):
    if cpu is not None and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {cpu})
    while True:
        pass


def _stream():
    a = np.ones(4_000_000)
    while True:
        a.sum()
        a *= 1.0


def _bursts():
    while True:
        end = time.perf_counter() + 0.002
        while time.perf_counter() < end:
            pass
        time.sleep(0.003)


LOADS = {
    "idle": [],
    "busy1": [(_spin, ())],
    "pinned2": [(_spin, (0,)), (_spin, (0,))],
    "mix": [(_spin, ()), (_stream, ()), (_bursts, ())],
}


class Load:
    def __init__(self, name):
        self.name, self.processes = name, []

    def __enter__(self):
        context = multiprocessing.get_context("fork")
        for target, args in LOADS[self.name]:
            p = context.Process(target=target, args=args, daemon=True)
            p.start()
            self.processes.append(p)
        time.sleep(0.3)
        return self

    def __exit__(self, *exc):
        for p in self.processes:
            p.kill()
            p.join()


def once(f):
    start = time.perf_counter()
    f()
    return time.perf_counter() - start


def compare(label, derived, hand, repeat, name="derived"):
    derived(), hand()
    ours, theirs = [], []
    for _ in range(repeat):
        theirs.append(once(hand))
        ours.append(once(derived))
    o, h = statistics.median(ours), statistics.median(theirs)
    print(f"  {label:<30} handwritten {h * 1000:8.1f} ms   {name} {o * 1000:8.1f} ms   "
          f"ratio {o / h:5.2f}", flush=True)
    return o / h


def torch_ratio(label, make, hand, repeat):
    try:
        import torch
    except ImportError:
        print(f"  {label:<30} PyTorch: not installed (optional; its ratio is printed when "
              f"it is)")
        return
    compare(label, make(torch), hand, repeat, name="torch autograd")


def bce_case(rng):
    X = rng.normal(size=(200_000, 100))
    y = (rng.random(200_000) < 0.5).astype(float)
    w, b = rng.normal(size=100) * 0.1, 0.1
    k = derivator.kernel("bce")
    np.testing.assert_allclose(k.grad(w, b, X, y)[0], bce_hand(w, b, X, y)[0], rtol=1e-9)
    return ("bce grad N=200k D=100", lambda: k.grad(w, b, X, y),
            lambda: bce_hand(w, b, X, y), None)


def p2_case(rng):
    X = rng.normal(size=(100_000, 100))
    y = (rng.random(100_000) < 0.5).astype(float)
    w = rng.normal(size=100) * 0.1
    k = derivator.kernel("p2")
    np.testing.assert_allclose(k.grad({"w": w}, X, y)["w"], p2_hand(w, X, y), rtol=1e-9)

    def torch_p2(torch):
        Xt, yt = torch.from_numpy(X), torch.from_numpy(y)

        def step():
            wt = torch.tensor(w, requires_grad=True)
            loss = torch.nn.functional.binary_cross_entropy_with_logits(
                Xt @ wt, yt, reduction="sum") + wt @ wt
            loss.backward()
            return loss, wt.grad
        return step
    return ("p2 grad N=100k D=100", lambda: k.grad({"w": w}, X, y),
            lambda: p2_hand(w, X, y), torch_p2)


def p7_case(rng):
    N, D, M = 100_000, 50, 100
    X = rng.normal(size=(N, D))
    y = (rng.random(N) < 0.5).astype(float)
    p = {"w_0": rng.normal(size=(M, D)) / 7, "w_1": rng.normal(size=(D, M)) / 10,
         "w_2": rng.normal(size=D) / 7}
    k = derivator.kernel("p7b")
    for got, want in zip(k.grad(p, X, y).values(), p7_hand(*p.values(), X, y)):
        np.testing.assert_allclose(got, want, rtol=1e-8, atol=1e-10)

    def torch_p7(torch):
        Xt, yt = torch.from_numpy(X), torch.from_numpy(y)

        def step():
            w0, w1, w2 = (torch.tensor(v, requires_grad=True) for v in p.values())
            Z = torch.sigmoid(Xt @ w0.T)
            H = Xt + torch.sigmoid(Z @ w1.T)
            G = torch.sigmoid(H @ w2)
            (0.5 * ((G - yt) ** 2).sum()).backward()
            return w0.grad, w1.grad, w2.grad
        return step
    return ("p7b grads N=100k D=50 M=100", lambda: k.grad(p, X, y),
            lambda: p7_hand(*p.values(), X, y), torch_p7)


CASES = {"bce": bce_case, "p2": p2_case, "p7b": p7_case}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--loads", default="idle,busy1,pinned2,mix")
    parser.add_argument("--only", default="bce,p2,p7b")
    args = parser.parse_args()
    print(f"{len(os.sched_getaffinity(0)) if hasattr(os, 'sched_getaffinity') else '?'} "
          f"cores available, float64, median of {args.repeat}")
    rng = np.random.default_rng(0)
    todo = [CASES[name](rng) for name in args.only.split(",")]
    worst = {}
    for load in args.loads.split(","):
        print(f"load: {load}")
        with Load(load):
            for label, derived, hand, torch_make in todo:
                r = compare(label, derived, hand, args.repeat)
                worst[label] = max(worst.get(label, 0), r)
                if torch_make and load == "idle":
                    torch_ratio(label, torch_make, hand, args.repeat)
    print("worst ratio derived/handwritten over the loads (target <= 1.0):")
    for label, r in worst.items():
        print(f"  {label:<30} {r:5.2f}")


if __name__ == "__main__":
    main()
