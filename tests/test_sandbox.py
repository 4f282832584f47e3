"""gradcheck on a student's file, tried the way a student who wants the points would try it.

Every case runs the file through `run_file` as the command line does: in a separate
interpreter, under bubblewrap where it runs, and again with bubblewrap switched off (the
limits, the process group and the parent's own judgement must hold without it). Where
neither bubblewrap nor the kernel's Landlock can confine files and sockets, the tests of a
write outside the folder and of a socket skip, saying why.
"""
import os
import signal
import socket
import subprocess
import textwrap
import time

import pytest

from derivator.kernels import sandbox
from derivator.kernels._student_runner import landlock_abi
from derivator.kernels.gradcheck import run_file

RIGHT = """
def grad(w, X, y):
    return X.T @ (1 / (1 + np.exp(-(X @ w))) - y) + 2 * w
"""

WRONG = """
def grad(w, X, y):                     # the regularisation term left out
    return X.T @ (1 / (1 + np.exp(-(X @ w))) - y)
"""


@pytest.fixture(params=["bubblewrap", "none"])
def confinement(request, monkeypatch):
    if request.param == "bubblewrap":
        problem = sandbox._bubblewrap_problem()
        if problem:
            pytest.skip(f"bubblewrap cannot run here: {problem}")
    else:
        monkeypatch.setattr(sandbox, "_bubblewrap_problem", lambda: "off for this test")
    return request.param


def needs_landlock(confinement, abi):
    """Without bubblewrap, the file and network rules are the runner's Landlock rules."""
    if confinement == "none" and landlock_abi() < abi:
        pytest.skip(f"no bubblewrap and no Landlock ABI {abi} here (the kernel has "
                    f"{landlock_abi()}): the student's file could do this")


@pytest.fixture
def either():
    """For what the parent decides alone: whichever confinement runs here."""
    return sandbox.confinement()[0]


def check(tmp_path, body, func="grad", problem="p2", seconds=20.0, **kwargs):
    path = tmp_path / "solution.py"
    path.write_text("import numpy as np\n" + textwrap.dedent(body))
    return run_file(problem, str(path), func, seconds, **kwargs)


def test_right_and_wrong_files(tmp_path, confinement):
    verdict = check(tmp_path, RIGHT)
    assert verdict["status"] == "correct", verdict
    assert verdict["sandbox"] == ("sandbox: bubblewrap" if confinement == "bubblewrap" else
                                  "sandbox: none, install bubblewrap (off for this test)")
    verdict = check(tmp_path, WRONG)
    assert verdict["status"] == "incorrect"
    assert any("regularisation" in n for n in verdict["notes"])


SIGMOID = "def s(t):\n    return 1 / (1 + np.exp(-t))\n"


@pytest.mark.parametrize("problem,body", [
    ("p3", "def grad(w, X, y):\n    f = np.tanh(X @ w / 2)\n"
           "    return X.T @ ((f - y) * (1 - f ** 2)) / 2\n"),
    ("p7b", SIGMOID + "def grad(w0, w1, w2, X, y):\n    Z = s(X @ w0.T); A = s(Z @ w1.T)\n"
            "    H = X + A; G = s(H @ w2); dG = (G - y) * G * (1 - G)\n"
            "    dA = dG[:, None] * w2 * A * (1 - A)\n"
            "    return ((dA @ w1) * Z * (1 - Z)).T @ X, dA.T @ Z, H.T @ dG\n"),
    ("bce", SIGMOID + "def grad(w, b, X, y):\n    r = s(X @ w + b) - y\n"
            "    return {'b': r.mean(), 'w': X.T @ r / len(y)}\n"),
])
def test_right_files_for_every_problem(tmp_path, either, problem, body):
    """Hand gradients (p3's f = tanh(wᵀx/2), p7b's backpropagation, bce's mean) through
    the pipe: tuples, dicts in any order, a scalar gradient."""
    verdict = check(tmp_path, body, problem=problem)
    assert verdict["status"] == "correct", verdict


@pytest.mark.parametrize("body,status,message", [
    ("def grad(w, X, y):\n    return np.full_like(w, np.nan)\n", "incorrect",
     "it returns nan at w[0]"),
    (RIGHT + "def one(w, X, y):\n    g = grad(w, X, y)\n    g[-1] = np.nan\n    return g\n",
     "incorrect", "it returns nan at w[2]"),
    (RIGHT + "def one(w, X, y):\n    g = grad(w, X, y)\n    g[1] = -np.inf\n    return g\n",
     "incorrect", "it returns -inf at w[1]"),
    ("def grad(w, X, y):\n    return {}\n", "error",          # issue 19: not an array
     "returned an empty dict, not an array"),
    ("def grad(w, X, y):\n    return {'w': w, 'v': w}\n", "error", "a dict with key 'v'"),
    ("def grad(w, X, y):\n    return w.astype(complex)\n", "error",
     "returned an array of dtype complex128 for w; expected an array of real numbers"),
    ("def grad(w, X, y):\n    return np.array(['1', '2', '3'])\n", "error",
     "returned an array of dtype <U1 for w"),
    ("def grad(w, X, y):\n    return np.array([{}, {}, {}])\n", "error",
     "returned an array of dtype object for w"),
    ("def grad(w, X, y):\n    return [{}, {}, {}]\n", "error", "returned 3 values"),
    ("def grad(w, X, y):\n    return {'w': iter([1])}\n", "error",
     "returned list_iterator for w"),
    ("def grad(w, X, y):\n    return [float(v) for v in w]\n", "incorrect", "largest relative"),
    ("def grad(w, X, y):\n    return np.zeros(10 ** 6)\n", "incorrect",
     "it returns shape (1000000,) for w; the gradient has shape (3,)"),
])
def test_results_that_are_not_a_right_gradient(tmp_path, either, body, status, message):
    func = "one" if "def one" in body else "grad"
    verdict = check(tmp_path, body, func)
    assert verdict["status"] == status and message in verdict["message"], verdict


def test_a_missing_gradient_for_the_parameter_asked_for(tmp_path, either):
    """p7b differentiates by w_1: returning only w_0's gradient (right) is not correct."""
    body = """
    def s(t):
        return 1 / (1 + np.exp(-t))

    def grad(w0, w1, w2, X, y):
        Z = s(X @ w0.T); A = s(Z @ w1.T); G = s((X + A) @ w2)
        dA = ((G - y) * G * (1 - G))[:, None] * w2 * A * (1 - A)
        return {"w_0": ((dA @ w1) * Z * (1 - Z)).T @ X}
    """
    verdict = check(tmp_path, body, problem="p7b")
    assert verdict["status"] == "incorrect"
    assert "no gradient for w_1 (it returns w_0)" in verdict["message"]


# What the file does at import, to forge the verdict.

@pytest.mark.parametrize("attack", [
    # RTOL = inf wherever a module has one, and a comparison that always passes
    "import sys\nfor m in list(sys.modules.values()):\n    if hasattr(m, 'RTOL'):\n"
    "        m.RTOL = float('inf')\n    if hasattr(m, 'allclose'):\n"
    "        m.allclose = lambda *a, **k: True\n",
    # np.abs and np.max patched so that every error looks like 0
    "np.abs = lambda x, *a, **k: np.zeros_like(x)\nnp.max = lambda *a, **k: 0.0\n",
    # the reference, if it could be reached
    "try:\n    import derivator\n    derivator.kernels.gradcheck.RTOL = float('inf')\n"
    "except Exception:\n    pass\n",
])
def test_patching_the_checker_changes_nothing(tmp_path, either, attack):
    verdict = check(tmp_path, attack + WRONG)
    assert verdict["status"] == "incorrect", verdict


def test_the_points_are_new_for_every_run(tmp_path, either):
    """Fixed points would let a file return answers computed for them in advance."""
    body = "def grad(w, X, y):\n    raise ValueError(repr(float(X[0, 0] + w[0])))\n"
    seen = {check(tmp_path, body)["message"] for _ in range(2)}
    assert len(seen) == 2 and all("ValueError: " in m for m in seen)


def test_the_reference_is_not_importable(tmp_path, confinement):
    body = """
    def grad(w, X, y):
        import derivator
        return derivator.kernel("p2").grad(w, X, y)
    """
    verdict = check(tmp_path, body)
    assert verdict["status"] == "error" and "ModuleNotFoundError" in verdict["message"]


FIND_PIPE = """
import io, json, os, pickle
pipe = json.load(open(os.path.join(os.getcwd(), "..", "in", "spec.json")))["pipe"]

def npy(array):
    buffer = io.BytesIO()
    np.save(buffer, array)
    return buffer.getvalue()
"""


def test_forged_results_written_at_import(tmp_path, confinement):
    """A fake `correct` into every descriptor, forged arrays into the result pipe, then
    exit: the parent reads arrays only, and judges them itself."""
    body = FIND_PIPE + """
fake = pickle.dumps({"problem": "p2", "status": "correct", "message": "ok"})
for fd in range(1, 64):
    try:
        os.write(fd, len(fake).to_bytes(4, "little") + fake)
    except OSError:
        pass
"""
    verdict = check(tmp_path, body)
    assert verdict["status"] == "error" and "its output is not a .npy array" in \
        verdict["message"]
    body = FIND_PIPE + """
for size in (3, 5):
    os.write(pipe, npy(np.array(["names", "w"])) + npy(np.zeros(size)))
os._exit(0)
"""
    verdict = check(tmp_path, body)
    assert verdict["status"] == "incorrect", verdict


@pytest.mark.parametrize("attack,message", [
    ("os.write(pipe, npy(np.array(['names', 'w'])) + npy(np.zeros(10 ** 6)))",
     "it returns shape (1000000,) for w"),           # cut at the cap, its header read
    ("os.write(pipe, npy(np.array(['names', 'w'])) + npy(np.zeros(3))[:-8])\n"
     "import time\ntime.sleep(60)", "took longer than 2 s"),
    ("os.write(pipe, npy(np.array(['names', 'v', 'v'])))", "not what the runner sends"),
    ("os.write(pipe, npy(np.array([{}], dtype=object)))", "has dtype object"),
    ("os.write(pipe, npy(np.array(['names', 'w'])) + b'\\x93NUMPY' + b'x' * 10 ** 6)",
     "not a .npy array"),
])
def test_what_comes_through_the_pipe_is_capped_and_checked(tmp_path, either, attack, message):
    seconds = 2 if "sleep" in attack else 20      # generous: the machine may be loaded
    verdict = check(tmp_path, FIND_PIPE + attack + "\nos._exit(0)\n", seconds=seconds)
    assert verdict["status"] in ("incorrect", "error") and message in verdict["message"]


def test_a_header_and_sleep_is_bounded_by_the_timeout(tmp_path, confinement):
    body = """
    import os, time
    for fd in range(1, 64):
        try:
            os.write(fd, b"\\x00\\x00\\x01\\x00")
        except OSError:
            pass
    time.sleep(600)
    """
    verdict = check(tmp_path, body, seconds=1)
    assert verdict["status"] == "error" and "took longer than 1 s" in verdict["message"]


def _running(marker):
    """Processes whose command line holds marker (the student's children)."""
    found = []
    for pid in os.listdir("/proc"):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                if marker.encode() in f.read():
                    with open(f"/proc/{pid}/stat") as s:
                        if s.read().rsplit(")", 1)[1].split()[0] != "Z":
                            found.append(int(pid))
        except (OSError, ValueError):
            pass
    return found


def _gone(marker):
    for _ in range(50):
        if not _running(marker):
            return True
        time.sleep(0.1)
    for pid in _running(marker):
        os.kill(pid, signal.SIGKILL)
    return False


def test_no_child_is_left_behind(tmp_path, confinement):
    """A child, a grandchild in its own session, a subprocess: none may outlive the check
    (the runner's seccomp filter refuses new processes; bubblewrap's PID namespace and the
    process group, killed at the end, are the guards behind it)."""
    marker = f"61.{os.getpid()}{time.monotonic_ns() % 10 ** 6}"
    body = textwrap.dedent(f"""
    import os, subprocess
    tries = []
    def child():
        os.setsid()
        if os.fork() == 0:
            os.execv("/bin/sleep", ["sleep", "{marker}"])
        os._exit(0)
    for attempt in (lambda: os.fork() or child(),
                    lambda: subprocess.Popen(["sleep", "{marker}"], start_new_session=True)):
        try:
            if attempt() == 0:
                child()
        except OSError as error:
            tries.append(type(error).__name__)
    """) + RIGHT
    verdict = check(tmp_path, body)
    assert verdict["status"] == "correct", verdict
    assert _gone(marker), "the student's child outlived the check"


def test_a_fork_bomb_is_bounded(tmp_path, confinement):
    marker = f"63.{os.getpid()}{time.monotonic_ns() % 10 ** 6}"
    body = f"""
    import os
    def grad(w, X, y):
        n = 0
        for _ in range(200):
            try:
                if os.fork() == 0:
                    os.execv("/bin/sleep", ["sleep", "{marker}"])
            except OSError:
                break
            n += 1
        raise RuntimeError(f"forked {{n}}")
    """
    verdict = check(tmp_path, body)
    assert verdict["status"] == "error" and "RuntimeError: forked" in verdict["message"]
    forked = int(verdict["message"].split("forked ")[1].split()[0])
    assert forked < 200 and forked <= sandbox.TASKS
    assert _gone(marker)


def test_cpu_time_runs_out_like_the_wall_clock(tmp_path, confinement):
    body = """
    import resource
    def grad(w, X, y):
        resource.setrlimit(resource.RLIMIT_CPU, (1, 2))     # as if threads had used it up
        while True:
            pass
    """
    verdict = check(tmp_path, body)
    assert verdict["status"] == "error" and "took longer than 20 s" in verdict["message"]


def test_calls_that_widen_its_reach_are_refused(tmp_path, either):
    import platform
    from derivator.kernels._student_runner import SYSCALLS
    if platform.machine() not in SYSCALLS:
        pytest.skip(f"no seccomp filter for {platform.machine()}")
    body = """
    import ctypes, os
    libc = ctypes.CDLL(None, use_errno=True)
    def grad(w, X, y):
        results = [libc.unshare(0x10000000),                     # a new user namespace
                   libc.syscall(425, 8, ctypes.create_string_buffer(120)),   # io_uring
                   libc.chroot(b"/")]
        raise RuntimeError(f"{results} {os.strerror(ctypes.get_errno())}")
    """
    verdict = check(tmp_path, body)
    assert "RuntimeError: [-1, -1, -1] Operation not permitted" in verdict["message"], verdict


def test_memory_over_the_limit_is_refused(tmp_path, confinement):
    body = """
    def grad(w, X, y):
        kept = []
        try:
            while True:
                kept.append(np.empty(256 << 20, dtype=np.uint8))   # address space only
        except MemoryError:
            raise MemoryError(f"{len(kept)} blocks") from None
    """
    verdict = check(tmp_path, body)
    assert verdict["status"] == "error" and "MemoryError" in verdict["message"]
    blocks = int(verdict["message"].split("MemoryError: ")[1].split()[0])
    assert blocks * (256 << 20) <= sandbox.MEMORY


def test_a_secret_comes_back_bounded_and_escaped(tmp_path, confinement):
    secret = tmp_path / "answers.txt"
    secret.write_text("SECRET\x1b[2J" + "s" * 5000)
    body = f"""
    def grad(w, X, y):
        try:
            text = open({str(secret)!r}).read()
        except OSError as error:
            text = "unreadable " + type(error).__name__
        raise ValueError(text)

    def as_key(w, X, y):
        return {{open({str(secret)!r}).read() * 1000: w}}
    """
    verdict = check(tmp_path, body)
    assert verdict["status"] == "error" and "\x1b" not in verdict["message"]
    assert len(verdict["message"]) < 600
    if confinement == "bubblewrap" or landlock_abi():   # the student's folder is hidden
        assert "unreadable" in verdict["message"]
    else:
        assert "SECRET\\x1b[2J" in verdict["message"]
    verdict = check(tmp_path, body, "as_key")
    assert verdict["status"] == "error" and len(verdict["message"]) < 600
    assert "\x1b" not in verdict["message"]


def test_escapes_from_type_names_keys_and_prints(tmp_path, confinement):
    body = """
    print("\\x1b]0;owned\\x07\\x1b[2J" * 1000)
    for i in range(100):
        print("line", i)
    Evil = type("Evil\\x1b[31m" + "E" * 500, (Exception,), {})

    def grad(w, X, y):
        raise Evil("\\x1b[2J")

    def key(w, X, y):
        return {"\\x1b[31m" * 100: w}
    """
    for func in ("grad", "key"):
        verdict = check(tmp_path, body, func)
        text = verdict["message"] + "".join(verdict["printed"])
        assert verdict["status"] == "error" and "\x1b" not in text and "\x07" not in text
        assert "\\x1b" in verdict["message"] and len(verdict["message"]) < 600
        assert verdict["printed"][0].startswith("\\x1b]0;owned\\x07")
        assert all(len(line) <= 201 for line in verdict["printed"])
        assert len(verdict["printed"]) <= sandbox.PRINTED + 1


def test_no_write_outside_the_folder(tmp_path, confinement):
    needs_landlock(confinement, 1)
    targets = [tmp_path / "planted.py", os.path.expanduser("~/planted-by-a-student"),
               os.path.join(os.path.dirname(sandbox.__file__), "planted.py")]
    body = textwrap.dedent(f"""
    for target in {[str(t) for t in targets]!r}:
        try:
            open(target, "w").write("owned")
        except OSError as error:
            pass
    """) + RIGHT
    verdict = check(tmp_path, body)
    assert verdict["status"] == "correct"
    assert not any(os.path.exists(t) for t in targets)


def test_no_socket_reaches_the_outside(tmp_path, confinement):
    needs_landlock(confinement, 4)
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    listener.setblocking(False)
    port = listener.getsockname()[1]
    body = f"""
    import socket
    def grad(w, X, y):
        for family, address in [(socket.AF_INET, ("127.0.0.1", {port})),
                                (socket.AF_INET, ("1.1.1.1", 80))]:
            s = socket.socket(family)
            s.settimeout(1)
            try:
                s.connect(address)
            except OSError as error:
                continue
            raise RuntimeError("connected")
        raise RuntimeError("no connection")
    """
    try:
        verdict = check(tmp_path, body)
        with pytest.raises(BlockingIOError):
            listener.accept()
    finally:
        listener.close()
    assert "no connection" in verdict["message"], verdict


def test_the_tas_processes_cannot_be_signalled(tmp_path, confinement):
    shell = subprocess.Popen(["sleep", "30"])
    body = f"""
    import os, signal
    def grad(w, X, y):
        try:
            os.kill({shell.pid}, signal.SIGKILL)
        except OSError as error:
            raise RuntimeError(type(error).__name__)
        raise RuntimeError("sent")
    """
    try:
        verdict = check(tmp_path, body)
        assert shell.poll() is None, "the student's code killed the TA's process"
        assert "ProcessLookupError" in verdict["message"] or \
            "PermissionError" in verdict["message"]
    finally:
        shell.kill()
        shell.wait()


def test_messages_name_the_students_file(tmp_path, either):
    path = tmp_path / "kim_2024.py"
    path.write_text("def grad(w, X, y):\n    return 1 / 0\n")
    verdict = run_file("p2", str(path), "grad", 20.0)
    assert "ZeroDivisionError: division by zero (kim_2024.py, line 2)" in verdict["message"]
    verdict = run_file("p2", str(path), "nope", 20.0)
    assert "kim_2024.py has no function 'nope'" in verdict["message"]


def test_require_sandbox(tmp_path, monkeypatch):
    monkeypatch.setattr(sandbox, "_bubblewrap_problem", lambda: "bwrap is not installed")
    from derivator import DerivatorError
    with pytest.raises(DerivatorError, match="--require-sandbox: bubblewrap cannot confine"):
        check(tmp_path, RIGHT, require_sandbox=True)
    from test_cli import run
    (tmp_path / "solution.py").write_text("import numpy as np\n" + RIGHT)
    code, out, err = run("gradcheck", "p2", f"{tmp_path / 'solution.py'}:grad",
                         "--require-sandbox", "--lang", "ko")
    assert code == 2 and out == "" and len(err.strip().splitlines()) == 1
    assert "bubblewrap을 설치하거나" in err and "Traceback" not in err


def test_visible_escapes_and_cuts():
    assert sandbox.visible("a\x1b[2Jb\u202ec\n") == "a\\x1b[2Jb\\u202ec\\x0a"
    assert sandbox.visible("x" * 300) == "x" * 200 + "…"


def test_the_runner_ends_when_no_one_reads_its_pipe():
    """The watch behind PR_SET_PDEATHSIG: a runner whose reader has gone (its parent killed
    before bubblewrap set --die-with-parent) ends instead of running the student's loop."""
    import sys
    code = textwrap.dedent("""
        import os, time
        from derivator.kernels._student_runner import _watch_parent
        read, write = os.pipe()
        _watch_parent(write)
        os.close(read)                       # the reader is gone
        time.sleep(30)
        raise SystemExit(0)
    """)
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-c", code], timeout=60)
    assert done.returncode == 1
    assert time.monotonic() - started < 20
