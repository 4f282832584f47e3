"""The command line as a student uses it, including every kind of bad input."""
import io
import json
import os
import subprocess
import sys

import pytest

from derivator.cli import main

KOREAN_CAPTIONS = ["편미분 기호는 안으로 들어갈 수 있다", "편미분 기호를 괄호 안으로 집어넣는다",
                   "사실상 상수이므로 편미분 기호 밖으로 뺄 수 있다", "로그 함수의 미분, 합성 함수의 미분을 응용",
                   "몫의 미분법의 응용", "앞에다가 +1, 뒤에다가 -1", "공식을 두 개로 나눈다",
                   "괄호를 전부 풀어주면", "매우 간결하게 정리", "를 제외한 나머지는 상수"]


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    old = sys.stderr
    sys.stderr = err
    try:
        try:
            code = main(list(args), out=out)
        except SystemExit as stop:        # argparse's own errors
            code = stop.code
    finally:
        sys.stderr = old
    return code, out.getvalue(), err.getvalue()


def test_list_names_every_derivation():
    code, out, _ = run("list")
    assert code == 0
    from derivator.model.problemset import all_problems
    names = [line.split()[0] for line in out.splitlines()]
    assert names == ["bce", "sigmoid", "mse", "bce-mle", "logistic-pm1"] + list(all_problems())


@pytest.mark.parametrize("fmt", ["rich", "text", "latex", "markdown", "json"])
@pytest.mark.parametrize("name", ["bce", "sigmoid", "mse"])
def test_show_every_format(name, fmt):
    code, out, err = run("show", name, "--format", fmt)
    assert code == 0 and not err and out.strip()


def test_show_bce_wrt_b_differs_where_the_mathematics_does():
    _, w_out, _ = run("show", "bce", "--format", "json")
    _, b_out, _ = run("show", "bce", "--wrt", "b", "--format", "json")
    w_steps, b_steps = json.loads(w_out)["steps"], json.loads(b_out)["steps"]
    assert [s["rule"] for s in w_steps] == [s["rule"] for s in b_steps]
    d8w = next(s for s in w_steps if s["id"] == "D8")
    d8b = next(s for s in b_steps if s["id"] == "D8")
    assert d8w["text"] == "(h(x) - y) x" and d8b["text"] == "h(x) - y"


def test_korean_uses_the_lecture_captions():
    code, out, _ = run("show", "bce", "--lang", "ko", "--format", "text")
    assert code == 0
    for caption in KOREAN_CAPTIONS:
        assert caption in out


@pytest.mark.parametrize("args,expected", [
    (["show", "nope"], "unknown derivation 'nope'; known: bce, sigmoid, mse, p1a"),
    (["show", "bce", "--wrt", "q"], "bce has no parameter 'q'; differentiate with respect to w or b"),
    (["show", "bce", "--format", "pdf"], "invalid choice: 'pdf'"),
    (["show", "bce", "--lang", "fr"], "invalid choice: 'fr'"),
    (["show"], "the following arguments are required: NAME"),
    (["frobnicate"], "invalid choice: 'frobnicate'"),
    ([], "the following arguments are required: COMMAND"),
])
def test_bad_input_is_one_clear_line_and_exit_2(args, expected):
    code, out, err = run(*args)
    assert code == 2
    assert expected in err
    assert "Traceback" not in err and len(err.strip().splitlines()) <= 2


def test_piped_output_has_no_colour_codes_and_module_entry_point_works():
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "TERM")}
    proc = subprocess.run([sys.executable, "-m", "derivator", "show", "bce"],
                          capture_output=True, text=True, timeout=120, env=env)
    assert proc.returncode == 0
    assert "\x1b[" not in proc.stdout
    assert "(h(x⁽ⁱ⁾) - y⁽ⁱ⁾) x⁽ⁱ⁾" in proc.stdout
    assert max(len(line) for line in proc.stdout.splitlines()) <= 80


def test_show_reads_back_the_same_lines_from_its_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("DERIVATOR_CACHE_DIR", str(tmp_path / "c"))
    first = run("show", "bce", "--format", "text")
    assert list((tmp_path / "c").glob("*.json"))
    assert run("show", "bce", "--format", "text") == first
    for f in (tmp_path / "c").glob("*.json"):
        f.write_text("{not json")                     # a damaged cache is ignored
    assert run("show", "bce", "--format", "text") == first
    monkeypatch.setenv("DERIVATOR_CACHE_DIR", "off")
    assert run("show", "bce", "--format", "text") == first
