"""Constants that double precision cannot tell from a simple number: σ(40) is 1 − 4·10⁻¹⁸,
1 − tanh(50) and exp(−10⁴) are not 0, log(1 + 10⁻¹⁷) is not 0. In doubles each is exactly
the simple number, so an answer with 2Xᵀσ(40) agrees with 2Xᵀ at every point, and is still
wrong. Each constant part of an answer (one without names) is computed again with mpmath,
at more and more digits (PRECISIONS): one that doubles round to a simple fraction it does
not equal is named.
"""
from fractions import Fraction

import mpmath

from ..read.notation import written
from ..read.parse import _walk

SIMPLE_DENOMINATOR = 1000    # 1, 0, 1/2, 2/3: what a constant is taken to stand for
PRECISIONS = (60, 240, 1000, 5000)    # digits: 1 − σ(1000) cancels in fewer than 500

_FUNCTIONS = {
    "exp": mpmath.exp, "log": mpmath.log, "sqrt": mpmath.sqrt, "tanh": mpmath.tanh,
    "sin": mpmath.sin, "cos": mpmath.cos, "tan": mpmath.tan, "cosh": mpmath.cosh,
    "sinh": mpmath.sinh, "abs": abs,
    "sigma": lambda t: 1 / (1 + mpmath.exp(-t)),
    "dsigma": lambda t: mpmath.exp(-t) / (1 + mpmath.exp(-t)) ** 2,
    "dtanh": lambda t: 1 - mpmath.tanh(t) ** 2,
    "softplus": lambda t: mpmath.log1p(mpmath.exp(t)),
    "relu": lambda t: max(t, 0), "step": lambda t: mpmath.mpf(1 if t > 0 else 0),
}


def disguised(tree):
    """A note naming the first constant part of `tree` that doubles take for a simple
    fraction it is not, or None."""
    for part in _constant_parts(tree):
        with mpmath.workdps(PRECISIONS[0]):
            exact = _value(part)
        if exact is None or not mpmath.isfinite(exact):
            continue
        rounded = float(exact)
        simple = Fraction(rounded).limit_denominator(SIMPLE_DENOMINATOR)
        if abs(rounded - float(simple)) > 1e-12 * max(1.0, abs(float(simple))):
            continue                       # not a simple number even in doubles
        found = _stable_gap(part, simple)
        if found is not None:
            sign = "+" if found > 0 else "-"
            value = (f"{'-' if found < 0 else ''}{_size(found)}" if simple == 0 else
                     f"{simple} {sign} {_size(found)}")
            return (f"{written(part)} is {value}, not {simple}: a difference double "
                    "precision cannot see, so the answer is not the right one")
    return None




def _stable_gap(part, target):
    """part − target where it is not 0 and stays the same at the next precision: a real
    gap stays (e⁻¹⁰⁰⁰ is tiny and stays), rounding noise, as in (√2)² − 2, shrinks with
    every digit added; None where it is 0 at every precision."""
    gaps = []
    for digits in PRECISIONS:
        with mpmath.workdps(digits):
            value = _value(part)
            if value is None:
                return None
            gaps.append(value - mpmath.mpf(target.numerator) / target.denominator)
        if len(gaps) >= 2 and gaps[-1] != 0:
            with mpmath.workdps(digits):
                if abs(gaps[-2] - gaps[-1]) <= abs(gaps[-1]) / 1000:
                    return gaps[-1]
    return None


def _size(gap):
    with mpmath.workdps(PRECISIONS[-1]):
        return mpmath.nstr(abs(gap), 3)


def _constant_parts(tree):
    """The largest parts without a name (and more than a number typed plainly)."""
    stack = [tree]
    while stack:
        n = stack.pop()
        if not any(m.kind == "name" for m in _walk(n)):
            if n.kind != "num" or _digits(n.value) > 15:
                yield n
            continue
        stack.extend(n.args)


def _digits(value):
    return sum(c.isdigit() for c in str(value))


def _value(n):
    """n with mpmath, or None for what it does not compute here (a matrix, a sum)."""
    try:
        if n.kind == "num":
            return mpmath.mpf(str(n.value))
        args = [_value(a) for a in n.args]
        if any(a is None for a in args):
            return None
        if n.kind == "neg":
            return -args[0]
        if n.kind in ("add", "sub", "mul", "div", "pow") and len(args) == 2:
            a, b = args
            if n.kind == "mul" and n.value not in (None, "dot"):
                return None
            value = {"add": a + b, "sub": a - b, "mul": a * b,
                     "div": a / b if b else None, "pow": a ** b}[n.kind]
            return value if isinstance(value, mpmath.mpf) else None    # not complex
        if n.kind == "call" and isinstance(n.value, tuple) and len(args) == 1 \
                and not n.value[1] and n.value[0] in _FUNCTIONS:
            value = _FUNCTIONS[n.value[0]](args[0])
            return value if isinstance(value, mpmath.mpf) else mpmath.mpf(value)
    except (ValueError, TypeError, ZeroDivisionError, OverflowError):
        return None
    return None
