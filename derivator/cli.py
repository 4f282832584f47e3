"""The command line: `python -m derivator list | show NAME [--wrt V] [--format F] [--lang L]`.

Bad input gets one or two lines on stderr and exit status 2, never a traceback.
"""
import argparse
import os
import sys

from . import DerivatorError, derive
from .render import FORMATS, LANGUAGES
from .render.catalogue import read_as_text, say, translate, translate_lines


class Parser(argparse.ArgumentParser):
    lang = "en"                       # the language of --help and of usage errors

    def error(self, message):
        self.exit(2, say("cli.usage_error", self.lang, prog=self.prog,
                         message=translate(message, self.lang)) + "\n")

    def format_help(self):
        return _translate_argparse(super().format_help(), self.lang)

    def format_usage(self):
        return _translate_argparse(super().format_usage(), self.lang)


def _translate_argparse(text, lang):
    """argparse's own headings ("usage:", "options:") in `lang`."""
    for key in ("argparse.usage", "argparse.positional", "argparse.options", "argparse.help"):
        text = text.replace(say(key), say(key, lang))
    return text


def _lang_of(argv):
    """The --lang asked for, looked up before parsing, so that --help and usage errors
    are in it too."""
    argv = list(sys.argv[1:] if argv is None else argv)
    for k, arg in enumerate(argv):
        value = arg.partition("=")[2] if arg.startswith("--lang=") else \
            argv[k + 1] if arg == "--lang" and k + 1 < len(argv) else None
        if value in LANGUAGES:
            return value
    return "en"


def _translate_help(parser, lang):
    """Every help text, description and epilog of `parser` and its commands in `lang`
    (they are written in English in build_parser; their Korean is in the catalogue)."""
    Parser.lang = lang
    if lang == "en":
        return parser
    stack = [parser]
    while stack:
        p = stack.pop()
        p.description = p.description and translate(p.description, lang)
        if p.epilog:
            p.epilog = translate_lines(p.epilog, lang)
        for action in p._actions:
            if action.help and action.help is not argparse.SUPPRESS:
                action.help = translate(action.help, lang)
            if isinstance(action, argparse._SubParsersAction):
                for choice in action._choices_actions:
                    choice.help = translate(choice.help, lang)
                stack.extend(action.choices.values())
    return parser


def build_parser():
    parser = Parser(prog="derivator", description="Step-by-step derivations of ML gradients, "
                                                  "every step checked.")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    commands.required = True
    listing = commands.add_parser("list", help="the derivations it knows, one line each")
    listing.add_argument("--lang", default="en", choices=LANGUAGES, help="en (default) or ko")
    problems = commands.add_parser("problems", help="problems 1-7 with their statements")
    problems.add_argument("--lang", default="en", choices=LANGUAGES, help="en (default) or ko")
    show = commands.add_parser("show", help="show a derivation step by step")
    show.add_argument("name", metavar="NAME", help="a derivation (see `derivator list`)")
    show.add_argument("--wrt", help="the parameter to differentiate by (default: the first)")
    show.add_argument("--route", help="another route to the same result, from the course's "
                                      "other notes (see `derivator list`)")
    show.add_argument("--order", type=int, choices=(1, 2), default=None,
                      help="2: the gradient, then the Hessian and the Newton step")
    show.add_argument("--format", default="rich", choices=FORMATS,
                      help="rich (default, terminal), text, latex, markdown or json")
    show.add_argument("--lang", default="en", choices=LANGUAGES, help="en (default) or ko")
    show.add_argument("--standalone", action="store_true",
                      help="with --format latex: a whole document for xelatex")
    show.add_argument("--plot", metavar="FILE.png", nargs="?", const="", default=None,
                      help="also write a picture of the functions as PNG (needs matplotlib: pip "
                           "install \"derivator[plot]\")")
    handout = commands.add_parser("handout", help="all derivations (or the names given) as "
                                                  "one document to print or open")
    handout.add_argument("names", metavar="NAME", nargs="*", help="derivations (default: all)")
    handout.add_argument("--format", default="latex", choices=("latex", "html"),
                         help="latex (default, for xelatex) or html")
    handout.add_argument("--lang", default="en", choices=LANGUAGES, help="en (default) or ko")
    check = commands.add_parser("check", help="check an answer to problems 1-7",
                                epilog=_syntax_guide(),
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    check.add_argument("name", metavar="PROBLEM", nargs="?",
                       help="p1a ... p7b, or 1a ... 7b, or a problem file FILE.toml")
    check.add_argument("answer", metavar="ANSWER", nargs="?",
                       help="plain text or LaTeX; - reads stdin")
    check.add_argument("--file", metavar="ANSWERS.csv",
                       help="a whole class: a CSV with columns student,problem,answer")
    check.add_argument("--output", metavar="RESULTS.json|GRADES.csv", action="append",
                       help="with --file: results.json gets every verdict with its points, "
                            "grades.csv the gradebook (a row per student, a column per "
                            "problem, the total); may be given twice; written whole at the "
                            "end, never over the class file")
    check.add_argument("--timeout", type=_positive(float), default=5.0,
                       help="seconds allowed per check (5); a check that runs longer is "
                            "reported as timeout (exit status 3)")
    check.add_argument("--format", default="rich", choices=("rich", "json"))
    check.add_argument("--syntax", action="store_true",
                       help="what an answer may look like, with examples, and stop")
    check.add_argument("--working", metavar="FILE", help="a whole working (plain text, LaTeX "
                       "or Markdown; - reads stdin): every step judged, the first wrong one "
                       "named, the last line judged as the answer")
    _class_options(check)
    lint = commands.add_parser("lint", help="load a problem file, derive it and verify "
                                            "every step; one line per problem found")
    lint.add_argument("files", metavar="FILE.toml", nargs="+",
                      help="problem files, or folders of them")
    lint.add_argument("--lang", default="en", choices=LANGUAGES, help="en (default) or ko")
    new = commands.add_parser("new", help="write a commented problem file to start from")
    new.add_argument("kind", choices=("loss", "matrix", "likelihood"))
    new.add_argument("file", metavar="FILE.toml")
    new.add_argument("--lang", default="en", choices=LANGUAGES, help="en (default) or ko")
    train = commands.add_parser("train", help="gradient descent with a generated kernel")
    train.add_argument("name", metavar="LOSS", help="bce, mse, p2, p3, p7b: a loss over samples")
    train.add_argument("--data", metavar="FILE.csv", help="a CSV file with a header row "
                       "(default: the dataset that ships for the loss)")
    train.add_argument("--target", metavar="COLUMN", help="the column to predict")
    train.add_argument("--lr", type=_positive(float), default=None,
                       help="learning rate (0.1; divided by the number of samples when the loss "
                            "is a sum over them)")
    train.add_argument("--epochs", type=_positive(int), default=1000, help="passes (1000)")
    train.add_argument("--batch-size", type=_positive(int), default=None,
                       help="mini-batch size (default: the full batch)")
    train.add_argument("--seed", type=int, default=0, help="shuffling seed (0)")
    train.add_argument("--format", default="rich", choices=("rich", "json"),
                       help="rich (default: a progress bar) or json (the loss history)")
    train.add_argument("--size", metavar="NAME=N", action="append", default=[],
                       help="a hidden size the data does not give, e.g. M=16 for p7b (8)")
    train.add_argument("--lang", default="en", choices=LANGUAGES, help="en (default) or ko")
    train.add_argument("--plot", metavar="FILE.png", nargs="?", const="", default=None,
                       help="also write the loss curve as a PNG (needs matplotlib: pip "
                            "install \"derivator[plot]\")")
    train.add_argument("--set", metavar="NAME=VALUE", action="append", default=[],
                       help="a hyperparameter of the loss, e.g. lam=0.1 (default: the file's)")
    gradcheck = commands.add_parser("gradcheck", help="check your own gradient function "
                                    "against the derivation (runs FILE.py in a worker)")
    gradcheck.add_argument("name", metavar="PROBLEM", help="p2, p3, p7b, bce, mse")
    gradcheck.add_argument("function", metavar="FILE.py:FUNC",
                           help="your function, called as FUNC(params..., X, y)")
    gradcheck.add_argument("--wrt", help="the parameter FUNC's gradient is for, when it "
                           "returns one array (default: the problem's)")
    gradcheck.add_argument("--timeout", type=_positive(float), default=10.0,
                           help="seconds allowed (10)")
    gradcheck.add_argument("--format", default="rich", choices=("rich", "json"))
    gradcheck.add_argument("--lang", default="en", choices=LANGUAGES, help="en (default) or ko")
    gradcheck.add_argument("--require-sandbox", action="store_true",
                           help="refuse to run FILE.py unless bubblewrap confines it")
    _hint_command(commands)
    return parser


def _hint_command(commands):
    """`hint P --working FILE|-`: the next step of the derivation a partial working has
    not reached (its rule and explanation), or the first wrong line."""
    hint = commands.add_parser("hint", help="the next step for a partial working (its rule "
                                            "and explanation), or where it went wrong")
    hint.add_argument("name", metavar="PROBLEM", help="p1a ... p7b, bce, bce-mle, ...")
    hint.add_argument("--working", metavar="FILE", required=True,
                      help="the working so far (plain text, LaTeX or Markdown; - reads stdin)")
    hint.add_argument("--show-step", action="store_true",
                      help="also show what the next step gives (its result)")
    hint.add_argument("--lang", default="en", choices=LANGUAGES, help="en (default) or ko")
    hint.add_argument("--format", default="text", choices=("text", "json"))


def cmd_hint(args, out):
    """Exit status 0 with a hint, 2 for bad input (one line)."""
    import json

    from . import hint
    from .answers.read.lines import MAX_TEXT, WorkingError
    text = _valid_text(_read_working(args.working, MAX_TEXT), args.working)
    if not text.strip():
        raise DerivatorError(f"{args.working}: the working is empty")
    try:
        found = hint(_valid_text(args.name, "the problem's name"), text, lang=args.lang,
                     show_step=args.show_step)
    except WorkingError as error:
        raise DerivatorError(f"{args.working}: {error}") from None
    if args.format == "json":
        out.write(json.dumps(found.as_dict(), ensure_ascii=False, indent=2) + "\n")
    else:
        out.write(_visible(found.message).replace("\\x0a", "\n") + "\n")
    return 0


def _class_options(check):
    """The options of `check --file` beyond --output (a whole class)."""
    check.epilog = (check.epilog or "") + "\n" + (
        "exit status, one answer: 0 correct, 1 incorrect, 2 unreadable or bad input,\n"
        "  3 out of time.\n"
        "exit status, --file: 0 when every row was judged (correct or incorrect), 1 when\n"
        "  any row was unreadable or timed out, 2 for a bad class file.\n"
        "With --file, verdicts are kept in ANSWERS.csv.partial as they are decided; after\n"
        "an interruption, the same command with --resume goes on from there.")
    check.add_argument("--resume", action="store_true",
                       help="with --file: keep the verdicts of an interrupted run "
                            "(ANSWERS.csv.partial) and check only the rest")
    check.add_argument("--feedback", metavar="DIR",
                       help="with --file: one Markdown file per student in DIR")
    check.add_argument("--lang", default="en", choices=LANGUAGES,
                       help="en (default) or ko: the labels around a verdict or a --working "
                            "verdict; with --file, the table and --feedback")
    check.add_argument("--report", metavar="REPORT.html|REPORT.md",
                       help="with --file: what the class got wrong, per problem (named "
                            "mistakes, wrong answers grouped, wrong entries, the steps to "
                            "revisit, where workings go wrong), in --lang")
    check.add_argument("--lms", choices=("gradescope", "canvas", "moodle"),
                       help="with --file: --output DIR gets a Gradescope results.json per "
                            "student; --output GRADES.csv the gradebook as Canvas or "
                            "Moodle imports it")
    check.add_argument("--dask", metavar="local|tcp://HOST:PORT",
                       help="with --file: judge on a Dask cluster (pip install "
                            "'derivator[dask]'); local starts one on this machine")


def _positive(kind):
    def parse(text):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a{'n integer' if kind is int else ' number'}") from None
        if not 0 < value < float("inf"):
            raise argparse.ArgumentTypeError(f"{text!r} must be a finite number greater than 0")
        return value
    parse.__name__ = kind.__name__
    return parse


def _routes(name, opening="; "):
    from .strategies.routes import routes_of
    routes = routes_of(name)
    if not routes:
        return ""
    return f"{opening}--route {' or '.join(routes)}" + (")" if opening.startswith(" ") else "")


def cmd_list(args, out):
    from .model.problemset import all_problems
    from .strategies.routes import names as route_names, title as route_title
    from .model.registry import catalog as lectures, get_model
    from .render.messages import HEADINGS
    lang = args.lang
    rows = []
    for name in lectures():
        model = get_model(name)
        params = ", ".join(str(p) for p in model.params)
        rows.append((name, f"{model.title.get(lang, model.title['en'])}  "
                           f"(--wrt {params}{_routes(name)})"))
    for name in route_names():
        rows.append((name, f"{route_title(name, lang)}{_routes(name, ' (')}"))
    for name, problem in all_problems().items():
        title = problem.title.get(lang, problem.title["en"])
        rows.append((name, f"{HEADINGS[lang]['problem']} {problem.number}: {title}"))
    width = max(len(name) for name, _ in rows)          # one column for every description
    for name, text in rows:
        out.write(f"{name:<{width}}  {text}\n")
    return 0


def cmd_problems(args, out):
    from .model.problemset import all_problems
    from .render.messages import HEADINGS
    from .render.statement import statement_text
    from .render.terminal import wrap
    lang = args.lang
    for name, problem in all_problems().items():
        title = problem.title.get(lang, problem.title["en"])
        out.write(f"{name} ({HEADINGS[lang]['problem'].lower()} {problem.number}): {title}\n")
        for paragraph in problem.statement.split("\n\n"):      # the statement as written (en)
            out.write("".join(f"    {line}\n" for line in wrap(statement_text(paragraph), 74)))
        out.write("\n")
    return 0


def _plot_path(given, name, what):
    """--plot FILE.png, or NAME-what.png beside where the command runs."""
    from pathlib import Path
    return given or f"{Path(str(name)).stem}-{what}.png"


def _derive_shown(args):
    """The derivation `show` prints: with --order 2 the Hessian and the Newton step too."""
    if args.order is None and str(args.name).endswith(".toml"):
        from . import load
        args.order = load(args.name).data["derive"].get("order")     # [derive] order = 2
    if args.order:
        if args.route and args.order == 2:
            raise DerivatorError("--order 2 follows the derivation's own route; drop --route")
        return derive(args.name, args.wrt, args.route, order=args.order)
    return derive(args.name, args.wrt, args.route)


def cmd_show(args, out):
    from .render import terminal
    from .render.cache import cached
    if args.plot is not None and args.format == "html":     # the page holds it as SVG
        from .render import html, plots
        derivation = _derive_shown(args)
        figure = plots.svg(plots.activation_figure(derivation, args.lang))
        out.write(html.render_html(derivation, args.lang, figure=figure))
        return 0
    if args.plot is not None:              # the picture first: a missing matplotlib is one line
        from .render import plots
        path = plots.write_png(plots.activation_figure(_derive_shown(args),
                                                       args.lang),
                               _plot_path(args.plot, args.name, "functions"))
        sys.stderr.write(say("plot.wrote", args.lang, path=path) + "\n")
    _refuse_unverified(args.name, args.wrt, args.route)
    if args.format in ("rich", "text"):
        console = None
        if args.format == "rich":
            from rich.console import Console
            console = Console(file=out)
            console.width = max(console.width, terminal.MIN_WIDTH)     # COLUMNS=1: no crash
        width = console.width if console else 80
        key = ["show", _show_key(args.name), args.wrt, args.lang, width] + \
            ([args.route] if args.route else []) + ([f"order{args.order}"] if args.order else [])
        lines = cached(key, lambda: terminal.lines_of(_derive_shown(args),
                                                      args.lang, width),
                       valid=terminal.valid_lines)
        if console:
            terminal.rich_from_lines(lines, console)
        else:
            out.write(terminal.text_from_lines(lines, width))
        return 0
    if args.standalone and args.format != "latex":
        raise DerivatorError("--standalone goes with --format latex")
    from .render import documents, html, standalone
    render = {"latex": standalone.render_standalone if args.standalone else
              documents.render_latex, "markdown": documents.render_markdown,
              "json": documents.render_json, "html": html.render_html}
    out.write(render[args.format](_derive_shown(args), args.lang))
    return 0


class Unverified(DerivatorError):
    """A derivation with a step that does not follow: it must not be shown as finished."""
    exit_status = 1


def _refuse_unverified(name, wrt, route):
    """`show` of a problem file: every step verified first; the first that fails is named
    in one line (exit 1), and no result is printed as final."""
    if not str(name).endswith(".toml"):
        return               # the catalogue's problems are verified by the test suite
    derivation = derive(name, wrt, route)
    for n, check in enumerate(derivation.verify(), 1):
        if not check.ok:
            raise Unverified(f"{name}: step {n} ({check.step.rule}) does not follow from the "
                             f"line before: {check.detail}; the derivation is not shown")


def _syntax_guide():
    from .answers.read.syntax import as_text
    return as_text()


def cmd_handout(args, out):
    from . import catalog
    from .render import html, standalone
    names = args.names or catalog()
    derivations = [derive(name) for name in names]      # an unknown name fails before output
    render = standalone.render_handout if args.format == "latex" else html.render_handout
    out.write(render(derivations, args.lang))
    return 0


def cmd_check(args, out):
    import json

    from .answers.batch.workers import check_one
    from .model.problemset import problem
    if args.syntax:
        out.write(translate_lines(_syntax_guide(), args.lang))
        return 0
    if args.file:
        from .answers.batch.batch import run_batch
        return run_batch(args, out)
    for option in ("output", "resume", "feedback", "dask", "report", "lms"):
        if getattr(args, option):
            raise DerivatorError(f"--{option} needs --file ANSWERS.csv")
    if args.working is not None:
        return cmd_check_working(args, out)
    if args.name is None or args.answer is None:
        raise DerivatorError("check needs PROBLEM and ANSWER (or --file ANSWERS.csv)")
    _problem(_valid_text(args.name, "the problem's name"))   # unknown: a usage error
    _refuse_without_closed_form(args.name)
    answer = _read_stdin() if args.answer == "-" else _valid_text(args.answer, "the answer")
    verdict = check_one(args.name, answer.strip(), args.timeout)
    if args.format == "json":
        out.write(json.dumps(verdict, ensure_ascii=False, indent=2) + "\n")
    else:
        out.write(_verdict_text(verdict, answer.strip(), args.lang))
    return {"correct": 0, "incorrect": 1, "timeout": 3}.get(verdict["status"], 2)


def _problem(name):
    """The problem `check` judges answers to; an unknown name gets everything check
    accepts: problems 1-7, the notes' derivations, a problem file."""
    from .model.problemset import all_problems, problem
    from .strategies.routes.answers import SPECS
    known = set(all_problems()) | set(SPECS)
    if not str(name).endswith(".toml") and name not in known and f"p{name}" not in known:
        raise DerivatorError(say("cli.unknown_problem", name=repr(name),
                                 problems=", ".join(all_problems()),
                                 routes=", ".join(SPECS)))
    return problem(name)


def _refuse_without_closed_form(name):
    """A problem file whose derivation has no closed form cannot judge answers: one line,
    exit status 2 (the file cannot be used), before any answer is read."""
    from .strategies.loss import NotClosedForm
    if not str(name).endswith(".toml"):
        return
    from .model.problemfile import load, parameters
    for wrt in parameters(load(name)):
        try:
            derive(name, wrt)
        except NotClosedForm as error:
            raise DerivatorError(f"{error}; answers to it cannot be checked") from None
        except DerivatorError:
            return            # other faults are the judge's to report, as before


def _verdict_text(verdict, answer, lang="en"):
    """A verdict for people: the status, how the answer was read, and for an unreadable
    one the answer with a caret under the place. Plain text: nothing in it is markup."""
    from .answers.read.notation import LABELS
    label = LABELS[lang]
    lines = [f"{label.get(verdict['status'], verdict['status'])}: "
             f"{translate(verdict['message'], lang)}"]
    if verdict.get("read_as"):
        lines.append(f"  {label['read_as']}: {_visible(read_as_text(verdict['read_as'], lang))}")
    column = verdict.get("column")
    if verdict["status"] == "unreadable" and column and "\n" not in answer:
        shown = _visible(answer)
        lines.append(f"    {shown}")
        lines.append("    " + " " * _width(shown[:column - 1]) + "^")
    for note in verdict["notes"]:
        lines.append(f"  {label['note']}: {translate(note, lang)}")
    if verdict["counterexample"]:
        lines.append(f"  {label['counterexample']}: "
                     f"{translate(verdict['counterexample'], lang)}")
    return "\n".join(lines) + "\n"


def _visible(text):
    """Control characters made visible, so that an answer cannot drive the terminal."""
    from .render.safe_terminal import visible
    return visible(text)


def _width(text):
    import unicodedata
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _valid_text(text, what):
    """An argument that was not valid UTF-8 (Python keeps its bad bytes as surrogates)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:
        raise DerivatorError(f"{what} is not valid UTF-8 (a bad byte at character "
                             f"{error.start + 1})") from None
    return text


def _read_stdin():
    """The answer on stdin, read as bytes: UTF-8, with or without a byte-order mark."""
    stream = getattr(sys.stdin, "buffer", None) if sys.stdin is not None else None
    try:
        data = stream.read() if stream is not None else (
            sys.stdin.read().encode("utf-8") if sys.stdin is not None else None)
    except (OSError, ValueError):
        data = None
    if data is None:
        raise DerivatorError("no answer on stdin: it is closed")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise DerivatorError(f"the answer on stdin is not valid UTF-8 (byte "
                             f"0x{data[error.start]:02x} at position {error.start + 1})") \
            from None


def cmd_check_working(args, out):
    """check P --working FILE|-: exit 0 when every step follows and the answer is right,
    1 when a step or the answer is wrong, 2 when it cannot be read, 3 on timeout."""
    import json

    from .answers.read.lines import MAX_TEXT
    from .answers.batch.workers import check_one
    from .answers.read.lines import WorkingError, split_working
    from .answers.judge.working import as_json, is_working
    from .model.problemset import problem
    if args.name is None or args.answer is not None:
        raise DerivatorError("check --working FILE needs PROBLEM and no ANSWER")
    _problem(args.name)
    _refuse_without_closed_form(args.name)
    text = _read_working(args.working, MAX_TEXT)
    try:
        split_working(text)               # what cannot be split is refused here, at once
    except WorkingError as error:
        raise DerivatorError(f"{args.working}: {error}") from None
    if not is_working(text):              # one line is a working too when asked for
        text += " \\\\"                 # (a LaTeX line break says so to the worker)
    verdict = check_one(args.name, text, args.timeout)
    if verdict["status"] == "unreadable" and not verdict.get("lines"):
        raise DerivatorError(f"{args.working}: {verdict['message']}")
    if args.format == "json":
        out.write(json.dumps(as_json(verdict), ensure_ascii=False, indent=2) + "\n")
    else:
        from .render.safe_terminal import visible_tree
        from .render.working import render_working
        render_working(visible_tree(verdict), out, args.lang)    # rich: its text escaped
    return {"correct": 0, "incorrect": 1, "timeout": 3}.get(verdict["status"], 2)


def _read_working(path, limit):
    """The working's text, read no further than `limit` characters past which it is
    refused anyway."""
    try:
        if path == "-":
            text = sys.stdin.read(limit + 1)
        else:
            with open(path, encoding="utf-8") as f:
                text = f.read(limit + 1)
    except OSError as error:
        raise DerivatorError(f"cannot read {path}: {error.strerror or error}") from None
    except UnicodeDecodeError as error:
        raise DerivatorError(f"{path} is not UTF-8 text: {error.reason} at byte "
                             f"{error.start}") from None
    if len(text) > limit:
        raise DerivatorError(f"{path}: the working is longer than {limit:,} characters")
    return text


def cmd_lint(args, out):
    """Each file given, and each *.toml in a folder given; the worst status wins."""
    from .model.problemfile import lint
    worst = 0
    for path in _problem_files(args.files, args.lang):
        lines, status = lint(path)
        stream = out if status == 0 else sys.stderr
        for line in lines:
            stream.write(_visible(_lint_line(line, args.lang)) + "\n")   # one line each
        worst = max(worst, status)
    return worst


def _problem_files(paths, lang):
    from pathlib import Path
    for path in paths:
        if Path(path).is_dir():
            found = sorted(str(p) for p in Path(path).glob("*.toml"))
            if not found:
                raise DerivatorError(say("lint.no_files", "en", folder=path))
            yield from found
        else:
            yield path


def _lint_line(line, lang):
    """A lint line in `lang`: the file's name and the formula stay as they are."""
    return translate(line, lang)


def cmd_new(args, out):
    from .model.templates import TEMPLATES
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

    from . import catalog, kernel
    from .kernels import kernel_names, train
    if args.name in catalog() and args.name not in kernel_names():
        raise DerivatorError(say("train.cannot", name=repr(args.name),
                                 losses=", ".join(kernel_names())))
    if args.data is not None and args.target is None:
        raise DerivatorError("--data needs --target COLUMN (the column to predict)")
    if args.target is not None and args.data is None:
        raise DerivatorError("--target needs --data FILE.csv (the default dataset has its own)")
    k = kernel(args.name)                   # any loss derive() knows, from a file too
    k = _with_hyper(args.set, k)
    sizes = _sizes(args.size, k)
    data = (train.load_csv(args.data, args.target) if args.data
            else train.default_dataset(k.labels))
    if k.labels:
        train.check_labels(data, args.name, k.labels)
    X = train.standardise(data)
    lang = args.lang
    try:
        params = k.initial(X, sizes, seed=args.seed)
        scaled = False
        if args.lr is None:                 # a loss summed over N samples: a step N times shorter
            args.lr, scaled = train.default_rate(k, X, data.y, params)
        if args.format == "json":
            run = train.gradient_descent(k, X, data.y, args.lr, args.epochs, args.batch_size,
                                         args.seed, params=params)
        else:
            run = _train_with_progress(k, X, data, args, out, params)
    except train.Diverged as error:
        raise DerivatorError(say("train.diverged", why=str(error))) from None
    if args.plot is not None:
        from .render import plots
        path = plots.write_png(plots.loss_figure(run.history, args.name, lang),
                               _plot_path(args.plot, args.name, "loss"))
        sys.stderr.write(say("plot.wrote", lang, path=path) + "\n")
    count, first = train.rises(run.history)
    if count:                               # a step too long: the loss rises or oscillates
        sys.stderr.write(say("train.rising", lang, count=count, epochs=len(run.history),
                             first=first) + "\n")
    metric = ("accuracy", train.accuracy(k, run, X, data.y)) if k.labels else \
        ("r_squared", train.r_squared(k, run, X, data.y))
    if args.format == "json":
        params = {p: np.asarray(v).tolist() for p, v in run.params.items()}
        out.write(json.dumps({"loss": args.name, "data": data.source, "target": data.target,
                              "samples": int(X.shape[0]), "features": data.features,
                              "lr": args.lr, "epochs": args.epochs,
                              "batch_size": args.batch_size, "history": run.history,
                              "final_loss": run.history[-1], metric[0]: metric[1],
                              **params}, indent=2, allow_nan=False) + "\n")
    else:
        label = say("train.accuracy", lang) if k.labels else "R²"
        value = say("train.constant", lang) if metric[1] is None else f"{metric[1]:.4f}"
        if scaled:
            out.write(say("train.scaled", lang, samples=X.shape[0]) + "\n")
        out.write(say("train.result", lang, loss=f"{run.history[-1]:.6g}", label=label,
                      value=value, samples=X.shape[0], features=X.shape[1]) + "\n")
    return 0


def _with_hyper(texts, k):
    """--set lam=0.1: the kernel with that hyperparameter's value instead of its default."""
    import math
    values = {}
    for text in texts:
        name, _, value = text.partition("=")
        if name not in k.hyper:
            raise DerivatorError(f"--set {text}: {k.name} has no hyperparameter {name!r}"
                                 + (f"; it has {', '.join(k.hyper)}" if k.hyper else ""))
        try:
            values[name] = float(value)
        except ValueError:
            raise DerivatorError(f"--set {text}: the value must be a number") from None
        if not math.isfinite(values[name]):
            raise DerivatorError(f"--set {text}: the value must be a finite number")
    return k.with_hyper(**values) if values else k


def _sizes(texts, k):
    """--size M=16 for the sizes the data does not give (default 8 each)."""
    wanted = {s for shape in k.params.values() for s in shape} - {k.columns}
    sizes = {s: 8 for s in wanted}
    for text in texts:
        name, _, value = text.partition("=")
        if name not in wanted:
            raise DerivatorError(f"--size {text}: {k.name} has no size {name!r}"
                                 + (f"; sizes: {', '.join(sorted(wanted))}" if wanted else ""))
        if not value.isdigit() or int(value) < 1:
            raise DerivatorError(f"--size {text}: the size must be a whole number, at least 1")
        sizes[name] = int(value)
    return sizes


def _train_with_progress(k, X, data, args, out, params):
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from .kernels import train
    console = Console(file=out)
    lang = args.lang
    batch = say("train.minibatches", lang, size=args.batch_size) if args.batch_size else \
        say("train.full_batch", lang)
    # as plain text: a file or column name may hold brackets or control characters
    source = translate(train.visible(data.source), lang)
    console.print(say("train.head", lang, loss=args.name, source=source, samples=X.shape[0],
                      target=repr(data.target), lr=f"{args.lr:.3g}", batch=batch),
                  markup=False, highlight=False, soft_wrap=True)
    columns = (TextColumn(say("train.epoch", lang)), MofNCompleteColumn(), BarColumn(),
               TextColumn(say("train.loss", lang) + " {task.fields[loss]}"))
    with Progress(*columns, console=console) as progress:
        task = progress.add_task("train", total=args.epochs, loss="…")
        return train.gradient_descent(
            k, X, data.y, args.lr, args.epochs, args.batch_size, args.seed,
            on_epoch=lambda e, loss: progress.update(task, advance=1, loss=f"{loss:.6g}"),
            params=params)


def cmd_gradcheck(args, out):
    import json

    from .kernels.gradcheck import run_file
    path, colon, name = args.function.rpartition(":")
    if not colon or not path or not name.isidentifier():
        raise DerivatorError(f"give the function as FILE.py:FUNC (e.g. my_solution.py:grad);"
                             f" got {args.function!r}")
    verdict = run_file(args.name, path, name, args.timeout, args.wrt, args.lang,
                       args.require_sandbox)
    if args.format == "json":
        out.write(json.dumps(verdict, ensure_ascii=False, indent=2) + "\n")
    else:
        from .answers.read.notation import LABELS
        label = {**LABELS[args.lang], "error": say("gradcheck.error", args.lang)}
        out.write(f"{label.get(verdict['status'], verdict['status'])}: "
                  f"{translate(verdict['message'], args.lang)}\n")
        for note in verdict["notes"]:
            out.write(f"  {label['note']}: {translate(note, args.lang)}\n")
        out.write(f"  {verdict['sandbox']}\n")
        for line in verdict["printed"]:           # the student's prints, escaped
            sys.stderr.write(f"  printed: {line}\n")
    return {"correct": 0, "incorrect": 1}.get(verdict["status"], 2)


def main(argv=None, out=None):
    """Every line on stderr passes through the one sanitizer (render/safe_terminal.py):
    an error naming a file, a problem or an answer cannot drive the terminal."""
    from .render.safe_terminal import SafeWriter
    stderr, sys.stderr = sys.stderr, SafeWriter(sys.stderr)
    try:
        return _main(argv, out)
    finally:
        sys.stderr = stderr


def _plain_out(args, out):
    """stdout through the sanitizer where a command writes plain text or JSON (rich's
    tables and progress bars write codes of their own, their cells escaped where made)."""
    from .render.safe_terminal import SafeWriter
    fmt = getattr(args, "format", None)
    if args.command in ("show", "train", "handout") or args.command == "check" and (
            args.file or args.working is not None and fmt != "json"):
        return out
    return SafeWriter(out, json=fmt == "json")


def _main(argv=None, out=None):
    out = out or sys.stdout
    lang = _lang_of(argv)
    for k, arg in enumerate(sys.argv[1:] if argv is None else argv, 1):
        if "\x00" in str(arg):        # no file name or answer holds one; open() would raise
            message = translate(f"argument {k} contains a NUL byte", lang)
            sys.stderr.write(say("cli.error", lang, message=message) + "\n")
            return 2
    args = _translate_help(build_parser(), lang).parse_args(argv)
    try:
        commands = {"list": cmd_list, "problems": cmd_problems, "show": cmd_show,
                    "check": cmd_check, "train": cmd_train, "handout": cmd_handout,
                    "gradcheck": cmd_gradcheck, "lint": cmd_lint, "new": cmd_new,
                    "hint": cmd_hint}
        return commands[args.command](args, _plain_out(args, out))
    except DerivatorError as error:
        message = _visible(translate(str(error), lang))     # one line, whatever it names
        sys.stderr.write(say("cli.error", lang, message=message) + "\n")
        return getattr(error, "exit_status", 2)     # 1: a derivation without a closed form
    except KeyboardInterrupt:        # Ctrl-C at any moment: one line, never a traceback
        sys.stderr.write("derivator: interrupted\n")
        return 130
    except BrokenPipeError:          # `derivator show bce | head`: stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
