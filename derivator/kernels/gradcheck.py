"""A student's gradient function against the derived kernel.

    derivator.gradcheck(my_grad, "p2")            # my_grad(w, X, y) -> dL/dw
    derivator.gradcheck(my_grad, "p7b", X, y)     # my_grad(w_0, w_1, w_2, X, y) -> dL/dw_1

The function is called with the problem's parameters in order (`kernel(problem).params`),
then X and y, at random points: two sizes, random non-square data, labels from the
problem's own domain (or the X and y given, at two random parameter settings). It may
return a dict of gradients, a tuple in the parameters' order, or one array: the gradient
for `wrt` (default: the parameter the problem differentiates by).

The verdict reads like `check`'s: correct, incorrect with the largest relative error and
where it is, and a note when the error has a recognisable shape (a transpose, a sign, a
constant factor, N or 1/N, a missing regularisation term); or error when the function
could not be called. `python -m derivator gradcheck PROBLEM FILE.py:FUNC` runs the
student's file in a worker process with a time limit (`run_file`).
"""
import dataclasses
import os

import numpy as np

from .. import DerivatorError

RTOL = 1e-6             # both sides float64: a right gradient agrees to ~1e-12
SIZES = ({"N": 8, "D": 3, "M": 4}, {"N": 13, "D": 5, "M": 2})

MESSAGES = {
    "correct": {"en": "it agrees with the derived gradient at {points} random points, at "
                      "{sizes} sizes (largest relative error {error:.1e})",
                "ko": "유도한 기울기와 {points}개의 임의의 점, {sizes}가지 크기에서 일치한다 "
                      "(최대 상대 오차 {error:.1e})"},
    "incorrect": {"en": "it differs from the derived gradient: largest relative error "
                        "{error:.2g} at {where} ({sizes})",
                  "ko": "유도한 기울기와 다르다: 최대 상대 오차 {error:.2g}, 위치 {where} "
                        "({sizes})"},
    "shape": {"en": "it returns shape {got} for {param}; the gradient has shape {want} "
                    "({sizes})",
              "ko": "{param}에 대해 모양 {got}을 돌려준다. 기울기의 모양은 {want}이다 ({sizes})"},
    "raised": {"en": "your function raised {error}",
               "ko": "함수가 예외를 일으켰다: {error}"},
    "returned": {"en": "your function returned {what}; expected {expected}",
                 "ko": "함수가 {what}을 돌려주었다. 기대한 것: {expected}"},
    "transpose": {"en": "missing transpose: your gradient is the transpose of the right one",
                  "ko": "전치 누락: 답이 올바른 기울기의 전치이다"},
    "sign": {"en": "sign: your gradient is the right one with its sign flipped",
             "ko": "부호: 답이 올바른 기울기와 부호만 반대이다"},
    "factor": {"en": "off by a constant factor: your gradient is {factor:.6g} times the "
                     "right one",
               "ko": "상수배 차이: 답이 올바른 기울기의 {factor:.6g}배이다"},
    "extra_mean": {"en": "an extra 1/N: the loss is a sum over the samples, not a mean",
                   "ko": "1/N이 더 있다: 손실은 샘플에 대한 평균이 아니라 합이다"},
    "missing_mean": {"en": "missing a 1/N, or a sum counted N times",
                     "ko": "1/N이 빠졌거나 합을 N번 더했다"},
    "penalty_missing": {"en": "missing the regularisation term: the gradient has {term} "
                              "besides the sum over the samples",
                        "ko": "정규화 항 누락: 기울기에는 샘플에 대한 합 외에 {term}가 있다"},
    "penalty_factor": {"en": "the regularisation term is {factor:.6g} times {term}; the "
                             "derivation gives {term}",
                       "ko": "정규화 항이 {term}의 {factor:.6g}배이다. 유도한 결과는 {term}이다"},
    "timeout": {"en": "your function took longer than {seconds:g} s and was stopped",
                "ko": "함수가 {seconds:g}초 안에 끝나지 않아 중단했다"},
}


def _say(key, lang, **values):
    return MESSAGES[key][lang].format(**values)


@dataclasses.dataclass
class GradCheck:
    """status: correct, incorrect or error; message and notes say why."""

    problem: str
    status: str
    message: str
    notes: list = dataclasses.field(default_factory=list)
    largest_error: float = None

    def as_dict(self):
        return dataclasses.asdict(self)


def _sizes_text(sizes):
    return ", ".join(f"{k} = {v}" for k, v in sizes.items())


def _points(k, X, y, seed):
    """(params, X, y, sizes) at two sizes, or at the data given with two parameter draws."""
    rng = np.random.default_rng(seed)
    points = []
    for sizes in SIZES:
        sizes = dict(sizes)
        if X is None:
            data = rng.normal(size=(sizes["N"], sizes["D"]))
            if k.labels:
                labels = rng.choice(np.array(k.labels, dtype=float), size=sizes["N"])
            else:
                labels = rng.normal(size=sizes["N"])
        else:
            data, labels, _ = _given(X, y)
            sizes.update(N=data.shape[0], D=data.shape[1])
        sizes = {k.columns if s == "D" else s: v for s, v in sizes.items()}
        params = {p: rng.normal(scale=0.7, size=tuple(sizes[s] for s in shape)) if shape
                  else float(rng.normal()) for p, shape in k.params.items()}
        used = {"N"} | {s for shape in k.params.values() for s in shape}
        points.append((params, data, labels, {s: v for s, v in sizes.items() if s in used}))
    return points


def _given(X, y):
    from .arguments import data
    X, y, _ = data(X, y)
    return X.astype(float), y.astype(float), None


def _as_dict(result, k, wrt, lang):
    """The student's result as {param: array}, or a message saying what is wrong."""
    names = list(k.params)
    if isinstance(result, dict):
        unknown = [p for p in result if p not in k.params]
        if unknown:
            return _say("returned", lang, what=f"a dict with key {unknown[0]!r}",
                        expected=", ".join(names))
        return {p: result[p] for p in result}
    if isinstance(result, (tuple, list)) and len(result) == len(names) > 1:
        return dict(zip(names, result))
    if isinstance(result, (tuple, list)) and len(result) != len(names):
        return _say("returned", lang, what=f"{len(result)} values",
                    expected=f"the gradient for {wrt} or one for each of {', '.join(names)}")
    return {wrt: result}


def _array(value):
    try:
        out = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        return None
    return out


def gradcheck(func, problem, X=None, y=None, wrt=None, seed=0, lang="en"):
    """The verdict on `func`, a gradient for `problem` (see the module's docstring)."""
    from .. import derive, kernel
    k = kernel(problem)
    if wrt is None:                 # the parameter the problem differentiates by
        own = derive(problem).wrt
        wrt = str(getattr(own, "base", own))
    if wrt not in k.params:
        raise DerivatorError(f"{problem} has no parameter {wrt!r}; parameters: "
                             f"{', '.join(k.params)}")
    seen, largest, worst = [], 0.0, None
    points = _points(k, X, y, seed)
    for params, data, labels, sizes in points:
        try:
            result = func(*[np.array(v, copy=True) for v in params.values()], data.copy(),
                          labels.copy())
        except Exception as error:            # the student's code: any error is a verdict
            return GradCheck(k.name, "error", _say("raised", lang, error=_describe(error)))
        got = _as_dict(result, k, wrt, lang)
        if isinstance(got, str):
            return GradCheck(k.name, "error", got)
        want = k.grad(params, data, labels)
        for p, value in got.items():
            array = _array(value)
            if array is None:
                return GradCheck(k.name, "error", _say("returned", lang, what=type(value)
                                                       .__name__, expected="an array"))
            if array.shape != np.shape(want[p]):
                notes = [_say("transpose", lang)] if array.shape[::-1] == np.shape(want[p]) \
                    else []
                return GradCheck(k.name, "incorrect", _say(
                    "shape", lang, got=array.shape, param=p, want=np.shape(want[p]),
                    sizes=_sizes_text(sizes)), notes)
            scale = max(float(np.max(np.abs(want[p]), initial=0.0)), 1e-300)
            errors = np.abs(array - want[p]) / scale
            if errors.size and errors.max() >= largest:
                largest = float(errors.max())
                idx = np.unravel_index(np.argmax(errors), errors.shape)
                where = p + (f"[{', '.join(str(int(i)) for i in idx)}]" if idx else "")
                worst = (where, sizes)
            seen.append((p, array, np.asarray(want[p], dtype=float), params, sizes))
    if largest <= RTOL:
        return GradCheck(k.name, "correct", _say("correct", lang, points=len(points),
                                                 sizes=len(SIZES), error=largest), [], largest)
    return GradCheck(k.name, "incorrect",
                     _say("incorrect", lang, error=largest, where=worst[0],
                          sizes=_sizes_text(worst[1])), _notes(k, seen, lang), largest)


def _describe(error):
    """ValueError: message (file.py, line 12): the student's own frame, not ours."""
    import traceback
    frames = [f for f in traceback.extract_tb(error.__traceback__)
              if not f.filename.startswith(os.path.dirname(os.path.dirname(__file__)))]
    where = f" ({os.path.basename(frames[-1].filename)}, line {frames[-1].lineno})" \
        if frames else ""
    text = "".join(c if c.isprintable() else repr(c)[1:-1]      # no escapes reach a terminal
                   for c in " ".join(str(error).split())[:200])
    return f"{type(error).__name__}: {text}{where}" if text else type(error).__name__ + where


def _close(a, b):
    return a.shape == b.shape and np.allclose(a, b, rtol=RTOL, atol=RTOL * np.max(
        np.abs(b), initial=1e-300))


def _notes(k, seen, lang):
    """Which transformation of the right gradient the wrong one matches, at every point."""
    def every(f):
        return all(_close(got, f(want, params, sizes, p)) for p, got, want, params, sizes
                   in seen)
    if any(got.ndim == 2 for _, got, _, _, _ in seen) and \
            all(got.shape[::-1] == want.shape for _, got, want, _, _ in seen) and \
            every(lambda want, *_: want.T):
        return [_say("transpose", lang)]
    if every(lambda want, *_: -want):
        return [_say("sign", lang)]
    ratios = [_ratio(got, want) for _, got, want, _, _ in seen]
    if all(r is not None for r in ratios):
        counts = [sizes["N"] for *_, sizes in seen]
        if np.allclose(ratios, ratios[0], rtol=1e-6):
            return [_say("factor", lang, factor=ratios[0])]
        if np.allclose(np.multiply(ratios, counts), 1, rtol=1e-6):
            return [_say("extra_mean", lang)]
        if np.allclose(np.divide(ratios, counts), 1, rtol=1e-6):
            return [_say("missing_mean", lang)]
    notes = []
    for name, term in k.penalty_text.items():
        rows = [(got, want, k.penalty(params)[name]) for p, got, want, params, _ in seen
                if p == name]
        if not rows:
            continue
        if all(_close(got, want - pen) for got, want, pen in rows):
            notes.append(_say("penalty_missing", lang, term=term))
            continue
        factors = [_ratio(got - (want - pen), pen) for got, want, pen in rows]
        if all(f is not None for f in factors) and np.allclose(factors, factors[0], rtol=1e-6):
            notes.append(_say("penalty_factor", lang, factor=factors[0], term=term))
    return notes


def _ratio(a, b):
    a, b = np.ravel(a), np.ravel(b)
    if not b.size:
        return None
    big = np.argmax(np.abs(b))
    if abs(b[big]) < 1e-12:
        return None
    r = a[big] / b[big]
    return float(r) if np.allclose(a, r * b, rtol=1e-6, atol=1e-9) else None


# Running a student's file: only when named on the command line, in a worker process
# that is killed when its time is up (the student's code may loop, or eat memory).

def _load(path, name):
    import importlib.util
    import sys
    spec = importlib.util.spec_from_file_location("student_solution", path)
    module = importlib.util.module_from_spec(spec)
    sys.path.insert(0, os.path.dirname(os.path.abspath(path)))
    spec.loader.exec_module(module)
    func = getattr(module, name, None)
    if not callable(func):
        raise LookupError(f"{os.path.basename(path)} has no function {name!r}")
    return func


def _worker(connection, problem, path, name, wrt, lang, seconds, parent):
    import contextlib
    import resource
    import sys
    _die_with_parent()
    if os.getppid() != parent:           # the parent died before the line above
        os._exit(1)
    with contextlib.suppress(ValueError, OSError):       # CPU time, as a second guard
        resource.setrlimit(resource.RLIMIT_CPU, (int(seconds) + 2, int(seconds) + 3))
    with contextlib.suppress(ValueError, OSError):       # memory: what it has + MEMORY
        limit = _address_space() + MEMORY
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    with contextlib.redirect_stdout(sys.stderr):         # the student's prints
        try:
            func = _load(path, name)
        except LookupError as error:
            result = GradCheck(problem, "error", str(error))
        except BaseException as error:                  # SyntaxError, SystemExit, ...
            result = GradCheck(problem, "error", _say("raised", lang, error=_describe(error)))
        else:
            result = gradcheck(func, problem, wrt=wrt, lang=lang)
    connection.send(result.as_dict())
    connection.close()


MEMORY = 2 << 30        # bytes a student's function may allocate in the worker


def _address_space():
    """This process's virtual memory size now (Linux), so that the limit adds to it."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    raise OSError("no VmSize")


def _die_with_parent():
    """Linux: the kernel kills this process when its parent dies (no orphaned workers)."""
    try:
        import ctypes
        import signal
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def run_file(problem, path, name, seconds=10.0, wrt=None, lang="en"):
    """gradcheck of FUNC in the student's file, run in a worker process with a time limit."""
    import multiprocessing
    from .. import kernel
    k = kernel(problem)                      # a bad problem name fails here, not in a worker
    if wrt is not None and wrt not in k.params:
        raise DerivatorError(f"{problem} has no parameter {wrt!r}; parameters: "
                             f"{', '.join(k.params)}")
    if not os.path.isfile(path):
        raise DerivatorError(f"cannot read {path}: no such file")
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    receive, send = context.Pipe(duplex=False)
    worker = context.Process(target=_worker, args=(send, problem, path, name, wrt, lang,
                                                   seconds, os.getpid()), daemon=True)
    worker.start()
    send.close()
    try:
        if receive.poll(seconds):
            try:
                return receive.recv()
            except EOFError:
                pass
        elif worker.is_alive():
            return GradCheck(k.name, "error", _say("timeout", lang, seconds=seconds)).as_dict()
        worker.join(1)
        return GradCheck(k.name, "error", _say("raised", lang, error=f"the worker process "
                                               f"ended (exit code {worker.exitcode})")).as_dict()
    finally:
        if worker.is_alive():
            worker.kill()
        worker.join()
