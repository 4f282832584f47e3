"""The derivation as documents: LaTeX (align*), Markdown ($$ blocks) and JSON for tools."""
import json

import sympy as sp

from . import captioned, result_lhs
from .messages import HEADINGS, rule_title
from .printing import samples_of, to_latex, to_text


def _with_samples(render):
    """Print the derivation's samples as x⁽ⁱ⁾ while `render` runs."""
    def wrapped(derivation, *args, **kwargs):
        with samples_of(derivation.model):
            return render(derivation, *args, **kwargs)
    wrapped.__name__, wrapped.__doc__ = render.__name__, render.__doc__
    return wrapped


def _comment(text):
    """Text after a % on one line: a line break would end the comment and make the rest
    of the caption LaTeX."""
    return " ".join(text.split())


def _latex_text(text):
    """Text safe inside \\text{} for pdflatex: printable ASCII only, specials escaped."""
    text = "".join(c if c.isprintable() else " " for c in text).replace("\\", " ").encode("ascii", "replace").decode().replace("?", " ")
    for ch in "&%$#_{}":
        text = text.replace(ch, "\\" + ch)
    return text.replace("~", " ").replace("^", " ")


@_with_samples
def render_latex(derivation, lang="en"):
    """An align* fragment: one line per step, the rule in \\text, the explanation as a
    comment (so any language compiles with plain pdflatex and amsmath)."""
    out = [f"% derivator: {derivation.name}, derivative with respect to {derivation.wrt}",
           r"\begin{align*}"]
    rows = []
    for section, letter, heading, steps in captioned(derivation, lang):
        rows.append(f"% {letter}. {_comment(heading)}")
        for label, step, show_lhs, title, text in steps:
            lhs = to_latex(step.lhs) if show_lhs else ""
            rhs = to_latex(step.expr)
            if step.lhs is None:             # an equation: its own two sides
                lhs, rhs = to_latex(step.expr.lhs), to_latex(step.expr.rhs)
            rule = _latex_text(title if lang == "en" else rule_title(step, "en"))
            rows.append(f"{lhs} &= {rhs} && \\text{{({label}) {rule}}} \\\\"
                        f" % {_comment(text)}")
    # no line break after the last line of an align*
    last = max(k for k, r in enumerate(rows) if not r.startswith("%"))
    body, comment = rows[last].split(" \\\\ % ", 1)
    rows[last] = f"{body} % {comment}"
    return "\n".join(out + rows + [r"\end{align*}"]) + "\n"


def _markdown_text(text):
    """A file's text in Markdown, where raw HTML is markup: <, > and & as entities."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _markdown_statement(statement):
    """A statement's text as Markdown text and its $...$ formulas as they are, except that
    '<' and '&' are followed by a space (which TeX ignores in maths) so that no formula
    opens an HTML tag or an entity."""
    import re
    parts = re.split(r"(?<!\\)\$", statement)
    return "$".join(p.replace("<", "< ").replace("&", "& ") if k % 2 else _markdown_text(p)
                    for k, p in enumerate(parts))


@_with_samples
def render_markdown(derivation, lang="en"):
    title = derivation.model.title.get(lang, derivation.model.title["en"])
    out = [f"# {_markdown_text(' '.join(title.split()))}", ""]
    if getattr(derivation.model, "statement", ""):
        out += [_markdown_statement(derivation.model.statement), ""]
    notes = getattr(derivation.model, "notes", None) or {}
    if notes:
        out += [f"> **Note.** {_markdown_text(notes.get(lang, notes.get('en', '')))}", ""]
    for section, letter, heading, steps in captioned(derivation, lang):
        out += [f"## {letter}. {_markdown_text(heading)}", ""]
        for label, step, show_lhs, title, text in steps:
            lhs = to_latex(step.lhs) + " " if show_lhs else ""
            math = to_latex(step.expr) if step.lhs is None else f"{lhs}= {to_latex(step.expr)}"
            out += [f"**{label}** · *{_markdown_text(title)}* — {_markdown_text(text)}", "",
                    f"$$ {math} $$", ""]
    out += [f"**{HEADINGS[lang]['result']}**", "",
            f"$$ {to_latex(result_lhs(derivation))} = {to_latex(derivation.result)} $$", ""]
    return "\n".join(out)


def _expr(expr):
    return {"latex": to_latex(expr), "text": to_text(expr), "srepr": sp.srepr(expr)}


@_with_samples
def as_json(derivation, lang="en"):
    steps = []
    for section, letter, _, numbered_steps in captioned(derivation, lang):
        for label, step, show_lhs, title, text in numbered_steps:
            steps.append({"id": label, "section": section, "rule": step.rule,
                          "title": title, "explanation": text,
                          "lhs": None if step.lhs is None else _expr(step.lhs),
                          **_expr(step.expr)})
    notes = getattr(derivation.model, "notes", None) or {}
    return {"name": derivation.name, "wrt": str(derivation.wrt), "lang": lang,
            "note": notes.get(lang, notes.get("en")), "steps": steps,
            "result": {"lhs": _expr(result_lhs(derivation)), **_expr(derivation.result)}}


def render_json(derivation, lang="en"):
    return json.dumps(as_json(derivation, lang), ensure_ascii=False, indent=2) + "\n"
