"""Checks run in worker processes that can be killed, so that no answer (and no hang in
SymPy or NumPy) can hold up the grader: each check has a time limit (default 5 s).

Workers never outlive the process that started them (the kernel kills them when it dies,
and a watchdog thread checks on it where the kernel cannot), and each carries its own
limits on CPU time and on memory, so a runaway check is stopped even if nobody waits for it.
"""
import multiprocessing
import os
import resource
import signal
import sys
import threading

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
    from .. import check                # routes a working of several lines to its judge
    problem, answer, seconds = args
    _limit_cpu(seconds)
    return check(problem, answer).as_dict()


def _timed_out(problem, answer, seconds):
    return {"problem": problem, "answer": answer, "status": "timeout",
            "message": f"the check took longer than {seconds:g} s and was stopped; "
                       "a larger --timeout may let it finish",
            "notes": [], "counterexample": None}


def _context():
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


def check_all(items, seconds=DEFAULT_SECONDS, processes=None, on_done=None):
    """Verdicts (as dicts) for [(problem, answer), ...], in order; `on_done()` after each.

    A check that runs past `seconds` is reported as such; its worker pool is replaced and
    the checks still pending are run again, so one bad answer never stops the batch."""
    results = [None] * len(items)
    pending = list(range(len(items)))
    processes = processes or max(1, min(len(items), available_cpus()))
    while pending:
        pool = _context().Pool(processes, initializer=_die_with, initargs=(os.getpid(),))
        try:
            futures = {k: pool.apply_async(_check, (items[k] + (seconds,),)) for k in pending}
            stalled = None
            for k in pending:
                try:
                    results[k] = futures[k].get(timeout=seconds)
                except multiprocessing.TimeoutError:
                    results[k] = _timed_out(*items[k], seconds)
                    stalled = k
                except Exception as error:           # a bug must not lose the other rows
                    results[k] = {**_timed_out(*items[k], seconds), "status": "unreadable",
                                  "message": f"the check failed: {type(error).__name__}"}
                if on_done:
                    on_done()
                if stalled is not None:
                    break
        finally:
            pool.terminate()
            pool.join()
        pending = [k for k in pending if results[k] is None]
    return results


def check_one(problem, answer, seconds=DEFAULT_SECONDS):
    return check_all([(problem, answer)], seconds, processes=1)[0]
