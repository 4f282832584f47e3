"""The reference (the derivation's result as numbers) is compiled to Python once per
process; here it is recomputed the slow, independent way (every definition put in, every
sum written out, every name replaced by its number, SymPy doing the arithmetic) and the
two must agree at the problem's own random points."""
import numpy as np
import pytest
import sympy as sp

import derivator
from derivator.answers.judge.reference import _free_indices, _task
from derivator.model.functions import expand_named_functions, inner
from derivator.model.problemset import problem as find
from derivator.verify.steps import _write_out_sums

PROBLEMS = [p for p in derivator.catalog() if p.startswith("p")]
SUBSTITUTED = {}


def _numbers(problem, point):
    """{SymPy name: number} for everything the point fixes."""
    out = {}
    for name, value in point.values.items():
        if np.ndim(value) == 0 and not callable(value):
            out[sp.Symbol(name)] = sp.Float(float(value), 30)
    for name, value in point.sizes.items():
        out[sp.Symbol(name, integer=True, positive=True)] = sp.Integer(value)
        out[sp.Symbol(name)] = sp.Integer(value)
    return out


def _by_sympy(expr, problem, point, entry=()):
    model = problem.model() if problem.strategy in ("loss", "likelihood") else None
    sizes = {problem.sizes()[n]: v for n, v in point.sizes.items()}
    for name, v in problem.names.items():
        if v.kind == "natural":
            sizes[sp.Symbol(name, integer=True, positive=True)] = int(point.values[name])
    if model is not None:
        key = (problem.id, expr)
        if key not in SUBSTITUTED:                 # the same for every point and entry
            SUBSTITUTED[key] = model.substitute_definitions(expr)
        expr = SUBSTITUTED[key]
    expr = expr.xreplace(sizes)
    fixed = dict(zip(_free_indices(problem), entry))           # the entry's indices
    expr = expr.xreplace({s: sp.Integer(fixed[s.name]) for s in expr.free_symbols
                          if isinstance(s, sp.Symbol) and s.name in fixed})
    expr = _write_out_sums(expand_named_functions(expr)).doit()
    arrays = {}
    for m in expr.atoms(sp.MatrixSymbol):
        arrays[m] = sp.ImmutableMatrix(np.atleast_2d(point.values[m.name]).tolist())
    expr = expr.xreplace(arrays)
    if isinstance(expr, sp.MatrixExpr):
        expr = expr.doit().as_explicit()
    numbers = _numbers(problem, point)

    def value_of(a):                                  # x[i, k], w_1[d, m], y[i], x[i]
        label, idx = str(a.base.label), [int(i) - 1 for i in a.indices]
        if label in point.samples:
            data = np.ravel(point.samples[label][idx[0]])
            return sp.ImmutableMatrix(data) if len(idx) == 1 and data.size > 1 \
                else sp.Float(float(data[idx[1] if len(idx) > 1 else 0]), 30)
        array = np.asarray(point.values[label])
        array = array[:, 0] if array.ndim == 2 and array.shape[1] == 1 else array
        return sp.Float(float(array[tuple(idx)]), 30)
    expr = expr.xreplace({a: value_of(a) for a in expr.atoms(sp.Indexed)})
    vectors = {sp.Symbol(n): sp.ImmutableMatrix(np.ravel(v)) for n, v in point.values.items()
               if np.ndim(v) == 2 and np.shape(v)[1] == 1}
    expr = expr.xreplace({**numbers, **vectors})
    expr = expr.replace(lambda e: isinstance(e, inner),
                        lambda e: (e.args[0].T * e.args[1])[0, 0])
    return np.array(sp.N(expr, 20).tolist() if hasattr(expr, "tolist") else sp.N(expr, 20),
                    dtype=float)


@pytest.mark.parametrize("name", PROBLEMS)
def test_the_compiled_reference_is_the_derivation_at_every_point(name):
    p = find(name)
    task, points = _task(p.id, 0)
    free = _free_indices(p)
    exprs = [task.quantity] + [e for _, e in task.variants]
    for point in points[:1] + points[-1:]:                 # both sizes
        for expr in exprs:
            got = task.value(expr, point)
            if free:          # the last entry (the largest indices): each costs seconds
                corners = [tuple(n - 1 for n in np.shape(got))]
                got = np.array([got[c] for c in corners])
                want = [_by_sympy(expr, p, point, tuple(e + 1 for e in c)) for c in corners]
            else:
                want = _by_sympy(expr, p, point)
            assert np.size(got) == np.size(want), name
            assert np.allclose(got, np.reshape(want, np.shape(got)), rtol=1e-9, atol=1e-12), name


def test_a_reference_value_is_never_one_computed_for_another_point(monkeypatch):
    """Task.value remembers values by id(point); a point's id is reused once the point is
    freed, as after _task.cache_clear() (tests/test_batch.py::test_workers_start_warm),
    which frees every point while the Task, cached by _problem_task, keeps its values.
    Here every id collides, so a value kept for the wrong point is always seen."""
    from derivator.answers.judge import reference
    task = reference.Task(find("p5"))
    small, large = task.points(0)[0], task.points(0)[-2]
    assert small.sizes != large.sizes
    monkeypatch.setattr(reference, "id", lambda obj: 0, raising=False)
    for point in (small, large, small):
        got = task.value(task.quantity, point)          # the result of p5 is B itself
        assert np.shape(got) == np.shape(point.values["B"])
        assert np.allclose(got, point.values["B"])


def test_a_known_mistakes_values_are_never_another_draws(monkeypatch):
    """The same for the known mistakes' values, remembered by id(points)."""
    from derivator.answers.judge import judge, mistakes, reference
    p = find("p5")
    task = reference.Task(p)
    level = next(kind for kind, _, _ in mistakes.mistakes("p5"))
    draws = [task.points(0, v) for v in range(reference.VARIANTS)]
    a, b = next((x, y) for x in draws for y in draws
                if [pt.sizes for pt in x] != [pt.sizes for pt in y])
    monkeypatch.setattr(judge, "_MISTAKES", {})
    monkeypatch.setattr(judge, "id", lambda obj: 0, raising=False)
    for points in (a, b, a):
        for _, values in judge._mistake_values(p, points, task, level):
            assert [np.shape(v) for v in values] == \
                [np.shape(pt.values["A"]) for pt in points]
