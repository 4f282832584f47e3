"""Kernels for networks of named nodes with weight arrays (problem 7's residual network).

The model declares nodes as functions of an index and a sample, z_n(x) = σ(Σ_c w_{0,n,c} x_c),
and the loss as a sum over samples. Each weight array's gradient is derived by the same
engine as the problem (`∂L/∂w_{1,d,m}` is the problem's own derivation, the other arrays are
derived the same way), and every expression is turned into NumPy over whole arrays:

- a node applied to a sample, h(d, x⁽ⁱ⁾), is the forward pass's activation array H[i, d];
- a sum of products over indices is contracted two arrays at a time, each a matrix product
  `A @ B` (factors with fewer indices are multiplied into a larger array first): the
  matrix products of backpropagation; np.einsum only where no matrix product fits;
- Kronecker deltas collapse the sums they sit in;
- every subexpression is computed once (up to the names of its indices), so the backward
  pass reuses the forward pass's activations and the error terms shared between the
  gradients (the delta rule), instead of one expression per weight entry.
"""
import dataclasses
import itertools

import sympy as sp
from sympy.core.function import AppliedUndef

from .. import DerivatorError
from ..steps.algebra import factors_of, product
from ..model.functions import sigmoid
from .stable import softplus, stable_form


def collapse_deltas(expr):
    """Σ_c δ(c, d) f(c) -> f(d), from the inside out."""
    if not expr.args:
        return expr
    args = [collapse_deltas(a) for a in expr.args]
    expr = expr.func(*args) if any(a is not b for a, b in zip(args, expr.args)) else expr
    if not isinstance(expr, sp.Sum):
        return expr
    body, limits = expr.function, list(expr.limits)
    for limit in list(limits):
        v = limit[0]
        factors = factors_of(body)
        delta = next((f for f in factors if isinstance(f, sp.KroneckerDelta) and v in f.args
                      and f.args[0] != f.args[1]), None)
        if delta is None:
            continue
        other = delta.args[1] if delta.args[0] == v else delta.args[0]
        body = product(*[f for f in factors if f is not delta]).xreplace({v: other})
        limits.remove(limit)
    return sp.Sum(body, *limits) if limits else body


@dataclasses.dataclass
class Network:
    """What the kernel needs to know about the model, read off its definitions."""

    model: object
    nodes: dict          # node function -> its Definition (z, h, g)
    weights: dict        # weight IndexedBase -> tuple of size symbols
    feature_size: object  # the size of a sample's components (D)
    hypothesis: object   # the node the loss compares with y (g)

    @classmethod
    def of(cls, model):
        x, y = model.samples
        nodes = {d.name: d for d in model.definitions
                 if any(isinstance(p, sp.IndexedBase) for p in d.params)}
        ranges = {}                  # (function, argument position) -> size
        for d in model.definitions:
            bound = _bound(d.body)
            for app in d.body.atoms(AppliedUndef):
                for k, arg in enumerate(app.args):
                    if arg in bound:
                        ranges[(app.func, k)] = bound[arg]
        weights, feature = {}, None
        for d in nodes.values():
            scope = {**_bound(d.body), **{p: ranges[(d.name, k)] for k, p in enumerate(d.params)
                                          if (d.name, k) in ranges}}
            for entry in d.body.atoms(sp.Indexed):
                sizes = tuple(scope.get(i) for i in entry.indices)
                if None in sizes:
                    raise DerivatorError(f"{model.name}: cannot tell the size of {entry}")
                if entry.base in d.params:
                    feature = sizes[0]
                elif entry.base not in (x, y):
                    weights[entry.base] = sizes
        if not weights or feature is None:
            raise DerivatorError(f"{model.name} has no weight arrays a kernel could train")
        top = [f for f in nodes if not any(other.body.has(f) for other in nodes.values())]
        return cls(model, nodes, dict(sorted(weights.items(), key=lambda kv: str(kv[0]))),
                   feature, top[0])

    @property
    def sizes(self):
        out = [self.model.sample_count, self.feature_size]
        for shape in self.weights.values():
            out.extend(s for s in shape if s not in out)
        return out

    def gradient(self, weight, own):
        """∂J/∂weight[j_1, ...] derived by the engine (the problem's own derivation for
        its own parameter), as (expression, free indices in the weight's order)."""
        from ..strategies.loss import run_engine
        shape = self.weights[weight]
        if own is not None and own.wrt.base == weight:
            indices = own.wrt.indices
            return own.result, indices
        indices = tuple(sp.Symbol(f"j_{k}", integer=True) for k in range(1, len(shape) + 1))
        wrt = weight[indices]
        model = dataclasses.replace(self.model, params=(wrt,),
                                    free_indices=dict(zip(indices, shape)))
        return run_engine(model, wrt).result, indices


def substitute_loss(net, expr):
    """expr with the loss's own definitions (not the nodes) replaced by their bodies."""
    model = net.model
    for _ in range(len(model.definitions) + 1):
        before = expr
        for d in model.definitions:
            if d.name in net.nodes:
                continue
            expr = expr.replace(lambda e, d=d: isinstance(e, AppliedUndef) and e.func == d.name,
                                lambda e, d=d: d.apply(e.args))
        if expr == before:
            break
    return stable_form(expr)


def _bound(expr):
    return {lim[0]: lim[2] for s in expr.atoms(sp.Sum) for lim in s.limits}


class Emitter:
    """NumPy code for index expressions: each value an array with named axes (index
    symbols), each distinct subexpression one line."""

    def __init__(self, net):
        self.net, self.lines, self.memo = net, [], {}
        x, y = net.model.samples
        self.i = net.model.sample_index
        self.x, self.y = x, y
        self.sample_axes = set()

    # a subexpression's identity, whatever its indices are called
    def _key(self, expr, axes):
        depth = [0]

        def bound(e):
            if isinstance(e, sp.Sum):
                body, limits = e.function, []
                for lim in e.limits:
                    depth[0] += 1
                    s = sp.Symbol(f"_s{depth[0]}", integer=True)
                    body = body.xreplace({lim[0]: s})
                    limits.append((s, *lim[1:]))
                return sp.Sum(bound(body), *limits)
            if not e.args:
                return e
            return e.func(*[bound(a) for a in e.args])
        best = None
        for order in itertools.permutations(axes):
            names = {a: sp.Symbol(f"_f{k}", integer=True) for k, a in enumerate(order)}
            depth[0] = 0
            key = sp.srepr(bound(expr.xreplace(names)))
            if best is None or key < best[0]:
                best = (key, order)
        return best

    def value(self, expr):
        """(variable or literal, axes) of expr."""
        if expr.is_Number:
            return f"({float(expr)!r})", ()
        axes = self._free_axes(expr)
        key, order = self._key(expr, axes)
        if key in self.memo:
            name, positions = self.memo[key]
            return name, tuple(order[k] for k in positions)
        code, got = self._compute(expr)
        if code.isidentifier():             # X, w_0, or a node already computed: no copy
            name = code
            if isinstance(expr, AppliedUndef) and self._name(expr) != f"t{len(self.lines)}":
                name = self._name(expr)     # the activation by its node's name
                self.lines.append(f"{name} = {code}")
        else:
            name = self._name(expr)
            self.lines.append(f"{name} = {code}")
        self.memo[key] = (name, tuple(order.index(a) for a in got))
        return name, got

    def _name(self, expr):
        """Activations by their node's name (z, h, g), the rest t0, t1, ..."""
        taken = {line.split(" = ")[0] for line in self.lines}
        if isinstance(expr, AppliedUndef) and str(expr.func).isidentifier() \
                and str(expr.func) not in taken | {"X", "y", "np", "einsum", "sigmoid"} \
                and sp.Symbol(str(expr.func)) not in self.net.sizes:
            return str(expr.func)
        k = len(self.lines)
        while f"t{k}" in taken:
            k += 1
        return f"t{k}"

    def _free_axes(self, expr):
        free = set()
        for e in sp.preorder_traversal(expr):
            if isinstance(e, sp.Indexed):
                free.update(i for i in e.indices if isinstance(i, sp.Symbol))
            elif isinstance(e, AppliedUndef) and e.func in self.net.nodes:
                free.update(a for a in e.args if isinstance(a, sp.Symbol))
        return tuple(sorted(free & expr.free_symbols, key=str))

    def _compute(self, expr):
        if isinstance(expr, sp.Indexed):
            return self._indexed(expr)
        if expr in self.net.sizes:
            return str(expr), ()
        if isinstance(expr, AppliedUndef) and expr.func in self.net.nodes:
            return self._node(expr)
        if isinstance(expr, sp.Sum):
            return self._sum(expr)
        if isinstance(expr, (sp.Add, sp.Mul)):
            parts = [self.value(a) for a in expr.args]
            axes = _union(a for _, a in parts)
            axes = self._ordered(axes)
            codes = [aligned(v, a, axes) for v, a in parts]
            if isinstance(expr, sp.Mul):
                negative = "(-1.0)" in codes
                codes = [c for c in codes if c != "(-1.0)"]
                return ("-" if negative else "") + " * ".join(codes), axes
            return " + ".join(codes).replace("+ -", "- "), axes
        if isinstance(expr, sp.Pow) and expr.exp.is_Number:
            v, axes = self.value(expr.base)
            return f"{v} ** {float(expr.exp)!r}", axes
        functions = {sigmoid: "sigmoid", sp.exp: "np.exp", sp.log: "np.log",
                     sp.tanh: "np.tanh", softplus: "softplus"}
        if type(expr) in functions:
            v, axes = self.value(expr.args[0])
            return f"{functions[type(expr)]}({v})", axes
        raise DerivatorError(f"{self.net.model.name}: no array form for {expr}")

    def _indexed(self, expr):
        base, indices = expr.base, expr.indices
        if not all(isinstance(k, sp.Symbol) for k in indices) or len(set(indices)) < len(indices):
            raise DerivatorError(f"{self.net.model.name}: no array form for {expr}")
        name = {self.x: "X", self.y: "y"}.get(base, str(base))
        if base in (self.x, self.y):
            self.sample_axes.add(indices[0])
        return name, tuple(indices)

    def _node(self, app):
        """The node's activation: its definition evaluated for all samples at once."""
        d = self.net.nodes[app.func]
        sample = [a.indices[0] for a in app.args if isinstance(a, sp.Indexed)]
        indices = [a for a in app.args if not isinstance(a, sp.Indexed)]
        body = stable_form(d.apply(app.args))
        v, axes = self.value(body)
        want = tuple(sample + indices)
        return aligned(v, axes, want, strict=True), want

    def _merged(self, groups):
        """With more than two arrays to contract, those whose indices are a subset of
        another's are multiplied into it (a broadcast product, not an einsum operand):
        δ_i w_{2,d} σ'_{i,d} becomes one array, so that each contraction left is a matrix
        product. A computed array is preferred to an input (X, a weight) to multiply into;
        each group stays one factor, so δ_i is computed once for every weight."""
        for axes in sorted(groups, key=len):
            supersets = [b for b in groups if axes < b]
            if len(groups) <= 2 or not supersets:
                continue
            plain = {b for b in supersets if isinstance(groups[b], sp.Indexed)}
            target = min(supersets, key=lambda b: (b in plain, len(b)))
            groups[target] = sp.Mul(groups[target], groups.pop(axes), evaluate=False)
        return groups

    def _matmul(self, operands, contracted):
        """Σ_k A_{pk} B_{kq} as A @ B (BLAS; np.einsum is 2-4 times slower), or None."""
        if len(operands) != 2 or len(contracted) != 1 \
                or any(len(axes) > 2 for _, axes in operands):
            return None
        k = contracted[0]
        (a, a_axes), (b, b_axes) = operands
        if k not in a_axes or k not in b_axes:
            return None
        if any(x in self.sample_axes and x != k for x in b_axes):
            (a, a_axes), (b, b_axes) = (b, b_axes), (a, a_axes)   # samples' axis first
        p = tuple(x for x in a_axes if x != k)
        q = tuple(x for x in b_axes if x != k)
        left = a if len(a_axes) == 1 or a_axes == p + (k,) else f"{a}.T"
        right = b if len(b_axes) == 1 or b_axes == (k,) + q else f"{b}.T"
        return f"{left} @ {right}", p + q

    def _reduction(self, operands, contracted):
        """Σ_k A_{pk} as A.sum(axis=...), or None."""
        if len(operands) != 1:
            return None
        code, axes = operands[0]
        if set(contracted) == set(axes):
            return f"{code}.sum()", ()
        where = ", ".join(str(axes.index(v)) for v in contracted)
        return f"{code}.sum(axis=({where},))", tuple(x for x in axes if x not in contracted)

    def _ordered(self, axes):
        """The samples' axis first: rows of X, as NumPy lays them out."""
        return tuple(sorted(axes, key=lambda a: a not in self.sample_axes))

    def _sum(self, expr):
        body = expr.function
        summed = [lim[0] for lim in expr.limits]
        fresh = {v: sp.Dummy(str(v), integer=True) for v in summed}
        body = body.xreplace(fresh)
        summed = [fresh[v] for v in summed]
        groups = {}
        for factor in factors_of(body):
            axes = frozenset(self._free_axes(factor))
            groups.setdefault(axes, []).append(factor)
        scale = product(*groups.pop(frozenset(), []))
        groups = self._merged({axes: sp.Mul(*fs) for axes, fs in groups.items()})
        sizes = dict(zip(summed, expr.limits))
        while len(groups) > 2:
            # contract two arrays over an index only they have: one matrix product
            pair = next(([a for a in groups if v in a] for v in summed
                         if sum(v in a for a in groups) == 2), None)
            if pair is None:
                break
            v = next(v for v in summed if v in pair[0] and v in pair[1])
            summed.remove(v)
            inner = sp.Sum(groups.pop(pair[0]) * groups.pop(pair[1]), (v, *sizes[v][1:]))
            axes = (pair[0] | pair[1]) - {v}
            groups[axes] = inner if axes not in groups else \
                sp.Mul(groups[axes], inner, evaluate=False)
            groups = self._merged(groups)
        operands = [self.value(e) for e in groups.values()]
        all_axes = _union(a for _, a in operands)
        out = self._ordered(a for a in all_axes if a not in summed)
        contracted = [v for v in summed if v in all_axes]
        special = self._matmul(operands, contracted) or self._reduction(operands, contracted)
        if special:
            code, out = special
            for v in summed:
                if v not in all_axes:
                    scale = scale * (sizes[v][2] - sizes[v][1] + 1)
            return (f"{self.value(scale)[0]} * {code}" if scale != 1 else code), out
        letters = {a: chr(ord("a") + k) for k, a in enumerate(all_axes)}
        spec = ",".join("".join(letters[a] for a in axes) for _, axes in operands)
        spec += "->" + "".join(letters[a] for a in out)
        code = f"einsum('{spec}', {', '.join(v for v, _ in operands)})"
        for v in summed:
            if v not in all_axes:           # a sum of terms that do not depend on v
                scale = scale * (sizes[v][2] - sizes[v][1] + 1)
        if scale != 1:
            code = f"{self.value(scale)[0]} * {code}"
        return code, out


def _union(axes_lists):
    out = []
    for axes in axes_lists:
        out.extend(a for a in axes if a not in out)
    return tuple(out)


def aligned(v, axes, target, strict=False):
    """v (with `axes`) transposed and expanded to broadcast against `target`."""
    if strict and set(axes) != set(target):
        raise DerivatorError(f"a node's value has indices {axes}, expected {target}")
    present = [a for a in target if a in axes]
    perm = [axes.index(a) for a in present]
    code = v if perm == sorted(perm) else f"{v}.transpose({', '.join(map(str, perm))})"
    if len(present) < len(target) and axes:
        code += "[" + ", ".join(":" if a in axes else "None" for a in target) + "]"
    return code
