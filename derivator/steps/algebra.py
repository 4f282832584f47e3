"""Small algebra helpers that keep the order in which the lecture writes things.

SymPy sorts the terms of a sum and the factors of a product. A derivation has to show
`-y (1/h(x)) ∂h/∂w` in that order, so rules build unevaluated products and sums with
these helpers, which only merge what is safe to merge (numbers and nested products).
"""
import sympy as sp


def factors_of(expr):
    """The factors of a product, flattening nested products, in written order."""
    if isinstance(expr, sp.Mul):
        out = []
        for arg in expr.args:
            out.extend(factors_of(arg))
        return out
    return [expr]


def terms_of(expr):
    """The terms of a sum, flattening nested sums, in written order."""
    if isinstance(expr, sp.Add):
        out = []
        for arg in expr.args:
            out.extend(terms_of(arg))
        return out
    return [expr]


def product(*factors):
    """An unevaluated product in the given order; numbers are multiplied into one leading
    coefficient and unit factors are dropped."""
    coeff = sp.Integer(1)
    rest = []
    for f in factors:
        for g in factors_of(sp.sympify(f)):
            if g.is_Number:
                coeff *= g
            else:
                rest.append(g)
    if coeff == 0:
        return sp.Integer(0)
    if not rest:
        return coeff
    if coeff == 1 and len(rest) == 1:
        return rest[0]
    args = rest if coeff == 1 else [coeff, *rest]
    return sp.Mul(*args, evaluate=False)


def total(*terms):
    """An unevaluated sum in the given order; zero terms are dropped."""
    flat = [t for term in terms for t in terms_of(sp.sympify(term)) if t != 0]
    if not flat:
        return sp.Integer(0)
    if len(flat) == 1:
        return flat[0]
    return sp.Add(*flat, evaluate=False)


def split_coefficient(expr):
    """(numeric coefficient, the rest as an ordered product)."""
    coeff = sp.Integer(1)
    rest = []
    for f in factors_of(expr):
        if f.is_Number:
            coeff *= f
        else:
            rest.append(f)
    return coeff, product(*rest)


def depends_on(expr, var, opaque=()):
    """True if `expr` depends on `var`, counting every application of an opaque
    intermediate (h(x), z(x)), which SymPy alone would take for a constant, as a function
    of the parameters. `opaque` holds the intermediates' function classes."""
    if expr.has(var):
        return True
    if isinstance(var, sp.Indexed):      # X_ij depends on X_kl: the same matrix's entries
        if any(a.base == var.base for a in expr.atoms(sp.Indexed)):
            return True
    return any(isinstance(a, sp.Function) and a.func in opaque for a in sp.preorder_traversal(expr))


def canonical(expr):
    """Re-evaluate everything but derivatives: the form SymPy would write on its own."""
    if not expr.args:
        return expr
    args = [canonical(a) for a in expr.args]
    if isinstance(expr, sp.Derivative):
        return sp.Derivative(*args, evaluate=False)
    if isinstance(expr, (sp.Sum,)):
        return sp.Sum(*args)
    return expr.func(*args)


def rebuild(expr, args):
    """`expr`'s node with new arguments, keeping products and sums in written order."""
    if isinstance(expr, sp.Mul):
        return product(*args)
    if isinstance(expr, sp.Add):
        return total(*args)
    if isinstance(expr, sp.Derivative):
        return sp.Derivative(*args, evaluate=False)
    if isinstance(expr, sp.Pow):
        base, exp = args
        return base if exp == 1 else sp.Pow(base, exp, evaluate=False)
    return expr.func(*args)


def transform(expr, fn):
    """Rewrite bottom-up: `fn(node)` returns a replacement or None to keep the node."""
    if expr.args:
        args = [transform(a, fn) for a in expr.args]
        if any(a is not b for a, b in zip(args, expr.args)):
            expr = rebuild(expr, args)
    new = fn(expr)
    return expr if new is None else new


def replace_exact(expr, mapping):
    """Replace whole subexpressions, keeping the written order elsewhere."""
    if not mapping:
        return expr
    return transform(expr, mapping.get)


def tidy(expr):
    """Flatten nested products and sums and merge their numbers, keeping written order."""
    return transform(expr, lambda e: None)


def drop_constant_terms(expr, var, opaque=()):
    """The terms of a sum that depend on `var` (their derivative is the whole's)."""
    kept = [t for t in terms_of(expr) if depends_on(t, var, opaque)]
    return total(*kept)
