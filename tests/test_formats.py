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
