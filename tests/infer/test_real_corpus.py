"""infer_schema on real public interaction files (first rows only, values unchanged).

Each file's source repository, commit, dataset, licence and the roles a data scientist would
choose by meaning are in ``data/real/MANIFEST.json`` (see ``data/real/README.md``).
Suggestions follow meaning, fixes follow storage: a text date is still the TIMESTAMP and a float
customer id with NaN is still the USER_ID, so ``to_api()`` must list them (with a fix attached).
"""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from corpus_score import DATA, REQUIRED, evaluate, load_manifest, read_table, wanted

ENTRIES = load_manifest()
LICENCE_FIELDS = ("source_repo", "source_path", "commit", "dataset", "licence", "licence_evidence")


def test_manifest_is_complete() -> None:
    assert len(ENTRIES) >= 15
    files = [e["file"] for e in ENTRIES]
    assert len(set(files)) == len(files)
    for entry in ENTRIES:
        path = DATA / entry["file"]
        assert path.is_file(), path
        data = path.read_bytes()
        assert len(data) < 160_000, path
        # The excerpts are the sources' bytes: any edit (or line-end conversion) shows here.
        assert hashlib.sha256(data).hexdigest() == entry["sha256"], path
        for key in LICENCE_FIELDS:
            assert isinstance(entry[key], str) and entry[key].strip(), (entry["file"], key)
        assert len(entry["commit"]) == 40, entry["file"]
        assert set(entry["expected"]) == set(REQUIRED), entry["file"]
        assert isinstance(entry["left_out"], list), entry["file"]


@pytest.mark.parametrize("entry", ENTRIES, ids=[e["file"] for e in ENTRIES])
def test_file_reads_as_recorded(entry: dict[str, Any]) -> None:
    frame = read_table(entry)
    assert len(frame) >= 100, entry["file"]
    named = [*(c for c in entry["expected"].values() if c is not None), *entry["left_out"]]
    assert set(named) <= set(frame.columns), sorted(set(named) - set(frame.columns))


def _roles_case(entry: dict[str, Any]) -> Any:
    """One file; ``"xfail"`` in its entry names a time format the suggester does not read yet.

    Strict: the day the format is supported the test fails until the mark is removed.
    """
    marks = [pytest.mark.xfail(strict=True, reason=entry["xfail"])] if entry.get("xfail") else []
    return pytest.param(entry, id=entry["file"], marks=marks)


@pytest.mark.parametrize("entry", [_roles_case(e) for e in ENTRIES])
def test_expected_roles(entry: dict[str, Any]) -> None:
    outcome = evaluate(entry)
    assert not outcome.error, outcome.error
    for role in REQUIRED:
        got = outcome.got.get(role, [])
        assert got == wanted(entry["expected"][role]), (role, outcome.why, outcome.summary)
    assert not outcome.leaked, (outcome.leaked, outcome.why, outcome.summary)
