"""Judging an answer to a problem: shape first, then numbers at random points, and when
it is wrong, a counterexample and a note that names the mistake (missing transpose,
sign, constant factor, a missing term, right only for symmetric X, the gradient where
the update rule was asked).

The right answer is never typed in: it is the derivation's own result, evaluated with
the same random values as the student's answer.
"""
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import sympy as sp

from .evaluate import EvaluationError, Evaluator, describe, shape_of
from .parse import AnswerError, parse

RTOL = 1e-7
POINTS_PER_SIZE = 3


@dataclass
class Verdict:
    problem: str
    answer: str
    status: str                     # correct | incorrect | unreadable
    message: str
    notes: list = field(default_factory=list)
    counterexample: str = None

    def as_dict(self):
        return {"problem": self.problem, "answer": self.answer, "status": self.status,
                "message": self.message, "notes": self.notes,
                "counterexample": self.counterexample}


@dataclass
class Point:
    """One random assignment: the values a student's names take, and the sizes."""
    sizes: dict
    values: dict
    samples: dict
    functions: dict
    symmetric: bool = False


class Task:
    """What a problem asks for, as numbers: the reference and its variants."""

    def __init__(self, problem):
        import derivator
        self.problem = problem
        self.derivation = derivator.derive(problem.id)
        self._values = {}
        self.quantity, self.variants = self._reference()

    def _reference(self):
        """The expression a correct answer equals, and named wrong ones to recognise."""
        d, p = self.derivation, self.problem
        variants = []
        if p.strategy in ("index", "index_power", "likelihood"):
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
                return update, variants
            variants.append(("this is the gradient ∂L/∂w; the problem asks for the update rule "
                             "w_{t+1} = w_t - η ∂L/∂w", d.sum_form() or d.result))
            return update, variants
        if p.strategy == "loss":               # a loss file without an update: its gradient
            return d.result, variants
        raise NotImplementedError(p.id)

    def points(self, seed=0):
        rng = np.random.default_rng(seed)
        settings = _size_settings(self.problem)
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
        if key not in self._values:
            self._values[key] = _numeric(expr, self.problem, point)
        return self._values[key]


@lru_cache(maxsize=None)
def _task(problem_id, seed):
    """A problem's task and its random points, made once: every check of that problem
    with the same seed sees the same points, so the reference is computed once."""
    from ..problemset import problem
    task = Task(problem(problem_id))
    return task, task.points(seed)


def _text(expr):
    from ..render.printing import to_text
    return to_text(expr)


def _size_settings(problem):
    """Two or more sizes, different from each other so that non-square shapes show."""
    sizes = problem.sizes()
    if not sizes:
        return [{}]
    firsts = {n: int(problem.names[n].check[0]) for n in sizes}
    seconds = {n: v + 1 for n, v in firsts.items()}
    return [firsts, seconds]


def _point(problem, sizes, rng, symmetric=False):
    values, samples = {}, {}
    for name, v in problem.names.items():
        if v.kind in ("matrix", "vector") and "sample" not in problem.data["names"][name] \
                and "alias_of" not in problem.data["names"][name]:
            shape = tuple(sizes[d] for d in v.shape) + ((1,) if v.kind == "vector" else ())
            value = rng.normal(size=shape)
            domain = problem.data["names"][name].get("domain")
            if domain and problem.data["names"][name].get("integer"):
                value = rng.integers(domain[0], domain[1] + 1, size=shape).astype(float)
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
            values[whole] = rng.normal(size=tuple(sizes[d] for d in v["array"]))
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
            samples[v["sample"]] = [rng.normal(size=(sizes[v["shape"][0]], 1))
                                    for _ in range(count)]
        else:
            lo, hi = v.get("domain", [-2, 2])
            samples[v["sample"]] = [float(rng.integers(lo, hi + 1)) if v.get("integer")
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
    """The problem's own intermediates (f, g, h_k, z_m) as numeric functions, compiled
    from its definitions with the point's values: {name: (function, needs arguments)}."""
    from ..functions import expand_named_functions
    from ..verify import _write_out_sums
    if problem.strategy not in ("loss", "likelihood"):
        return {}
    model = problem.model()
    size_values = {problem.sizes()[n]: v for n, v in sizes.items()}
    compiled = {}
    namespace = {"inner": lambda a, b: float(np.ravel(a) @ np.ravel(b)),
                 "component": lambda x, k: float(np.ravel(x)[int(k) - 1])}
    for name, value in values.items():
        if np.ndim(value) == 2 and np.shape(value)[1] == 1:
            namespace[name] = np.ravel(value)               # w as a flat vector for inner
        elif np.ndim(value) in (1, 2) and name.isidentifier():
            namespace[f"at_{name}"] = _lookup(name, values, {})
        elif name.isidentifier():
            namespace[name] = value
    for d in model.definitions:
        if not d.opaque:
            continue
        args = [sp.Symbol(str(p.label)) if isinstance(p, sp.IndexedBase) else p
                for p in d.params]
        body = d.body.xreplace(size_values)
        body = body.replace(
            lambda e: isinstance(e, sp.Indexed) and e.base in d.params,
            lambda e: sp.Function("component")(sp.Symbol(str(e.base.label)), *e.indices))
        body = body.replace(
            lambda e: isinstance(e, sp.Indexed),
            lambda e: sp.Function(f"at_{e.base.label}")(*e.indices))
        body = expand_named_functions(_write_out_sums(body))
        given = sorted((e for e in body.free_symbols if e not in args and e.name in values),
                       key=str)              # w in f(x) = σ(wᵀx): the point's own value
        compiled_body = sp.lambdify(args + given, body, modules=[namespace, "math"])
        fixed = [namespace.get(e.name, values[e.name]) for e in given]
        f = (lambda body_, fixed_: lambda *a: body_(*a, *fixed_))(compiled_body, fixed)
        namespace[str(d.name)] = f
        if any(body.has(a) for a in args):
            compiled[str(d.name)] = (f, True)
        else:                  # g of 7a depends on the given nodes only, not on its x
            compiled[str(d.name)] = ((lambda f_, n: lambda *a: f_(*([None] * n)))(f, len(args)),
                                     False)
    return compiled


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
    out = np.empty([len(r) for r in ranges])
    for combo in itertools.product(*ranges):
        evaluator.bound.update(dict(zip(names, combo)))
        value = evaluator(tree)
        if shape_of(value):
            raise EvaluationError(f"each entry must be a number; yours is {describe(shape_of(value))}")
        out[tuple(c - 1 for c in combo)] = value
    for n in names:
        evaluator.bound.pop(n, None)
    return out


def _numeric(expr, problem, point):
    from ..verify import _evaluate_raw
    from ..functions import expand_named_functions
    free = _free_indices(problem)
    if free:
        return _numeric_entries(expr, problem, point, free)
    if not isinstance(expr, sp.MatrixExpr) and expr.has(sp.Sum):
        return _numeric_sum(expr, problem, point)
    sizes = {problem.sizes()[n]: v for n, v in point.sizes.items()}
    k = [n for n, v in problem.names.items() if v.kind == "natural"]
    if k:
        sizes[sp.Symbol(k[0], integer=True, positive=True)] = int(point.values[k[0]])
    expr = expand_named_functions(expr.xreplace(sizes)).doit()
    values = {}
    for m in expr.atoms(sp.MatrixSymbol):
        values[m] = point.values[m.name]
    for s in expr.atoms(sp.Symbol):
        if s.name in point.values:
            values[s] = point.values[s.name]
    value = _evaluate_raw(expr, values)
    value = np.asarray(value, dtype=float)
    return float(value) if value.size == 1 and value.ndim < 2 else value


def _close(a, b):
    if shape_of(a) != shape_of(b):
        return False
    return bool(np.allclose(a, b, rtol=RTOL, atol=RTOL * (1 + np.max(np.abs(b)))))


def check(problem_name, answer, seed=0):
    """The verdict on one answer to one problem."""
    from ..problemset import problem as find
    p = find(problem_name)
    try:
        tree = parse(answer)
    except AnswerError as error:
        return Verdict(p.id, answer, "unreadable", str(error))
    try:
        task, points = _task(p.id, seed)
    except (NotImplementedError, StopIteration):
        return Verdict(p.id, answer, "unreadable",
                       f"answers to {p.id} cannot be checked yet: its answer has free "
                       "indices and node functions, which the checker does not read yet")
    known = sorted(p.names)
    size_names = {}
    for point in points:
        size_names.update({v: n for n, v in point.sizes.items()})
    mismatch = None
    free = _free_indices(p)
    for point in points:
        evaluator = Evaluator(point.values, point.samples, point.functions, known)
        try:
            got = _over_free(evaluator, tree, free, point)
        except EvaluationError as error:
            status = "unreadable" if error.unreadable else "incorrect"
            return Verdict(p.id, answer, status, str(error))
        except (ValueError, np.linalg.LinAlgError, OverflowError, ZeroDivisionError) as error:
            return Verdict(p.id, answer, "incorrect", f"the answer cannot be computed: {error}")
        want = task.value(task.quantity, point)
        if shape_of(got) != shape_of(want):
            return Verdict(p.id, answer, "incorrect",
                           f"your answer is {describe(shape_of(got), size_names)}; the "
                           f"answer is {describe(shape_of(want), size_names)}",
                           _shape_notes(got, want))
        if not _close(got, want) and mismatch is None and not point.symmetric:
            mismatch = (point, got, want)
    if mismatch is None:
        from .symbolic import confirms
        symbolic = ", and SymPy confirms it symbolically" if confirms(
            tree, p, task.quantity) else ""
        return Verdict(p.id, answer, "correct", "it agrees with the derivation at "
                       f"{len(points)} random points, at {len(_size_settings(p))} sizes"
                       + symbolic)
    point, got, want = mismatch
    notes = _notes(task, tree, points, p)
    return Verdict(p.id, answer, "incorrect", "it differs from the derivation's result",
                   notes, _counterexample(point, got, want))


def _shape_notes(got, want):
    if shape_of(got)[::-1] == shape_of(want):
        return ["missing transpose: your answer has the shape of the right one transposed"]
    return []


def _notes(task, tree, points, p):
    """Which transformation of the right answer the wrong one matches."""
    got, want = [], []
    for point in points:
        got.append(_over_free(Evaluator(point.values, point.samples, point.functions), tree,
                              _free_indices(p), point))
        want.append(task.value(task.quantity, point))
    general = [k for k, pt in enumerate(points) if not pt.symmetric]
    notes = []
    if all(_close(np.transpose(g) if shape_of(g) else g, w) for g, w in
           zip([got[k] for k in general], [want[k] for k in general])) and shape_of(want[0]):
        notes.append("missing transpose: your answer is the transpose of the right one")
    elif all(_close(-got[k], want[k]) for k in general):
        notes.append("sign: your answer is the right one with its sign flipped")
    else:
        ratios = [_ratio(got[k], want[k]) for k in general]
        counts = [points[k].sizes.get(p.data.get("derive", {}).get("count", "N")) for k in general]
        if all(r is not None for r in ratios) and np.allclose(ratios, ratios[0], rtol=1e-6):
            notes.append(f"off by a constant factor: your answer is {ratios[0]:.6g} times "
                         "the right one")
        elif all(r is not None and c for r, c in zip(ratios, counts)):
            if np.allclose([r * c for r, c in zip(ratios, counts)], 1, rtol=1e-6):
                notes.append("an extra 1/N: the answer is a sum over the samples, not a mean")
            elif np.allclose([r / c for r, c in zip(ratios, counts)], 1, rtol=1e-6):
                notes.append("missing a 1/N, or a sum counted N times")
    if _uses_one_sample(tree):
        notes.append("x_i appears outside a sum: the sum over the samples is missing")
    symmetric = [k for k, pt in enumerate(points) if pt.symmetric]
    if symmetric and not notes and all(_close(got[k], want[k]) for k in symmetric):
        square = [n for n, v in p.names.items() if v.kind == "matrix"]
        notes.append(f"right only when {' and '.join(square)} "
                     f"{'is' if len(square) == 1 else 'are'} symmetric; in general it is not")
    for label, expr in task.variants:
        if all(_close(got[k], task.value(expr, points[k])) for k in general):
            notes.append(label)
    return notes


def _uses_one_sample(tree, bound=()):
    """True when x_i or y_i appears where no sum binds i."""
    if tree.kind == "sum":
        lower, upper, body = tree.args
        return _uses_one_sample(body, bound + (tree.value,))
    if tree.kind == "name":
        name, sub = tree.value
        return bool(sub) and len(sub) == 1 and name in ("x", "y") and sub[0] == "i" \
            and "i" not in bound
    return any(_uses_one_sample(a, bound) for a in tree.args)


def _ratio(a, b):
    a, b = np.ravel(a), np.ravel(b)
    big = np.argmax(np.abs(b))
    if abs(b[big]) < 1e-12:
        return None
    r = a[big] / b[big]
    return r if np.allclose(a, r * b, rtol=1e-6, atol=1e-9) else None


def _counterexample(point, got, want):
    sizes = ", ".join(f"{n} = {v}" for n, v in point.sizes.items())
    inputs = [f"{n} = {_short(v)}" for n, v in point.values.items()
              if n not in point.sizes and "_" not in n and n.isalpha()]
    if inputs:
        sizes += " with " + ", ".join(inputs)
    fmt = _short
    return f"at {sizes or 'these values'}: your answer gives {fmt(got)} but the right " \
           f"answer is {fmt(want)}"


def _short(value):
    return np.array2string(np.round(np.asarray(value), 3), separator=", ",
                           max_line_width=10_000).replace("\n", "")



def _numeric_sum(expr, problem, point):
    """A result written as a sum over samples (f(x_i) opaque): every definition put in,
    the sum written out for the point's N, and evaluated with the point's vectors."""
    from ..functions import expand_named_functions
    from ..verify import _evaluate, _write_out_sums
    model = problem.model()
    sizes = {problem.sizes()[n]: v for n, v in point.sizes.items()}
    expr = expand_named_functions(model.substitute_definitions(expr)).xreplace(sizes)
    expr = _write_out_sums(expr).doit()
    values = {}
    for a in expr.atoms(sp.Indexed):
        data = point.samples[str(a.base.label)][int(a.indices[0]) - 1]
        values[a] = np.ravel(data) if np.ndim(data) else float(data)
    for sym in expr.free_symbols - set(values) - {a.base.label for a in values}:
        if sym.name in point.values:
            v = point.values[sym.name]
            values[sym] = np.ravel(v) if np.ndim(v) else v
    value = _evaluate(expr, values)
    return value.reshape(-1, 1) if value.size > 1 else float(value[0])


def _numeric_entries(expr, problem, point, free):
    """A result with free indices (w_{2,j}), entry by entry, with the point's numbers.

    The definitions are put in and the sums written out once; what is left is compiled
    with every entry w_{1,d,a}, x_{i,k} as a lookup into the point's arrays, and called
    for each value of the free indices."""
    import itertools
    from ..functions import expand_named_functions
    from ..verify import _write_out_sums
    model = problem.model()
    indices = problem.indices()
    names = list(free)
    sizes = {problem.sizes()[n]: v for n, v in point.sizes.items()}
    base = expand_named_functions(model.substitute_definitions(expr)).xreplace(sizes)
    base = _write_out_sums(base).doit()
    base = base.xreplace({s: point.values[s.name] for s in base.free_symbols
                          if isinstance(s, sp.Symbol) and s.name in point.values
                          and np.ndim(point.values[s.name]) == 0})
    lookups = {}

    def as_call(e):
        label = str(e.base.label)
        name = f"at_{label}"
        if name not in lookups:
            lookups[name] = _lookup(label, point.values, point.samples)
        return sp.Function(name)(*e.indices)

    base = base.replace(lambda e: isinstance(e, sp.Indexed), as_call)
    symbols = [indices[n] for n in names]
    f = sp.lambdify(symbols, base, modules=[lookups, "math"])
    ranges = [range(1, point.sizes[free[n]] + 1) for n in names]
    out = np.empty([len(r) for r in ranges])
    for combo in itertools.product(*ranges):
        out[tuple(c - 1 for c in combo)] = float(f(*combo))
    return out


def _lookup(label, values, samples):
    """1-based access to an array, or to the samples (x_{i,k}: sample i, entry k)."""
    if label in samples:
        data = samples[label]
        return lambda i, k=None: float(np.ravel(data[int(i) - 1])[int(k) - 1]) \
            if k is not None else float(np.ravel(data[int(i) - 1])[0])
    array = np.asarray(values[label])
    if array.ndim == 2 and array.shape[1] == 1:
        array = array[:, 0]
    return lambda *idx: float(array[tuple(int(i) - 1 for i in idx)])
