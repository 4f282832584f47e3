"""What the class got wrong: `check --file class.csv --report report.html|.md`.

Per problem: the share of correct answers; each named mistake counted once per answer by
its note, most common first; the wrong answers no note names, grouped by what they
compute (equal at every random point: one group, one example); which entries are wrong
in the most common wrong matrix answer; for the three most common mistakes the step of
the derivation where each happens, quoted as `show` prints it; and where workings first
go wrong, by step of the derivation. The page is self-contained: MathML, inline SVG, no
script, nothing fetched.
"""
import re
from collections import Counter
from dataclasses import dataclass, field
from html import escape

import numpy as np

from .untrusted import visible
from ..judge.hint import step_of_note

TOP_MISTAKES = 3
MAX_GROUPS = 8              # unnamed groups shown per problem
MAX_GRID = 12               # entries per side of the grid drawn
MAX_MISTAKES = 12           # named mistakes listed per problem (the rest counted)
GRID_CANDIDATES = 100       # the most common wrong answers (by text) the grid looks at

WORDS = {
    "en": {"title": "Class report", "problem": "Problem {number}", "answers": "{count} answers",
           "correct": "{share} correct ({count} of {total})",
           "mistakes": "Named mistakes", "mistake": "{share} {note}",
           "unnamed": "Wrong answers no note names, grouped by what they compute",
           "group": "{count} × {example}",
           "grid": "Wrong entries of the most common wrong answer ({count} × {example}), at "
                   "a random {rows} × {cols} point: ✗ wrong, ✓ right",
           "remedial": "Where the three most common mistakes happen in the derivation",
           "step": "step {id} · {rule}", "workings": "Workings: the first wrong line, by step "
                   "of the derivation",
           "went_wrong": "{count} student(s) went wrong at {rule} (step {id})",
           "unplaced": "{count} working(s) went wrong at a line no step matches",
           "none": "no wrong answers", "share_bar": "share correct per problem",
           "summary": "{students} students, {rows} answers, {problems} problems",
           "others": "{count} other named mistake(s), in {answers} answer(s)"},
    "ko": {"title": "학급 보고서", "problem": "문제 {number}", "answers": "답 {count}개",
           "correct": "정답 {share} ({total}개 중 {count}개)",
           "mistakes": "이름이 있는 실수", "mistake": "{share} {note}",
           "unnamed": "이름이 없는 오답: 계산하는 값이 같은 것끼리",
           "group": "{count} × {example}",
           "grid": "가장 흔한 오답({count} × {example})의 틀린 성분, 무작위 {rows} × {cols} "
                   "점에서: ✗ 틀림, ✓ 맞음",
           "remedial": "가장 흔한 실수 세 가지가 유도의 어느 단계에서 일어나는가",
           "step": "단계 {id} · {rule}", "workings": "풀이: 처음 틀린 줄, 유도의 단계별",
           "went_wrong": "학생 {count}명이 {rule}(단계 {id})에서 틀렸다",
           "unplaced": "풀이 {count}개는 어느 단계와도 맞지 않는 줄에서 틀렸다",
           "none": "오답 없음", "share_bar": "문제별 정답 비율",
           "summary": "학생 {students}명, 답 {rows}개, 문제 {problems}개",
           "others": "그 밖의 이름 있는 실수 {count}가지, 답 {answers}개"},
}


@dataclass
class ProblemReport:
    id: str
    number: str
    title: str
    total: int
    correct: int
    mistakes: list = field(default_factory=list)    # [(mistake's name, count)]
    examples: dict = field(default_factory=dict)    # name -> its most common note
    others: tuple = (0, 0)        # (mistakes not shown, their answers)
    unnamed: list = field(default_factory=list)     # [(example, count)]
    grid: dict = None             # {"example", "count", "wrong": 2-D bool array}
    remedial: list = field(default_factory=list)    # [(note, count, step)]
    workings: list = field(default_factory=list)    # [(step or None, count)]


def build(results, problems, lang="en"):
    """The report's data from the verdicts (each student's last row for a problem, as
    the gradebook counts)."""
    last = {}
    for r in results:
        if r["student"] and r["problem"] in problems:
            last[(r["student"], r["problem"])] = r
    out = []
    for pid, p in problems.items():
        rows = [r for (_, q), r in last.items() if q == pid]
        if rows:
            out.append(_problem_report(pid, p, rows, lang))
    students = len({s for s, _ in last})
    return out, {"students": students, "rows": len(last), "problems": len(out)}


def _problem_report(pid, p, rows, lang):
    report = ProblemReport(pid, str(p.number), p.title.get(lang, p.title["en"]), len(rows),
                           sum(r["status"] == "correct" for r in rows))
    wrong = [r for r in rows if r["status"] == "incorrect"]
    notes = Counter(n for r in wrong for n in dict.fromkeys(_notes(r)))
    heads = Counter(h for r in wrong for h in dict.fromkeys(map(mistake_name, _notes(r))))
    report.mistakes = sorted(heads.items(), key=lambda kv: (-kv[1], kv[0]))[:MAX_MISTAKES]
    report.others = (len(heads) - len(report.mistakes),
                     sum(c for _, c in sorted(heads.items(), key=lambda kv: (-kv[1], kv[0]))
                         [MAX_MISTAKES:]))
    for note, _ in notes.most_common():            # each mistake's most common wording
        report.examples.setdefault(mistake_name(note), note)
    answers = Counter(r["answer"] for r in wrong if not _is_working(r))
    unnamed = Counter({r["answer"]: answers[r["answer"]] for r in wrong
                       if not _notes(r) and r["answer"] in answers})
    common = Counter(dict(answers.most_common(GRID_CANDIDATES)))
    values = _values(pid)
    report.unnamed = [(_example(g["answers"], rows), g["count"])
                      for g in _groups(values, unnamed)[:MAX_GROUPS]]
    report.grid = _grid(values, common, rows) if values else None
    steps = _steps(pid, lang)
    english = _steps(pid, "en")
    report.remedial = [(report.examples[name], count,
                        steps[step_of_note(report.examples[name], english)])
                       for name, count in report.mistakes[:TOP_MISTAKES] if steps]
    report.workings = _first_wrong_steps(pid, [r for r in rows if _is_working(r)], lang)
    return report


_LONG_NUMBER = re.compile(r"-?\d{3,}(\.\d+)?(/\d+)?")


def mistake_name(note):
    """What a note names, without its particulars: the words before its first colon
    ("off by a constant factor" for every factor; "missing the term Xw"), so the same
    mistake is one line however its numbers come out. Rubric keys match this start."""
    head, colon, _ = str(note).partition(": ")
    head = head.strip() if colon and head.strip() else str(note).strip()
    return _LONG_NUMBER.sub("…", head)      # "and 103591 times as large": one name


def _notes(r):
    """The mistakes a verdict names: an answer's notes; for a working, its first wrong
    step's note and its last line's notes as an answer (not the lines left to a person)."""
    if not _is_working(r):
        return r.get("notes") or []
    step = r.get("first_wrong_step") or {}
    final = r.get("final") or {}
    return ([step["note"]] if step.get("note") else []) + \
        (list(final.get("notes") or []) if final.get("status") == "incorrect" else [])


def _is_working(r):
    return "\n" in r["answer"] or r.get("working") is not None


# --- what a wrong answer computes ---------------------------------------------------

class Values:
    """Answers' values at the problem's random points, computed when first asked: at one
    point for every answer (enough to tell most apart), at every point only to confirm
    that two answers are equal."""

    def __init__(self, pid):
        from ..judge.reference import _task
        from ...model.problemset import problem as find
        self.problem = find(pid)
        self.task, self.points = _task(pid, 0)
        self.first_point = next(k for k, pt in enumerate(self.points) if not pt.symmetric)
        self._first, self._every = {}, {}

    def first(self, answer):
        """[its value at the first point that is not symmetric], or None."""
        if answer not in self._first:
            self._first[answer] = self._at(answer, [self.first_point])
        return self._first[answer]

    def every(self, answer):
        if answer not in self._every:
            self._every[answer] = self._at(answer, range(len(self.points)))
        return self._every[answer]

    def _at(self, answer, which):
        from ..judge.evaluate import Budget, Evaluator
        from ..judge.judge import _valuer
        from ..read.lhs import parse_answer
        if len(answer) > 2000:
            return None
        p, points = self.problem, self.points
        try:
            reading = parse_answer(answer, p)
            value = _valuer(p, reading, self.task, points)
            budget = Budget()
            with np.errstate(all="ignore"):
                return [np.asarray(value(Evaluator(points[k].values, points[k].samples,
                                                   points[k].functions, sorted(p.names),
                                                   budget=budget), reading.tree, points[k]),
                                   dtype=float) for k in which]
        except Exception:             # noqa: BLE001 - judged already; only not grouped
            return None


def _values(pid):
    try:
        return Values(pid)
    except Exception:                 # noqa: BLE001 - a problem answers are not computed for
        return None


def _same(a, b):
    return a is not None and b is not None and len(a) == len(b) and all(
        np.shape(x) == np.shape(y) and np.allclose(x, y, rtol=1e-7, atol=1e-9, equal_nan=True)
        for x, y in zip(a, b))


def _signature(values):
    """A key that answers equal at a point share (their values there projected on fixed
    random weights, to 6 digits): equal answers differ by rounding errors of 1e-15, so
    they fall apart only if a projection sits on a 6-digit boundary; different answers
    that share a key are told apart at every point by `_same`."""
    rng = np.random.default_rng(0)
    key = []
    for v in values:
        v = np.asarray(v, dtype=float)
        key.append((v.shape, f"{float(v.ravel() @ rng.random(v.size)):.6g}"))
    return tuple(key)


def _groups(values, counts):
    """Answers equal at every random point as one group: [{"answers", "count"}], most
    common first; an answer that cannot be computed is a group of its own."""
    groups, by_key = [], {}
    for answer, count in counts.most_common():
        first = values.first(answer) if values else None
        key = _signature(first) if first is not None else None
        group = next((g for g in by_key.get(key, ())
                      if _same(values.every(answer), values.every(g["answers"][0]))),
                     None) if key is not None else None
        if group is None:
            group = {"computed": first is not None, "answers": [answer], "count": 0}
            groups.append(group)
            if key is not None:
                by_key.setdefault(key, []).append(group)
        else:
            group["answers"].append(answer)
        group["count"] += count
    groups.sort(key=lambda g: -g["count"])
    return groups


def _example(answers, rows):
    """A group's example as it was read (the most common spelling)."""
    read = {r["answer"]: r.get("read_as") for r in rows}
    return visible(read.get(answers[0]) or answers[0])


def _grid(values, counts, rows):
    """The entries of the most common wrong matrix (or vector) answer that differ from
    the derivation's result, at the first random point (never a symmetric one) where it
    is wrong (at k = 1, k (X^(k-1))ᵀ and k X^(k-1) agree: that point shows nothing)."""
    task = values.task
    for g in _groups(values, counts):
        if not g["computed"]:
            continue
        every = values.every(g["answers"][0]) or []
        for k, point in enumerate(values.points):
            if point.symmetric or k >= len(every):
                continue
            got = _column(every[k])
            want = _column(task.value(task.quantity, point))
            if got.ndim != 2 or got.shape != want.shape or got.size < 2:
                break                              # a number, or a shape of its own
            wrong = ~np.isclose(got, want, rtol=1e-7,
                                atol=1e-9 * (1 + np.max(np.abs(want))))
            if wrong.any():
                return {"example": _example(g["answers"], rows), "count": g["count"],
                        "wrong": wrong[:MAX_GRID, :MAX_GRID], "shape": got.shape}
    return None


def _column(value):
    value = np.asarray(value, dtype=float)
    return value.reshape(-1, 1) if value.ndim == 1 else value


# --- where in the derivation --------------------------------------------------------

def _steps(pid, lang):
    """The derivation's steps as `show` captions them: id, rule, explanation, the step."""
    from ... import derive
    from ...render import captioned
    try:
        derivation = derive(pid)
    except Exception:                 # noqa: BLE001 - no derivation: no steps to quote
        return []
    return [{"id": label, "rule": title, "explanation": text, "step": step,
             "rule_id": step.rule,
             "show_lhs": show_lhs, "model": derivation.model}
            for _, _, _, rows in captioned(derivation, lang)
            for label, step, show_lhs, title, text in rows]


def _first_wrong_steps(pid, workings, lang):
    """[(step or None, count)]: the step each working's first wrong line attempts (by
    the hint's matching), most common first."""
    from ..judge.hint import hint
    counts = Counter()
    steps = {}
    seen = {}
    for r in workings:
        if not (r.get("working") or {}).get("first_wrong_line") and \
                not r.get("first_wrong_line"):
            continue
        text = r["answer"]
        if text not in seen:
            try:
                h = hint(pid, text, lang)
                seen[text] = (h.step["id"], h.step) if h.status == "wrong" else (None, None)
            except Exception:         # noqa: BLE001 - a working the matcher cannot place
                seen[text] = (None, None)
        key, step = seen[text]
        counts[key] += 1
        steps[key] = step
    return [(steps[k], c) for k, c in counts.most_common()]


# --- rendering ----------------------------------------------------------------------

def _percent(count, total):
    return f"{100 * count / total:.0f} %" if total else "0 %"


def render_markdown(reports, summary, lang="en"):
    from ...render.printing import samples_of, to_latex
    w = WORDS[lang]
    out = [f"# {w['title']}", "", w["summary"].format(**summary), ""]
    for r in reports:
        out += [f"## {w['problem'].format(number=r.number)}: {_md(r.title)}", "",
                w["correct"].format(share=_percent(r.correct, r.total), count=r.correct,
                                    total=r.total), ""]
        if r.mistakes:
            out += [f"### {w['mistakes']}", ""]
            out += [f"- {w['mistake'].format(share=_percent(c, r.total), note=_md(n))} ({c})"
                    for n, c in r.mistakes]
            if r.others[0]:
                out.append(f"- {w['others'].format(count=r.others[0], answers=r.others[1])}")
            out.append("")
        if r.unnamed:
            out += [f"### {w['unnamed']}", ""]
            out += [f"- {w['group'].format(count=c, example=_code(e))}" for e, c in r.unnamed]
            out += [""]
        if r.grid:
            g = r.grid
            out += [w["grid"].format(count=g["count"], example=_code(g["example"]),
                                     rows=g["shape"][0], cols=g["shape"][1]), ""]
            out += ["| " + " | ".join(f"{j + 1}" for j in range(g["wrong"].shape[1])) + " |",
                    "|" + "---|" * g["wrong"].shape[1]]
            out += ["| " + " | ".join("✗" if x else "✓" for x in row) + " |"
                    for row in g["wrong"]] + [""]
        if r.remedial:
            out += [f"### {w['remedial']}", ""]
            for note, count, s in r.remedial:
                with samples_of(s["model"]):
                    lhs = f"{to_latex(s['step'].lhs)} = " if s["step"].lhs is not None else ""
                    math = f"{lhs}{to_latex(s['step'].expr)}"
                out += [f"- **{_md(note)}** ({count}): {w['step'].format(**s)}: "
                        f"{_md(s['explanation'])}", "", f"  $$ {math} $$", ""]
        if r.workings:
            out += [f"### {w['workings']}", ""]
            for s, count in r.workings:
                out.append("- " + (w["went_wrong"].format(count=count, **s) if s else
                                   w["unplaced"].format(count=count)))
            out.append("")
        if not r.mistakes and not r.unnamed and r.correct == r.total:
            out += [w["none"], ""]
    return "\n".join(out)


def _md(text):
    return "".join("\\" + c if c in "\\`*_{}[]<>#|" else c for c in visible(text))


def _code(text):
    from .gradebook import _inline          # a fence no backtick in the answer closes
    return _inline(text)


STYLE = """
body { font-family: system-ui, sans-serif; max-width: 50rem; margin: 0 auto; padding: 1rem;
       line-height: 1.5; color: #222; overflow-wrap: anywhere; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.25rem; margin-top: 2rem; } h3 { font-size: 1rem; }
svg { max-width: 100%; height: auto; display: block; }
.step { margin: .5rem 0 1rem; } .rule { color: #8a1f8a; } .math { overflow-x: auto; }
code { background: #f3f3f3; padding: 0 .2rem; } li { margin: .2rem 0; }
"""


def render_html(reports, summary, lang="en"):
    w = WORDS[lang]
    body = [f"<h1>{escape(w['title'])}</h1>",
            f"<p>{escape(w['summary'].format(**summary))}</p>",
            _bars([(w["problem"].format(number=r.number), r.correct, r.total) for r in reports],
                  w["share_bar"], "#2a7a2a")]
    for r in reports:
        body.append(f'<section id="{escape(r.id)}"><h2>'
                    f"{escape(w['problem'].format(number=r.number))}: {escape(r.title)}</h2>")
        body.append(f"<p>{escape(w['correct'].format(share=_percent(r.correct, r.total), count=r.correct, total=r.total))}</p>")
        if r.mistakes:
            body.append(f"<h3>{escape(w['mistakes'])}</h3>")
            body.append(_bars([(visible(n), c, r.total) for n, c in r.mistakes],
                              w["mistakes"], "#b5482a"))
            if r.others[0]:
                body.append(f"<p>{escape(w['others'].format(count=r.others[0], answers=r.others[1]))}</p>")
        if r.unnamed:
            body.append(f"<h3>{escape(w['unnamed'])}</h3><ul>" + "".join(
                f"<li>{c} × <code>{escape(e)}</code></li>" for e, c in r.unnamed) + "</ul>")
        if r.grid:
            g = r.grid
            body.append(f"<p>{escape(w['grid'].format(count=g['count'], example=g['example'], rows=g['shape'][0], cols=g['shape'][1]))}</p>")
            body.append(_grid_svg(g["wrong"]))
        if r.remedial:
            body.append(f"<h3>{escape(w['remedial'])}</h3>")
            for note, count, s in r.remedial:
                body.append(_quoted(note, count, s, w))
        if r.workings:
            body.append(f"<h3>{escape(w['workings'])}</h3>")
            body.append(_bars([(w["went_wrong"].format(count=c, **s) if s else
                                w["unplaced"].format(count=c), c, max(r.total, 1))
                               for s, c in r.workings], w["workings"], "#075e75"))
        body.append("</section>")
    return (f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{escape(w['title'])}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
            + "\n".join(body) + "\n</body>\n</html>\n")


def _quoted(note, count, s, w):
    """A step quoted as `show` prints it: id, rule, explanation and its line."""
    from ...render.mathml import equation
    from ...render.printing import samples_of
    step = s["step"]
    with samples_of(s["model"]):
        math = equation(step.lhs if s["show_lhs"] else None, step.expr,
                        continued=step.lhs is not None)
    return (f'<div class="step"><b>{escape(visible(note))}</b> ({count})<br>'
            f'<span class="rule">{escape(w["step"].format(**s))}</span>: '
            f'{escape(s["explanation"])}<div class="math">{math}</div></div>')


def _bars(rows, label, colour):
    """A horizontal bar chart as inline SVG: one bar per row, its share of the total,
    the text above the bar (wrapped by the page's own width, not the chart's)."""
    height = 34
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 600 {height * len(rows)}" '
             f'role="img" aria-label="{escape(label)}">']
    for k, (text, count, total) in enumerate(rows):
        share = count / total if total else 0
        y = k * height
        shown = text if len(text) <= 80 else text[:79] + "…"
        parts.append(f'<text x="0" y="{y + 12}" font-size="12">{escape(shown)}</text>'
                     f'<rect x="0" y="{y + 16}" width="{500 * share:.1f}" height="12" '
                     f'fill="{colour}"/><rect x="0" y="{y + 16}" width="500" height="12" '
                     f'fill="none" stroke="#999"/>'
                     f'<text x="508" y="{y + 26}" font-size="12">{_percent(count, total)}'
                     f"</text>")
    parts.append("</svg>")
    return "".join(parts)


def _grid_svg(wrong):
    size = 28
    rows, cols = wrong.shape
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{cols * size + 2}" '
             f'height="{rows * size + 2}" viewBox="0 0 {cols * size + 2} {rows * size + 2}" '
             'role="img" aria-label="wrong entries">']
    for i in range(rows):
        for j in range(cols):
            bad = bool(wrong[i, j])
            parts.append(f'<rect x="{j * size + 1}" y="{i * size + 1}" width="{size}" '
                         f'height="{size}" fill="{"#f4c7c0" if bad else "#d5ecd5"}" '
                         f'stroke="#666"/><text x="{j * size + size / 2 + 1}" '
                         f'y="{i * size + size * 0.68 + 1}" font-size="14" '
                         f'text-anchor="middle">{"✗" if bad else "✓"}</text>')
    parts.append("</svg>")
    return "".join(parts)


def write_report(path, results, problems, lang="en"):
    """The report into `path` (.html or .md), written whole."""
    from .gradebook import write_atomically
    reports, summary = build(results, problems, lang)
    render = render_markdown if str(path).lower().endswith(".md") else render_html
    write_atomically(path, render(reports, summary, lang))
