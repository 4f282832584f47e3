"""Rows of X in blocks that stay in the CPU cache, shared out among threads.

Every kernel's loss and gradient is a sum over samples, so each block of rows gives a
partial sum and the partial sums add up. The blocks go to a pool of one thread per
available core, each calling single-threaded BLAS; a thread takes the next block when it
is done with one, so a core that is busy with other work simply does fewer blocks
(multithreaded BLAS would instead split every small product and wait for the slowest
core). Partial sums are added in the order of the blocks, so the result does not depend
on which thread did what.
"""
import os
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache

import numpy as np

from .threads import blas_threads

BLOCK_BYTES = 4 << 20          # of X per block: read once from memory, then from cache


def cores():
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:                         # not on Linux
        return os.cpu_count() or 1


@lru_cache(maxsize=1)
def _pool(threads, pid):
    """One pool per process: a forked child has none of its parent's threads."""
    return ThreadPoolExecutor(threads, thread_name_prefix="derivator-kernel")


def block_rows(X, width=None, block_bytes=None):
    """Rows per block: `block_bytes` of rows `width` numbers wide (default: X's)."""
    width = max(1, width or X.shape[1])
    return max(1, (block_bytes or BLOCK_BYTES) // (width * X.itemsize))


def over_blocks(block, X, rows):
    """[block(start, slice)] for the blocks of `rows` rows of X, added up term by term."""
    starts = range(0, X.shape[0], rows)
    if len(starts) == 1:
        parts = [block(0, slice(None))]
    else:
        threads = min(cores(), len(starts))
        with blas_threads(1):
            if threads == 1:
                parts = [block(s, slice(s, s + rows)) for s in starts]
            else:
                parts = list(_pool(threads, os.getpid()).map(
                    lambda s: block(s, slice(s, s + rows)), starts))
    return tuple(_added([p[k] for p in parts]) for k in range(len(parts[0])))


def _added(values):
    total = values[0]
    for v in values[1:]:
        total = total + v
    return total


def finite_rows(X, start):
    """X's rows are finite, or a ValueError that says which row is not."""
    if not np.isfinite(X).all():
        row = start + int(np.flatnonzero(~np.isfinite(X).all(axis=1))[0])
        raise ValueError(f"X contains NaN or inf (at row {row})")
