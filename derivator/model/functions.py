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
