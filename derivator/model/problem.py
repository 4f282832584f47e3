"""A problem as data: its names (kind, shape, sizes to check at) and what it asks for, read
from a TOML file by problemfile.py. Nothing here knows where problems come from.
"""
from dataclasses import dataclass, field

import sympy as sp

from .. import DerivatorError
from .lines import locate

INDEX_LETTERS = "i j m n a b c d k l"


@dataclass(frozen=True)
class Name:
    name: str
    kind: str                 # matrix, vector, scalar, size, index, natural
    shape: tuple = ()
    check: tuple = ()         # sizes (or values) at which results are checked
    description: str = ""


@dataclass
class Problem:
    id: str
    number: str
    title: dict
    statement: str
    strategy: str
    names: dict
    data: dict = field(repr=False)
    notes: dict = field(default_factory=dict)
    _model: object = field(default=None, repr=False, compare=False)
    source: str = None        # the file a user gave (None for the problem set's own)
    text: str = field(default="", repr=False)   # the file's text, to point at lines

    # what the engine and the checker need, built from the file
    def sizes(self):
        return {n: sp.Symbol(n, integer=True, positive=True)
                for n, v in self.names.items() if v.kind == "size"}

    def matrices(self):
        """The names as SymPy matrices (vectors as D×1 columns)."""
        sizes = self.sizes()
        out = {}
        for n, v in self.names.items():
            if v.kind == "matrix":
                out[n] = sp.MatrixSymbol(n, *(sizes[s] for s in v.shape))
            elif v.kind == "vector":
                out[n] = sp.MatrixSymbol(n, sizes[v.shape[0]], 1)
        return out

    def scalars(self):
        """The scalars an index problem declares (λ, c): numbers in its expressions."""
        return {n: sp.Symbol(n) for n, v in self.names.items() if v.kind == "scalar"}

    def entries(self):
        """The names as entries: X[i, j], w[i]."""
        return {n: sp.IndexedBase(n) for n, v in self.names.items()
                if v.kind in ("matrix", "vector")}

    def scalars(self):
        """Declared scalars (a temperature T): constants of an index form, as symbols."""
        return {n: sp.Symbol(n) for n, v in self.names.items() if v.kind == "scalar"}

    def indices(self):
        return {s.name: s for s in sp.symbols(INDEX_LETTERS, integer=True)}

    def scope(self, matrix=True):
        """The names an index problem's expressions may use: matrices (or their entries),
        sizes and index letters."""
        from .reader import Scope, entrywise_definitions
        indices = {**self.sizes(), **self.indices(), **self.scalars()}
        functions = entrywise_definitions(self)       # g(t) of [[definitions]], entrywise
        if matrix:
            return Scope({**indices, **self.matrices()}, functions=functions)
        return Scope(indices, indexed=self.entries(), functions=functions)

    def parse(self, text, matrix=True, key=None):
        """A file's expression, read by the project's own grammar (never evaluated)."""
        return self.read(text, self.scope(matrix), matrix, key)

    def read(self, text, scope, matrix=False, key=None):
        from .reader import ExpressionError, read
        try:
            return read(text, scope, matrix)
        except ExpressionError as error:
            raise self.error(key, f"{text!r}: {error}") from None

    def error(self, key, message):
        """A ProblemFileError at the line of `key` (a path such as ("derive", "wrt"))."""
        return ProblemFileError(self.source or f"{self.id}.toml",
                                locate(self.text, key) if key else None, message)

    def model(self):
        """The loss-style problems (2, 3, 4, 7) as a Model the derivation engine runs,
        built once from the file."""
        if self._model is None:
            self._model = self._build_model()
        return self._model

    def _build_model(self):
        from .functions import inner, sigmoid
        from .lecture import Definition, Domain, Model
        spec = self.data["derive"]
        sizes = self.sizes()
        funcs = {d["name"]: sp.Function(d["name"]) for d in self.data["definitions"]}
        samples = tuple(sp.IndexedBase(s) for s in spec.get("samples", ()))
        indexed = {n: sp.IndexedBase(n) for n in spec.get("indexed", ())}
        indices = self.indices()
        plain = {n: sp.Symbol(n) for n, v in self.data["names"].items()
                 if v["kind"] in ("scalar", "vector") and not {"sample", "node", "weight"} & set(v)
                 and n.isidentifier() and n not in self.data_names()}
        # declared names win over the index letters (a bias b is not the index b)
        common = {**indices, **plain, **{str(s.label): s for s in samples}, **indexed, **sizes,
                  **funcs,
                  "sigmoid": sigmoid, "inner": inner, "pi": sp.pi}
        if "index" in spec:
            common[spec["index"]] = sp.Symbol(spec["index"])
        definitions = []
        for d in self.data["definitions"]:
            params = tuple(sp.IndexedBase(p) if p in d.get("indexed_params", ()) else
                           indices.get(p, sp.Symbol(p)) for p in d["params"])
            body = self.parse_with(d["body"], {**common, **{str(p): p for p in params}},
                                   key=("definitions", len(definitions), "body"))
            definitions.append(Definition(funcs[d["name"]], params, body,
                                          opaque=d["name"] != spec["target"]))
        self._check_calls(definitions)
        wrts = spec["wrt"] if isinstance(spec["wrt"], list) else [spec["wrt"]]
        params = tuple(self.parse_with(w, common, key=("derive", "wrt")) for w in wrts)
        target_def = next(d for d in definitions if str(d.name) == spec["target"])
        target = target_def.name(*[p if not isinstance(p, sp.IndexedBase) else p
                                   for p in target_def.params])
        domains = {sizes[n]: Domain(v.check[0], v.check[0], integer=True)
                   for n, v in self.names.items() if v.kind == "size"}
        for n, v in self.data["names"].items():
            if "domain" not in v:
                continue
            lo, hi = v["domain"]
            key = sp.IndexedBase(v["sample"]) if "sample" in v else sp.Symbol(n)
            if v.get("kind") == "scalar" or "sample" in v:
                domains[key] = Domain(lo, hi, integer=v.get("integer", False))
        vectors = tuple(sp.Symbol(n) for n, v in self.data["names"].items()
                        if v["kind"] == "vector" and "sample" not in v and
                        n not in self.data_names() and not spec.get("indexed"))
        vectors += tuple(sp.Symbol(v["sample"]) for v in self.data["names"].values()
                         if v["kind"] == "vector" and "sample" in v
                         and v["sample"] not in spec.get("component_samples", ()))
        data_matrix = ()
        if vectors and "count" in spec:
            N = sizes[spec["count"]]
            D = sizes[[n for n in sizes if n != spec["count"]][0]]
            # the weight vector: the parameter x⁽ⁱ⁾ is multiplied by (never a bias b)
            weights = [p for p in params if p in vectors] or [sp.Symbol("w")]
            data_matrix = (sp.MatrixSymbol("X", N, D),
                           sp.MatrixSymbol(str(samples[1].label), N, 1),
                           sp.MatrixSymbol(str(weights[0]), D, 1))
        update = self.data.get("update")
        return Model(name=self.id, title=self.title, definitions=tuple(definitions),
                     target=target, params=params,
                     sample_index=sp.Symbol(spec["index"]) if "index" in spec else None,
                     sample_count=sizes.get(spec.get("count")), samples=samples,
                     domains=domains, vectors=vectors, data_matrix=data_matrix,
                     notes=self.notes, sample_style="subscript", statement=self.statement,
                     component_samples=tuple(spec.get("component_samples", ())),
                     free_indices={indices[k]: sizes[v] for k, v in spec.get("free", {}).items()},
                     update=None if update is None else {
                         "rate": sp.Symbol(update["rate"]), "current": sp.Symbol(update["current"]),
                         "next": sp.Symbol(update["next"])})

    def _check_calls(self, definitions):
        """Each definition applied to as many arguments as it has parameters, and none
        defined through itself (f(x) = f(x) + 1 would be substituted forever)."""
        arity = {d.name: len(d.params) for d in definitions}
        calls = {}
        for k, d in enumerate(definitions):
            applied = [e for e in sp.preorder_traversal(d.body)
                       if isinstance(e, sp.Function) and e.func in arity]
            for e in applied:
                if len(e.args) != arity[e.func]:
                    raise self.error(("definitions", k, "body"),
                                     f"{e.func} takes {arity[e.func]} argument(s), "
                                     f"given {len(e.args)} in {e}")
            calls[d.name] = {e.func for e in applied}
        for k, d in enumerate(definitions):
            seen, todo = set(), list(calls[d.name])
            while todo:
                f = todo.pop()
                if f == d.name:
                    raise self.error(("definitions", k, "body"),
                                     f"{d.name} is defined through itself")
                if f not in seen:
                    seen.add(f)
                    todo.extend(calls[f])

    def data_names(self):
        """Names that stand for the whole data set (X, y): not parameters."""
        return {n for n, v in self.data["names"].items()
                if v["kind"] in ("matrix",) or (v["kind"] == "vector" and
                                                v.get("shape", [""])[0] == self.data["derive"].get("count"))}

    def parse_with(self, text, names, key=None):
        """A definition's expression in the scope `names` (name -> SymPy object)."""
        from .reader import Scope
        funcs = {n: v for n, v in names.items() if isinstance(v, sp.FunctionClass)}
        symbols = {n: v for n, v in names.items() if not isinstance(v, sp.FunctionClass)}
        indexed = {n: v for n, v in symbols.items() if isinstance(v, sp.IndexedBase)}
        vectors = frozenset(sp.Symbol(n) for n, v in self.data["names"].items()
                            if v.get("kind") == "vector")
        vectors |= frozenset(sp.Symbol(v["sample"]) for v in self.data["names"].values()
                             if v.get("kind") == "vector" and "sample" in v)
        return self.read(text, Scope(symbols, indexed, funcs, vectors), key=key)


class ProblemFileError(DerivatorError):
    """A problem file that cannot be used: `FILE:LINE: what is wrong`."""

    def __init__(self, path, line, message):
        self.path, self.line, self.message = str(path), line, message
        super().__init__(f"{self.path}:{line}: {message}" if line else f"{self.path}: {message}")
