"""Word's and Google Docs' equation editor (UnicodeMath, its "linear format") and the TeX
that MathType writes, rewritten into the notation the LaTeX/plain reader takes:

    ∑_(i=1)^N▒〖(f(x_i)-y_i) x_i〗   ->  \\sum_{i=1}^{N} ((f(x_i)-y_i) x_i)
    𝑤_(2,𝑗)                         ->  w_{2,j}        (math-italic and bold letters folded)
    (1)/(N)  √(x)  ⅇ^(−z)           ->  {(1)}/{(N)}  \\sqrt{x}  e^{−z}
    {\\bf X}^{\\rm T}, \\bf{X}         ->  {X}^{T}, {X}

Every rewrite keeps the text's length where it can (a dropped mark becomes a space), so
that a column in an error still points near what was typed.
"""
import re
import unicodedata

MARKS = re.compile(r"[▒〖〗ⅇⅆ\u2061\u2062\u2063\u2064]|[_^]\(|[\U0001D400-\U0001D7FF\u210E]"
                   r"|\\(?:bf|rm|it|sf|tt|cal|bm)(?![A-Za-z])")


# a/b of two atoms is a fraction in the linear format (η/2 ∑…, 1/N ∑…): it binds tightly
ATOM = r"(?:[A-Za-z]|[α-ωΑ-Ω]|\d+(?:\.\d+)?)"
SIMPLE_FRACTION = re.compile(rf"(?<![\w)}}\]])({ATOM})\s*/\s*({ATOM})(?![\w(\[{{_^])")


def looks_like_unicodemath(text):
    return bool(MARKS.search(text))


def to_latex(text):
    """The linear format as the plain/LaTeX notation (same meaning)."""
    s = _fold(text)
    s = re.sub(r"\\(?:bf|rm|it|sf|tt|cal|bm)(?![A-Za-z])\s*", "", s)     # {\bf X}: X
    s = s.replace("\u2061", "").replace("\u2062", " ").replace("\u2063", ",") \
        .replace("\u2064", "+").replace("ⅇ", "e").replace("ⅆ", "d")
    s = _brackets_after(s, "_")
    s = _brackets_after(s, "^")
    s = _operands(s)
    s = re.sub(r"([_^](?:\{[^{}]*\}|[^\s{(]))\s+\(", r"\1(", s)   # z_n (x): a space ends a script
    s = SIMPLE_FRACTION.sub(r"\\frac{\1}{\2}", s)
    s = s.replace("〖", "(").replace("〗", ")")
    s = _fractions(s)
    s = re.sub(r"√\s*\(", r"\\sqrt(", s)
    return s


def _fold(text):
    """𝑤, 𝐰, 𝒘, ℎ: the letter they style (NFKC maps the math alphabets to ASCII)."""
    out = []
    for ch in text:
        if 0x1D400 <= ord(ch) <= 0x1D7FF or ch == "\u210E":
            folded = unicodedata.normalize("NFKC", ch)
            out.append(folded if len(folded) == 1 else ch)
        else:
            out.append(ch)
    return "".join(out)


def _brackets_after(s, mark):
    """x_(2,j) -> x_{2,j}, e^(−z) -> e^{−z}: the linear format's grouping brackets after a
    sub- or superscript mark are LaTeX's braces."""
    out, k = [], 0
    while k < len(s):
        if s[k] == mark and s.startswith("(", k + 1):
            close = _matching(s, k + 1, "(", ")")
            if close is not None:
                out.append(mark + "{" + s[k + 2:close] + "}")
                k = close + 1
                continue
        out.append(s[k])
        k += 1
    return "".join(out)


def _operands(s):
    """∑_{i=1}^{N}▒〖…〗: ▒ joins an operator to its operand, which is one bracketed group
    (〖…〗 or (…)) or the next factor; a bracketed operand keeps its brackets."""
    return re.sub(r"\s*▒\s*", " ", s)


def _fractions(s):
    """(a)/(b) is the linear format's fraction: \\frac{a}{b}, so that (1)/(N) ∑… is not
    the ambiguous a/2 x of plain text."""
    for _ in range(50):
        m = re.search(r"\)\s*/\s*\(", s)
        if not m:
            return s
        right = _matching(s, m.end() - 1, "(", ")")
        left = _opening(s, m.start())
        if right is None or left is None or left and (s[left - 1].isalnum()
                                                       or s[left - 1] in "_^}'"):
            return s                      # σ(z)/(1 + z): a call over a group, as typed
        s = (s[:left] + "\\frac{" + s[left + 1:m.start()] + "}{" + s[m.end():right] + "}"
             + s[right + 1:])
    return s


def _opening(s, close):
    depth = 0
    for j in range(close, -1, -1):
        if s[j] == ")":
            depth += 1
        elif s[j] == "(":
            depth -= 1
            if depth == 0:
                return j
    return None


def _matching(s, start, open_, close):
    depth = 0
    for j in range(start, len(s)):
        if s[j] == open_:
            depth += 1
        elif s[j] == close:
            depth -= 1
            if depth == 0:
                return j
    return None
