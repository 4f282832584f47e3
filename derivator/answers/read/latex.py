"""LaTeX and plain text (with Unicode: Σ, ², ᵀ, 𝐗): the course's own notation, read by the
grammar in parse.py. This front end only evens out what editors add to TeX before it:
MathType's old font switches (`{\\bf X}`, `\\bf{X}`, `{\\rm T}`, `{{\\bf{X}}^{\\rm{T}}}`) and
the negative thin space `\\!` that glues a function to its argument (`h\\!\\left(x\\right)`).
"""
import re

from .parse import parse

FONT_SWITCH = re.compile(r"\\(?:bf|rm|it|sf|tt|cal|mit|bm|boldmath|mathop|nolimits|limits)"
                         r"(?![A-Za-z])\s*")
TIGHT = re.compile(r"\\!\s*")


# MathType writes f(x)² as f{{(x)}^2}: a call, then its power
CALL_POWER = re.compile(r"([A-Za-z])\{\{\(([^(){}]*)\)\}\^(\w|\{\w+\})\}")


def looks_like_mathtype(text):
    return bool(FONT_SWITCH.search(text))


# MathType's braces around one letter, {{x}_i}: the letter (not after a command or a
# script mark, where the braces are an argument: \frac{a}{b}, X^{T})
LONE_LETTER = re.compile(r"(?<![}\\A-Za-z^_])\{\s*([A-Za-z](?:_[A-Za-z0-9]|_\{[^{}]*\})?)\s*\}")


# \frac12, \frac1{2}, \frac{1}2, \tfrac ab: TeX takes one character as an argument
SHORT_FRACTION = re.compile(r"\\([dt]?frac)\s*(?:([0-9A-Za-z])|(\{[^{}]*\}))\s*([0-9A-Za-z])?")


def _braced_fraction(m):
    if m.group(2) is None and m.group(4) is None:
        return m.group(0)                       # \frac{a}{b}: as it is
    top = m.group(3) or "{" + m.group(2) + "}"
    return f"\\{m.group(1)}{top}" + ("{" + m.group(4) + "}" if m.group(4) else "")


def normalise(text):
    """The text with TeX's font switches dropped, `\\!` closed up and \\frac12 braced."""
    text = TIGHT.sub("", FONT_SWITCH.sub("", text))
    text = SHORT_FRACTION.sub(_braced_fraction, text)
    if "{{" in text:
        for _ in range(4):
            text = LONE_LETTER.sub(r"\1", text)
        text = CALL_POWER.sub(r"\1(\2)^\3", text)
    return text


def read_latex(text, names=None, functions=()):
    return parse(normalise(text), names, functions)
