"""Checking steps in index notation: every entry, numerically, at several sizes.

A step is evaluated for every value of its free indices (k, l) with random matrices that
are non-square where the shapes allow and never symmetric, and compared with the step
before it. A matrix-form step (2Xᵀ) is evaluated as a whole matrix.
"""
import itertools

import numpy as np
import sympy as sp

from ..model.functions import entry
from .steps import Check

TOLERANCE = 1e-9
MAX_TERMS = 64            # a written-out sum over a_1..a_k is checked up to this many terms


def _environment(problem, n, rng):
    """The n-th setting: each size at its n-th check value (its last if it has fewer),
    random matrices; a vector declared with sum = 1 (one-hot labels, probabilities) is
    drawn positive and normalised, a matrix so row by row."""
    sizes = {s: int(problem.names[name].check[min(n, len(problem.names[name].check) - 1)])
             for name, s in problem.sizes().items()}
    arrays, matrices = {}, problem.matrices()
    for name, m in matrices.items():
        shape = tuple(int(d.xreplace(sizes)) for d in m.shape)
        arrays[name] = rng.normal(size=shape)
        if problem.data["names"][name].get("sum") == 1:
            # a vector (a K×1 column) sums to one; a matrix of labels (a row per sample)
            # row by row. Normalising a column's rows made every entry 1 (Σ_k y_k = K).
            axis = 0 if len(shape) == 1 or shape[-1] == 1 else -1
            arrays[name] = np.abs(arrays[name]) / np.abs(arrays[name]).sum(axis, keepdims=True)
        if problem.data["names"][name].get("spd") and shape[0] == shape[-1]:
            arrays[name] = arrays[name] @ arrays[name].T + shape[0] * np.eye(shape[0])
    for name, symbol in problem.scalars().items():      # λ, c: within their domain
        low, high = problem.data["names"][name].get("domain", [0.5, 2.0])
        sizes[symbol] = float(rng.uniform(low, high))
    return sizes, arrays


def _numeric(expr, sizes, arrays, matrices):
    """A number (or array) for an expression without free indices."""
    expr = expr.xreplace(sizes)
    concrete = {sp.MatrixSymbol(n, *[int(d.xreplace(sizes)) for d in m.shape]):
                sp.ImmutableMatrix(arrays[n]) for n, m in matrices.items()}
    expr = expr.replace(lambda e: isinstance(e, entry), lambda e: e.as_element())
    expr = expr.xreplace({m.xreplace(sizes): m.xreplace(sizes) for m in matrices.values()})
    value = expr.doit()
    value = value.xreplace({sp.IndexedBase(n)[idx]: sp.Float(arrays[n][_position(idx)])
                            for n in arrays for idx in _indices_of(value, n)})
    value = value.xreplace(concrete).doit()
    if isinstance(value, sp.MatrixExpr):
        value = value.as_explicit()
    if isinstance(value, sp.MatrixBase):
        return np.array(value.tolist(), dtype=float)
    return float(value)


class _Unsupported(Exception):
    """A node the fast evaluator does not know: SymPy evaluates that step instead."""


_FUNCTIONS = {sp.exp: np.exp, sp.log: np.log, sp.tanh: np.tanh,
              sp.sin: np.sin, sp.cos: np.cos, sp.tan: np.tan,
              sp.Heaviside: lambda t: float(t > 0)}


def _fast(expr, env, arrays):
    """A number for a scalar expression in index notation, by walking its tree with the
    indices and sizes in `env` and the entries in `arrays`: sums are loops, so a step
    costs microseconds per term instead of SymPy's symbolic summation."""
    if expr.is_Number:
        return float(expr)
    if isinstance(expr, sp.Symbol):
        if expr not in env:
            raise _Unsupported(expr)
        return env[expr]
    if isinstance(expr, sp.Indexed):
        name = str(expr.base.label)
        if name not in arrays:
            raise _Unsupported(expr)
        idx = tuple(int(_fast(i, env, arrays)) for i in expr.indices)
        if any(i < 1 for i in idx):
            raise IndexError(f"{expr} at {idx}")
        return float(arrays[name][_position(idx)])
    if isinstance(expr, sp.Add):
        return sum(_fast(a, env, arrays) for a in expr.args)
    if isinstance(expr, sp.Mul):
        out = 1.0
        for a in expr.args:
            out *= _fast(a, env, arrays)
        return out
    if isinstance(expr, sp.Pow):
        return _fast(expr.base, env, arrays) ** _fast(expr.exp, env, arrays)
    if isinstance(expr, sp.KroneckerDelta):
        a, b = (_fast(x, env, arrays) for x in expr.args)
        return 1.0 if a == b else 0.0
    if isinstance(expr, sp.Sum):
        return _fast_sum(expr.function, list(expr.limits), env, arrays)
    if hasattr(expr, "numeric"):                    # det X, (X⁻¹)_ij
        return expr.numeric(lambda e: _fast(e, env, arrays), arrays)
    if isinstance(expr, sp.Function) and len(expr.args) == 1:
        from ..model.functions import NAMED
        if isinstance(expr, NAMED):
            return _fast(expr.definition(expr.args[0]), env, arrays)
        fn = _FUNCTIONS.get(expr.func)
        if fn is not None:
            return float(fn(_fast(expr.args[0], env, arrays)))
    raise _Unsupported(type(expr).__name__)


def _fast_sum(body, limits, env, arrays):
    if not limits:
        return _fast(body, env, arrays)
    (i, lo, hi), rest = limits[0], limits[1:]
    low, high = int(_fast(lo, env, arrays)), int(_fast(hi, env, arrays))
    total_ = 0.0
    for v in range(low, high + 1):
        total_ += _fast_sum(body, rest, {**env, i: v}, arrays)
    return total_


def _derivatives_done(expr):
    """∂/∂X_kl written out by SymPy (Kronecker deltas appear; the sums stay sums)."""
    from ..model.functions import Det, InverseEntry, diff_through_matrix_functions

    def done(e):
        if e.expr.has(Det, InverseEntry) and len(e.variables) == 1:
            return diff_through_matrix_functions(e.expr, e.variables[0])
        return e.doit()
    return expr.replace(lambda e: isinstance(e, sp.Derivative), done)


def _position(idx):
    """Numpy position of a 1-based entry; vectors are stored as D×1 columns."""
    return tuple(int(i) - 1 for i in idx) if len(idx) > 1 else (int(idx[0]) - 1, 0)


def _indices_of(expr, name):
    return {a.indices for a in expr.atoms(sp.Indexed) if str(a.base.label) == name}


def _matrix_value(expr, sizes, arrays):
    """A matrix expression (Xᵀ, BXA, σ(Wx)) at the arrays, with numpy."""
    from .steps import _evaluate_raw
    expr = expr.xreplace(sizes)
    values = {m: arrays[m.name] for m in expr.atoms(sp.MatrixSymbol) if m.name in arrays}
    return np.asarray(_evaluate_raw(expr, values), dtype=float)


def _entries_as_arrays(expr, sizes, arrays):
    """entry(M, k, l) as a lookup into M computed once with numpy: (expr, arrays)."""
    found = sorted(expr.atoms(entry), key=str)
    if not found:
        return expr, arrays
    arrays = dict(arrays)
    mapping = {}
    for n, e in enumerate(found):
        matrix, *idx = e.args
        name = f"entry{n}_"
        value = _matrix_value(matrix, sizes, arrays)
        arrays[name] = value.reshape(value.shape[0], -1) if value.ndim else value.reshape(1, 1)
        mapping[e] = sp.IndexedBase(name)[tuple(idx)]
    return expr.xreplace(mapping), arrays


def evaluate(expr, problem, head, index_form, free, sizes, arrays, exact=False):
    """The step's value: an array over the free indices, or the matrix itself. Not
    `exact`: every entry at once over arrays where the line allows (verify/arrays.py);
    `exact`: entry by entry, SymPy doing the derivatives, as a disagreement is confirmed."""
    matrices = problem.matrices()
    expr = expr.xreplace({head: index_form})
    if isinstance(expr, sp.MatrixExpr) and not expr.has(sp.Sum, sp.Derivative):
        try:
            value = _matrix_value(expr, sizes, arrays)
            return np.atleast_1d(np.squeeze(value))
        except (TypeError, ValueError, NameError, KeyError, AttributeError):
            pass                     # something numpy cannot take: SymPy below
    if not exact and not isinstance(expr, sp.MatrixExpr):
        value = _at_once(expr, problem, index_form, free, sizes, arrays)
        if value is not None:
            return value
    if isinstance(expr, sp.MatrixExpr) or not (expr.atoms(sp.Symbol) & set(free)):
        if not isinstance(expr, sp.MatrixExpr) and not expr.has(entry):
            try:                  # a number in index notation (det X, aᵀX⁻¹b): walked
                return np.atleast_1d(_fast(_derivatives_done(expr), dict(sizes), arrays))
            except _Unsupported:
                pass
        value = _numeric(expr, sizes, arrays, matrices)
        return np.atleast_1d(np.squeeze(np.asarray(value, dtype=float)))
    try:
        expr, arrays = _entries_as_arrays(expr, sizes, arrays)
    except (TypeError, ValueError, NameError, KeyError, AttributeError):
        pass
    ranges = [range(1, _range_of(problem, index_form, i, sizes) + 1) for i in free]
    out = np.empty([len(r) for r in ranges])
    fast = not expr.has(entry)
    if fast:
        expr = _derivatives_done(expr)
        env = dict(sizes)
    for point in itertools.product(*ranges):
        if fast:
            try:
                out[tuple(p - 1 for p in point)] = _fast(expr, {**env, **dict(zip(free, point))},
                                                         arrays)
                continue
            except _Unsupported:
                fast = False
        out[tuple(p - 1 for p in point)] = _numeric(
            expr.xreplace(dict(zip(free, map(sp.Integer, point)))), sizes, arrays, matrices)
    return np.squeeze(out) if out.ndim > 1 else out


def _at_once(expr, problem, index_form, free, sizes, arrays):
    """Every entry of a line in index notation at once (None where the arrays cannot
    take it): the same array as the loop over entries below gives."""
    from .arrays import Evaluator, Unsupported
    if expr.has(entry) and expr.has(sp.Derivative):   # an entry made a number loses what
        return None                                     # it depends on: never at once
    try:
        expr, arrays = _entries_as_arrays(expr, sizes, arrays)
        tables = {}
        for name, a in arrays.items():
            a = np.asarray(a, dtype=float)
            tables[(name, a.ndim)] = a[None]
            if a.ndim == 2:               # one index into a matrix reads its first column
                tables[(name, 1)] = a[None, :, 0]          # as _position does
        ranges = {i: _range_of(problem, index_form, i, sizes) for i in free}
        out = np.array(Evaluator(tables, sizes, ranges).values(expr)[0], dtype=float)
    except (Unsupported, TypeError, ValueError, NameError, KeyError, AttributeError,
            IndexError, ZeroDivisionError, OverflowError):
        return None
    return np.atleast_1d(out) if not free else np.squeeze(out) if out.ndim > 1 else out


def _range_of(problem, index_form, index, sizes):
    """How far a free index runs: the size of the dimension of the entry ∂f/∂X_kl it
    names (k: X's rows, l: X's columns), or, for an output index of a vector-valued f,
    of the dimension it indexes in f. Never read off a step: there an index may appear
    only in Kronecker deltas."""
    spec = problem.data["derive"]
    entry = [problem.indices()[e] for e in spec["entry"]]
    if index in entry:
        dim = problem.names[spec["wrt"]].shape[entry.index(index)]
        return int(problem.sizes()[dim].xreplace(sizes))
    for a in index_form.atoms(sp.Indexed):
        if index in a.indices:
            shape = problem.names[str(a.base.label)].shape
            dim = shape[a.indices.index(index)]
            return int(problem.sizes()[dim].xreplace(sizes))
    return int(next(iter(sizes.values())))


def _compare_scalar(a, b):
    from ..model.functions import expand_named_functions
    from .steps import compare
    return compare(expand_named_functions(a).doit(), expand_named_functions(b).doit(), None)


def verify_index_derivation(derivation, points=2, seed=0):
    details = derivation.details
    engine_info = details["index_info"]
    problem, head, index_form, free = engine_info
    rng = np.random.default_rng(seed)
    checks, previous = [], {}
    sizes_to_check = [int(v) for v in problem.names[next(iter(problem.sizes()))].check] \
        if problem.sizes() else [2]
    settings = max((len(problem.names[n].check) for n in problem.sizes()), default=1)
    envs = [_environment(problem, n, rng) for n in range(settings)
            for _ in range(points if not details.get("powers") else 1)]
    instantiate = details.get("instantiate")
    powers = details.get("powers") or [None]   # k = 1..6 for tr(X^k)

    def prepared(expr, power):
        expr = expr.xreplace({head: index_form})
        return expr if power is None else instantiate(expr, power)

    values = {}

    output = details.get("output", [])

    def value(expr, env, power, lhs, exact=False):   # each line is compared twice: once
        # lines about f itself run over f's output index only; lines about ∂f/∂X_kl over
        # the output index and the entry's (k, l)
        indices = tuple(output) if lhs == head else tuple(free)
        key = (expr, env, power, indices, exact)
        if key not in values:
            sizes, arrays = envs[env]
            values[key] = evaluate(prepared(expr, power), problem, head, index_form,
                                   list(indices), sizes, arrays, exact)
        return values[key]

    def agree(a, b):
        return a.shape == b.shape and np.allclose(a, b, rtol=TOLERANCE, atol=TOLERANCE)

    def affordable(env, power):
        """tr(X^k) written out has D^k terms: k up to 6 at D = 2, fewer at larger D."""
        size = max(int(v) for v in envs[env][0].values())
        return power is None or size ** power <= MAX_TERMS

    for step in derivation.steps:
        key = step.follows if step.follows is not None else step.lhs
        before = previous.get(key, step.lhs)
        if step.section == "lemma":           # σ' on the side: a function of one number
            checks.append(Check(step, *_compare_scalar(step.expr, before)))
            previous[step.lhs] = step.expr
            continue
        method, detail = "numeric", f"every entry, sizes {sizes_to_check}"
        if powers != [None]:
            detail += f", k = {powers[0]}..{powers[-1]} while D^k <= {MAX_TERMS}"
        try:
            for env, power in itertools.product(range(len(envs)), powers):
                if not affordable(env, power):
                    continue
                a, b = value(step.expr, env, power, key), value(before, env, power, key)
                if not agree(a, b):     # all entries at once disagree: decided entry by entry
                    a = value(step.expr, env, power, key, exact=True)
                    b = value(before, env, power, key, exact=True)
                if not agree(a, b):
                    method, detail = "failed", f"{a} != {b} at sizes {envs[env][0]}, k = {power}"
                    break
        except (ValueError, TypeError, IndexError) as error:
            method, detail = "failed", f"cannot evaluate: {error}"
        checks.append(Check(step, method, detail))
        previous[step.lhs] = step.expr
    return checks
