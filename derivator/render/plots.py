"""Pictures, with matplotlib (an optional extra: pip install "derivator[plot]"):

- `show NAME --plot`: each scalar activation of the derivation (the sigmoid of bce, the
  f of p3) and its derivative, drawn as the lecture draws them;
- `train --plot`: the loss at every epoch;
- the HTML page: the same activation plot, inline as SVG.

The activation is found in the derivation's own definitions (a body that is a function of
one scalar: sigmoid(wᵀx), (1 - e^(-wᵀx))/(1 + e^(-wᵀx))), and its derivative is SymPy's, so
the picture is of the functions the derivation differentiates.
"""
import io

import numpy as np
import sympy as sp
from sympy.core.function import AppliedUndef

from .. import DerivatorError
from .catalogue import say

T = sp.Symbol("t", real=True)
KOREAN_FONTS = ("NanumGothic", "NanumBarunGothic", "NanumSquareRound", "Noto Sans CJK KR",
                "Noto Sans KR", "UnDotum")


def _matplotlib():
    try:
        import matplotlib
    except ImportError:
        raise DerivatorError(say("plot.needs_matplotlib")) from None
    matplotlib.use("Agg")                      # files only: no window, no display needed
    import matplotlib.pyplot as plt
    return plt


def activations(derivation):
    """[(name, g(t))]: the scalar functions of one argument the derivation applies (the
    sigmoid of bce and sigmoid, f of p3), each written as a function of t."""
    from ..model.functions import inner, sigmoid
    found = []
    model = derivation.model
    for d in getattr(model, "definitions", ()) or ():
        body = d.body
        for node in sp.preorder_traversal(body):
            if isinstance(node, inner) or (isinstance(node, AppliedUndef) and node != body):
                g = body.subs(node, T)
                if g.free_symbols == {T} and not g.atoms(AppliedUndef) and g != T and \
                        not g.is_polynomial(T) and _finite(g):
                    name = "σ" if g == sigmoid(T) else \
                        d.name.func.__name__ if isinstance(d.name, AppliedUndef) else str(d.name)
                    if name not in [n for n, _ in found]:
                        found.append((name, g))
                break
    if not found and any(isinstance(a, sigmoid) for s in derivation.steps
                         for a in sp.preorder_traversal(s.expr)):
        found.append(("σ", sigmoid(T)))
    return found


def _finite(g):
    """An activation is defined on the whole line (a log of t is not one)."""
    with np.errstate(all="ignore"):
        values = sp.lambdify(T, g.rewrite(sp.exp), "numpy")(np.linspace(-6, 6, 25))
    return bool(np.all(np.isfinite(values)))


def activation_figure(derivation, lang="en"):
    """A figure of each activation and its derivative on t ∈ [-6, 6]; its axes labelled."""
    plt = _matplotlib()
    found = activations(derivation)
    if not found:
        raise DerivatorError(say("plot.nothing", name=derivation.name))
    _font(plt, lang)
    t = np.linspace(-6, 6, 401)
    figure, axes = plt.subplots(1, len(found), figsize=(5.5 * len(found), 3.6), squeeze=False)
    for ax, (name, g) in zip(axes[0], found):
        shown = name
        for expr, label in ((g, f"{shown}(t)"), (sp.diff(g, T), f"{shown}′(t)")):
            f = sp.lambdify(T, expr.rewrite(sp.exp), "numpy")
            ax.plot(t, np.broadcast_to(f(t), t.shape), label=label)
        ax.axhline(0, color="0.7", linewidth=0.8)
        ax.axvline(0, color="0.7", linewidth=0.8)
        ax.set_xlabel("t")
        ax.set_ylabel(f"{shown}(t), {shown}′(t)")
        ax.set_title(say("plot.activation", lang, name=shown))
        ax.legend()
        ax.grid(alpha=0.3)
    figure.tight_layout()
    return figure


def loss_figure(history, name, lang="en"):
    """The loss at every epoch, its axes labelled."""
    plt = _matplotlib()
    _font(plt, lang)
    figure, ax = plt.subplots(figsize=(6, 3.6))
    ax.plot(np.arange(1, len(history) + 1), history)
    ax.set_xlabel(say("train.epoch", lang))
    ax.set_ylabel(say("train.loss", lang))
    ax.set_title(say("plot.loss", lang, name=name))
    if min(history) > 0 and max(history) / min(history) > 100:
        ax.set_yscale("log")
    ax.grid(alpha=0.3)
    figure.tight_layout()
    return figure


def write_png(figure, path):
    """The figure as a PNG file at `path`; one clear line if it cannot be written."""
    plt = _matplotlib()
    try:
        figure.savefig(path, format="png", dpi=120)
    except OSError as error:
        raise DerivatorError(f"cannot write {path}: {error.strerror or error}") from None
    finally:
        plt.close(figure)
    return path


def svg(figure):
    """The figure as an inline <svg> element (for the HTML page)."""
    plt = _matplotlib()
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg")
    plt.close(figure)
    text = buffer.getvalue()
    return text[text.index("<svg"):]


def _font(plt, lang):
    """Korean labels need a font with Hangul (Debian: fonts-nanum)."""
    if lang != "ko":
        return
    from matplotlib import font_manager
    names = {f.name for f in font_manager.fontManager.ttflist}
    for name in KOREAN_FONTS:
        if name in names:
            plt.rcParams["font.family"] = [name, "DejaVu Sans"]
            return
