"""A left-hand side, as students write it before their answer: `w_{t+1} = …`, `w^* = …`,
`\\frac{\\partial f}{\\partial \\mathbf{X}} = …`, `df/dX = …`, `\\nabla_{\\mathbf{w}} L = …`,
`[\\frac{df}{dw}]_k = …`. It is read, checked against what the problem asks for, and
dropped; the indices it names (∂f/∂X_{ij}, ∂L/∂h_k) say how the answer's free indices
are meant.

    parse_answer(text, problem) -> Reading(lhs, tree, ...)
"""
import re
from dataclasses import dataclass, field

from .parse import AnswerError, Node, _fold, parse, prose_start

ASSIGN = ("=", ":=", "≔", "\\leftarrow", "←", "\\gets", "\\coloneqq")
STYLE = r"mathbf|boldsymbol|bm|vec|bar|hat|tilde|mathrm|mathit|mathsf|mathtt|mathcal|text|" \
        r"textbf|textrm|operatorname|boxed|mathnormal|pmb"
NAME = r"[A-Za-z]+"
SUB = r"(?:_\{[^{}]*\}|_[A-Za-z0-9])"
VARIABLE = rf"(?P<v>[A-Za-z](?:{SUB})?)"
FUNCTION = r"(?P<f>(?:[A-Za-z]|\\[A-Za-z]+)?(?:_\{[^{}]*\}|_\w)?(?:\{?\([^()]*\)\}?)?)"
DERIVATIVES = [
    re.compile(rf"^\\[dt]?frac\{{(?:\\partial|d)(?P<f>[^{{}}]*(?:\{{[^{{}}]*\}}[^{{}}]*)*)\}}"
               rf"\{{(?:\\partial|d){VARIABLE}\}}(?P<rest>.*)$"),
    re.compile(rf"^(?:\\partial|d){FUNCTION}/(?:\\partial|d){VARIABLE}(?P<rest>.*)$"),
    re.compile(rf"^\\nabla(?:_\{{?{VARIABLE}\}}?)?(?P<rest>.*)$"),
    re.compile(rf"^\\partial_\{{?{VARIABLE}\}}?(?P<rest>.*)$"),
    re.compile(r"^(?P<f>[A-Za-z])(?:'|\^\{?\\prime\}?)(?:\((?P<v>[A-Za-z](?:_\{[^{}]*\}|_\w)?)\))?"
               r"(?P<rest>)$"),
]
VALUE = re.compile(rf"^(?P<name>{NAME})(?P<sub>{SUB})?"
                   r"(?P<sup>\^\{[^{}]*\}|\^\*|\^\([^()]*\)|\^[A-Za-z0-9*]|'|\*)?$")
ENTRY = re.compile(r"^\[(?P<inner>.+)\]_(?P<idx>\{[^{}]*\}|\w+)$")


@dataclass(frozen=True)
class LeftSide:
    text: str            # as typed
    kind: str            # "derivative" (∂f/∂X, ∇_w L) or "value" (w_{t+1}, w^*)
    variable: str        # what is differentiated by, or the name given a value: X, w, h
    indices: tuple = ()  # its subscript: (i, j) of ∂X_{ij}, (1, d, m) of ∂w_{1,d,m}
    entry: tuple = ()    # [ … ]_{kl}: the entry indices of a bracketed derivative
    shown: str = ""      # in the course's notation: ∂f/∂X_{ij}, w_{t+1}
    tree: Node = None    # kind "equation" (XᵀXw = Xᵀy): the left-hand side's own tree


@dataclass
class Reading:
    """An answer as read: its left-hand side (or None) and the tree of its right-hand side."""
    tree: Node
    lhs: LeftSide = None
    entry_order: tuple = ()      # the answer's free indices, in the order of the entry
    notes: list = field(default_factory=list)
    prepared: object = None      # dialects.Prepared: the dialect, what was set aside, guesses


def split_sides(text):
    """(left-hand side or None, the answer with the left-hand side blanked out, so that
    columns still count from the start of what was typed)."""
    depth, k, cuts = 0, 0, []
    while k < len(text):
        ch = text[k]
        size = re.match(r"\\(left|right)(?![A-Za-z])", text[k:k + 7]) if ch == "\\" else None
        if size:                                     # \left( counts as its bracket
            k += size.end()
            continue
        depth += {"(": 1, "[": 1, "{": 1, ")": -1, "]": -1, "}": -1}.get(ch, 0)
        if depth == 0:
            for mark in ASSIGN:
                if text.startswith(mark, k) and not (mark == "=" and text.startswith("==", k)) \
                        and not (mark == "\\gets" and text[k + 5:k + 6].isalpha()):
                    cuts.append((k, k + len(mark)))
                    k += len(mark) - 1
                    break
        k += 1
    if not cuts:
        return None, text
    start, end = cuts[0]
    last = cuts[-1][1]
    return text[:start], " " * last + text[last:]


def _mathematics(text):
    """The text with comments and trailing prose blanked out (same length, so columns
    stay), so that an '=' in `% since a = b` or `\\text{where f = …}` is not a side."""
    blanked = re.sub(r"(?<!\\)%[^\n]*", lambda m: " " * len(m.group()), text)
    try:
        cut = prose_start(blanked)
    except AnswerError:
        return blanked
    return blanked if cut is None else blanked[:cut] + " " * (len(blanked) - cut)


def canonical(text):
    """The left-hand side without typography, spaces and wrappers: \\frac{∂f}{∂X_{ij}}."""
    s = _fold(text)
    for old, new in (("∂", "\\partial "), ("∇", "\\nabla "), ("ᵀ", "^T"), ("′", "'"),
                     ("$", ""), ("\\[", ""), ("\\(", ""), ("\\star", "*"), ("\\ast", "*")):
        s = s.replace(old, new)
    s = re.sub(r"\\(?:left|right|big|Big|bigl|bigr|Bigl|Bigr|displaystyle)(?![A-Za-z])", "", s)
    s = re.sub(r"\\[,;!: ]|&|\\nonumber|\\notag", "", s)
    s = re.sub(r"\\(?:begin|end|label|tag)\s*\{[^{}]*\}", "", s)
    for _ in range(6):
        s = re.sub(rf"\\(?:{STYLE})\s*\{{([^{{}}]*)\}}", r"\1", s)
    s = re.sub(rf"\\(?:{STYLE})\s*", "", s)
    return re.sub(r"\s+", "", s)


def read_lhs(text):
    """The LeftSide of `text`, or AnswerError."""
    s = canonical(text)
    entry = ()
    m = ENTRY.match(s)
    if m:
        s, entry = m.group("inner"), _subscript(m.group("idx"), letters=True)
    for pattern in DERIVATIVES:
        m = pattern.match(s)
        if m:
            v = m.group("v")
            variable, indices = (None, ()) if v is None else _split_name(v)
            of = (m.groupdict().get("f") or m.group("rest") or "").replace("\\", "")
            shown = f"∂{of}/∂{v}" if v else f"∇{of}"
            if entry:
                shown = f"[{shown}]_{{{''.join(entry)}}}"
            return LeftSide(text.strip(), "derivative", variable, indices, entry, shown)
    m = VALUE.match(s)
    if m and not entry:
        return LeftSide(text.strip(), "value", m.group("name"),
                        _subscript(m.group("sub")[1:]) if m.group("sub") else (), (), s)
    raise AnswerError(f"cannot read the left-hand side {text.strip()!r}: write the answer "
                      "alone, or a name or derivative before '=' (w_{t+1} = …, ∂f/∂X = …)",
                      len(text) - len(text.lstrip()) + 1)


def _split_name(v):
    m = re.match(rf"^([A-Za-z])({SUB})?$", v)
    return m.group(1), _subscript(m.group(2)[1:]) if m.group(2) else ()


def _subscript(text, letters=False):
    text = text.strip("{}")
    parts = tuple(p for p in text.split(",") if p)
    if letters and len(parts) == 1 and len(parts[0]) > 1 and parts[0].isalpha():
        parts = tuple(parts[0])
    return parts


def asked(problem):
    """What the problem asks for: ("update" | "value" | "derivative", variable, indices)."""
    derive = problem.data.get("derive", {})
    wrt = derive.get("wrt", "")
    # w, h[j], w_1[d, m] (the old form) or h_j, w_{1,d,m}: the subscripts that are the
    # problem's free indices are free, the others (the 1 of w_1) are part of the name
    m = re.match(r"^([A-Za-z]+)(?:_(\w+|\{[^}]*\}))?(?:\[([^\]]*)\])?$", wrt.replace(" ", ""))
    if m is None:
        return "derivative", wrt, (), tuple(derive.get("free", {}))
    base, sub, bracket = m.group(1), (m.group(2) or "").strip("{}"), m.group(3)
    subs = tuple(t for t in sub.split(",") if t)
    free_names = set(derive.get("free", {}))
    fixed = tuple(t for t in subs if t not in free_names)
    free = tuple(bracket.split(",")) if bracket else tuple(t for t in subs if t in free_names)
    if problem.data.get("update"):
        return "update", base, fixed, free
    if problem.strategy == "likelihood":
        return "value", base, fixed, free
    return "derivative", base, fixed, free


def judge_lhs(lhs, problem):
    """(a note when the left-hand side names something else than what is asked, the
    entry order it gives the answer's free indices, a renaming of its indices to the
    problem's free indices)."""
    kind, base, fixed, free = asked(problem)
    wanted = {"update": f"the update rule {base}_{{t+1}} = …",
              "value": f"{base} itself ({base} = …, the closed form)",
              "derivative": f"the derivative by {base}"}[kind]
    if lhs.kind == "equation":              # a = b: b is judged, and a must equal it
        return None, (), {}
    if lhs.kind == "derivative":
        if kind != "derivative":
            by = lhs.variable or base
            return (f"the left-hand side {lhs.text} is the gradient by {by}; the problem "
                    f"asks for {wanted}"), (), {}
        if lhs.variable is not None and lhs.variable != base:
            return (f"the left-hand side {lhs.text} is the derivative by {lhs.variable}; the "
                    f"problem asks for {wanted}"), (), {}
        indices = lhs.indices
        if fixed:
            if indices[:len(fixed)] != fixed:
                return (f"the left-hand side {lhs.text} is the derivative by "
                        f"{lhs.variable}_{{{','.join(indices)}}}; the problem asks for the "
                        f"derivative by {base}_{{{','.join(fixed + free)}}}"), (), {}
            indices = indices[len(fixed):]
        if free:
            if indices and len(indices) == len(free):
                return None, (), {a: b for a, b in zip(indices, free) if a != b}
            return None, (), {}
        order = lhs.entry or indices
        if len(order) == 1 and len(order[0]) > 1:
            order = tuple(order[0])
        return None, tuple(order), {}
    names = {n.split("_")[0].split("(")[0] for n in problem.names}
    if kind == "derivative":
        if lhs.variable in names:
            return (f"the left-hand side {lhs.text} names {lhs.variable}; the problem asks "
                    f"for {wanted}"), (), {}
        return None, (), {}
    if lhs.variable != base and lhs.variable in names:
        return (f"the left-hand side {lhs.text} names {lhs.variable}; the problem asks for "
                f"{wanted}"), (), {}
    return None, (), {}


def parse_answer(text, problem=None):
    """The Reading of an answer to `problem`: the left-hand side read and checked, the
    answer's tree with its indices renamed to the problem's (∂L/∂h_k = … w_{2,k} is read
    with j for k). AnswerError when it cannot be read."""
    if not isinstance(text, str):
        raise AnswerError("the answer must be text")
    from .dialects import prepare
    names = problem_names(problem) if problem is not None else None
    ready = prepare(text, names)
    if ready.tree is not None:                   # code: its own reader built the tree
        tree, left = ready.tree, ready.lhs
    else:
        left, right = split_sides(_mathematics(ready.text))
        tree = parse(right, names)
    reading = _with_lhs(tree, left, names, problem)
    reading.prepared = ready
    return reading


def _with_lhs(tree, left, names, problem):
    if left is None:
        return Reading(tree)
    if not left.strip() or left.strip() in ("$", "$$", "\\[", "\\("):
        raise AnswerError("nothing before '=': write the answer alone, or w_{t+1} = …",
                          len(left) + 1)
    try:
        lhs = read_lhs(left)
    except AnswerError as error:         # an equation, such as XᵀXw = Xᵀy
        try:
            side = parse(left, names)
        except AnswerError:
            raise error from None
        from .notation import written
        lhs = LeftSide(left.strip(), "equation", None, shown=written(side), tree=side)
    if problem is None:
        return Reading(tree, lhs, lhs.entry or lhs.indices)
    note, order, rename = judge_lhs(lhs, problem)
    if rename:
        _check_free_letters(tree, rename)
        tree = rename_indices(tree, rename)
    step = _time_letter(lhs, problem)
    if step:
        tree = _rename_step(tree, lhs.variable, step)
    return Reading(tree, lhs, order, [note] if note else [])


def _time_letter(lhs, problem):
    """w_{k+1} = … w_k …: the letter the student counts steps with, when it is not t."""
    if lhs.kind != "value" or not problem.data.get("update") or len(lhs.indices) != 1:
        return None
    m = re.match(r"^([a-z])\+1$", lhs.indices[0])
    return m.group(1) if m and m.group(1) != "t" else None


def _rename_step(tree, base, letter):
    """w_k -> w_t for the updated variable only (a sum over k elsewhere is left alone)."""
    def walk(n):
        value = n.value
        if n.kind == "name" and value[0] == base and value[1] == (letter,):
            value = (base, ("t",))
        return Node(n.kind, tuple(walk(a) for a in n.args), value, n.column)
    return walk(tree)


def problem_names(problem):
    """The names a problem declares, as the reader splits them, with their kinds: x of
    x_i, w of w_{2,j}, g of g(x_i) (a function), eta, and the problem's sizes."""
    names = {}
    for name, declared in problem.names.items():
        base = re.split(r"[_(]", name)[0]
        names[base] = declared.kind
    return names


def rename_indices(tree, mapping):
    """The tree with free indices renamed (k -> j), bound ones left alone."""
    def walk(n, bound):
        if n.kind == "sum":
            lower, upper, body = n.args
            inner = bound | {n.value}
            return Node("sum", (walk(lower, bound), walk(upper, bound), walk(body, inner)),
                        n.value, n.column)
        value = n.value
        if n.kind in ("name", "call") and isinstance(value, tuple) and value[1]:
            value = (value[0], tuple(_rename(i, mapping, bound) for i in value[1]))
        elif n.kind == "entry":
            value = tuple(_rename(i, mapping, bound) for i in value)
        return Node(n.kind, tuple(walk(a, bound) for a in n.args), value, n.column)
    return walk(tree, frozenset())


def _check_free_letters(tree, mapping):
    """∂L/∂h_k = … w_{2,j}: a free j on the right that the left-hand side does not name
    (it names k, read as j) would be taken for the k asked for; it is an error instead."""
    unnamed = set(mapping.values()) - set(mapping)
    stack = [(tree, frozenset())]
    while stack:
        n, bound = stack.pop()
        if n.kind == "sum":
            lower, upper, body = n.args
            stack += [(lower, bound), (upper, bound), (body, bound | {n.value})]
            continue
        subs = n.value[1] if n.kind in ("name", "call") and isinstance(n.value, tuple) \
            and n.value[1] else n.value if n.kind == "entry" else ()
        letters = {c for i in subs or () if i not in bound and i.isalpha() for c in i
                   if c not in bound}
        for letter in sorted(letters & unnamed):
            named = next(k for k, v in mapping.items() if v == letter)
            raise AnswerError(f"the index {letter} is not the left-hand side's: it names "
                              f"{named}; write {named} on both sides", n.column)
        stack += [(a, bound) for a in n.args]


def _rename(index, mapping, bound):
    if index in bound:
        return index
    if index in mapping:
        return mapping[index]
    if len(index) > 1 and index.isalpha():
        return "".join(mapping.get(c, c) if c not in bound else c for c in index)
    return index
