"""A step changed on purpose must fail, now that both verifiers check every entry at once
over arrays (derivator/verify/arrays.py): a coefficient, a transpose, a dropped term or
two indices swapped, in steps sampled from derivations of both kinds (networks by the loss
strategy; softmax regression and matrix calculus by index notation). And the arrays give,
line by line, the values the entry-by-entry evaluation gives."""
import dataclasses
from pathlib import Path

import numpy as np
import pytest
import sympy as sp

import derivator
from derivator.steps.derivation import Derivation

TESTS = Path(__file__).parent
FILES = ["problems/p7b.toml", "tests/problem_files/network3.toml",
         "tests/problem_files_review/tanh_network.toml",
         "tests/problem_files_losses/softmax_regression_sum.toml",
         "tests/problem_files_losses/linear_layer_sigmoid_sse.toml",
         "tests/problem_files_cookbook/bilinear_axtb.toml",
         "tests/problem_files_cookbook/frobenius_residual.toml",
         "tests/problem_files/trace_xaxtb.toml"]


def _path(name):
    return str(TESTS.parent / name)


def _first(expr, kind, size=1):
    """The first node (in preorder) of a kind with more than `size` arguments."""
    return next((e for e in sp.preorder_traversal(expr) if isinstance(e, kind)
                 and len(e.args) > size), None)


def _coefficient(e, free):
    return sp.Rational(3, 2) * e


def _dropped_term(e, free):
    add = _first(e, sp.MatAdd) if isinstance(e, sp.MatrixExpr) else _first(e, sp.Add)
    return e.xreplace({add: add.func(*add.args[1:])}) if add is not None else None


def _indices_swapped(e, free):
    if len(free) < 2:
        return None
    a, b = free[:2]
    return e.xreplace({a: b, b: a})


def _transposed(e, free):
    """A transpose lost (matrix form), or a matrix entry read as X_ji for X_ij."""
    if isinstance(e, sp.MatrixExpr):
        t = _first(e, sp.Transpose, 0)
        return e.xreplace({t: t.arg}) if t is not None else None
    entry = next((x for x in sp.preorder_traversal(e) if isinstance(x, sp.Indexed)
                  and len(x.indices) == 2 and x.indices[0] != x.indices[1]), None)
    return e.xreplace({entry: entry.base[entry.indices[::-1]]}) if entry is not None else None


MUTATIONS = [_coefficient, _dropped_term, _indices_swapped, _transposed]


def _free(d):
    if "index_info" in d.details:
        return list(d.details["index_info"][3])
    return list(d.model.free_indices)


def _mutated(d, mutation, most=3):
    """Up to `most` steps of the main line changed, none the line another changed one is
    compared with (so each is compared with a line as derived): (derivation, positions)."""
    top, provider, changed, steps = d.steps[0].lhs, {}, [], list(d.steps)
    for k, s in enumerate(d.steps):
        key = s.follows if s.follows is not None else s.lhs
        before = provider.get(key)
        provider[s.lhs] = k
        if s.lhs is None or s.lhs != top or s.section == "lemma" or before in changed \
                or len(changed) == most:
            continue
        try:
            new = mutation(s.expr, _free(d))
        except (TypeError, ValueError, sp.ShapeError):      # it does not build: another
            continue
        if new is None or new == s.expr:
            continue
        steps[k] = dataclasses.replace(s, expr=new)
        changed.append(k)
    return Derivation(d.name, d.wrt, steps, d.result, d.model, d.details), changed


@pytest.fixture(scope="module")
def derivations():
    return {name: derivator.derive(_path(name)) for name in FILES}


@pytest.mark.parametrize("name", FILES)
def test_every_sampled_change_fails(derivations, name):
    d = derivations[name]
    tried = 0
    for mutation in MUTATIONS:
        broken, changed = _mutated(d, mutation)
        if not changed:
            continue
        checks = broken.verify()
        tried += len(changed)
        passed = [(mutation.__name__, k, d.steps[k].rule) for k in changed if checks[k].ok]
        assert passed == []
    assert tried >= 2          # each file gives changes of more than one step


def test_the_network_lines_are_checked_at_once(derivations):
    """p7b's lines at every entry ∂L/∂w_{1,d,m} and every point in one pass, not entry by
    entry (the speed of issue 24)."""
    checks = derivations["problems/p7b.toml"].verify()
    assert all(c.ok for c in checks)
    assert all("at once" in c.detail for c in checks if c.step.lhs is not None)


@pytest.mark.parametrize("name", [n for n in FILES if "problems/" not in n
                                  and "network" not in n])
def test_the_arrays_give_the_values_entry_by_entry(derivations, name):
    """Line by line, every entry at once equals the entry-by-entry evaluation (SymPy's
    derivatives, the old walker), on non-square random matrices."""
    from derivator.verify import indices
    d = derivations[name]
    problem, head, index_form, free = d.details["index_info"]
    sizes, arrays = indices._environment(problem, 1, np.random.default_rng(5))
    compared = 0
    for s in d.steps:
        expr = s.expr.xreplace({head: index_form})
        if s.section == "lemma" or isinstance(expr, sp.MatrixExpr):
            continue
        idx = list(d.details.get("output", [])) if s.lhs == head else list(free)
        fast = indices._at_once(expr, problem, index_form, idx, sizes, arrays)
        exact = indices.evaluate(s.expr, problem, head, index_form, idx, sizes, arrays,
                                 exact=True)
        if fast is None:
            continue
        compared += 1
        assert fast.shape == exact.shape and np.allclose(fast, exact, rtol=1e-10, atol=1e-12)
    assert compared >= 3
