"""Every caption of every derivation, in both languages, read against its own step: the
names it mentions are names of that step (or of the line it rewrites), and no template
text is left unfilled."""
import re
from pathlib import Path

import pytest
import sympy as sp
from sympy.core.function import AppliedUndef

import derivator
from derivator.render import captioned
from derivator.render.printing import samples_of, to_text

WORD = re.compile(r"[^\W\d_][^\W_]*")      # L, w, h, L2 (a word, not the name L)
ENGLISH_WORDS = {"a"}          # the article, never a name in a caption's identity


# a rule stated as an identity names its own letters ((u/v)' = …, relu'(t) = H(t)), which a
# user's file may use as names too
IDENTITIES = {"quotient_rule", "function_chain", "power_chain", "exponential_rule"}
IDENTITY_LETTERS = {"u", "v", "t"}
PROBLEM_FILES = sorted(str(p) for p in
                       (Path(__file__).parent / "problem_files").glob("*.toml"))


def _cases():
    for name in derivator.catalog():
        model = derivator.derive(name).model
        for wrt in [str(p) for p in getattr(model, "params", ())] or [None]:
            for lang in ("en", "ko"):
                yield name, wrt, lang
    for path in PROBLEM_FILES:                 # a user's files are captioned by the same rules
        for lang in ("en", "ko"):
            yield path, None, lang


def _names(expr):
    """The names an expression is written with, as printed: x, w_2, h, sigmoid, ..."""
    if expr is None:
        return set()
    out = set()
    for node in sp.preorder_traversal(expr):
        if isinstance(node, (sp.Symbol, sp.MatrixSymbol)):
            out.add(to_text(node))
        elif isinstance(node, sp.IndexedBase):
            out.add(str(node.label))
        elif isinstance(node, AppliedUndef) or type(node).__name__ == "sigmoid":
            out.add(node.func.__name__)
    return {w for name in out for w in WORD.findall(name)}


def _words(text):
    return set(WORD.findall(text))


def _derivation_captions(name, wrt, lang):
    d = derivator.derive(name, wrt)
    with samples_of(d.model):
        names = set().union(*(_names(s.lhs) | _names(s.expr) for s in d.steps))
        rows = []
        previous, last = None, {}
        for _, _, heading, steps in captioned(d, lang):
            for label, step, _, title, text in steps:
                seen = _words(" ".join(to_text(e) for e in (step.lhs, step.expr) if e is not None))
                seen |= _names(step.lhs) | _names(step.expr)
                for before in [b for b in (previous, last.get(step.lhs)) if b is not None]:
                    seen |= _words(to_text(before.expr)) | _names(before.expr)
                rows.append((label, step, title, text, seen))
                previous = last[step.lhs] = step
    return names, rows


@pytest.mark.parametrize("name, wrt, lang", list(_cases()))
def test_every_caption_names_only_its_step(name, wrt, lang):
    names, rows = _derivation_captions(name, wrt, lang)
    assert rows
    for label, step, title, text, seen in rows:
        caption = f"{title}: {text}"
        assert not re.search(r"\{[a-z_]+\}", caption), (label, caption)    # unfilled
        # "…" as a placeholder (not inside a list such as a_1, …, a_k)
        assert not re.search(r"(^|[^,]) …", caption) and "None" not in caption, (label, caption)
        mentioned = (_words(caption) & names) - (ENGLISH_WORDS if lang == "en" else set())
        if name in PROBLEM_FILES and step.rule in IDENTITIES:
            mentioned -= IDENTITY_LETTERS        # a file's own u, v, t: not the rule's
        missing = mentioned - seen
        assert not missing, f"{name} {label} [{lang}] names {missing} not in its step: {caption}"


def _caption(name, label, lang="en", wrt=None):
    for row in _derivation_captions(name, wrt, lang)[1]:
        if row[0] == label:
            return row[3]
    raise AssertionError(f"{name} has no step {label}")


def _all_captions(name, lang="en", wrt=None):
    return [row[3] for row in _derivation_captions(name, wrt, lang)[1]]


def test_entry_by_entry_only_where_a_function_acts_entry_by_entry():
    for name in ("mse", "p4"):
        assert not any("entry by entry" in c for c in _all_captions(name))
    assert any("sigmoid acts entry by entry" in c for c in _all_captions("p2"))


def test_quotient_rule_says_u_is_1_only_for_a_constant_numerator():
    assert "u = 1" not in _caption("p3", "D2")          # (1 - e^(-wᵀx))/(1 + e^(-wᵀx))
    assert "u = 1" in _caption("p3", "C2")              # 1/(1 + e^(-x))


def test_exponential_rule_names_the_exponent_of_its_step():
    assert "u = -wᵀx" in _caption("p3", "D3")
    assert "u = -x" in _caption("sigmoid", "C3")


def test_entry_rule_names_the_entries_of_its_step():
    assert _caption("p6", "B5").startswith("∂wᵢ/∂wₖ = δ_ik")
    assert "∂w_(1,b,a)/∂w_(1,d,m) = δ_bd δ_am" in _caption("p7b", "D11")   # no LaTeX braces (issue 22)


def test_constants_are_names_not_indices_or_arrays():
    text = _caption("p7a", "D4")
    assert "w_(2,d) is a constant" in text and "∂h_d/∂hⱼ = δ_dj" in text
    assert "b and x are constants" in _caption("bce", "D8")
    assert "x is a constant" in _caption("p2", "D3")


def test_vector_square_is_not_called_the_power_rule_of_scalars():
    assert "∂(wᵀw)/∂w = 2w" in _caption("p2", "A4")
    assert "v^n" not in _caption("p2", "A4")


def test_constant_factor_outside_the_sum_is_named_only_when_there_is_one():
    assert "1/m stays outside" in _caption("bce", "A2")
    assert "stays outside" not in _caption("p1a", "B2")
    assert "stays outside" not in _caption("p7a", "D3")


def test_p4_headings_and_result_label():
    from derivator.render import result_lhs
    d = derivator.derive("p4")
    headings = [h for _, _, h, _ in captioned(d)]
    assert "The gradient of the log-likelihood" in headings
    assert not any("cost" in h or "…" in h for h in headings)
    assert not any("cost" in c or "loss" in c for c in _all_captions("p4"))
    assert not any("Cost" in c or "Loss" in c for c in _all_captions("p4", lang="ko"))
    assert to_text(result_lhs(d)) == "w*"


def test_two_minus_signs_make_a_plus_only_where_there_are_two():
    assert "two minus signs make a plus" in _caption("bce", "B5")
    assert "two minus signs" not in _caption("mse", "B3")         # 2 (y - ŷ) ∂(-ŷ): one sign
    assert "플러스" not in _caption("mse", "B3", lang="ko")


def test_the_square_of_a_vector_is_named_as_such():
    title = next(row[2] for row in _derivation_captions("p2", None, "en")[1] if row[0] == "A4")
    assert title == "quadratic-form rule"


@pytest.mark.parametrize("path", ["ridge_loss.toml", "ridge_map.toml", "logistic_l2_bias.toml"])
def test_a_users_penalty_is_captioned_by_the_quadratic_form_rule(path):
    """λ wᵀw in a user's file: the step that differentiates it is the quadratic form's."""
    d = derivator.derive(f"tests/problem_files/{path}")
    rows = [(title, text) for _, _, _, steps in captioned(d) for _, s, _, title, text in steps
            if s.rule == "power_rule"]
    assert rows and all(title == "quadratic-form rule" and "(u^n)" not in text
                        for title, text in rows), rows
