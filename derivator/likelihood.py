"""The strategy for maximum likelihood (problem 4): the log of the likelihood, the
derivative by the same rules as any loss, and the gradient set to zero and solved.

    ln P = ln Π_i p_i = Σ_i ln p_i = Σ_i (ln c - (y_i - wᵀx_i)²/(2σ²))
         = N ln c - 1/(2σ²) Σ_i (y_i - wᵀx_i)²
    ∂ ln P/∂w = (1/σ²) Xᵀ(y - Xw) = 0  ⇔  XᵀX w = Xᵀy  ⇔  w = (XᵀX)⁻¹Xᵀy
"""
import sympy as sp

from . import rewrites
from .engine import Engine
from .rules import D


class LikelihoodEngine(Engine):
    def run(self, others=True):
        from .derivation import Derivation
        m, w = self.model, self.wrt
        P = m.target
        log_p = sp.log(P)
        body = m.definition(P.func).apply(P.args)
        expr = self.emit("log", log_p, sp.log(body, evaluate=False), "log_likelihood")
        for rule, rewrite in (("log_product", rewrites.log_of_product),
                              ("log_rule_terms", rewrites.log_of_terms),
                              ("split_sum", rewrites.split_sum)):
            expr = self.emit("log", log_p, rewrite(expr), rule)
        lhs = D(log_p, w)
        derivative = self.emit("gradient", lhs, D(expr, w), "differentiate")
        derivative = self.apply_rules(derivative, lhs, "gradient", self.context(w))
        gradient = self.through_one_sample(derivative, lhs)
        result = self.solve(gradient)
        return Derivation(m.name, w, self.steps, result, m)

    def solve(self, gradient):
        """The gradient, affine in w, set to zero and solved for w."""
        W = self.model.data_matrix[2]
        zero = sp.ZeroMatrix(*W.shape)
        self.emit("solve", None, sp.Eq(gradient, zero, evaluate=False), "set_to_zero")
        scalars = [f for f in gradient.args if not isinstance(f, sp.MatrixExpr)]
        matrix = sp.MatMul(*[f for f in gradient.args if isinstance(f, sp.MatrixExpr)])
        expanded = matrix.expand()
        self.emit("solve", None, sp.Eq(expanded, zero, evaluate=False), "drop_factor_expand",
                  factor=sp.Mul(*scalars))
        terms = list(expanded.args) if isinstance(expanded, sp.MatAdd) else [expanded]
        with_w = [t for t in terms if isinstance(t, sp.MatMul) and t.args[-1] == W]
        rest = [t for t in terms if t not in with_w]
        A = sp.MatAdd(*[sp.MatMul(*t.args[:-1]) for t in with_w]) if len(with_w) > 1 else \
            sp.MatMul(*with_w[0].args[:-1])
        sign = -1 if A.could_extract_minus_sign() else 1
        A = sp.MatMul(-1, A).doit() if sign < 0 else A
        b = sp.MatAdd(*rest) if len(rest) > 1 else rest[0]
        if sign > 0:
            b = sp.MatMul(-1, b).doit()
        self.emit("solve", None, sp.Eq(_flat_product(A, W), b, evaluate=False),
                  "normal_equations")
        solution = _flat_product(sp.Inverse(A), b)
        self.emit("solve", None, sp.Eq(W, solution, evaluate=False), "invert", matrix=A)
        return solution


def _flat_product(*parts):
    """A B as one matrix product, (XᵀX) w written XᵀX w."""
    args = []
    for p in parts:
        args.extend(p.args if isinstance(p, sp.MatMul) else [p])
    return sp.MatMul(*args)
