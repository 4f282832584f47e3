"""The strategy for maximum likelihood (problem 4): the log of the likelihood, the
derivative by the same rules as any loss, and the gradient set to zero and solved.

    ln P = ln Π_i p_i = Σ_i ln p_i = Σ_i (ln c - (y_i - wᵀx_i)²/(2σ²))
         = N ln c - 1/(2σ²) Σ_i (y_i - wᵀx_i)²
    ∂ ln P/∂w = (1/σ²) Xᵀ(y - Xw) = 0  ⇔  XᵀX w = Xᵀy  ⇔  w = (XᵀX)⁻¹Xᵀy
"""
import sympy as sp

from ..steps import rewrites
from ..steps.algebra import factors_of, terms_of, total
from .loss import Engine
from ..steps.rules import D


def derive(problem, wrt):
    """The maximum-likelihood estimate of the file's parameter."""
    model = problem.model()
    return LikelihoodEngine(model, model.params[0]).run()


class LikelihoodEngine(Engine):
    def run(self, others=True):
        from ..steps.derivation import Derivation
        m, w = self.model, self.wrt
        P = m.target
        log_p = sp.log(P)
        body = m.definition(P.func).apply(P.args)
        expr = self.emit("log", log_p, sp.log(body, evaluate=False), "log_likelihood")
        likelihood = [f for f in factors_of(body) if isinstance(f, sp.Product)]
        prior = [f for f in factors_of(body) if not isinstance(f, sp.Product)]
        if prior and len(likelihood) == 1:    # MAP: ln(Π p_i · q(w)) = ln Π p_i + ln q(w)
            prior = [f.args[0] if isinstance(f, sp.exp) else sp.log(f, evaluate=False)
                     for f in prior]
            expr = self.emit("log", log_p, total(sp.log(likelihood[0], evaluate=False),
                                                 *prior), "log_prior")
        for rule, rewrite in (("log_product", rewrites.log_of_product),
                              ("log_rule_terms", rewrites.log_of_terms),
                              ("split_sum", rewrites.split_sum)):
            first, *rest = terms_of(expr)
            expr = self.emit("log", log_p, total(rewrite(first), *rest), rule)
        lhs = D(log_p, w)
        derivative = self.emit("gradient", lhs, D(expr, w), "differentiate")
        derivative = self.apply_rules(derivative, lhs, "gradient", self.context(w))
        if not m.data_matrix:              # one scalar parameter: p of a Bernoulli, λ of a Poisson
            derivative = self.simplify(derivative, lhs, "gradient")
            return Derivation(m.name, w, self.steps, self.solve_scalar(derivative), m)
        gradient = self.through_one_sample(derivative, lhs)
        if not _affine(gradient, m.data_matrix[2]):   # Xᵀ(y - σ(Xw)) = 0: no closed form
            self.emit("solve", lhs, gradient, "no_closed_form", var=w)
            return Derivation(m.name, w, self.steps, gradient, m)
        result = self.solve(gradient)
        return Derivation(m.name, w, self.steps, result, m)

    def solve_scalar(self, gradient):
        """The derivative set to zero and solved for the parameter, each sum of the data
        held as one number while SymPy solves (Σ(1 - y_i) written N - Σ y_i first)."""
        from ..steps.algebra import transform
        w = self.wrt
        self.emit("solve", None, sp.Eq(gradient, 0, evaluate=False), "set_to_zero")
        split = transform(gradient, lambda e: rewrites.split_sum(e) if isinstance(e, sp.Sum)
                          and any(not t.has(e.limits[0][0]) for t in
                                  rewrites.terms_of(e.function)) else None)
        if split != gradient:
            self.emit("solve", None, sp.Eq(split, 0, evaluate=False), "split_sum")
        sums = {s: sp.Dummy(f"S{k}") for k, s in enumerate(split.atoms(sp.Sum))}
        solutions = [s for s in sp.solve(split.xreplace(sums), w)
                     if s.is_real is not False]
        if len(solutions) != 1:
            raise ValueError(f"no single solution for {w} of {split} = 0")
        solution = solutions[0].xreplace({v: k for k, v in sums.items()})
        self.emit("solve", None, sp.Eq(w, solution, evaluate=False), "solve_for", var=w)
        return solution

    def solve(self, gradient):
        """The gradient, affine in w, set to zero and solved for w."""
        W = self.model.data_matrix[2]
        zero = sp.ZeroMatrix(*W.shape)
        self.emit("solve", None, sp.Eq(gradient, zero, evaluate=False), "set_to_zero")
        scalars = [f for f in gradient.args if not isinstance(f, sp.MatrixExpr)] \
            if isinstance(gradient, sp.MatMul) else []
        matrix = sp.MatMul(*[f for f in gradient.args if isinstance(f, sp.MatrixExpr)]) \
            if isinstance(gradient, sp.MatMul) else gradient
        expanded = matrix.expand()
        self.emit("solve", None, sp.Eq(expanded, zero, evaluate=False), "drop_factor_expand",
                  factor=sp.Mul(*scalars))
        terms = list(expanded.args) if isinstance(expanded, sp.MatAdd) else [expanded]
        with_w = [t for t in terms if isinstance(t, sp.MatMul) and t.args[-1] == W]
        rest = [t for t in terms if t not in with_w]
        parts = [_left_of(t, W) for t in with_w]
        A = sp.MatAdd(*parts) if len(parts) > 1 else parts[0]
        sign = -1 if A.could_extract_minus_sign() else 1
        A = sp.MatMul(-1, A).doit() if sign < 0 else A
        b = sp.MatAdd(*rest) if len(rest) > 1 else rest[0]
        if sign > 0:
            b = sp.MatMul(-1, b).doit()
        self.emit("solve", None, sp.Eq(_flat_product(A, W), b, evaluate=False),
                  "normal_equations")
        normal = _normalised(A, b, self.model.data_matrix[0])
        if normal:              # -(1/s²)XᵀX - λI: both sides divided by -1/s², XᵀX first
            A, b, factor = normal
            self.emit("solve", None, sp.Eq(_flat_product(A, W), b, evaluate=False),
                      "normalise_equations", factor=factor)
        solution = _flat_product(sp.Inverse(A), b)
        self.emit("solve", None, sp.Eq(W, solution, evaluate=False), "invert", matrix=A)
        return solution


def _scalar_and_matrix(term):
    """(c, M) with term = c M, M a product of matrices."""
    if isinstance(term, sp.MatMul):
        c = sp.Mul(*[f for f in term.args if not isinstance(f, sp.MatrixExpr)])
        return c, sp.MatMul(*[f for f in term.args if isinstance(f, sp.MatrixExpr)]).doit()
    return sp.Integer(1), term


def _normalised(A, b, X):
    """(A/c, b/c, c) with c the coefficient of A's data term (the one with X), that term
    first: -(1/s²)XᵀX - λI = -(1/s²) b becomes (XᵀX + λs²I) w = Xᵀy. None if c is 1 already
    and the data term comes first."""
    terms = [_scalar_and_matrix(t) for t in (A.args if isinstance(A, sp.MatAdd) else [A])]
    data = [k for k, (_, m) in enumerate(terms) if m.has(X)]
    if not data:
        return None
    first = data[0]
    c = terms[first][0]
    if c == 1 and first == 0:
        return None
    ordered = [terms[first]] + [t for k, t in enumerate(terms) if k != first]
    parts = [m if sp.simplify(a / c) == 1 else sp.MatMul(sp.simplify(a / c), m)
             for a, m in ordered]
    new_b = b if c == 1 else sp.MatMul(sp.simplify(1 / c), b).doit()
    return sp.MatAdd(*parts, evaluate=False) if len(parts) > 1 else parts[0], new_b, c


def _left_of(term, W):
    """A of the term A w: a matrix, or c I for a scalar c (λ w is λ I w)."""
    left = term.args[:-1]
    if any(isinstance(f, sp.MatrixExpr) for f in left):
        return sp.MatMul(*left)
    return sp.MatMul(sp.Mul(*left), sp.Identity(W.shape[0]))


def _flat_product(*parts):
    """A B as one matrix product, (XᵀX) w written XᵀX w."""
    args = []
    for p in parts:
        args.extend(p.args if isinstance(p, sp.MatMul) else [p])
    return sp.MatMul(*args)


def _affine(gradient, W):
    """True when W enters the vectorized gradient only linearly (XᵀXw), never inside a
    function applied entry by entry (σ(Xw)) or a sum over the samples left unvectorized."""
    from sympy.matrices.expressions.applyfunc import ElementwiseApplyFunction
    if not isinstance(gradient, sp.MatrixExpr):
        return False
    return not any(node.has(W) for node in gradient.atoms(ElementwiseApplyFunction))
