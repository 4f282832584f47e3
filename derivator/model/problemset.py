"""Problems 1-7 as data: the TOML files in problems/ (installed as derivator.problems).

Each file gives the statement, the names with kind and shape, the function to
differentiate in matrix and in index form, and what it is differentiated by. The files
are the project's own data: their expressions are read with SymPy's parser, which must
never see a student's answer (the answer checker has a grammar of its own).
"""
from functools import lru_cache
from importlib import resources
from pathlib import Path

from .. import DerivatorError


def _directory():
    try:
        return resources.files("derivator.problems")
    except ModuleNotFoundError:                       # running from a source checkout
        return Path(__file__).resolve().parents[2] / "problems"


def _load(path):
    from .problemfile import read_problem
    return read_problem(path.read_text(encoding="utf-8"), name=path.name)


@lru_cache(maxsize=None)
def all_problems():
    directory = _directory()
    found = {}
    for path in sorted(directory.iterdir(), key=lambda p: p.name):
        if path.name.endswith(".toml"):
            problem = _load(path)
            found[problem.id] = problem
    return dict(sorted(found.items(), key=lambda kv: _order(kv[0])))


def _order(pid):
    digits = "".join(ch for ch in pid if ch.isdigit())
    return (int(digits or 0), pid)


def problem(name):
    """A problem by id ('p6') or number ('6', '1a'), or a user's file ('my_loss.toml')."""
    if str(name).endswith(".toml"):
        from .problemfile import load
        return load(name)
    problems = all_problems()
    key = name if name in problems else f"p{name}"
    if key not in problems:
        from ..strategies.routes.answers import route_problem        # bce-mle, logistic-pm1 are checkable
        if route_problem(name) is not None:
            return route_problem(name)
        raise DerivatorError(f"unknown problem {name!r}; known: {', '.join(problems)}")
    return problems[key]
