"""Score ``infer_schema`` on the corpus of real public interaction files.

The files, their sources, licences, how to read them and the roles a data scientist would
choose are in ``data/real/MANIFEST.json``.  Run as a script to print, per file, which of the
three required roles came out right, and the overall score::

    python tests/infer/corpus_score.py

The score is "exact roles over tables": a table counts when ``schema.to_api()`` maps exactly
the expected column to each of USER_ID, ITEM_ID and TIMESTAMP and lists none of the columns
that must be left out.  An expected ``null`` means the table has no such column: the role must
then be absent from ``to_api()`` (never a guess).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

import cleanroom_nb as crn

DATA = Path(__file__).parent / "data" / "real"
MANIFEST = DATA / "MANIFEST.json"
REQUIRED = ("USER_ID", "ITEM_ID", "TIMESTAMP")


def read_json_records(path: Path, *, record_path: str, meta: list[str | list[str]]) -> pd.DataFrame:
    """Flatten nested JSON lines the way a notebook would: ``pd.json_normalize``.

    One object a line; each object's ``record_path`` list becomes rows and the ``meta``
    fields are repeated on them (``pd.json_normalize`` leaves those as ``object`` columns).
    """
    with path.open(encoding="utf-8") as lines:
        records = [json.loads(line) for line in lines if line.strip()]
    return pd.json_normalize(records, record_path=record_path, meta=meta)


READERS: dict[str, Callable[..., Any]] = {
    "read_csv": pd.read_csv,
    "read_xml": pd.read_xml,
    "read_json": pd.read_json,
    "json_normalize": read_json_records,
}


def load_manifest() -> list[dict[str, Any]]:
    """The manifest entries, in file order."""
    entries: list[dict[str, Any]] = json.loads(MANIFEST.read_text(encoding="utf-8"))
    return entries


def read_table(entry: dict[str, Any]) -> pd.DataFrame:
    """Read one corpus file with pandas exactly as its manifest entry says."""
    options = dict(entry["read"])
    reader = READERS[options.pop("reader", "read_csv")]
    frame: pd.DataFrame = reader(DATA / entry["file"], **options)
    return frame


@dataclass
class Outcome:
    """How the suggestion for one file compares with the expected roles."""

    file: str
    expected: dict[str, str | None]
    got: dict[str, list[str]]
    leaked: list[str] = field(default_factory=list)
    error: str = ""
    why: dict[str, str] = field(default_factory=dict)
    """For each expected column: the role it got and the suggester's reason."""
    summary: str = ""
    """The schema as text, for assertion messages."""

    @property
    def matched(self) -> dict[str, bool]:
        """Per required role: exactly the expected column and nothing else."""
        return {role: self.got.get(role, []) == wanted(self.expected[role]) for role in REQUIRED}

    @property
    def exact(self) -> bool:
        """All three roles exact and no left-out column in the request."""
        return not self.error and all(self.matched.values()) and not self.leaked


def wanted(column: str | None) -> list[str]:
    """The columns ``to_api()`` must list for a role: the expected one, or none."""
    return [] if column is None else [column]


HEAD_ROWS = 2_000
"""Rows of each invariance view: at most this many, and at most half the file."""


def _time_key(values: pd.Series) -> pd.Series:
    """A sortable key for a time column: numbers as they are, text parsed as dates.

    Text that pandas cannot read as dates (under 90% parsed) is sorted as text.
    """
    if pd.api.types.is_numeric_dtype(values):
        return values
    parsed = pd.to_datetime(values, errors="coerce", format="mixed", utc=True)
    if parsed.notna().mean() >= 0.9:
        return parsed
    return values.astype("string")


def views(entry: dict[str, Any], frame: pd.DataFrame | None = None) -> dict[str, pd.DataFrame]:
    """The file as three samples of one table (deterministic).

    ``uniform``: rows at random positions (seed 0) in file order; ``sorted_by_user`` and
    ``sorted_by_time``: the head after a stable sort by the expected user / time column (the
    view is left out when the table has no such column). Each holds ``HEAD_ROWS`` rows or half
    the file, whichever is fewer.
    """
    frame = read_table(entry) if frame is None else frame
    rows = max(1, min(HEAD_ROWS, len(frame) // 2))
    out = {"uniform": frame.sample(n=rows, random_state=0).sort_index()}
    user, time_col = entry["expected"]["USER_ID"], entry["expected"]["TIMESTAMP"]
    if user is not None:
        out["sorted_by_user"] = frame.sort_values(user, kind="stable").head(rows)
    if time_col is not None:
        key = _time_key(frame[time_col]).reset_index(drop=True)
        order = key.sort_values(kind="stable").index
        out["sorted_by_time"] = frame.iloc[order].head(rows)
    return out


def evaluate(entry: dict[str, Any], frame: pd.DataFrame | None = None) -> Outcome:
    """Run ``infer_schema`` on one file (or a view of it) and compare ``to_api()``."""
    expected = entry["expected"]
    try:
        schema = crn.infer_schema(read_table(entry) if frame is None else frame)
    except Exception as exc:  # the scorer reports every failure; the tests raise
        return Outcome(entry["file"], expected, {}, error=f"{type(exc).__name__}: {exc}")
    by_api_name = {schema.api_name(c): c.name for c in schema.columns}
    got: dict[str, list[str]] = {}
    for item in schema.to_api():
        for role in item["columnTypes"]:
            got.setdefault(role, []).append(by_api_name.get(item["columnName"], item["columnName"]))
    listed = {by_api_name.get(item["columnName"], item["columnName"]) for item in schema.to_api()}
    leaked = [name for name in entry["left_out"] if name in listed]
    why = {}
    for name in [*(c for c in expected.values() if c is not None), *leaked]:
        column = schema.column(name)
        why[name] = f"{column.role} ({column.glue_type}): {column.reason}"
    return Outcome(entry["file"], expected, got, leaked, why=why, summary=str(schema))


def corpus_score(
    entries: list[dict[str, Any]] | None = None, *, out: Any = None
) -> tuple[int, int]:
    """Print the per-file result and return ``(exact tables, tables)``."""
    out = out or sys.stdout
    entries = load_manifest() if entries is None else entries
    exact = 0
    roles_right = 0
    for entry in entries:
        outcome = evaluate(entry)
        exact += outcome.exact
        roles_right += sum(outcome.matched.values())
        mark = "OK  " if outcome.exact else "MISS"
        print(f"{mark} {outcome.file}", file=out)
        if outcome.error:
            print(f"     error: {outcome.error}", file=out)
        for role in REQUIRED:
            want = outcome.expected[role]
            have = outcome.got.get(role, [])
            sign = "ok" if outcome.matched[role] else "--"
            print(f"     {sign} {role:<9} expected {want!r:<28} got {have}", file=out)
            if not outcome.matched[role] and want in outcome.why:
                print(f"        {want!r} is {outcome.why[want]}", file=out)
        if outcome.leaked:
            print(f"     -- left-out columns in to_api(): {outcome.leaked}", file=out)
            for name in outcome.leaked:
                print(f"        {name!r} is {outcome.why[name]}", file=out)
    total = len(entries)
    print(f"required roles right: {roles_right}/{3 * total}", file=out)
    print(f"exact roles over tables: {exact}/{total}", file=out)
    return exact, total


if __name__ == "__main__":
    corpus_score()
