"""Evaluating a parsed answer with numbers: every name a problem declares gets random
values (matrices never symmetric, non-square where the shapes allow), and the tree is
computed with NumPy. Vectors are columns, so wᵀ and w differ as they should.
"""
import numpy as np


MAX_SUM_TERMS = 10_000
CURRENT = {"old", "prev", "curr", "current", "(t)"}     # w_{old}: the weights being updated
# One budget for a whole check (every point, both sizes, the notes): nested sums multiply,
# and past this the answer is refused, not run. The costliest right answer in the tests
# takes about 21,000 operations.
MAX_OPERATIONS = 400_000
SINGULAR = 1e12            # a condition number past this: the matrix is taken as singular


class EvaluationError(ValueError):
    """The answer reads but cannot be computed: shapes that do not fit, an unknown name."""

    def __init__(self, message, column=None, unreadable=False):
        super().__init__(message if column is None else f"column {column}: {message}")
        self.unreadable = unreadable
        self.column = column


def sigmoid(z):
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1, e) / (1 + e)


def sigmoid_derivative(z):
    s = sigmoid(z)
    return s * (1 - s)


ELEMENTWISE = {"exp": np.exp, "log": np.log, "sigma": sigmoid, "sqrt": np.sqrt,
               "tanh": np.tanh, "dsigma": sigmoid_derivative,
               "dtanh": lambda z: 1 - np.tanh(z) ** 2,
               "softplus": lambda z: np.logaddexp(0, z), "relu": lambda z: np.maximum(z, 0),
               "step": lambda z: np.heaviside(z, 0),
               "sin": np.sin, "cos": np.cos, "tan": np.tan}
ELEMENTWISE.update({"cosh": np.cosh, "sinh": np.sinh})      # log-cosh regression (issue 21)


def _softmax(v):
    flat = np.ravel(v)
    e = np.exp(flat - np.max(flat))
    return (e / e.sum()).reshape(np.shape(v))


# functions of a whole vector: diag(v) is the matrix with v on its diagonal
VECTOR_FUNCTIONS = {"diag": lambda v: np.diagflat(np.ravel(v)), "softmax": _softmax}


class Identity:
    """I, the identity matrix, times a number: its size is the one its neighbour needs
    (λI + XᵀX), so it is kept apart until it meets a square matrix."""

    def __init__(self, scale=1.0):
        self.scale = scale

    def sized(self, other, n):
        if not shape_of(other) or shape_of(other)[0] != shape_of(other)[1]:
            raise EvaluationError(f"I is combined with {describe(shape_of(other))}: only a "
                                  "square matrix gives it a size", n.column)
        return self.scale * np.eye(shape_of(other)[0])


class OnesRow:
    """𝟙ᵀ (a transposed 1: the row of ones) times a number: 𝟙ᵀv is the sum of v's entries,
    so its length is the one of what it multiplies."""

    def __init__(self, scale=1.0):
        self.scale = scale


def _no_identity(n, *values):
    if any(isinstance(v, Identity) for v in values):
        raise EvaluationError("the size of I cannot be known here: write it added to, or "
                              "multiplied by, a square matrix", n.column)
    if any(isinstance(v, OnesRow) for v in values):
        raise EvaluationError("the length of 𝟙ᵀ cannot be known here: write it before a "
                              "vector or a matrix (𝟙ᵀv is the sum of v's entries)", n.column)


def shape_of(value):
    if type(value) is float:                  # most values are numbers: the fast way out
        return ()
    shape = getattr(value, "shape", None)     # an array's own shape: np.ndim is slower
    if isinstance(shape, tuple):
        return shape
    return () if np.ndim(value) == 0 else np.shape(value)


def describe(shape, names=None):
    """(3, 1) -> 'a 3×1 column vector' (names: sizes by value, to write D×1)."""
    if shape == () or shape == (1, 1):
        return "a scalar"
    if len(shape) != 2:                 # entries by free indices (h_j of 7a): no rows, columns
        return (f"{'×'.join(str(n) for n in shape)} entries (one for each value of its "
                "free indices)")
    rows, cols = shape
    if names:
        rows, cols = names.get(rows, rows), names.get(cols, cols)
    if shape[1] == 1:
        return f"a {rows}×1 column vector"
    if shape[0] == 1:
        return f"a 1×{cols} row vector"
    return f"a {rows}×{cols} matrix"


class Budget:
    """Operations left for one check, shared by every evaluation it makes."""

    def __init__(self, operations=MAX_OPERATIONS):
        self.left = operations

    def spend(self, count, column):
        self.left -= count
        if self.left < 0:
            raise EvaluationError("the answer takes too many operations to evaluate (sums "
                                  "nested too deep or too long, or powers too large)",
                                  column, unreadable=True)


def _times_ones(a, b, n):
    """c 𝟙ᵀ is a scaled row of ones; 𝟙ᵀ v sums v's entries, 𝟙ᵀ M sums M's columns."""
    if isinstance(a, OnesRow) and not isinstance(b, OnesRow) and shape_of(b) and \
            n.value is None:
        return _squeeze(a.scale * np.sum(b, axis=0, keepdims=True))
    if not shape_of(a) and isinstance(b, OnesRow):
        return OnesRow(a * b.scale)
    if isinstance(a, OnesRow) and not shape_of(b) and not isinstance(b, OnesRow):
        return OnesRow(a.scale * b)
    _no_identity(n, a if isinstance(a, OnesRow) else b)


def _times_identity(a, b, n):
    """I times a number is a scaled I; I times a vector or a matrix is that vector or
    matrix (scaled); I ⊙ M keeps M's diagonal."""
    if n.value == "odot":
        matrix, eye = (b, a) if isinstance(a, Identity) else (a, b)
        return eye.sized(matrix, n) * matrix
    if isinstance(a, Identity) and isinstance(b, Identity):
        return Identity(a.scale * b.scale)
    eye, other = (a, b) if isinstance(a, Identity) else (b, a)
    if not shape_of(other):
        return Identity(eye.scale * other)
    return eye.scale * other


class Evaluator:
    """values: name -> number or array; samples: name -> (N, ...) array indexed by i;
    functions: name -> callable on the evaluated arguments."""

    def __init__(self, values, samples=None, functions=None, known=(), shapes_only=False,
                 budget=None):
        self.values = values
        self.budget = budget or Budget()
        self.shapes_only = shapes_only      # a first pass for shapes: nothing is inverted
        self.samples = samples or {}
        self.functions = functions or {}
        self.bound = {}
        self.sample_sums = []               # the indices of the sums over samples running
        self.over_samples = {}              # id of a sum's node -> whether it is over samples
        self._at = None                     # the name being evaluated
        self.known = known

    def __call__(self, node):
        with np.errstate(all="ignore"):
            value = self.eval(node)
        _no_identity(node, value)
        return _squeeze(value)

    def eval(self, n):
        self.budget.spend(1, n.column)
        method = getattr(self, "eval_" + n.kind, None)
        if method is None:              # a form the reader takes but numbers cannot
            raise EvaluationError(f"{n.kind} cannot be computed in an answer", n.column,
                                  unreadable=True)
        return method(n)

    def eval_num(self, n):
        return float(n.value)

    def eval_name(self, n):
        name, sub = n.value
        if sub and len(sub) == 1 and len(sub[0]) == 2 and sub[0].isalpha() and \
                name in self.samples and all(c in self.bound for c in sub[0]):
            sub = tuple(sub[0])                  # x_{id}, both indices bound: x_{i,d}
        if sub and len(sub) == 2 and name in self.samples:            # x_{i,d}: a component
            i, d = (self._position(k) for k in sub)
            if i is not None and d is not None:
                written = f"{name}_{{{sub[0]},{sub[1]}}}"
                sample = self._sample(name, i, sub[0], n, written)
                entries = np.ravel(sample)
                self._in_range(d, len(entries), written, sub[1], n)
                return float(entries[d])
        if sub and len(sub) == 1 and name in self.samples:
            if sub[0] in self.bound or sub[0].isdigit():
                return self._sample(name, self._position(sub[0]), sub[0], n)  # x_i in a sum
            if self.sample_sums:                 # y_j inside the sum over the samples i
                raise EvaluationError(f"{name}_{sub[0]}: {sub[0]} is not summed over; inside "
                                      f"the sum over {self.sample_sums[-1]}, that sample is "
                                      f"{name}_{self.sample_sums[-1]}", n.column)
            return self.samples[name][0]         # x_i outside a sum: one sample, the first
        key = name if not sub else f"{name}_{'_'.join(sub)}"
        for candidate in (key, name + "_" + "".join(sub or ())):
            if candidate in self.values:
                return self.values[candidate]
        if name == "delta" and "delta" not in self.values:      # Kronecker's δ_{ij}
            indices = tuple(sub[0]) if sub and len(sub) == 1 and len(sub[0]) == 2 else sub
            positions = [self._position(i) for i in indices or ()]
            if len(positions) == 2 and None not in positions:
                return float(positions[0] == positions[1])
        if sub and len(sub) == 1 and sub[0] in CURRENT and f"{name}_t" in self.values:
            return self.values[f"{name}_t"]          # w_{old}: the weights at step t
        shorthand = self._shorthand(name, sub, n)
        if shorthand is not None:
            return shorthand
        self._at = n                             # for the column of an index error
        entry = self._entry(name, sub)
        if entry is not None:
            return entry
        if name == "e" and not sub:
            return float(np.e)
        if name == "I" and not sub:           # the identity, unless the problem declares I
            return Identity()
        if name in self.bound and not sub:
            return float(self.bound[name])
        written = _written(name, sub)
        if sub and name in self.values and not np.ndim(self.values[name]) and \
                written not in self.known:
            raise EvaluationError(f"{name} is a number: {written} has an index it does not "
                                  "take", n.column, unreadable=True)
        if sub and written in self.known:
            free = [i for i in sub if not i.isdigit() and i not in self.bound]
            raise EvaluationError(f"the index {free[0]} of {written} is neither summed over "
                                  "nor the answer's free index", n.column, unreadable=True)
        if not sub and name in self.functions and name not in self.values and self.samples:
            raise EvaluationError(                  # f(X w): f takes one sample, x_i
                f"{name} takes one sample: write {name}(x_i) inside the sum over the samples "
                f"(\\sum_{{i=1}}^{{N}} … {name}(x_i) …), or apply it entry by entry with ⊙",
                n.column, unreadable=True)
        if not sub and (name in self.functions or name in ELEMENTWISE) and \
                name not in self.values:
            raise EvaluationError(f"{name} is a function: write {name}(…) with its argument",
                                  n.column, unreadable=True)
        known = ", ".join(self.known) if self.known else "none"
        hint = _suggest(written, self.known)
        raise EvaluationError(f"unknown name {written!r}; this problem's names: "
                              f"{known}" + (f"; did you mean {hint}?" if hint else ""),
                              n.column, unreadable=True)

    def _shorthand(self, name, sub, n):
        """f_i for f(x_i): a problem's function of one sample, with the sample's index."""
        if not sub or len(sub) != 1 or name not in self.functions or name in self.values:
            return None
        vectors = [s for s, data in self.samples.items() if data and np.ndim(data[0])]
        if len(vectors) != 1 or not (sub[0] in self.bound or sub[0].isdigit()):
            return None
        sample = self._sample(vectors[0], self._position(sub[0]), sub[0], n)
        try:
            return self.functions[name](sample)
        except (TypeError, IndexError):
            return None

    def _sample(self, name, position, index, n, written=None):
        data = self.samples[name]
        self._in_range(position, len(data), written or f"{name}_{index}", index, n)
        return data[position]

    def _in_range(self, position, size, written, index, n):
        """An index outside 1..size is an error, never Python's wrap-around."""
        if not 0 <= position < size:
            shown = f"the index {index} = {self.bound[index]}" if index in self.bound else \
                f"the index {index}"
            raise EvaluationError(f"{written}: {shown} is outside 1..{size}", n.column)

    def _entry(self, name, sub):
        """w_{2,j} with j bound (or a number): entry j of the array w_2; h_j of h; X_{ij}
        and X_{kj} of a matrix; w_j of a column vector."""
        if not sub:
            return None
        for split in range(len(sub)):
            prefix, idx = sub[:split], sub[split:]
            key = name + ("_" + "_".join(prefix) if prefix else "")
            if key not in self.values or not np.ndim(self.values[key]):
                continue
            array = np.asarray(self.values[key])
            if array.ndim == 2 and array.shape[1] == 1:
                array = array[:, 0]                       # a column vector's entry w_j
            if len(idx) == 1 and len(idx[0]) == array.ndim > 1 and \
                    all(c in self.bound or c.isdigit() for c in idx[0]):
                idx = tuple(idx[0])                       # X_{ij}: two indices
            positions = [self._position(i) for i in idx]
            if None in positions or array.ndim != len(positions):
                continue
            for p, size, index in zip(positions, array.shape, idx):
                self._in_range(p, size, _written(name, sub), index, self._at)
            return float(array[tuple(positions)])
        return None

    def _apply(self, name, node, *args):
        try:
            return self.functions[name](*args)
        except TypeError:
            raise EvaluationError(f"{name}(...) needs a node index here, as in {name}_d(x)",
                                  node.column, unreadable=True) from None
        except IndexError:
            raise EvaluationError(f"a node index of {name} is outside the network's nodes",
                                  node.column) from None

    def _position(self, index):
        if index in self.bound:
            return self.bound[index] - 1
        return int(index) - 1 if index.isdigit() and len(index) < 6 else None

    def eval_neg(self, n):
        value = self.eval(n.args[0])
        if isinstance(value, (Identity, OnesRow)):
            return type(value)(-value.scale)
        return -value

    def eval_add(self, n):
        return self._combine(n, np.add, "+")

    def eval_sub(self, n):
        return self._combine(n, np.subtract, "-")

    def _combine(self, n, op, sign):
        a, b = (_squeeze(self.eval(x)) for x in n.args)
        if isinstance(a, OnesRow) or isinstance(b, OnesRow):
            _no_identity(n, a if isinstance(a, OnesRow) else b)
        if isinstance(a, Identity) and isinstance(b, Identity):
            return Identity(op(a.scale, b.scale))
        if isinstance(a, Identity):
            a = a.sized(b, n)
        if isinstance(b, Identity):
            b = b.sized(a, n)
        if shape_of(a) and shape_of(b) and shape_of(a) != shape_of(b):
            raise EvaluationError(f"cannot {('add' if sign == '+' else 'subtract')} "
                                  f"{describe(shape_of(b))} and {describe(shape_of(a))}",
                                  n.column)
        return op(a, b)

    def eval_mul(self, n):
        a, b = (_squeeze(self.eval(x)) for x in n.args)
        if isinstance(a, OnesRow) or isinstance(b, OnesRow):
            return _times_ones(a, b, n)
        if isinstance(a, Identity) or isinstance(b, Identity):
            return _times_identity(a, b, n)
        if n.value == "odot":                     # a ⊙ b: entry by entry
            if shape_of(a) and shape_of(b) and shape_of(a) != shape_of(b):
                raise EvaluationError(f"cannot multiply {describe(shape_of(a))} and "
                                      f"{describe(shape_of(b))} entry by entry", n.column)
            return a * b
        if n.value == "inner":                    # ⟨a, b⟩: aᵀb, or tr(AᵀB) of matrices
            if shape_of(a) != shape_of(b):
                raise EvaluationError(f"cannot take ⟨a, b⟩ of {describe(shape_of(a))} and "
                                      f"{describe(shape_of(b))}", n.column)
            if not shape_of(a):
                return a * b
            self.budget.spend(np.size(a), n.column)
            return float(np.sum(np.multiply(a, b)))
        if n.value == "dot" and len(shape_of(a)) == 2 and shape_of(a) == shape_of(b) and \
                shape_of(a)[1] == 1:              # a · b of two vectors: aᵀb
            self.budget.spend(shape_of(a)[0], n.column)
            return float(np.ravel(a) @ np.ravel(b))
        if not shape_of(a) or not shape_of(b):
            return a * b
        if len(shape_of(a)) == 1 or len(shape_of(b)) == 1:
            # an indexed name's values (w_{2,d} over d) are a 1-D array, with no orientation:
            # a product with one is NumPy's, the dot product of two of them
            if shape_of(a)[-1] != shape_of(b)[0]:
                raise EvaluationError(f"cannot multiply {describe(shape_of(a))} by "
                                      f"{describe(shape_of(b))}", n.column)
            product = np.matmul(a, b)
            return float(product) if np.ndim(product) == 0 else product
        if shape_of(a)[1] != shape_of(b)[0]:
            raise EvaluationError(f"cannot multiply {describe(shape_of(a))} by "
                                  f"{describe(shape_of(b))}", n.column)
        return a @ b

    def eval_div(self, n):
        a, b = (_squeeze(self.eval(x)) for x in n.args)
        _no_identity(n, b)
        if isinstance(a, OnesRow) and not shape_of(b):
            return OnesRow(a.scale / b)
        if isinstance(a, Identity):
            if shape_of(b):
                raise EvaluationError("cannot divide by a vector or a matrix", n.column)
            return Identity(a.scale / b)
        if shape_of(b) and not shape_of(a) and 1 in shape_of(b):
            return a / b                       # 1/(1 + e^{-Xw}): entry by entry
        if shape_of(b) and shape_of(a) == shape_of(b) and 1 in shape_of(b):
            return a / b                       # (1 - e^{-Xw})/(1 + e^{-Xw}): entry by entry
        if shape_of(b):
            raise EvaluationError("cannot divide by a vector or a matrix", n.column)
        return a / b

    def eval_pow(self, n):
        base, exp = _squeeze(self.eval(n.args[0])), _squeeze(self.eval(n.args[1]))
        _no_identity(n, base, exp)
        if n.value == "entrywise":                  # v^∘2: each entry squared
            if shape_of(exp):
                raise EvaluationError("an exponent must be a number", n.column)
            return np.power(np.asarray(base, dtype=float), float(exp))
        if shape_of(exp):
            if shape_of(base) or shape_of(exp)[1] != 1 and shape_of(exp)[0] != 1:
                raise EvaluationError("an exponent must be a number", n.column)
            return np.power(float(base), exp)         # e^{-Xw}: entry by entry
        if not shape_of(base):
            value = np.power(np.float64(base), np.float64(exp))
            if np.isnan(value) and not (np.isnan(base) or np.isnan(exp)):
                raise EvaluationError(f"{_short_number(base)}^{_short_number(exp)} is not a "
                                      "real number", n.column)
            return value
        if 1 in shape_of(base):                     # a vector squared: each entry, surely
            raise EvaluationError(f"cannot raise {describe(shape_of(base))} to a power: for "
                                  "the square of each entry write ⊙ (v ⊙ v), v^{\\circ 2} or "
                                  "the entry inside a sum (\\sum_i v_i^2)", n.column)
        if shape_of(base)[0] != shape_of(base)[1]:
            raise EvaluationError(f"cannot raise {describe(shape_of(base))} to a power",
                                  n.column)
        if not np.isfinite(exp) or float(exp) != int(exp) or exp < 0 or exp > 64:
            raise EvaluationError("a matrix power must be a whole number from 0 to 64", n.column)
        self.budget.spend(int(exp).bit_length(), n.column)      # squarings
        return np.linalg.matrix_power(base, int(exp))

    def eval_transpose(self, n):
        if n.args[0].kind == "num" and n.args[0].value == 1:
            return OnesRow()                  # 𝟙ᵀ, \mathbf{1}^\top: the row of ones
        value = _squeeze(self.eval(n.args[0]))
        if isinstance(value, Identity):
            return value
        return value.T if shape_of(value) else value

    def eval_inv(self, n):
        return self._invert(_squeeze(self.eval(n.args[0])), n)

    def _invert(self, value, n):
        if isinstance(value, Identity):
            if value.scale == 0:
                raise EvaluationError("cannot invert 0 I", n.column)
            return Identity(1 / value.scale)
        if not shape_of(value):
            return 1 / value
        if shape_of(value)[0] != shape_of(value)[1]:
            raise EvaluationError(f"cannot invert {describe(shape_of(value))}", n.column)
        if self.shapes_only:
            return np.zeros_like(value)
        # decided here, not by LAPACK: whether inv raises on a rank-deficient matrix
        # depends on the NumPy build
        if not np.all(np.isfinite(value)) or np.linalg.cond(value) > SINGULAR:
            raise EvaluationError(f"cannot invert {describe(shape_of(value))} that is "
                                  "singular (it has no inverse)", n.column)
        return np.linalg.inv(value)

    def eval_entry(self, n):
        """[(X + Xᵀ) w]_k: an entry of a vector or a matrix."""
        value = _squeeze(self.eval(n.args[0]))
        indices = n.value
        if len(indices) == 1 and len(indices[0]) > 1 and all(c in self.bound or c.isdigit()
                                                             for c in indices[0]):
            indices = tuple(indices[0])
        shape = shape_of(value)
        if shape and shape[1] == 1:
            value, shape = np.asarray(value)[:, 0], (shape[0],)
        if len(indices) != len(shape):
            raise EvaluationError(f"[…]_{{{','.join(indices)}}} takes {len(indices)} "
                                  f"{'index' if len(indices) == 1 else 'indices'} of "
                                  f"{describe(shape_of(_squeeze(self.eval(n.args[0]))))}",
                                  n.column)
        positions = [self._position(i) for i in indices]
        if None in positions:
            free = [i for i, p in zip(indices, positions) if p is None]
            raise EvaluationError(f"the index {free[0]} is neither summed over nor the "
                                  "answer's free index", n.column, unreadable=True)
        for p, size, index in zip(positions, shape, indices):
            self._in_range(p, size, f"[…]_{index}", index, n)
        return float(np.asarray(value)[tuple(positions)])

    def eval_range(self, n):
        raise EvaluationError("a sum's range is not a value", n.column, unreadable=True)

    def eval_call(self, n):
        name, sub = n.value
        args = [_squeeze(self.eval(a)) for a in n.args]
        if name == "tr":
            m = args[0]
            if not shape_of(m) or shape_of(m)[0] != shape_of(m)[1]:
                raise EvaluationError("the trace needs a square matrix", n.column)
            return float(np.trace(m))
        if name == "transpose":
            return args[0].T if shape_of(args[0]) else args[0]
        if name == "inv":
            return self._invert(args[0], n)
        if name == "norm" and len(args) == 1 and shape_of(args[0]):
            return float(np.linalg.norm(args[0]))   # ‖v‖, ‖A‖_F (issue 20)
        if name in ("det", "logdet") and len(args) == 1 and len(shape_of(args[0])) == 2 \
                and shape_of(args[0])[0] == shape_of(args[0])[1]:
            d = float(np.linalg.det(args[0]))       # det X, log det X (issue 20)
            return d if name == "det" else float(np.log(d))
        if name in self.functions:
            if sub:                                   # z_n(x): node n of a layer
                positions = [self._position(i) for i in sub]     # 0-based here
                if None in positions:
                    raise EvaluationError(f"the node index of {name}_{sub[0]} is not "
                                          "bound by a sum", n.column, unreadable=True)
                if min(positions) < 0:
                    raise EvaluationError(f"{name}_{sub[0]}: node indices start at 1",
                                          n.column)
                return self._apply(name, n, *[p + 1 for p in positions], *args)
            return self._apply(name, n, *args)
        _no_identity(n, *args)
        if name in VECTOR_FUNCTIONS:
            if len(args) != 1 or not shape_of(args[0]) or 1 not in shape_of(args[0]):
                raise EvaluationError(f"{name}(…) takes one vector", n.column)
            return VECTOR_FUNCTIONS[name](args[0])
        if name in ELEMENTWISE:
            if len(args) != 1:
                raise EvaluationError(f"{name}(…) takes one argument, not {len(args)}",
                                      n.column)
            return ELEMENTWISE[name](args[0])
        raise EvaluationError(f"unknown function {name!r}", n.column, unreadable=True)

    def eval_prod(self, n):
        """∏_{i=1}^{N} of numbers (a product of matrices would depend on its order)."""
        return self.eval_sum(n, product=True)

    def eval_sum(self, n, product=False):
        lower, upper, body = n.args
        index = n.value
        lo = self.eval(lower)
        hi = self._range_of(index, body, n) if upper.kind == "range" else self.eval(upper)
        if shape_of(lo) or shape_of(hi) or not (np.isfinite(lo) and np.isfinite(hi)) \
                or lo != int(lo) or hi != int(hi):
            raise EvaluationError("a sum's limits must be whole numbers", n.column)
        if hi - lo + 1 > MAX_SUM_TERMS:
            raise EvaluationError(f"a sum of more than {MAX_SUM_TERMS} terms", n.column)
        saved = self.bound.get(index)
        total = 1.0 if product else 0.0
        if id(n) not in self.over_samples:      # asked once per sum: is it over samples?
            self.over_samples[id(n)] = any(m.kind == "name" and m.value[0] in self.samples
                                           and m.value[1] and m.value[1][0] == index
                                           for m in _nodes(body))
        over_samples = self.over_samples[id(n)]
        if over_samples:
            self.sample_sums.append(index)
        for i in range(int(lo), int(hi) + 1):
            self.bound[index] = i
            term = _squeeze(self.eval(body))
            if product:
                if shape_of(term):
                    raise EvaluationError("the factors of a product ∏ must be numbers",
                                          n.column)
                total = total * term
                continue
            if shape_of(total) and shape_of(term) and shape_of(total) != shape_of(term):
                raise EvaluationError("the terms of the sum have different shapes", n.column)
            total = total + term
        if over_samples:
            self.sample_sums.pop()
        if saved is None:
            self.bound.pop(index, None)
        else:
            self.bound[index] = saved
        return total

    def _range_of(self, index, body, n):
        """\\sum_i without limits: i runs over what it indexes (the samples for x_i, the
        entries of w for w_j, the rows or columns of X for X_{ij})."""
        from ..read.parse import _walk
        for node in _walk(body):
            if node.kind != "name" or not node.value[1]:
                continue
            name, sub = node.value
            if name in self.samples and sub[0] == index:
                return float(len(self.samples[name]))
            for split in range(len(sub)):
                key = name + ("_" + "_".join(sub[:split]) if split else "")
                if key in self.values and np.ndim(self.values[key]):
                    idx = sub[split:]
                    if len(idx) == 1 and len(idx[0]) > 1:
                        idx = tuple(idx[0])
                    shape = np.shape(self.values[key])
                    if index in idx and idx.index(index) < len(shape):
                        return float(shape[idx.index(index)])
        raise EvaluationError(f"the range of the sum over {index} cannot be told from the "
                              f"problem; write its limits, as in \\sum_{{{index}=1}}^{{N}}",
                              n.column, unreadable=True)


def over_indices(evaluator, tree, indices, sizes):
    """The tree's value for every value of its free `indices` (1..size each): an array of
    entries, one per combination (the same loop for entry forms and workings)."""
    import itertools
    out = np.empty(sizes)
    for combo in itertools.product(*[range(1, n + 1) for n in sizes]):
        evaluator.bound.update(dict(zip(indices, combo)))
        value = evaluator(tree)
        if shape_of(value):
            raise EvaluationError(f"an entry must be a number; yours is "
                                  f"{describe(shape_of(value))}")
        out[tuple(c - 1 for c in combo)] = value
    for index in indices:
        evaluator.bound.pop(index, None)
    return out


def _nodes(node):
    from ..read.parse import _walk
    return _walk(node)


def _squeeze(value):
    """A 1×1 result (wᵀx) is a number."""
    if type(value) is not float and shape_of(value) == (1, 1):
        return float(np.asarray(value)[0, 0])
    return value


def _short_number(x):
    return f"{x:g}" if x >= 0 else f"({x:g})"


def _suggest(written, known):
    import difflib
    close = difflib.get_close_matches(written, list(known), n=1, cutoff=0.6)
    return close[0] if close else None


def _written(name, sub):
    return name if not sub else f"{name}_{{{','.join(sub)}}}" if len(sub) > 1 else f"{name}_{sub[0]}"
