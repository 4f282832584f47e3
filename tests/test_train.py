"""`derivator train`: gradient descent with the generated kernels, and bad CSV files."""
import json

import numpy as np
import pytest

import derivator
from derivator.kernels import train
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
    np.testing.assert_allclose(run_.params["w"], w, rtol=1e-10)
    assert run_.params["b"] == pytest.approx(b, rel=1e-10)


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


@pytest.mark.parametrize("name,labels", [("p2", None), ("p3", [-1.0, 1.0]), ("p7b", None)])
def test_every_loss_trains_on_its_shipped_dataset(name, labels):
    code, out, err = run("train", name, "--epochs", "40", "--lr", "0.01", "--format", "json")
    assert code == 0 and not err
    result = json.loads(out)
    assert result["history"][-1] < result["history"][0]
    assert result["accuracy"] > 0.9
    if labels:
        assert "-1/1" in result["data"]


def test_network_sizes_and_starting_weights():
    code, out, _ = run("train", "p7b", "--epochs", "2", "--size", "M=3", "--format", "json")
    result = json.loads(out)
    assert code == 0 and np.shape(result["w_0"]) == (3, 30) and np.shape(result["w_1"]) == (30, 3)
    code, _, err = run("train", "p7b", "--size", "K=3")
    assert code == 2 and "p7b has no size 'K'; sizes: M" in err
    code, _, err = run("train", "p7b", "--size", "M=x")
    assert code == 2 and "must be a whole number" in err


def _strict_json(text):
    def refuse(constant):
        raise ValueError(f"non-standard JSON constant {constant}")
    return json.loads(text, parse_constant=refuse)


def test_constant_target_gives_valid_json_and_says_r_squared_is_undefined(tmp_path):
    path = tmp_path / "flat.csv"
    path.write_text("a,b,t\n" + "".join(f"{k},{k % 3},5\n" for k in range(20)))
    code, out, _ = run("train", "mse", "--data", str(path), "--target", "t", "--epochs", "5",
                       "--format", "json")
    assert code == 0 and _strict_json(out)["r_squared"] is None
    code, out, _ = run("train", "mse", "--data", str(path), "--target", "t", "--epochs", "5")
    assert code == 0 and "R² undefined (the target is constant)" in out


@pytest.mark.parametrize("content,message", [
    ("a,b,y\n1e308,1,0\n-1e308,2,1\n1e308,3,0\n", "column 'a' has values too large to standardise"),
    ("a,y,y\n1,0,0\n2,1,1\n", "the column name 'y' appears twice (columns 2 and 3)"),
    ("\ufeffa,b,y\n1,2,0\n3,4\n", "line 3: 2 cells, but the header has 3"),
])
def test_data_problems_are_named_not_called_divergence(tmp_path, content, message):
    path = tmp_path / "data.csv"
    path.write_text(content, encoding="utf-8")
    code, _, err = run("train", "bce", "--data", str(path), "--target", "y")
    assert code == 2 and message in err and "diverged" not in err


def test_huge_target_is_named_not_called_divergence(tmp_path):
    path = tmp_path / "data.csv"
    path.write_text("a,t\n1,1e200\n2,-1e200\n3,2e200\n")
    code, _, err = run("train", "mse", "--data", str(path), "--target", "t")
    assert code == 2 and "the loss is not finite at the start" in err


def test_brackets_in_names_are_printed_as_they_are(tmp_path):
    path = tmp_path / "[bold]data[red].csv"
    path.write_text("[red]a,b,[/]y\n1,2,0\n3,4,1\n0,1,1\n5,1,0\n")
    code, out, err = run("train", "bce", "--data", str(path), "--target", "[/]y",
                         "--epochs", "3")
    assert code == 0 and not err
    assert "[bold]data[red].csv" in out and "'[/]y'" in out


def test_a_large_csv_is_read_in_memory_about_the_size_of_its_table(tmp_path):
    import tracemalloc
    rng = np.random.default_rng(0)
    table = rng.normal(size=(20_000, 10))
    path = tmp_path / "big.csv"
    with open(path, "w") as f:
        f.write(",".join(f"c{k}" for k in range(10)) + "\n")
        np.savetxt(f, table, delimiter=",", fmt="%.17g")
    tracemalloc.start()
    try:
        data = train.load_csv(path, "c3")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    np.testing.assert_array_equal(data.y, table[:, 3])
    np.testing.assert_array_equal(data.X, np.delete(table, 3, axis=1))
    assert peak < 4 * table.nbytes < path.stat().st_size * 2


def test_a_bad_cell_deep_in_a_file_is_found_with_its_line(tmp_path):
    path = tmp_path / "data.csv"
    rows = "".join(f"{k},{k % 2}\n" for k in range(1000))
    path.write_text("a,y\n" + rows + "\n" + "7,\"x\"\n")
    code, _, err = run("train", "bce", "--data", str(path), "--target", "y")
    assert code == 2 and "line 1003, column 'y': 'x' is not a number" in err


def test_labels_must_be_the_losses_own(tmp_path):
    path = tmp_path / "data.csv"
    path.write_text("a,y\n1,0\n2,1\n")
    code, _, err = run("train", "p3", "--data", str(path), "--target", "y")
    assert code == 2 and "p3 needs labels -1 or 1 in column 'y'; found 0" in err


def test_any_csv_text_gives_a_dataset_or_one_clear_error():
    from hypothesis import given, settings, strategies as st
    cells = st.sampled_from(["1", "0", "-2.5", "1e308", "nan", "inf", "", " ", "x", "\"3\"",
                             "\"a,b\"", "\"", "1,", "\ufeff", "[/]", "y"])
    lines = st.lists(st.lists(cells, min_size=0, max_size=4).map(",".join), max_size=6)

    @settings(max_examples=150, deadline=None)
    @given(lines)
    def check(rows):
        text = "\n".join(rows)
        try:
            data = train.load_csv("fuzz.csv", "y", text=text)
        except derivator.DerivatorError as error:
            assert "\n" not in str(error)
        else:
            assert data.X.shape[0] == data.y.shape[0] > 0
            assert np.isfinite(data.X).all() and np.isfinite(data.y).all()
    check()


def test_a_loss_with_labels_in_minus_one_one_trains_on_the_classification_data():
    """logistic-pm1's labels are -1/+1: the breast-cancer set, its target as -1/+1, and an
    accuracy (not the diabetes set and an R²)."""
    code, out, _ = run("train", "logistic-pm1", "--epochs", "50")
    assert code == 0 and "accuracy" in out and "R²" not in out
    assert float(out.split("accuracy")[1].split()[0]) > 0.9
