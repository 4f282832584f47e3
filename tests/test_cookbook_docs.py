"""Every complete example of docs/problem-files.md (a ```toml block with a strategy) lints
clean: it loads, derives and every step verifies (issue 20)."""
import re
from pathlib import Path

import pytest

from derivator.model.problemfile import lint

DOC = Path(__file__).parent.parent / "docs" / "problem-files.md"
BLOCKS = [b for b in re.findall(r"```toml\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
          if re.search(r"^strategy = ", b, re.M)]


def test_the_docs_have_complete_examples():
    assert len(BLOCKS) >= 6


@pytest.mark.parametrize("number", range(len(BLOCKS)))
def test_example_lints_clean(number, tmp_path):
    path = tmp_path / f"example{number}.toml"
    path.write_text(BLOCKS[number], encoding="utf-8")
    lines, status = lint(str(path))
    assert status == 0, lines
