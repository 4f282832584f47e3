"""Judging an answer to a problem: shape first, then numbers at random points, and when
it is wrong, a counterexample and a note that names the mistake (missing transpose,
sign, constant factor, a missing term, right only for symmetric X, the gradient where
the update rule was asked).

The right answer is never typed in: it is the derivation's own result, evaluated with
the same random values as the student's answer.
"""
import re
from dataclasses import dataclass, field

import numpy as np

from . import mistakes
from .evaluate import Budget, EvaluationError, Evaluator, describe, over_indices, shape_of
from ..read.lhs import Reading, parse_answer
from ..read.notation import written
from ..read.parse import AnswerError, Node
from .reference import _free_indices, _over_free, _size_settings, _task, variant_of
from ...render.notebook import VerdictDisplay

RTOL = 1e-7


@dataclass(repr=False)
class Verdict(VerdictDisplay):
    problem: str
    answer: str
    status: str                     # correct | incorrect | unreadable | timeout
    message: str
    notes: list = field(default_factory=list)
    counterexample: str = None
    read_as: str = None             # how the answer was read, in the course's notation
    column: int = None              # where an unreadable answer could not be read (1-based)
    dialect: str = None             # latex, code, unicodemath, mathtype (read/dialects.py)
    guesses: list = field(default_factory=list)   # readings that are a guess, flagged

    def as_dict(self):
        return {"problem": self.problem, "answer": self.answer, "status": self.status,
                "message": self.message, "notes": self.notes,
                "counterexample": self.counterexample, "read_as": self.read_as,
                "column": self.column}


def _close(a, b):
    if shape_of(a) != shape_of(b):
        return False
    a, b = np.asarray(a), np.asarray(b)
    size = np.abs(b)
    atol = RTOL * (1 + np.max(size))
    if a.dtype.kind in "fiu" and b.dtype.kind in "fiu" and np.isfinite(atol) and \
            np.all(np.isfinite(a)):          # np.allclose's test, without its overhead
        return bool(np.all(np.abs(a - b) <= atol + RTOL * size))
    return bool(np.allclose(a, b, rtol=RTOL, atol=atol))


def _allclose(a, b, rtol=1e-05, atol=1e-08):
    """np.allclose(a, b, rtol, atol), with its test done directly where every number is a
    finite real (the notes call it thousands of times a check on small arrays)."""
    a, b = np.asarray(a), np.asarray(b)
    if a.dtype.kind in "fiu" and b.dtype.kind in "fiu":
        with np.errstate(all="ignore"):
            close = np.abs(a - b) <= atol + rtol * np.abs(b)
        if np.all(np.isfinite(a)) and np.all(np.isfinite(b)):
            return bool(np.all(close))
    return bool(np.allclose(a, b, rtol=rtol, atol=atol))


def check(problem_name, answer, seed=0, elsewhere=True, explain=True):
    """The verdict on one answer to one problem (elsewhere: whether an answer with names
    the problem lacks is tried as an answer to the other problems; explain: whether a
    wrong answer gets its notes and counterexample, which only a reader needs)."""
    from ...model.problemset import problem as find
    p = find(problem_name)
    from ...model.functions import out_of_scope
    scope_error = out_of_scope(answer)
    if scope_error:                    # abs, max, min, sign: out of scope, said as such
        return Verdict(p.id, answer, "unreadable", scope_error[1], column=scope_error[0])
    try:
        reading = parse_answer(answer, p)
    except AnswerError as error:
        message = str(error)
        if error.expected and "expected" not in message.replace("unexpected", ""):
            message += f"; expected {error.expected}"
        if error.hint:
            message += f"; {error.hint}"
        return Verdict(p.id, answer, "unreadable", message, column=error.column)
    except RecursionError:             # a last guard: the reader bounds its own depth
        return Verdict(p.id, answer, "unreadable", "the answer nests too deep to be read")
    try:
        with np.errstate(all="ignore"):     # overflow at a point is judged, never printed
            verdict = _judged(p, answer, reading, seed, explain)
            for _ in range(MAX_GUESSES):        # y σ(z) of two N-vectors: y ⊙ σ(z)
                loose = _entrywise_guess(verdict, reading)
                if loose is None:
                    break
                reading.tree, guess = loose
                if reading.prepared is not None:
                    reading.prepared.guesses.append(guess)
                verdict = _judged(p, answer, reading, seed, explain)
            if elsewhere:
                verdict = _another_problem(p, answer, verdict, seed)
    except RecursionError:
        verdict = Verdict(p.id, answer, "unreadable", "the answer nests too deep to evaluate")
    except Exception as error:       # noqa: BLE001 - a bug of ours must not end the grading
        verdict = Verdict(p.id, answer, "unreadable",
                          f"derivator could not compute this check ({type(error).__name__}: "
                          f"{str(error)[:120]}); this is a fault in derivator, not in the "
                          "answer: please report it")
    verdict.read_as = verdict.read_as or _read_as(reading)
    if reading.prepared is not None:
        verdict.dialect = reading.prepared.dialect
        verdict.guesses = list(reading.prepared.guesses)
    return verdict


def _judged(p, answer, reading, seed, explain=True):
    verdict = _judge(p, answer, reading, seed, explain)
    if reading.lhs is not None and reading.lhs.kind == "equation":
        verdict = _equation(p, answer, reading, seed, verdict)
    return verdict


def _read_as(reading):
    text = written(reading.tree)
    text = f"{reading.lhs.shown or reading.lhs.text} = {text}" if reading.lhs else text
    said = reading.prepared.summary() if reading.prepared is not None else ""
    return f"{text}   [{said}]" if said else text


MAX_GUESSES = 4
# failures that have only one sensible reading: (what the message says, the kind of node at
# its column, how to read it instead, what the guess is called). Each is shown and flagged.
LOOSE = [
    (re.compile(r"cannot multiply a (\d+)×1 column vector by a \1×1 column vector"
                r"|cannot multiply a 1×(\d+) row vector by a 1×\2 row vector"), "mul",
     lambda n: Node("mul", n.args, "odot", n.column),
     "a product of two vectors of the same shape read as entrywise", None),
    (re.compile(r"cannot raise a (\d+)×1 column vector to a power"
                r"|cannot raise a 1×(\d+) row vector to a power"), "pow",
     lambda n: Node("pow", n.args, "entrywise", n.column),
     "a power of a vector read as entrywise", None),
    (re.compile(r"cannot multiply a (\d+)×1 column vector by a \1×\d+ matrix"), "mul",
     lambda n: Node("mul", (Node("transpose", (n.args[1],), column=n.column), n.args[0]),
                    column=n.column),
     "a 1-D NumPy vector times a matrix, v @ M, read as Mᵀv", "code"),
    (re.compile(r"cannot multiply a (\d+)×1 column vector and a \1×\d+ matrix entry by entry"),
     "mul", lambda n: Node("mul", (Node("call", (n.args[0],), ("diag", None), n.column),
                                   n.args[1]), column=n.column),
     "a column times a matrix entry by entry, NumPy's broadcasting: r * M read as diag(r) M",
     "code"),
    (re.compile(r"cannot multiply a (\d+)×\d+ matrix and a \1×1 column vector entry by entry"),
     "mul", lambda n: Node("mul", (Node("call", (n.args[1],), ("diag", None), n.column),
                                   n.args[0]), column=n.column),
     "a matrix times a column entry by entry, NumPy's broadcasting: M * r read as diag(r) M",
     "code"),
]


def _entrywise_guess(verdict, reading):
    """Two vectors of the same shape multiplied (y σ(Xw), y * σ(Xw)) can only mean the
    entrywise product, v^2 of a vector its entries squared, and in NumPy v @ M of a 1-D v
    is Mᵀv: the tree with that one node read so, and the guess said, to be shown and
    flagged. None when the verdict is no such failure."""
    if verdict.status == "correct" or not verdict.column:
        return None
    dialect = reading.prepared.dialect if reading.prepared is not None else None
    for pattern, kind, rewrite, what, only in LOOSE:
        if (only is None or only == dialect) and pattern.search(verdict.message):
            break
    else:
        return None
    changed = []

    def walk(n):
        args = tuple(walk(a) for a in n.args)
        if n.kind == kind and n.column == verdict.column and n.value in (None, "odot", "dot"):
            n = rewrite(Node(kind, args, None, n.column))
            changed.append(n)
            return n
        return Node(n.kind, args, n.value, n.column) if args != n.args else n
    tree = walk(reading.tree)
    if not changed:
        return None
    return tree, f"{what}: {written(changed[0])} (loose notation)"


def _another_problem(p, answer, verdict, seed):
    """An answer that uses names this problem does not have may be another problem's
    answer: it is judged incorrect, and the note names the problem it answers."""
    unknown = verdict.status == "unreadable" and "unknown name" in verdict.message
    if not unknown and verdict.status != "incorrect":
        return verdict
    from ...model.problemset import all_problems
    for other in all_problems().values():
        if other.id == p.id or other.id.startswith(("bce", "logistic")):
            continue
        if not unknown and set(other.names) != set(p.names):
            continue                     # a wrong answer is tried only where it reads alike
        try:
            elsewhere = check(other.id, answer, seed, elsewhere=False,
                              explain=False)     # only its status is read
        except Exception:                # noqa: BLE001 - a guess must not end the check
            continue
        if elsewhere.status == "correct":
            note = f"this is the answer to {other.id}, not to {p.id}"
            if not unknown:
                verdict.notes = [note] + list(verdict.notes)
                return verdict
            return Verdict(p.id, answer, "incorrect", note, [note, verdict.message],
                           read_as=elsewhere.read_as)
    return verdict


def _judge(p, answer, reading, seed, explain=True):
    tree = reading.tree
    try:
        task, points = _task(p.id, seed, variant_of(answer))
    except (NotImplementedError, StopIteration) as error:
        reason = str(error) if isinstance(error, NotImplementedError) and \
            " " in str(error) else "its answer is of a kind the checker does not compute yet"
        return Verdict(p.id, answer, "unreadable",
                       f"answers to {p.id} cannot be checked: {reason}")
    if reading.notes:                  # the left-hand side names something else
        return Verdict(p.id, answer, "incorrect", reading.notes[0],
                       list(reading.notes) + _equation_notes(p, reading, task, points))
    known = sorted(p.names)
    size_names = _size_names(points[0]) if points else {}
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
            return Verdict(p.id, answer, status, str(error), column=error.column)
        except (ValueError, np.linalg.LinAlgError, OverflowError, ZeroDivisionError) as error:
            # (a TypeError or an IndexError is a fault of ours, reported as one above: it
            # must never mark an answer incorrect)
            return Verdict(p.id, answer, "incorrect", f"the answer cannot be computed: {error}")
        want = task.value(task.quantity, point)
        answers.append(got)
        if shape_of(got) != shape_of(want):
            return Verdict(p.id, answer, "incorrect",
                           f"your answer is {describe(shape_of(got), _size_names(point))}; "
                           f"the answer is {describe(shape_of(want), _size_names(point))}",
                           _shape_notes(got, want))
        if not _close(got, want) and mismatch is None and not point.symmetric:
            mismatch = (point, got, want)
    if mismatch is None:
        from .hidden import hidden
        found = hidden(p, tree, task, points, value, answers)
        if found is not None:              # right at the points, wrong elsewhere (or unsure)
            status, message, notes = found
            return Verdict(p.id, answer, status, message, notes)
        symbolic = ", and SymPy confirms it symbolically" if not reading.entry_order and \
            _confirmed(tree, p, task.quantity) else ""
        return Verdict(p.id, answer, "correct", "it agrees with the derivation at "
                       f"{len(points)} random points, at {len(_size_settings(p))} sizes"
                       + symbolic)
    point, got, want = mismatch
    if not explain:
        return Verdict(p.id, answer, "incorrect", "it differs from the derivation's result")
    notes = _notes(task, tree, answers, points, p, budget, value)
    return Verdict(p.id, answer, "incorrect", "it differs from the derivation's result",
                   notes, _counterexample(point, got, want))


_CONFIRMED = {}
MAX_CONFIRMED = 20_000


def _confirmed(tree, p, quantity):
    """SymPy's symbolic confirmation (tens of ms), once per process for each answer tree: a
    class gives the same right answers again and again. A tree's repr is its structure,
    columns aside; the problem is kept in the entry so that its id is never reused."""
    from .symbolic import confirms
    key = (id(p), repr(tree), quantity)
    if key not in _CONFIRMED:
        if len(_CONFIRMED) >= MAX_CONFIRMED:
            _CONFIRMED.clear()
        _CONFIRMED[key] = (p, confirms(tree, p, quantity))
    return _CONFIRMED[key][1]


def _equation(p, answer, reading, seed, verdict):
    """`a = b` where a is an expression: b is the answer, and a must equal it too (a
    working written on one line). The normal equations XᵀXw = Xᵀy are named as such."""
    if verdict.status == "unreadable":
        return verdict
    task, points = _task(p.id, seed, variant_of(answer))
    side = Reading(reading.lhs.tree, entry_order=reading.entry_order)
    value = _valuer(p, side, task, points)
    budget, known = Budget(), sorted(p.names)
    try:
        left = [value(Evaluator(pt.values, pt.samples, pt.functions, known, budget=budget),
                      side.tree, pt) for pt in points]
        right = [value(Evaluator(pt.values, pt.samples, pt.functions, known, budget=budget),
                       reading.tree, pt) for pt in points]
        equal = all(_close(a, b) for a, b in zip(left, right))
    except EvaluationError as error:
        if error.unreadable and verdict.status == "correct":
            # a label in words the checker does not know ({partial f} over {partial X}, a
            # word processor's script): not a mistake in the answer, so it is set aside
            verdict.message += f"; its left side {reading.lhs.shown} could not be read and " \
                               "was set aside"
            return verdict
        equal = False
    except (ValueError, ArithmeticError, np.linalg.LinAlgError):
        equal = False
    if verdict.status == "correct" and equal:
        verdict.message += "; its left side is equal to it"
        return verdict
    notes = _equation_notes(p, reading, task, points)
    if verdict.status == "correct":
        return Verdict(p.id, answer, "incorrect", f"the right side is the answer, but the "
                       f"left side {reading.lhs.shown} is not equal to it", notes)
    verdict.notes = notes + [n for n in verdict.notes if n not in notes]
    if notes:
        from ..read.lhs import asked
        kind, base, _, _ = asked(p)
        wanted = {"update": f"the update rule {base}_{{t+1}} = …",
                  "value": f"{base} itself ({base} = …)"}.get(kind, f"the derivative by {base}")
        verdict.message = (f"an equation ({reading.lhs.shown} = …) is not the answer: the "
                           f"problem asks for {wanted}")
    return verdict


def _equation_notes(p, reading, task, points):
    """An equation a = b given as the answer: what a - b is, if it is a known mistake (the
    normal equations, the gradient set to zero)."""
    if reading.lhs is None or reading.lhs.kind != "equation":
        return []
    difference = Node("sub", (reading.lhs.tree, reading.tree))
    budget, known = Budget(), sorted(p.names)
    value = _valuer(p, reading, task, points)
    try:
        values = [value(Evaluator(pt.values, pt.samples, pt.functions, known, budget=budget),
                        difference, pt) for pt in points]
    except (EvaluationError, ValueError, ArithmeticError, np.linalg.LinAlgError):
        return []
    general = [k for k, pt in enumerate(points) if not pt.symmetric]
    return [n for n in _known_mistakes(values, general, points, p, budget, value,
                                       mistakes.ANSWER) if not n.startswith("and ")]


def _valuer(p, reading, task, points):
    """How to compute the answer at a point: as it stands, over the problem's free indices
    (p7), or entry by entry when it is written as an entry (B_{ij}, 2X_{ji}, [(X + Xᵀ)w]_k)."""
    free = _free_indices(p)
    if free:
        return _with_task(lambda evaluator, tree, point: _over_free(evaluator, tree, free,
                                                                    point), task)
    order = reading.entry_order or tuple(sorted(_entry_indices(reading.tree, points[0])))
    if not order:
        return _with_task(lambda evaluator, tree, point: evaluator(tree), task)

    def entries(evaluator, tree, point):
        want = task.value(task.quantity, point)
        shape = [n for n in shape_of(want) if n != 1] if shape_of(want) else []
        if len(order) != len(shape):
            raise EvaluationError(
                f"your answer has the free {'index' if len(order) == 1 else 'indices'} "
                f"{', '.join(order)}; an entry of {describe(shape_of(want))} has "
                f"{len(shape)}", unreadable=True)
        return over_indices(evaluator, tree, order, shape).reshape(shape_of(want))
    return _with_task(entries, task)


def _with_task(valuer, task):
    valuer.task = task                 # the notes compute known mistakes with it
    return valuer


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
                if any(np.ndim(point.values.get(a, 0)) for a in arrays) or name == "delta":
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


def _size_names(point):
    """{value: size name} at one point, for messages (D×1); a value two sizes share is
    left a number, since it would name either."""
    values = list(point.sizes.values())
    return {v: n for n, v in point.sizes.items() if values.count(v) == 1}


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
                           str(error), column=error.column)
        except (ValueError, np.linalg.LinAlgError, OverflowError, ZeroDivisionError,
                TypeError, IndexError):
            continue                   # not a matter of shape: the numbers will say
        want = task.value(task.quantity, point)
        if shape_of(got) != shape_of(want):
            return Verdict(p.id, answer, "incorrect",
                           f"your answer is {describe(shape_of(got), _size_names(point))}; "
                           f"the answer is {describe(shape_of(want), _size_names(point))}",
                           _shape_notes(got, want))
    return None


def _shape_notes(got, want):
    if shape_of(got)[::-1] == shape_of(want):
        return ["missing transpose: your answer has the shape of the right one transposed"]
    return []


def _notes(task, tree, got, points, p, budget, value):
    """What the wrong answer (`got` at each point) is: the right one transformed (missing
    transpose, sign, a constant factor, an extra or missing 1/N or η), a known mistake
    (mistakes.py) perhaps transformed too, a missing or mis-scaled term of the gradient,
    and for an update rule the same questions asked of its implied gradient."""
    want = [task.value(task.quantity, point) for point in points]
    general = [k for k, pt in enumerate(points) if not pt.symmetric]
    notes = _relation(got, want, general, points, p)
    symmetric = [k for k, pt in enumerate(points) if pt.symmetric]
    if not notes:
        notes = _size_notes(got, want, general, points) or notes
    if symmetric and not notes and all(_close(got[k], want[k]) for k in symmetric):
        square = [n for n, v in p.names.items() if v.kind == "matrix"]
        notes = [f"right only when {' and '.join(square)} "
                 f"{'is' if len(square) == 1 else 'are'} symmetric; in general it is not"]
    if notes and notes[0].startswith("right only when"):    # and perhaps a known mistake
        notes += _known_mistakes(got, general, points, p, budget, value, mistakes.ANSWER,
                                 exact_only=True)
    if not notes:
        for label, expr in task.variants:       # the gradient given, a missing term
            values = [task.value(expr, pt) for pt in points]
            found = _relation(got, values, general, points, p, equal_is_news=True)
            if found is not None:      # a variant may be two mistakes at once: a note each
                notes = ([label] if isinstance(label, str) else list(label)) + found
                break
    if not notes:
        notes = _known_mistakes(got, general, points, p, budget, value, mistakes.ANSWER)
    if not notes and p.data.get("update"):
        notes = _update_notes(task, got, general, points, p, budget, value)
    if not notes:
        notes = _index_notes(tree, want, general, points, p, budget, value)
    elif len(notes) == 1 and notes[0].startswith("off by a constant factor"):
        notes += _known_mistakes(got, general, points, p, budget, value, mistakes.ANSWER,
                                 exact_only=True)     # X^T for 2X^T: one term of two
    notes = list(notes or [])
    if _uses_one_sample(tree):
        notes.append("x_i appears outside a sum: the sum over the samples is missing")
    return list(dict.fromkeys(notes))


def _size_notes(got, want, general, points):
    """An answer right at every point of some sizes and wrong at others: it depends on the
    sizes where the right one does not ((D-2)(D-3) X is 0 at D = 2 and 3)."""
    def sizes(k):
        return tuple(sorted(points[k].sizes.items()))
    right = {sizes(k): True for k in general}
    for k in general:
        right[sizes(k)] = right[sizes(k)] and _close(got[k], want[k])
    if len(right) < 2 or all(right.values()) or not any(right.values()):
        return []
    shown = lambda key: ", ".join(f"{n} = {v}" for n, v in key)       # noqa: E731
    good = next(key for key, ok in right.items() if ok)
    bad = next(key for key, ok in right.items() if not ok)
    return [f"right at {shown(good)} but not at {shown(bad)}: part of the answer depends "
            "on the sizes where the right one does not"]


MAX_INDEX_TRIES = 24


def _index_notes(tree, want, general, points, p, budget, value):
    """A wrong index (z_d where z_m belongs, w_{2,m} for w_{2,d}): the answer with one
    index of one name changed to another of the answer's indices, if that is right."""
    from .evaluate import EvaluationError as Failed
    from ..read.notation import written
    from ..read.parse import _walk
    letters = set(_free_indices(p)) | set(
        c for n in _walk(tree) if n.kind == "sum" for c in n.value) | set(
        _entry_indices(tree, points[0]))
    tries = 0
    for node in _walk(tree):
        if node.kind not in ("name", "call") or not isinstance(node.value, tuple) \
                or not node.value[1] or node.value[0] in points[0].samples:
            continue                  # a sample's index is the sum's: not the suspect
        name, sub = node.value
        for k, index in enumerate(sub):
            for other in sorted(letters - {index}) if index in letters else ():
                tries += 1
                if tries > MAX_INDEX_TRIES:
                    return []
                fixed = Node(node.kind, node.args, (name, sub[:k] + (other,) + sub[k + 1:]),
                             node.column)
                candidate = _replace(tree, node, fixed)

                def right_at(j):
                    got = value(Evaluator(points[j].values, points[j].samples,
                                          points[j].functions, sorted(p.names),
                                          budget=budget), candidate, points[j])
                    return _close(got, want[j])
                try:              # point by point: most candidates fail at the first
                    if all(right_at(j) for j in general):
                        return [f"a wrong index: {written(node)} where {written(fixed)} "
                                "belongs"]
                except (Failed, ValueError, ArithmeticError, np.linalg.LinAlgError):
                    continue
    return []


def _replace(tree, old, new):
    if tree is old:
        return new
    return Node(tree.kind, tuple(_replace(a, old, new) for a in tree.args), tree.value,
                tree.column)


def _relation(got, want, general, points, p, equal_is_news=False, exact=False):
    """How `got` is `want` transformed: [] when equal, notes naming the transformation,
    or None when it is none of them. Each point's values are compared. Relative to a
    known mistake (equal_is_news), the notes say what else is wrong with it."""
    pairs = [(got[k], want[k]) for k in general]
    if not pairs or any(shape_of(g) not in (shape_of(w), shape_of(w)[::-1]) for g, w in pairs):
        return None
    same_shape = all(shape_of(g) == shape_of(w) for g, w in pairs)
    if same_shape and all(_close(g, w) for g, w in pairs):
        return []
    if exact:
        return None
    transposed = [(np.transpose(g) if shape_of(g) else g, w) for g, w in pairs]
    for flip, candidates in ((False, pairs), (True, transposed)):
        if flip and not shape_of(pairs[0][1]):
            continue
        if any(shape_of(g) != shape_of(w) for g, w in candidates):
            continue
        also = equal_is_news
        extra = ([] if not flip else ["and transposed"] if also else
                 ["missing transpose: your answer is the transpose of the right one"])
        ratios = [_ratio(g, w) for g, w in candidates]
        if any(r is None or not np.all(np.isfinite(r)) for r in ratios):   # log(0) X
            continue
        if _allclose(ratios, 1, rtol=1e-6):
            return extra
        if _allclose(ratios, -1, rtol=1e-6):
            return extra + ["and with its sign flipped" if also else
                            "sign: your answer is the right one with its sign flipped"]
        if _allclose(ratios, ratios[0], rtol=1e-6):
            return extra + [f"and {_nice(ratios[0])} times as large" if also else
                            f"off by a constant factor: your answer is {_nice(ratios[0])} "
                            "times the right one"]
        for sign in (1, -1):
            scalar = _scalar_factor([r * sign for r in ratios], [points[k] for k in general], p)
            if scalar:
                flipped = [] if sign == 1 else ["and with its sign flipped" if also else
                                                "sign: your answer is the right one with its "
                                                "sign flipped"]
                return extra + [scalar] + flipped
    return None


def _scalar_factor(ratios, points, p):
    """A ratio that follows one of the problem's scalars: an extra 1/N, a missing η, σ²."""
    count = p.data.get("derive", {}).get("count", "N")
    names = [n for n, v in points[0].values.items() if np.ndim(v) == 0 and n.isalpha()
             and n not in ("e",)]
    for name in names:
        values = [pt.values[name] for pt in points]
        if _allclose(values, values[0]) or not all(values):
            continue
        for power, how in ((1, "an extra factor {n}"), (-1, "a missing factor {n}"),
                           (2, "an extra factor {n}²"), (-2, "a missing factor {n}²")):
            if _allclose([r / v ** power for r, v in zip(ratios, values)], 1, rtol=1e-6):
                shown = {"eta": "η", "sigma": "σ", "lambda": "λ"}.get(name, name)
                if name == count and power == -1:     # 1/N, or 1/m where m counts them
                    return (f"an extra 1/{count}: a mean over the samples where the answer "
                            "has their sum, or a mean taken twice")
                if name == count and power == 1:
                    return f"missing a 1/{count}, or a sum counted {count} times"
                return how.format(n=shown)
    return None


def _known_mistakes(got, general, points, p, budget, value, level, exact_only=False):
    """The notes of the known mistake that `got` is, or else of the first one it is
    transformed (sign, factor, transpose)."""
    candidates = list(_mistake_values(p, points, value.task, level))
    for exact in (True,) if exact_only else (True, False):
        for label, values in candidates:
            found = _relation(got, values, general, points, p, equal_is_news=True,
                              exact=exact)
            if found is not None:
                return [label] + found
    return []


_MISTAKES = {}


def _mistake_values(p, points, task, level):
    """(note, values at every point) of the problem's known mistakes. They are the project's
    own data and the points are the same for every check of a problem, so they are computed
    once per process, with their own budget."""
    from ..read.lhs import parse_answer
    key = (p.id, id(points), level)
    if key in _MISTAKES and _MISTAKES[key][0] is points:    # an id is unique only while
        yield from _MISTAKES[key][1]                        # its object lives: kept here
        return
    known, found = sorted(p.names), []
    for kind, text, label in mistakes.mistakes(p.id):
        if kind != level:
            continue
        try:
            reading = parse_answer(text, p)
            value = _valuer(p, reading, task, points)
            values, own = [], Budget()
            for point in points:
                evaluator = Evaluator(point.values, point.samples, point.functions, known,
                                      budget=own)
                values.append(value(evaluator, reading.tree, point))
        except (AnswerError, EvaluationError, ValueError, ArithmeticError,
                np.linalg.LinAlgError):
            continue
        found.append((label, values))
        yield label, values
    _MISTAKES[key] = (points, found)


def _update_notes(task, got, general, points, p, budget, value):
    """An update rule w_t - η g: the gradient g it implies, judged as a gradient."""
    update = p.data["update"]
    gradient = _gradient(task)
    if gradient is None:
        return []
    implied, right = [], []
    for k, point in enumerate(points):
        w, rate = point.values.get(update["current"]), point.values.get(update["rate"])
        if w is None or not rate or shape_of(got[k]) != shape_of(w):
            return []
        implied.append((w - got[k]) / rate)
        right.append(task.value(gradient, point))
    step_up = "a step up the gradient: w_t + η ∂L/∂w instead of w_t - η ∂L/∂w"
    exact = _known_mistakes(implied, general, points, p, budget, value, mistakes.GRADIENT)
    if exact and len(exact) == 1:
        return exact
    found = _relation(implied, right, general, points, p)
    if found:
        return [step_up if note.startswith("sign") else
                f"the gradient inside the update rule is {note.split(' is ', 1)[1]}"
                if note.startswith("off by") else
                f"in the gradient inside the update rule: {note}" for note in found]
    notes = _term_notes(task, gradient, implied, right, general, points)
    if notes:
        return notes
    return [n.replace("and with its sign flipped", "and " + step_up) for n in exact]


def _term_notes(task, gradient, implied, right, general, points):
    """The gradient with one of its terms missing, mis-scaled or with its sign flipped."""
    import sympy as sp
    if not isinstance(gradient, sp.MatAdd):
        return []
    from .reference import _text
    for term in gradient.args:
        values = [task.value(term, pt) for pt in points]
        rest = [right[k] - values[k] for k in range(len(points))]
        ratios = [_ratio(implied[k], rest[k]) for k in general]
        if all(r is not None for r in ratios) and _allclose(ratios, ratios[0], rtol=1e-6) \
                and abs(ratios[0] - 1) > 1e-6:          # a term missing, and a factor
            c = ratios[0]
            scale = ("a step up the gradient: w_t + η ∂L/∂w instead of w_t - η ∂L/∂w"
                     if abs(c + 1) < 1e-6 else
                     f"the gradient inside the update rule is {_nice(c)} times the right one")
            return [f"missing the term {_text(term)} of the gradient", scale]
        # implied = right - term + c term  =>  implied - right + term = c term
        rest = [implied[k] - right[k] + values[k] for k in range(len(points))]
        ratios = [_ratio(rest[k], values[k]) if np.max(np.abs(rest[k])) > 1e-12 else 0.0
                  for k in general]
        if any(r is None for r in ratios):
            continue
        shown = _text(term)
        if not _allclose(ratios, ratios[0], atol=1e-6):
            scalar = _scalar_factor(ratios, [points[k] for k in general], task.problem)
            if scalar:
                return [f"the term {shown} of the gradient: {scalar}"]
            continue
        c = ratios[0]
        if abs(c) < 1e-9:
            return [f"missing the term {shown} of the gradient"]
        if abs(c + 1) < 1e-6:
            return [f"the term {shown} of the gradient has its sign flipped"]
        return [f"the term {shown} of the gradient is {_nice(c)} times what it should be"]
    return []


_GRADIENTS = {}


def _gradient(task):
    """The gradient an update rule steps along, as the derivation writes it (one object per
    problem, so that its values are computed once per point)."""
    key = task.problem.id
    if key not in _GRADIENTS:
        d = task.derivation
        vectorized = next((s.expr for s in d.steps if s.rule == "vectorize"), None)
        _GRADIENTS[key] = vectorized if vectorized is not None else (d.sum_form() or d.result)
    return _GRADIENTS[key]


def _nice(x):
    """A number as a person writes it: 2, 1.5, 2/3, -1/4, 0.123."""
    from fractions import Fraction
    x = float(x)
    if abs(x - round(x)) < 1e-9:
        return str(int(round(x)))
    if abs(x * 1000 - round(x * 1000)) < 1e-6:
        return f"{x:g}"
    f = Fraction(x).limit_denominator(24)
    if abs(float(f) - x) < 1e-9 * max(1, abs(x)):
        return f"{f.numerator}/{f.denominator}"
    return f"{x:.3g}"


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
    return r if _allclose(a, r * b, rtol=1e-6, atol=1e-9) else None


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
    """Numbers as a person writes them: 2, -1, 2/3, 0.126; a column vector as [a, b]ᵀ."""
    array = np.asarray(value, dtype=float)
    if array.ndim == 0:
        return _number(float(array))
    if array.ndim == 2 and array.shape[1] == 1 and array.shape[0] > 1:
        return "[" + ", ".join(_number(x) for x in array[:, 0]) + "]ᵀ"
    if array.ndim == 1:
        return "[" + ", ".join(_number(x) for x in array) + "]"
    return "[" + ", ".join(_short(row) for row in array) + "]"


def _number(x):
    if not np.isfinite(x):
        return str(x)
    if abs(x) >= 1e6:                   # 6.63e+52, not its 53 digits
        return f"{x:.3g}"
    if abs(x - round(x)) < 1e-9:
        return str(int(round(x)))
    # p/q with q <= 12 within 1e-12 of x (Fraction.limit_denominator(12)'s answer, since two
    # such fractions are 1/144 apart; the smallest q is in lowest terms), without Fraction
    for q in range(2, 13):
        p = round(x * q)
        if abs(p / q - x) < 1e-12:
            return f"{p}/{q}"
    return f"{x:.3g}"
