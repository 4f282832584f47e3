"""The strategy for matrix calculus in index notation (problems 1, 5 and 6).

As the course does it: the function written as a sum over indices; the derivative of one
entry, ∂f/∂X_kl, moved into the sum; the product rule; ∂X_ij/∂X_kl = δ_ik δ_jl; the
Kronecker deltas collapsing the sums; and back to matrix form by reading the remaining
sums as matrix products. SymPy's MatrixSymbol.diff is never used.
"""
import sympy as sp

from .. import DerivatorError
from ..steps.algebra import factors_of, product, terms_of, total
from ..steps.derivation import Derivation
from ..steps.matrix_form import NoMatrixForm, Translator, combine_like
from ..steps.to_index import file_index_form
from .loss import Engine
from ..model.functions import MATRIX_FUNCTIONS, entry
from ..model.problem import INDEX_LETTERS
from ..steps.rewrites import (collapse_nested_deltas, expand_logs, name_softmax,
                        sum_to_one)
from ..steps.rules import (COOKBOOK_RULES, INDEX_RULES, ChainThroughLemma, Context, D, ExpChain, FunctionChain, LogRule,
                    PowerChain, QuotientRule, ReciprocalRule)

# the course's index rules first (it shows the product rule at work), then the chain
# rules that a function of sums needs: (Σ_j X_ij w_j - y_i)², σ(Σ_j W_ij x_j), log, exp
RULES_IN_INDEX = INDEX_RULES + (ReciprocalRule(), QuotientRule(), PowerChain(), ExpChain(),
                                LogRule(), ChainThroughLemma(), FunctionChain()) + COOKBOOK_RULES

FRESH = sp.symbols("a b c", integer=True)
INDEX_SYMBOLS = set(sp.symbols(INDEX_LETTERS, integer=True))


def derive(problem, wrt):
    """∂f/∂X of an index problem (its wrt is the file's)."""
    return IndexEngine(problem).run()


class IndexEngine(Engine):
    def __init__(self, problem):
        super().__init__(model=problem, wrt=None)
        self.problem = problem

    def run(self):
        p, fn, spec = self.problem, self.problem.data["function"], self.problem.data["derive"]
        matrices, entries, indices = p.matrices(), p.entries(), p.indices()
        name = sp.Function(fn["name"])
        head = name(*[matrices[a] for a in fn.get("args", [spec["wrt"]])])
        index_form = file_index_form(p)        # read, or built from the matrix form
        self.head, self.index_form = head, index_form
        if "matrix" in fn:                     # the matrix form is optional
            self.emit("index", head, p.parse(fn["matrix"]), "definition", name=head)
        written = f"{fn['name']} = {fn['index']}" if "index" in fn else \
            f"{fn['name']}: the entries of its matrix form, written as sums over indices"
        self.emit("index", head, index_form, "index_notation",
                  explain=fn.get("explain") or {"en": written, "ko": written})
        function = index_form
        logs = expand_logs(index_form)         # ln(e^u / S) = u - ln S, before differentiating
        if logs != index_form:
            function = self.emit("index", head, logs, "log_rule_terms")

        # a vector-valued f (Ax, σ(Wx)) keeps its output index: the result is the Jacobian
        output = sorted(index_form.free_symbols & set(indices.values()), key=str)
        if output and p.names[spec["wrt"]].kind == "matrix":
            raise DerivatorError(f"{p.id}: the derivative of a vector-valued function by a "
                                 f"matrix is a tensor with three indices; this is out of scope")
        entry_indices = [indices[s] for s in spec["entry"]]
        if set(output) & set(entry_indices):
            raise DerivatorError(f"{p.id}: the entry index {output[0]} is also f's output "
                                 f"index; choose another letter for entry")
        free = output + entry_indices
        var = entries[spec["wrt"]][tuple(entry_indices)]
        self.wrt = var
        lhs = D(head, var)
        expr = self.emit("entries", lhs, D(function, var), "definition", name=head)
        expr = self.apply_rules(expr, lhs, "entries", Context(var, MATRIX_FUNCTIONS),
                                rules=RULES_IN_INDEX)
        expr = self.emit("entries", lhs, collapse_nested_deltas(expr), "kronecker_delta")
        renamed = rename_dummies(expr)
        if renamed != expr and len(terms_of(sp.Add(*terms_of(renamed)))) < len(terms_of(expr)):
            expr = self.emit("entries", lhs, renamed, "rename_index")
        if len(terms_of(sp.Add(*terms_of(expr)))) < len(terms_of(expr)):
            expr = self.emit("entries", lhs, sp.Add(*terms_of(expr)), "collect")
        expr = self.probability_steps(expr, lhs)
        result = self.to_matrix_form(expr, free, lhs, head, matrices[spec["wrt"]])
        derivation = Derivation(p.id, matrices[spec["wrt"]], self.steps, result, p)
        derivation.details.update(index_info=(p, head, index_form, free), output=output)
        return derivation

    def probability_steps(self, expr, lhs):
        """Labels that sum to one (Σ_k y_k = 1) and the softmax named: the cross-entropy
        of a softmax comes to softmax(z) - y."""
        p = self.problem
        one_hot = {sp.IndexedBase(n) for n, v in p.data["names"].items() if v.get("sum") == 1}
        if one_hot:
            summed = sum_to_one(expr, one_hot)
            if summed != expr:
                expr = self.emit("entries", lhs, summed, "sum_to_one",
                                 labels=sorted(str(b) for b in one_hot))
        named = name_softmax(expr, p.matrices())
        if named != expr:
            expr = self.emit("entries", lhs, named, "recognise_softmax")
        if isinstance(expr, sp.Mul) and len(terms_of(factors_of(expr)[-1])) > 1:
            coeff = sp.Mul(*factors_of(expr)[:-1])          # -(y_m - p_m) = p_m - y_m
            if coeff.is_Number:
                spread = total(*[product(coeff, t) for t in terms_of(factors_of(expr)[-1])])
                expr = self.emit("entries", lhs, _positive_first(spread), "expand")
        return expr

    def to_matrix_form(self, expr, free, lhs, head, wrt_matrix):
        """A chain of matrix products read off the sums as the lecture does; other forms
        (δ, ⊙, diag, scalars times matrices, inverses) by the general patterns of
        steps/matrix_form.py; none found: the result stays in index notation."""
        try:
            return self.chain_form(expr, free, lhs, head, wrt_matrix)
        except ValueError:
            pass
        try:
            return self.pattern_form(expr, free, lhs, head, wrt_matrix)
        except NoMatrixForm:
            return self.emit("entries", lhs, expr, "no_matrix_form")

    def pattern_form(self, expr, free, lhs, head, wrt_matrix):
        p = self.problem
        translator = Translator(p.matrices(), self.index_sizes(free), INDEX_SYMBOLS)
        terms = terms_of(expr)
        if any(not (set(free) <= t.free_symbols) for t in terms):
            terms = [expr]                           # 1 - tanh²: the 1 is a matrix of ones
        pieces = [translator.matrix(t, free) for t in terms]
        self.emit("matrix", lhs, total(*[entry(m, *free) for m in pieces]), "index_to_matrix")
        pieces = combine_like(pieces)
        whole = pieces[0] if len(pieces) == 1 else sp.MatAdd(*pieces, evaluate=False)
        return self.emit("matrix", D(head, wrt_matrix), whole, "matrix_form", follows=lhs,
                         free=free)

    def index_sizes(self, free):
        """How far each free index runs: the entry's by wrt's shape, an output index by
        the dimension it indexes in f."""
        p, spec = self.problem, self.problem.data["derive"]
        sizes, names = p.sizes(), p.names
        out = {}
        for letter, dim in zip(spec["entry"], names[spec["wrt"]].shape):
            out[p.indices()[letter]] = sizes[dim]
        for a in self.index_form.atoms(sp.Indexed):
            shape = names[str(a.base.label)].shape if str(a.base.label) in names else ()
            for i, dim in zip(a.indices, shape):
                if i in free and i not in out:
                    out[i] = sizes[dim]
        return out

    def chain_form(self, expr, free, lhs, head, wrt_matrix):
        shapes = self.problem.matrices()
        chains = [matrix_chain(t, free, shapes) for t in terms_of(expr)]
        chains.sort(key=lambda c: (c[3], len(c[1].atoms(sp.Transpose))))   # X before Xᵀ
        natural = total(*[product(c, entry(m, *idx)) for c, m, idx, _ in chains])
        if any(not _is_bare_entry(t, free) for t in terms_of(expr)):
            self.emit("matrix", lhs, natural, "matrix_product")
        if any(flipped for *_, flipped in chains):
            oriented = total(*[product(c, entry(_transposed(m) if flipped else m, *free))
                               for c, m, idx, flipped in chains])
            self.emit("matrix", lhs, oriented, "transpose", free=free)
        pieces = combine_like(
            [_scaled(c, _transposed(m) if flipped else m) for c, m, idx, flipped in chains])
        whole = pieces[0] if len(pieces) == 1 else sp.MatAdd(*pieces, evaluate=False)
        result = self.emit("matrix", D(head, wrt_matrix), whole, "matrix_form", follows=lhs,
                           free=free)
        factored = factor_right(pieces)
        if factored is not None:
            result = self.emit("matrix", D(head, wrt_matrix), factored, "factor_out",
                               f=factored.args[-1])
        return result


def _transposed(m):
    """(BA)ᵀ written AᵀBᵀ, as by hand; a power stays (X²)ᵀ."""
    return sp.Transpose(m).doit() if isinstance(m, sp.MatMul) else sp.Transpose(m)


def _scaled(c, m):
    return m if c == 1 else sp.MatMul(c, m, evaluate=False)


def _is_bare_entry(term, free):
    rest = [f for f in factors_of(term) if not f.is_Number]
    return len(rest) == 1 and isinstance(rest[0], sp.Indexed)


def rename_dummies(expr):
    """Σ_m X_lm X_mk = Σ_a X_la X_ak: the name of a summation index does not matter."""
    out = []
    for t in terms_of(expr):
        if isinstance(t, sp.Sum):
            mapping = {lim[0]: FRESH[n] for n, lim in enumerate(t.limits)}
            t = sp.Sum(t.function.xreplace(mapping),
                       *[(mapping[v], a, b) for v, a, b in t.limits])
        out.append(t)
    return total(*out)


def matrix_chain(term, free, shapes):
    """(coefficient, matrix M, its index order, flipped) with term = c (M)_idx.

    The factors of a term form a chain through the summed indices (X_la X_ak), read from
    one free index to the other (or to a vector). `flipped` is true when the chain reads
    more naturally from the second free index, so that the term is ((M)ᵀ)_kl. A factor
    that is a whole expression in one index, such as (Σ_j X_ij w_j - y_i) or σ(Σ_j W_ij x_j),
    is read as a column ((Xw - y)_i, σ(Wx)_i): at the end of a chain it is a vector, inside
    one a diagonal matrix diag(v); two vectors ending at k and l make an outer product."""
    coeff = sp.Mul(*[f for f in factors_of(term) if _constant(f)])
    body = sp.Mul(*[f for f in factors_of(term) if not _constant(f)])
    if isinstance(body, sp.Sum):
        body = body.function
    coeff *= sp.Mul(*[f for f in factors_of(body) if _constant(f)])
    factors = [f for f in factors_of(body) if not _constant(f)]
    if len(free) == 1:
        return coeff, matrices_of(_walk(factors, free[0], None, shapes), shapes), (free[0],), False
    forward = _walk(factors, free[0], free[1], shapes)
    backward = _walk(factors, free[1], free[0], shapes)
    if _transposes(backward) < _transposes(forward):
        return coeff, matrices_of(backward, shapes), (free[1], free[0]), True
    return coeff, matrices_of(forward, shapes), tuple(free), False


def _constant(factor):
    """A number or a declared scalar (1/T): no entry, no index; a coefficient of the chain."""
    return factor.is_Number or not (factor.has(sp.Indexed) or
                                    factor.free_symbols & INDEX_SYMBOLS)


def _indices_in(factor):
    """The indices a factor carries: an entry's own, or the free ones of an expression."""
    if isinstance(factor, sp.Indexed):
        return set(factor.indices)
    return factor.free_symbols & INDEX_SYMBOLS


def _walk(factors, start, end, shapes=None):
    """The matrix product met walking from index `start` along the chain of factors."""
    remaining, path, at = list(factors), [], start
    while remaining:
        if at is None:
            if end is None:
                raise ValueError(f"cannot read {factors} as a matrix product")
            path.append(("outer", _walk(remaining, end, None, shapes)))   # (a)(b)ᵀ
            return path
        here = [g for g in remaining if at in _indices_in(g)]
        if not here:
            raise ValueError(f"cannot read {factors} as a matrix product")
        columns = [g for g in here if _indices_in(g) == {at} and not
                   (isinstance(g, sp.Indexed) and len(g.indices) == 2)]
        links = [g for g in here if g not in columns]
        for g in columns:
            remaining.remove(g)
        if columns:
            column = _hadamard([_column(g, at, shapes) for g in columns])
            if links or (at != end and any(at in _indices_in(g) for g in remaining)):
                path.append(("diag", column))
            elif at == end and not remaining and end != start:
                path.append(("diag", column))
                return path
            else:
                path.append(("column", column))
                at = None
                continue
        if not links:
            continue
        f = links[0]
        remaining.remove(f)
        if not isinstance(f, sp.Indexed):
            raise ValueError(f"cannot read {f} as a matrix")
        label = sp.Symbol(str(f.base.label))
        a, b = f.indices
        path.append(("matrix", label, at == b))
        at = a if at == b else b
    if end is not None and at != end:
        raise ValueError(f"the chain {factors} does not end at {end}")
    return path


def _positive_first(expr):
    terms = terms_of(expr)
    terms.sort(key=lambda t: t.could_extract_minus_sign())
    return total(*terms)


def _hadamard(columns):
    return columns[0] if len(columns) == 1 else sp.HadamardProduct(*columns)


def _column(expr, index, shapes):
    """The column vector v with v_index = expr: x_i -> x, Σ_j X_ij w_j - y_i -> Xw - y,
    σ(Σ_j W_ij x_j) -> σ(Wx) entry by entry."""
    if isinstance(expr, sp.Indexed) and len(expr.indices) == 1:
        return shapes[str(expr.base.label)]
    if isinstance(expr, entry) and len(expr.args) == 2:        # softmax(z)_m
        return expr.args[0]
    if isinstance(expr, sp.Sum):
        factors = [f for f in factors_of(expr.function)]
        c = sp.Mul(*[f for f in factors if f.is_Number])
        path = _walk([f for f in factors if not f.is_Number], index, None, shapes)
        m = matrices_of(path, shapes)
        return m if c == 1 else sp.MatMul(c, m)
    if isinstance(expr, sp.Add):
        parts = [t for t in terms_of(expr) if t.has(index)]
        columns = [_column(t, index, shapes) for t in parts]
        rows = columns[0].shape[0]
        constants = [t for t in terms_of(expr) if not t.has(index)]
        columns += [sp.MatMul(t, sp.OneMatrix(rows, 1)) for t in constants]
        return sp.MatAdd(*columns)
    if isinstance(expr, sp.Mul):
        numbers = [f for f in factors_of(expr) if not f.has(index)]
        columns = [_column(f, index, shapes) for f in factors_of(expr) if f.has(index)]
        whole = _hadamard(columns)
        c = sp.Mul(*numbers)
        return whole if c == 1 else sp.MatMul(c, whole)
    if isinstance(expr, sp.Pow) and expr.exp.is_Integer and expr.exp > 0:
        return sp.HadamardPower(_column(expr.base, index, shapes), expr.exp)
    if isinstance(expr, sp.Function) and len(expr.args) == 1:
        return _column(expr.args[0], index, shapes).applyfunc(expr.func)
    raise ValueError(f"cannot read {expr} as a vector over {index}")


def _transposes(path):
    return sum(1 for p in path if p[0] == "matrix" and p[2])


def matrices_of(path, shapes):
    """Turn a walked path into a SymPy matrix expression."""
    out = []
    for p in path:
        if p[0] == "column":
            out.append(p[1])
        elif p[0] == "diag":
            out.append(sp.DiagMatrix(p[1]))
        elif p[0] == "outer":
            out.append(sp.Transpose(matrices_of(p[1], shapes)))
        else:
            m = shapes[str(p[1])]
            out.append(sp.Transpose(m) if p[0] == "matrix" and p[2] else m)
    product_ = out[0] if len(out) == 1 else sp.MatMul(*out).doit()
    return product_


def factor_right(pieces):
    """A w + B w = (A + B) w."""
    if len(pieces) < 2 or not all(isinstance(p, sp.MatMul) for p in pieces):
        return None
    last = pieces[0].args[-1]
    if not all(p.args[-1] == last for p in pieces):
        return None
    lefts = [sp.MatMul(*p.args[:-1]) if len(p.args) > 2 else p.args[0] for p in pieces]
    return sp.MatMul(sp.MatAdd(*lefts, evaluate=False), last, evaluate=False)
