"""How many threads BLAS may use inside a kernel's blocks.

A block of X is a few MiB: BLAS splits each product over every core and waits for the
slowest thread, so on a loaded machine each of the many small calls waits for a busy core.
One thread per call inside the blocks avoids that; the limit is set and restored around
the loop with threadpoolctl (a dependency; should it be missing, BLAS keeps its own
setting and the kernels are only slower).
"""
from contextlib import contextmanager, nullcontext
from functools import lru_cache


@lru_cache(maxsize=1)
def _controller():
    try:
        from threadpoolctl import ThreadpoolController
    except ImportError:
        return None
    return ThreadpoolController()


@contextmanager
def blas_threads(count):
    controller = _controller()
    with (controller.limit(limits=count, user_api="blas") if controller else nullcontext()):
        yield
