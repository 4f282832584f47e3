"""tr(X^k) for a symbolic natural number k (problem 1c): index notation with a chain of
k factors, whose length is a symbol.

The sum over a_1, …, a_k and the product of k entries are kept as schematic objects.
Every line is checked by instantiating it at k = 1, …, 6: the schematic objects become
ordinary sums and products, and the index-notation checker compares every entry.
"""
import sympy as sp

from ..steps.derivation import Derivation
from .loss import Engine
from ..model.functions import entry
from ..steps.rules import D


class ChainSum(sp.Function):
    """Σ over a_1, …, a_k (each from 1 to D) of body: ChainSum(body, a, k, D)."""


class ProductExcept(sp.Function):
    """Π_{p=1, p≠q}^{k} f(p): ProductExcept(f, p, q, k)."""


def chain(X, a, p):
    return X[a[p], a[p + 1]]


def derive(problem, wrt):
    """d/dX tr(X^k) for the file's symbolic k."""
    return PowerTraceEngine(problem).run()


class PowerTraceEngine(Engine):
    def __init__(self, problem):
        super().__init__(model=problem, wrt=None)
        self.problem = problem

    def run(self):
        p = self.problem
        fn, spec = p.data["function"], p.data["derive"]
        k = sp.Symbol(spec["power"], integer=True, positive=True)
        Dsym = p.sizes()[p.names[spec["wrt"]].shape[0]]      # whatever the size is called
        Xm = p.matrices()[spec["wrt"]]
        X = sp.IndexedBase(spec["wrt"])
        a = sp.IndexedBase("a")
        free_names = [n for n in ("q", "p", "r", "s", "t") if n != spec["power"]]
        q, r = sp.symbols(free_names[:2], integer=True, positive=True)   # not k itself
        l, m = (p.indices()[s] for s in spec["entry"])
        head = sp.Function(fn["name"])(Xm)
        self.power = k
        self.emit("index", head, sp.Trace(sp.MatPow(Xm, k)), "definition", name=head)
        chain_product = sp.Product(chain(X, a, r), (r, 1, k))
        index_form = ChainSum(chain_product, a, k, Dsym)
        written = "tr(X^k) = Σ over a_1, …, a_k of X_{a_1 a_2} X_{a_2 a_3} ⋯ X_{a_k a_1}"
        self.emit("index", head, index_form, "index_notation",       # explain is optional
                  explain=fn.get("explain") or {"en": written, "ko": written})

        var = X[l, m]
        self.wrt = var
        lhs = D(head, var)
        self.emit("entries", lhs, D(index_form, var), "definition", name=head)
        self.emit("entries", lhs, ChainSum(D(chain_product, var), a, k, Dsym), "into_sum")
        others = ProductExcept(chain(X, a, r), r, q, k)
        self.emit("entries", lhs, ChainSum(sp.Sum(D(chain(X, a, q), var) * others, (q, 1, k)),
                                           a, k, Dsym), "product_rule")
        deltas = sp.KroneckerDelta(a[q], l) * sp.KroneckerDelta(a[q + 1], m)
        self.emit("entries", lhs, ChainSum(sp.Sum(deltas * others, (q, 1, k)), a, k, Dsym),
                  "entry_derivative")
        power = sp.MatPow(Xm, k - 1)
        self.emit("entries", lhs, sp.Sum(entry(power, m, l), (q, 1, k)), "kronecker_delta_chain")
        self.emit("entries", lhs, k * entry(power, m, l), "collect")
        self.emit("matrix", lhs, k * entry(sp.Transpose(power), l, m), "transpose",
                  free=[l, m])
        result = self.emit("matrix", D(head, Xm),
                           sp.MatMul(k, sp.Transpose(power), evaluate=False), "matrix_form",
                           follows=lhs, free=[l, m])
        derivation = Derivation(p.id, Xm, self.steps, result, p)
        derivation.details.update(
            index_info=(p, head, index_form, [l, m]),
            instantiate=lambda expr, value: instantiate(expr, k, value, a),
            powers=[int(v) for v in p.names[spec["power"]].check])
        return derivation


def instantiate(expr, k, value, a):
    """expr at k = value: schematic sums and products written out, a_{k+1} = a_1."""
    expr = expr.xreplace({k: sp.Integer(value)})
    names = {j: sp.Symbol(f"a{j}", integer=True) for j in range(1, value + 2)}
    names[value + 1] = names[1]                      # the chain closes: a_{k+1} = a_1

    def index(e):
        if isinstance(e, sp.Indexed) and e.base == a and e.indices[0].is_Integer:
            return names[int(e.indices[0])]
        return None

    def write_out(e):
        if isinstance(e, sp.Sum) and all(b.is_Integer for _, _, b in e.limits):
            (v, lo, hi), = e.limits
            return sp.Add(*[e.function.xreplace({v: sp.Integer(j)})
                            for j in range(int(lo), int(hi) + 1)])
        if isinstance(e, sp.Product):
            (v, lo, hi), = e.limits
            return sp.Mul(*[e.function.xreplace({v: sp.Integer(j)})
                            for j in range(int(lo), int(hi) + 1)])
        if isinstance(e, ProductExcept):
            f, v, skip, n = e.args
            return sp.Mul(*[f.xreplace({v: sp.Integer(j)}) for j in range(1, int(n) + 1)
                            if j != skip])
        return None

    from ..model.lecture import _top_down
    for _ in range(4):                                   # sums hold products hold indices
        expr = _top_down(expr, write_out)
    expr = _top_down(expr, index)
    if isinstance(expr, sp.Basic):
        expr = _top_down(expr, lambda e: _chain_sum(e) if isinstance(e, ChainSum) else None)
    return expr


def _chain_sum(e):
    body, a, n, size = e.args
    variables = sorted({s for s in body.atoms(sp.Symbol) if s.name.startswith("a")
                        and s.name[1:].isdigit()}, key=lambda s: int(s.name[1:]))
    return sp.Sum(body, *[(v, 1, size) for v in variables]) if variables else body
