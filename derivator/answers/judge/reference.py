"""The right answer as numbers: a problem's random points (the values every name takes, at
two sizes, matrices never symmetric) and the derivation's own result evaluated at them.

The right answer is never typed in: it is the derivation's own result, evaluated with
the same random values as the student's answer.
"""
import types
import zlib
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import sympy as sp

from .evaluate import EvaluationError, describe, shape_of

POINTS_PER_SIZE = 3


def label_values(declared):
    """The values a name declared with `values`, or as whole numbers in a domain, takes:
    `values = [-1, 1]`, or `domain = [-1, 1]` with `integer = true`, which means ±1 as the
    problem-file format says (never 0); other integer domains, every whole number in them.
    None for a real-valued name."""
    if declared.get("values"):
        return [float(v) for v in declared["values"]]
    if not declared.get("integer") or "domain" not in declared:
        return None
    lo, hi = (int(v) for v in declared["domain"])
    return [-1.0, 1.0] if (lo, hi) == (-1, 1) else [float(v) for v in range(lo, hi + 1)]


@dataclass
class Point:
    """One random assignment: the values a student's names take, and the sizes."""
    sizes: dict
    values: dict
    samples: dict
    functions: dict
    symmetric: bool = False


def _weights_declared(problem):
    """The checker gives every weight array random values of its declared shape: an
    `indexed` array with no entry declared (`weight` and `array`) has none to give."""
    declared = {v.get("weight") or v.get("node")
                for v in problem.data.get("names", {}).values() if "array" in v}
    missing = [n for n in problem.data.get("derive", {}).get("indexed", ())
               if n not in declared and n not in problem.names]
    if missing:
        name = missing[0]
        raise NotImplementedError(
            f"the shape of the weight array {name} is not declared; add to [names] e.g. "
            f'"{name}_{{m,d}}" = {{ kind = "scalar", weight = "{name}", array = ["M", "D"] }} '
            "(its entries' index names and sizes)")


class Task:
    """What a problem asks for, as numbers: the reference and its variants."""

    def __init__(self, problem):
        import derivator
        self.problem = problem
        _weights_declared(problem)
        self.derivation = derivator.derive(problem.id)
        self._values = {}
        self.quantity, self.variants = self._reference()

    def _reference(self):
        """The expression a correct answer equals, and named wrong ones to recognise."""
        d, p = self.derivation, self.problem
        variants = []
        if p.strategy in ("index", "index_power", "likelihood", "route"):
            return d.result, variants
        if p.strategy == "loss" and p.data["derive"].get("free"):
            return d.result, variants          # ∂L/∂h_j, ∂L/∂w_{1,d,m}: one entry per index
        if p.strategy == "loss" and p.data.get("update"):
            update = next(s.expr for s in d.steps if s.rule == "substitute"
                          and s.section == "update")
            gradient = next((s.expr for s in d.steps if s.rule == "vectorize"), None)
            if isinstance(update, sp.MatrixExpr) and gradient is not None:
                variants.append(("this is the gradient ∂L/∂w; the problem asks for the update "
                                 "rule w_{t+1} = w_t - η ∂L/∂w", gradient))
                terms = gradient.args if isinstance(gradient, sp.MatAdd) else ()
                now, rate = update.args[0], p.model().update["rate"]
                for t in terms:
                    rest = sp.MatAdd(*[u for u in terms if u is not t])
                    variants.append((f"missing the term {_text(t)} of the gradient (the "
                                     "regularisation)" if t.has(p.model().data_matrix[2])
                                     and not t.has(p.model().data_matrix[0]) else
                                     f"missing the term {_text(t)} of the gradient",
                                     sp.MatAdd(now, sp.MatMul(-1, rate, rest))))
                for label, (_, rest) in zip([v[0] for v in variants[1:]], _without(terms)):
                    variants.append(((variants[0][0], label), rest))   # two mistakes at once
                return update, variants
            variants.append(("this is the gradient ∂L/∂w; the problem asks for the update rule "
                             "w_{t+1} = w_t - η ∂L/∂w", d.sum_form() or d.result))
            return update, variants
        if p.strategy == "loss":               # a loss file without an update: its gradient
            return d.result, variants
        raise NotImplementedError(p.id)

    def points(self, seed=0, variant=0):
        rng = np.random.default_rng(seed if not variant else [seed, variant])
        settings = _size_settings(self.problem, variant)
        out = []
        naturals = [n for n, v in self.problem.names.items() if v.kind == "natural"]
        for sizes in settings:
            if naturals:                # every k the file lists (1..6), at every size
                for value in self.problem.names[naturals[0]].check:
                    point = _point(self.problem, sizes, rng)
                    point.values[naturals[0]] = float(value)
                    out.append(point)
                continue
            for _ in range(POINTS_PER_SIZE):
                out.append(_point(self.problem, sizes, rng))
        if any(v.kind == "matrix" and v.shape[0] == v.shape[-1]
               for v in self.problem.names.values()):
            out.append(_point(self.problem, settings[0], rng, symmetric=True))
        return out

    def value(self, expr, point):
        key = (id(expr), id(point))          # notes ask for the same values again
        kept = self._values.get(key)
        if kept is None or kept[0] is not expr or kept[1] is not point:
            # the expression and point are kept with their value: an id is only unique
            # while its object lives, and a freed expression's id is soon reused
            kept = self._values[key] = (expr, point, _numeric(expr, self.problem, point))
        return kept[2]


def _without(terms):
    """(term, the sum of the other terms) for each term of a gradient."""
    return [(t, sp.MatAdd(*[u for u in terms if u is not t])) for t in terms]


VARIANTS = 4      # how many draws of the sizes a problem's checks are spread over


@lru_cache(maxsize=None)
def _task(problem_id, seed, variant=0):
    """A problem's task and its random points, made once: every check of that problem
    with the same seed and variant sees the same points, so the reference is computed
    once per draw."""
    task = _problem_task(problem_id)
    return task, task.points(seed, variant)


@lru_cache(maxsize=None)
def _problem_task(problem_id):
    from ...model.problemset import problem
    return Task(problem(problem_id))


def variant_of(answer):
    """The draw of sizes an answer is checked at: it follows the answer's text, so that
    the same answer always gets the same verdict (a resumed run equals a clean one), and
    different answers are checked at different sizes."""
    return zlib.crc32(answer.encode("utf-8", "replace")) % VARIANTS


def _text(expr):
    from ...render.printing import to_text
    return to_text(expr)


SMALL_SIZES = (2, 3, 4)      # the check's other sizes are drawn from these,
LARGE_SIZES = (5, 6, 7)      # and one size of the last setting from these


def _size_settings(problem, variant=0):
    """Three settings of the sizes: the problem's first stated ones (small, so that a
    counterexample is easy to read), then two drawn at random, different from them, the
    last with one size of 5 or more. A coefficient that is 0 only at the stated sizes
    ((D-2)(D-3) X) is then seen. The sizes keep the stated ones' order (N ≥ D stays so:
    XᵀX stays invertible). `variant` (drawn from the answer) changes the draw from one
    check to the next."""
    sizes = problem.sizes()
    if not sizes:
        return [{}]
    firsts = {n: int(problem.names[n].check[0]) for n in sorted(sizes)}
    stated = {int(c) for n in sizes for c in problem.names[n].check}
    rng = np.random.default_rng([variant, zlib.crc32(problem.id.encode())])
    large = [v for v in LARGE_SIZES if v not in stated] or list(LARGE_SIZES)

    def draw(one_large):
        names = sorted(firsts, key=lambda n: (firsts[n], rng.random()))
        values = sorted(int(v) for v in rng.choice(SMALL_SIZES, size=len(names)))
        if one_large:
            values[-1] = int(rng.choice(large))
        return {n: values[names.index(n)] for n in firsts}

    # every size changes (a 1/N is then not a constant factor), to one not stated if it can
    tries = [draw(False) for _ in range(100)]
    changed = [m for m in tries if all(m[n] != firsts[n] for n in firsts)] or \
        [m for m in tries if m != firsts] or tries
    middle = next((m for m in changed if not set(m.values()) <= stated), changed[0])
    return [firsts, middle, draw(True)]


def _point(problem, sizes, rng, symmetric=False, scale=1.0):
    """One random point; `scale` multiplies every real-valued array (labels stay), so
    that a check can look at values of other magnitudes."""
    values, samples = {}, {}
    for name, v in problem.names.items():
        if v.kind in ("matrix", "vector") and "sample" not in problem.data["names"][name] \
                and "alias_of" not in problem.data["names"][name]:
            shape = tuple(sizes[d] for d in v.shape) + ((1,) if v.kind == "vector" else ())
            value = rng.normal(size=shape) * scale
            labels = label_values(problem.data["names"][name])
            if labels:                  # labels from their own set: {-1, 1} never gives 0
                value = rng.choice(labels, size=shape).astype(float)
            if symmetric and v.kind == "matrix" and shape[0] == shape[1]:
                value = (value + value.T) / 2
            values[name] = value
        elif v.kind in ("scalar",) and not {"sample", "weight", "node"} & set(
                problem.data["names"][name]):
            lo, hi = problem.data["names"][name].get("domain", [-2, 2])
            values[name] = float(rng.uniform(lo, hi))
        elif v.kind == "natural":
            values[name] = float(rng.choice([int(c) for c in v.check]))
    for name, v in problem.data["names"].items():
        if "alias_of" in v:
            values[name] = values[v["alias_of"]]
        whole = v.get("weight") or v.get("node")
        if whole and "array" in v and whole not in values:       # w_{1,d,m}: entries of w_1
            values[whole] = rng.normal(size=tuple(sizes[d] for d in v["array"])) * scale
    for name, v in problem.data["names"].items():
        if "sample" not in v:
            continue
        if v.get("rows_of") in values:                            # x_i is row i of X
            data = values[v["rows_of"]]
            samples[v["sample"]] = [row.reshape(-1, 1) for row in data] \
                if v["kind"] == "vector" else [float(e) for e in np.ravel(data)]
            continue
        count = sizes[problem.data["derive"]["count"]]
        if v["kind"] == "vector":
            samples[v["sample"]] = [rng.normal(size=(sizes[v["shape"][0]], 1)) * scale
                                    for _ in range(count)]
        else:
            lo, hi = v.get("domain", [-2, 2])
            labels = label_values(v)
            samples[v["sample"]] = [float(rng.choice(labels)) if labels
                                    else float(rng.uniform(lo, hi)) for _ in range(count)]
    for size, value in sizes.items():
        values[size] = float(value)
    functions = _compiled_definitions(problem, values, sizes)
    for name, (f, needs_arguments) in list(functions.items()):
        if not needs_arguments:          # g of 7a, given the nodes h_d: it is a number
            values.setdefault(name, f())
    functions = {name: f for name, (f, _) in functions.items()}
    return Point(sizes, values, samples, functions, symmetric)


def _compiled_definitions(problem, values, sizes):
    """The problem's own intermediates (f, g, h_k, z_m) as numeric functions of this
    point's values: {name: (function, needs arguments)}. Each definition is compiled once
    per process (`_definitions`); here it is only bound to the point's numbers, and what
    it returns is remembered, since an answer asks for g(x_i) again and again."""
    if problem.strategy not in ("loss", "likelihood", "route"):
        return {}
    namespace = _numbers_namespace(values, {}, sizes, problem)
    compiled = {}
    for name, (code, needs_arguments, arity) in _definitions(problem.id).items():
        f = _remembered(code.bind(namespace))
        namespace[name] = f
        compiled[name] = (f, True) if needs_arguments else \
            ((lambda f_, n: lambda *a: f_(*([None] * n)))(f, arity), False)
    return compiled


@lru_cache(maxsize=None)
def _definitions(problem_id):
    """{name: (Compiled, needs arguments, arity)} for the opaque definitions of a
    problem, compiled once: sums stay loops and sizes stay names, so one compiled body
    serves every size and every point."""
    from ...model.problemset import problem as find
    problem = find(problem_id)
    out = {}
    for d in problem.model().definitions:
        if not d.opaque:
            continue
        args = [sp.Symbol(str(p.label)) if isinstance(p, sp.IndexedBase) else p
                for p in d.params]
        body = d.body.replace(
            lambda e: isinstance(e, sp.Indexed) and e.base in d.params,
            lambda e: sp.Function("component")(sp.Symbol(str(e.base.label)), *e.indices))
        body = _as_lookups(body)
        out[str(d.name)] = (Compiled(body, args), any(body.has(a) for a in args), len(args))
    return out


class Compiled:
    """A SymPy expression turned into Python code once. Its other names (sizes, the
    point's arrays, the problem's intermediates) are globals, given when it is bound to
    a point, so the same code serves every point."""

    def __init__(self, expr, args=(), modules="math"):
        from ...model.functions import numpy_namespace
        self.function = sp.lambdify(list(args), expr, modules=[numpy_namespace(), modules])

    def bind(self, namespace):
        import keyword
        f = self.function
        # lambdify writes a name that is a Python keyword with a trailing _: lambda_
        renamed = {f"{n}_": v for n, v in namespace.items() if keyword.iskeyword(n)}
        return types.FunctionType(f.__code__, {**f.__globals__, **namespace, **renamed},
                                  f.__name__)


def _sigmoid(t):
    e = np.exp(-np.abs(t))
    return np.where(t >= 0, 1.0, e) / (1.0 + e) if np.ndim(t) else \
        (1.0 if t >= 0 else float(e)) / (1.0 + float(e))


def _remembered(f):
    """f, remembering its results by argument (arrays by shape and bytes)."""
    seen = {}

    def call(*args):
        key = tuple((a.shape, a.tobytes()) if isinstance(a, np.ndarray) else a for a in args)
        if key not in seen:
            seen[key] = f(*args)
        return seen[key]
    return call


def _as_lookups(expr):
    """x[i, k] and w_1[d, a] as calls at_x(i, k), at_w_1(d, a): 1-based lookups into the
    point's arrays and samples, given when the code is bound."""
    return expr.replace(lambda e: isinstance(e, sp.Indexed),
                        lambda e: sp.Function(f"at_{e.base.label}")(*e.indices))


def _numbers_namespace(values, samples, sizes, problem):
    """The names compiled code looks up, for one point: sizes and natural numbers as
    integers (sum bounds), vectors flat, arrays and samples as 1-based lookups."""
    namespace = {"inner": lambda a, b: float(np.ravel(a) @ np.ravel(b)),
                 "component": lambda x, k: float(np.ravel(x)[int(k) - 1])}
    for name, value in values.items():
        if not name.isidentifier() or callable(value):
            continue
        if np.ndim(value) == 2 and np.shape(value)[1] == 1:
            namespace[name] = np.ravel(value)
            namespace[f"at_{name}"] = _lookup(name, values, {})
        elif np.ndim(value) in (1, 2):
            namespace[f"at_{name}"] = _lookup(name, values, {})
        else:
            namespace[name] = value
    for label in samples:
        namespace[f"at_{label}"] = _lookup(label, values, samples)
    for name, value in sizes.items():
        namespace[name] = int(value)
    for name, v in problem.names.items():
        if v.kind == "natural" and name in values:
            namespace[name] = int(values[name])
    return namespace


def _free_indices(problem):
    """{index: size name} for answers with free indices (h_j; d and m of w_{1,d,m})."""
    return problem.data.get("derive", {}).get("free", {}) if problem.strategy == "loss" else {}


def _over_free(evaluator, tree, free, point):
    """The answer for every value of its free indices: a vector or a matrix of entries."""
    if not free:
        return evaluator(tree)
    import itertools
    names = list(free)
    ranges = [range(1, point.sizes[free[n]] + 1) for n in names]
    out = np.zeros([len(r) for r in ranges])
    combos = itertools.product(*ranges)
    if evaluator.shapes_only:          # an entry's shape does not depend on its indices
        combos = itertools.islice(combos, 1)
    else:
        _share_across_entries(evaluator)
    for combo in combos:
        evaluator.bound.update(dict(zip(names, combo)))
        value = evaluator(tree)
        if shape_of(value):
            raise EvaluationError(f"each entry must be a number; yours is {describe(shape_of(value))}")
        out[tuple(c - 1 for c in combo)] = value
    for n in names:
        evaluator.bound.pop(n, None)
    return out


def _share_across_entries(evaluator):
    """Entry by entry, most of an answer does not depend on the entry's own indices
    ((g(x_i) - y_i) g(x_i) in p7b's): each part's value is remembered together with the
    values of the indices it mentions, so it is computed once, not once per entry."""
    if getattr(evaluator, "shared", False):
        return
    plain, memo, mentions = evaluator.eval, {}, {}

    def indices(node):
        """Every name the node or its parts carry (a superset of the indices its value
        depends on: a name too many only costs a computation, one too few would be
        wrong), less the index a sum binds inside itself."""
        key = id(node)
        if key not in mentions:
            found = set()
            for text in _strings(node.value):   # δ_{dj}: the reader splits "dj" into d, j
                found |= {text, *text} if text.isalpha() else {text}
            inside = [set(indices(a)) for a in node.args]
            if node.kind == "sum" and len(inside) == 3:
                found |= inside[0] | inside[1] | (inside[2] - {node.value})
            else:
                found = found.union(*inside)
            mentions[key] = tuple(sorted(found))
        return mentions[key]

    alive = []      # every node remembered stays alive, so that its id is never reused

    def shared_eval(node):
        key = (id(node), tuple(evaluator.bound.get(i) for i in indices(node)))
        if key not in memo:
            alive.append(node)
            memo[key] = plain(node)
        return memo[key]
    evaluator.eval = shared_eval
    evaluator.shared = True


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, (tuple, list, frozenset)):
        for v in value:
            yield from _strings(v)


def _numeric(expr, problem, point):
    """expr (the reference or a variant) at `point`; a 1×1 result (𝟙ᵀv) is a number, as
    an answer's is."""
    value = _compiled(expr, problem.id)(point)
    return float(np.asarray(value)[0, 0]) if np.shape(value) == (1, 1) else value


_COMPILED = {}


def _compiled(expr, problem_id):
    """expr as a function of a point, compiled once per process and problem."""
    key = (expr, problem_id)
    if key not in _COMPILED:
        from ...model.problemset import problem as find
        problem = find(problem_id)
        free = _free_indices(problem)
        if free:
            _COMPILED[key] = _entries_function(expr, problem, free)
        elif not isinstance(expr, sp.MatrixExpr) and expr.has(sp.Sum):
            _COMPILED[key] = _sum_function(expr, problem)
        elif _needs_sizes(expr):
            _COMPILED[key] = _sized_function(expr, problem)
        else:
            _COMPILED[key] = _matrix_function(expr, problem)
    return _COMPILED[key]


def _needs_sizes(expr):
    """Matrices NumPy's printer writes only at numeric sizes: I (of ridge's λI), diag(v),
    softmax(z)."""
    from ...model.functions import Softmax
    return bool(expr.atoms(sp.Identity, sp.DiagMatrix, Softmax))


def _sized_function(expr, problem):
    """expr at a point with its sizes put in first (slower than compiled code: used only
    where the compiled form cannot be printed)."""
    from ...verify.steps import _evaluate_raw

    def at(point):
        sizes = {problem.sizes()[n]: v for n, v in point.sizes.items()}
        at_sizes = expr.xreplace(sizes)
        at_sizes = at_sizes.xreplace({o: sp.ImmutableMatrix.ones(*o.shape)   # 𝟙, written out
                                      for o in at_sizes.atoms(sp.OneMatrix)})
        # 1·M: NumPy's printer writes a leading 1 as (1).dot(M)
        at_sizes = at_sizes.replace(
            lambda e: isinstance(e, sp.MatMul) and e.args[0] == 1,
            lambda e: sp.MatMul(*e.args[1:]) if len(e.args) > 2 else e.args[1]).doit()
        values = {m: point.values[m.name] for m in at_sizes.atoms(sp.MatrixSymbol)
                  if m.name in point.values}
        values.update({x: point.values[x.name] for x in at_sizes.atoms(sp.Symbol)
                       if x.name in point.values})
        value = np.asarray(_evaluate_raw(at_sizes, values), dtype=float)
        return float(value) if value.size == 1 and value.ndim < 2 else value
    return at


def _point_namespace(problem, point):
    namespace = _numbers_namespace(point.values, point.samples, point.sizes, problem)
    for name, f in point.functions.items():
        namespace[name] = f
    return namespace


def _sum_function(expr, problem):
    """A result written as a sum over samples (f(x_i) opaque): the sum is a loop over the
    point's samples, f the problem's own compiled definition."""
    code = Compiled(_as_lookups(expr))

    def at(point):
        value = np.asarray(code.bind(_point_namespace(problem, point))(), dtype=float)
        return value.reshape(-1, 1) if value.size > 1 else float(value.ravel()[0])
    return at


def _entries_function(expr, problem, free):
    """A result with free indices (w_{2,j}), entry by entry: one compiled function of the
    indices, called for each of their values."""
    import itertools
    indices = problem.indices()
    names = list(free)
    code = Compiled(_as_lookups(expr), [indices[n] for n in names])

    def at(point):
        f = code.bind(_point_namespace(problem, point))
        ranges = [range(1, point.sizes[free[n]] + 1) for n in names]
        out = np.empty([len(r) for r in ranges])
        for combo in itertools.product(*ranges):
            out[tuple(c - 1 for c in combo)] = float(f(*combo))
        return out
    return at


def _matrix_function(expr, problem):
    """A matrix expression (2Xᵀ, (XᵀX)⁻¹Xᵀy, w - η(Xᵀ(σ(Xw) - y) + 2w)) as NumPy code;
    σ applied entry by entry, and the entrywise power v^∘k (which NumPy's printer does not
    know), are computed first, each into a placeholder (the outermost ones: their insides
    are computed by the same function)."""
    from sympy.matrices.expressions.applyfunc import ElementwiseApplyFunction
    expr = expr.doit()
    stages = []
    nodes = expr.atoms(ElementwiseApplyFunction, sp.HadamardPower)
    outermost = [n for n in nodes if not any(m != n and m.has(n) for m in nodes)]
    for k, node in enumerate(sorted(outermost, key=str)):
        placeholder = sp.MatrixSymbol(f"E{k}_", *node.shape)
        if isinstance(node, sp.HadamardPower):
            t = sp.Dummy("t")
            stages.append((placeholder.name, _matrix_function(node.base, problem),
                           Compiled(t ** node.exp, [t], "numpy")))
        else:
            stages.append((placeholder.name, _matrix_function(node.expr, problem),
                           Compiled(node.function.expr, node.function.variables, "numpy")))
        expr = expr.xreplace({node: placeholder})
    code = Compiled(expr, (), "numpy")
    naturals = {n for n, v in problem.names.items() if v.kind == "natural"}

    def at(point):
        namespace = {n: (int(v) if n in naturals else v) for n, v in point.values.items()
                     if n.isidentifier()}
        namespace.update({n: int(v) for n, v in point.sizes.items()})
        with np.errstate(all="ignore"):
            for name, inner, function in stages:
                namespace[name] = function.bind({})(np.asarray(inner(point), dtype=float))
            value = np.asarray(code.bind(namespace)(), dtype=float)
        return float(value) if value.size == 1 and value.ndim < 2 else value
    return at


def _lookup(label, values, samples):
    """1-based access to an array, or to the samples (x_{i,k}: sample i, entry k)."""
    if label in samples:              # x_i: the whole sample (flat); y_i: a number
        data = [np.ravel(s) if np.ndim(s) else float(s) for s in samples[label]]
        return lambda i, k=None: data[int(i) - 1] if k is None else \
            float(data[int(i) - 1][int(k) - 1])
    array = np.asarray(values[label])
    if array.ndim == 2 and array.shape[1] == 1:
        array = array[:, 0]
    return lambda *idx: float(array[tuple(int(i) - 1 for i in idx)])
