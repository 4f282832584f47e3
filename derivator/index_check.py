"""Checking steps in index notation: every entry, numerically, at several sizes.

A step is evaluated for every value of its free indices (k, l) with random matrices that
are non-square where the shapes allow and never symmetric, and compared with the step
before it. A matrix-form step (2Xᵀ) is evaluated as a whole matrix.
"""
import itertools

import numpy as np
import sympy as sp

from .functions import entry
from .verify import Check

TOLERANCE = 1e-9
MAX_TERMS = 64            # a written-out sum over a_1..a_k is checked up to this many terms


def _environment(problem, size, rng):
    sizes = {s: size + k for k, s in enumerate(problem.sizes().values())}
    arrays, matrices = {}, problem.matrices()
    for name, m in matrices.items():
        shape = tuple(int(d.xreplace(sizes)) for d in m.shape)
        arrays[name] = rng.normal(size=shape)
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


def _position(idx):
    """Numpy position of a 1-based entry; vectors are stored as D×1 columns."""
    return tuple(int(i) - 1 for i in idx) if len(idx) > 1 else (int(idx[0]) - 1, 0)


def _indices_of(expr, name):
    return {a.indices for a in expr.atoms(sp.Indexed) if str(a.base.label) == name}


def evaluate(expr, problem, head, index_form, free, sizes, arrays):
    """The step's value: an array over the free indices, or the matrix itself."""
    matrices = problem.matrices()
    expr = expr.xreplace({head: index_form})
    if isinstance(expr, sp.MatrixExpr) or not (expr.atoms(sp.Symbol) & set(free)):
        value = _numeric(expr, sizes, arrays, matrices)
        return np.atleast_1d(np.squeeze(np.asarray(value, dtype=float)))
    ranges = [range(1, _range_of(problem, expr, i, sizes) + 1) for i in free]
    out = np.empty([len(r) for r in ranges])
    for point in itertools.product(*ranges):
        out[tuple(p - 1 for p in point)] = _numeric(
            expr.xreplace(dict(zip(free, map(sp.Integer, point)))), sizes, arrays, matrices)
    return np.squeeze(out) if out.ndim > 1 else out


def _range_of(problem, expr, index, sizes):
    """How far a free index runs: the size of the dimension it indexes."""
    for a in expr.atoms(sp.Indexed):
        if index in a.indices:
            shape = problem.names[str(a.base.label)].shape
            dim = shape[a.indices.index(index)]
            return int(problem.sizes()[dim].xreplace(sizes))
    return int(next(iter(sizes.values())))


def verify_index_derivation(derivation, points=2, seed=0):
    engine_info = derivation.index_info
    problem, head, index_form, free = engine_info
    rng = np.random.default_rng(seed)
    checks, previous = [], {}
    sizes_to_check = [int(v) for v in problem.names[next(iter(problem.sizes()))].check] \
        if problem.sizes() else [2]
    envs = [_environment(problem, size, rng) for size in sizes_to_check
            for _ in range(points if not getattr(derivation, "powers", None) else 1)]
    instantiate = getattr(derivation, "instantiate", None)
    powers = getattr(derivation, "powers", None) or [None]   # k = 1..6 for tr(X^k)

    def prepared(expr, power):
        expr = expr.xreplace({head: index_form})
        return expr if power is None else instantiate(expr, power)

    values = {}

    def value(expr, env, power):        # each line is compared twice: evaluate it once
        key = (expr, env, power)
        if key not in values:
            sizes, arrays = envs[env]
            values[key] = evaluate(prepared(expr, power), problem, head, index_form, free,
                                   sizes, arrays)
        return values[key]

    def affordable(env, power):
        """tr(X^k) written out has D^k terms: k up to 6 at D = 2, fewer at larger D."""
        size = max(int(v) for v in envs[env][0].values())
        return power is None or size ** power <= MAX_TERMS

    for step in derivation.steps:
        key = step.follows if step.follows is not None else step.lhs
        before = previous.get(key, step.lhs)
        method, detail = "numeric", f"every entry, sizes {sizes_to_check}"
        if powers != [None]:
            detail += f", k = {powers[0]}..{powers[-1]} while D^k <= {MAX_TERMS}"
        try:
            for env, power in itertools.product(range(len(envs)), powers):
                if not affordable(env, power):
                    continue
                a, b = value(step.expr, env, power), value(before, env, power)
                if a.shape != b.shape or not np.allclose(a, b, rtol=TOLERANCE, atol=TOLERANCE):
                    method, detail = "failed", f"{a} != {b} at sizes {envs[env][0]}, k = {power}"
                    break
        except (ValueError, TypeError, IndexError) as error:
            method, detail = "failed", f"cannot evaluate: {error}"
        checks.append(Check(step, method, detail))
        previous[step.lhs] = step.expr
    return checks
