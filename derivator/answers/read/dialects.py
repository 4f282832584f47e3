"""Which dialect an answer is written in, chosen by what the text contains, and the text
made ready for it: prose set aside first (prose.py), statements joined by `;` and `where`
clauses substituted, then one front end: code (code.py, Python's ast), Word's linear
format (unicodemath.py) or LaTeX and plain text (latex.py). Each gives the one tree the
judge reads; a new dialect is a module beside these and a line in `prepare`.
"""
import re
from dataclasses import dataclass, field

from . import code, latex, prose, unicodemath
from .parse import FUNCTIONS, GREEK, MAX_LENGTH, AnswerError

# the dialects' names, as `read as` says them
NAMES = {"latex": {"en": "LaTeX or plain text", "ko": "LaTeX 또는 일반 텍스트"},
         "code": {"en": "Python/NumPy code", "ko": "Python/NumPy 코드"},
         "unicodemath": {"en": "Word's linear format", "ko": "Word 수식 선형 형식"},
         "mathtype": {"en": "MathType's TeX", "ko": "MathType TeX"}}
MESSAGES = {
    "set_aside": {"en": "set aside", "ko": "제외함"},
    "guessed": {"en": "guessed", "ko": "추측함"},
    "substituted": {"en": "substituted", "ko": "대입함"},
    "read_in": {"en": "read as", "ko": "읽은 방식"},
}
# words that are mathematics, whatever the problem: never prose
MATH_WORDS = set(FUNCTIONS) | GREEK | {"sum", "prod", "inv", "transpose", "np", "torch", "T",
                                       "lr", "alpha", "e", "d", "I", "frac", "mean", "dot",
                                       "grad", "diag", "eye", "exp", "log", "ln"}


@dataclass
class Prepared:
    text: str                    # for latex/unicodemath: the text the grammar reads
    dialect: str = "latex"
    tree: object = None          # code: the tree already built
    lhs: str = None              # code: the assignment's target, as typed
    set_aside: list = field(default_factory=list)
    guesses: list = field(default_factory=list)
    substituted: list = field(default_factory=list)

    def summary(self, lang="en"):
        """What `read as` adds: the dialect when it is not the default, and what was set
        aside, substituted or guessed."""
        parts = []
        if self.dialect != "latex":
            parts.append(NAMES[self.dialect][lang])
        if self.set_aside:
            parts.append(f"{MESSAGES['set_aside'][lang]}: " +
                         ", ".join(repr(s) for s in self.set_aside))
        if self.substituted:
            parts.append(f"{MESSAGES['substituted'][lang]}: " + ", ".join(self.substituted))
        if self.guesses:
            parts.append(f"{MESSAGES['guessed'][lang]}: " + "; ".join(self.guesses))
        return "; ".join(parts)


def prepare(text, names=None):
    """The answer made ready for its dialect's reader (AnswerError if it cannot be)."""
    if len(text) > MAX_LENGTH:                  # before any pattern looks at it
        raise AnswerError(f"the answer is {len(text):,} characters long; at most {MAX_LENGTH:,}")
    words = MATH_WORDS | set(names or ())
    found = prose.set_aside(text, words, code=code.looks_like_code(text))
    body = found.math
    statements = _statements(body)
    definitions = list(found.definitions)
    if len(statements) > 1:           # δ = …; ∇L = Xᵀδ: the last is the answer
        for s in statements[:-1]:
            left, sign, right = s.partition("=")
            if not sign or not left.strip() or not right.strip():
                raise AnswerError("statements joined by ';': write the answer last, each "
                                  "one before it as name = expression")
            definitions.append((left.strip(), right.strip()))
        body = statements[-1]
    prepared = Prepared(body, set_aside=found.removed)
    for name, value in definitions:
        body, used = _substitute(body, name, value)
        if used:
            prepared.substituted.append(f"{name.strip()} = {value.strip()}")
    if code.looks_like_code(body):
        try:
            tree, guesses, lhs = code.read_code(body, names)
        except code.NotPython:
            pass                      # X^T-free plain text such as `2 X.T w`: the grammar's
        else:
            prepared.dialect, prepared.tree, prepared.lhs = "code", tree, _code_lhs(lhs)
            prepared.guesses = guesses
            return prepared
    if unicodemath.looks_like_unicodemath(body) and not latex.looks_like_mathtype(body):
        prepared.dialect, body = "unicodemath", unicodemath.to_latex(body)
    elif latex.looks_like_mathtype(body):
        prepared.dialect = "mathtype"
    prepared.text = latex.normalise(body)
    return prepared


def _code_lhs(target):
    """w_new = …, w_next = …, w_star = …: the notebook's name for the value of w."""
    if target is None:
        return None
    m = re.fullmatch(r"\s*([A-Za-z])_?(?:new|next|star|hat|opt|mle|updated|t1)\s*", target)
    return m.group(1) if m else target


def _statements(text):
    """Split at ';' outside brackets (f(x_i; w) keeps its own)."""
    parts, depth, start = [], 0, 0
    for k, ch in enumerate(text):
        depth += {"(": 1, "[": 1, "{": 1, ")": -1, "]": -1, "}": -1}.get(ch, 0)
        if ch == ";" and depth == 0 and text[k - 1:k] != "\\":
            parts.append(text[start:k])
            start = k + 1
    parts.append(text[start:])
    return [p for p in parts if p.strip()] or [text]


def _substitute(text, name, value):
    """`name` (a letter, \\delta, g_i, ∇L) replaced by (value) where it stands alone."""
    name = name.strip().strip("$").strip()
    if not name:
        return text, False
    pattern = re.escape(name)
    before = r"(?<![A-Za-z\\])" if name[0].isalpha() else ""
    after = r"(?![A-Za-z_])" if name[-1].isalpha() or name[-1] == "}" else ""
    new, count = re.subn(before + pattern + after, lambda m: f"({value.strip()})", text)
    return new, count > 0
