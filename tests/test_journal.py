"""A class run that someone tries to forge or break: the journal of an interrupted run
(links, malformed lines, edited verdicts), Ctrl-C at any moment, showing work, long
names, names that differ only in spaces."""
import json
import os
import tomllib
from pathlib import Path

import pytest

from derivator.answers.batch import batch, workers
from derivator.answers.batch.untrusted import MAX_STEM
from test_batch import CLASS, _csv
from test_cli import run

P6 = tomllib.loads((Path(__file__).parent.parent / "problems" / "p6.toml").read_text("utf-8"))


def _class(tmp_path, rows=CLASS):
    path = tmp_path / "c.csv"
    path.write_text(_csv(rows), encoding="utf-8")
    return path


def _interrupt_after(monkeypatch, count):
    """check_all raises KeyboardInterrupt once `count` verdicts are decided."""
    real = workers.check_all

    def interrupted(items, seconds, on_done=None, **kwargs):
        decided = []

        def done(index, verdict):
            on_done(index, verdict)
            decided.append(index)
            if len(decided) == count:
                raise KeyboardInterrupt
        return real(items, seconds, on_done=done, **kwargs)
    monkeypatch.setattr(workers, "check_all", interrupted)
    return real


def _interrupted_run(tmp_path, monkeypatch, count=3):
    path = _class(tmp_path)
    real = _interrupt_after(monkeypatch, count)
    code, _, err = run("check", "--file", str(path))
    assert code == 130 and "--resume" in err
    monkeypatch.setattr(workers, "check_all", real)
    return path, tmp_path / "c.csv.partial"


def _resume(path, tmp_path):
    out = tmp_path / "r.json"
    code, _, err = run("check", "--file", str(path), "--output", str(out), "--resume")
    assert "Traceback" not in err, err
    return code, json.loads(out.read_text()) if out.exists() else None, err


# --- the journal -----------------------------------------------------------------------

def test_a_symlinked_journal_never_overwrites_its_target(tmp_path, monkeypatch):
    target = tmp_path / "precious.txt"
    target.write_text("the TA's notes\n")
    path = _class(tmp_path)
    (tmp_path / "c.csv.partial").symlink_to(target)
    _interrupt_after(monkeypatch, 2)
    code, _, err = run("check", "--file", str(path))
    assert code == 130 and target.read_text() == "the TA's notes\n"
    assert not (tmp_path / "c.csv.partial").is_symlink()       # a journal of its own


def test_a_hard_linked_journal_is_not_appended_to(tmp_path, monkeypatch):
    path, journal = _interrupted_run(tmp_path, monkeypatch)
    target = tmp_path / "precious.txt"
    os.link(journal, target)
    before = target.read_text()
    code, results, _ = _resume(path, tmp_path)
    assert code == 0 and target.read_text() == before
    assert [r["status"] for r in results] == [e for *_, e in CLASS]


@pytest.mark.parametrize("junk", [
    '{"key": ["p5"], "verdict": {}}', "not json at all", "[1, 2]", "{}", '"text"',
    '{"key": ["p1a", "2X"], "verdict": {"status": "correct"}, "mac": "00"}',
    '{"key": ["p1a", "2X"], "verdict": {"status": "correct", "problem": "p1a"}}',
])
def test_a_malformed_journal_line_is_ignored_with_a_warning(tmp_path, monkeypatch, junk):
    path, journal = _interrupted_run(tmp_path, monkeypatch)
    with open(journal, "a", encoding="utf-8") as f:
        f.write(junk + "\n")
    code, results, err = _resume(path, tmp_path)
    assert code == 0 and "1 line(s)" in err and "ignored" in err
    assert [r["status"] for r in results] == [e for *_, e in CLASS]


def test_an_edited_verdict_is_checked_again_not_believed(tmp_path, monkeypatch):
    path, journal = _interrupted_run(tmp_path, monkeypatch, count=len(CLASS) - 1)
    lines = journal.read_text(encoding="utf-8").splitlines()
    edited = 0
    for k, line in enumerate(lines[1:], 1):
        entry = json.loads(line)
        if entry["verdict"]["status"] == "incorrect":
            entry["verdict"].update(status="correct", notes=[])
            lines[k] = json.dumps(entry, ensure_ascii=False)
            edited += 1
    assert edited
    journal.write_text("\n".join(lines) + "\n", encoding="utf-8")
    judged = []
    real = workers.check_all
    monkeypatch.setattr(workers, "check_all",
                        lambda items, *a, **k: judged.extend(items) or real(items, *a, **k))
    code, results, err = _resume(path, tmp_path)
    assert [r["status"] for r in results] == [e for *_, e in CLASS]
    assert f"{edited} line(s)" in err and len(judged) == edited + 1


def test_without_the_runs_key_every_row_is_checked_again(tmp_path, monkeypatch):
    path, journal = _interrupted_run(tmp_path, monkeypatch)
    keys = Path(os.environ["DERIVATOR_CACHE_DIR"]) / "journal-keys"
    assert len(list(keys.iterdir())) == 1
    for key in keys.iterdir():
        key.unlink()
    judged = []
    real = workers.check_all
    monkeypatch.setattr(workers, "check_all",
                        lambda items, *a, **k: judged.extend(items) or real(items, *a, **k))
    code, results, err = _resume(path, tmp_path)
    assert code == 0 and "checked again" in err and len(judged) == len(CLASS)
    assert not journal.exists() and not list(keys.iterdir())     # both gone once done


def test_an_honest_resume_still_trusts_its_own_verdicts(tmp_path, monkeypatch):
    path, _ = _interrupted_run(tmp_path, monkeypatch, count=3)
    judged = []
    real = workers.check_all
    monkeypatch.setattr(workers, "check_all",
                        lambda items, *a, **k: judged.extend(items) or real(items, *a, **k))
    code, results, err = _resume(path, tmp_path)
    assert code == 0 and "warning" not in err and len(judged) == len(CLASS) - 3


# --- Ctrl-C ------------------------------------------------------------------------------

@pytest.mark.parametrize("where", ["_print_table", "read_class_file", "write_feedback",
                                   "results_json"])
def test_ctrl_c_at_any_moment_is_one_line_and_status_130(tmp_path, monkeypatch, where):
    def stop(*args, **kwargs):
        raise KeyboardInterrupt
    monkeypatch.setattr(batch, where, stop)
    path = _class(tmp_path)
    code, _, err = run("check", "--file", str(path), "--feedback", str(tmp_path / "fb"),
                       "--output", str(tmp_path / "r.json"))
    assert code == 130 and len(err.strip().splitlines()) == 1 and "interrupted" in err, err
    if where == "_print_table":               # every verdict decided: kept for --resume
        assert (tmp_path / "c.csv.partial").exists() and "--resume" in err


def test_ctrl_c_in_any_command_is_one_line(monkeypatch):
    from derivator import cli

    def stop(args, out):
        raise KeyboardInterrupt
    monkeypatch.setattr(cli, "cmd_list", stop)
    code, _, err = run("list")
    assert code == 130 and err == "derivator: interrupted\n"


# --- grades --------------------------------------------------------------------------

def test_showing_work_never_costs_points(tmp_path):
    """p6: a bare 2Xw earns the rubric's share for its note; a working ending in 2Xw
    earns at least that."""
    share = P6["rubric"]["right only when"] * P6["points"]
    rows = [("bare", "p6", "2Xw"), ("shown", "p6", "X^T X w + X X^T w\n= 2Xw"),
            ("steps", "p6", "(X + X^T) w\n= 2Xw")]
    path = _class(tmp_path, rows)
    run("check", "--file", str(path), "--output", str(tmp_path / "r.json"))
    points = {r["student"]: r["points"] for r in json.loads((tmp_path / "r.json").read_text())}
    assert points["bare"] == share > 0
    assert points["shown"] >= share and points["steps"] >= share


def test_long_names_make_short_unique_files_and_every_file_is_written(tmp_path):
    long = "𝐀" * 80                                    # 320 bytes of UTF-8
    names = [long, long + "b", "𝐀" * 79 + "b", "x" * 300, "x" * 300 + "y", "..", "con"]
    path = _class(tmp_path, [(n, "p5", "B") for n in names])
    code, _, err = run("check", "--file", str(path), "--feedback", str(tmp_path / "fb"))
    assert code == 0, err
    files = list((tmp_path / "fb").iterdir())
    assert len(files) == len(names)
    assert all(len(f.name.encode()) <= 255 and not f.name.startswith(".") for f in files)
    assert MAX_STEM + len("-100.md") <= 255


def test_names_that_differ_only_in_spaces_are_kept_apart_with_a_warning(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text('student,problem,answer\nKim,p5,B\n"Kim ",p5,2B\n"Kim  Lee",p5,B\n'
                    'Kim Lee,p5,B\n', encoding="utf-8")
    code, _, err = run("check", "--file", str(path), "--output", str(tmp_path / "g.csv"))
    grades = (tmp_path / "g.csv").read_text().splitlines()
    assert len(grades) == 2 + 4                        # header, points possible, 4 students
    assert err.count("differ only in spaces") == 2 and "'Kim '" in err


def test_a_fifo_in_the_journals_place_never_blocks_the_run(tmp_path, monkeypatch):
    path, journal = _interrupted_run(tmp_path, monkeypatch)
    journal.unlink()
    os.mkfifo(journal)                 # opening it for reading or writing would block
    code, results, err = _resume(path, tmp_path)
    assert code == 0 and [r["status"] for r in results] == [e for *_, e in CLASS]
