"""Comparing the written form of expressions, independently of the engine.

Two expressions have the same form when they are the same tree up to the order of terms
in a sum and factors in a product (and nested sums or products written flat). Unlike
equality this tells `-y ∂/∂w log h(x)` from `-∂/∂w (y log h(x))`.
"""
import sympy as sp


def _flat(expr, kind):
    if isinstance(expr, kind):
        return [g for a in expr.args for g in _flat(a, kind)]
    return [expr]


def form(expr):
    if isinstance(expr, sp.Add):
        return "Add(" + ",".join(sorted(form(t) for t in _flat(expr, sp.Add))) + ")"
    if isinstance(expr, sp.Mul):
        factors = _flat(expr, sp.Mul)
        coeff = sp.Mul(*[f for f in factors if f.is_Number])
        rest = sorted(form(f) for f in factors if not f.is_Number)
        if coeff != 1:
            rest.insert(0, str(coeff))
        return "Mul(" + ",".join(rest) + ")" if len(rest) > 1 else rest[0]
    if isinstance(expr, sp.Function):
        return expr.func.__name__ + "(" + ",".join(form(a) for a in expr.args) + ")"
    if expr.is_Atom:
        return sp.srepr(expr)
    return type(expr).__name__ + "(" + ",".join(form(a) for a in expr.args) + ")"
