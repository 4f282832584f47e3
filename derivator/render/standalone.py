"""Whole LaTeX documents a teaching assistant can print: one derivation (`show --format
latex --standalone`) or a handout of many (`handout`), with the problem statement, every
step's rule name and explanation as text, and the note, in English or Korean.

Compiled with XeLaTeX (fontspec; Korean in the Nanum Myeongjo font, Debian's fonts-nanum).
Each step is its own display, so long derivations break across pages between steps, and
an equation wider than the line is scaled down to the line's width instead of running off
the page.
"""
import re
import unicodedata

from . import captioned, result_lhs
from .messages import HEADINGS
from .printing import samples_of, to_latex
from .prose import plain

KOREAN_FONT = "NanumMyeongjo"

PREAMBLE = r"""\documentclass[11pt,a4paper]{article}
\usepackage[a4paper,margin=25mm]{geometry}
\usepackage{amsmath,amssymb}
\usepackage{graphicx}
\usepackage{fontspec}
%(font)s\hyphenpenalty=10000 \exhyphenpenalty=10000 \sloppy
\setlength{\parindent}{0pt}
\setlength{\parskip}{0.4em}
\newsavebox\stepbox
%% an equation wider than the line is scaled down to fit it
\newcommand\fitmath[1]{\sbox\stepbox{$\displaystyle #1$}%%
  \ifdim\wd\stepbox>\linewidth\resizebox{\linewidth}{!}{\usebox\stepbox}%%
  \else\usebox\stepbox\fi}
\title{%(title)s}
\date{}
\begin{document}
"""

# Characters of captions and titles, written for any text font.
TEXT = {
    "\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
    "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
    "ᵀ": r"\textsuperscript{T}", "²": r"\textsuperscript{2}", "³": r"\textsuperscript{3}",
    "⁻": r"\textsuperscript{-}", "¹": r"\textsuperscript{1}", "⁽": r"\textsuperscript{(}",
    "⁾": r"\textsuperscript{)}", "ⁱ": r"\textsuperscript{i}", "ⁿ": r"\textsuperscript{n}",
    "ᵢ": r"\textsubscript{i}", "ⱼ": r"\textsubscript{j}", "ₖ": r"\textsubscript{k}",
    "ₗ": r"\textsubscript{l}", "ₘ": r"\textsubscript{m}", "ₐ": r"\textsubscript{a}",
    "ₙ": r"\textsubscript{n}", "₀": r"\textsubscript{0}", "₁": r"\textsubscript{1}",
    "₂": r"\textsubscript{2}", "…": r"\ldots{}", "⋯": r"$\cdots$", "ŷ": r"$\hat{y}$",
    "≠": r"$\neq$", "≥": r"$\geq$", "≤": r"$\leq$",
    "𝟙": r"$\mathbf{1}$", "√": r"$\surd$", "·": r"$\cdot$", "×": r"$\times$",
    "⟨": r"$\langle$", "⟩": r"$\rangle$", "∈": r"$\in$", "ℝ": r"$\mathbb{R}$",
}
GREEK = {"∂": "partial", "Σ": "Sigma", "Π": "Pi", "σ": "sigma", "δ": "delta", "η": "eta",
         "π": "pi", "λ": "lambda", "α": "alpha", "μ": "mu", "θ": "theta", "ε": "epsilon"}


def latex_text(text):
    """Plain text (a caption, a title) as LaTeX text: specials escaped, the symbols the
    captions use written with LaTeX commands, so that any text font prints them."""
    out = []
    text = re.sub(r"\s+", " ", text)     # one paragraph: a title's blank line ends \section
    for ch in unicodedata.normalize("NFC", text):      # y + U+0302 is ŷ
        if unicodedata.category(ch) == "Cc":            # NUL, DEL: invalid characters to TeX
            ch = " "
        if ch in GREEK:
            out.append(r"$\%s$" % GREEK[ch])
        else:
            out.append(TEXT.get(ch, ch))
    return "".join(out)


def statement_latex(statement):
    """A problem statement as LaTeX: its own where every formula is of the grammar of
    safe_tex and the text between them has no special character; else each formula that
    is kept as written, and everything else as escaped text (its Unicode reading)."""
    import re
    from .safe_tex import math_is_safe, text_is_safe
    from .statement import math_to_text
    parts = re.split(r"(?<!\\)\$", statement.strip())
    if len(parts) % 2 == 0:              # an unclosed $: what follows it is text
        parts[-2:] = ["$".join(parts[-2:])]
    if all((math_is_safe if k % 2 else text_is_safe)(p) for k, p in enumerate(parts)):
        return statement.strip()
    out = []
    for k, part in enumerate(parts):
        if k % 2 and math_is_safe(part):
            out.append(f"${part}$")
        else:
            out.append(latex_text(math_to_text(part) if k % 2 or "\\" in part else part))
    return "".join(out)


def _equation(step, show_lhs):
    if step.lhs is None:                    # an equation, such as Xᵀ(y - Xw) = 0
        return to_latex(step.expr)
    rhs = to_latex(step.expr)
    return f"{to_latex(step.lhs)} = {rhs}" if show_lhs else f"= {rhs}"


def body(derivation, lang="en", level="section"):
    """The derivation as LaTeX body text: heading, statement, note, steps, result."""
    model = derivation.model
    title = model.title.get(lang, model.title["en"]) if model else derivation.name
    out = [r"\%s{%s \quad $\left(\partial/\partial %s\right)$}" % (
        level, latex_text(plain(title)), to_latex(derivation.wrt))]
    statement = getattr(model, "statement", None)
    if statement:
        out += [r"\begin{quote}", statement_latex(statement), r"\end{quote}"]
    notes = getattr(model, "notes", None) or {}
    if notes:
        out.append(r"\textit{%s:} %s" % (HEADINGS[lang]["note"],
                                          latex_text(plain(notes.get(lang, notes.get("en", ""))))))
    sub = "subsection" if level == "section" else "subsubsection"
    with samples_of(model):
        for _, letter, heading, steps in captioned(derivation, lang):
            out.append(r"\%s*{%s. %s}" % (sub, letter, latex_text(heading)))
            for label, step, show_lhs, rule, text in steps:
                out += [r"\textbf{%s}\quad\textit{%s}\quad %s\par" % (
                            label, latex_text(rule), latex_text(text)),
                        r"\nopagebreak\begin{center}\fitmath{%s}\end{center}" % _equation(
                            step, show_lhs)]
        result = f"{to_latex(result_lhs(derivation))} = {to_latex(derivation.result)}"
    out += [r"\textbf{%s}\par" % HEADINGS[lang]["result"],
            r"\nopagebreak\begin{center}\fitmath{\boxed{%s}}\end{center}" % result]
    return "\n".join(out) + "\n"


def preamble(title, lang):
    font = r"\setmainfont{%s}" % KOREAN_FONT + "\n" if lang == "ko" else ""
    return PREAMBLE % {"font": font, "title": latex_text(plain(title))}


def render_standalone(derivation, lang="en"):
    """One derivation as a whole document that compiles as is with xelatex."""
    model = derivation.model
    title = model.title.get(lang, model.title["en"]) if model else derivation.name
    return preamble(title, lang) + body(derivation, lang) + "\\end{document}\n"


def render_handout(derivations, lang="en"):
    """Many derivations as one document: a contents list, one section each."""
    parts = [preamble(HEADINGS[lang]["handout"], lang), r"\maketitle", r"\tableofcontents",
             r"\newpage"]
    for derivation in derivations:
        parts.append(body(derivation, lang))
    return "\n".join(parts) + "\\end{document}\n"
