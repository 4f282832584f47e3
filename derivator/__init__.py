"""derivator: step-by-step derivations of machine-learning gradients, checked at every step.

    >>> import derivator
    >>> d = derivator.derive("bce", wrt="w")
    >>> [step.rule for step in d.steps][:3]
    ['definition', 'into_sum', 'definition']
"""
from functools import lru_cache

__version__ = "0.1.0"
__all__ = ["derive", "load", "catalog", "kernel", "check", "DerivatorError"]


class DerivatorError(ValueError):
    """Bad input from a user: an unknown name, an unknown variable."""


def catalog():
    """The names of the derivations `derive` and `python -m derivator show` know: the
    lectures' (bce, sigmoid, mse) and the problem set's (p1a ... p7b)."""
    from .problemset import all_problems
    from .registry import catalog as names
    return names() + list(all_problems())


def derive(name, wrt=None):
    """The Derivation of `name` with respect to `wrt` (a parameter's name; default the first).
    `name` is a derivation of the catalog or the path of a problem file ("my_loss.toml").

    Raises DerivatorError for an unknown derivation or parameter, or a bad file.
    """
    if str(name).endswith(".toml"):
        return _derive_problem(load(name), wrt)
    return _derive_named(name, wrt)


def load(path):
    """The Problem a problem file declares, every key and expression checked (a
    DerivatorError `FILE:LINE: what is wrong` otherwise)."""
    from .problemfile import load as load_file
    return load_file(str(path))


@lru_cache(maxsize=None)
def _derive_named(name, wrt=None):
    from .registry import catalog as lectures, get_model
    from .strategies.loss import run_engine
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
    """NumPy loss and gradient for `name`, generated from its derivation: a Kernel with
    .loss(w, b, X, y), .grad(w, b, X, y) -> (dw, db) and .source (the generated code)."""
    from .kernels import build_kernel
    if name not in catalog():
        raise DerivatorError(f"unknown derivation {name!r}; known: {', '.join(catalog())}")
    return build_kernel(name)


def _derive_problem(problem, wrt):
    from .problemfile import derived
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
    "correct", "incorrect" or "unreadable"; .message, .notes, .counterexample say why.

    With `timeout` (seconds) the check runs in a worker process that is killed when the
    time is up, as the command line always does; without, it runs here, bounded by the
    parser's and the evaluator's own limits."""
    from .answers.judge import Verdict, check as judge
    if timeout is None:
        return judge(problem, answer)
    from .answers.workers import check_one
    return Verdict(**check_one(problem, answer, timeout))
