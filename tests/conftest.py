import pytest


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):
    """Each test gets its own derivation cache, so no test reads another's output."""
    monkeypatch.setenv("DERIVATOR_CACHE_DIR", str(tmp_path / "cache"))
