"""Where the fix kinds find the time formats (``TimeFormat`` and its parsers).

The time-format table lives with inference (``cleanroom_nb.infer._timeformat``), which sits
above this stage, so the text-time kind receives it instead of importing it: ``cleanroom_nb.
infer`` hands its module over with :func:`provide_time_formats` when it is imported (always,
through ``import cleanroom_nb``). The kinds call only the stable names of that API.
"""

from __future__ import annotations

from typing import Any, Protocol

import pandas as pd


class TimeFormats(Protocol):
    """The stable time-format API the text-time kind calls."""

    def detect_time_format(self, values: pd.Series) -> Any:
        """The TimeFormat of text values, or None."""

    def parse_times(self, values: pd.Series, fmt: str) -> pd.Series:
        """Text in ``fmt`` to Int64 epoch seconds (NA where it does not parse)."""

    def sql_parse_times(self, column_sql: str, tf: Any) -> str:
        """The Athena expression reading ``column_sql`` in ``tf`` as BIGINT epoch seconds."""


_PROVIDED: list[Any] = []


def provide_time_formats(module: Any) -> None:
    """Hand the time-format API (a module or object with the three functions) to the kinds."""
    _PROVIDED[:] = [module]


def time_formats() -> TimeFormats:
    """The provided time-format API.

    Raises
    ------
    RuntimeError
        When nothing provided it (``cleanroom_nb.infer`` was not imported).
    """
    if not _PROVIDED:  # pragma: no cover - import cleanroom_nb always provides it
        raise RuntimeError("no time formats provided; import cleanroom_nb first")
    return _PROVIDED[0]
