"""From verdicts to grades: points per problem and partial credit from the notes (the
problem file's `points` and `rubric`), the gradebook (one row per student), and one
feedback file per student. Every file is written whole or not at all."""
import io
import math
import os
import tempfile
from pathlib import Path

from ... import DerivatorError
from .untrusted import SpreadsheetWriter, file_name, json_text, spreadsheet_cell, visible

DEFAULT_POINTS = 1


def scheme(problem):
    """(points, rubric) of a problem: `points = 2` and `rubric = { "missing transpose" =
    0.5 }` in its file; a rubric gives that share of the points to an incorrect answer
    whose note starts with the key."""
    points = problem.data.get("points", DEFAULT_POINTS)
    rubric = problem.data.get("rubric", {})
    where = f"problems/{problem.id}.toml"
    if isinstance(points, bool) or not isinstance(points, (int, float)) or not points > 0:
        raise DerivatorError(f"{where}: points must be a number greater than 0")
    if not isinstance(rubric, dict) or not all(
            isinstance(v, (int, float)) and not isinstance(v, bool) and 0 <= v <= 1
            for v in rubric.values()):
        raise DerivatorError(f"{where}: rubric must map notes to shares from 0 to 1")
    return points, rubric


def score(verdict, problem):
    """The points a verdict earns: all for correct, the best rubric share of the notes for
    incorrect, none for unreadable or timeout (and none for a problem not in the set).
    A working earns at least what its final answer earns alone: showing the steps never
    costs points."""
    final = verdict.get("final")
    own = _score(verdict, problem)
    return max(own, _score(final, problem)) if isinstance(final, dict) else own


def _score(verdict, problem):
    if problem is None:
        return 0
    points, rubric = scheme(problem)
    if verdict["status"] == "correct":
        return points
    if verdict["status"] != "incorrect":
        return 0
    # each mistake named keeps its share of the points: two mistakes of 0.5 earn 0.25
    notes = [note.lower() for note in verdict.get("notes") or []]
    shares = [share for key, share in rubric.items()
              if any(note.startswith(key.lower()) for note in notes)]
    return round(points * math.prod(shares), 6) if shares else 0


def write_atomically(path, text):
    """`text` into `path` through a temporary file in the same folder, renamed over it
    only once complete: an existing file is never truncated before there is a result."""
    path = Path(path)
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp",
                                             dir=path.parent or ".")
        try:
            with os.fdopen(handle, "w", encoding="utf-8", newline="") as f:
                f.write(text)
                f.flush()
                os.fsync(f.fileno())
            os.replace(temporary, path)
        except BaseException:
            os.unlink(temporary)
            raise
    except OSError as error:
        raise DerivatorError(f"cannot write {path}: {error.strerror or error}") from None


def results_json(results):
    return json_text(results) + "\n"


def grades_csv(results, problems):
    """One row per student, one column per problem (its points), and the total. A
    student's last row for a problem counts (a duplicate row is a resubmission)."""
    students = {}
    for r in results:
        if r["student"]:
            earned = students.setdefault(r["student"], {})
            if r["problem"] in problems:
                earned[r["problem"]] = r["points"]
    buffer = io.StringIO()
    writer = SpreadsheetWriter(buffer)       # every cell: no formula
    writer.writerow(["student", *problems, "total"])
    possible = sum(scheme(p)[0] for p in problems.values())
    writer.writerow(["(points possible)", *[scheme(p)[0] for p in problems.values()],
                     possible])
    for student, earned in students.items():
        writer.writerow([spreadsheet_cell(visible(student)),
                         *[earned.get(p, "") for p in problems],
                         round(sum(earned.values()), 6)])
    return buffer.getvalue()


LABELS = {
    "en": {"title": "Feedback for {student}", "problem": "Problem {number}",
           "points": "{earned:g} of {possible:g} points", "answer": "Your answer",
           "read_as": "Read as", "notes": "Notes", "counterexample": "Counterexample",
           "duplicate": "This answer repeats an earlier row (line {line}); the last one "
                        "counts.", "total": "Total: {earned:g} of {possible:g} points",
           "correct": "correct", "incorrect": "incorrect", "unreadable": "could not be read",
           "timeout": "ran out of time"},
    "ko": {"title": "{student} 피드백", "problem": "문제 {number}",
           "points": "{possible:g}점 중 {earned:g}점", "answer": "제출한 답",
           "read_as": "읽은 방식", "notes": "참고", "counterexample": "반례",
           "duplicate": "앞의 행(줄 {line})과 같은 학생·문제의 답이다; 마지막 답이 채점된다.",
           "total": "합계: {possible:g}점 중 {earned:g}점",
           "correct": "정답", "incorrect": "오답", "unreadable": "읽을 수 없음",
           "timeout": "시간 초과"},
}


def write_feedback(directory, results, problems, lang="en"):
    """One Markdown file per student in `directory`: each verdict, how the answer was
    read, the notes, the counterexample. The names of the files come from the students'
    names, made safe (`file_name`)."""
    from ...render.catalogue import english
    labels, say = LABELS[lang], english(lang)
    directory = Path(directory)
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise DerivatorError(f"cannot create {directory}: {error.strerror or error}") from None
    by_student = {}
    for r in results:
        if r["student"]:
            by_student.setdefault(r["student"], []).append(r)
    order = {p: k for k, p in enumerate(problems)}
    taken = set()
    for student, rows in by_student.items():
        rows = sorted(rows, key=lambda r: (order.get(r["problem"], len(order)), r["line"]))
        lines = [f"# {_markdown(labels['title'].format(student=visible(student)))}", ""]
        last = {r["problem"]: r for r in rows}              # what the gradebook counts
        earned = sum(r["points"] for r in last.values())
        possible = sum(scheme(problems[p])[0] for p in last if p in problems)
        for r in rows:
            p = problems.get(r["problem"])
            points = scheme(p)[0] if p else 0
            number = p.number if p else visible(r["problem"])
            lines += [f"## {_markdown(labels['problem'].format(number=number))}: "
                      f"{labels.get(r['status'], r['status'])} "
                      f"({labels['points'].format(earned=r['points'], possible=points)})", ""]
            lines += [f"{labels['answer']}:", "", _code(r["answer"]), ""]
            if r.get("read_as"):
                lines += [f"{labels['read_as']}: {_inline(r['read_as'])}", ""]
            lines += [_markdown(visible(say(r["message"]))), ""]
            if r.get("notes"):
                lines += [f"{labels['notes']}:", ""]
                lines += [f"- {_markdown(visible(say(n)))}" for n in r["notes"]] + [""]
            if r.get("counterexample"):
                lines += [f"{labels['counterexample']}: {_inline(say(r['counterexample']))}", ""]
            if r.get("duplicate_of"):
                lines += [labels["duplicate"].format(line=r["duplicate_of"]), ""]
        lines += [labels["total"].format(earned=earned, possible=possible), ""]
        write_atomically(directory / f"{file_name(student, taken)}.md", "\n".join(lines))


def _code(text):
    """A fenced block that no backtick in the answer can close."""
    body = "\n".join(visible(line) for line in text.split("\n"))
    fence = "`" * max(3, max((len(r) for r in _backtick_runs(body)), default=0) + 1)
    return f"{fence}\n{body}\n{fence}"


def _backtick_runs(text):
    runs, run = [], ""
    for c in text:
        run = run + c if c == "`" else ""
        if run:
            runs.append(run)
    return runs


def _inline(text):
    text = visible(text)
    fence = "`" * (max((len(r) for r in _backtick_runs(text)), default=0) + 1)
    return f"{fence} {text} {fence}"


# characters that MathJax (Jupyter, VS Code) would read as maths if escaped with a
# backslash (\( \[ $) are written as entities; parentheses need no escape once [ ] have one
_ENTITIES = {"\\": "&#92;", "[": "&#91;", "]": "&#93;", "$": "&#36;"}


def _markdown(text):
    """Plain text in Markdown: the characters that would start markup are escaped."""
    return "".join(_ENTITIES.get(c) or ("\\" + c if c in "`*_{}<>#+!|~" else c) for c in text)
