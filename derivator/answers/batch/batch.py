"""A whole class at once: `check --file answers.csv` (columns student, problem, answer).

Every row is judged on its own (a row that cannot be read gets its own verdict with its
line number); the same answer to the same problem, however it is spelled, is judged
once; verdicts go to a partial file as they are decided, so an interrupted run keeps
them and `--resume` goes on from there; the outputs are written whole at the end.
"""
import contextlib
import hashlib
import hmac
import json
import os
import re
import secrets
import signal
import stat
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
    running = []                    # the run's journal, once it has one
    try:
        return _run_class(args, out, running)
    except KeyboardInterrupt:       # Ctrl-C at any moment: one line, status 130
        with _no_second_interrupt():
            journal = running[0] if running else None
            if journal is not None:
                journal.close()
                sys.stderr.write(f"derivator: interrupted; {journal.count} verdicts are kept "
                                 f"in {journal.path}: the same command with --resume goes on\n")
            else:
                sys.stderr.write("derivator: interrupted\n")
        return 130


@contextlib.contextmanager
def _no_second_interrupt():
    """Ctrl-C pressed twice must not break the closing of the journal with a traceback."""
    try:
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    except ValueError:              # not the main thread: signals are not ours to set
        previous = None
    try:
        yield
    finally:
        if previous is not None:
            signal.signal(signal.SIGINT, previous)


def _run_class(args, out, running):
    from ...model.problemset import all_problems
    rows = read_class_file(args.file)
    _apart(rows, getattr(args, "lang", "en"))
    outputs = [Path(p) for p in (args.output or [])]
    lms = getattr(args, "lms", None)
    if lms:                                         # --output is the LMS's file or folder
        from .lms import check_lms
        _not_the_class_file(check_lms(lms, outputs), Path(args.file))
    else:
        _check_outputs(outputs, Path(args.file))
    report = getattr(args, "report", None)
    if report:
        _check_report(Path(report), Path(args.file))
    from ...strategies.routes.answers import route_problems
    problems = {**all_problems(), **route_problems()}     # and bce-mle, logistic-pm1
    for p in problems.values():
        scheme(p)                                   # a bad points/rubric: said at once
    ids = {name: _problem_id(name, problems) for name in {r.problem for r in rows}}
    journal = Journal(Path(args.file), args.timeout, args.resume,
                      getattr(args, "lang", "en"))
    running.append(journal)
    results = [_bad_row(r, ids) for r in rows]
    groups = _groups(rows, results, ids)
    try:
        verdicts = _judge(groups, journal, args, out)
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
    for path in outputs if not lms else ():
        write_atomically(path, results_json(results) if path.suffix.lower() == ".json"
                         else grades_csv(results, _present(results, problems)))
    if lms:
        from .lms import write_lms
        write_lms(lms, outputs[0], results, _present(results, problems), args.lang)
    if report:
        from .report import write_report
        write_report(report, results, _present(results, problems), args.lang)
    if getattr(args, "feedback", None):
        write_feedback(args.feedback, results, _present(results, problems), args.lang)
    if args.format == "json":
        out.write(results_json(results))
    else:
        _print_table(results, problems, out, WORDS[args.lang])
    journal.finish()                                # only once everything is out
    return 1 if any(r["status"] in ("unreadable", "timeout") for r in results) else 0


def _apart(rows, lang="en"):
    """Students whose names differ only in spaces ("Kim", "Kim ") are kept apart, each
    under the name as written, with a warning: merging them would let one student's row
    count as another's."""
    spellings = {}
    for row in rows:
        if row.student:
            spellings.setdefault(" ".join(row.student.split()), {}).setdefault(
                row.raw_student, []).append(row.line)
    for forms in spellings.values():
        if len(forms) < 2:
            continue
        for row in rows:
            if row.raw_student in forms:
                row.student = row.raw_student
        lines = ", ".join(str(n) for n in sorted(n for ns in forms.values() for n in ns))
        _warn(WARNINGS["spaces"], lang, lines=lines,
              names=", ".join(repr(visible(f)) for f in forms))


def _check_outputs(outputs, source):
    for path in outputs:
        if path.suffix.lower() not in OUTPUTS:
            raise DerivatorError(f"--output {path}: the name must end in .json (the verdicts) "
                                 "or .csv (the gradebook)")
        if os.path.realpath(path) == os.path.realpath(source) or \
                path.exists() and source.exists() and os.path.samefile(path, source):
            raise DerivatorError(f"--output {path} is the class file itself; give another name")


def _not_the_class_file(path, source):
    if os.path.realpath(path) == os.path.realpath(source) or \
            path.exists() and source.exists() and os.path.samefile(path, source):
        raise DerivatorError(f"--output {path} is the class file itself; give another name")


def _check_report(path, source):
    """--report REPORT.html|.md, never over the class file."""
    if path.suffix.lower() not in (".html", ".htm", ".md"):
        raise DerivatorError(f"--report {path}: the name must end in .html (a page) or .md "
                             "(Markdown)")
    if os.path.realpath(path) == os.path.realpath(source):
        raise DerivatorError(f"--report {path} is the class file itself; give another name")


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
    # rich's own progress bar: the raw stderr (the CLI's sanitizer would escape its codes)
    console = Console(file=getattr(sys.stderr, "raw", sys.stderr) if args.format == "json"
                      else out)
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
    is complete. It belongs to one class file and one --timeout.

    The journal may sit in a folder others can write to. It is never written through a
    symbolic or hard link (a new one is created afresh, O_EXCL and O_NOFOLLOW), and each
    verdict carries an HMAC under a key made for the run and kept in the user's own cache
    folder: on --resume a line that is malformed, not of this class file, or whose verdict
    was edited is ignored with a warning, and its row is checked again."""

    def __init__(self, source, timeout, resume, lang="en"):
        self.lang = lang
        self.path = source.with_name(source.name + ".partial")
        self.stamp = {"file": _digest(source), "timeout": timeout}
        self.resume = resume
        self.count = 0
        self.handle = None
        self.run, self.key = secrets.token_hex(16), secrets.token_bytes(32)

    def load(self, wanted):
        """The verdicts an earlier, interrupted run decided (with --resume); from here on
        the journal is this run's."""
        found, lines, key = {}, [], None
        if self.resume:
            lines = _read_journal(self.path)
            head = _json(lines[0]) if lines else None
            if not lines:
                _warn(WARNINGS["nothing"], self.lang, path=self.path)
            elif not isinstance(head, dict) or \
                    {k: head.get(k) for k in self.stamp} != self.stamp:
                raise DerivatorError(f"{self.path} was written for another version of the "
                                     "class file or another --timeout; run without --resume")
            elif (key := _run_key(head.get("run"))) is None:
                _warn(WARNINGS["no key"], self.lang, path=self.path)
            else:
                for line in lines[1:]:
                    entry = _entry(line, key, wanted)
                    if entry:
                        found[entry[0]] = entry[1]
                ignored = len(lines) - 1 - len(found)
                if ignored:
                    _warn(WARNINGS["ignored"], self.lang, path=self.path, count=ignored)
        self.count = len(found)
        try:                   # a resumed journal grows; a new one starts with its stamp
            if key is not None:
                self.run, self.key = head["run"], key
                self.handle = _open_journal(self.path, append=True)
            else:
                self.handle = _open_journal(self.path, append=False)
                self.handle.write(json.dumps({**self.stamp, "run": self.run}) + "\n")
                self.handle.flush()
                _store_key(self.run, self.key)
        except OSError as error:
            self.close()
            sys.stderr.write(f"derivator: cannot write {self.path} "
                             f"({error.strerror or error}); an interrupted run will start "
                             "again\n")
        return found

    def record(self, key, verdict):
        self.count += 1
        if self.handle:
            entry = {"key": list(key), "verdict": verdict}
            self.handle.write(json.dumps({**entry, "mac": _mac(self.key, entry)},
                                         ensure_ascii=False) + "\n")
            self.handle.flush()

    def close(self):
        if self.handle:
            self.handle.close()
            self.handle = None

    def finish(self):
        self.close()
        for path in (self.path, _key_path(self.run)):
            try:
                os.unlink(path)
            except (OSError, TypeError):
                pass


WARNINGS = {
    "nothing": {"en": "nothing to resume in {path}; checking every row",
                "ko": "{path}에 이어서 할 것이 없다; 모든 행을 채점한다"},
    "no key": {"en": "the key of {path} is not in this user's cache; its verdicts cannot "
                     "be trusted, so every row is checked again",
               "ko": "{path}의 키가 이 사용자의 캐시에 없다; 그 결과를 믿을 수 없으므로 모든 "
                     "행을 다시 채점한다"},
    "ignored": {"en": "{count} line(s) of {path} are malformed, not of this class file, or "
                      "were edited: ignored, and their rows checked again",
                "ko": "{path}의 {count}줄이 형식이 틀렸거나, 이 학급 파일의 것이 아니거나, "
                      "수정되었다: 무시하고 그 행을 다시 채점한다"},
    "spaces": {"en": "line {lines}: the students {names} differ only in spaces: they are "
                     "graded as different students",
               "ko": "줄 {lines}: 학생 {names}은(는) 공백만 다르다: 서로 다른 학생으로 "
                     "채점한다"},
}
MAX_JOURNAL = 64 * 2 ** 20      # bytes; a journal is one short line per distinct answer


def _warn(message, lang="en", **fields):
    sys.stderr.write(f"derivator: warning: {message[lang].format(**fields)}\n")


def _open_journal(path, append):
    """The journal opened for writing: appended to only when it is a plain file of its own
    (no symbolic link, no second hard link), else created afresh in its place."""
    flags = os.O_WRONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    if append:
        fd = _open_plain(path, flags | os.O_APPEND)
        if fd is not None:
            return os.fdopen(fd, "a", encoding="utf-8")
    try:
        os.unlink(path)                 # a link is removed, never followed
    except FileNotFoundError:
        pass
    return os.fdopen(os.open(path, flags | os.O_CREAT | os.O_EXCL, 0o600), "w",
                     encoding="utf-8")


def _open_plain(path, flags):
    """A descriptor of `path` if it is a plain file with one name, else None: never a
    link, and never a FIFO or a device, which could block the run (O_NONBLOCK)."""
    try:
        fd = os.open(path, flags | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return None
    info = os.fstat(fd)
    if stat.S_ISREG(info.st_mode) and info.st_nlink == 1:
        return fd
    os.close(fd)
    return None


def _read_journal(path):
    fd = _open_plain(path, os.O_RDONLY)
    if fd is None:
        return []
    with os.fdopen(fd, "rb") as f:
        data = f.read(MAX_JOURNAL + 1)
    if len(data) > MAX_JOURNAL:
        return []
    return data.decode("utf-8", "replace").splitlines()


def _key_path(run):
    """Where the key of run `run` is kept: the user's cache folder (DERIVATOR_CACHE_DIR),
    not beside the journal; None when there is no cache or `run` is not a run's name."""
    from ...render.cache import _directory
    folder = _directory()
    if folder is None or not (isinstance(run, str) and re.fullmatch(r"[0-9a-f]{32}", run)):
        return None
    return folder / "journal-keys" / run


def _store_key(run, key):
    path = _key_path(run)
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL |
                     getattr(os, "O_NOFOLLOW", 0), 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(key)
    except OSError:
        pass                           # no key kept: a resumed run checks every row again


def _run_key(run):
    path = _key_path(run)
    try:
        with open(path, "rb") as f:
            key = f.read(64)
    except (OSError, TypeError):
        return None
    return key if len(key) == 32 else None


def _mac(key, entry):
    body = json.dumps(entry, sort_keys=True, ensure_ascii=False).encode("utf-8")
    return hmac.new(key, body, hashlib.sha256).hexdigest()


def _entry(line, key, wanted):
    """(answer key, verdict) of a journal line that this run wrote for this class file
    and nobody changed since; None for any other line."""
    entry = _json(line)
    if not (isinstance(entry, dict) and isinstance(entry.get("mac"), str)):
        return None
    body = {"key": entry.get("key"), "verdict": entry.get("verdict")}
    if not hmac.compare_digest(entry["mac"], _mac(key, body)):
        return None
    answer, verdict = body["key"], body["verdict"]
    if not (isinstance(answer, list) and len(answer) == 2 and tuple(answer) in wanted
            and isinstance(verdict, dict) and verdict.get("status") in STATUS_MARK
            and verdict.get("problem") == answer[0]):
        return None
    return tuple(answer), verdict


def _digest(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def _json(line):
    try:
        return json.loads(line)
    except ValueError:
        return None
