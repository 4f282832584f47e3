"""train's default step: 0.1 for a loss that is a mean over the samples, 0.1/N for one that
is their sum; and a warning when the loss rises (the step is too long)."""
import io
import json
import sys

import numpy as np
import pytest

from derivator.cli import main
from derivator.kernels.train import rises


def _train(*argv):
    out, err = io.StringIO(), io.StringIO()
    saved, sys.stderr = sys.stderr, err
    try:
        status = main(["train", *argv], out=out)
    finally:
        sys.stderr = saved
    return status, out.getvalue(), err.getvalue()


@pytest.mark.parametrize("loss, samples", [("p2", 569), ("p3", 569)])
def test_a_loss_summed_over_the_samples_gets_a_step_n_times_shorter(loss, samples):
    status, out, err = _train(loss, "--epochs", "2", "--format", "json")
    assert status == 0 and json.loads(out)["lr"] == pytest.approx(0.1 / samples)


@pytest.mark.parametrize("loss", ["bce", "mse"])
def test_a_mean_keeps_the_step_of_0_1(loss):
    status, out, _ = _train(loss, "--epochs", "2", "--format", "json")
    assert status == 0 and json.loads(out)["lr"] == 0.1


def test_p2_at_the_default_step_learns_as_well_as_bce():
    """p2 is BCE summed plus ‖w‖²: with the step scaled it reaches bce's accuracy (it
    reached 0.891 at a step of 0.1, and a student could blame the regularisation)."""
    _, p2, _ = _train("p2", "--format", "json")
    _, bce, _ = _train("bce", "--format", "json")
    assert json.loads(p2)["accuracy"] >= json.loads(bce)["accuracy"] - 0.01


def test_the_default_step_is_the_one_a_hand_written_descent_takes():
    """The same descent written out with NumPy: Σ BCE + ‖w‖², ∇ = Xᵀ(σ(Xw) - y) + 2w."""
    status, out, _ = _train("p2", "--epochs", "25", "--format", "json")
    result = json.loads(out)
    from derivator.kernels.train import default_dataset, standardise
    data = default_dataset((0, 1))
    X, y = standardise(data), data.y
    w, rate = np.zeros(X.shape[1]), 0.1 / X.shape[0]
    for _ in range(25):
        w = w - rate * (X.T @ (1 / (1 + np.exp(-X @ w)) - y) + 2 * w)
    z = X @ w
    loss = np.sum(np.logaddexp(0, -z) * y + np.logaddexp(0, z) * (1 - y)) + w @ w
    assert result["final_loss"] == pytest.approx(loss, rel=1e-9)


def test_a_rising_loss_is_warned_of():
    status, out, err = _train("p2", "--lr", "0.1", "--epochs", "60")
    assert status == 0 and "warning: the loss rose in" in err and "smaller --lr" in err
    status, out, err = _train("p2", "--epochs", "60")
    assert "warning" not in err and "the default step is --lr 0.1 divided by 569" in out


def test_the_warning_in_korean():
    status, out, err = _train("p2", "--lr", "0.1", "--epochs", "60", "--lang", "ko")
    assert err.startswith("경고: ") and "손실이 커졌다" in err


@pytest.mark.parametrize("history, expected", [
    ([3, 2, 1], (0, None)), ([3, 4, 2, 5], (2, 2)), ([1, 1, 1], (0, None)), ([], (0, None)),
])
def test_rises_counts_the_epochs_the_loss_went_up(history, expected):
    assert rises(history) == expected
