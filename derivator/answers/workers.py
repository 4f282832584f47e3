"""Checks run in worker processes that can be killed, so that no answer (and no hang in
SymPy or NumPy) can hold up the grader: each check has a time limit (default 5 s)."""
import multiprocessing
import os

DEFAULT_SECONDS = 5.0


def _check(args):
    from .judge import check
    problem, answer = args
    return check(problem, answer).as_dict()


def _timed_out(problem, answer, seconds):
    return {"problem": problem, "answer": answer, "status": "unreadable",
            "message": f"the check took longer than {seconds:g} s and was stopped",
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
    processes = processes or max(1, min(len(items), os.cpu_count() or 1))
    while pending:
        pool = _context().Pool(processes)
        futures = {k: pool.apply_async(_check, (items[k],)) for k in pending}
        stalled = None
        for k in pending:
            try:
                results[k] = futures[k].get(timeout=seconds)
            except multiprocessing.TimeoutError:
                results[k] = _timed_out(*items[k], seconds)
                stalled = k
            except Exception as error:           # a bug must not lose the other rows
                results[k] = {**_timed_out(*items[k], seconds),
                              "message": f"the check failed: {type(error).__name__}"}
            if on_done:
                on_done()
            if stalled is not None:
                break
        pool.terminate()
        pool.join()
        pending = [k for k in pending if results[k] is None]
    return results


def check_one(problem, answer, seconds=DEFAULT_SECONDS):
    return check_all([(problem, answer)], seconds, processes=1)[0]
