"""Rewrites the routes need on top of derivator/steps/rewrites.py: cases over the labels'
values, the sigmoid recognised and its symmetry, logs of products of powers, and a
definition folded back into its name. Each takes an expression and returns the new one,
or None when it does not apply."""
import sympy as sp

from ...steps.algebra import canonical, factors_of, product, split_coefficient, terms_of, total, transform
from ...model.functions import sigmoid


def within_sums(rewrite):
    """Apply `rewrite` to the body of every sum (or to the whole when there is none)."""
    def apply(expr, *args):
        sums = [s for s in sp.preorder_traversal(expr) if isinstance(s, sp.Sum)]
        if not sums:
            return rewrite(expr, *args)
        done = {}
        for s in sums:
            new = rewrite(s.function, *args)
            if new is not None:
                done[s] = sp.Sum(new, *s.limits)
        if not done:
            return None
        return transform(expr, done.get)
    return apply


def cases(expr, label, values):
    """f(y) = {f(v₁) if y = v₁; f(v₂) if y = v₂}: the expression at each value of the label."""
    if not expr.has(label):
        return None
    return sp.Piecewise(*[(_settle(expr.xreplace({label: sp.Integer(v)})),
                           sp.Eq(label, v)) for v in values])


def _settle(expr):
    """Numbers worked out, the written order otherwise kept: (1 + 1)/2 log σ -> log σ."""
    def fold(e):
        if isinstance(e, (sp.Add, sp.Mul, sp.Pow)) and not e.free_symbols:
            return canonical(e)
        if isinstance(e, sp.Add):
            numbers = [t for t in e.args if t.is_Number]
            if len(numbers) > 1:
                return total(*[t for t in e.args if not t.is_Number], sp.Add(*numbers))
        if isinstance(e, sp.Mul) and any(f.is_Number for f in e.args):
            return product(*e.args)
        return None
    for _ in range(4):
        new = transform(expr, fold)
        if new == expr:
            return new
        expr = new
    return expr


def sigmoid_symmetry(expr):
    """1 - σ(t) = σ(-t) and σ(t) - 1 = -σ(-t)."""
    def flip(e):
        if not isinstance(e, sp.Add) or len(e.args) != 2:
            return None
        terms = terms_of(e)
        ones = [t for t in terms if t.is_Number]
        rest = [t for t in terms if not t.is_Number]
        if len(ones) != 1 or len(rest) != 1:
            return None
        coeff, s = split_coefficient(rest[0])
        if not isinstance(s, sigmoid) or abs(coeff) != 1 or ones[0] != -coeff:
            return None
        return product(-coeff, sigmoid(-s.args[0]))
    new = transform(expr, flip)
    return None if new == expr else new


def one_formula(piecewise, label):
    """Cases over a label's values written as one formula: with labels {0, 1},
    {a if y = 1; b if y = 0} = a^y b^(1-y); with labels {1, -1}, every σ argument and a
    sign that change with the label are the label times what they are at y = 1."""
    values = {int(c.rhs): e for e, c in piecewise.args}
    if set(values) == {0, 1}:
        return product(sp.Pow(values[1], label, evaluate=False),
                       sp.Pow(values[0], total(1, product(-1, label)), evaluate=False))
    if set(values) != {1, -1}:
        return None
    at_plus, at_minus = values[1], values[-1]
    coeff_plus, rest_plus = split_coefficient(at_plus)
    coeff_minus, _ = split_coefficient(at_minus)
    scaled = transform(rest_plus, lambda e: sigmoid(product(label, e.args[0]))
                       if isinstance(e, sigmoid) else None)
    coeff = [coeff_plus] if coeff_plus == coeff_minus else [coeff_plus, label]
    candidate = product(*coeff, *factors_of(scaled))
    if canonical(candidate.xreplace({label: -1})) != canonical(at_minus):
        return None
    return candidate


def log_of_powers(expr):
    """log(a^p b^q) = p log a + q log b."""
    def split(e):
        if not isinstance(e, sp.log):
            return None
        parts = []
        for f in factors_of(e.args[0]):
            base, exp = (f.base, f.exp) if isinstance(f, sp.Pow) else (f, sp.Integer(1))
            parts.append(product(exp, sp.log(base, evaluate=False)))
        return total(*parts)
    new = transform(expr, split)
    return None if new == expr else new


def negate_into(expr):
    """-c Σ (a + b) = c Σ (-a - b): the minus sign moves into the sum's terms."""
    coeff, rest = split_coefficient(expr)
    fs = factors_of(rest)
    sums = [f for f in fs if isinstance(f, sp.Sum)]
    if coeff >= 0 or len(sums) != 1:
        return None
    s = sums[0]
    body = total(*[product(-1, t) for t in terms_of(s.function)])
    return product(-coeff, *[sp.Sum(body, *s.limits) if f is s else f for f in fs])


def minus_log_sigmoid(expr):
    """-log σ(t) = log(1 + e^(-t)): σ's definition, and log(1/g) = -log g."""
    def rewrite(e):
        coeff, rest = split_coefficient(e)
        if coeff == -1 and isinstance(rest, sp.log) and isinstance(rest.args[0], sigmoid):
            t = rest.args[0].args[0]
            return sp.log(total(1, sp.exp(product(-1, t))), evaluate=False)
        return None
    new = transform(expr, rewrite)
    return None if new == expr else new


def recognise_sigmoid(expr):
    """e^a/(1 + e^a) = σ(a) and 1/(1 + e^(-a)) = σ(a), in a product; the sample
    vector (the last factor that is not a number) is written last."""
    def rewrite(e):
        if not isinstance(e, sp.Mul):
            return None
        fs = factors_of(e)
        for f in fs:
            if not (isinstance(f, sp.Pow) and f.exp == -1 and isinstance(f.base, sp.Add)):
                continue
            ts = terms_of(f.base)
            exps = [t for t in ts if isinstance(t, sp.exp)]
            if len(ts) != 2 or len(exps) != 1 or 1 not in ts:
                continue
            a = exps[0].args[0]
            rest = [g for g in fs if g is not f]
            if exps[0] in rest:
                rest.remove(exps[0])
                s = sigmoid(a)
            else:
                s = sigmoid(canonical(-a))
            numbers = [g for g in rest if g.is_Number]
            others = [g for g in rest if not g.is_Number]
            last = [g for g in others if isinstance(g, (sp.Indexed, sp.Symbol))
                    and str(g).startswith("x")][-1:]
            return product(*numbers, *[g for g in others if g not in last], s, *last)
        return None
    new = transform(expr, rewrite)
    return None if new == expr else new


def fold_definition(expr, definition):
    """The body of a definition, met with some arguments, written as its name:
    -y log p - (1 - y) log(1 - p) with y = y⁽ⁱ⁾, p = h(x⁽ⁱ⁾) is L(y⁽ⁱ⁾, h(x⁽ⁱ⁾))."""
    wilds = {p: sp.Wild(f"w_{p}") for p in definition.params}
    pattern = canonical(definition.body.xreplace(wilds))

    def rewrite(e):
        if e.is_Atom or isinstance(e, sp.Function):
            return None
        found = canonical(e).match(pattern)
        if not found or any(found.get(wl) is None for wl in wilds.values()):
            return None
        return definition.name(*[found[wilds[p]] for p in definition.params])
    new = transform(expr, rewrite)
    return None if new == expr else new


# The e^z forms of the BCE notes (../shared/reference/notes_bce_vectorized.md).

def _exp_negative(e):
    return isinstance(e, sp.exp) and e.args[0].could_extract_minus_sign()


def _fraction(f):
    """(numerator, denominator) of a written fraction N (1/D)."""
    fs = factors_of(f)
    den = [g for g in fs if isinstance(g, sp.Pow) and g.exp == -1]
    if len(den) != 1:
        return None
    return product(*[g for g in fs if g is not den[0]]), den[0].base


def _ordered(e):
    """A sum written with its number first: 1 + e^z."""
    ts = terms_of(sp.expand(e))
    return total(*sorted(ts, key=lambda t: not t.is_Number))


def clear_negative_exponent(f):
    """N/(1 + e^(-u)) = N e^u/(e^u + 1): numerator and denominator times e^u."""
    parts = _fraction(f)
    if parts is None:
        return None
    num, den = parts
    negative = [e for e in den.atoms(sp.exp) if _exp_negative(e)]
    if len(negative) != 1:
        return None
    factor = sp.exp(-negative[0].args[0])
    return product(_ordered(num * factor), sp.Pow(_ordered(den * factor), -1, evaluate=False))


def divide_out(f):
    """N/D = q + r/D with N = q D + r, as polynomials in e^u: e^z/(1 + e^z) = 1 - 1/(1 + e^z)."""
    parts = _fraction(f)
    if parts is None:
        return None
    num, den = parts
    exps = den.atoms(sp.exp)
    if len(exps) != 1:
        return None
    T = sp.Dummy("T")
    e = exps.pop()
    q, r = sp.div(sp.expand(num).xreplace({e: T}), sp.expand(den).xreplace({e: T}), T)
    if q == 0:
        return None
    return total(q.xreplace({T: e}), product(r.xreplace({T: e}), sp.Pow(den, -1, evaluate=False)))


def in_derivative(rewrite):
    """Apply `rewrite` to what a derivative differentiates: ∂/∂z f -> ∂/∂z g."""
    def apply(expr):
        ds = [d for d in sp.preorder_traversal(expr) if isinstance(d, sp.Derivative)]
        if len(ds) != 1:
            return None
        new = rewrite(ds[0].expr)
        if new is None:
            return None
        return transform(expr, {ds[0]: sp.Derivative(new, *ds[0].variables,
                                                     evaluate=False)}.get)
    return apply


def invert_reciprocal(expr):
    """1/(1/g) = g and 1/(1 - 1/g) = g/(g - 1): the factor written over g, inverted."""
    fs = factors_of(expr)
    for f in fs:
        if not (isinstance(f, sp.Pow) and f.exp == -1):
            continue
        inner_ = f.base
        if isinstance(inner_, sp.Pow) and inner_.exp == -1:
            inverted = inner_.base
        else:
            recips = [p for t in terms_of(inner_) for p in factors_of(t)
                      if isinstance(p, sp.Pow) and p.exp == -1]
            if not recips:
                continue
            g = recips[0].base
            over_g = _ordered(sp.cancel(canonical(inner_) * canonical(g)))
            inverted = product(g, sp.Pow(over_g, -1, evaluate=False))
        return product(*[inverted if h is f else h for h in fs])
    return None


def multiply_out_negative_exponents(expr):
    """(1 + e^(-z)) e^z = e^z + 1: the factors that hold e^(-z) multiplied out, with the
    e^u that clears them."""
    fs = factors_of(expr)
    group = [f for f in fs if any(_exp_negative(e) for e in f.atoms(sp.exp))]
    if not group:
        return None
    multiplied = sp.expand(sp.Mul(*group))
    for f in fs:
        if f in group or not isinstance(f, sp.exp):
            continue
        if not any(_exp_negative(e) for e in multiplied.atoms(sp.exp)):
            break
        group.append(f)
        multiplied = sp.expand(multiplied * f)
    if any(_exp_negative(e) for e in multiplied.atoms(sp.exp)):
        return None
    rest = [f for f in fs if f not in group]
    return product(_ordered(multiplied), *rest)


def cancel_common(expr):
    """(e^z + 1)/(1 + e^z)² = 1/(1 + e^z): common factors cancelled."""
    new = sp.cancel(canonical(expr))
    num, den = sp.fraction(new)
    if den == 1:
        return None
    written = product(*factors_of(num), sp.Pow(_ordered(den), -1, evaluate=False))
    return None if written == expr else written


def collect_label(expr, label):
    """A + B y over a common denominator, with A and B cancelled: e^z/(1 + e^z) - y."""
    full = canonical(expr)
    if sp.diff(full, label, 2) != 0:
        return None
    a = cancel_common(full.xreplace({label: 0})) or full.xreplace({label: 0})
    coeff = sp.cancel(sp.diff(full, label))
    if coeff.has(sp.exp):
        return None
    return total(a, product(coeff, label))


def to_negative_exponent(expr):
    """e^u/(1 + e^u) = 1/(e^(-u) + 1): numerator and denominator divided by e^u."""
    def rewrite(e):
        parts = _fraction(e) if isinstance(e, sp.Mul) else None
        if parts is None or not isinstance(parts[0], sp.exp):
            return None
        num, den = parts
        return sp.Pow(_ordered(den / num), -1, evaluate=False)
    new = transform(expr, rewrite)
    return None if new == expr else new


def transpose_through(expr):
    """(P Q)ᵀ = Qᵀ Pᵀ, (A + B)ᵀ = Aᵀ + Bᵀ, f(A)ᵀ = f(Aᵀ) for f entry by entry, Aᵀᵀ = A."""
    from sympy.matrices.expressions.applyfunc import ElementwiseApplyFunction
    if isinstance(expr, sp.Transpose):
        return expr.arg
    if isinstance(expr, sp.MatMul):
        scalars = [a for a in expr.args if not isinstance(a, sp.MatrixExpr)]
        matrices = [transpose_through(a) for a in reversed(expr.args)
                    if isinstance(a, sp.MatrixExpr)]
        return sp.MatMul(*scalars, *matrices, evaluate=False)
    if isinstance(expr, sp.MatAdd):
        return sp.MatAdd(*[transpose_through(a) for a in expr.args], evaluate=False)
    if isinstance(expr, ElementwiseApplyFunction):
        return ElementwiseApplyFunction(expr.function, transpose_through(expr.expr))
    if isinstance(expr, sp.OneMatrix):
        return sp.OneMatrix(expr.shape[1], expr.shape[0])
    if isinstance(expr, sp.MatrixExpr):
        return sp.Transpose(expr)
    return expr
