"""Grades out to the course's LMS: `check --file … --output DIR --lms gradescope` (one
autograder results.json per student) and `--output grades.csv --lms canvas|moodle` (the
gradebook in the columns each one's import expects). The points, and the partial credit
for a named mistake, are the gradebook's (`gradebook.score`, from the problem files).

The formats, as their documentation describes them (encoded here from it):
- Gradescope's autograder writes /autograder/results/results.json: a top-level "score"
  (the total), "tests" (each with "score", "max_score", "name", "output", "visibility",
  optionally "number", "status" passed|failed, "tags"), "visibility" and
  "stdout_visibility" (visible | hidden | after_due_date | after_published), "output".
- Canvas's gradebook import reads the columns of its export: "Student", "ID",
  "SIS User ID", "SIS Login ID", "Section", one column per assignment, and under the
  header a "Points Possible" row (its first cell "    Points Possible"). It finds the
  student by ID, SIS User ID or SIS Login ID; the class file's student is written as
  the SIS User ID (and as the name), the Canvas ID left empty.
- Moodle's grade import (CSV) maps one column to the user ("ID number", "Email address"
  or "Username", chosen when importing) and the others to grade items; it has no
  points-possible row (an item's maximum is set in Moodle). The student is the
  "ID number" column; each grade column is named "<problem>: <title> (Real)" as
  Moodle's own export names them.
"""
import io
from pathlib import Path

from ... import DerivatorError
from .gradebook import scheme, write_atomically
from .untrusted import SpreadsheetWriter, file_name, json_text, spreadsheet_cell, visible

LMS = ("gradescope", "canvas", "moodle")
VISIBILITY = ("visible", "hidden", "after_due_date", "after_published")
OUTPUT = {
    "en": {"read_as": "read as", "notes": "notes", "counterexample": "counterexample",
           "points": "{earned:g} of {possible:g} points"},
    "ko": {"read_as": "읽은 방식", "notes": "참고", "counterexample": "반례",
           "points": "{possible:g}점 중 {earned:g}점"},
}
STATUS = {"en": {"correct": "correct", "incorrect": "incorrect", "unreadable": "could not be "
                 "read", "timeout": "ran out of time"},
          "ko": {"correct": "정답", "incorrect": "오답", "unreadable": "읽을 수 없음",
                 "timeout": "시간 초과"}}


def last_rows(results, problems):
    """{student: {problem: row}}: each student's last row for a problem (a duplicate row
    is a resubmission, as the gradebook counts)."""
    students = {}
    for r in results:
        if r["student"] and r["problem"] in problems:
            students.setdefault(r["student"], {})[r["problem"]] = r
    return students


def gradescope_results(rows, problems, lang="en"):
    """One student's results.json: a test per problem, the total score. The verdict,
    the reading and the notes are visible; the counterexample after the due date (a
    test of its own, worth no points, so it can have its own visibility)."""
    words, status = OUTPUT[lang], STATUS[lang]
    tests = []
    for k, (pid, p) in enumerate(problems.items(), 1):
        points = scheme(p)[0]
        r = rows.get(pid)
        name = f"{pid}: {p.title.get(lang, p.title['en'])}"
        if r is None:
            tests.append({"name": name, "number": str(k), "score": 0, "max_score": points,
                          "status": "failed", "output": "—", "visibility": "visible"})
            continue
        lines = [f"{status.get(r['status'], r['status'])}: {visible(r['message'])}"]
        if r.get("read_as"):
            lines.append(f"{words['read_as']}: {visible(r['read_as'])}")
        lines += [f"{words['notes']}: {visible(n)}" for n in r.get("notes") or []]
        tests.append({"name": name, "number": str(k), "score": r["points"],
                      "max_score": points,
                      "status": "passed" if r["status"] == "correct" else "failed",
                      "output": "\n".join(lines), "visibility": "visible"})
        if r.get("counterexample"):
            tests.append({"name": f"{name} ({words['counterexample']})", "number": f"{k}.1",
                          "score": 0, "max_score": 0,
                          "output": f"{words['counterexample']}: "
                                    f"{visible(r['counterexample'])}",
                          "visibility": "after_due_date"})
    return {"score": round(sum(t["score"] for t in tests), 6), "tests": tests,
            "visibility": "visible", "stdout_visibility": "hidden"}


def write_gradescope(directory, results, problems, lang="en"):
    """DIR/<student>/results.json for every student (the folder's name made safe from
    the student's), as Gradescope's runner expects one results.json per submission."""
    directory = Path(directory)
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise DerivatorError(f"cannot create {directory}: {error.strerror or error}") from None
    taken = set()
    for student, rows in last_rows(results, problems).items():
        folder = directory / file_name(student, taken)
        try:
            folder.mkdir(exist_ok=True)
        except OSError as error:
            raise DerivatorError(f"cannot create {folder}: {error.strerror or error}") \
                from None
        write_atomically(folder / "results.json",
                         json_text(gradescope_results(rows, problems, lang)) + "\n")


def canvas_csv(results, problems):
    """The gradebook as Canvas imports it: its export's columns, a Points Possible row."""
    header = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
    names = [_column(pid, p) for pid, p in problems.items()]
    out = [header + names,
           ["    Points Possible", "", "", "", ""] + [scheme(p)[0] for p in problems.values()]]
    for student, rows in last_rows(results, problems).items():
        shown = spreadsheet_cell(visible(student))
        out.append([shown, "", shown, "", ""] +
                   [rows[pid]["points"] if pid in rows else "" for pid in problems])
    return _csv(out)


def moodle_csv(results, problems):
    """The gradebook as Moodle's CSV import reads it: the student's ID number and one
    column per grade item; no points-possible row (Moodle keeps each item's maximum)."""
    out = [["ID number"] + [f"{_column(pid, p)} (Real)" for pid, p in problems.items()]]
    for student, rows in last_rows(results, problems).items():
        out.append([spreadsheet_cell(visible(student))] +
                   [rows[pid]["points"] if pid in rows else "" for pid in problems])
    return _csv(out)


def _column(pid, p):
    return spreadsheet_cell(f"{pid}: {p.title.get('en', pid)}")


def _csv(rows):
    buffer = io.StringIO()
    writer = SpreadsheetWriter(buffer)       # every cell: no formula
    writer.writerows(rows)
    return buffer.getvalue()


def check_lms(lms, outputs):
    """--lms with the --output it needs: a folder for gradescope, one .csv for the
    others. Returns the output path."""
    if lms not in LMS:
        raise DerivatorError(f"--lms {lms}: known: {', '.join(LMS)}")
    if len(outputs) != 1:
        raise DerivatorError(f"--lms {lms} needs one --output "
                             f"{'DIR' if lms == 'gradescope' else 'GRADES.csv'}")
    path = Path(outputs[0])
    if lms == "gradescope" and path.suffix:
        raise DerivatorError(f"--lms gradescope writes a folder of results.json files: "
                             f"--output {path} should be a folder's name (no .json or .csv)")
    if lms != "gradescope" and path.suffix.lower() != ".csv":
        raise DerivatorError(f"--lms {lms} writes a CSV file: --output {path} should end "
                             "in .csv")
    return path


def write_lms(lms, path, results, problems, lang="en"):
    if lms == "gradescope":
        write_gradescope(path, results, problems, lang)
    else:
        write_atomically(path, (canvas_csv if lms == "canvas" else moodle_csv)(results,
                                                                               problems))
