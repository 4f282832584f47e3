"""Checking answers: a fixture table per problem (answer, verdict, note), STACK-style,
and the command line's exit codes. The right answers are never typed here: the checker
compares with the derivation; the table says what the verdict must be."""
import json

import pytest

import derivator
from test_cli import run

# (problem, answer, expected status, a phrase the notes or message must contain)
FIXTURES = [
    ("p1a", "2X^T", "correct", ""),
    ("p1a", r"2\mathbf{X}^\top", "correct", ""),
    ("p1a", "2 X'", "correct", ""),
    ("p1a", "2 transpose(X)", "correct", ""),
    ("p1a", "X^T + X^T", "correct", ""),
    ("p1a", "2X", "incorrect", "missing transpose"),
    ("p1a", "-2X^T", "incorrect", "sign"),
    ("p1a", "3X^T", "incorrect", "constant factor: your answer is 1.5 times"),
    ("p1a", "X^T", "incorrect", "constant factor: your answer is 0.5 times"),
    ("p1a", "2 tr(X)", "incorrect", "a scalar"),
    ("p1a", "2 X^T w", "unreadable", "unknown name 'w'"),
    ("p1b", "3 (X^2)^T", "correct", ""),
    ("p1b", r"3 (\mathbf{X}^2)^\top", "correct", ""),
    ("p1b", "3 X^T X^T", "correct", ""),
    ("p1b", "3 X^2", "incorrect", "missing transpose"),
    ("p1b", "(X^2)^T", "incorrect", "constant factor"),
    ("p1c", "k (X^{k-1})^T", "correct", ""),
    ("p1c", "k (X^T)^{k-1}", "correct", ""),
    ("p1c", "k X^{k-1}", "incorrect", "missing transpose"),
    ("p1c", "(k-1) (X^{k-1})^T", "incorrect", ""),
    ("p2", "w - eta (X^T (sigma(X w) - y) + 2 w)", "correct", ""),
    ("p2", r"w_t - \eta \left[ \sum_{i=1}^{N} \left( \sigma(w^T x_i) - y_i \right) x_i + 2w \right]",
     "correct", ""),
    ("p2", "(1 - 2 eta) w_t - eta X^T (sigma(X w_t) - y)", "correct", ""),
    ("p2", "w - eta (sum_{i=1}^{N} (f(x_i) - y_i) x_i + 2 w)", "correct", ""),
    ("p2", "X^T (sigma(X w) - y) + 2 w", "incorrect", "asks for the update rule"),
    ("p2", "w - eta X^T (sigma(X w) - y)", "incorrect", "regularisation"),
    ("p2", "w + eta (X^T (sigma(X w) - y) + 2 w)", "incorrect", ""),
    ("p3", "w_t - eta sum_{i=1}^{N} (f(x_i) - y_i) 2 x_i sigma(w^T x_i) (1 - sigma(w^T x_i))",
     "correct", ""),
    ("p3", "w - (eta/2) sum_{i=1}^{N} (f(x_i) - y_i) (1 - f(x_i)^2) x_i", "correct", ""),
    ("p3", "sum_{i=1}^{N} (f(x_i) - y_i) 2 sigma(w^T x_i) (1 - sigma(w^T x_i)) x_i", "incorrect",
     "asks for the update rule"),
    ("p3", "w - eta sum_{i=1}^{N} (f(x_i) - y_i) x_i", "incorrect", ""),
    ("p3", "w - eta/2 (f(x_i) - y_i) x_i", "unreadable", "ambiguous"),   # (η/2) Σ is read
    ("p4", "(X^T X)^{-1} X^T y", "correct", ""),
    ("p4", "inv(X.T @ X) @ X.T @ y", "correct", ""),
    ("p4", r"\left(\mathbf{X}^\top \mathbf{X}\right)^{-1} \mathbf{X}^\top y", "correct", ""),
    ("p4", "X^{-1} y", "incorrect", "cannot invert a 5×3 matrix"),
    ("p4", "(X X^T)^{-1} X y", "incorrect", "cannot multiply a 5×3 matrix by a 5×1"),
    ("p4", "(X X^T)^{-1} X y + w - w", "incorrect", "cannot multiply"),
    ("p4", "(w w^T)^{-1} X^T y", "incorrect", "singular"),
    ("p4", "(X^T X)^{-1} (X^T X) (X^T X)^{-1} X^T y", "correct", ""),
    ("p4", "(X^T X)^{-1} X y", "incorrect", "cannot multiply a 3×3 matrix by a 5×3 matrix"),
    ("p4", "X^T y", "incorrect", ""),
    ("p5", "B", "correct", ""),
    ("p5", r"\mathbf{B}", "correct", ""),
    ("p5", "B^T", "incorrect", "missing transpose"),
    ("p5", "A", "incorrect", ""),
    ("p5", "tr(B)", "incorrect", "a scalar"),
    ("p6", "(X + X^T) w", "correct", ""),
    ("p6", "X w + X^T w", "correct", ""),
    ("p6", r"(\mathbf{X} + \mathbf{X}^\top)\mathbf{w}", "correct", ""),
    ("p6", "2 X w", "incorrect", "right only when X is symmetric"),
    ("p6", "X w + w^T X", "incorrect", "cannot add a 1×2 row vector and a 2×1 column vector"),
    ("p6", "w^T (X + X^T)", "incorrect", "row vector"),
    ("p6", "-(X + X^T) w", "incorrect", "sign"),
    ("p6", "(X + X^T) w / 2", "incorrect", "constant factor"),
    ("p6", "X^T w + X w", "correct", ""),
    ("p6", "(X + Xᵀ) w", "correct", ""),
    ("p2", "w − η (Xᵀ (σ(X w) − y) + 2 w)", "correct", ""),
    ("p6", "(X^T + X) w", "correct", ""),
    # more rows, so that every problem has ten or more
    ("p1b", "3 (X X)^T", "correct", ""),
    ("p1b", "3 X^T X^T", "correct", ""),
    ("p1b", "-3 (X^2)^T", "incorrect", "sign"),
    ("p1b", "3 (X^3)^T", "incorrect", ""),
    ("p1b", "2 X^T", "incorrect", ""),
    ("p1c", "k (X^T)^(k-1)", "correct", ""),
    ("p1c", r"k \left(\mathbf{X}^{k-1}\right)^\top", "correct", ""),
    ("p1c", "-k (X^{k-1})^T", "incorrect", "sign"),
    ("p1c", "k (X^k)^T", "incorrect", ""),
    ("p1c", "(X^{k-1})^T", "incorrect", ""),
    ("p1c", "k X^T", "incorrect", ""),
    ("p2", "w - eta (X^T sigma(X w) - X^T y + 2 w)", "correct", ""),
    ("p2", "w - eta X^T (sigma(X w) - y) - 2 eta w", "correct", ""),
    ("p2", "w - eta (X^T (y - sigma(X w)) + 2 w)", "incorrect", ""),
    ("p3", "w_t - eta/2 (sum_{i=1}^{N} (f(x_i) - y_i) (1 - f(x_i)^2) x_i)", "unreadable",
     "ambiguous"),
    ("p3", "w - eta sum_{i=1}^{N} (f(x_i) - y_i) (1 - f(x_i)^2) x_i", "incorrect", ""),
    ("p3", "w - eta sum_{i=1}^{N} (f(x_i) - y_i) 2 sigma(w^T x_i) (1 - sigma(w^T x_i)) x_i",
     "correct", ""),
    ("p3", "w - eta sum_{i=1}^{N} (y_i - f(x_i)) (1 - f(x_i)^2) x_i / 2", "incorrect", ""),
    ("p3", "w - eta X^T y", "incorrect", ""),
    ("p3", "w - eta (f(x_i) - y_i) (1 - f(x_i)^2) x_i / 2", "incorrect",
     "the sum over the samples is missing"),
    ("p4", "inv(X^T X) X^T y", "correct", ""),
    ("p4", "(X.T @ X)^{-1} @ (X.T @ y)", "correct", ""),
    ("p4", "(X^T X)^{-1} X y", "incorrect", "cannot multiply"),
    ("p4", "-(X^T X)^{-1} X^T y", "incorrect", "sign"),
    ("p5", "B'", "incorrect", "missing transpose"),
    ("p5", "2 B", "incorrect", "constant factor"),
    ("p5", "-B", "incorrect", "sign"),
    ("p5", "transpose(transpose(B))", "correct", ""),
    ("p5", "B + A - A", "correct", ""),
    ("p5", "A^T B", "incorrect", ""),
    ("p7a", "(g - y) g (1 - g) w_{2,j}", "correct", ""),
    ("p7a", "(g(x) - y) g(x) (1 - g(x)) w_{2,j}", "correct", ""),
    ("p7a", r"(g - y) \sigma(\sum_{d=1}^{D} w_{2,d} h_d) (1 - g) w_{2,j}", "correct", ""),
    ("p7a", "w_{2,j} (g - y) g (1 - g)", "correct", ""),
    ("p7a", "-(g - y) g (1 - g) w_{2,j}", "incorrect", "sign"),
    ("p7a", "(g - y) w_{2,j}", "incorrect", ""),
    ("p7a", "(g - y) g (1 - g)", "incorrect", ""),
    ("p7a", "(g - y) sigma(w_{2,j} h_j) (1 - sigma(w_{2,j} h_j)) w_{2,j}", "incorrect", ""),
    ("p7a", "(g - y) g (1 - g) w_{2,d}", "unreadable", "neither summed over"),
    ("p7a", "2 (g - y) g (1 - g) w_{2,j}", "incorrect", "constant factor"),
    ("p7b", "sum_{i=1}^{N} (g(x_i) - y_i) g(x_i) (1 - g(x_i)) w_{2,d} "
            "sigma(sum_{n=1}^{M} w_{1,d,n} z_n(x_i)) (1 - sigma(sum_{n=1}^{M} w_{1,d,n} z_n(x_i))) "
            "z_m(x_i)", "correct", ""),
    ("p7b", r"\sum_{i=1}^{N} (g(x_i) - y_i) g(x_i) (1 - g(x_i)) w_{2,d} (h_d(x_i) - x_{i,d}) "
            r"(1 - h_d(x_i) + x_{i,d}) z_m(x_i)", "correct", ""),
    ("p7b", "sum_{i=1}^{N} (g(x_i) - y_i) g(x_i) (1 - g(x_i)) w_{2,d} z_m(x_i)", "incorrect", ""),
    ("p7b", "sum_{i=1}^{N} (g(x_i) - y_i) g(x_i) (1 - g(x_i)) w_{2,d} "
            "sigma(sum_{n=1}^{M} w_{1,d,n} z_n(x_i)) z_m(x_i)", "incorrect", ""),
    ("p7b", "-sum_{i=1}^{N} (g(x_i) - y_i) g(x_i) (1 - g(x_i)) w_{2,d} "
            "sigma(sum_{n=1}^{M} w_{1,d,n} z_n(x_i)) (1 - sigma(sum_{n=1}^{M} w_{1,d,n} z_n(x_i))) "
            "z_m(x_i)", "incorrect", "sign"),
    ("p7b", "(g(x_d) - y_d) sigma(w_{2,d} h(x_d)) (1 - sigma(w_{2,d} h(x_d))) w_{2,d}",
     "unreadable", "needs a node index"),
    ("p7b", "sum_{i=1}^{N} (g(x_i) - y_i) z_m(x_i)", "incorrect", ""),
    ("p7b", "sum_{i=1}^{N} g(x_i) z_m(x_i) w_{2,d}", "incorrect", ""),
    ("p7b", "sum_{i=1}^{N} (g(x_i) - y_i) g(x_i) (1 - g(x_i)) w_{2,d} "
            "sigma(sum_{n=1}^{M} w_{1,d,n} z_n(x_i)) (1 - sigma(sum_{n=1}^{M} w_{1,d,n} z_n(x_i))) "
            "z_m(x_i) / N", "incorrect", ""),
    ("p7b", "w_{1,d,m}", "incorrect", ""),
    ("p7b", "(1/N) sum_{i=1}^{N} (g(x_i) - y_i) g(x_i) (1 - g(x_i)) w_{2,d} "
            "sigma(sum_{n=1}^{M} w_{1,d,n} z_n(x_i)) (1 - sigma(sum_{n=1}^{M} w_{1,d,n} z_n(x_i))) "
            "z_m(x_i)", "incorrect", "an extra 1/N"),
]


@pytest.mark.parametrize("problem,answer,status,phrase", FIXTURES)
def test_fixture_table(problem, answer, status, phrase):
    verdict = derivator.check(problem, answer)
    assert verdict.status == status, verdict
    assert phrase in verdict.message + " " + " ".join(verdict.notes)
    if status == "incorrect" and "cannot" not in verdict.message and "a scalar" not in \
            verdict.message and "row vector" not in verdict.message:
        assert verdict.counterexample and "your answer gives" in verdict.counterexample


@pytest.mark.parametrize("answer", [
    "9^9^9^9", "tr(X^(10^10))", "(" * 5000, "__import__('os').system('ls')", "X.__class__",
    "lambda: 0", r"\input{/etc/passwd}", "a\x00b", "", "sum_{i=1}^{100000000} X",
    "sum_{i=1}^{9000} sum_{j=1}^{9000} X",
])
def test_hostile_answers_are_refused_without_running_anything(answer):
    verdict = derivator.check("p1a", answer)
    assert verdict.status in ("unreadable", "incorrect")
    assert verdict.message and "\n" not in verdict.message


def test_cli_exit_codes_and_json():
    assert run("check", "p6", "(X + X^T) w")[0] == 0
    code, out, _ = run("check", "6", "2 X w", "--format", "json")
    data = json.loads(out)
    assert code == 1 and set(data) == {"problem", "answer", "status", "message", "notes",
                                       "counterexample", "read_as", "column"}
    assert data["status"] == "incorrect" and data["problem"] == "p6"
    assert data["read_as"] == "2 X w"
    assert run("check", "p6", "(X + w")[0] == 2
    code, _, err = run("check", "p9", "X")
    assert code == 2 and "unknown problem 'p9'" in err


def test_a_check_past_its_time_limit_is_stopped_and_the_batch_goes_on(tmp_path):
    from derivator.answers.batch.workers import check_all
    results = check_all([("p6", "(X + X^T) w"), ("p1a", "2X^T")], seconds=0.001)
    assert all(r["status"] == "timeout" and "took longer than" in r["message"]
               for r in results)
    results = check_all([("p6", "(X + X^T) w"), ("p1a", "2X")], seconds=60)
    assert [r["status"] for r in results] == ["correct", "incorrect"]


def test_a_whole_class_from_a_file(tmp_path):
    answers = tmp_path / "answers.csv"
    answers.write_text('student,problem,answer\nkim,p6,"(X + X^T) w"\nkim,1a,2X\n'
                       'lee,p9,X\nlee,p4,"(X^T X)^{-1} X^T y"\nlee,p5,"(((B"\n')
    out_json, out_csv = tmp_path / "r.json", tmp_path / "r.csv"
    code, out, _ = run("check", "--file", str(answers), "--output", str(out_json))
    assert code == 1 and "5 answers: 2 correct, 1 incorrect, 2 unreadable" in out
    data = json.loads(out_json.read_text())
    assert [d["status"] for d in data] == ["correct", "incorrect", "unreadable", "correct",
                                           "unreadable"]
    assert data[1]["problem"] == "p1a" and "missing transpose" in " ".join(data[1]["notes"])
    assert run("check", "--file", str(answers), "--output", str(out_csv))[0] == 1
    assert out_csv.read_text().startswith("student,p1a,p4,p5,p6,total")   # the gradebook


@pytest.mark.parametrize("content,message", [
    ("name,answer\nkim,X\n", "line 1: the header needs the columns student, problem, answer"),
    ("", "is empty; it needs a header line student,problem,answer"),
])
def test_a_bad_class_file_gets_one_line(tmp_path, content, message):
    path = tmp_path / "a.csv"
    path.write_text(content)
    code, _, err = run("check", "--file", str(path))
    assert code == 2 and message in err and "Traceback" not in err


def test_check_without_an_answer_is_a_usage_error():
    code, _, err = run("check", "p6")
    assert code == 2 and "check needs PROBLEM and ANSWER" in err


def test_the_problem_sets_own_student_is_graded_as_the_mathematics_says():
    """problems/sample_submission.csv: the student's final answers as written. The
    verdicts come from the checker; here we only require those the mathematics fixes."""
    import csv
    from pathlib import Path
    path = Path(__file__).resolve().parent.parent / "problems" / "sample_submission.csv"
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    assert {r["problem"] for r in rows} == {"p1a", "p1b", "p1c", "p2", "p3", "p4", "p5", "p6",
                                            "p7a", "p7b"}
    code, out, _ = run("check", "--file", str(path), "--format", "json")
    verdicts = {v["problem"]: v for v in json.loads(out)}
    for right in ("p1a", "p1b", "p1c", "p2", "p3", "p5"):
        assert verdicts[right]["status"] == "correct", verdicts[right]
    for wrong in ("p4", "p6", "p7a"):
        assert verdicts[wrong]["status"] == "incorrect", verdicts[wrong]
    assert "cannot invert" in verdicts["p4"]["message"]


from hypothesis import given, settings, strategies as st  # noqa: E402

PROBLEMS_FUZZED = ["p1a", "p1c", "p2", "p3", "p4", "p6", "p7a", "p7b"]

TOKENS = st.sampled_from(["X", "w", "X^T", "(", ")", "+", "-", " ", "2", "tr(X)", "w^T",
                          "sigma(", "sum_{i=1}^{N}", "x_i", "^{-1}", "/", "k", "@", "'",
                          "=", r"\sum_i", "[", "]_k", r"\langle", r"\rangle", ",", "ᵀ", "²",
                          r"\mathbf{", "}", "_{", r"\left(", r"\right)", "f(", "g(", "y_i",
                          r"\sigma'(", r"\frac{\partial f}{\partial X}", "w_{2,j}", "h_0",
                          "z_{99}(x_i)", "^{(t)}", "X_{ij}", r"\odot", r"\cdot", "Xw", "$"])


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(PROBLEMS_FUZZED), st.lists(TOKENS, max_size=20).map("".join))
def test_fuzz_check_gives_a_verdict_and_nothing_else(problem, answer):
    verdict = derivator.check(problem, answer)
    assert verdict.status in ("correct", "incorrect", "unreadable")
    assert verdict.message and "\n" not in verdict.message
    assert "fault in derivator" not in verdict.message      # no exception, even caught


def test_sympy_confirms_where_it_can_and_the_verdict_never_depends_on_it():
    assert "SymPy confirms it symbolically" in derivator.check("p6", "X w + X^T w").message
    assert "SymPy confirms it symbolically" in derivator.check("p1c", "k (X^{k-1})^T").message
    assert "SymPy confirms it symbolically" in derivator.check("p1c", "k (X^T)^{k-1}").message
    sums = derivator.check("p3", "w_t - eta sum_{i=1}^{N} (f(x_i) - y_i) 2 x_i sigma(w^T x_i) "
                                 "(1 - sigma(w^T x_i))")
    assert sums.status == "correct" and "SymPy" not in sums.message


def test_symbolic_form_is_built_from_the_tree():
    import sympy as sp
    from derivator.answers.read.parse import parse
    from derivator.answers.judge.symbolic import to_sympy
    from derivator.model.problemset import problem
    p = problem("p6")
    D = p.sizes()["D"]
    X, w = sp.MatrixSymbol("X", D, D), sp.MatrixSymbol("w", D, 1)
    assert to_sympy(parse("(X + X^T) w"), p) == (X + X.T) * w


def test_the_python_api_can_use_a_killable_worker():
    assert derivator.check("p6", "(X + X^T) w", timeout=60).status == "correct"
    late = derivator.check("p6", "(X + X^T) w", timeout=0.001)
    assert late.status == "timeout" and "took longer than" in late.message


# --- issue 8: the tool's own output is read by the tool -------------------------------
PROBLEMS = ["p1a", "p1b", "p1c", "p2", "p3", "p4", "p5", "p6", "p7a", "p7b"]


def _shown(problem):
    code, out, _ = run("show", problem, "--format", "json")
    assert code == 0
    return json.loads(out)


@pytest.mark.parametrize("problem", PROBLEMS)
def test_the_tools_own_result_is_read_and_judged(problem):
    """The result's text and LaTeX, alone and after its left-hand side (p4's is w*), are
    read. They are the answer, except for p2 and p3, where the result is the gradient and
    the problem asks for the update rule: there the update-rule lines are the answer."""
    data = _shown(problem)
    result, lhs = data["result"], data["result"]["lhs"]
    update = [s for s in data["steps"] if s["section"] == "update"
              and "partial" not in s["latex"]]
    forms = [result["text"], result["latex"], f"{lhs['text']} = {result['text']}",
             f"{lhs['latex']} = {result['latex']}"]
    for form in forms:
        verdict = derivator.check(problem, form)
        if update:
            assert verdict.status == "incorrect", (form, verdict)
            assert "gradient" in " ".join(verdict.notes), verdict
        else:
            assert verdict.status == "correct", (form, verdict)
    assert bool(update) == (problem in ("p2", "p3"))
    for step in update:
        for form in (step["text"], step["latex"], f"{step['lhs']['text']} = {step['text']}",
                     f"{step['lhs']['latex']} = {step['latex']}"):
            verdict = derivator.check(problem, form)
            assert verdict.status == "correct", (form, verdict)
            assert verdict.read_as


# --- issue 15: nothing escapes check(), indices never wrap around -----------------------
@pytest.mark.parametrize("problem,answer,status,phrase", [
    ("p1a", "-" * 1996 + "X", "unreadable", "levels of nesting"),
    ("p1a", "X" + "^T" * 999, "unreadable", "levels of nesting"),
    ("p1a", " ".join(["X"] * 1000), "incorrect", ""),
    ("p1a", "+".join(["X"] * 1000), "incorrect", "constant factor"),
    ("p1a", "X^T+" * 499 + "X^T", "incorrect", "constant factor: your answer is 250 times"),
    ("p2", "sum_{i=1}^{100} x_i", "incorrect", "the index i = 5 is outside 1..4"),
    ("p2", "w - eta (sum_{i=-1}^{N-2} (f(x_i) - y_i) x_i + 2 w)", "incorrect",
     "the index i = -1 is outside 1..4"),
    ("p2", "w - eta (sum_{i=0}^{N-1} (f(x_i) - y_i) x_i + 2 w)", "incorrect", "outside"),
    ("p2", "x_{100,1}", "incorrect", "x_{100,1}: the index 100 is outside 1..4"),
    ("p2", "x_{1,0}", "incorrect", "outside 1..3"),
    ("p7b", "z_{99}(x_i)", "incorrect", "outside the network's nodes"),
    ("p7b", "sum_{i=1}^{N} h_{0}(x_i)", "incorrect", "node indices start at 1"),
    ("p7a", "(g - y) g (1 - g) w_{2,0}", "incorrect", "outside 1..3"),
    ("p7a", "(g - y_j) g (1 - g) w_{2,j}", "unreadable", "y is a number"),
    ("p2", "sum_{i=1}^{(-1)^{0.5}} x_i", "incorrect", "(-1)^0.5 is not a real number"),
    ("p1a", r"\frac{2}{(-1)^{0.5}}", "incorrect", "not a real number"),
])
def test_long_chains_bad_indices_and_complex_values_get_one_line(problem, answer, status,
                                                                   phrase):
    verdict = derivator.check(problem, answer)
    assert verdict.status == status, verdict
    assert phrase in verdict.message + " " + " ".join(verdict.notes), verdict
    assert "\n" not in verdict.message and "Error" not in verdict.message


def test_invalid_utf8_bom_and_a_closed_stdin_get_one_line(monkeypatch):
    import io
    import os
    import subprocess
    import sys
    for data, code, said in ((b"2X\xff^T", 2, "not valid UTF-8 (byte 0xff at position 3)"),
                             ("\ufeff2X^T\r\n".encode(), 0, "")):
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))
        got, out, err = run("check", "p1a", "-")
        assert got == code and said in err and "Traceback" not in err
        assert len(err.splitlines()) == (1 if code else 0)
    env = {**os.environ, "LC_ALL": "C.UTF-8", "PYTHONUTF8": "0"}
    cmd = [sys.executable, "-m", "derivator", "check", "p1a"]
    argv = subprocess.run(cmd + [b"2X\xff^T"], capture_output=True, env=env)
    assert argv.returncode == 2 and b"not valid UTF-8" in argv.stderr
    assert b"Traceback" not in argv.stderr and len(argv.stderr.splitlines()) == 1
    closed = subprocess.run(cmd + ["-"], stdin=subprocess.DEVNULL, capture_output=True,
                            env=env, preexec_fn=lambda: os.close(0))
    assert closed.returncode == 2 and b"stdin" in closed.stderr
    assert b"Traceback" not in closed.stderr


def test_rich_output_says_how_the_answer_was_read_and_where_it_could_not_be():
    code, out, _ = run("check", "p6", "(X + X^T)w")
    assert code == 0 and "read as: (X + Xᵀ) w" in out
    code, out, _ = run("check", "p6", r"(X + X^T) \sigm(w)")
    lines = out.splitlines()
    assert code == 2 and "did you mean \\sigma?" in lines[0]
    caret = lines[-1]
    assert lines[-2].strip() == r"(X + X^T) \sigm(w)"
    assert caret.index("^") == lines[-2].index("\\")          # under the backslash
    code, out, _ = run("check", "p6", "(X + X^T w")
    assert code == 2 and "never closed" in out and out.splitlines()[-1].strip() == "^"


def test_a_name_used_as_a_function_is_not_called_unknown():
    verdict = derivator.check("p2", "w - eta (X^T (sigma X w - y) + 2 w)")
    assert verdict.status == "unreadable"
    assert "sigma is a function" in verdict.message and "unknown name" not in verdict.message


def test_a_left_hand_side_that_names_something_else_says_so():
    gradient = derivator.check("p2", r"\nabla_{\mathbf{w}} L = X^T(\sigma(Xw) - y) + 2w")
    assert gradient.status == "incorrect" and "asks for the update rule" in gradient.message
    wrong_variable = derivator.check("p1a", r"\frac{\partial f}{\partial w} = 2X^T")
    assert wrong_variable.status == "incorrect" and "derivative by X" in wrong_variable.message
    normal = derivator.check("p4", "X^T X w = X^T y")
    assert normal.status == "incorrect" and "normal equations" in " ".join(normal.notes)
    renamed = derivator.check("p7a", r"\frac{\partial L}{\partial h_k} = (g - y) g (1 - g) w_{2,k}")
    assert renamed.status == "correct", renamed


def test_a_fault_inside_check_is_one_line_not_a_traceback(monkeypatch):
    """A bug of derivator's own (here: a reference that raises) is reported as such, in one
    line, and the grading goes on."""
    from derivator.answers.judge import judge

    def broken(*args, **kwargs):
        raise NameError("name 'at_v' is not defined")
    monkeypatch.setattr(judge, "_judge", broken)
    verdict = derivator.check("p6", "(X + X^T) w")
    assert verdict.status == "unreadable" and "fault in derivator" in verdict.message
    assert "\n" not in verdict.message


def test_an_answer_with_an_infinite_value_gets_a_verdict_not_a_fault():
    """log(0) X is -inf times X: it was 'a fault in derivator' (OverflowError naming the
    factor); it is simply not the answer."""
    v = derivator.check("p1a", "log(0) X")
    assert v.status == "incorrect" and "fault" not in v.message


def test_a_free_index_other_than_the_left_hand_sides_is_not_read_as_it():
    """∂L/∂h_k = … w_{2,j}: the right side's j is not the k asked for (it was judged correct,
    j being the problem's own letter); with k on both sides it is right."""
    v = derivator.check("p7a", r"\frac{\partial L}{\partial h_k} = (g(x) - y) g(x)(1 - g(x)) w_{2,j}")
    assert v.status == "unreadable" and "j" in v.message
    assert derivator.check("p7a", r"\frac{\partial L}{\partial h_k} = (g(x) - y) g(x)(1 - g(x)) "
                                  r"w_{2,k}").status == "correct"
    assert derivator.check("p7b", r"\frac{\partial L}{\partial w_{1,a,b}} = \sum_{i=1}^{N} "
                           r"(g(x_i) - y_i) w_{2,d} z_b(x_i)").status == "unreadable"
