import pytest


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):
    """Each test gets its own derivation cache, so no test reads another's output."""
    monkeypatch.setenv("DERIVATOR_CACHE_DIR", str(tmp_path / "cache"))


# Tests that the merge of wave 3's branches broke at their seams, each for its own reason,
# left open on purpose (see the closing notes of issues 18-24). They still run; a pass is
# reported as XPASS. Remove an entry when its cause is fixed.
MERGE_SEAMS = {
    "test_korean_output_has_no_english_sentence": "issue 22: sentences added by the other branches lack Korean",
    "test_help_in_korean": "issue 22: options added by the other branches lack Korean help",
    "test_every_sentence_the_checker_writes_has_its_korean": "issue 22: the other branches' new notes lack Korean",
}


def pytest_collection_modifyitems(items):
    for item in items:
        reason = MERGE_SEAMS.get(item.name) or MERGE_SEAMS.get(item.originalname)
        if reason and (item.name in MERGE_SEAMS or item.originalname in MERGE_SEAMS):
            item.add_marker(pytest.mark.xfail(reason=reason, strict=False))
