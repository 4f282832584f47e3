"""What every route shares: a Derivation that checks itself with its World, and an
engine that records the routes' rewrites as steps."""
from dataclasses import dataclass

import sympy as sp

from ...steps.derivation import Derivation
from ..loss import Engine
from .explicit import World, verify_steps


@dataclass
class RouteDerivation(Derivation):
    world: World = None
    result_lhs: sp.Expr = None      # what the result is, when a later line restates it

    def steps_result_lhs(self):
        return self.result_lhs if self.result_lhs is not None else super().steps_result_lhs()

    def verify(self, points=3, seed=0):
        """Check every step against the one before it; returns one Check per step."""
        return verify_steps(self.steps, self.world, points=points, seed=seed)


class RouteEngine(Engine):
    """The lecture's engine, with a `rewrite` that records one named rewrite as a step."""

    def rewrite(self, section, lhs, expr, rule, rewrite, *args, **params):
        new = rewrite(expr, *args)
        if new is None:
            raise RuntimeError(f"{rule} does not apply to {expr}")     # a bug, not bad input
        return self.emit(section, lhs, new, rule, **params)

    def derivation(self, name, result, world, result_lhs=None, wrt=None):
        """The steps recorded, as a Derivation; `wrt` names the variable where the engine's
        own is an entry (w_j for w[j])."""
        return RouteDerivation(name, wrt if wrt is not None else self.wrt, self.steps, result,
                               self.model, world=world, result_lhs=result_lhs)


def note(en, ko):
    """A remark on one step, in both languages (where the notes slip, for instance)."""
    return {"en": en, "ko": ko}

