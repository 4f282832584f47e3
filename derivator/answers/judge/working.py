"""Judging a student's whole working, step by step.

Every side of every line is read with the answers' reader and computed at the problem's
random points (both sizes, matrices never symmetric); each step, from one side to the
next, `follows` when the two agree at every point and is `wrong` otherwise. A side that
cannot be read is `unreadable`, and the next one is compared with the last side that
could. A line with a left-hand side of its own starts a new chain: its left-hand side is
a quantity of the problem (f, L, ln P, df/dw, [df/dw]_k, ∂/∂w_k (…)) computed from the
problem's definitions and the engine's derivation, so the chain must follow from them.
The last side is also judged as the answer, by the answers' judge.
"""
import re
from dataclasses import dataclass, field

import numpy as np

from .evaluate import EvaluationError, describe, shape_of
from .judge import _ratio
from ..read.lines import WorkingError, split_working
from .scene import Scene
from ..read.sides import Reader, Reading, _flag, _show, _value

# a name a line defines for the lines after it: grad, delta, \delta, δ, z, a_i
DEFINED_NAME = re.compile(r"(?:[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)?|\\[a-z]+|[α-ωΔ∇])")
RESERVED = {"d", "e", "T", "I", "i", "j", "k"}   # a differential, constants, indices
NOTEBOOK_UPDATE = re.compile(r"([A-Za-z])_?(?:new|next|updated|t1)")
TOLERANCE = 1e-6          # relative; derivatives of an operand are central differences


@dataclass
class Step:
    line: int
    before: Reading
    after: Reading
    status: str                # follows | wrong
    note: str = ""
    counterexample: str = None
    rule: str = None


@dataclass
class WorkingVerdict:
    problem: str
    working: str
    status: str                # correct | incorrect | unreadable
    message: str
    lines: list = field(default_factory=list)     # dicts, as in the JSON
    first_wrong_line: int = None
    answer: dict = None
    steps: list = field(default_factory=list)

    @property
    def notes(self):
        return [line["note"] for line in self.lines if line["note"]]

    @property
    def first_wrong_step(self):
        """Both sides of the first wrong step as read, why, and a counterexample for it."""
        if getattr(self, "_dict", None) is not None:
            return self._dict.get("first_wrong_step")
        wrong = next((s for s in self.steps if s.status == "wrong"), None)
        if wrong is None:
            return None
        return {"line": wrong.line, "from_line": wrong.before.line,
                "before": wrong.before.read_as, "after": wrong.after.read_as,
                "note": wrong.note, "counterexample": wrong.counterexample}

    @property
    def counterexample(self):
        if getattr(self, "_dict", None) is not None:
            return self._dict.get("counterexample")
        wrong = next((s for s in self.steps if s.status == "wrong"), None)
        return wrong.counterexample if wrong else None

    @classmethod
    def from_dict(cls, d):
        """A verdict back from a worker process (or a timeout's plain dict)."""
        verdict = cls(d["problem"], d.get("answer", ""), d["status"], d["message"],
                      d.get("lines", []), d.get("first_wrong_line"), d.get("final"))
        verdict._dict = d
        return verdict

    def as_dict(self):
        if getattr(self, "_dict", None) is not None:
            return self._dict
        return {"problem": self.problem, "answer": self.working, "status": self.status,
                "message": self.message, "notes": self.notes,
                "counterexample": self.counterexample,
                "first_wrong_line": self.first_wrong_line,
                "first_wrong_step": self.first_wrong_step, "lines": self.lines,
                "working": {"first_wrong_line": self.first_wrong_line,
                            "steps_follow": self.first_wrong_line is None,
                            "answer_status": (self.answer or {}).get("status")},
                "final": self.answer}


def as_json(verdict):
    """The issue's JSON shape from a verdict's dict: "answer" is the last line's verdict."""
    return {"problem": verdict["problem"], "status": verdict["status"],
            "message": verdict["message"], "first_wrong_line": verdict.get("first_wrong_line"),
            "first_wrong_step": verdict.get("first_wrong_step"),
            "counterexample": verdict.get("counterexample"),
            "lines": verdict.get("lines", []), "answer": verdict.get("final")}


def is_working(text):
    """Several lines (newlines, `\\\\`, an environment) or a chain `a = b = c`."""
    if not isinstance(text, str):
        return False
    stripped = text.strip()
    if "\n" in stripped or "\\\\" in stripped or "\\begin{" in stripped:
        return True
    from ..read.lines import split_sides
    from ..read.prose import set_aside
    from ..read.code import looks_like_code
    if looks_like_code(stripped):             # a = b = X.T: one (bad) expression of code
        return False
    if len(stripped) <= 2000:                 # `…, where δ = …` is one answer, not a chain
        stripped = set_aside(stripped).math
    stripped = stripped.split(";")[-1] if stripped.count(";") == 1 else stripped
    return len([s for s in split_sides(stripped) if s.strip()]) > 2


def check_working(problem_name, text, seed=0):
    """The verdict on a whole working. Bad input gives status unreadable and one line."""
    from ...model.problemset import problem as find
    p = find(problem_name)
    try:
        from ..read.lhs import problem_names
        lines = split_working(text, problem_names(p))
    except WorkingError as error:
        return WorkingVerdict(p.id, text, "unreadable", str(error))
    scene = Scene(p, seed)
    return Judge(scene, lines).run()


# --- judging --------------------------------------------------------------------------

class Judge:
    def __init__(self, scene, lines):
        self.scene = scene
        self.lines = lines
        self.reader = Reader(scene)
        self.readings = {}        # line number -> [Reading]
        self.steps = []
        self.conditions = False   # after "= 0" the lines are equations
        self.start = None         # the chain's left-hand side, when it is the problem's
        self.derived = False      # a line named the derivative (d ln P/dw = …)
        self.defined = {}         # names the working defines: grad = …, δ = …
        from ..read.lhs import problem_names
        self.names = set(problem_names(scene.problem)) | set(scene.problem.names) | {
            scene.quantity_name(), scene.wrt}

    def run(self):
        previous = None
        last_side = None
        free = ()
        skipped = []              # lines that could not be read since `previous`
        for line in self.lines:
            if not line.continues:
                free = ()
            self._use_definitions(line)
            readings = []
            for side in line.sides:
                readings.append(self.reader.read(side.text, line.number, free))
                if len(readings) == 1 and not line.continues:
                    free = readings[0].indices
            self.readings[id(line)] = readings
            if getattr(line, "defines", None) and readings[0].kind == "unreadable":
                readings[0].kind, readings[0].error = "definition", None   # δ = …: a name
            start = 0
            if not line.continues:
                first = readings[0]
                if first.kind == "expression" and not self.conditions and self.derived and \
                        self._solves(readings):
                    self.conditions = True   # the derivative set to zero, "= 0" unwritten
                if first.kind == "derivative":
                    self.derived = True
                if first.kind == "expression" and not self.conditions and \
                        self._states_solution(line, readings):
                    self.conditions = True   # w = …: the solution stated, an equation
                if first.kind == "expression" and self.conditions:
                    self._equation(readings)
                if first.kind != "unreadable":
                    self._values(first)
                if first.kind == "invalid":          # shapes that do not fit: wrong as it is
                    self.steps.append(Step(line.number, first, first, "wrong", first.error))
                previous = first if getattr(first, "values", None) is not None else None
                first.own_side = True            # what the rest of its line is compared with
                if previous is not None:
                    skipped = []
                elif first.kind == "unreadable":
                    skipped.append(line.number)
                self.start = previous if first.kind in ("quantity", "derivative") else None
                start = 1
            for r in readings[start:]:
                if r.kind == "condition":
                    self.conditions = True
                    continue
                if r.kind == "unreadable" or not self._values(r):
                    if r.kind == "invalid" and previous is not None:
                        self.steps.append(Step(line.number, previous, r, "wrong", r.error))
                    elif r.kind == "unreadable" and line.number not in skipped:
                        skipped.append(line.number)
                    continue
                if previous is not None:
                    self.steps.append(_spanning(self._step(line.number, previous, r),
                                                [n for n in skipped if n != line.number]))
                previous, skipped = r, []
            last_side = line.sides[-1].text
        return self._verdict(last_side)

    def _use_definitions(self, line):
        """A name the working defines (`grad = …`, `δ = σ(Xw) - y`, `z = X w`) stands for
        its expression in the lines after it, as a `where` clause's does in an answer; a
        notebook's `w_new = …` is the update w_{t+1}."""
        from ..read.dialects import _substitute
        from ..read.parse import FUNCTIONS
        for side in line.sides:
            for name, value in self.defined.items():
                side.text = _substitute(side.text, name, value)[0]
        if line.continues or len(line.sides) < 2:
            return
        left = line.sides[0].text.strip()
        update = NOTEBOOK_UPDATE.fullmatch(left) or self._assigned_update(line, left)
        if update and self.scene.wrt.split("_")[0] == update.group(1):
            line.sides[0].text = f"{update.group(1)}_{{t+1}}"
        elif DEFINED_NAME.fullmatch(left) and left not in self.names | RESERVED | set(FUNCTIONS):
            self.defined[left] = line.sides[-1].text
            line.defines = left

    def _assigned_update(self, line, left):
        """`w = w - lr * grad`, as a notebook assigns it: the left is the new w (an
        equation w = w - η g would say g = 0, which no working means)."""
        right = line.sides[-1].text
        if self.scene.problem.strategy == "likelihood" or len(line.sides) != 2:
            return None
        if re.fullmatch(r"[A-Za-z]", left) and re.match(
                rf"\s*{left}(?:_t|_{{t}})?\s*(?:-|\+|−)", right):
            return re.match(r"([A-Za-z])", left)
        return None

    def _states_solution(self, line, readings):
        """`w = …` where the problem solves for w (p4): the solution stated, an equation
        about the unknown, not a step from w's own value."""
        if self.scene.problem.strategy != "likelihood" or len(readings) < 2:
            return False
        wrt = re.escape(self.scene.wrt)
        return bool(re.fullmatch(rf"(?:\\hat\s*\{{?)?(?:\\mathbf\{{)?{wrt}\}}?\}}?"
                                 r"(?:\^\s*\{?\s*(?:\*|\\ast|\\star)\s*\}?|\*|_\{?(?:ML|MLE|opt)\}?)?",
                                 line.sides[0].text.strip()))

    def _solves(self, readings):
        """A line A = B after the derivative, whose sides differ at random points: an
        equation about the unknown (Xᵀ X w = Xᵀ y), where the problem solves for it."""
        if self.scene.problem.strategy != "likelihood" or len(readings) < 2 or \
                any(r.kind != "expression" or r.compute is None for r in readings):
            return False
        try:
            with np.errstate(all="ignore"):
                values = [[r.compute(self.scene.points[k]) for k in self.scene.general]
                          for r in readings]
        except Exception:                 # noqa: BLE001 -- judged as it is written, below
            return False
        pairs = [_aligned(a, b) for a, b in zip(values[0], values[1])]
        return any(a is not None and not _close(a, b) for a, b in pairs)

    def _equation(self, readings):
        """After `… = 0` a line `A = B` is an equation about the unknown: each side is
        computed with the unknown at the problem's solution, where a true consequence
        holds. Only a problem that solves for its parameter (p4) has one."""
        scene = self.scene
        if scene.problem.strategy != "likelihood":
            for r in readings:
                if r.kind == "expression":
                    r.kind, r.error = "unreadable", "an equation is judged only where the " \
                        "problem solves for its unknown"
                    r.compute = None
            return
        from ...render.printing import to_text
        solution = f"{scene.wrt} = {to_text(scene.derivation.result)}"
        for r in readings:
            if r.kind == "expression" and r.tree is not None:
                tree, wrt = r.tree, scene.wrt
                r.compute = (lambda t: lambda point: _value(
                    t, scene, point, {wrt: scene.solution(point)}))(tree)
                r.equation = solution
                _flag(r, f"an equation: both sides computed at the problem's solution {solution}")

    def _values(self, r):
        """The side at every point, kept on the reading; False (and unreadable) when it
        cannot be computed."""
        if getattr(r, "values", None) is not None:
            return True
        if r.compute is None:
            return False
        try:
            with np.errstate(all="ignore"):
                r.values = [r.compute(pt) for pt in self.scene.points]
        except EvaluationError as error:       # shapes that do not fit are mathematics
            if self.scene.budget.left < 0:
                r.kind, r.values = "unreadable", None
                r.error = (f"the working takes too many operations to compute; from line "
                           f"{r.line} on, a person should look at it")
                return False
            r.kind = "unreadable" if error.unreadable else "invalid"
            r.error = str(error) if error.unreadable else f"this line cannot be computed: {error}"
            r.values = None
            return False
        except (ValueError, ArithmeticError, TypeError, IndexError,
                np.linalg.LinAlgError) as error:
            r.kind, r.error = "unreadable", f"it cannot be computed: {error}"
            r.values = None
            return False
        return True

    def _step(self, line, before, after):
        scene = self.scene
        if before.one_sample != after.one_sample:
            return Step(line, before, after, "unjudged",
                        "one of these lines is about one sample written loosely (x for x_i) "
                        "and the other is not, so they are not compared; a person should look")
        ours, theirs = getattr(before, "indices", ()), getattr(after, "indices", ())
        if ours and theirs and set(ours) != set(theirs):      # ∂L/∂h_k = … w_{2,j}
            return Step(line, before, after, "wrong",
                        f"the free index changes: {', '.join(ours)} before, "
                        f"{', '.join(theirs)} here (an entry is not another one)",
                        _counterexample(scene.points[scene.general[0]], before, after,
                                        scene.general[0]))
        mismatch = None
        for k in scene.general:
            a, b = _aligned(before.values[k], after.values[k])
            if a is None:
                note = (f"the line before is {describe(shape_of(before.values[k]))}, this one "
                        f"{describe(shape_of(after.values[k]))}")
                return Step(line, before, after, "wrong", note,
                            _counterexample(scene.points[k], before, after, k))
            if not _close(a, b):
                mismatch = k
                break
        if mismatch is None:
            return Step(line, before, after, "follows")
        note, rule = _explain(scene, before, after)
        if after.equation and before.equation and before.line == after.line:
            note = f"the two sides of this equation differ at the solution {after.equation}"
        start = self.start
        if start is not None and start is not before and all(
                _close(*_aligned(start.values[k], after.values[k])) for k in scene.general
                if _aligned(start.values[k], after.values[k])[0] is not None):
            note += (f"; this line equals {start.read_as} (line {start.line}) again: the "
                     "mistake before it does not carry on")
        return Step(line, before, after, "wrong", _compared_with(note, before, after),
                    _counterexample(scene.points[mismatch], before, after, mismatch), rule)

    def _verdict(self, last_side):
        from .judge import check
        scene = self.scene
        answer = check(scene.problem.id, last_side).as_dict() if last_side else None
        final = self.lines[-1] if self.lines else None
        if answer and answer["status"] == "unreadable" and final is not None and \
                not final.continues and len(final.sides) > 1:
            whole = f"{final.sides[0].text} = {last_side}"    # ∂L/∂h_k = … w_{2,k}: its k
            retry = check(scene.problem.id, whole).as_dict()
            if retry["status"] != "unreadable":
                answer = dict(retry, answer=last_side)
        last = self.readings[id(self.lines[-1])][-1] if self.lines else None
        if answer and answer["status"] == "unreadable" and last is not None and \
                last.tree is not None and last.kind in ("expression", "invalid"):
            retry = check(scene.problem.id, _show(last.tree, plain=True)).as_dict()
            if retry["status"] != "unreadable":   # read as the working's reader read it
                answer = dict(retry, answer=last_side)
        wrong = [s for s in self.steps if s.status == "wrong"]
        first_wrong = wrong[0].line if wrong else None
        rows = []
        for line in self.lines:
            readings = self.readings[id(line)]
            steps = [s for s in self.steps if s.line == line.number]
            if any(s.status == "wrong" for s in steps):
                status = "wrong"
            elif any(r.kind == "unreadable" for r in readings) or \
                    any(s.status == "unjudged" for s in steps):
                status = "unreadable"
            elif steps:
                status = "follows"
            else:
                status = "start"
            note = ""
            bad = next((s for s in steps if s.status == "wrong"), None) or \
                next((s for s in steps if s.status == "unjudged"), None)
            unreadable = next((r for r in readings if r.kind == "unreadable"), None)
            if bad:
                note = bad.note
            elif unreadable:
                note = unreadable.error
            elif any(st.note for st in steps):     # follows, across unreadable lines
                note = next(st.note for st in steps if st.note)
            flags = [f for r in readings for f in r.flags] + \
                [f"remark: {m}" for m in line.remarks if m]
            rows.append({"line": line.number, "text": line.text,
                         "read_as": " = ".join(r.read_as or "?" for r in readings),
                         "status": status, "note": note,
                         "flags": list(dict.fromkeys(f for f in flags
                                                     if not f.startswith("remark")))})
        answered = (answer or {}).get("status")
        readable = any(r.kind != "unreadable" for rs in self.readings.values() for r in rs)
        if wrong and answered == "correct":
            status = "incorrect"
            message = (f"the answer is right, but the step at line {first_wrong} is wrong: "
                       "the working reaches it through a wrong step")
        elif wrong:
            status = "incorrect"
            message = f"the first wrong step is at line {first_wrong}"
        elif answered == "correct":
            status, message = "correct", "every step that could be read follows, and the " \
                                         "answer is right"
        elif answered == "incorrect":
            status = "incorrect"
            message = "every step that could be read follows, but the last line is not the " \
                      "answer: the working stops short or answers something else"
        elif not readable:
            status, message = "unreadable", "no line of the working could be read"
        else:
            status = "unreadable"
            message = "every step that could be read follows, but the last line could not " \
                      "be read as the answer"
        if any(r["status"] == "unreadable" for r in rows) and status != "unreadable":
            message += "; some lines could not be read (marked ?)"
        return WorkingVerdict(scene.problem.id, "\n".join(l.text for l in self.lines),
                              status, message, rows, first_wrong, answer, self.steps)


def _compared_with(note, before, after):
    """The note says what the line was compared with: its own left-hand side, or the
    line before it (by number, where that is not the line just above)."""
    if getattr(before, "own_side", False) and before.line == after.line:
        return note.replace("the one before", f"its own left-hand side {before.read_as}", 1)
    if before.line not in (after.line, after.line - 1):
        return note.replace("the one before", f"the one before (line {before.line})", 1)
    return note


def _spanning(step, skipped):
    """A step across lines that could not be read: it follows (and says it spans them),
    or it is not judged, since a line in between may explain it; never wrong for that."""
    if not skipped:
        return step
    span = ", ".join(str(n) for n in skipped)
    lines = "line" if len(skipped) == 1 else "lines"
    if step.status == "follows":
        step.note = (f"follows from line {step.before.line}; the step spans {lines} {span}, "
                     "which could not be read")
    elif step.status == "wrong":
        step.status = "unjudged"
        step.note = (f"does not follow from line {step.before.line}, but {lines} {span} in "
                     "between could not be read, so this step is not judged; a person "
                     "should look")
    return step


def _aligned(a, b):
    """Two values in one layout, or (None, None) when their shapes differ: a column
    vector and the entries over k of an index form compare as one; a row and a column
    do not (a missing transpose is a wrong step)."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.shape == b.shape:
        return a, b
    if a.size == 1 and b.size == 1:
        return a.ravel()[0], b.ravel()[0]

    def entries(x):
        return x[:, 0] if x.ndim == 2 and x.shape[1] == 1 else x
    if 1 in (a.ndim, b.ndim) and entries(a).shape == entries(b).shape:
        return entries(a), entries(b)
    return None, None


def _close(a, b):
    scale = 1 + max(float(np.max(np.abs(a))), float(np.max(np.abs(b))))
    return bool(np.all(np.isfinite(a)) and np.all(np.isfinite(b))
                and np.allclose(a, b, rtol=TOLERANCE, atol=TOLERANCE * scale))


def _explain(scene, before, after):
    """What the wrong step did, where a known rule says so: (note, rule)."""
    general = scene.general
    pairs = [_aligned(before.values[k], after.values[k]) for k in general]
    if any(a is None or b is None for a, b in pairs):      # entries against a matrix
        return "this line does not equal the one before", None
    rule = None
    log_of_prod = before.tree is not None and before.tree.kind == "call" and \
        before.tree.value[0] == "log" and before.tree.args[0].kind == "prod"
    if before.kind == "quantity" and before.read_as.startswith("ln ") or log_of_prod:
        rule = _log_of_product(scene)
    if all(np.ndim(a) == 2 and np.shape(a)[0] == np.shape(a)[1] and _close(b, np.transpose(a))
           for a, b in pairs) and any(not _close(a, np.transpose(a)) for a, _ in pairs):
        note = "this line is the transpose of the one before (a dropped or extra transpose, " \
               "or two indices swapped)"
    elif all(_close(b, -a) for a, b in pairs):
        note = "the sign is flipped: this line is minus the one before"
    else:
        ratios = [_ratio(b, a) for a, b in pairs]
        if all(r is not None for r in ratios) and np.allclose(ratios, ratios[0], rtol=1e-6):
            note = (f"off by a constant factor: this line is {_number(ratios[0])} times the one "
                    "before (a wrong factor, as from the chain rule)")
        else:
            note = _missing_term(scene, before, after) or \
                "this line does not equal the one before"
    symmetric = [k for k, pt in enumerate(scene.points) if pt.symmetric]
    if symmetric and all(_close(*_aligned(before.values[k], after.values[k]))
                         for k in symmetric if _aligned(before.values[k], after.values[k])[0]
                         is not None):
        note += "; it holds only when the matrix is symmetric"
    if rule:
        note += "; " + rule
    return note, rule


def _missing_term(scene, before, after):
    """'the term 2 w of line 3 is missing' when this line is the one before without one
    of its terms; None otherwise."""
    if before.kind != "expression" or before.tree is None:
        return None
    terms = _terms(before.tree)
    for sign, term in terms if len(terms) > 1 else ():
        try:
            rest = [before.values[k] - sign * np.asarray(
                _value(term, scene, scene.points[k], indices=before.indices), dtype=float)
                for k in scene.general]
        except (EvaluationError, ValueError, ArithmeticError, TypeError, IndexError):
            continue
        pairs = [_aligned(r, after.values[k]) for r, k in zip(rest, scene.general)]
        if all(a is not None and _close(a, b) for a, b in pairs):
            return f"the term {_show(term)} of line {before.line} is missing"
    return None


def _terms(tree, sign=1):
    """The top-level terms of a sum, with their signs: a - (b + c) -> a, -b, -c."""
    if tree.kind == "add":
        return _terms(tree.args[0], sign) + _terms(tree.args[1], sign)
    if tree.kind == "sub":
        return _terms(tree.args[0], sign) + _terms(tree.args[1], -sign)
    if tree.kind == "neg":
        return _terms(tree.args[0], -sign)
    return [(sign, tree)]


def _log_of_product(scene):
    """The rule for ln of the problem's product, written from its definition."""
    import sympy as sp
    from ...render.printing import to_text
    model = scene.problem.model()
    body = next((d.body for d in model.definitions if d.name == model.target.func), None)
    if not isinstance(body, sp.Product):
        return None
    index, low, high = body.limits[0]
    constant, varying = body.function.as_independent(index, as_Mul=True)
    if not isinstance(varying, sp.exp):
        return None
    c, n, u = to_text(constant), to_text(high), to_text(varying.args[0])
    instead = scene._log_quantity()
    return (f"the log of a product is the sum of the logs: ln ∏ c·e^(u_i) = {n} ln c + Σ u_i, "
            f"not c Σ u_i (here c = {c}, u_i = {u}); the rule gives ln {model.target.func} = "
            f"{to_text(instead) if instead is not None else '…'}")


def _number(x):
    from fractions import Fraction
    f = Fraction(x).limit_denominator(12)
    if abs(float(f) - x) < 1e-6 * (1 + abs(x)):
        return str(f)
    return f"{x:.6g}"


def _counterexample(point, before, after, k):
    from .judge import _short
    sizes = ", ".join(f"{n} = {v}" for n, v in point.sizes.items())
    inputs = [f"{n} = {_short(v)}" for n, v in point.values.items()
              if n not in point.sizes and n.isalpha() and n.isidentifier()]
    where = sizes + (" with " + ", ".join(inputs) if inputs else "")
    return (f"at {where or 'these values'}: line {before.line} ({before.read_as}) gives "
            f"{_short(before.values[k])} but line {after.line} ({after.read_as}) gives "
            f"{_short(after.values[k])}")
