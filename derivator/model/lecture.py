"""A loss as the lecture declares it: named definitions such as z(x) = w x + b."""
from dataclasses import dataclass, field, replace

import sympy as sp

from ..steps.algebra import transform


@dataclass(frozen=True)
class Definition:
    """`name(params) = body`; `opaque` intermediates stay unexpanded until substituted."""

    name: sp.FunctionClass
    params: tuple
    body: sp.Expr
    opaque: bool = True
    reserved: frozenset = frozenset()    # letters the model uses elsewhere (the sample
                                          # index i): never chosen when renaming apart

    def head(self):
        return self.name(*self.params)

    def apply(self, args):
        """The body with the parameters replaced by `args` (written order kept).

        A vector parameter's components follow its argument: with x := x_i, the component
        x_k becomes x_{i,k}. The body's summation letters are renamed apart from the
        arguments' (z(c, x) of a body Σ_c u_{m,c} x_c is Σ_a u_{c,a} x_a, not Σ_c u_{c,c} x_c)."""
        return self._apply(args, rename_bound_apart)

    def apply_hygienic(self, args):
        """apply with every summation letter renamed c -> c@z (z the definition; no file can
        write that name): what the checker substitutes, by a means of its own, so that a step
        whose renaming went wrong cannot agree with it. The names are fixed, not Dummies, so
        the same line expanded twice is the same expression (compared at once)."""
        return self._apply(args, lambda body, avoid, _: rename_bound_apart(
            body, avoid, every=f"@{self.name}"))

    def _apply(self, args, rename):
        mapping = dict(zip(self.params, args))
        avoid = set().union(*(sp.sympify(a).free_symbols for a in args)) if args else set()
        body = rename(self.body, avoid - set(self.params), self.reserved)
        if not any(isinstance(p, sp.IndexedBase) for p in self.params):
            return transform(body, mapping.get)
        return _substitute(body, mapping)


def _names(expr):
    return {str(s) for s in expr.atoms(sp.Symbol, sp.IndexedBase)} | \
        {str(b.label) for b in expr.atoms(sp.IndexedBase)}


def fresh_index(taken, like):
    """A summation letter not in `taken` (names): an unused index letter, else like′."""
    from .problem import INDEX_LETTERS
    for name in [*INDEX_LETTERS.split(), *(str(like) + "'" * k for k in range(1, 9))]:
        if name not in taken:
            return sp.Symbol(name, **like.assumptions0)
    return sp.Dummy(str(like), **like.assumptions0)


def rename_bound_apart(expr, avoid, reserved=frozenset(), every=False):
    """expr with each summation (or product) letter that is in `avoid` renamed to a fresh
    one (with `every`, a suffix, each letter c becomes c + every), so that substituting an argument
    holding that letter cannot be captured by the sum."""
    avoid_names = {str(s) for s in avoid}

    def rename(e):
        if not isinstance(e, (sp.Sum, sp.Product)):
            if not e.args:
                return e
            args = [rename(a) for a in e.args]
            return e if all(a is b for a, b in zip(args, e.args)) else _rebuild(e, args)
        body, limits = e.function, list(e.limits)
        taken = _names(e) | avoid_names | set(reserved)
        for k, (v, lo, hi) in enumerate(limits):
            if not (every or str(v) in avoid_names):
                continue
            new = sp.Symbol(str(v) + every, **v.assumptions0) if every else \
                fresh_index(taken, v)
            taken.add(str(new))
            body = body.xreplace({v: new})
            limits = [(new if j == k else w, a.xreplace({v: new}) if j > k else a,
                       b.xreplace({v: new}) if j > k else b) for j, (w, a, b) in
                      enumerate(limits)]
        return e.func(rename(body), *limits)
    return rename(expr)


def _rebuild(expr, args):
    from ..steps.algebra import rebuild
    return rebuild(expr, args)


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

    def __post_init__(self):
        """Each definition learns the letters the model uses, to rename apart from them."""
        used = set()
        for e in (*(d.body for d in self.definitions), self.target, *self.params,
                  *self.free_indices, self.sample_index):
            if e is not None:
                used |= _names(sp.sympify(e))
        object.__setattr__(self, "definitions", tuple(
            replace(d, reserved=frozenset(used)) for d in self.definitions))

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
                                    lambda e, d=d: canonical(d.apply_hygienic(e.args)))
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
