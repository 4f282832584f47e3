"""Problem files written to attack: what names something must be a name, no string carries
a control character, deep nesting and huge sums are refused in one line (exit 2), and
whatever lint accepts reaches LaTeX, MathML and the page as text, never as markup.

The LaTeX cases are compiled with xelatex (one document for all of them, to stay cheap);
without xelatex that test skips and says so."""
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from derivator.model.problem import ProblemFileError
from derivator.model.problemfile import read_problem
from test_cli import run

RIDGE = (Path(__file__).parent / "problem_files" / "ridge_loss.toml").read_text(encoding="utf-8")
INJECTIONS = [r"\input{/etc/passwd}", r"\immediate\openout5=x.tex", r"\write18{ls}",
              "<img src=x onerror=alert(1)>", "</mi><script>alert(1)</script>", "L$x$",
              "L}{", "L i", "L%", "L&", "L#1", "L^^5c", "1L", "_L", "Lé", "L\u200b", ""]


def lint(tmp_path, text, name="p.toml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    code, out, err = run("lint", str(path))
    assert "Traceback" not in err, err
    return code, out, err


def refused(text, phrase=""):
    with pytest.raises(ProblemFileError) as caught:
        read_problem(text, "p.toml")
    message = str(caught.value)
    assert len(message.splitlines()) == 1 and phrase in message, message
    return message


# --- names are names ------------------------------------------------------------------

@pytest.mark.parametrize("bad", INJECTIONS)
def test_a_definitions_name_params_and_target_must_be_names(bad):
    quoted = '"' + bad.replace("\\", "\\\\").replace('"', '\\"') + '"'
    as_name = RIDGE.replace('name = "L"\n', f"name = {quoted}\n").replace(
        'target = "L"', f"target = {quoted}")
    assert refused(as_name, "is not a name").startswith("p.toml:27:")
    assert "is not a name" in refused(RIDGE.replace('params = ["w"]', f"params = [{quoted}]"))
    assert "is not a name" in refused(RIDGE.replace('target = "L"', f"target = {quoted}"))
    as_declared = RIDGE.replace("lambda = {", f"{quoted} = {{")
    assert "is not a name" in refused(as_declared)


def test_the_names_of_the_shipped_files_are_still_names():
    corpus = Path(__file__).parent
    files = [*corpus.glob("problem_files*/*.toml"), *(corpus.parent / "problems").glob("*.toml")]
    assert len(files) > 40
    for path in files:
        read_problem(path.read_text(encoding="utf-8"), str(path))


def test_lint_says_it_in_one_line_with_the_line_and_exit_2(tmp_path):
    code, out, err = lint(tmp_path, RIDGE.replace('name = "L"\n', 'name = "\\\\input{x}"\n'))
    assert code == 2 and len(err.strip().splitlines()) == 1, err
    assert re.match(r".*p\.toml:27: definitions\[3\]\.name = .* is not a name", err), err


@pytest.mark.parametrize("character", ["\x1b[2J", "\x00", "\x7f", "\x07", "\u202e", "\x9b"])
@pytest.mark.parametrize("where", ["title", "statement", "description", "explain"])
def test_no_string_carries_a_control_character(character, where):
    escaped = "".join(f"\\u{ord(c):04x}" if not c.isprintable() else c for c in character)
    text = {"title": RIDGE.replace('title = "Ridge', f'title = "{escaped}Ridge'),
            "statement": RIDGE.replace('strategy =', f'statement = "a{escaped}b"\nstrategy ='),
            "description": RIDGE.replace('shape = ["N"] }', f'shape = ["N"], '
                                         f'description = "{escaped}" }}', 1),
            "explain": RIDGE.replace('strategy =', f'notes.en = "{escaped}"\nstrategy =')}[where]
    assert text != RIDGE
    refused(text, "control character U+")


def test_a_title_or_a_name_is_one_line_a_statement_may_be_several():
    refused(RIDGE.replace('title = "Ridge regression: the gradient"',
                          'title = """Ridge\n\nregression"""'), "line break")
    read_problem(RIDGE.replace('strategy =', 'statement = """Two\n\nparagraphs."""\nstrategy ='))


def test_a_byte_order_mark_is_accepted(tmp_path):
    path = tmp_path / "bom.toml"
    path.write_bytes(b"\xef\xbb\xbf" + RIDGE.encode("utf-8"))
    from derivator.model.problemfile import load
    assert load(path).title["en"] == "Ridge regression: the gradient"


@pytest.mark.parametrize("nesting", [
    "notes = " + "{a=" * 30000 + "1" + "}" * 30000,
    "notes = " + "[" * 30000 + "]" * 30000,
    "[notes." + ".".join(["a"] * 30000) + "]\nb = 1",
    "notes = " + "{a=" * 13 + "1" + "}" * 13,
])
def test_deep_nesting_is_one_line_not_a_recursion_error(tmp_path, nesting):
    text = RIDGE.replace("[names]", nesting + "\n\n[names]") if nesting.startswith("notes") \
        else RIDGE + "\n" + nesting + "\n"
    code, out, err = lint(tmp_path, text)
    assert code == 2 and "nested more than" in err and len(err.strip().splitlines()) == 1, err


# --- sums that never end ---------------------------------------------------------------

@pytest.mark.parametrize("sum_", [
    "sum(L_i(y_i, f(x_i)), i=1..1000000000)", "sum(L_i(y_i, f(x_i)), i=1..10001)",
    "sum(L_i(y_i, f(x_i)), i=-10000..N)",
])
def test_a_sum_of_too_many_terms_is_refused_when_read(sum_):
    text = RIDGE.replace("sum(L_i(y_i, f(x_i)), i=1..N)", sum_)
    assert text != RIDGE
    refused(text, "more than 10000 terms")


def test_a_huge_sum_in_an_index_form_is_refused_and_check_stops_at_once(tmp_path):
    from test_problem_files import GOOD_INDEX
    text = GOOD_INDEX.replace("A_{ij} B_{ij}\"", "A_{ij} B_{ij} + sum_{m=1}^{1000000000} A_{1,1}\"")
    assert text != GOOD_INDEX
    path = tmp_path / "big.toml"
    path.write_text(text, encoding="utf-8")
    for command in (("lint", path), ("check", path, "B")):
        code, _, err = run(*map(str, command))
        assert code == 2 and "more than 10000 terms" in err and len(err.splitlines()) == 1


def test_sums_over_sizes_nested_are_counted_by_their_terms():
    from derivator.model.reader import LARGEST_SIZE, MAX_TERMS, terms
    import sympy as sp
    i, j, k, N = sp.symbols("i j k N")
    x = sp.IndexedBase("x")
    assert terms(sp.Sum(x[i], (i, 1, N))) == LARGEST_SIZE
    assert terms(sp.Sum(sp.Sum(x[i] * x[j], (j, 1, N)), (i, 1, N - 1))) == \
        LARGEST_SIZE * (LARGEST_SIZE - 1)
    assert terms(sp.Sum(x[i], (i, 1, sp.oo))) > MAX_TERMS
    assert terms(x[i] + 2) == 0


# --- what lint accepts compiles, and stays text ----------------------------------------

HOSTILE_STATEMENTS = [
    "}{", r"\text{ x", "$x", r"$\left( x$", r"\frac{a}{b} outside maths, x^2 and y_i",
    r"$\mathbf{X}$ then \mathbb{R}^{D}", r"Find $\input{/etc/passwd}$.", r"\immediate\write18{ls}",
    r"$\immediate\openout5=x.tex$", r"$x^2^3$", r"$x_1_2$", r"$x'^2'$", r"$a % b$",
    r"$a & b$", r"$\left( x \right.$ and $\right)$", r"$\left\{ \right\}$ ok",
    r"$\big x$", r"$\frac{a}$", r"$\sqrt[3]{x}$", r"$\text{a^b}$", r"$\text{$x$}$", "$$x$$",
    r"$\mathbf{X}^{\top}$ and $\sum_{i=1}^{N}$", r"$x^$", r"$x_{}$", r"$\bm{x}$ $\tr(A)$",
    "$a\n\nb$", r"\\ \\ \\", r"$\\$", r"~ \~ \^ \_ \$ \% \& \#", r"100% & #1", "Ω ∈ ℝ, 한국어",
    r"$\mathbb{R}^{D \times D}$ and $\operatorname{tr}(X)$", r"$\text{tr}(\mathbf{X}^2)$",
    r"$\left( \frac{1}{2} \right)$", r"$\langle w, x \rangle$ \langle", r"$\{$ $\}$",
    r"$}$", r"${$", r"$\frac{1}{2}{$", r"$\mathbf$", r"$\sqrt$", r"$a^\frac{1}{2}$",
    r"$e^{\input{x}}$", r"$\operatorname{\input{x}}$", r"$\text{\input x}$",
]


def test_hostile_statements_run_no_tex_command():
    from derivator.render.standalone import statement_latex
    for statement in HOSTILE_STATEMENTS:
        out = statement_latex(statement)
        for command in ("input", "write18", "openout", "immediate", "bm", "tr"):
            assert not re.search(rf"\\{command}(?![A-Za-z])", out), (statement, out)


def test_the_statement_grammar_keeps_what_compiles_and_only_that():
    from derivator.render.safe_tex import math_is_safe
    kept = [r"\mathbf{X} \in \mathbb{R}^{D \times D}", r"x_i^2", r"x'^2", r"\left( a \right)",
            r"\frac{\partial L}{\partial w}", r"\sum_{i=1}^{N} x_i", r"\text{tr}(A)", r"\{ a \}"]
    dropped = [r"x^2^3", r"x_1_2", r"x^2'", r"\left( x", r"x \right)", r"\frac{a}", r"a & b",
               r"a % b", r"{", r"}", r"x^", r"\big x", r"\text{a^b}", r"\tr", r"\bm{x}",
               "a\n\nb", r"\input{x}", r"\catcode"]
    assert all(math_is_safe(t) for t in kept), [t for t in kept if not math_is_safe(t)]
    assert not any(math_is_safe(t) for t in dropped), [t for t in dropped if math_is_safe(t)]


def _statement_file(statement, title="Ridge regression: the gradient"):
    def basic(s):
        return '"' + "".join({"\\": "\\\\", '"': '\\"', "\n": "\\n"}.get(c, c) for c in s) + '"'
    return RIDGE.replace('title = "Ridge regression: the gradient"',
                         f"title = {basic(title)}\nstatement = {basic(statement)}")


@pytest.mark.skipif(shutil.which("xelatex") is None,
                    reason="xelatex not installed (Debian: texlive-xetex)")
def test_every_hostile_statement_and_title_that_lint_accepts_compiles(tmp_path):
    """One document: each statement and title as the handout prints it (statement_latex,
    latex_text), and a whole standalone derivation of a file with the worst of them."""
    from derivator.render.standalone import latex_text, preamble, statement_latex
    titles = ["a\n\nb", "a\x7fb", "a\x00b", "} { $ & % # ^ _ ~ \\", r"\input{x}", "x\x1b[2J"]
    body = []
    for statement in HOSTILE_STATEMENTS:
        read_problem(_statement_file(statement))            # lint accepts the file
        body += [r"\begin{quote}", statement_latex(statement), r"\end{quote}"]
    body += [r"\section{%s}" % latex_text(t) for t in titles]
    document = preamble("hostile", "en") + "\n".join(body) + "\n\\end{document}\n"
    (tmp_path / "hostile.tex").write_text(document, encoding="utf-8")
    done = subprocess.run(["xelatex", "-interaction=nonstopmode", "-halt-on-error",
                           "-no-shell-escape", "hostile.tex"], cwd=tmp_path,
                          capture_output=True, timeout=300)
    assert done.returncode == 0, done.stdout.decode(errors="replace")[-3000:]
    path = tmp_path / "whole.toml"
    path.write_text(_statement_file(r"}{ $\left( x$ \frac{a}{b} $x", "a } { title"), "utf-8")
    code, out, err = run("show", str(path), "--format", "latex", "--standalone")
    assert code == 0, err
    (tmp_path / "whole.tex").write_text(out, encoding="utf-8")
    done = subprocess.run(["xelatex", "-interaction=nonstopmode", "-halt-on-error",
                           "-no-shell-escape", "whole.tex"], cwd=tmp_path,
                          capture_output=True, timeout=300)
    assert done.returncode == 0, done.stdout.decode(errors="replace")[-3000:]


def test_mathml_escapes_what_sympy_writes_raw():
    import sympy as sp
    from derivator.render.mathml import equation
    page = equation(None, sp.Function("<img src=x onerror=alert(1)>")(sp.Symbol("a&b")))
    assert "<img" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "a&amp;b" in page


def test_the_page_of_a_file_holds_no_markup_of_the_file(tmp_path):
    path = tmp_path / "page.toml"
    path.write_text(_statement_file("<script>alert(1)</script> $x < y$",
                                    "<img src=x onerror=alert(1)>"), encoding="utf-8")
    code, out, err = run("show", str(path), "--format", "html")
    assert code == 0, err
    assert "<script" not in out and "<img" not in out and "&lt;img" in out


def test_a_caption_in_a_latex_comment_stays_in_the_comment():
    from derivator.render.documents import _comment
    assert "\n" not in _comment("a\n\\input{x}\r\nb")


@pytest.mark.parametrize("change", [
    ('title = "Ridge regression: the gradient"', "title.en = 1"),
    ('title = "Ridge regression: the gradient"', 'title.en = "a"\ntitle.ko = [1]'),
    ("strategy =", "notes = 1\nstrategy ="), ("strategy =", "notes.en = [1]\nstrategy ="),
    ("strategy =", 'notes.en.x = "a"\nstrategy ='), ("strategy =", "statement = 1\nstrategy ="),
    ("strategy =", "statement = {a = 1}\nstrategy ="), ('target = "L"', "target = 1"),
    ('params = ["x"]', "params = [1]"), ('count = "N"', "count = 5"),
])
def test_a_value_of_the_wrong_type_is_one_line_in_every_command(tmp_path, change):
    path = tmp_path / "typed.toml"
    assert change[0] in RIDGE
    path.write_text(RIDGE.replace(*change, 1), encoding="utf-8")
    for command in (("lint",), ("show", "--format", "latex", "--standalone"),
                    ("show", "--format", "html"), ("show", "--format", "markdown")):
        code, _, err = run(command[0], str(path), *command[1:])
        assert code == 2 and "Traceback" not in err and len(err.splitlines()) == 1, err


def test_markdown_carries_no_html_of_the_file(tmp_path):
    path = tmp_path / "md.toml"
    path.write_text(_statement_file("<img src=x onerror=alert(1)> $a<b$ &amp;",
                                    "<script>alert(1)</script>"), encoding="utf-8")
    code, out, err = run("show", str(path), "--format", "markdown")
    assert code == 0, err
    assert "<img" not in out and "<script" not in out and "<b" not in out
    assert "&lt;img" in out and "$a< b$" in out and "&amp;amp;" in out


@pytest.mark.parametrize("bounds", ["i=1..500", "i=1..N-1", "i=2..N", "i=0..N"])
def test_a_sum_over_the_samples_runs_over_every_sample(tmp_path, bounds):
    """With N = 5 rows, Σ_{i=1}^{500} was checked as Σ_{i=1}^{N}: a wrong loss accepted."""
    text = RIDGE.replace("i=1..N)", f"{bounds})")
    assert text != RIDGE
    refused(text, "it must run over every sample, i=1..N")


def test_sums_too_large_at_the_declared_check_sizes_are_refused():
    """tr(A⁴) as four sums over N: 625 terms at N = 5 (lint takes about 30 s), 4096 at
    N = 8 (minutes); within the read limit, but every step is verified at those sizes."""
    index = ("sum_{i=1}^{N} sum_{j=1}^{N} sum_{m=1}^{N} sum_{n=1}^{N} "
             "A_{ij} A_{jm} A_{mn} A_{ni}")
    text = (f'strategy = "index"\n\n[names]\nA = {{ kind = "matrix", shape = ["N", "N"] }}\n'
            f'N = {{ kind = "size", check = [2, 8] }}\n\n[function]\nname = "F"\n'
            f'matrix = "tr(A^4)"\nindex = "{index}"\n\n[derive]\nwrt = "A"\nentry = ["k", "l"]\n')
    assert refused(text, f"expand to {8 ** 4} terms").startswith("p.toml:10:")
    read_problem(text.replace("check = [2, 8]", "check = [2, 5]"), "p.toml")


def test_a_number_longer_than_python_reads_is_one_line_with_its_line():
    """tomllib raises a bare ValueError for an integer of more than 4300 digits."""
    text = RIDGE.replace('title = "Ridge', 'points = ' + "9" * 5000 + '\ntitle = "Ridge', 1)
    line = text[:text.index("9" * 5000)].count("\n") + 1
    assert refused(text, "more digits than Python reads").startswith(f"p.toml:{line}:")


@pytest.mark.parametrize("special", ["fifo", "/dev/zero"])
def test_a_file_that_is_not_a_regular_file_is_refused_without_reading_it(tmp_path, special):
    """A FIFO blocks on open and /dev/zero never ends: both are refused from their stat."""
    import os
    path = special
    if special == "fifo":
        if not hasattr(os, "mkfifo"):
            pytest.skip("no FIFOs on this system")
        path = str(tmp_path / "fifo.toml")
        os.mkfifo(path)
    code, _, err = run("lint", path)
    assert code == 2 and "not a regular file" in err and "Traceback" not in err, err
