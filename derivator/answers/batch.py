"""A whole class at once: `check --file answers.csv` (columns student,problem,answer)."""
import csv
import io
import json

from .. import DerivatorError
from .workers import check_all

STATUS_MARK = {"correct": "✓", "incorrect": "✗", "unreadable": "?", "timeout": "⏱"}


def read_answers(path):
    try:
        with open(path, newline="", encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
    except OSError as error:
        raise DerivatorError(f"cannot read {path}: {error.strerror or error}") from None
    except (UnicodeDecodeError, csv.Error) as error:
        raise DerivatorError(f"{path} is not a readable CSV file: {error}") from None
    needed = {"student", "problem", "answer"}
    if not rows or not needed <= set(rows[0]):
        found = ", ".join(rows[0]) if rows else "nothing"
        raise DerivatorError(f"{path} needs the columns student,problem,answer; found {found}")
    return rows


def run_batch(args, out):
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
    from rich.table import Table

    rows = read_answers(args.file)
    items = [((r["problem"] or "").strip(), r["answer"] or "") for r in rows]
    console = Console(file=out)
    unknown = _unknown_problems(items)
    with Progress(TextColumn("checking"), MofNCompleteColumn(), BarColumn(),
                  console=console, transient=True) as progress:
        task = progress.add_task("check", total=len(items))
        todo = [k for k, (p, _) in enumerate(items) if p not in unknown]
        verdicts = [None] * len(items)
        done = check_all([items[k] for k in todo], args.timeout,
                         on_done=lambda: progress.advance(task))
        for k, v in zip(todo, done):
            verdicts[k] = v
        for k, (p, a) in enumerate(items):
            if verdicts[k] is None:
                verdicts[k] = {"problem": p, "answer": a, "status": "unreadable",
                               "message": f"unknown problem {p!r}", "notes": [],
                               "counterexample": None}
                progress.advance(task)
    results = [{"student": r["student"], **v} for r, v in zip(rows, verdicts)]
    if args.output:
        _write(args.output, results)
    if args.format == "json":
        out.write(json.dumps(results, ensure_ascii=False, indent=2) + "\n")
        return 0
    students = list(dict.fromkeys(r["student"] for r in results))
    problems = list(dict.fromkeys(r["problem"] for r in results))
    table = Table(title="verdicts (✓ correct, ✗ incorrect, ? unreadable, ⏱ timeout)")
    table.add_column("student")
    for p in problems:
        table.add_column(p, justify="center")
    for s in students:
        marks = {r["problem"]: STATUS_MARK[r["status"]] for r in results if r["student"] == s}
        table.add_row(s, *[marks.get(p, "") for p in problems])
    console.print(table)
    counts = {k: sum(r["status"] == k for r in results) for k in STATUS_MARK}
    console.print(f"{len(results)} answers: {counts['correct']} correct, "
                  f"{counts['incorrect']} incorrect, {counts['unreadable']} unreadable, "
                  f"{counts['timeout']} timed out" + (" (raise --timeout to give them longer)"
                                                      if counts["timeout"] else ""))
    return 0


def _unknown_problems(items):
    from ..problemset import all_problems
    problems = all_problems()
    return {p for p, _ in items if p not in problems and f"p{p}" not in problems}


def _write(path, results):
    try:
        if str(path).endswith(".json"):
            text = json.dumps(results, ensure_ascii=False, indent=2) + "\n"
        else:
            buffer = io.StringIO()
            writer = csv.DictWriter(buffer, fieldnames=["student", "problem", "answer", "status",
                                                        "message", "notes", "counterexample"],
                                    extrasaction="ignore")
            writer.writeheader()
            for r in results:
                writer.writerow({**r, "notes": "; ".join(r["notes"])})
            text = buffer.getvalue()
        with open(path, "w", encoding="utf-8", newline="") as f:
            f.write(text)
    except OSError as error:
        raise DerivatorError(f"cannot write {path}: {error.strerror or error}") from None
