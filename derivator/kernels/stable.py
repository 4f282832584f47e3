"""Rewrites that make a derived expression safe to evaluate in floating point.

The textbook BCE overflows (log(1/(1 + e^800)) is -inf) and cancels (σ(40) - 1 is 0, not
-4.2e-18). Each rewrite is an identity, applied to the derived expression:

    1 - σ(t)   = σ(-t)
    log σ(t)   = -softplus(-t)                    softplus(t) = log(1 + e^t)
    log(1/g)   = -log g
    σ(t) + c   = (1 + c) - σ(-|t|)  if t >= 0     (σ(t) = 1 - σ(-t); σ(-|t|) never
               = σ(-|t|) + c        otherwise      overflows, and nothing cancels when
                                                   c is 0 or -1, as for labels in {0, 1})
    log(1 + e^t) = softplus(t)
    (a + c e^u)/(1 + e^u) = a σ(-u) + c σ(u),  and  a tanh(-u/2) when c = -a
    1 - tanh(v)² = 4 σ(2v) σ(-2v)                 (1 - tanh² cancels for large |v|)
    a tanh(v) + c = (a + c) - 2a σ(-2v)           (then split by sign as σ(t) + c is)

softplus is evaluated by NumPy's logaddexp.
"""
import numpy as np
import sympy as sp
from sympy.printing.numpy import NumPyPrinter

from ..steps.algebra import factors_of, product
from ..model.functions import sigmoid


class softplus(sp.Function):
    """softplus(t) = log(1 + e^t)."""

    nargs = 1

    def fdiff(self, argindex=1):
        return sigmoid(self.args[0])

    def _eval_rewrite_as_log(self, t, **kwargs):
        return sp.log(1 + sp.exp(t))


def _complement(expr):
    """1 - σ(t) -> σ(-t)."""
    if isinstance(expr, sp.Add) and len(expr.args) == 2 and 1 in expr.args:
        other = next(a for a in expr.args if a != 1)
        if isinstance(-other, sigmoid):
            return sigmoid(-(-other).args[0])
    return None


def _log_sigmoid(expr):
    """log σ(t) -> -softplus(-t)."""
    if isinstance(expr, sp.log) and isinstance(expr.args[0], sigmoid):
        return -softplus(-expr.args[0].args[0])
    return None


def _small_sigmoid(t):
    """σ(-|t|) = e/(1 + e) with e = exp(-|t|) <= 1: never overflows, never above 1/2."""
    e = sp.exp(-sp.Abs(t))
    return e / (1 + e)


def _split_difference(expr):
    """a σ(t) + c = (a + c) - a σ(-|t|) for t >= 0, and a σ(-|t|) + c for t < 0 (a a
    number, c free of t).

    With labels c = -y in {0, -1} nothing cancels: σ(40) - 1 comes out as -σ(-40)."""
    if not isinstance(expr, sp.Add):
        return None
    scaled = [(a, 1) if isinstance(a, sigmoid) else
              (a.args[1], a.args[0]) if isinstance(a, sp.Mul) and len(a.args) == 2
              and a.args[0].is_Number and isinstance(a.args[1], sigmoid) else None
              for a in expr.args]
    found = [(term, pair) for term, pair in zip(expr.args, scaled) if pair]
    if len(found) != 1:
        return None
    term, (sig, a) = found[0]
    t = sig.args[0]
    c = sp.Add(*[b for b in expr.args if b is not term])
    if c.has(*t.free_symbols) or c == 0:
        return None
    s = _small_sigmoid(t)
    # (a + c) and c first: -σ(-|t|) - y + 1 would round σ(-40) - 1 to 0
    return sp.Piecewise((sp.UnevaluatedExpr(a + c) - a * s, t >= 0),
                        (a * s + sp.UnevaluatedExpr(c), True))


def _tanh_difference(expr):
    """a tanh(v) + c = (a + c) - 2a σ(-2v) (c free of v): tanh(-350) + 1 is 2σ(-700), not
    0, once the sigmoid is split by sign."""
    if not isinstance(expr, sp.Add):
        return None
    found = [(term, f) for term in expr.args for f in [product(*factors_of(term))]
             if any(isinstance(g, sp.tanh) for g in factors_of(term))]
    if len(found) != 1:
        return None
    term = found[0][0]
    tanh = next(g for g in factors_of(term) if isinstance(g, sp.tanh))
    a = sp.Mul(*[g for g in factors_of(term) if g is not tanh])
    c = sp.Add(*[b for b in expr.args if b is not term])
    v = tanh.args[0]
    if not a.is_Number or c.has(*v.free_symbols) or c == 0:
        return None
    return (a + c) - 2 * a * sigmoid(-2 * v)


def _sign_split(expr):
    """σ(t) = 1 - σ(-|t|) for t >= 0 and σ(-|t|) for t < 0."""
    if not isinstance(expr, sigmoid):
        return None
    t = expr.args[0]
    s = _small_sigmoid(t)
    return sp.Piecewise((1 - s, t >= 0), (s, True))


def _log_one_plus_exp(expr):
    """log(1 + e^t) -> softplus(t)."""
    if isinstance(expr, sp.log) and isinstance(expr.args[0], sp.Add) \
            and len(expr.args[0].args) == 2 and 1 in expr.args[0].args:
        other = next(a for a in expr.args[0].args if a != 1)
        if isinstance(other, sp.exp):
            return softplus(other.args[0])
    return None


def _log_reciprocal(expr):
    """log(1/g) -> -log(g): log(1/(1 + e^(-t))) then becomes -softplus(-t)."""
    if isinstance(expr, sp.log) and isinstance(expr.args[0], sp.Pow) and \
            expr.args[0].exp.is_Number and expr.args[0].exp < 0:
        g = expr.args[0]
        return g.exp * sp.log(g.base)
    return None


def _exp_ratio(expr):
    """(a + c e^u)/(1 + e^u) -> a σ(-u) + c σ(u) (a tanh(-u/2) when c = -a): e^u overflows,
    the sigmoids do not."""
    if not isinstance(expr, sp.Mul):
        return None
    for factor in expr.args:
        base = factor.base if isinstance(factor, sp.Pow) and factor.exp == -1 else None
        if isinstance(base, sp.Add) and len(base.args) == 2 and 1 in base.args:
            e = next(a for a in base.args if a != 1)
            if not isinstance(e, sp.exp):
                continue
            # the same exponential however its exponent is written, then expand_mul only
            # at the top: exp(-(b + wx)y) must stay one exponential
            same = sp.expand(e.args[0])
            numerator = sp.Mul(*[f for f in expr.args if f is not factor]).replace(
                lambda f: isinstance(f, sp.exp) and sp.expand(f.args[0]) == same, lambda f: e)
            numerator = sp.expand_mul(numerator, deep=False)
            c = numerator.coeff(e)
            a = sp.expand_mul(numerator - c * e, deep=False)
            if a.has(e) or c.has(e) or sp.expand_mul(a + c * e - numerator, deep=False) != 0:
                continue
            u = e.args[0]
            if sp.expand(a + c) == 0:
                return a * sp.tanh(-u / 2)
            return a * sigmoid(-u) + c * sigmoid(u)
    return None


def _one_minus_tanh_squared(expr):
    """1 - tanh(v)² -> 4 σ(2v) σ(-2v)."""
    if isinstance(expr, sp.Add) and len(expr.args) == 2 and 1 in expr.args:
        other = -next(a for a in expr.args if a != 1)
        if isinstance(other, sp.Pow) and other.exp == 2 and isinstance(other.base, sp.tanh):
            v = other.base.args[0]
            return 4 * sigmoid(2 * v) * sigmoid(-2 * v)
    return None


def _rewritten(expr, rewrites):
    for rewrite in rewrites:
        expr = expr.replace(lambda e, f=rewrite: f(e) is not None, lambda e, f=rewrite: f(e))
    return expr


def stable_form(expr):
    """The identities that keep the expression symbolic (sigmoids, softplus, tanh): safe to
    apply to a definition's body before it is substituted."""
    return _rewritten(expr, (_exp_ratio, _log_reciprocal, _log_one_plus_exp, _one_minus_tanh_squared,
                             _tanh_difference, _complement, _log_sigmoid))


def stabilize(expr):
    """The whole rewrite, ending in the sign-split sigmoids NumPy evaluates."""
    return _rewritten(stable_form(expr), (_split_difference, _sign_split))


def np_softplus(t):
    """log(1 + e^t) without overflow."""
    return np.logaddexp(0, t)


def np_sigmoid(t):
    """σ(t) without overflow: e = exp(-|t|) <= 1, then 1/(1 + e) for t >= 0 and
    e/(1 + e) below (in place: two arrays the size of t, not six)."""
    t = np.asarray(t)
    e = np.abs(t)
    np.negative(e, out=e)
    np.exp(e, out=e)
    out = e + 1
    np.reciprocal(out, out=out)
    np.multiply(out, e, out=out, where=t < 0)
    return out


NUMPY_FUNCTIONS = {"softplus": np_softplus, "inner": np.dot}


class KernelPrinter(NumPyPrinter):
    """NumPy code with a two-piece Piecewise as numpy.where (select is slower)."""

    def _print_UnevaluatedExpr(self, expr):
        # in brackets: SymPy 1.14 prints x + UnevaluatedExpr(-y - 1) as "x - (y - 1)"
        return "(%s)" % self._print(expr.args[0])

    def _print_Piecewise(self, expr):
        if len(expr.args) == 2 and expr.args[1].cond == True:  # noqa: E712 (SymPy true)
            (a, cond), (b, _) = expr.args
            return "where(%s, %s, %s)" % (self._print(cond), self._print(a), self._print(b))
        return super()._print_Piecewise(expr)
