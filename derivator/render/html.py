"""A derivation as one self-contained HTML page: rule names and explanations as text, the
maths as MathML generated from the step data (rendered natively by current browsers: no
script, no network, no fonts to fetch), sections that fold (<details>)."""
from html import escape

from . import captioned, result_lhs
from .mathml import equation
from .messages import HEADINGS
from .printing import samples_of, to_text
from .prose import plain
from .statement import statement_text

STYLE = """
body { font-family: system-ui, sans-serif; max-width: 50rem; margin: 0 auto; padding: 1rem;
       line-height: 1.5; color: #222; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.25rem; margin-top: 2rem; }
summary { font-weight: bold; cursor: pointer; margin: 1rem 0 .5rem; color: #075e75; }
.statement { font-style: italic; } .note { background: #fff8e0; padding: .5rem; }
.step { margin: .75rem 0; } .label { font-weight: bold; display: inline-block; min-width: 2.5rem; }
.rule { color: #8a1f8a; margin-right: .5rem; } .explanation { color: #444; }
.math { overflow-x: auto; overflow-y: hidden; padding: .25rem 0; max-width: 100%; }
math { font-size: 1.1rem; } .result { border: 1px solid #2a7a2a; padding: .5rem; }
nav ol { columns: 2; } figure.plot svg { max-width: 100%; height: auto; }
"""


def _page(title, lang, body):
    return (f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{escape(plain(title))}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
            f"{body}</body>\n</html>\n")


def _title(derivation, lang):
    model = derivation.model
    return model.title.get(lang, model.title["en"]) if model else derivation.name


def _article(derivation, lang, level=1, figure=None):
    model = derivation.model
    out = [f'<article id="{escape(derivation.name)}">',
           f"<h{level}>{escape(plain(_title(derivation, lang)))} "
           f"(∂/∂{escape(plain(to_text(derivation.wrt)))})"
           f"</h{level}>"]
    statement = getattr(model, "statement", None)
    if statement:
        out.append(f'<p class="statement">{escape(statement_text(statement))}</p>')
    notes = getattr(model, "notes", None) or {}
    if notes:
        out.append(f'<p class="note"><b>{HEADINGS[lang]["note"]}:</b> '
                   f'{escape(plain(notes.get(lang, notes.get("en", ""))))}</p>')
    if figure:                 # show --format html --plot: the functions, as inline SVG
        out.append(f'<figure class="plot">{figure}</figure>')
    with samples_of(model):
        for _, letter, heading, steps in captioned(derivation, lang):
            out.append(f"<details open>\n<summary>{letter}. {escape(heading)}</summary>")
            for label, step, show_lhs, rule, text in steps:
                lhs = step.lhs if show_lhs else None
                math = equation(lhs, step.expr, continued=step.lhs is not None)
                out.append(f'<div class="step" id="{escape(derivation.name)}-{label}">'
                           f'<span class="label">{label}</span>'
                           f'<span class="rule">{escape(rule)}</span>'
                           f'<span class="explanation">{escape(text)}</span>'
                           f'<div class="math">{math}</div></div>')
            out.append("</details>")
        result = equation(result_lhs(derivation), derivation.result)
    out.append(f'<div class="result"><b>{HEADINGS[lang]["result"]}</b>'
               f'<div class="math">{result}</div></div>\n</article>\n')
    return "\n".join(out)


def render_html(derivation, lang="en", figure=None):
    """One derivation as a whole page (with `figure`, an <svg> of its functions)."""
    return _page(_title(derivation, lang), lang, _article(derivation, lang, figure=figure))


def render_handout(derivations, lang="en"):
    """Many derivations as one page: a contents list, one section each."""
    title = HEADINGS[lang]["handout"]
    contents = "".join(f'<li><a href="#{escape(d.name)}">{escape(_title(d, lang))}</a></li>'
                       for d in derivations)
    body = (f"<h1>{escape(title)}</h1>\n<nav><h2>{HEADINGS[lang]['contents']}</h2>"
            f"<ol>{contents}</ol></nav>\n" +
            "".join(_article(d, lang, level=2) for d in derivations))
    return _page(title, lang, body)
