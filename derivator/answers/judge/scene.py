"""A problem's quantities at its random points, as numbers: the function or loss a
working names (f, L, P, ln P), the engine's derivative of it, and the solution of p4,
each computed from the problem's definitions and the derivation (never typed in)."""
import numpy as np

from .evaluate import Budget
from .reference import _task

MAX_OPERATIONS = 400_000     # one budget for the whole working, as for one answer (the
                             # costliest working in the tests takes 17,000)


class Scene:
    """A problem's random points and the quantities a working may name, as numbers."""

    def __init__(self, p, seed=0):
        self.problem = p
        self.task, self.points = _task(p.id, seed)
        self.budget = Budget(MAX_OPERATIONS)
        self.derivation = self.task.derivation
        self.known = sorted(p.names)
        self.general = [k for k, pt in enumerate(self.points) if not pt.symmetric]
        self.wrt, self.wrt_indices = self._wrt()

    def _wrt(self):
        """The array differentiated by, and its free indices (h and (j,) in 7a)."""
        p = self.problem
        if p.strategy in ("index", "index_power"):
            return p.data["derive"]["wrt"], ()
        param = p.model().params[0]
        if hasattr(param, "indices"):
            return str(param.base.label), tuple(str(i) for i in param.indices)
        return str(param), ()

    # the problem's own quantity (f, L, P), its log, and its derivative
    def quantity_name(self):
        p = self.problem
        if p.strategy in ("index", "index_power"):
            return p.data["function"]["name"]
        return str(p.model().target.func)

    def quantity(self, point):
        import sympy as sp
        p = self.problem
        if p.strategy in ("index", "index_power"):
            return _matrix_value(p.parse(p.data["function"]["matrix"]), p, point)
        body = _target_definition(p)
        if isinstance(body, sp.Product):
            return float(np.exp(self.task.value(self._log_quantity(), point)))
        try:                      # with the point's compiled f, g, L_i: milliseconds
            return _scalar(_definition_value(body, point, {}))
        except (KeyError, TypeError, ValueError, NotImplementedError):
            try:
                return _scalar(self.task.value(body, point))
            except NameError:         # a route's NLL = -ln P(w), with P no definition of its own
                raise ValueError(f"{self.quantity_name()} itself is not computed for this "
                                 "problem, only its derivative") from None

    def log_quantity(self, point):
        expr = self._log_quantity()
        if expr is None:
            return float(np.log(self.quantity(point)))
        return _scalar(self.task.value(expr, point))

    def _log_quantity(self):
        """ln P as the engine writes it once the log is taken apart (N ln c - Σ …)."""
        steps = [s for s in self.derivation.steps if s.section == "log"]
        return steps[-1].expr if steps else None

    def gradient(self, point):
        """The derivative of the problem's quantity by what it is differentiated by."""
        d = self.derivation
        if self.problem.strategy == "likelihood":      # of ln P, before it is set to 0
            expr = next(s.expr for s in d.steps if s.rule == "vectorize")
            return self.task.value(expr, point)
        return self.task.value(d.result, point)

    def solution(self, point):
        return self.task.value(self.derivation.result, point)


def _target_definition(p):
    """The body of what the problem differentiates (L, P, a route's J)."""
    model = p.model()
    body = next((d.body for d in model.definitions if d.name == model.target.func), None)
    if body is None:          # a route's problem hides its cost from answers, not from lines
        from ... import derive
        model = derive(p.id).model
        body = next(d.body for d in model.definitions if d.name == model.target.func)
    return body


def _definition_value(expr, point, bound):
    """A target's definition (Σ_i L_i(y_i, g(x_i)), ½(g(x) - y)², + wᵀw) computed with the
    point's own compiled intermediates, the samples and the values: no SymPy expansion."""
    import sympy as sp
    from sympy.core.function import AppliedUndef
    ev = lambda e: _definition_value(e, point, bound)         # noqa: E731
    if isinstance(expr, sp.Number):
        return float(expr)
    if isinstance(expr, sp.Symbol):
        if expr.name in bound:
            return bound[expr.name]
        return point.values[expr.name]
    if isinstance(expr, sp.Indexed):
        index = int(ev(expr.indices[0]))
        return point.samples[str(expr.base.label)][index - 1]
    if isinstance(expr, sp.Add):
        return sum(ev(a) for a in expr.args)
    if isinstance(expr, sp.Mul):
        out = 1.0
        for a in expr.args:
            out = out * ev(a)
        return out
    if isinstance(expr, sp.Pow):
        return ev(expr.base) ** ev(expr.exp)
    if isinstance(expr, sp.Sum):
        (index, low, high), = expr.limits
        total = 0.0
        for k in range(int(ev(low)), int(ev(high)) + 1):
            total = total + _definition_value(expr.function, point, {**bound, index.name: k})
        return total
    if isinstance(expr, (sp.exp, sp.log)):
        return (np.exp if isinstance(expr, sp.exp) else np.log)(ev(expr.args[0]))
    if isinstance(expr, AppliedUndef) or type(expr).__name__ == "inner":
        args = [ev(a) for a in expr.args]
        if type(expr).__name__ == "inner":
            return float(np.ravel(args[0]) @ np.ravel(args[1]))
        return point.functions[type(expr).__name__](*args)
    raise NotImplementedError(type(expr).__name__)


def _scalar(value):
    value = np.asarray(value, dtype=float)
    return float(value.ravel()[0]) if value.size == 1 or np.allclose(value, value.ravel()[0]) \
        else value


def _matrix_value(expr, p, point):
    """A matrix expression of the problem's names (Trace(X**k)) at a point's values."""
    import sympy as sp
    sizes = {p.sizes()[n]: v for n, v in point.sizes.items()}
    naturals = [n for n, v in p.names.items() if v.kind == "natural"]
    for s in expr.free_symbols:
        if s.name in naturals:
            sizes[s] = int(point.values[s.name])
    expr = expr.xreplace(sizes)
    concrete = {}
    for m in expr.atoms(sp.MatrixSymbol):
        concrete[m] = sp.ImmutableMatrix(point.values[m.name])
    value = expr.xreplace(concrete).doit()
    if isinstance(value, sp.MatrixBase):
        value = np.array(value.tolist(), dtype=float)
        return float(value[0, 0]) if value.size == 1 else value
    return float(value)
