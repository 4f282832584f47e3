"""The LaTeX handout compiles with xelatex as is, fits A4 (no overfull boxes beyond a
small tolerance, no missing glyphs) and its PDF holds every step's explanation, in
English and in Korean. Needs xelatex, the Nanum fonts and pdftotext (.ci/run installs
them); without them these tests skip and say so."""
import io
import re
import shutil
import subprocess
import unicodedata

import pytest

import derivator
from derivator import cli
from derivator.render import captioned
from derivator.render.standalone import KOREAN_FONT

TOOLS = [tool for tool in ("xelatex", "pdftotext") if shutil.which(tool) is None]
pytestmark = pytest.mark.skipif(bool(TOOLS), reason=f"{' and '.join(TOOLS)} not installed "
                                "(Debian: texlive-xetex fonts-nanum poppler-utils)")
TOLERANCE_PT = 1.0


def _has_font(family):
    if shutil.which("fc-list") is None:
        return False
    listed = subprocess.run(["fc-list", f":family={family}"], capture_output=True, text=True)
    return bool(listed.stdout.strip())


KOREAN = pytest.param("ko", marks=pytest.mark.skipif(
    not _has_font(KOREAN_FONT), reason=f"the {KOREAN_FONT} font is not installed "
                                       "(Debian: fonts-nanum)"))


def _letters(text):
    """The letters of a text, in order (Latin and Hangul), as both the caption and the PDF
    spell them: ᵀ and ᵢ read as T and i, everything else (maths, spaces, lines) dropped."""
    return "".join(re.findall(r"[A-Za-z\uac00-\ud7a3]", unicodedata.normalize("NFKC", text)))


def _compile(tmp_path, argv, name):
    out = io.StringIO()
    assert cli.main(argv, out=out) == 0
    tex = tmp_path / f"{name}.tex"
    tex.write_text(out.getvalue(), encoding="utf-8")
    for _ in range(2):                              # twice: the contents list
        run = subprocess.run(["xelatex", "-interaction=nonstopmode", "-halt-on-error",
                              tex.name], cwd=tmp_path, capture_output=True, timeout=300)
        assert run.returncode == 0, run.stdout.decode(errors="replace")[-3000:]
        if "tableofcontents" not in out.getvalue():
            break
    log = (tmp_path / f"{name}.log").read_text(encoding="utf-8", errors="replace")
    text = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", f"{name}.pdf", "-"], cwd=tmp_path,
                          capture_output=True, check=True).stdout.decode("utf-8")
    return log, text


def _assert_fits(log):
    assert "Missing character" not in log
    for amount in re.findall(r"Overfull \\hbox \(([\d.]+)pt too wide\)", log):
        assert float(amount) <= TOLERANCE_PT, f"a line {amount}pt too wide"
    assert not re.search(r"Overfull \\vbox", log)


def _assert_explained(derivation, lang, text):
    pdf = _letters(text)
    notes = getattr(derivation.model, "notes", None) or {}
    if notes:
        assert _letters(notes.get(lang, notes.get("en"))) in pdf, derivation.name
    for _, _, heading, steps in captioned(derivation, lang):
        assert _letters(heading) in pdf, heading
        for label, _, _, rule, explanation in steps:
            assert _letters(rule) in pdf, (label, rule)
            assert _letters(explanation) in pdf, (label, explanation)


@pytest.mark.parametrize("lang", ["en", KOREAN])
def test_handout_of_everything_compiles_fits_and_explains_every_step(tmp_path, lang):
    log, text = _compile(tmp_path, ["handout", "--lang", lang], f"handout-{lang}")
    _assert_fits(log)
    assert re.search(r"\\tf@toc", (tmp_path / f"handout-{lang}.aux").read_text()) or \
        (tmp_path / f"handout-{lang}.toc").read_text().count("numberline") == len(
            derivator.catalog())
    for name in derivator.catalog():
        _assert_explained(derivator.derive(name), lang, text)
    if lang == "ko":
        assert "결과" in text and "정의" in text


def test_standalone_long_derivation_breaks_across_pages(tmp_path):
    log, text = _compile(tmp_path, ["show", "p7b", "--format", "latex", "--standalone"], "p7b")
    _assert_fits(log)
    pages = text.split("\f")
    assert len([p for p in pages if p.strip()]) >= 2
    _assert_explained(derivator.derive("p7b"), "en", text)
    assert _letters("Result") in _letters(pages[-1] + pages[-2])


@pytest.mark.parametrize("statement", [
    r"Find $\input{/etc/passwd}$.", r"\def\x{1} $x$", r"a ^^5c input", r"\catcode`\^=7 $x$",
    r"$#1$", r"\immediate\write18{ls}", r"\openin5=/etc/hostname",
])
def test_a_statement_from_a_problem_file_cannot_run_tex_commands(statement):
    """A problem file may come from anyone: its statement reaches the handout as text unless
    it uses only the commands statements need."""
    from derivator.render.standalone import statement_latex
    out = statement_latex(statement)
    for command in ("input", "def", "catcode", "write18", "openin", "immediate"):
        assert f"\\{command}" not in out
    assert "#" not in out.replace(r"\#", "") and "^^" not in out


def test_the_shipped_statements_keep_their_own_latex():
    from derivator.model.problemset import all_problems
    from derivator.render.standalone import statement_latex
    for problem in all_problems().values():
        assert statement_latex(problem.statement) == problem.statement.strip(), problem.id
