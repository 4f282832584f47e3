"""An answer as SymPy objects for the problem's declared names (X a D×D MatrixSymbol, w a
D×1 one, k a natural number), built from the parsed tree, never from text. Used for a
symbolic confirmation where SymPy can give one cheaply; the verdict never depends on it.
"""
import sympy as sp

from ...model.functions import sigmoid

OPS_LIMIT = 200      # beyond this, no symbolic attempt: numbers have decided already
MAX_NODES = 120      # an answer tree larger than this is not given to SymPy
MAX_TERMS = 1_000    # nor one whose expansion could have more terms than this
MAX_SUM_POWER = 3    # (a + b)^n is expanded only for n up to this: multinomials explode


class NotSymbolic(Exception):
    """The answer uses something this builder does not write symbolically (a sum)."""


def to_sympy(tree, problem):
    names = {}
    sizes = problem.sizes()
    for name, m in problem.matrices().items():
        names[name] = m
    for name, v in problem.names.items():
        if v.kind == "natural":
            names[name] = sp.Symbol(name, integer=True, positive=True)
        elif v.kind == "scalar" and "sample" not in problem.data["names"][name]:
            names[name] = sp.Symbol(name)
        elif "alias_of" in problem.data["names"][name]:
            names[name] = problem.matrices().get(problem.data["names"][name]["alias_of"])
    names.update({str(s): s for s in sizes.values()})
    return _build(tree, names)


def _build(n, names):
    kind = n.kind
    if kind == "num":
        return sp.Integer(n.value) if isinstance(n.value, int) else sp.Float(n.value)
    if kind == "name":
        name, sub = n.value
        key = name if not sub else f"{name}_{'_'.join(sub)}"
        if key not in names or names[key] is None:
            raise NotSymbolic(key)
        return names[key]
    args = [_build(a, names) for a in n.args]
    if kind == "add":
        return args[0] + args[1]
    if kind == "sub":
        return args[0] - args[1]
    if kind == "neg":
        return -args[0]
    if kind == "mul":
        if n.value == "odot":
            raise NotSymbolic("an entrywise product")
        if n.value == "inner":                   # ⟨A, B⟩ = tr(AᵀB); aᵀb of vectors
            if all(isinstance(a, sp.MatrixExpr) for a in args):
                return sp.Trace(args[0].T * args[1])
            if any(isinstance(a, sp.MatrixExpr) for a in args):
                raise NotSymbolic("an inner product of a matrix and a scalar")
            return args[0] * args[1]
        if n.value == "dot" and all(isinstance(a, sp.MatrixExpr) and a.shape[1] == 1
                                    for a in args):
            return args[0].T * args[1]
        return args[0] * args[1]
    if kind == "div":
        if isinstance(args[1], sp.MatrixExpr):
            raise NotSymbolic("division by a matrix")
        return args[0] / args[1]
    if kind == "pow":
        if n.value == "entrywise":
            raise NotSymbolic("an entrywise power")
        return args[0] ** args[1]
    if kind == "transpose":
        return args[0].T if isinstance(args[0], sp.MatrixExpr) else args[0]
    if kind == "inv":
        return sp.Inverse(args[0]) if isinstance(args[0], sp.MatrixExpr) else 1 / args[0]
    if kind == "call":
        func = n.value[0]
        if func == "tr":
            return sp.Trace(args[0])
        if func == "transpose":
            return args[0].T
        if func == "inv":
            return sp.Inverse(args[0])
        if func == "sigma":
            return args[0].applyfunc(sigmoid) if isinstance(args[0], sp.MatrixExpr) \
                else sigmoid(args[0])
    raise NotSymbolic(kind)


def affordable(tree):
    """Whether expanding the answer stays small, judged from its tree before SymPy sees it:
    a bounded number of nodes, of terms after expansion, and no large power of a sum
    ((D + D^2 + ... + D^8)^64 alone would be 10^9 coefficients)."""
    nodes = 0

    def terms(n):
        nonlocal nodes
        nodes += 1
        if nodes > MAX_NODES:
            raise NotSymbolic("too large")
        if n.kind in ("num", "name"):
            return 1
        parts = [terms(a) for a in n.args]
        if n.kind in ("add", "sub"):
            return parts[0] + parts[1]
        if n.kind == "mul":
            return parts[0] * parts[1]
        if n.kind == "div":
            return parts[0] * (1 if parts[1] == 1 else MAX_TERMS + 1)
        if n.kind == "pow":
            exponent = n.args[1]
            if parts[0] == 1:
                return 1
            if exponent.kind != "num" or not float(exponent.value).is_integer() \
                    or abs(exponent.value) > MAX_SUM_POWER:
                raise NotSymbolic("a large power of a sum")
            return parts[0] ** abs(int(exponent.value))
        if n.kind == "sum":
            return parts[2]
        return max(parts, default=1)      # neg, transpose, inv, a function's argument

    try:
        return terms(tree) <= MAX_TERMS
    except NotSymbolic:
        return False


def confirms(tree, problem, reference):
    """True when SymPy shows answer - reference = 0 cheaply; False when it cannot tell.

    Bounded: an answer whose expansion could be large is not attempted (`affordable`),
    and the verdict never depends on this; it only adds a sentence to a correct one."""
    if not affordable(tree):
        return False
    try:
        answer = to_sympy(tree, problem)
        difference = answer - reference
        if sp.count_ops(difference) > OPS_LIMIT:
            return False
        difference = difference.doit().expand()
        return difference == 0 or isinstance(difference, sp.ZeroMatrix) or \
            (isinstance(difference, sp.MatrixExpr) and difference.is_ZeroMatrix is True)
    except (NotSymbolic, TypeError, ValueError, AttributeError, sp.ShapeError,
            NotImplementedError):
        return False
