"""Checking that every step equals the one before it.

Both sides are expanded down to elementary functions (every definition substituted,
the sum written out for a few samples) and compared: symbolically when SymPy's cheap
simplifications decide it, otherwise numerically at random points of the variables'
domains. A step that passes neither is reported as failed.
"""
import random
from dataclasses import dataclass

import sympy as sp

from .algebra import canonical
from .functions import expand_named_functions
from .model import Domain

TOLERANCE = 1e-9


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
    expr = canonical(expr)
    for _ in range(len(model.definitions) + 1):
        before = expr
        for d in model.definitions:
            expr = expr.replace(lambda e, d=d: isinstance(e, sp.Function) and e.func == d.name,
                                lambda e, d=d: canonical(d.apply(e.args)))
        if expr == before:
            break
    expr = expand_named_functions(expr)
    fixed = {s: dom.low for s, dom in model.domains.items()
             if isinstance(s, sp.Symbol) and dom.low == dom.high}
    return expr.xreplace(fixed).doit()


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


def compare(a, b, model, points=5, seed=0):
    """'symbolic', 'numeric' or 'failed' for a == b (both fully expanded)."""
    difference = a - b
    try:
        if sp.cancel(sp.expand(difference.rewrite(sp.exp))) == 0:
            return "symbolic", ""
    except (sp.PolynomialError, TypeError, ValueError):
        pass
    rng = random.Random(seed)
    for _ in range(points):
        values = _sample(difference, model, rng)
        da = complex(a.xreplace(values).evalf(30))
        db = complex(b.xreplace(values).evalf(30))
        if abs(da - db) > TOLERANCE * max(1.0, abs(da), abs(db)):
            return "failed", f"{da} != {db} at {values}"
    return "numeric", f"{points} random points"


def verify_derivation(derivation, points=5, seed=0):
    model = derivation.model
    checks = []
    previous = {}
    for step in derivation.steps:
        before = previous.get(step.lhs, step.lhs)
        method, detail = compare(expand_everything(step.expr, model),
                                 expand_everything(before, model), model, points, seed)
        checks.append(Check(step, method, detail))
        previous[step.lhs] = step.expr
    return checks
