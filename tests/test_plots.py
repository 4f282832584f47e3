"""show --plot and train --plot: PNG files with labelled axes (matplotlib, an optional
extra: these tests skip without it); the functions drawn are the derivation's own, their
derivatives checked against finite differences."""
import io
import struct
import sys

import numpy as np
import pytest
import sympy as sp

pytest.importorskip("matplotlib", reason="matplotlib is the optional extra [plot]")

import derivator  # noqa: E402
from derivator.cli import main  # noqa: E402
from derivator.render import plots  # noqa: E402


def run(argv):
    out, err = io.StringIO(), io.StringIO()
    saved, sys.stderr = sys.stderr, err
    try:
        status = main(argv, out=out)
    finally:
        sys.stderr = saved
    return status, out.getvalue(), err.getvalue()


def _png_size(path):
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])            # IHDR: width, height


@pytest.mark.parametrize("name", ["bce", "p3"])
def test_show_plot_writes_a_png(name, tmp_path):
    path = tmp_path / f"{name}.png"
    status, out, err = run(["show", name, "--format", "text", "--plot", str(path)])
    assert status == 0 and path.exists() and str(path) in err
    assert path.stat().st_size > 10_000
    width, height = _png_size(path)
    assert width >= 500 and height >= 300


@pytest.mark.parametrize("name, expected", [
    ("bce", lambda t: 1 / (1 + np.exp(-t))),                      # the sigmoid
    ("p3", lambda t: (1 - np.exp(-t)) / (1 + np.exp(-t))),        # p3's bipolar f
])
def test_the_functions_drawn_are_the_derivations_with_their_derivatives(name, expected):
    figure = plots.activation_figure(derivator.derive(name))
    (ax,) = figure.axes
    assert ax.get_xlabel() == "t" and ax.get_ylabel() and ax.get_title()
    (t, f), (_, df) = [line.get_data() for line in ax.get_lines()[:2]]
    assert np.allclose(f, expected(t))
    h = 1e-5
    assert np.allclose(df, (expected(t + h) - expected(t - h)) / (2 * h), atol=1e-8)


def test_p3s_derivative_is_half_of_one_minus_f_squared():
    (_, g), = plots.activations(derivator.derive("p3"))
    t = sp.Symbol("t", real=True)
    difference = sp.diff(g, plots.T) - (1 - g ** 2) / 2
    assert all(abs(float(difference.subs(plots.T, v))) < 1e-12 for v in (-3, -0.5, 0, 2))
    assert t.name == plots.T.name


def test_a_derivation_with_nothing_to_draw_gets_one_line(tmp_path):
    status, out, err = run(["show", "mse", "--plot", str(tmp_path / "x.png")])
    assert status == 2 and err.count("\n") == 1 and "mse" in err and "Traceback" not in err


def test_train_plot_writes_the_loss_curve(tmp_path):
    path = tmp_path / "loss.png"
    status, out, err = run(["train", "p2", "--epochs", "20", "--plot", str(path)])
    assert status == 0 and path.exists() and path.stat().st_size > 5_000
    figure = plots.loss_figure([3.0, 2.0, 1.5], "p2")
    ax = figure.axes[0]
    assert ax.get_xlabel() == "epoch" and ax.get_ylabel() == "loss"
    assert list(ax.get_lines()[0].get_ydata()) == [3.0, 2.0, 1.5]


def test_the_page_holds_the_plot_as_inline_svg():
    status, out, _ = run(["show", "bce", "--format", "html", "--plot"])
    assert status == 0 and out.count("<svg") == 1 and "<script" not in out
    assert "<figure class=\"plot\">" in out


def test_korean_labels(tmp_path):
    figure = plots.loss_figure([2.0, 1.0], "p2", lang="ko")
    assert figure.axes[0].get_xlabel() == "에폭" and figure.axes[0].get_ylabel() == "손실"
