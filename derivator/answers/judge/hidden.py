"""Answers that agree at every point checked and are still wrong: parts that never changed
there although they are not constant, and deviations smaller than the tolerance.

- A part that depends only on the sizes ((D-2)(D-3), H(N-100)) and took one value at every
  size checked: the sizes where it changes are searched for, and the answer is checked
  there (or, past the sizes that can be computed, judged by that change).
- A gate (H(a), relu(a)) that stayed shut, or open, at every point: values of other
  magnitudes are tried until it changes, and the answer is checked where it does; if it
  never does, the verdict is flagged for a person.
- A constant typed near a right one (2.0000001), or a tiny term (+ 10^{-8} w_t): if the
  answer with it put right (2, or without the term) agrees far better, it was wrong.

Each is asked only of an answer the points found right, and only where the part matters:
an answer whose part can change without changing the answer is left alone.
"""
from fractions import Fraction

import numpy as np

from .evaluate import Budget, EvaluationError, Evaluator, shape_of
from ..read.notation import written
from ..read.parse import Node, _walk

GATES = ("step", "relu", "abs")
SCALES = (1e1, 1e2, 1e3, 1e-2, 1e-4, 1e5, 1e8, 1e16)   # magnitudes tried to open a gate
SCAN_SIZES = [*range(2, 201), 1]     # sizes searched for one where a part of them changes
PROBE_SIZES = 12             # the largest size a probe point is computed at
ROUNDOFF = 1e-11             # a right answer agrees closer than this (relative)
BETTER = 1e3                 # a part put right agrees this many times closer: it was wrong
MAX_SUSPECTS = 16            # parts examined per answer
PROBE_OPERATIONS = 400_000   # each probe's own budget: the check's is never used up here

FLAG = "for a person to confirm"
_FAILED = (EvaluationError, ValueError, ArithmeticError, TypeError, IndexError,
           np.linalg.LinAlgError)


class Scene:
    """What the search needs: the problem, the valuer, the points and their values."""

    def __init__(self, p, tree, task, points, value, got):
        self.p, self.tree, self.task, self.points, self.value = p, tree, task, points, value
        self.got = got
        self.want = [task.value(task.quantity, pt) for pt in points]
        self.general = [k for k, pt in enumerate(points) if not pt.symmetric]
        self.counts = {n for n, v in p.names.items() if v.kind in ("size", "natural")}

    def at(self, tree, point):
        evaluator = Evaluator(point.values, point.samples, point.functions,
                              sorted(self.p.names), budget=Budget(PROBE_OPERATIONS))
        return self.value(evaluator, tree, point)

    def values(self, tree):
        """tree at every general point, or None when it cannot be computed."""
        try:
            with np.errstate(all="ignore"):
                return [self.at(tree, self.points[k]) for k in self.general]
        except _FAILED:
            return None

    def right(self, values):
        from .judge import _close
        return values is not None and all(
            _close(v, self.want[k]) for v, k in zip(values, self.general))

    def same(self, values):
        from .judge import _close
        return values is not None and all(
            _close(v, self.got[k]) for v, k in zip(values, self.general))


def hidden(p, tree, task, points, value, got):
    """(status, message, notes) when an answer the points found right is wrong, or must be
    confirmed by a person; None when nothing is hidden."""
    from .constants import disguised
    note = disguised(tree)
    if note:
        return ("incorrect", "it agrees at the points only to double precision", [note])
    s = Scene(p, tree, task, points, value, got)
    for part in _size_parts(tree, s.counts)[:MAX_SUSPECTS]:
        found = _size_part(s, part)
        if found:
            return found
    gates = [n for n in _walk(tree) if n.kind == "call" and isinstance(n.value, tuple)
             and n.value[0] in GATES and not _only_counts(n, s.counts)]
    for gate in gates[:MAX_SUSPECTS]:
        found = _gate(s, gate)
        if found:
            return found
    calls = [n for n in _outside_sums(tree) if n.kind == "call" and n not in gates
             and any(m.kind == "name" for m in _walk(n)) and not _only_counts(n, s.counts)]
    for call in calls[:MAX_SUSPECTS]:
        found = _frozen(s, call)
        if found:
            return found
    return _near_miss(s)


def _outside_sums(tree):
    """The nodes not inside a sum (where they can be computed on their own)."""
    stack = [tree]
    while stack:
        n = stack.pop()
        yield n
        if n.kind not in ("sum", "prod"):
            stack.extend(n.args)


# parts of the sizes

def _only_counts(node, counts):
    """Whether node is computed from sizes (and natural numbers like k) and numbers only,
    with at least one size."""
    names = [n for n in _walk(node) if n.kind == "name"]
    return bool(names) and all(n.value[0] in counts and not n.value[1] for n in names) and \
        all(n.kind in ("num", "name", "add", "sub", "mul", "div", "neg", "pow", "call")
            for n in _walk(node))


def _size_parts(tree, counts):
    """The largest parts of the answer made of sizes only, other than a size alone (a
    sum's bounds are where sizes belong: they are left out)."""
    found, stack = [], [tree]
    while stack:
        n = stack.pop()
        if _only_counts(n, counts):
            if n.kind != "name":
                found.append(n)
            continue
        stack.extend(n.args[2:] if n.kind in ("sum", "prod") else n.args)
    return found


def _count_value(part, counts):
    """part as a function of the sizes: {size: value} -> number (None where undefined)."""
    def at(values):
        try:
            with np.errstate(all="ignore"):
                v = Evaluator(values, known=sorted(counts), budget=Budget(10_000))(part)
        except _FAILED:
            return None
        v = float(v) if not shape_of(v) else None
        return v if v is not None and np.isfinite(v) else None
    return at


def _size_part(s, part):
    f = _count_value(part, s.counts)
    seen = {f({n: pt.values[n] for n in s.counts if n in pt.values}) for pt in s.points}
    if len(seen) != 1 or None in seen:
        return None                    # it changed between the points: it was tested
    c = seen.pop()
    if s.right(s.values(_replace(s.tree, part, Node("num", (), c + 1, part.column)))):
        return None                    # the answer does not depend on it
    base = {n: s.points[0].values[n] for n in s.counts if n in s.points[0].values}
    names = sorted({n.value[0] for n in _walk(part) if n.kind == "name"})
    for size in SCAN_SIZES:
        for name in names:
            changed = f({**base, name: float(size)})
            if changed is None or changed == c:
                continue
            shown = f"{written(part)} is {_number(c)} at every size checked, but " \
                    f"{_number(changed)} at {name} = {size}"
            verdict = _probe_sizes(s, name, size)
            if verdict is False:
                return None            # right there too: the part does no harm
            return ("incorrect", "it agrees at the points checked only because "
                    "part of it depends on the sizes",
                    [f"a part that depends on the sizes: {shown}, and the answer "
                     "changes with it"])
    exact = _exactly_constant(part, s)
    if exact:
        return None
    return ("correct", f"it agrees with the derivation at {len(s.points)} random points, "
            f"but {written(part)} did not change with the sizes: {FLAG}",
            [f"{FLAG}: {written(part)} depends on the sizes but was {_number(c)} at "
             "every size tried; the answer would change with it"])


def _probe_sizes(s, name, size):
    """Whether the answer is wrong (True) or right (False) with one size changed, or
    None when it cannot be computed there."""
    from .reference import _numeric, _point
    first = s.points[s.general[0]]
    if name not in first.sizes:                           # a natural number like k
        point = _point(s.p, dict(first.sizes), np.random.default_rng(size))
        point.values[name] = float(size)
    elif size > PROBE_SIZES:
        return None
    else:
        point = _point(s.p, {**first.sizes, name: size}, np.random.default_rng(size))
    return _differs(s, point, _numeric)


def _differs(s, point, numeric):
    from .judge import _close
    try:
        with np.errstate(all="ignore"):
            got = s.at(s.tree, point)
            want = numeric(s.task.quantity, s.p, point)
    except _FAILED:
        return None
    if not (np.all(np.isfinite(got)) and np.all(np.isfinite(want))):
        return None
    return not _close(got, want)


def _exactly_constant(part, s):
    """SymPy's word on whether a part of the sizes is a constant, where it can tell."""
    import sympy as sp
    from .symbolic import NotSymbolic, _build
    names = {n: sp.Symbol(n, integer=True, positive=True) for n in s.counts}
    try:
        expr = _build(part, names)
        return sp.simplify(expr - expr.subs({v: 1 for v in names.values()})) == 0
    except (NotSymbolic, TypeError, ValueError, AttributeError, NotImplementedError):
        return False


# gates

def _forced(gate, is_open):
    """The gate as one of its branches: H(a) as 1 or 0, relu(a) as a or 0, |a| as a or -a
    (each keeping a's shape)."""
    a = gate.args[0]
    zero = Node("mul", (Node("num", (), 0, gate.column), a), None, gate.column)
    name = gate.value[0]
    if name == "step":
        return Node("add", (zero, Node("num", (), 1, gate.column)), None, gate.column) \
            if is_open else zero
    if name == "relu":
        return a if is_open else zero
    return a if is_open else Node("neg", (a,), None, gate.column)


def _gate(s, gate):
    open_tree = _replace(s.tree, gate, _forced(gate, True))
    shut_tree = _replace(s.tree, gate, _forced(gate, False))
    as_open, as_shut = s.same(s.values(open_tree)), s.same(s.values(shut_tree))
    if as_open == as_shut:
        return None            # irrelevant here, or seen both ways: it was tested
    other = shut_tree if as_open else open_tree
    if s.right(s.values(other)):
        return None            # the other branch is right too
    from .reference import _numeric, _point
    from .judge import _close
    kept = open_tree if as_open else shut_tree
    changed = False            # the gate changed somewhere, and the answer was right there
    for scale in SCALES:
        for k in (s.general[0], s.general[-1]):
            point = _point(s.p, dict(s.points[k].sizes), np.random.default_rng(k),
                           scale=scale)
            try:
                with np.errstate(all="ignore"):
                    got, branch = s.at(s.tree, point), s.at(kept, point)
            except _FAILED:
                continue
            if not np.all(np.isfinite(got)) or _close(got, branch):
                continue       # the gate did not change here
            wrong = _differs(s, point, _numeric)
            changed = changed or wrong is False
            if not wrong:
                continue       # right there too (or not computable): other magnitudes
            return ("incorrect", "it agrees at the points checked only because part of "
                    f"it, {written(gate)}, did not change there",
                    [f"a part that stays {'open' if as_open else 'shut'} at the values "
                     f"checked: {written(gate)}; with values of magnitude {scale:g} it "
                     "changes, and the answer is wrong there"])
    if changed:
        return None
    return ("correct", f"it agrees with the derivation at {len(s.points)} random points, "
            f"but {written(gate)} never changed: {FLAG}",
            [f"{FLAG}: {written(gate)} stayed {'open' if as_open else 'shut'} at every "
             "value tried; the answer would be wrong if it changed"])


# smooth gates: σ(10^6 (tr(XᵀX) - 10^3)) and exp(-10^6 wᵀw) are exactly 0 or 1 in floats

def _alone(s, node, point):
    """A part's value on its own at a point (None where it needs the answer around it)."""
    try:
        with np.errstate(all="ignore"):
            v = Evaluator(point.values, point.samples, point.functions, sorted(s.p.names),
                          budget=Budget(PROBE_OPERATIONS))(node)
    except _FAILED:
        return None
    return float(v) if not shape_of(v) and np.isfinite(v) else None


def _frozen(s, call):
    """A function's value that was the same number at every point, to the last digits (a
    sigmoid or an exponential saturated to 0 or 1): the answer is checked where it is
    not."""
    seen = [_alone(s, call, s.points[k]) for k in s.general]
    if None in seen:
        return None
    c = float(round(seen[0])) if abs(seen[0] - round(seen[0])) <= ROUNDOFF else seen[0]
    if any(abs(v - c) > ROUNDOFF * (1 + abs(c)) for v in seen):
        return None                # it changed between the points: it was tested
    if s.right(s.values(_replace(s.tree, call, Node("num", (), c + 1, call.column)))):
        return None                # the answer does not depend on it
    from .reference import _numeric, _point
    changed = False
    for scale in SCALES:
        for k in (s.general[0], s.general[-1]):
            point = _point(s.p, dict(s.points[k].sizes), np.random.default_rng(k),
                           scale=scale)
            moved = _alone(s, call, point)
            if moved is None or abs(moved - c) <= 1e-6 * (1 + abs(c)):
                continue
            wrong = _differs(s, point, _numeric)
            changed = changed or wrong is False
            if not wrong:
                continue       # right there too (or not computable): other magnitudes
            return ("incorrect", "it agrees at the points checked only because part of "
                    f"it, {written(call)}, did not change there",
                    [f"a part that is {_number(c)} at every value checked: "
                     f"{written(call)}; with values of magnitude {scale:g} it is not, "
                     "and the answer is wrong there"])
    if changed:
        return None
    return ("correct", f"it agrees with the derivation at {len(s.points)} random points, "
            f"but {written(call)} never changed: {FLAG}",
            [f"{FLAG}: {written(call)} was {_number(c)} at every value tried; the answer "
             "would be wrong if it changed"])


# near misses

def _deviation(values, s):
    """The largest difference from the right answer, relative to its size."""
    if values is None:
        return np.inf
    out = 0.0
    for v, k in zip(values, s.general):
        w = np.asarray(s.want[k], dtype=float)
        v = np.asarray(v, dtype=float)
        if v.shape != w.shape:
            return np.inf
        out = max(out, float(np.max(np.abs(v - w)) / (1 + np.max(np.abs(w)))))
    return out


def _near_miss(s):
    """A constant typed near a right one, or a term too small for the tolerance."""
    own = _deviation([s.got[k] for k in s.general], s)
    if not own > ROUNDOFF:
        return None
    for part, fixed, note in _repairs(s.tree):
        if _deviation(s.values(_replace(s.tree, part, fixed)), s) * BETTER <= own:
            return ("incorrect", "it is close to the derivation's result, but not equal "
                    f"(a relative difference of {own:.1g})", [note])
    return None


def _repairs(tree):
    """(part, what it would be if right, note): constants put to a nearby simple number,
    tiny constants to 0, and each term of a sum left out."""
    out = []
    for n in _walk(tree):
        if n.kind in ("num", "neg", "mul", "div", "pow", "add", "sub") and \
                not any(m.kind in ("name", "call", "sum", "prod", "range", "entry")
                        for m in _walk(n)):
            try:
                v = float(Evaluator({})(n))
            except _FAILED:
                continue
            for near in _near_numbers(v):
                out.append((n, Node("num", (), near, n.column),
                            f"the number {written(n)} is not {_number(near)}, which would "
                            "make the answer right: a coefficient must be exact"))
        if n.kind in ("add", "sub"):
            for k, term in enumerate(n.args):
                rest = n.args[1 - k]
                kept = rest if n.kind == "add" or k == 1 else Node("neg", (rest,), None,
                                                                   n.column)
                out.append((n, kept, f"the term {written(term)} is small but not zero: "
                            "without it the answer is right"))
        if len(out) > 4 * MAX_SUSPECTS:
            break
    return out


def _near_numbers(v):
    """Simple numbers near v (0 for a tiny one) that v is not."""
    if not np.isfinite(v):
        return []
    near = {0.0} if abs(v) < 1e-4 else set()
    near |= {float(round(v)), float(Fraction(v).limit_denominator(24))}
    return [x for x in sorted(near) if x != v and abs(x - v) <= 1e-3 * max(1.0, abs(v))]


def _replace(tree, old, new):
    if tree is old:
        return new
    if not tree.args:
        return tree
    return Node(tree.kind, tuple(_replace(a, old, new) for a in tree.args), tree.value,
                tree.column)


def _number(x):
    return str(int(x)) if float(x).is_integer() else f"{x:g}"
