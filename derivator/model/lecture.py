"""A loss as the lecture declares it: named definitions such as z(x) = w x + b."""
from dataclasses import dataclass, field

import sympy as sp

from ..steps.algebra import transform


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
        """The body with the parameters replaced by `args` (written order kept).

        A vector parameter's components follow its argument: with x := x_i, the component
        x_k becomes x_{i,k}."""
        mapping = dict(zip(self.params, args))
        if not any(isinstance(p, sp.IndexedBase) for p in self.params):
            return transform(self.body, mapping.get)
        return _substitute(self.body, mapping)


def _substitute(expr, mapping):
    def one(e):
        if isinstance(e, sp.Indexed) and e.base in mapping:
            arg = mapping[e.base]
            idx = [_substitute(i, mapping) for i in e.indices]
            if isinstance(arg, sp.Indexed):
                return sp.Indexed(arg.base, *arg.indices, *idx)
            return arg[tuple(idx)]
        return mapping.get(e)
    return _top_down(expr, one)


def _top_down(expr, fn):
    """Rewrite from the root down: `fn(node)` returns a replacement or None to descend."""
    new = fn(expr)
    if new is not None:
        return new
    if not expr.args:
        return expr
    args = [_top_down(a, fn) for a in expr.args]
    if all(a is b for a, b in zip(args, expr.args)):
        return expr
    from ..steps.algebra import rebuild
    return rebuild(expr, args)


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
    component_samples: tuple = ()     # samples used by their components (x_{i,k} in problem 7)
    free_indices: dict = field(default_factory=dict)   # free index -> its size, e.g. j -> D

    def definition(self, func):
        for d in self.definitions:
            if d.name == func:
                return d
        return None

    def substitute_definitions(self, expr):
        """expr with every opaque intermediate replaced by its definition, recursively."""
        from ..steps.algebra import canonical
        for _ in range(len(self.definitions) + 1):
            before = expr
            for d in self.definitions:
                expr = expr.replace(lambda e, d=d: isinstance(e, sp.Function) and e.func == d.name,
                                    lambda e, d=d: canonical(d.apply(e.args)))
            if expr == before:
                return expr
        return expr

    def _generic(self, base):
        label = str(base.label)
        return sp.IndexedBase(label) if label in self.component_samples else sp.Symbol(label)

    def to_one_sample(self, expr):
        """x_i -> x, y_i -> y, and a sample's components x_{i,k} -> x_k."""
        i, bases = self.sample_index, set(self.samples)

        def one(e):
            if isinstance(e, sp.Indexed) and e.base in bases and e.indices[0] == i:
                generic = self._generic(e.base)
                return generic if len(e.indices) == 1 else generic[e.indices[1:]]
            return None
        return transform(expr, one)

    def from_one_sample(self, expr):
        """The inverse of to_one_sample."""
        i = self.sample_index
        by_label = {str(b.label): b for b in self.samples}

        def back(e):
            if isinstance(e, sp.Indexed) and str(e.base.label) in self.component_samples:
                return by_label[str(e.base.label)][(i, *e.indices)]
            if isinstance(e, (sp.Symbol, sp.IndexedBase)) and not isinstance(e, sp.Dummy) \
                    and str(e) in by_label and e == self._generic(by_label[str(e)]):
                return by_label[str(e)][i]
            return None
        return _top_down(expr, back)
