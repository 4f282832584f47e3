"""`derivator train`: gradient descent with the generated kernels, and bad CSV files."""
import json

import numpy as np
import pytest

import derivator
from derivator import train
from test_cli import run


def test_bce_on_the_shipped_dataset_learns():
    code, out, err = run("train", "bce", "--epochs", "100", "--format", "json")
    assert code == 0 and not err
    result = json.loads(out)
    assert result["samples"] == 569 and len(result["features"]) == 30
    assert len(result["history"]) == 100
    assert result["history"][-1] < result["history"][0] < np.log(2) + 1e-9
    assert result["accuracy"] > 0.95


def test_mse_with_mini_batches_learns():
    code, out, _ = run("train", "mse", "--epochs", "30", "--batch-size", "32", "--format", "json")
    result = json.loads(out)
    assert code == 0 and result["batch_size"] == 32
    assert result["history"][-1] <= result["history"][0]
    assert result["r_squared"] > 0.4


def test_rich_output_reports_the_final_loss_and_accuracy():
    code, out, _ = run("train", "bce", "--epochs", "20")
    assert code == 0
    assert "final loss" in out and "accuracy" in out and "epoch" in out


def test_full_batch_gradient_descent_matches_a_hand_loop():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(50, 3))
    y = (X @ np.array([1.0, -2.0, 0.5]) > 0).astype(float)
    run_ = train.gradient_descent(derivator.kernel("bce"), X, y, lr=0.5, epochs=10)
    w, b = np.zeros(3), 0.0
    for _ in range(10):
        r = 1 / (1 + np.exp(-(X @ w + b))) - y
        w, b = w - 0.5 * X.T @ r / 50, b - 0.5 * r.mean()
    np.testing.assert_allclose(run_.w, w, rtol=1e-10)
    assert run_.b == pytest.approx(b, rel=1e-10)


@pytest.mark.parametrize("content,target,message", [
    ("a,b,y\n1,2,0\n3,4,1\n", "z", "has no column 'z'; columns: a, b, y"),
    ("a,b,y\n1,2,0\n3,x,1\n", "y", "line 3, column 'b': 'x' is not a number"),
    ("a,b,y\n1,2,1\n3,4,1\n", "y", "column 'y' has one class only (1)"),
    ("a,b,y\n1,2,0\n3,4,2\n", "y", "bce needs labels 0 or 1 in column 'y'; found 2"),
    ("a,b,y\n1,2\n", "y", "line 2: 2 cells, but the header has 3"),
    ("", "y", "is empty"),
    ("a,b,y\n", "y", "has a header but no rows"),
    ("a,b,y\n1,nan,0\n2,3,1\n", "y", "'nan' is not a finite number"),
])
def test_bad_csv_gets_one_clear_line_and_exit_2(tmp_path, content, target, message):
    path = tmp_path / "data.csv"
    path.write_text(content)
    code, out, err = run("train", "bce", "--data", str(path), "--target", target)
    assert code == 2 and message in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("args,message", [
    (["train", "sigmoid"], "cannot train 'sigmoid'; losses: bce, mse"),
    (["train", "bce", "--data", "/no/such.csv", "--target", "y"], "cannot read /no/such.csv"),
    (["train", "bce", "--lr", "0"], "'0' must be a finite number greater than 0"),
    (["train", "bce", "--epochs", "x"], "'x' is not an integer"),
    (["train", "bce", "--target", "y"], "--target needs --data"),
    (["train", "mse", "--lr", "10", "--epochs", "20"], "training diverged"),
])
def test_bad_train_arguments(args, message):
    code, _, err = run(*args)
    assert code == 2 and message in err and "Traceback" not in err
