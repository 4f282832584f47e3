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
student's file in a sandbox (`run_file`: a separate interpreter, see sandbox.py) that
sends back arrays only; the verdict is always decided here, by `judge`.
"""
import dataclasses
import os
import secrets
import signal

import numpy as np

from .. import DerivatorError
from ._student_runner import TEXT, as_arrays, describe
from . import sandbox
from .sandbox import visible

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
    "missing": {"en": "it returns no gradient for {param} ({returned})",
                "ko": "{param}에 대한 기울기를 돌려주지 않는다 ({returned})"},
    "returned_names": {"en": "it returns {names}", "ko": "돌려준 것: {names}"},
    "returned_nothing": {"en": "it returns an empty dict", "ko": "빈 dict를 돌려준다"},
    "nonfinite": {"en": "it returns {value} at {where} ({sizes}); a gradient's entries are "
                        "finite numbers",
                  "ko": "{where}에서 {value}을 돌려준다 ({sizes}). 기울기의 성분은 유한한 수이다"},
    "dtype": {"en": "your function returned {what} for {param}; expected an array of real "
                    "numbers",
              "ko": "함수가 {param}에 대해 {what}을 돌려주었다. 기대한 것: 실수 배열"},
    "no_function": {"en": "{file} has no function {name!r}",
                    "ko": "{file}에 함수 {name!r}가 없다"},
    "ended": {"en": "your file ended its process before sending a gradient (exit code "
                    "{code})",
              "ko": "파일이 기울기를 보내기 전에 프로세스를 끝냈다 (종료 코드 {code})"},
    "not_array": {"en": "your function returned {what}, not an array (expected the gradient "
                        "for {wrt}, or a dict or tuple of gradients for {names})",
                  "ko": "함수가 배열이 아닌 {what}을 돌려주었다 (기대한 것: {wrt}에 대한 기울기, "
                        "또는 {names}의 기울기를 담은 dict나 tuple)"},
    "tampered": {"en": "your file replaced builtins, numpy or io functions that the check "
                       "needs to send your result back; a gradient file must not patch them",
                 "ko": "파일이 검사가 결과를 돌려보내는 데 쓰는 builtins, numpy 또는 io의 함수를 "
                       "바꾸었다. 기울기 파일은 이것들을 고치면 안 된다"},
    "refused": {"en": "its output was refused: {reason}",
                "ko": "출력을 받아들이지 않았다: {reason}"},
    "sandbox_bubblewrap": {"en": "sandbox: bubblewrap", "ko": "샌드박스: bubblewrap"},
    "sandbox_none": {"en": "sandbox: none, install bubblewrap ({reason})",
                     "ko": "샌드박스: 없음, bubblewrap을 설치하라 ({reason})"},
    "sandbox_required": {"en": "--require-sandbox: bubblewrap cannot confine the student's "
                               "code here ({reason}); install bubblewrap (Debian: apt-get "
                               "install bubblewrap) or allow user namespaces",
                         "ko": "--require-sandbox: 여기서는 bubblewrap으로 학생 코드를 격리할 "
                               "수 없다 ({reason}). bubblewrap을 설치하거나(Debian: apt-get "
                               "install bubblewrap) 사용자 네임스페이스를 허용하라"},
}


def _say(key, lang, **values):
    return MESSAGES[key][lang].format(**values)


@dataclasses.dataclass
class GradCheck:
    """status: correct, incorrect or error; message and notes say why. From a student's
    file also: how its code was confined (sandbox) and what it printed, escaped."""

    problem: str
    status: str
    message: str
    notes: list = dataclasses.field(default_factory=list)
    largest_error: float = None
    sandbox: str = None
    printed: list = dataclasses.field(default_factory=list)

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


def _problem(problem, wrt):
    """The kernel, and the parameter a single returned array is the gradient for."""
    from .. import derive, kernel
    k = kernel(problem)
    if wrt is None:                 # the parameter the problem differentiates by
        own = derive(problem).wrt
        wrt = str(getattr(own, "base", own))
    if wrt not in k.params:
        raise DerivatorError(f"{problem} has no parameter {wrt!r}; parameters: "
                             f"{', '.join(k.params)}")
    return k, wrt


def _unjudgeable(k, wrt, kind, text, lang):
    """The verdict on a result that is not a set of gradients (as_arrays' reasons)."""
    names = ", ".join(k.params)
    if kind == "key":
        message = _say("returned", lang, what=f"a dict with key {visible(text)}",
                       expected=names)
    elif kind == "count":
        message = _say("returned", lang, what=f"{visible(text)} values",
                       expected=f"the gradient for {wrt} or one for each of {names}")
    elif kind == "dtype":
        param, _, what = text.partition("\t")
        message = _say("dtype", lang, what=visible(what), param=visible(param))
    elif kind == "type":
        message = _say("not_array", lang, what=visible(text), wrt=wrt, names=names)
    elif kind == "tampered":
        message = _say("tampered", lang)
    else:                                   # "raised"
        message = _say("raised", lang, error=visible(text, 500))
    return GradCheck(k.name, "error", message)


def gradcheck(func, problem, X=None, y=None, wrt=None, seed=0, lang="en"):
    """The verdict on `func`, a gradient for `problem` (see the module's docstring)."""
    k, wrt = _problem(problem, wrt)
    points = _points(k, X, y, seed)
    answers = []
    for params, data, labels, sizes in points:
        try:
            result = func(*[np.array(v, copy=True) for v in params.values()], data.copy(),
                          labels.copy())
        except Exception as error:            # the student's code: any error is a verdict
            return GradCheck(k.name, "error", _say("raised", lang, error=_describe(error)))
        got, problem_ = as_arrays(result, list(k.params), wrt)
        if problem_:
            return _unjudgeable(k, wrt, *problem_, lang)
        answers.append(got)
    return judge(k, wrt, points, answers, lang)


def judge(k, wrt, points, answers, lang="en"):
    """The verdict on the student's gradients ({param: array} per point), decided here
    against the kernel: every gradient returned must have the right shape and finite
    entries, and the one for `wrt` must be there."""
    seen, largest, worst = [], 0.0, None
    for (params, data, labels, sizes), got in zip(points, answers):
        if wrt not in got:
            returned = _say("returned_names", lang, names=", ".join(got)) if got else \
                _say("returned_nothing", lang)
            return GradCheck(k.name, "incorrect", _say("missing", lang, param=wrt,
                                                       returned=returned))
        want = k.grad(params, data, labels)
        for p, array in got.items():
            if tuple(array.shape) != np.shape(want[p]):
                notes = [_say("transpose", lang)] if array.shape[::-1] == np.shape(want[p]) \
                    else []
                return GradCheck(k.name, "incorrect", _say(
                    "shape", lang, got=tuple(array.shape), param=p, want=np.shape(want[p]),
                    sizes=_sizes_text(sizes)), notes)
            bad = ~np.isfinite(array)
            if bad.any():                  # NaN compares false: it must not slip through
                idx = np.unravel_index(np.argmax(bad), bad.shape)
                return GradCheck(k.name, "incorrect", _say(
                    "nonfinite", lang, value=array[idx], where=_where(p, idx),
                    sizes=_sizes_text(sizes)))
            scale = max(float(np.max(np.abs(want[p]), initial=0.0)), 1e-300)
            errors = np.abs(array - want[p]) / scale
            if errors.size and errors.max() >= largest:
                largest = float(errors.max())
                worst = (_where(p, np.unravel_index(np.argmax(errors), errors.shape)), sizes)
            seen.append((p, array, np.asarray(want[p], dtype=float), params, sizes))
    if largest <= RTOL:
        return GradCheck(k.name, "correct", _say("correct", lang, points=len(points),
                                                 sizes=len(SIZES), error=largest), [], largest)
    return GradCheck(k.name, "incorrect",
                     _say("incorrect", lang, error=largest, where=worst[0],
                          sizes=_sizes_text(worst[1])), _notes(k, seen, lang), largest)


def _where(param, idx):
    return param + (f"[{', '.join(str(int(i)) for i in idx)}]" if idx else "")


def _describe(error):
    """ValueError: message (file.py, line 12): the student's own frame, not ours;
    escaped and cut, as everything from the student's code is."""
    ours = os.path.dirname(os.path.dirname(__file__))
    return visible(describe(error, lambda filename: not filename.startswith(ours)), 500)


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




# Running a student's file: only when named on the command line, in a separate interpreter
# (sandbox.py) that gets the points as .npy files and sends back .npy files only; the
# verdict is decided here, where the student's code cannot reach.

RUNNER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "_student_runner.py")


def run_file(problem, path, name, seconds=10.0, wrt=None, lang="en", require_sandbox=False,
             seed=None):
    """gradcheck of FUNC in the student's file, run in a sandbox with a time limit; the
    verdict as a dict (GradCheck.as_dict). The points are drawn afresh for every run
    (unless `seed` is given): a file cannot carry answers computed for them in advance."""
    k, wrt = _problem(problem, wrt)          # a bad problem name fails here, not in a child
    if not os.path.isfile(path):
        raise DerivatorError(f"cannot read {path}: no such file")
    confined, reason = sandbox.confinement()
    if require_sandbox and confined != "bubblewrap":
        raise DerivatorError(_say("sandbox_required", lang, reason=reason))
    points = _points(k, None, None, secrets.randbits(64) if seed is None else seed)
    names = list(k.params)
    wants = [{p: np.shape(v) for p, v in k.grad(params, data, labels).items()}
             for params, data, labels, _ in points]
    with sandbox.Sandbox() as box:
        for i, (params, data, labels, _) in enumerate(points):
            for n in names:
                box.put(f"{i}-{n}", params[n])
            box.put(f"{i}-X", data)
            box.put(f"{i}-y", labels)
        student = box.copy_in(path, os.path.basename(path))   # messages name it
        spec = {"names": names, "wrt": wrt, "points": len(points), "file": student,
                "function": name}
        try:
            run = box.run(RUNNER, spec, seconds, _cap(wants), require_sandbox,
                          hide=[os.path.dirname(os.path.abspath(path))])
        except OSError as error:            # bubblewrap failed between the probe and now
            raise DerivatorError(_say("sandbox_required", lang, reason=error)) from None
    verdict = _verdict_from(run, k, wrt, points, wants, seconds, lang,
                            os.path.basename(path), name)
    verdict.sandbox = _say("sandbox_bubblewrap", lang) if confined == "bubblewrap" else \
        _say("sandbox_none", lang, reason=reason)
    verdict.printed = run.printed
    return verdict.as_dict()


def _cap(wants):
    """The most bytes a right answer takes: per point a tag (the names) and a float64
    array per gradient, then one message; each .npy with its header."""
    tag = sandbox.HEADER + 4 * TEXT * (1 + max(len(w) for w in wants))
    return sum(tag + sum(sandbox.HEADER + 8 * int(np.prod(s)) for s in w.values())
               for w in wants) + sandbox.HEADER + 4 * TEXT * 3


def _verdict_from(run, k, wrt, points, wants, seconds, lang, filename, function):
    """Read the child's arrays (a tag, then the gradients it names, per point) and judge."""
    if run.timed_out or run.exit_code in (-signal.SIGXCPU, 128 + signal.SIGXCPU):  # CPU time
        # (128 + signal: how bubblewrap reports a child killed by a signal)
        return GradCheck(k.name, "error", _say("timeout", lang, seconds=seconds))
    ended = GradCheck(k.name, "error", _say("ended", lang, code=run.exit_code))
    stream = sandbox.arrays(run.output)
    answers = []
    try:
        for i, want in enumerate(wants):
            tag = next(stream, None)
            if tag is None or isinstance(tag, sandbox.Truncated):
                return ended                # it ended, or flooded, before this point
            tag = [str(t) for t in np.ravel(tag)]
            if tag[:1] == ["error"] and len(tag) == 3:
                if tag[1] == "function":
                    return GradCheck(k.name, "error", _say("no_function", lang,
                                                           file=visible(filename),
                                                           name=function))
                return _unjudgeable(k, wrt, tag[1], tag[2], lang)
            returned = tag[1:]
            if tag[:1] != ["names"] or len(set(returned)) < len(returned) or \
                    not set(returned) <= set(k.params):
                raise sandbox.Refused("its output is not what the runner sends")
            got = {}
            for p in returned:
                array = next(stream, None)
                if array is None:
                    return ended
                if tuple(array.shape) != want[p]:   # before its data is read, if it is big
                    notes = [_say("transpose", lang)] if array.shape[::-1] == want[p] else []
                    return GradCheck(k.name, "incorrect", _say(
                        "shape", lang, got=tuple(array.shape), param=p, want=want[p],
                        sizes=_sizes_text(points[i][3])), notes)
                if isinstance(array, sandbox.Truncated) or array.dtype.kind == "U":
                    raise sandbox.Refused("its output is not what the runner sends")
                got[p] = array.astype(np.float64)
            answers.append(got)
    except sandbox.Refused as refused:
        return GradCheck(k.name, "error", _say("refused", lang, reason=visible(refused)))
    return judge(k, wrt, points, answers, lang)
