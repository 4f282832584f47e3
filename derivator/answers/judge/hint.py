"""A hint for a student stuck halfway: which steps of the derivation the working has
reached, and the next one (its rule and explanation, not its result).

Each line of the working is matched to a step of the derivation, on every route to the
same result (the lecture's, the notes'), and the route that matches best is the
student's. A line may match a step when the two are equal at the problem's random points
(where both can be computed, a line that differs from a step is never that step); among
the steps it equals, the one written most like it (the same symbols, operators and
functions, counted) is the one the line is. Lines are matched in order, a step at most
once, later lines to later steps. Where the working has gone wrong (the working's judge
finds the first wrong step), the hint points at that line and the rule the step it
attempts should have used.
"""
import re
from collections import Counter
from dataclasses import dataclass, field

import numpy as np

MIN_LIKENESS = 0.35       # below this share of shared tokens a line is no step's
ORDER_WEIGHT = 0.25       # how much the order of the tokens adds to their share

# derivations that are routes to one result: a hint for one is matched against all
FAMILIES = {
    "bce": [("bce", None), ("bce", "ez"), ("bce-mle", None)],
    "bce-mle": [("bce-mle", None), ("bce", None), ("bce", "ez")],
}

WORDS = {
    "en": {
        "next": "Next: step {id}, {rule}. {explanation}",
        "wrong": "Line {line} is where the working goes wrong: that step should use {rule} "
                 "(step {id}). {explanation}",
        "done": "The working has reached the result (step {id}): there is no step left.",
        "start": "Start with step {id}, {rule}. {explanation}",
        "reached": "The working has reached step {id} ({rule}) at line {line}.",
        "route": "Route: {route}.",
        "result": "That step gives: {result}",
        "lecture": "the lecture's", "notes": "the notes' ({name})",
        "unchecked": "Line(s) {lines} could not be compared with their step at random "
                     "points: they are matched by how they are written only, not checked.",
    },
    "ko": {
        "next": "다음: 단계 {id}, {rule}. {explanation}",
        "wrong": "풀이가 틀린 곳은 {line}번째 줄이다: 그 단계는 {rule}을(를) 써야 한다 "
                 "(단계 {id}). {explanation}",
        "done": "풀이가 결과(단계 {id})에 도달했다: 남은 단계가 없다.",
        "start": "단계 {id}부터 시작하라: {rule}. {explanation}",
        "reached": "풀이는 {line}번째 줄에서 단계 {id}({rule})에 도달했다.",
        "route": "경로: {route}.",
        "result": "그 단계의 결과: {result}",
        "lecture": "강의의 경로", "notes": "노트의 경로 ({name})",
        "unchecked": "{lines}번째 줄은 무작위 점에서 해당 단계와 비교할 수 없었다: 쓰인 "
                     "모양으로만 맞추었고 검사하지는 않았다.",
    },
}


@dataclass
class Hint:
    problem: str
    route: str                 # "bce", "bce --route ez", ...
    status: str                # next | wrong | done | start
    step: dict                 # the step the hint names: id, rule, explanation, result
    matched: list = field(default_factory=list)   # [{"line", "step", "rule"}]
    wrong_line: int = None
    message: str = ""
    index: int = None          # the step's position in its derivation (0-based)

    def as_dict(self):
        return {"problem": self.problem, "route": self.route, "status": self.status,
                "step": self.step, "matched": self.matched, "wrong_line": self.wrong_line,
                "message": self.message}


def hint(problem, working, lang="en", show_step=False):
    """The hint for `working` (a text of lines) towards `problem`'s derivation."""
    from ... import DerivatorError
    from ..read.lines import WorkingError, split_working
    name = _name(problem)
    try:
        lines = [ln for ln in split_working(working) if ln.sides]
    except WorkingError as error:
        raise DerivatorError(str(error)) from None
    judged = _judged(name, lines) or {"scene": None, "values": {}, "first_wrong_line": None,
                                      "wrong_note": None}
    wrong_line = judged["first_wrong_line"]
    before = [ln for ln in lines if wrong_line is None or ln.number < wrong_line]
    matched, steps, derivation_name, route = _best_route(name, before, judged, lang)
    reached = matched[-1][1] if matched else -1
    if wrong_line is not None:
        wrong = next(ln for ln in lines if ln.number == wrong_line)
        index = _attempted(wrong, steps, reached, judged["wrong_note"],
                           _steps(derivation_name, route, "en"))
        status = "wrong"
    elif reached >= len(steps) - 1:
        index, status = len(steps) - 1, "done"
    else:
        index, status = reached + 1, "next" if matched else "start"
    step = steps[index]
    shown = {"id": step["id"], "rule": step["rule"], "rule_id": step["rule_id"],
             "explanation": step["explanation"]}
    if show_step:
        shown["result"] = step["text"]
    scene = judged["scene"] if derivation_name == name and route is None else None
    checked = {ln: _compare(judged["values"].get(ln), steps[k], scene) == "equal"
               for ln, k in matched}
    route_name = derivation_name + (f" --route {route}" if route else "")
    message = _message(WORDS[lang], status, shown, wrong_line, matched, steps, checked,
                       route_name if len(FAMILIES.get(name, ())) > 1 else None,
                       route is None and derivation_name == name)
    return Hint(find_id(name), route_name, status, shown,
                [{"line": ln, "step": steps[k]["id"], "rule": steps[k]["rule"],
                  "checked": checked[ln]} for ln, k in matched],
                wrong_line, message, index)


def _best_route(name, lines, judged, lang):
    """(matches, steps, derivation, route) of the route the lines match best; among equal
    scores the problem's own route, then the others in FAMILIES' order."""
    best = None
    for derivation_name, route in FAMILIES.get(name, [(name, None)]):
        steps = _steps(derivation_name, route, lang)
        scene = judged["scene"] if derivation_name == name and route is None else None
        score, matched = _align(lines, steps, judged["values"], scene)
        if best is None or score > best[0] + 1e-9:
            best = (score, matched, steps, derivation_name, route)
    return best[1:]


def _message(words, status, shown, wrong_line, matched, steps, checked, route, own):
    """The hint in words: the route (where there are several), the step reached, the
    step named, its result (with --show-step), and the lines matched by form only."""
    message = []
    if route is not None:
        message.append(words["route"].format(
            route=words["lecture"] if own else words["notes"].format(name=route)))
    if matched and status != "done":
        line, k = matched[-1]
        message.append(words["reached"].format(line=line, id=steps[k]["id"],
                                               rule=steps[k]["rule"]))
    message.append(words[status].format(line=wrong_line, **shown))
    if "result" in shown and status != "done":
        message.append(words["result"].format(result=shown["result"]))
    unchecked = [str(ln) for ln, _ in matched if not checked[ln]]
    if unchecked:                          # a form alone cannot tell B_lk from B_kl
        message.append(words["unchecked"].format(lines=", ".join(unchecked)))
    return "\n".join(message)


def find_id(name):
    """A problem's id (p6 for 6), or the derivation's name where it is no problem."""
    from ...model.problemset import problem as find
    return find(name).id if _checkable(name) else name


def _name(problem):
    from ... import DerivatorError, catalog
    from ...model.problemset import all_problems
    written = str(problem).strip()
    if written.endswith(".toml"):                         # a user's file: by its path
        from ...model.problemset import problem as find
        find(written)                                     # says what is wrong with it
        return written
    key = written.lower()
    for candidate in (key, f"p{key}"):
        if candidate in catalog() or candidate in all_problems():
            return candidate
    raise DerivatorError(f"unknown problem {problem!r}; known: {', '.join(catalog())}")


def _checkable(name):
    from ...model.problemset import all_problems
    from ...strategies.routes.answers import route_problems
    return name.endswith(".toml") or name in all_problems() or name in route_problems()


def _judged(name, lines):
    """The working judged by the working's judge: its first wrong line and each line's
    values at the random points (None where the problem is not one answers are checked
    against, such as the lecture's bce)."""
    if not _checkable(name) or not lines:
        return None
    from .scene import Scene
    from .working import Judge
    from ...model.problemset import problem as find
    try:
        scene = Scene(find(name), 0)
        judge = Judge(scene, lines)
        with np.errstate(all="ignore"):
            verdict = judge.run()
    except Exception:         # noqa: BLE001 - the hint then rests on the form alone
        return None
    values = {}
    for line in lines:                  # the judge keeps each line's readings by the line
        readings = judge.readings.get(id(line), [])
        last = next((r for r in reversed(readings)
                     if getattr(r, "values", None) is not None), None)
        if last is not None:
            values[line.number] = last.values
    # a wrong line written exactly as a step of the derivation is that step, misread
    # (the judge reads the lecture's notation less well than a student's)
    # (token for token in order: wᵀX is not Xᵀw, though both have the same symbols)
    written = {tuple(sequence(step["latex"])) for d, r in FAMILIES.get(name, [(name, None)])
               for step in _steps(d, r, "en")}
    by_number = {ln.number: ln for ln in lines}
    wrong = next((s for s in judge.steps if s.status == "wrong" and not any(
        tuple(f) in written for f in _sequences(by_number[s.line]))), None) \
        if verdict.first_wrong_line is not None else None
    note = wrong.note if wrong else None
    if wrong and lines and wrong.line == lines[-1].number and verdict.answer:
        note = " ".join([note or ""] + list(verdict.answer.get("notes") or []))
    return {"scene": scene, "values": values, "first_wrong_line": wrong and wrong.line,
            "wrong_note": note}


_STEPS = {}


def _steps(name, route, lang):
    """Every step of a derivation: id, rule (its name in `lang`), explanation, its text,
    its LaTeX's tokens, and the expression itself."""
    key = (name, route, lang)
    if key not in _STEPS:
        from ... import derive
        from ...render import captioned
        from ...render.printing import to_latex, to_text
        derivation = derive(name, route=route)
        out = []
        for _, _, _, rows in captioned(derivation, lang):
            for label, step, _, title, explanation in rows:
                out.append({"id": label, "rule": title, "rule_id": step.rule,
                            "explanation": explanation, "text": to_text(step.expr),
                            "latex": to_latex(step.expr), "tokens": tokens(to_latex(step.expr)),
                            "sequence": sequence(to_latex(step.expr)),
                            "expr": step.expr})
        _STEPS[key] = out
    return _STEPS[key]


# --- the form of a line: its symbols, operators and functions, counted ----------------

_DROP = re.compile(r"\\(text|begin|end)\{[^}]*\}|\\(left|right|big|Big|bigg|Bigg|displaystyle|mathbf|boldsymbol|bm|"
                   r"mathrm|operatorname|text|vec|,|;|:|!|quad|qquad|cdot|times|limits)"
                   r"(?![a-zA-Z])|[{}$&\s]|\\\\")
_SAMPLE = re.compile(r"\^\{?\(([a-z])\)\}?|⁽([ⁱʲᵏ])⁾")      # x^{(i)}, x⁽ⁱ⁾: sample i, as x_i
_SUPERSCRIPT = {"ⁱ": "i", "ʲ": "j", "ᵏ": "k"}
_TRANSPOSE = re.compile(r"\^\{?(\\top|T|\\intercal|\\mathrm\{T\})\}?|ᵀ|'(?![a-zA-Z])|\.T\b")
_NAMES = {"sigma": r"\sigma", "σ": r"\sigma", "sum": r"\sum", "Σ": r"\sum", "log": r"\ln",
          "ln": r"\ln", r"\log": r"\ln", "exp": r"\exp", "tanh": r"\tanh", "eta": r"\eta",
          "η": r"\eta", "delta": r"\delta", "δ": r"\delta", "lambda": r"\lambda",
          "partial": r"\partial", "∂": r"\partial", "frac": r"\frac", "prod": r"\prod",
          "∏": r"\prod", "dfrac": r"\frac", "tfrac": r"\frac", "cdot": None}
_TOKEN = re.compile(r"\\[a-zA-Z]+|[a-zA-Z]+|\d+|[^\sa-zA-Z\d]")


def sequence(text):
    """The tokens of `tokens`, in the order written."""
    text = _SAMPLE.sub(lambda m: "_" + (m.group(1) or _SUPERSCRIPT[m.group(2)]),
                       _TRANSPOSE.sub(" ᵀ ", str(text)))
    text = _DROP.sub(" ", text)
    out = []
    for t in _TOKEN.findall(text):
        if t.isalpha() and not t.startswith("\\") and len(t) > 1 and t not in _NAMES:
            out.extend(t)
            continue
        t = _NAMES.get(t, t)
        if t:
            out.append(t)
    return out


def tokens(text):
    """The multiset of what a line is written with: names and functions (σ, Σ, ln, the
    problem's letters), numbers, transposes and operators; layout, braces and bold are
    dropped, so `\\mathbf{X}^\\top w`, `X^T w` and `Xᵀw` are one form."""
    return Counter(sequence(text))            # Xw: X and w (one-letter names run together)


def likeness(a, b):
    """The share of tokens two forms have in common (1 when they are written alike)."""
    union = sum((a | b).values())
    return sum((a & b).values()) / union if union else 0.0


def _compare(line_values, step, scene):
    """"differs" when the line and the step are both computed at the points and differ
    somewhere (then the line is not that step), "equal" when they agree at every point,
    None when they cannot be compared (a step with opaque parts, entries against a
    matrix)."""
    if scene is None or line_values is None:
        return None
    from .reference import _numeric
    from .working import _aligned, _close
    if "values" not in step:
        try:
            with np.errstate(all="ignore"):
                step["values"] = [_numeric(step["expr"], scene.problem, pt)
                                  for pt in scene.points]
        except Exception:     # noqa: BLE001 - a step with opaque parts: by its form only
            step["values"] = None
    if step["values"] is None:
        return None
    for k in scene.general:
        a, b = _aligned(line_values[k], step["values"][k])
        if a is None:
            return None                        # written another way (entries, a row)
        try:
            if not _close(a, b):
                return "differs"
        except (TypeError, ValueError):
            return None
    return "equal"


def _align(lines, steps, values, scene):
    """The best match of lines to steps, in order, each step at most once: (score,
    [(line number, step index)]). A line may be left unmatched (a remark, a step the
    derivation does not write); among equal scores the earlier steps win."""
    n = len(steps)
    # best[j]: (score, matches) with the last matched step < j
    best = [(0.0, [])] * (n + 1)
    for line in lines:
        forms, orders = _forms(line), _sequences(line)
        v = values.get(line.number)
        new = list(best)
        for j in range(n):
            like = max(likeness(f, steps[j]["tokens"]) for f in forms)
            if like < MIN_LIKENESS or _compare(v, steps[j], scene) == "differs":
                continue
            # the order written breaks ties: ∂/∂w (1/m Σ L) and 1/m Σ ∂/∂w L have the
            # same symbols
            like += ORDER_WEIGHT * max(_in_order(o, steps[j]["sequence"]) for o in orders)
            score, matches = best[j]
            candidate = (score + like, matches + [(line.number, j)])
            if candidate[0] > new[j + 1][0] + 1e-9:
                new[j + 1] = candidate
        for j in range(1, n + 1):           # "last matched < j" also holds for larger j
            if new[j - 1][0] >= new[j][0] - 1e-9:      # the same score: earlier steps
                new[j] = new[j - 1]
        best = new
    return best[n]


def _in_order(a, b):
    """How much of two token sequences agrees in order (difflib's ratio, 0 to 1)."""
    from difflib import SequenceMatcher
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


def _sequences(line):
    sides = [side.text for side in line.sides]
    return [sequence(sides[-1]), sequence(" = ".join(sides)), sequence(" = ".join(sides[1:]))]


def _forms(line):
    """A line's forms to compare with a step's expression: its last side, and, for a
    step with an = of its own (XᵀXw = Xᵀy, cases "for y = 1"), the whole line and the
    line after its left-hand side."""
    sides = [side.text for side in line.sides]
    return [tokens(sides[-1]), tokens(" = ".join(sides)), tokens(" = ".join(sides[1:]))]


def _attempted(line, steps, reached, note, english):
    """The step a wrong line attempts: the later step written most like it, else the
    later step the judge's note on it is about (its rule's words), else the step after
    the last one reached."""
    forms = _forms(line)
    later = [(max(likeness(f, steps[j]["tokens"]) for f in forms), -j)
             for j in range(reached + 1, len(steps))]
    if later:
        like, j = max(later)
        if like >= MIN_LIKENESS:
            return -j
    if note and reached + 1 < len(steps):
        k = step_of_note(note, english, after=reached, default=None)
        if k is not None:
            return k
    return min(reached + 1, len(steps) - 1)


# --- the step a mistake's note is about ----------------------------------------------

_WORD = re.compile(r"[a-zA-Zσ∂ᵀΣ']+")
_STOP = {"the", "of", "a", "an", "is", "in", "not", "and", "or", "to", "for", "this", "it",
         "its", "by", "with", "as", "be", "one", "from", "where", "each", "only", "are",
         "that", "than", "at", "on", "so", "here", "line", "before", "answer", "problem"}
# a mistake's words and the rule it breaks, where the rule's words differ
_RULE_WORDS = {"transpose": "transpose matrix_form", "sign": "sign", "factor":
               "constant_factor chain_rule", "product": "product_rule", "term": "product_rule "
               "sum_rule", "sum": "into_sum", "samples": "into_sum", "exponent": "power_rule "
               "product_rule", "inverse": "invert", "solve": "invert set_to_zero", "update":
               "gradient_descent", "gradient": "gradient_descent vectorize", "σ'":
               "quotient_rule recognise", "sigmoid": "quotient_rule recognise_lemma",
               "symmetric": "matrix_product matrix_form", "log": "log_rule log_product",
               "regularisation": "power_rule sum_rule", "residual": "chain_rule"}


def _words(text):
    out = set()
    for w in _WORD.findall(str(text).lower()):
        w = w.strip("'") if w != "σ'" else w
        if (len(w) > 2 or w == "σ'") and w not in _STOP:
            out.add(w.rstrip("s") if len(w) > 4 else w)
    return out


def step_of_note(note, steps, after=-1, default=-1):
    """The step where a mistake happens: the one whose rule and explanation share most
    words with the note (a rule's own words count too: "missing transpose" is the
    transpose step); when none does, `default` (-1: the last step, where the answer is
    written). Only steps after `after` are considered; the explanations are English."""
    words = _words(note)
    rules = set()
    for w in words:
        rules.update(_RULE_WORDS.get(w, "").split())
    best, where = 0, len(steps) - 1 if default == -1 else default
    for k, s in enumerate(steps):
        if k <= after:
            continue
        score = len(words & _words(f"{s['rule']} {s['explanation']} {s['rule_id']}")) + \
            2 * (s["rule_id"] in rules)
        if score > best:
            best, where = score, k
    return where
