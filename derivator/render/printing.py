"""Printers that write expressions the way the lecture does.

SymPy's printers sort terms and factors and turn `-y (1/h) ∂h/∂w` into a fraction.
These keep the written order of unevaluated products and sums, print a reciprocal factor
as 1/g in place, always use ∂, write samples as x⁽ⁱ⁾, and put positive terms first in
sums SymPy has sorted (h(x) - y rather than -y + h(x)).
"""
import contextlib
import contextvars

import sympy as sp
from sympy.printing.latex import LatexPrinter
from sympy.printing.precedence import PRECEDENCE, precedence
from sympy.printing.pretty.pretty import PrettyPrinter
from sympy.printing.pretty.pretty_symbology import pretty_symbol
from sympy.printing.pretty.stringpict import prettyForm, stringPict
from sympy.printing.str import StrPrinter

SUPERSCRIPT = str.maketrans("0123456789abcdefghijklmnoprstuvwxyz()+-",
                            "⁰¹²³⁴⁵⁶⁷⁸⁹ᵃᵇᶜᵈᵉᶠᵍʰⁱʲᵏˡᵐⁿᵒᵖʳˢᵗᵘᵛʷˣʸᶻ⁽⁾⁺⁻")


# Samples are written x⁽ⁱ⁾ (the lecture's style); other indexed names, such as the
# entries X_ij of a matrix, with subscripts. Renderers say which bases are samples.
_SAMPLE_BASES = contextvars.ContextVar("sample_bases", default=frozenset())


@contextlib.contextmanager
def samples_of(model):
    """Print the model's sample bases (x, y) as x⁽ⁱ⁾ while rendering it."""
    bases = frozenset(str(b.label) for b in getattr(model, "samples", ()) or ()) \
        if getattr(model, "sample_style", "superscript") == "superscript" else frozenset()
    token = _SAMPLE_BASES.set(bases)
    try:
        yield
    finally:
        _SAMPLE_BASES.reset(token)


def _is_sample(indexed):
    return str(indexed.base.label) in _SAMPLE_BASES.get()


def _index_name(i):
    """An index as written: k, or a_p and a_{p+1} for a chain's own indices."""
    if isinstance(i, sp.Indexed):
        inner = str(i.indices[0]).replace(" ", "")
        return "%s_%s" % (i.base.label, inner if len(inner) == 1 else "{%s}" % inner)
    return str(i)


def _subscript(indices):
    names = [_index_name(i) for i in indices]
    if all(len(n) == 1 for n in names):
        return "".join(names)
    return (" " if any(isinstance(i, sp.Indexed) for i in indices) else ",").join(names)


def _is_sorted_by_sympy(expr):
    """True when SymPy built this sum or product itself (so its order means nothing)."""
    try:
        return expr.func(*expr.args).args == expr.args
    except Exception:          # an argument SymPy cannot combine: keep the written order
        return False


def ordered_terms(expr):
    """A sum's terms as written; in a sum SymPy ordered itself, positive terms first
    (h(x) - y, not -y + h(x))."""
    if isinstance(expr, sp.MatrixExpr) or not _is_sorted_by_sympy(expr):
        return list(expr.args)
    return sorted(expr.args, key=lambda t: t.could_extract_minus_sign())


def ordered_factors(expr):
    if isinstance(expr, sp.MatrixExpr) or not _is_sorted_by_sympy(expr):
        return list(expr.args)
    return sorted(expr.args, key=lambda f: not f.is_Number)     # numbers first


def signed_terms(printer, expr):
    """Join the terms of a sum with + and -, in the order ordered_terms gives."""
    out = ""
    for k, t in enumerate(ordered_terms(expr)):
        s = printer._print(t)
        if s.startswith("-"):
            out += ("-" if k == 0 else " - ") + s[1:]
        else:
            out += ("" if k == 0 else " + ") + s
    return out


def mul_layout(expr):
    """(coefficient, factors, denominators or None): how to write a product.

    A product with a squared (or higher) denominator is written as one fraction; other
    reciprocals stay in place as 1/g factors, as in -y (1/h(x)) ∂h/∂w.
    """
    coeff = sp.Integer(1)
    factors = []
    for f in _flat_factors(expr):
        if f.is_Number:
            coeff *= f
        else:
            factors.append(f)
    structured = any(isinstance(f, (sp.Sum, sp.Derivative, sp.MatrixExpr)) for f in factors)
    if structured:       # 1/σ² Σ ...: a symbol's reciprocal leads, as a coefficient
        lead = [f for f in factors if isinstance(f, sp.Pow) and f.exp.is_Number and f.exp < 0
                and f.base.is_Symbol]
        factors = lead + [f for f in factors if f not in lead]
    big = [f for f in factors if isinstance(f, sp.Pow) and f.exp.is_Number and f.exp < -1
           and not (structured and f.base.is_Symbol)]
    reciprocal = [f for f in factors if isinstance(f, sp.Pow) and f.exp == -1]
    if not structured and any(isinstance(f.base, sp.Mul) for f in reciprocal):
        big = reciprocal                   # -(y - f)²/(2σ²): a product below is a quotient
    if len(factors) == 2 and len(reciprocal) == 1 and coeff == 1:
        top = next(f for f in factors if f not in reciprocal)
        shared = _parts(top) & _parts(reciprocal[0].base)
        if isinstance(top, sp.Add) and shared:
            big = reciprocal               # (1 - e^(-u)) / (1 + e^(-u)): a quotient
    if big:
        num = [f for f in factors if not (isinstance(f, sp.Pow) and f.exp.is_Number
                                          and f.exp < 0)]
        den = [f.base if f.exp == -1 else sp.Pow(f.base, -f.exp, evaluate=False)
               for f in factors if f not in num]
        return coeff, num, den
    return coeff, factors, None


def _flat_factors(expr):
    """The factors of an unevaluated product of products, -1 · (a · b) read as -1, a, b."""
    out = []
    for f in ordered_factors(expr):
        if isinstance(f, sp.Mul) and not isinstance(f, sp.MatrixExpr):
            out.extend(_flat_factors(f))
        else:
            out.append(f)
    return out


SUBSCRIPT = str.maketrans("0123456789aeijklmnoprstuvx", "₀₁₂₃₄₅₆₇₈₉ₐₑᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ")


def _subscript_text(indices):
    text = _subscript(indices)
    if any(isinstance(i, sp.Indexed) for i in indices):
        return "_{%s}" % text
    sub = text.translate(SUBSCRIPT)
    return sub if all(ch != c for ch, c in zip(sub, text)) else "_" + text


def _is_node(expr):
    """A function whose first argument is an integer index: node k of a layer, h_k(x)."""
    return (isinstance(expr, sp.core.function.AppliedUndef) and len(expr.args) >= 2
            and isinstance(expr.args[0], sp.Symbol) and expr.args[0].is_integer)


def _elementwise_parts(expr):
    """(function, argument) of f applied entry by entry, as in σ(Xw)."""
    body = expr.function.expr
    return body.func, expr.expr


def _short_name(func):
    """The name a function is printed with: the step function as H."""
    return "H" if func is sp.Heaviside else func.__name__


def _is_compact(derivative):
    """∂X_ij/∂X_kl is written as one fraction, which needs no brackets."""
    return isinstance(derivative, sp.Derivative) and isinstance(derivative.expr,
                                                                (sp.Indexed, sp.Symbol))


def _variable_text(v):
    return _indexed_text(v) if isinstance(v, sp.Indexed) else pretty_symbol(str(v))


def _layer_weight(expr):
    """w_2[d] is written w_{2,d}: the layer number joins the indices."""
    label = str(expr.base.label)
    stem, _, layer = label.rpartition("_")
    return (stem, (layer, *expr.indices)) if stem and layer.isdigit() else None


def _indexed_text(expr):
    weight = _layer_weight(expr)
    if weight:
        return "%s_{%s}" % (weight[0], ",".join(str(i) for i in weight[1]))
    label = str(expr.base.label)
    if _is_sample(expr):
        return label + ("(" + ",".join(str(i) for i in expr.indices) + ")").translate(SUPERSCRIPT)
    return label + _subscript_text(expr.indices)


def _parts(expr):
    """The non-trivial pieces of an expression (functions, powers), to tell a quotient
    such as (1 - e^(-u))/(1 + e^(-u)) from a product such as (1 - y) (1/(1 - h))."""
    return {a for a in sp.preorder_traversal(expr)
            if isinstance(a, (sp.Function, sp.Pow)) and a.free_symbols}


def _leads_with_reciprocal(coeff, factors):
    """True for 2 · (1/N) · …, written as the one fraction 2/N."""
    return (coeff.is_Integer and bool(factors) and isinstance(factors[0], sp.Pow)
            and factors[0].exp == -1 and factors[0].base.is_Symbol)


def _is_atom_like(expr):
    return expr.is_Atom or isinstance(expr, (sp.Function, sp.Indexed)) and not isinstance(
        expr, sp.exp)


class LectureLatexPrinter(LatexPrinter):
    def _print_Add(self, expr, order=None):
        return signed_terms(self, expr)

    _print_MatAdd = _print_Add

    def _print_MatMul(self, expr):
        return self._print_Mul(expr)

    def _print_OneMatrix(self, expr):
        return r"\mathbf{1}"

    def _print_ElementwiseApplyFunction(self, expr):
        func, arg = _elementwise_parts(expr)
        return self._print(func(sp.Symbol("ARG"))).replace("ARG", self._print(arg))

    def _print_Transpose(self, expr):
        return r"%s^{\top}" % self.parenthesize(expr.arg, PRECEDENCE["Pow"])

    def _print_DiagMatrix(self, expr):
        return r"\operatorname{diag}\left(%s\right)" % self._print(expr.args[0])

    def _print_Heaviside(self, expr, exp=None):
        return r"H\left(%s\right)" % self._print(expr.args[0])

    def _print_Softmax(self, expr):
        return r"\operatorname{softmax}\left(%s\right)" % self._print(expr.args[0])

    def _print_HadamardPower(self, expr):
        return r"%s^{\circ %s}" % (self.parenthesize(expr.args[0], PRECEDENCE["Pow"]),
                                   self._print(expr.args[1]))

    def _print_HadamardProduct(self, expr):
        return r" \odot ".join(self.parenthesize(a, PRECEDENCE["Mul"]) for a in expr.args)

    def _print_inner(self, expr, exp=None):
        a, b = (self._print(v) for v in expr.args)
        out = r"%s^{\top} %s" % (a, b)
        return out if exp is None else r"\left(%s\right)^{%s}" % (out, exp)

    def _print_Derivative(self, expr):
        var = "".join(r"\partial " + self._print(v) for v, n in expr.variable_count)
        if isinstance(expr.expr, (sp.Indexed, sp.Symbol)):
            return r"\frac{\partial %s}{%s}" % (self._print(expr.expr), var)
        arg = self._print(expr.expr)
        if not _is_atom_like(expr.expr):
            arg = r"\left(%s\right)" % arg
        return r"\frac{\partial}{%s} %s" % (var, arg)

    def _print_Indexed(self, expr):
        if _is_sample(expr):
            return "%s^{(%s)}" % (self._print(expr.base.label),
                                  ",".join(self._print(i) for i in expr.indices))
        weight = _layer_weight(expr)
        if weight:
            return "%s_{%s}" % (weight[0], ",".join(self._print(i) for i in weight[1]))
        if any(isinstance(i, sp.Indexed) for i in expr.indices):
            return "%s_{%s}" % (self._print(expr.base.label),
                                " ".join(self._print(i) for i in expr.indices))
        return "%s_{%s}" % (self._print(expr.base.label), _subscript(expr.indices))

    def _print_entry(self, expr):
        matrix, *idx = expr.args
        inner = self._print(matrix)
        if not isinstance(matrix, sp.MatrixSymbol):
            inner = r"\left(%s\right)" % inner
        return "%s_{%s}" % (inner, _subscript(idx))

    def _print_IndexedBase(self, expr):
        return self._print(expr.label)

    def _print_ChainSum(self, expr):
        body, a, k, size = expr.args
        return r"\sum_{%s_1, \dots, %s_{%s} = 1}^{%s} %s" % (
            a.label, a.label, self._print(k), self._print(size), self._print(body))

    def _print_ProductExcept(self, expr):
        f, p, q, k = expr.args
        return r"\prod_{%s = 1, %s \neq %s}^{%s} %s" % (p, p, q, self._print(k), self._print(f))

    def _print_Function(self, expr, exp=None):
        if _is_node(expr):
            out = r"%s_{%s}\left(%s\right)" % (expr.func.__name__, self._print(expr.args[0]),
                                               ", ".join(self._print(a) for a in expr.args[1:]))
            return out if exp is None else r"\left(%s\right)^{%s}" % (out, exp)
        return super()._print_Function(expr, exp)

    def _print_KroneckerDelta(self, expr, exp=None):
        return r"\delta_{%s}" % _subscript(expr.args)

    def _print_sigmoid(self, expr, exp=None):
        out = r"\sigma\left(%s\right)" % self._print(expr.args[0])       # as the course writes it
        return out if exp is None else r"\left(%s\right)^{%s}" % (out, exp)

    def _print_Sum(self, expr):
        body = self._print(expr.function)
        if isinstance(expr.function, sp.Add):
            body = r"\left(%s\right)" % body
        signs = " ".join(r"\sum_{%s=%s}^{%s}" % (self._print(i), self._print(a), self._print(b))
                         for i, a, b in expr.limits)
        return "%s %s" % (signs, body)

    def _print_Mul(self, expr):
        coeff, factors, den = mul_layout(expr)
        sign = "-" if coeff < 0 else ""
        coeff = abs(coeff)
        if den is not None:
            if len(factors) == 1 and coeff == 1:
                num = self._print(factors[0])
            else:
                num = " ".join(self._factor(f) for f in factors) or "1"
                if coeff != 1:
                    num = self._print(coeff) + " " + num if factors else self._print(coeff)
            below = self._print(den[0]) if len(den) == 1 else " ".join(self._factor(f) for f in den)
            return sign + r"\frac{%s}{%s}" % (num, below)
        parts = [self._factor(f, last=(k == len(factors) - 1)) for k, f in enumerate(factors)]
        if coeff != 1:
            if _leads_with_reciprocal(coeff, factors):
                parts[0] = r"\frac{%s}{%s}" % (self._print(coeff), self._print(factors[0].base))
            else:
                parts.insert(0, self._print(coeff))
        return sign + " ".join(parts)

    def _factor(self, f, last=True):
        if isinstance(f, sp.Pow) and f.exp.is_Number and f.exp < 0:
            return self._print_Pow(f)
        if isinstance(f, sp.Derivative):
            return self._print(f) if last or _is_compact(f) else r"\left(%s\right)" % self._print(f)
        if isinstance(f, sp.Sum) and last:
            return self._print(f)
        if isinstance(f, (sp.Add, sp.Sum)):
            return r"\left(%s\right)" % self._print(f)
        return self.parenthesize(f, PRECEDENCE["Mul"])

    def _print_Pow(self, expr):
        if expr.exp.is_Number and expr.exp < 0:
            inverse = expr.base if expr.exp == -1 else sp.Pow(expr.base, -expr.exp)
            return r"\frac{1}{%s}" % self._print(inverse)
        if isinstance(expr.base, sp.Pow) and expr.base.exp == -1:
            return r"\left(%s\right)^{%s}" % (self._print(expr.base), self._print(expr.exp))
        return super()._print_Pow(expr)


class LecturePrettyPrinter(PrettyPrinter):
    def __init__(self, **settings):
        settings.setdefault("use_unicode", True)
        super().__init__(settings)

    def _as_ordered_terms(self, expr, order=None):
        return ordered_terms(expr)

    def _print_MatAdd(self, expr):
        # SymPy joins a negative matrix term without its spaces ("(y - X w)-λ w"): a term
        # -λ w of a matrix sum is written " - " and λ w, as a scalar sum's is
        def minus(t):             # MatMul(-λ, w) does not say it could extract a minus sign
            return isinstance(t, sp.MatMul) and (t.could_extract_minus_sign() or (
                t.args and t.args[0].is_commutative and t.args[0].could_extract_minus_sign()))
        if not any(minus(t) for t in expr.args):
            return self._print_Add(expr)
        out = None
        for k, term in enumerate(ordered_terms(expr)):
            negative = minus(term)
            form = self._print(-term if negative else term)
            if isinstance(term, sp.MatAdd):
                form = prettyForm(*form.parens())
            sign = (" - " if negative else " + ") if k else ("-" if negative else "")
            if out is None:
                out = prettyForm(*stringPict.next(prettyForm(sign), form)) if sign else form
            else:
                out = prettyForm(*stringPict.next(out, sign, form))
        out.binding = prettyForm.ADD
        return out

    def _print_MatMul(self, expr):
        return self._print_Mul(expr)

    def _print_ElementwiseApplyFunction(self, expr):
        func, arg = _elementwise_parts(expr)
        return prettyForm(*stringPict.next(prettyForm(_short_name(func)),
                                           prettyForm(*self._print(arg).parens())))

    def _print_DiagMatrix(self, expr):
        return prettyForm(*stringPict.next(prettyForm("diag"),
                                           prettyForm(*self._print(expr.args[0]).parens())))

    def _print_Heaviside(self, expr):
        return prettyForm(*stringPict.next(prettyForm("H"),
                                           prettyForm(*self._print(expr.args[0]).parens())))

    def _print_Softmax(self, expr):
        return prettyForm(*stringPict.next(prettyForm("softmax"),
                                           prettyForm(*self._print(expr.args[0]).parens())))

    def _print_HadamardPower(self, expr):
        return prettyForm(self._print(expr.args[0]).__str__() + "^∘" + str(expr.args[1]))

    def _print_HadamardProduct(self, expr):
        parts = [prettyForm(*self._print(a).parens()) if isinstance(a, (sp.MatAdd, sp.Add))
                 else self._print(a) for a in expr.args]
        out = parts[0]
        for p in parts[1:]:
            out = prettyForm(*stringPict.next(out, " ⊙ ", p))
        out.binding = prettyForm.MUL
        return out

    def _print_inner(self, expr):
        a, b = (self._print(v) for v in expr.args)
        out = prettyForm(*stringPict.next(a ** prettyForm("T"), b))
        out.binding = prettyForm.MUL
        return out

    def _print_Derivative(self, deriv):
        var = prettyForm(" ".join("∂" + _variable_text(v) for v, n in deriv.variable_count))
        if isinstance(deriv.expr, (sp.Indexed, sp.Symbol)):       # ∂X_ij/∂X_kl as a fraction
            return prettyForm.__truediv__(prettyForm("∂" + _variable_text(deriv.expr)), var)
        frac = prettyForm(*prettyForm("∂").below(stringPict.LINE, var))
        frac.baseline = frac.baseline + 1
        arg = self._print(deriv.expr)
        if not _is_atom_like(deriv.expr):
            arg = prettyForm(*arg.parens())
        out = prettyForm(*stringPict.next(frac, arg))
        out.binding = prettyForm.MUL
        return out

    def _print_Indexed(self, expr):
        return prettyForm(_indexed_text(expr))

    def _print_entry(self, expr):
        return prettyForm(LectureStrPrinter().doprint(expr))

    def _print_KroneckerDelta(self, expr):
        return prettyForm("δ" + _subscript_text(expr.args))

    def _print_IndexedBase(self, expr):
        return prettyForm(str(expr.label))

    def _print_ChainSum(self, expr):
        body, a, k, size = expr.args
        sign = prettyForm("Σ_{%s₁…%s_%s} " % (a.label, a.label, k))
        return prettyForm(*stringPict.next(sign, self._print(body)))

    def _print_ProductExcept(self, expr):
        f, p, q, k = expr.args
        sign = prettyForm("Π_{%s≠%s} " % (p, q))
        return prettyForm(*stringPict.next(sign, self._print(f)))

    def _print_Function(self, expr, **kwargs):
        if _is_node(expr):
            return prettyForm(LectureStrPrinter().doprint(expr))
        return super()._print_Function(expr, **kwargs)

    def _print_Sum(self, expr):
        # SymPy draws the last limit leftmost; draw them in written order, Σ_i Σ_j
        return super()._print_Sum(sp.Sum(expr.function, *reversed(expr.limits)))

    def _print_Mul(self, expr):
        coeff, factors, den = mul_layout(expr)
        negative = coeff < 0
        coeff = abs(coeff)
        if den is not None:
            if len(factors) == 1 and coeff == 1:
                num = self._print(factors[0])
            elif factors or coeff != 1:
                num = self._product([coeff] * (coeff != 1) + factors)
            else:
                num = prettyForm("1")
            out = prettyForm.__truediv__(num, self._print(den[0]) if len(den) == 1
                                         else self._product(den))
        elif coeff != 1 and _leads_with_reciprocal(coeff, factors):
            fraction = prettyForm.__truediv__(self._print(coeff), self._print(factors[0].base))
            out = self._product(factors[1:], first=fraction)
        elif coeff.is_Rational and coeff.q != 1:          # ½ (1 - f²) x
            fraction = prettyForm.__truediv__(prettyForm(str(coeff.p)), prettyForm(str(coeff.q)))
            out = self._product(factors, first=fraction)
        else:
            lead = [coeff] if coeff != 1 else []
            out = self._product(lead + factors)
        if negative:
            out = prettyForm(*stringPict.next(prettyForm("-"), out))
            out.binding = prettyForm.NEG
        return out

    def _product(self, factors, first=None):
        forms = [first] if first is not None else []
        for k, f in enumerate(factors):
            last = k == len(factors) - 1
            if isinstance(f, sp.Pow) and f.exp.is_Number and f.exp < 0:
                p = self._print_Pow(f)
            elif isinstance(f, sp.Derivative) and not last and not _is_compact(f):
                p = prettyForm(*self._print(f).parens())
            elif isinstance(f, (sp.Add, sp.HadamardProduct)) or (isinstance(f, sp.Sum)
                                                                  and not last):
                p = prettyForm(*self._print(f).parens())
            else:
                p = self._print(f)
                if precedence(f) < PRECEDENCE["Mul"]:
                    p = prettyForm(*p.parens())
            forms.append(p)
        if not forms:
            return prettyForm("1")
        out = forms[0]
        for p in forms[1:]:
            out = prettyForm(*stringPict.next(out, " ", p))
        out.binding = prettyForm.MUL
        return out

    def _print_Pow(self, expr):
        if expr.exp.is_Number and expr.exp < 0:
            inverse = expr.base if expr.exp == -1 else sp.Pow(expr.base, -expr.exp)
            return prettyForm.__truediv__(prettyForm("1"), self._print(inverse))
        if (isinstance(expr.base, sp.Pow) and expr.base.exp == -1) or \
                isinstance(expr.base, sp.Function):
            base = prettyForm(*self._print(expr.base).parens())
            return base ** self._print(expr.exp)
        return super()._print_Pow(expr)


class LectureStrPrinter(StrPrinter):
    """One line of plain text, for JSON and explanations."""

    printmethod = "_derivator_str"    # not Indexed._sympystr: our own methods decide

    def _as_ordered_terms(self, expr, order=None):
        return ordered_terms(expr)

    def _print_Add(self, expr, order=None):
        return signed_terms(self, expr)

    _print_MatAdd = _print_Add

    def _print_inner(self, expr):
        return "%sᵀ%s" % tuple(self._print(v) for v in expr.args)

    def _print_Symbol(self, expr):
        return pretty_symbol(expr.name)

    def _print_IndexedBase(self, expr):
        return str(expr.label)

    def _print_Function(self, expr):
        name = pretty_symbol(expr.func.__name__)
        if _is_node(expr):                      # h(k, x) is the node h_k(x)
            return "%s%s(%s)" % (name, _subscript_text(expr.args[:1]),
                                 ", ".join(self._print(a) for a in expr.args[1:]))
        return "%s(%s)" % (name, ", ".join(self._print(a) for a in expr.args))

    def _print_Transpose(self, expr):
        arg = self._print(expr.arg)
        return (arg if isinstance(expr.arg, (sp.MatrixSymbol, sp.OneMatrix)) else "(%s)" % arg) + "ᵀ"

    def _print_MatMul(self, expr):
        return self._print_Mul(expr)

    def _print_OneMatrix(self, expr):
        return "𝟙"

    def _print_ElementwiseApplyFunction(self, expr):
        func, arg = _elementwise_parts(expr)
        return "%s(%s)" % (_short_name(func), self._print(arg))

    def _print_DiagMatrix(self, expr):
        return "diag(%s)" % self._print(expr.args[0])

    def _print_Heaviside(self, expr):
        return "H(%s)" % self._print(expr.args[0])

    def _print_Softmax(self, expr):
        return "softmax(%s)" % self._print(expr.args[0])

    def _print_HadamardPower(self, expr):
        return "%s^∘%s" % (self.parenthesize(expr.args[0], PRECEDENCE["Pow"]),
                           self._print(expr.args[1]))

    def _print_HadamardProduct(self, expr):
        return " ⊙ ".join(self.parenthesize(a, PRECEDENCE["Mul"]) for a in expr.args)

    def _print_Derivative(self, expr):
        var = " ".join("∂" + self._print(v) for v, n in expr.variable_count)
        if isinstance(expr.expr, (sp.Indexed, sp.Symbol)):
            return "∂%s/%s" % (self._print(expr.expr), var)
        arg = self._print(expr.expr)
        return "∂/%s %s" % (var, arg if _is_atom_like(expr.expr) else "(%s)" % arg)

    def _print_Indexed(self, expr):
        return _indexed_text(expr)

    def _print_entry(self, expr):
        matrix, *idx = expr.args
        inner = self._print(matrix)
        if not isinstance(matrix, sp.MatrixSymbol):
            inner = "(%s)" % inner
        return inner + _subscript_text(idx)

    def _print_KroneckerDelta(self, expr):
        return "δ" + _subscript_text(expr.args)

    def _print_Trace(self, expr):
        return "tr(%s)" % self._print(expr.arg)

    def _print_Equality(self, expr):
        return "%s = %s" % (self._print(expr.lhs), self._print(expr.rhs))

    def _print_ChainSum(self, expr):
        body, a, k, size = expr.args
        return "Σ_{%s_1,…,%s_%s=1}^{%s} %s" % (a.label, a.label, k, size, self._wrap(body))

    def _print_ProductExcept(self, expr):
        f, p, q, k = expr.args
        return "Π_{%s=1, %s≠%s}^{%s} %s" % (p, p, q, k, self._print(f))

    def _print_MatPow(self, expr):
        exp = self._print(expr.exp)
        return "%s^%s" % (self._print(expr.base), exp if expr.exp.is_Atom else "(%s)" % exp)

    def _print_Inverse(self, expr):
        arg = self._print(expr.arg)
        return (arg if isinstance(expr.arg, sp.MatrixSymbol) else "(%s)" % arg) + "⁻¹"

    def _print_Product(self, expr):
        signs = " ".join("Π_{%s=%s}^{%s}" % (i, a, b) for i, a, b in expr.limits)
        return "%s %s" % (signs, self._wrap(expr.function))

    def _print_log(self, expr):
        return "ln(%s)" % self._print(expr.args[0])


    def _print_exp(self, expr):
        arg = expr.args[0]
        return "e^" + (self._print(arg) if arg.is_Atom else "(%s)" % self._print(arg))

    def _print_Sum(self, expr):
        signs = " ".join("Σ_{%s=%s}^{%s}" % (i, a, b) for i, a, b in expr.limits)
        return "%s %s" % (signs, self._wrap(expr.function))

    def _wrap(self, f):
        s = self._print(f)
        return "(%s)" % s if isinstance(f, (sp.Add, sp.Sum)) else s

    def _print_Mul(self, expr):
        coeff, factors, den = mul_layout(expr)
        sign = "-" if coeff < 0 else ""
        coeff = abs(coeff)

        def one(f, last=True):
            if isinstance(f, sp.Pow) and f.exp.is_Number and f.exp < 0:
                return "(%s)" % self._print_Pow(f)
            if isinstance(f, sp.Add) or (isinstance(f, (sp.Sum, sp.Derivative)) and not last
                                         and not _is_compact(f)):
                return "(%s)" % self._print(f)
            return self.parenthesize(f, PRECEDENCE["Mul"])

        if den is not None:
            if len(factors) == 1 and coeff == 1:
                num = self._print(factors[0])
            else:
                num = " ".join(one(f) for f in factors) or "1"
                if coeff != 1:
                    num = "%s %s" % (coeff, num) if factors else str(coeff)
            if len(factors) > 1 or any(isinstance(f, (sp.Add, sp.Derivative)) for f in factors):
                num = "(%s)" % num
            return sign + "%s/%s" % (num, " ".join(self._wrap_atom(f) for f in den))
        parts = [one(f, k == len(factors) - 1) for k, f in enumerate(factors)]
        if coeff != 1 and _leads_with_reciprocal(coeff, factors):
            parts[0] = "(%s/%s)" % (coeff, self._print(factors[0].base))
        elif coeff != 1:
            parts.insert(0, self._print(coeff))
        return sign + " ".join(parts)

    def _wrap_atom(self, f):
        s = self._print(f)
        return s if _is_atom_like(f) or isinstance(f, sp.Pow) else "(%s)" % s

    def _print_Pi(self, expr):
        return "π"

    def _print_Pow(self, expr, rational=False):
        if expr.exp == sp.S.Half:
            return "√" + self._wrap_atom(expr.base) if _is_atom_like(expr.base) else \
                "√(%s)" % self._print(expr.base)
        if expr.exp.is_Number and expr.exp < 0:
            inverse = expr.base if expr.exp == -1 else sp.Pow(expr.base, -expr.exp)
            return "1/%s" % self._wrap_atom(inverse)
        base = self._print(expr.base)
        if not _is_atom_like(expr.base):
            base = "(%s)" % base
        exp = self._print(expr.exp)
        return "%s^%s" % (base, exp if expr.exp.is_Atom and not expr.exp.is_negative else "(%s)" % exp)


def to_latex(expr):
    return LectureLatexPrinter().doprint(expr)


@contextlib.contextmanager
def _unicode():
    """SymPy draws Σ and brackets from a global flag it sets from sys.stdout's encoding at
    import; ours are always Unicode (a captured or ASCII stdout made it fail on Σ)."""
    from sympy.printing.pretty.pretty_symbology import pretty_use_unicode
    before = pretty_use_unicode(True)
    try:
        yield
    finally:
        pretty_use_unicode(before)


def to_pretty(expr, width=None):
    printer = LecturePrettyPrinter(num_columns=width) if width else LecturePrettyPrinter()
    with _unicode():
        return printer.doprint(expr)


def to_text(expr):
    return LectureStrPrinter().doprint(expr)


def pretty_equation(lhs, expr, width=None):
    """`lhs = expr` (or `  = expr` when lhs is None) as 2-D text, wrapped to width."""
    printer = LecturePrettyPrinter(num_columns=width) if width else LecturePrettyPrinter()
    with _unicode():
        left = printer._print(lhs) if lhs is not None else prettyForm("")
        eq = prettyForm(*stringPict.next(left, " = " if lhs is not None else "= ",
                                         printer._print(expr)))
        return eq.render(wrap_line=True, num_columns=width or 80, use_unicode=True)
