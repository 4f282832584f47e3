"""One catalogue of the sentences a user reads, keyed, with English and Korean side by side
(like a gettext catalogue, as a dict).

    say("train.rising", "ko", epoch=12)        # a sentence by its key
    translate(verdict["message"], "ko")        # an English sentence made by the checker

The checker builds its sentences in English (they travel as JSON from worker processes and
stay stable for tools); `translate` reads such a sentence back against the catalogue's
English templates and writes it in the language asked for, translating what fills each
placeholder too (a note inside a note). A sentence no template matches is returned as it
is, and the tests (tests/test_korean.py) fail on it.

Korean particles after a value follow how the value is read aloud: "1/m은" (m분의 1),
"X를", "Xᵀw를", "σ(z)는". A Korean template writes the particle after the placeholder as
it would after a word without a final consonant or with one ({c}는 or {c}은, {x}를, {v}가,
{v}로); the right one is chosen for the value (`particle`).

To add messages: `add({"key": {"en": ..., "ko": ...}})`, or a dict appended below.
"""
import re
import string
from functools import lru_cache

LANGUAGES = ("en", "ko")

# the particle pairs: (after a final consonant, after a vowel)
PAIRS = [("은", "는"), ("이", "가"), ("을", "를"), ("과", "와"), ("으로", "로")]
_PAIR_OF = {p: pair for pair in PAIRS for p in pair}

# how the last symbol of a formula is read: True when its Korean reading ends in a final
# consonant, "ㄹ" when that consonant is ㄹ (which takes 로, not 으로)
_DIGITS = {"0": True, "1": "ㄹ", "2": False, "3": True, "4": False, "5": False, "6": True,
           "7": "ㄹ", "8": "ㄹ", "9": False}
_LETTERS = {"l": "ㄹ", "m": True, "n": True, "r": "ㄹ"}            # 엘 엠 엔 알; the rest end in a vowel
_SYMBOLS = {"²": True, "³": True, "¹": True, "′": True, "'": True, "ε": True, "∞": False}


def _final(text):
    """The final consonant of how `text` is read aloud: True, "ㄹ" or False."""
    text = text.rstrip(" .)]}”\"'`") if not text.endswith(("'", "′")) else text
    if not text:
        return False
    tail = re.split(r"[\s+\-=,]", text)[-1]
    depth, slash = 0, None
    for k, ch in enumerate(tail):                # a/b is read "b분의 a": it ends in a
        depth += ch in "([{"
        depth -= ch in ")]}"
        if ch == "/" and depth == 0:
            slash = k
    if slash and tail.startswith(("∂", "d")) and tail[slash + 1:].startswith(("∂", "d")):
        return _final(tail[slash + 1:])          # ∂L/∂w is read in order: "디엘 디더블유"
    if slash:
        return _final(tail[:slash])
    if text.endswith("⁻¹"):
        return "ㄹ"                              # 역행렬
    ch = text[-1]
    if "가" <= ch <= "힣":
        final = (ord(ch) - 0xAC00) % 28
        return "ㄹ" if final == 8 else bool(final)
    if ch in _DIGITS:
        return _DIGITS[ch]
    if ch.isascii() and ch.isalpha():
        return _LETTERS.get(ch.lower(), False)
    return _SYMBOLS.get(ch, False)


def particle(word, written):
    """The particle `written` (either form of its pair) as it goes after `word`."""
    consonant, vowel = _PAIR_OF[written]
    final = _final(str(word))
    if consonant == "으로":
        return vowel if final in (False, "ㄹ") else consonant
    return consonant if final else vowel


class _Formatter(string.Formatter):
    """str.format, with a particle as a format spec: "{c:은}"."""

    def format_field(self, value, spec):
        if spec in _PAIR_OF:
            return f"{value}{particle(value, spec)}"
        return super().format_field(value, spec)


_FORMATTER = _Formatter()
_PARTICLE_AFTER = re.compile(r"(?<!\{)\{(\w+)\}(으로|은|는|이|가|을|를|과|와|로)(?![가-힣])")


def fill(template, lang="en", **values):
    """`template` filled; in Korean, the particle after each placeholder fits its value."""
    if lang == "ko":
        template = _PARTICLE_AFTER.sub(r"{\1:\2}", template)
    return _FORMATTER.format(template, **values)


def say(key, lang="en", **values):
    """The message `key` in `lang`, filled with `values`."""
    entry = MESSAGES[key]
    return fill(entry.get(lang) or entry["en"], lang, **values)


def add(messages):
    """More messages, {key: {"en": ..., "ko": ...}} (another module's own)."""
    MESSAGES.update(messages)
    _patterns.cache_clear()
    translate.cache_clear()


@lru_cache(maxsize=1)
def _patterns():
    """Every English template as two regular expressions (a value without "; " in it, and
    any value), the most specific first."""
    found = []
    for key, entry in MESSAGES.items():
        english = entry["en"]
        literal = sum(len(p) for p, *_ in string.Formatter().parse(english))
        short = english.startswith("{") and english.endswith("}") and literal < 8
        # "{path}: {message}" only frames a sentence (the same in every language): it is
        # read anywhere, on one line; "{a} with {b}" would match any sentence with "with"
        # in it, so it is read only inside a placeholder's value (a counterexample's place)
        frame = short and english == entry.get("ko")
        infix = short and not frame
        names, strict, loose = [], [], []
        for text, name, spec, _ in string.Formatter().parse(english):
            strict.append(re.escape(text))
            loose.append(re.escape(text))
            if name is not None:
                any_value, one = ("[^\n]+?", "[^\n]") if frame else (".+?", ".")
                strict.append(f"(?P={name})" if name in names else
                              f"(?P<{name}>(?:(?!; ){one})+?)")
                loose.append(f"(?P={name})" if name in names else f"(?P<{name}>{any_value})")
                names.append(name)
        found.append((literal, key, infix, frame, re.compile("".join(strict), re.S),
                      re.compile("".join(loose), re.S)))
    found.sort(key=lambda t: -t[0])
    return [t[1:] for t in found]


def _match(text, lang, inner, loose):
    for key, infix, frame, strict, anything in _patterns():
        match = (inner or not infix) and (anything if loose else strict).fullmatch(text)
        if match:
            within = inner if frame else True
            values = {k: translate(v, lang, within) for k, v in match.groupdict().items()}
            return say(key, lang, **values)
    return None


@lru_cache(maxsize=4096)
def translate(text, lang="en", inner=False):
    """An English sentence of the catalogue in `lang` (unchanged when none matches).
    Sentences the checker joins with "; " are read one by one, unless a template takes
    the "; " in a value (a message that quotes another)."""
    if lang == "en" or not text:
        return text
    found = _match(text, lang, inner, loose=False)
    if found is not None:
        return found
    parts = text.split("; ")
    if len(parts) > 1:
        translated = [translate(part, lang, inner) for part in parts]
        if all(t != p for t, p in zip(translated, parts)):
            return "; ".join(translated)
    found = _match(text, lang, inner, loose=True)
    if found is not None:
        return found
    return "; ".join(translated) if len(parts) > 1 else text


def translate_lines(text, lang):
    """A text of several lines (a guide, an epilog): each paragraph as a whole, or else each
    line, its indent, list mark and closing colon kept."""
    if lang == "en":
        return text
    out = []
    for paragraph in text.split("\n\n"):
        whole = translate(paragraph, lang)
        if whole != paragraph:
            out.append(whole)
            continue
        lines = []
        for line in paragraph.split("\n"):
            lead, core, colon = re.fullmatch(r"(\s*(?:- )?)(.*?)(:?)", line).groups()
            lines.append(lead + translate(core, lang) + colon)
        out.append("\n".join(lines))
    return "\n\n".join(out)


def english(lang):
    """A function that translates into `lang`, for code that prints several sentences."""
    return lambda text: translate(text, lang)


MESSAGES = {}

# --- check: verdicts ----------------------------------------------------------------
MESSAGES.update({
    "check.agrees": {
        "en": "it agrees with the derivation at {points} random points, at {sizes} sizes",
        "ko": "임의의 점 {points}개, 크기 {sizes}가지에서 유도한 결과와 일치한다"},
    "check.agrees_symbolic": {
        "en": "it agrees with the derivation at {points} random points, at {sizes} sizes, "
              "and SymPy confirms it symbolically",
        "ko": "임의의 점 {points}개, 크기 {sizes}가지에서 유도한 결과와 일치하고, SymPy가 "
              "기호 계산으로도 확인한다"},
    "check.left_equal": {"en": "its left side is equal to it", "ko": "좌변도 이와 같다"},
    "check.left_aside": {"en": "its left side {left} could not be read and was set aside",
                         "ko": "좌변 {left}은 읽을 수 없어 제외했다"},
    "check.differs": {"en": "it differs from the derivation's result",
                      "ko": "유도한 결과와 다르다"},
    "check.shape": {"en": "your answer is {got}; the answer is {want}",
                    "ko": "제출한 답은 {got}인데, 정답은 {want}이다"},
    "check.not_computable": {"en": "the answer cannot be computed: {error}",
                             "ko": "답을 계산할 수 없다: {error}"},
    "check.cannot_check": {"en": "answers to {problem} cannot be checked: {reason}",
                           "ko": "{problem}의 답은 채점할 수 없다: {reason}"},
    "check.kind_unknown": {"en": "its answer is of a kind the checker does not compute yet",
                           "ko": "채점기가 아직 계산하지 못하는 종류의 답이다"},
    "check.fault": {"en": "derivator could not compute this check ({error}); this is a fault "
                          "in derivator, not in the answer: please report it",
                    "ko": "derivator가 이 채점을 계산하지 못했다 ({error}). 답의 잘못이 아니라 "
                          "derivator의 결함이니 알려 주기 바란다"},
    "check.nests_read": {"en": "the answer nests too deep to be read",
                         "ko": "답의 괄호가 너무 깊게 중첩되어 읽을 수 없다"},
    "check.nests_evaluate": {"en": "the answer nests too deep to evaluate",
                             "ko": "답의 괄호가 너무 깊게 중첩되어 계산할 수 없다"},
    "check.right_side": {"en": "the right side is the answer, but the left side {left} is "
                               "not equal to it",
                         "ko": "우변은 정답이지만 좌변 {left}는 우변과 같지 않다"},
    "check.equation": {"en": "an equation ({left} = …) is not the answer: the problem asks for "
                             "{wanted}",
                       "ko": "등식 ({left} = …)은 답이 아니다: 문제가 묻는 것은 {wanted}"},
    "check.wanted_update": {"en": "the update rule {base}_{{t+1}} = …",
                            "ko": "갱신 규칙 {base}_{{t+1}} = …"},
    "check.wanted_value": {"en": "{base} itself ({base} = …)", "ko": "{base} 자체 ({base} = …)"},
    "check.wanted_derivative": {"en": "the derivative by {base}", "ko": "{base}에 대한 미분"},
    "check.counterexample": {"en": "at {where}: your answer gives {got} but the right answer "
                                   "is {want}",
                             "ko": "{where}에서 제출한 답은 {got}이지만 정답은 {want}이다"},
    "check.sizes_with": {"en": "{sizes} with {inputs}", "ko": "{sizes}, {inputs}"},
    "check.these_values": {"en": "these values", "ko": "이 값들"},
    "check.free_indices": {"en": "your answer has the free {which} {order}; an entry of {shape} "
                                 "has {count}",
                           "ko": "제출한 답의 자유 {which}는 {order}인데, {shape}의 성분에는 "
                                 "인덱스가 {count}개 있다"},
    "check.index": {"en": "index", "ko": "인덱스"},
    "check.indices": {"en": "indices", "ko": "인덱스"},
})

# --- shapes, as the checker describes them -------------------------------------------
MESSAGES.update({
    "shape.scalar": {"en": "a scalar", "ko": "스칼라"},
    "shape.column": {"en": "a {rows}×1 column vector", "ko": "{rows}×1 열 벡터"},
    "shape.row": {"en": "a 1×{cols} row vector", "ko": "1×{cols} 행 벡터"},
    "shape.matrix": {"en": "a {rows}×{cols} matrix", "ko": "{rows}×{cols} 행렬"},
    "shape.entries": {"en": "{shape} entries (one for each value of its free indices)",
                      "ko": "{shape}개의 성분 (자유 인덱스의 값마다 하나)"},
})

# --- check: notes that name a mistake -------------------------------------------------
MESSAGES.update({
    "note.transpose": {"en": "missing transpose: your answer is the transpose of the right one",
                       "ko": "전치 누락: 제출한 답은 정답의 전치이다"},
    "note.transpose_shape": {"en": "missing transpose: your answer has the shape of the right "
                                   "one transposed",
                             "ko": "전치 누락: 제출한 답의 모양이 정답의 모양을 전치한 것이다"},
    "note.sign": {"en": "sign: your answer is the right one with its sign flipped",
                  "ko": "부호: 제출한 답은 정답과 부호만 반대이다"},
    "note.factor": {"en": "off by a constant factor: your answer is {factor} times the right one",
                    "ko": "상수배 차이: 제출한 답은 정답의 {factor}배이다"},
    "note.symmetric": {"en": "right only when {names} is symmetric; in general it is not",
                       "ko": "{names}가 대칭일 때만 맞고, 일반적으로는 틀리다"},
    "note.symmetric_many": {"en": "right only when {names} are symmetric; in general it is not",
                            "ko": "{names}가 대칭일 때만 맞고, 일반적으로는 틀리다"},
    "note.and_times": {"en": "and {factor} times as large", "ko": "그리고 {factor}배이다"},
    "note.and_transposed": {"en": "and transposed", "ko": "그리고 전치되어 있다"},
    "note.and_sign": {"en": "and with its sign flipped", "ko": "그리고 부호가 반대이다"},
    "note.and_then": {"en": "and {note}", "ko": "그리고 {note}"},
    "note.extra_mean": {"en": "an extra {n}: a mean over the samples where the answer has "
                              "their sum, or a mean taken twice",
                        "ko": "{n}이 더 있다: 정답은 샘플에 대한 합인데 평균을 냈거나, 평균을 두 번 "
                              "취했다"},
    "note.missing_mean": {"en": "missing a {n}, or a sum counted {count} times",
                          "ko": "{n}이 빠졌거나, 합을 {count}번 셌다"},
    "note.extra_factor": {"en": "an extra factor {factor}", "ko": "인수 {factor}가 더 있다"},
    "note.missing_factor": {"en": "a missing factor {factor}", "ko": "인수 {factor}가 빠졌다"},
    "note.step_up": {"en": "a step up the gradient: w_t + η ∂L/∂w instead of w_t - η ∂L/∂w",
                     "ko": "기울기를 따라 올라가는 한 걸음: w_t - η ∂L/∂w가 아니라 w_t + η ∂L/∂w"},
    "note.update_gradient": {"en": "the gradient inside the update rule is {what}",
                             "ko": "갱신 규칙 안의 기울기가 {what}"},
    "note.times_right": {"en": "{factor} times the right one", "ko": "올바른 기울기의 {factor}배이다"},
    "note.in_update": {"en": "in the gradient inside the update rule: {note}",
                       "ko": "갱신 규칙 안의 기울기에서: {note}"},
    "note.missing_term": {"en": "missing the term {term} of the gradient",
                          "ko": "기울기의 항 {term}가 빠졌다"},
    "note.missing_term_named": {"en": "missing the term {term} of the gradient ({what})",
                                "ko": "기울기의 항 {term}가 빠졌다 ({what})"},
    "note.regularisation": {"en": "the regularisation", "ko": "정규화 항"},
    "note.term_is": {"en": "the term {term} of the gradient: {note}",
                     "ko": "기울기의 항 {term}: {note}"},
    "note.term_sign": {"en": "the term {term} of the gradient has its sign flipped",
                       "ko": "기울기의 항 {term}의 부호가 반대이다"},
    "note.term_factor": {"en": "the term {term} of the gradient is {factor} times what it "
                               "should be",
                         "ko": "기울기의 항 {term}가 올바른 값의 {factor}배이다"},
    "note.update_factor": {"en": "the gradient inside the update rule is {factor} times the "
                                 "right one",
                           "ko": "갱신 규칙 안의 기울기가 올바른 기울기의 {factor}배이다"},
    "note.gradient_for_update": {"en": "this is the gradient {gradient}; the problem asks for "
                                       "the update rule {rule}",
                                 "ko": "이것은 기울기 {gradient}이다. 문제가 묻는 것은 갱신 규칙 "
                                       "{rule}"},
    "note.lhs_names": {"en": "the left-hand side {lhs} names {name}; the problem asks for {wanted}",
                       "ko": "좌변 {lhs}는 {name}를 가리킨다. 문제가 묻는 것은 {wanted}"},
    "note.lhs_gradient": {"en": "the left-hand side {lhs} is the gradient by {var}; the problem "
                                "asks for {wanted}",
                          "ko": "좌변 {lhs}는 {var}에 대한 기울기이다. 문제가 묻는 것은 {wanted}"},
    "note.wanted_update": {"en": "the update rule {rule}", "ko": "갱신 규칙 {rule}"},
    "note.wanted_closed": {"en": "{base} itself ({base} = …, the closed form)",
                           "ko": "{base} 자체 ({base} = …, 닫힌 형태)"},
    "note.outside_sum": {"en": "{name} appears outside a sum: the sum over the samples is missing",
                         "ko": "{name}가 합 밖에 있다: 샘플에 대한 합이 빠졌다"},
    "note.one_sample": {
        "en": "{name} takes one sample: write {name}(x_i) inside the sum over the samples "
              "(\\sum_{{i=1}}^{{N}} … {name}(x_i) …), or apply it entry by entry with ⊙",
        "ko": "{name}는 샘플 하나를 받는다: 샘플에 대한 합 안에 {name}(x_i)로 쓰거나 "
              "(\\sum_{{i=1}}^{{N}} … {name}(x_i) …), ⊙로 성분마다 적용한다"},
})

# --- check: the problem set's own mistakes (answers/judge/mistakes.py) ----------------
MESSAGES.update({
    "mistake.p1a_one_term": {
        "en": "only one of the two terms of the product rule: X appears twice in tr(X²) = "
              "Σ_ij X_ij X_ji, so the derivative is Xᵀ + Xᵀ = 2Xᵀ",
        "ko": "곱의 미분법의 두 항 중 하나만 있다: tr(X²) = Σ_ij X_ij X_ji에 X가 두 번 나오므로 "
              "미분은 Xᵀ + Xᵀ = 2Xᵀ이다"},
    "mistake.p1b_one_term": {
        "en": "only one of the three terms of the product rule: X appears three times in tr(X³)",
        "ko": "곱의 미분법의 세 항 중 하나만 있다: tr(X³)에 X가 세 번 나온다"},
    "mistake.p1b_two_terms": {
        "en": "two of the three terms of the product rule: X appears three times in tr(X³)",
        "ko": "곱의 미분법의 세 항 중 두 개만 있다: tr(X³)에 X가 세 번 나온다"},
    "mistake.p1b_xtx": {"en": "Xᵀ X is not (X²)ᵀ = Xᵀ Xᵀ", "ko": "Xᵀ X는 (X²)ᵀ = Xᵀ Xᵀ가 아니다"},
    "mistake.p1b_exponent": {
        "en": "wrong exponent: the derivative of tr(X³) has X², one power less",
        "ko": "지수가 틀렸다: tr(X³)의 미분에는 한 차수 낮은 X²가 있다"},
    "mistake.p1c_exponent": {
        "en": "wrong exponent: the derivative of tr(X^k) has X^(k-1), one power less",
        "ko": "지수가 틀렸다: tr(X^k)의 미분에는 한 차수 낮은 X^(k-1)이 있다"},
    "mistake.p1c_exponent2": {"en": "wrong exponent: the derivative of tr(X^k) has X^(k-1)",
                              "ko": "지수가 틀렸다: tr(X^k)의 미분에는 X^(k-1)이 있다"},
    "mistake.p1c_factor": {
        "en": "wrong factor: k (one term for each of the k factors X), not k - 1",
        "ko": "인수가 틀렸다: k - 1이 아니라 k이다 (k개의 인수 X마다 항이 하나씩)"},
    "mistake.p1c_missing_k": {
        "en": "missing the factor k: each of the k factors X gives one term",
        "ko": "인수 k가 빠졌다: k개의 인수 X가 각각 항을 하나씩 준다"},
    "mistake.p1c_k2": {"en": "wrong exponent: X^(k-1), not X^(k-2)",
                       "ko": "지수가 틀렸다: X^(k-2)가 아니라 X^(k-1)이다"},
    "mistake.p1c_no_exponent": {"en": "X^(k-1) is missing its exponent: k (X^(k-1))ᵀ",
                                "ko": "X^(k-1)의 지수가 빠졌다: k (X^(k-1))ᵀ"},
    "mistake.missing_k": {"en": "a missing factor k", "ko": "인수 k가 빠졌다"},
    "mistake.p4_gradient": {
        "en": "this is the gradient (up to 1/σ²), not w: set it to zero and solve, "
              "w = (XᵀX)⁻¹Xᵀy",
        "ko": "이것은 w가 아니라 기울기이다 (1/σ²배를 빼면): 0으로 놓고 풀면 w = (XᵀX)⁻¹Xᵀy"},
    "mistake.p4_normal": {
        "en": "this is the gradient set to zero (the normal equations XᵀXw = Xᵀy), not w: "
              "solve them, w = (XᵀX)⁻¹Xᵀy",
        "ko": "이것은 w가 아니라 0으로 놓은 기울기(정규 방정식 XᵀXw = Xᵀy)이다: 풀면 "
              "w = (XᵀX)⁻¹Xᵀy"},
    "mistake.p4_inverse": {"en": "missing the inverse: (XᵀX)⁻¹, not XᵀX",
                           "ko": "역행렬이 빠졌다: XᵀX가 아니라 (XᵀX)⁻¹"},
    "mistake.p4_missing": {"en": "missing (XᵀX)⁻¹: w = (XᵀX)⁻¹Xᵀy",
                           "ko": "(XᵀX)⁻¹이 빠졌다: w = (XᵀX)⁻¹Xᵀy"},
    "mistake.p5_a": {"en": "this is A itself; ∂tr(AᵀB)/∂A = B",
                     "ko": "이것은 A 자체이다. ∂tr(AᵀB)/∂A = B"},
    "mistake.p5_atb": {"en": "∂tr(AᵀB)/∂A is B, not AᵀB: tr(AᵀB) = Σ_ij A_ij B_ij",
                       "ko": "∂tr(AᵀB)/∂A는 AᵀB가 아니라 B이다: tr(AᵀB) = Σ_ij A_ij B_ij"},
    "mistake.p6_term": {"en": "missing the term {term}: w appears twice in wᵀXw (product rule)",
                        "ko": "항 {term}가 빠졌다: wᵀXw에 w가 두 번 나온다 (곱의 미분법)"},
    "mistake.p2_reg": {"en": "the regularisation term's derivative is 2w (‖w‖² = wᵀw), not w",
                       "ko": "정규화 항의 미분은 w가 아니라 2w이다 (‖w‖² = wᵀw)"},
    "mistake.p2_sign": {"en": "the data term's sign is flipped: Xᵀ(σ(Xw) - y), not Xᵀ(y - σ(Xw))",
                        "ko": "데이터 항의 부호가 반대이다: Xᵀ(y - σ(Xw))가 아니라 Xᵀ(σ(Xw) - y)"},
    "mistake.p3_logistic": {
        "en": "f is treated as the logistic sigmoid: its derivative ½(1 - f(x_i)²) = "
              "2σ(1 - σ) is missing from each term",
        "ko": "f를 로지스틱 시그모이드로 취급했다: 각 항에 f의 미분 ½(1 - f(x_i)²) = "
              "2σ(1 - σ)가 빠졌다"},
    "mistake.p3_f1f": {"en": "f'(z) taken as f(1 - f), the logistic sigmoid's; for this f it is "
                             "½(1 - f²)",
                       "ko": "f'(z)를 로지스틱 시그모이드의 미분 f(1 - f)로 썼다. 이 f의 미분은 "
                             "½(1 - f²)이다"},
    "mistake.p3_two": {"en": "missing the factor 2 of f' = 2σ(1 - σ)",
                       "ko": "f' = 2σ(1 - σ)의 인수 2가 빠졌다"},
    "mistake.p3_half": {"en": "missing the factor ½ of f' = ½(1 - f²)",
                        "ko": "f' = ½(1 - f²)의 인수 ½이 빠졌다"},
    "mistake.p3_one_plus": {"en": "f' is ½(1 - f²) = ½(1 - f)(1 + f): the factor (1 + f) is "
                                  "missing",
                            "ko": "f'는 ½(1 - f²) = ½(1 - f)(1 + f)이다: 인수 (1 + f)가 빠졌다"},
    "mistake.p3_y2": {"en": "y_i² = 1 used where it does not hold: f' = ½(1 - f²) has no y_i",
                      "ko": "성립하지 않는 곳에 y_i² = 1을 썼다: f' = ½(1 - f²)에는 y_i가 없다"},
    "mistake.p3_rewritten": {"en": "(f - y_i) rewritten with y_i² = 1 where it does not hold",
                             "ko": "(f - y_i)를 성립하지 않는 y_i² = 1로 바꿔 썼다"},
    "mistake.p7_output": {"en": "missing σ' of the output node: g(1 - g)",
                          "ko": "출력 노드의 σ'인 g(1 - g)가 빠졌다"},
    "mistake.p7a_w2": {"en": "missing w_{{2,j}}: ∂(Σ_d w_{{2,d}} h_d)/∂h_j = w_{{2,j}}",
                       "ko": "w_{{2,j}}가 빠졌다: ∂(Σ_d w_{{2,d}} h_d)/∂h_j = w_{{2,j}}"},
    "mistake.p7a_hj": {"en": "h_j where w_{{2,j}} belongs: ∂(Σ_d w_{{2,d}} h_d)/∂h_j = w_{{2,j}}",
                       "ko": "w_{{2,j}} 자리에 h_j를 썼다: ∂(Σ_d w_{{2,d}} h_d)/∂h_j = w_{{2,j}}"},
    "mistake.p7a_g": {"en": "σ' of the output node is g(1 - g): the factor g is missing",
                      "ko": "출력 노드의 σ'는 g(1 - g)이다: 인수 g가 빠졌다"},
    "mistake.p7a_residual": {"en": "missing the factor (g - y), the derivative of ½(g - y)²",
                             "ko": "½(g - y)²의 미분인 인수 (g - y)가 빠졌다"},
    "mistake.p7b_hidden": {"en": "missing σ'(…) of node h_d: ∂h_d/∂w_{{1,d,m}} = "
                                 "σ'(Σ_n w_{{1,d,n}} z_n) z_m",
                           "ko": "노드 h_d의 σ'(…)가 빠졌다: ∂h_d/∂w_{{1,d,m}} = "
                                 "σ'(Σ_n w_{{1,d,n}} z_n) z_m"},
    "mistake.p7b_residual": {"en": "a dropped residual term: h_d(x) = x_d + σ(…), so σ' is "
                                   "(h_d - x_d)(1 - h_d + x_d), not h_d(1 - h_d)",
                             "ko": "잔차 항을 빠뜨렸다: h_d(x) = x_d + σ(…)이므로 σ'는 h_d(1 - h_d)가 "
                                   "아니라 (h_d - x_d)(1 - h_d + x_d)이다"},
    "mistake.p7b_node": {"en": "a wrong node index: z_d where z_m belongs (w_{{1,d,m}} multiplies "
                               "z_m)",
                         "ko": "노드 인덱스가 틀렸다: z_m 자리에 z_d를 썼다 (w_{{1,d,m}}는 z_m에 "
                               "곱해진다)"},
    "mistake.p7b_w2": {"en": "missing w_{{2,d}}: the output node weighs h_d by w_{{2,d}}",
                       "ko": "w_{{2,d}}가 빠졌다: 출력 노드는 h_d에 w_{{2,d}}를 곱한다"},
    "mistake.p7b_zm": {"en": "w_{{1,d,m}} where z_m(x_i) belongs: ∂(Σ_n w_{{1,d,n}} z_n)/"
                             "∂w_{{1,d,m}} = z_m",
                       "ko": "z_m(x_i) 자리에 w_{{1,d,m}}를 썼다: ∂(Σ_n w_{{1,d,n}} z_n)/"
                             "∂w_{{1,d,m}} = z_m"},
    "mistake.wrong_index": {"en": "a wrong index: {got} where {want} belongs",
                            "ko": "인덱스가 틀렸다: {want} 자리에 {got}를 썼다"},
})

# --- reading an answer: why it cannot be read ----------------------------------------
MESSAGES.update({
    "read.column": {"en": "column {column}: {message}", "ko": "{column}번째 글자: {message}"},
    "read.expected": {"en": "expected {what}", "ko": "필요한 것: {what}"},
    "read.nul": {"en": "the answer contains a NUL byte", "ko": "답에 NUL 바이트가 있다"},
    "read.too_long": {"en": "the answer is {length} characters long; at most {most}",
                      "ko": "답이 {length}자로, 최대 {most}자보다 길다"},
    "read.character": {"en": "unexpected character {char}", "ko": "예상하지 못한 문자 {char}"},
    "read.expected_found": {"en": "expected {what} but found {found}",
                            "ko": "{what}가 와야 하는데 {found}가 있다"},
    "read.nesting": {"en": "more than {depth} levels of nesting (brackets, signs, powers, "
                           "transposes)",
                     "ko": "중첩이 {depth}단계를 넘는다 (괄호, 부호, 거듭제곱, 전치)"},
    "read.empty": {"en": "the answer is empty", "ko": "답이 비어 있다"},
    "read.unopened": {"en": "unbalanced {bracket}: no bracket opened it",
                      "ko": "짝이 맞지 않는 {bracket}: 여는 괄호가 없다"},
    "read.unclosed": {"en": "unbalanced {bracket}: it is never closed",
                      "ko": "짝이 맞지 않는 {bracket}: 닫히지 않았다"},
    "read.equals": {"en": "unexpected {sign}: write the answer alone, or one left-hand side "
                          "and the answer",
                    "ko": "예상하지 못한 {sign}: 답만 쓰거나, 좌변 하나와 답을 쓴다"},
    "read.unexpected": {"en": "unexpected {what}", "ko": "예상하지 못한 {what}"},
    "read.ends": {"en": "the answer ends where a value was expected",
                  "ko": "값이 와야 할 곳에서 답이 끝난다"},
    "read.value": {"en": "a value", "ko": "값"},
    "read.expression": {"en": "an expression", "ko": "식"},
    "read.operator_or_end": {"en": "an operator (+, -, *, /) or the end",
                             "ko": "연산자 (+, -, *, /) 또는 답의 끝"},
    "read.ambiguous_division": {"en": "ambiguous: is `a/2 x` (a/2) x or a/(2 x)? Add brackets",
                                "ko": "모호하다: `a/2 x`는 (a/2) x인가, a/(2 x)인가? 괄호를 쓴다"},
    "read.write_division": {"en": "write (a/2) x or a/(2 x)", "ko": "(a/2) x 또는 a/(2 x)로 쓴다"},
    "read.sum_limits": {"en": "a sum needs both limits, or neither (\\sum_i)",
                        "ko": "합에는 위아래 범위가 둘 다 있거나 둘 다 없어야 한다 (\\sum_i)"},
    "read.sum_index": {"en": "expected the name of the summation index",
                       "ko": "합의 인덱스 이름이 와야 한다"},
    "read.an_index": {"en": "an index such as i", "ko": "i 같은 인덱스"},
    "read.prime_exponent": {"en": "a prime as an exponent: write X' or X^T for a transpose, "
                                  "sigma'(z) for a derivative",
                            "ko": "지수 자리의 프라임: 전치는 X' 또는 X^T로, 미분은 sigma'(z)로 쓴다"},
    "read.power_of_power": {"en": "a power of a power is not accepted here; write one exponent",
                            "ko": "거듭제곱의 거듭제곱은 받지 않는다. 지수를 하나로 쓴다"},
    "read.number_large": {"en": "the number {number} is too large", "ko": "수 {number}가 너무 크다"},
    "read.norms": {"en": "absolute values and norms |…| are not read here; write w^T w for the "
                         "squared norm",
                   "ko": "절댓값과 노름 |…|은 읽지 않는다. 노름의 제곱은 w^T w로 쓴다"},
    "read.left_unopened": {"en": "unbalanced {command}: no bracket opened it",
                           "ko": "짝이 맞지 않는 {command}: 여는 괄호가 없다"},
    "read.bracket_after": {"en": "expected a bracket after {command}",
                           "ko": "{command} 뒤에 괄호가 와야 한다"},
    "read.never_closed": {"en": "{what} is never closed", "ko": "{what}가 닫히지 않았다"},
    "read.brace_after": {"en": "expected '{{' after {command}", "ko": "{command} 뒤에 '{{'가 와야 한다"},
    "read.unknown_command": {"en": "unknown LaTeX command {command}",
                             "ko": "알 수 없는 LaTeX 명령 {command}"},
    "read.ambiguous_name": {"en": "ambiguous: {name} can be read as {shown}; put spaces or '*' "
                                  "between the names",
                            "ko": "모호하다: {name}는 {shown}로 읽을 수 있다. 이름 사이에 공백이나 "
                                  "'*'를 넣는다"},
    "read.subscript_unclosed": {"en": "a subscript's '{{' is never closed",
                                "ko": "아래 첨자의 '{{'가 닫히지 않았다"},
    "read.empty_subscript": {"en": "an empty subscript", "ko": "아래 첨자가 비어 있다"},
    "read.subscript_after": {"en": "expected a subscript after '_'",
                             "ko": "'_' 뒤에 아래 첨자가 와야 한다"},
    "read.subscript_kinds": {"en": "a letter, a number or {{…}}", "ko": "글자, 수 또는 {{…}}"},
    "read.prime_argument": {"en": "{name}' needs its argument: write {name}'(…)",
                            "ko": "{name}'에는 인수가 필요하다: {name}'(…)로 쓴다"},
    "read.function_argument": {"en": "expected the function's argument",
                               "ko": "함수의 인수가 와야 한다"},
    "read.derivative_out": {"en": "{name}'(…) is not read: write its derivative out (for σ, "
                                  "σ(z)(1 - σ(z)))",
                            "ko": "{name}'(…)는 읽지 않는다: 미분을 풀어 쓴다 (σ라면 "
                                  "σ(z)(1 - σ(z)))"},
    "read.semicolon": {"en": "after ';' only the parameter's name, as in f(x_i; w)",
                       "ko": "';' 뒤에는 f(x_i; w)처럼 파라미터의 이름만 온다"},
    "read.exponent_large": {"en": "the exponent {exponent} is too large (at most {most})",
                            "ko": "지수 {exponent}가 너무 크다 (최대 {most})"},
    "read.power_in_exponent": {"en": "a power inside an exponent is not accepted",
                               "ko": "지수 안의 거듭제곱은 받지 않는다"},
    "read.text": {"en": "the answer must be text", "ko": "답은 텍스트여야 한다"},
    "read.tree_depth": {"en": "the answer nests more than {depth} levels deep",
                        "ko": "답의 중첩이 {depth}단계를 넘는다"},
    "read.lhs": {"en": "cannot read the left-hand side {lhs}: write the answer alone, or a name "
                       "or derivative before '=' (w_{{t+1}} = …, ∂f/∂X = …)",
                 "ko": "좌변 {lhs}를 읽을 수 없다: 답만 쓰거나, '=' 앞에 이름이나 미분을 쓴다 "
                       "(w_{{t+1}} = …, ∂f/∂X = …)"},
    "read.nothing_before": {"en": "nothing before '=': write the answer alone, or w_{{t+1}} = …",
                            "ko": "'=' 앞에 아무것도 없다: 답만 쓰거나, w_{{t+1}} = …로 쓴다"},
    "read.lhs_index": {"en": "the index {letter} is not the left-hand side's: it names {named}; "
                             "write {named} on both sides",
                       "ko": "인덱스 {letter}는 좌변의 인덱스가 아니다. 좌변은 {named}를 쓴다: "
                             "양변에 {named}를 쓴다"},
    "read.did_you_mean": {"en": "did you mean {what}?", "ko": "{what}를 뜻했는가?"},
})

# --- evaluating an answer ------------------------------------------------------------
MESSAGES.update({
    "eval.identity_combined": {"en": "I is combined with {shape}: only a square matrix gives it "
                                     "a size",
                               "ko": "I가 {shape}와 결합되어 있다: 정사각 행렬만 I의 크기를 정한다"},
    "eval.identity_size": {"en": "the size of I cannot be known here: write it added to, or "
                                 "multiplied by, a square matrix",
                           "ko": "여기서는 I의 크기를 알 수 없다: 정사각 행렬에 더하거나 곱해서 쓴다"},
    "eval.ones_length": {"en": "the length of 𝟙ᵀ cannot be known here: write it before a vector "
                               "or a matrix (𝟙ᵀv is the sum of v's entries)",
                         "ko": "여기서는 𝟙ᵀ의 길이를 알 수 없다: 벡터나 행렬 앞에 쓴다 "
                               "(𝟙ᵀv는 v의 성분의 합)"},
    "eval.budget": {"en": "the answer takes too many operations to evaluate (sums nested too deep "
                          "or too long, or powers too large)",
                    "ko": "답을 계산하는 데 연산이 너무 많이 든다 (합이 너무 깊거나 길게 중첩되었거나 "
                          "거듭제곱이 너무 크다)"},
    "eval.kind": {"en": "{kind} cannot be computed in an answer", "ko": "답 안의 {kind}는 계산할 수 없다"},
    "eval.not_summed_sample": {"en": "{written}: {index} is not summed over; inside the sum over "
                                     "{over}, that sample is {sample}",
                               "ko": "{written}: {index}에 대한 합이 없다. {over}에 대한 합 안에서 "
                                     "그 샘플은 {sample}이다"},
    "eval.number_index": {"en": "{name} is a number: {written} has an index it does not take",
                          "ko": "{name}는 수이다: {written}에는 받지 않는 인덱스가 있다"},
    "eval.free_index_of": {"en": "the index {index} of {written} is neither summed over nor the "
                                 "answer's free index",
                           "ko": "{written}의 인덱스 {index}는 합의 인덱스도, 답의 자유 인덱스도 "
                                 "아니다"},
    "eval.free_index": {"en": "the index {index} is neither summed over nor the answer's free "
                              "index",
                        "ko": "인덱스 {index}는 합의 인덱스도, 답의 자유 인덱스도 아니다"},
    "eval.function_argument": {"en": "{name} is a function: write {name}(…) with its argument",
                               "ko": "{name}는 함수이다: 인수와 함께 {name}(…)로 쓴다"},
    "eval.unknown_name": {"en": "unknown name {name}; this problem's names: {known}",
                          "ko": "알 수 없는 이름 {name}. 이 문제의 이름: {known}"},
    "eval.none": {"en": "none", "ko": "없음"},
    "eval.outside": {"en": "{written}: {shown} is outside 1..{size}",
                     "ko": "{written}: {shown}가 1..{size} 밖에 있다"},
    "eval.node_index": {"en": "{name}(...) needs a node index here, as in {name}_d(x)",
                        "ko": "여기서 {name}(...)에는 {name}_d(x)처럼 노드 인덱스가 필요하다"},
    "eval.node_outside": {"en": "a node index of {name} is outside the network's nodes",
                          "ko": "{name}의 노드 인덱스가 신경망의 노드 밖에 있다"},
    "eval.add": {"en": "cannot add {a} and {b}", "ko": "{a}와 {b}를 더할 수 없다"},
    "eval.subtract": {"en": "cannot subtract {a} and {b}", "ko": "{a}와 {b}를 뺄 수 없다"},
    "eval.entrywise": {"en": "cannot multiply {a} and {b} entry by entry",
                       "ko": "{a}와 {b}를 성분별로 곱할 수 없다"},
    "eval.inner": {"en": "cannot take ⟨a, b⟩ of {a} and {b}", "ko": "{a}와 {b}의 ⟨a, b⟩를 구할 수 없다"},
    "eval.multiply": {"en": "cannot multiply {a} by {b}", "ko": "{a}에 {b}를 곱할 수 없다"},
    "eval.divide": {"en": "cannot divide by a vector or a matrix",
                    "ko": "벡터나 행렬로 나눌 수 없다"},
    "eval.exponent": {"en": "an exponent must be a number", "ko": "지수는 수여야 한다"},
    "eval.not_real": {"en": "{base}^{exponent} is not a real number",
                      "ko": "{base}^{exponent}는 실수가 아니다"},
    "eval.power": {"en": "cannot raise {shape} to a power", "ko": "{shape}를 거듭제곱할 수 없다"},
    "eval.power_vector": {
        "en": "cannot raise {shape} to a power: for the square of each entry write ⊙ "
              "(v ⊙ v), v^{{\\circ 2}} or the entry inside a sum (\\sum_i v_i^2)",
        "ko": "{shape}를 거듭제곱할 수 없다: 성분마다의 제곱은 ⊙ (v ⊙ v), v^{{\\circ 2}} 또는 "
              "합 안의 성분 (\\sum_i v_i^2)로 쓴다"},
    "eval.matrix_power": {"en": "a matrix power must be a whole number from 0 to 64",
                          "ko": "행렬의 거듭제곱은 0에서 64까지의 정수여야 한다"},
    "eval.invert_zero": {"en": "cannot invert 0 I", "ko": "0 I의 역행렬은 없다"},
    "eval.invert": {"en": "cannot invert {shape}", "ko": "{shape}의 역행렬을 구할 수 없다"},
    "eval.singular": {"en": "cannot invert {shape} that is singular (it has no inverse)",
                      "ko": "{shape}는 특이 행렬이라 역행렬이 없다"},
    "eval.entry_indices": {"en": "[…]_{{{indices}}} takes {count} {which} of {shape}",
                           "ko": "[…]_{{{indices}}}는 {shape}의 {which} {count}개를 받는다"},
    "eval.range": {"en": "a sum's range is not a value", "ko": "합의 범위는 값이 아니다"},
    "eval.trace": {"en": "the trace needs a square matrix", "ko": "대각합(trace)에는 정사각 행렬이 필요하다"},
    "eval.node_unbound": {"en": "the node index of {written} is not bound by a sum",
                          "ko": "{written}의 노드 인덱스가 합에 묶여 있지 않다"},
    "eval.node_start": {"en": "{written}: node indices start at 1",
                        "ko": "{written}: 노드 인덱스는 1부터 시작한다"},
    "eval.one_vector": {"en": "{name}(…) takes one vector", "ko": "{name}(…)는 벡터 하나를 받는다"},
    "eval.one_argument": {"en": "{name}(…) takes one argument, not {count}",
                          "ko": "{name}(…)는 인수를 {count}개가 아니라 하나 받는다"},
    "eval.unknown_function": {"en": "unknown function {name}", "ko": "알 수 없는 함수 {name}"},
    "eval.limits": {"en": "a sum's limits must be whole numbers", "ko": "합의 범위는 정수여야 한다"},
    "eval.sum_terms": {"en": "a sum of more than {most} terms", "ko": "항이 {most}개를 넘는 합"},
    "eval.product_factors": {"en": "the factors of a product ∏ must be numbers",
                             "ko": "곱 ∏의 인수는 수여야 한다"},
    "eval.sum_shapes": {"en": "the terms of the sum have different shapes",
                        "ko": "합의 항들의 모양이 서로 다르다"},
    "eval.sum_range": {"en": "the range of the sum over {index} cannot be told from the problem; "
                             "write its limits, as in {example}",
                       "ko": "{index}에 대한 합의 범위를 문제에서 알 수 없다. {example}처럼 범위를 쓴다"},
    "eval.entry_number": {"en": "an entry must be a number; yours is {shape}",
                          "ko": "성분은 수여야 하는데, 제출한 것은 {shape}이다"},
    "eval.each_entry": {"en": "each entry must be a number; this one is {shape}",
                        "ko": "각 성분은 수여야 하는데, 이것은 {shape}이다"},
    "eval.derivative_vector": {"en": "the derivative of a vector or a matrix is not read; "
                                     "differentiate a scalar",
                               "ko": "벡터나 행렬의 미분은 읽지 않는다. 스칼라를 미분한다"},
    "eval.indices_for": {"en": "{count} indices for {shape}", "ko": "{shape}에 인덱스 {count}개"},
})

# --- check --file ----------------------------------------------------------------------
MESSAGES.update({
    "batch.unknown_problem": {"en": "line {line}: unknown problem {name}",
                              "ko": "{line}번째 줄: 알 수 없는 문제 {name}"},
})

# --- check --working ------------------------------------------------------------------
MESSAGES.update({
    "working.first_wrong": {"en": "the first wrong step is at line {line}",
                            "ko": "처음 틀린 단계는 {line}번째 줄이다"},
    "working.symmetric_only": {"en": "it holds only when the matrix is symmetric",
                               "ko": "행렬이 대칭일 때만 성립한다"},
    "working.right_via_wrong": {"en": "the answer is right, but the step at line {line} is wrong: "
                                      "the working reaches it through a wrong step",
                                "ko": "답은 맞지만 {line}번째 줄의 단계가 틀렸다: 풀이가 틀린 단계를 "
                                      "거쳐 답에 이른다"},
    "working.all_right": {"en": "every step that could be read follows, and the answer is right",
                          "ko": "읽을 수 있는 모든 단계가 앞 줄에서 나오고, 답도 맞다"},
    "working.short": {"en": "every step that could be read follows, but the last line is not the "
                            "answer: the working stops short or answers something else",
                      "ko": "읽을 수 있는 모든 단계가 앞 줄에서 나오지만, 마지막 줄이 답이 아니다: "
                            "풀이가 중간에 멈추었거나 다른 것을 답했다"},
    "working.none_read": {"en": "no line of the working could be read",
                          "ko": "풀이의 어떤 줄도 읽을 수 없다"},
    "working.last_unread": {"en": "every step that could be read follows, but the last line could "
                                  "not be read as the answer",
                            "ko": "읽을 수 있는 모든 단계가 앞 줄에서 나오지만, 마지막 줄을 답으로 "
                                  "읽을 수 없다"},
    "working.some_unread": {"en": "some lines could not be read (marked ?)",
                            "ko": "읽지 못한 줄이 있다 (? 표시)"},
    "working.transposed": {"en": "this line is the transpose of the one before (a dropped or extra "
                                 "transpose, or two indices swapped)",
                           "ko": "이 줄은 앞 줄의 전치이다 (전치를 빠뜨렸거나 더 했거나, 두 인덱스를 "
                                 "바꿨다)"},
    "working.sign": {"en": "the sign is flipped: this line is minus the one before",
                     "ko": "부호가 반대이다: 이 줄은 앞 줄에 마이너스를 붙인 것이다"},
    "working.factor": {"en": "off by a constant factor: this line is {factor} times the one before "
                             "(a wrong factor, as from the chain rule)",
                       "ko": "상수배 차이: 이 줄은 앞 줄의 {factor}배이다 (합성함수의 미분 등에서 "
                             "인수가 틀렸다)"},
    "working.differs": {"en": "this line does not equal the one before",
                        "ko": "이 줄은 앞 줄과 같지 않다"},
    "working.missing_term": {"en": "the term {term} of line {line} is missing",
                             "ko": "{line}번째 줄의 항 {term}가 빠졌다"},
    "working.again": {"en": "this line equals {what} (line {line}) again: the mistake before it "
                            "does not carry on",
                      "ko": "이 줄은 다시 {what}({line}번째 줄)와 같다: 앞의 실수가 이어지지 않는다"},
    "working.equation_differs": {"en": "the two sides of this equation differ at the solution "
                                       "{solution}",
                                 "ko": "해 {solution}에서 이 등식의 양변이 다르다"},
    "working.shapes": {"en": "the line before is {before}, this one {after}",
                       "ko": "앞 줄은 {before}, 이 줄은 {after}이다"},
    "working.free_index": {"en": "the free index changes: {before} before, {after} here (an entry "
                                 "is not another one)",
                           "ko": "자유 인덱스가 바뀐다: 앞 줄은 {before}, 이 줄은 {after} (한 성분은 "
                                 "다른 성분이 아니다)"},
    "working.loose_unjudged": {"en": "one of these lines is about one sample written loosely (x for "
                                     "x_i) and the other is not, so they are not compared; a person "
                                     "should look",
                               "ko": "두 줄 중 하나는 샘플 하나에 대해 느슨하게 쓴 줄(x_i 대신 x)이고 "
                                     "다른 하나는 아니어서 비교하지 않는다. 사람이 확인해야 한다"},
    "working.budget": {"en": "the working takes too many operations to compute; from line {line} "
                             "on, a person should look at it",
                       "ko": "풀이를 계산하는 데 연산이 너무 많이 든다. {line}번째 줄부터는 사람이 "
                             "확인해야 한다"},
    "working.cannot_compute_line": {"en": "this line cannot be computed: {error}",
                                    "ko": "이 줄은 계산할 수 없다: {error}"},
    "working.cannot_compute": {"en": "it cannot be computed: {error}",
                               "ko": "계산할 수 없다: {error}"},
    "working.equation_only": {"en": "an equation is judged only where the problem solves for its "
                                    "unknown",
                              "ko": "등식은 문제가 미지수를 푸는 경우에만 채점한다"},
    "working.equation_flag": {"en": "an equation: both sides computed at the problem's solution "
                                    "{solution}",
                              "ko": "등식: 문제의 해 {solution}에서 양변을 계산했다"},
    "working.log_product": {
        "en": "the log of a product is the sum of the logs: ln ∏ c·e^(u_i) = {n} ln c + Σ u_i, "
              "not c Σ u_i (here c = {c}, u_i = {u})",
        "ko": "곱의 로그는 로그의 합이다: ln ∏ c·e^(u_i)는 c Σ u_i가 아니라 {n} ln c + Σ u_i이다 "
              "(여기서 c = {c}, u_i = {u})"},
    "working.rule_gives": {"en": "the rule gives {result}", "ko": "이 규칙으로 {result}"},
    "working.counterexample": {"en": "at {where}: line {a} ({a_read}) gives {a_value} but line {b} "
                                     "({b_read}) gives {b_value}",
                               "ko": "{where}에서 {a}번째 줄({a_read})은 {a_value}이지만 {b}번째 "
                                     "줄({b_read})은 {b_value}이다"},
    "working.matrix_entries": {"en": "a matrix written out entry by entry is not read; a person "
                                     "should look at this line",
                               "ko": "성분을 하나하나 쓴 행렬은 읽지 않는다. 사람이 이 줄을 확인해야 한다"},
    "working.dots": {"en": "a line written with … is not read; a person should look at this line",
                     "ko": "…로 쓴 줄은 읽지 않는다. 사람이 이 줄을 확인해야 한다"},
    "working.by_what": {"en": "cannot read {variable} as what is differentiated by",
                        "ko": "{variable}를 미분하는 변수로 읽을 수 없다"},
    "working.derivative_times": {"en": "a derivative multiplied by something else is not read yet; "
                                       "write each factor's derivative",
                                 "ko": "다른 것과 곱한 미분은 아직 읽지 않는다. 인수마다 미분을 쓴다"},
    "working.derivative_of_what": {"en": "the derivative of what? nothing follows the operator",
                                   "ko": "무엇의 미분인가? 미분 기호 뒤에 아무것도 없다"},
    "working.entry_indices": {"en": "the entry's indices and the variable's differ",
                              "ko": "성분의 인덱스와 변수의 인덱스가 다르다"},
    "working.other_derivative": {"en": "the derivative by {shown} is not one this problem asks for "
                                       "(it differentiates by {wrt})",
                                 "ko": "{shown}에 대한 미분은 이 문제가 묻는 것이 아니다 ({wrt}로 "
                                       "미분한다)"},
    "working.derivative_unread": {"en": "the derivative of {what} is not read; this problem "
                                        "differentiates {quantity}",
                                  "ko": "{what}의 미분은 읽지 않는다. 이 문제는 {quantity}를 미분한다"},
    "working.derivative_f": {"en": "a derivative of an expression with f(…) or g(…) inside is not "
                                   "computed yet; write the derivative of each factor",
                             "ko": "f(…)나 g(…)가 든 식의 미분은 아직 계산하지 않는다. 인수마다 "
                                   "미분을 쓴다"},
    "working.unknown_variable": {"en": "unknown variable {name}; this problem's names: {known}",
                                 "ko": "알 수 없는 변수 {name}. 이 문제의 이름: {known}"},
    "working.derivative_product": {"en": "a derivative inside a product is not read yet; a person "
                                         "should look at this line",
                                   "ko": "곱 안의 미분은 아직 읽지 않는다. 사람이 이 줄을 확인해야 한다"},
    "working.sigma_argument": {"en": "σ without its argument (σ for σ(wᵀx_i)?); a person should "
                                     "look at this line",
                               "ko": "인수가 없는 σ (σ(wᵀx_i)의 σ인가?). 사람이 이 줄을 확인해야 한다"},
    "working.einstein": {"en": "the index {index} appears twice in a term and no sum binds it: read "
                               "as summed (Einstein's convention)",
                         "ko": "인덱스 {index}가 한 항에 두 번 나오고 합에 묶여 있지 않다: 합으로 "
                               "읽었다 (아인슈타인 표기법)"},
    "working.loose_sample": {"en": "{name} without the sample index {index} outside a sum: read as "
                                   "one sample, compared only with lines written the same way",
                             "ko": "합 밖에 샘플 인덱스 {index} 없이 쓴 {name}: 샘플 하나로 읽고, 같은 "
                                   "방식으로 쓴 줄하고만 비교한다"},
    "working.loose_indexed": {"en": "x_{index} outside a sum over {index}: a line about one sample, "
                                    "compared only with lines written the same way",
                              "ko": "{index}에 대한 합 밖의 x_{index}: 샘플 하나에 대한 줄로, 같은 "
                                    "방식으로 쓴 줄하고만 비교한다"},
    "working.read_sample": {"en": "{name} inside the sum over {index} read as {read}",
                            "ko": "{index}에 대한 합 안의 {name}를 {read}로 읽었다"},
    "working.read_entry": {"en": "{name} read as the entry {entry} of {matrix}",
                           "ko": "{name}를 {matrix}의 성분 {entry}로 읽었다"},
    "working.read_nodes": {"en": "{name}(…) read as the vector of its nodes {nodes}",
                           "ko": "{name}(…)를 노드들의 벡터 {nodes}로 읽었다"},
    "working.text": {"en": "the working must be text", "ko": "풀이는 텍스트여야 한다"},
    "working.nul": {"en": "the working contains a NUL byte (line {line})",
                    "ko": "풀이에 NUL 바이트가 있다 ({line}번째 줄)"},
    "working.long": {"en": "the working is {length} characters long; at most {most}",
                     "ko": "풀이가 {length}자로, 최대 {most}자보다 길다"},
    "working.lines": {"en": "the working has {count} lines; at most {most} (of which {maths} of "
                            "mathematics)",
                      "ko": "풀이가 {count}줄이다. 최대 {most}줄 (그중 수식은 {maths}줄)"},
    "working.line_long": {"en": "line {line} is {length} characters long; at most {most}",
                          "ko": "{line}번째 줄이 {length}자로, 최대 {most}자보다 길다"},
    "working.maths_lines": {"en": "the working has more than {most} lines of mathematics",
                            "ko": "풀이의 수식이 {most}줄보다 많다"},
    "working.empty": {"en": "the working is empty: no line of mathematics in it",
                      "ko": "풀이가 비어 있다: 수식이 한 줄도 없다"},
    "working.unclosed": {"en": "unbalanced {mark} near line {line}: it is never closed",
                         "ko": "{line}번째 줄 근처의 짝이 맞지 않는 {mark}: 닫히지 않았다"},
    "working.environment": {"en": "line {line}: the environment {name} is not read; use one of "
                                  "aligned, align*, gather, equation",
                            "ko": "{line}번째 줄: 환경 {name}는 읽지 않는다. aligned, align*, gather, "
                                  "equation 중 하나를 쓴다"},
    "working.end_without": {"en": "line {line}: \\end{{{name}}} without a \\begin{{{name}}}",
                            "ko": "{line}번째 줄: \\begin{{{name}}} 없는 \\end{{{name}}}"},
    "working.end_closes": {"en": "line {line}: \\end{{{name}}} closes \\begin{{{other}}} of line "
                                 "{at}",
                           "ko": "{line}번째 줄: \\end{{{name}}}가 {at}번째 줄의 \\begin{{{other}}}를 "
                                 "닫는다"},
    "working.begin_unclosed": {"en": "line {line}: \\begin{{{name}}} is never closed",
                               "ko": "{line}번째 줄: \\begin{{{name}}}가 닫히지 않았다"},
    "working.remark": {"en": "remark: {text}", "ko": "주석: {text}"},
})

# --- gradcheck (its sentences are kernels/gradcheck.py's MESSAGES, already in both) ---
MESSAGES.update({
    "gradcheck.error": {"en": "error", "ko": "오류"},
})

# --- train -------------------------------------------------------------------------------
MESSAGES.update({
    "train.head": {"en": "{loss} on {source}: {samples} samples, target {target}, lr {lr}, {batch}",
                   "ko": "{loss}, 데이터 {source}: 샘플 {samples}개, 목표 {target}, 학습률 {lr}, "
                         "{batch}"},
    "train.shipped": {"en": "{file} (shipped with derivator)", "ko": "{file} (derivator에 포함된 데이터)"},
    "train.minibatches": {"en": "mini-batches of {size}", "ko": "미니배치 {size}개씩"},
    "train.full_batch": {"en": "full batch", "ko": "전체 배치"},
    "train.epoch": {"en": "epoch", "ko": "에폭"},
    "train.loss": {"en": "loss", "ko": "손실"},
    "train.result": {"en": "final loss {loss}, {label} {value} ({samples} samples, {features} "
                           "standardised features)",
                     "ko": "최종 손실 {loss}, {label} {value} (샘플 {samples}개, 표준화한 특성 "
                           "{features}개)"},
    "train.accuracy": {"en": "accuracy", "ko": "정확도"},
    "train.constant": {"en": "undefined (the target is constant)",
                       "ko": "정의되지 않음 (목표가 상수이다)"},
    "train.diverged": {"en": "training diverged ({why}); try a smaller --lr",
                       "ko": "학습이 발산했다 ({why}). 더 작은 --lr을 써 본다"},
    "train.rising": {
        "en": "warning: the loss rose in {count} of {epochs} epochs (first at epoch {first}): "
              "the step is too large for this loss; try a smaller --lr",
        "ko": "경고: {epochs}에폭 중 {count}에폭에서 손실이 커졌다 (처음은 {first}에폭): 이 손실에는 "
              "걸음이 너무 크다. 더 작은 --lr을 써 본다"},
    "train.scaled": {
        "en": "the loss is a sum over the {samples} samples: the default step is --lr 0.1 "
              "divided by {samples}",
        "ko": "손실이 샘플 {samples}개에 대한 합이므로, 기본 걸음은 --lr 0.1을 {samples}로 나눈 값이다"},
    "train.cannot": {"en": "cannot train {name}; losses: {losses}",
                     "ko": "{name}는 학습할 수 없다. 손실: {losses}"},
    "train.data_target": {"en": "--data needs --target COLUMN (the column to predict)",
                          "ko": "--data에는 --target COLUMN(예측할 열)이 필요하다"},
    "train.target_data": {"en": "--target needs --data FILE.csv (the default dataset has its own)",
                          "ko": "--target에는 --data FILE.csv가 필요하다 (기본 데이터에는 목표가 "
                                "정해져 있다)"},
    "train.no_size": {"en": "--size {text}: {name} has no size {size}",
                      "ko": "--size {text}: {name}에는 크기 {size}가 없다"},
    "train.sizes": {"en": "sizes: {sizes}", "ko": "크기: {sizes}"},
    "train.size_whole": {"en": "--size {text}: the size must be a whole number, at least 1",
                         "ko": "--size {text}: 크기는 1 이상의 정수여야 한다"},
})

# --- lint -------------------------------------------------------------------------------
MESSAGES.update({
    "lint.ok": {"en": "{path}: ok: by {var}, {steps} steps verified in {seconds} s; result "
                      "{result}",
                "ko": "{path}: 정상: {var}에 대해 {steps}단계를 {seconds}초 만에 검증했다. 결과 "
                      "{result}"},
    "lint.step": {"en": "{path}: --wrt {var}: step {n} ({rule}) does not follow from the line "
                        "before: {detail}",
                  "ko": "{path}: --wrt {var}: {n}단계({rule})가 앞 줄에서 나오지 않는다: {detail}"},
    "lint.failed": {"en": "{path}: --wrt {var}: {message}", "ko": "{path}: --wrt {var}: {message}"},
    "lint.cannot_verify": {"en": "cannot verify: {error}", "ko": "검증할 수 없다: {error}"},
    "lint.no_files": {"en": "{folder}: no problem files (*.toml) in this folder",
                      "ko": "{folder}: 이 폴더에는 문제 파일(*.toml)이 없다"},
    "lint.missing": {"en": "{path}: no such file or folder", "ko": "{path}: 그런 파일이나 폴더가 없다"},
})

# --- problem files and the names of derivations ---------------------------------------------
MESSAGES.update({
    "frame.path": {"en": "{path}: {message}", "ko": "{path}: {message}"},
    "frame.path_line": {"en": "{path}:{line}: {message}", "ko": "{path}:{line}: {message}"},
    "file.missing": {"en": "no such file", "ko": "그런 파일이 없다"},
    "file.directory": {"en": "is a directory, not a problem file",
                       "ko": "문제 파일이 아니라 폴더이다"},
    "file.not_utf8": {"en": "not UTF-8 text ({why})", "ko": "UTF-8 텍스트가 아니다 ({why})"},
    "file.toml": {"en": "not valid TOML: {why}",
                  # the reason is tomllib's own English, quoted as it is
                  "ko": "올바른 TOML이 아니다. tomllib의 설명: `{why}`"},
    "file.large": {"en": "the file is larger than {most} bytes",
                   "ko": "파일이 {most}바이트보다 크다"},
    "file.cannot_read": {"en": "cannot read {path}: no such file",
                         "ko": "{path}를 읽을 수 없다: 그런 파일이 없다"},
    "derive.unknown": {"en": "unknown derivation {name}; known: {known}",
                       "ko": "알 수 없는 유도 {name}. 아는 유도: {known}"},
    "derive.no_parameter": {"en": "{name} has no parameter {wrt}; differentiate with respect to "
                                  "{params}",
                            "ko": "{name}에는 변수 {wrt}가 없다. {params}로 미분한다"},
    "derive.or": {"en": "{a} or {b}", "ko": "{a} 또는 {b}"},
    "derive.only": {"en": "{name} is differentiated with respect to {wrt} only",
                    "ko": "{name}는 {wrt}로만 미분한다"},
    "derive.one_route": {"en": "{name}: a problem file has one route, its own",
                         "ko": "{name}: 문제 파일의 경로는 하나, 그 파일 자신의 것뿐이다"},
    "derive.unknown_problem": {"en": "unknown problem {name}; known: {known}",
                               "ko": "알 수 없는 문제 {name}. 아는 문제: {known}"},
    "derive.not_a_loss": {"en": "{name} is not a loss over samples; kernels: {kernels}",
                          "ko": "{name}는 샘플에 대한 손실이 아니다. 커널: {kernels}"},
})

# --- pictures (render/plots.py) --------------------------------------------------------------
MESSAGES.update({
    "plot.needs_matplotlib": {"en": "--plot needs matplotlib: pip install \"derivator[plot]\"",
                              "ko": "--plot에는 matplotlib이 필요하다: pip install \"derivator[plot]\""},
    "plot.nothing": {"en": "{name} applies no function of one variable to plot (bce, sigmoid, p2 "
                           "and p3 have one)",
                     "ko": "{name}에는 그릴 일변수 함수가 없다 (bce, sigmoid, p2, p3에는 있다)"},
    "plot.activation": {"en": "{name} and its derivative", "ko": "{name}와 그 도함수"},
    "plot.loss": {"en": "the loss of {name} during training", "ko": "학습 중 {name}의 손실"},
    "plot.wrote": {"en": "wrote {path}", "ko": "{path}를 썼다"},
})

# --- the command line -------------------------------------------------------------------
MESSAGES.update({
    "cli.error": {"en": "derivator: error: {message}", "ko": "derivator: 오류: {message}"},
    "cli.usage_error": {"en": "{prog}: error: {message}", "ko": "{prog}: 오류: {message}"},
    "cli.wrote": {"en": "wrote {file}: edit it, then `derivator lint {file}` and `derivator show "
                        "{file}`",
                  "ko": "{file}를 썼다: 고친 다음 `derivator lint {file}`, `derivator show {file}`를 "
                        "실행한다"},
    "cli.exists": {"en": "{file} exists already; it was not overwritten",
                   "ko": "{file}가 이미 있어서 덮어쓰지 않았다"},
    "cli.toml_name": {"en": "{file}: a problem file's name ends in .toml",
                      "ko": "{file}: 문제 파일의 이름은 .toml로 끝난다"},
    "cli.standalone": {"en": "--standalone goes with --format latex",
                       "ko": "--standalone은 --format latex와 함께 쓴다"},
    "cli.needs_file": {"en": "--{option} needs --file ANSWERS.csv",
                       "ko": "--{option}에는 --file ANSWERS.csv가 필요하다"},
    "cli.needs_answer": {"en": "check needs PROBLEM and ANSWER (or --file ANSWERS.csv)",
                         "ko": "check에는 PROBLEM과 ANSWER(또는 --file ANSWERS.csv)가 필요하다"},
    "cli.working_args": {"en": "check --working FILE needs PROBLEM and no ANSWER",
                         "ko": "check --working FILE에는 PROBLEM만 필요하고 ANSWER는 쓰지 않는다"},
    "cli.function": {"en": "give the function as FILE.py:FUNC (e.g. my_solution.py:grad); got "
                           "{got}",
                     "ko": "함수는 FILE.py:FUNC 꼴로 준다 (예: my_solution.py:grad). 받은 것: {got}"},
    "cli.utf8": {"en": "{what} is not valid UTF-8 (a bad byte at character {n})",
                 "ko": "{what}가 올바른 UTF-8이 아니다 ({n}번째 글자에 잘못된 바이트)"},
    "cli.the_problem_name": {"en": "the problem's name", "ko": "문제 이름"},
    "cli.the_answer": {"en": "the answer", "ko": "답"},
    "cli.stdin_closed": {"en": "no answer on stdin: it is closed",
                         "ko": "표준 입력에 답이 없다: 닫혀 있다"},
    "cli.cannot_read": {"en": "cannot read {path}: {why}", "ko": "{path}를 읽을 수 없다: {why}"},
    "cli.not_utf8": {"en": "{path} is not UTF-8 text: {why} at byte {n}",
                     "ko": "{path}는 UTF-8 텍스트가 아니다: {n}번째 바이트에서 {why}"},
    "cli.too_long": {"en": "{path}: the working is longer than {most} characters",
                     "ko": "{path}: 풀이가 {most}자보다 길다"},
    "cli.unknown_problem": {
        "en": "unknown problem {name}; check accepts: {problems} (or 1a … 7b), the notes' "
              "derivations {routes}, and a problem file FILE.toml",
        "ko": "알 수 없는 문제 {name}. check가 받는 것: {problems} (또는 1a … 7b), 노트의 유도 "
              "{routes}, 문제 파일 FILE.toml"},
    "cli.positive": {"en": "{text} must be a finite number greater than 0",
                     "ko": "{text}는 0보다 큰 유한한 수여야 한다"},
    "cli.not_integer": {"en": "{text} is not an integer", "ko": "{text}는 정수가 아니다"},
    "cli.not_number": {"en": "{text} is not a number", "ko": "{text}는 수가 아니다"},
    # argparse's own sentences
    "argparse.required": {"en": "the following arguments are required: {args}",
                          "ko": "다음 인수가 필요하다: {args}"},
    "argparse.unrecognized": {"en": "unrecognized arguments: {args}",
                              "ko": "알 수 없는 인수: {args}"},
    "argparse.choice": {"en": "argument {arg}: invalid choice: {got} (choose from {choices})",
                        "ko": "인수 {arg}: 잘못된 값 {got} (가능한 값: {choices})"},
    "argparse.argument": {"en": "argument {arg}: {message}", "ko": "인수 {arg}: {message}"},
    "argparse.expected_one": {"en": "expected one argument", "ko": "값이 하나 필요하다"},
    "argparse.invalid": {"en": "invalid {kind} value: {got}", "ko": "잘못된 {kind} 값: {got}"},
    "argparse.usage": {"en": "usage: ", "ko": "사용법: "},
    "argparse.positional": {"en": "positional arguments:", "ko": "위치 인수:"},
    "argparse.options": {"en": "options:", "ko": "옵션:"},
    "argparse.help": {"en": "show this help message and exit", "ko": "이 도움말을 보이고 끝낸다"},
})

# --- what an answer may look like (answers/read/syntax.py: check --syntax, check --help) ------
MESSAGES.update({
    "syntax.head": {"en": "What an answer may look like (plain text or LaTeX, as in your notes)",
                    "ko": "답을 쓰는 방법 (일반 텍스트 또는 LaTeX, 노트에 쓰듯이)"},
    "syntax.names": {"en": "Names: the problem's own, plain or bold; one-letter names may run "
                           "together",
                     "ko": "이름: 문제의 이름 그대로, 보통 글꼴이나 굵은 글꼴. 한 글자 이름은 붙여 "
                           "써도 된다"},
    "syntax.transposes": {"en": "Transposes and inverses", "ko": "전치와 역행렬"},
    "syntax.products": {"en": "Products, powers and fractions", "ko": "곱, 거듭제곱, 분수"},
    "syntax.functions": {"en": "Functions (of a vector: entry by entry)",
                         "ko": "함수 (벡터에 쓰면 성분마다)"},
    "syntax.matrices": {"en": "Matrices built from vectors, entry-by-entry powers, the identity "
                              "(its size is its neighbour's)",
                        "ko": "벡터로 만든 행렬, 성분별 거듭제곱, 단위 행렬 (크기는 이웃한 행렬의 "
                              "크기)"},
    "syntax.sums": {"en": "Sums over samples or indices (a sum covers the product after it)",
                    "ko": "샘플이나 인덱스에 대한 합 (합은 그 뒤의 곱 전체에 걸린다)"},
    "syntax.lhs": {"en": "A left-hand side naming what is asked (read, checked and dropped)",
                   "ko": "묻는 것을 가리키는 좌변 (읽고, 확인하고, 뗀다)"},
    "syntax.entries": {"en": "Entries, where the problem's answer is a matrix or a vector",
                       "ko": "문제의 답이 행렬이나 벡터일 때의 성분"},
    "syntax.wrapping": {"en": "Wrapping and decoration, ignored", "ko": "감싸는 기호와 장식은 무시한다"},
    "syntax.not_read": {"en": "Not read", "ko": "읽지 않는 것"},
    "syntax.ambiguous": {"en": "a/2 x is ambiguous: write (a/2) x or a/(2 x)",
                         "ko": "a/2 x는 모호하다: (a/2) x 또는 a/(2 x)로 쓴다"},
    "syntax.undeclared": {"en": "a name the problem does not declare is an error that names it "
                                "(never a guess)",
                          "ko": "문제가 선언하지 않은 이름은 그 이름을 밝힌 오류가 된다 (짐작하지 "
                                "않는다)"},
    "syntax.range": {"en": "an index outside its range (x_0, x_{{N+1}}) is an error, never a "
                           "wrap-around",
                     "ko": "범위 밖의 인덱스 (x_0, x_{{N+1}})는 오류이다 (처음으로 돌아가지 않는다)"},
    "syntax.never_run": {"en": "nothing typed is ever run as code",
                         "ko": "입력한 어떤 것도 코드로 실행하지 않는다"},
})

# --- the command line's --help, sentence by sentence (cli.py's help= texts) ----------------
MESSAGES.update({
    "help.description": {"en": "Step-by-step derivations of ML gradients, every step checked.",
                         "ko": "머신러닝 기울기의 단계별 유도, 모든 단계를 검증한다."},
    "help.list": {"en": "the derivations it knows, one line each",
                  "ko": "아는 유도 목록, 한 줄에 하나씩"},
    "help.lang": {"en": "en (default) or ko", "ko": "en (기본값) 또는 ko"},
    "help.problems": {"en": "problems 1-7 with their statements", "ko": "문제 1-7과 그 문제문"},
    "help.show": {"en": "show a derivation step by step", "ko": "유도를 단계별로 보인다"},
    "help.name": {"en": "a derivation (see `derivator list`)",
                  "ko": "유도 이름 (`derivator list` 참고)"},
    "help.wrt": {"en": "the parameter to differentiate by (default: the first)",
                 "ko": "미분할 변수 (기본값: 첫 번째 파라미터)"},
    "help.route": {"en": "another route to the same result, from the course's other notes (see "
                         "`derivator list`)",
                   "ko": "강의의 다른 노트를 따르는, 같은 결과에 이르는 다른 경로 "
                         "(`derivator list` 참고)"},
    "help.format": {"en": "rich (default, terminal), text, latex, markdown or json",
                    "ko": "rich (기본값, 터미널), text, latex, markdown 또는 json"},
    "help.standalone": {"en": "with --format latex: a whole document for xelatex",
                        "ko": "--format latex와 함께: xelatex용 완결된 문서"},
    "help.plot": {"en": "also write a picture of the functions as PNG (needs matplotlib: pip "
                        "install \"derivator[plot]\")",
                  "ko": "함수의 그림도 PNG로 쓴다 (matplotlib 필요: pip install \"derivator[plot]\")"},
    "help.handout": {"en": "all derivations (or the names given) as one document to print or open",
                     "ko": "모든 유도(또는 지정한 유도)를 인쇄하거나 열어 볼 하나의 문서로"},
    "help.names": {"en": "derivations (default: all)", "ko": "유도 이름들 (기본값: 전부)"},
    "help.handout_format": {"en": "latex (default, for xelatex) or html",
                            "ko": "latex (기본값, xelatex용) 또는 html"},
    "help.check": {"en": "check an answer to problems 1-7", "ko": "문제 1-7의 답을 채점한다"},
    "help.problem": {"en": "p1a ... p7b, or 1a ... 7b, or a problem file FILE.toml",
                     "ko": "p1a ... p7b, 또는 1a ... 7b, 또는 문제 파일 FILE.toml"},
    "help.answer": {"en": "plain text or LaTeX; - reads stdin",
                    "ko": "일반 텍스트 또는 LaTeX. -이면 표준 입력에서 읽는다"},
    "help.file": {"en": "a whole class: a CSV with columns student,problem,answer",
                  "ko": "한 반 전체: student,problem,answer 열이 있는 CSV"},
    "help.output": {"en": "with --file: results.json gets every verdict with its points, "
                          "grades.csv the gradebook (a row per student, a column per problem, the "
                          "total); may be given twice; written whole at the end, never over the "
                          "class file",
                    "ko": "--file과 함께: results.json에는 모든 판정과 점수가, grades.csv에는 "
                          "성적표(학생마다 한 행, 문제마다 한 열, 합계)가 들어간다. 두 번 줄 수 있다. "
                          "끝에 한 번에 쓰며, 답안 파일을 덮어쓰지 않는다"},
    "help.timeout": {"en": "seconds allowed per check (5); a check that runs longer is reported "
                           "as timeout (exit status 3)",
                     "ko": "채점 하나에 허용하는 초 (5). 더 오래 걸리면 시간 초과로 보고한다 "
                           "(종료 코드 3)"},
    "help.check_format": {"en": "rich (default) or json", "ko": "rich (기본값) 또는 json"},
    "help.syntax": {"en": "what an answer may look like, with examples, and stop",
                    "ko": "답을 쓰는 방법을 예와 함께 보이고 끝낸다"},
    "help.working": {"en": "a whole working (plain text, LaTeX or Markdown; - reads stdin): every "
                           "step judged, the first wrong one named, the last line judged as the "
                           "answer",
                     "ko": "풀이 전체 (일반 텍스트, LaTeX 또는 Markdown. -이면 표준 입력): 모든 "
                           "단계를 채점하고, 처음 틀린 단계를 짚고, 마지막 줄을 답으로 채점한다"},
    "help.resume": {"en": "with --file: keep the verdicts of an interrupted run "
                          "(ANSWERS.csv.partial) and check only the rest",
                    "ko": "--file과 함께: 중단된 실행의 판정(ANSWERS.csv.partial)을 그대로 두고 "
                          "나머지만 채점한다"},
    "help.feedback": {"en": "with --file: one Markdown file per student in DIR",
                      "ko": "--file과 함께: DIR에 학생마다 Markdown 파일 하나"},
    "help.check_lang": {"en": "en (default) or ko: the labels around a verdict or a --working "
                              "verdict; with --file, the table and --feedback",
                        "ko": "en (기본값) 또는 ko: 판정과 --working 판정의 문장. --file이면 표와 "
                              "--feedback도"},
    "help.dask": {"en": "with --file: judge on a Dask cluster (pip install 'derivator[dask]'); "
                        "local starts one on this machine",
                  "ko": "--file과 함께: Dask 클러스터에서 채점한다 (pip install "
                        "'derivator[dask]'). local이면 이 컴퓨터에서 하나를 띄운다"},
    "help.lint": {"en": "load a problem file, derive it and verify every step; one line per "
                        "problem found",
                  "ko": "문제 파일을 읽어 유도하고 모든 단계를 검증한다. 찾은 문제마다 한 줄"},
    "help.lint_files": {"en": "problem files, or folders of them",
                        "ko": "문제 파일들, 또는 문제 파일이 든 폴더"},
    "help.new": {"en": "write a commented problem file to start from",
                 "ko": "출발점이 될, 주석 달린 문제 파일을 쓴다"},
    "help.train": {"en": "gradient descent with a generated kernel",
                   "ko": "생성한 커널로 경사 하강법"},
    "help.loss": {"en": "bce, mse, p2, p3, p7b: a loss over samples",
                  "ko": "bce, mse, p2, p3, p7b: 샘플에 대한 손실"},
    "help.data": {"en": "a CSV file with a header row (default: the dataset that ships for the "
                        "loss)",
                  "ko": "머리 행이 있는 CSV 파일 (기본값: 그 손실에 딸린 데이터)"},
    "help.target": {"en": "the column to predict", "ko": "예측할 열"},
    "help.lr": {"en": "learning rate (0.1)", "ko": "학습률 (0.1)"},
    "help.lr_scaled": {"en": "learning rate (0.1; divided by the number of samples when the loss "
                             "is a sum over them)",
                       "ko": "학습률 (0.1. 손실이 샘플에 대한 합이면 샘플 수로 나눈다)"},
    "help.epochs": {"en": "passes (1000)", "ko": "반복 횟수 (1000)"},
    "help.batch": {"en": "mini-batch size (default: the full batch)",
                   "ko": "미니배치 크기 (기본값: 전체 배치)"},
    "help.seed": {"en": "shuffling seed (0)", "ko": "섞기 시드 (0)"},
    "help.train_format": {"en": "rich (default: a progress bar) or json (the loss history)",
                          "ko": "rich (기본값: 진행 막대) 또는 json (손실 기록)"},
    "help.size": {"en": "a hidden size the data does not give, e.g. M=16 for p7b (8)",
                  "ko": "데이터가 정하지 않는 은닉 크기, 예: p7b에 M=16 (8)"},
    "help.train_plot": {"en": "also write the loss curve as a PNG (needs matplotlib: pip "
                              "install \"derivator[plot]\")",
                        "ko": "손실 곡선도 PNG로 쓴다 (matplotlib 필요: pip install "
                              "\"derivator[plot]\")"},
    "help.gradcheck": {"en": "check your own gradient function against the derivation (runs "
                             "FILE.py in a worker)",
                       "ko": "직접 작성한 기울기 함수를 유도 결과와 비교한다 (FILE.py를 작업 "
                             "프로세스에서 실행)"},
    "help.gradcheck_problem": {"en": "p2, p3, p7b, bce, mse", "ko": "p2, p3, p7b, bce, mse"},
    "help.function": {"en": "your function, called as FUNC(params..., X, y)",
                      "ko": "작성한 함수, FUNC(params..., X, y)로 호출한다"},
    "help.gradcheck_wrt": {"en": "the parameter FUNC's gradient is for, when it returns one "
                                 "array (default: the problem's)",
                           "ko": "FUNC가 배열 하나를 돌려줄 때, 그 기울기의 변수 (기본값: 문제의 "
                                 "변수)"},
    "help.gradcheck_timeout": {"en": "seconds allowed (10)", "ko": "허용하는 초 (10)"},
    "help.epilog_exit": {
        "en": "exit status, one answer: 0 correct, 1 incorrect, 2 unreadable or bad input,\n"
              "  3 out of time.\n"
              "exit status, --file: 0 when every row was judged (correct or incorrect), 1 when\n"
              "  any row was unreadable or timed out, 2 for a bad class file.\n"
              "With --file, verdicts are kept in ANSWERS.csv.partial as they are decided; after\n"
              "an interruption, the same command with --resume goes on from there.",
        "ko": "종료 코드, 답 하나: 0 정답, 1 오답, 2 읽을 수 없거나 잘못된 입력,\n"
              "  3 시간 초과.\n"
              "종료 코드, --file: 0 모든 행을 채점함 (정답 또는 오답), 1 읽을 수 없거나\n"
              "  시간 초과인 행이 있음, 2 잘못된 답안 파일.\n"
              "--file이면 판정은 정해지는 대로 ANSWERS.csv.partial에 저장된다. 중단된 뒤에는\n"
              "같은 명령에 --resume을 붙여 이어서 채점한다."},
})

# --- the other branches' sentences (wave 3): help, the syntax guide, workings, guesses ----
MESSAGES.update({
    "help.hint": {"en": "the next step for a partial working (its rule and explanation), or "
                        "where it went wrong",
                  "ko": "쓰다 만 풀이의 다음 단계 (그 규칙과 설명), 또는 어디서 틀렸는지"},
    "help.hint_problem": {"en": "p1a ... p7b, bce, bce-mle, ...",
                          "ko": "p1a ... p7b, bce, bce-mle, ..."},
    "help.hint_working": {"en": "the working so far (plain text, LaTeX or Markdown; - reads stdin)",
                          "ko": "지금까지의 풀이 (일반 텍스트, LaTeX 또는 Markdown; -이면 표준 "
                                "입력에서 읽는다)"},
    "help.hint_reveal": {"en": "also show what the next step gives (its result)",
                         "ko": "다음 단계가 내는 결과도 보여 준다"},
    "help.require_sandbox": {"en": "refuse to run FILE.py unless bubblewrap confines it",
                             "ko": "bubblewrap이 가두지 못하면 FILE.py를 실행하지 않는다"},
    "help.train_set": {"en": "a hyperparameter of the loss, e.g. lam=0.1 (default: the file's)",
                       "ko": "손실의 초매개변수, 예: lam=0.1 (기본값: 파일에 적힌 값)"},
    "help.check_report": {"en": "with --file: what the class got wrong, per problem (named "
                                "mistakes, wrong answers grouped, wrong entries, the steps to "
                                "revisit, where workings go wrong), in --lang",
                          "ko": "--file과 함께: 반 학생들이 문제마다 무엇을 틀렸는지 (이름 붙은 "
                                "실수, 같은 오답끼리 묶음, 틀린 성분, 다시 볼 단계, 풀이가 틀어지는 "
                                "곳), --lang의 언어로"},
    "help.check_output": {"en": "with --file: --output DIR gets a Gradescope results.json per "
                                "student; --output GRADES.csv the gradebook as Canvas or Moodle "
                                "imports it",
                          "ko": "--file과 함께: --output DIR이면 학생마다 Gradescope results.json을, "
                                "--output GRADES.csv이면 Canvas나 Moodle이 가져오는 성적부를 쓴다"},
    "syntax.dialects": {"en": "Other dialects, chosen by what the text contains and said in "
                              "'read as': code from a notebook (Python's ast, never run: * and ** "
                              "entrywise, @ a matrix product), Word's linear format, MathType's "
                              "TeX, prose around the formula (set aside)",
                        "ko": "다른 표기법: 글의 내용으로 고르고 '읽은 식'에 밝힌다. 노트북의 코드 "
                              "(Python의 ast로 읽고 실행하지 않는다: *와 **는 성분별, @는 행렬 곱), "
                              "Word 수식 선형 형식, MathType의 TeX, 수식 둘레의 글 (제외한다)"},
    "working.spans_follows_1": {"en": "follows from line {before}; the step spans line {span}, "
                                      "which could not be read",
                                "ko": "{before}번째 줄에서 나온다. 이 단계는 읽지 못한 {span}번째 "
                                      "줄을 건너뛴다"},
    "working.spans_follows": {"en": "follows from line {before}; the step spans lines {span}, "
                                    "which could not be read",
                              "ko": "{before}번째 줄에서 나온다. 이 단계는 읽지 못한 {span}번째 "
                                    "줄을 건너뛴다"},
    "working.spans_unjudged_1": {"en": "does not follow from line {before}, but line {span} in "
                                       "between could not be read, so this step is not judged; a "
                                       "person should look",
                                 "ko": "{before}번째 줄에서 나오지 않지만, 사이의 {span}번째 줄을 "
                                       "읽지 못해 이 단계는 채점하지 않는다. 사람이 확인해야 한다"},
    "working.spans_unjudged": {"en": "does not follow from line {before}, but lines {span} in "
                                     "between could not be read, so this step is not judged; a "
                                     "person should look",
                               "ko": "{before}번째 줄에서 나오지 않지만, 사이의 {span}번째 줄을 "
                                     "읽지 못해 이 단계는 채점하지 않는다. 사람이 확인해야 한다"},
    "read.loose": {"en": "{what}: {formula} (loose notation)",
                   "ko": "{what}: {formula} (느슨한 표기)"},
    "read.loose_odot": {"en": "a product of two vectors of the same shape read as entrywise",
                        "ko": "같은 모양의 두 벡터의 곱을 성분별 곱으로 읽음"},
    "read.loose_power": {"en": "a power of a vector read as entrywise",
                         "ko": "벡터의 거듭제곱을 성분별 거듭제곱으로 읽음"},
    "read.loose_code_vm": {"en": "a 1-D NumPy vector times a matrix, v @ M, read as Mᵀv",
                           "ko": "1차원 NumPy 벡터와 행렬의 곱 v @ M을 Mᵀv로 읽음"},
    "read.loose_code_rm": {"en": "a column times a matrix entry by entry, NumPy's broadcasting: "
                                 "r * M read as diag(r) M",
                           "ko": "열 벡터와 행렬의 성분별 곱 (NumPy의 브로드캐스팅): r * M을 "
                                 "diag(r) M으로 읽음"},
    "read.loose_code_mr": {"en": "a matrix times a column entry by entry, NumPy's broadcasting: "
                                 "M * r read as diag(r) M",
                           "ko": "행렬과 열 벡터의 성분별 곱 (NumPy의 브로드캐스팅): M * r을 "
                                 "diag(r) M으로 읽음"},
})


def _compared_variants():
    """The checker says what a line was compared with by rewording "the one before": "its
    own left-hand side L" or "the one before (line n)" (answers/judge/working.py
    `_compared_with`). Each note about the line before gets both variants, in both
    languages, so that no rewording is left untranslated."""
    found = {}
    for key, entry in list(MESSAGES.items()):
        en, ko = entry["en"], entry.get("ko", "")
        if "the one before" not in en or "앞 줄" not in ko:
            continue
        found[key + ".own_side"] = {
            "en": en.replace("the one before", "its own left-hand side {own_side}", 1),
            "ko": re.sub(r"앞 줄(과|와|의|에)?",
                         lambda m: "자기 좌변 {own_side}" + (m.group(1) or ""), ko, count=1)}
        found[key + ".line_before"] = {
            "en": en.replace("the one before", "the one before (line {line_before})", 1),
            "ko": ko.replace("앞 줄", "앞 줄({line_before}번째 줄)", 1)}
    return found


MESSAGES.update(_compared_variants())


def read_as_text(text, lang="en"):
    """`read as` in `lang`: the formula as it is, what the reader added in brackets
    ("[guessed: …; set aside: …]") translated. Each part is "word: items"; the word is one
    of the reader's own (answers/read/dialects.py)."""
    if lang == "en" or not text:
        return text
    formula, bracket, said = text.partition("   [")
    if not bracket or not said.endswith("]"):
        return text
    from ..answers.read.dialects import MESSAGES as WORDS, NAMES
    words = {w["en"]: w[lang] for w in WORDS.values()}
    names = {n["en"]: n[lang] for n in NAMES.values()}
    parts = []
    for part in said[:-1].split("; "):
        word, colon, items = part.partition(": ")
        if part in names:
            parts.append(names[part])
        elif colon and word in words:
            parts.append(f"{words[word]}: {translate(items, lang)}")
        else:                           # an item of the part before ("; " joins guesses)
            parts.append(translate(part, lang))
    return f"{formula}   [{'; '.join(parts)}]"

# --- what the derivations and the reader refuse (issue 21's sentences) ----------------
MESSAGES.update({
    "derive.not_closed_form": {"en": "{name}: by {wrt}, the derivation stops at {left}: no rule "
                                     "applies to it, so there is no closed form (yet)",
                               "ko": "{name}: {wrt}에 대한 유도가 {left}에서 멈춘다. 여기에 적용되는 "
                                     "규칙이 (아직) 없어 닫힌 형태가 없다"},
    "scope.abs": {"en": "abs(...) is out of scope: |t| has no derivative at 0 (the lasso's "
                        "subgradient is not derived)",
                  "ko": "abs(...)는 다루지 않는다: |t|는 0에서 미분할 수 없다 (라소의 "
                        "하방미분은 유도하지 않는다)"},
    "scope.max": {"en": "max(...) is out of scope: a hinge max(0, 1 - t) has no derivative at its "
                        "kink; relu(t) = max(0, t) is in scope, with the step function as its "
                        "derivative",
                  "ko": "max(...)는 다루지 않는다: 힌지 max(0, 1 - t)는 꺾이는 점에서 미분할 수 "
                        "없다. relu(t) = max(0, t)는 다루며, 그 도함수는 계단 함수이다"},
    "scope.min": {"en": "min(...) is out of scope: min(a, b) has no derivative where a = b (the "
                        "Huber loss's pieces are not derived)",
                  "ko": "min(...)는 다루지 않는다: min(a, b)는 a = b인 곳에서 미분할 수 없다 "
                        "(Huber 손실의 조각들은 유도하지 않는다)"},
    "scope.sign": {"en": "sign(...) is out of scope: it jumps at 0, and its derivative is 0 "
                         "elsewhere",
                   "ko": "sign(...)는 다루지 않는다: 0에서 값이 뛰고, 그 밖에서는 도함수가 0이다"},
})

# --- problem files: what `lint` and `load` say is wrong (model/problemfile.py, reader.py) --
MESSAGES.update({
    "file.no_names": {"en": "a [names] table declaring every name (kind, shape) is needed",
                      "ko": "모든 이름을 (kind, shape로) 선언하는 [names] 표가 필요하다"},
    "file.title_text": {"en": "title must be text, or title.en and title.ko",
                        "ko": "title은 텍스트이거나 title.en과 title.ko여야 한다"},
    "file.notes_text": {"en": "notes must be text, or notes.en and notes.ko",
                        "ko": "notes는 텍스트이거나 notes.en과 notes.ko여야 한다"},
    "file.statement_text": {"en": "statement must be text", "ko": "statement는 텍스트여야 한다"},
    "file.no_derive": {"en": "a [derive] table saying what is differentiated by what is needed",
                       "ko": "무엇을 무엇으로 미분하는지 적은 [derive] 표가 필요하다"},
    "file.no_wrt": {"en": "[derive] needs wrt, the name to differentiate by",
                    "ko": "[derive]에 미분할 변수의 이름 wrt가 필요하다"},
    "file.wrt_name": {"en": "wrt must be a name, or a list of names, to differentiate by",
                      "ko": "wrt는 미분할 변수의 이름이나 이름의 목록이어야 한다"},
    "file.index_letter": {"en": "index = {index} must be an index letter that is not a declared "
                                "name: one of {letters}",
                          "ko": "index = {index}는 선언된 이름이 아닌 인덱스 문자여야 한다: "
                                "{letters} 중 하나"},
    "file.no_definitions": {"en": "a loss needs [[definitions]]: name, params and body of each",
                            "ko": "손실에는 [[definitions]]가 필요하다: 각각의 name, params, body"},
    "file.target": {"en": "target must name one of the definitions: {names}",
                    "ko": "target은 정의 중 하나의 이름이어야 한다: {names}"},
    "file.too_many_terms": {"en": "the sums expand to {count} terms at the sizes they are checked "
                                  "at ({sizes}); at most {most}: declare smaller check sizes",
                            "ko": "검사하는 크기({sizes})에서 합이 {count}개 항으로 펼쳐진다. 최대 "
                                  "{most}개이니 더 작은 check 크기를 선언한다"},
    "file.nested": {"en": "tables or lists are nested more than {depth} deep",
                    "ko": "표나 목록이 {depth}단계보다 깊게 중첩되어 있다"},
    "file.id_letters": {"en": "{field} = {value} must be letters, digits, '.', '-' and '_'",
                        "ko": "{field} = {value}에는 문자, 숫자, '.', '-', '_'만 쓸 수 있다"},
    "file.unknown_key": {"en": "unknown key {field}; a problem file has: {keys}",
                         "ko": "알 수 없는 키 {field}. 문제 파일의 키: {keys}"},
    "file.name_table": {"en": "{name} must be a table such as {{ kind = \"scalar\" }}",
                        "ko": "{name}는 {{ kind = \"scalar\" }} 같은 표여야 한다"},
    "file.check_needed": {"en": "{name}: a {kind} needs check = [...], the values it is checked at",
                          "ko": "{name}: {kind}에는 검사할 값들 check = [...]가 필요하다"},
    "file.check_numbers": {"en": "{name}: check must list whole numbers from 1 to 8",
                           "ko": "{name}: check에는 1부터 8까지의 자연수를 적는다"},
    "file.domain": {"en": "{name}: domain must be [low, high]",
                    "ko": "{name}: domain은 [low, high]여야 한다"},
    "file.integer_domain": {"en": "{name}: an integer domain must hold from 1 to {most} whole "
                                  "numbers",
                            "ko": "{name}: 정수 domain에는 자연수가 1개에서 {most}개까지 있어야 한다"},
    "file.index_function": {"en": "an index problem needs [function] with name and index (matrix, "
                                  "the matrix form, is optional)",
                            "ko": "인덱스 문제에는 name과 index가 있는 [function]이 필요하다 "
                                  "(행렬 꼴인 matrix는 선택)"},
    "file.power": {"en": "[derive] needs power, the natural number k of tr(X^k)",
                   "ko": "[derive]에 tr(X^k)의 자연수 k인 power가 필요하다"},
    "file.wrt_declared": {"en": "wrt = {wrt} must be a declared matrix or vector",
                          "ko": "wrt = {wrt}는 선언된 행렬이나 벡터여야 한다"},
    "file.entry_letters": {"en": "entry must name {count} index letter(s) for the entries of {wrt}, "
                                 "from: {letters}",
                           "ko": "entry에는 {wrt}의 성분을 가리킬 인덱스 문자 {count}개를 {letters} "
                                 "중에서 적는다"},
    "file.params": {"en": "params must be a list of names", "ko": "params는 이름의 목록이어야 한다"},
    "file.cannot_build": {"en": "cannot build the loss from its definitions: {error}",
                          "ko": "정의로부터 손실을 만들 수 없다: {error}"},
    "file.line_break": {"en": "{field} holds a line break: a name or a title is one line",
                        "ko": "{field}에 줄바꿈이 있다: 이름이나 제목은 한 줄이다"},
    "file.control": {"en": "{field} holds the control character U+{code}",
                     "ko": "{field}에 제어 문자 U+{code}가 있다"},
    "file.unknown_name_key": {"en": "unknown key {field} for the name {name}",
                              "ko": "이름 {name}에 알 수 없는 키 {field}가 있다"},
    "file.size_undeclared": {"en": "{name}: the size {size} is not declared (add {size} = "
                                   "{{ kind = \"size\", check = [3] }})",
                             "ko": "{name}: 크기 {size}가 선언되지 않았다 ({size} = "
                                   "{{ kind = \"size\", check = [3] }}을 추가한다)"},
    "file.index_body": {"en": "[function] needs index, the function as a sum over indices",
                        "ko": "[function]에 인덱스에 대한 합으로 쓴 함수 index가 필요하다"},
    "file.sample_undeclared": {"en": "the sample {sample} is not declared (a name with sample = "
                                     "{sample})",
                               "ko": "샘플 {sample}가 선언되지 않았다 (sample = {sample}인 이름)"},
    "file.beyond": {"en": "{source}: cannot derive {what} by {wrt}: this form is beyond the "
                          "engine ({error})",
                    "ko": "{source}: {what}를 {wrt}로 미분할 수 없다: 이 꼴은 엔진이 다루지 "
                          "못한다 ({error})"},
    "file.sample_sum": {"en": "the sum over the samples runs from {low} to {high}; it must run "
                              "over every sample, {index}=1..{count}",
                        "ko": "샘플에 대한 합이 {low}부터 {high}까지이다. 모든 샘플, "
                              "{index}=1..{count}에 대해 더해야 한다"},
    "file.index_range": {"en": "{index} runs from {low} to {high} but indexes {base} along its size "
                               "{size} in {entry}: the sum should run from 1 to {size}",
                         "ko": "{index}는 {low}부터 {high}까지인데, {entry}에서 크기 {size}인 {base}의 "
                               "인덱스이다: 합은 1부터 {size}까지여야 한다"},
    "file.transpose": {"en": "only a matrix or a declared vector can be transposed",
                       "ko": "행렬이나 선언된 벡터만 전치할 수 있다"},
    "file.not_allowed": {"en": "{what} is not allowed in a problem file",
                         "ko": "문제 파일에는 {what}를 쓸 수 없다"},
    "file.divide_matrix": {"en": "cannot divide by a matrix; write inv(A) or A^{{-1}}",
                           "ko": "행렬로 나눌 수 없다. inv(A) 또는 A^{{-1}}로 쓴다"},
    "file.sum_terms": {"en": "this sum has more than {most} terms: a sum runs over a declared size, "
                             "such as i=1..N",
                       "ko": "이 합의 항이 {most}개보다 많다: 합은 i=1..N처럼 선언된 크기에 걸쳐 "
                             "더한다"},
    "file.product_terms": {"en": "this product has more than {most} terms: a sum runs over a "
                                 "declared size, such as i=1..N",
                           "ko": "이 곱의 항이 {most}개보다 많다: 곱은 i=1..N처럼 선언된 크기에 "
                                 "걸쳐 곱한다"},
    "file.not_supported": {"en": "{func}(...) is not supported in this form yet: write it with "
                                 "exp, log and a sum",
                           "ko": "{func}(...)는 이 꼴로는 아직 다루지 않는다: exp, log, 합으로 쓴다"},
    "file.inverse_entry": {"en": "only an entry of an inverse, inv(X)_{{ij}}, can be written here",
                           "ko": "여기에는 역행렬의 성분 inv(X)_{{ij}}만 쓸 수 있다"},
    "file.inverse_indices": {"en": "an entry of inv({base}) needs two indices",
                             "ko": "inv({base})의 성분에는 인덱스가 두 개 필요하다"},
    "file.one_argument": {"en": "{func} takes one argument", "ko": "{func}는 인자를 하나 받는다"},
})
MESSAGES.update({
    "file.unknown_strategy": {"en": "unknown strategy {strategy}; one of: {choices}",
                              "ko": "알 수 없는 strategy {strategy}. 다음 중 하나: {choices}"},
    "file.no_strategy": {"en": "no 'strategy'; one of: {choices}",
                         "ko": "'strategy'가 없다. 다음 중 하나: {choices}"},
    "file.count_size": {"en": "count = {count} must be a declared size",
                        "ko": "count = {count}는 선언된 크기여야 한다"},
    "file.not_identifier": {"en": "{field} = {value} is not {what}: a letter, then letters, digits "
                                  "and _subscripts (such as L_i)",
                            "ko": "{field} = {value}는 {what}가 아니다: 문자 하나 다음에 문자, 숫자, "
                                  "_아래첨자 (L_i처럼)"},
    "file.a_name": {"en": "a name", "ko": "이름"},
    "file.definition_table": {"en": "definition {k} must be a table: name, params, body",
                              "ko": "정의 {k}는 name, params, body가 있는 표여야 한다"},
    "file.unknown_kind": {"en": "{name}: unknown kind {kind}; one of: {choices}",
                          "ko": "{name}: 알 수 없는 kind {kind}. 다음 중 하나: {choices}"},
    "file.shape_1": {"en": "{name}: a {kind} needs a shape of {count} size name, e.g. shape = "
                           "{example}",
                     "ko": "{name}: {kind}에는 크기 이름 {count}개의 shape가 필요하다. 예: shape = "
                           "{example}"},
    "file.shape": {"en": "{name}: a {kind} needs a shape of {count} size names, e.g. shape = "
                         "{example}",
                   "ko": "{name}: {kind}에는 크기 이름 {count}개의 shape가 필요하다. 예: shape = "
                         "{example}"},
    "file.matrix_form": {"en": "[function] needs matrix, e.g. matrix = \"tr(X^k)\"",
                         "ko": "[function]에 matrix가 필요하다. 예: matrix = \"tr(X^k)\""},
    "file.definition_needs": {"en": "definition {k} needs {field}",
                              "ko": "정의 {k}에 {field}가 필요하다"},
    "file.unknown_name": {"en": "unknown name {name}; declared here: {names}",
                          "ko": "알 수 없는 이름 {name}. 여기서 선언된 이름: {names}"},
    "file.not_index": {"en": "{name} is not a declared index",
                       "ko": "{name}는 선언된 인덱스가 아니다"},
    "file.unknown_index": {"en": "unknown index {name} in a subscript",
                           "ko": "아래첨자에 알 수 없는 인덱스 {name}가 있다"},
})

# answers that agree at every point checked and are still wrong (answers/judge/hidden.py,
# answers/judge/constants.py)
add({
    "hidden.double": {"en": "it agrees at the points only to double precision",
                      "ko": "점들에서 배정밀도 안에서만 일치한다"},
    "hidden.constant": {"en": "{part} is {value}, not {simple}: a difference double precision "
                              "cannot see, so the answer is not the right one",
                        "ko": "{part}는 {simple}가 아니라 {value}이다: 배정밀도로는 보이지 않는 "
                              "차이이므로 이 답은 정답이 아니다"},
    "hidden.sizes": {"en": "it agrees at the points checked only because part of it depends "
                           "on the sizes",
                     "ko": "답의 일부가 크기에 따라 달라지는데, 검사한 점들에서만 우연히 일치한다"},
    "hidden.sizes_note": {"en": "a part that depends on the sizes: {shown}, and the answer "
                                "changes with it",
                          "ko": "크기에 따라 달라지는 부분: {shown}. 답도 그에 따라 달라진다"},
    "hidden.sizes_shown": {"en": "{part} is {c} at every size checked, but {changed} at "
                                 "{name} = {size}",
                           "ko": "{part}는 검사한 모든 크기에서 {c}이지만 {name} = {size}에서는 "
                                 "{changed}이다"},
    "hidden.sizes_flag": {"en": "it agrees with the derivation at {n} random points, but {part} "
                                "did not change with the sizes: for a person to confirm",
                          "ko": "임의의 점 {n}개에서 유도한 결과와 일치하지만 {part}가 크기에 따라 "
                                "변하지 않았다: 사람이 확인해야 한다"},
    "hidden.sizes_flag_note": {"en": "for a person to confirm: {part} depends on the sizes but "
                                     "was {c} at every size tried; the answer would change with it",
                               "ko": "사람이 확인해야 한다: {part}는 크기에 따라 달라지지만 시도한 "
                                     "모든 크기에서 {c}였다. 그것이 바뀌면 답도 바뀐다"},
    "hidden.part": {"en": "it agrees at the points checked only because part of it, {part}, did "
                          "not change there",
                    "ko": "답의 일부인 {part}가 검사한 점들에서 변하지 않았기 때문에만 일치한다"},
    "hidden.gate_open": {"en": "a part that stays open at the values checked: {part}; with values "
                               "of magnitude {scale} it changes, and the answer is wrong there",
                         "ko": "검사한 값들에서 계속 열려 있는 부분: {part}. 크기가 {scale}인 값에서는 "
                               "바뀌고, 거기서 답이 틀린다"},
    "hidden.gate_shut": {"en": "a part that stays shut at the values checked: {part}; with values "
                               "of magnitude {scale} it changes, and the answer is wrong there",
                         "ko": "검사한 값들에서 계속 닫혀 있는 부분: {part}. 크기가 {scale}인 값에서는 "
                               "바뀌고, 거기서 답이 틀린다"},
    "hidden.gate_flag": {"en": "it agrees with the derivation at {n} random points, but {part} "
                               "never changed: for a person to confirm",
                         "ko": "임의의 점 {n}개에서 유도한 결과와 일치하지만 {part}가 한 번도 "
                               "변하지 않았다: 사람이 확인해야 한다"},
    "hidden.gate_open_note": {"en": "for a person to confirm: {part} stayed open at every value "
                                    "tried; the answer would be wrong if it changed",
                              "ko": "사람이 확인해야 한다: {part}는 시도한 모든 값에서 열려 있었다. "
                                    "그것이 바뀌면 답이 틀린다"},
    "hidden.gate_shut_note": {"en": "for a person to confirm: {part} stayed shut at every value "
                                    "tried; the answer would be wrong if it changed",
                              "ko": "사람이 확인해야 한다: {part}는 시도한 모든 값에서 닫혀 있었다. "
                                    "그것이 바뀌면 답이 틀린다"},
    "hidden.frozen": {"en": "a part that is {c} at every value checked: {part}; with values of "
                            "magnitude {scale} it is not, and the answer is wrong there",
                      "ko": "검사한 모든 값에서 {c}인 부분: {part}. 크기가 {scale}인 값에서는 그렇지 "
                            "않고, 거기서 답이 틀린다"},
    "hidden.frozen_note": {"en": "for a person to confirm: {part} was {c} at every value tried; "
                                 "the answer would be wrong if it changed",
                           "ko": "사람이 확인해야 한다: {part}는 시도한 모든 값에서 {c}였다. 그것이 "
                                 "바뀌면 답이 틀린다"},
    "hidden.close": {"en": "it is close to the derivation's result, but not equal (a relative "
                           "difference of {d})",
                     "ko": "유도한 결과와 가깝지만 같지 않다 (상대 차이 {d})"},
    "hidden.number": {"en": "the number {n} is not {near}, which would make the answer right: a "
                            "coefficient must be exact",
                      "ko": "수 {n}는 답을 맞게 만들 {near}가 아니다: 계수는 정확해야 한다"},
    "hidden.term": {"en": "the term {term} is small but not zero: without it the answer is right",
                    "ko": "항 {term}는 작지만 0이 아니다: 그 항이 없으면 답이 맞다"},
    "hidden.size_where": {"en": "right at {good} but not at {bad}: part of the answer depends on "
                                "the sizes where the right one does not",
                          "ko": "{good}에서는 맞지만 {bad}에서는 틀리다: 정답은 크기에 따라 달라지지 "
                                "않는데 답의 일부가 크기에 따라 달라진다"},
})

add({
    "file.not_regular": {"en": "not a regular file; give a .toml file",
                         "ko": "일반 파일이 아니다. .toml 파일을 주어야 한다"},
    "file.long_number": {"en": "a number with more digits than Python reads (at most 4300)",
                         "ko": "Python이 읽을 수 있는 것보다 자릿수가 많은 수가 있다 (최대 4300자리)"},
})

add({
    "cli.nul": {"en": "argument {k} contains a NUL byte", "ko": "{k}번째 인자에 NUL 바이트가 있다"},
    "class.too_large": {"en": "{path} is larger than {mib} MiB; split it into smaller class files",
                        "ko": "{path}가 {mib} MiB보다 크다. 더 작은 학급 파일로 나누어야 한다"},
    "class.too_many": {"en": "{path} has more than {count} answers (line {line}); split it into "
                             "smaller class files",
                       "ko": "{path}에 답이 {count}개보다 많다 ({line}번째 줄). 더 작은 학급 파일로 "
                             "나누어야 한다"},
})

add({
    "file.function_needs": {"en": "[function] needs index (the function as a sum over indices) or "
                                  "matrix (its matrix form), or both",
                            "ko": "[function]에는 index (인덱스에 대한 합으로 쓴 함수)나 matrix (그 "
                                  "행렬 꼴), 또는 둘 다가 필요하다"},
})

add({
    "help.order": {"en": "2: the gradient, then the Hessian and the Newton step",
                   "ko": "2: 기울기, 그다음 헤세 행렬과 뉴턴 단계"},
    "file.order": {"en": "order = {order} must be 1 (the gradient) or 2 (the Hessian and the "
                         "Newton step)",
                   "ko": "order = {order}는 1 (기울기) 또는 2 (헤세 행렬과 뉴턴 단계)여야 한다"},
})

# --- the readers' new kinds (issue 18's held-out gaps): code, norms, evaluation bars --------
add({
    "code.generator_only": {
        "en": "a generator is read only as sum(… for i in range(N)), N one of this problem's "
              "sizes ({sizes})",
        "ko": "제너레이터는 sum(… for i in range(N)) 꼴로만 읽는다. N은 이 문제의 크기 중 "
              "하나여야 한다 ({sizes})"},
    "code.ones_only": {"en": "{called}(…) is read only as a factor of an entrywise product "
                             "(M * np.ones(…))",
                       "ko": "{called}(…)는 원소별 곱의 인수로만 읽는다 (M * np.ones(…))"},
    "code.guess_generator": {"en": "sum(… for {i} in range({n})) read as Σ_{{{i}=1}}^{{{n}}}",
                             "ko": "sum(… for {i} in range({n}))를 Σ_{{{i}=1}}^{{{n}}}로 읽음"},
    "code.guess_ones": {"en": "{call} read as 1 (entrywise by ones)",
                        "ko": "{call}를 1로 읽음 (1로 채운 배열과의 원소별 곱)"},
    "code.guess_broadcast": {"en": "{view} * M read as diag(r) M (NumPy broadcasting: row k of "
                                   "M times r_k)",
                             "ko": "{view} * M을 diag(r) M으로 읽음 (NumPy 브로드캐스팅: M의 "
                                   "k번째 행에 r_k를 곱함)"},
    "code.guess_mean_axis": {"en": "mean(M, axis={axis}) read as the sum over axis {axis} "
                                   "divided by the number of entries summed",
                             "ko": "mean(M, axis={axis})를 축 {axis}에 대한 합을 더한 원소의 "
                                   "개수로 나눈 것으로 읽음"},
    "read.norm_opened": {"en": "the norm opened here", "ko": "여기서 연 노름"},
    "read.bar_sets_name": {"en": "the evaluation bar sets a name: |_{{w = w_t}}",
                           "ko": "값을 넣는 막대는 이름에 값을 준다: |_{{w = w_t}}"},
    "read.bar_subscript": {"en": "'_{{w = …}}' after the evaluation bar",
                           "ko": "값을 넣는 막대 뒤의 '_{{w = …}}'"},
    "read.bar_open": {"en": "'{{' after '|_'", "ko": "'|_' 뒤의 '{{'"},
    "read.bar_equals": {"en": "'=' in |_{{w = …}}", "ko": "|_{{w = …}} 안의 '='"},
    "read.bar_close": {"en": "'}}' closing |_{{w = …}}", "ko": "|_{{w = …}}를 닫는 '}}'"},
})
