"""Gradient descent with a generated kernel: full-batch or mini-batch ("1 batch at a time").

Data comes from a CSV file (one numeric column is the target) or from the dataset that
ships with derivator for each loss. Features are standardised with the training data's
mean and standard deviation, so one learning rate suits every column.
"""
import csv
from dataclasses import dataclass, field
from importlib import resources

import numpy as np

from . import DerivatorError

DEFAULT_DATA = {   # loss -> (file in derivator/data, target column, what it is)
    "bce": ("breast_cancer.csv", "benign",
            "Breast Cancer Wisconsin (Diagnostic), 569 tumours, 30 features"),
    "mse": ("diabetes.csv", "progression",
            "Diabetes (Efron et al. 2004), 442 patients, 10 features"),
}


@dataclass
class Dataset:
    X: np.ndarray
    y: np.ndarray
    features: list
    target: str
    source: str


@dataclass
class Training:
    w: np.ndarray
    b: float
    history: list = field(default_factory=list)     # mean loss after each epoch


def load_csv(path, target, text=None):
    """The numeric table in `path` (or `text`), split into features and the target column."""
    try:
        if text is None:
            with open(path, newline="", encoding="utf-8") as f:
                text = f.read()
    except OSError as error:
        raise DerivatorError(f"cannot read {path}: {error.strerror or error}") from None
    except UnicodeDecodeError:
        raise DerivatorError(f"{path} is not a UTF-8 text (CSV) file") from None
    rows = [r for r in csv.reader(text.splitlines()) if any(cell.strip() for cell in r)]
    if not rows:
        raise DerivatorError(f"{path} is empty")
    header = [h.strip() for h in rows[0]]
    if target not in header:
        raise DerivatorError(f"{path} has no column {target!r}; columns: {', '.join(header)}")
    if len(header) < 2:
        raise DerivatorError(f"{path} has only the target column; it needs features too")
    if len(rows) < 2:
        raise DerivatorError(f"{path} has a header but no rows")
    values = np.empty((len(rows) - 1, len(header)))
    for k, row in enumerate(rows[1:], start=2):
        if len(row) != len(header):
            raise DerivatorError(f"{path}, line {k}: {len(row)} cells, but the header has "
                                 f"{len(header)}")
        for j, cell in enumerate(row):
            try:
                values[k - 2, j] = float(cell)
            except ValueError:
                raise DerivatorError(f"{path}, line {k}, column {header[j]!r}: {cell.strip()!r} "
                                     f"is not a number") from None
            if not np.isfinite(values[k - 2, j]):
                raise DerivatorError(f"{path}, line {k}, column {header[j]!r}: {cell.strip()!r} "
                                     f"is not a finite number")
    t = header.index(target)
    features = [h for j, h in enumerate(header) if j != t]
    return Dataset(np.delete(values, t, axis=1), values[:, t], features, target, str(path))


def default_dataset(loss):
    if loss not in DEFAULT_DATA:
        raise DerivatorError(f"no default dataset for {loss!r}; give --data FILE.csv --target "
                             f"COLUMN")
    filename, target, _ = DEFAULT_DATA[loss]
    text = resources.files("derivator").joinpath("data", filename).read_text(encoding="utf-8")
    return load_csv(f"{filename} (shipped with derivator)", target, text=text)


def is_classification(model):
    """Labels drawn from {0, 1} in the model's own domain (as BCE declares them)."""
    domain = model.domains.get(model.samples[1]) if model.samples else None
    return bool(domain and domain.integer and (domain.low, domain.high) == (0, 1))


def check_labels(data, loss):
    labels = set(np.unique(data.y).tolist())
    if not labels <= {0.0, 1.0}:
        bad = sorted(labels - {0.0, 1.0})[0]
        raise DerivatorError(f"{loss} needs labels 0 or 1 in column {data.target!r}; "
                             f"found {bad:g}")
    if len(labels) < 2:
        raise DerivatorError(f"column {data.target!r} has one class only ({int(labels.pop())});"
                             f" {loss} needs examples of both 0 and 1")


def standardise(X):
    mean, std = X.mean(axis=0), X.std(axis=0)
    std[std == 0] = 1.0          # a constant column stays constant (0)
    return (X - mean) / std


DIVERGED = 1e6        # a loss this many times the starting one means the steps are too long


def gradient_descent(kernel, X, y, lr, epochs, batch_size=None, seed=0, on_epoch=None):
    """Plain gradient descent; with batch_size, shuffled mini-batches each epoch."""
    rng = np.random.default_rng(seed)
    run = Training(np.zeros(X.shape[1]), 0.0)
    start_loss = float(kernel.loss(run.w, run.b, X, y))
    n = X.shape[0]
    size = n if not batch_size or batch_size >= n else batch_size
    for epoch in range(1, epochs + 1):
        order = rng.permutation(n) if size < n else None
        for start in range(0, n, size):
            rows = order[start:start + size] if order is not None else slice(None)
            dw, db = kernel.grad(run.w, run.b, X[rows], y[rows])
            run.w = run.w - lr * dw
            run.b = float(run.b - lr * db)
        loss = float(kernel.loss(run.w, run.b, X, y))
        if not np.isfinite(loss) or loss > DIVERGED * max(start_loss, 1e-300):
            raise ValueError(f"the loss grew from {start_loss:.4g} to {loss:.4g} by epoch {epoch}")
        run.history.append(loss)
        if on_epoch:
            on_epoch(epoch, loss)
    return run


def accuracy(run, X, y):
    return float(np.mean(((X @ run.w + run.b) > 0) == (y > 0.5)))


def r_squared(run, X, y):
    residual = y - (X @ run.w + run.b)
    return float(1 - residual @ residual / np.sum((y - y.mean()) ** 2))
