"""gradcheck: students' own gradient functions, written out here by hand, against the
derived kernels; and the command line, which runs a student's file in a worker."""
import json
import os
import textwrap

import numpy as np
import pytest

import derivator
from test_cli import run


def sigmoid(t):
    return 1 / (1 + np.exp(-t))


def p2_grad(w, X, y):
    return X.T @ (sigmoid(X @ w) - y) + 2 * w


def p3_grad(w, X, y):
    f = np.tanh(X @ w / 2)
    return X.T @ ((f - y) * (1 - f ** 2)) / 2


def p7_grads(w0, w1, w2, X, y):
    Z = sigmoid(X @ w0.T)
    A = sigmoid(Z @ w1.T)
    H = X + A
    G = sigmoid(H @ w2)
    dG = (G - y) * G * (1 - G)
    dA = dG[:, None] * w2 * A * (1 - A)
    return {"w_0": ((dA @ w1) * Z * (1 - Z)).T @ X, "w_1": dA.T @ Z, "w_2": H.T @ dG}


def bce_grad(w, b, X, y):
    r = sigmoid(X @ w + b) - y
    return X.T @ r / len(y), r.mean()


@pytest.mark.parametrize("problem,func", [
    ("p2", p2_grad), ("p3", p3_grad), ("p7b", lambda *a: p7_grads(*a)["w_1"]),
    ("p7b", p7_grads), ("p7b", lambda *a: tuple(p7_grads(*a).values())), ("bce", bce_grad),
])
def test_right_gradients_are_correct(problem, func):
    verdict = derivator.gradcheck(func, problem)
    assert verdict.status == "correct", verdict
    assert verdict.largest_error < 1e-10 and "2 random points, at 2 sizes" in verdict.message


@pytest.mark.parametrize("problem,func,note", [
    ("p2", lambda w, X, y: -p2_grad(w, X, y), "sign: your gradient is the right one with its"),
    ("p2", lambda w, X, y: 2 * p2_grad(w, X, y), "your gradient is 2 times the right one"),
    ("p2", lambda w, X, y: p2_grad(w, X, y) / len(y), "an extra 1/N"),
    ("p2", lambda w, X, y: p2_grad(w, X, y) - 2 * w, "missing the regularisation term: the "
                                                      "gradient has 2*w besides"),
    ("p2", lambda w, X, y: p2_grad(w, X, y) - w, "the regularisation term is 0.5 times 2*w"),
    ("p3", lambda w, X, y: len(y) * p3_grad(w, X, y), "missing a 1/N, or a sum counted N"),
    ("p7b", lambda *a: p7_grads(*a)["w_1"].T, "missing transpose"),
])
def test_wrong_gradients_get_a_note_naming_the_mistake(problem, func, note):
    verdict = derivator.gradcheck(func, problem)
    assert verdict.status == "incorrect"
    assert "largest relative error" in verdict.message or "shape" in verdict.message
    assert any(note in n for n in verdict.notes), verdict.notes


def test_where_the_largest_error_is():
    def off_in_one_entry(w, X, y):
        g = p2_grad(w, X, y)
        g[1] += 1.0
        return g
    verdict = derivator.gradcheck(off_in_one_entry, "p2")
    assert verdict.status == "incorrect" and "at w[1] (N = " in verdict.message


def test_given_data_and_korean():
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(30, 4)), (rng.random(30) < 0.5).astype(float)
    verdict = derivator.gradcheck(p2_grad, "p2", X, y, lang="ko")
    assert verdict.status == "correct" and "일치한다" in verdict.message
    verdict = derivator.gradcheck(lambda w, X, y: -p2_grad(w, X, y), "p2", X, y, lang="ko")
    assert verdict.notes == ["부호: 답이 올바른 기울기와 부호만 반대이다"]


@pytest.mark.parametrize("func,message", [
    (lambda w, X, y: 1 / 0, "your function raised ZeroDivisionError: division by zero"),
    (lambda w, X, y: "text", "your function returned"),
    (lambda w, X, y: (w, w), "your function returned 2 values"),
    (lambda w, X, y: {"v": w}, "a dict with key 'v'"),
])
def test_functions_that_cannot_be_judged(func, message):
    verdict = derivator.gradcheck(func, "p2")
    assert verdict.status == "error" and message in verdict.message


def _with(g, index, value):
    g = np.array(g, dtype=float)
    g[index] = value
    return g


@pytest.mark.parametrize("func,status,message", [
    # NaN compares false: one NaN entry was enough to be judged correct
    (lambda w, X, y: np.full_like(w, np.nan), "incorrect", "it returns nan at w[0]"),
    (lambda w, X, y: _with(p2_grad(w, X, y), 2, np.nan), "incorrect", "returns nan at w[2]"),
    (lambda w, X, y: _with(p2_grad(w, X, y), 1, np.inf), "incorrect", "returns inf at w[1]"),
    (lambda w, X, y: {}, "error", "returned an empty dict, not an array"),     # issue 19
    (lambda w, X, y: {"w": p2_grad(w, X, y).astype(complex)}, "error",
     "returned an array of dtype complex128 for w; expected an array of real numbers"),
    (lambda w, X, y: np.array([None] * len(w)), "error", "an array of dtype object for w"),
    (lambda w, X, y: list(p2_grad(w, X, y)), "correct", "it agrees"),
    (lambda w, X, y: p2_grad(w, X, y).astype(np.float32), "correct", "it agrees"),
])
def test_results_that_are_not_a_gradient(func, status, message):
    verdict = derivator.gradcheck(func, "p2")
    assert verdict.status == status and message in verdict.message, verdict


def test_only_another_parameters_gradient_is_not_correct():
    verdict = derivator.gradcheck(lambda *a: {"w_0": p7_grads(*a)["w_0"]}, "p7b")
    assert verdict.status == "incorrect"
    assert verdict.message == "it returns no gradient for w_1 (it returns w_0)"
    verdict = derivator.gradcheck(lambda *a: {"w_0": p7_grads(*a)["w_0"]}, "p7b", wrt="w_0")
    assert verdict.status == "correct"


def test_type_names_and_keys_are_escaped_and_cut():
    evil = type("Evil\x1b[31m" + "E" * 300, (Exception,), {})

    def raises(w, X, y):
        raise evil("x" * 5000)
    verdict = derivator.gradcheck(raises, "p2")
    assert "\x1b" not in verdict.message and "Evil\\x1b[31mEEE" in verdict.message
    assert len(verdict.message) < 600
    verdict = derivator.gradcheck(lambda w, X, y: {"\x1b[2J" * 10 ** 5: w}, "p2")
    assert verdict.status == "error" and "\x1b" not in verdict.message
    assert "a dict with key '\\x1b[2J" in verdict.message and len(verdict.message) < 400


def test_unknown_parameter_and_problem():
    with pytest.raises(derivator.DerivatorError, match="p2 has no parameter 'v'"):
        derivator.gradcheck(p2_grad, "p2", wrt="v")
    with pytest.raises(derivator.DerivatorError, match="p1a is not a loss over samples"):
        derivator.gradcheck(p2_grad, "p1a")


# The command line: the student's file runs only there, in a worker with a time limit.

def _solution(tmp_path, body, name="solution.py"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(body))
    return str(path)


P2_FILE = """
    import numpy as np
    print("a student's print goes to stderr")           # captured, shown escaped

    def grad(w, X, y):
        return X.T @ (1 / (1 + np.exp(-(X @ w))) - y) + 2 * w

    def forgot(w, X, y):
        return X.T @ (1 / (1 + np.exp(-(X @ w))) - y)

    def loops(w, X, y):
        while True:
            pass
"""


def test_cli_correct_incorrect_and_json(tmp_path):
    path = _solution(tmp_path, P2_FILE)
    code, out, err = run("gradcheck", "p2", f"{path}:grad")
    assert code == 0 and out.startswith("correct: it agrees")
    assert out.splitlines()[-1].startswith("  sandbox: ")   # bubblewrap, or none and why
    assert "  printed: a student's print goes to stderr" in err
    code, out, _ = run("gradcheck", "2", f"{path}:forgot", "--format", "json")
    verdict = json.loads(out)
    assert code == 1 and verdict["status"] == "incorrect"
    assert any("regularisation" in n for n in verdict["notes"])


def test_cli_stops_a_function_that_never_returns(tmp_path):
    path = _solution(tmp_path, P2_FILE)
    code, out, _ = run("gradcheck", "p2", f"{path}:loops", "--timeout", "1")
    assert code == 2 and "took longer than 1 s and was stopped" in out


@pytest.mark.parametrize("body,spec,message", [
    (P2_FILE, "{path}:nope", "solution.py has no function 'nope'"),
    ("def grad(w, X, y)\n    return w\n", "{path}:grad", "SyntaxError"),
    ("raise SystemExit(3)\n", "{path}:grad", "SystemExit"),
    ("import os\nos._exit(0)\n", "{path}:grad", "ended its process before sending a gradient"),
])
def test_cli_bad_files_get_one_line_and_exit_2(tmp_path, body, spec, message):
    path = _solution(tmp_path, body)
    code, out, err = run("gradcheck", "p2", spec.format(path=path))
    assert code == 2 and message in out + err and "Traceback" not in out + err


@pytest.mark.parametrize("args,message", [
    (["gradcheck", "p2", "/no/such/file.py:grad"], "cannot read /no/such/file.py"),
    (["gradcheck", "p2", "solution.py"], "give the function as FILE.py:FUNC"),
    (["gradcheck", "p1a", "solution.py:grad"], "p1a is not a loss over samples"),
    (["gradcheck", "p7b", "solution.py:grad", "--wrt", "w_9"], "p7b has no parameter 'w_9'"),
])
def test_cli_bad_arguments(args, message):
    code, _, err = run(*args)
    assert code == 2 and message in err and len(err.strip().splitlines()) == 1


def _descendants(pid):
    """Every process below pid (from /proc), as {pid: command line}."""
    import os
    parents = {}
    for entry in os.listdir("/proc"):
        try:
            with open(f"/proc/{entry}/stat") as f:
                parents[int(entry)] = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            pass
    found, frontier = set(), {pid}
    while frontier:
        frontier = {p for p, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def _cmdline(pid):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read()
    except OSError:                                   # it has just ended
        return b""


def _alive(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            return "\nState:\tZ" not in f.read()          # a zombie is dead
    except FileNotFoundError:
        return False


def test_the_worker_dies_with_its_parent(tmp_path):
    """Kill the process that started the check (as a grader's timeout would): the child
    running the student's endless loop must not live on."""
    import contextlib
    import signal
    import subprocess
    import sys
    import time
    path = _solution(tmp_path, """
        def grad(w, X, y):
            while True:
                pass
    """)
    parent = subprocess.Popen([sys.executable, "-m", "derivator", "gradcheck", "p2",
                               f"{path}:grad", "--timeout", "120"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(600):                          # the child has started (60 s at most)
            children = _descendants(parent.pid)
            lines = [_cmdline(p) for p in children if _alive(p)]
            if any(b"runner.py" in line for line in lines):
                break
            time.sleep(0.1)
        else:
            pytest.fail("the child never started")
    finally:
        parent.send_signal(signal.SIGKILL)
        parent.wait()
    folders = {arg.decode() for line in lines for arg in line.split(b"\0")
               if b"derivator-gradcheck-" in arg and not arg.endswith(b".py")}
    for _ in range(100):                              # up to 10 s for the kernel to kill it
        if not any(_alive(p) for p in children):
            break
        time.sleep(0.1)
    else:
        for p in children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(p, signal.SIGKILL)
        pytest.fail("the child outlived its parent")
    import shutil
    for folder in folders:                            # the killed parent could not remove it
        shutil.rmtree(folder, ignore_errors=True)


def test_control_characters_in_an_error_are_made_visible():
    def raises(w, X, y):
        raise ValueError("\x1b]0;owned\x07\x1b[2J")
    verdict = derivator.gradcheck(raises, "p2")
    assert "\x1b" not in verdict.message and "\\x1b]0;owned" in verdict.message


def test_cli_a_function_that_eats_memory_is_stopped(tmp_path):
    path = _solution(tmp_path, """
        import numpy as np

        def grad(w, X, y):
            np.empty(3 << 30, dtype=np.uint8)   # 3 GiB of address space, never touched
            return w
    """)
    code, out, _ = run("gradcheck", "p2", f"{path}:grad")
    assert code == 2 and "your function raised MemoryError" in out
