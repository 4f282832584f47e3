"""k.hessian(params, X, y): the Hessian blocks of a derived loss as NumPy, from its
second-order derivation (steps/second_order.py): per block c Xᵀ diag(s) X, c Xᵀ s or c 1ᵀ s,
plus the data-free term (2λI), with the weights s written over arrays as the kernel's own."""
from functools import lru_cache

import numpy as np
import sympy as sp

from .. import DerivatorError
from .linear import ArrayForm, hyperparameters, python_name


@lru_cache(maxsize=None)
def hessian_functions(name):
    """{(p, q): (kind, [(c, s)], extra)} as NumPy functions of (Xw, y, N, scalars, hyper)."""
    from .. import derive
    from .stable import NUMPY_FUNCTIONS
    d = derive(name, order=2)
    model = d.model
    if not model.data_matrix:
        raise DerivatorError(f"{name}: kernel Hessians are for losses of a vector w (X @ w)")
    w = next(p for p in model.params if str(p) in {str(v) for v in model.vectors})
    arrays = ArrayForm(model, w)
    scalars = [p for p in model.params if p != w]
    N = model.sample_count
    hyper = hyperparameters(model, model.definition(model.target.func).apply(model.target.args))
    args = [arrays.Xw, arrays.Y, N, *scalars, *hyper]
    modules = [NUMPY_FUNCTIONS, "numpy"] if isinstance(NUMPY_FUNCTIONS, dict) else ["numpy"]

    def compiled(expr):
        return sp.lambdify(args, expr, modules=modules)
    out = {}
    for (p, q), block in d.details["hessian_blocks"].items():
        weights = [(compiled(c), compiled(arrays(s, model.sample_index)), str(v) != "1",
                    str(v_q) != "1") for c, s, v, v_q in block["weights"]]
        extra = block["extra"]
        from ..steps.second_order import IDENTITY
        out[(p, q)] = (weights, compiled(extra.coeff(IDENTITY) if extra.has(IDENTITY) else extra),
                       extra.has(IDENTITY))
    return out, str(w), [str(s) for s in scalars], [python_name(s) for s in hyper]


def hessian(kernel, params, X, y, **given):
    """{(p, q): array of shape shape(p) + shape(q)} for every pair of parameters."""
    blocks, w, scalars, hyper = hessian_functions(kernel.name)
    values = dict(zip(kernel.hyper, kernel._hyper(given)))
    params, X, y = kernel._checked(params, X, y)
    Xw = X @ np.asarray(params[w], dtype=float)
    args = [Xw, y, X.shape[0], *[float(params[s]) for s in scalars],
            *[values[h] for h in hyper]]
    out = {}
    for (p, q), (weights, extra, identity) in blocks.items():
        total = 0.0
        for c, s, by_x, by_x_q in weights:
            sv = np.broadcast_to(np.asarray(s(*args), dtype=float), Xw.shape)
            value = X.T @ (sv[:, None] * X) if by_x_q else X.T @ sv if by_x else np.sum(sv)
            total = total + float(c(*args)) * value
        e = float(extra(*args))
        total = total + (e * np.eye(X.shape[1]) if identity else e)
        out[(p, q)] = np.asarray(total, dtype=float)
        if p != q:
            out[(q, p)] = np.asarray(total, dtype=float).T
    return out
