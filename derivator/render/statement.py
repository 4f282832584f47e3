"""A problem statement's inline LaTeX as Unicode text for the terminal: `$\\mathbf{X} \\in
\\mathbb{R}^{D \\times D}$` reads 𝐗 ∈ ℝ^(D×D). A reader of a small, fixed set of commands
(the ones problem statements use), by plain string rewriting: nothing is evaluated, and a
command it does not know is kept as its name without the backslash.
"""
import re

SYMBOLS = {
    "in": "∈", "times": "×", "cdot": "·", "dots": "…", "ldots": "…", "cdots": "⋯",
    "top": "ᵀ", "partial": "∂", "sum": "Σ", "prod": "Π", "langle": "⟨", "rangle": "⟩",
    "sigma": "σ", "pi": "π", "eta": "η", "lambda": "λ", "alpha": "α", "beta": "β",
    "delta": "δ", "mu": "μ", "theta": "θ", "epsilon": "ε", "nabla": "∇", "infty": "∞",
    "le": "≤", "leq": "≤", "ge": "≥", "geq": "≥", "neq": "≠", "to": "→", "|": "‖",
    "exp": "exp", "ln": "ln", "log": "log", "{": "{", "}": "}", ",": " ", ";": " ", " ": " ",
    "quad": "  ", "left": "", "right": "", "big": "", "Big": "",
}
BOLD = {c: chr(0x1D400 + k) for k, c in enumerate("ABCDEFGHIJKLMNOPQRSTUVWXYZ")}
BOLD.update({c: chr(0x1D41A + k) for k, c in enumerate("abcdefghijklmnopqrstuvwxyz")})
BLACKBOARD = {"R": "ℝ", "N": "ℕ", "Z": "ℤ", "Q": "ℚ", "C": "ℂ"}
SCRIPT = {"D": "𝒟", "L": "ℒ", "N": "𝒩", "X": "𝒳", "Y": "𝒴"}
SUPER = str.maketrans("0123456789+-=()nkTi", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿᵏᵀⁱ")
SUB = str.maketrans("0123456789+-=()aeijklmnoprstuvx", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ")
_SUPER_KEYS = set("0123456789+-=()nkTi")
_SUB_KEYS = set("0123456789+-=()aeijklmnoprstuvx")
_ALREADY = set("ᵀ")      # \top is already a superscript


def _group(text, start):
    """(content, end) of the {...} group or single character at text[start]."""
    while start < len(text) and text[start] == " ":
        start += 1
    if start >= len(text):
        return "", start
    if text[start] != "{":
        if text[start] == "\\":
            m = re.match(r"\\([A-Za-z]+|.)", text[start:])
            return text[start:start + m.end()], start + m.end()
        return text[start], start + 1
    depth = 0
    for k in range(start, len(text)):
        depth += {"{": 1, "}": -1}.get(text[k], 0) if text[k - 1:k] != "\\" else 0
        if depth == 0:
            return text[start + 1:k], k + 1
    return text[start + 1:], len(text)


def _script(body, table, keys, mark):
    body = body.strip()
    if body and all(c in keys or c in _ALREADY for c in body):
        return body.translate(table)
    return mark + (body if len(body) == 1 else "(" + body + ")")


def math_to_text(tex):
    """One formula (no $ signs) as Unicode text."""
    out, k = [], 0
    while k < len(tex):
        ch = tex[k]
        if ch == "\\":
            m = re.match(r"\\([A-Za-z]+|.)", tex[k:])
            name, k = m.group(1), k + m.end()
            if name in ("mathbf", "boldsymbol", "mathbb", "mathcal", "text", "operatorname",
                        "mathrm", "sqrt"):
                body, k = _group(tex, k)
                inner = math_to_text(body)
                table = {"mathbf": BOLD, "boldsymbol": BOLD, "mathbb": BLACKBOARD,
                         "mathcal": SCRIPT}.get(name)
                if table:
                    inner = "".join(table.get(c, c) for c in inner)
                out.append("√(%s)" % inner if name == "sqrt" else inner)
            elif name in ("frac", "dfrac", "tfrac"):
                num, k = _group(tex, k)
                den, k = _group(tex, k)
                num, den = math_to_text(num), math_to_text(den)
                wrap = lambda s: s if len(s) == 1 or s.isdigit() else "(%s)" % s  # noqa: E731
                out.append("%s/%s" % (wrap(num), wrap(den)))
            else:
                out.append(SYMBOLS.get(name, name))
                if name.isalpha() and k < len(tex) and tex[k].isalpha():
                    out.append(" ")
        elif ch in "^_":
            body, k = _group(tex, k + 1)
            body = math_to_text(body)
            if ch == "^":
                out.append(_script(body, SUPER, _SUPER_KEYS, "^"))
            else:
                out.append(_script(body, SUB, _SUB_KEYS, "_"))
        elif ch in "{}":
            k += 1
        elif ch == "~":
            out.append(" ")
            k += 1
        else:
            out.append(ch)
            k += 1
    return re.sub(r" {2,}", " ", "".join(out))


def statement_text(statement):
    """A statement with its $...$ formulas as Unicode text, whitespace normalised."""
    parts = re.split(r"(?<!\\)\$", statement)
    text = "".join(math_to_text(p) if k % 2 else p for k, p in enumerate(parts))
    return " ".join(text.split())
