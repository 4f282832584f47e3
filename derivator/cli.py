"""The command line: `python -m derivator list | show NAME [--wrt V] [--format F] [--lang L]`.

Bad input gets one or two lines on stderr and exit status 2, never a traceback.
"""
import argparse
import os
import sys

from . import DerivatorError, catalog, derive
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
    show = commands.add_parser("show", help="show a derivation step by step")
    show.add_argument("name", metavar="NAME", help="a derivation (see `derivator list`)")
    show.add_argument("--wrt", help="the parameter to differentiate by (default: the first)")
    show.add_argument("--format", default="rich", choices=FORMATS,
                      help="rich (default, terminal), text, latex, markdown or json")
    show.add_argument("--lang", default="en", choices=LANGUAGES, help="en (default) or ko")
    return parser


def cmd_list(args, out):
    from .registry import get_model
    for name in catalog():
        model = get_model(name)
        params = ", ".join(str(p) for p in model.params)
        out.write(f"{name:<10} {model.title['en']}  (--wrt {params})\n")
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
        lines = cached(["show", args.name, args.wrt, args.lang, width],
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


def main(argv=None, out=None):
    out = out or sys.stdout
    args = build_parser().parse_args(argv)
    try:
        return {"list": cmd_list, "show": cmd_show}[args.command](args, out)
    except DerivatorError as error:
        sys.stderr.write(f"derivator: error: {error}\n")
        return 2
    except BrokenPipeError:          # `derivator show bce | head`: stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
