"""derivator: step-by-step derivations of machine-learning gradients, checked at every step.

    >>> import derivator
    >>> d = derivator.derive("bce", wrt="w")
    >>> [step.rule for step in d.steps][:3]
    ['definition', 'into_sum', 'definition']
"""
from functools import lru_cache

__version__ = "0.1.0"
__all__ = ["derive", "load", "catalog", "kernel", "check", "gradcheck", "hint",
           "DerivatorError"]


class DerivatorError(ValueError):
    """Bad input from a user: an unknown name, an unknown variable."""


def catalog():
    """The names of the derivations `derive` and `python -m derivator show` know: the
    lectures' (bce, sigmoid, mse), the problem set's (p1a ... p7b) and the other notes'
    (bce-mle, logistic-pm1)."""
    from .model.problemset import all_problems
    from .model.registry import catalog as names
    from .strategies.routes import names as route_names
    return names() + list(all_problems()) + route_names()


def derive(name, wrt=None, route=None, order=None):
    """The Derivation of `name` with respect to `wrt` (a parameter's name; default the first),
    by `route` (default: the lecture's; `derivator list` shows each derivation's routes).
    `name` is a derivation of the catalog or the path of a problem file ("my_loss.toml").
    With `order=2` the gradient is followed by the Hessian, block by block, and the Newton
    step (steps/second_order.py); `show` and `lint` also take a file's `[derive] order = 2`.

    Raises DerivatorError for an unknown derivation, parameter or route, or a bad file.
    """
    if order not in (None, 1, 2):
        raise DerivatorError(f"order = {order!r}: the order is 1 (the gradient) or 2 (the Hessian)")
    if order == 2:
        return _second_order(str(name), None if wrt is None else str(wrt))
    if str(name).endswith(".toml"):
        if route is not None:
            raise DerivatorError(f"{name}: a problem file has one route, its own")
        return _derive_problem(load(name), wrt)
    return _derive_named(name, wrt, route)


def load(path):
    """The Problem a problem file declares, every key and expression checked (a
    DerivatorError `FILE:LINE: what is wrong` otherwise)."""
    from .model.problemfile import load as load_file
    return load_file(str(path))


@lru_cache(maxsize=None)
def _derive_named(name, wrt=None, route=None):
    from .model.registry import catalog as lectures, get_model
    from .strategies.loss import run_engine
    from .strategies.routes import ROUTES, derive_route
    if route is not None or (name in ROUTES and None in ROUTES[name]):
        if name not in catalog():
            raise DerivatorError(f"unknown derivation {name!r}; known: {', '.join(catalog())}")
        return derive_route(name, route, wrt)
    if name not in lectures():
        from .model.problemset import all_problems, problem     # only when a problem is asked for
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


@lru_cache(maxsize=None)
def _second_order(name, wrt):
    """The gradient by every parameter (wrt first), then the Hessian and the Newton step."""
    from .steps.second_order import derive_hessian
    first = derive(name, wrt, order=1)
    model = first.model
    names = [str(p) for p in getattr(model, "params", ())] or [str(first.wrt)]
    names.remove(str(first.wrt))
    gradients = {str(first.wrt): first, **{p: derive(name, p, order=1) for p in names}}
    return derive_hessian(name, gradients)


def _derive_problem(problem, wrt):
    from .model.problemfile import derived
    return derived(problem, None if wrt is None else str(wrt))


def _run_strategy(problem, wrt):
    from .strategies import strategy
    derivation = strategy(problem.strategy)(problem, wrt)
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
    from .answers.judge.judge import Verdict, check as judge
    from .answers.judge.working import is_working
    if is_working(answer):
        return _check_working(problem, answer, timeout)
    if timeout is None:
        return judge(problem, answer)
    from .answers.batch.workers import check_one
    return Verdict(**check_one(problem, answer, timeout))


def _check_working(problem, working, timeout):
    """A working of several lines: every step judged, the last line as the answer
    (`.first_wrong_line`, `.lines`, `.answer`)."""
    from .answers.judge.working import WorkingVerdict, check_working
    if timeout is None:
        return check_working(problem, working)
    from .answers.batch.workers import check_one
    return WorkingVerdict.from_dict(check_one(problem, working, timeout))


def gradcheck(func, problem, X=None, y=None, wrt=None, seed=0, lang="en"):
    """A student's gradient function against the derived kernel of `problem`: `func` is
    called as func(params..., X, y) at random points (or at the X and y given); the
    verdict's .status is "correct", "incorrect" or "error", with .message and .notes."""
    from .kernels.gradcheck import gradcheck as run
    return run(func, problem, X, y, wrt=wrt, seed=seed, lang=lang)


def hint(problem, working, lang="en", show_step=False):
    """A hint for a partial working towards `problem`'s derivation: .matched (each
    working line's step), .status ("next", "start", "wrong", "done"), .step (the step
    named: id, rule, explanation, and its result with `show_step`), .wrong_line and
    .message (in `lang`). Every route to the result is tried (bce: the lecture's, the
    notes'); .route says which the working is on."""
    from .answers.judge.hint import hint as find
    return find(problem, working, lang=lang, show_step=show_step)
