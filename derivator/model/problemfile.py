"""Problem files from anyone: read, checked key by key, and every expression read by the
project's grammar (derivator.model.reader) before anything is derived.

A file that cannot be used gets one ProblemFileError, `FILE:LINE: what is wrong`, with the
line of the key at fault. The format is documented in docs/problem-files.md.
"""
import math
import os
import re
import stat as stat_module
import tomllib
from pathlib import Path

from .. import DerivatorError

from ..strategies import names as strategy_names
from .lines import locate

STRATEGIES = strategy_names()
KINDS = ("matrix", "vector", "scalar", "size", "index", "natural", "function")
TOP_KEYS = {"id", "number", "title", "statement", "strategy", "names", "function",
            "definitions", "derive", "update", "notes",
            "points", "rubric"}         # grading: read by answers/gradebook.py
MAX_WHOLE_NUMBERS = 1000      # in an integer domain: labels, counts
NAME_KEYS = {"kind", "shape", "check", "description", "domain", "integer", "sample", "rows_of",
             "alias_of", "of", "node", "array", "weight", "sum",
             "values",      # the values a label takes ({-1, 1}), drawn from when checking
             "spd"}         # a symmetric positive definite matrix (log det), drawn so
MAX_BYTES = 200_000


MAX_DEPTH = 12                # tables and lists within each other; the deepest file needs 4
# What a name is: a letter, letters and digits, subscripts (x_i, w_{1,d,m}); a name in
# [names] may also name a node of a network with its argument (h_d(x_i)). A name goes
# into LaTeX, MathML and the terminal as it is written, so nothing else may be in it.
_PART = r"[A-Za-z][A-Za-z0-9]*(?:_(?:[A-Za-z0-9]+|\{[A-Za-z0-9]+(?:,[A-Za-z0-9]+)*\}))*"
IDENTIFIER = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)*")
DECLARED = re.compile(rf"{_PART}(?:\({_PART}(?:, ?{_PART})*\))?")
# [names] keys whose values name another name
NAME_VALUES = ("sample", "rows_of", "alias_of", "of", "node", "array", "weight", "sum")
# the only strings that may run over several lines: prose, never a name or a caption
MULTILINE = {("statement",), ("notes",), ("notes", "en"), ("notes", "ko")}
# bidirectional overrides and isolates reorder what a reader sees ("Trojan Source")
_BIDI = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f")


def _strings(data):
    """(key path, string) for every key and string of the data, however deep; the depth
    checked on the way (iteratively: a deep file must not exhaust Python's stack)."""
    todo = [((), data)]
    while todo:
        path, value = todo.pop()
        if len(path) > MAX_DEPTH:
            yield path[:MAX_DEPTH], None
            continue
        items = value.items() if isinstance(value, dict) else \
            enumerate(value) if isinstance(value, list) else None
        if items is None:
            if isinstance(value, str):
                yield path, value
            continue
        for k, v in items:
            if isinstance(k, str):
                yield path + (k,), k
            todo.append((path + (k,), v))


def _check_text(data, fail):
    """Every string of the file is text a terminal, TeX and a browser can show as text:
    no control character (ESC, NUL, DEL), no bidi override; newlines only in prose."""
    import unicodedata
    for path, value in _strings(data):
        key = tuple(p for p in path if isinstance(p, str))[:3] or None
        if value is None:
            fail(key, f"tables or lists are nested more than {MAX_DEPTH} deep")
        for ch in value:
            if ch == "\t" or ch in "\r\n" and path in MULTILINE:
                continue
            if ch in "\r\n":
                fail(key, f"{_dotted(path)} holds a line break: a name or a title is one line")
            if unicodedata.category(ch) == "Cc" or ch in _BIDI:
                fail(key, f"{_dotted(path)} holds the control character U+{ord(ch):04X}")


def _dotted(path):
    """A key path as a reader finds it: definitions[3].name (counted from 1)."""
    import json
    parts = [p if isinstance(p, int) or re.fullmatch(r"[\w.-]+", p, re.ASCII)
             else json.dumps(p) for p in path]        # a key with \n, ESC or } quoted
    return "".join(f"[{p + 1}]" if isinstance(p, int) else f".{p}" if k else p
                   for k, p in enumerate(parts))


def _check_identifiers(data, fail):
    """Every string that names something is a name (IDENTIFIER), not text: a definition's
    name, params and target, a declared name, the function's name, what is derived by."""
    def need(key, value, pattern=IDENTIFIER, what="a name"):
        if not (isinstance(value, str) and pattern.fullmatch(value)):
            fail(key, f"{_dotted(key)} = {value!r} is not {what}: a letter, then "
                      f"letters, digits and _subscripts (such as L_i)")
    names = data.get("names")
    if isinstance(names, dict):
        for n, v in names.items():
            need(("names", n), n, DECLARED, "a name")
            for k in NAME_VALUES if isinstance(v, dict) else ():
                for item in v[k] if isinstance(v.get(k), list) else [v.get(k)]:
                    if isinstance(item, str):       # (sum = 1 is a number)
                        need(("names", n, k), item, DECLARED)
    definitions = data.get("definitions")
    for k, d in enumerate(definitions if isinstance(definitions, list) else []):
        if not isinstance(d, dict):
            fail(("definitions", k), f"definition {k + 1} must be a table: name, params, body")
        if "name" in d:
            need(("definitions", k, "name"), d["name"])
        for p in d.get("params") if isinstance(d.get("params"), list) else []:
            need(("definitions", k, "params"), p)
    spec = data.get("derive")
    if isinstance(spec, dict):
        for key in ("target", "count", "index", "power"):
            if key in spec:
                need(("derive", key), spec[key])
        for key in ("wrt", "entry", "samples", "indexed"):
            for item in spec[key] if isinstance(spec.get(key), list) else \
                    [spec[key]] if key in spec else []:
                need(("derive", key), item, DECLARED)
    function = data.get("function")
    if isinstance(function, dict) and "name" in function:
        need(("function", "name"), function["name"])
    for key in ("id", "number"):
        if key in data and not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", str(data[key])):
            fail((key,), f"{key} = {data[key]!r} must be letters, digits, '.', '-' and '_'")


def _error(source, text, key, message):
    from .problem import ProblemFileError
    return ProblemFileError(source, locate(text, key) if key else None, message)


# --- where a key is written --------------------------------------------------------------

def read_problem(text, source=None, name=None):
    """A Problem from a file's text: every key checked, every expression read. `source`
    is a user's path (it becomes the problem's id); `name` names the problem set's own."""
    from .problem import INDEX_LETTERS, Name, Problem
    where = source or name or "problem.toml"
    text = text.removeprefix("\ufeff")         # a byte-order mark, as editors on Windows write
    try:
        data = tomllib.loads(text)
    except RecursionError:                      # tomllib reads nested tables recursively
        from .problem import ProblemFileError
        raise ProblemFileError(where, None, f"tables or lists are nested more than "
                                            f"{MAX_DEPTH} deep") from None
    except ValueError as error:       # TOMLDecodeError, and an integer of over 4300 digits
        if not isinstance(error, tomllib.TOMLDecodeError):
            if "digits" not in str(error):
                raise
            from .problem import ProblemFileError
            line = _line_of_long_number(text)
            raise ProblemFileError(where, line, "a number with more digits than Python reads "
                                                "(at most 4300)") from None
        message = str(error)
        m = re.search(r"\(at line (\d+), column (\d+)\)", message)
        from .problem import ProblemFileError
        if m:
            message = message[:m.start()].strip()
            raise ProblemFileError(where, int(m.group(1)),
                                   f"not valid TOML: {message} (column {m.group(2)})") from None
        raise ProblemFileError(where, None, f"not valid TOML: {message}") from None

    def fail(key, message):
        raise _error(where, text, key, message)

    _check_text(data, fail)
    _check_identifiers(data, fail)
    for key in data:
        if key not in TOP_KEYS:
            fail((key,), f"unknown key {key!r}; a problem file has: {', '.join(sorted(TOP_KEYS))}")
    strategy = data.get("strategy")
    if strategy is None:
        fail(None, f"no 'strategy'; one of: {', '.join(STRATEGIES)}")
    if strategy not in STRATEGIES:
        fail(("strategy",), f"unknown strategy {strategy!r}; one of: {', '.join(STRATEGIES)}")
    names = data.get("names")
    if not isinstance(names, dict) or not names:
        fail(("names",), "a [names] table declaring every name (kind, shape) is needed")
    sizes = {n for n, v in names.items() if isinstance(v, dict) and v.get("kind") == "size"}
    declared = {}
    for n, v in names.items():
        if not isinstance(v, dict):
            fail(("names", n), f"{n} must be a table such as {{ kind = \"scalar\" }}")
        for k in v:
            if k not in NAME_KEYS:
                fail(("names", n, k), f"unknown key {k!r} for the name {n}")
        kind = v.get("kind")
        if kind not in KINDS:
            fail(("names", n, "kind"), f"{n}: unknown kind {kind!r}; one of: {', '.join(KINDS)}")
        shape = v.get("shape", [])
        want = {"matrix": 2, "vector": 1}.get(kind)
        if want is not None and "sample" not in v and not (isinstance(shape, list) and len(shape) == want):
            fail(("names", n, "shape"), f"{n}: a {kind} needs a shape of {want} size name"
                                        f"{'s' if want > 1 else ''}, e.g. shape = "
                                        f"{['N', 'D'][:want]}")
        for s in shape if isinstance(shape, list) else [shape]:
            if s not in sizes:
                fail(("names", n, "shape"), f"{n}: the size {s!r} is not declared "
                                            f"(add {s} = {{ kind = \"size\", check = [3] }})")
        check = v.get("check", [])
        if kind in ("size", "natural") and not check:
            fail(("names", n), f"{n}: a {kind} needs check = [...], the values it is checked at")
        if not (isinstance(check, list) and all(isinstance(c, int) and not isinstance(c, bool)
                                                and 1 <= c <= 8 for c in check)):
            fail(("names", n, "check"), f"{n}: check must list whole numbers from 1 to 8")
        domain = v.get("domain")
        if domain is not None and not (isinstance(domain, list) and len(domain) == 2 and
                                       all(isinstance(d, (int, float)) and not isinstance(d, bool)
                                           and math.isfinite(d) for d in domain)
                                       and domain[0] <= domain[1]):
            fail(("names", n, "domain"), f"{n}: domain must be [low, high]")
        if domain is not None and v.get("integer") and not \
                0 < math.floor(domain[1]) - math.ceil(domain[0]) + 1 <= MAX_WHOLE_NUMBERS:
            # every whole number of the domain is a value the checks draw from
            fail(("names", n, "domain"), f"{n}: an integer domain must hold from 1 to "
                                         f"{MAX_WHOLE_NUMBERS} whole numbers")
        declared[n] = Name(n, kind, tuple(shape) if isinstance(shape, list) else (),
                           tuple(check), str(v.get("description", "")))
    title = data.get("title", Path(where).stem)
    if isinstance(title, str):
        title = {"en": title, "ko": title}
    if not isinstance(title, dict) or "en" not in title or \
            not all(isinstance(v, str) for v in title.values()):
        fail(("title",), "title must be text, or title.en and title.ko")
    title.setdefault("ko", title["en"])
    notes = data.get("notes", {})
    if isinstance(notes, str):
        notes = {"en": notes, "ko": notes}
    if not (isinstance(notes, dict) and all(isinstance(v, str) for v in notes.values())):
        fail(("notes",), "notes must be text, or notes.en and notes.ko")
    if not isinstance(data.get("statement", ""), str):
        fail(("statement",), "statement must be text")
    spec = data.get("derive")
    if not isinstance(spec, dict):
        fail(("derive",), "a [derive] table saying what is differentiated by what is needed")
    if "wrt" not in spec:
        fail(("derive",), "[derive] needs wrt, the name to differentiate by")
    wrts = spec["wrt"] if isinstance(spec["wrt"], list) else [spec["wrt"]]
    if not wrts or not all(isinstance(w, str) and w for w in wrts):
        fail(("derive", "wrt"), "wrt must be a name, or a list of names, to differentiate by")
    if spec.get("order", 1) not in (1, 2) or isinstance(spec.get("order"), bool):
        fail(("derive", "order"), f"order = {spec['order']!r} must be 1 (the gradient) or 2 "
                                  f"(the Hessian and the Newton step)")
    index = spec.get("index")
    if index is not None and (index not in INDEX_LETTERS.split() or index in declared):
        fail(("derive", "index"), f"index = {index!r} must be an index letter that is not a "
                                  f"declared name: one of {INDEX_LETTERS}")
    identity = str(data.get("id", Path(where).stem))
    problem = Problem(source if source else identity, str(data.get("number", "")), title,
                      str(data.get("statement", "")).strip(), strategy, declared, data, notes,
                      source=source, text=text)
    if source is None:
        problem.id = identity
    _check_strategy(problem, fail)
    return problem


def _check_ranges(problem, form, fail):
    """Each entry X_{ij} of the index form has as many indices as X has dimensions, and a
    sum's index runs over the size of the dimension it indexes: Σ_{i=1}^{M} x_i with x of
    size N would be derived as if it were Σ_{i=1}^{N}."""
    import sympy as sp
    sizes = problem.sizes()
    for entry in sorted(form.atoms(sp.Indexed), key=str):
        name = problem.names.get(str(entry.base.label))
        if name is not None and name.shape and len(entry.indices) != len(name.shape):
            fail(("function", "index"), f"{entry.base.label} has {len(name.shape)} "
                                        f"dimension(s); {entry} has {len(entry.indices)} "
                                        f"index(es)")
    for s in sorted(form.atoms(sp.Sum), key=str):
        for index, low, high in s.limits:
            for entry in sorted(s.function.atoms(sp.Indexed), key=str):
                name = problem.names.get(str(entry.base.label))
                for k, i in enumerate(entry.indices):
                    if i != index or name is None or k >= len(name.shape):
                        continue
                    size = sizes.get(name.shape[k])
                    if size is not None and (low != 1 or high != size):
                        fail(("function", "index"),
                             f"{index} runs from {low} to {high} but indexes {entry.base.label}"
                             f" along its size {size} in {entry}: the sum should run from 1 "
                             f"to {size}")


def _say_jacobian_layout(problem, form):
    """A vector-valued f by a vector is a Jacobian, and layouts differ between books: the
    title says which one the result is in, unless the file's title already does."""
    output = form.free_symbols & set(problem.indices().values())
    wrt = problem.names[problem.data["derive"]["wrt"]]
    if not output or wrt.kind != "vector" or "layout" in problem.title["en"]:
        return
    problem.title["en"] += " (Jacobian, numerator layout: row i is ∂f_i/∂x)"
    problem.title["ko"] += " (야코비안, 분자 레이아웃: i번째 행이 ∂f_i/∂x)"


def _check_strategy(problem, fail):
    """Every expression read now, so that a bad one is reported before deriving."""
    data, names = problem.data, problem.names
    spec = data["derive"]
    if problem.strategy in ("index", "index_power"):
        fn = data.get("function")
        if not isinstance(fn, dict) or "name" not in fn:
            fail(("function",), "an index problem needs [function] with name and index "
                                "(matrix, the matrix form, is optional)")
        if problem.strategy == "index_power" and "matrix" not in fn:
            fail(("function",), "[function] needs matrix, e.g. matrix = \"tr(X^k)\"")
        if "power" not in spec and problem.strategy == "index_power":
            fail(("derive",), "[derive] needs power, the natural number k of tr(X^k)")
        wrt = spec["wrt"]
        if wrt not in names or names[wrt].kind not in ("matrix", "vector"):
            fail(("derive", "wrt"), f"wrt = {wrt!r} must be a declared matrix or vector")
        entry = spec.get("entry")
        letters = problem.indices()
        if not (isinstance(entry, list) and len(entry) == len(names[wrt].shape)
                and all(e in letters for e in entry)):
            fail(("derive", "entry"), f"entry must name {len(names[wrt].shape)} index letter(s) "
                                      f"for the entries of {wrt}, from: {' '.join(letters)}")
        if problem.strategy == "index":
            if "index" not in fn and "matrix" not in fn:
                fail(("function",), "[function] needs index (the function as a sum over "
                                    "indices) or matrix (its matrix form), or both")
            if "matrix" in fn:
                problem.parse(fn["matrix"], key=("function", "matrix"))
            from ..steps.to_index import file_index_form
            form = file_index_form(problem)           # read, or built from matrix
            _say_jacobian_layout(problem, form)
            _check_ranges(problem, form, fail)
            _check_budget(problem, form, ("function", "index"), fail)
        return
    definitions = data.get("definitions")
    if not isinstance(definitions, list) or not definitions:
        fail(("definitions",), "a loss needs [[definitions]]: name, params and body of each")
    seen = set()
    for k, d in enumerate(definitions):
        for key in ("name", "params", "body"):
            if key not in d:
                fail(("definitions", k), f"definition {k + 1} needs {key}")
        if not isinstance(d["params"], list):
            fail(("definitions", k, "params"), "params must be a list of names")
        seen.add(d["name"])
    if spec.get("target") not in seen:
        fail(("derive", "target"), f"target must name one of the definitions: {', '.join(sorted(seen))}")
    for key in ("samples",):
        for s in spec.get(key, []):
            if not any(v.get("sample") == s or n == s for n, v in data["names"].items()):
                fail(("derive", key), f"the sample {s!r} is not declared (a name with sample = {s!r})")
    count = spec.get("count")
    if count is not None and count not in problem.sizes():
        fail(("derive", "count"), f"count = {count!r} must be a declared size")
    try:
        model = problem.model()
    except DerivatorError:
        raise
    except (ValueError, TypeError, KeyError, IndexError, AttributeError) as error:
        fail(("derive",), f"cannot build the loss from its definitions: {error}")
    _check_sample_sums(model, fail)
    for k, definition in enumerate(model.definitions):
        _check_budget(problem, definition.body, ("definitions", k, "body"), fail)


MAX_CHECKED_TERMS = 1000      # tr(A⁴) at N = 5 (625 terms) lints in 30 s, at N = 8 in minutes


def _check_budget(problem, expr, key, fail):
    """The sums of `expr`, expanded at the largest size each is checked at, stay within
    MAX_CHECKED_TERMS: every step is verified at those sizes, in this process."""
    from .reader import terms
    sizes = {n: max(v.check) for n, v in problem.names.items() if v.kind == "size" and v.check}
    count = terms(expr, sizes)
    if count > MAX_CHECKED_TERMS:
        fail(key, f"the sums expand to {count} terms at the sizes they are checked at "
                  f"({', '.join(f'{n} = {v}' for n, v in sizes.items())}); at most "
                  f"{MAX_CHECKED_TERMS}: declare smaller check sizes")


def _check_sample_sums(model, fail):
    """A sum over the samples runs over all of them, from 1 to the count: the checks draw
    that many samples, and Σ_{i=1}^{500} with N = 5 rows was checked as Σ_{i=1}^{N}
    (and lint failed on row 99)."""
    import sympy as sp
    index, count = model.sample_index, model.sample_count
    if index is None or count is None:
        return
    samples = {str(sample) for sample in model.samples}
    for k, definition in enumerate(model.definitions):
        own = {str(a) for a in definition.params}      # a parameter x shadows the sample x
        for s in sorted(definition.body.atoms(sp.Sum), key=str):
            over_samples = any(str(a.base.label) in samples - own and index in a.indices
                               for a in s.function.atoms(sp.Indexed))
            for i, low, high in s.limits:     # Σ_{i=1}^{D} u_{m,i} x_i reuses the letter only
                if i == index and over_samples and (low != 1 or high != count):
                    fail(("definitions", k, "body"),
                         f"the sum over the samples runs from {low} to {high}; it must run "
                         f"over every sample, {index}=1..{count}")


_loaded = {}


def _line_of_long_number(text):
    """The line of the first run of more than 4300 digits, or None."""
    m = re.search(r"\d{4301,}", text)
    return text.count("\n", 0, m.start()) + 1 if m else None


def load(path):
    """The Problem of a user's file (cached while the file is unchanged)."""
    from .problem import ProblemFileError
    where = str(path)
    try:
        stat = os.stat(where)
        if not stat_module.S_ISREG(stat.st_mode):      # a FIFO blocks, /dev/zero never ends
            raise ProblemFileError(where, None, "not a regular file; give a .toml file")
        if stat.st_size > MAX_BYTES:
            raise ProblemFileError(where, None, f"the file is larger than {MAX_BYTES} bytes")
        key = (os.path.realpath(where), stat.st_mtime_ns, where)
        if key not in _loaded:
            text = Path(where).read_text(encoding="utf-8")
            _loaded[key] = read_problem(text, where)
        return _loaded[key]
    except FileNotFoundError:
        raise ProblemFileError(where, None, "no such file") from None
    except IsADirectoryError:
        raise ProblemFileError(where, None, "is a directory, not a problem file") from None
    except UnicodeDecodeError as error:
        raise ProblemFileError(where, None, f"not UTF-8 text ({error.reason})") from None
    except OSError as error:
        raise ProblemFileError(where, None, error.strerror or str(error)) from None


_derivations = {}


def derived(problem, wrt):
    """The problem's Derivation by `wrt`, made once per problem (and per file version)."""
    from .. import _run_strategy
    key = (id(problem), wrt)
    if key not in _derivations:
        try:
            derivation = _run_strategy(problem, wrt)
        except DerivatorError:
            raise
        except Exception as error:          # a user's file the engine cannot take (yet)
            if problem.source is None:
                raise
            what = problem.data["derive"].get("target") or problem.data.get("function", {}).get("name")
            raise DerivatorError(f"{problem.source}: cannot derive {what} by "
                                 f"{wrt or parameters(problem)[0]}: this form is beyond the "
                                 f"engine ({type(error).__name__}: {error})") from None
        _derivations[key] = (problem, derivation)   # keeps problem alive
    return _derivations[key][1]


def parameters(problem):
    """The names a problem may be differentiated by, the default first."""
    if problem.strategy in ("loss", "likelihood"):
        return [str(p) for p in problem.model().params]
    return [problem.data["derive"]["wrt"]]


def lint(path):
    """(lines, status): load, derive by every parameter, verify every step. One line per
    problem found (or one `ok` line per parameter); status 0 ok, 1 a step or derivation
    fails, 2 the file cannot be read."""
    import time
    from .. import derive
    try:
        problem = load(path)
    except DerivatorError as error:
        return [str(error)], 2
    lines, status = [], 0
    for wrt in parameters(problem):
        start = time.perf_counter()
        try:
            derivation = derive(path, wrt=wrt)
            checks = derivation.verify()
        except Exception as error:       # noqa: BLE001 — one line, never a traceback
            message = str(error) if isinstance(error, DerivatorError) else \
                f"cannot verify: {type(error).__name__}: {' '.join(str(error).split())[:160]}"
            message = message[len(f"{path}: "):] if message.startswith(f"{path}: ") else message
            lines.append(f"{path}: --wrt {wrt}: {message}")
            status = 1
            continue
        seconds = time.perf_counter() - start
        failed = [(n, c) for n, c in enumerate(checks, 1) if not c.ok]
        for n, c in failed:
            lines.append(f"{path}: --wrt {wrt}: step {n} ({c.step.rule}) does not follow from "
                         f"the line before: {' '.join(c.detail.split())[:160]}")
        if failed:
            status = 1
        else:
            from ..render.printing import to_text
            lines.append(f"{path}: ok: by {to_text(derivation.wrt)}, {len(checks)} steps verified in "
                         f"{seconds:.1f} s; result {to_text(derivation.result)}")
    return lines, status
