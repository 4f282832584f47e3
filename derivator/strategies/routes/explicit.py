"""Checking a route's steps: every line written out explicitly and compared at random points.

A line is turned into plain SymPy numbers-to-be: every definition put in, every sum and
product written out at a concrete size, every vector and matrix as its entries (wᵀx as
Σ_k w_k x_k, X as the n×m array of the samples' entries), every derivative taken. Two
lines agree when they give the same numbers (same shape too) at random points, at two
sizes whose matrices are not square. Labels are drawn from their own set ({0, 1} or
{-1, 1}), so a step that holds only for labels, such as P(y | x) = σ(y wᵀx), is checked
where it is meant.
"""
import random
from dataclasses import dataclass, field

import numpy as np
import sympy as sp
from sympy.core.function import AppliedUndef
from sympy.matrices.expressions.applyfunc import ElementwiseApplyFunction

from ...model.functions import inner, sigmoid
from ...verify.steps import Check

TOLERANCE = 1e-9


class NotExplicit(ValueError):
    """A line that cannot be written out (a shape that does not fit, an unknown size)."""


@dataclass(frozen=True)
class World:
    """What the names of a route mean.

    functions: {function class: Lambda} (L(y, p), b(t), P(w, b), ...);
    names: {Symbol: expr} for intermediates written as letters (z = wx + b), and
        {IndexedBase: Lambda of the indices} for their per-sample versions (z⁽ⁱ⁾);
    vectors: {Symbol or IndexedBase: size symbol}: w and a generic sample x as columns of
        entries w[k]; a sample base x as x[i] = (x[i, 1], ..., x[i, m]);
    matrices: {MatrixSymbol: (IndexedBase, layout)}: X from the samples' entries
        ("rows"), y or w from a vector's entries ("row" or "column");
    labels: {Symbol or IndexedBase: the values it takes};
    domains: {Symbol or IndexedBase: (low, high)} for the others (default -2..2);
    sizes: [{size symbol: int}], each a setting the lines are checked at.
    """

    functions: dict = field(default_factory=dict)
    names: dict = field(default_factory=dict)
    vectors: dict = field(default_factory=dict)
    matrices: dict = field(default_factory=dict)
    labels: dict = field(default_factory=dict)
    domains: dict = field(default_factory=dict)
    sizes: tuple = ()
    free: dict = field(default_factory=dict)    # free index -> its size: j in ∂L/∂w_j


class Writer:
    """explicit(expr) at one size: a SymPy scalar or an ImmutableMatrix."""

    def __init__(self, world, size):
        self.world, self.size = world, size

    def integer(self, e):
        value = self.explicit(e)
        if not (isinstance(value, sp.Basic) and value.is_Integer):
            raise NotExplicit(f"{e} is not a whole number at {self.size}")
        return int(value)

    def column(self, key, prefix=()):
        """A vector as its entries: w -> (w[1], ..., w[D]), x⁽ⁱ⁾ -> (x[i, 1], ...)."""
        n = self.integer(self.world.vectors[key])
        base = key if isinstance(key, sp.IndexedBase) else sp.IndexedBase(key.name)
        return sp.ImmutableMatrix(n, 1, [sp.Indexed(base, *prefix, k) for k in range(1, n + 1)])

    def explicit(self, e, keep=frozenset()):
        w = self.world
        if e in self.size:
            return sp.Integer(self.size[e])
        if isinstance(e, sp.MatrixSymbol):
            return self.explicit(w.names[e], keep) if e in w.names else self.matrix(e)
        if isinstance(e, sp.Symbol):
            if e in keep:
                return e
            if e in w.names:
                return self.explicit(w.names[e], keep)
            if e in w.vectors:
                return self.column(e)
            return e
        if isinstance(e, sp.Indexed):
            indices = [self.integer(i) if not i.is_Integer else int(i) for i in e.indices]
            if e.base in w.names:
                return self.explicit(w.names[e.base](*indices), keep)
            if e.base in w.vectors and len(indices) == 1:      # sample x⁽ⁱ⁾: a vector
                return self.column(e.base, tuple(indices))
            return sp.Indexed(e.base, *indices)
        if isinstance(e, sp.Derivative):
            (var, count), = e.variable_count
            if var in w.names and isinstance(var, sp.Symbol):      # ∂b/∂z: z kept, then put in
                inside = self.explicit(e.expr, keep | {var})
                return self.explicit_subs(sp.diff(inside, var, count), var, keep)
            inside = self.explicit(e.expr, keep)
            v = self.explicit(var, keep)
            if isinstance(v, sp.MatrixBase):
                if isinstance(inside, sp.MatrixBase):
                    raise NotExplicit("the derivative of a vector by a vector")
                return sp.ImmutableMatrix(*v.shape, [sp.diff(inside, c, count) for c in v])
            return _map(inside, lambda f: sp.diff(f, v, count))
        if isinstance(e, (sp.Sum, sp.Product)):
            terms = [e.function]
            for i, lo, hi in e.limits:
                terms = [t.xreplace({i: sp.Integer(k)}) for t in terms
                         for k in range(self.integer(lo), self.integer(hi) + 1)]
            values = [self.explicit(t, keep) for t in terms]
            out = values[0]
            for v in values[1:]:
                out = out + v if isinstance(e, sp.Sum) else out * v
            return out if values else sp.Integer(0 if isinstance(e, sp.Sum) else 1)
        if isinstance(e, AppliedUndef) and e.func in w.functions:
            return self.explicit(w.functions[e.func](*e.args), keep)
        if isinstance(e, inner):
            a, b = (self.explicit(x, keep) for x in e.args)
            return (a.T * b)[0, 0]
        if isinstance(e, sigmoid):
            return _map(self.explicit(e.args[0], keep), lambda t: 1 / (1 + sp.exp(-t)))
        if isinstance(e, ElementwiseApplyFunction):
            inside = self.explicit(e.expr, keep)
            return inside.applyfunc(lambda t: self.explicit(e.function(t), keep))
        if isinstance(e, sp.Piecewise):
            pieces = [(self.explicit(v, keep), self.explicit(c, keep)) for v, c in e.args]
            if isinstance(pieces[0][0], sp.MatrixBase):      # cases of vectors: entry by entry
                shape = pieces[0][0].shape
                if any(getattr(v, "shape", None) != shape for v, _ in pieces):
                    raise NotExplicit("cases of different shapes")
                return sp.ImmutableMatrix(*shape, [sp.Piecewise(*[(v[k], c) for v, c in pieces])
                                                   for k in range(shape[0] * shape[1])])
            return sp.Piecewise(*pieces)
        if isinstance(e, sp.MatrixExpr):
            return self.matrix(e, keep)
        if isinstance(e, (sp.Add, sp.Mul)):
            return self.combine(e, keep)
        if isinstance(e, sp.Pow):
            base, exp = self.explicit(e.base, keep), self.explicit(e.exp, keep)
            if isinstance(base, sp.MatrixBase) or isinstance(exp, sp.MatrixBase):
                raise NotExplicit(f"a power of a vector: {e}")
            return base ** exp
        if e.args and not isinstance(e, (sp.Tuple,)):
            args = [self.explicit(a, keep) for a in e.args]
            if any(isinstance(a, sp.MatrixBase) for a in args):
                if len(args) == 1:
                    return args[0].applyfunc(e.func)
                raise NotExplicit(f"{e.func} of a vector")
            return e.func(*args)
        return e

    def combine(self, e, keep):
        """A sum or product of written-out parts, with Python's + and * (so a matrix and
        a number, or two matrices that fit, combine as they should)."""
        parts = [self.explicit(a, keep) for a in e.args]
        out = parts[0]
        for part in parts[1:]:
            out = out + part if isinstance(e, (sp.Add, sp.MatAdd)) else out * part
        return out

    def explicit_subs(self, value, var, keep):
        return _map(value, lambda f: f.xreplace({var: self.explicit(var, keep)}))

    def matrix(self, e, keep=frozenset()):
        w = self.world
        if isinstance(e, sp.MatrixSymbol):
            if e not in w.matrices:
                raise NotExplicit(f"no entries known for the matrix {e}")
            base, layout = w.matrices[e]
            rows, cols = (self.integer(s) for s in e.shape)
            if layout == "rows":
                entries = [sp.Indexed(base, r, c) for r in range(1, rows + 1)
                           for c in range(1, cols + 1)]
            else:
                entries = [sp.Indexed(base, k) for k in range(1, rows * cols + 1)]
            return sp.ImmutableMatrix(rows, cols, entries)
        if isinstance(e, sp.OneMatrix):
            return sp.ones(*(self.integer(s) for s in e.shape))
        if isinstance(e, sp.ZeroMatrix):
            return sp.zeros(*(self.integer(s) for s in e.shape))
        if isinstance(e, sp.Transpose):
            return self.explicit(e.arg, keep).T
        if isinstance(e, (sp.MatAdd, sp.MatMul)):
            return self.combine(e, keep)
        raise NotExplicit(f"cannot write out {type(e).__name__}")


def _map(value, fn):
    return value.applyfunc(fn) if isinstance(value, sp.MatrixBase) else fn(value)


def _atoms(value):
    items = list(value) if isinstance(value, sp.MatrixBase) else [value]
    out = set()
    for v in items:
        out |= {a for a in v.free_symbols if not isinstance(a, sp.IndexedBase)}
        out |= v.atoms(sp.Indexed)
    return out - {a.base.label for a in out if isinstance(a, sp.Indexed)}


def _draw(atom, world, rng):
    key = atom.base if isinstance(atom, sp.Indexed) else atom
    label = str(getattr(key, "label", key))
    for name, values in world.labels.items():
        if str(getattr(name, "label", name)) == label:
            return sp.Integer(rng.choice(values))
    low, high = world.domains.get(key, (-2.0, 2.0))
    return sp.Float(rng.uniform(low, high), 30)


def numbers(value, point):
    """The numbers of an explicit line at a point: a float array (shape () for scalars)."""
    if isinstance(value, sp.MatrixBase):
        return np.array([[complex(v.xreplace(point).evalf(30)) for v in row]
                         for row in value.tolist()])
    return np.array(complex(value.xreplace(point).evalf(30)))


def _assignments(world, size, exprs):
    """Every value of the free indices the lines use (j = 1 … m), or none."""
    import itertools
    free = [k for k in world.free if any(e.has(k) for e in exprs)]
    ranges = [[(k, sp.Integer(v)) for v in range(1, size[world.free[k]] + 1)] for k in free]
    return [dict(c) for c in itertools.product(*ranges)]


class Line:
    """A line written out at one size (each line is compared twice: written out once)."""

    def __init__(self, value):
        self.value = value
        self.atoms = sorted(_atoms(value), key=str)

    def at(self, point):
        return numbers(self.value, point)


def agree(a, b, world, points=3, seed=0, written=None):
    """(method, detail): 'numeric' when a and b agree at random points at every size
    (and for every value of a free index, entry by entry). `written` caches the lines
    written out, since each line is compared twice (with the one before and after)."""
    rng = random.Random(seed)
    written = {} if written is None else written
    for size in world.sizes:
        writer = Writer(world, size)
        assignments = _assignments(world, size, (a, b))
        for at in assignments:
            try:
                lines = []
                for expr in (a, b):
                    key = (expr, tuple(size.items()), tuple(at.items()))
                    if key not in written:
                        written[key] = Line(writer.explicit(expr.xreplace(at)))
                    lines.append(written[key])
            except (NotExplicit, sp.ShapeError, TypeError, ValueError) as error:
                return "failed", f"cannot write out at {size}: {error}"
            atoms = sorted(set(lines[0].atoms) | set(lines[1].atoms), key=str)
            for _ in range(points if len(assignments) == 1 else 2):
                point = {atom: _draw(atom, world, rng) for atom in atoms}
                va, vb = lines[0].at(point), lines[1].at(point)
                where = f"{size}" + (f" at {at}" if at else "")
                if va.shape != vb.shape:
                    return "failed", f"shapes {va.shape} and {vb.shape} at {where}"
                if not np.allclose(va, vb, rtol=TOLERANCE, atol=TOLERANCE):
                    return "failed", f"{va} != {vb} at {where}"
    sizes = ", ".join(str(s) for s in world.sizes) or "one size"
    return "numeric", f"random points at each of {sizes}"


def verify_steps(steps, world, points=3, seed=0):
    """One Check per step: each line against the last line for the same quantity (or the
    quantity itself, written out from its definition, for the first)."""
    checks, previous, written = [], {}, {}
    for step in steps:
        before = previous.get(step.follows if step.follows is not None else step.lhs, step.lhs)
        method, detail = agree(step.expr, before, world, points, seed, written)
        checks.append(Check(step, method, detail))
        previous[step.lhs] = step.expr
    return checks
