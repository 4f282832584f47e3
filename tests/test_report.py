"""The class report: per problem the share correct, named mistakes counted by their
note, unnamed wrong answers grouped by what they compute, the wrong entries of the most
common wrong matrix answer, the derivation step of each common mistake quoted from
`show`, where workings first go wrong; a self-contained page checked in Chromium."""
import csv
import json
import re
from html import unescape
from pathlib import Path

import numpy as np
import pytest

import derivator
from derivator.answers.batch.report import WORDS, build, render_html, render_markdown
from derivator.model.problemset import all_problems
from test_cli import run
from test_html import MEASURE, _chromium, needs_chromium

WORKINGS = Path(__file__).parent / "workings"


def _row(student, problem, answer, status, notes=(), read_as=None, **more):
    return {"line": 0, "student": student, "problem": problem, "answer": answer,
            "status": status, "message": "", "notes": list(notes), "read_as": read_as,
            "counterexample": None, "points": 0, **more}


def _problems(*ids):
    return {p: all_problems()[p] for p in ids}


def test_named_mistakes_are_counted_by_their_note_most_common_first():
    """The same mistake spelled three ways is one mistake, counted three times."""
    transpose = "missing transpose: your answer is the transpose of the right one"
    factor = "off by a constant factor: your answer is 0.5 times the right one"
    results = [_row("a", "p1a", "2X^T", "correct"), _row("b", "p1a", "2X", "incorrect",
                                                         [transpose]),
               _row("c", "p1a", "2 X", "incorrect", [transpose]),
               _row("d", "p1a", "X + X", "incorrect", [transpose]),
               _row("e", "p1a", "X^T", "incorrect", [factor])]
    (report,), summary = build(results, _problems("p1a"))
    assert (report.total, report.correct) == (5, 1)
    assert report.mistakes == [("missing transpose", 3), ("off by a constant factor", 1)]
    assert report.examples["missing transpose"] == transpose
    assert summary == {"students": 5, "rows": 5, "problems": 1}
    page = render_markdown(*build(results, _problems("p1a")))
    assert "60 % missing transpose" in page and "20 % off by a constant factor" in page


def test_a_mistake_is_one_whatever_its_numbers():
    """Off by 3, by 5, by -2: one mistake, "off by a constant factor", counted 3 times."""
    results = [_row(s, "p1a", f"{k} X^T", "incorrect",
                    [f"off by a constant factor: your answer is {k / 2:g} times the right one"])
               for s, k in zip("abc", (3, 5, -2))]
    (report,), _ = build(results, _problems("p1a"))
    assert report.mistakes == [("off by a constant factor", 3)]


def test_a_students_last_row_counts():
    results = [_row("a", "p6", "2 X w", "incorrect", ["x"]),
               _row("a", "p6", "(X + X^T) w", "correct")]
    (report,), _ = build(results, _problems("p6"))
    assert (report.total, report.correct, report.mistakes) == (1, 1, [])


def test_unnamed_wrong_answers_are_grouped_by_what_they_compute():
    """2Xw + Xᵀw written three ways is one group (equal at every point, by algebra);
    3Xw + Xᵀw is another."""
    same = ["2 X w + X^T w", "X w + X w + X^T w", "X^T w + 2 (X w)"]
    results = [_row(s, "p6", a, "incorrect") for s, a in zip("abc", same)]
    results += [_row("d", "p6", "3 X w + X^T w", "incorrect"),
                _row("e", "p6", "3 X w + X^T w", "incorrect")]
    (report,), _ = build(results, _problems("p6"))
    counts = sorted(count for _, count in report.unnamed)
    assert counts == [2, 3]
    example = dict((c, e) for e, c in report.unnamed)[3]
    assert example in same


def test_the_wrong_entries_of_the_most_common_wrong_matrix_answer():
    """2X for 2Xᵀ: the diagonal is right, every other entry wrong (X is never
    symmetric at the random points)."""
    results = [_row("a", "p1a", "2X", "incorrect", ["missing transpose"]),
               _row("b", "p1a", "2 X", "incorrect", ["missing transpose"]),
               _row("c", "p1a", "3 X^T", "incorrect", ["off by a constant factor"])]
    (report,), _ = build(results, _problems("p1a"))
    grid = report.grid
    assert grid["count"] == 2
    n = grid["wrong"].shape[0]
    assert grid["wrong"].shape == (n, n) and n >= 2
    assert (grid["wrong"] == ~np.eye(n, dtype=bool)).all()


def test_every_entry_of_a_scaled_answer_is_wrong():
    """2B for p5's B (∂tr(AᵀB)/∂A): every entry differs (B has no zero entry)."""
    results = [_row("a", "p5", "2B", "incorrect", ["off by a constant factor"])]
    (report,), _ = build(results, _problems("p5"))
    assert report.grid["wrong"].all()


def test_the_three_most_common_mistakes_are_quoted_from_show():
    transpose = "missing transpose: your answer is the transpose of the right one"
    product = ("only one of the two terms of the product rule: X appears twice in tr(X²) = "
               "Σ_ij X_ij X_ji, so the derivative is Xᵀ + Xᵀ = 2Xᵀ")
    results = [_row(s, "p1a", "2X", "incorrect", [transpose]) for s in "abc"] + \
        [_row(s, "p1a", "X^T", "incorrect", [product]) for s in "de"] + \
        [_row("f", "p1a", "5X", "incorrect", ["a fourth mistake"])]
    (report,), _ = build(results, _problems("p1a"))
    assert [note for note, _, _ in report.remedial] == [transpose, product,
                                                        "a fourth mistake"][:3]
    shown = {s["rule"]: s for s in json.loads(derivator.derive("p1a").to("json"))["steps"]}
    rules = {note: s["rule_id"] for note, _, s in report.remedial}
    assert rules[transpose] == "transpose" and rules[product] == "product_rule"
    page = unescape(render_html(*build(results, _problems("p1a"))))
    for rule in ("transpose", "product_rule"):          # id, rule name and explanation
        s = shown[rule]
        assert f"step {s['id']} · {s['title']}" in page and s["explanation"] in page


def test_workings_first_wrong_lines_by_step():
    """Two students go wrong at p4's log of a product (the seed working), one in p6's
    product rule; the report counts them by the step."""
    p4 = (WORKINGS / "student_p4.tex").read_text()
    p6 = "f = w^T X w\n\\frac{df}{dw} = X w"
    results = []
    for student, problem, text in [("a", "p4", p4), ("b", "p4", p4), ("c", "p6", p6)]:
        verdict = derivator.check(problem, text).as_dict()
        results.append({**verdict, "line": 0, "student": student, "answer": text,
                        "points": 0})
    reports, _ = build(results, _problems("p4", "p6"))
    by_problem = {r.id: r for r in reports}
    (step, count), = by_problem["p4"].workings
    assert count == 2 and step["rule"] == "log of a product"
    (step, count), = by_problem["p6"].workings
    assert count == 1 and step["rule"] == "product rule"
    page = render_markdown(reports, _, "en")
    assert "2 student(s) went wrong at log of a product" in page


def _class(tmp_path):
    rows = [("student", "problem", "answer"),
            ("a", "p1a", "2X^T"), ("b", "p1a", "2X"), ("c", "p1a", "2 X"),
            ("a", "p6", "(X + X^T) w"), ("b", "p6", "2 X w + X^T w"),
            ("c", "p6", "X w + X w + X^T w"), ("d", "p6", "X w"),
            ("d", "p4", (WORKINGS / "student_p4.tex").read_text())]
    path = tmp_path / "class.csv"
    with open(path, "w", newline="") as f:
        csv.writer(f).writerows(rows)
    return path


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_command_writes_html_and_markdown(tmp_path, lang):
    path = _class(tmp_path)
    code, _, err = run("check", "--file", str(path), "--report", str(tmp_path / "r.html"),
                       "--lang", lang)
    assert code == 0, err
    page = (tmp_path / "r.html").read_text()
    assert "<script" not in page and not re.search(r"(src|href)=\"(https?:)?//", page)
    assert "<svg" in page and "<math" in page
    assert WORDS[lang]["title"] in page
    code, _, _ = run("check", "--file", str(path), "--report", str(tmp_path / "r.md"),
                     "--lang", lang)
    markdown = (tmp_path / "r.md").read_text()
    assert code == 0 and markdown.startswith(f"# {WORDS[lang]['title']}") and "$$" in markdown


def test_every_sentence_in_both_languages():
    assert WORDS["en"].keys() == WORDS["ko"].keys()


@pytest.mark.parametrize("name, message", [("r.txt", ".html"), ("class.md", "class file")])
def test_a_bad_report_name_gets_one_line(tmp_path, name, message):
    path = _class(tmp_path).rename(tmp_path / "class.md")      # a class file of any name
    code, _, err = run("check", "--file", str(path), "--report", str(tmp_path / name))
    assert code == 2 and message in err and len(err.strip().splitlines()) == 1
    assert path.read_text().startswith("student,")


@needs_chromium
def test_the_page_in_chromium(tmp_path):
    path = _class(tmp_path)
    run("check", "--file", str(path), "--report", str(tmp_path / "r.html"), "--lang", "ko")
    page = (tmp_path / "r.html").read_text()
    measured_page = page.replace("</body>", MEASURE + "</body>")
    dom = _chromium(tmp_path, measured_page, "--dump-dom")
    measured = json.loads(unescape(re.search(r'<pre id="measured">(.*?)</pre>', dom).group(1)))
    assert measured["formulas"] == page.count("<math ") > 0
    assert measured["empty"] == 0
    assert measured["scrollWidth"] <= measured["clientWidth"] <= 800
    _chromium(tmp_path, page, "--screenshot=" + str(tmp_path / "report.png"))
    png = (tmp_path / "report.png").read_bytes()
    assert png.startswith(b"\x89PNG") and len(png) > 10_000


def test_what_a_student_wrote_stays_text_on_the_page():
    hostile = '<script>alert(1)</script> `x` | # *'
    results = [_row("a", "p6", hostile, "incorrect"),
               _row("b", "p6", "2 X w", "incorrect", [f"<img src=x onerror=alert(1)>: {hostile}"])]
    reports, summary = build(results, _problems("p6"))
    page = render_html(reports, summary)
    assert "<script" not in page and "<img" not in page
    assert "&lt;script&gt;" in page
    markdown = render_markdown(reports, summary)
    for line in markdown.splitlines():      # markup only escaped (\<) or in a code span
        if "<script>" in line:
            assert line.startswith("- 1 × `` <script>") and line.endswith(" ``")
        assert "<img" not in line.replace("\\<img", "")


def test_answers_equal_at_one_point_only_are_two_groups():
    """The key is taken at one point; a group needs equality at every point."""
    from collections import Counter

    from derivator.answers.batch.report import _groups

    class Fake:
        values = {"a": [1.0, 2.0], "b": [1.0, 3.0], "c": [1.0, 2.0 + 1e-14]}

        def first(self, answer):
            return [np.array(self.values[answer][0])]

        def every(self, answer):
            return [np.array(v) for v in self.values[answer]]
    groups = _groups(Fake(), Counter({"a": 3, "b": 2, "c": 1}))
    assert sorted((g["answers"], g["count"]) for g in groups) == [(["a", "c"], 4), (["b"], 2)]


def test_the_grid_is_drawn_where_the_answer_is_wrong():
    """k X^(k-1) for k (X^(k-1))ᵀ is right at k = 1 (the identity): the grid is drawn at a
    point where it is wrong, and marks some entry wrong."""
    results = [_row("a", "p1c", "k X^{k-1}", "incorrect", ["missing transpose"])]
    (report,), _ = build(results, _problems("p1c"))
    assert report.grid["wrong"].any() and not report.grid["wrong"].all()
