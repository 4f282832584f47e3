"""The derivation for people: rich in a terminal, plain text when asked or piped."""
import re
import unicodedata


def _indent(block, prefix):
    return "\n".join(prefix + line.rstrip() for line in block.splitlines())


def lines_of(derivation, lang, width):
    """[kind, text] pairs: kind is title, section, step, math or result (JSON-able, so
    they can be cached and rendered without SymPy)."""
    from .printing import samples_of
    with samples_of(derivation.model):
        return [list(pair) for pair in _lines(derivation, lang, width)]


MIN_WIDTH = 24        # narrower terminals (COLUMNS=1) get lines of this width, not a crash


def display_width(text):
    """Columns text takes in a terminal: Hangul and other wide characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else
               0 if unicodedata.combining(c) else 1 for c in text)


def wrap(text, width, indent=""):
    """Lines of at most `width` columns (by display width), broken between words; a word
    longer than a line is cut by columns, never dropped or replaced by an ellipsis."""
    lines, line = [], ""
    for word in text.split():
        candidate = f"{line} {word}" if line else (indent if lines else "") + word
        if display_width(candidate) <= width or not line and not lines and not word:
            line = candidate
            continue
        if line:
            lines.append(line)
        line = indent + word
        while display_width(line) > width:          # one word wider than the line
            cut = _cut(line, width)
            lines.append(line[:cut])
            line = indent + line[cut:]
    if line or not lines:
        lines.append(line)
    return lines


def _hanging(prefix, text, width):
    """prefix, then text wrapped in the columns after it (a hanging indent)."""
    lines = wrap(text, width - len(prefix))
    return [prefix + lines[0]] + [" " * len(prefix) + line for line in lines[1:]]


def _cut(text, width):
    used = 0
    for k, c in enumerate(text):
        used += display_width(c)
        if used > width:
            return max(k, 1)
    return len(text)


def _lines(derivation, lang, width):
    from . import captioned, result_lhs
    from .messages import HEADINGS
    from .printing import pretty_equation, to_pretty, to_text
    from .statement import statement_text
    width = max(width, MIN_WIDTH)
    title = derivation.model.title.get(lang, derivation.model.title["en"]) if derivation.model \
        else derivation.name
    from .prose import plain
    yield "title", plain(f"{title}  (∂/∂{to_text(derivation.wrt)})")
    statement = getattr(derivation.model, "statement", None)
    if statement:
        yield "statement", statement_text(statement)
    notes = getattr(derivation.model, "notes", None) or {}
    if notes:
        yield "note", f"{HEADINGS[lang]['note']}: " + plain(notes.get(lang, notes.get("en", "")))
    for section, letter, heading, steps in captioned(derivation, lang):
        yield "section", f"{letter}. {heading}"
        for label, step, show_lhs, rule, text in steps:
            yield "step", (label, rule, text)
            lhs = step.lhs if show_lhs else None
            if step.lhs is None:            # an equation, such as Xᵀ(y - Xw) = 0
                block = to_pretty(step.expr, width - 6)
                line = to_text(step.expr)
            else:
                block = pretty_equation(lhs, step.expr, width - 6)
                line = (to_text(lhs) + " " if lhs is not None else "") + "= " + to_text(step.expr)
            if "↪" in block or max(display_width(row) for row in block.splitlines()) > width - 6:
                # too wide for 2-D: one line of text, wrapped between words
                block = "\n".join(wrap(line, width - 6, indent="    "))
            yield "math", _indent(block, "      ")
    yield "result", f"{HEADINGS[lang]['result']}: {to_text(result_lhs(derivation))} = " \
                    f"{to_text(derivation.result)}"


KINDS = {"title", "statement", "note", "section", "step", "math", "result"}
_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def valid_lines(lines):
    """True for what lines_of returns: [kind, text] pairs (a step: three texts), with no
    control characters or escape sequences (a cache file may be damaged or planted)."""
    def clean(text, newlines=False):
        return isinstance(text, str) and not _CONTROL.search(text) and (newlines or "\n" not in text)
    try:
        return isinstance(lines, list) and all(
            isinstance(pair, list) and len(pair) == 2 and pair[0] in KINDS and (
                isinstance(pair[1], list) and len(pair[1]) == 3 and all(map(clean, pair[1]))
                if pair[0] == "step"
                else clean(pair[1], newlines=pair[0] == "math"))
            for pair in lines)
    except TypeError:
        return False


def render_text(derivation, lang="en", width=80):
    return text_from_lines(lines_of(derivation, lang, width), width)


def text_from_lines(lines, width=80):
    width = max(width, MIN_WIDTH)
    out = []
    for kind, value in lines:
        if kind == "title":
            lines = wrap(value, width)
            out += lines + ["=" * max(map(display_width, lines)), ""]
        elif kind in ("statement", "note"):
            out += wrap(value, width) + [""]
        elif kind == "section":
            out += ["", value, "-" * min(display_width(value), width)]
        elif kind == "step":
            label, rule, text = value
            out += _hanging(f"{label:<4}  ", f"[{rule}] {text}", width)
        elif kind == "math":
            out += [value, ""]
        else:
            out += [""] + wrap(value, width, indent="    ")
    return "\n".join(out) + "\n"


def render_rich(derivation, console, lang="en"):
    rich_from_lines(lines_of(derivation, lang, console.width), console)


def rich_from_lines(lines, console):
    from rich.text import Text
    for kind, value in lines:
        if kind == "title":
            console.print(Text(value, style="bold"))
        elif kind == "statement":
            console.print(Text(value, style="italic"))
        elif kind == "note":
            console.print(Text(value, style="yellow"))
        elif kind == "section":
            console.print()
            width = max(console.width, MIN_WIDTH)
            for line in wrap(value, width):             # never cut to "…" as rich's Rule is
                console.print(Text(line, style="bold cyan"), soft_wrap=True)
            console.print(Text("─" * min(display_width(value), width), style="cyan"))
        elif kind == "step":
            # wrapped here by display width (rich would end a Hangul line with "…"),
            # with a hanging indent for long explanations
            label, rule, text = value
            width = max(console.width, MIN_WIDTH)
            lines = _hanging(f"{label:<4}  ", f"[{rule}] {text}", width)
            start = len(f"{label:<4}  ")
            for k, line in enumerate(lines):
                styled = Text(line, style="dim", no_wrap=True, overflow="ignore")
                if k == 0:
                    styled.stylize("bold not dim", 0, len(label))
                    styled.stylize("magenta not dim", start, start + len(rule) + 2)
                console.print(styled, soft_wrap=True)
        elif kind == "math":
            console.print(Text(value), soft_wrap=True)
            console.print()
        else:
            console.print()
            console.print(Text(value, style="bold green"))


def wrap_items(items, width, separator=", "):
    """Items joined by `separator` in lines of at most `width` columns, broken only
    between items (a legend: "? unreadable" is never split)."""
    lines, line = [], ""
    for item in items:
        candidate = line + separator + item if line else item
        if line and display_width(candidate) > width:
            lines.append(line + separator.rstrip())
            candidate = item
        line = candidate
    return lines + [line] if line else lines
