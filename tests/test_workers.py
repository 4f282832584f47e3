"""Worker processes die with their parent, carry their own limits, and a check that runs
out of time is `timeout` (exit status 3), never `unreadable` or `incorrect`."""
import os
import signal
import subprocess
import sys
import time

import pytest

import derivator
from derivator.answers.batch import workers

linux_only = pytest.mark.skipif(not os.path.isdir("/proc/self/task"),
                                reason="needs Linux's /proc to find the workers")


def _children(pid):
    found = set()
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as f:
                found.update(int(c) for c in f.read().split())
    except OSError:
        pass
    return found


def _alive(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            state = next(line for line in f if line.startswith("State:"))
        return "Z" not in state                    # a zombie has ended
    except (OSError, StopIteration):
        return False


# A parent that starts workers on checks that never end by themselves (a stand-in for a
# check stuck in a library call), then waits; the test kills only this parent.
STUCK_PARENT = """
import sys
import derivator.answers.batch.workers as workers

def stuck(args):
    while True:
        pass

workers._check = stuck
workers.check_all([("p1a", "x")] * 4, seconds=600, processes=2)
"""


def _busy_workers(parent, count=2):
    """The worker processes of `parent`, once `count` of them are running (and busy)."""
    deadline = time.monotonic() + 60
    found = set()
    while time.monotonic() < deadline and len(found) < count:
        found = {c for c in _children(parent.pid) if _alive(c)}
        time.sleep(0.1)
    assert len(found) == count, "the parent started no workers"
    time.sleep(1.0)                                             # the workers are busy now
    return found


def _left_behind(found):
    """The processes of `found` still alive a while later (killed, so none stays)."""
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and any(_alive(c) for c in found):
        time.sleep(0.1)
    left = [c for c in found if _alive(c)]
    for c in left:
        os.kill(c, signal.SIGKILL)
    return left


@linux_only
def test_killing_only_the_parent_of_busy_workers_leaves_no_worker():
    parent = subprocess.Popen([sys.executable, "-c", STUCK_PARENT])
    try:
        found = _busy_workers(parent)
        parent.send_signal(signal.SIGKILL)
        parent.wait(timeout=30)
        assert not _left_behind(found), "workers outlived their parent"
    finally:
        if parent.poll() is None:
            parent.kill()


def test_a_runaway_worker_is_stopped_by_its_own_cpu_limit():
    """Nobody waits for it (the parent's timeout is long): its CPU limit ends it."""
    import multiprocessing
    done = multiprocessing.get_context("fork").Process(target=_spin_with_limit)
    done.start()
    done.join(timeout=60)
    alive = done.is_alive()
    if alive:
        done.kill()
    assert not alive and done.exitcode == -signal.SIGXCPU


def _spin_with_limit():
    workers._limit_cpu(0.1)
    while True:
        pass


def test_worker_count_respects_the_cpus_this_process_may_use():
    count = workers.available_cpus()
    assert count >= 1
    if hasattr(os, "sched_getaffinity"):
        assert count <= len(os.sched_getaffinity(0))


def test_a_check_past_its_time_is_timeout_not_unreadable():
    verdict = derivator.check("p7b", "sum_{i=1}^{N} (g(x_i) - y_i) g(x_i) (1 - g(x_i)) w_{2,m}",
                              timeout=1e-9)
    assert verdict.status == "timeout", verdict
    assert "--timeout" in verdict.message


@pytest.mark.parametrize("value", ["inf", "nan", "0", "-1", "1e400"])
def test_a_timeout_must_be_a_finite_positive_number(value):
    run = subprocess.run([sys.executable, "-m", "derivator", "check", "p1a", "2X^T",
                          "--timeout", value], capture_output=True, text=True, timeout=120)
    assert run.returncode == 2
    assert "finite number greater than 0" in run.stderr
    assert "Traceback" not in run.stderr


STUCK_CLASS = """
import sys
import derivator.answers.batch.workers as workers
from derivator.cli import main

def stuck(args):
    while True:
        pass

workers._check = stuck
sys.exit(main(["check", "--file", sys.argv[1], "--timeout", "600"]))
"""


@linux_only
@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGKILL])
def test_stopping_a_class_keeps_the_verdicts_and_leaves_no_worker(tmp_path, stop):
    """Ctrl-C (SIGINT) ends the run with exit status 130 and a word on --resume; SIGKILL
    (a CI cancel, `subprocess.run(timeout=...)`) ends only the parent: either way no
    worker is left and the partial results stay."""
    path = tmp_path / "class.csv"
    path.write_text("student,problem,answer\nkim,p5,B\nlee,p5,B + B\npark,p5,2B\n")
    parent = subprocess.Popen([sys.executable, "-c", STUCK_CLASS, str(path)],
                              stderr=subprocess.PIPE, text=True)
    try:
        found = _busy_workers(parent)
        parent.send_signal(stop)
        _, err = parent.communicate(timeout=60)
        if stop == signal.SIGINT:
            assert parent.returncode == 130 and "--resume" in err and "Traceback" not in err
        assert not _left_behind(found), "workers outlived the stopped run"
        assert (tmp_path / "class.csv.partial").exists()
    finally:
        if parent.poll() is None:
            parent.kill()
