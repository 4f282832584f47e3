"""The Hessian of a loss over samples, derived in words from its gradient, and the Newton step.

For a loss of a linear predictor z_i = wᵀx_i + b the derived gradient is a sum over samples
Σ_i r_i v_i (v_i = x_i for w, 1 for b) plus terms of the parameters alone (2λw). The Hessian
block (p, q) is that gradient differentiated once more by qᵀ, as by hand:

    ∂/∂qᵀ Σ_i r_i v_i = Σ_i v_i ∂r_i/∂qᵀ        (the data do not depend on q)
                      = Σ_i s_i v_i v_iᵀ          (chain rule through z_i: s_i = ∂r_i/∂z_i)
                      = Xᵀ diag(s) X              (the samples as the rows of X)

and ∂(c w)/∂wᵀ = c I. A loss that is not of this form is refused (NoHessian), never
half-derived. Every step is checked numerically (HessianDerivation.verify): vectors and
matrices of random sizes, and each derivative ∂/∂qᵀ evaluated by central differences.
"""
import numpy as np
import sympy as sp

from .. import DerivatorError
from ..steps.algebra import factors_of, terms_of
from .derivation import Derivation, Step


class NoHessian(DerivatorError):
    """A loss whose Hessian this engine cannot derive: one line, exit status 1."""
    exit_status = 1


class outer(sp.Function):
    """outer(u, v) = u vᵀ, the outer product of two vectors (the Hessian's x_i x_iᵀ)."""
    nargs = 2

    def _sympystr(self, printer):
        u, v = self.args
        right = printer._print(v.expr) if isinstance(v, sp.Derivative) else printer._print(v)
        if isinstance(v, sp.Derivative):
            return f"{printer._print(u)} ∂({right})/∂{printer._print(v.variables[0])}ᵀ"
        return f"{printer._print(u)} {right}ᵀ"

    def _latex(self, printer):
        u, v = self.args
        if isinstance(v, sp.Derivative):
            return (f"{printer._print(u)} \\frac{{\\partial}}{{\\partial "
                    f"{printer._print(v.variables[0])}^\\top}}\\left({printer._print(v.expr)}\\right)")
        return f"{printer._print(u)} {printer._print(v)}^\\top"


IDENTITY = sp.Symbol("I")            # the D×D identity among the per-sample terms


def derive_hessian(name, gradients):
    """The HessianDerivation from `gradients`, {parameter name: its first-order Derivation}
    (the first parameter's derivation first)."""
    first = next(iter(gradients.values()))
    model = first.model
    if model is None or model.sample_index is None or not model.samples:
        raise NoHessian(f"{name}: the Hessian is derived for losses over samples only")
    builder = _Builder(name, model, gradients)
    return builder.run()


class _Builder:
    def __init__(self, name, model, gradients):
        self.name, self.model, self.gradients = name, model, gradients
        self.params = [p for p in model.params if str(p) in gradients]
        self.n = model.sample_index
        self.x, self.y = model.samples[0], model.samples[1]
        self.vectors = {str(v) for v in model.vectors}
        self.steps, self.blocks = [], {}
        self.meaning = {}            # each block's name -> ∂²L/∂p∂q, for the checker
        self.names = {}              # the weight vectors s of the matrix forms: their s_i

    def is_vector(self, p):
        return str(p) in self.vectors

    def emit(self, lhs, expr, rule, **params):
        self.steps.append(Step("hessian", lhs, expr, rule, params))
        return expr

    def run(self):
        first = next(iter(self.gradients.values()))
        steps = list(first.steps)
        for p in self.params:
            for q in self.params:
                if self.params.index(q) < self.params.index(p):
                    continue                    # H is symmetric: (q, p) is (p, q)ᵀ
                self.block(p, q)
        newton = self.newton()
        derivation = HessianDerivation(first.name, first.wrt, steps + self.steps,
                                       newton if newton is not None else self.result(), self.model)
        derivation.details.update(hessian_blocks=self.blocks, weights=self.names, meaning=self.meaning, first_order=len(steps),
                                  gradients=self.gradients)
        return derivation

    def result(self):
        p = self.params[0]
        return self.blocks[(str(p), str(p))]["final"]

    # --- one block ---------------------------------------------------------------
    def split(self, gradient, p):
        """([(outside, r_i, v_i)], rest): the gradient by p as Σ c Σ_i r_i v_i + rest."""
        from ..kernels.linear import sum_terms
        try:
            sums, rest = sum_terms(gradient, self.n)
        except DerivatorError as error:
            raise NoHessian(f"{self.name}: no Hessian: {error}") from None
        x_i = self.x[self.n]
        out = []
        for outside, summand in sums:
            factors = factors_of(summand)
            if self.is_vector(p):
                if factors.count(x_i) != 1:
                    raise NoHessian(f"{self.name}: no Hessian: the gradient by {p} is not a "
                                    f"sum of (scalar) x_i over samples")
                r = sp.Mul(*[f for f in factors if f != x_i])
                out.append((outside, r, x_i))
            else:
                out.append((outside, summand, sp.Integer(1)))
        return out, rest

    def through_predictor(self, r, q):
        """s with ∂r/∂q = s v_q (v_q = x_i for the predictor's weight, 1 for a scalar), or
        NoHessian when r depends on a vector q other than through qᵀx_i."""
        x_i = self.x[self.n]
        full = self.model.substitute_definitions(r)
        if self.is_vector(q):
            plain = full.replace(lambda e: getattr(e.func, "__name__", "") == "inner"
                                 and set(e.args) == {q, x_i}, lambda e: sp.Dummy("z"))
            if plain.has(q):
                raise NoHessian(f"{self.name}: no Hessian: the gradient depends on {q} other "
                                f"than through {q}ᵀx_i; out of scope")
        if any(v.has(q) for v in self.model.vectors if str(v) != str(q)) or full.has(sp.Sum):
            raise NoHessian(f"{self.name}: no Hessian: a nested sum or a network; out of scope")
        derivative = sp.diff(full, q)
        v_q = x_i if self.is_vector(q) else sp.Integer(1)
        s = sp.factor_terms(sp.simplify(derivative / v_q))
        if self.is_vector(q) and s.replace(lambda e: isinstance(e, sp.Function), lambda e: 0).has(x_i):
            raise NoHessian(f"{self.name}: no Hessian: ∂/∂{q} of {r} is not a multiple of x_i")
        return _renamed(s, r, self.model), v_q

    def rest_derivative(self, rest, q):
        """∂(rest)/∂qᵀ for the terms free of the data: c w gives c I."""
        if rest == 0:
            return sp.Integer(0)
        if self.is_vector(q):
            if rest.atoms(sp.Function) and any(a.has(q) for a in rest.atoms(sp.Function)) \
                    or sp.diff(rest, q, 2) != 0:
                raise NoHessian(f"{self.name}: no Hessian: the term {rest} is not linear in {q}")
            return sp.diff(rest, q) * IDENTITY
        return sp.diff(rest, q)

    def block(self, p, q):
        gradient = self.gradients[str(p)].sum_form()
        if gradient is None:
            raise NoHessian(f"{self.name}: no Hessian: the gradient by {p} is not a sum over samples")
        lhs = self.block_name(p, q)
        self.meaning[lhs] = sp.Derivative(self.model.target, p, q)
        sums, rest = self.split(gradient, p)
        n, N = self.n, self.model.sample_count
        limits = (n, 1, N)
        self.emit(lhs, sp.Derivative(gradient, q), "hessian_definition", p=p, q=q)
        inside = [c * sp.Sum(sp.Derivative(r * v, q), limits) for c, r, v in sums]
        self.emit(lhs, sp.Add(*inside) + (sp.Derivative(rest, q) if rest != 0 else 0),
                  "into_sum_hessian", q=q)
        if any(v != 1 for _, _, v in sums):
            data = [c * sp.Sum(self.product(v, sp.Derivative(r, q), q), limits) for c, r, v in sums]
            self.emit(lhs, sp.Add(*data) + (sp.Derivative(rest, q) if rest != 0 else 0),
                      "data_constant", q=q)
        weights, chained = [], []
        for c, r, v in sums:
            s, v_q = self.through_predictor(r, q)
            weights.append((c, s, v, v_q))
            chained.append(c * sp.Sum(s * self.product(v, v_q, q, done=True), limits))
        extra = self.rest_derivative(rest, q)
        # ∂r/∂qᵀ itself: s is ∂r/∂z_i only when ∂z_i/∂q is x_i or 1, not for a scalar w x_i
        slopes = [s * sp.Symbol("x_iᵀ") if self.is_vector(q) else s for _, s, _, _ in weights]
        per_sample = self.emit(lhs, sp.Add(*chained) + extra, "chain_predictor", q=q, d=slopes)
        self.blocks[(str(p), str(q))] = {"weights": weights, "extra": extra, "lhs": lhs,
                                         "final": per_sample}
        matrix = self.matrix_form(p, q, weights, extra)
        if matrix is not None:
            self.blocks[(str(p), str(q))]["final"] = self.emit(
                lhs, matrix, "hessian_matrix_form", s=[s for _, s, _, _ in weights])

    def block_name(self, p, q):
        """∂²L/∂w∂wᵀ as the line's name (SymPy prints a second Derivative as a first)."""
        head = self.model.target.func
        if p == q:
            return sp.Symbol(f"∂²{head}/∂{p}∂{q}ᵀ" if self.is_vector(q) else f"∂²{head}/∂{p}²")
        return sp.Symbol(f"∂²{head}/∂{p}∂{q}" + ("ᵀ" if self.is_vector(q) else ""))

    def product(self, v, other, q, done=False):
        """v (other)ᵀ: an outer product when both are vectors, else a plain product."""
        if v != 1 and self.is_vector(q):
            return outer(v, other)
        return v * other

    # --- the samples as the rows of X ----------------------------------------------
    def blocks_before(self, p, q):
        return [k for k in self.blocks if k != (str(p), str(q))]

    def matrix_form(self, p, q, weights, extra):
        if not self.model.data_matrix:
            return None
        X = self.model.data_matrix[0]
        N, D = X.shape
        pieces = []
        for k, (c, s, v, v_q) in enumerate(weights):
            S = sp.MatrixSymbol(weight_name(p, q, k, len(weights), first=not self.blocks_before(p, q)), N, 1)
            self.names[S] = s
            if v_q != 1 and s.is_Number:       # the same weight for every sample: s XᵀX
                core = sp.MatMul(s, X.T, X) if s != 1 else sp.MatMul(X.T, X)
                del self.names[S]
            elif v_q != 1:                     # Σ_i s_i x_i x_iᵀ = Xᵀ diag(s) X
                core = sp.MatMul(X.T, sp.DiagMatrix(S), X)
            elif v != 1:                       # Σ_i s_i x_i = Xᵀ s
                core = sp.MatMul(X.T, S)
            else:                              # Σ_i s_i = 1ᵀ s
                core = sp.MatMul(sp.OneMatrix(N, 1).T, S)
            pieces.append(core if c == 1 else sp.MatMul(c, core))
        if extra != 0:
            coefficient = extra.coeff(IDENTITY) if extra.has(IDENTITY) else extra
            size = D if extra.has(IDENTITY) else 1
            pieces.append(sp.MatMul(coefficient, sp.Identity(size)) if coefficient != 1
                          else sp.Identity(size))
        return pieces[0] if len(pieces) == 1 else sp.MatAdd(*pieces)

    # --- Newton --------------------------------------------------------------------
    def newton(self):
        """w_{t+1} = w_t - H⁻¹ ∇L, for a loss of one vector parameter with a matrix form."""
        if len(self.params) != 1 or not self.model.data_matrix:
            return None
        p = self.params[0]
        H = self.blocks[(str(p), str(p))]["final"]
        gradient = self.gradients[str(p)].result
        if not isinstance(H, sp.MatrixExpr) or not isinstance(gradient, sp.MatrixExpr):
            return None
        W = self.model.data_matrix[2]
        step = sp.MatAdd(W, sp.MatMul(-1, sp.Inverse(H), gradient))
        return self.emit(sp.Symbol(f"{p}_new"), step, "newton_step", p=p)


def weight_name(p, q, k, count, first):
    """s for the first block's one weight vector; s_wb, s_bb (s_wb2 ...) for the others."""
    if first and count == 1:
        return "s"
    return f"s_{p}{q}" + (str(k + 1) if count > 1 else "")


def _renamed(s, r, model):
    """s written with the intermediates r names (σ(wᵀx_i) back to f(x_i))."""
    apps = [a for a in r.atoms(sp.Function) if model.definition(a.func) is not None]
    for app in apps:
        s = s.xreplace({model.substitute_definitions(app): app})
    return s


class HessianDerivation(Derivation):
    """A derivation whose last steps are second order: they are checked by numbers."""

    def verify(self, points=3, seed=0):
        first = self.details["first_order"]
        gradient = Derivation(self.name, self.wrt, self.steps[:first], None, self.model,
                              {k: v for k, v in self.details.items()
                               if k not in ("hessian_blocks", "first_order", "gradients")})
        gradient.result = self.details["gradients"][str(self.wrt)].result
        checks = list(gradient.verify(seed=seed))
        from ..verify.hessian import verify_second_order
        return checks + verify_second_order(self, self.steps[first:], points=points, seed=seed)
