"""The command line: `python -m derivator list | show NAME [--wrt V] [--format F] [--lang L]`.

Bad input gets one or two lines on stderr and exit status 2, never a traceback.
"""
import argparse
import os
import sys

from . import DerivatorError, derive
from .render import FORMATS, LANGUAGES


class Parser(argparse.ArgumentParser):
    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message}\n")


def build_parser():
    parser = Parser(prog="derivator", description="Step-by-step derivations of ML gradients, "
                                                  "every step checked.")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    commands.required = True
    commands.add_parser("list", help="the derivations it knows, one line each")
    commands.add_parser("problems", help="problems 1-7 with their statements")
    show = commands.add_parser("show", help="show a derivation step by step")
    show.add_argument("name", metavar="NAME", help="a derivation (see `derivator list`)")
    show.add_argument("--wrt", help="the parameter to differentiate by (default: the first)")
    show.add_argument("--format", default="rich", choices=FORMATS,
                      help="rich (default, terminal), text, latex, markdown or json")
    show.add_argument("--lang", default="en", choices=LANGUAGES, help="en (default) or ko")
    check = commands.add_parser("check", help="check an answer to problems 1-7")
    check.add_argument("name", metavar="PROBLEM", nargs="?",
                       help="p1a ... p7b, or 1a ... 7b, or a problem file FILE.toml")
    check.add_argument("answer", metavar="ANSWER", nargs="?",
                       help="plain text or LaTeX; - reads stdin")
    check.add_argument("--file", metavar="ANSWERS.csv",
                       help="a whole class: a CSV with columns student,problem,answer")
    check.add_argument("--output", metavar="RESULTS.csv|json", help="where --file's verdicts go")
    check.add_argument("--timeout", type=_positive(float), default=5.0,
                       help="seconds allowed per check (5)")
    check.add_argument("--format", default="rich", choices=("rich", "json"))
    lint = commands.add_parser("lint", help="load a problem file, derive it and verify "
                                            "every step; one line per problem found")
    lint.add_argument("file", metavar="FILE.toml")
    new = commands.add_parser("new", help="write a commented problem file to start from")
    new.add_argument("kind", choices=("loss", "matrix", "likelihood"))
    new.add_argument("file", metavar="FILE.toml")
    train = commands.add_parser("train", help="gradient descent with a generated kernel")
    train.add_argument("name", metavar="LOSS", help="bce or mse")
    train.add_argument("--data", metavar="FILE.csv", help="a CSV file with a header row "
                       "(default: the dataset that ships for the loss)")
    train.add_argument("--target", metavar="COLUMN", help="the column to predict")
    train.add_argument("--lr", type=_positive(float), default=0.1, help="learning rate (0.1)")
    train.add_argument("--epochs", type=_positive(int), default=1000, help="passes (1000)")
    train.add_argument("--batch-size", type=_positive(int), default=None,
                       help="mini-batch size (default: the full batch)")
    train.add_argument("--seed", type=int, default=0, help="shuffling seed (0)")
    train.add_argument("--format", default="rich", choices=("rich", "json"),
                       help="rich (default: a progress bar) or json (the loss history)")
    return parser


def _positive(kind):
    def parse(text):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a{'n integer' if kind is int else ' number'}") from None
        if not value > 0:
            raise argparse.ArgumentTypeError(f"{text!r} must be greater than 0")
        return value
    parse.__name__ = kind.__name__
    return parse


def cmd_list(args, out):
    from .problemset import all_problems
    from .registry import catalog as lectures, get_model
    for name in lectures():
        model = get_model(name)
        params = ", ".join(str(p) for p in model.params)
        out.write(f"{name:<10} {model.title['en']}  (--wrt {params})\n")
    for name, problem in all_problems().items():
        out.write(f"{name:<10} Problem {problem.number}: {problem.title['en']}\n")
    return 0


def cmd_problems(args, out):
    import textwrap

    from .problemset import all_problems
    for name, problem in all_problems().items():
        out.write(f"{name} (problem {problem.number}): {problem.title['en']}\n")
        for paragraph in problem.statement.split("\n\n"):
            out.write(textwrap.fill(" ".join(paragraph.split()), 78, initial_indent="    ",
                                    subsequent_indent="    ") + "\n")
        out.write("\n")
    return 0


def cmd_show(args, out):
    from .render import terminal
    from .render.cache import cached
    if args.format in ("rich", "text"):
        console = None
        if args.format == "rich":
            from rich.console import Console
            console = Console(file=out)
        width = console.width if console else 80
        lines = cached(["show", _show_key(args.name), args.wrt, args.lang, width],
                       lambda: terminal.lines_of(derive(args.name, args.wrt), args.lang, width))
        if console:
            terminal.rich_from_lines(lines, console)
        else:
            out.write(terminal.text_from_lines(lines, width))
        return 0
    from .render import documents
    render = {"latex": documents.render_latex, "markdown": documents.render_markdown,
              "json": documents.render_json}
    out.write(render[args.format](derive(args.name, args.wrt), args.lang))
    return 0


def cmd_check(args, out):
    import json

    from .answers.workers import check_one
    from .problemset import problem
    if args.file:
        from .answers.batch import run_batch
        return run_batch(args, out)
    if args.name is None or args.answer is None:
        raise DerivatorError("check needs PROBLEM and ANSWER (or --file ANSWERS.csv)")
    problem(args.name)                          # an unknown problem is a usage error
    answer = sys.stdin.read() if args.answer == "-" else args.answer
    verdict = check_one(args.name, answer.strip(), args.timeout)
    if args.format == "json":
        out.write(json.dumps(verdict, ensure_ascii=False, indent=2) + "\n")
    else:
        out.write(f"{verdict['status']}: {verdict['message']}\n")
        for note in verdict["notes"]:
            out.write(f"  note: {note}\n")
        if verdict["counterexample"]:
            out.write(f"  counterexample: {verdict['counterexample']}\n")
    return {"correct": 0, "incorrect": 1}.get(verdict["status"], 2)


def cmd_lint(args, out):
    from .problemfile import lint
    lines, status = lint(args.file)
    stream = out if status == 0 else sys.stderr
    for line in lines:
        stream.write(line + "\n")
    return status


def cmd_new(args, out):
    from .templates import TEMPLATES
    if not args.file.endswith(".toml"):
        raise DerivatorError(f"{args.file}: a problem file's name ends in .toml")
    try:
        with open(args.file, "x", encoding="utf-8") as f:
            f.write(TEMPLATES[args.kind])
    except FileExistsError:
        raise DerivatorError(f"{args.file} exists already; it was not overwritten") from None
    except OSError as error:
        raise DerivatorError(f"{args.file}: {error.strerror}") from None
    out.write(f"wrote {args.file}: edit it, then `derivator lint {args.file}` and "
              f"`derivator show {args.file}`\n")
    return 0


def _show_key(name):
    """What identifies a derivation for the cache: a file's name and its content."""
    if not str(name).endswith(".toml"):
        return name
    import hashlib
    try:
        with open(name, "rb") as f:
            return [name, hashlib.sha256(f.read()).hexdigest()]
    except OSError:
        return name          # derive() reports the file's problem


def cmd_train(args, out):
    import json

    import numpy as np

    from . import kernel, train
    from .registry import get_model
    from .kernels import kernel_names
    if args.name not in kernel_names():
        raise DerivatorError(f"cannot train {args.name!r}; losses: {', '.join(kernel_names())}")
    if args.data is not None and args.target is None:
        raise DerivatorError("--data needs --target COLUMN (the column to predict)")
    if args.target is not None and args.data is None:
        raise DerivatorError("--target needs --data FILE.csv (the default dataset has its own)")
    data = (train.load_csv(args.data, args.target) if args.data
            else train.default_dataset(args.name))
    classify = train.is_classification(get_model(args.name))
    if classify:
        train.check_labels(data, args.name)
    X = train.standardise(data.X)
    k = kernel(args.name)
    try:
        if args.format == "json":
            run = train.gradient_descent(k, X, data.y, args.lr, args.epochs, args.batch_size,
                                         args.seed)
        else:
            run = _train_with_progress(k, X, data, args, out)
    except ValueError as error:          # the kernel refuses non-finite values
        raise DerivatorError(f"training diverged ({error}); try a smaller --lr") from None
    metric = ("accuracy", train.accuracy(run, X, data.y)) if classify else \
        ("r_squared", train.r_squared(run, X, data.y))
    if args.format == "json":
        out.write(json.dumps({"loss": args.name, "data": data.source, "target": data.target,
                              "samples": int(X.shape[0]), "features": data.features,
                              "lr": args.lr, "epochs": args.epochs,
                              "batch_size": args.batch_size, "history": run.history,
                              "final_loss": run.history[-1], metric[0]: metric[1],
                              "w": np.asarray(run.w).tolist(), "b": run.b}, indent=2) + "\n")
    else:
        label = "accuracy" if classify else "R²"
        out.write(f"final loss {run.history[-1]:.6g}, {label} {metric[1]:.4f} "
                  f"({X.shape[0]} samples, {X.shape[1]} standardised features)\n")
    return 0


def _train_with_progress(k, X, data, args, out):
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from . import train
    console = Console(file=out)
    batch = f"mini-batches of {args.batch_size}" if args.batch_size else "full batch"
    console.print(f"{args.name} on {data.source}: {X.shape[0]} samples, target "
                  f"{data.target!r}, lr {args.lr}, {batch}")
    columns = (TextColumn("epoch"), MofNCompleteColumn(), BarColumn(),
               TextColumn("loss {task.fields[loss]}"))
    with Progress(*columns, console=console) as progress:
        task = progress.add_task("train", total=args.epochs, loss="…")
        return train.gradient_descent(
            k, X, data.y, args.lr, args.epochs, args.batch_size, args.seed,
            on_epoch=lambda e, loss: progress.update(task, advance=1, loss=f"{loss:.6g}"))


def main(argv=None, out=None):
    out = out or sys.stdout
    args = build_parser().parse_args(argv)
    try:
        commands = {"list": cmd_list, "problems": cmd_problems, "show": cmd_show,
                    "check": cmd_check, "train": cmd_train, "lint": cmd_lint, "new": cmd_new}
        return commands[args.command](args, out)
    except DerivatorError as error:
        sys.stderr.write(f"derivator: error: {error}\n")
        return 2
    except BrokenPipeError:          # `derivator show bce | head`: stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
