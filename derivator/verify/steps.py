"""Checking that every step equals the one before it.

Both sides are expanded down to elementary functions (every definition substituted,
the sum written out for a few samples) and compared: symbolically when SymPy's cheap
simplifications decide it, otherwise numerically at random points of the variables'
domains. A step that passes neither is reported as failed.
"""
import random
from dataclasses import dataclass

import sympy as sp
from sympy.matrices.exceptions import ShapeError

from ..steps.algebra import canonical
from ..model.functions import expand_named_functions
from ..model.lecture import Domain

TOLERANCE = 1e-9
SYMBOLIC_LIMIT = 120      # operations: beyond this, cancel() takes seconds to minutes


@dataclass(frozen=True)
class Check:
    step: object
    method: str          # "symbolic", "numeric" or "failed"
    detail: str = ""

    @property
    def ok(self):
        return self.method != "failed"


def expand_everything(expr, model):
    """expr with every definition substituted and every derivative and sum evaluated."""
    return _write_out_sums(substituted(expr, model)).doit()


def substituted(expr, model):
    """expr with every definition substituted, the sizes put in, the sums left as sums."""
    update = getattr(model, "update", None)
    if update:       # w_{t+1} means w_t - η ∂L/∂w at w_t
        now = update["current"]
        wrt = model.params[0]
        meaning = now - update["rate"] * sp.Derivative(model.target.xreplace({wrt: now}), now)
        expr = expr.xreplace({update["next"]: meaning})
    expr = expand_named_functions(model.substitute_definitions(canonical(expr)))
    if update:       # everything at w_t: the scalar w and the matrix w alike
        W = model.data_matrix[2]
        expr = expr.xreplace({wrt: now, W: sp.MatrixSymbol(str(now), *W.shape)})
    fixed = {s: sp.Integer(dom.low) for s, dom in model.domains.items()
             if isinstance(s, sp.Symbol) and dom.low == dom.high}
    return expr.xreplace(fixed)


def _write_out_sums(expr):
    """Σ_{i=1}^{3} f(i) as f(1) + f(2) + f(3), directly: Sum.doit tries symbolic summation
    first, which on a network's nested sums takes minutes."""
    def write_out(e):
        if not isinstance(e, sp.Sum):
            return None
        body = e.function
        for i, a, b in reversed(e.limits):
            if not (a.is_Integer and b.is_Integer):
                return None
        terms = [body]
        for i, a, b in e.limits:
            terms = [t.xreplace({i: sp.Integer(v)}) for t in terms for v in range(a, b + 1)]
        return sp.Add(*terms)
    return expr.replace(lambda e: write_out(e) is not None, write_out)


def _sample(expr, model, rng):
    values = {}
    atoms = expr.atoms(sp.Indexed) | {s for s in expr.free_symbols if not isinstance(s, sp.Indexed)}
    for a in atoms:
        if isinstance(a, sp.IndexedBase):
            continue
        key = a.base if isinstance(a, sp.Indexed) else a
        dom = model.domains.get(key, Domain()) if model else Domain()
        if dom.integer:
            values[a] = sp.Integer(rng.randint(int(dom.low), int(dom.high)))
        else:
            values[a] = sp.Float(rng.uniform(dom.low, dom.high), 30)
    return values


def compare(a, b, model, points=5, seed=0, symbolic=True):
    """'symbolic', 'numeric' or 'failed' for a == b (both fully expanded).

    Numbers first (a wrong step fails there, whatever its size); then, for a small
    difference only, SymPy's cancel to say the equality holds everywhere: on a network's
    long expressions cancel takes seconds, and the numbers have decided already."""
    difference = a - b
    if difference == 0:
        return "symbolic", "the same expression"

    def cancels():
        try:
            return sp.count_ops(difference) <= SYMBOLIC_LIMIT and \
                sp.cancel(sp.expand(difference.rewrite(sp.exp))) == 0
        except (sp.PolynomialError, TypeError, ValueError):
            return False
    rng = random.Random(seed)
    for _ in range(points):
        values = _sample(difference, model, rng)
        try:
            da = complex(a.xreplace(values).evalf(30))
            db = complex(b.xreplace(values).evalf(30))
        except TypeError:               # something numbers cannot reach: SymPy decides
            if cancels():
                return "symbolic", ""
            raise
        if abs(da - db) > TOLERANCE * max(1.0, abs(da), abs(db)):
            return "failed", f"{da} != {db} at {values}"
    if symbolic and cancels():
        return "symbolic", ""
    return "numeric", f"{points} random points"


def _vector_values(exprs, model, rng):
    """Random data for a model with vectors: x⁽ⁿ⁾ rows of one N×D matrix X, w a D-vector."""
    import numpy as np
    fixed = {str(s): int(d.low) for s, d in model.domains.items() if d.low == d.high}
    n_samples, dim = fixed[str(model.sample_count)], fixed["D"]
    vectors = {str(v) for v in model.vectors}
    data = {}
    for base in model.samples:
        dom = model.domains.get(base, Domain())
        shape = (n_samples, dim) if str(base.label) in vectors else (n_samples,)
        data[str(base.label)] = np.array(rng.uniform(dom.low, dom.high, size=shape))
    # the data matrix X holds the samples x⁽ⁿ⁾ as rows; y holds the labels
    matrix_of = {m.name: str(base.label) for m, base in zip(model.data_matrix, model.samples)}
    values = {}
    atoms = set().union(*(e.atoms(sp.Symbol, sp.Indexed, sp.MatrixSymbol) for e in exprs))
    labels = {i.base.label for i in atoms if isinstance(i, sp.Indexed)}
    for a in sorted(atoms - labels, key=str):
        name = str(a.base.label) if isinstance(a, sp.Indexed) else str(a)
        if isinstance(a, sp.Indexed):
            values[a] = data[name][int(a.indices[0]) - 1]
        elif isinstance(a, sp.MatrixSymbol):
            column = a.shape[1] == 1
            source = data.get(matrix_of.get(name, name), values.get(sp.Symbol(name)))
            if source is None:
                source = values[sp.Symbol(name)] = rng.uniform(-2, 2, size=dim)
            values[a] = source.reshape(-1, 1) if column else source
        elif name in vectors:
            values[a] = values.get(a, rng.uniform(-2, 2, size=dim))
        else:
            values[a] = rng.uniform(-2, 2)
    # a vector and its matrix form must hold the same numbers
    for a in list(values):
        if isinstance(a, sp.MatrixSymbol) and sp.Symbol(a.name) in values:
            values[a] = np.asarray(values[sp.Symbol(a.name)]).reshape(-1, 1)
    return values


def _evaluate(expr, values):
    import numpy as np
    return np.ravel(np.asarray(_evaluate_raw(expr, dict(values)), dtype=float))


def _evaluate_raw(expr, values):
    """expr at `values` with numpy; σ(Xw) applied entry by entry is evaluated first."""
    import numpy as np
    from sympy.matrices.expressions.applyfunc import ElementwiseApplyFunction
    from ..model.functions import numpy_namespace
    for k, node in enumerate(sorted(expr.atoms(ElementwiseApplyFunction), key=str)):
        inside = _evaluate_raw(node.expr, values)
        fn = sp.lambdify(node.function.variables, node.function.expr,
                         [numpy_namespace(), "numpy"])
        placeholder = sp.MatrixSymbol(f"E{k}_", *node.shape)
        values[placeholder] = fn(np.asarray(inside, dtype=float))
        expr = expr.xreplace({node: placeholder})
    # diag(v), v∘ⁿ and softmax(z), which numpy's printer does not know: their values first
    from ..model.functions import Softmax
    for k, node in enumerate(sorted(expr.atoms(sp.Trace, sp.Determinant), key=str)):
        inside = np.asarray(_evaluate_raw(node.args[0], values), dtype=float)   # tr, det
        placeholder = sp.Symbol(f"S{k}_")
        values[placeholder] = np.trace(inside) if isinstance(node, sp.Trace) \
            else np.linalg.det(inside)
        expr = expr.xreplace({node: placeholder})
    for k, node in enumerate(sorted(expr.atoms(sp.DiagMatrix, sp.HadamardPower, Softmax),
                                    key=str)):
        inside = np.asarray(_evaluate_raw(node.args[0], values), dtype=float)
        placeholder = sp.MatrixSymbol(f"P{k}_", *node.shape)
        values[placeholder] = np.diag(inside.ravel()) if isinstance(node, sp.DiagMatrix) \
            else Softmax.numeric(inside) if isinstance(node, Softmax) \
            else inside ** float(node.args[1])
        expr = expr.xreplace({node: placeholder})
    # lambdify needs names: x[1] becomes a symbol x_1 (matrices keep their own names)
    plain = {a: sp.Symbol(f"{a.base.label}_{a.indices[0]}") for a in expr.atoms(sp.Indexed)}
    expr = expr.xreplace(plain)
    args = [a for a in values if a not in plain] + list(plain.values())
    inputs = [values[a] for a in values if a not in plain] + [values[a] for a in plain]
    used = [k for k, a in enumerate(args) if expr.has(a)]
    f = sp.lambdify([args[k] for k in used], expr, modules=[{"inner": np.dot}, "numpy"])
    return f(*[inputs[k] for k in used])


def compare_vectors(a, b, model, points=5, seed=0):
    """Numerically, with real vectors and matrices, so a wrong shape cannot pass."""
    import numpy as np
    rng = np.random.default_rng(seed)
    for _ in range(points):
        values = _vector_values([a, b], model, rng)
        try:
            va, vb = _evaluate(a, values), _evaluate(b, values)
        except (ValueError, TypeError) as error:    # shapes that do not fit
            return "failed", f"cannot evaluate: {error}"
        if va.shape != vb.shape or not np.allclose(va, vb, rtol=TOLERANCE, atol=TOLERANCE):
            return "failed", f"{va} != {vb}"
    return "numeric", f"{points} random points with vectors"


def _check_equation(step, derivation, model, points, seed):
    """Both sides of an equation in w agree at the solution w* the derivation ends with."""
    if not model.data_matrix:              # a scalar parameter (the p of a Bernoulli)
        at = {derivation.wrt: derivation.result}
        try:
            method, detail = compare(expand_everything(step.expr.lhs.xreplace(at), model),
                                     expand_everything(step.expr.rhs.xreplace(at), model),
                                     model, points, seed)
        except (ValueError, TypeError) as error:
            method, detail = "failed", f"cannot evaluate: {error}"
        return Check(step, method, f"at the solution: {detail}")
    W = model.data_matrix[2]
    at_solution = {W: derivation.result}
    try:
        lhs = expand_everything(step.expr.lhs.xreplace(at_solution), model)
        rhs = expand_everything(step.expr.rhs.xreplace(at_solution), model)
        if isinstance(rhs, sp.ZeroMatrix):
            rhs = sp.ZeroMatrix(*lhs.shape)
            method, detail = compare_vectors(lhs, sp.MatMul(0, lhs.xreplace({})), model,
                                             points, seed)
        else:
            method, detail = compare_vectors(lhs, rhs, model, points, seed)
    except (ShapeError, ValueError, TypeError) as error:
        method, detail = "failed", f"cannot evaluate: {error}"
    return Check(step, method, f"at the solution: {detail}")


def _index_values(model):
    """Every assignment of the free indices (j; or d and m) within their sizes."""
    import itertools
    if not model.free_indices:
        return [{}]
    ranges = []
    for index, size in model.free_indices.items():
        n = int(model.domains[size].low)
        ranges.append([(index, sp.Integer(v)) for v in range(1, n + 1)])
    return [dict(combo) for combo in itertools.product(*ranges)]


def _expanded_over_indices(expr, model, cache):
    """expr expanded once with its free indices (d, m of ∂L/∂w_{1,d,m}) left as symbols:
    each entry is then this expansion with the indices put in (KroneckerDelta(d, 2) at
    d = 1 is 0), not an expansion of its own, so verifying costs one expansion per line
    instead of one per line and entry. None when the general expansion is not complete
    (a derivative or a sum left): the line is then expanded entry by entry, as before."""
    key = (expr, "general")
    if key not in cache:
        try:
            general = expand_everything(expr, model)
            done = not general.atoms(sp.Derivative, sp.Sum, sp.Subs)
        except (ShapeError, ValueError, TypeError, NotImplementedError):
            general, done = None, False
        cache[key] = general if done else None
    return cache[key]


def verify_derivation(derivation, points=5, seed=0):
    model = derivation.model
    checks = []
    previous = {}
    assignments = _index_values(model)
    expanded = {}

    def expand(expr, values):          # each line is compared twice: expand it once
        key = (expr, tuple(values.items()))
        if key not in expanded:
            general = _expanded_over_indices(expr, model, expanded) if values else None
            expanded[key] = general.xreplace(values) if general is not None else \
                expand_everything(expr.xreplace(values), model)
        return expanded[key]

    at_once = _AtOnce(model, points, seed) if model.free_indices and not model.vectors \
        and not getattr(model, "update", None) else None
    for step in derivation.steps:
        if step.lhs is None:             # an equation: it must hold at the solution
            checks.append(_check_equation(step, derivation, model, points, seed))
            continue
        before = previous.get(step.follows if step.follows is not None else step.lhs, step.lhs)
        if at_once is not None and at_once.agree(step.expr, before):
            checks.append(Check(step, "numeric", f"{points} random points, every entry at once"))
            previous[step.lhs] = step.expr
            continue
        check = compare_vectors if model.vectors else compare
        try:
            for values in assignments:          # each entry of ∂L/∂w_{1,d,m}, one by one
                extra = {"symbolic": False} if values and check is compare else {}
                method, detail = check(expand(step.expr, values), expand(before, values),
                                       model, points if not values else 2, seed, **extra)
                if method == "failed":
                    detail = f"{detail} (at {values})" if values else detail
                    break
        except (ShapeError, ValueError, TypeError) as error:   # e.g. matrices that do not fit
            method, detail = "failed", f"cannot evaluate: {error}"
        checks.append(Check(step, method, detail))
        previous[step.lhs] = step.expr
    return checks


class _AtOnce:
    """Both sides of a line compiled into arrays (verify/arrays.py) and compared at every
    random point and every entry ∂L/∂w_{1,d,m} at once. It only ever says "they agree":
    a line it cannot evaluate, or whose sides differ anywhere, is checked entry by entry
    as before, so this makes verifying faster without deciding any line differently."""

    def __init__(self, model, points, seed):
        self.model, self.points, self.seed = model, points, seed
        self.sizes = {s: int(d.low) for s, d in model.domains.items()
                      if isinstance(s, sp.Symbol) and d.low == d.high}
        self.free = {i: int(model.domains[size].low) for i, size in model.free_indices.items()}
        self.definitions = {d.name for d in model.definitions}
        self.calls = {}

    def _prepared(self, expr):
        """expr with each applied definition g(x⁽ⁱ⁾) replaced by its body, each once for
        every line (the named functions σ, softplus are evaluated by their definitions)."""
        calls = {e for e in expr.atoms(sp.Function) if e.func in self.definitions}
        for call in calls - set(self.calls):
            self.calls[call] = self.model.substitute_definitions(call)
        return expr.xreplace({c: self.calls[c] for c in calls})

    def agree(self, a, b):
        import numpy as np
        from .arrays import Evaluator, Unsupported, index_ranges
        try:
            a, b = self._prepared(a), self._prepared(b)
            shapes, extra, numbers = index_ranges([a, b], self.sizes, self.free)
            rng = np.random.default_rng(self.seed)
            tables = {key: self._values(self.model.domains.get(base, Domain()),
                                        (self.points, *shape), rng)
                      for key, (base, shape) in sorted(shapes.items())}
            scalars = {s: self._values(self.model.domains.get(s, Domain()), (self.points,), rng)
                       for s in sorted(numbers, key=str)}
            evaluator = Evaluator(tables, {**self.sizes, **extra, **scalars}, self.free, complex)
            va, vb = evaluator.values(a), evaluator.values(b)
        except (Unsupported, ShapeError, ValueError, TypeError, IndexError, KeyError,
                ZeroDivisionError, OverflowError):
            return False
        if not (np.isfinite(va).all() and np.isfinite(vb).all()):
            return False
        scale = np.maximum(1.0, np.maximum(np.abs(va), np.abs(vb)))
        return bool((np.abs(va - vb) <= TOLERANCE * scale).all())

    @staticmethod
    def _values(dom, shape, rng):
        if dom.integer:
            return rng.integers(int(dom.low), int(dom.high) + 1, size=shape)
        return rng.uniform(dom.low, dom.high, size=shape)
