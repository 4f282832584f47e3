"""Each output format: JSON parses and carries srepr; LaTeX and Markdown are well formed."""
import json
import re
import shutil
import subprocess

import pytest
import sympy as sp

import derivator
from derivator.render import documents, terminal
from derivator.render import LANGUAGES

NAMES = derivator.catalog()


def balanced(text, pairs=("{}", "()", "[]")):
    for open_, close in pairs:
        depth = 0
        for ch in text:
            depth += (ch == open_) - (ch == close)
            if depth < 0:
                return False
        if depth:
            return False
    return True


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_json_has_every_step(name, lang):
    d = derivator.derive(name)
    data = json.loads(documents.render_json(d, lang))
    assert set(data) >= {"name", "wrt", "steps", "result"}
    assert data["name"] == name and data["wrt"] == str(d.wrt)
    assert len(data["steps"]) == len(d.steps)
    for step, ours in zip(data["steps"], d.steps):
        assert set(step) >= {"section", "rule", "explanation", "latex", "text", "srepr"}
        assert step["rule"] == ours.rule and step["explanation"]
    assert set(data["result"]) >= {"latex", "text", "srepr"}


def test_json_srepr_names_the_lecture_intermediates():
    data = json.loads(documents.render_json(derivator.derive("bce"), "en"))
    sreprs = " ".join(s["srepr"] for s in data["steps"])
    for token in ("Function('h')", "Function('z')", "Derivative(", "sigmoid("):
        assert token in sreprs
    # srepr is exactly SymPy's, so tools can rebuild the expression
    namespace = {**vars(sp), "sigmoid": sp.Function("sigmoid")}
    b6 = next(s for s in data["steps"] if s["rule"] == "factor_out")
    rebuilt = eval(b6["srepr"], namespace)
    h, x, y, w = sp.Function("h"), *sp.symbols("x y w")
    assert sp.simplify(rebuilt - (-y / h(x) + (1 - y) / (1 - h(x))) * sp.Derivative(h(x), w)) == 0


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_latex_is_a_well_formed_align(name, lang):
    tex = documents.render_latex(derivator.derive(name), lang)
    assert tex.count(r"\begin{align*}") == 1 and tex.count(r"\end{align*}") == 1
    body = "\n".join(line.split(" % ")[0] for line in tex.splitlines()
                     if not line.startswith("%"))
    assert balanced(body.replace(r"\left(", "(").replace(r"\right)", ")"))
    rows = [r for r in body.split(r"\\") if "&=" in r]
    assert len(rows) == len(derivator.derive(name).steps)
    assert body.isascii()     # pdflatex without extra packages


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex is not installed")
@pytest.mark.parametrize("lang", LANGUAGES)
def test_latex_compiles_with_pdflatex(tmp_path, lang):
    tex = documents.render_latex(derivator.derive("bce"), lang)
    doc = "\\documentclass{article}\n\\usepackage{amsmath}\n\\begin{document}\n" + tex \
          + "\\end{document}\n"
    (tmp_path / "d.tex").write_text(doc, encoding="utf-8")
    run = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "d.tex"],
                         cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout[-2000:]


@pytest.mark.parametrize("name", NAMES)
def test_markdown_has_one_math_block_per_step(name):
    d = derivator.derive(name)
    md = documents.render_markdown(d, "en")
    blocks = re.findall(r"\$\$ (.*?) \$\$", md)
    assert len(blocks) == len(d.steps) + 1          # every step, then the result
    assert all(balanced(b.replace(r"\left(", "(").replace(r"\right)", ")")) for b in blocks)
    assert md.count("$$") % 2 == 0


def test_text_lists_steps_in_lecture_order_with_labels():
    text = terminal.render_text(derivator.derive("bce"), "en")
    labels = re.findall(r"^([A-F]\d+) ", text, flags=re.M)
    assert labels == [f"A{k}" for k in (1, 2)] + [f"B{k}" for k in range(1, 7)] + \
        [f"C{k}" for k in range(1, 9)] + [f"D{k}" for k in range(1, 9)] + ["F1", "F2"]


def test_text_fits_80_columns():
    for name in NAMES:
        text = terminal.render_text(derivator.derive(name), "en", width=80)
        math = [line for line in text.splitlines() if line.startswith("      ")]
        assert max(len(line) for line in math) <= 80


def _rich(name, lang, width=80, wrt=None):
    import io

    from rich.console import Console
    out = io.StringIO()
    console = Console(file=out, width=width, color_system=None)
    terminal.rich_from_lines(terminal.lines_of(derivator.derive(name, wrt), lang, width), console)
    return out.getvalue()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_line_fits_80_terminal_columns(lang):
    from rich.cells import cell_len        # rich's own measure: Hangul is two columns
    for name in NAMES:
        for text in (terminal.render_text(derivator.derive(name), lang, width=80),
                     _rich(name, lang)):
            lines = text.splitlines()
            assert max(cell_len(line) for line in lines) <= 80, name
            for k, rule in enumerate(lines):           # underlines as wide as their titles
                if k and rule and set(rule) <= {"=", "-"}:
                    start = k
                    while start and lines[start - 1].strip():
                        start -= 1
                    assert cell_len(rule) == max(map(cell_len, lines[start:k])), lines[k - 1]


@pytest.mark.parametrize("width", [40, 80])
def test_korean_captions_wrap_whole_in_the_terminal(width):
    from derivator.render import captioned
    for name in ("bce", "p3", "p7b"):
        shown = " ".join(_rich(name, "ko", width).split())
        assert "…" not in shown.replace(", …,", "")
        for _, _, heading, steps in captioned(derivator.derive(name), "ko"):
            for _, _, _, rule, text in steps:
                assert " ".join(f"[{rule}] {text}".split()) in shown


@pytest.mark.parametrize("name", ["bce", "mse"])
def test_title_names_the_variable_differentiated_by(name):
    for wrt in ("w", "b"):
        title = _rich(name, "en", wrt=wrt).splitlines()[0]
        assert f"∂/∂{wrt}" in title and "dJ/d" not in title


def test_problem_statements_print_without_raw_latex():
    for name in NAMES:
        for text in (_rich(name, "en"), terminal.render_text(derivator.derive(name), "en")):
            assert "$" not in text and "\\" not in text, name
    assert "𝐗 ∈ ℝ^(D × D)" in " ".join(_rich("p1a", "en").split())


def test_list_and_problems_in_korean():
    import io

    from derivator import cli
    for command in ("list", "problems"):
        out = io.StringIO()
        assert cli.main([command, "--lang", "ko"], out=out) == 0
        assert "문제 4" in out.getvalue() and "가우시안 최대 우도" in out.getvalue()
        assert "\\mathbf" not in out.getvalue()


def test_standalone_and_handout_usage_errors(capsys):
    from derivator import cli
    assert cli.main(["show", "bce", "--format", "markdown", "--standalone"]) == 2
    assert cli.main(["handout", "nosuch"]) == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 2 and "--standalone goes with --format latex" in err[0]
    assert "unknown derivation 'nosuch'" in err[1]
