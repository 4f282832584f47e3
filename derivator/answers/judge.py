"""Judging an answer to a problem: shape first, then numbers at random points, and when
it is wrong, a counterexample and a note that names the mistake (missing transpose,
sign, constant factor, a missing term, right only for symmetric X, the gradient where
the update rule was asked).

The right answer is never typed in: it is the derivation's own result, evaluated with
the same random values as the student's answer.
"""
from dataclasses import dataclass, field

import numpy as np

from .evaluate import Budget, EvaluationError, Evaluator, describe, shape_of
from .parse import AnswerError, parse
from .reference import _free_indices, _over_free, _size_settings, _task
from ..render.notebook import VerdictDisplay

RTOL = 1e-7


@dataclass(repr=False)
class Verdict(VerdictDisplay):
    problem: str
    answer: str
    status: str                     # correct | incorrect | unreadable
    message: str
    notes: list = field(default_factory=list)
    counterexample: str = None

    def as_dict(self):
        return {"problem": self.problem, "answer": self.answer, "status": self.status,
                "message": self.message, "notes": self.notes,
                "counterexample": self.counterexample}


def _close(a, b):
    if shape_of(a) != shape_of(b):
        return False
    return bool(np.allclose(a, b, rtol=RTOL, atol=RTOL * (1 + np.max(np.abs(b)))))


def check(problem_name, answer, seed=0):
    """The verdict on one answer to one problem."""
    from ..problemset import problem as find
    p = find(problem_name)
    try:
        tree = parse(answer)
    except AnswerError as error:
        return Verdict(p.id, answer, "unreadable", str(error))
    try:
        task, points = _task(p.id, seed)
    except (NotImplementedError, StopIteration):
        return Verdict(p.id, answer, "unreadable",
                       f"answers to {p.id} cannot be checked yet: its answer has free "
                       "indices and node functions, which the checker does not read yet")
    known = sorted(p.names)
    size_names = {}
    for point in points:
        size_names.update({v: n for n, v in point.sizes.items()})
    mismatch = None
    free = _free_indices(p)
    budget = Budget()                   # one for the whole check, notes included
    shaped = _shape_verdict(p, answer, tree, task, points, known, size_names, budget)
    if shaped is not None:
        return shaped
    answers = []                        # the answer's value at every point, for the notes
    for point in points:
        evaluator = Evaluator(point.values, point.samples, point.functions, known,
                              budget=budget)
        try:
            got = _over_free(evaluator, tree, free, point)
        except EvaluationError as error:
            status = "unreadable" if error.unreadable else "incorrect"
            return Verdict(p.id, answer, status, str(error))
        except (ValueError, np.linalg.LinAlgError, OverflowError, ZeroDivisionError) as error:
            return Verdict(p.id, answer, "incorrect", f"the answer cannot be computed: {error}")
        want = task.value(task.quantity, point)
        answers.append(got)
        if shape_of(got) != shape_of(want):
            return Verdict(p.id, answer, "incorrect",
                           f"your answer is {describe(shape_of(got), size_names)}; the "
                           f"answer is {describe(shape_of(want), size_names)}",
                           _shape_notes(got, want))
        if not _close(got, want) and mismatch is None and not point.symmetric:
            mismatch = (point, got, want)
    if mismatch is None:
        from .symbolic import confirms
        symbolic = ", and SymPy confirms it symbolically" if confirms(
            tree, p, task.quantity) else ""
        return Verdict(p.id, answer, "correct", "it agrees with the derivation at "
                       f"{len(points)} random points, at {len(_size_settings(p))} sizes"
                       + symbolic)
    point, got, want = mismatch
    notes = _notes(task, tree, answers, points, p)
    return Verdict(p.id, answer, "incorrect", "it differs from the derivation's result",
                   notes, _counterexample(point, got, want))


def _shape_verdict(p, answer, tree, task, points, known, size_names, budget):
    """Shapes are judged before any number is computed (once per size, with nothing
    inverted), so a verdict on shape never depends on the machine's arithmetic."""
    free = _free_indices(p)
    seen = set()
    for point in points:
        sizes = tuple(sorted(point.sizes.items()))
        if sizes in seen:
            continue
        seen.add(sizes)
        evaluator = Evaluator(point.values, point.samples, point.functions, known,
                              shapes_only=True, budget=budget)
        try:
            got = _over_free(evaluator, tree, free, point)
        except EvaluationError as error:
            return Verdict(p.id, answer, "unreadable" if error.unreadable else "incorrect",
                           str(error))
        except (ValueError, np.linalg.LinAlgError, OverflowError, ZeroDivisionError):
            continue                   # not a matter of shape: the numbers will say
        want = task.value(task.quantity, point)
        if shape_of(got) != shape_of(want):
            return Verdict(p.id, answer, "incorrect",
                           f"your answer is {describe(shape_of(got), size_names)}; the "
                           f"answer is {describe(shape_of(want), size_names)}",
                           _shape_notes(got, want))
    return None


def _shape_notes(got, want):
    if shape_of(got)[::-1] == shape_of(want):
        return ["missing transpose: your answer has the shape of the right one transposed"]
    return []


def _notes(task, tree, got, points, p):
    """Which transformation of the right answer the wrong one (`got` at each point) matches."""
    want = [task.value(task.quantity, point) for point in points]
    general = [k for k, pt in enumerate(points) if not pt.symmetric]
    notes = []
    if all(_close(np.transpose(g) if shape_of(g) else g, w) for g, w in
           zip([got[k] for k in general], [want[k] for k in general])) and shape_of(want[0]):
        notes.append("missing transpose: your answer is the transpose of the right one")
    elif all(_close(-got[k], want[k]) for k in general):
        notes.append("sign: your answer is the right one with its sign flipped")
    else:
        ratios = [_ratio(got[k], want[k]) for k in general]
        counts = [points[k].sizes.get(p.data.get("derive", {}).get("count", "N")) for k in general]
        if all(r is not None for r in ratios) and np.allclose(ratios, ratios[0], rtol=1e-6):
            notes.append(f"off by a constant factor: your answer is {ratios[0]:.6g} times "
                         "the right one")
        elif all(r is not None and c for r, c in zip(ratios, counts)):
            if np.allclose([r * c for r, c in zip(ratios, counts)], 1, rtol=1e-6):
                notes.append("an extra 1/N: the answer is a sum over the samples, not a mean")
            elif np.allclose([r / c for r, c in zip(ratios, counts)], 1, rtol=1e-6):
                notes.append("missing a 1/N, or a sum counted N times")
    if _uses_one_sample(tree):
        notes.append("x_i appears outside a sum: the sum over the samples is missing")
    symmetric = [k for k, pt in enumerate(points) if pt.symmetric]
    if symmetric and not notes and all(_close(got[k], want[k]) for k in symmetric):
        square = [n for n, v in p.names.items() if v.kind == "matrix"]
        notes.append(f"right only when {' and '.join(square)} "
                     f"{'is' if len(square) == 1 else 'are'} symmetric; in general it is not")
    for label, expr in task.variants:
        if all(_close(got[k], task.value(expr, points[k])) for k in general):
            notes.append(label)
    return notes


def _uses_one_sample(tree, bound=()):
    """True when x_i or y_i appears where no sum binds i."""
    if tree.kind == "sum":
        lower, upper, body = tree.args
        return _uses_one_sample(body, bound + (tree.value,))
    if tree.kind == "name":
        name, sub = tree.value
        return bool(sub) and len(sub) == 1 and name in ("x", "y") and sub[0] == "i" \
            and "i" not in bound
    return any(_uses_one_sample(a, bound) for a in tree.args)


def _ratio(a, b):
    a, b = np.ravel(a), np.ravel(b)
    big = np.argmax(np.abs(b))
    if abs(b[big]) < 1e-12:
        return None
    r = a[big] / b[big]
    return r if np.allclose(a, r * b, rtol=1e-6, atol=1e-9) else None


def _counterexample(point, got, want):
    sizes = ", ".join(f"{n} = {v}" for n, v in point.sizes.items())
    inputs = [f"{n} = {_short(v)}" for n, v in point.values.items()
              if n not in point.sizes and "_" not in n and n.isalpha()]
    if inputs:
        sizes += " with " + ", ".join(inputs)
    fmt = _short
    return f"at {sizes or 'these values'}: your answer gives {fmt(got)} but the right " \
           f"answer is {fmt(want)}"


def _short(value):
    return np.array2string(np.round(np.asarray(value), 3), separator=", ",
                           max_line_width=10_000).replace("\n", "")
