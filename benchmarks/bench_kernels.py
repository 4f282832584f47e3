"""The derived, stable BCE gradient against a handwritten NumPy one, in the same run.

N = 200,000 samples, D = 100 features, float64. Prints the medians and the ratio
derived / handwritten (target <= 1.0). If JAX or PyTorch is installed, their ratios too.
Usage: python benchmarks/bench_kernels.py [--repeat N] [--n N] [--d D]
"""
import argparse
import statistics
import time

import numpy as np

import derivator


def handwritten(w, b, X, y):
    z = X @ w + b
    r = 1 / (1 + np.exp(-z)) - y
    return X.T @ r / len(y), r.sum() / len(y)


def median_time(f, repeat):
    f()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        f()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def optional_ratios(w, b, X, y, baseline, repeat):
    try:
        import jax
        import jax.numpy as jnp
        jax.config.update("jax_enable_x64", True)
        Xj, yj, wj = jnp.asarray(X), jnp.asarray(y), jnp.asarray(w)
        g = jax.jit(lambda w, b: (Xj.T @ (jax.nn.sigmoid(Xj @ w + b) - yj) / len(yj)))
        t = median_time(lambda: g(wj, b).block_until_ready(), repeat)
        print(f"jax (jit):               {t * 1000:8.2f} ms   ratio {t / baseline:.2f}")
    except ImportError:
        print("jax: not installed (optional)")
    try:
        import torch
        Xt, yt, wt = torch.from_numpy(X), torch.from_numpy(y), torch.from_numpy(w)
        t = median_time(lambda: Xt.T @ (torch.sigmoid(Xt @ wt + b) - yt) / len(yt), repeat)
        print(f"torch:                   {t * 1000:8.2f} ms   ratio {t / baseline:.2f}")
    except ImportError:
        print("torch: not installed (optional)")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=21)
    parser.add_argument("--n", type=int, default=200_000)
    parser.add_argument("--d", type=int, default=100)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    X = rng.normal(size=(args.n, args.d))
    y = (rng.random(args.n) < 0.5).astype(float)
    w, b = rng.normal(size=args.d) * 0.1, 0.1
    k = derivator.kernel("bce")
    np.testing.assert_allclose(k.grad(w, b, X, y)[0], handwritten(w, b, X, y)[0], rtol=1e-9)
    hand, ours = [], []
    for _ in range(args.repeat):          # interleaved, so both see the same machine
        hand.append(median_time(lambda: handwritten(w, b, X, y), 1))
        ours.append(median_time(lambda: k.grad(w, b, X, y), 1))
    h, o = statistics.median(hand), statistics.median(ours)
    print(f"N={args.n}, D={args.d}, float64, median of {args.repeat}")
    print(f"handwritten NumPy:       {h * 1000:8.2f} ms")
    print(f"derived (stable) kernel: {o * 1000:8.2f} ms   ratio {o / h:.2f}  (target <= 1.0)")
    optional_ratios(w, b, X, y, h, max(5, args.repeat // 3))


if __name__ == "__main__":
    main()
