"""A whole class at once: `check --file answers.csv` (columns student, problem, answer).

Every row is judged on its own (a row that cannot be read gets its own verdict with its
line number); the same answer to the same problem, however it is spelled, is judged
once; verdicts go to a partial file as they are decided, so an interrupted run keeps
them and `--resume` goes on from there; the outputs are written whole at the end.
"""
import hashlib
import json
import os
import sys
from pathlib import Path

from ... import DerivatorError
from .classfile import read_class_file
from .gradebook import grades_csv, results_json, score, scheme, write_atomically, \
    write_feedback
from .untrusted import visible

STATUS_MARK = {"correct": "✓", "incorrect": "✗", "unreadable": "?", "timeout": "⏱"}
WORDS = {
    "en": {"title": "verdicts (✓ correct, ✗ incorrect, ? unreadable, ⏱ timeout)",
           "student": "student",
           "duplicates": "{count} duplicate row(s) for the same student and problem (lines "
                         "{lines}): every row is reported; the gradebook counts the last",
           "summary": "{total} answers: {correct} correct, {incorrect} incorrect, "
                      "{unreadable} unreadable, {timeout} timed out",
           "longer": " (raise --timeout to give them longer)"},
    "ko": {"title": "채점 결과 (✓ 정답, ✗ 오답, ? 읽을 수 없음, ⏱ 시간 초과)",
           "student": "학생",
           "duplicates": "같은 학생·문제의 행이 {count}개 더 있다 (줄 {lines}): 모든 행을 "
                         "보고하며, 성적표에는 마지막 행이 반영된다",
           "summary": "답 {total}개: 정답 {correct}, 오답 {incorrect}, 읽을 수 없음 "
                      "{unreadable}, 시간 초과 {timeout}",
           "longer": " (--timeout을 늘리면 끝날 수 있다)"},
}
OUTPUTS = {".json": "the verdicts, one per row, with points", ".csv": "the gradebook"}
MAX_READ = 2_000        # answers longer than this are keyed by their text, not parsed here


def run_batch(args, out):
    from ...model.problemset import all_problems
    rows = read_class_file(args.file)
    outputs = [Path(p) for p in (args.output or [])]
    _check_outputs(outputs, Path(args.file))
    from ...strategies.routes.answers import route_problems
    problems = {**all_problems(), **route_problems()}     # and bce-mle, logistic-pm1
    for p in problems.values():
        scheme(p)                                   # a bad points/rubric: said at once
    ids = {name: _problem_id(name, problems) for name in {r.problem for r in rows}}
    journal = Journal(Path(args.file), args.timeout, args.resume)
    results = [_bad_row(r, ids) for r in rows]
    groups = _groups(rows, results, ids)
    try:
        verdicts = _judge(groups, journal, args, out)
    except KeyboardInterrupt:
        journal.close()
        sys.stderr.write(f"derivator: interrupted; {journal.count} verdicts are kept in "
                         f"{journal.path}: the same command with --resume goes on\n")
        return 130
    except DerivatorError:                          # e.g. no Dask scheduler there
        if journal.count:
            journal.close()                         # what was decided stays
        else:
            journal.finish()
        raise
    for (pid, text), members in groups.items():
        for k in members:
            results[k] = _result(rows[k], {**verdicts[(pid, text)], "answer": text})
    _flag_duplicates(results)
    for r in results:
        r["points"] = score(r, problems.get(r["problem"]))
    for path in outputs:
        write_atomically(path, results_json(results) if path.suffix.lower() == ".json"
                         else grades_csv(results, _present(results, problems)))
    if getattr(args, "feedback", None):
        write_feedback(args.feedback, results, _present(results, problems), args.lang)
    journal.finish()
    if args.format == "json":
        out.write(results_json(results))
    else:
        _print_table(results, problems, out, WORDS[args.lang])
    return 1 if any(r["status"] in ("unreadable", "timeout") for r in results) else 0


def _check_outputs(outputs, source):
    for path in outputs:
        if path.suffix.lower() not in OUTPUTS:
            raise DerivatorError(f"--output {path}: the name must end in .json (the verdicts) "
                                 "or .csv (the gradebook)")
        if os.path.realpath(path) == os.path.realpath(source) or \
                path.exists() and source.exists() and os.path.samefile(path, source):
            raise DerivatorError(f"--output {path} is the class file itself; give another name")


def _problem_id(name, problems):
    key = name.strip().lower()
    for candidate in (key, f"p{key}"):
        if candidate in problems:
            return candidate
    return None


def _bad_row(row, ids):
    """The verdict of a row that is not judged (None for one that is)."""
    if row.error:
        message = row.error
    elif ids.get(row.problem) is None:
        message = f"line {row.line}: unknown problem {visible(row.problem)!r}"
    else:
        return None
    return _result(row, {"problem": row.problem, "answer": row.answer, "status": "unreadable",
                         "message": message, "notes": [], "counterexample": None})


def _result(row, verdict):
    return {"line": row.line, "student": row.student, **verdict}


def _groups(rows, results, ids):
    """{(problem, answer): [row index, ...]} for the rows to judge."""
    groups = {}
    for k, row in enumerate(rows):
        if results[k] is None:
            groups.setdefault((ids[row.problem], row.answer.strip()), []).append(k)
    return groups


def _reading(text):
    """How the answer reads (its parsed tree, without columns, and what is left of an
    '='), or None where it is not read here: a working of several lines, a long answer,
    or one that does not parse."""
    if "\n" in text or len(text) > MAX_READ:
        return None
    from ..read.parse import parse
    try:
        tree = repr(parse(text))
    except Exception:              # RecursionError included: the check will say what
        return None
    # what stands left of an '=' is judged too (the gradient named where the update rule
    # is asked), whether or not the tree keeps it: it is part of the key, spaces aside
    left = "".join(text.rpartition("=")[0].split())
    return tree, left


def _judge(groups, journal, args, out):
    """{(problem, answer): verdict} for every group: identical readings judged once,
    unless the verdict is about the text itself (`_lendable`)."""
    verdicts = dict(journal.load({key for key in groups}))
    todo = [key for key in groups if key not in verdicts]
    first = {}                                      # (problem, reading) -> first answer
    lent = {}                                       # answer -> the answer judged for it
    for pid, text in todo:
        reading = _reading(text)
        if reading is None:
            continue
        judged = first.setdefault((pid, reading), (pid, text))
        if judged != (pid, text):
            lent[(pid, text)] = judged
    items = [key for key in todo if key not in lent]
    _run(items, verdicts, journal, args, out)
    again = [key for key, judged in lent.items() if not _lendable(verdicts[judged])]
    _run(again, verdicts, journal, args, out)
    for key, judged in lent.items():
        if key not in verdicts:
            verdicts[key] = {**verdicts[judged], "answer": key[1]}
    return verdicts


def _lendable(verdict):
    """Whether another spelling of the same reading may share this verdict: one about the
    mathematics (correct, incorrect), not about a place in the text (a column, a quote
    of the answer); a timeout is tried again."""
    text = " ".join([verdict.get("message") or ""] + list(verdict.get("notes") or []))
    return verdict.get("status") in ("correct", "incorrect") and "column" not in text \
        and verdict.get("answer", "") not in text


def _run(items, verdicts, journal, args, out):
    if not items:
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
    console = Console(file=sys.stderr if args.format == "json" else out)
    with Progress(TextColumn("checking"), MofNCompleteColumn(), BarColumn(),
                  console=console, transient=True) as progress:
        task = progress.add_task("check", total=len(items))

        def done(index, verdict):
            verdicts[items[index]] = verdict
            journal.record(items[index], verdict)
            progress.advance(task)
        if getattr(args, "dask", None):
            from .cluster import check_on_dask
            check_on_dask(items, args.timeout, args.dask, on_done=done)
        else:
            from .workers import check_all
            check_all(items, args.timeout, on_done=done)


def _flag_duplicates(results):
    """A second row for the same student and problem is reported too, and marked as a
    duplicate of the first (the gradebook counts the last)."""
    seen = {}
    for r in results:
        key = (r["student"], r["problem"])
        if not r["student"]:                        # a row that could not be read
            continue
        if key in seen:
            r["duplicate_of"] = seen[key]
        else:
            seen[key] = r["line"]


def _present(results, problems):
    """The problems the file answers, in the problem set's order."""
    used = {r["problem"] for r in results}
    return {pid: p for pid, p in problems.items() if pid in used}


def _print_table(results, problems, out, words):
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text
    console = Console(file=out)
    columns = _present(results, problems)
    marks = {}                                      # one pass: student -> problem -> marks
    for r in results:
        if r["problem"] in columns:
            cells = marks.setdefault(r["student"], {})
            cells[r["problem"]] = cells.get(r["problem"], "") + STATUS_MARK[r["status"]]
    # the legend above the table, wrapped between its items, never inside one ("? unreadable"
    # stays whole, as rich's title wrapping did not keep it)
    from ...render.terminal import wrap_items
    for line in wrap_items(words["title"].split(", "), console.width, ", "):
        console.print(Text(line), soft_wrap=True)
    table = Table()
    table.add_column(Text(words["student"]))
    for pid in columns:
        table.add_column(Text(pid), justify="center")
    for student, cells in marks.items():
        table.add_row(Text(visible(student)), *[Text(cells.get(p, "")) for p in columns])
    console.print(table)
    from ...render.catalogue import translate
    lang = next(k for k, v in WORDS.items() if v is words)
    for r in results:
        if r["problem"] not in columns:
            console.print(Text(visible(translate(r["message"], lang))))
    duplicates = [str(r["line"]) for r in results if r.get("duplicate_of")]
    if duplicates:
        console.print(Text(words["duplicates"].format(count=len(duplicates),
                                                      lines=", ".join(duplicates))))
    counts = {k: sum(r["status"] == k for r in results) for k in STATUS_MARK}
    console.print(Text(words["summary"].format(total=len(results), **counts)
                       + (words["longer"] if counts["timeout"] else "")))


class Journal:
    """The partial results of a run (`FILE.partial`, one JSON line per verdict, written
    as each is decided), so that an interrupted run loses nothing; removed once the run
    is complete. It belongs to one class file and one --timeout."""

    def __init__(self, source, timeout, resume):
        self.path = source.with_name(source.name + ".partial")
        self.stamp = {"file": _digest(source), "timeout": timeout}
        self.resume = resume
        self.count = 0
        self.handle = None

    def load(self, wanted):
        """The verdicts an earlier, interrupted run decided (with --resume); from here on
        the journal is this run's."""
        found, lines = {}, []
        if self.resume:
            try:
                with open(self.path, encoding="utf-8") as f:
                    lines = f.read().splitlines()
            except OSError:
                pass
            if not lines:
                sys.stderr.write(f"derivator: nothing to resume in {self.path}; "
                                 "checking every row\n")
            elif _json(lines[0]) != self.stamp:
                raise DerivatorError(f"{self.path} was written for another version of the "
                                     "class file or another --timeout; run without --resume")
            for line in lines[1:]:
                entry = _json(line)
                if isinstance(entry, dict) and isinstance(entry.get("key"), list) and \
                        isinstance(entry.get("verdict"), dict):
                    key = tuple(entry["key"])
                    if key in wanted:
                        found[key] = entry["verdict"]
        self.count = len(found)
        try:                   # a resumed journal grows; a new one starts with its stamp
            self.handle = open(self.path, "a" if lines else "w", encoding="utf-8")
            if not lines:
                self.handle.write(json.dumps(self.stamp) + "\n")
        except OSError as error:
            sys.stderr.write(f"derivator: cannot write {self.path} "
                             f"({error.strerror or error}); an interrupted run will start "
                             "again\n")
        return found

    def record(self, key, verdict):
        self.count += 1
        if self.handle:
            self.handle.write(json.dumps({"key": list(key), "verdict": verdict},
                                         ensure_ascii=False) + "\n")
            self.handle.flush()

    def close(self):
        if self.handle:
            self.handle.close()
            self.handle = None

    def finish(self):
        self.close()
        try:
            os.unlink(self.path)
        except OSError:
            pass


def _digest(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def _json(line):
    try:
        return json.loads(line)
    except ValueError:
        return None
