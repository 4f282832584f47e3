"""A whole class: class files as spreadsheets save them, every row judged on its own,
identical answers judged once, nothing lost on interruption, outputs written whole, the
gradebook and the feedback, and nothing a cell holds ever acting on the terminal, a
spreadsheet or the file system."""
import json
import os
import signal
import types

import pytest

from derivator.answers.batch import batch, workers
from derivator.answers.batch.classfile import MAX_CELL, read_class_file
from derivator.answers.batch.gradebook import score
from derivator.answers.batch.untrusted import file_name, spreadsheet_cell, visible
from derivator.model.problemset import problem
from test_cli import run

# Cheap answers whose verdicts the mathematics fixes: d/dX tr(XᵀX)... = 2Xᵀ for p1a,
# B for p5, (X + Xᵀ)w for p6.
CLASS = [("kim", "p1a", "2X^T", "correct"), ("kim", "p5", "B", "correct"),
         ("lee", "p1a", "2X", "incorrect"), ("lee", "p6", "(X + X^T) w", "correct"),
         ("park", "6", "2 X w", "incorrect")]


def _csv(rows, separator=",", header="student,problem,answer", newline="\n"):
    lines = [header.replace(",", separator)]
    lines += [separator.join([s, p, '"' + a.replace('"', '""') + '"']) for s, p, a, *_ in rows]
    return newline.join(lines) + newline


def _verdicts(tmp_path, content, *options, name="a.csv"):
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    out_json = tmp_path / "results.json"
    code, out, err = run("check", "--file", str(path), "--output", str(out_json), *options)
    return code, (json.loads(out_json.read_text()) if out_json.exists() else None), out, err


def test_a_class_file_as_spreadsheets_save_it(tmp_path):
    """UTF-8 with a byte-order mark, CRLF, ';' between cells, the header in capitals."""
    plain = _verdicts(tmp_path, _csv(CLASS))[1]
    saved = b"\xef\xbb\xbf" + _csv(CLASS, ";", "STUDENT,Problem,ANSWER", "\r\n").encode()
    code, spreadsheet, _, _ = _verdicts(tmp_path, saved, name="b.csv")
    assert code == 0
    assert [r["status"] for r in plain] == [r["status"] for r in spreadsheet] == \
        [expected for *_, expected in CLASS]
    assert spreadsheet[4]["problem"] == "p6" and spreadsheet[0]["student"] == "kim"


def test_every_row_is_judged_on_its_own(tmp_path):
    content = ("student,problem,answer\n"
               "kim,p1a,2X^T\n"
               f"big,p1a,\"{'X + ' * (MAX_CELL // 4)}X\"\n"     # one oversized cell
               "lee,p5,B\n"
               "odd,p5,\"B\n"                       # a quote closed by the next row's
               "park,p6,\"(X + X^T) w\"\n").encode() + \
        b"bad,p5,\xff\xfe\n" + b"moon,p5,B\n" + b'last,p5,"B\n'     # never closed
    code, results, _, _ = _verdicts(tmp_path, content)
    assert code == 1
    by_line = {r["line"]: r for r in results}
    assert [by_line[k]["status"] for k in (2, 4, 6, 8)] == ["correct"] * 4
    for line, phrase in ((3, "longer than 131,072"), (5, "closed in the middle of a cell"),
                         (7, "not UTF-8"), (9, "never closed")):
        assert by_line[line]["status"] == "unreadable"
        assert by_line[line]["message"].startswith(f"line {line}") and phrase in \
            by_line[line]["message"]


def test_a_quoted_cell_may_span_lines(tmp_path):
    rows = read_class_file(_write(tmp_path, 'student,problem,answer\nkim,p5,"B\n+ 0"\nlee,p5,B\n'))
    assert [(r.line, r.answer) for r in rows] == [(2, "B\n+ 0"), (4, "B")]


def _write(tmp_path, text):
    path = tmp_path / "c.csv"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("content,message", [
    ("student,problem,answer\n", "has a header (line 1) but no answers"),
    ("student,problem,answer\r\n\r\n", "has a header (line 1) but no answers"),
    ("", "is empty"),
    ("\n\nname,answer\nkim,X\n", "line 3: the header needs the columns student, problem, "
                                 "answer; found name, answer"),
])
def test_a_bad_class_file_says_which_line(tmp_path, content, message):
    code, _, err = run("check", "--file", str(_write(tmp_path, content)))
    assert code == 2 and message in err and "Traceback" not in err


def test_duplicate_rows_are_both_reported_and_flagged(tmp_path):
    code, results, out, _ = _verdicts(tmp_path, _csv([("kim", "p1a", "2X"), ("kim", "1a", "2X^T")]))
    assert code == 0 and [r["status"] for r in results] == ["incorrect", "correct"]
    assert "duplicate_of" not in results[0] and results[1]["duplicate_of"] == 2
    assert "duplicate" in out and "✗✓" in out


def test_identical_readings_are_judged_once(tmp_path, monkeypatch):
    judged = []
    real = workers.check_all

    def counting(items, *args, **kwargs):
        judged.extend(items)
        return real(items, *args, **kwargs)
    monkeypatch.setattr(workers, "check_all", counting)
    rows = [(f"s{k}", "p6", answer) for k, answer in
            enumerate(["(X + X^T) w", "(X+X^T)w", " (X + X^T)  w ", "2 X w", "2  X w",
                       "X w + q"] * 3)]
    code, results, _, _ = _verdicts(tmp_path, _csv(rows))
    assert sorted(a for _, a in judged) == ["(X + X^T) w", "2 X w", "X w + q"]
    assert [r["status"] for r in results] == ["correct", "correct", "correct", "incorrect",
                                              "incorrect", "unreadable"] * 3
    assert results[1]["answer"] == "(X+X^T)w"          # each row keeps its own spelling
    assert "column" in results[5]["message"]


def test_a_verdict_that_points_at_a_column_is_not_lent_to_another_spelling(tmp_path, monkeypatch):
    judged = []
    real = workers.check_all
    monkeypatch.setattr(workers, "check_all",
                        lambda items, *a, **k: judged.extend(items) or real(items, *a, **k))
    code, results, _, _ = _verdicts(tmp_path, _csv([("a", "p6", "X w + q"), ("b", "p6", "X w  +  q")]))
    assert sorted(a for _, a in judged) == ["X w  +  q", "X w + q"]
    assert results[0]["message"] != results[1]["message"]


def test_markup_and_escape_sequences_in_a_cell_stay_text(tmp_path):
    hostile = "\x1b]0;owned\x07\x1b[2J\u202eevil[/][bold red]"
    content = _csv([(hostile, "p5", "B"), ("lee", "[/]", "B"), ("kim", "p5", "[bold red]B")])
    code, results, out, err = _verdicts(tmp_path, content)
    assert code == 1 and results[0]["status"] == "correct"
    assert "\x1b" not in out + err and "\u202e" not in out + err and "\x07" not in out
    assert "\\x1b]0;owned\\x07\\x1b[2J\\u202eevil[/][bold red]" in out
    assert "unknown problem '[/]'" in out
    shown = (tmp_path / "results.json").read_text(encoding="utf-8")    # `cat results.json`
    assert "\u202e" not in shown and "\x1b" not in shown and results[0]["student"] == hostile
    code, out, _ = run("check", "--file", str(tmp_path / "a.csv"), "--format", "json")
    assert "\u202e" not in out and json.loads(out)[0]["student"] == hostile


def test_visible_writes_out_every_control_character():
    assert visible("kim") == "kim" and visible("김민지") == "김민지"
    assert visible("a\x1bb\u202ec\u2066d\x00\u2028") == "a\\x1bb\\u202ec\\u2066d\\x00\\u2028"


@pytest.mark.parametrize("cell", ["=HYPERLINK(\"http://x\")", "+1", "-2X", "@SUM(A1)",
                                  "\tX", "\rX"])
def test_formulas_are_neutralised_for_spreadsheets(cell):
    assert spreadsheet_cell(cell) == "'" + cell
    assert spreadsheet_cell("2X^T") == "2X^T" and spreadsheet_cell(1.5) == 1.5


def test_the_gradebook(tmp_path):
    rows = CLASS + [("=cmd|' /C calc'!A0", "p5", "B"), ("kim", "p6", "X w + w^T X")]
    grades = tmp_path / "grades.csv"
    code, results, _, _ = _verdicts(tmp_path, _csv(rows), "--output", str(grades))
    lines = grades.read_text().splitlines()
    assert lines[0] == "student,p1a,p5,p6,total"           # the problem set's order
    assert lines[1] == "(points possible),1,1,1,3"
    table = {line.split(",")[0]: line.split(",")[1:] for line in lines[2:]}
    assert table["kim"] == ["1", "1", "0", "2"]
    assert table["lee"] == ["0.5", "", "1", "1.5"]         # the rubric: missing transpose
    share = problem("p6").data["rubric"]["right only when"]     # 2Xw: X symmetric only
    assert table["park"] == ["", "", f"{share:g}", f"{share:g}"]
    assert lines[-1].startswith("'=cmd")
    assert [r["points"] for r in results][:5] == [1, 1, 0.5, 1, share]


def test_points_and_rubric_from_the_problem_file():
    problem = types.SimpleNamespace(id="px", data={"points": 4, "rubric": {
        "missing transpose": 0.5, "sign": 0.25}})
    verdict = {"status": "incorrect", "notes": ["sign: ...", "missing transpose: ..."]}
    assert score(verdict, problem) == 4 * 0.25 * 0.5         # each mistake keeps its share
    assert score({"status": "incorrect", "notes": ["sign: ..."]}, problem) == 1
    assert score({"status": "correct", "notes": []}, problem) == 4
    assert score({"status": "incorrect", "notes": ["off by a constant factor"]}, problem) == 0
    assert score({"status": "timeout", "notes": []}, problem) == 0
    bad = types.SimpleNamespace(id="px", data={"points": -1})
    with pytest.raises(ValueError, match="points must be a number greater than 0"):
        score(verdict, bad)


def test_feedback_files_one_per_student(tmp_path):
    rows = CLASS + [("../evil", "p5", "B ``` $(rm)")]
    feedback = tmp_path / "feedback"
    code, _, _, _ = _verdicts(tmp_path, _csv(rows), "--feedback", str(feedback), "--lang", "ko")
    names = sorted(p.name for p in feedback.iterdir())
    assert names == ["_evil.md", "kim.md", "lee.md", "park.md"]
    lee = (feedback / "lee.md").read_text()
    assert "# lee 피드백" in lee and "오답" in lee and "전치 누락" in lee     # the note in Korean
    assert "missing" not in lee and "differs" not in lee
    assert "반례" in lee and "합계: 2점 중 1.5점" in lee
    evil = (feedback / "_evil.md").read_text()
    assert "````\nB ``` $(rm)\n````" in evil


def test_file_names_are_safe_and_distinct():
    taken = set()
    assert [file_name(n, taken) for n in ["kim", "Kim", "../x", "", "a/b", "김 민지"]] == \
        ["kim", "Kim-2", "_x", "student", "a_b", "김_민지"]


def test_output_is_never_the_class_file_and_never_truncated_early(tmp_path):
    path = _write(tmp_path, _csv(CLASS))
    before = path.read_text()
    code, _, err = run("check", "--file", str(path), "--output", str(path.with_suffix(".csv")))
    assert code == 2 and "is the class file itself" in err and path.read_text() == before
    kept = tmp_path / "kept.json"
    kept.write_text("earlier results")
    empty = tmp_path / "empty.csv"
    empty.write_text("student,problem,answer\n")
    assert run("check", "--file", str(empty), "--output", str(kept))[0] == 2
    assert kept.read_text() == "earlier results"
    assert run("check", "--file", str(path), "--output", str(tmp_path / "x.txt"))[0] == 2


def test_an_interrupted_run_keeps_its_verdicts_and_resumes(tmp_path, monkeypatch):
    path = _write(tmp_path, _csv(CLASS))
    real = workers.check_all

    def interrupted(items, seconds, on_done=None, **kwargs):
        decided = []

        def done(index, verdict):                # Ctrl-C after the second verdict
            on_done(index, verdict)
            decided.append(index)
            if len(decided) == 2:
                raise KeyboardInterrupt
        return real(items, seconds, on_done=done, **kwargs)
    monkeypatch.setattr(workers, "check_all", interrupted)
    code, _, err = run("check", "--file", str(path), "--output", str(tmp_path / "r.json"))
    assert code == 130 and "--resume" in err and not (tmp_path / "r.json").exists()
    assert len((tmp_path / "c.csv.partial").read_text().splitlines()) == 3   # stamp, 2 verdicts
    judged = []
    monkeypatch.setattr(workers, "check_all",
                        lambda items, *a, **k: judged.extend(items) or real(items, *a, **k))
    code, _, _ = run("check", "--file", str(path), "--output", str(tmp_path / "r.json"),
                     "--resume")
    results = json.loads((tmp_path / "r.json").read_text())
    assert code == 0 and [r["status"] for r in results] == [e for *_, e in CLASS]
    assert len(judged) == len(CLASS) - 2
    assert not (tmp_path / "c.csv.partial").exists()


def test_exit_status_says_whether_every_row_was_judged(tmp_path, capsys):
    assert _verdicts(tmp_path, _csv(CLASS))[0] == 0          # incorrect answers are judged
    assert _verdicts(tmp_path, _csv(CLASS + [("kim", "p5", "(((B")]))[0] == 1
    assert run("check", "--help")[0] == 0
    assert "--file: 0 when every row was judged (correct or incorrect), 1 when any row " \
        "was unreadable or timed out, 2 for a bad class file" in \
        " ".join(capsys.readouterr().out.split())


# --- the worker pool ----------------------------------------------------------------

def _fake_check(args):
    problem, answer, seconds = args
    if answer == "stuck":
        while True:
            pass
    if answer == "killed":
        os.kill(os.getpid(), signal.SIGKILL)
    return {"problem": problem, "answer": answer, "status": "correct", "message": "",
            "notes": [], "counterexample": None}


def test_a_timed_out_worker_is_replaced_and_the_others_go_on(monkeypatch):
    monkeypatch.setattr(workers, "_check", _fake_check)
    order = []
    items = [("p5", "stuck")] + [("p5", f"B{k}") for k in range(6)]
    results = workers.check_all(items, seconds=3, processes=2,
                                on_done=lambda k, v: order.append(k))
    assert [r["status"] for r in results] == ["timeout"] + ["correct"] * 6
    assert order[-1] == 0                  # the others did not wait for the stuck one


def test_a_worker_killed_by_the_system_is_noticed_at_once(monkeypatch):
    monkeypatch.setattr(workers, "_check", _fake_check)
    results = workers.check_all([("p5", "killed"), ("p5", "B")], seconds=120, processes=1)
    assert results[0]["status"] == "unreadable" and "SIGKILL" in results[0]["message"]
    assert results[1]["status"] == "correct"


def test_workers_start_warm():
    """The parent derives the problems before it forks the workers (and before any
    answer's clock starts), so a worker never derives one itself."""
    from derivator.answers.judge.reference import _task
    _task.cache_clear()
    workers.check_all([("p5", "B")], seconds=60)
    assert _task.cache_info().currsize == 1


# --- past one machine ---------------------------------------------------------------

def test_the_same_verdicts_on_a_dask_cluster():
    distributed = pytest.importorskip("dask.distributed",
                                      reason="dask is not installed (pip install "
                                             "'derivator[dask]')")
    from derivator.answers.batch.cluster import check_on_dask
    items = [(p if p.startswith("p") else "p" + p, a) for _, p, a, _ in CLASS]
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as cluster:
        seen = []
        on_dask = check_on_dask(items, 60, cluster.scheduler_address,
                                on_done=lambda k, v: seen.append(k))
    assert on_dask == workers.check_all(items, 60)
    assert sorted(seen) == list(range(len(items)))


def test_the_table_in_korean(tmp_path):
    code, _, out, _ = _verdicts(tmp_path, _csv(CLASS[:2]), "--lang", "ko")
    assert code == 0 and "채점 결과" in out and "답 2개: 정답 2, 오답 0" in out


from hypothesis import given, settings, strategies as st  # noqa: E402

PIECES = st.sampled_from(['"', '""', ",", ";", "\t", "\n", "\r\n", "\r", " ", "kim", "p5",
                          "B", "2X^T", "\ufeff", "\x1b[2J", "\u202e", "=1+1", "[/]"])
HEADERS = st.sampled_from(["student,problem,answer\n", "Student;Problem;Answer\r\n",
                           "\ufeffstudent\tproblem\tanswer\n", "answer,problem,student,x\n",
                           "", "student,answer\n"])


@settings(max_examples=200, deadline=None)
@given(HEADERS, st.lists(PIECES, max_size=40).map("".join),
       st.sampled_from([b"", b"\xff", b"\xc3(", b"\x00"]))
def test_fuzz_the_class_file_reader_gives_rows_or_one_line(header, body, raw):
    import tempfile
    from derivator import DerivatorError
    data = (header + body).encode("utf-8") + raw
    with tempfile.NamedTemporaryFile(suffix=".csv", delete=False) as f:
        f.write(data)
    try:
        rows = read_class_file(f.name)
    except DerivatorError as error:
        assert "\n" not in str(error)
        return
    finally:
        os.unlink(f.name)
    lines = [r.line for r in rows]
    assert lines == sorted(set(lines)) and all(1 < n <= data.count(b"\n") + data.count(b"\r")
                                               + 1 for n in lines)
    assert all(r.error is None or r.error.startswith(f"line {r.line}") for r in rows)


def test_answers_with_different_left_hand_sides_are_judged_apart(tmp_path, monkeypatch):
    """Whatever the reader does with `w_{t+1} = ...`, the left-hand side is part of what
    is judged, so two answers that differ there never share a verdict."""
    judged = []
    real = workers.check_all
    monkeypatch.setattr(workers, "check_all",
                        lambda items, *a, **k: judged.extend(items) or real(items, *a, **k))
    _verdicts(tmp_path, _csv([("a", "p6", "(X + X^T) w"), ("b", "p6", "v = (X + X^T) w"),
                              ("c", "p6", "v=(X+X^T)w"), ("d", "p6", "u = (X + X^T) w")]))
    assert {"(X + X^T) w", "u = (X + X^T) w", "v = (X + X^T) w"} <= {a for _, a in judged}
