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
from .lhs import parse_answer
from .notation import written
from .parse import AnswerError
from .reference import _free_indices, _over_free, _size_settings, _task

RTOL = 1e-7


@dataclass
class Verdict:
    problem: str
    answer: str
    status: str                     # correct | incorrect | unreadable | timeout
    message: str
    notes: list = field(default_factory=list)
    counterexample: str = None
    read_as: str = None             # how the answer was read, in the course's notation
    column: int = None              # where an unreadable answer could not be read (1-based)

    def as_dict(self):
        return {"problem": self.problem, "answer": self.answer, "status": self.status,
                "message": self.message, "notes": self.notes,
                "counterexample": self.counterexample, "read_as": self.read_as,
                "column": self.column}


def _close(a, b):
    if shape_of(a) != shape_of(b):
        return False
    return bool(np.allclose(a, b, rtol=RTOL, atol=RTOL * (1 + np.max(np.abs(b)))))


def check(problem_name, answer, seed=0):
    """The verdict on one answer to one problem."""
    from ..problemset import problem as find
    p = find(problem_name)
    try:
        reading = parse_answer(answer, p)
    except AnswerError as error:
        message = str(error) + (f"; {error.hint}" if error.hint else "")
        return Verdict(p.id, answer, "unreadable", message, column=error.column)
    except RecursionError:             # a last guard: the reader bounds its own depth
        return Verdict(p.id, answer, "unreadable", "the answer nests too deep to be read")
    try:
        verdict = _judge(p, answer, reading, seed)
    except RecursionError:
        verdict = Verdict(p.id, answer, "unreadable", "the answer nests too deep to evaluate")
    verdict.read_as = verdict.read_as or _read_as(reading)
    return verdict


def _read_as(reading):
    text = written(reading.tree)
    return f"{reading.lhs.shown or reading.lhs.text} = {text}" if reading.lhs else text


def _judge(p, answer, reading, seed):
    tree = reading.tree
    if reading.notes:                  # the left-hand side names something else
        return Verdict(p.id, answer, "incorrect", reading.notes[0], list(reading.notes))
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
    budget = Budget()                   # one for the whole check, notes included
    value = _valuer(p, reading, task, points)
    shaped = _shape_verdict(p, answer, tree, task, points, known, size_names, budget, value)
    if shaped is not None:
        return shaped
    answers = []                        # the answer's value at every point, for the notes
    for point in points:
        evaluator = Evaluator(point.values, point.samples, point.functions, known,
                              budget=budget)
        try:
            got = value(evaluator, tree, point)
        except EvaluationError as error:
            status = "unreadable" if error.unreadable else "incorrect"
            return Verdict(p.id, answer, status, str(error))
        except (ValueError, np.linalg.LinAlgError, OverflowError, ZeroDivisionError,
                TypeError, IndexError) as error:
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
        symbolic = ", and SymPy confirms it symbolically" if not reading.entry_order and \
            confirms(tree, p, task.quantity) else ""
        return Verdict(p.id, answer, "correct", "it agrees with the derivation at "
                       f"{len(points)} random points, at {len(_size_settings(p))} sizes"
                       + symbolic)
    point, got, want = mismatch
    notes = _notes(task, tree, answers, points, p)
    return Verdict(p.id, answer, "incorrect", "it differs from the derivation's result",
                   notes, _counterexample(point, got, want))


def _valuer(p, reading, task, points):
    """How to compute the answer at a point: as it stands, over the problem's free indices
    (p7), or entry by entry when it is written as an entry (B_{ij}, 2X_{ji}, [(X + Xᵀ)w]_k)."""
    free = _free_indices(p)
    if free:
        return lambda evaluator, tree, point: _over_free(evaluator, tree, free, point)
    order = reading.entry_order or tuple(sorted(_entry_indices(reading.tree, points[0])))
    if not order:
        return lambda evaluator, tree, point: evaluator(tree)

    def entries(evaluator, tree, point):
        want = task.value(task.quantity, point)
        shape = [n for n in shape_of(want) if n != 1] if shape_of(want) else []
        if len(order) != len(shape):
            raise EvaluationError(
                f"your answer has the free {'index' if len(order) == 1 else 'indices'} "
                f"{', '.join(order)}; an entry of {describe(shape_of(want))} has "
                f"{len(shape)}", unreadable=True)
        import itertools
        out = np.empty(shape)
        for combo in itertools.product(*[range(1, n + 1) for n in shape]):
            evaluator.bound.update(dict(zip(order, combo)))
            entry = evaluator(tree)
            if shape_of(entry):
                raise EvaluationError(f"an entry must be a number; yours is "
                                      f"{describe(shape_of(entry))}")
            out[tuple(c - 1 for c in combo)] = entry
        for index in order:
            evaluator.bound.pop(index, None)
        return out.reshape(shape_of(want))
    return entries


def _entry_indices(tree, point):
    """The letters that index the problem's vectors and matrices (X_{ij}, w_k, […]_k)
    without a sum binding them: the answer is then one entry, for every value of them."""
    found = []

    def visit(n, bound):
        stack = [(n, bound)]
        while stack:
            node, b = stack.pop()
            if node.kind == "sum":
                stack.append((node.args[2], b | {node.value}))
                continue
            letters = ()
            if node.kind == "name" and node.value[1] and node.value[0] not in point.samples \
                    and f"{node.value[0]}_{'_'.join(node.value[1])}" not in point.values:
                name, sub = node.value
                arrays = [name] + [f"{name}_{'_'.join(sub[:k])}" for k in range(1, len(sub))]
                if any(np.ndim(point.values.get(a, 0)) for a in arrays):
                    letters = [c for part in sub for c in (part if len(part) <= 2 else "")
                               if c.isalpha()]
            elif node.kind == "entry":
                letters = [c for part in node.value for c in part if c.isalpha()]
            for c in letters:
                if c not in b and c not in found and c not in point.values:
                    found.append(c)
            stack.extend((a, b) for a in node.args)
    visit(tree, frozenset())
    return found


def _shape_verdict(p, answer, tree, task, points, known, size_names, budget, value):
    """Shapes are judged before any number is computed (once per size, with nothing
    inverted), so a verdict on shape never depends on the machine's arithmetic."""
    seen = set()
    for point in points:
        sizes = tuple(sorted(point.sizes.items()))
        if sizes in seen:
            continue
        seen.add(sizes)
        evaluator = Evaluator(point.values, point.samples, point.functions, known,
                              shapes_only=True, budget=budget)
        try:
            got = value(evaluator, tree, point)
        except EvaluationError as error:
            return Verdict(p.id, answer, "unreadable" if error.unreadable else "incorrect",
                           str(error))
        except (ValueError, np.linalg.LinAlgError, OverflowError, ZeroDivisionError,
                TypeError, IndexError):
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
