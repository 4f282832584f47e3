"""Running untrusted Python in a separate, limited interpreter, and reading back arrays only.

    with Sandbox() as box:
        box.put("0-w", array)                         # inputs, as .npy files in in/
        run = box.run(script, spec, seconds=10, cap=n)  # python -I -S script FOLDER
        for array in arrays(run.output): ...          # outputs: a stream of .npy arrays

The child is a fresh `python -I -S` (not a fork of this process), started in its own
session and process group, which is killed when the run ends. Its working directory and
HOME are empty folders; its environment is empty but for those; the runner script sets
RLIMIT_NPROC, RLIMIT_FSIZE, RLIMIT_AS and RLIMIT_CPU before anything else. It sends back
.npy arrays through a pipe, read here with a deadline and a size cap (`cap`, from the
shapes expected): a child that writes a header and sleeps, or floods the pipe, is cut off.
On Linux with bubblewrap (`bwrap`) it runs as `nobody` without capabilities, with no
network, its own PID namespace, a read-only root, this package, every site-packages, HOME
and the student's folder hidden, and only its working directory and HOME writable (small
tmpfs); `confinement()` says whether. What it prints goes to a file, read back cut and
escaped (`visible`).
"""
import contextlib
import dataclasses
import functools
import io
import json
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time

import numpy as np

MEMORY = 2 << 30            # RLIMIT_AS: the whole child interpreter, NumPy included
FILE_SIZE = 16 << 20        # RLIMIT_FSIZE: any file it writes, its prints included
TASKS = 64                  # RLIMIT_NPROC: processes and threads it may add
HEADER = 1024               # bytes an .npy header may take
SCRATCH = str(64 << 20)     # bubblewrap: bytes of each writable folder (a tmpfs)
PRINTED = 20                # lines of the child's output shown


def visible(text, limit=200):
    """Text from untrusted code, safe for a terminal (the CLI's one sanitizer,
    render/safe_terminal.py), cut to `limit` characters."""
    from ..render.safe_terminal import visible as escaped
    return escaped(text, limit)


@dataclasses.dataclass
class Run:
    exit_code: int          # None when the time ran out
    timed_out: bool
    printed: list           # the child's prints, escaped, at most PRINTED lines
    confinement: str        # "bubblewrap" or "none"
    output: bytes           # what it sent through the pipe, at most the cap
    overflow: bool          # it tried to send more than the cap


BUBBLEWRAP = ["bwrap", "--unshare-all", "--unshare-user", "--uid", "65534", "--gid", "65534",
              "--cap-drop", "ALL", "--die-with-parent", "--new-session"]


@functools.lru_cache(maxsize=None)
def _bubblewrap_problem():
    """None when bubblewrap runs here, else why not, in a few words."""
    if not sys.platform.startswith("linux"):
        return "bubblewrap is Linux only"
    if shutil.which("bwrap") is None:
        return "bwrap is not installed"
    try:
        probe = subprocess.run(BUBBLEWRAP + ["--ro-bind", "/", "/", "true"],
                               capture_output=True, timeout=10, env={})
    except (OSError, subprocess.SubprocessError) as error:
        return f"bwrap did not start ({type(error).__name__})"
    if probe.returncode:
        reason = " ".join(probe.stderr.decode(errors="replace").split())
        return visible(reason or f"bwrap exited with {probe.returncode}", 120)
    return None


def confinement():
    """(name, reason): ("bubblewrap", None), or ("none", why bubblewrap cannot be used)."""
    problem = _bubblewrap_problem()
    return ("none", problem) if problem else ("bubblewrap", None)


def _tasks_of(uid):
    """Processes and threads the user runs now: RLIMIT_NPROC counts them all."""
    count = 0
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            with contextlib.suppress(OSError):
                if os.stat(f"/proc/{pid}").st_uid == uid:
                    count += len(os.listdir(f"/proc/{pid}/task"))
    return count


def _hidden(extra):
    """What bubblewrap hides from the child: HOME, this package and its source checkout,
    every site-packages (NumPy is bound back alone), and the folders in `extra`."""
    import site
    package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    paths = [os.path.expanduser("~"), package, *site.getsitepackages(),
             site.getusersitepackages(), *extra]
    checkout = os.path.dirname(package)
    if os.path.exists(os.path.join(checkout, "pyproject.toml")):
        paths.append(checkout)
    return [p for p in paths if os.path.isdir(p) and os.path.realpath(p) != os.sep]


def _numpy_dirs():
    """NumPy's package folder and the shared libraries its wheel ships beside it."""
    package = os.path.dirname(os.path.realpath(np.__file__))
    libs = package + ".libs"
    return [package] + ([libs] if os.path.isdir(libs) else [])


def _by_depth(paths):
    return sorted(set(os.path.realpath(p) for p in paths), key=lambda p: p.count(os.sep))


class Sandbox:
    """A temporary directory for one run: in/ (inputs, the student's file), work/ (cwd),
    home/ (HOME), lib/ (NumPy only), printed.txt; removed at the end."""

    def __init__(self):
        self.folder = None

    def __enter__(self):
        self.folder = os.path.realpath(tempfile.mkdtemp(prefix="derivator-gradcheck-"))
        for name in ("in", "work", "home", "lib"):
            os.mkdir(self.path(name))
        for target in _numpy_dirs():
            os.symlink(target, self.path("lib", os.path.basename(target)))
        return self

    def __exit__(self, *exc):
        shutil.rmtree(self.folder, ignore_errors=True)

    def path(self, *parts):
        return os.path.join(self.folder, *parts)

    def put(self, name, array):
        np.save(self.path("in", name + ".npy"), np.asarray(array), allow_pickle=False)

    def copy_in(self, source, name):
        """A file into in/ (the student's, so that its own folder need not be seen)."""
        if name in ("spec.json", "") or name.endswith(".npy") or os.sep in name:
            name = "solution.py"                # never over an input
        target = self.path("in", name)
        shutil.copyfile(source, target)
        return target

    def run(self, script, spec, seconds, cap, require_sandbox=False, hide=()):
        """Run `script` (a file) as python -I -S SCRIPT FOLDER, with spec.json in in/ and
        the pipe's descriptor in spec["pipe"]; read at most `cap` bytes from it within
        `seconds`. Under bubblewrap, the folders in `hide` are hidden too."""
        name, reason = confinement()
        if require_sandbox and name != "bubblewrap":
            raise OSError(reason)
        runner = shutil.copy(script, self.path("runner.py"))
        limits = {"RLIMIT_AS": MEMORY, "RLIMIT_FSIZE": FILE_SIZE,
                  "RLIMIT_CPU": int(seconds) + 2,
                  "RLIMIT_NPROC": TASKS + _tasks_of(os.getuid())}
        receive, send = os.pipe()
        spec = dict(spec, limits=limits, pipe=send,
                    parent=None if name == "bubblewrap" else os.getpid())
        with open(self.path("in", "spec.json"), "w") as f:
            json.dump(spec, f)
        python = os.path.realpath(sys.executable)
        command = [python, "-I", "-S", runner, self.folder]
        if name == "bubblewrap":
            command = self._bubblewrap(python, hide) + command
        env = {"HOME": self.path("home"), "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8",
               "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
        try:
            with open(self.path("printed.txt"), "wb") as printed:
                child = subprocess.Popen(command, cwd=self.path("work"), env=env,
                                         stdin=subprocess.DEVNULL, stdout=printed,
                                         stderr=subprocess.STDOUT, start_new_session=True,
                                         pass_fds=(send,))
            os.close(send)
            send = None
            status, code, output = _collect(child, receive, seconds, cap)
        finally:
            if send is not None:
                os.close(send)
            os.close(receive)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(child.pid, signal.SIGKILL)          # the group, children included
        child.wait()
        return Run(code, status == "timeout", self._printed(), name, output,
                   status == "overflow")

    def _bubblewrap(self, python, hide):
        command = BUBBLEWRAP + ["--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc"]
        for path in ("/tmp", "/var/tmp", "/dev/shm"):
            command += ["--size", SCRATCH, "--tmpfs", path]
        for path in _by_depth(_hidden(hide)):
            command += ["--tmpfs", path]
        for path in _by_depth([sys.base_prefix, os.path.dirname(python)] + _numpy_dirs()):
            command += ["--ro-bind", path, path]
        command += ["--ro-bind", self.folder, self.folder]
        for path in (self.path("work"), self.path("home")):
            command += ["--size", SCRATCH, "--tmpfs", path]
        return command + ["--chdir", self.path("work")]

    def _printed(self):
        with open(self.path("printed.txt"), "rb") as f:
            data = f.read(PRINTED * 400)
        lines = data.decode("utf-8", errors="replace").splitlines()
        shown = [visible(line) for line in lines[:PRINTED]]
        if len(lines) > PRINTED or os.path.getsize(self.path("printed.txt")) > len(data):
            shown.append("…")
        return shown


def arrays(output, dtypes="biuf"):
    """The .npy arrays in `output`, one by one; a header whose dtype or size is not
    acceptable raises Refused; an array whose data was cut off by the cap is Truncated
    (its header, so its shape, is known)."""
    stream = io.BytesIO(output)
    while stream.tell() < len(output):
        try:
            version = np.lib.format.read_magic(stream)
            read = np.lib.format.read_array_header_1_0 if version == (1, 0) \
                else np.lib.format.read_array_header_2_0
            shape, fortran, dtype = read(stream, max_header_size=HEADER)
        except (ValueError, OSError, SyntaxError, TypeError) as error:
            raise Refused(f"its output is not a .npy array ({visible(error, 80)})") from None
        if dtype.hasobject or dtype.kind not in dtypes + "U":
            raise Refused(f"its output has dtype {visible(dtype, 40)}")
        count = int(np.prod(shape, dtype=np.int64))
        data = stream.read(count * dtype.itemsize)
        if len(data) < count * dtype.itemsize:
            yield Truncated(tuple(shape))
            return
        yield np.frombuffer(data, dtype=dtype, count=count).reshape(
            shape, order="F" if fortran else "C")


class Refused(Exception):
    """Output the parent will not read: the reason is the message."""


@dataclasses.dataclass
class Truncated:
    """An array whose data went past the cap: only its header was read."""
    shape: tuple


def _collect(child, pipe, seconds, cap):
    """("exited", exit code) or ("timeout" | "overflow", None), and the bytes read. The
    pipe is read as data arrives (a child writing a lot cannot block on it), never past
    `cap` bytes nor past `seconds`. The child is not reaped: its process group stays
    valid until it is killed."""
    deadline = time.monotonic() + seconds
    received, eof = bytearray(), False
    os.set_blocking(pipe, False)
    while True:
        info = os.waitid(os.P_PID, child.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT)
        while not eof:                      # what is there now, up to the cap
            try:
                data = os.read(pipe, 1 << 16)
            except BlockingIOError:
                break
            eof = not data
            received += data
            if len(received) > cap:
                return "overflow", None, bytes(received[:cap])
        if info is not None:
            code = info.si_status if info.si_code == os.CLD_EXITED else -info.si_status
            return "exited", code, bytes(received)
        left = deadline - time.monotonic()
        if left <= 0:
            return "timeout", None, bytes(received)
        if eof:
            time.sleep(min(left, 0.02))
        else:
            select.select([pipe], [], [], min(left, 0.02))
