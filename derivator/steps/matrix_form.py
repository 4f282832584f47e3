"""Back from index notation to matrix form, by a general set of patterns.

A term of a derivative in index notation is a product of factors, each carrying at most
two indices: X_ij, x_i, δ_kl, (X⁻¹)_ij, a function of one entry cos(X_ij), a bracket that
is a whole expression in one index (Σ_j X_ij w_j - y_i). Each factor becomes a *tensor*,
a matrix expression with its row and column index, and the tensors are combined, one
identity at a time, until one is left whose indices are the free ones:

- Σ_s A_as B_sb = (AB)_ab                       (a summed index in two factors)
- Σ_s A_as v_s B_sb = (A diag(v) B)_ab           (a vector where the chain passes)
- A_ab B_ab = (A ⊙ B)_ab                         (the same free indices: entrywise)
- Σ_s A_as = (A𝟙)_a,  Σ_s A_ss = tr A            (a sum over one factor)
- δ_kl = I_kl,  u_k v_l = (u vᵀ)_kl,  u_k A_kl = (diag(u) A)_kl
- a factor without free indices (a scalar contraction xᵀy, tr X, det X) multiplies
  the matrix form of the rest.

A term no pattern fits raises NoMatrixForm: the caller keeps the index notation.
"""
from dataclasses import dataclass

import sympy as sp

from .algebra import factors_of, terms_of
from ..model.functions import Det, Determinant, InverseEntry, InverseTranspose, ScalarOf


class NoMatrixForm(ValueError):
    """No pattern writes this term as a matrix expression."""


@dataclass(frozen=True)
class Tensor:
    """A matrix expression M with (M)_{row, col} the value; None is the index of a
    dimension of size one (a column vector has col None)."""
    m: object
    row: object = None
    col: object = None

    def indices(self):
        return {i for i in (self.row, self.col) if i is not None}

    def flipped(self):
        return Tensor(sp.Transpose(self.m), self.col, self.row)

    def with_row(self, index):
        """The same tensor oriented so that `index` is its row."""
        return self if self.row == index else self.flipped()

    def with_col(self, index):
        return self if self.col == index else self.flipped()

    @property
    def diagonal(self):
        return self.row is not None and self.row == self.col

    @property
    def is_scalar(self):
        return self.row is None and self.col is None


class Translator:
    """Index expressions to matrix expressions for one problem.

    shapes: name -> MatrixSymbol (vectors as columns); sizes: index -> its size, for
    δ_kl = I and the ones vector 𝟙; index_symbols: the symbols that are indices."""

    def __init__(self, shapes, sizes, index_symbols):
        self.shapes, self.sizes, self.index_symbols = shapes, sizes, set(index_symbols)

    def free_in(self, expr):
        return expr.free_symbols & self.index_symbols

    # --- one expression ----------------------------------------------------------------
    def matrix(self, expr, free):
        """The matrix M with expr = (M)_{free}: a column for one free index."""
        t = self.tensor(expr)
        if t.indices() != set(free) or t.diagonal:
            raise NoMatrixForm(f"{expr} does not run over {free}")
        if t.row != free[0] and isinstance(t.m, sp.MatAdd):     # (P + Q)ᵀ = Pᵀ + Qᵀ
            return sp.MatAdd(*[textbook(sp.Transpose(p)) for p in t.m.args])
        return textbook(t.with_row(free[0]).m)

    def tensor(self, expr):
        if expr.is_Number:
            return Tensor(expr)
        if not self.free_in(expr) and not expr.has(sp.Indexed, InverseEntry, Det):
            return Tensor(expr)                     # a scalar of the file (λ, a size)
        if isinstance(expr, sp.Indexed):
            return self.entry(expr)
        if isinstance(expr, InverseEntry):
            base, i, j = expr.args
            return Tensor(sp.Inverse(self.shapes[str(base.label)]), i, j)
        if isinstance(expr, Det):
            return Tensor(Determinant(self.shapes[str(expr.args[0].label)]))
        if isinstance(expr, sp.KroneckerDelta):
            i, j = expr.args
            return Tensor(sp.Identity(self.sizes[i]), i, j)
        if isinstance(expr, sp.Add):
            return self.add([self.tensor(t) for t in terms_of(expr)])
        if isinstance(expr, sp.Mul):
            return self.contract([self.tensor(f) for f in factors_of(expr)], set())
        if isinstance(expr, sp.Sum):
            return self.sum(expr)
        if isinstance(expr, sp.Pow):
            base = self.tensor(expr.base)
            if base.is_scalar:
                return Tensor(sp.Pow(base.m, expr.exp))
            if expr.exp.is_Integer:           # entrywise: v∘², 1/v entry by entry
                return Tensor(sp.HadamardPower(base.m, expr.exp), base.row, base.col)
            raise NoMatrixForm(f"a non-integer power of {expr.base}")
        if isinstance(expr, sp.Function) and len(expr.args) == 1:
            inside = self.tensor(expr.args[0])
            if inside.is_scalar:
                return Tensor(expr.func(inside.m))
            return Tensor(inside.m.applyfunc(expr.func), inside.row, inside.col)
        raise NoMatrixForm(f"no matrix form for {expr}")

    def entry(self, e):
        m = self.shapes.get(str(e.base.label))
        if m is None:
            raise NoMatrixForm(f"{e.base.label} is not a matrix or vector")
        if len(e.indices) == 1:
            return Tensor(m, e.indices[0], None)
        return Tensor(m, *e.indices)

    def add(self, parts):
        """Terms over the same indices add; a scalar term is a multiple of 𝟙."""
        shaped = [p for p in parts if not p.is_scalar]
        if not shaped:
            return Tensor(sp.Add(*[p.m for p in parts]))
        ref = shaped[0]
        out = []
        for p in parts:
            if p.is_scalar:
                rows = self.sizes[ref.row] if ref.row is not None else 1
                cols = self.sizes[ref.col] if ref.col is not None else 1
                ones = sp.OneMatrix(rows, cols)
                out.append(ones if p.m == 1 else sp.MatMul(p.m, ones))
                continue
            if p.indices() != ref.indices():
                raise NoMatrixForm("terms over different indices")
            out.append(p.m if (p.row, p.col) == (ref.row, ref.col) else p.flipped().m)
        return Tensor(sp.MatAdd(*out), ref.row, ref.col)

    def sum(self, expr):
        summed = {v for v, _, _ in expr.limits}
        body = expr.function
        if isinstance(body, sp.Add):                 # Σ (f + g) = Σ f + Σ g
            return self.add([self.tensor(sp.Sum(t, *expr.limits)) for t in terms_of(body)])
        if any(lo != 1 for _, lo, _ in expr.limits):
            raise NoMatrixForm(f"a sum that does not start at 1: {expr}")
        factors, limits = self.lift(factors_of(body), list(expr.limits))
        factors, limits = _collapse(factors, limits)
        for n, f in enumerate(factors):              # Σ (f + g) h = Σ f h + Σ g h
            if isinstance(f, sp.Add) and not self.one_index_set(f):
                rest = factors[:n] + factors[n + 1:]
                return self.add([self.tensor(sp.Sum(sp.Mul(t, *rest), *limits))
                                 for t in terms_of(f)])
        outer = self.sizes
        self.sizes = {**outer, **{v: hi for v, _, hi in limits}}
        try:
            return self.contract([self.tensor(f) for f in factors],
                                 {v for v, _, _ in limits})
        finally:
            self.sizes = outer

    def one_index_set(self, expr):
        """The terms of a bracket run over the same indices: (Ax + b)_i is one column."""
        sets = {frozenset(self.free_in(t)) for t in terms_of(expr)} - {frozenset()}
        return len(sets) <= 1 and all(len(s) <= 2 for s in sets)

    def lift(self, factors, limits):
        """Σ_i f Σ_n g = Σ_i Σ_n f g: an inner sum of a product joins the outer one (its
        index renamed where it would clash), so that deltas and chains meet."""
        out = []
        for f in factors:
            if isinstance(f, sp.Sum) and not isinstance(f.function, sp.Add) and \
                    self.free_in(f) and all(lo == 1 for _, lo, _ in f.limits):
                taken = {v for v, _, _ in limits} | set().union(
                    *[g.free_symbols for g in factors])
                inner, new_limits = f.function, []
                for v, lo, hi in f.limits:
                    if v in taken:
                        fresh = next(s for s in sorted(self.index_symbols, key=str)
                                     if s not in taken and not inner.has(s))
                        inner = inner.xreplace({v: fresh})
                        v = fresh
                    taken.add(v)
                    new_limits.append((v, lo, hi))
                limits = limits + new_limits
                more, limits = self.lift(factors_of(inner), limits)
                out.extend(more)
            else:
                out.append(f)
        return out, limits

    # --- combining tensors -------------------------------------------------------------
    def contract(self, tensors, summed):
        scalars = [t.m for t in tensors if t.is_scalar]
        ts = [t for t in tensors if not t.is_scalar]
        summed = set(summed)
        while True:
            step = (self._contract_pair(ts, summed) or self._hadamard(ts, summed)
                    or self._through_diag(ts, summed) or self._lonely_sum(ts, summed)
                    or self._free_diag(ts, summed))
            if not step:
                break
            ts = step
        left = summed & set().union(*[t.indices() for t in ts]) if ts else set()
        if left or any(t.diagonal for t in ts):
            raise NoMatrixForm("a summed index left over")
        for s in summed:                              # Σ_{s=1}^{N} c = N c
            scalars.append(self.sizes[s])
        scalars += [as_number(t.m) for t in ts if t.is_scalar]
        ts = [t for t in ts if not t.is_scalar]
        if len(ts) == 2:                              # u_k v_l = (u vᵀ)_kl
            u, v = ts
            if len(u.indices()) == 1 and len(v.indices()) == 1 and u.indices() != v.indices():
                ts = [Tensor(_matmul(u.with_row(*u.indices()).m, v.with_row(*v.indices()).flipped().m),
                             *u.indices(), *v.indices())]
        if len(ts) > 1:
            raise NoMatrixForm("factors that do not form a chain")
        coeff = sp.Mul(*scalars)
        if not ts:
            return Tensor(coeff)
        t = ts[0]
        if coeff == 1:
            return t
        return Tensor(sp.MatMul(coeff, *(t.m.args if isinstance(t.m, sp.MatMul) else [t.m])),
                      t.row, t.col)

    @staticmethod
    def _count(ts, index):
        return [t for t in ts if index in (t.row, t.col)]

    def _contract_pair(self, ts, summed):
        """Σ_s A_as B_sb = (AB)_ab."""
        for s in sorted(summed, key=str):
            having = self._count(ts, s)
            if len(having) != 2 or any(t.row == t.col for t in having):
                continue
            a, b = having
            left, right = a.with_col(s), b.with_row(s)
            merged = Tensor(_matmul(left.m, right.m), left.row, right.col)
            summed.discard(s)
            rest = [t for t in ts if t is not a and t is not b]
            return rest + [merged]
        return None

    def _hadamard(self, ts, summed):
        """A_ab B_ab = (A ⊙ B)_ab: two factors over the same indices, entry by entry."""
        for n, a in enumerate(ts):
            for b in ts[n + 1:]:
                if a.indices() != b.indices() or a.diagonal or b.diagonal:
                    continue
                if len(a.indices()) == 1 and a.indices() <= summed and \
                        len(self._count(ts, *a.indices())) == 2:
                    continue                          # xᵀy: an inner product, above
                b2 = b if (b.row, b.col) == (a.row, a.col) else b.flipped()
                merged = Tensor(sp.HadamardProduct(a.m, b2.m), a.row, a.col)
                return [t for t in ts if t is not a and t is not b] + [merged]
        return None

    def _through_diag(self, ts, summed):
        """Σ_s A_as v_s B_sb = (A diag(v) B)_ab: a vector where a chain passes."""
        for s in sorted(summed, key=str):
            having = self._count(ts, s)
            vectors = [t for t in having if t.indices() == {s} and not t.diagonal]
            chain = [t for t in having if len(t.indices()) == 2]
            if len(having) >= 3 and vectors and chain:
                v, a = vectors[0], chain[0]
                diag = sp.DiagMatrix(v.with_row(s).m)
                a = a.with_row(s)
                merged = Tensor(_matmul(diag, a.m), s, a.col)
                return [t for t in ts if t is not v and t is not chain[0]] + [merged]
        return None

    def _lonely_sum(self, ts, summed):
        """Σ_s A_as = (A𝟙)_a and Σ_s A_ss = tr A."""
        for s in sorted(summed, key=str):
            having = self._count(ts, s)
            if len(having) != 1:
                continue
            t = having[0]
            summed.discard(s)
            if isinstance(t.m, sp.HadamardPower) and t.m.exp == 2 and t.col is None:
                merged = Tensor(_matmul(sp.Transpose(t.m.base), t.m.base))  # Σ v_s² = vᵀv
            elif t.row == t.col == s:
                merged = Tensor(sp.Trace(t.m))
            else:
                oriented = t.with_col(s)
                merged = Tensor(_matmul(oriented.m, sp.OneMatrix(self.sizes[s], 1)),
                                oriented.row, None)
            return [u for u in ts if u is not t] + [merged]
        return None

    def _free_diag(self, ts, summed):
        """u_k A_kl = (diag(u) A)_kl: a vector on a free index of a matrix."""
        for v in ts:
            if len(v.indices()) != 1 or v.diagonal or v.indices() <= summed:
                continue
            (i,) = v.indices()
            for a in ts:
                if a is not v and len(a.indices()) == 2 and i in a.indices():  # not diagonal
                    oriented = a.with_row(i)
                    merged = Tensor(_matmul(sp.DiagMatrix(v.with_row(i).m), oriented.m), i,
                                    oriented.col)
                    return [t for t in ts if t is not v and t is not a] + [merged]
        return None


def textbook(m):
    """Transposes distributed as the textbook writes them: (AB)ᵀ = BᵀAᵀ, (Aᵀ)ᵀ = A,
    (X⁻¹)ᵀ = X⁻ᵀ; a product of 1×1 factors is a number."""
    def rewrite(e):
        if isinstance(e, sp.Transpose) and isinstance(e.arg, sp.MatAdd):
            kept = sp.Transpose(sp.MatAdd(*[textbook(t) for t in e.arg.args]))
            spread = sp.MatAdd(*[textbook(sp.Transpose(t)) for t in e.arg.args])
            count = lambda x: len([a for a in sp.preorder_traversal(x)
                                   if isinstance(a, sp.Transpose)])
            return spread if count(spread) < count(kept) else kept     # (P + Q)ᵀ
        if isinstance(e, sp.Transpose):
            inner = textbook(e.arg)
            if isinstance(inner, sp.Transpose):
                return inner.arg
            if isinstance(inner, sp.Inverse):
                return InverseTranspose(inner.arg)
            if isinstance(inner, InverseTranspose):
                return sp.Inverse(inner.arg)
            if isinstance(inner, sp.MatMul):
                coeff, mats = inner.as_coeff_matrices()
                out = [textbook(sp.Transpose(f)) for f in reversed(mats)]
                return _matmul(coeff, *out) if coeff != 1 else _matmul(*out)
            if isinstance(inner, (sp.Identity, sp.DiagMatrix)):
                return inner
            if isinstance(inner, sp.HadamardProduct):
                return sp.HadamardProduct(*[textbook(sp.Transpose(a)) for a in inner.args])
            if isinstance(inner, sp.HadamardPower):
                return sp.HadamardPower(textbook(sp.Transpose(inner.base)), inner.exp)
            return sp.Transpose(inner)
        if isinstance(e, sp.Inverse) and isinstance(e.arg, sp.Transpose):
            return InverseTranspose(e.arg.arg)
        if isinstance(e, sp.MatMul):
            return _matmul(*[rewrite(a) if isinstance(a, sp.MatrixExpr) else a
                             for a in e.args])
        if e.args and isinstance(e, (sp.MatAdd, sp.HadamardProduct)):
            return e.func(*[rewrite(a) if isinstance(a, sp.MatrixExpr) else a
                            for a in e.args])
        return e
    return rewrite(m)


def combine_like(pieces):
    """A + 2A = 3A: pieces that are the same matrix up to a number are one piece (terms
    equal up to renamed summation indices meet here as the same matrix)."""
    order, coeffs = [], {}
    for p in pieces:
        c, m = _split(p)
        if m not in coeffs:
            order.append(m)
            coeffs[m] = 0
        coeffs[m] += c
    return [m if coeffs[m] == 1 else sp.MatMul(coeffs[m], m) for m in order if coeffs[m] != 0]


def _split(piece):
    if isinstance(piece, sp.MatMul):
        c, mats = piece.as_coeff_matrices()
        if c != 1:
            return c, (mats[0] if len(mats) == 1 else sp.MatMul(*mats))
    return sp.Integer(1), piece


def as_number(m):
    """A 1×1 product read as a number, in the orientation with fewer transposes
    (bᵀXᵀa is aᵀXb)."""
    if not isinstance(m, sp.MatrixExpr):
        return m
    m, flipped = textbook(m), textbook(sp.Transpose(m))
    count = lambda e: len(e.atoms(sp.Transpose))
    return ScalarOf(flipped if count(flipped) < count(m) else m)


def _matmul(*factors):
    """A product as written, flattened: X⁻¹X⁻¹ stays two factors (not X⁻²), and
    diag(v) I = diag(v)."""
    args = []
    for f in factors:
        args.extend(f.args if isinstance(f, sp.MatMul) else [f])
    matrices = [a for a in args if isinstance(a, sp.MatrixExpr)]
    if len(matrices) > 1:
        args = [a for a in args if not isinstance(a, sp.Identity)] or matrices[:1]
    return args[0] if len(args) == 1 else sp.MatMul(*args)


def _collapse(factors, limits):
    """Σ_j δ_jk f(j) = f(k): a delta on a summed index substitutes the other index."""
    summed = [v for v, _, _ in limits]
    for n, f in enumerate(factors):
        if isinstance(f, sp.KroneckerDelta):
            a, b = f.args
            gone, keep = (a, b) if a in summed else (b, a) if b in summed else (None, None)
            if gone is not None:
                rest = [g.xreplace({gone: keep}) for g in factors[:n] + factors[n + 1:]]
                return _collapse(rest, [lim for lim in limits if lim[0] != gone])
    return factors, limits
