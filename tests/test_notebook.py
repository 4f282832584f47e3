"""Derivations, steps, verdicts and kernels in a notebook: the rich reprs show what `show`
and `check` print, `repr` is one short line, and Derivation.to(fmt) is `show --format`."""
import io
import json

import pytest

import derivator
from derivator import DerivatorError, cli
from derivator.render import captioned


def _show(*argv):
    out = io.StringIO()
    assert cli.main(["show", *argv], out=out) == 0
    return out.getvalue()


@pytest.mark.parametrize("fmt", ["latex", "markdown", "html", "json", "text"])
def test_to_is_what_show_writes(fmt, monkeypatch):
    monkeypatch.setenv("DERIVATOR_CACHE_DIR", "off")
    d = derivator.derive("p6")
    assert d.to(fmt) == _show("p6", "--format", fmt)
    assert d.to(fmt, lang="ko") == _show("p6", "--format", fmt, "--lang", "ko")


def test_to_an_unknown_format_is_a_clear_error():
    with pytest.raises(DerivatorError, match="unknown format 'pdf'"):
        derivator.derive("p6").to("pdf")


@pytest.mark.parametrize("name", ["bce", "p4", "p7a"])
def test_derivation_in_a_notebook_shows_the_steps_show_prints(name):
    d = derivator.derive(name)
    html = d._repr_html_()
    for _, _, heading, steps in captioned(d):
        for label, _, _, rule, text in steps:
            assert f'id="{name}-{label}"' in html
    assert html.count('<math display="block">') == len(d.steps) + 1
    text = repr(d)
    assert "\n" not in text and len(text) < 200 and text.startswith(f"<Derivation {name}")
    assert d._repr_markdown_() == d.to("markdown")
    assert "\\begin{align*}" in d._repr_latex_()


def test_step_shows_its_rule_caption_and_line():
    d = derivator.derive("p6")
    step = d.steps[-1]
    assert repr(step).startswith(f"<Step {step.rule}: ") and "\n" not in repr(step)
    assert step.explanation in step._repr_markdown_()
    assert step._repr_latex_().startswith("$$ ") and step._repr_latex_().endswith(" $$")


def test_verdict_shows_status_notes_and_counterexample():
    verdict = derivator.check("p6", "2 X w")
    assert verdict.status == "incorrect" and verdict.notes and verdict.counterexample
    for shown in (verdict._repr_markdown_(), verdict._repr_html_()):
        assert "incorrect" in shown and "symmetric" in shown
        assert "counterexample" in shown
    assert repr(verdict) == "<Verdict p6 incorrect: '2 X w'>"


def test_verdict_html_escapes_the_answer():
    verdict = derivator.check("p6", "<script>alert(1)</script>")
    assert verdict.status == "unreadable"
    assert "<script>" not in verdict._repr_html_()


def test_kernel_shows_its_code():
    k = derivator.kernel("bce")
    assert repr(k).startswith("<Kernel bce: ") and "\n" not in repr(k)
    assert k.source.strip() in k._repr_markdown_()


def test_json_from_python_is_valid():
    data = json.loads(derivator.derive("p4").to("json"))
    assert data["result"]["lhs"]["text"] == "w*"
