"""The arguments of a kernel call, checked: shapes, dtypes, NaN and inf, unknown names.

X keeps its dtype (a float32 X is never copied to float64); the small arrays (the
parameters and y) are cast to it. Each error is a ValueError that names the argument.
"""
from collections.abc import Mapping

import numpy as np


def real_array(label, value):
    """`value` as an array of real numbers; complex, object and string arrays are refused."""
    try:
        array = np.asarray(value)
    except (ValueError, TypeError) as error:      # ragged nested lists
        raise ValueError(f"{label} is not an array of numbers ({error})") from None
    if array.dtype.kind not in "fiub":
        raise ValueError(f"{label} must hold real numbers; got dtype {array.dtype}")
    return array


def _finite(label, value):
    if not np.isfinite(value).all():
        where = np.unravel_index(np.flatnonzero(~np.isfinite(value))[0], value.shape)
        where = where[0] if len(where) == 1 else tuple(int(k) for k in where)
        raise ValueError(f"{label} contains NaN or inf (at index {where})")


def data(X, y=None):
    """(X, y, dtype): X as given when it is floating point, y cast to X's dtype."""
    X = real_array("X", X)
    if X.ndim != 2:
        raise ValueError(f"X must be a 2-D array (N, D); got shape {X.shape}")
    if X.shape[0] == 0:
        raise ValueError("X has no rows")
    dtype = X.dtype if X.dtype.kind == "f" else np.dtype(np.float64)
    X = X.astype(dtype, copy=False)
    if y is not None:
        y = real_array("y", y)
        if y.shape != (X.shape[0],):
            raise ValueError(f"y has shape {y.shape} but X has shape {X.shape}: "
                             f"y must be ({X.shape[0]},)")
        _finite("y", y)
        y = y.astype(dtype, copy=False)
    return X, y, dtype


def split(args, names, method):
    """(params dict, X, y) from `method(params, X, y)` or `method(p_1, ..., p_k, X, y)`."""
    if len(args) == 3 and isinstance(args[0], Mapping):
        return args[0], args[1], args[2]
    if len(args) == len(names) + 2:
        return dict(zip(names, args[:-2])), args[-2], args[-1]
    raise TypeError(f"{method}() takes (params, X, y) with params a dict of "
                    f"{', '.join(names)}, or ({', '.join(names)}, X, y)")


def parameters(given, shapes, X_shape, dtype, columns="D"):
    """The parameters, checked against their shapes (names of sizes: "D", "M"; `columns`
    is X's number of columns) and cast to `dtype`. A size that X does not give is read off
    the first parameter that has it, and must agree everywhere else."""
    unknown = sorted(set(given) - set(shapes), key=str)
    if unknown:
        raise ValueError(f"unknown parameter {unknown[0]!r}; parameters: {', '.join(shapes)}")
    missing = [name for name in shapes if name not in given]
    if missing:
        raise ValueError(f"missing parameter {missing[0]!r}; parameters: {', '.join(shapes)}")
    sizes = {columns: X_shape[1]}
    out = {}
    for name, shape in shapes.items():
        value = real_array(name, given[name])
        if not shape and value.ndim:
            raise ValueError(f"{name} must be a scalar; got shape {value.shape}")
        if value.ndim == len(shape):
            for size, n in zip(shape, value.shape):
                sizes.setdefault(size, n)
        expected = tuple(sizes.get(s, "?") for s in shape)
        if value.shape != expected:
            if columns in shape:
                raise ValueError(f"{name} has shape {value.shape} but X has shape {X_shape}: "
                                 f"{name} must be {expected}")
            described = ", ".join(f"{s}={sizes.get(s, '?')}" for s in shape)
            raise ValueError(f"{name} has shape {value.shape} but must be {expected} "
                             f"({described})")
        _finite(name, value)
        out[name] = value.astype(dtype, copy=False) if shape else dtype.type(value)
    return out, sizes
