"""Index expressions evaluated over whole arrays: at every random point and every value of
the free indices at once.

A value is a NumPy array whose first axis runs over the random points and whose other axes
are named (the free indices d, m of ∂L/∂w_{1,d,m}; a sum's own index while its body is
evaluated). Sums are reductions along their axis, Kronecker deltas comparisons of index
arrays, x[i, c] a lookup with index arrays, and ∂f/∂v the chain rule carried along with the
values (forward mode), so SymPy neither differentiates nor sums: a line costs one pass over
its tree, each distinct subexpression once, instead of one symbolic expansion per entry.

Anything outside this small language raises `Unsupported`, and the caller checks that line
as before: this module only ever makes a check faster, never decides one differently.
"""
import numpy as np
import sympy as sp


class Unsupported(Exception):
    """A node, a limit or an index these arrays cannot take."""


_FUNCTIONS = {sp.exp: np.exp, sp.log: np.log, sp.tanh: np.tanh, sp.sinh: np.sinh,
              sp.cosh: np.cosh, sp.sin: np.sin, sp.cos: np.cos, sp.tan: np.tan,
              sp.atan: np.arctan, sp.Abs: np.abs, sp.sign: np.sign}

# f'(u) from u and f(u), for the chain rule; sign and Heaviside are flat almost everywhere
_SLOPES = {sp.exp: lambda u, f: f, sp.log: lambda u, f: 1 / u,
           sp.tanh: lambda u, f: 1 - f * f, sp.sinh: lambda u, f: np.cosh(u),
           sp.cosh: lambda u, f: np.sinh(u), sp.sin: lambda u, f: np.cos(u),
           sp.cos: lambda u, f: -np.sin(u), sp.tan: lambda u, f: 1 + f * f,
           sp.atan: lambda u, f: 1 / (1 + u * u)}


class _Value:
    """An array with axis 0 over the points (or of length 1) and one axis per name."""
    __slots__ = ("array", "axes")

    def __init__(self, array, axes=()):
        self.array, self.axes = array, tuple(axes)


def _aligned(values):
    """The arrays of `values` over one common tuple of axes, ready to broadcast."""
    axes = []
    for v in values:
        axes.extend(a for a in v.axes if a not in axes)
    out = []
    for v in values:
        order = [v.axes.index(a) + 1 for a in axes if a in v.axes]
        array = np.transpose(v.array, [0] + order) if order != sorted(order) else v.array
        shape = [array.shape[0]] + [v.array.shape[v.axes.index(a) + 1] if a in v.axes else 1
                                    for a in axes]
        out.append(array.reshape(shape))
    return out, tuple(axes)


def _combined(values, operation):
    arrays, axes = _aligned(values)
    out = arrays[0]
    for a in arrays[1:]:
        out = operation(out, a)
    return _Value(out, axes)


class Evaluator:
    """Evaluates expressions with `tables[(name, rank)]` (shape: points × the entries),
    `scalars[symbol]` (a number or one per point) and `free[symbol]` (its size: an axis)."""

    def __init__(self, tables, scalars, free, dtype=float):
        self.tables, self.scalars, self.dtype = tables, scalars, dtype
        self.free = dict(free)
        self.env = {s: _Value(np.arange(1, n + 1).reshape(1, n), (s,)) for s, n in free.items()}
        self.memo, self.slopes, self.scopes, self.variables = {}, {}, {}, {}

    def values(self, expr):
        """expr at every point and entry: shape (points or 1, *sizes of the free indices)."""
        with np.errstate(all="ignore"):
            v = self._eval(expr, self.env)
        grid = _Value(np.zeros((1, *self.free.values()), dtype=int), tuple(self.free))
        (_, array), axes = _aligned([grid, v])
        if axes != tuple(self.free):
            raise Unsupported("an index left over")
        return np.broadcast_to(array, (array.shape[0], *self.free.values()))

    # values

    def _eval(self, expr, env):
        key = (expr, id(env))
        if key not in self.memo:
            self.memo[key] = (self._node(expr, env), env)   # env kept alive: its id stays its own
        return self.memo[key][0]

    def _number(self, x):
        return _Value(np.array([x], dtype=self.dtype))

    def _node(self, expr, env):
        if expr.is_Integer and abs(int(expr)) < 2 ** 53:     # an index stays an integer
            return _Value(np.array([int(expr)]))
        if expr.is_Number or expr.is_NumberSymbol:
            return self._number(complex(expr) if self.dtype is complex else float(expr))
        if expr is sp.I and self.dtype is complex:
            return self._number(1j)
        if isinstance(expr, sp.Symbol):
            if expr in env:
                return env[expr]
            if expr in self.scalars:
                return _Value(np.atleast_1d(np.asarray(self.scalars[expr])))
            raise Unsupported(f"the symbol {expr}")
        if isinstance(expr, sp.Indexed):
            return self._lookup(expr, env)
        if isinstance(expr, sp.Add):
            return _combined([self._eval(a, env) for a in expr.args], np.add)
        if isinstance(expr, sp.Mul):
            return _combined([self._eval(a, env) for a in expr.args], np.multiply)
        if isinstance(expr, sp.Pow):
            return self._power(self._eval(expr.base, env), self._eval(expr.exp, env), expr.exp)
        if isinstance(expr, sp.KroneckerDelta):
            (a, b), axes = _aligned([self._eval(x, env) for x in expr.args])
            return _Value((a == b).astype(self.dtype), axes)
        if isinstance(expr, sp.Sum):
            inner, axes = self._scope(expr, env)
            return self._reduced(self._eval(expr.function, inner), axes)
        if isinstance(expr, sp.Derivative):
            if len(expr.variable_count) != 1 or expr.variable_count[0][1] != 1:
                raise Unsupported("a derivative of higher order")
            key = (expr.variables[0], id(env))
            if key not in self.variables:
                self.variables[key] = (self._variable(expr.variables[0], env), env)
            slope = self._slope(expr.expr, env, self.variables[key][0])
            return slope if slope is not None else self._number(0)
        if isinstance(expr, sp.Heaviside):       # H(0) = 0, as the walker it replaces had it
            v = self._eval(expr.args[0], env)
            return _Value((v.array.real > 0).astype(self.dtype), v.axes)
        if isinstance(expr, (sp.Max, sp.Min)):
            pick = np.maximum if isinstance(expr, sp.Max) else np.minimum
            return _combined([self._real(self._eval(a, env)) for a in expr.args], pick)
        if isinstance(expr, sp.Function) and len(expr.args) == 1:
            from ..model.functions import NAMED
            if isinstance(expr, NAMED):
                return self._eval(expr.definition(expr.args[0]), env)
            fn = _FUNCTIONS.get(expr.func)
            if fn is not None:
                v = self._eval(expr.args[0], env)
                if expr.func in (sp.Abs, sp.sign):
                    v = self._real(v)
                return _Value(fn(v.array.astype(self.dtype)), v.axes)
        raise Unsupported(type(expr).__name__)

    def _real(self, v):
        if np.iscomplexobj(v.array) and np.any(v.array.imag != 0):
            raise Unsupported("a complex value where a real one is needed")
        return _Value(v.array.real, v.axes)

    def _power(self, base, exp, exp_expr):
        (b, e), axes = _aligned([base, exp])
        b = b.astype(self.dtype)
        if exp_expr.is_Integer and int(exp_expr) < 0:
            return _Value(1 / np.power(b, -int(exp_expr)), axes)
        return _Value(np.power(b, int(exp_expr) if exp_expr.is_Integer else e), axes)

    def _integer(self, expr, env):
        """A sum's limit: one integer, the same at every point and entry."""
        v = self._eval(expr, env)
        values = np.unique(v.array)
        if v.axes or len(values) != 1 or values[0] != int(values[0].real):
            raise Unsupported(f"the limit {expr}")
        return int(values[0].real)

    def _scope(self, s, env):
        """The names inside the sum s (its indices bound, each an axis of its own, so an
        inner Σ_i shadows an outer one), and those axes with their lengths. SymPy lists
        the limits from the inside out: the last is bound first."""
        key = (s, id(env))
        if key not in self.scopes:
            inner, axes = env, []
            for i, low, high in reversed(s.limits):
                low, high = self._integer(low, inner), self._integer(high, inner)
                count = max(0, high - low + 1)      # an empty sum is 0, as when written out
                axis = object()
                inner = {**inner, i: _Value(np.arange(low, high + 1).reshape(1, count), (axis,))}
                axes.append((axis, count))
            self.scopes[key] = (inner, axes, env)
        return self.scopes[key][:2]

    @staticmethod
    def _reduced(v, axes):
        for axis, count in axes:
            if axis in v.axes:
                k = v.axes.index(axis)
                v = _Value(v.array.sum(axis=k + 1), v.axes[:k] + v.axes[k + 1:])
            else:
                v = _Value(v.array * count, v.axes)
        return v

    def _lookup(self, expr, env):
        name, rank = str(expr.base.label), len(expr.indices)
        table = self.tables.get((name, rank))
        if table is None:
            raise Unsupported(f"no values for {expr}")
        indices, axes = self._indices(expr.indices, env)
        for i, size in zip(indices, table.shape[1:]):
            if i.size and (i.min() < 1 or i.max() > size):
                raise Unsupported(f"{expr} outside its array")
        picked = table[(slice(None),) + tuple(i - 1 for i in np.broadcast_arrays(*indices))]
        return _Value(picked, axes)

    def _indices(self, indices, env):
        arrays, axes = _aligned([self._eval(i, env) for i in indices])
        if any(a.shape[0] != 1 or a.dtype.kind not in "iu" for a in arrays):
            raise Unsupported(f"the indices {indices}")
        return [a[0] for a in arrays], axes

    # derivatives: the chain rule over the same arrays

    def _variable(self, v, env):
        """What ∂/∂v differentiates by: a symbol, or an array's entry with its indices read
        where the derivative stands (not inside the sums of what it differentiates)."""
        if isinstance(v, sp.Symbol) and v not in env:
            return ("symbol", v)
        if isinstance(v, sp.Indexed):
            return ("entry", str(v.base.label), len(v.indices),
                    tuple(self._eval(i, env) for i in v.indices))
        raise Unsupported(f"a derivative by {v}")

    def _slope(self, expr, env, var):
        """∂expr/∂var as a value, None where it is zero."""
        key = (expr, id(env), id(var))
        if key not in self.slopes:
            self.slopes[key] = (self._d(expr, env, var), env, var)
        return self.slopes[key][0]

    def _d(self, expr, env, var):
        if expr.is_Number or expr.is_NumberSymbol or isinstance(expr, sp.KroneckerDelta):
            return None
        if isinstance(expr, sp.Symbol):
            return self._number(1) if var[0] == "symbol" and expr == var[1] \
                and expr not in env else None
        if isinstance(expr, sp.Indexed):
            if var[0] != "entry" or str(expr.base.label) != var[1]:
                return None
            if len(expr.indices) != var[2]:
                raise Unsupported(f"∂{expr} by an entry with another number of indices")
            deltas = []
            for i, j in zip(expr.indices, var[3]):
                (a, b), axes = _aligned([self._eval(i, env), j])
                deltas.append(_Value((a == b).astype(self.dtype), axes))
            return _combined(deltas, np.multiply)
        if isinstance(expr, sp.Add):
            slopes = [s for s in (self._slope(a, env, var) for a in expr.args) if s is not None]
            return _combined(slopes, np.add) if slopes else None
        if isinstance(expr, sp.Mul):
            terms = []
            for k, a in enumerate(expr.args):
                s = self._slope(a, env, var)
                if s is not None:
                    terms.append(_combined([s] + [self._eval(b, env) for j, b in
                                                  enumerate(expr.args) if j != k], np.multiply))
            return _combined(terms, np.add) if terms else None
        if isinstance(expr, sp.Pow):
            return self._power_slope(expr, env, var)
        if isinstance(expr, sp.Sum):
            inner, axes = self._scope(expr, env)
            s = self._slope(expr.function, inner, var)
            return self._reduced(s, axes) if s is not None else None
        if isinstance(expr, (sp.Heaviside, sp.sign)):
            return None
        if isinstance(expr, sp.Function) and len(expr.args) == 1:
            from ..model.functions import NAMED
            if isinstance(expr, NAMED):
                return self._slope(expr.definition(expr.args[0]), env, var)
            inside = self._slope(expr.args[0], env, var)
            if inside is None:
                return None
            u, f = self._eval(expr.args[0], env), self._eval(expr, env)
            if expr.func is sp.Abs:
                u = self._real(u)
                slope = _Value(np.sign(u.array).astype(self.dtype), u.axes)
            elif expr.func in _SLOPES:
                (ua, fa), axes = _aligned([u, f])
                slope = _Value(_SLOPES[expr.func](ua.astype(self.dtype), fa), axes)
            else:
                raise Unsupported(f"the derivative of {expr.func}")
            return _combined([slope, inside], np.multiply)
        raise Unsupported(f"the derivative of {type(expr).__name__}")

    def _power_slope(self, expr, env, var):
        """(bᵉ)' = e bᵉ⁻¹ b' + bᵉ ln(b) e'."""
        tb, te = self._slope(expr.base, env, var), self._slope(expr.exp, env, var)
        if tb is None and te is None:
            return None
        b, e = self._eval(expr.base, env), self._eval(expr.exp, env)
        terms = []
        if tb is not None:
            if expr.exp.is_Integer:
                lower = self._power(b, e, expr.exp - 1)
            else:
                (ba, ea), axes = _aligned([b, e])
                lower = _Value(np.power(ba.astype(self.dtype), ea - 1), axes)
            terms.append(_combined([e, lower, tb], np.multiply))
        if te is not None:
            (ba, fa), axes = _aligned([b, self._eval(expr, env)])
            terms.append(_combined([_Value(fa * np.log(ba.astype(self.dtype)), axes), te],
                                   np.multiply))
        return _combined(terms, np.add)


def index_ranges(exprs, sizes, free):
    """What arrays a line needs: for each (name, rank) the largest entry used at each
    position; and the symbols used as numbers. An index symbol that no sum binds and that
    is not free (the b of ∂h_b/∂w, a side derivation's own index) is given a value of its
    own beyond every array's range, so its entries are numbers of their own and its
    Kronecker deltas with the other indices 0, as for the symbol it is."""
    tables, numbers, loose, seen = {}, set(), set(), set()

    def largest(i, ranges):
        if i.is_Integer:
            return int(i)
        if i in ranges:
            return ranges[i]
        if isinstance(i, sp.Symbol):
            loose.add(i)
            return None
        raise Unsupported(f"the index {i}")

    def walk(e, ranges):
        key = (e, id(ranges))
        if key in seen:
            return
        seen.add(key)
        keep.append(ranges)
        if isinstance(e, sp.Sum):
            inner = dict(ranges)
            for i, low, high in reversed(e.limits):
                walk(low, inner)
                walk(high, inner)
                high = high.xreplace(known)
                if not high.is_Integer:
                    raise Unsupported(f"the limit {high}")
                inner[i] = int(high)
            walk(e.function, inner)
        elif isinstance(e, sp.Indexed):
            top = [largest(i, ranges) for i in e.indices]
            key = (str(e.base.label), len(top))
            old = tables.get(key, (e.base, [0] * len(top)))[1]
            tables[key] = (e.base, [None if a is None or b is None else max(a, b)
                                    for a, b in zip(old, top)])
        elif isinstance(e, sp.KroneckerDelta):
            for a in e.args:
                largest(a, ranges) if isinstance(a, sp.Symbol) else walk(a, ranges)
        elif isinstance(e, sp.Symbol):
            if e not in ranges:
                numbers.add(e)
        else:
            for a in e.args:
                walk(a, ranges)

    known = {s: sp.Integer(n) for s, n in sizes.items()}
    keep, top = [], {**free}
    for e in exprs:
        walk(e, top)
    if loose & numbers:
        raise Unsupported(f"{sorted(loose & numbers, key=str)} used as an index and a number")
    beyond = max([*sizes.values(), *free.values(), 0]) + 1
    extra = {s: beyond + k for k, s in enumerate(sorted(loose - set(free), key=str))}
    widest = max(extra.values(), default=0)
    shapes = {key: (base, [widest if n is None else max(n, 1) for n in shape])
              for key, (base, shape) in tables.items()}
    return shapes, extra, numbers - set(sizes)
