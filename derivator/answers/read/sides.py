"""Reading one side of a working: a derivative (\\frac{df}{dw}, [∂f/∂w]_k, ∂/∂w_k (…)), a
quantity of the problem (f, L, ln P, w_{t+1}), or an expression read by the answers'
grammar, with what workings write that answers do not (entries X_{ij}, δ_ik, a repeated
index summed, one sample written loosely, π); and how a side was read, shown back.
"""
import re
from dataclasses import dataclass, field

import numpy as np

from ..judge.evaluate import EvaluationError, Evaluator, describe, shape_of
from .lines import WorkingError, _group
from .parse import AnswerError, Node, parse

GRADIENT = "dquantity"     # the problem's derivative named inside an expression
STEP = 1e-3               # of the 5-point stencil, relative to the entry's size


@dataclass
class Reading:
    """One side as read: its text for the student, and how to compute it at a point."""
    text: str
    line: int
    read_as: str = ""
    kind: str = "expression"   # expression | quantity | derivative | condition | unreadable
    error: str = None
    indices: tuple = ()        # free indices it carries (k of [df/dw]_k), in order
    compute: object = None     # point -> value (an array over `indices` when it has any)
    flags: list = field(default_factory=list)
    tree: Node = None
    one_sample: bool = False   # x and y without their index: read as one sample
    equation: str = None       # after "= 0": the solution both sides are computed at


DERIVATIVE_NUMERATOR = re.compile(r"^\s*(\\partial|d|\\mathrm\{d\}|\\text\{d\}|\\operatorname\{d\})"
                                  r"(?![A-Za-z]{2})\s*(.*)$", re.S)
TYPOGRAPHY = re.compile(r"\\(?:mathbf|boldsymbol|bm|mathrm|vec|mathit|bar|hat)\{([^{}]*)\}")
DERIVATIVE_INSIDE = re.compile(r"\\frac\s*\{\s*(?:d|\\partial)(?![a-zA-Z]{2})[^{}]*(?:\{[^{}]*\}[^{}]*)*"
                               r"\}\s*\{\s*(?:d|\\partial)")
NORM_SQUARED = re.compile(r"(?:\\\||\|\||‖)\s*([A-Za-z](?:_\{?[A-Za-z0-9]\}?)?)\s*"
                          r"(?:\\\||\|\||‖)\s*(?:\^\s*\{\s*2\s*\}|\^\s*2|²)")
VARIABLE = re.compile(r"^([A-Za-z])(?:_(\{[^{}]*\}|[A-Za-z0-9]))?$")


class Reader:
    """Reads one side: a derivative, a quantity of the problem, or an expression."""

    def __init__(self, scene):
        self.scene = scene

    def read(self, text, line, free=()):
        self.free = tuple(free)
        r = Reading(text, line)
        try:
            if re.search(r"\\begin\{([bpvV]?matrix|array)\}", text):
                raise WorkingError("a matrix written out entry by entry is not read; a person "
                                   "should look at this line")
            if re.search(r"\\[lcvd]?dots(?![A-Za-z])|…|⋯", text):
                raise WorkingError("a line written with … is not read; a person should look "
                                   "at this line")
            if NOTEBOOK_GRADIENT.match(text):        # grad = …: a notebook's ∂f/∂w
                _flag(r, f"{text.strip()} read as the derivative by {self.scene.wrt}")
                text = (f"\\frac{{d{self.scene.quantity_name()}}}"
                        f"{{d{self.scene.wrt.split('_')[0]}}}")
            if _plain(text) == "0":
                r.kind, r.read_as = "condition", "0"
                return r
            if not self._derivative(text, r) and not self._quantity(text, r):
                self._expression(text, r)
        except (AnswerError, EvaluationError, WorkingError) as error:
            r.kind, r.error = "unreadable", str(error)
        return r

    def _dialect(self, text, r):
        """The side's tree by its dialect's front end (code, Word, LaTeX; read/dialects.py),
        as a single answer is read; LaTeX and plain text with the grammar's own splitting."""
        from .dialects import prepare
        from .lhs import problem_names
        ready = prepare(text, problem_names(self.scene.problem))
        for guess in ready.guesses:
            _flag(r, guess)
        if ready.tree is not None:
            return ready.tree
        return parse(_constants(ready.text))

    # quantities: f, f(X), L(w), P, ln P
    def _quantity(self, text, r):
        name = self.scene.quantity_name()
        plain = _plain(text)
        update = self.scene.problem.data.get("update")
        if update and re.fullmatch(r"(\w)\s*(_\s*\{\s*t\s*\+\s*1\s*\}|\^\s*\{\s*\(\s*t\s*\+\s*1"
                                   r"\s*\)\s*\})", plain) and plain[0] == update["next"][0]:
            r.kind, r.read_as = "quantity", update["next"]
            task = self.scene.task
            r.compute = lambda point: task.value(task.quantity, point)
            return True
        m = re.fullmatch(r"(\\ln|\\log|ln|log)?\s*(\()?\s*" + re.escape(name) +
                         r"\s*(\([^()]*\))?\s*(\))?", plain)
        if not m or name in self.scene.problem.names or bool(m.group(2)) != bool(m.group(4)):
            return False
        r.kind = "quantity"
        if m.group(1):
            r.read_as = f"ln {name}"
            r.compute = self.scene.log_quantity
        else:
            r.read_as = name
            r.compute = self.scene.quantity
        return True

    def _derivative(self, text, r):
        """\\frac{df}{dw}, \\frac{\\partial f}{\\partial w_k}, [\\frac{df}{dw}]_k, df/dw,
        \\nabla_w L, and operators \\frac{d}{dw}(…) applied to what follows."""
        plain = text.strip()
        indices = ()
        m = re.fullmatch(r"(?:\\left)?\s*\[(.*)(?:\\right)?\s*\]\s*_\s*(\{[^{}]*\}|[A-Za-z])",
                         plain, re.S)
        if m:
            inner = re.sub(r"\\right\s*$", "", m.group(1).strip())
            indices = _index_letters(m.group(2))
            plain = inner
        parts = _fraction(plain)
        if parts is None:
            parts = _slash_or_nabla(plain, self.scene.wrt)
        if parts is None:
            return False
        numerator, variable, rest = parts
        top = DERIVATIVE_NUMERATOR.match(numerator)
        bottom = DERIVATIVE_NUMERATOR.match(variable)
        if not top or not bottom or top.group(1)[:2] != bottom.group(1)[:2]:
            return False
        name, var_indices = _variable(bottom.group(2))
        if name is None:
            raise WorkingError(f"cannot read {variable!r} as what is differentiated by")
        operand = top.group(2).strip()
        if operand and rest.strip():
            raise WorkingError("a derivative multiplied by something else is not read yet; "
                               "write each factor's derivative")
        operand = operand or rest.strip()
        if not operand:
            raise WorkingError("the derivative of what? nothing follows the operator")
        array, fixed, free = self._variable_entries(name, var_indices)
        r.kind = "derivative"
        wanted = tuple(indices) or tuple(free)
        if indices and fixed and tuple(free) != tuple(indices):
            raise WorkingError("the entry's indices and the variable's differ")
        r.indices = wanted
        shown = f"{name}_{''.join(var_indices)}" if var_indices else name
        entry = f"[{{}}]_{''.join(indices)}" if indices else "{}"
        probe = Reading(operand, r.line)
        if self._quantity(_strip_brackets(operand), probe):
            if array != self.scene.wrt and not var_indices and not indices and \
                    self._by_intermediate(name, probe, r):
                return True
            if array != self.scene.wrt:
                raise WorkingError(f"the derivative by {shown} is not one this problem asks "
                                   f"for (it differentiates by {self.scene.wrt})")
            r.read_as = entry.format(f"∂{probe.read_as}/∂{shown}")
            likelihood = self.scene.problem.strategy == "likelihood"
            if probe.read_as.startswith("ln ") != likelihood or "_{" in probe.read_as:
                raise WorkingError(f"the derivative of {probe.read_as} is not read; this "
                                   f"problem differentiates "
                                   f"{'ln ' if likelihood else ''}{self.scene.quantity_name()}")
            r.compute = self.scene.gradient
            r.compute = _entries_of(r.compute, fixed, wanted, self.scene)
            return True
        tree = _fix_tree(parse(_constants(_strip_brackets(operand))), self.scene, r)
        if _calls_problem_functions(tree, self.scene) and not _recompiles(self.scene):
            raise WorkingError("a derivative of an expression with f(…) or g(…) inside is not "
                               "computed yet; write the derivative of each factor")
        r.tree = tree
        r.read_as = entry.format(f"∂/∂{shown} ({_show(tree)})")
        r.compute = self._numeric_derivative(tree, array, fixed, wanted)
        return True

    def _by_intermediate(self, name, probe, r):
        """∂L/∂g of 7a's L = ½(g(x) - y)²: the problem's quantity by one of its own
        intermediate functions, applied once in its definition (no sum over samples, where
        g(x_i) would be N of them): central differences of the definition with g's value
        moved, everything else held."""
        import copy
        import sympy as sp
        from sympy.core.function import AppliedUndef
        from ..judge.scene import _definition_value, _scalar, _target_definition
        scene = self.scene
        if name not in scene.points[0].functions or scene.problem.strategy != "loss":
            return False
        body = _target_definition(scene.problem)
        uses = {e for e in body.atoms(AppliedUndef) if type(e).__name__ == name}
        if len(uses) != 1 or body.has(sp.Sum) or body.has(sp.Product):
            return False

        def compute(point):
            own = point.functions[name]
            values = []
            for t in (-2, -1, 1, 2):
                moved = copy.copy(point)
                moved.functions = {**point.functions,
                                   name: lambda *a, t=t: own(*a) + t * STEP}
                values.append(_scalar(_definition_value(body, moved, {})))
            a, b, c, d = values
            return (a - 8 * b + 8 * c - d) / (12 * STEP)
        r.kind = "derivative"
        r.read_as = f"∂{probe.read_as}/∂{name}"
        r.compute = compute
        return True

    def _named_derivatives(self, text):
        """`w_t - η \\frac{dL}{dw}`: the problem's own derivative inside an expression is
        the engine's, as a name."""
        name = re.escape(self.scene.quantity_name())
        wrt = re.escape(self.scene.wrt)
        log = r"\\ln\s*" if self.scene.problem.strategy == "likelihood" else ""
        pattern = (r"\\frac\s*\{\s*(?:d|\\partial)\s*" + log + name + r"(?:\([^(){}]*\))?\s*\}"
                   r"\s*\{\s*(?:d|\\partial)\s*(?:\\mathbf\{" + wrt + r"\}|" + wrt + r")(?:_\{?t\}?)?\s*\}")
        replaced = re.sub(pattern, f" {GRADIENT} ", text)
        return replaced, replaced != text

    def _variable_entries(self, name, indices):
        """w -> ('w', fixed entries, free letters); w_{1,d,m} -> ('w_1', …, ('d', 'm'));
        w_2 (a whole array named with a number) -> ('w_2', (), ())."""
        values = self.scene.points[0].values
        letters = [i for i in indices if not i.isdigit()]
        for k in range(len(indices), -1, -1):
            key = name + ("_" + "_".join(indices[:k]) if k else "")
            if key in values and np.ndim(values[key]) > 0:
                rest = indices[k:]
                return key, tuple(rest), tuple(i for i in rest if not i.isdigit())
        if name in values:
            return name, tuple(indices), tuple(letters)
        raise WorkingError(f"unknown variable {name!r}; this problem's names: "
                           f"{', '.join(self.scene.known)}")

    def _numeric_derivative(self, tree, array, fixed=(), wanted=()):
        """The derivative of a scalar expression by entries of `array`: by every entry
        (the gradient, in the array's shape), or by the entry `fixed` names for each value
        of its free letters `wanted` (∂/∂w_k (…) with k free, the expression may use k).
        Central differences of fourth order: their error is about STEP⁴."""
        scene = self.scene

        def derivative(point, base, idx, bound):
            h = STEP * (1 + abs(base[idx]))
            values = []
            for t in (-2, -1, 1, 2):
                moved = np.array(base, dtype=float)
                moved[idx] += t * h
                values.append(_value(tree, scene, point, {array: moved}, bound=bound))
            if any(shape_of(v) for v in values):
                raise EvaluationError("the derivative of a vector or a matrix is not read; "
                                      "differentiate a scalar")
            a, b, c, d = values
            return (a - 8 * b + 8 * c - d) / (12 * h)

        def compute(point):
            base = np.asarray(point.values[array], dtype=float)
            if not fixed:
                grad = np.zeros(base.shape)
                for idx in np.ndindex(*base.shape):
                    grad[idx] = derivative(point, base, idx, {})
                return grad
            import itertools
            column = base.ndim == 2 and base.shape[1] == 1 and len(fixed) == 1
            if (1 if column else base.ndim) != len(fixed):
                raise EvaluationError(f"{len(fixed)} indices for "
                                      f"{describe(shape_of(base))}")
            dims = base.shape[:1] if column else base.shape
            sizes = {i: dims[k] for k, i in enumerate(fixed) if not i.isdigit()}
            ranges = [range(1, sizes[i] + 1) for i in wanted]
            out = np.empty([len(r) for r in ranges])
            for combo in itertools.product(*ranges):
                bound = dict(zip(wanted, combo))
                idx = tuple(int(i) - 1 if i.isdigit() else bound[i] - 1 for i in fixed)
                out[tuple(c - 1 for c in combo)] = derivative(
                    point, base, idx + ((0,) if column else ()), bound)
            return out
        return compute

    def _expression(self, text, r):
        text, named = self._named_derivatives(text)
        tree = _fix_tree(self._dialect(text, r), self.scene, r)
        r.tree = tree
        r.read_as = _show(tree)
        if self.free:
            tree, repeated = _einstein(tree, self.free, self.scene)
            if repeated:
                _flag(r, f"the index {', '.join(repeated)} appears twice in a term and no "
                         "sum binds it: read as summed (Einstein's convention)")
                r.tree = tree
        r.indices = _unbound_indices(tree, self.scene, order=self.free)
        scene = self.scene
        extra = (lambda point: {GRADIENT: scene.gradient(point)}) if named else \
            (lambda point: None)
        r.compute = lambda point: _value(tree, scene, point, indices=r.indices,
                                         extra=extra(point))


NOTEBOOK_GRADIENT = re.compile(r"^\s*(?:grad|gradient|grad_[a-zA-Z]|d[a-zA-Z]_?d[a-zA-Z])\s*$")


def _constants(text):
    r"""π as a name the evaluator knows (the answers' grammar has no constants but e),
    \mathbf{x}_i as x_i, and the squared norm ‖w‖² as wᵀw."""
    text = re.sub(r"\\(?:mathbf|boldsymbol|bm|vec|mathit|mathrm)\{([A-Za-z])\}", r" \1", text)
    text = NORM_SQUARED.sub(lambda m: f"({m.group(1)}^T {m.group(1)})", text)
    text = re.sub(r"\\left\\\{", r"\\left(", text)
    text = re.sub(r"\\right\\\}", r"\\right)", text)
    text = text.replace("\\{", "(").replace("\\}", ")")          # \{ … \} as brackets
    if DERIVATIVE_INSIDE.search(text):
        raise WorkingError("a derivative inside a product is not read yet; a person should "
                           "look at this line")
    return re.sub(r"\\pi(?![A-Za-z])|π", " pi ", text)


def _plain(text):
    text = TYPOGRAPHY.sub(r"\1", text)
    return " ".join(text.replace("\\left", "").replace("\\right", "").split())


def _strip_brackets(text):
    text = text.strip()
    for open_, close in (("\\left(", "\\right)"), ("(", ")"), ("\\left[", "\\right]"),
                         ("[", "]"), ("{", "}")):
        if text.startswith(open_) and text.endswith(close):
            inner = text[len(open_):-len(close)]
            if _balanced(inner):
                return inner.strip()
    return text


def _balanced(text):
    depth = 0
    for ch in text:
        depth += ch in "([{"
        depth -= ch in ")]}"
        if depth < 0:
            return False
    return depth == 0


def _fraction(text):
    """\\frac{top}{bottom}rest, or None."""
    if not text.startswith("\\frac"):
        return None
    top, pos = _group(text, len("\\frac"))
    if top is None:
        return None
    while pos < len(text) and text[pos] == " ":
        pos += 1
    bottom, pos = _group(text, pos)
    if bottom is None:
        return None
    return top, bottom, text[pos:]


SLASHED = re.compile(r"(d|\\partial)\s*((?:\\?(?:ln|log)\s*)?[A-Za-z])(\([^()]*\))?\s*/\s*"
                     r"(d|\\partial)\s*([A-Za-z])(?:_(\{[^{}]*\}|\w+))?")


OPERATOR = re.compile(r"(d|\\partial)\s*/\s*(d|\\partial)\s*([A-Za-z])(?:_(\{[^{}]*\}|\w))?"
                      r"\s+(\S.*)")


def _slash_or_nabla(text, wrt=None):
    """df/dw, ∂L/∂h_j, d ln P/dw, ∂f/∂X_kl, ∇_w L, and ∇L (by `wrt`): (numerator,
    variable, rest) as \\frac would give them, or None."""
    plain = _plain(text).replace("∂", "\\partial ").replace("∇", "\\nabla ")
    plain = " ".join(plain.split())
    m = SLASHED.fullmatch(plain)
    if m:
        op, of, call, op2, var, sub = m.groups()
        variable = var + ("_{" + sub.strip("{}") + "}" if sub else "")
        return f"{op} {of}{call or ''}", f"{op2} {variable}", ""
    m = OPERATOR.fullmatch(plain)         # ∂/∂w (wᵀw), d/dw_k …: the operator, then its operand
    if m:
        op, op2, var, sub, rest = m.groups()
        variable = var + ("_{" + sub.strip("{}") + "}" if sub else "")
        return op, f"{op2} {variable}", rest
    m = re.fullmatch(r"\\nabla\s*_\s*(\{[^{}]*\}|[A-Za-z])\s*(.+)", plain)
    if m:
        return "d " + m.group(2), "d" + m.group(1).strip("{}"), ""
    m = re.fullmatch(r"\\nabla\s*([A-Za-z](?:\([^()]*\))?)", plain)
    if m and wrt:
        return "d " + m.group(1), "d" + wrt.split("_")[0], ""
    return None


def _variable(text):
    """'w' -> ('w', ()); 'w_k' -> ('w', ('k',)); 'X_{kl}' -> ('X', ('k', 'l'));
    'w_{1,d,m}' -> ('w', ('1', 'd', 'm'))."""
    plain = _plain(text).replace(" ", "")
    m = VARIABLE.match(plain)
    if not m:
        return None, ()
    return m.group(1), _index_letters(m.group(2)) if m.group(2) else ()


def _index_letters(sub):
    sub = sub.strip("{}").replace(" ", "")
    if "," in sub:
        return tuple(s for s in sub.split(",") if s)
    return tuple(sub)


def _entries_of(compute, fixed, wanted, scene):
    """A whole gradient -> the entries the side names: fixed numbers picked, the free
    letters kept as axes in the order the side lists them."""
    if not fixed:
        return compute

    def entries(point):
        value = np.asarray(compute(point), dtype=float)
        if value.ndim == 2 and value.shape[1] == 1 and len(fixed) == 1:
            value = value[:, 0]
        if value.ndim != len(fixed):
            raise EvaluationError(f"{len(fixed)} indices for {describe(shape_of(value))}")
        index = tuple(slice(None) if not i.isdigit() else int(i) - 1 for i in fixed)
        value = value[index]
        letters = [i for i in fixed if not i.isdigit()]
        return np.transpose(value, [letters.index(w) for w in wanted]) if value.ndim > 1 \
            else value
    return entries


# --- expressions ----------------------------------------------------------------------

class WorkingEvaluator(Evaluator):
    """The answers' evaluator, with what a working writes besides answers: entries of
    column vectors (w_k), Kronecker deltas (δ_ik), π, and f(x_i; w) with its parameter."""

    def eval_name(self, n):
        if n.value == ("pi", None) and "pi" not in self.values:
            return float(np.pi)
        return super().eval_name(n)

    def _entry(self, name, sub):
        if sub and name == "delta" and len(sub) == 2:
            a, b = (self._position(i) for i in sub)
            if a is not None and b is not None:
                return float(a == b)
        for split in range(len(sub or ())):          # w_k, w_{2,j}: an entry of a column
            key = name + ("_" + "_".join(sub[:split]) if split else "")
            value = self.values.get(key)
            if len(sub) - split == 1 and np.ndim(value) == 2 and np.shape(value)[1] == 1:
                k = self._position(sub[-1])
                if k is not None and 0 <= k < np.shape(value)[0]:
                    return float(value[k, 0])
        return super()._entry(name, sub)


def _einstein(tree, free, scene):
    """In index notation a repeated index no sum binds is summed, term by term:
    δ_ki Σ_j w_j X_ij + … reads Σ_i δ_ki Σ_j w_j X_ij + …"""
    summed = []

    def terms(n):
        if n.kind in ("add", "sub"):
            return Node(n.kind, (terms(n.args[0]), terms(n.args[1])), n.value, n.column)
        if n.kind == "neg":
            return Node("neg", (terms(n.args[0]),), n.value, n.column)
        for i in _unbound_indices(n, scene):
            if i not in free and _uses(n, i) > 1:
                upper = Node("name", (), (_size_name(i, scene), None), n.column)
                n = Node("sum", (Node("num", (), 1, n.column), upper, n), i, n.column)
                summed.append(i) if i not in summed else None
        return n
    return terms(tree), summed


def _size_name(index, scene):
    p = scene.problem
    free = p.data.get("derive", {}).get("free", {})
    if index in free:
        return free[index]
    squares = [v.shape[0] for v in p.names.values() if v.kind in ("matrix", "vector")]
    return squares[0] if squares else next(iter(p.sizes()))


def _uses(tree, index):
    """How many names use `index` in their subscript."""
    own = int(tree.kind == "name" and bool(tree.value[1]) and index in tree.value[1])
    return own + sum(_uses(a, index) for a in tree.args)


def _recompiles(scene):
    """The problem's intermediates (f, g, h_d) are compiled from its definitions, so they
    can be bound again to a point with an entry moved (reference._compiled_definitions)."""
    return scene.problem.strategy in ("loss", "likelihood") and bool(scene.points[0].functions)


def _moved_functions(scene, point, values, replaced):
    """f, g, h_d bound to the point with `replaced` moved (∂g/∂h_j, ∂/∂w ln f(x_i)): a
    function holds the values it was bound to, so a moved entry needs it bound again, and
    an intermediate given as a number (7a's g) computed again."""
    from ..judge.reference import _compiled_definitions
    compiled = _compiled_definitions(scene.problem, dict(point.values, **replaced),
                                     point.sizes)
    for name, (f, needs_arguments) in compiled.items():
        if not needs_arguments:
            values[name] = f()
    return {name: f for name, (f, _) in compiled.items()}


def _value(tree, scene, point, replaced=None, indices=(), bound=None, extra=None):
    values = dict(point.values, **(replaced or {}), **(extra or {}))
    functions = point.functions
    if replaced and functions and _recompiles(scene) and _calls_problem_functions(tree, scene):
        functions = _moved_functions(scene, point, values, replaced)
    for name, value in values.items():          # a layer's nodes h: a column, as vectors are
        if np.ndim(value) == 1:
            values[name] = np.reshape(value, (-1, 1))
    evaluator = WorkingEvaluator(values, point.samples, functions, scene.known,
                                 budget=scene.budget)
    evaluator.bound.update(bound or {})
    import itertools
    if not indices:
        return evaluator(tree)
    sizes = _index_ranges(tree, values)
    ranges = [range(1, (sizes[i] if i in sizes else _index_size(i, scene, point)) + 1)
              for i in indices]
    out = np.empty([len(r) for r in ranges])
    for combo in itertools.product(*ranges):
        evaluator.bound.update(dict(zip(indices, combo)))
        value = evaluator(tree)
        if shape_of(value):
            raise EvaluationError(f"each entry must be a number; this one is "
                                  f"{describe(shape_of(value))}")
        out[tuple(c - 1 for c in combo)] = value
    return out


def _index_ranges(tree, values):
    """{index: how far it runs}, from the arrays it indexes in the tree (k of w_k runs
    over w's entries)."""
    found = {}
    for n in _walk(tree):
        if n.kind == "name" and n.value[1]:
            name, sub = n.value
            rest = _array_indices(name, sub, values)
            if not rest or name == "delta":
                continue
            key = name + ("_" + "_".join(sub[:len(sub) - len(rest)]) if len(rest) < len(sub)
                          else "")
            shape = np.shape(values.get(key, ()))
            if len(shape) == 2 and shape[1] == 1:
                shape = shape[:1]
            for i, size in zip(rest, shape):
                if i.isalpha():
                    found.setdefault(i, int(size))
    return found


def _walk(node):
    yield node
    for a in node.args:
        yield from _walk(a)


def _index_size(index, scene, point):
    """How far a free index runs: the problem's declared range, else the size of the
    arrays it indexes (D for the entries of a D-vector)."""
    free = scene.problem.data.get("derive", {}).get("free", {})
    if index in free:
        return point.sizes[free[index]]
    sizes = list(point.sizes.values())
    squares = [v for n, v in point.values.items() if np.ndim(v) == 2 and not n.startswith("w_")]
    return int(np.shape(squares[0])[0]) if squares else int(sizes[0])


def _fix_tree(tree, scene, reading):
    """What a working writes that an answer would not: X_{ij} as the entry (i, j),
    x_{ij} for the entries of X (flagged), δ_k^i as δ_{ki}, f(x_i; w) with its parameter."""
    values = scene.points[0].values
    functions = scene.points[0].functions

    samples = scene.points[0].samples
    index = scene.problem.data.get("derive", {}).get("index")
    one_sample = _loose_sample(tree, samples, values)
    if one_sample:
        reading.one_sample = True
        _flag(reading, f"{one_sample} without the sample index {index} outside a sum: read as "
                       "one sample, compared only with lines written the same way")
    elif index and _loose_sample(tree, samples, values, indexed=index):
        reading.one_sample = True
        _flag(reading, f"x_{index} outside a sum over {index}: a line about one sample, "
                       "compared only with lines written the same way")

    def fix(n, bound=()):
        if n.kind in ("sum", "prod"):
            inner = bound + (n.value,)
            return Node(n.kind, (fix(n.args[0], bound), fix(n.args[1], bound),
                                fix(n.args[2], inner)), n.value, n.column)
        args = tuple(fix(a, bound) for a in n.args)
        if n.kind == "name" and index in bound and not n.value[1]:
            name = n.value[0]
            if name in samples:
                _flag(reading, f"{name} inside the sum over {index} read as {name}_{index}")
                return Node("name", (), (name, (index,)), n.column)
            if name in functions and name not in values:
                _flag(reading, f"{name} inside the sum over {index} read as {name}(x_{index})")
                return Node("call", (Node("name", (), ("x", (index,)), n.column),),
                            (name, None), n.column)
        if n.kind == "name" and n.value[0] == "sigma" and "sigma" not in values:
            raise WorkingError("σ without its argument (σ for σ(wᵀx_i)?); a person should "
                               "look at this line")
        if one_sample and not bound and n.kind == "name" and not n.value[1]:
            name = n.value[0]
            if name in samples:                      # x, y: the first sample's
                return Node("name", (), (name, ("1",)), n.column)
            if name in functions and name not in values:
                return Node("call", (Node("name", (), ("x", ("1",)), n.column),),
                            (name, None), n.column)
        if n.kind == "name":
            name, sub = n.value
            split = _split_letters(name, sub, values, scene)
            if split is not None:
                return fix(split, bound)
            if name == "delta" and sub and len(sub) == 1 and len(sub[0]) == 2:
                return Node("name", (), ("delta", tuple(sub[0])), n.column)
            if sub and len(sub) == 1 and len(sub[0]) == 2 and sub[0].isalnum():
                target = name if np.ndim(values.get(name, 0)) == 2 else name.upper()
                if np.ndim(values.get(target, 0)) == 2 and min(np.shape(values[target])) > 1:
                    if target != name:
                        _flag(reading, f"{name}_{{{sub[0]}}} read as the entry {target}_{{{sub[0]}}}"
                                       f" of {target}")
                    return Node("name", (), (target, tuple(sub[0])), n.column)
        if n.kind == "pow" and args[0].kind == "name" and args[0].value[0] == "delta" \
                and args[1].kind == "name" and not args[1].value[1]:
            first = args[0].value[1] or ()
            return Node("name", (), ("delta", tuple(first) + (args[1].value[0],)), n.column)
        if n.kind == "call" and isinstance(n.value, tuple) and n.value[0] in functions \
                and len(args) > 1:
            kept = tuple(a for a in args if not (a.kind == "name" and a.value[0] in values
                                                 and a.value[0].startswith(scene.wrt)
                                                 and not a.value[0].isupper()))
            return Node("call", kept, n.value, n.column)
        if n.kind == "call" and isinstance(n.value, tuple) and not n.value[1] and \
                n.value[0] in values and np.ndim(values[n.value[0]]) == 1 and \
                n.value[0] not in functions:
            _flag(reading, f"{n.value[0]}(…) read as the vector of its nodes {n.value[0]}")
            return Node("name", (), (n.value[0], None), n.column)
        if n.kind == "call" and isinstance(n.value, str):      # \sqrt{…}
            return Node("call", args, (n.value, None), n.column)
        return Node(n.kind, args, n.value, n.column)
    return fix(tree)


def _split_letters(name, sub, values, scene):
    """Xw, 2Xw, wX: one-letter names of the problem run together, read as a product
    (the subscript, if any, belongs to the last letter)."""
    if len(name) < 2 or name in values or name in scene.points[0].functions or \
            name in ("sigma", "eta", "delta", "lambda", "alpha", "beta", "mu", "epsilon",
                     "theta", "sum", "e"):
        return None
    samples = scene.points[0].samples
    if not all(ch in values or ch in samples for ch in name):
        return None
    letters = [Node("name", (), (ch, None)) for ch in name[:-1]] + \
        [Node("name", (), (name[-1], sub))]
    product = letters[0]
    for letter in letters[1:]:
        product = Node("mul", (product, letter))
    return product


def _array_indices(name, sub, values):
    """The indices of an entry: ('j',) for w_{2,j} of the array w_2, ('k', 'l') for
    X_{kl}; () for a name of its own (w_t) or a name that is no array."""
    if name == "delta":
        return tuple(sub)
    if f"{name}_{'_'.join(sub)}" in values:
        return ()
    for k in range(len(sub), -1, -1):
        key = name + ("_" + "_".join(sub[:k]) if k else "")
        if key in values and np.ndim(values[key]) > 0:
            return tuple(sub[k:])
    return ()


def _loose_sample(tree, samples, values, bound=(), indexed=None):
    """The first sample name written without its index outside any sum (x in wᵀx), or
    with `indexed`, with that index where no sum binds it (x_i); None when there is none."""
    if tree.kind in ("sum", "prod"):
        return _loose_sample(tree.args[2], samples, values, bound + (tree.value,), indexed)
    if tree.kind == "name" and tree.value[0] in samples and not bound:
        name, sub = tree.value
        if indexed is None and not sub and name not in values:
            return name
        if indexed is not None and sub == (indexed,):
            return name
    for a in tree.args:
        found = _loose_sample(a, samples, values, bound, indexed)
        if found:
            return found
    return None


def _flag(reading, text):
    if text not in reading.flags:
        reading.flags.append(text)


def _calls_problem_functions(tree, scene):
    functions = scene.points[0].functions
    if tree.kind == "call" and isinstance(tree.value, tuple) and tree.value[0] in functions:
        return True
    if tree.kind == "name" and tree.value[0] in functions:
        return True
    return any(_calls_problem_functions(a, scene) for a in tree.args)


def _unbound_indices(tree, scene, bound=(), order=()):
    """Index letters used for entries (w_k, X_{kl}, δ_ik) and bound by no sum: the free
    indices of a line in index notation, in the order its chain's left-hand side gives
    them (∂/∂A_pq: p, q), then the problem's, then of appearance."""
    values = scene.points[0].values
    sample = scene.problem.data.get("derive", {}).get("index")
    found = []

    def walk(n, bound):
        if n.kind in ("sum", "prod"):
            lower, upper, body = n.args
            walk(body, bound + (n.value,))
            return
        if n.kind == "entry":                    # [X w]_k: the bracket's entry k
            found.extend(i for i in n.value if i.isalpha() and len(i) == 1 and i not in bound
                         and i not in found and i not in values)
        if n.kind in ("name", "call") and isinstance(n.value, tuple) and n.value[1]:
            name, sub = n.value
            rest = _array_indices(name, sub, values)
            if n.kind == "call":
                rest = tuple(sub) if name in scene.points[0].functions else ()
            if name in scene.points[0].samples and sub == (sample,):
                rest = ()                        # y_i is sample i's label, not an entry
            if rest:
                for i in rest:
                    if i.isalpha() and len(i) == 1 and i not in bound and i not in found \
                            and i not in values:
                        found.append(i)
        for a in n.args:
            walk(a, bound)
    walk(tree, tuple(bound))
    declared = list(scene.problem.data.get("derive", {}).get("entry", [])) + \
        list(scene.problem.data.get("derive", {}).get("free", {}))
    return tuple(sorted(found, key=lambda i: (order.index(i) if i in order else len(order),
                                              declared.index(i) if i in declared else 99,
                                              found.index(i))))


NOTATION = {   # how a tree is shown: to the student, and back to the answers' reader
    False: {"mul": "{} {}", "div": "{}/{}", "pow": "{}^{}", "transpose": "{}ᵀ", "inv": "{}⁻¹",
            "sum": "Σ_{{{}={}}}^{{{}}} {}", "names": {"sigma": "σ", "eta": "η", "delta": "δ",
                                                     "lambda": "λ", "log": "ln",
                                                     GRADIENT: "(the derivative)"}},
    True: {"mul": "{} * {}", "div": "{} / {}", "pow": "{}^{{{}}}", "transpose": "{}^T",
           "inv": "{}^{{-1}}", "sum": "sum_{{{}={}}}^{{{}}} ({})", "names": {}},
}


def _show(tree, outer=0, plain=False):
    """A tree in the course's notation, to say how a side was read: (X + Xᵀ) w; `plain`:
    in the notation the answers' reader takes back (2 * X^T, sum_{i=1}^{N} (…))."""
    k, a, style = tree.kind, tree.args, NOTATION[plain]
    level = {"add": 1, "sub": 1, "neg": 1, "mul": 2, "div": 2, "sum": 1}.get(k, 3)
    if k == "mul" and tree.value == "odot":      # a ⊙ b binds looser than a b
        level = 1.5
    tight = 4                                    # a power's base, a transpose's argument
    if k == "num":
        text = repr(tree.value) if plain or not isinstance(tree.value, float) \
            else f"{tree.value:g}"
    elif k in ("name", "call"):
        name, sub = tree.value if isinstance(tree.value, tuple) else (tree.value, None)
        text = style["names"].get(name, name)
        if sub:
            text += f"_{sub[0]}" if len(sub) == 1 and len(sub[0]) == 1 and not plain \
                else f"_{{{','.join(sub)}}}"
        if k == "call":
            text += f"({', '.join(_show(x, 0, plain) for x in a)})"
    elif k in ("add", "sub"):
        text = f"{_show(a[0], 1, plain)} {'+' if k == 'add' else '-'} {_show(a[1], 2, plain)}"
    elif k == "neg":
        text = f"-{_show(a[0], 2, plain)}"
    elif k == "mul" and tree.value == "inner":
        text = (r"\langle {}, {} \rangle" if plain else "⟨{}, {}⟩").format(
            _show(a[0], 0, plain), _show(a[1], 0, plain))
        level = 3
    elif k in ("mul", "div"):
        left = 1 if a[0].kind == "neg" else 2     # -(X + Xᵀ) w: the sign of the product
        form = style[k]
        if k == "mul" and tree.value in ("odot", "dot"):     # a ⊙ b, a · b: not a b
            form = {"odot": " \\odot ", "dot": " \\cdot "}[tree.value] if plain else \
                {"odot": " ⊙ ", "dot": " · "}[tree.value]
            form = "{}" + form + "{}"
        text = form.format(_show(a[0], left, plain), _show(a[1], 3, plain))
    elif k == "pow":
        text = style[k].format(_show(a[0], tight, plain), _show(a[1], 3 if not plain else 0, plain))
    elif k in ("transpose", "inv"):
        text = style[k].format(_show(a[0], tight, plain))
    elif k == "entry":                           # [X w]_k
        text = f"[{_show(a[0], 0, plain)}]_{{{','.join(tree.value)}}}"
    elif k == "prod":                            # ∏_{i=1}^{N} …
        text = style["sum"].format(tree.value, _show(a[0], 0, plain), _show(a[1], 0, plain),
                                   _show(a[2], 2 if not plain else 0, plain))
        text = text.replace("Σ", "∏", 1) if not plain else "prod" + text[3:]
    elif k == "sum" and a[1].kind == "range":   # \sum_i: its range is the problem's
        body = _show(a[2], 2 if not plain else 0, plain)
        text = f"\\sum_{{{tree.value}}} ({body})" if plain else f"Σ_{tree.value} {body}"
    elif k == "sum":
        text = style[k].format(tree.value, _show(a[0], 0, plain), _show(a[1], 0, plain),
                               _show(a[2], 2 if not plain else 0, plain))
    else:
        text = k
    wrap = k not in ("name", "num", "call") if outer == 4 else level < outer
    return f"({text})" if wrap else text
