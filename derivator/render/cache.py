"""A disk cache for what `show` prints, so that showing a derivation costs less than
importing SymPy: the derivation is computed once per version of the code, and later runs
only read the lines back.

The key covers the package's own source files (path, size, mtime), the SymPy and rich
versions and the request; any change computes afresh. Failing to read or write the
cache is never an error. DERIVATOR_CACHE_DIR moves it; DERIVATOR_CACHE_DIR=off disables it.
"""
import hashlib
import json
import os
import tempfile
from importlib import metadata
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent


def _directory():
    configured = os.environ.get("DERIVATOR_CACHE_DIR")
    if configured == "off":
        return None
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "derivator"


def _sources():
    """The package's code and the problem files (inside the package when installed,
    beside it in a source checkout)."""
    yield from PACKAGE.rglob("*.py")
    for folder in (PACKAGE / "problems", PACKAGE.parent / "problems"):
        if folder.is_dir():
            yield from folder.glob("*.toml")


def _fingerprint():
    parts = []
    for path in sorted(_sources()):
        stat = path.stat()
        parts.append(f"{path}:{stat.st_size}:{stat.st_mtime_ns}")
    for dist in ("sympy", "rich"):
        try:
            parts.append(f"{dist}={metadata.version(dist)}")
        except metadata.PackageNotFoundError:
            parts.append(f"{dist}=?")
    return "\n".join(parts)


def cached(request, compute):
    """compute() -> JSON-able value, read from / written to the cache under `request`."""
    directory = _directory()
    if directory is None:
        return compute()
    key = hashlib.sha256((_fingerprint() + "\n" + json.dumps(request)).encode()).hexdigest()
    path = directory / f"{key[:32]}.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        pass
    value = compute()
    try:
        directory.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", dir=directory, delete=False, suffix=".tmp",
                                         encoding="utf-8") as tmp:
            json.dump(value, tmp, ensure_ascii=False)
        os.replace(tmp.name, path)
    except OSError:
        pass
    return value
