"""The one script that runs a student's file: `python -I -S _student_runner.py FOLDER`.

It runs in a fresh interpreter (never a fork of the process that holds the reference), with
only the standard library and NumPy: derivator is not importable here. It confines itself
first (rlimits, root's capabilities dropped, a seccomp filter against new processes and
signals to others, Landlock rules for files and TCP where the kernel has them), then loads
the student's file and calls the function at each point. What it
sends back are `.npy` arrays through a pipe, nothing else; the parent reads them with a
deadline and a size cap and decides the verdict itself, so whatever the student's code
patches or forges here (numpy, this script, the pipe) changes only the student's own answer.

gradcheck.py imports `as_arrays` and `describe` from here, so both paths read a result the
same way; nothing in this module may import derivator.
"""
import io
import json
import os
import reprlib
import sys
import traceback     # describe's: imported before the student's code can replace __import__

TEXT = 200          # characters of a type name, a message or a repr sent back
PRINTED_BYTES = 64 << 10    # of the student's prints kept (the parent shows fewer)


def describe(error, own=None):
    """'ValueError: message (solution.py, line 12)': cut, the student's frame only."""
    try:
        text = " ".join(str(error)[:4 * TEXT].split())[:TEXT]
    except Exception:                       # a __str__ that raises is the student's too
        text = ""
    name = type(error).__name__[:TEXT]
    frames = [f for f in traceback.extract_tb(error.__traceback__)
              if own is None or own(f.filename)]
    where = f" ({os.path.basename(frames[-1].filename)}, line {frames[-1].lineno})" \
        if frames else ""
    return f"{name}: {text}{where}" if text else name + where


def short_repr(value):
    """A repr that cannot grow: long strings and containers are cut by reprlib."""
    cut = reprlib.Repr()
    cut.maxstring = cut.maxother = TEXT
    try:
        return cut.repr(value)[:TEXT]
    except Exception:
        return type(value).__name__[:TEXT]


def as_arrays(result, names, wrt):
    """The student's result as ({param: float64 array}, None), or (None, (kind, text)).

    A dict names its gradients; a tuple of one per parameter goes in the parameters'
    order; anything else (a list of numbers too) is the gradient for `wrt`. Which
    gradients are missing, and whether the values are right, the parent decides."""
    import numpy as np
    if isinstance(result, dict) and not result:
        return None, ("type", "an empty dict")
    if isinstance(result, dict):
        for key in result:
            if not (isinstance(key, str) and key in names):
                return None, ("key", short_repr(key))
        pairs = list(result.items())
    elif isinstance(result, (tuple, list)) and len(result) == len(names) > 1:
        pairs = list(zip(names, result))
    elif isinstance(result, (tuple, list)) and len(result) != len(names) and \
            not all(isinstance(v, (int, float)) for v in result):      # not one vector
        return None, ("count", str(len(result)))
    else:
        pairs = [(wrt, result)]
    arrays = {}
    for name, value in pairs:
        try:
            array = np.asarray(value)
        except Exception:
            return None, ("type", type(value).__name__[:TEXT])
        if array.dtype.kind not in "biuf":           # no complex, strings or objects
            what = type(value).__name__ if array.dtype.kind == "O" and not \
                isinstance(value, np.ndarray) else f"an array of dtype {array.dtype}"
            return None, ("dtype", f"{name}\t{what[:TEXT]}")
        arrays[name] = array.astype(np.float64)
    return arrays, None


class CappedOutput:
    """sys.stdout and sys.stderr for the student's code: the first `limit` bytes reach the
    file, the rest is counted and dropped, so that a giant print is cut, not an error
    (RLIMIT_FSIZE would fail it)."""

    def __init__(self, fd, limit=PRINTED_BYTES):
        self.fd, self.left, self.write_fd = fd, limit, os.write

    def write(self, text):
        data = str(text).encode("utf-8", "replace")[:max(self.left, 0)]
        if data:
            try:
                self.write_fd(self.fd, data)
            except OSError:
                pass
            self.left -= len(data)
        return len(text)

    def flush(self):
        pass

    def isatty(self):
        return False


def _limit(resource, which, value):
    hard = resource.getrlimit(which)[1]

    def within(v):
        return v if hard == resource.RLIM_INFINITY else min(v, hard)
    # CPU: SIGXCPU at the soft limit (a verdict of "took too long"), SIGKILL a second later
    extra = 1 if which == resource.RLIMIT_CPU else 0
    resource.setrlimit(which, (within(value), within(value + extra)))


def _die_with_parent(parent):
    """Linux: the kernel kills this process when the one that started it dies."""
    import ctypes
    import signal
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)     # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    if parent and os.getppid() != parent:       # it died before the line above
        os._exit(1)


def _watch_parent(pipe):
    """End this process when the one that reads the pipe has gone. PR_SET_PDEATHSIG names
    bubblewrap's init as the parent, and bubblewrap's own --die-with-parent is set only after
    it starts: a check killed in its first milliseconds left the student's loop running.
    The pipe's write end reports POLLERR once no reader is left, whatever killed it."""
    import select
    import threading

    def watch():
        poller = select.poll()
        poller.register(pipe, select.POLLERR)
        while True:
            for _, event in poller.poll():
                if event & (select.POLLERR | select.POLLHUP | select.POLLNVAL):
                    os._exit(1)
    threading.Thread(target=watch, daemon=True, name="parent-watch").start()


def _drop_root():
    """As root (without bubblewrap, which runs the child as nobody): give up every
    capability for good, so that RLIMIT_NPROC binds and a program it runs gains none."""
    if os.geteuid() != 0:
        return
    import ctypes
    libc = ctypes.CDLL(None, use_errno=True)
    # PR_SET_SECUREBITS: NOROOT | NOROOT_LOCKED | NO_SETUID_FIXUP(_LOCKED) | KEEP_CAPS_LOCKED
    libc.prctl(28, 0x1 | 0x2 | 0x4 | 0x8 | 0x20)
    libc.prctl(38, 1, 0, 0, 0)                          # PR_SET_NO_NEW_PRIVS
    header = (ctypes.c_uint32 * 2)(0x20080522, 0)       # _LINUX_CAPABILITY_VERSION_3
    data = (ctypes.c_uint32 * 6)()                      # effective, permitted, inheritable: 0
    if libc.capset(header, data) != 0:
        raise OSError(ctypes.get_errno(), "capset failed: the child would keep root's powers")


# A seccomp filter: no new processes (threads only), no signals or ptrace to any process
# but this one, and none of the calls a gradient has no use for that widen what a process
# can reach (namespaces, mounts, io_uring, bpf, keys). RLIMIT_NPROC alone does not bind
# root, whom the kernel exempts, and a process of the same user may signal or trace the
# TA's; this binds everyone, with or without bubblewrap. Numbers per architecture (others
# run without the filter).
SYSCALLS = {
    "x86_64": {"arch": 0xC000003E, "clone": 56, "clone3": 435, "kill": 62, "tgkill": 234,
               "deny": [57, 58,                 # fork, vfork
                        200, 101, 310, 311, 424,     # tkill ptrace process_vm_* pidfd_send
                        272, 308, 165, 166, 155, 161,   # unshare setns mount umount2
                        321, 323, 298, 248, 249, 250,   # pivot_root chroot bpf userfaultfd
                        425, 426, 427, 428, 429, 430, 432]},   # perf keys io_uring fs*
    "aarch64": {"arch": 0xC00000B7, "clone": 220, "clone3": 435, "kill": 129, "tgkill": 131,
                "deny": [130, 117, 270, 271, 424,
                         97, 268, 40, 39, 41, 51,
                         280, 282, 241, 217, 218, 219,
                         425, 426, 427, 428, 429, 430, 432]},
}


def _no_processes():
    import ctypes
    import errno
    import platform
    numbers = SYSCALLS.get(platform.machine())
    if numbers is None or not sys.platform.startswith("linux"):
        return
    me = os.getpid()
    allow, deny = 0x7FFF0000, 0x00050000 | errno.EPERM         # SECCOMP_RET_ALLOW, _ERRNO
    program = [("ld", 4), ("jeq", numbers["arch"], None, "deny"), ("ld", 0),
               ("jge", 0x40000000, "deny", None),              # x32 calls on x86_64
               ("jeq", numbers["clone"], "thread", None),
               ("jeq", numbers["clone3"], "enosys", None),     # glibc falls back to clone
               ("jeq", numbers["kill"], "pid", None), ("jeq", numbers["tgkill"], "pid", None)]
    program += [("jeq", n, "deny", None) for n in numbers["deny"]]
    program += [("ret", allow),
                "thread", ("ld", 16), ("jset", 0x00010000, "allow", "deny"),  # CLONE_THREAD
                "pid", ("ld", 16), ("jeq", me, "allow", None), ("jeq", 0, "allow", "deny"),
                "allow", ("ret", allow), "deny", ("ret", deny),
                "enosys", ("ret", 0x00050000 | errno.ENOSYS)]
    labels, code = {}, []
    for item in program:
        if isinstance(item, str):
            labels[item] = len(code)
        else:
            code.append(item)
    ops = {"ld": 0x20, "jeq": 0x15, "jge": 0x35, "jset": 0x45, "ret": 0x06}
    filters = (ctypes.c_uint64 * len(code))()
    for i, (op, k, *jumps) in enumerate(code):
        jt, jf = (labels[j] - i - 1 if j else 0 for j in (jumps or [None, None]))
        filters[i] = ops[op] | jt << 16 | jf << 24 | (k & 0xFFFFFFFF) << 32

    class Program(ctypes.Structure):                               # struct sock_fprog
        _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]
    program = Program(len(code), ctypes.addressof(filters))
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(38, 1, 0, 0, 0)                                     # PR_SET_NO_NEW_PRIVS
    if libc.prctl(22, 2, ctypes.byref(program), 0, 0):             # PR_SET_SECCOMP, FILTER
        raise OSError(ctypes.get_errno(), "the seccomp filter was refused")


def landlock_abi():
    """The kernel's Landlock version (Linux 5.13+), or 0 where there is none or where a
    ruleset cannot be made (a container's seccomp profile may refuse the calls)."""
    if not sys.platform.startswith("linux"):
        return 0
    import ctypes
    libc = ctypes.CDLL(None, use_errno=True)
    libc.syscall.restype = ctypes.c_long
    abi = libc.syscall(444, None, ctypes.c_size_t(0), ctypes.c_uint32(1))
    probe = libc.syscall(444, ctypes.byref(ctypes.c_uint64(1)), ctypes.c_size_t(8),
                         ctypes.c_uint32(0)) if abi > 0 else -1
    if probe < 0:
        return 0
    os.close(probe)
    return abi


def _readable_entries(folder, skip):
    """What a folder holds, but the names in `skip` (a rule per entry: Landlock allows
    whole trees, so a site-packages inside the standard library is left out this way)."""
    try:
        names = os.listdir(folder)
    except OSError:
        return []
    return [os.path.join(folder, n) for n in names if not n.startswith(skip)]


def _landlock(readable, writable):
    """Where the kernel has Landlock: from here on, files can be read only beneath
    `readable` and written only beneath `writable`; with ABI 4+ no TCP, with ABI 6+ no
    signals or abstract sockets outside. Bubblewrap or not, this binds the student."""
    abi = landlock_abi()
    if not abi:
        return
    import ctypes
    libc = ctypes.CDLL(None, use_errno=True)
    libc.syscall.restype = ctypes.c_long
    every = (1 << (13 if abi < 2 else 14 if abi < 3 else 15 if abi < 5 else 16)) - 1
    file_only = (1 | 2 | 4 | 1 << 14 | 1 << 15) & every     # execute, write, read, truncate

    class Ruleset(ctypes.Structure):
        _fields_ = [("fs", ctypes.c_uint64), ("net", ctypes.c_uint64),
                    ("scoped", ctypes.c_uint64)]

    class Beneath(ctypes.Structure):
        _pack_ = 1
        _fields_ = [("allowed", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]
    attr = Ruleset(every, 3 if abi >= 4 else 0, 3 if abi >= 6 else 0)
    size = 8 if abi < 4 else 16 if abi < 6 else 24
    ruleset = libc.syscall(444, ctypes.byref(attr), ctypes.c_size_t(size), ctypes.c_uint32(0))
    if ruleset < 0:
        raise OSError(ctypes.get_errno(), "landlock_create_ruleset failed")
    read = 1 | 4 | 8                                         # execute, read file, read dir
    for paths, access in ((readable, read), (writable, every)):
        for path in paths:
            try:
                fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
            except OSError:
                continue
            allowed = access if os.path.isdir(path) else access & file_only
            rule = Beneath(allowed, fd)
            done = libc.syscall(445, ctypes.c_int(ruleset), ctypes.c_int(1),
                                ctypes.byref(rule), ctypes.c_uint32(0))
            os.close(fd)
            if done < 0:
                raise OSError(ctypes.get_errno(), f"landlock_add_rule failed for {path}")
    libc.prctl(38, 1, 0, 0, 0)                                  # PR_SET_NO_NEW_PRIVS
    if libc.syscall(446, ctypes.c_int(ruleset), ctypes.c_uint32(0)) < 0:
        raise OSError(ctypes.get_errno(), "landlock_restrict_self failed")
    os.close(ruleset)


def _paths_to_read(folder, np):
    """The standard library (but its site-packages), NumPy, the system's shared
    libraries (but Python's packages there), the inputs and the runner."""
    stdlib = os.path.dirname(os.__file__)
    paths = _readable_entries(stdlib, ("site-packages", "dist-packages"))
    for system in ("/lib", "/lib64", "/usr/lib", "/usr/lib64"):
        paths += _readable_entries(system, ("python",))
    numpy = os.path.dirname(os.path.realpath(np.__file__))
    paths += [numpy, numpy + ".libs", os.path.join(folder, "in"), os.path.join(folder, "lib"),
              os.path.join(folder, "runner.py"), "/etc/ld.so.cache", "/dev/null"]
    return paths


def main(folder):
    import resource
    import signal
    with open(os.path.join(folder, "in", "spec.json")) as f:
        spec = json.load(f)
    _die_with_parent(spec["parent"])
    _watch_parent(spec["pipe"])                 # before the limits and the filters
    for name, value in spec["limits"].items():
        _limit(resource, getattr(resource, name), value)
    _drop_root()
    _no_processes()
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)   # a write past RLIMIT_FSIZE fails instead
    sys.path.insert(0, os.path.join(folder, "lib"))         # numpy, and nothing else
    import numpy as np
    pipe = os.fdopen(spec["pipe"], "wb")
    names, wrt = spec["names"], spec["wrt"]
    # The inputs are read before the student's code runs: it may replace np.load.
    points = [[np.load(os.path.join(folder, "in", f"{i}-{n}.npy"), allow_pickle=False)
               for n in names + ["X", "y"]] for i in range(spec["points"])]
    save, text = np.save, np.array

    def encode(array):
        buffer = io.BytesIO()               # np.save writes to a pipe only through one
        save(buffer, array, allow_pickle=False)
        return buffer.getvalue()

    def send(*arrays):
        for array in arrays:
            pipe.write(encode(array))
        pipe.flush()

    def fail(kind, message):
        send(text(["error", kind, message[:TEXT]], dtype=f"<U{TEXT}"))

    # What is sent if the student's file breaks this script's own tools (builtins, numpy,
    # io patched at import): made now, written with the os.write of now.
    tampered = encode(text(["error", "tampered", ""], dtype=f"<U{TEXT}"))
    raw_write, raw_exit, fd = os.write, os._exit, spec["pipe"]
    _landlock(_paths_to_read(folder, np), [os.path.join(folder, d) for d in ("work", "home")])
    sys.stdout, sys.stderr = CappedOutput(1), CappedOutput(2)    # a giant print is cut
    try:
        _run_student(spec, points, names, wrt, send, fail, text)
    except BaseException:                   # only the student's patching gets here
        try:
            pipe.flush()
        except BaseException:
            pass
        raw_write(fd, tampered)
        raw_exit(0)


def _run_student(spec, points, names, wrt, send, fail, text):
    path = spec["file"]
    student = os.path.realpath(path)
    own = lambda filename: os.path.realpath(filename) == student     # noqa: E731
    import importlib.util
    try:
        module_spec = importlib.util.spec_from_file_location("solution", path)
        module = importlib.util.module_from_spec(module_spec)
        sys.modules["solution"] = module
        module_spec.loader.exec_module(module)
        func = getattr(module, spec["function"], None)
    except BaseException as error:          # SyntaxError, SystemExit, MemoryError, ...
        return fail("raised", describe(error, own))
    if not callable(func):
        return fail("function", spec["function"])
    for i, values in enumerate(points):
        try:
            result = func(*[v.copy() for v in values])
        except BaseException as error:
            return fail("raised", describe(error, own))
        got, problem = as_arrays(result, names, wrt)     # a failure here: tools patched
        if problem:
            return fail(*problem)
        # a point: its tag (the names returned, in order), then one array per name
        send(text(["names", *got], dtype=f"<U{TEXT}"), *got.values())


if __name__ == "__main__":
    main(sys.argv[1])
