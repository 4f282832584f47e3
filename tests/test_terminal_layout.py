"""The terminal at 60, 80 and 120 columns: lines fit, a working's long lines continue under
their own text (never at column 0), a legend wraps between its items, `list` keeps one
column for every description."""
import io
import re
import sys
from pathlib import Path

import pytest

from derivator.cli import main
from derivator.render.terminal import display_width, wrap_items

HERE = Path(__file__).parent
WIDTHS = (60, 80, 120)


def run(argv, columns, monkeypatch):
    monkeypatch.setenv("COLUMNS", str(columns))
    out, err = io.StringIO(), io.StringIO()
    saved, sys.stderr = sys.stderr, err
    try:
        status = main(argv, out=out)
    finally:
        sys.stderr = saved
    return status, out.getvalue()


@pytest.mark.parametrize("columns", WIDTHS)
@pytest.mark.parametrize("lang", ["en", "ko"])
def test_a_working_wraps_under_its_own_text(columns, lang, monkeypatch):
    working = HERE / "workings" / "student_p6.tex"
    _, out = run(["check", "p6", "--working", str(working), "--lang", lang], columns,
                 monkeypatch)
    rows = out.splitlines()
    assert all(display_width(row) <= columns for row in rows), \
        [row for row in rows if display_width(row) > columns]
    # each judged line is " ✓ 1  text": its continuation lines start under the text
    for k, row in enumerate(rows):
        mark = re.match(r" [✓✗?·] +\d+  ", row)
        if mark and k + 1 < len(rows) and rows[k + 1] and not re.match(r" [✓✗?·] ", rows[k + 1]):
            assert rows[k + 1].startswith(" " * len(mark.group())), (rows[k], rows[k + 1])


@pytest.mark.parametrize("columns", WIDTHS)
def test_the_class_tables_legend_wraps_between_items(columns, monkeypatch, tmp_path):
    answers = tmp_path / "answers.csv"
    answers.write_text("student,problem,answer\nkim,p1a,2X^T\nlee,p1a,X\npark,p1a,X +\n",
                       encoding="utf-8")
    for lang, items in (("en", ["✓ correct", "✗ incorrect", "? unreadable", "⏱ timeout"]),
                        ("ko", ["✓ 정답", "✗ 오답", "? 읽을 수 없음", "⏱ 시간 초과"])):
        _, out = run(["check", "--file", str(answers), "--lang", lang], columns, monkeypatch)
        assert all(display_width(row) <= columns for row in out.splitlines())
        legend = " ".join(out.split("┏")[0].split())
        assert all(item in legend for item in items), legend


def test_wrap_items_never_splits_an_item():
    items = ["✓ follows", "✗ wrong", "? could not be read", "· starts a chain"]
    for width in (10, 20, 30, 80):
        lines = wrap_items(items, width, "  ")
        assert " ".join(lines).split() == " ".join(items).split()
        assert all(any(line.startswith(i) for i in items) for line in lines)


def test_list_keeps_one_column_for_every_description(monkeypatch):
    _, out = run(["list"], 80, monkeypatch)
    rows = out.splitlines()
    starts = {re.match(r"\S+\s+", row).end() for row in rows}
    assert len(starts) == 1, rows                   # logistic-pm1 is the longest name
    assert any(row.startswith("logistic-pm1  ") for row in rows)


def test_a_title_names_only_the_derivative_it_shows(monkeypatch):
    """bce-mle --wrt b was titled "…, then dJ/dw (∂/∂b)"."""
    import derivator
    for name in derivator.catalog():
        model = derivator.derive(name).model
        for wrt in [str(p) for p in getattr(model, "params", ())]:
            for lang in ("en", "ko"):
                _, out = run(["show", name, "--wrt", wrt, "--format", "text", "--lang", lang],
                             80, monkeypatch)
                title = out.splitlines()[0]
                others = [str(p) for p in model.params if str(p) != wrt]
                assert not any(re.search(rf"d\w+/d{o}\b|∂\w*/∂{o}\b", title) for o in others), \
                    (name, wrt, title)


def test_loose_notation_gets_what_would_work(monkeypatch):
    """A vector squared, and f(X w) where f takes one sample: the message says what to write."""
    ridge = str(HERE / "problem_files" / "tanh_squared.toml")
    _, out = run(["check", ridge, "X^T ((tanh(X w) - y) * (1 - tanh(X w)^2))"], 80, monkeypatch)
    # read entry by entry, and said to be a guess, with what it was read as
    assert "guessed" in out and "loose notation" in out and "⊙" in out and "^∘2" in out
    _, out = run(["check", "p3", "w_t - eta sum_{i=1}^{N} (f(X w_t) - y_i) x_i"], 80,
                 monkeypatch)
    assert "f takes one sample: write f(x_i) inside the sum over the samples" in out


def test_a_negative_matrix_term_is_joined_with_its_spaces():
    """Xᵀ(y - Xw) - λw was drawn "X  (y - X w)-λ w"."""
    import sympy as sp
    from derivator.render.printing import to_pretty
    X, w, y = sp.MatrixSymbol("X", 4, 3), sp.MatrixSymbol("w", 3, 1), sp.MatrixSymbol("y", 4, 1)
    lam = sp.Symbol("lambda")
    drawn = to_pretty(sp.MatAdd(X.T * (y - X * w), sp.MatMul(-lam, w)))
    assert drawn.splitlines()[-1].endswith(") - λ w"), drawn
    assert to_pretty(sp.MatAdd(sp.MatMul(-lam, w), X.T * y)).splitlines()[-1].startswith("-λ w + ")
