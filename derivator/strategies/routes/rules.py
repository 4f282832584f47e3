"""Differentiation rules the routes add to derivator/steps/rules.py (one class per identity)."""
from dataclasses import dataclass

import sympy as sp

from ...steps.algebra import product
from ...steps.rules import D, Rule


@dataclass(frozen=True)
class LogChainThrough(Rule):
    """∂/∂v log g(z) = (1/g) (∂g/∂z) (∂z/∂v): the log rule, with the chain rule through
    an intermediate z written as a letter (the e^z notes' b(z), z = wx + b)."""
    through: sp.Symbol = None
    id = "log_chain_through"

    def matches(self, d, ctx):
        return isinstance(d.expr, sp.log) and d.expr.args[0].has(self.through)

    def apply(self, d, ctx):
        g = d.expr.args[0]
        return product(sp.Pow(g, -1), D(g, self.through), D(self.through, ctx.var))

    def params(self, d, ctx):
        return {"through": self.through, "var": ctx.var}


class Itself(Rule):
    """∂v/∂v = 1."""
    id = "itself"

    def matches(self, d, ctx):
        return d.expr == ctx.var

    def apply(self, d, ctx):
        return sp.Integer(1)

    def params(self, d, ctx):
        return {"var": ctx.var}
