"""Rules only the form checks: what the user has not chosen or done yet, and its tag rows."""

from __future__ import annotations

from cleanroom_nb._findings import Finding, FindingCode
from cleanroom_nb._rulebook._registry import rule

SOURCE = "source"
"""The path of findings about the form's data source (the DataFrame or Glue table)."""


@rule(FindingCode.NO_SOURCE)
def no_source(what: str) -> Finding:
    """Nothing to build a request from yet; ``what`` names the source to choose."""
    return Finding("error", SOURCE, FindingCode.NO_SOURCE, f"choose {what} first.")


@rule(FindingCode.BUILD_REQUEST)
def build_request(problem: str) -> Finding:
    """The request could not be built from the form's fields (``problem``: the library's error,
    which names the field and the fix)."""
    return Finding("error", "general", FindingCode.BUILD_REQUEST, problem)


@rule(FindingCode.NOT_REGISTERED)
def not_registered() -> Finding:
    """The DataFrame has no Glue table yet, which the request must name."""
    return Finding(
        "error",
        SOURCE,
        FindingCode.NOT_REGISTERED,
        "the DataFrame is not a Glue table yet: fill in the S3 path, database and "
        "table and press 'Register in Glue' (register_dataframe).",
    )


@rule(FindingCode.TAG_KEY_EMPTY)
def tag_key_empty(row: int) -> Finding:
    """A tag row (numbered from 1) with a value but no key."""
    return Finding(
        "error",
        "tags",
        FindingCode.TAG_KEY_EMPTY,
        f"tag row {row} has a value but no key; type a key or remove the row.",
    )


@rule(FindingCode.TAG_KEY_DUPLICATE)
def tag_key_duplicate(key: str, first_row: int, row: int) -> Finding:
    """A tag key typed in two rows (numbered from 1)."""
    return Finding(
        "error",
        f"tags.{key}",
        FindingCode.TAG_KEY_DUPLICATE,
        f"tag key {key!r} is in rows {first_row} and {row}; keep one row per key.",
    )
