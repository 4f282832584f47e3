"""Expressions of problem files, read safely: the answers' grammar parses the text into a
tree (derivator.answers.read.parse), and this module builds SymPy objects from the tree for
the names a file declares. Nothing here evaluates text: a name the scope does not know is
an error, never a lookup in Python.

Two modes:
- scalar (definitions, index forms): products and sums are built unevaluated, in the
  order they are written, as the derivation prints them;
- matrix (the `matrix` form of an index problem): names are MatrixSymbols and SymPy's
  matrix algebra applies (Xᵀ, X³, tr).
"""
from dataclasses import dataclass, field

import sympy as sp

from ..answers.read.parse import AnswerError, parse
from .functions import ENTRYWISE, Det, Determinant, InverseEntry, Softmax, inner, out_of_scope, relu, sigmoid, softplus


class ExpressionError(ValueError):
    """An expression of a file that cannot be read: what is wrong (and the column)."""


# the functions every file may call, by the grammar's canonical names
ELEMENTARY = {"exp": sp.exp, "log": sp.log, "sqrt": lambda t: sp.Pow(t, sp.S.Half, evaluate=False),
              "sigma": sigmoid,
              "tanh": sp.tanh, "softplus": softplus, "relu": relu, **ENTRYWISE,
              "cosh": sp.cosh, "sinh": sp.sinh}


OUT_OF_SCOPE = {
    "max": "max(...) is out of scope: a hinge max(0, 1 - t) has no derivative at its kink; "
           "relu(t) = max(0, t) is in scope, with the step function as its derivative",
    "abs": "abs(...) is out of scope: |t| has no derivative at 0",
    "min": "min(...) is out of scope: it has no derivative where its arguments are equal",
    "det": "det(...) is out of scope here: the determinant det(X) of one square matrix is "
           "derived in an index problem",
    "logdet": "logdet(...) is out of scope here: the log det, logdet(X) of one square "
              "matrix, is derived in an index problem",
}


@dataclass
class Scope:
    """What the names of one expression mean.

    symbols: name -> SymPy object (Symbol, MatrixSymbol, IndexedBase used whole);
    indexed: name -> IndexedBase read with subscripts (X_{ij}, w_{1,k,a}, x_i);
    functions: name -> a callable that builds the application (a definition's head);
    vectors: symbols standing for D-vectors, so that wᵀx is read as inner(w, x)."""
    symbols: dict = field(default_factory=dict)
    indexed: dict = field(default_factory=dict)
    functions: dict = field(default_factory=dict)
    vectors: frozenset = frozenset()

    def with_symbols(self, extra):
        return Scope({**self.symbols, **extra}, self.indexed, self.functions, self.vectors)


def read(text, scope, matrix=False):
    """The SymPy expression of `text` in `scope`, or ExpressionError."""
    if not isinstance(text, str):
        raise ExpressionError(f"expected an expression in quotes, found {text!r}")
    callable_names = set(scope.functions) | {"inner"} | set(ENTRYWISE)
    scope_error = out_of_scope(text)
    if scope_error:                      # said first: the grammar cannot read min(a, b)
        raise ExpressionError(f"column {scope_error[0]}: {scope_error[1]}")
    try:
        tree = parse(text, functions=callable_names)
    except AnswerError as error:
        raise ExpressionError(str(error)) from None
    try:
        return _Builder(scope, matrix).build(tree)
    except RecursionError:
        raise ExpressionError("the expression is nested too deeply") from None
    except ExpressionError:
        raise
    except (TypeError, ValueError) as error:     # SymPy refusing it: x + 1 with x a vector
        raise ExpressionError(f"this expression does not make sense as written: {error}") \
            from None


# Sums and products are expanded term by term when a derivation is checked; a file's
# sum to 10⁹ would never end. A size counts as the largest value a check may give it.
MAX_TERMS = 10_000
LARGEST_SIZE = 8


def terms(expr, sizes=None):
    """How many terms the sums and products of `expr` expand to, at most: a bound that is
    a size counts its value in `sizes` (by name), else LARGEST_SIZE; infinity for a bound
    that is not a number."""
    if not isinstance(expr, sp.Basic):
        return 0
    if not isinstance(expr, (sp.Sum, sp.Product)):
        return sum(terms(a, sizes) for a in expr.args)
    count = max(terms(expr.function, sizes), 1)
    for _, low, high in expr.limits:
        at = {s: (sizes or {}).get(str(s), LARGEST_SIZE)
              for s in (low.free_symbols | high.free_symbols)}
        span = (high - low + 1).subs(at)
        if not (span.is_Number and span.is_finite):
            return sp.oo
        count *= max(int(span), 1)
    return count


def _written_product(factors):
    """An unevaluated product in written order, its numbers merged into one coefficient
    where the first number stood (½ Σ…, not ½·1·Σ…)."""
    numbers = [f for f in factors if f.is_Number]
    if len(numbers) == len(factors):
        return sp.Mul(*factors)
    coeff = sp.Mul(*numbers)
    out, placed = [], False
    for f in factors:
        if f.is_Number:
            if not placed and coeff != 1:
                out.append(coeff)
            placed = True
        else:
            out.append(f)
    return out[0] if len(out) == 1 else sp.Mul(*out, evaluate=False)


def _flatten(node, kinds):
    """The operands of a chain a + b - c (or a b / c) with their operator, written order."""
    if node.kind in kinds:
        left, right = node.args
        return _flatten(left, kinds) + [(node.kind, right)]
    return [(None, node)]


class _Builder:
    def __init__(self, scope, matrix):
        self.scope = scope
        self.matrix = matrix

    def fail(self, node, message):
        raise ExpressionError(f"column {node.column}: {message}" if node.column else message)

    def build(self, n):
        handler = getattr(self, f"_{n.kind}", None)
        if handler is None:
            self.fail(n, f"{n.kind!r} is not allowed in a problem file")
        return handler(n)

    # --- leaves ---------------------------------------------------------------------
    def _num(self, n):
        return sp.Integer(n.value) if isinstance(n.value, int) else sp.Float(n.value)

    def _name(self, n):
        name, sub = n.value
        return self.resolve(n, name, tuple(sub or ()))

    def resolve(self, n, name, sub):
        s = self.scope
        key = name if not sub else f"{name}_{'_'.join(sub)}"
        if key in s.symbols:
            return s.symbols[key]
        if not sub and name in ("pi", "e"):
            return sp.pi if name == "pi" else sp.E
        # an indexed name, possibly with part of its subscript in its name (w_1 of w_{1,k,a})
        for cut in range(len(sub), -1, -1):
            base = name if cut == 0 else f"{name}_{'_'.join(sub[:cut])}"
            if base in s.indexed and cut < len(sub):
                indices = self.indices(n, sub[cut:])
                return s.indexed[base][tuple(indices)]
        if not sub and name in s.indexed:
            return s.indexed[name]
        known = sorted(set(s.symbols) | set(s.indexed))
        self.fail(n, f"unknown name {key!r}; declared here: {', '.join(known) or 'none'}")

    def indices(self, n, parts):
        out = []
        for part in parts:
            if part.isdigit():
                out.append(sp.Integer(int(part)))
            elif part in self.scope.symbols:
                out.append(self.scope.symbols[part])
            elif len(part) > 1 and all(c in self.scope.symbols for c in part):
                out.extend(self.scope.symbols[c] for c in part)     # X_{ij}
            else:
                self.fail(n, f"unknown index {part!r} in a subscript")
        return out

    # --- operators ------------------------------------------------------------------
    def _add(self, n):
        terms = []
        for op, operand in _flatten(n, ("add", "sub")):
            value = self.build(operand)
            terms.append(self.negate(value) if op == "sub" else value)
        if self.matrix:
            return sp.Add(*terms) if not any(isinstance(t, sp.MatrixExpr) for t in terms) \
                else sp.MatAdd(*terms).doit()
        return sp.Add(*terms, evaluate=False)

    _sub = _add

    def negate(self, value):
        if value.is_Number:
            return -value
        if self.matrix:
            return -value
        return sp.Mul(sp.Integer(-1), value, evaluate=False)

    def _neg(self, n):
        return self.negate(self.build(n.args[0]))

    def _mul(self, n):
        if n.value == "odot" and self.matrix:           # A ⊙ B, entry by entry
            return sp.HadamardProduct(*[self.build(a) for a in n.args])
        chain = _flatten(n, ("mul", "div"))
        factors = []
        for op, operand in chain:
            if op == "div":
                factors.append(self.reciprocal(operand, self.build(operand)))
            else:
                factors.append(self.build(operand))
        factors = self.inner_products(factors, [operand for _, operand in chain])
        if self.matrix:
            out = factors[0]
            for f in factors[1:]:
                out = out * f
            return out
        return _written_product(factors)

    _div = _mul

    def reciprocal(self, node, value):
        if isinstance(value, sp.MatrixExpr):
            self.fail(node, "cannot divide by a matrix; write inv(A) or A^{-1}")
        if value.is_Number:
            return sp.Integer(1) / value
        return sp.Pow(value, -1, evaluate=False)

    def inner_products(self, factors, nodes):
        """wᵀ x, with w and x declared vectors, is the inner product inner(w, x)."""
        if self.matrix or not self.scope.vectors:
            return factors
        out, k = [], 0
        while k < len(factors):
            node, a = nodes[k], factors[k]
            negated = node.kind == "neg"              # -wᵀx
            if negated:
                node, a = node.args[0], a.args[1] if isinstance(a, sp.Mul) else a
            if node.kind == "transpose" and k + 1 < len(factors):
                b = factors[k + 1]
                if a in self.scope.vectors and b in self.scope.vectors:
                    out.append(sp.Mul(-1, inner(a, b), evaluate=False) if negated
                               else inner(a, b))
                    k += 2
                    continue
            out.append(factors[k])
            k += 1
        return out

    def _pow(self, n):
        base, exponent = (self.build(a) for a in n.args)
        if self.matrix:
            return base ** exponent
        return sp.Pow(base, exponent, evaluate=False)

    def _transpose(self, n):
        value = self.build(n.args[0])
        if isinstance(value, sp.MatrixExpr):
            return value.T
        if value in self.scope.vectors:
            return value                # read together with the next factor as wᵀx
        self.fail(n, "only a matrix or a declared vector can be transposed")

    def _inv(self, n):
        value = self.build(n.args[0])
        if isinstance(value, sp.MatrixExpr):
            return sp.Inverse(value)
        return self.reciprocal(n, value)

    def _sum(self, n, kind=sp.Sum):
        lower, upper, body = n.args
        index = self.scope.symbols.get(n.value)
        if not isinstance(index, sp.Symbol):
            self.fail(n, f"{n.value!r} is not a declared index")
        low, high, value = self.build(lower), self.build(upper), self.build(body)
        if isinstance(value, kind):      # Σ_i Σ_j f: one sum over (i, j), as written
            out = kind(value.function, (index, low, high), *value.limits)
        else:
            out = kind(value, (index, low, high))
        if terms(out) > MAX_TERMS:       # the checks would add them up, term by term
            self.fail(n, f"this {'sum' if kind is sp.Sum else 'product'} has more than "
                         f"{MAX_TERMS} terms: a sum runs over a declared size, such as "
                         f"i=1..N")
        return out

    def _prod(self, n):
        return self._sum(n, sp.Product)

    def _call(self, n):
        func, sub = n.value
        args = [self.build(a) for a in n.args]
        full = func if not sub else f"{func}_{''.join(sub)}"
        if full in self.scope.functions:
            return self.scope.functions[full](*args)
        if self.matrix and func in ("tr", "transpose", "inv"):
            return {"tr": sp.Trace, "transpose": sp.Transpose, "inv": sp.Inverse}[func](*args)
        if func == "inner" and len(args) == 2:
            return inner(*args)
        if func == "norm" and len(args) == 1 and self.matrix:
            return sp.sqrt(sp.Trace(args[0].T * args[0]))
        if func in ELEMENTARY:
            if len(args) != 1:
                self.fail(n, f"{func} takes one argument")
            if isinstance(args[0], sp.MatrixExpr):          # σ(Wx), log(p): entry by entry
                return args[0].applyfunc(ELEMENTARY[func] if func not in ("exp", "log")
                                         else {"exp": sp.exp, "log": sp.log}[func])
            return ELEMENTARY[func](args[0], evaluate=False) if func in ("exp", "log") \
                else ELEMENTARY[func](args[0])
        if func == "softmax" and self.matrix and len(args) == 1:
            return Softmax(args[0])
        if func in ("det", "logdet") and len(args) == 1:
            det = _determinant(args[0])
            if det is not None:
                return det if func == "det" else sp.log(det, evaluate=False)
        if func in OUT_OF_SCOPE:
            self.fail(n, OUT_OF_SCOPE[func])
        if func in ("softmax", "logsumexp", "norm"):
            self.fail(n, f"{func}(...) is not supported in this form yet: write it with "
                         f"exp, log and a sum")
        self.fail(n, f"unknown function {full!r}")

    def _entry(self, n):
        """(X⁻¹)_ij, written inv(X)_{ij}, (X^{-1})_{ij} or X^{-1}_{ij}, in an index form."""
        inner_node, = n.args
        target = inner_node.args[0] if inner_node.kind == "inv" or (
            inner_node.kind == "call" and inner_node.value[0] == "inv"
            and len(inner_node.args) == 1) else None
        base = self.build(target) if target is not None and not self.matrix else None
        if not isinstance(base, sp.IndexedBase):
            self.fail(n, "only an entry of an inverse, inv(X)_{ij}, can be written here")
        indices = self.indices(n, n.value)
        if len(indices) != 2:
            self.fail(n, f"an entry of inv({base}) needs two indices")
        return InverseEntry(base, *indices)


def _determinant(arg):
    """det of a matrix expression (a matrix form) or of an IndexedBase (an index form)."""
    if isinstance(arg, sp.MatrixExpr):
        if not arg.is_square:
            return None
        return Determinant(arg)
    if isinstance(arg, sp.IndexedBase):
        return Det(arg)
    return None


def entrywise_definitions(problem):
    """An index problem's [[definitions]] of one scalar parameter, g(t) = body, as functions
    its expressions may call: on a number the body with t replaced; on a matrix or vector
    (a matrix form) entry by entry, g(A)_ij = g(A_ij), so that its derivative is written
    with ⊙ and diag() like that of sin or σ (issue 20)."""
    out = {}
    for k, d in enumerate(problem.data.get("definitions") or []):
        if not (isinstance(d, dict) and isinstance(d.get("name"), str)
                and isinstance(d.get("params"), list) and len(d["params"]) == 1
                and isinstance(d["params"][0], str) and isinstance(d.get("body"), str)):
            raise problem.error(("definitions", k), "a definition of an index problem has a "
                                "name, one scalar parameter (params = [\"t\"]) and a body")
        t = sp.Dummy(d["params"][0])
        scope = Scope({**problem.sizes(), **problem.scalars(), d["params"][0]: t})
        body = problem.read(d["body"], scope, key=("definitions", k, "body"))
        lam = sp.Lambda(t, body)
        out[d["name"]] = lambda arg, lam=lam: arg.applyfunc(lam) \
            if isinstance(arg, sp.MatrixExpr) else lam(arg)
    return out
