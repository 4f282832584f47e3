"""Issue 22: no raw LaTeX (`_{`, `^{`, `\\`) in the prose a student reads — the rule names,
captions and section titles of every derivation (the course's, the routes, the problem set's,
the problem files in tests/), in both languages; and the titles and notes of the page."""
import re
from pathlib import Path

import pytest

from derivator import derive
from derivator.model.problemfile import parameters
from derivator.model.problemset import all_problems
from derivator.model.registry import catalog, get_model
from derivator.render import captioned
from derivator.render.printing import samples_of
from derivator.render.prose import plain
from derivator.strategies.routes import names as route_names

RAW = re.compile(r"_\{|\^\{|\\")
FILES = Path(__file__).parent / "problem_files"


def _derivations():
    for name in catalog():
        yield from ((name, str(p)) for p in get_model(name).params)
    yield from ((name, None) for name in route_names())
    for name, problem in all_problems().items():
        yield from ((name, wrt) for wrt in parameters(problem))
    for path in sorted(FILES.glob("*.toml")):
        yield str(path), None


def _prose(derivation, lang):
    with samples_of(derivation.model):
        for _, _, heading, steps in captioned(derivation, lang):
            yield heading
            for _, _, _, title, text in steps:
                yield title
                yield text


@pytest.mark.parametrize("name,wrt", list(_derivations()), ids=lambda v: Path(str(v)).name)
def test_no_latex_in_the_prose_of_any_derivation(name, wrt):
    try:
        derivation = derive(name, wrt)
    except Exception as error:           # a test file that does not derive says so itself
        pytest.skip(f"does not derive: {error}")
    for lang in ("en", "ko"):
        raw = [t for t in _prose(derivation, lang) if RAW.search(t)]
        assert not raw, (lang, raw)


@pytest.mark.parametrize("text,written", [
    ("Σ_{d=1}^{D} w_{2,d} h_d", "Σ_d w_(2,d) h_d"),
    ("δ_{a_q l} δ_{a_{q+1} m}", "δ_(a_q l) δ_(a_(q+1) m)"),
    ("x_{ij} + x_{12}", "xᵢⱼ + x₁₂"),
    ("Σ_{q=1}^{k-1} X^{k}", "Σ_(q=1..k-1) X^k"),
    ("Σ_{i=0}^{N} e^{-z}", "Σ_(i=0..N) e^(-z)"),
    ("no mathematics here", "no mathematics here"),
])
def test_plain_writes_mathematics_without_braces(text, written):
    assert plain(text) == written


def test_the_page_title_and_note_have_no_latex():
    from derivator.render.html import render_html
    page = render_html(derive("p7b"), "en")
    prose = re.sub(r"<math.*?</math>|<[^>]+>", " ", page, flags=re.S)
    assert "w_(1,d,m)" in prose and not RAW.search(prose), RAW.findall(prose)


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_handout_title_and_note_print_no_braces(lang):
    """LaTeX braces escaped as text (\\_\\{) would print as `w_{1,d,m}` on the page."""
    from derivator.render.standalone import body
    tex = body(derive("p7b"), lang)
    title = next(line for line in tex.splitlines() if line.startswith(r"\section"))
    note = next(line for line in tex.splitlines() if line.startswith(r"\textit"))
    for line in (title.split(r"\quad")[0], note):
        assert r"\{" not in line and r"\_(1,d,m)" in line, line
