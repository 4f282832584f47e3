"""An answer's tree written back in the course's notation, to tell the student how it was
read: `(X + Xᵀ) w`, `w_t - η (Xᵀ (σ(X w_t) - y) + 2 w_t)`, `Σ_{i=1}^{N} (f(x_i) - y_i) x_i`.
"""
from .parse import GREEK

SYMBOLS = {"eta": "η", "sigma": "σ", "lambda": "λ", "alpha": "α", "beta": "β", "mu": "μ",
           "delta": "δ", "epsilon": "ε", "theta": "θ", "tau": "τ", "gamma": "γ", "phi": "φ",
           "rho": "ρ", "omega": "ω", "kappa": "κ", "zeta": "ζ"}
POSTFIX = {"transpose": "ᵀ", "inv": "⁻¹"}
FUNCTION_NAMES = {"sigma": "σ", "dsigma": "σ'", "dtanh": "tanh'", "step": "H"}
# how tightly each kind binds: brackets are written where a child binds less tightly
LEVEL = {"add": 1, "sub": 1, "neg": 2, "mul": 3, "div": 3, "pow": 5, "transpose": 6, "inv": 6,
         "entry": 6, "sum": 2, "prod": 2, "num": 7, "name": 7, "call": 7, "range": 7}


def written(node):
    """The tree as one line of text in the course's notation."""
    return _text(node)


def _name(name, sub=None):
    base = SYMBOLS.get(name, name) if name in GREEK else name
    if not sub:
        return base
    return f"{base}_{sub[0]}" if len(sub) == 1 and len(sub[0]) == 1 else \
        f"{base}_{{{','.join(sub)}}}"


def _wrap(child, level, strict=False):
    text = _text(child)
    mine = LEVEL.get(child.kind, 7)
    if child.kind == "mul" and child.value == "odot":     # a ⊙ b binds looser than a b
        mine = 2.5
    if child.kind == "num" and (child.value < 0 or level >= 5 and not float(child.value)
                                .is_integer()):
        return f"({text})"
    return f"({text})" if mine < level or strict and mine == level else text


def _text(n):
    kind = n.kind
    if kind == "num":
        v = n.value
        return str(int(v)) if float(v).is_integer() and abs(v) < 1e15 else repr(v)
    if kind == "name":
        return _name(*n.value)
    if kind == "range":
        return n.value
    if kind == "add":
        return f"{_text(n.args[0])} + {_wrap(n.args[1], 1)}" if n.args[1].kind != "neg" \
            else f"{_text(n.args[0])} + ({_text(n.args[1])})"
    if kind == "sub":
        return f"{_text(n.args[0])} - {_wrap(n.args[1], 1, strict=True)}"
    if kind == "neg":
        return f"-{_wrap(n.args[0], 3)}"
    if kind == "mul":
        a, b = n.args
        if a.kind == "neg" and not n.value:          # -2 X, not (-2) X
            return "-" + _text(type(n)("mul", (a.args[0], b), n.value, n.column))
        if n.value == "inner":
            return f"⟨{_text(a)}, {_text(b)}⟩"
        joint = {"dot": " · ", "odot": " ⊙ "}.get(n.value, " ")
        left = _wrap(a, 3)
        right = _wrap(b, 3, strict=True) if b.kind != "sum" else _wrap(b, 3)
        if b.kind == "neg":
            right = f"({_text(b)})"
        return f"{left}{joint}{right}"
    if kind == "div":
        return f"{_wrap(n.args[0], 3)}/{_wrap(n.args[1], 4)}"
    if kind == "pow":
        base, exp = n.args
        exponent = _text(exp)
        if exp.kind not in ("num", "name") or exp.kind == "num" and exp.value < 0:
            exponent = f"({exponent})"
        mark = "∘" if n.value == "entrywise" else ""
        return f"{_wrap(base, 6, strict=True)}^{mark}{exponent}"
    if kind in POSTFIX:
        return f"{_wrap(n.args[0], 6, strict=True)}{POSTFIX[kind]}"
    if kind == "entry":
        return f"[{_text(n.args[0])}]_{_index(n.value)}"
    if kind == "call":
        name, sub = n.value
        shown = FUNCTION_NAMES.get(name, name)
        if sub:
            shown = _name(shown, sub)
        return f"{shown}({', '.join(_text(a) for a in n.args)})"
    if kind in ("sum", "prod"):
        lower, upper, body = n.args
        limits = f"_{{{n.value}}}" if upper.kind == "range" else \
            f"_{{{n.value}={_text(lower)}}}^{{{_text(upper)}}}"
        return f"{'Σ' if kind == 'sum' else '∏'}{limits} {_wrap(body, 3)}"
    return kind


def _index(indices):
    return indices[0] if len(indices) == 1 and len(indices[0]) == 1 else \
        "{" + ",".join(indices) + "}"


# `check`'s labels around a verdict (the verdict's own sentences are English)
LABELS = {
    "en": {"correct": "correct", "incorrect": "incorrect", "unreadable": "unreadable",
           "timeout": "timeout", "read_as": "read as", "note": "note",
           "counterexample": "counterexample"},
    "ko": {"correct": "정답", "incorrect": "오답", "unreadable": "읽을 수 없음",
           "timeout": "시간 초과", "read_as": "이렇게 읽음", "note": "참고",
           "counterexample": "반례"},
}
