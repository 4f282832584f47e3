"""Gradient descent with a generated kernel: full-batch or mini-batch ("1 batch at a time").

Data comes from a CSV file (one numeric column is the target) or from the dataset that
ships with derivator for each loss. Features are standardised with the training data's
mean and standard deviation, so one learning rate suits every column.
"""
import csv
import io
import warnings
from dataclasses import dataclass, field
from importlib import resources

import numpy as np

from .. import DerivatorError

DEFAULT_DATA = {   # the labels a loss declares -> (file in derivator/data, target, what it is)
    (0, 1): ("breast_cancer.csv", "benign",
             "Breast Cancer Wisconsin (Diagnostic), 569 tumours, 30 features"),
    (-1, 1): ("breast_cancer.csv", "benign",
              "Breast Cancer Wisconsin (Diagnostic), 569 tumours, 30 features; "
              "benign 0/1 written as -1/1"),
    None: ("diabetes.csv", "progression",
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
    params: dict                                     # parameter name -> array or float
    history: list = field(default_factory=list)     # loss after each epoch


def load_csv(path, target, text=None):
    """The numeric table in `path` (or `text`), split into features and the target column.

    Read in one pass by NumPy's C reader (a 200 MB file in seconds, in memory about the
    size of the table); a file it cannot read is read again row by row with the csv
    module to say which line and cell is wrong."""
    try:
        with (io.StringIO(text) if text is not None else
              open(path, newline="", encoding="utf-8-sig")) as f:
            header = _header(f, path, target)
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")        # "input contained no data"
                    values = np.loadtxt(f, delimiter=",", quotechar='"', ndmin=2,
                                        dtype=float, encoding=None)
            except ValueError:
                values = None
            if values is None or values.shape[1:] != (len(header),) \
                    or not np.isfinite(values).all():
                f.seek(0)
                values = _slow_rows(f, path, header)
    except OSError as error:
        raise DerivatorError(f"cannot read {path}: {error.strerror or error}") from None
    except UnicodeDecodeError:
        raise DerivatorError(f"{path} is not a UTF-8 text (CSV) file") from None
    except csv.Error as error:
        raise DerivatorError(f"{path} is not a CSV file the csv module can read: {error}") \
            from None
    if len(values) == 0:
        raise DerivatorError(f"{path} has a header but no rows")
    t = header.index(target)
    features = [h for j, h in enumerate(header) if j != t]
    return Dataset(np.delete(values, t, axis=1), values[:, t].copy(), features, target,
                   str(path))


def _header(f, path, target):
    for row in csv.reader(iter(f.readline, "")):
        if any(cell.strip() for cell in row):
            header = [h.strip() for h in row]
            break
    else:
        raise DerivatorError(f"{path} is empty")
    seen = {}
    for j, name in enumerate(header, start=1):
        if name in seen:
            raise DerivatorError(f"{path}: the column name {name!r} appears twice (columns "
                                 f"{seen[name]} and {j}); each column needs its own name")
        seen[name] = j
    if target not in header:
        raise DerivatorError(f"{path} has no column {target!r}; columns: "
                             f"{', '.join(visible(h) for h in header)}")
    if len(header) < 2:
        raise DerivatorError(f"{path} has only the target column; it needs features too")
    return header


def visible(text):
    """text on one line, its control characters (newlines, escapes) written out."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def _slow_rows(f, path, header):
    """The rows after the header, one by one, stopping at the first bad line or cell."""
    reader = csv.reader(f)
    rows, found_header = [], False
    for row in reader:
        k = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if not found_header:
            found_header = True
            continue
        if len(row) != len(header):
            raise DerivatorError(f"{path}, line {k}: {len(row)} cells, but the header has "
                                 f"{len(header)}")
        values = []
        for j, cell in enumerate(row):
            try:
                value = float(cell)
            except ValueError:
                raise DerivatorError(f"{path}, line {k}, column {header[j]!r}: "
                                     f"{cell.strip()[:40]!r} is not a number") from None
            if not np.isfinite(value):
                raise DerivatorError(f"{path}, line {k}, column {header[j]!r}: "
                                     f"{cell.strip()[:40]!r} is not a finite number")
            values.append(value)
        rows.append(values)
    return np.array(rows, dtype=float).reshape(len(rows), len(header))


def default_dataset(labels):
    """The dataset that ships for a loss with these labels (None: a real-valued target)."""
    filename, target, _ = DEFAULT_DATA[labels]
    text = resources.files("derivator").joinpath("data", filename).read_text(encoding="utf-8")
    data = load_csv(f"{filename} (shipped with derivator)", target, text=text)
    if labels is not None and labels != (0, 1):
        data.y = np.where(data.y == 1, labels[1], labels[0]).astype(float)
        data.source += f" (target as {labels[0]}/{labels[1]})"
    return data


def check_labels(data, loss, labels):
    """Every value of the target is one of the loss's two labels, and both appear."""
    found = set(np.unique(data.y).tolist())
    if not found <= set(labels):
        bad = sorted(found - set(labels))[0]
        raise DerivatorError(f"{loss} needs labels {labels[0]} or {labels[1]} in column "
                             f"{data.target!r}; found {bad:g}")
    if len(found) < 2:
        raise DerivatorError(f"column {data.target!r} has one class only ({found.pop():g});"
                             f" {loss} needs examples of both {labels[0]} and {labels[1]}")


def standardise(data):
    """The features scaled to mean 0 and standard deviation 1, in place (a constant column
    stays 0). Values so large that their mean or spread overflows are refused."""
    X = data.X
    with np.errstate(over="ignore", invalid="ignore"):
        mean, std = X.mean(axis=0), X.std(axis=0)
    bad = np.flatnonzero(~(np.isfinite(mean) & np.isfinite(std)))
    if bad.size:
        raise DerivatorError(f"column {data.features[bad[0]]!r} has values too large to "
                             f"standardise (up to {np.max(np.abs(X[:, bad[0]])):.3g})")
    std[std == 0] = 1.0
    X -= mean
    X /= std
    return X


class Diverged(ValueError):
    """The loss grew without bound: the steps are too long."""


DIVERGED = 1e6        # a loss this many times the starting one means the steps are too long


def gradient_descent(kernel, X, y, lr, epochs, batch_size=None, seed=0, on_epoch=None,
                     params=None):
    """Plain gradient descent from `params` (default: kernel.initial(X)); with
    batch_size, shuffled mini-batches each epoch."""
    rng = np.random.default_rng(seed)
    run = Training(dict(params) if params is not None else kernel.initial(X, seed=seed))
    with np.errstate(over="ignore", invalid="ignore"):     # checked just below
        start_loss = float(kernel.loss(run.params, X, y))
    if not np.isfinite(start_loss):
        raise DerivatorError(f"the loss is not finite at the start ({start_loss}): the "
                             f"target's values are too large")
    n = X.shape[0]
    size = n if not batch_size or batch_size >= n else batch_size
    for epoch in range(1, epochs + 1):
        order = rng.permutation(n) if size < n else None
        for start in range(0, n, size):
            rows = order[start:start + size] if order is not None else slice(None)
            try:
                with np.errstate(over="ignore", invalid="ignore"):
                    grad = kernel.grad(run.params, X[rows], y[rows])
            except ValueError as error:           # the weights overflowed
                raise Diverged(f"{error} by epoch {epoch}") from None
            with np.errstate(over="ignore", invalid="ignore"):
                run.params = {p: v - lr * grad[p] for p, v in run.params.items()}
            if not all(np.isfinite(v).all() for v in run.params.values()):
                raise Diverged(f"the weights overflowed by epoch {epoch}")
        try:
            with np.errstate(over="ignore", invalid="ignore"):
                loss = float(kernel.loss(run.params, X, y))
        except ValueError as error:
            raise Diverged(f"{error} by epoch {epoch}") from None
        if not np.isfinite(loss) or loss > DIVERGED * max(start_loss, 1e-300):
            raise Diverged(f"the loss grew from {start_loss:.4g} to {loss:.4g} by epoch {epoch}")
        run.history.append(loss)
        if on_epoch:
            on_epoch(epoch, loss)
    return run


def accuracy(kernel, run, X, y):
    """The fraction of rows whose prediction is nearer their own label than the other."""
    low, high = kernel.labels
    predicted = np.where(kernel.predict(run.params, X) > (low + high) / 2, high, low)
    return float(np.mean(predicted == y))


def r_squared(kernel, run, X, y):
    """1 - SS_res/SS_tot, or None when the target is constant (R² is undefined)."""
    residual = y - kernel.predict(run.params, X)
    spread = np.sum((y - y.mean()) ** 2)
    if not spread > 0:
        return None
    value = float(1 - residual @ residual / spread)
    return value if np.isfinite(value) else None


DEFAULT_RATE = 0.1


def default_rate(kernel, X, y, params):
    """The default learning rate: 0.1 for a loss that is a mean over the samples, 0.1/N
    for one that is their sum (p2, p3: the gradient grows with N, and a step of 0.1 is N
    times too long). Which it is, is measured: the loss of the data given twice is twice
    the loss for a sum, the same for a mean."""
    n = X.shape[0]
    with np.errstate(all="ignore"):
        once = float(kernel.loss(params, X, y))
        twice = float(kernel.loss(params, np.vstack([X, X]), np.concatenate([y, y])))
    is_sum = np.isfinite(once) and np.isfinite(twice) and abs(once) > 0 and twice / once > 1.5
    return (DEFAULT_RATE / n, True) if is_sum else (DEFAULT_RATE, False)


def rises(history):
    """(how many epochs the loss rose in, the first such epoch, 1-based) — a step too long
    makes the loss rise or oscillate instead of falling."""
    up = [k + 1 for k in range(1, len(history))
          if history[k] > history[k - 1] * (1 + 1e-9) + 1e-12]
    return len(up), (up[0] if up else None)
