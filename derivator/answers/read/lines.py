"""A student's working as chains of equal sides.

The text is split into lines (newlines, `\\\\`, aligned/align* environments, implication
arrows), each line into the sides of its `=` signs, and the lines into chains: a line that
starts with `=` (or has no `=`) continues the chain before it; a line with a left-hand
side of its own starts a new one. Decoration that carries no mathematics (`&`, `\\boxed`,
`\\therefore`, `\\quad \\text{…}` remarks, `\\cancel` strokes) is dropped here so that
the answers' reader sees only expressions. Nothing is evaluated.
"""
import re
from dataclasses import dataclass, field

MAX_TEXT = 200_000         # characters in a whole working
MAX_LINES = 200            # lines of mathematics
MAX_PHYSICAL = 2_000       # lines of the text, prose and blank lines included
MAX_LINE = 2_000           # characters in one line (the answers' reader takes as much)

ENVIRONMENTS = {"bmatrix", "pmatrix", "vmatrix", "Vmatrix", "matrix", "array", "cases",
                "aligned", "align", "align*", "alignat", "alignat*", "split", "gather",
                "gather*", "gathered", "equation", "equation*", "eqnarray", "eqnarray*",
                "multline", "multline*"}
ROW = "\x01"               # a matrix's row break while lines are split
MATRIX = re.compile(r"\\begin\{([bpvV]?matrix|array|cases)\}.*?\\end\{\1\}", re.S)
ARROWS = re.compile(r"\\(?:Rightarrow|rightarrow|Longrightarrow|longrightarrow|implies|to|"
                    r"iff|Leftrightarrow)(?![A-Za-z])|[→⇒⟹]")
OPENERS = re.compile(r"\\therefore|\\because|∴|∵")
DROPPED = re.compile(r"\\(?:displaystyle|textstyle|nonumber|notag|qquad|quad|;|,|!|:)"
                     r"(?![A-Za-z])|\\left\.|\\right\.")
UNWRAPPED = ("boxed", "cancel", "bcancel", "xcancel", "cancelto", "underbrace", "overbrace",
             "underline", "overline", "color")
LONE_NAME = re.compile(r"\\?[A-Za-z]+(?:_\{?\w+\}?)?|\\mathbf\{[A-Za-z]\}")
KEPT_TEXT = {"tr", "trace", "exp", "log", "ln", "sigmoid", "T", "d"}


class WorkingError(ValueError):
    """A working that cannot be split into lines: one message, what and where."""


@dataclass
class Side:
    text: str                 # as it goes to the reader
    line: int                 # 1-based number of the working's line


@dataclass
class Line:
    number: int
    text: str                 # the line as written (after splitting)
    sides: list = field(default_factory=list)
    continues: bool = False   # starts with '=' or has none: a step from the line before
    remarks: list = field(default_factory=list)


MARK = 0xF0000             # a private-use character per line of the file: its number


def _mark(number):
    return chr(MARK + number)


def _marked_line(ch):
    return ord(ch) - MARK if MARK <= ord(ch) <= MARK + MAX_PHYSICAL else None


def split_working(text, words=()):
    """The working's lines, each with its sides and the number of the file's line it
    starts on (blank and prose lines count, as in an editor). A label, a sentence
    around the mathematics and a line of prose alone are set aside (prose.py), with
    `words` the problem's names (never prose). WorkingError for what cannot be split."""
    if not isinstance(text, str):
        raise WorkingError("the working must be text")
    if "\x00" in text:
        raise WorkingError(f"the working contains a NUL byte (line {text[:text.index(chr(0))].count(chr(10)) + 1})")
    if len(text) > MAX_TEXT:
        raise WorkingError(f"the working is {len(text):,} characters long; at most {MAX_TEXT:,}")
    physical = text.splitlines()
    if len(physical) > MAX_PHYSICAL:
        raise WorkingError(f"the working has {len(physical):,} lines; at most {MAX_PHYSICAL:,} "
                           f"(of which {MAX_LINES} of mathematics)")
    for number, row in enumerate(physical, 1):
        if len(row) > MAX_TEXT // 4:
            raise WorkingError(f"line {number} is {len(row):,} characters long; "
                               f"at most {MAX_LINE}")
    if any(_marked_line(ch) is not None for ch in text):
        raise WorkingError("the working contains private-use characters")
    text = "\n".join(_mark(n) + _strip_comment(row) for n, row in enumerate(physical, 1))
    _check_environments(text)
    text = _math_only(text)
    text = MATRIX.sub(lambda m: m.group(0).replace("\\\\", ROW), text)   # rows, not lines
    _check_environments(text)
    text = re.sub(r"\\(begin|end)\{(?![bpvV]?matrix\}|array\}|cases\})[A-Za-z*]+\}"
                  r"(\{[^{}]*\})?", "\n", text)
    pieces = []
    for chunk in _joined(re.split(r"\\\\(?:\[[^\]]*\])?|\n", text)):
        pieces.extend(p for part in ARROWS.split(chunk) for p in OPENERS.split(part))
    from .dialects import MATH_WORDS
    from .prose import set_aside
    lines, current = [], 1
    for raw in pieces:
        number, current, raw = _numbered(raw, current)
        written = " ".join(raw.replace(ROW, "\\\\").split())
        cleaned, remarks = _clean(written.replace("&", " "))
        if len(cleaned) > MAX_LINE:
            raise WorkingError(f"line {number} is {len(cleaned):,} characters long; "
                               f"at most {MAX_LINE}")
        if cleaned:
            prose = set_aside(cleaned, MATH_WORDS | set(words))
            cleaned = " ".join(prose.math.split())
            cleaned = re.sub(r"[.,;]\s*$", "", cleaned)
            remarks += prose.removed
            if prose.removed and LONE_NAME.fullmatch(cleaned):
                cleaned = ""              # "w에 대해 미분하면": a sentence naming w, a comment
        if not cleaned:
            continue
        if len(cleaned) > MAX_LINE:
            raise WorkingError(f"line {number} is {len(cleaned):,} characters long; "
                               f"at most {MAX_LINE}")
        sides = split_sides(cleaned)
        continues = sides[0].strip() == "" or len(sides) == 1
        line = Line(number, written.replace("&", ""), remarks=remarks,
                    continues=continues)
        line.sides = [Side(s.strip(), line.number) for s in sides if s.strip()]
        if line.sides:
            lines.append(line)
        if len(lines) > MAX_LINES:
            raise WorkingError(f"the working has more than {MAX_LINES} lines of mathematics")
    if not lines:
        raise WorkingError("the working is empty: no line of mathematics in it")
    return lines


def _numbered(piece, current):
    """(the file line the piece's mathematics starts on, the line it ends on, the piece
    without the line marks)."""
    start = None
    for ch in piece:
        n = _marked_line(ch)
        if n is not None:
            current = n
        elif start is None and not ch.isspace():
            start = current
    clean = "".join(ch for ch in piece if _marked_line(ch) is None)
    return (start or current), current, clean


def _joined(rows):
    """Rows of an aligned environment that split one bracket (`\\left[ … \\right.` and
    `\\left. … \\right]`) are one line."""
    out, pending = [], None
    for row in rows:
        pending = row if pending is None else pending + " " + row
        if _depth(pending) <= 0 or len(pending) > MAX_LINE:
            out.append(pending)
            pending = None
    if pending is not None:
        out.append(pending)
    return out


def _depth(text):
    opened = len(re.findall(r"(?<!\\)[(\[{]|\\\{", text))
    closed = len(re.findall(r"(?<!\\)[)\]}]|\\\}", text))
    return opened - closed


def _strip_comment(row):
    """`% a comment` ends at the line's end; `\\%` is a percent sign."""
    m = re.search(r"(?<!\\)%", row)
    return row if m is None else row[:m.start()]


def _math_only(text):
    """In a Markdown or LaTeX document only the mathematics counts: the parts between
    `$$`, `$`, `\\[ \\]` and in environments. Text without `$` or `\\[` is all
    mathematics (an aligned environment among plain lines included)."""
    if not re.search(r"\$|\\\[", text):
        return text
    parts = []
    pattern = re.compile(r"\$\$(.*?)\$\$|\\\[(.*?)\\\]|\$([^$]+?)\$|(\\begin\{([A-Za-z*]+)\}.*?"
                         r"\\end\{\5\})", re.S)
    for m in pattern.finditer(text):
        before = [ch for ch in text[:m.start()] if _marked_line(ch) is not None]
        mark = before[-1] if before else ""
        parts.append(mark + next(g for g in m.groups()[:4] if g is not None))
    rest = "".join(ch for ch in pattern.sub("", text) if _marked_line(ch) is None)
    for mark in ("$$", "$", "\\[", "\\]", "\\begin{", "\\end{"):
        if mark in rest:
            position = rest.find(mark)
            line = rest[:position].count("\n") + 1
            raise WorkingError(f"unbalanced {mark!r} near line {line}: it is never closed")
    return "\n".join(parts)


def _check_environments(text):
    stack = []
    for m in re.finditer(r"\\(begin|end)\{([A-Za-z*]+)\}", text):
        line = text[:m.start()].count("\n") + 1
        kind, name = m.groups()
        if kind == "begin":
            if name not in ENVIRONMENTS:
                raise WorkingError(f"line {line}: the environment {name!r} is not read; "
                                   f"use one of aligned, align*, gather, equation")
            stack.append((name, line))
        elif not stack:
            raise WorkingError(f"line {line}: \\end{{{name}}} without a \\begin{{{name}}}")
        elif stack[-1][0] != name:
            raise WorkingError(f"line {line}: \\end{{{name}}} closes \\begin{{{stack[-1][0]}}} "
                               f"of line {stack[-1][1]}")
        else:
            stack.pop()
    if stack:
        name, line = stack[-1]
        raise WorkingError(f"line {line}: \\begin{{{name}}} is never closed")


def _clean(line):
    """The line without decoration, and the remarks it carried (`\\text{…}` after
    `\\quad`, `--- (A)`), kept for the reader of the verdict."""
    remarks = []
    line = line.replace("&", " ")
    line = re.sub(r"^\s*\((?:\d{1,2}|[a-h]|i{1,3}|iv)\)\s*(?=\S)", " ", line)     # (1), (a): labels
    for name in UNWRAPPED:
        line = _unwrap(line, name)
    line = re.sub(r"\\tag\*?\{[^{}]*\}", " ", line)
    line = re.sub(r"\\textcircled\{[^{}]*\}|[①-⑳]", " ", line)

    def text_command(m):
        content = m.group(2).strip()
        if content in KEPT_TEXT:
            return m.group(0)
        remarks.append(content)
        return " "
    line = re.sub(r"\\(text|mbox|textrm|textbf|hbox)\{([^{}]*)\}", text_command, line)
    line = re.sub(r"[-—–]{2,}\s*\(?[A-Za-z0-9]?\)?\s*$", " ", line)     # --- (A)
    line = re.sub(r"\\q?quad\s*\(?\d{1,2}\)?\s*$", " ", line)     # \quad (2): a number
    line = DROPPED.sub(" ", line)
    line = re.sub(r"[.,;]\s*$", "", line.strip())
    return " ".join(line.split()), remarks


def _unwrap(line, name):
    """\\boxed{x} -> x; \\underbrace{x}_{note} -> x; \\cancelto{0}{x} -> x."""
    marker = "\\" + name
    out, pos = [], 0
    while True:
        start = line.find(marker + "{", pos)
        if start < 0 or (line[start + len(marker):start + len(marker) + 1].isalpha()):
            out.append(line[pos:])
            return "".join(out)
        out.append(line[pos:start])
        content, end = _group(line, start + len(marker))
        if content is None:
            out.append(line[start:])
            return "".join(out)
        if name in ("cancelto", "color"):                 # drop the first group
            content, end = _group(line, end)
            content = content or ""
        if name in ("underbrace", "overbrace") and line[end:end + 1] in ("_", "^"):
            note, after = _group(line, end + 1)
            end = after if note is not None else end + 2
        out.append(" " + content + " ")
        pos = end


def _group(text, pos):
    """The contents of the brace group starting at text[pos] ('{'), and the position
    after it; (None, pos) when there is none or it is not closed."""
    if pos >= len(text) or text[pos] != "{":
        return None, pos
    depth = 0
    for k in range(pos, len(text)):
        if text[k] == "{" and text[k - 1:k] != "\\":
            depth += 1
        elif text[k] == "}" and text[k - 1:k] != "\\":
            depth -= 1
            if depth == 0:
                return text[pos + 1:k], k + 1
    return None, pos


def split_sides(line):
    """The sides of a line's `=` signs at the top level of brackets (a `=` inside
    `\\sum_{i=1}` or `sum(..., i=1..N)` is not one)."""
    sides, depth, start, k = [], 0, 0, 0
    while k < len(line):
        ch = line[k]
        if ch == "\\" and line[k + 1:k + 2] in ("{", "}"):
            depth += 1 if line[k + 1] == "{" else -1
            k += 2
            continue
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif ch == "=" and depth == 0:
            sides.append(line[start:k])
            start = k + 1
        k += 1
    sides.append(line[start:])
    return sides
