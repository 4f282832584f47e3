"""The named functions the lectures use, as SymPy functions.

`sigmoid` stays a function of its own (so a derivation can keep it opaque and print it as
the lecture does) but knows its definition and its derivative, so SymPy can check steps.
"""
import sympy as sp


class sigmoid(sp.Function):
    """sigmoid(t) = 1 / (1 + e^(-t))."""

    nargs = 1

    @staticmethod
    def definition(t):
        return 1 / (1 + sp.exp(-t))

    def fdiff(self, argindex=1):
        s = sigmoid(self.args[0])
        return s * (1 - s)

    def _eval_rewrite_as_exp(self, t, **kwargs):
        return sigmoid.definition(t)

    def _eval_is_real(self):
        return self.args[0].is_real


class softplus(sp.Function):
    """softplus(t) = log(1 + e^t); its derivative is σ(t)."""

    nargs = 1

    @staticmethod
    def definition(t):
        return sp.log(1 + sp.exp(t))

    def fdiff(self, argindex=1):
        return sigmoid(self.args[0])

    def _eval_rewrite_as_exp(self, t, **kwargs):
        return softplus.definition(t)


class relu(sp.Function):
    """relu(t) = max(0, t); its derivative is the step function H(t) (undefined at 0,
    where the derivation takes H(0) = 0 as the libraries do)."""

    nargs = 1

    @staticmethod
    def definition(t):
        return sp.Max(0, t)

    def fdiff(self, argindex=1):
        return sp.Heaviside(self.args[0], 0)


NAMED = (sigmoid, softplus, relu)


def numpy_namespace():
    """The named functions (and relu's derivative, the step H) as NumPy functions, for
    lambdify: on numbers or arrays, stable for any argument."""
    import numpy as np

    def np_sigmoid(t):
        e = np.exp(-np.abs(t))
        return np.where(np.asarray(t) >= 0, 1, e) / (1 + e)
    return {"sigmoid": np_sigmoid, "softplus": lambda t: np.logaddexp(0, t),
            "relu": lambda t: np.maximum(t, 0),
            "Heaviside": lambda t, h0=0: np.heaviside(t, h0)}


def expand_named_functions(expr):
    """Replace every named function by its definition (for checking and lambdify)."""
    return expr.replace(lambda e: isinstance(e, NAMED), lambda e: e.definition(e.args[0]))


class inner(sp.Function):
    """inner(x, w) = xᵀw, the dot product of two D-vectors.

    SymPy treats x and w as scalars here, so ∂/∂w xᵀw = x follows from `fdiff`; the
    checker evaluates it with real vectors (numpy.dot) so that shapes are checked too.
    """

    nargs = 2

    def fdiff(self, argindex=1):
        return self.args[1] if argindex == 1 else self.args[0]

    def _eval_rewrite_as_Mul(self, a, b, **kwargs):
        return a * b


class entry(sp.Function):
    """entry(M, k, l) = (M)_kl, the entry of a matrix expression (entry(v, k) for a vector).

    Kept as a function so that `2 (Xᵀ)_kl` prints as the lecture writes it; `as_element`
    gives SymPy's MatrixElement (0-based) for numeric checks."""

    def as_element(self, shift=1):
        matrix, *idx = self.args
        row = idx[0] - shift
        col = idx[1] - shift if len(idx) > 1 else 0
        return matrix[row, col]


class Softmax(sp.MatrixExpr):
    """softmax(z) for a K-vector z: the vector e^(z_k) / Σ_c e^(z_c)."""

    def __new__(cls, arg):
        return sp.Basic.__new__(cls, arg)

    @property
    def arg(self):
        return self.args[0]

    @property
    def shape(self):
        return self.arg.shape

    def _entry(self, i, j, **kwargs):
        c = sp.Dummy("c", integer=True)
        return sp.exp(self.arg[i, 0]) / sp.Sum(sp.exp(self.arg[c, 0]), (c, 0, self.shape[0] - 1))

    @staticmethod
    def numeric(v):
        import numpy as np
        e = np.exp(v - np.max(v))
        return e / e.sum()


# --- matrix calculus as far as the Matrix Cookbook goes (issue 20) ------------------------

def _wrapped(printer, expr):
    text = printer._print(expr)
    return text if isinstance(expr, sp.MatrixSymbol) else f"({text})"


class InverseEntry(sp.Function):
    """(X⁻¹)_ij, an entry of the inverse in index notation: InverseEntry(X, i, j) with X an
    IndexedBase. ∂(X⁻¹)_ij/∂X_kl = -(X⁻¹)_ik (X⁻¹)_lj."""

    nargs = 3
    is_commutative = True
    is_real = True

    def _eval_derivative(self, s):
        base, i, j = self.args
        if isinstance(s, sp.Indexed) and s.base == base and len(s.indices) == 2:
            k, l = s.indices
            return -InverseEntry(base, i, k) * InverseEntry(base, l, j)
        return sp.Integer(0)

    def numeric(self, value, arrays):
        import numpy as np
        base, i, j = self.args
        inverse = np.linalg.inv(arrays[str(base.label)])
        return float(inverse[int(value(i)) - 1, int(value(j)) - 1])

    def _sympystr(self, printer):
        return f"({self.args[0].label}⁻¹)_{printer._print(self.args[1])}{printer._print(self.args[2])}"

    def _derivator_str(self, printer):
        return self._sympystr(printer)

    def _latex(self, printer):
        base, i, j = self.args
        return r"\left(%s^{-1}\right)_{%s%s}" % (base.label, printer._print(i), printer._print(j))

    def _pretty(self, printer):
        from sympy.printing.pretty.stringpict import prettyForm
        return prettyForm(self._sympystr(printer))


class Det(sp.Function):
    """det X of a square matrix X in index notation (X an IndexedBase).
    Jacobi's formula: ∂det X/∂X_kl = det(X) (X⁻¹)_lk."""

    nargs = 1
    is_commutative = True
    is_real = True

    def _eval_derivative(self, s):
        base = self.args[0]
        if isinstance(s, sp.Indexed) and s.base == base and len(s.indices) == 2:
            k, l = s.indices
            return self * InverseEntry(base, l, k)
        return sp.Integer(0)

    def numeric(self, value, arrays):
        import numpy as np
        return float(np.linalg.det(arrays[str(self.args[0].label)]))

    def _sympystr(self, printer):
        return f"det({self.args[0].label})"

    def _derivator_str(self, printer):
        return self._sympystr(printer)

    def _latex(self, printer):
        return r"\det %s" % self.args[0].label

    def _pretty(self, printer):
        from sympy.printing.pretty.stringpict import prettyForm
        return prettyForm(self._sympystr(printer))


class Determinant(sp.Determinant):
    """det X of a matrix expression, printed as the Cookbook prints it: det(X)."""

    def _derivator_str(self, printer):
        return f"det({printer._print(self.arg)})"

    def _latex(self, printer):
        return r"\det\left(%s\right)" % printer._print(self.arg)

    def _pretty(self, printer):
        from sympy.printing.pretty.stringpict import prettyForm
        return prettyForm(f"det({self.arg})")


class ScalarOf(sp.Function):
    """A 1×1 matrix expression (aᵀXb, xᵀy) read as the number it is, so that it can
    multiply a matrix: 2 (aᵀXb) abᵀ."""

    nargs = 1
    is_commutative = True
    is_real = True

    @classmethod
    def eval(cls, m):
        if isinstance(m, sp.MatrixBase):           # explicit: the number itself
            return m[0, 0]
        return None

    def _numpycode(self, printer):
        return "numpy.squeeze(%s)" % printer._print(self.args[0])

    _lambdacode = _numpycode

    def _sympystr(self, printer):
        return f"({printer._print(self.args[0])})"

    def _derivator_str(self, printer):
        return self._sympystr(printer)

    def _latex(self, printer, exp=None):       # exp: the power it is raised to, (aᵀx)²
        inner = r"\left(%s\right)" % printer._print(self.args[0])
        return inner if exp is None else f"{inner}^{{{exp}}}"

    def _pretty(self, printer):
        return printer._print(self.args[0]).parens()


class InverseTranspose(sp.MatrixExpr):
    """X⁻ᵀ = (X⁻¹)ᵀ = (Xᵀ)⁻¹, written as the Cookbook writes it."""

    def __new__(cls, arg):
        return sp.Basic.__new__(cls, arg)

    @property
    def arg(self):
        return self.args[0]

    @property
    def shape(self):
        return self.arg.shape

    def doit(self, **hints):
        return sp.Inverse(sp.Transpose(self.arg)).doit(**hints)

    def _entry(self, i, j, **kwargs):
        return sp.Inverse(self.arg)._entry(j, i, **kwargs)

    def _numpycode(self, printer):
        return "numpy.linalg.inv(%s).T" % printer._print(self.arg)

    def _sympystr(self, printer):
        return _wrapped(printer, self.arg) + "⁻ᵀ"

    def _derivator_str(self, printer):
        return self._sympystr(printer)

    def _latex(self, printer):
        arg = printer._print(self.arg)
        return (arg if isinstance(self.arg, sp.MatrixSymbol) else r"\left(%s\right)" % arg) \
            + r"^{-\top}"

    def _pretty(self, printer):
        from sympy.printing.pretty.stringpict import prettyForm
        return prettyForm(_wrapped(printer, self.arg) + "⁻ᵀ")


# functions a file may apply to an entry or, in a matrix form, entry by entry; each
# derivative is in steps.rules.EntrywiseChain
ENTRYWISE = {"sin": sp.sin, "cos": sp.cos, "tan": sp.tan}


def diff_through_matrix_functions(expr, var):
    """∂expr/∂var where expr holds det X or (X⁻¹)_ij, which SymPy takes for constants:
    sums, products, powers and functions of one argument by their rules, det X and
    (X⁻¹)_ij by theirs, the rest by SymPy."""
    d = lambda e: diff_through_matrix_functions(e, var)
    if not expr.has(Det, InverseEntry):
        return sp.diff(expr, var)
    if isinstance(expr, (Det, InverseEntry)):
        return expr._eval_derivative(var)
    if isinstance(expr, sp.Add):
        return sp.Add(*[d(a) for a in expr.args])
    if isinstance(expr, sp.Mul):
        return sp.Add(*[sp.Mul(*[d(a) if n == k else a for n, a in enumerate(expr.args)])
                        for k in range(len(expr.args))])
    if isinstance(expr, sp.Sum):
        return sp.Sum(d(expr.function), *expr.limits)
    if isinstance(expr, sp.Pow) and not expr.exp.has(Det, InverseEntry):
        return expr.exp * expr.base ** (expr.exp - 1) * d(expr.base)
    if isinstance(expr, sp.Function) and len(expr.args) == 1:
        return expr.fdiff(1) * d(expr.args[0])
    raise ValueError(f"cannot differentiate {expr}")


# what an index problem holds whole-matrix functions of (for the rules' dependence tests)
MATRIX_FUNCTIONS = frozenset({Det, InverseEntry})

# Functions with a kink or a jump: no derivative everywhere, so no step-by-step rule.
OUT_OF_SCOPE = {
    "abs": "abs(...) is out of scope: |t| has no derivative at 0 (the lasso's subgradient "
           "is not derived)",
    "max": "max(...) is out of scope: a hinge max(0, 1 - t) has no derivative at its kink; "
           "relu(t) = max(0, t) is in scope, with the step function as its derivative",
    "min": "min(...) is out of scope: min(a, b) has no derivative where a = b (the Huber "
           "loss's pieces are not derived)",
    "sign": "sign(...) is out of scope: it jumps at 0, and its derivative is 0 elsewhere",
}
_OUT_OF_SCOPE_CALL = None


def out_of_scope(text):
    """(column, message) for the first call of abs, max, min or sign in `text` (also
    written \\max, \\operatorname{sign}, sgn), else None: said before anything else is read."""
    import re
    global _OUT_OF_SCOPE_CALL
    if _OUT_OF_SCOPE_CALL is None:
        _OUT_OF_SCOPE_CALL = re.compile(
            r"(?<![A-Za-z0-9_])\\?(?:operatorname\{)?(abs|max|min|sign|sgn)\}?\s*(?:\(|\\\{|\{|\\left|\\bigl?)")
    found = _OUT_OF_SCOPE_CALL.search(text)
    if found is None:
        return None
    name = "sign" if found.group(1) == "sgn" else found.group(1)
    return found.start() + 1, OUT_OF_SCOPE[name]
