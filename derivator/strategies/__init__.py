"""The ways a derivation is made, one module each, chosen by a problem's `strategy`:

    loss         the lectures' losses, hypotheses and networks of named nodes
    index        matrix calculus in index notation (scalar or vector-valued functions)
    index_power  tr(X^k) for a symbolic natural number k
    likelihood   maximum likelihood: the log, the gradient, set to zero and solved

Every module has the same entry point, derive(problem, wrt) -> Derivation, and registers
it here; a new kind of derivation is a new module and one line below.
"""
from importlib import import_module

MODULES = {"loss": "loss", "index": "index", "index_power": "power_trace",
           "likelihood": "likelihood"}


def names():
    """The strategies a problem file may name."""
    return tuple(MODULES)


def strategy(name):
    """The derive(problem, wrt) function of the strategy `name`."""
    return import_module(f"{__name__}.{MODULES[name]}").derive
