"""A training window: the span of time whose interactions an audience model trains on.

CreateAudienceModel takes ``trainingDataStartTime`` and ``trainingDataEndTime``, "the start
[end] date and time of the training window" (API reference); the documents say nothing about
whether the ends are included. :class:`TimeWindow` counts an event when ``start <= t < end``:
if the data meets Clean Rooms ML's minimums that way, it meets them whichever way the service
reads the ends, so the check never passes a window the service could find too small. One
definition serves both paths: :meth:`TimeWindow.mask` for a DataFrame and
:meth:`TimeWindow.sql_condition` for Athena.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from cleanroom_nb import _roles
from cleanroom_nb._errors import InvalidArgumentError

_NUMERIC_GLUE_TYPES = frozenset(
    {"bigint", "int", "integer", "smallint", "tinyint", "double", "float", "real", "long"}
)
EPOCH_MS_ABOVE = 100_000_000_000
"""An epoch number above this (year 5138 in seconds) is in milliseconds or finer, not seconds."""


def epoch_seconds(value: Any, *, what: str = "time") -> float:
    """A point in time as Unix epoch seconds (UTC).

    Accepts a ``datetime`` or ``pandas.Timestamp`` (naive ones are read as UTC, as botocore
    sends them), a ``date`` (midnight UTC), an ISO 8601 string, or a number of epoch seconds.

    Raises
    ------
    ValueError
        The value is none of those, or a number too large to be seconds (milliseconds?).

    Examples
    --------
    >>> epoch_seconds("2024-01-01"), epoch_seconds(dt.date(2024, 1, 1)), epoch_seconds(1.7e9)
    (1704067200.0, 1704067200.0, 1700000000.0)
    >>> epoch_seconds(dt.datetime(2024, 1, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=1))))
    1704067200.0
    """
    if isinstance(value, bool):
        raise InvalidArgumentError(
            f"{what} must be a datetime, a date, an ISO 8601 string or epoch seconds"
        )
    if isinstance(value, int | float | np.integer | np.floating):
        number = float(value)
        if math.isnan(number):
            raise InvalidArgumentError(f"{what} is NaN; give a datetime or epoch seconds")
        if abs(number) > EPOCH_MS_ABOVE:
            raise InvalidArgumentError(
                f"{what} {value!r} is too large for Unix epoch seconds (milliseconds?); divide "
                "it by 1,000 or pass a datetime"
            )
        return number
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        value = dt.datetime(value.year, value.month, value.day)
    try:
        stamp = pd.Timestamp(value)
    except (TypeError, ValueError) as exc:
        raise InvalidArgumentError(
            f"{what} {value!r} is not a time: give a datetime, a date, an ISO 8601 string such "
            "as '2024-01-31T00:00:00Z', or epoch seconds"
        ) from exc
    if stamp is pd.NaT:
        raise InvalidArgumentError(f"{what} is empty (NaT); give a datetime or epoch seconds")
    if stamp.tzinfo is None:
        stamp = stamp.tz_localize("UTC")
    return float(stamp.value) / 1e9


def iso(seconds: float) -> str:
    """Epoch seconds as ISO 8601 UTC, whole seconds unless there is a fraction.

    Examples
    --------
    >>> iso(1704067200), iso(1704067200.25)
    ('2024-01-01T00:00:00Z', '2024-01-01T00:00:00.250000Z')
    """
    spec = "seconds" if float(seconds).is_integer() else "microseconds"
    when = dt.datetime.fromtimestamp(seconds, dt.UTC).isoformat(timespec=spec)
    return when.replace("+00:00", "Z")


@dataclass(frozen=True)
class TimeWindow:
    """Events at or after ``start`` and before ``end``, both in Unix epoch seconds (UTC).

    Examples
    --------
    >>> w = TimeWindow.of("2024-01-01", "2024-02-01")
    >>> str(w), w.days
    ('2024-01-01T00:00:00Z .. 2024-02-01T00:00:00Z', 31.0)
    >>> w.mask(pd.Series([1704067199, 1704067200, 1706745600])).tolist()
    [False, True, False]
    """

    start: float
    end: float

    @classmethod
    def of(cls, start: Any, end: Any) -> TimeWindow:
        """A window from two times of any form :func:`epoch_seconds` reads."""
        return cls(epoch_seconds(start, what="the start"), epoch_seconds(end, what="the end"))

    @property
    def start_time(self) -> dt.datetime:
        """The start as an aware UTC ``datetime`` (what the request sends)."""
        return dt.datetime.fromtimestamp(self.start, dt.UTC)

    @property
    def end_time(self) -> dt.datetime:
        """The end as an aware UTC ``datetime``."""
        return dt.datetime.fromtimestamp(self.end, dt.UTC)

    @property
    def days(self) -> float:
        """Its length in days."""
        return (self.end - self.start) / 86_400

    def __str__(self) -> str:
        return f"{iso(self.start)} .. {iso(self.end)}"

    def sql_condition(self, column_sql: str, glue_type: str) -> str:
        """The SQL (Athena/Trino and DuckDB alike) that keeps the rows inside the window.

        ``column_sql`` is the quoted TIMESTAMP column; ``glue_type`` its Glue type: epoch numbers
        are compared with epoch numbers (an integer column with the whole seconds that give the
        same rows), a ``timestamp`` column with timestamp literals.

        Raises
        ------
        SchemaError
            The column's type holds no comparable time (text, date, ...): fix the column first.

        Examples
        --------
        >>> TimeWindow(100.5, 200).sql_condition('"ts"', "bigint")
        '("ts" >= 101 AND "ts" < 200)'
        >>> print(TimeWindow(0, 86400).sql_condition('"t"', "timestamp"))
        ("t" >= TIMESTAMP '1970-01-01 00:00:00.000' AND "t" < TIMESTAMP '1970-01-02 00:00:00.000')
        """
        kind = _roles.base_glue_type(glue_type.strip().lower())
        if kind in ("bigint", "int", "integer", "smallint", "tinyint", "long"):
            low, high = str(math.ceil(self.start)), str(math.ceil(self.end))
        elif kind in _NUMERIC_GLUE_TYPES:
            low, high = repr(float(self.start)), repr(float(self.end))
        elif kind == "timestamp":
            # Millisecond literals (Glue's precision), rounded inwards: never a row too many.
            low = _timestamp_literal(math.ceil(self.start * 1000))
            high = _timestamp_literal(math.floor(self.end * 1000))
        else:
            from cleanroom_nb._errors import SchemaError

            raise SchemaError(
                f"the TIMESTAMP column has Glue type {glue_type}, which holds no epoch seconds: "
                "the training window cannot be checked. Fix the column first "
                "(cleanroom_nb.fix_glue_table), then check again"
            )
        return f"({column_sql} >= {low} AND {column_sql} < {high})"

    def mask(self, values: pd.Series) -> np.ndarray:
        """Which of ``values`` (epoch numbers or datetimes) lie inside the window.

        Raises
        ------
        SchemaError
            The values are text or another type that holds no time.
        """
        if pd.api.types.is_datetime64_any_dtype(values.dtype):
            tz = getattr(values.dtype, "tz", None)
            low, high = pd.Timestamp(self.start_time), pd.Timestamp(self.end_time)
            if tz is None:
                low, high = low.tz_localize(None), high.tz_localize(None)
            inside = (values >= low) & (values < high)
        elif pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(
            values.dtype
        ):
            inside = (values >= self.start) & (values < self.end)
        else:
            from cleanroom_nb._errors import SchemaError

            raise SchemaError(
                f"the TIMESTAMP column holds {values.dtype} values, not epoch seconds: the "
                "training window cannot be checked. Convert it first "
                "(cleanroom_nb.apply_fixes or cleanroom_nb.to_epoch_seconds)"
            )
        return np.asarray(inside.fillna(False) if hasattr(inside, "fillna") else inside, bool)


def _timestamp_literal(millis: int) -> str:
    when = dt.datetime(1970, 1, 1) + dt.timedelta(milliseconds=millis)
    return f"TIMESTAMP '{when.strftime('%Y-%m-%d %H:%M:%S')}.{when.microsecond // 1000:03d}'"
