"""Issue 19, the rest: a hostile corpus walked through every CLI path that echoes what the
user gave (file names, problem ids, answers, options, class files, problem files, a
student's gradient module). Each case names its expected exit status; every case must end
without a traceback, with no raw control, escape or bidi character on the terminal, with
an error in one line, and without writing anything outside its own folder."""
import json
import os
import unicodedata

import pytest

from test_cli import run

# What a student or a shared file might carry to drive a TA's terminal or spreadsheet.
HOSTILE = {
    "clear": "\x1b[2J\x1b[H",
    "osc-title": "\x1b]0;owned\x07",
    "osc-clipboard": "\x1b]52;c;ZXZpbA==\x07",
    "bidi-override": "\u202egnp.exe",
    "bidi-isolate": "\u2066x\u2069",
    "c1-csi": "\x9b31m",
    "fake-line": "a\nderivator: correct",
    "carriage": "a\rcorrect",
    "zero-width": "\u200b\u200d",
    "del-backspace": "\x7f\x08",
    "bad-utf8": "\udcff\udcfe",          # how Python keeps bytes of argv that are not UTF-8
}

# (arguments with S for the hostile string, exit status)
COMMANDS = [
    (("check", "S", "x"), 2),
    (("check", "p2", "S"), 2),
    (("check", "S.toml", "x"), 2),
    (("lint", "S.toml"), 2),
    (("show", "S"), 2),
    (("show", "bce", "--format", "S"), 2),
    (("gradcheck", "p2", "S.py:grad"), 2),
    (("gradcheck", "S", "x.py:grad"), 2),
    (("gradcheck", "p2", "x.py:S"), 2),
    (("check", "--file", "S.csv"), 2),
    (("check", "p2", "--working", "S"), 2),
    (("hint", "p2", "--working", "S"), 2),
    (("train", "mse", "--data", "S.csv", "--target", "y"), 2),
    (("train", "mse", "--set", "S=1"), 2),
]

SHOWN = {"\n"}


@pytest.fixture
def work(tmp_path, monkeypatch):
    """An empty folder to run in (the derivation cache lives beside it, in tmp_path)."""
    folder = tmp_path / "work"
    folder.mkdir()
    monkeypatch.chdir(folder)
    return folder


def raw_hidden(text):
    """The characters a terminal would act on, left raw in `text`."""
    return [c for c in text if c not in SHOWN and (
        unicodedata.category(c) in {"Cc", "Cf", "Cs", "Co", "Zl", "Zp"})]


def assert_clean(code, out, err, expected):
    assert code == expected, (code, out, err)
    assert "Traceback" not in out + err
    assert raw_hidden(out) == [] and raw_hidden(err) == [], (out, err)
    if expected == 2 and not out:
        assert len(err.strip().splitlines()) == 1, err       # one line, what and where


@pytest.mark.parametrize("kind", HOSTILE)
@pytest.mark.parametrize("args,expected", COMMANDS, ids=lambda a: " ".join(a)
                         if isinstance(a, tuple) else str(a))
def test_every_error_path_shows_a_hostile_string_escaped(work, kind, args,
                                                          expected):
    argv = [a.replace("S", HOSTILE[kind]) if "S" in a and a not in ("--set",) else a
            for a in args]
    assert_clean(*run(*argv), expected)
    assert os.listdir(work) == []                  # nothing written


def test_the_sanitizer_escapes_and_keeps():
    from derivator.render.safe_terminal import json_safe, visible
    # golden values written by hand
    assert visible("a\x1b[2Jb\u202ec\n\x9b\udcff") == "a\\x1b[2Jb\\u202ec\\x0a\\x9b\\udcff"
    assert visible("정답 ✓ ½Σ x²") == "정답 ✓ ½Σ x²"             # printable stays
    assert visible("a\nb\tc", keep="\n\t") == "a\nb\tc"
    assert visible("x" * 10, limit=4) == "xxxx…"
    text = json_safe(json.dumps({"a": "\u202e\x7f\x85\U000e0001"}, ensure_ascii=False))
    assert json.loads(text) == {"a": "\u202e\x7f\x85\U000e0001"} and raw_hidden(text) == []


def test_a_nul_byte_in_any_argument_is_one_line(work):
    for argv in (["new", "loss", "a\x00b.toml"], ["check", "p2", "x\x00y"],
                 ["lint", "a\x00.toml"], ["check", "--file", "a\x00.csv"]):
        assert_clean(*run(*argv), 2)
    assert os.listdir(work) == []


# --- class files -------------------------------------------------------------------------

FORMULAS = ["=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\uff1dHYPERLINK(1)",
            "=HYPERLINK(\"http://x\")"]

HEADER = "student,problem,answer\n"


def csv_quote(text):
    return '"' + text.replace('"', '""') + '"'


CLASS_FILES = {
    # name: (bytes of the class file, exit status: 0 all judged, 1 a row not, 2 refused)
    "bom": (b"\xef\xbb\xbf" + f"{HEADER}kim,p1a,2x\n".encode(), (0, 1)),
    "formula-names": ((HEADER + "".join(f"{csv_quote(f)},p1a,x\n" for f in FORMULAS))
                      .encode(), (0, 1)),
    "formula-answers": ((HEADER + "".join(f"s{k},p1a,{csv_quote(f)}\n"
                                          for k, f in enumerate(FORMULAS))).encode(), (0, 1)),
    "formula-problem": ((HEADER + "kim,=1+1,x\n").encode(), (1, 2)),
    "ansi-names": ((HEADER + "".join(f"{csv_quote('n' + h)},p1a,x\n"
                                     for k, h in HOSTILE.items() if k != "bad-utf8"))
                     .encode(), (0, 1)),
    "huge-cell": ((HEADER + "kim,p1a," + "x" * 200_000 + "\n").encode(), (1,)),
    "quote-never-closed": ((HEADER + 'kim,p1a,"2x\n').encode(), (1,)),
    "doubled-quotes": ((HEADER + 'kim,p1a,"2""x"\n').encode(), (0, 1)),
    "nul-bytes": ((HEADER + "ki\x00m,p1a,2\x00x\n").encode(), (0, 1)),
    "deep-nesting": ((HEADER + "kim,p1a," + "(" * 20_000 + "x" + ")" * 20_000 + "\n")
                     .encode(), (1,)),
    "latin-1": (HEADER.encode() + b"kim,p1a,caf\xe9\n", (1,)),
    "utf-16": ((HEADER + "kim,p1a,x\n").encode("utf-16"), (2,)),
    "binary": (bytes(range(256)) * 4, (2,)),
    "empty": (b"", (2,)),
    "header-only": (HEADER.encode(), (2,)),
    "path-names": ((HEADER + "../../escape,p1a,x\n/etc/passwd,p1a,x\n..,p1a,x\n").encode(),
                   (0, 1)),
    "long-name": ((HEADER + "\U0001f600" * 80 + ",p1a,x\n").encode(), (0, 1)),
    "too-many-rows": ((HEADER + "s,p1a,x\n" * 50_001).encode(), (2,)),
    "semicolons": (b"student;problem;answer\nkim;p1a;2x\n", (0, 1)),
    "extra-cells": ((HEADER + "kim,p1a,x,=1,=2\n").encode(), (1,)),
}


@pytest.mark.parametrize("name", CLASS_FILES)
def test_hostile_class_files(work, name):
    data, statuses = CLASS_FILES[name]
    (work / "class.csv").write_bytes(data)
    out_dir = work / "out"
    out_dir.mkdir()
    code, out, err = run("check", "--file", "class.csv", "--output", "out/grades.csv",
                         "--output", "out/results.json", "--feedback", "out/feedback",
                         "--timeout", "5")
    assert code in statuses, (code, out, err)
    assert "Traceback" not in out + err
    assert raw_hidden(out) == [] and raw_hidden(err) == [], (out, err)
    assert sorted(os.listdir(work)) == ["class.csv", "out"]
    if code == 2:
        return
    for path, _, files in os.walk(work):           # nothing outside the output folder
        for f in files:
            full = os.path.realpath(os.path.join(path, f))
            assert full == str(work / "class.csv") or full.startswith(str(out_dir))
    assert_no_formula(out_dir / "grades.csv")
    raw = (out_dir / "results.json").read_text(encoding="utf-8")
    assert raw_hidden(raw.replace("\n", "")) == []
    json.loads(raw)


def assert_no_formula(path):
    import csv
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.reader(f):
            for cell in row:
                assert not cell or cell[0] not in "=+-@\t\r\n\uff1d\uff0b\uff0d\uff20", cell


@pytest.mark.parametrize("lms", ["canvas", "moodle"])
def test_lms_exports_neutralise_formulas_in_every_column(work, lms):
    (work / "class.csv").write_bytes(CLASS_FILES["formula-names"][0])
    code, out, err = run("check", "--file", "class.csv", "--lms", lms, "--output", "g.csv")
    assert code in (0, 1), err                # judged; x is no answer to p1a
    assert_no_formula(work / "g.csv")
    from derivator.answers.batch.untrusted import SpreadsheetWriter
    import io
    buffer = io.StringIO()
    SpreadsheetWriter(buffer).writerow(["=1", "+", 3, -2.5, "ok", "'=kept"])
    assert buffer.getvalue() == "'=1,'+,3,-2.5,ok,'=kept\r\n"      # numbers stay numbers


# --- problem files -----------------------------------------------------------------------

GOOD = """title = "T"
strategy = "index"
[names]
X = { kind = "matrix", shape = ["N", "D"] }
w = { kind = "vector", shape = ["D"] }
y = { kind = "vector", shape = ["N"] }
N = { kind = "size", check = [4, 5] }
D = { kind = "size", check = [2, 3] }
[function]
name = "E"
matrix = "(X w - y)^T (X w - y)"
index = "sum_{i=1}^{N} (sum_{j=1}^{D} X_{ij} w_j - y_i)^2"
[derive]
wrt = "w"
entry = ["k"]
"""

PROBLEM_FILES = {
    "title-ansi": (GOOD.replace('"T"', '"T\\u001b[2J"'), 2),
    "title-bidi": (GOOD.replace('"T"', '"\\u202eT"'), 2),
    "name-input": (GOOD.replace('name = "E"', 'name = "\\\\input{/etc/passwd}"'), 2),
    "name-html": (GOOD.replace('name = "E"', 'name = "<img src=x onerror=alert(1)>"'), 2),
    "name-ansi": (GOOD.replace('name = "E"', 'name = "E\\u001b]0;x\\u0007"'), 2),
    "wrt-ansi": (GOOD.replace('wrt = "w"', 'wrt = "w\\u001b[1A"'), 2),
    "nested-arrays": ("x = " + "[" * 30_000 + "]" * 30_000 + "\n" + GOOD, 2),
    "nested-tables": ("x = " + "{a = " * 5_000 + "1" + "}" * 5_000 + "\n" + GOOD, 2),
    "bom": ("\ufeff" + GOOD, 0),
    "not-toml": ("=\x1b[2J\n", 2),
    "huge-sum": (GOOD.replace("sum_{i=1}^{N}", "sum_{i=1}^{1000000000}"), 2),
    "ok": (GOOD, 0),
}


@pytest.mark.parametrize("name", PROBLEM_FILES)
def test_hostile_problem_files(work, name):
    text, expected = PROBLEM_FILES[name]
    (work / "p.toml").write_text(text, encoding="utf-8")
    code, out, err = run("lint", "p.toml")
    assert_clean(code, out, err, expected)


def test_a_problem_file_that_is_not_utf8(work):
    (work / "p.toml").write_bytes(GOOD.replace("T", "caf\xe9").encode("latin-1"))
    assert_clean(*run("lint", "p.toml"), 2)


# --- gradcheck modules -------------------------------------------------------------------

RIGHT = "    return X.T @ (1 / (1 + np.exp(-(X @ w))) - y) + 2 * w\n"     # p2, by hand

MODULES = {
    # name: (the file's text, exit status, a phrase of the verdict)
    "empty-dict": ("def grad(w, X, y):\n    return {}\n", 2, "not an array"),
    "patch-builtins": ("import builtins\nbuiltins.__import__ = None\n"
                       "def grad(w, X, y):\n" + RIGHT, 2, "replaced builtins"),
    "patch-numpy-save": ("np.save = None\nnp.lib.format.write_array = None\n"
                         "def grad(w, X, y):\n" + RIGHT, 2, "replaced builtins"),
    "patch-io": ("import io\nio.BytesIO = None\ndef grad(w, X, y):\n" + RIGHT, 2,
                 "replaced builtins"),
    "giant-print": ("print('x' * 30_000_000)\ndef grad(w, X, y):\n" + RIGHT, 0, "agrees"),
    "ansi-print": ("def grad(w, X, y):\n    print('\\x1b]0;pwn\\x07\\x1b[2J\\u202e')\n"
                   + RIGHT, 0, "agrees"),
    "ansi-exception": ("def grad(w, X, y):\n    raise type('E\\x1b[31m', (Exception,), {})"
                       "('\\x1b[2J')\n", 2, "raised"),
    "exit-at-import": ("import sys\nsys.exit(3)\n", 2, "raised"),
    "os-exit": ("import os\nos._exit(0)\n", 2, "ended its process"),
    "returns-string": ("def grad(w, X, y):\n    return 'abc'\n", 2, "real numbers"),
    "returns-none": ("def grad(w, X, y):\n    return None\n", 2, "real numbers"),
    "returns-complex": ("def grad(w, X, y):\n    return 1j * w\n", 2, "real numbers"),
    "nan": ("def grad(w, X, y):\n    return np.full_like(w, np.nan)\n", 1, "nan"),
    "write-outside": ("open('/tmp/derivator-hostile-probe', 'w').write('x')\n"
                      "def grad(w, X, y):\n" + RIGHT, 2, "raised"),
}


@pytest.mark.parametrize("name", MODULES)
def test_hostile_gradcheck_modules(work, name):
    from derivator.kernels import sandbox
    if sandbox.confinement()[0] != "bubblewrap" and name == "write-outside":
        pytest.skip("without bubblewrap a write to /tmp is not confined (Landlock aside)")
    body, expected, phrase = MODULES[name]
    (work / "solution.py").write_text("import numpy as np\n" + body)
    code, out, err = run("gradcheck", "p2", "solution.py:grad", "--timeout", "20")
    assert_clean(code, out, err, expected)
    assert phrase in out, out
    assert sorted(os.listdir(work)) == ["solution.py"]
    assert not os.path.exists("/tmp/derivator-hostile-probe")


# --- what a file holds, echoed: a working's lines, a data file's column names ------------

@pytest.mark.parametrize("kind", [k for k in HOSTILE if k != "bad-utf8"])
@pytest.mark.parametrize("command", ["check", "hint"])
def test_a_workings_lines_are_shown_escaped(work, kind, command):
    s = HOSTILE[kind]
    (work / "working.txt").write_text(f"L = x{s} \\\\\n= 2x{s}\n", encoding="utf-8")
    code, out, err = run(command, "p1a", "--working", "working.txt")
    assert code in (0, 1, 2) and "Traceback" not in out + err
    assert raw_hidden(out) == [] and raw_hidden(err) == [], (out, err)


@pytest.mark.parametrize("kind", ["clear", "osc-title", "bidi-override", "c1-csi"])
def test_a_data_files_column_names_are_shown_escaped(work, kind):
    s = HOSTILE[kind]
    (work / "d.csv").write_text(f"x{s},y{s}\n1,2\n3,5\n4,4\n", encoding="utf-8")
    code, out, err = run("train", "mse", "--data", "d.csv", "--target", f"y{s}",
                         "--epochs", "2")
    assert code == 0 and "Traceback" not in out + err, err
    assert raw_hidden(out) == [] and raw_hidden(err) == [], (out, err)
