"""Hints from a partial working: the next step of the derivation on the student's route,
named by its rule and explanation (its result only with --show-step), or the first wrong
line and the rule that step should have used."""
import json
from pathlib import Path

import pytest

import derivator
from derivator.answers.judge.hint import WORDS, likeness, tokens
from derivator.answers.judge.working import check_working
from derivator.render.printing import to_latex
from test_cli import run

WORKINGS = Path(__file__).parent / "workings"


def _own_lines(name, route=None, upto=None):
    """A derivation's own steps written as a student copying them would: lhs = rhs."""
    steps = derivator.derive(name, route=route).steps[:upto]
    return "\n".join(f"$${to_latex(s.lhs) + ' = ' if s.lhs is not None else ''}"
                     f"{to_latex(s.expr)}$$" for s in steps)


def _ids(name, route=None):
    return [s["id"] for s in json.loads(derivator.derive(name, route=route).to("json"))["steps"]]


# a few prefixes of every derivation and route (every prefix of every one is measured
# in benchmarks/bench_hint_prefixes.py: 309 of 311)
PREFIXES = [(name, route, k) for name, route in
            [("p1a", None), ("p2", None), ("p3", None), ("p5", None), ("p6", None),
             ("p7a", None), ("p7b", None), ("bce", None), ("bce", "ez"), ("bce-mle", None),
             ("logistic-pm1", None), ("sigmoid", None), ("mse", None)]
            for k in (1, 5)]


@pytest.mark.parametrize("name, route, k", PREFIXES)
def test_a_prefix_of_the_derivation_gets_its_next_step(name, route, k):
    ids = _ids(name, route)
    k = min(k, len(ids) - 1)
    h = derivator.hint(name, _own_lines(name, route, k))
    assert h.status == "next", h.message
    assert h.step["id"] == ids[k]                 # steps 0..k-1 written: the next is k
    assert h.route == name + (f" --route {route}" if route else "")
    assert [m["step"] for m in h.matched] == ids[:k]


def test_the_whole_derivation_is_done_and_an_empty_start_is_the_first_step():
    ids = _ids("p6")
    assert derivator.hint("p6", _own_lines("p6")).status == "done"
    first = derivator.hint("p6", "$$ g = 1 $$")           # nothing the derivation writes
    assert first.status == "start" and first.step["id"] == ids[0]


def test_the_route_the_student_is_on():
    """A prefix of the notes' e^z route for bce is matched to that route, not the
    lecture's."""
    h = derivator.hint("bce", _own_lines("bce", "ez", 4))
    assert h.route == "bce --route ez" and h.step["id"] == _ids("bce", "ez")[4]


def test_the_result_is_not_given_away_unless_asked():
    working = _own_lines("p6", upto=3)
    step = derivator.derive("p6").steps[3]
    from derivator.render.printing import to_text
    hidden = derivator.hint("p6", working)
    shown = derivator.hint("p6", working, show_step=True)
    assert to_text(step.expr) not in hidden.message and "result" not in hidden.step
    assert shown.step["result"] == to_text(step.expr) and to_text(step.expr) in shown.message
    assert hidden.step["explanation"] == step.explain("en")


# planted mistakes: the working's own judge says which line is wrong (independently of
# the matching), and the hint names that line
PLANTED = [
    ("p6", "f = w^T X w\n= \\sum_i \\sum_j w_i X_{ij} w_j\n= -\\sum_i \\sum_j w_i X_{ij} w_j", 3),
    ("p6", "f = w^T X w\n\\frac{df}{dw} = X w", 2),
    ("p6", "f = w^T X w\n\\frac{df}{dw} = 2 X w", 2),
    ("p1a", "f = tr(X^2)\n= \\sum_i \\sum_j X_{ij} X_{ji}\n\\frac{df}{dX} = 2 X", 3),
    ("p5", "f = tr(A^T B)\n= \\sum_i \\sum_j A_{ij} B_{ji}", 2),
]


@pytest.mark.parametrize("name, working, line", PLANTED)
def test_a_planted_mistake_is_pointed_at(name, working, line):
    assert check_working(name, working).first_wrong_line == line
    h = derivator.hint(name, working)
    assert h.status == "wrong" and h.wrong_line == line
    assert f"Line {line}" in h.message and h.step["rule"] in h.message


def test_a_line_matched_by_its_form_only_says_so():
    """B_lk for B_kl is written with the same symbols: where a line cannot be compared
    with its step at the random points, the hint says it was matched by its form only."""
    working = ("f = tr(A^T B)\n= \\sum_i \\sum_j A_{ij} B_{ij}\n"
               "\\frac{\\partial f}{\\partial A_{kl}} = B_{lk}")
    h = derivator.hint("p5", working)
    if h.status == "wrong":                # a reader that computes it finds it wrong
        assert h.wrong_line == 3
    else:
        assert not h.matched[-1]["checked"] and "not checked" in h.message


def test_a_missing_term_points_at_the_product_rule():
    h = derivator.hint("p6", "f = w^T X w\n\\frac{df}{dw} = X w")
    assert h.step["rule_id"] == "product_rule"


@pytest.mark.parametrize("path", sorted(WORKINGS.glob("student_*.tex")), ids=lambda p: p.stem)
def test_the_seed_students_workings(path):
    name = path.stem.removeprefix("student_")
    text = path.read_text()
    h = derivator.hint(name, text)
    verdict = check_working(name, text)
    ids = _ids(name)
    assert h.step["id"] in ids
    matched = [ids.index(m["step"]) for m in h.matched]
    assert matched == sorted(set(matched))             # in order, each step once
    if h.status == "wrong":                           # only where the judge finds one
        assert verdict.first_wrong_line is not None and h.wrong_line >= \
            verdict.first_wrong_line
        assert all(m["line"] < h.wrong_line for m in h.matched)


def test_p4_seed_working_goes_wrong_at_the_log_of_a_product():
    h = derivator.hint("p4", (WORKINGS / "student_p4.tex").read_text())
    assert h.status == "wrong" and h.step["rule_id"] == "log_product"


def test_forms_ignore_layout_and_bold():
    assert tokens(r"\mathbf{X}^\top \mathbf{w}") == tokens("X^T w") == tokens("Xᵀw")
    assert likeness(tokens("(X + X^T) w"), tokens(r"\left(X + X^{\top}\right) w")) == 1
    assert likeness(tokens("X w"), tokens(r"\sigma(z)")) == 0


def test_korean_hint_and_every_sentence_in_both_languages():
    assert WORDS["en"].keys() == WORDS["ko"].keys()
    h = derivator.hint("p6", _own_lines("p6", upto=2), lang="ko")
    assert "다음" in h.message and h.step["explanation"] == \
        derivator.derive("p6").steps[2].explain("ko")


def test_the_command(tmp_path):
    path = tmp_path / "w.tex"
    path.write_text(_own_lines("p6", upto=2))
    code, out, err = run("hint", "p6", "--working", str(path))
    assert code == 0 and "Next: step" in out and not err
    code, out, _ = run("hint", "6", "--working", str(path), "--format", "json", "--lang", "ko")
    assert code == 0 and json.loads(out)["step"]["id"] == _ids("p6")[2]


@pytest.mark.parametrize("argv, message", [
    (["hint", "p99", "--working", "-"], "unknown problem"),
    (["hint", "p6", "--working", "/no/such/file"], "cannot read"),
    (["hint", "p6"], "--working"),
])
def test_bad_input_gets_one_line(argv, message, monkeypatch):
    import io
    monkeypatch.setattr("sys.stdin", io.StringIO("f = w^T X w"))
    code, _, err = run(*argv)
    assert code == 2 and message in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_a_line_equal_to_its_step_at_the_random_points_is_checked():
    h = derivator.hint("p6", "f = w^T X w\n= \\sum_i \\sum_j w_i X_{ij} w_j")
    assert [m["checked"] for m in h.matched] == [True, True]
    assert "not checked" not in h.message


# A corpus of correct workings in students' notation, every prefix hinted; then a mistake
# planted at each of several lines (the working's judge confirms the line is wrong)
CORPUS = {
 "p6": [r"f = w^T X w", r"= \sum_{i=1}^{D} \sum_{j=1}^{D} w_i X_{ij} w_j",
        r"\frac{\partial f}{\partial w_k} = \sum_{j=1}^{D} X_{kj} w_j + \sum_{i=1}^{D} w_i X_{ik}",
        r"\frac{df}{dw} = X w + X^T w", r"= (X + X^T) w"],
 "p1a": [r"f = tr(X^2)", r"= \sum_{i=1}^{D} \sum_{j=1}^{D} X_{ij} X_{ji}",
         r"\frac{\partial f}{\partial X_{kl}} = X_{lk} + X_{lk}", r"= 2 X_{lk}", r"\frac{df}{dX} = 2 X^T"],
 "p5": [r"f = tr(A^T B)", r"= \sum_{i=1}^{N} \sum_{j=1}^{N} A_{ij} B_{ij}",
        r"\frac{\partial f}{\partial A_{kl}} = B_{kl}", r"\frac{df}{dA} = B"],
 "p1b": [r"f = tr(X^3)", r"= \sum_i \sum_j \sum_m X_{ij} X_{jm} X_{mi}", r"\frac{df}{dX} = 3 (X^2)^T"],
 "p4": [r"\ln P = N \ln \frac{1}{\sqrt{2 \pi \sigma^2}} - \frac{1}{2 \sigma^2} \sum_{i=1}^{N} (y_i - w^T x_i)^2",
        r"\frac{d \ln P}{dw} = \frac{1}{\sigma^2} \sum_{i=1}^{N} (y_i - w^T x_i) x_i",
        r"= \frac{1}{\sigma^2} X^T (y - X w)"],
}

FIRST_STEPS = {name: len(lines) for name, lines in CORPUS.items()}


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_every_prefix_of_a_correct_working_moves_forward(name):
    lines, ids = CORPUS[name], _ids(name)
    reached = -1
    for k in range(1, len(lines) + 1):
        h = derivator.hint(name, "\n".join(lines[:k]))
        assert h.status in ("next", "done") and h.wrong_line is None, (k, h.message)
        matched = [ids.index(m["step"]) for m in h.matched]
        assert matched == sorted(set(matched)) and matched[-1] > reached
        reached = matched[-1]
        assert ids.index(h.step["id"]) == (reached + 1 if h.status == "next" else reached)
    assert h.status == "done" or name == "p4"           # p4's corpus stops before w = …


PLANTS = [("p6", 2, r"= 2 \sum_{i=1}^{D} \sum_{j=1}^{D} w_i X_{ij} w_j"),
          ("p6", 3, r"\frac{\partial f}{\partial w_k} = \sum_{j=1}^{D} X_{kj} w_j"),
          ("p6", 4, r"\frac{df}{dw} = X w + X w"), ("p6", 5, r"= 2 X w"),
          ("p1a", 2, r"= \sum_{i=1}^{D} \sum_{j=1}^{D} X_{ij} X_{ij}"),
          ("p1a", 3, r"\frac{\partial f}{\partial X_{kl}} = X_{lk}"),
          ("p1a", 4, r"= 2 X_{kl}"), ("p1a", 5, r"\frac{df}{dX} = 2 X"),
          ("p5", 2, r"= \sum_{i=1}^{N} \sum_{j=1}^{N} A_{ij} B_{ji}"),
          ("p4", 2, r"\frac{d \ln P}{dw} = -\frac{1}{\sigma^2} \sum_{i=1}^{N} (y_i - w^T x_i) x_i"),
          ("p4", 3, r"= \frac{1}{\sigma^2} X^T (X w - y)")]


@pytest.mark.parametrize("name, line, planted", PLANTS)
def test_a_mistake_planted_in_a_correct_working(name, line, planted):
    lines = list(CORPUS[name])
    lines[line - 1] = planted
    working = "\n".join(lines)
    assert check_working(name, working).first_wrong_line == line      # independent
    h = derivator.hint(name, working)
    assert h.status == "wrong" and h.wrong_line == line, h.message
    assert all(m["line"] < line for m in h.matched)
    ids = _ids(name)
    assert ids.index(h.step["id"]) > max([ids.index(m["step"]) for m in h.matched] or [-1])


def test_bytes_that_are_not_utf8_get_one_line(tmp_path):
    path = tmp_path / "w.tex"
    path.write_bytes(b"f = w^T X w\n\xff\xfe")
    code, _, err = run("hint", "p6", "--working", str(path))
    assert code == 2 and "UTF-8" in err and len(err.strip().splitlines()) == 1


def test_the_order_written_tells_apart_steps_with_the_same_symbols():
    """∂/∂w ((1/m) Σ L) (A1) and (1/m) Σ ∂/∂w L (A2) have the same symbols; a line
    written as A2, in the lecture's x^{(i)}, is A2, and the hint is the step after."""
    ids = _ids("bce")
    line = (r"$$\frac{\partial}{\partial w} J = \frac{1}{m} \sum_{i=1}^{m} "
            r"\frac{\partial}{\partial w} L(y^{(i)}, h(x^{(i)}))$$")
    h = derivator.hint("bce", line)
    assert [m["step"] for m in h.matched] == [ids[1]] and h.step["id"] == ids[2]


def test_a_hint_for_a_problem_file():
    """A user's file is hinted as a shipped problem is: by hand, d/dw (y - wᵀx)² is
    -2(y - wᵀx)x, so the line with +2 is the first wrong one; the definition alone is
    followed by the next step of the file's own derivation."""
    path = str(Path(__file__).parent / "problem_files" / "ridge_loss.toml")
    start = derivator.hint(path, r"L = \sum_i (y_i - w^T x_i)^2 + \lambda w^T w")
    steps = [s.rule for s in derivator.derive(path).steps]
    assert [m["step"] for m in start.matched] == ["A1"]
    assert start.status == "next" and start.step["rule_id"] == steps[1], (start.step, steps)
    wrong = derivator.hint(path, "L = \\sum_i (y_i - w^T x_i)^2 + \\lambda w^T w\n"
                                 "\\frac{dL}{dw} = \\sum_i 2(y_i - w^T x_i) x_i + 2\\lambda w")
    assert wrong.status == "wrong" and wrong.wrong_line == 2
    code, _, err = run("hint", "missing.toml", "--working", __file__)
    assert code == 2 and "missing.toml" in err and "Traceback" not in err
