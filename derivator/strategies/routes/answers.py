"""The routes' derivations as problems the answer checker reads (`check logistic-pm1 …`):
the names a student may use, with their kinds and shapes, in the form of a problem file;
the reference is the route's own result."""
from functools import lru_cache

from ...model.problem import Name, Problem

SPECS = {
    "logistic-pm1": {
        "title": {"en": "Logistic regression with labels in {+1, -1}: ∂/∂w of the negative "
                        "log-likelihood", "ko": "레이블이 {+1, -1}인 로지스틱 회귀: 음의 로그 우도의 ∂/∂w"},
        "statement": "Labels y_i in {+1, -1}, P(y | x) = σ(y wᵀx). Give the gradient of the "
                     "negative log-likelihood Σ_i log(1 + e^(-y_i wᵀx_i)) with respect to w.",
        "names": {
            "X": {"kind": "matrix", "shape": ["N", "D"], "description": "row i is x_iᵀ"},
            "x_i": {"kind": "vector", "shape": ["D"], "sample": "x", "rows_of": "X"},
            "y": {"kind": "vector", "shape": ["N"], "values": [-1, 1]},
            "y_i": {"kind": "scalar", "sample": "y", "rows_of": "y"},
            "w": {"kind": "vector", "shape": ["D"]},
            "N": {"kind": "size", "check": [4]},
            "D": {"kind": "size", "check": [3]},
            "sigma": {"kind": "function"},
        },
        "derive": {"count": "N", "wrt": "w"},     # what a left-hand side may name
    },
    "bce-mle": {
        "title": {"en": "The negative mean log-likelihood of Bernoulli labels: dJ/dw",
                  "ko": "베르누이 레이블의 음의 평균 로그 우도: dJ/dw"},
        "statement": "Labels y_i in {0, 1}, P(y = 1 | x) = h(x) = σ(w x + b), m samples. Give "
                     "dJ/dw for J(w, b) = -(1/m) log Π_i h(x_i)^(y_i) (1 - h(x_i))^(1 - y_i).",
        "names": {
            "x": {"kind": "vector", "shape": ["m"], "description": "the samples (one feature)"},
            "x_i": {"kind": "scalar", "sample": "x", "rows_of": "x"},
            "y": {"kind": "vector", "shape": ["m"], "values": [0, 1]},
            "y_i": {"kind": "scalar", "sample": "y", "rows_of": "y"},
            "w": {"kind": "scalar"},
            "b": {"kind": "scalar"},
            "m": {"kind": "size", "check": [4]},
            "h": {"kind": "function", "of": ["x_i"], "description": "h(x) = σ(w x + b)"},
            "sigma": {"kind": "function"},
        },
        "derive": {"count": "m", "wrt": "w"},
    },
}


class RouteProblem(Problem):
    """A problem whose derivation is a route's (its model is the route's, not a file's)."""

    def model(self):
        """The route's model, less the definition of what is differentiated (J or NLL):
        a student's answer may use the intermediates (h(x_i)), not the cost itself."""
        import dataclasses

        from ... import derive
        model = derive(self.id).model
        return dataclasses.replace(model, definitions=tuple(
            d for d in model.definitions if d.name != model.target.func))

    def sizes(self):
        """The route's own size symbols (plain N, m), so its result's sums write out."""
        import sympy as sp
        return {n: sp.Symbol(n) for n, v in self.names.items() if v.kind == "size"}


@lru_cache(maxsize=None)
def route_problem(name):
    """The checker's problem for a route's derivation, or None."""
    spec = SPECS.get(name)
    if spec is None:
        return None
    names = {n: Name(n, v["kind"], tuple(v.get("shape", ())), tuple(v.get("check", ())),
                     v.get("description", "")) for n, v in spec["names"].items()}
    return RouteProblem(name, name, spec["title"], spec["statement"], "route", names, spec)


def route_problems():
    """{name: problem} for every route's derivation the checker reads."""
    return {name: route_problem(name) for name in SPECS}
