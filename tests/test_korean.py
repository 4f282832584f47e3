"""Every command with --lang ko: no English sentence in what it prints (names, formulas,
commands and the problem set's own statements aside)."""
import io
import re
import sys
from pathlib import Path

import pytest

from derivator.cli import main

HERE = Path(__file__).parent
# three English words in a row is a sentence (or most of one); a name or a formula is
# one or two words at a time (sigmoid(x), softmax, tr, ln, exp)
ENGLISH = re.compile(r"(?<![\w\\/.'`-])[a-z]{2,}(?:[ ']+[a-z]{2,}){2,}(?![\w(`])")
# what may be English in a Korean output: names of programs, files, options and of the
# shipped data, and the problem set's statements (printed as the problem set writes them)
ALLOWED = re.compile(r"`[^`]*`|--[\w-]+(?: [A-Z.\w-]+)?|\b[\w.-]+\.(?:toml|csv|py|json|md)\b|"
                     r"pip install [^ )]+|breast cancer|diabetes|"
                     r"\\text\{[^}]*\}|% .*|\b(?:rich|text|latex|markdown|json|html)\b|"
                     r"\{[\w,.|-]+\}|\b\w+(?:,\w+)+\b")      # LaTeX examples; choices


def _statements():
    from derivator.model.problemset import all_problems
    from derivator.render.statement import statement_text
    return [" ".join(statement_text(part).split()) for p in all_problems().values()
            for part in p.statement.split("\n\n")]


STATEMENTS = _statements()


def english_in(text):
    """The English phrases in `text`, after what may stay English is removed (the problem
    set's statements are printed as the problem set writes them)."""
    flat = " ".join(text.split())
    for statement in STATEMENTS:
        flat = flat.replace(statement, " ")
    return [m.group() for m in ENGLISH.finditer(ALLOWED.sub(" ", flat))]


def run(argv, monkeypatch=None, stdin=None):
    """(status, stdout, stderr) of `derivator ARGV` run in this process."""
    out, err = io.StringIO(), io.StringIO()
    saved = sys.stderr, sys.stdout
    sys.stderr, sys.stdout = err, out
    try:
        try:
            status = main(argv, out=out)
        except SystemExit as stop:            # argparse: --help, usage errors
            status = stop.code
    finally:
        sys.stderr, sys.stdout = saved
    return status, out.getvalue(), err.getvalue()


WORKING = HERE / "workings" / "student_p6.tex"
RIDGE = HERE / "problem_files" / "ridge_loss.toml"

COMMANDS = [
    ["list"],
    ["show", "bce", "--format", "text"],
    ["show", "p2", "--format", "text"],
    ["show", str(RIDGE), "--format", "text"],
    ["check", "p2", "X^T (sigma(X w) - y)"],            # two notes, a counterexample
    ["check", "p6", "2 X w"],                            # right only for symmetric X
    ["check", "p1a", "X"],                               # transpose and factor
    ["check", "p1a", "2 X^T"],                           # correct
    ["check", "p1a", "X +"],                             # unreadable, with the caret
    ["check", "p1a", "2 Q"],                             # unknown name
    ["check", "p2", "w_t - eta (X^T (sigma(X w) - y) + w)"],
    ["check", "p4", "X^T X w - X^T y"],
    ["check", "p3", "sum_{i=1}^{N} (f(x_i) - y_i) x_i"],
    ["check", "p9", "x"],                                # unknown problem
    ["check", "p3", "w_t - eta sum_{i=1}^{N} (f(X w_t) - y_i) x_i"],     # f takes one sample
    ["check", str(HERE / "problem_files" / "tanh_squared.toml"),
     "X^T ((tanh(X w) - y) * (1 - tanh(X w)^2))"],       # a vector squared: what would work
    ["check", "p6", "--working", str(WORKING)],
    ["lint", str(RIDGE)],
    ["lint", str(HERE / "no_such_file.toml")],
    ["check", "p1a"],                                    # a usage error of ours
    ["show"],                                            # argparse's usage error
    ["show", "--wrt"],
    ["show", "bce", "--format", "pdf"],
    ["show", "nonsense"],
    ["train", "p2", "--epochs", "3"],
    ["train", "p2", "--epochs", "30", "--lr", "0.1"],         # the warning
    ["check", "--syntax"],
]
def _commands():
    """Every command the parser has (a new one is tested without being listed here)."""
    import argparse
    from derivator.cli import build_parser
    return [name for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction)
            for name in a.choices]


HELP = [[]] + [[name] for name in _commands()]


@pytest.mark.parametrize("argv", COMMANDS, ids=" ".join)
def test_korean_output_has_no_english_sentence(argv):
    status, out, err = run(argv + ["--lang", "ko"])
    assert out or err
    assert not english_in(out + err), (argv, english_in(out + err), out + err)


@pytest.mark.parametrize("argv", HELP, ids=lambda a: " ".join(a) or "derivator")
def test_help_in_korean(argv):
    status, out, err = run(argv + ["--help", "--lang", "ko"])
    assert status == 0 and "사용법:" in out and "옵션:" in out
    assert not english_in(out), english_in(out)


def test_english_is_still_english():
    status, out, _ = run(["check", "p2", "X^T (sigma(X w) - y)"])
    assert status == 1 and "this is the gradient" in out and "missing the term" in out
    assert "incorrect: it differs from the derivation's result" in out


def test_the_detector_finds_english():
    assert english_in("오답: it differs from the derivation's result")
    assert english_in("참고: right only when X is symmetric")
    assert not english_in("참고: X가 대칭일 때만 맞고, σ(Xw) - y, sigmoid(x), ln(1 - f)")
    assert not english_in("`derivator lint a.toml`를 실행한다, --batch-size N")


def test_gradcheck_in_korean(tmp_path):
    """A wrong gradient (its sign flipped): the verdict, its label and its note in Korean."""
    solution = tmp_path / "mine.py"
    solution.write_text("import numpy as np\n"
                        "def grad(w, X, y):\n"
                        "    s = 1 / (1 + np.exp(-X @ w))\n"
                        "    return -(X.T @ (s - y) + 2 * w)\n")
    status, out, err = run(["gradcheck", "p2", f"{solution}:grad", "--lang", "ko"])
    assert status == 1 and out.startswith("오답:") and "참고: 부호" in out, out + err
    assert not english_in(out + err), out + err


def _checker_messages():
    """Every sentence the checker writes for the answer corpus and the workings in tests/."""
    import derivator
    from derivator.answers.judge.judge import check
    out = []
    for line in (HERE / "data" / "answer_corpus.txt").read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        problem, *_, answer = [p.strip() for p in line.split(":::")]
        v = check(problem, answer)
        out += [v.message, *v.notes, v.counterexample]
    for path in sorted((HERE / "workings").glob("student_*.tex")):
        v = derivator.check(path.stem.split("_", 1)[1], path.read_text(encoding="utf-8"))
        v = v.as_dict()
        final = v.get("final") or {}
        out += [v["message"], v.get("counterexample"), final.get("message"),
                *final.get("notes", [])]
        out += [r.get("note") for r in v["lines"]] + [f for r in v["lines"] for f in r["flags"]]
    return sorted({m for m in out if m})


def test_every_sentence_the_checker_writes_has_its_korean():
    from derivator.render.catalogue import translate
    messages = _checker_messages()
    assert len(messages) > 150
    untranslated = [m for m in messages if english_in(translate(m, "ko"))]
    assert not untranslated, untranslated
