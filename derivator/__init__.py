"""derivator: step-by-step derivations of machine-learning gradients, checked at every step.

    >>> import derivator
    >>> d = derivator.derive("bce", wrt="w")
    >>> [step.rule for step in d.steps][:3]
    ['definition', 'into_sum', 'definition']
"""
from functools import lru_cache

__version__ = "0.1.0"
__all__ = ["derive", "catalog", "kernel", "check", "gradcheck", "DerivatorError"]


class DerivatorError(ValueError):
    """Bad input from a user: an unknown name, an unknown variable."""


def catalog():
    """The names of the derivations `derive` and `python -m derivator show` know: the
    lectures' (bce, sigmoid, mse) and the problem set's (p1a ... p7b)."""
    from .problemset import all_problems
    from .registry import catalog as names
    return names() + list(all_problems())


@lru_cache(maxsize=None)
def derive(name, wrt=None):
    """The Derivation of `name` with respect to `wrt` (a parameter's name; default the first).

    Raises DerivatorError for an unknown derivation or parameter.
    """
    from .registry import catalog as lectures, get_model
    from .engine import run_engine
    if name not in lectures():
        from .problemset import all_problems, problem     # only when a problem is asked for
        if name not in all_problems() and f"p{name}" not in all_problems():
            raise DerivatorError(f"unknown derivation {name!r}; known: {', '.join(catalog())}")
        return _derive_problem(problem(name), wrt)
    model = get_model(name)
    params = {str(p): p for p in model.params}
    if wrt is None:
        wrt = next(iter(params))
    if str(wrt) not in params:
        raise DerivatorError(f"{name} has no parameter {str(wrt)!r}; "
                             f"differentiate with respect to {' or '.join(params)}")
    return run_engine(model, params[str(wrt)])


@lru_cache(maxsize=None)
def kernel(name):
    """NumPy loss and gradient for `name` (bce, mse, p2, p3, p7b, any loss over samples),
    generated from its derivation: a Kernel with .params (each parameter's shape),
    .loss(params, X, y), .grad(params, X, y) -> a dict like params, .predict(params, X)
    and .source (the generated code). The parameters may also be given in order:
    .loss(w, b, X, y), .grad(w, b, X, y) -> (dw, db)."""
    from .kernels import build_kernel
    return build_kernel(name)


def _derive_problem(problem, wrt):
    from .engine import run_engine
    from .index_engine import IndexEngine
    from .likelihood import LikelihoodEngine
    from .schematic import PowerTraceEngine
    if problem.strategy == "index":
        derivation = IndexEngine(problem).run()
    elif problem.strategy == "index_power":
        derivation = PowerTraceEngine(problem).run()
    elif problem.strategy == "likelihood":
        model = problem.model()
        derivation = LikelihoodEngine(model, model.params[0]).run()
    else:
        model = problem.model()
        derivation = run_engine(model, model.params[0])
    if wrt is not None and str(wrt) != str(derivation.wrt):
        raise DerivatorError(f"{problem.id} is differentiated with respect to "
                             f"{derivation.wrt} only")
    return derivation


def check(problem, answer, timeout=None):
    """The verdict on a student's answer to a problem ("p6" or "6"): .status is
    "correct", "incorrect", "unreadable" or (with `timeout`) "timeout"; .message, .notes,
    .counterexample say why.

    With `timeout` (seconds) the check runs in a worker process that is killed when the
    time is up, as the command line always does. Without it, it runs here, bounded by the
    reader's and the evaluator's own limits: for any answer of at most 2,000 characters it
    returns within 10 s of CPU in less than 500 MB (one operation budget for the whole
    check; SymPy's optional confirmation is tried only where the expansion stays small).

    A text of several lines (newlines, `\\\\`, an aligned environment) or a chain
    `a = b = c` is a working: every step is judged and the verdict also has
    .first_wrong_line, .lines and .answer (the last line's verdict)."""
    from .answers.judge import Verdict, check as judge
    from .answers.working import is_working
    if is_working(answer):
        return _check_working(problem, answer, timeout)
    if timeout is None:
        return judge(problem, answer)
    from .answers.workers import check_one
    return Verdict(**check_one(problem, answer, timeout))


def _check_working(problem, working, timeout):
    """A working of several lines: every step judged, the last line as the answer
    (`.first_wrong_line`, `.lines`, `.answer`)."""
    from .answers.working import WorkingVerdict, check_working
    if timeout is None:
        return check_working(problem, working)
    from .answers.workers import check_one
    return WorkingVerdict.from_dict(check_one(problem, working, timeout))

def gradcheck(func, problem, X=None, y=None, wrt=None, seed=0, lang="en"):
    """A student's gradient function against the derived kernel of `problem`: `func` is
    called as func(params..., X, y) at random points (or at the X and y given); the
    verdict's .status is "correct", "incorrect" or "error", with .message and .notes."""
    from .kernels.gradcheck import gradcheck as run
    return run(func, problem, X, y, wrt=wrt, seed=seed, lang=lang)
