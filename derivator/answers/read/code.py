"""Python, NumPy and PyTorch as typed in a notebook, read with NumPy's meaning: `*` and `**`
entrywise, `@`, `np.dot` and `np.matmul` matrix products. The text is parsed by Python's
own `ast` module, which builds a syntax tree and never runs anything; the tree is then
translated, node by node, into the one tree the judge reads (parse.Node).

    looks_like_code(text) -> bool
    read_code(text, names) -> (Node, guesses)

A notebook's names are mapped to the problem's (`lr` and `alpha` for η, `w2[j]` for
w_{2,j}, `X[i]` for x_i) and each mapping is returned as a guess, to be shown in `read as`.
Anything that is not an expression of mathematics (a call to anything else, an unknown
attribute, an assignment chain, a lambda) is an AnswerError saying so.
"""
import ast
import re

from .parse import (FUNCTIONS, GREEK, MAX_DEPTH, MAX_LENGTH, AnswerError, Node,
                    _check_exponent, tree_depth)

MARKS = re.compile(r"@|\*\*|\.T\b|\b(?:np|numpy|torch|scipy|jnp|tf)\s*\.|\.(?:sum|mean|dot|"
                   r"transpose)\s*\(|\blr\b|\blearning_rate\b|\w\[\s*[\w:,\s]+\]"
                   r"|\bimport\b|\blambda\b|__|\b(?:exec|eval|open|print)\s*\("
                   r"|\b(?:for|while|def|class|return|if|with|try)\b[^:]*:"
                   r"|\b[A-Za-z_]\w*\.[A-Za-z_]\w*\s*\(")
NAMESPACES = {"np", "numpy", "torch", "scipy", "jnp", "special", "linalg", "F", "nn",
              "functional", "math", "tf"}
ELEMENTWISE = {"exp": "exp", "log": "log", "tanh": "tanh", "sqrt": "sqrt", "sigmoid": "sigma",
               "expit": "sigma", "sigma": "sigma", "relu": "relu", "softplus": "softplus",
               "abs": "abs", "trace": "tr", "tr": "tr", "diag": "diag", "softmax": "softmax",
               "det": "det", "log1p": None, "norm": "norm"}
# reshapes of a vector: the checker's vectors are columns, so they change nothing
SHAPE_ONLY = {"reshape", "ravel", "flatten", "squeeze", "view", "unsqueeze", "expand_dims"}
KNOWN_CALLS = SHAPE_ONLY | {"dot", "matmul", "mm", "mv", "inner", "transpose", "t", "inv", "solve", "pinv",
               "outer", "eye", "identity", "sum", "mean", "matrix_power", "square", "log1p",
               "power", "ones", "ones_like"}
RATES = {"lr", "alpha", "learning_rate", "eta", "step_size", "rate"}


class NotPython(AnswerError):
    """Not Python at all (a syntax error): another dialect may read it."""


def looks_like_code(text):
    """Code has marks that neither LaTeX nor the course's plain notation has."""
    if "\\" in text or "^" in text or re.search(r"[^\x00-\x7f]", text):
        return False
    return bool(MARKS.search(text))


def read_code(text, names):
    """(tree, guesses) of an answer written as Python; AnswerError when it is not one
    expression of mathematics."""
    if len(text) > MAX_LENGTH:
        raise AnswerError(f"the answer is {len(text)} characters long; at most {MAX_LENGTH}")
    source = text.strip().rstrip(";")
    try:
        module = ast.parse(source, mode="exec")
    except SyntaxError as error:
        raise NotPython(f"this is not Python that reads: {error.msg}", error.offset) from None
    except (RecursionError, MemoryError, ValueError):
        raise AnswerError("the answer nests too deep to be read") from None
    if len(module.body) != 1:
        raise AnswerError("write one expression, not several statements")
    statement = module.body[0]
    lhs = None
    if isinstance(statement, ast.Assign):
        if len(statement.targets) != 1:
            raise AnswerError("an assignment chain (a = b = …) is not an answer: write one "
                              "expression", statement.col_offset + 1)
        lhs, expression = statement.targets[0], statement.value
    elif isinstance(statement, ast.Expr):
        expression = statement.value
    elif isinstance(statement, ast.AugAssign) and isinstance(statement.op, (ast.Sub, ast.Add)):
        lhs = statement.target                  # w -= lr * g: w = w - lr * g
        expression = ast.BinOp(statement.target, statement.op, statement.value)
        ast.copy_location(expression, statement.value)
    else:
        raise AnswerError(f"a Python {type(statement).__name__.lower()} statement is not an "
                          "answer: write one expression", statement.col_offset + 1)
    reader = _Reader(names)
    tree = reader.node(expression, 0)
    if tree_depth(tree) > 4 * MAX_DEPTH:
        raise AnswerError("the answer nests too deep to be read")
    left = ast.get_source_segment(source, lhs) if lhs is not None else None
    return tree, reader.guesses, left


class _Reader:
    def __init__(self, names):
        self.names = dict(names or {})
        self.guesses = []

    def guess(self, text):
        if text not in self.guesses:
            self.guesses.append(text)

    def node(self, n, depth):
        if depth > MAX_DEPTH:
            raise AnswerError(f"more than {MAX_DEPTH} levels of nesting", _col(n))
        method = getattr(self, "read_" + type(n).__name__, None)
        if method is None:
            raise AnswerError(f"{_what(n)} is not mathematics the checker reads", _col(n))
        return method(n, depth + 1)

    # --- leaves -------------------------------------------------------------------
    def read_Constant(self, n, depth):
        if isinstance(n.value, bool) or not isinstance(n.value, (int, float)):
            raise AnswerError(f"{n.value!r} is not a number", _col(n))
        return Node("num", value=n.value, column=_col(n))

    def read_Name(self, n, depth):
        return self.name(n.id, _col(n))

    def name(self, identifier, column, index=None):
        """A notebook's identifier as the problem's name: lr -> eta, w2 -> w_2, x_i."""
        base, sub = identifier, ()
        if identifier in RATES and "eta" in self.names and identifier != "eta":
            self.guess(f"{identifier} read as η")
            base = "eta"
        elif identifier not in self.names:
            m = re.fullmatch(r"([A-Za-z]+?)_?(\d+|[a-z]|t|old|new)", identifier)
            if m and m.group(1) in self.names:
                base, sub = m.group(1), (m.group(2),)
            elif m and m.group(1).lower() in self.names:     # W2 for w_2
                self.guess(f"{identifier} read as {m.group(1).lower()}_{m.group(2)}")
                base, sub = m.group(1).lower(), (m.group(2),)
            elif identifier.lower() in self.names and identifier.lower() != identifier \
                    and identifier.upper() != identifier.lower():
                self.guess(f"{identifier} read as {identifier.lower()}")
                base = identifier.lower()
        if index:
            if base == "X" and "x" in self.names and len(index) == 1:
                self.guess(f"{identifier}[{index[0]}] read as x_{index[0]}")
                base, sub = "x", tuple(index)
            else:
                sub = sub + tuple(index)
                if len(sub) > 1 or base not in self.names:
                    self.guess(f"{identifier}[{']['.join(index)}] read as "
                               f"{base}_{{{','.join(sub)}}}")
        return Node("name", value=(base, sub or None), column=column)

    def scalar(self, node):
        """A rate, a size or an exponent (η, N, k): `*` by it only scales. (Other names may
        be a vector and a scalar at once, y and y_i: their `*` stays entrywise, which a
        scalar does not mind.)"""
        return node.kind == "name" and not node.value[1] and (
            node.value[0] in GREEK or self.names.get(node.value[0]) in ("size", "natural"))

    # --- operators ------------------------------------------------------------------
    def read_BinOp(self, n, depth):
        op, column = type(n.op).__name__, _col(n)
        if op == "Mult":
            ones = [x for x in (n.left, n.right) if _ones(x)]
            if ones:                    # M * np.ones(…): each entry times 1
                other = n.right if ones[0] is n.left else n.left
                self.guess(f"{ast.unparse(ones[0])[:40]} read as 1 (entrywise by ones)")
                return self.node(other, depth)
            views = [x for x in (n.left, n.right) if _is_column_view(x)]
            if len(views) == 1:         # r[:, None] * M: row k of M times r_k
                other = n.right if views[0] is n.left else n.left
                r, m = self.node(views[0].value, depth), self.node(other, depth)
                self.guess(f"{ast.unparse(views[0])[:40]} * M read as diag(r) M (NumPy "
                           "broadcasting: row k of M times r_k)")
                return Node("mul", (Node("call", (r,), value=("diag", None), column=column),
                                    m), column=column)
        a, b = self.node(n.left, depth), self.node(n.right, depth)
        if op == "Add":
            return Node("add", (a, b), column=column)
        if op == "Sub":
            return Node("sub", (a, b), column=column)
        if op == "MatMult":         # of two vectors, NumPy's @ is the inner product
            return Node("mul", (a, b), value="dot", column=column)
        if op == "Mult":            # NumPy's *: entrywise, a scalar scales
            scalar = any(x.kind == "num" or self.scalar(x) for x in (a, b))
            return Node("mul", (a, b), value=None if scalar else "odot", column=column)
        if op == "Div":
            return Node("div", (a, b), column=column)
        if op == "Pow":
            if b.kind == "num" and not isinstance(b.value, int) and \
                    not float(b.value).is_integer():
                raise AnswerError("only whole-number powers are read", column)
            _check_exponent(b, column)          # 9**9**9 never ends: refused, as in LaTeX
            return Node("pow", (a, b), value="entrywise", column=column)
        raise AnswerError(f"the operator {_OPERATORS.get(op, op)} is not mathematics here",
                          column)

    def read_UnaryOp(self, n, depth):
        value = self.node(n.operand, depth)
        if isinstance(n.op, ast.USub):
            return Node("neg", (value,), column=_col(n))
        if isinstance(n.op, ast.UAdd):
            return value
        raise AnswerError(f"{type(n.op).__name__} is not mathematics here", _col(n))

    def read_Attribute(self, n, depth):
        if n.attr == "T" or n.attr == "mT":
            return Node("transpose", (self.node(n.value, depth),), column=_col(n))
        raise AnswerError(f"the attribute .{n.attr} is not one the checker reads (only .T, "
                          ".sum(), .mean(), .dot(), .transpose())", _col(n))

    def read_Subscript(self, n, depth):
        """w2[j] is w_{2,j}, X[i] is x_i, W[1][j, m] is w_{1,j,m}: indices written plainly."""
        if isinstance(n.value, ast.Call) and _dotted(n.value.func).endswith("lstsq") and \
                isinstance(n.slice, ast.Constant) and n.slice.value == 0:
            if len(n.value.args) != 2:          # lstsq(X, y)[0]: the least-squares solution
                raise AnswerError("lstsq takes 2 arguments here", _col(n))
            a, b = (self.node(x, depth) for x in n.value.args)
            return Node("mul", (self.call("pinv", [a], None, _col(n)), b), column=_col(n))
        if _column_view(n.slice):               # r[:, None]: vectors are columns already
            return self.node(n.value, depth)
        index, target = [], n
        while isinstance(target, ast.Subscript):
            inner = target.slice
            parts = inner.elts if isinstance(inner, ast.Tuple) else [inner]
            index = [_index(p) for p in parts] + index
            target = target.value
        if not isinstance(target, ast.Name):
            raise AnswerError("only a name can be indexed (w2[j], X[i])", _col(n))
        return self.name(target.id, _col(n), index)

    def read_Call(self, n, depth):
        called = n.func.attr if isinstance(n.func, ast.Attribute) else _dotted(n.func)
        if called in ("sum", "np.sum", "numpy.sum") and len(n.args) == 1 and not n.keywords \
                and isinstance(n.args[0], ast.GeneratorExp):
            return self.generator_sum(n.args[0], depth)
        if called.split(".")[-1] in ("ones", "ones_like"):
            raise AnswerError(f"{called}(…) is read only as a factor of an entrywise "
                              "product (M * np.ones(…))", _col(n))
        if not self.known(called):              # os.system(…): said before its arguments
            chained = isinstance(n.func, ast.Attribute) and isinstance(n.func.value, ast.Call)
            raise AnswerError(f"{called if chained else _dotted(n.func)}(…) is not a function "
                              "the checker reads as mathematics", _col(n))
        args = [self.node(a, depth) for a in n.args]
        keywords = {k.arg: k.value for k in n.keywords}
        column = _col(n)
        method = isinstance(n.func, ast.Attribute) and not _namespace(n.func.value)
        if method:                                   # v.sum(), A.dot(b), A.transpose()
            this = self.node(n.func.value, depth)
            args = [this] + args
            name = n.func.attr
        else:
            name = _dotted(n.func).split(".")[-1]
        if name in SHAPE_ONLY:
            keywords = {}
            args = args[:1]
        if set(keywords) - {"axis", "keepdims", "dim", "rcond"}:
            raise AnswerError(f"{name}(… {', '.join(sorted(keywords))}=…) is not read",
                              column)
        axis = _axis(keywords.get("axis", keywords.get("dim")), column)
        return self.call(name, args, axis, column)

    def generator_sum(self, g, depth):
        """sum(f(X[i]) * X[i] for i in range(N)): Σ_{i=1}^{N}, the index as written."""
        column = _col(g)
        comp = g.generators[0] if len(g.generators) == 1 else None
        size = comp and isinstance(comp.iter, ast.Call) and _dotted_or_none(comp.iter.func) \
            == "range" and len(comp.iter.args) == 1 and not comp.iter.keywords and \
            comp.iter.args[0]
        if not comp or comp.ifs or comp.is_async or not isinstance(comp.target, ast.Name) \
                or not re.fullmatch(r"[a-z]", comp.target.id) or \
                not isinstance(size, ast.Name) or \
                self.names.get(size.id) not in ("size", "natural"):
            raise AnswerError("a generator is read only as sum(… for i in range(N)), N one "
                              f"of this problem's sizes ({', '.join(self.sizes()) or '-'})",
                              column)
        index = comp.target.id
        body = self.node(g.elt, depth)
        self.guess(f"sum(… for {index} in range({size.id})) read as Σ_{{{index}=1}}^{{{size.id}}}")
        return Node("sum", (Node("num", value=1, column=column),
                            Node("name", value=(size.id, None), column=column), body),
                    value=index, column=column)

    def sizes(self):
        return sorted(n for n, kind in self.names.items() if kind == "size")

    def call(self, name, args, axis, column):
        def arity(k):
            if len(args) != k:
                raise AnswerError(f"{name} takes {k} argument{'s' * (k > 1)} here, not "
                                  f"{len(args)}", column)
        if name in SHAPE_ONLY and args:              # v.reshape(-1, 1), v.ravel(): a column
            return args[0]
        if name in ("dot", "matmul", "mm", "mv", "inner") and len(args) == 2:
            a, b = args
            return Node("mul", (a, b), value="inner" if name == "inner" else "dot",
                        column=column)
        if name in ("transpose", "t"):
            arity(1)
            return Node("transpose", tuple(args), column=column)
        if name == "inv":
            arity(1)
            return Node("inv", tuple(args), column=column)
        if name == "solve":                          # solve(A, b) = A⁻¹ b
            arity(2)
            return Node("mul", (Node("inv", (args[0],), column=column), args[1]),
                        column=column)
        if name == "pinv":                           # full column rank: (AᵀA)⁻¹Aᵀ
            arity(1)
            a = args[0]
            at = Node("transpose", (a,), column=column)
            self.guess("pinv(A) read as (AᵀA)⁻¹Aᵀ (A of full column rank)")
            return Node("mul", (Node("inv", (Node("mul", (at, a), column=column),),
                                     column=column), at), column=column)
        if name == "outer":
            arity(2)
            return Node("mul", (args[0], Node("transpose", (args[1],), column=column)),
                        column=column)
        if name in ("eye", "identity"):
            return Node("name", value=("I", None), column=column)
        if name in ("sum", "mean"):
            arity(1)
            return self.total(name, args[0], axis, column)
        if name == "matrix_power":
            arity(2)
            return Node("pow", tuple(args), column=column)
        if name == "square":
            arity(1)
            return Node("pow", (args[0], Node("num", value=2, column=column)),
                        value="entrywise", column=column)
        if name == "log1p":
            arity(1)
            one = Node("num", value=1, column=column)
            return Node("call", (Node("add", (one, args[0]), column=column),),
                        value=("log", None), column=column)
        if name == "power":
            arity(2)
            return Node("pow", tuple(args), value="entrywise", column=column)
        if name in ELEMENTWISE and ELEMENTWISE[name]:
            arity(1)
            return Node("call", tuple(args), value=(ELEMENTWISE[name], None), column=column)
        known = [n for n, kind in self.names.items() if kind == "function"]
        if name in known or name in FUNCTIONS and name in self.names:
            return Node("call", tuple(args), value=(name, None), column=column)
        raise AnswerError(f"{name}(…) is not a function the checker reads as mathematics",
                          column)

    def known(self, name):
        functions = [n for n, kind in self.names.items() if kind == "function"]
        return name in KNOWN_CALLS or name in ELEMENTWISE or name in functions

    def total(self, name, v, axis, column):
        """Σ of the entries: np.sum(a * b) is ⟨a, b⟩; v.sum() is 𝟙ᵀv; M.sum(axis=0) is
        (𝟙ᵀM)ᵀ, one entry per column; M.sum(axis=1) is (𝟙ᵀMᵀ)ᵀ, one per row."""
        ones = Node("transpose", (Node("num", value=1, column=column),), column=column)
        if axis is None and v.kind == "mul" and v.value == "odot":
            summed = Node("mul", v.args, value="inner", column=column)
        elif axis is None:
            summed = Node("mul", (ones, v), column=column)
        else:
            along = v if axis == 0 else Node("transpose", (v,), column=column)
            summed = Node("transpose", (Node("mul", (ones, along), column=column),),
                          column=column)
        if name == "sum":
            return summed
        if axis is not None:                # the count of rows summed: ⟨𝟙ᵀA⁰, 𝟙ᵀA⁰⟩ / ⟨A⁰, A⁰⟩
            self.guess(f"mean(M, axis={axis}) read as the sum over axis {axis} divided by "
                       "the number of entries summed")
            return Node("div", (summed, _count(along, column)), column=column)
        count = Node("mul", (ones, Node("pow", (v, Node("num", value=0, column=column)),
                                        value="entrywise", column=column)), column=column)
        self.guess("mean(v) read as Σ v / (the number of entries of v)")
        return Node("div", (summed, count), column=column)


_OPERATORS = {"BitXor": "^ (in Python, exclusive or: write ** for a power)", "Mod": "%",
              "FloorDiv": "//", "BitAnd": "&", "BitOr": "|", "LShift": "<<", "RShift": ">>"}


def _count(a, column):
    """The number of rows of a as a tree: with r = 𝟙ᵀa⁰ (a row of R's, C of them),
    ⟨r, r⟩ / ⟨a⁰, a⁰⟩ = C R² / (R C) = R (a⁰: every entry of a raised to 0, so 1)."""
    zero = Node("pow", (a, Node("num", value=0, column=column)), value="entrywise",
                column=column)
    ones = Node("transpose", (Node("num", value=1, column=column),), column=column)
    row = Node("mul", (ones, zero), column=column)
    return Node("div", (Node("mul", (row, row), value="inner", column=column),
                        Node("mul", (zero, zero), value="inner", column=column)),
                column=column)


def _ones(n):
    """np.ones(shape), torch.ones_like(v): a call of ones, any namespace."""
    return isinstance(n, ast.Call) and _dotted_or_none(n.func) is not None and \
        _dotted_or_none(n.func).split(".")[-1] in ("ones", "ones_like")


def _is_column_view(n):
    return isinstance(n, ast.Subscript) and _column_view(n.slice) and \
        isinstance(n.slice, ast.Tuple)


def _dotted_or_none(func):
    try:
        return _dotted(func)
    except AnswerError:
        return None


def _col(n):
    return getattr(n, "col_offset", 0) + 1


def _what(n):
    kind = type(n).__name__
    return {"Lambda": "a lambda", "Compare": "a comparison", "BoolOp": "and/or",
            "IfExp": "an if-expression", "ListComp": "a list comprehension",
            "GeneratorExp": "a generator", "List": "a list", "Tuple": "a tuple",
            "Dict": "a dict", "Starred": "*args", "JoinedStr": "an f-string",
            "NamedExpr": ":="}.get(kind, f"a Python {kind}")


def _dotted(func):
    parts = []
    while isinstance(func, ast.Attribute):
        parts.append(func.attr)
        func = func.value
    if isinstance(func, ast.Name):
        parts.append(func.id)
        return ".".join(reversed(parts))
    if isinstance(func, ast.Call):
        raise AnswerError("a call of a call's result is not read", _col(func))
    raise AnswerError("this call is not mathematics the checker reads", _col(func))


def _namespace(value):
    """np, np.linalg, torch.nn.functional, scipy.special: a module, not a value."""
    while isinstance(value, ast.Attribute):
        value = value.value
    return isinstance(value, ast.Name) and value.id in NAMESPACES


def _column_view(part):
    """[:, None], [:, np.newaxis], [..., None]: a 1-D vector made a column."""
    parts = part.elts if isinstance(part, ast.Tuple) else [part]
    kinds = ["none" if isinstance(p, ast.Constant) and p.value is None
             or isinstance(p, ast.Attribute) and p.attr == "newaxis" else
             "all" if isinstance(p, ast.Slice) and p.lower is p.upper is p.step is None
             or isinstance(p, ast.Constant) and p.value is Ellipsis else "other" for p in parts]
    return kinds in (["all", "none"], ["all"])


def _index(part):
    if isinstance(part, ast.Name) and re.fullmatch(r"[a-z]", part.id):
        return part.id
    if isinstance(part, ast.Constant) and isinstance(part.value, int) and 0 <= part.value < 1000:
        return str(part.value)
    if isinstance(part, ast.BinOp) and isinstance(part.op, (ast.Add, ast.Sub)) and \
            isinstance(part.left, ast.Name) and isinstance(part.right, ast.Constant):
        return f"{part.left.id}{'+' if isinstance(part.op, ast.Add) else '-'}{part.right.value}"
    raise AnswerError("an index must be a letter or a number (w2[j], X[i])", _col(part))


def _axis(node, column):
    if node is None:
        return None
    if isinstance(node, ast.Constant) and node.value in (0, 1) and \
            not isinstance(node.value, bool):
        return node.value
    raise AnswerError("axis must be 0 or 1", column)
