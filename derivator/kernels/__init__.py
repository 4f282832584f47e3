"""Kernels: derivations turned into NumPy loss and gradient functions."""
from .linear import BLOCK_BYTES, Kernel, build_kernel, kernel_names  # noqa: F401
