"""The last tidying of a result into the form a textbook prints, as one step of its own.

Within every product, in written order: a factor and its reciprocal cancel ((1/f) f),
powers of one base combine (g^(γ-1) g = g^γ), sinh(u)/cosh(u) is written tanh(u), and the
numbers are gathered into one leading coefficient (½ · 2 cancels). Equal terms of a sum are
combined (t + t = 2t). Nothing else moves, so the line still reads like the one before.
"""
import sympy as sp

from .algebra import factors_of, product, rebuild, terms_of, total


def _base_exp(f):
    if isinstance(f, sp.Pow) and not f.base.is_Number:
        return f.base, f.exp
    return f, sp.Integer(1)


def _power(base, exp):
    if exp == 1:
        return base
    return sp.Pow(base, exp, evaluate=False)


def combine_factors(expr):
    """A product with equal bases merged (in the place of the first), numbers in front."""
    fs = factors_of(expr)
    coeff, order, exps = sp.Integer(1), [], {}
    for f in fs:
        if f.is_Number:
            coeff *= f
            continue
        base, exp = _base_exp(f)
        if base not in exps:
            order.append(base)
            exps[base] = sp.Integer(0)
        exps[base] += exp
    # sinh(u) cosh(u)^(-1) = tanh(u)
    for base in list(order):
        if isinstance(base, sp.sinh) and exps.get(base) == 1 and exps.get(sp.cosh(base.args[0])) == -1:
            exps.pop(sp.cosh(base.args[0]))
            order[order.index(base)] = sp.tanh(base.args[0])
            exps[sp.tanh(base.args[0])] = exps.pop(base)
            order.remove(sp.cosh(base.args[0]))
    kept = [_power(b, sp.expand(exps[b])) for b in order if sp.expand(exps[b]) != 0]
    return product(coeff, *kept)


def combine_terms(expr):
    """A sum with equal terms (up to their numbers) merged, in the place of the first."""
    order, coeffs = [], {}
    for t in terms_of(expr):
        fs = factors_of(t)
        c = sp.Mul(*[f for f in fs if f.is_Number])
        rest = product(*[f for f in fs if not f.is_Number])
        key = sp.simplify(0) if rest == 0 else rest
        if key not in coeffs:
            order.append(key)
            coeffs[key] = sp.Integer(0)
        coeffs[key] += c
    return total(*[product(coeffs[k], k) for k in order if coeffs[k] != 0])


def textbook_form(expr):
    """expr with equal factors and terms combined, then each sum's body (or expr, if it has
    no sum) with its common factors taken out where that makes it shorter:
    (2 r x (1 + r²) − 2 r³ x)/(1 + r²)² becomes 2 r x/(1 + r²)²."""
    expr = _combined(expr)
    if expr.has(sp.Sum):
        return expr.replace(lambda e: isinstance(e, sp.Sum),
                            lambda e: e.func(_shorter(e.function), *e.limits))
    return _shorter(expr)


def _shorter(expr):
    if expr.has(sp.Sum, sp.Derivative, sp.MatrixExpr):
        return expr
    candidate = sp.factor_terms(expr)
    return candidate if sp.count_ops(candidate) < sp.count_ops(expr) else expr


def _combined(expr):
    """combine_factors and combine_terms applied everywhere, bottom-up."""
    if not expr.args or isinstance(expr, (sp.Indexed, sp.Symbol)):
        return expr
    args = [_combined(a) for a in expr.args]
    new = expr if all(a is b for a, b in zip(args, expr.args)) else rebuild(expr, args)
    if isinstance(new, sp.Mul):
        return combine_factors(new)
    if isinstance(new, sp.Add):
        return combine_terms(new)
    return new
