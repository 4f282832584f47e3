"""Grades out to the LMS: Gradescope's autograder results.json per student (validated
against the schema written from Gradescope's documentation of the format), and Canvas's
and Moodle's gradebook imports; points and partial credit from the problem files."""
import csv
import io
import json
import tomllib
from pathlib import Path

import jsonschema
import pytest

from test_cli import run

PROBLEMS = Path(__file__).parent.parent / "problems"

# Gradescope's autograder "results.json" as its documentation specifies it (Autograder
# Specifications, "Output format"): a top-level score (or one per test), tests with
# score, max_score, name, number, output, status, tags, visibility; visibility and
# stdout_visibility one of visible, hidden, after_due_date, after_published.
VISIBILITY = {"enum": ["visible", "hidden", "after_due_date", "after_published"]}
GRADESCOPE_SCHEMA = {
    "type": "object",
    "properties": {
        "score": {"type": "number"},
        "execution_time": {"type": "number"},
        "output": {"type": "string"},
        "output_format": {"enum": ["text", "html", "simple_format", "md", "ansi"]},
        "visibility": VISIBILITY,
        "stdout_visibility": VISIBILITY,
        "extra_data": {"type": "object"},
        "tests": {"type": "array", "items": {
            "type": "object",
            "properties": {
                "score": {"type": "number"}, "max_score": {"type": "number"},
                "status": {"enum": ["passed", "failed"]},
                "name": {"type": "string"}, "number": {"type": "string"},
                "output": {"type": "string"},
                "output_format": {"enum": ["text", "html", "simple_format", "md", "ansi"]},
                "tags": {"type": "array", "items": {"type": "string"}},
                "visibility": VISIBILITY, "extra_data": {"type": "object"}},
            "additionalProperties": False}},
        "leaderboard": {"type": "array"},
    },
    "anyOf": [{"required": ["score"]},
              {"properties": {"tests": {"items": {"required": ["score"]}}}}],
    "additionalProperties": False,
}

# the right answers and named mistakes, with the rubric's key each note starts with
CLASS = [("kim", "p1a", "2X^T"), ("kim", "p6", "2 X w"),        # p6: right only when symmetric
         ("lee", "p1a", "2X"), ("lee", "p6", "(X + X^T) w"),    # p1a: missing transpose
         ("park", "p1a", "3 X^T"), ("park", "p6", "what")]      # p1a: no rubric note; unreadable


def _points(pid):
    data = tomllib.loads((PROBLEMS / f"{pid}.toml").read_text())
    return data.get("points", 1), data.get("rubric", {})


def _expected():
    """Each student's points, from the problem files' points and rubric shares."""
    p1a, rubric1a = _points("p1a")
    p6, rubric6 = _points("p6")
    return {"kim": {"p1a": p1a, "p6": p6 * rubric6["right only when"]},
            "lee": {"p1a": p1a * rubric1a["missing transpose"], "p6": p6},
            "park": {"p1a": 0, "p6": 0}}


def _class(tmp_path):
    path = tmp_path / "class.csv"
    with open(path, "w", newline="") as f:
        csv.writer(f).writerows([("student", "problem", "answer"), *CLASS])
    return path


def test_gradescope_results_one_per_student_against_the_schema(tmp_path):
    code, _, err = run("check", "--file", str(_class(tmp_path)), "--output",
                       str(tmp_path / "gs"), "--lms", "gradescope")
    assert code == 1, err                      # park's answer is unreadable
    expected = _expected()
    assert sorted(p.name for p in (tmp_path / "gs").iterdir()) == sorted(expected)
    for student, points in expected.items():
        results = json.loads((tmp_path / "gs" / student / "results.json").read_text())
        jsonschema.validate(results, GRADESCOPE_SCHEMA)
        scored = {t["name"].split(":")[0]: t for t in results["tests"]
                  if t["visibility"] == "visible"}
        assert {p: t["score"] for p, t in scored.items()} == points
        assert all(t["max_score"] == _points(p)[0] for p, t in scored.items())
        assert results["score"] == pytest.approx(sum(points.values()))
        for t in results["tests"]:               # a counterexample only after the due date
            if "counterexample" in t["output"]:
                assert t["visibility"] == "after_due_date" and t["max_score"] == 0
    lee = json.loads((tmp_path / "gs" / "lee" / "results.json").read_text())
    p1a = next(t for t in lee["tests"] if t["name"].startswith("p1a") and
               t["visibility"] == "visible")
    assert p1a["status"] == "failed" and "missing transpose" in p1a["output"] and \
        "read as" in p1a["output"]
    assert any(t["visibility"] == "after_due_date" for t in lee["tests"])
    for broken in ({**lee, "visibility": "later"}, {**lee, "tests": [{"points": 1}]}):
        with pytest.raises(jsonschema.ValidationError):      # the schema is no formality
            jsonschema.validate(broken, GRADESCOPE_SCHEMA)


def test_canvas_columns_points_possible_and_student_id(tmp_path):
    out = tmp_path / "canvas.csv"
    run("check", "--file", str(_class(tmp_path)), "--output", str(out), "--lms", "canvas")
    rows = list(csv.reader(io.StringIO(out.read_text())))
    assert rows[0][:5] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
    columns = {name.split(":")[0]: k for k, name in enumerate(rows[0]) if k >= 5}
    assert rows[1][0].strip() == "Points Possible"
    assert {p: float(rows[1][k]) for p, k in columns.items()} == \
        {p: _points(p)[0] for p in columns}
    expected = _expected()
    for row in rows[2:]:
        assert row[2] == row[0] in expected          # the class file's id: SIS User ID
        assert {p: float(row[k]) for p, k in columns.items()} == expected[row[0]]


def test_moodle_columns_and_id_number(tmp_path):
    out = tmp_path / "moodle.csv"
    run("check", "--file", str(_class(tmp_path)), "--output", str(out), "--lms", "moodle",
        "--lang", "ko")
    rows = list(csv.reader(io.StringIO(out.read_text())))
    assert rows[0][0] == "ID number" and all(c.endswith("(Real)") for c in rows[0][1:])
    expected = _expected()
    assert [r[0] for r in rows[1:]] == list(expected)          # no points-possible row
    for row in rows[1:]:
        assert {rows[0][k].split(":")[0]: float(row[k]) for k in range(1, len(row))} == \
            expected[row[0]]


@pytest.mark.parametrize("options, message", [
    (["--lms", "gradescope", "--output", "x.json"], "folder"),
    (["--lms", "canvas", "--output", "x.json"], ".csv"),
    (["--lms", "moodle"], "one --output"),
    (["--lms", "blackboard", "--output", "x.csv"], "invalid choice"),
])
def test_bad_lms_options_get_one_line(tmp_path, options, message):
    code, out, err = run("check", "--file", str(_class(tmp_path)), *options)
    assert code == 2 and message in err and len(err.strip().splitlines()) == 1
    assert "Traceback" not in err


def test_lms_needs_a_class_file():
    code, _, err = run("check", "p6", "2 X w", "--lms", "canvas")
    assert code == 2 and "--lms needs --file" in err
