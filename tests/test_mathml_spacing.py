"""MathML with the spacing of the LaTeX handout: a function's brackets tight against their
argument (J(w, b), not J ( w, b )), a thin space before ln in a product (−y ln(h(x)), not
−yln(h(x))), a comma followed by a thin space."""
import re

import sympy as sp

import derivator
from derivator.render.mathml import to_mathml


def test_a_functions_brackets_are_tight_and_do_not_stretch():
    w, b = sp.symbols("w b")
    text = to_mathml(sp.Function("J")(w, b))
    assert re.search(r'<mi>J</mi><mo>(?:\u2061|&#8289;)</mo><mrow><mo form="prefix" lspace="0" '
                     r'rspace="0" stretchy="false">\(</mo>', text), text
    assert '<mo form="postfix" lspace="0" rspace="0" stretchy="false">)</mo>' in text
    assert '<mo separator="true" lspace="0" rspace="0.1667em">,</mo>' in text


def test_brackets_around_a_fraction_stretch():
    x = sp.Symbol("x")
    text = to_mathml(sp.Function("g")(1 / (1 + x)))
    assert 'stretchy="true">(</mo>' in text


def test_a_thin_space_before_ln_in_a_product():
    y, h = sp.symbols("y h")
    text = to_mathml(-y * sp.log(h))
    assert re.search(r'<mi>y</mi><mspace width="0.1667em"/><mrow class="function"><mi>ln</mi>',
                     text), text


def test_every_page_has_tight_brackets():
    for name in ("bce", "p2"):
        page = derivator.derive(name).to("html")
        assert '<mo>(</mo>' not in page and '<mo>)</mo>' not in page
        assert "<mi>ln</mi><mrow>" not in page          # ln is applied with U+2061
