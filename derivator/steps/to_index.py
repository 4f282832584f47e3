"""From matrix form to index notation: the entries of a matrix expression written as sums
over indices, so that a problem file may give only `matrix = "..."` (issue 20).

Each rule is the identity of one matrix operation on entries:
- (Aᵀ)_ij = A_ji;            (A + B)_ij = A_ij + B_ij;        (cA)_ij = c A_ij;
- (AB)_ij = Σ_k A_ik B_kj;   (A ⊙ B)_ij = A_ij B_ij;          f(A)_ij = f(A_ij) entrywise;
- tr A = Σ_i A_ii;           (X⁻¹)_ij and det X stay whole, as the index rules know them.
A dimension of size 1 (a vector's column, a 1×1 product) carries no index. The result is
checked against the matrix form by the verifier like every other step.
"""
import sympy as sp

from ..model.functions import Det, InverseEntry


class NoIndexForm(ValueError):
    """A matrix expression this module has no entry rule for (said in one line)."""


class IndexWriter:
    """Entries of matrix expressions over the problem's IndexedBases, with fresh summation
    indices drawn in order from `letters`."""

    def __init__(self, entries, letters):
        self.entries = entries              # name -> IndexedBase
        self.letters = list(letters)        # index Symbols not taken by the file

    def fresh(self):
        if not self.letters:
            raise NoIndexForm("the matrix form needs more summation indices than there "
                              "are index letters")
        return self.letters.pop(0)

    def summed(self, body, dims):
        """Σ over the (index, size) pairs with an index; one Sum for all of them."""
        limits = [(k, 1, n) for k, n in dims if k is not None]
        return sp.Sum(body, *limits) if limits else body

    def index_for(self, size):
        return None if size == 1 else self.fresh()

    def scalar(self, expr):
        """A scalar expression (may hold 1×1 matrix expressions, tr, det) in indices."""
        if isinstance(expr, sp.MatrixExpr):
            if expr.shape != (1, 1):
                raise NoIndexForm(f"{expr} is a {expr.shape[0]}×{expr.shape[1]} matrix, "
                                  f"not a scalar")
            return self.entry(expr, None, None)
        if isinstance(expr, sp.Trace):
            m = expr.arg
            i = self.index_for(m.shape[0])
            return self.summed(self.entry(m, i, i), [(i, m.shape[0])])
        if isinstance(expr, sp.Determinant):
            return Det(self.base(expr.arg, "det"))
        if expr.is_Atom:
            return expr
        args = [self.scalar(a) for a in expr.args]
        if isinstance(expr, sp.Pow):
            return sp.Pow(*args, evaluate=False)
        if isinstance(expr, sp.log):
            return sp.log(*args, evaluate=False)
        if isinstance(expr, sp.exp):
            return sp.exp(*args, evaluate=False)
        return expr.func(*args)

    def base(self, m, what):
        if isinstance(m, sp.MatrixSymbol) and m.name in self.entries:
            return self.entries[m.name]
        raise NoIndexForm(f"{what} of {m} is written in index notation only for a declared "
                          f"matrix: {what}(X)")

    def entry(self, m, i, j):
        """(m)_ij; i or j is None where that dimension has size 1."""
        if isinstance(m, sp.MatrixSymbol):
            base = self.base(m, "an entry")
            idx = (i,) if m.shape[1] == 1 else (i, j)       # a vector: one index
            if None in idx:
                raise NoIndexForm(f"cannot write the entries of {m}")
            return base[idx]
        if isinstance(m, sp.Transpose):
            return self.entry(m.arg, j, i)
        if isinstance(m, sp.Inverse) or isinstance(m, sp.MatPow) and m.exp == -1:
            inside = m.args[0]
            if isinstance(inside, sp.Transpose):         # (X⁻ᵀ)_ij = (X⁻¹)_ji
                return InverseEntry(self.base(inside.arg, "inv"), j, i)
            return InverseEntry(self.base(inside, "inv"), i, j)
        if isinstance(m, sp.HadamardPower):               # (A^∘p)_ij = A_ij^p
            return sp.Pow(self.entry(m.base, i, j), self.scalar(m.exp))
        if isinstance(m, sp.MatPow) and m.exp.is_Integer and m.exp > 0:
            return self.entry(sp.MatMul(*[m.base] * int(m.exp)), i, j)
        if isinstance(m, sp.MatAdd):
            return sp.Add(*[self.entry(t, i, j) for t in m.args], evaluate=False)
        if isinstance(m, sp.HadamardProduct):
            return sp.Mul(*[self.entry(t, i, j) for t in m.args])
        if isinstance(m, sp.MatMul):
            scalars = [a for a in m.args if not isinstance(a, sp.MatrixExpr)]
            chain = [a for a in m.args if isinstance(a, sp.MatrixExpr)]
            inner = [self.index_for(a.shape[1]) for a in chain[:-1]]
            ends = [i] + inner + [j]
            factors = [self.entry(a, ends[n], ends[n + 1]) for n, a in enumerate(chain)]
            body = sp.Mul(*[self.scalar(c) for c in scalars], *factors)   # x_i x_i = x_i²
            return self.summed(body, [(k, a.shape[1]) for k, a in zip(inner, chain)])
        if isinstance(m, sp.matrices.expressions.applyfunc.ElementwiseApplyFunction):
            inside = self.entry(m.expr, i, j)
            return m.function(inside)
        raise NoIndexForm(f"no index form for {type(m).__name__} in {m}")


def index_form(matrix_expr, entries, letters):
    """The index form of a file's matrix form: a scalar, or the i-th entry of a vector
    (returned with its output index i)."""
    writer = IndexWriter(entries, letters)
    if isinstance(matrix_expr, sp.MatrixExpr) and matrix_expr.shape != (1, 1):
        rows, cols = matrix_expr.shape
        if cols != 1:
            raise NoIndexForm("a matrix-valued function has a derivative with three or four "
                              "indices; this is out of scope")
        i = writer.fresh()
        return writer.entry(matrix_expr, i, None), i
    return writer.scalar(matrix_expr), None


def file_index_form(problem):
    """The index form of an index problem: its `index` key read, else built from its
    `matrix` key with summation letters the file leaves free (neither an entry letter
    nor a declared name)."""
    fn = problem.data["function"]
    if "index" in fn:
        return problem.parse(fn["index"], matrix=False, key=("function", "index"))
    taken = set(problem.data["derive"].get("entry", [])) | set(problem.names)
    letters = [s for name, s in problem.indices().items() if name not in taken]
    matrix = problem.parse(fn["matrix"], key=("function", "matrix"))
    try:
        form, _ = index_form(matrix, problem.entries(), letters)
    except NoIndexForm as error:
        raise problem.error(("function", "matrix"), f"{fn['matrix']!r}: {error}; give the "
                            f"index form too: index = \"...\"") from None
    return form
