"""The answer grammar: every form in ANSWER_SYNTAX.md, hostile input, and fuzzing."""
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from derivator.answers.parse import AnswerError, Node, parse

# The examples that must parse (ANSWER_SYNTAX.md), each with the tree it must give.
X, w, y, k, B = (Node("name", value=(n, None)) for n in ("X", "w", "y", "k", "B"))


def num(v):
    return Node("num", value=v)


def strip(node):
    """The tree without columns, to compare shapes."""
    return Node(node.kind, tuple(strip(a) for a in node.args), node.value)


def T(a):
    return Node("transpose", (a,))


def mul(a, b):
    return Node("mul", (a, b))


def power(a, b):
    return Node("pow", (a, b))


EXAMPLES = [
    ("2X^T", mul(num(2), T(X))),
    (r"2\mathbf{X}^\top", mul(num(2), T(X))),
    ("3 (X^2)^T", mul(num(3), T(power(X, num(2))))),
    ("k (X^{k-1})^T", mul(k, T(power(X, Node("sub", (k, num(1))))))),
    ("(X + X^T) w", mul(Node("add", (X, T(X))), w)),
    ("X w + X^T w", Node("add", (mul(X, w), mul(T(X), w)))),
    ("B", B),
    (r"\mathbf{B}", B),
    ("(X^T X)^{-1} X^T y", mul(mul(Node("inv", (mul(T(X), X),)), T(X)), y)),
    ("inv(X.T @ X) @ X.T @ y",
     mul(mul(Node("call", (mul(T(X), X),), ("inv", None)), T(X)), y)),
    ("X'", T(X)), ("X^{T}", T(X)), ("X^{\\top}", T(X)),
    ("transpose(X)", Node("call", (X,), ("transpose", None))),
    ("X^-1", Node("inv", (X,))), ("X^{-1}", Node("inv", (X,))),
    (r"\frac{1}{2} X", mul(Node("div", (num(1), num(2))), X)),
    ("1e-3 X", mul(num(0.001), X)),
    (r"2 \cdot X", Node("mul", (num(2), X), "dot")), ("2·X", Node("mul", (num(2), X), "dot")),
    ("2*X", mul(num(2), X)),
    (r"\left( X \right)", X), (r"\Big( X \Big)", X), ("[X]", X),
]


@pytest.mark.parametrize("text,tree", EXAMPLES)
def test_the_documented_forms_parse_to_the_right_tree(text, tree):
    assert strip(parse(text)) == tree


@pytest.mark.parametrize("text", [
    "w - eta (X^T (sigma(X w) - y) + 2 w)",
    r"w_t - \eta \left[ \sum_{i=1}^{N} \left( \sigma(w^T x_i) - y_i \right) x_i + 2w \right]",
    "sum_{i=1}^{N} (f(x_i) - y_i) 2 sigma(w^T x_i) (1 - sigma(w^T x_i)) x_i",
    "sigma(sum_{n=1}^{M} w_{1,d,n} z_n(x_i))", "sum((f(x_i) - y_i) x_i, i=1..N)",
    r"\operatorname{tr}(X)", r"\mathrm{tr}(X^2)", r"\text{tr}(X)", "trace(X)", "e^{-x}",
    r"\exp(x)", r"\ln(x)", "log(x)", r"\sqrt{x}", "sqrt(x)", "f(x_i; w)", "X_{ij}",
])
def test_more_documented_forms_parse(text):
    assert isinstance(parse(text), Node)


def test_a_sum_covers_the_product_up_to_the_next_plus():
    tree = parse(r"\sum_{i=1}^{N} (f(x_i) - y_i) x_i + 2w")
    assert tree.kind == "add" and tree.args[0].kind == "sum"
    assert tree.args[0].args[2].kind == "mul"            # the body: (f - y) x_i


@pytest.mark.parametrize("text,message", [
    ("", "the answer is empty"),
    ("9^9^9^9", "power of a power"),
    ("tr(X^(10^10))", "power inside an exponent"),
    ("X^100", "exponent 100 is too large"),
    ("(" * 3000, "at most 2000"),
    ("(" * 100 + "X" + ")" * 100, "levels of nesting"),
    ("__import__('os').system('ls')", "column 1"),
    ("X.__class__", "column 2"),
    ("lambda: 0", "unexpected character ':'"),
    (r"\input{/etc/passwd}", "unknown LaTeX command \\input"),
    ("a\x00b", "NUL byte"),
    ("a/2 x", "ambiguous"),
    ("(X + w", "unbalanced '(': it is never closed"),
    ("X + w)", "unbalanced ')'"),
    (r"\left( X", "never closed"),
    ("X +", "the answer ends where a value was expected"),
])
def test_hostile_and_broken_answers_get_one_clear_error(text, message):
    with pytest.raises(AnswerError) as err:
        parse(text)
    assert message in str(err.value)
    assert "\n" not in str(err.value)


ALPHABET = st.sampled_from(list("Xwyxikn0123456789+-*/^_(){}[]., '=@·;") +
                           ["\\sum", "\\frac", "\\left(", "\\right)", "\\mathbf", "sigma",
                            "tr", "^T", "^{-1}", "\\top", "sum_{i=1}^{N}"])


@settings(max_examples=400, deadline=None)
@given(st.lists(ALPHABET, max_size=40).map("".join))
def test_fuzz_only_answer_errors_escape_and_parsing_is_fast(text):
    start = time.perf_counter()
    try:
        parse(text)
    except AnswerError:
        pass
    assert time.perf_counter() - start < 0.5


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_fuzz_any_text(text):
    try:
        parse(text)
    except AnswerError:
        pass
