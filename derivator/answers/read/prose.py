"""Prose around the mathematics, set aside before any dialect reads it: a label before it
(`답:`, `Answer:`, `따라서`, `Step 3:`, `(2)`, `①`, `∴`, `\\therefore`), a sentence after it
(`입니다`, `이다`, `(by the chain rule)`), `\\text{…}` remarks, `\\in \\mathbb{R}^{D}`, and
`where …` clauses, whose definitions are handed back to be substituted.

    set_aside(text, words) -> Prose(math, removed, definitions)

`words` are the words that are mathematics here (the problem's names, the functions the
readers know): a run of other words is prose. Columns are kept: what is set aside is
blanked with spaces, so an error in what remains still points into the text as typed.
"""
import re
from dataclasses import dataclass, field

HANGUL = r"[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]"
TOPIC = {"는", "은", "이", "가", "는,", "은,"}     # X는 Y: X is Y
# a label before the mathematics: Step 3:, (2), ①, 1., Answer:, ∴, \therefore, \because
LABEL = re.compile(
    r"^\s*(?:(?:step|part|line|eq(?:uation)?|case)\s*\(?\w{1,3}\)?\s*[:.)]"
    r"|\(\s*(?:\d{1,2}|[a-h]|i{1,3}|iv|vi{0,3})\s*\)(?=\s)|\[\s*\d{1,3}\s*\](?=\s)"
    r"|[\u2460-\u2473\u2776-\u277f]"
    r"|\d{1,3}[.)](?=\s)|[a-h]\)(?=\s)"
    r"|(?:final\s+)?(?:answer|ans|solution|result|sol)\s*(?:is\s*)?[:=]?(?=\s|$|[^A-Za-z])"
    r"|(?:therefore|thus|hence|so|then|finally|we\s+get|we\s+have|which\s+gives)\s*,?(?=\s)"
    r"|∴|∵|\\therefore(?![A-Za-z])|\\because(?![A-Za-z])|\\implies(?![A-Za-z])"
    r"|\\Rightarrow(?![A-Za-z])|⇒|=>)\s*[:,]?",
    re.I)
# a trailing set membership: \in \mathbb{R}^{D}, ∈ ℝ^{D×D}, for all i, (D×1)
MEMBERSHIP = re.compile(r"(?:,?(?:\s|\\[,;:! ])*(?:\\in|∈)(?:\s|\\[,;:! ])*(?:\\mathbb\s*\{?\s*R\s*\}?|ℝ|\\R(?![A-Za-z]))"
                        r"\s*(?:\^\s*(?:\{[^{}]*\}|\w))?|\s*\\quad\s*(?:\\forall|∀).*"
                        r"|,?\s*(?:\\forall|∀)\s*\w.*)\s*[.,]?\s*$")
WHERE = re.compile(r"(?:,|;)?\s*(?:\\(?:quad|qquad|,|;)\s*)*"
                   r"(?:\\text\s*\{\s*(?:where|with|here|and)\s*,?\s*\}|\b(?:where|with|here)\b"
                   r"|여기서|단,?)\s*:?", re.I)
WORD = re.compile(r"[A-Za-z]+")
# \text{…} holding words, not a name
TEXT = re.compile(r"\\(?:text|textrm|mbox|textit|textbf)\s*\{([^{}]*)\}")


@dataclass
class Prose:
    math: str                                        # the text with the prose blanked out
    removed: list = field(default_factory=list)      # what was set aside, as typed
    definitions: list = field(default_factory=list)  # (name, expression) of `where` clauses


def set_aside(text, words=frozenset(), code=False):
    """The mathematics of `text` (prose blanked to spaces) and what was set aside. In
    code (`code`), English words are names: only Korean and a label are set aside."""
    found = Prose(text)
    _bracketed_remarks(found, words, code)
    _korean(found)
    _labels(found)
    if code:
        found.removed = [r.strip() for r in found.removed if r.strip()]
        return found
    _text_remarks(found)
    _membership(found)
    _colon_lead(found, words)
    _where(found, words)
    _clause(found, words)
    _english(found, words)
    found.removed = [r.strip() for r in found.removed if r.strip()]
    return found


# a clause after a comma that says why or when, not what: `…, which equals 2Xw if …`
# (`so`, `i.e.` restate the answer: what follows them may be the answer, so they stay)
CLAUSE = re.compile(r",\s*(?:(?P<which>which)|since|because|as|assuming|given|provided|when|"
                    r"if|although|though|note|noting|by|using|from|following)(?![A-Za-z])",
                    re.I)
# `…, which equals 2Xw` claims another answer: set aside only when it says when it holds
CLAIM = re.compile(r"=|\b(?:is|equals?|gives?)\s+(?:[^A-Za-z\s]|[A-Za-z]\b|[A-Z][a-z]?\b)")
CONDITION = re.compile(r"\b(?:if|only|when|unless|assuming|provided|symmetric)\b", re.I)
# a sentence after the formula's full stop: `2X^T. This follows from …`
SENTENCE = re.compile(r"(?<=[\w)}\]'ᵀ⊤²³])\.\s+(?=[A-Z][a-z]+\s+[a-z]{2,})")
OPENS, CLOSES = "([", ")]"


def _bracketed_remarks(found, words, code):
    """`2X^T (by the product rule, both factors give X_{lk})`, `2X (X^2의 미분이므로)`: a
    bracket after a space that holds a sentence (Hangul, or two words that are not
    mathematics here) is a remark, whatever mathematics it mentions. A bracket right
    after a name is a call's arguments, never a remark."""
    text = found.math
    groups, stack = [], []
    for k, ch in enumerate(text):
        if ch in OPENS:
            stack.append(k)
        elif ch in CLOSES and stack:
            start = stack.pop()
            if not stack:
                groups.append((start, k + 1))
    for start, end in reversed(groups):
        if start and not text[start - 1].isspace():
            continue
        if _is_sentence(text[start + 1:end - 1], words, code):
            _blank(found, start, end)


def _is_sentence(inner, words, code=False):
    if CLAIM.search(inner) and not CONDITION.search(inner):
        return False                   # `(wait, it is 2Xw)`: another answer, not a remark
    if re.search(HANGUL, inner):
        return True
    if code:                           # in code an English word is a name
        return False
    bare = re.sub(r"[_^]\s*(?:\{[^{}]*\}|\w+)|\\[A-Za-z]+", " ", inner)  # w_{old}: a name
    plain = [w for w in re.findall(r"(?<![A-Za-z])[A-Za-z]+(?:'[a-z]+)?(?![A-Za-z_(])", bare)
             if w not in words and w.lower() not in words]
    return len(plain) >= 2 and any(len(w) >= 3 for w in plain)


def _colon_lead(found, words):
    """`Setting it to 0: XᵀXw = Xᵀy`, `Using the chain rule: …`: a sentence before a colon
    (numbers and names in it too) introduces the mathematics after it."""
    m = re.match(r"\s*([^:=\\]{3,80}?):\s+(?=\S)", found.math)
    if m and _is_sentence(m.group(1), words) and found.math[m.end():].strip():
        _blank(found, 0, m.end())


def _clause(found, words):
    """`(Xᵀ + X)w, which equals 2Xw only if X is symmetric` and `2Xᵀ. This follows…`:
    what follows is said about the answer, not part of it (with mathematics before)."""
    for pattern in (CLAUSE, SENTENCE):
        m = pattern.search(found.math)
        if m and m.groupdict().get("which") and not CONDITION.search(found.math[m.end():]):
            continue
        if m and pattern is SENTENCE and not _words_only(found.math[m.end():], words):
            continue                      # `2X^T. The answer is 2X`: which is the answer?
        if m and re.search(r"[^\sA-Za-z,.]|\b[A-Za-z]\b", found.math[:m.start()]) and \
                _is_sentence(found.math[m.start():], words):
            _blank(found, m.start(), len(found.math))


def _words_only(text, words):
    """A sentence without mathematics: words of a language, none of them a name here."""
    return bool(re.fullmatch(r"[A-Za-z' ,.;:!?()-]+", text)) and \
        not any(w in words for w in re.findall(r"[A-Za-z]+", text))


def _blank(found, start, end):
    found.removed.append(found.math[start:end])
    found.math = found.math[:start] + " " * (end - start) + found.math[end:]


def _korean(found):
    """Korean is never mathematics here: a run of Hangul, with the punctuation and the
    spaces beside it, is a sentence or a label (답:, 따라서, 입니다, (연쇄 법칙))."""
    run = re.compile(rf"[(\[]?\s*{HANGUL}+(?:[\s,.:;!?~·\"'“”‘’]+{HANGUL}+)*"
                     r"[\s,.:;!?~)\]\"'”’]*")        # linear: no two ways to match
    for m in reversed(list(run.finditer(found.math))):
        start, end = m.span()
        text = found.math[start:end]
        before, after = found.math[:start], found.math[end:]
        if text.strip() in TOPIC and before and not before[-1].isspace() and \
                after.strip() and "=" not in before + after:
            found.removed.append(text)          # ∂f/∂X는 2X^T: "is", the sign =
            found.math = before + "=" + " " * (end - start - 1) + after
            continue
        if text.lstrip().startswith(("(", "[")) and not text.rstrip().endswith((")", "]")):
            start += text.index(text.lstrip()[0]) + 1      # an open bracket stays maths
        _blank(found, start, end)


def _labels(found):
    while True:
        m = LABEL.match(found.math)
        if not m or not m.group().strip():
            return
        rest = found.math[m.end():]
        if not rest.strip():                        # the label was all there was
            return
        _blank(found, 0, m.end())


def _text_remarks(found):
    """\\text{by the chain rule}: a remark (\\text{tr}, \\text{T}, \\text{d}: a name)."""
    for m in reversed(list(TEXT.finditer(found.math))):
        inner = m.group(1).strip()
        if len(WORD.findall(inner)) >= 2 or len(inner) > 3 and inner.lower() not in (
                "tr", "trace", "diag", "sign", "softmax"):
            if re.match(r"^\s*(where|with|here|and)\b", inner, re.I):
                continue                            # a where clause: read as one
            _blank(found, m.start(), m.end())


def _membership(found):
    m = MEMBERSHIP.search(found.math)
    if m and found.math[:m.start()].strip():
        _blank(found, m.start(), m.end())


def _where(found, words):
    """`…, where δ = σ(Xw) - y`: the definitions after it, to substitute; a where clause
    that defines nothing is prose."""
    m = WHERE.search(found.math)
    if not m or not re.search(r"[^A-Za-z\s,.:;]|\b[A-Za-z]\b", found.math[:m.start()]):
        return                                      # no mathematics before it
    clause = found.math[m.end():]
    definitions = []
    for part in re.split(r",\s*(?=\\?[A-Za-z]+\s*(?:_\{?[\w,]+\}?)?\s*=)|\s+and\s+|;", clause):
        part = part.strip().rstrip(".")
        if not part:
            continue
        if "=" not in part:
            definitions = None
            break
        name, _, value = part.partition("=")
        definitions.append((name.strip(), value.strip()))
    if definitions is None and not re.search(r"where|여기서|단", m.group(), re.I):
        return                                      # "with respect to X": not a clause
    found.definitions.extend(definitions or [])
    _blank(found, m.start(), len(found.math))


def _english(found, words):
    """A run of English words before or after the mathematics (`The answer is`, `(by the
    chain rule)`, `for all i`): words that are not the problem's, two or more of them, or
    one ending in ':'."""
    chunks = list(re.finditer(r"\S+", found.math))

    def wordy(m):
        word = m.group().strip("(),.:;!?")
        return bool(re.fullmatch(r"[A-Za-z]+(?:'[a-z]+)?", word)) and word not in words \
            and not re.search(r"[\\^_{}=+*/@]", m.group())

    def sentence(run):
        """Words of a language, not names run together: one of three letters or more."""
        return any(len(m.group().strip("(),.:;!?")) >= 3 for m in run)

    def bare(m):
        return bool(re.fullmatch(r"[A-Za-z]+(?:'[a-z]+)?", m.group().strip("(),.:;!?")))

    prose_words = [m for m in chunks if wordy(m)]
    if chunks and all(bare(m) for m in chunks) and len(prose_words) >= 2 and \
            sentence(prose_words):                 # "applied to each w": a sentence
        _blank(found, 0, len(found.math))
        return
    head = 0
    while head < len(chunks) and (wordy(chunks[head]) or head and bare(chunks[head]) and
                                  head + 1 < len(chunks) and wordy(chunks[head + 1])):
        head += 1                                   # "with respect to X is": X in prose
    if not sentence(chunks[:head]):
        head = 0
    if chunks and head == len(chunks) and (head >= 2 or chunks[-1].group().endswith(":")):
        _blank(found, 0, len(found.math))           # a sentence alone: all prose
        return
    if 0 < head < len(chunks) and (head >= 2 or chunks[head - 1].group().endswith(":")) \
            and not chunks[0].group().startswith("("):
        _blank(found, 0, chunks[head - 1].end())
    _is_as_equals(found, chunks[head:], wordy)
    tail = len(chunks)
    while tail > head and wordy(chunks[tail - 1]):
        tail -= 1
    if head < tail < len(chunks) and len(chunks) - tail >= 2 and sentence(chunks[tail:]):
        before = found.math[:chunks[tail].start()].rstrip()
        opened = chunks[tail].group().startswith("(")
        if opened or before.endswith(",") or re.search(r"[\w)}\]'ᵀ⊤²³]$", before):
            start = chunks[tail].start()
            if before.endswith(","):
                start = len(before) - 1
            _blank(found, start, len(found.math))


def _is_as_equals(found, chunks, wordy):
    """`∂f/∂X is 2X^T`: one `is` (equals, =) between two pieces of mathematics."""
    verbs = [k for k, m in enumerate(chunks) if m.group() in ("is", "equals", "are") and
             0 < k < len(chunks) - 1 and not wordy(chunks[k - 1]) and not wordy(chunks[k + 1])]
    if len(verbs) == 1 and "=" not in found.math:
        m = chunks[verbs[0]]
        found.removed.append(m.group())
        found.math = found.math[:m.start()] + "=" + " " * (len(m.group()) - 1) + \
            found.math[m.end():]
