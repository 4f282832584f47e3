"""Checks run in worker processes that can be killed, so that no answer (and no hang in
SymPy or NumPy) can hold up the grader: each check has a time limit (default 5 s).

Workers never outlive the process that started them (the kernel kills them when it dies,
and a watchdog thread checks on it where the kernel cannot), and each carries its own
limits on CPU time and on memory, so a runaway check is stopped even if nobody waits for it.
"""
import collections
import multiprocessing
import os
import resource
import signal
import sys
import threading
import time

DEFAULT_SECONDS = 5.0
MEMORY_HEADROOM = 1 << 30       # bytes a worker may grow beyond what it has when it starts
PR_SET_PDEATHSIG = 1


def available_cpus():
    """The CPUs this process may really use: its affinity mask and its cgroup's quota,
    not the machine's count (a container or `taskset` may allow fewer)."""
    try:
        count = len(os.sched_getaffinity(0))
    except AttributeError:                     # not on Linux
        count = os.cpu_count() or 1
    try:
        with open("/sys/fs/cgroup/cpu.max") as f:
            quota, period = f.read().split()
        if quota != "max":
            count = min(count, max(1, -(-int(quota) // int(period))))
    except (OSError, ValueError):
        pass
    return max(1, count)


def _die_with(parent):
    """Run in each worker as it starts: end this process when `parent` ends, and bound
    its memory."""
    if sys.platform.startswith("linux"):
        try:
            import ctypes
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:                 # it died before the line above
        os._exit(1)

    def watch():                               # where prctl is missing, and as a backstop
        while os.getppid() == parent:
            threading.Event().wait(0.5)
        os._exit(1)
    threading.Thread(target=watch, daemon=True).start()
    try:
        with open("/proc/self/statm") as f:
            size = int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        limit = size + MEMORY_HEADROOM
        if hard == resource.RLIM_INFINITY or limit < hard:
            resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (OSError, ValueError, AttributeError):
        pass


def _limit_cpu(seconds):
    """This check may use `seconds` more of CPU (and a margin); past that the kernel stops
    the worker (SIGXCPU), even if the parent is not waiting any more."""
    try:
        used = resource.getrusage(resource.RUSAGE_SELF)
        spent = used.ru_utime + used.ru_stime
        _, hard = resource.getrlimit(resource.RLIMIT_CPU)
        soft = int(spent + 2 * seconds + 2)
        if hard == resource.RLIM_INFINITY or soft < hard:
            resource.setrlimit(resource.RLIMIT_CPU, (soft, hard))
    except (OSError, ValueError, AttributeError):
        pass


def _check(args):
    from ... import check                # routes a working of several lines to its judge
    problem, answer, seconds = args
    _limit_cpu(seconds)
    return check(problem, answer).as_dict()


def warm(problems):
    """Derive the problems and compile their references here, once: workers forked after
    this start warm, so no answer's time limit pays for it."""
    from ...model.problemset import problem as find
    from ..judge.reference import _task
    from ..judge import judge  # noqa: F401  (imported before the clock starts)
    for name in problems:
        try:
            p = find(name)
            task, points = _task(p.id, 0)
            for point in points:    # the reference and its variants, as numbers
                for expr in [task.quantity] + [e for _, e in task.variants]:
                    task.value(expr, point)
        except Exception:           # the check itself will say what is wrong
            pass


def _timed_out(problem, answer, seconds):
    return {"problem": problem, "answer": answer, "status": "timeout",
            "message": f"the check took longer than {seconds:g} s and was stopped; "
                       "a larger --timeout may let it finish",
            "notes": [], "counterexample": None}


def _stopped(problem, answer, seconds, status):
    """The verdict on a check whose worker ended without answering (`status` as from
    os.waitpid): its own CPU limit is a time limit; anything else was the system."""
    number = -status if status < 0 else (os.WTERMSIG(status) if os.WIFSIGNALED(status) else 0)
    if number == getattr(signal, "SIGXCPU", None):
        return _timed_out(problem, answer, seconds)
    name = signal.Signals(number).name if number else f"exit status {status}"
    return {"problem": problem, "answer": answer, "status": "unreadable",
            "message": f"the check was stopped by the system ({name}), perhaps for using "
                       "too much memory", "notes": [], "counterexample": None}


def _failed(problem, answer, error):
    return {"problem": problem, "answer": answer, "status": "unreadable",
            "message": f"the check failed: {type(error).__name__}", "notes": [],
            "counterexample": None}


def _serve(conn, parent, problems):
    """A worker's life: start warm, say so, then check what it is sent until told to stop."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)     # Ctrl-C is the parent's to handle
    _die_with(parent)
    warm(problems)
    conn.send("ready")
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        index, problem, answer, seconds = message
        start = time.monotonic()
        try:
            verdict = _check((problem, answer, seconds))
        except Exception as error:                   # a bug must not lose the other rows
            verdict = _failed(problem, answer, error)
        conn.send((index, verdict, time.monotonic() - start))


class _Worker:
    """One worker process and the pipe to it. The pipe also tells of its death: when the
    process ends, for whatever reason, the pipe reads as closed."""

    open_pipes = []

    def __init__(self, problems):
        import multiprocessing.connection  # noqa: F401
        ours, theirs = multiprocessing.Pipe()
        parent = os.getpid()
        if hasattr(os, "fork"):
            self.pid = os.fork()
            if self.pid == 0:                        # the worker
                try:
                    for pipe in _Worker.open_pipes + [ours]:
                        pipe.close()
                    _serve(theirs, parent, problems)
                finally:
                    os._exit(0)
            self.process = None
        else:                                        # no fork: a fresh interpreter
            self.process = multiprocessing.get_context("spawn").Process(
                target=_serve, args=(theirs, parent, problems), daemon=True)
            self.process.start()
            self.pid = self.process.pid
        theirs.close()
        self.conn = ours
        _Worker.open_pipes.append(ours)
        self.ready = False
        self.index = None
        self.deadline = None

    def give(self, index, item, seconds):
        self.conn.send((index, *item, seconds))
        self.index, self.deadline = index, time.monotonic() + seconds

    def stop(self):
        """Kill the process (it may be stuck in a library call) and collect its status.
        Once only: a collected process id may be reused by another process."""
        if self.conn.closed:
            return 0
        try:
            os.kill(self.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        status = self.reap()
        self.conn.close()
        if self.conn in _Worker.open_pipes:
            _Worker.open_pipes.remove(self.conn)
        return status

    def reap(self):
        if self.process is not None:
            self.process.join()
            return self.process.exitcode or 0
        try:
            return os.waitpid(self.pid, 0)[1]
        except ChildProcessError:
            return 0


def check_all(items, seconds=DEFAULT_SECONDS, processes=None, on_done=None):
    """Verdicts (as dicts) for [(problem, answer), ...], in order; `on_done(index,
    verdict)` as each is decided.

    The problems are derived here first, so the workers start warm. A check that runs
    past `seconds` is reported as such and only its worker is replaced; a worker that the
    system kills is noticed at once; the others go on."""
    from multiprocessing.connection import wait
    results = [None] * len(items)
    if not items:
        return results
    problems = sorted({p for p, _ in items})
    warm(problems)
    processes = processes or max(1, min(len(items), available_cpus()))
    pending = collections.deque(range(len(items)))
    pool = [_Worker(problems) for _ in range(processes)]
    failures = 0

    def decide(index, verdict):
        results[index] = verdict
        if on_done:
            on_done(index, verdict)

    try:
        while pending or any(w.index is not None for w in pool):
            for k, w in enumerate(pool):
                if w.ready and w.index is None and pending:
                    try:
                        w.give(pending[0], items[pending[0]], seconds)
                        pending.popleft()
                    except OSError:                      # it died since it was ready
                        w.stop()
                        pool[k] = _Worker(problems)
            deadlines = [w.deadline for w in pool if w.index is not None]
            timeout = max(0.0, min(deadlines) - time.monotonic()) if deadlines else None
            readable = wait([w.conn for w in pool], timeout)
            for k, w in enumerate(pool):
                if w.conn in readable:
                    try:
                        message = w.conn.recv()
                    except (EOFError, OSError):          # it died
                        status = w.stop()
                        if w.index is not None:
                            decide(w.index, _stopped(*items[w.index], seconds, status))
                        elif not w.ready:
                            failures += 1
                            if failures > 3 * processes:
                                from ... import DerivatorError
                                raise DerivatorError("the worker processes end as they "
                                                     "start (is memory short?)")
                        pool[k] = _Worker(problems)
                        continue
                    if message == "ready":
                        w.ready = True
                    else:                # past its time even if we look late: timeout
                        index, verdict, elapsed = message
                        w.index = w.deadline = None
                        decide(index, verdict if elapsed <= seconds
                               else _timed_out(*items[index], seconds))
                elif w.index is not None and time.monotonic() >= w.deadline:
                    w.stop()                             # too late: replaced, the rest go on
                    decide(w.index, _timed_out(*items[w.index], seconds))
                    pool[k] = _Worker(problems)
    finally:
        for w in pool:
            w.stop()
    return results


def check_one(problem, answer, seconds=DEFAULT_SECONDS):
    return check_all([(problem, answer)], seconds, processes=1)[0]
