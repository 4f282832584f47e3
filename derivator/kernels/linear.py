"""Kernels for losses of a linear predictor: J = Σ_n ℓ(wᵀx⁽ⁿ⁾, y⁽ⁿ⁾, b) (+ terms of the
parameters alone, such as a regulariser ‖w‖²).

The cost's definition gives the per-sample loss, and each parameter's derived result (its
sum over samples, `Derivation.sum_form`) gives the per-sample residual r. Both are written
over arrays (the linear predictor w x⁽ⁿ⁾ becomes the N-vector X @ w), made numerically
stable (stable.py), and lambdified with common-subexpression elimination. The sums become
matrix products: Σ_n r⁽ⁿ⁾ x⁽ⁿ⁾ = Xᵀ r and Σ_n r⁽ⁿ⁾ = sum(r). Terms outside the sums (2w
from ‖w‖²) are lambdified as they are.

X is processed in blocks of rows that stay in the CPU cache between X_block @ w and
X_blockᵀ @ r, so X is read from memory once per call (blocks.py: the blocks are shared
out among threads, each with single-threaded BLAS, so that a loaded core cannot stall
the others).

No loss has kernel code of its own.
"""
import inspect

import numpy as np
import sympy as sp

from .. import DerivatorError
from ..steps.algebra import canonical, factors_of, product, terms_of, total
from .stable import NUMPY_FUNCTIONS, KernelPrinter, stabilize, stable_form
from .blocks import block_rows, over_blocks


def sum_terms(expr, n):
    """([(factor outside, summand)], rest) of `Σ_k c_k Σ_n f_k(n) + rest(params)`."""
    sums, rest = [], []
    for term in terms_of(expr):
        found = [f for f in factors_of(term) if isinstance(f, sp.Sum)]
        if not found:
            if term.has(n):
                raise DerivatorError(f"cannot make a kernel from {term}: not a sum over samples")
            rest.append(term)
            continue
        if len(found) != 1 or len(found[0].limits) != 1 or found[0].limits[0][0] != n:
            raise DerivatorError(f"cannot make a kernel from {term}: not one sum over samples")
        outside = product(*[f for f in factors_of(term) if f is not found[0]])
        sums.append((canonical(outside), found[0].function))
    return sums, sp.Add(*rest)


def substitute(model, expr):
    """expr with every intermediate replaced by its definition, each body put in a stable
    form first (so that (1 - e^-t)/(1 + e^-t) becomes tanh(t/2) before it is squared)."""
    for _ in range(len(model.definitions) + 1):
        before = expr
        for d in model.definitions:
            expr = expr.replace(
                lambda e, d=d: isinstance(e, sp.Function) and e.func == d.name,
                lambda e, d=d: stable_form(canonical(d.apply(e.args))))
        if expr == before:
            break
    return stable_form(expr)


class ArrayForm:
    """Per-sample expressions rewritten over arrays: Xw (the N-vector X @ w), y, scalars."""

    def __init__(self, model, w):
        self.model, self.w = model, w
        self.x, self.y = model.samples
        self.Xw, self.Y = sp.Symbol("Xw"), sp.Symbol("y")

    def __call__(self, expr, n):
        expr = substitute(self.model, expr)
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


def predictor_weight(model, summand, n):
    """The parameter that multiplies the sample x⁽ⁿ⁾ (w in wᵀx⁽ⁿ⁾ + b)."""
    x_n = model.samples[0][n]
    body = substitute(model, summand)
    for p in model.params:
        if any(x_n in e.args and p in e.args for e in body.atoms(sp.Function, sp.Mul)):
            return p
    raise DerivatorError(f"{model.name} is not a loss of a linear predictor wᵀx")


def hypothesis(model, summand, n):
    """What the loss compares with y⁽ⁿ⁾: the first part of the summand that depends on
    x⁽ⁿ⁾ but not on y⁽ⁿ⁾ (h(x⁽ⁿ⁾), f(x⁽ⁿ⁾), or the linear predictor itself)."""
    x_n, y_n = model.samples[0][n], model.samples[1][n]
    for e in sp.preorder_traversal(summand):
        if isinstance(e, sp.Expr) and e.has(x_n) and not e.has(y_n):
            return e
    raise DerivatorError(f"{model.name}: no hypothesis of x found in {summand}")


def _printed(expr, printer=None):
    from sympy.printing.numpy import NumPyPrinter
    printer = printer or NumPyPrinter({"fully_qualified_modules": False})
    return printer.doprint(expr).replace("numpy.", "np.")


def generate(name, model, derivations):
    """The kernel's functions and source from the model and one Derivation per parameter."""
    n = model.sample_index
    cost = model.definition(model.target.func).apply(model.target.args)
    hyper = hyperparameters(model, cost)        # λ, γ, T: keyword arguments of the kernel
    py = {s: sp.Symbol(python_name(s)) for s in hyper}
    loss_sums, loss_rest = sum_terms(cost, n)
    if not loss_sums:
        raise DerivatorError(f"{name}: the cost has no sum over samples")
    w = predictor_weight(model, loss_sums[0][1], n)
    arrays = ArrayForm(model, w)
    scalars = [p for p in model.params if p != w]
    N, n_symbol = model.sample_count, sp.Symbol("N")
    args = [arrays.Xw, arrays.Y, *scalars, *hyper]
    printer = KernelPrinter({"fully_qualified_modules": False, "inline": True,
                             "allow_unknown_functions": True,
                             "user_functions": {f: f for f in NUMPY_FUNCTIONS}})
    options = dict(modules=[NUMPY_FUNCTIONS, "numpy"], printer=printer, cse=True)

    residuals, accumulators, outputs, penalties = [], [], [], {}
    for p in model.params:
        sums, rest = sum_terms(derivations[str(p)].sum_form(), n)
        penalties[str(p)] = rest
        parts = []
        for outside, summand in sums:
            summand = _x_outside(summand, arrays.x[n])
            has_x = arrays.x[n] in factors_of(summand)
            if has_x != (p == w):
                raise DerivatorError(f"{name}: ∂J/∂{p} is not a sum of the form expected "
                                     f"for {p}")
            r = product(*[f for f in factors_of(summand) if f != arrays.x[n]])
            k = f"{p}" if not parts else f"{p}_{len(parts)}"
            residuals.append(arrays(r, n))
            accumulators.append((k, has_x))
            parts.append(outside.xreplace({N: n_symbol}) * sp.Symbol(f"sum_{k}"))
        outputs.append(_sum_of(*parts, rest.xreplace({N: n_symbol})).xreplace(py))
    per_sample = sp.lambdify(args, [arrays(summand, n) for _, summand in loss_sums], **options)
    per_sample_residuals = sp.lambdify(args, residuals, **options)
    per_sample_hypothesis = sp.lambdify([arrays.Xw, *scalars, *hyper],
                                        arrays(hypothesis(model, loss_sums[0][1], n), n),
                                        **options)
    params = ", ".join(str(p) for p in model.params)
    loss_value = _sum_of(*[outside.xreplace({N: n_symbol}) * sp.Symbol(f"total_{k}")
                           for k, (outside, _) in enumerate(loss_sums)],
                         loss_rest.xreplace({N: n_symbol})).xreplace(py)
    rest_printer = KernelPrinter({"fully_qualified_modules": False,
                                  "allow_unknown_functions": True})
    hyper_args = "".join(f", {python_name(h)}" for h in hyper)
    scalar_args = "".join(f", {p}" for p in scalars) + hyper_args
    sums = [f"sum_{k}" for k, _ in accumulators]
    code = "\n".join([
        f"def loss({params}, X, y{hyper_args}):",
        '    """The loss over the N rows of X: the per-sample terms summed block by block."""',
        "    N = X.shape[0]",
        "",
        "    def block(start, rows):",
        f"        Xw = X[rows] @ {w}",
        "        check(Xw, start)",
        f"        terms = per_sample_loss(Xw, y[rows]{scalar_args})",
        "        return [term.sum() for term in terms]",
        "",
        "    " + ", ".join(f"total_{k}" for k in range(len(loss_sums))) +
        ("," if len(loss_sums) == 1 else "") + " = over_blocks(block, X, block_rows(X))",
        f"    return {_printed(loss_value, rest_printer)}",
        "",
        "",
        f"def grad({params}, X, y{hyper_args}):",
        '    """The gradient for each parameter: the sums over samples as X.T @ r and',
        '    sum(r), block by block."""',
        "    N = X.shape[0]",
        "",
        "    def block(start, rows):",
        "        Xb = X[rows]",
        f"        Xw = Xb @ {w}",
        "        check(Xw, start)",
        "        " + ", ".join(f"r_{k}" for k, _ in accumulators) + ("," if len(accumulators) == 1
                                                                    else "") +
        f" = residuals(Xw, y[rows]{scalar_args})",
        "        return " + ", ".join(f"Xb.T @ r_{k}" if has_x else f"r_{k}.sum()"
                                     for k, has_x in accumulators) +
        ("," if len(accumulators) == 1 else ""),
        "",
        "    " + ", ".join(sums) + ("," if len(sums) == 1 else "") +
        " = over_blocks(block, X, block_rows(X))",
        "    return " + ", ".join(_printed(o, rest_printer) for o in outputs) +
        ("," if len(outputs) == 1 else ""),
        "",
        "",
        f"def predict({params}, X{hyper_args}):",
        '    """What the loss compares with y: the hypothesis at each row of X."""',
        f"    return hypothesis(X @ {w}{scalar_args})",
    ])
    namespace = {"np": np, "over_blocks": over_blocks, "block_rows": block_rows,
                 "check": finite_or_raise, "inner": np.dot,
                 "per_sample_loss": per_sample, "residuals": per_sample_residuals,
                 "hypothesis": per_sample_hypothesis}
    exec(compile(code, f"<derivator kernel {name}>", "exec"), namespace)
    source = "\n\n".join([
        f"# Generated by derivator from the derivation of {name!r}; Xw is X @ {w}.",
        _renamed(inspect.getsource(per_sample), "per_sample_loss"),
        _renamed(inspect.getsource(per_sample_residuals), "residuals"),
        _renamed(inspect.getsource(per_sample_hypothesis), "hypothesis"),
        code.rstrip(),
        "# softplus(t) = log(1 + e^t), evaluated stably:",
        _renamed(inspect.getsource(NUMPY_FUNCTIONS["softplus"]), "softplus")])
    shapes = {str(p): (("D",) if p == w else ()) for p in model.params}
    namespace["penalty"] = sp.lambdify([*model.params, *hyper], list(penalties.values()),
                                       modules=[NUMPY_FUNCTIONS, "numpy"])
    namespace["penalty_text"] = {p: str(e) for p, e in penalties.items() if e != 0}
    namespace["hyper"] = {python_name(h): default_value(model, h) for h in hyper}
    return shapes, source, namespace


def _x_outside(summand, x):
    """(a x + b x) as (a + b) x: each term of the summand a multiple of the sample x."""
    terms = terms_of(summand)
    if len(terms) < 2 or not all(x in factors_of(t) for t in terms):
        return summand
    rest = [product(*[f for f in factors_of(t) if f != x]) for t in terms]
    return product(total(*rest), x)


def hyperparameters(model, cost):
    """The constants of a loss besides its parameters and data (λ of an L2 term, a focal
    γ, a temperature T), by name: the kernel takes them as keyword arguments."""
    known = set(model.params) | {model.sample_count, model.sample_index} | \
        {s.label for s in model.samples}
    return sorted((s for s in model.substitute_definitions(cost).free_symbols
                   if type(s) is sp.Symbol and s not in known), key=str)


def python_name(symbol):
    """The keyword a hyperparameter is given by: its name, `lam` for λ (a Python keyword)."""
    import keyword
    name = str(symbol)
    return "lam" if name == "lambda" else name + "_" if keyword.iskeyword(name) else name


def default_value(model, symbol):
    """A hyperparameter's default: the middle of the domain its file declares (1 if none)."""
    domain = model.domains.get(symbol)
    return 1.0 if domain is None else (float(domain.low) + float(domain.high)) / 2


def _sum_of(*terms):
    """The terms in the order given (accumulated sums first), zeros left out."""
    terms = [t for t in terms if t != 0]
    return terms[0] if len(terms) == 1 else sp.Add(*terms, evaluate=False)


def finite_or_raise(z, start):
    if not np.isfinite(z).all():
        row = start + int(np.flatnonzero(~np.isfinite(z))[0])
        raise ValueError(f"X @ w is not finite at row {row}: X contains NaN or inf "
                         f"(or values too large)")


def _renamed(source, name):
    """A generated or helper function's source under the name the kernel calls it by."""
    head, rest = source.split("(", 1)
    return f"def {name}(" + rest.rstrip()
