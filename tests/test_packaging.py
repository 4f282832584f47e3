"""What `pip install .` installs: every subpackage, the data and the problem files."""
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_every_subpackage_is_installed():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    listed = set(config["packages"])
    found = {".".join(p.parent.relative_to(ROOT).parts)
             for p in (ROOT / "derivator").rglob("__init__.py")}
    assert found <= listed, f"not installed: {sorted(found - listed)}"
    assert config["package-dir"]["derivator.problems"] == "problems"
    assert "*.toml" in config["package-data"]["derivator.problems"]
    assert (ROOT / "problems" / "__init__.py").exists()
