"""Judging whole workings line by line (issue 9).

The verdicts asserted here were worked out by hand: the correct workings are right at
every step, each planted mistake is at the line named, and the problem set's own
student (transcribed as written in tests/workings/) goes wrong where the mathematics says.
Nothing here is compared with a value the checker computed itself."""
import json
from pathlib import Path

import pytest

import derivator
from derivator.answers.judge.working import check_working, is_working
from test_cli import run

WORKINGS = Path(__file__).parent / "workings"

# Correct workings for every problem, two ways each: (problem, working).
CORRECT = [
    ("p1a", r"""f(X) = tr(X^2) = \sum_{i=1}^{D}\sum_{j=1}^{D} X_{ij} X_{ji}
\frac{\partial f}{\partial X_{kl}} = \sum_{i=1}^{D}\sum_{j=1}^{D} (\delta_{ik}\delta_{jl} X_{ji} + X_{ij}\delta_{jk}\delta_{il})
= X_{lk} + X_{lk} = 2 X_{lk}
\frac{df}{dX} = 2X^T"""),
    ("p1a", r"""\begin{aligned}
f &= \operatorname{tr}(\mathbf{X}\mathbf{X}) \\
\frac{df}{d\mathbf{X}} &= \mathbf{X}^\top + \mathbf{X}^\top \\
&= 2\mathbf{X}^\top
\end{aligned}"""),
    ("p1b", r"""g(X) = tr(X^3) = \sum_{i=1}^{D}\sum_{j=1}^{D}\sum_{m=1}^{D} X_{ij} X_{jm} X_{mi}
\frac{\partial g}{\partial X_{kl}} = 3 \sum_{m=1}^{D} X_{lm} X_{mk}
\frac{dg}{dX} = 3 (X^2)^T"""),
    ("p1b", r"""$$g = \text{tr}(X^3)$$
$$\frac{dg}{dX} = (X^2)^T + (X^2)^T + (X^2)^T = 3 (X^T)^2$$"""),
    ("p1c", r"""h(X) = tr(X^k)
\frac{dh}{dX} = k (X^{k-1})^T"""),
    ("p1c", r"""h = tr(X^k) \\ \frac{dh}{dX} = k (X^T)^{k-1}"""),
    ("p2", r"""L(w) = \sum_{i=1}^{N} (-y_i \ln(f(x_i)) - (1-y_i)\ln(1 - f(x_i))) + w^T w
\frac{dL}{dw} = \sum_{i=1}^{N} (f(x_i) - y_i) x_i + 2w
= X^T (\sigma(X w) - y) + 2w
w_{t+1} = w_t - \eta (X^T(\sigma(X w_t) - y) + 2 w_t)
= (1 - 2\eta) w_t - \eta X^T (\sigma(X w_t) - y)"""),
    ("p2", r"""\begin{align*}
\nabla_{\mathbf{w}} L &= \sum_{i=1}^{N} \left(\sigma(\mathbf{w}^\top \mathbf{x}_i) - y_i\right) \mathbf{x}_i + 2\mathbf{w} \\
\mathbf{w}_{t+1} &= \mathbf{w}_t - \eta \left[ \sum_{i=1}^{N} \left( \sigma(\mathbf{w}^\top \mathbf{x}_i) - y_i \right) \mathbf{x}_i + 2\mathbf{w} \right]
\end{align*}"""),
    ("p3", r"""L = \frac{1}{2}\sum_{i=1}^{N} (f(x_i) - y_i)^2
\frac{dL}{dw} = \sum_{i=1}^{N} (f(x_i) - y_i) \frac{1}{2} (1 - f(x_i)^2) x_i
w_{t+1} = w_t - \eta \sum_{i=1}^{N} (f(x_i) - y_i) \frac{1}{2} (1 - f(x_i)^2) x_i"""),
    ("p3", r"""\frac{dL}{dw} = \sum_{i=1}^{N} (f(x_i) - y_i) 2 \sigma(w^T x_i) (1 - \sigma(w^T x_i)) x_i
w_{t+1} = w_t - \eta \sum_{i=1}^{N} (f(x_i) - y_i) 2 \sigma(w^T x_i) (1 - \sigma(w^T x_i)) x_i"""),
    ("p4", r"""\ln P = N \ln(\frac{1}{\sqrt{2\pi\sigma^2}}) - \frac{1}{2\sigma^2}\sum_{i=1}^{N} (y_i - w^T x_i)^2
\frac{d \ln P}{dw} = \frac{1}{\sigma^2}\sum_{i=1}^{N} (y_i - w^T x_i) x_i
= \frac{1}{\sigma^2} X^T (y - X w) = 0
X^T X w = X^T y
w = (X^T X)^{-1} X^T y"""),
    ("p4", r"""$$\ln P = \sum_{i=1}^{N} \left( \ln(\frac{1}{\sqrt{2\pi\sigma^2}}) - \frac{(y_i - \mathbf{w}^\top \mathbf{x}_i)^2}{2\sigma^2} \right)$$
$$\frac{d \ln P}{d\mathbf{w}} = \frac{1}{\sigma^2} (\mathbf{X}^\top \mathbf{y} - \mathbf{X}^\top \mathbf{X} \mathbf{w}) = 0$$
$$\mathbf{w} = (\mathbf{X}^\top \mathbf{X})^{-1} \mathbf{X}^\top \mathbf{y}$$"""),
    ("p5", r"""F = tr(A^T B) = \sum_{i=1}^{N}\sum_{j=1}^{N} A_{ji} B_{ji}
\frac{\partial F}{\partial A_{kl}} = \sum_{i=1}^{N}\sum_{j=1}^{N} \delta_{jk}\delta_{il} B_{ji} = B_{kl}
\frac{dF}{dA} = B"""),
    ("p5", r"""\left[\frac{dF}{dA}\right]_{kl} = \frac{\partial}{\partial A_{kl}} \sum_{i=1}^{N}\sum_{j=1}^{N} A_{ji} B_{ji} = B_{kl}
\frac{dF}{dA} = \mathbf{B}"""),
    ("p6", r"""f = w^T X w = \sum_{i=1}^{D}\sum_{j=1}^{D} w_i X_{ij} w_j
\left[\frac{df}{dw}\right]_k = \frac{\partial f}{\partial w_k} = \sum_{j=1}^{D} X_{kj} w_j + \sum_{i=1}^{D} w_i X_{ik}
\frac{df}{dw} = X w + X^T w = (X + X^T) w"""),
    ("p6", r"""\frac{\partial}{\partial w_k}\left(\sum_{i=1}^{D}\sum_{j=1}^{D} w_i X_{ij} w_j\right) = \sum_{j=1}^{D} (X_{kj} + X_{jk}) w_j
\frac{df}{dw} = (\mathbf{X} + \mathbf{X}^\top)\mathbf{w}"""),
    ("p7a", r"""L = \frac{1}{2}(g(x) - y)^2
\frac{\partial L}{\partial h_j} = (g(x) - y) g(x) (1 - g(x)) w_{2,j}"""),
    ("p7a", r"""\frac{\partial L}{\partial h_j} = (g - y) \sigma(\sum_{d=1}^{D} w_{2,d} h_d) (1 - g) w_{2,j}
= w_{2,j} (g - y) g (1 - g)"""),
    ("p7b", r"""\frac{\partial L}{\partial w_{1,d,m}} = \sum_{i=1}^{N} (g(x_i) - y_i) g(x_i) (1 - g(x_i)) w_{2,d} \sigma(\sum_{n=1}^{M} w_{1,d,n} z_n(x_i)) (1 - \sigma(\sum_{n=1}^{M} w_{1,d,n} z_n(x_i))) z_m(x_i)
= \sum_{i=1}^{N} w_{2,d} z_m(x_i) (g(x_i) - y_i) g(x_i) (1 - g(x_i)) \sigma(\sum_{n=1}^{M} w_{1,d,n} z_n(x_i)) (1 - \sigma(\sum_{n=1}^{M} w_{1,d,n} z_n(x_i)))"""),
    ("p7b", r"""\frac{\partial L}{\partial w_{1,d,m}} = \sum_{i=1}^{N} (g(x_i) - y_i) g(x_i) (1 - g(x_i)) w_{2,d} (h_d(x_i) - x_{i,d}) (1 - (h_d(x_i) - x_{i,d})) z_m(x_i)"""),
]


@pytest.mark.parametrize("problem, working", CORRECT,
                         ids=[f"{p}-{k % 2 + 1}" for k, (p, _) in enumerate(CORRECT)])
def test_a_correct_working_follows_at_every_step(problem, working):
    v = check_working(problem, working)
    assert [l["status"] for l in v.lines if l["status"] not in ("follows", "start")] == [], \
        v.lines
    assert v.first_wrong_line is None
    assert v.status == "correct", (v.message, v.answer)


# One planted mistake at a known line: (problem, working, first wrong line, phrase in its note).
PLANTED = [
    ("p6", r"""f = w^T X w
\frac{df}{dw} = X w + X^T w
= -(X + X^T) w""", 3, "sign"),
    ("p1a", r"""f = tr(X^2)
\frac{df}{dX} = X^T + X^T
= 2 X""", 3, "transpose"),
    ("p1a", r"""f = \sum_{i=1}^{D}\sum_{j=1}^{D} X_{ij} X_{ji}
\frac{\partial f}{\partial X_{kl}} = 2 X_{kl}
\frac{df}{dX} = 2 X""", 2, "two indices swapped"),
    ("p3", r"""L = \frac{1}{2}\sum_{i=1}^{N} (f(x_i) - y_i)^2
\frac{dL}{dw} = \sum_{i=1}^{N} (f(x_i) - y_i) (1 - f(x_i)^2) x_i
w_{t+1} = w_t - \eta \sum_{i=1}^{N} (f(x_i) - y_i) (1 - f(x_i)^2) x_i""", 2,
     "this line is 2 times its own left-hand side ∂L/∂w"),
    ("p4", r"""\ln P = -\frac{1}{\sqrt{2\pi\sigma^2}} \sum_{i=1}^{N} \frac{(y_i - w^T x_i)^2}{2\sigma^2}
\frac{d \ln P}{dw} = \frac{1}{\sigma^2} X^T (y - X w)""", 1, "the log of a product is the sum of the logs"),
    ("p6", r"""f = \sum_{i=1}^{D}\sum_{j=1}^{D} w_i X_{ij} w_j
\frac{\partial f}{\partial w_k} = \sum_{j=1}^{D} X_{kj} w_j + \sum_{i=1}^{D} w_i X_{ik}
= 2 \sum_{j=1}^{D} X_{kj} w_j""", 3, "holds only when the matrix is symmetric"),
    ("p2", r"""\frac{dL}{dw} = \sum_{i=1}^{N} (f(x_i) - y_i) x_i + 2w
= X^T (\sigma(X w) - y) + w
= w + X^T(\sigma(X w) - y)""", 2, "does not equal the one before"),
    ("p7a", r"""\frac{\partial L}{\partial h_j} = (g - y) g (1 - g) w_{2,j}
= -(g - y) g (1 - g) w_{2,j}""", 2, "sign"),
]


@pytest.mark.parametrize("problem, working, line, phrase", PLANTED,
                         ids=[f"{p}-line{n}" for p, _, n, _ in PLANTED])
def test_a_planted_mistake_is_the_first_wrong_step(problem, working, line, phrase):
    v = check_working(problem, working)
    assert v.first_wrong_line == line, v.lines
    assert v.status == "incorrect"
    row = v.lines[line - 1]
    assert row["status"] == "wrong" and phrase in row["note"], row
    assert all(r["status"] in ("follows", "start") for r in v.lines[:line - 1]), v.lines
    assert v.counterexample and f"line {line}" in v.counterexample


def test_lines_after_the_wrong_one_are_judged_against_it():
    """The mistake at line 2 carries on: line 3 follows from it, and the verdict still
    names line 2."""
    v = check_working("p2", PLANTED[6][1])
    assert [r["status"] for r in v.lines] == ["follows", "wrong", "follows"]


def test_a_wrong_step_to_the_right_answer_is_reported_as_both():
    working = r"""\frac{dL}{dw} = \sum_{i=1}^{N} (f(x_i) - y_i) x_i
w_{t+1} = w_t - \eta (X^T(\sigma(X w_t) - y) + 2 w_t)"""
    v = check_working("p2", working)
    assert v.first_wrong_line == 1 and v.answer["status"] == "correct"
    assert v.status == "incorrect" and "the answer is right" in v.message
    assert v.as_dict()["working"] == {"first_wrong_line": 1, "steps_follow": False,
                                      "answer_status": "correct"}


def test_a_working_right_to_the_end_that_stops_short():
    v = check_working("p2", r"""L(w) = \sum_{i=1}^{N} (-y_i \ln(f(x_i)) - (1-y_i)\ln(1 - f(x_i))) + w^T w
\frac{dL}{dw} = X^T (\sigma(X w) - y) + 2w""")
    assert v.first_wrong_line is None and v.answer["status"] == "incorrect"
    assert v.status == "incorrect" and "stops short" in v.message


# The problem set's own student, transcribed as written (tests/workings/student_*.tex).
def student(problem):
    return (WORKINGS / f"student_{problem}.tex").read_text(encoding="utf-8")


def test_student_p6_is_right_until_the_last_line():
    v = check_working("p6", student("p6"))
    assert v.first_wrong_line == 9
    assert "cannot add" in v.lines[8]["note"]
    assert [v.lines[k]["status"] for k in (0, 5, 6)] == ["follows"] * 3
    flags = " ".join(v.lines[6]["flags"])          # δ_k^i with i repeated, x_ij for X_ij
    assert "Einstein" in flags and "X_{ij}" in flags


def test_student_p4_goes_wrong_at_the_log_of_the_product():
    v = check_working("p4", student("p4"))
    assert v.first_wrong_line == 2
    assert "the log of a product is the sum of the logs" in v.lines[1]["note"]
    assert "ln P = " in v.lines[1]["note"]                # what the rule gives instead


def test_student_p2_slips_a_sign_and_undoes_it():
    """(1 - y) · 1/(1 - f) · f (f - 1) x is -(1 - y) f x: the line with the cancelled
    factors flips the second term's sign; the next line has it right again, and so has
    the answer (the issue's remark that p2 is right misses this slip)."""
    v = check_working("p2", student("p2"))
    assert v.first_wrong_line == 6            # the file's line 6: its aligned block's 2nd row
    assert v.lines[9]["line"] == 6 and v.lines[9]["status"] == "wrong"
    assert "again" in v.lines[10]["note"] and v.lines[10]["line"] == 7
    assert v.answer["status"] == "correct"
    assert v.status == "incorrect" and "the answer is right" in v.message
    assert any("read as y_i" in f for f in v.lines[-1]["flags"])   # Σ (-y(1-f)x + …)


def test_student_p3_and_p7_get_no_wrong_step_where_their_lines_cannot_be_read():
    for problem in ("p3", "p7a", "p7b"):
        v = check_working(problem, student(problem))
        assert v.first_wrong_line is None
        assert all(r["status"] in ("follows", "start", "unreadable") for r in v.lines)
        assert all(r["note"] for r in v.lines if r["status"] == "unreadable")


# --- how a working is recognised and routed ----------------------------------------------

def test_several_lines_or_a_chain_are_a_working_and_one_answer_is_not():
    assert is_working("f = w^T X w\n= (X + X^T) w")
    assert is_working(r"a = b \\ = c")
    assert is_working(r"\frac{df}{dw} = X w + X^T w = (X + X^T) w")
    assert not is_working(r"\frac{df}{dw} = (X + X^T) w")
    assert not is_working("(X + X^T) w\n")


def test_the_python_api_routes_a_working_with_and_without_a_worker():
    working = "f = w^T X w\n\\frac{df}{dw} = X w + X^T w\n= 2 X w"
    here = derivator.check("p6", working)
    there = derivator.check("p6", working, timeout=20)
    assert here.first_wrong_line == there.first_wrong_line == 3
    assert here.status == there.status == "incorrect"
    assert here.as_dict()["lines"] == there.as_dict()["lines"]
    assert derivator.check("p6", "(X + X^T) w").status == "correct"   # one line: an answer


# --- the command line ----------------------------------------------------------------------

def write(tmp_path, text, name="working.tex"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_cli_marks_every_line_and_explains_the_first_wrong_step(tmp_path):
    path = write(tmp_path, "f = w^T X w\n\\frac{df}{dw} = X w + X^T w\n= 2 X w\n= 2 (X w)\n")
    code, out, err = run("check", "p6", "--working", path)
    assert code == 1 and err == ""
    marks = [line.split()[0] for line in out.splitlines() if line[:3].strip() in "✓✗?·"
             and line[:3].strip()]
    assert marks == ["✓", "✓", "✗", "✓"]
    assert "First wrong step: line 3" in out and "counterexample" in out
    assert "symmetric" in out


def test_cli_json_has_the_issues_shape(tmp_path):
    path = write(tmp_path, student("p4"))
    code, out, _ = run("check", "p4", "--working", path, "--format", "json")
    result = json.loads(out)
    assert code == 1
    assert set(result) >= {"problem", "status", "first_wrong_line", "lines", "answer"}
    assert result["first_wrong_line"] == 2 and result["answer"]["status"] in (
        "incorrect", "unreadable")
    assert set(result["lines"][0]) >= {"line", "text", "read_as", "status", "note"}


def test_cli_reads_a_working_from_stdin(monkeypatch):
    import io
    monkeypatch.setattr("sys.stdin", io.StringIO("f = tr(X^2)\n\\frac{df}{dX} = 2 X^T\n"))
    code, out, _ = run("check", "p1a", "--working", "-")
    assert code == 0 and "✓" in out


BAD = [
    ("", "empty"),
    ("% only a comment\n\n", "empty"),
    ("x = 1\n" * 10_000, "10,000 lines"),
    ("= w\n" * 300, "more than 200 lines"),
    ("w" * 1_000_000, "longer than"),
    ("\\begin{aligned} f &= w^T X w \\\\ &= (X + X^T) w", "never closed"),
    ("f = w^T X w \\end{align*}", "without a \\begin"),
    ("\\begin{aligned} f = w \\end{align*}", "closes"),
    ("$$ f = w^T X w", "never closed"),
    ("\\begin{tabular} f = w \\end{tabular}", "is not read"),
]


@pytest.mark.parametrize("text, phrase", BAD, ids=[p for _, p in BAD])
def test_bad_workings_get_one_clear_line_and_exit_2(tmp_path, text, phrase):
    code, out, err = run("check", "p6", "--working", write(tmp_path, text))
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and phrase in err and "Traceback" not in err


def test_unreadable_files_get_one_line(tmp_path):
    path = tmp_path / "latin1.tex"
    path.write_bytes("f = w \xe9".encode("latin-1"))
    for target in (str(path), str(tmp_path / "missing.tex")):
        code, out, err = run("check", "p6", "--working", target)
        assert code == 2 and err.count("\n") == 1 and out == ""
    code, _, err = run("check", "p6", "(X + X^T) w", "--working", str(path))
    assert code == 2 and "no ANSWER" in err


def test_student_p3_quotient_rule_on_one_sample_is_judged_and_flagged():
    """Lines 5-7 work on one sample with x unindexed: each follows from the one before
    (worked by hand: both numerators are 2x e^(-wᵀx)); σ without its argument is left to
    a person."""
    v = check_working("p3", student("p3"))
    assert [v.lines[k]["status"] for k in (4, 5, 6)] == ["follows"] * 3
    assert all("one sample" in " ".join(v.lines[k]["flags"]) for k in (4, 5, 6))
    assert "σ without its argument" in v.lines[8]["note"]


def test_an_equation_after_setting_the_gradient_to_zero_is_judged_at_the_solution():
    v = check_working("p4", r"""\frac{d \ln P}{dw} = \frac{1}{\sigma^2} X^T (y - X w) = 0
X^T X w = X^T y
X^T X w = X^T y + w
X X^T w = y""")
    assert [r["status"] for r in v.lines] == ["follows", "follows", "wrong", "wrong"]
    assert "differ at the solution" in v.lines[2]["note"]
    assert "cannot multiply" in v.lines[3]["note"]
    assert any("equation" in f for f in v.lines[1]["flags"])


@pytest.mark.parametrize("problem", ["p2", "p3", "p7a"])
def test_the_quantity_from_compiled_definitions_agrees_with_sympys(problem):
    """L computed with the point's compiled f, g, L_i (fast) against the reference's SymPy
    evaluation of the same definition (independent)."""
    import numpy as np
    from derivator.answers.judge.scene import Scene, _definition_value
    from derivator.model.problemset import problem as find
    scene = Scene(find(problem))
    model = scene.problem.model()
    body = next(d.body for d in model.definitions if d.name == model.target.func)
    point = scene.points[0]
    assert np.allclose(_definition_value(body, point, {}), scene.task.value(body, point),
                       rtol=1e-10)


def test_a_working_that_costs_too_much_is_cut_off_with_a_reason(monkeypatch):
    """One operation budget for the whole working (smaller here, to keep the test cheap):
    past it, every line says why it was not computed; nothing runs on."""
    import derivator.answers.judge.scene as scene
    monkeypatch.setattr(scene, "MAX_OPERATIONS", 5_000)
    heavy = "\n".join([r"= \sum_{i=1}^{100}\sum_{j=1}^{100} w_1 X_{11}"] * 50)
    v = check_working("p6", "f = w^T X w\n" + heavy)
    assert v.first_wrong_line is None
    assert all("too many operations" in r["note"] for r in v.lines[1:])


@pytest.mark.parametrize("problem, answer", [
    ("p6", "(X + X^T) w"), ("p1c", "k (X^{k-1})^T"), ("p4", "(X^T X)^{-1} X^T y"),
    ("p2", "w - eta (X^T (sigma(X w) - y) + 2 w)"), ("p6", "-w^T X"),
    ("p3", "w - eta sum_{i=1}^{N} (f(x_i) - y_i) (1 - f(x_i)^2) x_i / 2")])
def test_how_a_line_was_read_is_read_back_the_same(problem, answer):
    """The plain form of a side (given to the answers' judge for the last line) is judged
    as the side itself."""
    from derivator.answers.read.parse import parse
    from derivator.answers.read.sides import _show
    again = _show(parse(answer), plain=True)
    assert derivator.check(problem, again).status == derivator.check(problem, answer).status


def test_the_first_wrong_step_gives_both_lines_as_read():
    v = check_working("p6", PLANTED[0][1])
    step = v.first_wrong_step
    assert (step["from_line"], step["line"]) == (2, 3)
    assert step["before"] == "X w + Xᵀ w" and step["after"] == "-(X + Xᵀ) w"
    assert "sign" in step["note"] and step["counterexample"]
    assert v.as_dict()["first_wrong_step"] == step


def test_cli_labels_in_korean(tmp_path):
    path = write(tmp_path, "f = w^T X w\n\\frac{df}{dw} = 2 X w\n")
    code, out, _ = run("check", "p6", "--working", path, "--lang", "ko")
    assert code == 1 and "처음 틀린 단계" in out and "읽은 식" in out


def test_a_derivative_of_something_else_is_not_taken_for_the_problems():
    """d ln L/dw is (dL/dw)/L, dP/dw is not what p4 differentiates: neither is read as
    the engine's derivative (unreadable, never silently right or wrong)."""
    v = check_working("p2", "\\frac{d \\ln L}{dw} = X^T (\\sigma(X w) - y) + 2w\n= 2w + X^T (\\sigma(X w) - y)")
    assert v.lines[0]["status"] == "unreadable" and v.first_wrong_line is None
    assert v.lines[1]["status"] == "follows"
    v = check_working("p4", "\\frac{dP}{dw} = \\frac{1}{\\sigma^2} X^T (y - X w)\n= 0")
    assert v.lines[0]["status"] == "unreadable" and v.first_wrong_line is None


def test_a_row_where_a_column_was_is_a_wrong_step():
    v = check_working("p6", "\\frac{df}{dw} = (X + X^T) w\n= w^T (X + X^T)")
    assert v.first_wrong_line == 2 and "row vector" in v.lines[1]["note"]


def test_a_line_about_one_sample_is_not_compared_with_the_whole_sum():
    """(f(x_i) - y_i) x_i is one sample's term: after the sum it is flagged for a person,
    not marked wrong; written twice it is judged."""
    v = check_working("p2", r"""\frac{dL}{dw} = \sum_{i=1}^{N} (f(x_i) - y_i) x_i + 2w
= (f(x_i) - y_i) x_i + 2w
= x_i (f(x_i) - y_i) + 2w""")
    assert [r["status"] for r in v.lines] == ["follows", "unreadable", "follows"]
    assert "one sample" in v.lines[1]["note"]


def test_a_dropped_term_is_named():
    v = check_working("p2", r"""\frac{dL}{dw} = X^T (\sigma(X w) - y) + 2w
= X^T (\sigma(X w) - y)""")
    assert v.first_wrong_line == 2 and "the term 2 w of line 1 is missing" in v.lines[1]["note"]


def test_nothing_in_a_working_is_run_as_code(tmp_path, monkeypatch):
    marker = tmp_path / "ran"
    working = (f"__import__('os').system('touch {marker}')\n"
               f"= exec(\"open('{marker}', 'w')\")\n= 9**9**9**9")
    v = derivator.check("p6", working)
    assert v.status == "unreadable" and not marker.exists()
    assert all(r["status"] == "unreadable" and r["note"] for r in v.lines)


def test_plain_lines_around_an_environment_are_all_mathematics():
    v = check_working("p6", "f = w^T X w\n\\begin{aligned}\\frac{df}{dw} &= X w + X^T w \\\\ "
                            "&= (X + X^T) w\\end{aligned}")
    assert [r["status"] for r in v.lines] == ["follows"] * 3 and v.status == "correct"


def test_the_frobenius_product_of_two_matrices():
    """⟨A, B⟩ of two matrices is tr(AᵀB), as p5 defines it (it was read as the matrix
    product A B, and a right line was marked wrong); of two vectors it stays aᵀb."""
    v = check_working("p5", r"""\langle A, B \rangle = tr(A^T B) = \sum_{k=1}^{N}\sum_{l=1}^{N} A_{kl} B_{kl}
\frac{\partial}{\partial A_{pq}} \langle A, B \rangle = B_{pq}
= B""")
    assert [r["status"] for r in v.lines] == ["follows"] * 3 and v.status == "correct"
    assert check_working("p5", r"\langle A, B \rangle = tr(A B)").first_wrong_line == 1
    v = check_working("p6", "f = \\langle w, X w \\rangle = w^T X w\n\\frac{df}{dw} = (X + X^T) w")
    assert [r["status"] for r in v.lines] == ["follows"] * 2 and v.status == "correct"


def test_a_step_that_drops_a_free_index_is_wrong_not_a_crash():
    """p7a's lines are entries h_j: a line without j (the weight w_{2,j} dropped) is a
    wrong step (it was 'the check failed: ValueError' from describing the shapes)."""
    v = check_working("p7a", r"""\frac{\partial L}{\partial h_j} = (g(x) - y) g(x) (1 - g(x)) w_{2,j}
= (g(x) - y) g(x) (1 - g(x))""")
    assert v.first_wrong_line == 2 and [r["status"] for r in v.lines] == ["follows", "wrong"]


def test_the_gradient_set_to_zero_without_writing_equals_zero():
    """p4: after d ln P/dw, the normal equations and the solution are equations about the
    unknown even when "= 0" is not written (both right lines were marked wrong: their sides
    differ at a random w); a false one is still wrong."""
    grad = r"\frac{d \ln P}{dw} = \frac{1}{\sigma^2} X^T (y - X w)" + "\n"
    v = check_working("p4", grad + "X^T X w = X^T y\nw = (X^T X)^{-1} X^T y")
    assert [r["status"] for r in v.lines] == ["follows"] * 3 and v.status == "correct"
    v = check_working("p4", grad + "X X^T w = X^T y")
    assert v.first_wrong_line == 2


def test_entries_are_laid_out_by_the_left_hand_sides_indices():
    """∂/∂A_pq … = B_{qp} is the transpose of B: the entries of a line are ordered as its
    chain's left-hand side names them (p, q), not as they first appear on the right (it was
    marked follows, and the right '= B^T' after it wrong); letters the problem does not
    declare are the usual case (the problem set's student writes p, q)."""
    lhs = r"\frac{\partial}{\partial A_{pq}} tr(A^T B) = "
    assert check_working("p5", lhs + "B_{qp}\n= B").first_wrong_line == 1
    v = check_working("p5", lhs + "B_{qp}\n= B^T")
    assert v.first_wrong_line == 1 and v.lines[1]["status"] == "follows"
    v = check_working("p5", lhs + "B_{pq}\n= B")
    assert [r["status"] for r in v.lines] == ["follows"] * 2
    assert check_working("p1a", r"\frac{\partial f}{\partial X_{ab}} = 2X_{ba}").status == "correct"
    assert check_working("p1a", r"\frac{\partial f}{\partial X_{ab}} = 2X_{ab}").first_wrong_line == 1


def test_an_entrywise_product_is_shown_as_read():
    """read as: y ⊙ σ(…), not y σ(…) (a matrix product), in a working's lines."""
    v = check_working("logistic-pm1", r"\frac{dNLL}{dw} = -X^T (y \odot \sigma(-y \odot X w))")
    assert "y ⊙ σ(-y ⊙ (X w))" in v.lines[0]["read_as"]
    from derivator.answers.read.parse import parse
    from derivator.answers.read.sides import _show
    tree = parse(r"a \odot b + c \cdot d")
    assert _show(parse(_show(tree, plain=True))) == _show(tree) == "a ⊙ b + c · d"
    from derivator.answers.read.notation import written
    tree = parse(r"(a \odot b) c")
    assert _show(tree) == written(tree) == "(a ⊙ b) c"
    assert _show(parse(_show(tree, plain=True))) == "(a ⊙ b) c"


def test_a_step_whose_free_index_changes_is_wrong():
    """∂L/∂h_k = … w_{2,j}: the entry k is not the entry j (it was marked follows, the
    entries being compared by position); the same letters on both sides follow."""
    v = check_working("p7a", r"\frac{\partial L}{\partial h_k} = (g(x) - y) g(x)(1 - g(x)) w_{2,j}")
    assert v.first_wrong_line == 1 and "index" in v.lines[0]["note"]
    v = check_working("p7a", r"\frac{\partial L}{\partial h_k} = (g(x) - y) g(x)(1 - g(x)) w_{2,k}")
    assert v.status == "correct"


def test_entries_of_a_bracket_in_a_working():
    """(Xw)_k and [(X + X^T) w]_k as lines of a working are entries k (they were
    unreadable: "unexpected '_'" or "the index k is neither summed over…", shown as
    'entry + entry'); a wrong one is wrong."""
    start = r"\left[\frac{df}{dw}\right]_k = \sum_j X_{kj} w_j + \sum_i w_i X_{ik}" + "\n"
    v = check_working("p6", start + "= (Xw)_k + (X^T w)_k\n= [(X + X^T) w]_k\n= (X + X^T) w")
    assert [r["status"] for r in v.lines] == ["follows"] * 4 and v.status == "correct"
    assert v.lines[1]["read_as"] == "[X w]_{k} + [Xᵀ w]_{k}"
    assert check_working("p6", start + "= [2 X w]_k").first_wrong_line == 2
