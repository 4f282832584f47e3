"""Verification of a derivation with free indices (∂L/∂h_j of problem 7a) expands each line
once with the indices left as symbols, then checks every entry. A line changed on purpose
must still fail, also when it is wrong at one entry only."""
import dataclasses

import pytest
import sympy as sp

import derivator
from derivator.steps.derivation import Derivation


def _with_step_replaced(d, k, expr):
    steps = list(d.steps)
    steps[k] = dataclasses.replace(steps[k], expr=expr)
    return Derivation(d.name, d.wrt, steps, d.result, d.model, d.details)


@pytest.fixture(scope="module")
def p7a():
    return derivator.derive("p7a")


def test_every_line_of_7a_passes(p7a):
    assert all(c.ok for c in p7a.verify())


@pytest.mark.parametrize("rule,mutation", [
    ("kronecker_delta", lambda e, j: 2 * e),                          # a factor
    ("kronecker_delta", lambda e, j: e * (1 + sp.KroneckerDelta(j, 2))),   # entry j = 2 only
    ("linear", lambda e, j: e.xreplace({sp.KroneckerDelta(sp.Symbol("d", integer=True), j):
                                        sp.KroneckerDelta(sp.Symbol("d", integer=True), 1)})),
    ("power_chain", lambda e, j: e * (1 + sp.KroneckerDelta(j, 1) / 10)),  # entry j = 1 only
])
def test_a_line_changed_on_purpose_fails(p7a, rule, mutation):
    j = next(iter(p7a.model.free_indices))
    k = next(k for k, s in enumerate(p7a.steps) if s.rule == rule)
    changed = mutation(p7a.steps[k].expr, j)
    assert changed != p7a.steps[k].expr          # the mutation did change the line
    checks = _with_step_replaced(p7a, k, changed).verify()
    assert not checks[k].ok, checks[k]
