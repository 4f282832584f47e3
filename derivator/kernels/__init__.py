"""Kernels: each loss derivation turned into NumPy loss and gradient functions.

`build_kernel(name)` picks the builder by the shape of the model: a loss of a linear
predictor wᵀx (linear.py) or a network of named nodes with weight arrays (network.py).
Neither has code of its own for any particular loss.
"""
from .kernel import Kernel, build_kernel, kernel_names  # noqa: F401
