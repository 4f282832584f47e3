"""Mathematics inside a sentence, written as a reader reads it: no LaTeX braces. Captions
are filled with SymPy objects printed as text (`to_text`, whose Σ_{i=1}^{N} and w_{2,d}
the answer reader also reads back); in prose, braces are noise a student must decode:

    Σ_{d=1}^{D} w_{2,d} h_d      ->  Σ_d w_(2,d) h_d    (a sum over the whole range)
    Σ_{q=1}^{k-1}, a_{q+1}       ->  Σ_(q=1..k-1), a_(q+1)
    x_{ij}, x_{12}               ->  xᵢⱼ, x₁₂
"""
import re

from .printing import SUBSCRIPT

_SUM = re.compile(r"([ΣΠ])_\{([^{}=]+)=([^{}]+)\}\^\{([^{}]+)\}")
_SUB = re.compile(r"_\{([^{}]*)\}")
_SUP = re.compile(r"\^\{([^{}]*)\}")


def _sum(m):
    sign, index, low, high = m.groups()
    if low.strip() == "1" and re.fullmatch(r"\w+", high.strip()):
        return f"{sign}_{index.strip()}"           # the whole range, as lectures write it
    return f"{sign}_({index.strip()}={low.strip()}..{high.strip()})"


def _sub(m):
    inner = m.group(1)
    small = inner.translate(SUBSCRIPT)
    if inner and all(a != b for a, b in zip(small, inner)):
        return small                               # x₁₂, wᵢⱼ: every character has a subscript
    return f"_({inner})"            # w_(2,d), as the statements write it: never w_2,d


def _sup(m):
    inner = m.group(1)
    return "^" + inner if re.fullmatch(r"\w", inner) else f"^({inner})"


def plain(text):
    """`text` with every LaTeX subscript, superscript and sum limit written without braces
    (innermost first, so a_{q+1} inside δ_{a_q a_{q+1}} is read before its outer one)."""
    while True:
        before = text
        text = _SUM.sub(_sum, text)
        text = _SUB.sub(_sub, text)
        text = _SUP.sub(_sup, text)
        if text == before:
            return text
