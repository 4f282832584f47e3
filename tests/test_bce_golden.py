"""`show bce` against the lecture (../shared/reference/bce_lecture_chain.md), line by line.

Every line is transcribed here by hand as a SymPy expression, without the engine, and
compared by form (see forms.py): same lines, same order, same grouping."""
import pytest
import sympy as sp
from sympy import Add, Derivative, Mul, Pow, Sum, exp, log

import derivator
from forms import form

x, y, w, b, m, i = sp.symbols("x y w b m i")
X, Y = sp.IndexedBase("x"), sp.IndexedBase("y")
h, z, L, J, sigmoid = (sp.Function(n) for n in ("h", "z", "L", "J", "sigmoid"))


def D(e, v):
    return Derivative(e, v, evaluate=False)


def lecture(v):
    """(label, rule, lhs, rhs) for ∂/∂v, v in {w, b}: sections A–F of the lecture."""
    g = 1 + exp(-x)
    dz = {w: x, b: sp.Integer(1)}[v]
    other = {w: b, b: w}[v]
    bracket = -y * (1 / h(x)) + (1 - y) * (1 / (1 - h(x)))
    dL, dJ, dh, ds = D(L(y, h(x)), v), D(J(w, b), v), D(h(x), v), D(sigmoid(x), x)
    return [
        ("A1", "definition", dJ, D(1 / m * Sum(L(Y[i], h(X[i])), (i, 1, m)), v)),
        ("A2", "into_sum", dJ, 1 / m * Sum(D(L(Y[i], h(X[i])), v), (i, 1, m))),
        ("B1", "definition", dL, D(-y * log(h(x)) - (1 - y) * log(1 - h(x)), v)),
        ("B2", "sum_rule", dL, -D(y * log(h(x)), v) - D((1 - y) * log(1 - h(x)), v)),
        ("B3", "constant_factor", dL, -y * D(log(h(x)), v) - (1 - y) * D(log(1 - h(x)), v)),
        ("B4", "log_rule", dL, -y * (1 / h(x)) * D(h(x), v)
         - (1 - y) * (1 / (1 - h(x))) * D(-h(x), v)),
        ("B5", "sign", dL, -y * (1 / h(x)) * D(h(x), v) + (1 - y) * (1 / (1 - h(x))) * D(h(x), v)),
        ("B6", "factor_out", dL, bracket * D(h(x), v)),
        ("C1", "definition", ds, D(1 / g, x)),
        ("C2", "quotient_rule", ds, -D(g, x) / g**2),
        ("C3", "exponential_rule", ds, exp(-x) / g**2),
        ("C4", "add_and_subtract", ds,
         Mul(Add(1, exp(-x), -1, evaluate=False), Pow(g, -2), evaluate=False)),
        ("C5", "split_fraction", ds, Add(Mul(g, Pow(g, -2), evaluate=False), -Pow(g, -2),
                                         evaluate=False)),
        ("C6", "cancel", ds, Add(1 / g, -Pow(Pow(g, -1, evaluate=False), 2, evaluate=False),
                                 evaluate=False)),
        ("C7", "recognise", ds, sigmoid(x) - sigmoid(x) ** 2),
        ("C8", "factor", ds, sigmoid(x) * (1 - sigmoid(x))),
        ("D1", "chain_rule", dh, sigmoid(z(x)) * (1 - sigmoid(z(x))) * D(z(x), v)),
        ("D2", "name_again", dh, h(x) * (1 - h(x)) * D(z(x), v)),
        ("D3", "substitute", dL, bracket * h(x) * (1 - h(x)) * D(z(x), v)),
        ("D4", "cancel", dL, (-y * (1 - h(x)) + (1 - y) * h(x)) * D(z(x), v)),
        ("D5", "expand", dL,
         Mul(Add(-y, y * h(x), h(x), -y * h(x), evaluate=False), D(z(x), v), evaluate=False)),
        ("D6", "collect", dL, (h(x) - y) * D(z(x), v)),
        ("D7", "substitute_definition", dL, (h(x) - y) * D(w * x + b, v)),
        ("D8", "linear", dL, (h(x) - y) * dz),
        ("F1", "substitute_sample", dJ, 1 / m * Sum((h(X[i]) - Y[i]) * dz.subs(x, X[i]),
                                                     (i, 1, m))),
        ("F2", "likewise", D(J(w, b), other),
         1 / m * Sum((h(X[i]) - Y[i]) * {w: sp.Integer(1), b: X[i]}[v], (i, 1, m))),
    ]


@pytest.mark.parametrize("wrt", ["w", "b"])
def test_show_bce_reads_like_the_lecture(wrt):
    v = sp.Symbol(wrt)
    d = derivator.derive("bce", wrt)
    expected = lecture(v)
    assert len(d.steps) == len(expected)
    from derivator.render import numbered
    labels = [label for _, _, rows in numbered(d) for label, _, _ in rows]
    for (label, rule, lhs, rhs), step, got_label in zip(expected, d.steps, labels):
        assert got_label == label
        assert step.rule == rule, label
        assert form(step.lhs) == form(lhs), label
        assert form(step.expr) == form(rhs), f"{label}: {step.expr} is not {rhs}"


def test_result_is_the_lectures_f1():
    d = derivator.derive("bce", "w")
    assert form(d.result) == form(1 / m * Sum((h(X[i]) - Y[i]) * X[i], (i, 1, m)))


def test_the_sum_runs_from_one_to_m():
    """The slides write Σ_{i=0}^{m} (m + 1 terms); the mean over m samples starts at 1."""
    d = derivator.derive("bce", "w")
    sums = [s for step in d.steps for s in sp.preorder_traversal(step.expr)
            if isinstance(s, sp.Sum)]
    assert sums and all(s.limits[0][1:] == (1, m) for s in sums)
