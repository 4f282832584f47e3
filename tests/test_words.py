"""Issue 22, the rest: every sentence has its Korean, found by walking the catalogue, the
parser and the modules' message tables (not by listing sentences); lint in Korean."""
import argparse
import ast
import importlib
import pkgutil
import string
from pathlib import Path

import pytest

import derivator
from derivator.cli import build_parser
from derivator.render.catalogue import LANGUAGES, MESSAGES, fill, translate, translate_lines
from test_korean import english_in, run
from test_losses_cli import FOCAL_STOP


def _filled(template):
    names = {n for _, n, _, _ in string.Formatter().parse(template) if n}
    return fill(template, "ko", **{n: "X" for n in names})


def test_every_catalogue_entry_has_both_languages_and_its_korean_is_korean():
    missing = [k for k, e in MESSAGES.items() if any(not e.get(lang) for lang in LANGUAGES)]
    assert not missing
    english = [k for k, e in MESSAGES.items() if english_in(_filled(e["ko"]))]
    assert not english, english


def test_the_korean_of_each_entry_keeps_its_placeholders():
    def names(t):
        return {n for _, n, _, _ in string.Formatter().parse(t) if n}
    lost = [k for k, e in MESSAGES.items() if names(e["en"]) != names(e["ko"])]
    assert not lost, lost


def _helps(parser):
    """(where, English, Korean) of every description, epilog and help of every command."""
    stack, found = [parser], []
    while stack:
        p = stack.pop()
        if p.description:
            found.append((p.prog, p.description, translate(p.description, "ko")))
        if p.epilog:
            found.append((p.prog, p.epilog, translate_lines(p.epilog, "ko")))
        for a in p._actions:
            if a.help and a.help is not argparse.SUPPRESS:
                found.append((p.prog, a.help, translate(a.help, "ko")))
            if isinstance(a, argparse._SubParsersAction):
                found += [(p.prog, c.help, translate(c.help, "ko")) for c in a._choices_actions]
                stack.extend(a.choices.values())
    return found


def test_every_help_text_of_every_option_has_its_korean():
    helps = _helps(build_parser())
    assert len(helps) > 60
    english = [(where, en) for where, en, ko in helps if english_in(ko)]
    assert not english, english
    # a help that is more than names must change: an untranslated one is found even
    # when the English detector misses it (two words)
    same = [(w, en) for w, en, ko in helps if en == ko and sum(c.isalpha() for c in en) > 12
            and any(len(word) > 3 and word.isalpha() and word.islower() for word in en.split())]
    assert not same, same


def _tables():
    """Every module-level message table of the package: a dict of {"en": …, "ko": …}
    entries, or a dict keyed by language."""
    for info in pkgutil.walk_packages(derivator.__path__, "derivator."):
        if info.name.endswith("__main__"):          # it runs the command line
            continue
        try:
            module = importlib.import_module(info.name)
        except ImportError:             # an optional extra (matplotlib) not installed
            continue
        for name, value in vars(module).items():
            if isinstance(value, dict) and value:
                yield f"{info.name}.{name}", value


def test_every_message_table_has_both_languages():
    checked, missing = 0, []
    for where, table in _tables():
        if set(table) == set(LANGUAGES) and all(isinstance(v, dict) for v in table.values()):
            checked += 1                           # {"en": {...}, "ko": {...}}
            keys = [set(v) for v in table.values()]
            if keys[0] != keys[1]:              # (a Korean word may be empty: "is")
                missing.append(where)
        elif all(isinstance(v, dict) and "en" in v for v in table.values()):
            checked += 1                           # {key: {"en": ..., "ko": ...}}
            missing += [f"{where}[{k}]" for k, v in table.items() if not v.get("ko")]
    assert checked >= 5 and not missing, missing


def test_the_out_of_scope_lines_are_in_korean():
    from derivator.model.functions import OUT_OF_SCOPE
    for line in OUT_OF_SCOPE.values():
        assert not english_in(translate(line, "ko")), line
    status, out, err = run(["check", "p2", "max(0, X w)", "--lang", "ko"])
    assert status == 2 and "max(...)" in out and not english_in(out + err), out + err


@pytest.fixture
def stuck(tmp_path):
    path = tmp_path / "stuck.toml"
    path.write_text(FOCAL_STOP.replace("BODY", "(w^T x_i)^(w^T x_i)"))
    return str(path)


@pytest.mark.parametrize("command", ["lint", "show"])
def test_a_derivation_without_a_closed_form_is_said_in_korean(stuck, command):
    status, out, err = run([command, stuck, "--lang", "ko"])
    assert status == 1 and "닫힌 형태가 없다" in out + err and not english_in(out + err)


BROKEN = {"toml": '[names\n',                       # tomllib's reason is quoted
          "strategy": FOCAL_STOP.replace('strategy = "loss"', 'strategy = "magic"'),
          "undeclared": FOCAL_STOP.replace("BODY", "q x_i"),
          "no_definitions": FOCAL_STOP.split("[[definitions]]")[0]}


@pytest.mark.parametrize("broken", BROKEN)
def test_lint_errors_in_korean_keep_file_and_line(tmp_path, broken):
    """A broken file: the FILE:LINE part stays as it is, the sentence is Korean."""
    path = tmp_path / "broken.toml"
    path.write_text(BROKEN[broken].replace("BODY", "w^T x_i"))
    status, en_out, en_err = run(["lint", str(path)])
    status_ko, out, err = run(["lint", str(path), "--lang", "ko"])
    assert status == status_ko != 0
    english_line, korean_line = (en_out + en_err).strip(), (out + err).strip()
    assert english_line.startswith(str(path)) and korean_line.startswith(str(path))
    place = english_line.split(": ")[0]
    assert korean_line.split(": ")[0] == place
    assert not english_in(korean_line), korean_line


def test_read_as_says_its_guesses_in_korean():
    from derivator.render.catalogue import read_as_text
    said = ("x   [guessed: a power of a vector read as entrywise: v^∘2 (loose notation); "
            "a product of two vectors of the same shape read as entrywise: a ⊙ b "
            "(loose notation)]")
    korean = read_as_text(said, "ko")
    assert korean.startswith("x   [추측함: ") and "v^∘2" in korean and "a ⊙ b" in korean
    assert not english_in(korean), korean
    assert read_as_text(said, "en") == said


def _sample(node):
    """A message as the code writes it, each value replaced by X (a conditional word by
    its first choice): None when it is not a message literal."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else
                       v.value.body.value if isinstance(v.value, ast.IfExp) and
                       isinstance(v.value.body, ast.Constant) else "X" for v in node.values)
    return None


def _problem_file_messages():
    """Every message the problem files' reader raises, read from its source: a new one is
    found without being listed."""
    found = []
    for path in sorted(Path(derivator.__file__).parent.joinpath("model").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and node.args:
                called = getattr(node.func, "id", getattr(node.func, "attr", ""))
                if called in ("fail", "ProblemFileError", "_error", "DerivatorError"):
                    text = _sample(node.args[-1])
                    if text:
                        found.append((f"{path.name}:{node.lineno}", text))
    return found


def test_every_problem_file_error_has_its_korean():
    messages = _problem_file_messages()
    assert len(messages) > 40
    english = [(where, m) for where, m in messages if english_in(translate(m, "ko")) or
               translate(m, "ko") == m and any(w.isalpha() and w.islower() and len(w) > 3
                                               for w in m.split())]
    assert not english, english



def test_the_sum_rule_and_the_derivative_into_a_sum_have_different_korean_names():
    """p2's A2 (the sum rule) and A3 (the derivative into Σ) were both "…합의 미분": a
    student reads one rule applied twice."""
    from derivator.render.messages import RULES
    names = {rule: RULES[rule]["ko"][0] for rule in ("sum_rule", "into_sum")}
    assert names["sum_rule"] != names["into_sum"] and "Σ" in names["into_sum"], names
