"""A loss as the lecture declares it: named definitions such as z(x) = w x + b."""
from dataclasses import dataclass, field

import sympy as sp

from .algebra import transform


@dataclass(frozen=True)
class Definition:
    """`name(params) = body`; `opaque` intermediates stay unexpanded until substituted."""

    name: sp.FunctionClass
    params: tuple
    body: sp.Expr
    opaque: bool = True

    def head(self):
        return self.name(*self.params)

    def apply(self, args):
        """The body with the parameters replaced by `args` (written order kept)."""
        mapping = dict(zip(self.params, args))
        return transform(self.body, mapping.get)


@dataclass(frozen=True)
class Domain:
    """Where a symbol is sampled when a step is checked numerically."""

    low: float = -2.0
    high: float = 2.0
    integer: bool = False


@dataclass(frozen=True)
class Model:
    """A derivation target: definitions, what to differentiate, and how to sample it."""

    name: str
    title: dict                       # language -> one-line description
    definitions: tuple                # Definition, in the lecture's order
    target: sp.Expr                   # the function application to differentiate, e.g. J(w, b)
    params: tuple                     # the symbols one may differentiate by, e.g. (w, b)
    sample_index: sp.Symbol = None    # i in x^(i), when the target is a sum over samples
    sample_count: sp.Symbol = None    # m
    samples: tuple = ()               # IndexedBase objects: x, y
    domains: dict = field(default_factory=dict)   # Symbol or IndexedBase -> Domain
    vectors: tuple = ()               # symbols that stand for D-vectors (x, w)
    data_matrix: tuple = ()           # (X, y, w) as matrices, for the vectorized form
    notes: dict = field(default_factory=dict)     # language -> note shown under the title
    sample_style: str = "superscript"  # x⁽ⁱ⁾ as in the lecture, or x_i as in the problem set
    statement: str = ""               # a problem's statement, shown above its derivation
    update: dict = None               # gradient descent: {"rate", "current", "next"} symbols

    def definition(self, func):
        for d in self.definitions:
            if d.name == func:
                return d
        return None

    def opaque_applications(self, expr):
        """Applications of opaque intermediates inside expr (h(x), z(x), L(...))."""
        names = {d.name for d in self.definitions if d.opaque}
        return {a for a in expr.atoms(sp.Function) if a.func in names}

    def substitute_definitions(self, expr):
        """expr with every opaque intermediate replaced by its definition, recursively."""
        from .algebra import canonical
        for _ in range(len(self.definitions) + 1):
            before = expr
            for d in self.definitions:
                expr = expr.replace(lambda e, d=d: isinstance(e, sp.Function) and e.func == d.name,
                                    lambda e, d=d: canonical(d.apply(e.args)))
            if expr == before:
                return expr
        return expr

    def generic_sample(self):
        """Map x^(i) -> x and y^(i) -> y: the per-sample view the lecture takes."""
        i = self.sample_index
        return {base[i]: sp.Symbol(str(base.label)) for base in self.samples}
