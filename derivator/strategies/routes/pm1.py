"""logistic-pm1: logistic regression by maximum likelihood with labels in {+1, -1}
(../shared/reference/notes_logistic_regression_pm1_labels.md), and its link to BCE.

    p(y | x) = σ(wᵀx) if y = 1, 1 - σ(wᵀx) if y = -1, that is σ(y wᵀx)
    -log Π_i p(y_i | x_i) = Σ_i log(1 + e^(-y_i wᵀx_i))
    ∂/∂w = -Σ_i y_i σ(-y_i wᵀx_i) x_i
    with y' = (1 + y)/2 ∈ {0, 1}: the BCE of y' is the same loss, with the same gradient.
"""
import sympy as sp

from ...steps import rewrites
from ...steps.algebra import product, replace_exact, tidy, total
from ...model.functions import inner, sigmoid
from ...model.lecture import Definition, Domain, Model
from ...steps.rules import RULES, D
from . import algebra
from .base import RouteEngine, note
from .explicit import World

LABELS = (1, -1)
w, x, y, N, Dim = sp.symbols("w x y N D")
yp = sp.Symbol("y'")
i = sp.Symbol("i")
X, Y, YP = sp.IndexedBase("x"), sp.IndexedBase("y"), sp.IndexedBase("y'")
p, P, NLL, BCE, J = (sp.Function(n) for n in ("p", "P", "NLL", "BCE", "J"))


def _probability():
    """p(y | x): the notes' 'ŷ when y = +1, 1 - ŷ when y = -1', ŷ = σ(wᵀx)."""
    s = sigmoid(inner(w, x))
    return sp.Piecewise((s, sp.Eq(y, 1)), (total(1, product(-1, s)), sp.Eq(y, -1)))


def _bce(a):
    s = sigmoid(inner(w, x))
    return total(product(-1, a, sp.log(s)),
                 product(-1, total(1, product(-1, a)), sp.log(total(1, product(-1, s)))))


def _relabelled(label):
    """y' = (1 + y)/2, written as one would: 1/2 (1 + y)."""
    return sp.Mul(sp.Rational(1, 2), total(1, label), evaluate=False)


def world():
    return World(
        functions={p: sp.Lambda((y, x), _probability()),
                   P: sp.Lambda((w,), sp.Product(p(Y[i], X[i]), (i, 1, N))),
                   NLL: sp.Lambda((w,), -sp.log(P(w))),
                   BCE: sp.Lambda((yp, x), _bce(yp)),
                   J: sp.Lambda((w,), sp.Sum(BCE(YP[i], X[i]), (i, 1, N)))},
        names={yp: (1 + y) / 2, YP: sp.Lambda(i, (1 + Y[i]) / 2)},
        vectors={w: Dim, x: Dim, X: Dim},
        labels={y: LABELS},
        sizes=({N: 4, Dim: 3}, {N: 5, Dim: 2}))


def model():
    return Model(
        name="logistic-pm1",
        title={"en": "Logistic regression with labels in {+1, -1}: the loss by maximum "
                     "likelihood, its gradient, and the link to BCE",
               "ko": "레이블이 {+1, -1}인 로지스틱 회귀: 최대 우도로 얻는 손실, 기울기, BCE와의 관계"},
        definitions=(Definition(NLL, (w,), -sp.log(P(w)), opaque=False),),
        target=NLL(w), params=(w,), sample_index=i, sample_count=N, samples=(X, Y),
        domains={Y: Domain(-1, 1, integer=True)},          # the labels: -1 or +1
        sample_style="subscript",
        notes={"en": "The handwritten notes are partly garbled (OCR); where they are, the "
                     "steps follow the mathematics and say so. x_i ∈ ℝ^D, y_i ∈ {+1, -1}, "
                     "N samples; no bias (the notes drop it after z = wx + b).",
               "ko": "손글씨 노트는 일부가 (OCR로) 깨져 있다. 그런 곳은 수학을 따르고 그 단계에 "
                     "적어 둔다. x_i ∈ ℝ^D, y_i ∈ {+1, -1}, 샘플 N개; 편향 b는 없다 (노트도 "
                     "z = wx + b 이후 b를 쓰지 않는다)."})


def derive():
    engine = RouteEngine(model(), w)
    emit, rewrite = engine.emit, engine.rewrite
    # --- the likelihood --------------------------------------------------------------
    one = p(y, x)
    cases = emit("likelihood", one, _probability(), "label_cases", label=y,
                 note=note(" The notes' garbled lines read: ŷ when y = +1, 1 - ŷ when y = -1, "
                           "with ŷ = σ(wᵀx) the probability of the class +1.",
                           " 노트의 깨진 줄은 이렇게 읽힌다: y = +1이면 ŷ, y = -1이면 1 - ŷ. "
                           "ŷ = σ(wᵀx)는 클래스 +1의 확률이다."))
    cases = rewrite("likelihood", one, cases, "sigmoid_symmetry", algebra.sigmoid_symmetry)
    per_sample = rewrite("likelihood", one, cases, "one_formula", algebra.one_formula, y,
                         label=y, values="+1, -1")
    emit("likelihood", P(w), sp.Product(p(Y[i], X[i]), (i, 1, N)), "iid_likelihood")
    at_sample = replace_exact(per_sample, {y: Y[i], x: X[i]})
    likelihood = emit("likelihood", P(w), sp.Product(at_sample, (i, 1, N)), "substitute",
                      what=p(y, x))
    lhs = NLL(w)
    emit("likelihood", lhs, product(-1, sp.log(P(w), evaluate=False)),
         "negative_log_likelihood", likelihood=P(w))
    emit("likelihood", lhs, product(-1, sp.log(likelihood, evaluate=False)), "substitute",
         what=P(w))
    expr = emit("likelihood", lhs, product(-1, rewrites.log_of_product(
        sp.log(likelihood, evaluate=False))), "log_of_product")
    expr = rewrite("likelihood", lhs, expr, "sign_into_sum", algebra.negate_into)
    loss = rewrite("likelihood", lhs, expr, "minus_log_sigmoid", algebra.minus_log_sigmoid)
    # --- the gradient ------------------------------------------------------------------
    grad = D(lhs, w)
    expr = emit("nll_gradient", grad, D(loss, w), "definition", name=lhs)
    expr = engine.apply_rules(expr, grad, "nll_gradient", engine.context(w), RULES)
    expr = rewrite("nll_gradient", grad, expr, "recognise_sigmoid", algebra.recognise_sigmoid)
    done = rewrites.constant_out_of_sum(expr)
    gradient = emit("nll_gradient", grad, done[0], "constant_out_of_sum", **done[1]) if done \
        else expr
    # --- the link to BCE ---------------------------------------------------------------
    bce = BCE(yp, x)
    expr = emit("link", bce, _bce(yp), "bce_of_labels", name=bce, note=note(
        " The notes write the log-likelihood as y log ŷ + (1 - y) log(1 - ŷ), the form for "
        "labels in {0, 1}, while their labels are ±1: it holds for y' = (1 + y)/2, as shown "
        "here.",
        " 노트는 레이블이 ±1인데도 로그 우도를 {0, 1} 레이블의 꼴 y log ŷ + (1 - y) log(1 - ŷ)로 "
        "썼다: 이 식은 y' = (1 + y)/2에 대해 성립하며, 여기서 그것을 보인다."))
    expr = emit("link", bce, replace_exact(expr, {yp: _relabelled(y)}), "relabel",
                new=yp, old=y)
    expr = rewrite("link", bce, expr, "label_cases", algebra.cases, y, LABELS, label=y,
                   note="")
    expr = rewrite("link", bce, expr, "sigmoid_symmetry", algebra.sigmoid_symmetry)
    expr = rewrite("link", bce, expr, "one_formula", algebra.one_formula, y,
                   label=y, values="+1, -1")
    rewrite("link", bce, expr, "minus_log_sigmoid", algebra.minus_log_sigmoid)
    total_bce = D(J(w), w)
    emit("link", total_bce, D(sp.Sum(BCE(YP[i], X[i]), (i, 1, N)), w), "definition", name=J(w))
    lecture = sp.Sum(product(total(sigmoid(inner(w, X[i])), product(-1, YP[i])), X[i]),
                     (i, 1, N))
    expr = emit("link", total_bce, lecture, "lecture_gradient")
    expr = emit("link", total_bce, tidy(replace_exact(expr, {YP[i]: _relabelled(Y[i])})),
                "relabel", new=YP[i], old=Y[i])
    expr = rewrite("link", total_bce, expr, "label_cases",
                   algebra.within_sums(algebra.cases), Y[i], LABELS, label=Y[i], note="")
    expr = rewrite("link", total_bce, expr, "sigmoid_symmetry",
                   algebra.within_sums(lambda e: algebra.sigmoid_symmetry(e)))
    expr = rewrite("link", total_bce, expr, "one_formula", algebra.within_sums(
        lambda e: algebra.one_formula(e, Y[i])), label=Y[i], values="+1, -1")
    done = rewrites.constant_out_of_sum(expr)
    if done:
        expr = emit("link", total_bce, done[0], "constant_out_of_sum", **done[1])
    emit("link", total_bce, grad, "same_gradient", gradient=grad)
    return engine.derivation("logistic-pm1", gradient, world(), result_lhs=grad)
