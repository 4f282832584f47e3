"""bce-mle: where the lecture's BCE cost comes from. Labels y ∈ {0, 1} with
P(y = 1 | x) = ŷ = h(x) = σ(z(x)); the likelihood of i.i.d. samples; its log turns the
product into a sum; the negative mean log-likelihood is the cost J(w, b) of the lecture,
whose gradient follows by the lecture's own route (derivator show bce)."""
import dataclasses

import sympy as sp

from ...steps import rewrites
from ...steps.algebra import product, replace_exact, total
from ..loss import Engine
from ...model.registry import get_model
from . import algebra
from .base import RouteEngine
from .explicit import World

LABELS = (1, 0)
PARAMS = ("w", "b")          # the lecture's parameters: show bce-mle --wrt b
p, P = sp.Function("p"), sp.Function("P")


def _probability(h_of_x, y):
    """The notes' 'ŷ when y = 1, 1 - ŷ when y = 0'."""
    return sp.Piecewise((h_of_x, sp.Eq(y, 1)), (total(1, product(-1, h_of_x)), sp.Eq(y, 0)))


def _parts(lecture):
    """The lecture's h (ŷ) and the definition of its loss L."""
    h = next(d.name for d in lecture.definitions if str(d.name) == "h")
    L = next(d for d in lecture.definitions if str(d.name) == "L")
    return h, L


def model():
    lecture = get_model("bce")
    return dataclasses.replace(
        lecture, name="bce-mle",
        title={"en": "Where BCE comes from: the likelihood of the data, then the gradient of J",
               "ko": "BCE는 어디서 오는가: 데이터의 우도에서 J의 기울기까지"},
        notes={"en": "Labels y ∈ {0, 1}; ŷ = P(y = 1 | x) is the lecture's h(x) = σ(z(x)), "
                     "z(x) = w x + b; m samples, as in the lecture.",
               "ko": "레이블 y ∈ {0, 1}; ŷ = P(y = 1 | x)는 강의의 h(x) = σ(z(x)), "
                     "z(x) = w x + b이다; 샘플은 강의처럼 m개."})


def world(lecture):
    h, L = _parts(lecture)
    x, y, i = (sp.Symbol(n) for n in "xyi")
    X, Y = lecture.samples
    functions = {d.name: sp.Lambda(d.params, d.body) for d in lecture.definitions}
    functions[p] = sp.Lambda((y, x), _probability(h(x), y))
    functions[P] = sp.Lambda(tuple(lecture.params),
                             sp.Product(p(Y[i], X[i]), (i, 1, lecture.sample_count)))
    return World(functions=functions, labels={y: LABELS},
                 sizes=({lecture.sample_count: 3}, {lecture.sample_count: 4}))


def derive(wrt="w"):
    lecture = model()
    h, L = _parts(lecture)
    x, y = sp.Symbol("x"), sp.Symbol("y")
    X, Y = lecture.samples
    i, m = lecture.sample_index, lecture.sample_count
    w = next(v for v in lecture.params if str(v) == wrt)
    engine = RouteEngine(lecture, w)
    emit, rewrite = engine.emit, engine.rewrite
    one = p(y, x)
    cases = emit("likelihood", one, _probability(h(x), y), "label_cases", label=y, note="")
    per_sample = rewrite("likelihood", one, cases, "one_formula", algebra.one_formula, y,
                         label=y, values="0, 1")
    likelihood = P(*lecture.params)
    emit("likelihood", likelihood, sp.Product(p(Y[i], X[i]), (i, 1, m)), "iid_likelihood")
    data = emit("likelihood", likelihood,
                sp.Product(replace_exact(per_sample, {y: Y[i], x: X[i]}), (i, 1, m)),
                "substitute", what=p(y, x))
    cost = lecture.target
    emit("likelihood", cost, product(-1, sp.Pow(m, -1), sp.log(likelihood, evaluate=False)),
         "negative_mean", likelihood=likelihood, count=m)
    emit("likelihood", cost, product(-1, sp.Pow(m, -1), sp.log(data, evaluate=False)),
         "substitute", what=likelihood)
    expr = emit("likelihood", cost, product(-1, sp.Pow(m, -1), rewrites.log_of_product(
        sp.log(data, evaluate=False))), "log_of_product")
    expr = rewrite("likelihood", cost, expr, "log_powers", algebra.log_of_powers)
    expr = rewrite("likelihood", cost, expr, "sign_into_sum", algebra.negate_into)
    rewrite("likelihood", cost, expr, "fold_definition", algebra.fold_definition, L,
            name=L.name)
    # the gradient: the lecture's own route, from J's definition
    lecture_route = Engine(lecture, w).run()
    engine.steps.extend(lecture_route.steps)
    return engine.derivation("bce-mle", lecture_route.result, world(lecture))
