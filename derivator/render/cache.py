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
import time
from importlib import metadata
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent


MAX_ENTRIES = 64          # older entries are removed beyond this many (one per request)


def _directory():
    configured = os.environ.get("DERIVATOR_CACHE_DIR")
    if configured == "off":
        return None
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME")
    if not base:
        try:
            base = Path.home() / ".cache"
        except (RuntimeError, KeyError):       # HOME unset and no password entry: no cache
            return None
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


def cached(request, compute, valid=lambda value: True):
    """compute() -> JSON-able value, read from / written to the cache under `request`.
    A stored value that is not valid(value) (a damaged or planted file) is computed afresh."""
    directory = _directory()
    if directory is None:
        return compute()
    key = hashlib.sha256((_fingerprint() + "\n" + json.dumps(request)).encode()).hexdigest()
    path = directory / f"{key[:32]}.json"
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
        if valid(value):
            return value
    except (OSError, ValueError, RecursionError):      # RecursionError: absurdly nested JSON
        pass
    value = compute()
    _store(directory, path, value)
    return value


def _store(directory, path, value):
    tmp = None
    try:
        directory.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", dir=directory, delete=False, suffix=".tmp",
                                         encoding="utf-8") as tmp:
            json.dump(value, tmp, ensure_ascii=False)
        os.replace(tmp.name, path)
        _evict(directory)
    except OSError:                       # a full disk, a read-only directory: no cache
        if tmp is not None:
            try:
                os.unlink(tmp.name)
            except OSError:
                pass


def _evict(directory):
    """Keep the newest MAX_ENTRIES entries; remove older ones and stray temporary files."""
    entries = sorted(directory.glob("*.json"), key=lambda p: p.stat().st_mtime_ns, reverse=True)
    for old in entries[MAX_ENTRIES:]:
        old.unlink(missing_ok=True)
    for stray in directory.glob("tmp*.tmp"):       # left by a process killed mid-write
        if stray.stat().st_mtime < time.time() - 3600:
            stray.unlink(missing_ok=True)
