"""The derivation for people: rich in a terminal, plain text when asked or piped."""
from . import numbered
from .messages import HEADINGS, explain, rule_title, section_title
from .printing import pretty_equation, to_text


def _indent(block, prefix):
    return "\n".join(prefix + line.rstrip() for line in block.splitlines())


def lines_of(derivation, lang, width):
    """Yield (kind, text) pairs: kind is title, section, step, math, note or result."""
    title = derivation.model.title.get(lang, derivation.model.title["en"]) if derivation.model \
        else derivation.name
    yield "title", f"{title}  (∂/∂{derivation.wrt})"
    for section, letter, steps in numbered(derivation):
        _, heading = section_title(section, [s for _, s, _ in steps], lang)
        yield "section", f"{letter}. {heading}"
        for label, step, show_lhs in steps:
            yield "step", (label, rule_title(step, lang), explain(step, lang))
            lhs = step.lhs if show_lhs else None
            yield "math", _indent(pretty_equation(lhs, step.expr, width - 6), "      ")
    yield "result", f"{HEADINGS[lang]['result']}: {to_text(derivation.steps_result_lhs())} = " \
                    f"{to_text(derivation.result)}"


def render_text(derivation, lang="en", width=80):
    out = []
    for kind, value in lines_of(derivation, lang, width):
        if kind == "title":
            out += [value, "=" * min(len(value), width), ""]
        elif kind == "section":
            out += ["", value, "-" * min(len(value), width)]
        elif kind == "step":
            label, rule, text = value
            out.append(f"{label:<4}  [{rule}] {text}")
        elif kind == "math":
            out += [value, ""]
        else:
            out += ["", value]
    return "\n".join(out) + "\n"


def render_rich(derivation, console, lang="en"):
    from rich.rule import Rule
    from rich.text import Text
    width = console.width
    for kind, value in lines_of(derivation, lang, width):
        if kind == "title":
            console.print(Text(value, style="bold"))
        elif kind == "section":
            console.print()
            console.print(Rule(Text(value, style="bold cyan"), align="left", style="cyan"))
        elif kind == "step":
            label, rule, text = value
            line = Text.assemble((f"{label:<4} ", "bold"), (rule, "magenta"), "  ", (text, "dim"))
            console.print(line)
        elif kind == "math":
            console.print(Text(value), soft_wrap=True)
            console.print()
        else:
            console.print()
            console.print(Text(value, style="bold green"))
