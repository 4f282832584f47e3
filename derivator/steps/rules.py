"""Differentiation rules: one class per identity, applied to one `Derivative` node.

Each rule says whether it matches `∂/∂v f` (`matches`), what the node becomes (`apply`),
and the values its explanation names (`params`). The engine picks which rule goes next;
printing and explaining are done elsewhere.
"""
from dataclasses import dataclass

import sympy as sp

from .algebra import (depends_on, drop_constant_terms, factors_of, product, split_coefficient,
                      terms_of, total)
from ..model.functions import relu, sigmoid, softplus

CHAINED = (sp.tanh, softplus, relu)     # functions met through FunctionChain below
HYPERBOLIC = (sp.cosh, sp.sinh)         # met through HyperbolicChain (the end of the file)


@dataclass(frozen=True)
class Context:
    var: sp.Symbol
    opaque: frozenset = frozenset()    # intermediates (h, z, L) that stand for functions of w
    model: object = None               # their definitions, to tell what they depend on

    def depends(self, expr):
        if _through_whole_matrix(expr, self.var):     # det X, (X⁻¹)_ij depend on X_kl
            return True
        if self.model is None:
            return depends_on(expr, self.var, self.opaque - _matrix_functions())
        if depends_on(expr, self.var):
            return True
        return any(self._app_depends(a) for a in sp.preorder_traversal(expr)
                   if self.is_opaque(a))

    def _app_depends(self, app):
        """z_n(x) does not depend on w_1 although it is opaque: look at its definition."""
        body = self.model.definition(app.func).apply(app.args)
        return self.depends(body)

    def is_opaque(self, expr):
        return isinstance(expr, sp.Function) and expr.func in self.opaque - _matrix_functions()


def D(expr, var):
    return sp.Derivative(expr, var, evaluate=False)


def is_elementary(expr, ctx):
    """Built from the variable with +, ×, integer powers and exp only: evaluated at once."""
    if expr.has(sp.Derivative, sp.log, sp.Sum, sigmoid, *CHAINED, *HYPERBOLIC) or any(
            ctx.is_opaque(a) for a in expr.atoms(sp.Function)):
        return False
    for p in expr.atoms(sp.Pow):
        if ctx.depends(p.base) and not (p.exp.is_Integer and p.exp >= 0):
            return False
    return True


class Rule:
    id = "rule"

    def matches(self, d, ctx):
        raise NotImplementedError

    def apply(self, d, ctx):
        raise NotImplementedError

    def params(self, d, ctx):
        return {}


class IntoSum(Rule):
    """∂/∂v (c Σ_i f_i) = c Σ_i ∂f_i/∂v: the derivative moves inside the sum."""
    id = "into_sum"

    def matches(self, d, ctx):
        consts = [f for f in factors_of(d.expr) if not isinstance(f, sp.Sum)]
        sums = [f for f in factors_of(d.expr) if isinstance(f, sp.Sum)]
        return len(sums) == 1 and not any(ctx.depends(c) for c in consts)

    def apply(self, d, ctx):
        out = []
        for f in factors_of(d.expr):
            out.append(sp.Sum(D(f.function, ctx.var), *f.limits) if isinstance(f, sp.Sum) else f)
        return product(*out)


class ExponentialRule(Rule):
    """∂/∂v e^u = e^u ∂u/∂v, and constants vanish: evaluated at once for elementary f."""
    id = "exponential_rule"

    def matches(self, d, ctx):
        return d.expr.has(sp.exp) and is_elementary(d.expr, ctx)

    def apply(self, d, ctx):
        return sp.diff(d.expr, ctx.var)


class LinearRule(Rule):
    """∂/∂v (a v + c) = a: only v varies; everything else is a constant."""
    id = "linear"

    def matches(self, d, ctx):
        f = d.expr
        return (is_elementary(f, ctx) and not f.has(sp.exp)
                and sp.diff(f, ctx.var, 2) == 0)

    def apply(self, d, ctx):
        return sp.diff(d.expr, ctx.var)

    def params(self, d, ctx):
        others = sorted(d.expr.free_symbols - {ctx.var}, key=str)
        return {"var": ctx.var, "constants": others}


class PowerRule(Rule):
    """∂/∂v v^n = n v^(n-1), for polynomials in v."""
    id = "power_rule"

    def matches(self, d, ctx):
        return is_elementary(d.expr, ctx) and not d.expr.has(sp.exp)

    def apply(self, d, ctx):
        return sp.diff(d.expr, ctx.var)


class ReciprocalRule(Rule):
    """∂/∂v (1/g) = -(∂g/∂v) / g²: the quotient rule with numerator 1."""
    id = "quotient_rule"

    def matches(self, d, ctx):
        f = d.expr
        return isinstance(f, sp.Pow) and f.exp == -1 and ctx.depends(f.base)

    def apply(self, d, ctx):
        g = d.expr.base
        return product(-1, D(g, ctx.var),
                       sp.Pow(g, -2, evaluate=False))


class QuotientRule(Rule):
    """∂/∂v (g/h) = ((∂g/∂v) h - g (∂h/∂v)) / h²."""
    id = "quotient_rule"

    def matches(self, d, ctx):
        parts = self._parts(d.expr)
        return parts is not None and ctx.depends(parts[0]) and ctx.depends(parts[1])

    @staticmethod
    def _parts(f):
        fs = factors_of(f)
        dens = [g for g in fs if isinstance(g, sp.Pow) and g.exp == -1]
        if not isinstance(f, sp.Mul) or len(dens) != 1:
            return None
        return product(*[g for g in fs if g is not dens[0]]), dens[0].base

    def apply(self, d, ctx):
        g, h = self._parts(d.expr)
        v = ctx.var
        return product(total(product(D(g, v), h), product(-1, g, D(h, v))),
                       sp.Pow(h, -2, evaluate=False))


class SumRule(Rule):
    """∂/∂v (±f ± g) = ±∂f/∂v ± ∂g/∂v; terms free of v vanish."""
    id = "sum_rule"

    def matches(self, d, ctx):
        return isinstance(d.expr, sp.Add)

    def apply(self, d, ctx):
        out = []
        for t in terms_of(d.expr):
            if ctx.depends(t):
                coeff, rest = split_coefficient(t)
                out.append(product(coeff, D(rest, ctx.var)))
        return total(*out)


class SignRule(Rule):
    """∂/∂v (-f) = -∂f/∂v: the minus sign moves out of the derivative."""
    id = "sign"

    def matches(self, d, ctx):
        coeff, rest = split_coefficient(d.expr)
        return coeff == -1 and not any(not ctx.depends(f) for f in factors_of(rest))

    def apply(self, d, ctx):
        return product(-1, D(split_coefficient(d.expr)[1], ctx.var))

    def params(self, d, ctx):
        return {"f": split_coefficient(d.expr)[1]}


class ConstantFactor(Rule):
    """∂/∂v (c f) = c ∂f/∂v when c does not depend on v."""
    id = "constant_factor"

    def matches(self, d, ctx):
        fs = factors_of(d.expr)
        return (isinstance(d.expr, sp.Mul) and any(ctx.depends(f) for f in fs)
                and any(not ctx.depends(f) for f in fs))

    def apply(self, d, ctx):
        fs = factors_of(d.expr)
        consts = [f for f in fs if not ctx.depends(f)]
        rest = [f for f in fs if ctx.depends(f)]
        return product(*consts, D(product(*rest), ctx.var))

    def params(self, d, ctx):
        return {"constants": [f for f in factors_of(d.expr)
                              if not ctx.depends(f) and not f.is_Number],
                "var": ctx.var}


class LogRule(Rule):
    """∂/∂v log g = (1/g) ∂g/∂v: the log rule with the chain rule."""
    id = "log_rule"

    def matches(self, d, ctx):
        return isinstance(d.expr, sp.log) and ctx.depends(d.expr.args[0])

    def apply(self, d, ctx):
        g = d.expr.args[0]
        return product(sp.Pow(g, -1), D(drop_constant_terms(g, ctx.var, ctx.opaque), ctx.var))


class PowerChain(Rule):
    """∂/∂v g^n = n g^(n-1) ∂g/∂v: the power rule with the chain rule."""
    id = "power_chain"

    def matches(self, d, ctx):
        f = d.expr
        return (isinstance(f, sp.Pow) and f.exp != -1 and not ctx.depends(f.exp)
                and ctx.depends(f.base))

    def apply(self, d, ctx):
        g, n = d.expr.base, d.expr.exp
        inner = drop_constant_terms(g, ctx.var, ctx.opaque)
        return product(n, g if n == 2 else sp.Pow(g, n - 1), D(inner, ctx.var))


class ExpChain(Rule):
    """∂/∂v e^g = e^g ∂g/∂v: the exponential rule with the chain rule."""
    id = "exp_chain"

    def matches(self, d, ctx):
        return isinstance(d.expr, sp.exp) and ctx.depends(d.expr.args[0])

    def apply(self, d, ctx):
        g = d.expr.args[0]
        return product(d.expr, D(drop_constant_terms(g, ctx.var, ctx.opaque), ctx.var))


class ChainThroughLemma(Rule):
    """∂/∂v σ(g) = σ'(g) ∂g/∂v, with σ' = σ(1 - σ) from the side derivation."""
    id = "chain_rule"

    def matches(self, d, ctx):
        return isinstance(d.expr, sigmoid) and ctx.depends(d.expr.args[0])

    def apply(self, d, ctx):
        s = d.expr
        g = s.args[0]
        return product(s, total(1, product(-1, s)),
                       D(drop_constant_terms(g, ctx.var, ctx.opaque), ctx.var))

    def params(self, d, ctx):
        return {"inner": d.expr.args[0], "var": ctx.var, "function": d.expr.func}


class EntryRule(Rule):
    """∂X_ij/∂X_kl = δ_ik δ_jl: an entry depends on itself only."""
    id = "entry_derivative"

    def matches(self, d, ctx):
        return (isinstance(d.expr, sp.Indexed) and isinstance(ctx.var, sp.Indexed)
                and d.expr.base == ctx.var.base)

    def apply(self, d, ctx):
        return product(*[sp.KroneckerDelta(a, b, evaluate=False)
                         for a, b in zip(d.expr.indices, ctx.var.indices)])

    def params(self, d, ctx):
        return {"entry": d.expr, "var": ctx.var}


class ProductRule(Rule):
    """∂(f g)/∂v = (∂f/∂v) g + f (∂g/∂v)."""
    id = "product_rule"

    def matches(self, d, ctx):
        return isinstance(d.expr, sp.Mul) and sum(
            1 for f in factors_of(d.expr) if ctx.depends(f)) >= 2

    def apply(self, d, ctx):
        fs = factors_of(d.expr)
        return total(*[product(*[D(f, ctx.var) if k == p else f for k, f in enumerate(fs)])
                       for p, g in enumerate(fs) if ctx.depends(g)])


# The order in which the engine tries them: the first rule that matches any derivative
# in the expression is applied to every derivative it matches, as one step.
RULES = (IntoSum(), EntryRule(), ExponentialRule(), LinearRule(), PowerRule(), ReciprocalRule(),
         QuotientRule(), SumRule(),
         SignRule(), ConstantFactor(), LogRule(), PowerChain(), ExpChain(), ChainThroughLemma())

# In index notation the lecture shows the product rule and the entry rule at work rather
# than evaluating a polynomial in one go.
INDEX_RULES = (IntoSum(), EntryRule(), SumRule(), ConstantFactor(), ProductRule())


class FunctionChain(Rule):
    """∂/∂v g(u) = g'(u) ∂u/∂v for g = tanh (g' = 1 - tanh²), softplus (g' = σ) and relu
    (g' = the step function H, undefined at 0 where H(0) = 0 is taken)."""
    id = "function_chain"

    def matches(self, d, ctx):
        return isinstance(d.expr, CHAINED) and ctx.depends(d.expr.args[0])

    def apply(self, d, ctx):
        g = d.expr
        u = g.args[0]
        return product(self.derivative(g), D(drop_constant_terms(u, ctx.var, ctx.opaque), ctx.var))

    @staticmethod
    def derivative(g):
        u = g.args[0]
        if isinstance(g, sp.tanh):
            return total(1, product(-1, sp.Pow(g, 2, evaluate=False)))
        if isinstance(g, softplus):
            return sigmoid(u)
        return sp.Heaviside(u, 0)

    def params(self, d, ctx):
        g = d.expr
        note = {"en": "", "ko": ""}
        if isinstance(g, relu):
            note = {"en": "; relu' is the step function H(t): 1 for t > 0, 0 for t < 0, "
                          "undefined at the kink t = 0 (H(0) = 0 is taken there)",
                    "ko": "; relu'은 계단 함수 H(t)이다: t > 0이면 1, t < 0이면 0, 꺾이는 "
                          "점 t = 0에서는 정의되지 않는다 (거기서는 H(0) = 0으로 둔다)"}
        return {"function": g.func, "inner": g.args[0], "var": ctx.var,
                "derivative": self.derivative(g.func(sp.Symbol("t"))), "note": note}


RULES = RULES + (FunctionChain(),)



# --- matrix calculus as far as the Matrix Cookbook goes (issue 20) ------------------------

def _matrix_functions():
    """det X and (X⁻¹)_ij: an index problem's Context lists them as opaque so that the
    rules keep them inside derivatives (drop_constant_terms), though they are derived."""
    from ..model.functions import MATRIX_FUNCTIONS
    return MATRIX_FUNCTIONS


def _through_whole_matrix(expr, var):
    """det X and (X⁻¹)_ij depend on every entry X_kl of X."""
    from ..model.functions import Det, InverseEntry
    return isinstance(var, sp.Indexed) and any(
        a.args[0] == var.base for a in expr.atoms(Det, InverseEntry))


class InverseEntryRule(Rule):
    """∂(X⁻¹)_ij/∂X_kl = -(X⁻¹)_ik (X⁻¹)_lj, from ∂(X X⁻¹) = ∂I = 0."""
    id = "inverse_entry"

    def matches(self, d, ctx):
        from ..model.functions import InverseEntry
        return (isinstance(d.expr, InverseEntry) and isinstance(ctx.var, sp.Indexed)
                and d.expr.args[0] == ctx.var.base)

    def apply(self, d, ctx):
        from ..model.functions import InverseEntry
        base, i, j = d.expr.args
        k, l = ctx.var.indices
        return product(-1, InverseEntry(base, i, k), InverseEntry(base, l, j))


class JacobiRule(Rule):
    """∂det X/∂X_kl = det(X) (X⁻¹)_lk (Jacobi's formula)."""
    id = "jacobi_formula"

    def matches(self, d, ctx):
        from ..model.functions import Det
        return (isinstance(d.expr, Det) and isinstance(ctx.var, sp.Indexed)
                and d.expr.args[0] == ctx.var.base)

    def apply(self, d, ctx):
        from ..model.functions import InverseEntry
        k, l = ctx.var.indices
        return product(d.expr, InverseEntry(d.expr.args[0], l, k))


class EntrywiseChain(Rule):
    """∂/∂v g(u) = g'(u) ∂u/∂v for g = sin (g' = cos), cos (g' = -sin) and
    tan (g' = 1 + tan²), applied to an entry or to a whole expression."""
    id = "entrywise_chain"

    def matches(self, d, ctx):
        return isinstance(d.expr, (sp.sin, sp.cos, sp.tan)) and ctx.depends(d.expr.args[0])

    def apply(self, d, ctx):
        u = d.expr.args[0]
        return product(self.derivative(d.expr),
                       D(drop_constant_terms(u, ctx.var, ctx.opaque), ctx.var))

    @staticmethod
    def derivative(g):
        u = g.args[0]
        if isinstance(g, sp.sin):
            return sp.cos(u)
        if isinstance(g, sp.cos):
            return product(-1, sp.sin(u))
        return total(1, sp.Pow(g, 2, evaluate=False))

    def params(self, d, ctx):
        t = sp.Symbol("t")
        return {"function": d.expr.func, "derivative": self.derivative(d.expr.func(t))}


# the rules an index problem adds for inverses, determinants and entrywise functions
COOKBOOK_RULES = (InverseEntryRule(), JacobiRule(), EntrywiseChain())

# A product of two factors that both vary (the focal loss's (1 − p)^γ ln p) takes the
# product rule when no rule above evaluates it at once.
RULES = RULES + (ProductRule(),)


class HyperbolicChain(Rule):
    """∂/∂v cosh u = sinh u ∂u/∂v and ∂/∂v sinh u = cosh u ∂u/∂v (log-cosh regression)."""
    id = "hyperbolic_chain"

    def matches(self, d, ctx):
        return isinstance(d.expr, HYPERBOLIC) and ctx.depends(d.expr.args[0])

    def apply(self, d, ctx):
        g = d.expr
        u = g.args[0]
        other = sp.sinh(u) if isinstance(g, sp.cosh) else sp.cosh(u)
        return product(other, D(drop_constant_terms(u, ctx.var, ctx.opaque), ctx.var))

    def params(self, d, ctx):
        t = sp.Symbol("t")
        g = d.expr.func
        return {"function": g, "inner": d.expr.args[0], "var": ctx.var,
                "derivative": (sp.sinh if g is sp.cosh else sp.cosh)(t)}


RULES = RULES + (HyperbolicChain(),)
