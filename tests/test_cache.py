"""The `show` cache: a damaged, planted or unwritable cache never changes what is printed,
never crashes, and never leaves files behind; it stays bounded."""
import io
import json
import os
from pathlib import Path

import pytest

from derivator import cli
from derivator.render import cache, terminal

GOOD = [["title", "t"], ["step", ["A1", "rule", "text"]], ["math", "  a\n  b"]]


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("DERIVATOR_CACHE_DIR", str(tmp_path))
    return tmp_path


def _counting():
    calls = []

    def compute():
        calls.append(1)
        return GOOD
    return calls, compute


def _plant(directory, text):
    [entry] = directory.glob("*.json")
    entry.write_text(text, encoding="utf-8")


@pytest.mark.parametrize("planted", [
    '{"title": "valid JSON, wrong shape"}',
    '[["title", 3]]',
    '[["sneaky", "x"]]',
    '[["step", "abc"]]',
    '[["title", "\\u001b]0;owned\\u0007\\u001b[2J"]]',          # OSC title, screen clear
    '[["step", ["A1", "r", "\\u202egnp.exe"]]]',                 # a bidi override
    "[" * 100_000 + "]" * 100_000,                              # deeper than json can parse
    "not json at all",
])
def test_a_bad_entry_is_computed_afresh(cache_dir, planted):
    calls, compute = _counting()
    assert cache.cached(["req"], compute, valid=terminal.valid_lines) == GOOD
    _plant(cache_dir, planted)
    assert cache.cached(["req"], compute, valid=terminal.valid_lines) == GOOD
    assert len(calls) == 2
    assert cache.cached(["req"], compute, valid=terminal.valid_lines) == GOOD
    assert len(calls) == 2                                        # rewritten, read back


def test_show_never_prints_a_planted_escape_sequence(cache_dir):
    first = io.StringIO()
    assert cli.main(["show", "sigmoid", "--format", "text"], out=first) == 0
    [entry] = cache_dir.glob("*.json")
    lines = json.loads(entry.read_text(encoding="utf-8"))
    lines[0][1] = "\x1b]0;owned\x07\x1b[2J" + lines[0][1]
    entry.write_text(json.dumps(lines), encoding="utf-8")
    second = io.StringIO()
    assert cli.main(["show", "sigmoid", "--format", "text"], out=second) == 0
    assert second.getvalue() == first.getvalue() and "\x1b" not in second.getvalue()


def test_no_home_means_no_cache(monkeypatch):
    monkeypatch.delenv("DERIVATOR_CACHE_DIR", raising=False)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.delenv("HOME", raising=False)

    def no_home():
        raise RuntimeError("Could not determine home directory.")
    monkeypatch.setattr(Path, "home", staticmethod(no_home))
    assert cache._directory() is None
    calls, compute = _counting()
    assert cache.cached(["req"], compute) == GOOD and calls == [1]


def test_a_full_disk_leaves_no_temporary_file(cache_dir, monkeypatch):
    def full(value, fp, **kwargs):
        fp.write("[[")
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(cache.json, "dump", full)
    calls, compute = _counting()
    assert cache.cached(["req"], compute) == GOOD
    assert list(cache_dir.iterdir()) == []


def test_old_entries_are_evicted(cache_dir, monkeypatch):
    monkeypatch.setattr(cache, "MAX_ENTRIES", 3)
    stray = cache_dir / "tmpabc.tmp"
    stray.write_text("[")
    os.utime(stray, (0, 0))                           # a write killed long ago
    for k in range(6):
        cache.cached(["req", k], lambda: GOOD)
    assert len(list(cache_dir.glob("*.json"))) == 3
    assert not stray.exists()


@pytest.mark.parametrize("columns", ["1", "6", "0"])
def test_show_in_a_very_narrow_terminal(cache_dir, monkeypatch, capsys, columns):
    monkeypatch.setenv("COLUMNS", columns)            # rich reads it for the width
    out = io.StringIO()
    assert cli.main(["show", "sigmoid"], out=out) == 0
    shown = out.getvalue()
    assert capsys.readouterr().err == "" and "…" not in shown
    assert max(map(len, shown.splitlines())) <= terminal.MIN_WIDTH
    assert "Quotient rule" in shown and "sigmoid(x) (1 - sigmoid(x))" in " ".join(shown.split())
