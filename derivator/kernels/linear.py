"""NumPy kernels (loss and gradient) generated from the derivations.

For each loss in the registry: the cost's definition gives the per-sample loss, and each
parameter's derived result (the sum over samples, `Derivation.sum_form`) gives the
per-sample residual r. Both are written over arrays (the linear predictor w x⁽ⁿ⁾ becomes
the N-vector X @ w), made numerically stable (stable.py), and lambdified with common-
subexpression elimination. The sums become matrix products: Σ_n r⁽ⁿ⁾ x⁽ⁿ⁾ = Xᵀ r and
Σ_n r⁽ⁿ⁾ = sum(r). X is processed in blocks of rows that stay in the CPU cache between
X_block @ w and X_blockᵀ @ r, so X is read from memory once per call.

No loss has kernel code of its own.
"""
import inspect
from dataclasses import dataclass

import numpy as np
import sympy as sp

from .. import DerivatorError
from ..algebra import canonical, factors_of, product
from ..stable import NUMPY_FUNCTIONS, KernelPrinter, stabilize

BLOCK_BYTES = 4 << 20          # rows per block: 4 MiB of X, read again from cache, not memory


def _split_sum(expr):
    """(factor outside, summand, index) of `c Σ_n f(n)`."""
    sums = [f for f in factors_of(expr) if isinstance(f, sp.Sum)]
    if len(sums) != 1:
        raise DerivatorError(f"cannot make a kernel from {expr}: not one sum over samples")
    s = sums[0]
    outside = product(*[f for f in factors_of(expr) if f is not s])
    return canonical(outside), s.function, s.limits[0][0]


class _ArrayForm:
    """Per-sample expressions rewritten over arrays: Xw (the N-vector X @ w), y, b."""

    def __init__(self, model):
        self.model = model
        self.w, self.b = model.params
        self.x, self.y = model.samples
        self.Xw, self.Y = sp.Symbol("Xw"), sp.Symbol("y")

    def __call__(self, expr, n):
        expr = canonical(self.model.substitute_definitions(expr))
        x_n = self.x[n]

        def predictor(e):
            if getattr(e.func, "__name__", "") == "inner" and set(e.args) == {x_n, self.w}:
                return True
            return isinstance(e, sp.Mul) and x_n in e.args and self.w in e.args

        expr = expr.replace(predictor, lambda e: self._scaled_predictor(e, x_n))
        expr = expr.xreplace({self.y[n]: self.Y})
        if expr.has(x_n) or expr.has(self.w):
            raise DerivatorError(f"{self.model.name}: cannot write {expr} over arrays")
        return stabilize(expr)

    def _scaled_predictor(self, e, x_n):
        if isinstance(e, sp.Mul):
            return sp.Mul(*[f for f in e.args if f not in (x_n, self.w)]) * self.Xw
        return self.Xw


@dataclass
class Kernel:
    """loss(w, b, X, y) -> mean loss; grad(w, b, X, y) -> (dw, db); source: the code."""

    name: str
    source: str
    _loss: object
    _grad: object

    def loss(self, w, b, X, y):
        return self._loss(*_checked(w, b, X, y))

    def grad(self, w, b, X, y):
        return self._grad(*_checked(w, b, X, y))

def _checked(w, b, X, y):
    """Shapes and finiteness of everything but X (NaN in X shows up in X @ w)."""
    X = np.asarray(X)
    if X.ndim != 2:
        raise ValueError(f"X must be a 2-D array (N, D); got shape {X.shape}")
    N, D = X.shape
    w, y = np.asarray(w), np.asarray(y)
    if w.shape != (D,):
        raise ValueError(f"w has shape {w.shape} but X has shape {X.shape}: w must be ({D},)")
    if y.shape != (N,):
        raise ValueError(f"y has shape {y.shape} but X has shape {X.shape}: y must be ({N},)")
    if np.ndim(b) != 0:
        raise ValueError(f"b must be a scalar; got shape {np.shape(b)}")
    if N == 0:
        raise ValueError("X has no rows")
    dtype = np.result_type(X.dtype, w.dtype, np.float32)
    if not np.issubdtype(dtype, np.floating):
        dtype = np.float64
    for label, value in (("w", w), ("b", np.asarray(b)), ("y", y)):
        if not np.isfinite(value).all():
            where = np.flatnonzero(~np.isfinite(np.ravel(value)))[0]
            raise ValueError(f"{label} contains NaN or inf (at index {where})")
    return (w.astype(dtype, copy=False), dtype.type(b), X.astype(dtype, copy=False),
            y.astype(dtype, copy=False))


def _finite_or_raise(z, start):
    if not np.isfinite(z).all():
        row = start + int(np.flatnonzero(~np.isfinite(z))[0])
        raise ValueError(f"X @ w is not finite at row {row}: X contains NaN or inf "
                         f"(or values too large)")


def _blocks(X):
    rows = max(1, BLOCK_BYTES // max(1, X.shape[1] * X.itemsize))
    for start in range(0, X.shape[0], rows):
        yield start, slice(start, start + rows)


TEMPLATE = '''\
def loss(w, b, X, y):
    """Mean loss over the N rows of X."""
    N = X.shape[0]
    total = 0
    for start, rows in blocks(X):
        Xw = X[rows] @ w
        check(Xw, start)
        total += per_sample_loss(Xw, y[rows], b).sum()
    return {loss_outside}


def grad(w, b, X, y):
    """(dJ/dw, dJ/db): the sums over samples as X.T @ r and sum(r), block by block."""
    N = X.shape[0]
    dw = np.zeros_like(w)
    db = 0
    for start, rows in blocks(X):
        Xb = X[rows]
        Xw = Xb @ w
        check(Xw, start)
        r_w, r_b = residuals(Xw, y[rows], b)
        dw += Xb.T @ r_w
        db += r_b.sum()
    return {w_outside} * dw, {b_outside} * db
'''


def _printed(expr):
    from sympy.printing.numpy import NumPyPrinter
    return NumPyPrinter({"fully_qualified_modules": False}).doprint(expr) \
        .replace("numpy.", "np.")


def build_kernel(name):
    from .. import derive
    from ..registry import get_model
    model = get_model(name)
    if model.sample_index is None or len(model.params) != 2:
        raise DerivatorError(f"{name} is not a loss over samples; kernels: "
                             f"{', '.join(kernel_names())}")
    arrays = _ArrayForm(model)
    N = model.sample_count
    w, b = model.params
    cost = model.definition(model.target.func).apply(model.target.args)
    loss_outside, loss_term, n = _split_sum(cost)
    grads = {}
    for p in (w, b):
        outside, summand, n = _split_sum(derive(name, str(p)).sum_form())
        has_x = arrays.x[n] in factors_of(summand)
        if has_x != (p == w):
            raise DerivatorError(f"{name}: ∂J/∂{p} is not a sum of the form expected for {p}")
        rest = product(*[f for f in factors_of(summand) if f != arrays.x[n]])
        grads[p] = (outside, arrays(rest, n))
    args = [arrays.Xw, arrays.Y, b]
    printer = KernelPrinter({"fully_qualified_modules": False, "inline": True,
                             "allow_unknown_functions": True,
                             "user_functions": {f: f for f in NUMPY_FUNCTIONS}})
    options = dict(modules=[NUMPY_FUNCTIONS, "numpy"], printer=printer, cse=True)
    per_sample_loss = sp.lambdify(args, arrays(loss_term, n), **options)
    residuals = sp.lambdify(args, [grads[w][1], grads[b][1]], **options)
    n_symbol = sp.Symbol("N")
    code = TEMPLATE.format(loss_outside=_printed(loss_outside.xreplace({N: n_symbol}) *
                                                 sp.Symbol("total")),
                           w_outside=_printed(grads[w][0].xreplace({N: n_symbol})),
                           b_outside=_printed(grads[b][0].xreplace({N: n_symbol})))
    namespace = {"np": np, "blocks": _blocks, "check": _finite_or_raise,
                 "per_sample_loss": per_sample_loss, "residuals": residuals}
    exec(compile(code, f"<derivator kernel {name}>", "exec"), namespace)
    source = "\n\n".join([
        f"# Generated by derivator from the derivation of {name!r}; Xw is X @ w.",
        _renamed(inspect.getsource(per_sample_loss), "per_sample_loss"),
        _renamed(inspect.getsource(residuals), "residuals"),
        code.rstrip(),
        "# softplus(t) = log(1 + e^t), evaluated stably:",
        _renamed(inspect.getsource(NUMPY_FUNCTIONS["softplus"]), "softplus")])
    return Kernel(name, source, namespace["loss"], namespace["grad"])


def _renamed(source, name):
    """A generated or helper function's source under the name the kernel calls it by."""
    head, rest = source.split("(", 1)
    return f"def {name}(" + rest.rstrip()


def kernel_names():
    from ..registry import catalog, get_model
    return [n for n in catalog() if get_model(n).sample_index is not None]
