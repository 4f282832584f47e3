"""Expressions as presentation MathML, written the way the lecture writes them (the same
order of terms and factors, 1/g in place, ∂, x⁽ⁱ⁾, σ) as the other printers: SymPy's
MathML printer with the lecture's layout. Browsers render it natively, with no script."""
from html import escape

import sympy as sp
from sympy.printing.mathml import MathMLPresentationPrinter
from sympy.printing.precedence import PRECEDENCE, precedence
from sympy.printing.pretty.pretty_symbology import pretty_symbol

from .printing import (_elementwise_parts, _is_atom_like, _is_compact, _is_node, _is_sample,
                       _layer_weight, _leads_with_reciprocal, mul_layout, ordered_terms, to_text)


class LectureMathMLPrinter(MathMLPresentationPrinter):
    def __init__(self, **settings):
        settings.setdefault("ln_notation", True)
        super().__init__(settings)

    # building blocks
    def _el(self, tag, *children, text=None):
        node = self.dom.createElement(tag)
        if text is not None:        # SymPy's text nodes are written raw: escape them here
            node.appendChild(self.dom.createTextNode(escape(text, quote=False)))
        for child in children:
            node.appendChild(child)
        return node

    def _mo(self, text, **attributes):
        node = self._el("mo", text=text)
        for name, value in attributes.items():
            node.setAttribute(name, value)
        return node

    def _fence(self, text, form, stretchy):
        """A bracket set tight against what it encloses ("J(w, b)", not "J ( w, b )"): its
        form and spacing said outright, and a stretchy one only around what is taller than
        a line (a stretched glyph is drawn with room on both sides)."""
        return self._mo(text, form=form, lspace="0", rspace="0",
                        stretchy="true" if stretchy else "false")

    def _comma(self):
        return self._mo(",", separator="true", lspace="0", rspace="0.1667em")

    def _mi(self, text):
        return self._el("mi", text=text)

    def _parens(self, node):
        tall = any(node.getElementsByTagName(tag) for tag in ("mfrac", "munderover", "msqrt"))
        return self._el("mrow", self._fence("(", "prefix", tall), node,
                        self._fence(")", "postfix", tall))

    def _row(self, nodes):
        return self._el("mrow", *nodes)

    def _text(self, expr):          # a construct without a 2-D form: its one-line text
        return self._mi(to_text(expr))

    # sums and products, in written order
    def _print_Add(self, expr, order=None):
        nodes = []
        for k, term in enumerate(ordered_terms(expr)):
            negative = term.could_extract_minus_sign()
            if negative:
                nodes.append(self._mo("−"))
                term = -term if not isinstance(term, sp.MatrixExpr) else sp.MatMul(-1, term).doit()
            elif k:
                nodes.append(self._mo("+"))
            shown = self._print(term)
            if isinstance(term, sp.Add) or (negative and isinstance(term, sp.MatAdd)):
                shown = self._parens(shown)
            nodes.append(shown)
        return self._row(nodes)

    _print_MatAdd = _print_Add

    def _factor(self, f, last=True):
        if isinstance(f, sp.Pow) and f.exp.is_Number and f.exp < 0:
            return self._print_Pow(f)
        if isinstance(f, sp.Derivative):
            node = self._print(f)
            return node if last or _is_compact(f) else self._parens(node)
        if isinstance(f, sp.Sum) and last:
            return self._print(f)
        if isinstance(f, (sp.Add, sp.MatAdd, sp.Sum)) or precedence(f) < PRECEDENCE["Mul"]:
            return self._parens(self._print(f))
        return self._print(f)

    def _product(self, nodes):
        out = []
        for k, node in enumerate(nodes):
            if k and node.getAttribute("class") == "function":
                space = self._el("mspace")                # −y ln(h(x)), not −yln(h(x))
                space.setAttribute("width", "0.1667em")
                out.append(space)
            elif k:
                out.append(self._mo("\u2062"))          # invisible times
            out.append(node)
        return self._row(out)

    def _print_Mul(self, expr):
        coeff, factors, den = mul_layout(expr)
        sign = [self._mo("−")] if coeff < 0 else []
        coeff = abs(coeff)
        if den is not None:
            top = [self._print(coeff)] if coeff != 1 else []
            top += [self._factor(f) if len(factors) > 1 else self._print(f) for f in factors]
            below = [self._print(den[0])] if len(den) == 1 else [self._factor(f) for f in den]
            frac = self._el("mfrac", self._product(top or [self._el("mn", text="1")]),
                            self._product(below))
            return self._row(sign + [frac])
        nodes = [self._factor(f, k == len(factors) - 1) for k, f in enumerate(factors)]
        if coeff != 1 and _leads_with_reciprocal(coeff, factors):
            nodes[0] = self._el("mfrac", self._print(coeff), self._print(factors[0].base))
        elif coeff != 1:
            nodes.insert(0, self._print(coeff))
        return self._row(sign + [self._product(nodes)])

    def _print_MatMul(self, expr):
        return self._print_Mul(expr)

    def _print_Pow(self, expr):
        if expr.exp.is_Number and expr.exp < 0:
            inverse = expr.base if expr.exp == -1 else sp.Pow(expr.base, -expr.exp)
            return self._el("mfrac", self._el("mn", text="1"), self._print(inverse))
        if expr.exp == sp.S.Half:
            return self._el("msqrt", self._print(expr.base))
        base = self._print(expr.base)
        if not _is_atom_like(expr.base) or isinstance(expr.base, sp.Function):
            base = self._parens(base)
        return self._el("msup", base, self._print(expr.exp))

    def _print_exp(self, expr):
        return self._el("msup", self._mi("e"), self._print(expr.args[0]))

    def _print_Sum(self, expr):
        nodes = []
        for i, a, b in expr.limits:                         # Σ_i Σ_j in written order
            low = self._row([self._print(i), self._mo("="), self._print(a)])
            nodes.append(self._el("munderover", self._mo("∑"), low, self._print(b)))
        body = self._print(expr.function)
        if isinstance(expr.function, sp.Add):
            body = self._parens(body)
        return self._row(nodes + [body])

    def _print_Product(self, expr):
        nodes = []
        for i, a, b in expr.limits:
            low = self._row([self._print(i), self._mo("="), self._print(a)])
            nodes.append(self._el("munderover", self._mo("∏"), low, self._print(b)))
        return self._row(nodes + [self._factor(expr.function)])

    # derivatives, indices, functions
    def _print_Derivative(self, expr):
        below = self._row([n for v, _ in expr.variable_count
                           for n in (self._mo("∂"), self._print(v))])
        if isinstance(expr.expr, (sp.Indexed, sp.Symbol)):       # ∂X_ij/∂X_kl
            return self._el("mfrac", self._row([self._mo("∂"), self._print(expr.expr)]), below)
        arg = self._print(expr.expr)
        if not _is_atom_like(expr.expr):
            arg = self._parens(arg)
        return self._row([self._el("mfrac", self._mo("∂"), below), arg])

    def _print_Indexed(self, expr):
        label = self._print(expr.base.label)
        indices = self._row([n for k, i in enumerate(expr.indices)
                             for n in ([self._comma()] if k else []) + [self._print(i)]])
        if _is_sample(expr):
            return self._el("msup", label, self._parens(indices))
        weight = _layer_weight(expr)
        if weight:
            stem, idx = weight
            parts = [n for k, i in enumerate(idx)
                     for n in ([self._comma()] if k else []) + [self._print(sp.sympify(i))]]
            return self._el("msub", self._mi(stem), self._row(parts))
        return self._el("msub", label, indices)

    def _print_IndexedBase(self, expr):
        return self._print(expr.label)

    def _print_KroneckerDelta(self, expr):
        return self._el("msub", self._mi("δ"), self._row([self._print(a) for a in expr.args]))

    def _print_Transpose(self, expr):
        arg = self._print(expr.arg)
        if not isinstance(expr.arg, (sp.MatrixSymbol, sp.OneMatrix)):
            arg = self._parens(arg)
        return self._el("msup", arg, self._mi("⊤"))

    def _print_Inverse(self, expr):
        arg = self._print(expr.arg)
        if not isinstance(expr.arg, sp.MatrixSymbol):
            arg = self._parens(arg)
        return self._el("msup", arg, self._row([self._mo("−"), self._el("mn", text="1")]))

    def _print_MatPow(self, expr):
        return self._el("msup", self._print(expr.base), self._print(expr.exp))

    def _print_inner(self, expr):
        a, b = expr.args
        return self._row([self._el("msup", self._print(a), self._mi("⊤")), self._print(b)])

    def _print_sigmoid(self, expr):
        return self._row([self._mi("σ"), self._parens(self._print(expr.args[0]))])

    def _print_ElementwiseApplyFunction(self, expr):
        func, arg = _elementwise_parts(expr)
        name = "σ" if func.__name__ == "sigmoid" else func.__name__
        return self._row([self._mi(name), self._parens(self._print(arg))])

    def _print_Function(self, expr):
        if _is_node(expr):                               # h(k, x) is the node h_k(x)
            args = [n for k, a in enumerate(expr.args[1:])
                    for n in ([self._comma()] if k else []) + [self._print(a)]]
            return self._row([self._el("msub", self._mi(expr.func.__name__),
                                       self._print(expr.args[0])), self._parens(self._row(args))])
        if type(expr).__name__ in ("entry", "ChainSum", "ProductExcept"):
            return self._text(expr)
        name = "ln" if expr.func == sp.log else pretty_symbol(expr.func.__name__)
        args = [n for k, a in enumerate(expr.args)
                for n in ([self._comma()] if k else []) + [self._print(a)]]
        row = self._row([self._mi(name), self._mo("\u2061"), self._parens(self._row(args))])
        if len(name) > 1:                  # ln, tr, exp: a thin space before, as TeX sets \ln
            row.setAttribute("class", "function")
        return row

    def _print_ZeroMatrix(self, expr):
        return self._el("mn", text="0")

    def _print_OneMatrix(self, expr):
        return self._mi("𝟙")

    def _print_Equality(self, expr):
        return self._row([self._print(expr.lhs), self._mo("="), self._print(expr.rhs)])

    def _print_Symbol(self, expr, style="plain"):
        return self._mi(to_text(expr))

    def _print_MatrixSymbol(self, expr):
        return self._mi(to_text(expr))


def to_mathml(expr):
    """`expr` as the content of a <math> element."""
    return LectureMathMLPrinter().doprint(expr)


def equation(lhs, expr, continued=False):
    """`lhs = expr`, `= expr` when continued, or expr alone (an equation such as
    Xᵀ(y - Xw) = 0) as a <math display="block"> element."""
    printer = LectureMathMLPrinter()
    row = [printer._print(lhs), printer._mo("=")] if lhs is not None else \
        [printer._mo("=")] if continued else []
    node = printer._el("math", printer._row(row + [printer._print(expr)]))
    node.setAttribute("display", "block")
    return node.toxml()
