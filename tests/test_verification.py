"""Every step of every derivation is proven equal to the one before it; a wrong step is caught."""
import dataclasses

import pytest
import sympy as sp

import derivator
from derivator.steps.derivation import Derivation

from derivator.model.registry import catalog as lectures, get_model

CASES = [(name, str(p)) for name in lectures() for p in get_model(name).params]


@pytest.mark.parametrize("name,wrt", CASES)
def test_every_step_is_checked(name, wrt):
    checks = derivator.derive(name, wrt).verify()
    failed = [(c.step.rule, c.detail) for c in checks if not c.ok]
    assert not failed
    assert len(checks) == len(derivator.derive(name, wrt).steps)


def _with_step_replaced(d, k, expr):
    steps = list(d.steps)
    steps[k] = dataclasses.replace(steps[k], expr=expr)
    return Derivation(d.name, d.wrt, steps, d.result, d.model)


@pytest.mark.parametrize("rule", ["sign", "cancel", "expand", "linear", "exponential_rule"])
def test_a_wrong_step_fails(rule):
    d = derivator.derive("bce", "w")
    k = next(k for k, s in enumerate(d.steps) if s.rule == rule)
    broken = _with_step_replaced(d, k, -d.steps[k].expr)
    assert not broken.verify()[k].ok


def test_a_missing_transpose_in_the_vectorized_form_fails():
    d = derivator.derive("mse", "w")
    k = next(k for k, s in enumerate(d.steps) if s.rule == "vectorize")
    matmul = d.steps[k].expr
    untransposed = matmul.replace(lambda e: isinstance(e, sp.Transpose), lambda e: e.arg)
    assert not _with_step_replaced(d, k, untransposed).verify()[k].ok


def test_mse_one_sample_step_is_checked_with_real_vectors():
    """x w and w x are equal as scalars; with vectors only the gradient x is right."""
    d = derivator.derive("mse", "w")
    k = next(k for k, s in enumerate(d.steps) if s.rule == "linear")
    x, w = sp.symbols("x w")
    from derivator.model.functions import inner
    wrong = d.steps[k].expr.xreplace({x: inner(x, w)})   # a scalar where a vector belongs
    assert not _with_step_replaced(d, k, wrong).verify()[k].ok
