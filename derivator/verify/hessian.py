"""Checking second-order steps by numbers: every line evaluated with real vectors and matrices
of random non-square sizes, each ∂/∂qᵀ evaluated by central differences of what it
differentiates. A line is compared with the one before it; the first line of a block with
∂²L/∂p∂qᵀ itself (central differences of central differences of the loss), and the Newton
step with w - H⁻¹∇L computed from the differences of the derived gradient."""
import numpy as np
import sympy as sp

from ..model.functions import expand_named_functions, numpy_namespace
from ..model.lecture import Domain
from ..steps.second_order import IDENTITY, outer
from .steps import Check, _evaluate_raw

STEP = 1e-4
RTOL, ATOL = 1e-4, 1e-6           # central differences are good to about 1e-8 here


class _Point:
    """Random data of random sizes: N samples of D features, the parameters, the constants."""

    def __init__(self, model, rng):
        self.model, self.rng = model, rng
        vector_model = bool(model.vectors)
        self.D = int(rng.integers(2, 5)) if vector_model else 1
        self.N = int(rng.integers(self.D + 2, self.D + 5))
        x, y = model.samples[0], model.samples[1]
        self.data = {x: self.uniform(x, (self.N, self.D) if vector_model else (self.N,)),
                     y: self.uniform(y, (self.N,))}
        self.values = {model.sample_count: self.N, sp.Symbol("D"): self.D}
        for p in model.params:
            self.values[p] = rng.uniform(-1, 1, size=self.D) if str(p) in \
                {str(v) for v in model.vectors} else float(rng.uniform(-1, 1))
        self.cache = {}

    def uniform(self, key, shape):
        dom = self.model.domains.get(key, Domain())
        if dom.integer:
            return self.rng.integers(int(dom.low), int(dom.high) + 1, size=shape).astype(float)
        return self.rng.uniform(dom.low, dom.high, size=shape)

    def scalar(self, symbol):
        if symbol not in self.values:
            dom = self.model.domains.get(symbol, Domain())
            self.values[symbol] = float(self.rng.uniform(dom.low, dom.high)) \
                if dom.low != dom.high else float(dom.low)
        return self.values[symbol]


def evaluate(expr, point, values=None):
    """expr's value at the point (numbers, vectors or matrices), derivatives by differences."""
    values = point.values if values is None else values
    if isinstance(expr, sp.MatrixExpr):
        return _matrix(expr, point, values)
    if isinstance(expr, sp.Derivative):
        inner = expr.expr if len(expr.variables) == 1 else \
            sp.Derivative(expr.expr, *expr.variables[:-1])
        return _difference(inner, expr.variables[-1], point, values)
    if isinstance(expr, sp.Sum):
        (i, a, b), = expr.limits
        return sum(evaluate(expr.function.xreplace({i: sp.Integer(k)}), point, values)
                   for k in range(int(a), int(_number(b, point, values)) + 1))
    if isinstance(expr, outer):
        u, v = (np.ravel(evaluate(a, point, values)) for a in expr.args)
        return np.multiply.outer(u, v)
    if expr == IDENTITY:
        return np.eye(point.D)
    if not _composite(expr):
        return _leaf(expr, point, values)
    if isinstance(expr, sp.Add):
        return sum(evaluate(a, point, values) for a in expr.args)
    if isinstance(expr, sp.Mul):
        out = 1.0
        for a in expr.args:
            out = np.multiply(out, evaluate(a, point, values))
        return out
    raise ValueError(f"cannot evaluate {expr}")


def _composite(expr):
    return expr.has(sp.Derivative, sp.Sum, IDENTITY) or expr.atoms(outer)


def _number(expr, point, values):
    return expr if expr.is_Number else values[expr]


def _difference(expr, var, point, values):
    """∂expr/∂varᵀ by central differences: the shape of expr, then var's."""
    base = np.asarray(values[var], dtype=float)
    columns = []
    for j in range(base.size):
        step = np.zeros(base.size)
        step[j] = STEP
        up, down = dict(values), dict(values)
        up[var] = (base.ravel() + step).reshape(base.shape) if base.shape else float(base + STEP)
        down[var] = (base.ravel() - step).reshape(base.shape) if base.shape else float(base - STEP)
        columns.append((np.asarray(evaluate(expr, point, up)) -
                        np.asarray(evaluate(expr, point, down))) / (2 * STEP))
    stacked = np.stack(columns, axis=-1)
    return stacked if base.shape else stacked[..., 0]


def _leaf(expr, point, values):
    """An expression free of derivatives and sums, with vectors as numpy arrays."""
    model = point.model
    key = expr
    if key not in point.cache:
        full = expand_named_functions(model.substitute_definitions(expr))
        if full.has(sp.Sum, sp.Derivative):
            point.cache[key] = ("again", full)
        else:
            plain = {a: sp.Symbol(f"{a.base.label}__{a.indices[0]}") for a in full.atoms(sp.Indexed)}
            args = sorted(full.xreplace(plain).free_symbols, key=str)
            back = {v: k for k, v in plain.items()}
            f = sp.lambdify(args, full.xreplace(plain),
                            modules=[{"inner": np.dot}, numpy_namespace(), "numpy"])
            point.cache[key] = ("leaf", (f, [back.get(a, a) for a in args]))
    kind, content = point.cache[key]
    if kind == "again":
        return evaluate(content, point, values)
    f, args = content
    return f(*[_value(a, point, values) for a in args])


def _value(atom, point, values):
    if isinstance(atom, sp.Indexed):
        return point.data[atom.base][int(atom.indices[0]) - 1]
    if atom in values:
        return values[atom]
    return point.scalar(atom)


def _matrix(expr, point, values):
    """A matrix form: X, y and w as arrays, each weight vector s from its per-sample form."""
    model = point.model
    X, y, W = model.data_matrix
    x_b, y_b = model.samples[0], model.samples[1]
    numbers = {X: point.data[x_b], y: point.data[y_b].reshape(-1, 1),
               W: np.asarray(values[model.params[0]]).reshape(-1, 1)}
    for name, per_sample in point.weights.items():
        i = model.sample_index
        numbers[name] = np.array([[float(evaluate(per_sample.xreplace({i: sp.Integer(k)}),
                                                   point, values))]
                                  for k in range(1, point.N + 1)])
    concrete = expr.xreplace({X: sp.MatrixSymbol(X.name, point.N, point.D),
                              y: sp.MatrixSymbol(y.name, point.N, 1),
                              W: sp.MatrixSymbol(W.name, point.D, 1),
                              **{s: sp.MatrixSymbol(s.name, point.N, 1) for s in point.weights}})
    concrete = concrete.xreplace({model.sample_count: point.N, X.shape[0]: point.N,
                                  X.shape[1]: point.D})
    numbers = {sp.MatrixSymbol(k.name, *np.shape(v)) if isinstance(k, sp.MatrixSymbol) else k: v
               for k, v in numbers.items()}
    for s in concrete.free_symbols:
        if isinstance(s, sp.Symbol) and s not in numbers:
            numbers[s] = values[s] if s in values else point.scalar(s)
    return np.asarray(_evaluate_raw(concrete, numbers), dtype=float)


def _close(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.size != b.size:
        return False, f"shapes differ: {a.shape} and {b.shape}"
    a, b = a.ravel(), b.ravel()
    scale = max(1.0, float(np.max(np.abs(b))) if b.size else 1.0)
    if np.all(np.isfinite(a)) and np.allclose(a, b, rtol=RTOL, atol=ATOL * scale):
        return True, ""
    return False, f"{a} != {b}"


def verify_second_order(derivation, steps, points=3, seed=0):
    """One Check per second-order step."""
    model = derivation.model
    weights = derivation.details["weights"]
    rng = np.random.default_rng(seed)
    samples = [_Point(model, rng) for _ in range(points)]
    failures = {}
    with np.errstate(all="ignore"):
        for point in samples:
            previous = {}
            for k, step in enumerate(steps):
                point.weights = weights
                try:
                    now = evaluate(step.expr, point)
                    before = previous.get(step.lhs)
                    if before is None:
                        before = _newton(derivation, point) if step.rule == "newton_step" \
                            else evaluate(derivation.details["meaning"][step.lhs], point)
                    ok, detail = _close(now, before)
                except (ValueError, TypeError, KeyError, ZeroDivisionError,
                        np.linalg.LinAlgError) as error:
                    ok, detail = False, f"cannot evaluate: {error}"
                if not ok and k not in failures:
                    failures[k] = f"{detail} (N={point.N}, D={point.D})"
                previous[step.lhs] = now
    return [Check(step, "failed", failures[k]) if k in failures else
            Check(step, "numeric", f"{points} random points, random sizes, differences")
            for k, step in enumerate(steps)]


def _newton(derivation, point):
    """w - H⁻¹∇L with H the central differences of the derived (and verified) gradient."""
    p = derivation.model.params[0]
    gradient = derivation.details["gradients"][str(p)].sum_form()
    g = np.ravel(evaluate(gradient, point))
    H = np.atleast_2d(_difference(gradient, p, point, point.values))
    return np.ravel(point.values[p]) - np.linalg.solve(H, g)
