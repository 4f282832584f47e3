"""The derivation for people: rich in a terminal, plain text when asked or piped."""
import textwrap


def _indent(block, prefix):
    return "\n".join(prefix + line.rstrip() for line in block.splitlines())


def lines_of(derivation, lang, width):
    """[kind, text] pairs: kind is title, section, step, math or result (JSON-able, so
    they can be cached and rendered without SymPy)."""
    from .printing import samples_of
    with samples_of(derivation.model):
        return [list(pair) for pair in _lines(derivation, lang, width)]


def _lines(derivation, lang, width):
    from . import numbered
    from .messages import HEADINGS, explain, rule_title, section_title
    from .printing import pretty_equation, to_pretty, to_text
    title = derivation.model.title.get(lang, derivation.model.title["en"]) if derivation.model \
        else derivation.name
    yield "title", f"{title}  (∂/∂{derivation.wrt})"
    statement = getattr(derivation.model, "statement", None)
    if statement:
        yield "statement", " ".join(statement.split())
    notes = getattr(derivation.model, "notes", None) or {}
    if notes:
        yield "note", "Note: " + notes.get(lang, notes.get("en", ""))
    for section, letter, steps in numbered(derivation):
        heading = section_title(section, [s for _, s, _ in steps], lang)[1]
        yield "section", f"{letter}. {heading}"
        for label, step, show_lhs in steps:
            yield "step", (label, rule_title(step, lang), explain(step, lang))
            lhs = step.lhs if show_lhs else None
            if step.lhs is None:            # an equation, such as Xᵀ(y - Xw) = 0
                block = to_pretty(step.expr, width - 6)
                line = to_text(step.expr)
            else:
                block = pretty_equation(lhs, step.expr, width - 6)
                line = (to_text(lhs) + " " if lhs is not None else "") + "= " + to_text(step.expr)
            if "↪" in block or max(len(row) for row in block.splitlines()) > width - 6:
                # too wide for 2-D: one line of text, wrapped between words
                block = "\n".join(textwrap.wrap(line, width - 6, subsequent_indent="    "))
            yield "math", _indent(block, "      ")
    yield "result", f"{HEADINGS[lang]['result']}: {to_text(derivation.steps_result_lhs())} = " \
                    f"{to_text(derivation.result)}"


def render_text(derivation, lang="en", width=80):
    return text_from_lines(lines_of(derivation, lang, width), width)


def text_from_lines(lines, width=80):
    out = []
    for kind, value in lines:
        if kind == "title":
            out += [value, "=" * min(len(value), width), ""]
        elif kind in ("statement", "note"):
            out += textwrap.wrap(value, width) + [""]
        elif kind == "section":
            out += ["", value, "-" * min(len(value), width)]
        elif kind == "step":
            label, rule, text = value
            out += textwrap.wrap(f"{label:<4}  [{rule}] {text}", width, subsequent_indent=" " * 6)
        elif kind == "math":
            out += [value, ""]
        else:
            out += [""] + textwrap.wrap(value, width, subsequent_indent="    ")
    return "\n".join(out) + "\n"


def render_rich(derivation, console, lang="en"):
    rich_from_lines(lines_of(derivation, lang, console.width), console)


def rich_from_lines(lines, console):
    from rich.rule import Rule
    from rich.table import Table
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
            console.print(Rule(Text(value, style="bold cyan"), align="left", style="cyan"))
        elif kind == "step":
            label, rule, text = value
            row = Table.grid(padding=(0, 1))       # a hanging indent for long explanations
            row.add_column(width=4, style="bold")
            row.add_column()
            row.add_row(label, Text.assemble((rule, "magenta"), "  ", (text, "dim")))
            console.print(row)
        elif kind == "math":
            console.print(Text(value), soft_wrap=True)
            console.print()
        else:
            console.print()
            console.print(Text(value, style="bold green"))
