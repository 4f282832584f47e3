"""A derivation as plain data: the steps, each with its rule, and the result."""
from dataclasses import dataclass, field

import sympy as sp

from ..render.notebook import DerivationDisplay, StepDisplay


@dataclass(frozen=True, repr=False)
class Step(StepDisplay):
    """One line: `lhs = expr`, obtained from the line before by `rule`."""

    section: str          # which part of the derivation: cost, loss, lemma, back, result
    lhs: sp.Expr          # the quantity this line computes, e.g. Derivative(L(y, h(x)), w)
    expr: sp.Expr         # the right-hand side, in the lecture's written order
    rule: str             # rule id, see render/messages.py
    params: dict = field(default_factory=dict)   # what the explanation names
    follows: sp.Expr = None     # checked against the last line for this lhs instead (when a
                                # line turns entries ∂f/∂X_kl into the matrix ∂f/∂X)

    @property
    def explanation(self):
        return self.explain("en")

    def explain(self, lang="en"):
        from ..render.messages import explain
        return explain(self, lang)


@dataclass(repr=False)
class Derivation(DerivationDisplay):
    name: str
    wrt: sp.Symbol
    steps: list
    result: sp.Expr
    model: object = None
    details: dict = field(default_factory=dict)   # what its strategy's checker needs (the
    # index form and free indices of an index problem; the k values of tr(X^k))

    def steps_result_lhs(self):
        """The quantity the result is: the lhs of the step that produced it."""
        for step in reversed(self.steps):
            if step.expr == self.result:
                return step.lhs
            if step.lhs is None and isinstance(step.expr, sp.Eq) and step.expr.rhs == self.result:
                return step.expr.lhs               # a solved equation: w = (XᵀX)⁻¹Xᵀy
        return sp.Derivative(self.model.target, self.wrt)

    def sum_form(self):
        """The result as a sum over samples (before any vectorized form): what kernels use."""
        lhs = self.steps_result_lhs()
        for step in reversed(self.steps):
            if step.lhs == lhs and step.expr.has(sp.Sum):
                return step.expr
        return None

    @property
    def sections(self):
        """The sections in order of first appearance, each with its steps."""
        out = {}
        for step in self.steps:
            out.setdefault(step.section, []).append(step)
        return list(out.items())

    def verify(self, points=5, seed=0):
        """Check every step against the one before it; returns one Check per step."""
        import numpy as np
        with np.errstate(all="ignore"):   # an overflow at a random point is a failed check, not noise
            if "index_info" in self.details:
                from ..verify.indices import verify_index_derivation
                return verify_index_derivation(self, seed=seed)
            from ..verify.steps import verify_derivation
            return verify_derivation(self, points=points, seed=seed)
