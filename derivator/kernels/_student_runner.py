"""The one script that runs a student's file: `python -I -S _student_runner.py FOLDER`.

It runs in a fresh interpreter (never a fork of the process that holds the reference), with
only the standard library and NumPy: derivator is not importable here. It sets its own
limits first, then loads the student's file and calls the function at each point. What it
sends back are `.npy` files in FOLDER/out, nothing else; the parent reads them with a size
cap and decides the verdict itself, so whatever the student's code patches or forges here
(numpy, this script, the output files) changes only the student's own answer.

gradcheck.py imports `as_arrays` and `describe` from here, so both paths read a result the
same way; nothing in this module may import derivator.
"""
import json
import os
import reprlib
import sys

TEXT = 200          # characters of a type name, a message or a repr sent back


def describe(error, own=None):
    """'ValueError: message (solution.py, line 12)': cut, the student's frame only."""
    import traceback
    try:
        text = " ".join(str(error)[:4 * TEXT].split())[:TEXT]
    except Exception:                       # a __str__ that raises is the student's too
        text = ""
    name = type(error).__name__[:TEXT]
    frames = [f for f in traceback.extract_tb(error.__traceback__)
              if own is None or own(f.filename)]
    where = f" ({os.path.basename(frames[-1].filename)}, line {frames[-1].lineno})" \
        if frames else ""
    return f"{name}: {text}{where}" if text else name + where


def short_repr(value):
    """A repr that cannot grow: long strings and containers are cut by reprlib."""
    cut = reprlib.Repr()
    cut.maxstring = cut.maxother = TEXT
    try:
        return cut.repr(value)[:TEXT]
    except Exception:
        return type(value).__name__[:TEXT]


def as_arrays(result, names, wrt):
    """The student's result as ({param: float64 array}, None), or (None, (kind, text)).

    A dict names its gradients; a tuple of one per parameter goes in the parameters'
    order; anything else is the gradient for `wrt`. Which gradients are missing, and
    whether the values are right, the parent decides."""
    import numpy as np
    if isinstance(result, dict):
        for key in result:
            if not (isinstance(key, str) and key in names):
                return None, ("key", short_repr(key))
        pairs = list(result.items())
    elif isinstance(result, (tuple, list)) and len(result) == len(names) > 1:
        pairs = list(zip(names, result))
    elif isinstance(result, (tuple, list)) and len(result) != len(names):
        return None, ("count", str(len(result)))
    else:
        pairs = [(wrt, result)]
    arrays = {}
    for name, value in pairs:
        try:
            array = np.asarray(value)
        except Exception:
            return None, ("type", type(value).__name__[:TEXT])
        if array.dtype.kind not in "biuf":           # no complex, strings or objects
            what = type(value).__name__ if array.dtype.kind == "O" else str(array.dtype)
            return None, ("dtype", f"{name}\t{what[:TEXT]}")
        arrays[name] = array.astype(np.float64)
    return arrays, None


def _limit(resource, which, value):
    soft, hard = resource.getrlimit(which)
    if hard != resource.RLIM_INFINITY:
        value = min(value, hard)
    resource.setrlimit(which, (value, value))


def _die_with_parent(parent):
    """Linux: the kernel kills this process when the one that started it dies."""
    import ctypes
    import signal
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)     # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    if parent and os.getppid() != parent:       # it died before the line above
        os._exit(1)


def main(folder):
    import resource
    import signal
    with open(os.path.join(folder, "in", "spec.json")) as f:
        spec = json.load(f)
    _die_with_parent(spec["parent"])
    for name, value in spec["limits"].items():
        _limit(resource, getattr(resource, name), value)
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)   # a write past RLIMIT_FSIZE fails instead
    sys.path.insert(0, os.path.join(folder, "lib"))         # numpy, and nothing else
    import numpy as np
    out = os.path.join(folder, "out")
    names, wrt = spec["names"], spec["wrt"]
    # The inputs are read before the student's code runs: it may replace np.load.
    points = [[np.load(os.path.join(folder, "in", f"{i}-{n}.npy"), allow_pickle=False)
               for n in names + ["X", "y"]] for i in range(spec["points"])]
    save, text = np.save, np.array

    def send(name, array):
        save(os.path.join(out, name + ".npy"), array, allow_pickle=False)

    def fail(i, kind, message):
        send(f"{i}-error", text([kind, message[:TEXT]], dtype=f"<U{TEXT}"))

    path = spec["file"]
    student = os.path.realpath(path)
    own = lambda filename: os.path.realpath(filename) == student     # noqa: E731
    import importlib.util
    try:
        module_spec = importlib.util.spec_from_file_location("solution", path)
        module = importlib.util.module_from_spec(module_spec)
        sys.modules["solution"] = module
        module_spec.loader.exec_module(module)
        func = getattr(module, spec["function"], None)
    except BaseException as error:          # SyntaxError, SystemExit, MemoryError, ...
        return fail(0, "raised", describe(error, own))
    if not callable(func):
        return fail(0, "function", spec["function"])
    for i, values in enumerate(points):
        try:
            got, problem = as_arrays(func(*[v.copy() for v in values]), names, wrt)
        except BaseException as error:
            return fail(i, "raised", describe(error, own))
        if problem:
            return fail(i, *problem)
        for name, array in got.items():
            send(f"{i}-{name}", array)
        send(f"{i}-names", text(list(got), dtype=f"<U{TEXT}"))   # last: the point is done


if __name__ == "__main__":
    main(sys.argv[1])
