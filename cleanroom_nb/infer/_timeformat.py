"""Find the one format a column of text times is written in, and read it with pandas or Athena.

A format is a ``strftime`` pattern such as ``"%m/%d/%Y %H:%M"`` built from a date part, a time
part and a time-zone part; :func:`detect_time_format` tries the patterns that fit the first
values and keeps the one that parses at least 99% of the sample. The same pattern gives the
pandas call (``pandas.to_datetime(format=...)``) and the Athena (Trino) expression
(``date_parse`` with MySQL-style specifiers, or ``from_iso8601_timestamp`` for offsets), so
both engines read the text alike.
"""

from __future__ import annotations

import functools
import itertools
import re
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

MIN_PARSED = 0.99
"""Share of the non-null sample a format must parse."""
PROBE_VALUES = 8
"""Distinct values whose shape proposes candidate formats."""

_DATES = (
    "%Y-%m-%d",
    "%Y/%m/%d",
    "%m/%d/%Y",
    "%d/%m/%Y",
    "%m/%d/%y",
    "%d/%m/%y",
    "%d.%m.%Y",
    "%m-%d-%Y",
    "%d-%m-%Y",
    "%d %b %Y",
    "%d-%b-%Y",
    "%b %d, %Y",
    "%b %d %Y",
    "%d %B %Y",
    "%B %d, %Y",
    "%a, %d %b %Y",
    "%a %b %d",
)
_TIMES = (
    "",
    " %H:%M",
    " %H:%M:%S",
    " %H:%M:%S.%f",
    "T%H:%M",
    "T%H:%M:%S",
    "T%H:%M:%S.%f",
    " %I:%M %p",
    " %I:%M:%S %p",
    " %I:%M%p",
)
_ZONES = ("", "Z", " UTC", " GMT", "%z", " %z", " %z %Y")

_REGEX = {
    "%Y": r"\d{4}",
    "%y": r"\d{2}",
    "%m": r"\d{1,2}",
    "%d": r"\d{1,2}",
    "%H": r"\d{1,2}",
    "%I": r"\d{1,2}",
    "%M": r"\d{2}",
    "%S": r"\d{2}",
    "%f": r"\d{1,9}",
    "%p": r"[AaPp][Mm]",
    "%b": r"[A-Za-z]{3}",
    "%B": r"[A-Za-z]{3,9}",
    "%a": r"[A-Za-z]{3}",
    "%z": r"(?:Z|[+-]\d{2}:?\d{2})",
}
# strftime directive -> Trino date_parse (MySQL-style) specifier; numbers parse 1 or 2 digits.
_SQL = {
    "%Y": "%Y",
    "%y": "%y",
    "%m": "%c",
    "%d": "%e",
    "%H": "%k",
    "%I": "%l",
    "%M": "%i",
    "%S": "%s",
    "%f": "%f",
    "%p": "%p",
    "%b": "%b",
    "%B": "%M",
    "%a": "%a",
}


def _formats() -> tuple[str, ...]:
    out = []
    for date, time, zone in itertools.product(_DATES, _TIMES, _ZONES):
        if date == "%a %b %d" and (zone != " %z %Y" or not time.startswith(" %H")):
            continue  # Twitter style only: "Tue Oct 01 10:00:00 +0000 2019"
        if zone == " %z %Y" and date != "%a %b %d":
            continue
        if time.startswith("T") and not date.startswith("%Y"):
            continue
        if zone and not time:
            continue
        out.append(date + time + zone)
    return tuple(out)


ISO8601 = "ISO8601"
"""Any ISO 8601 date-time with a ``T`` (fractions and offsets may vary from value to value)."""
FORMATS = (*_formats(), ISO8601)
"""Every format the detector tries, in order of preference (month-first before day-first)."""
_ISO_RX = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}(:?\d{2})?)?")


@functools.lru_cache(maxsize=1024)
def _regex(fmt: str) -> re.Pattern[str]:
    if fmt == ISO8601:
        return _ISO_RX
    parts = re.split(r"(%[A-Za-z])", fmt)
    return re.compile("".join(_REGEX.get(p, re.escape(p)) for p in parts if p))


@dataclass(frozen=True)
class TimeFormat:
    """How a column of text holds times.

    Attributes
    ----------
    format
        The ``strftime`` pattern (``"%Y-%m-%d"``, ``"%m/%d/%Y %H:%M"``, ``"%Y-%m-%dT%H:%M:%S.%f%z"``).
    share
        Share of the non-null sample the format parsed.
    offset
        The one UTC offset every sampled value carries (``"+0000"``), or ``""`` when they
        carry none or several.
    example
        A sample value.
    """

    format: str
    share: float
    offset: str = ""
    example: str = ""

    zoned: str = ""
    """For ``ISO8601``: ``"all"``, ``"none"`` or ``"some"`` of the values carry an offset."""

    @property
    def has_zone(self) -> bool:
        """Whether the text carries a UTC offset (else it is read as UTC)."""
        return "%z" in self.format or self.zoned in ("all", "some")

    def describe(self) -> str:
        """The format in words, e.g. ``"format %m/%d/%Y %H:%M, UTC"``."""
        zone = "the offset in the text" if self.has_zone else "UTC"
        if " UTC" in self.format or self.format.endswith("Z"):
            zone = "UTC"
        return f"format {self.format}, {zone}"


def _text_values(values: pd.Series) -> pd.Series:
    s = values.dropna()
    if not len(s):
        return s
    return s.astype("str").str.strip()


def detect_time_format(values: pd.Series, *, min_parsed: float = MIN_PARSED) -> TimeFormat | None:
    """The format that parses at least ``min_parsed`` of the non-null text values, or None.

    Examples
    --------
    >>> import pandas as pd
    >>> detect_time_format(pd.Series(["12/1/2010 8:26", "12/13/2010 17:02"])).format
    '%m/%d/%Y %H:%M'
    >>> detect_time_format(pd.Series(["2019-10-01 00:00:00 UTC"])).format
    '%Y-%m-%d %H:%M:%S UTC'
    >>> detect_time_format(pd.Series(["hello", "world"])) is None
    True
    """
    text = _text_values(values)
    if not len(text):
        return None
    probes = [
        v
        for v in dict.fromkeys(text.iloc[:200].tolist())
        if len(v) <= 48 and any(ch.isdigit() for ch in v)
    ][:PROBE_VALUES]
    if not probes:
        return None
    candidates: list[str] = []
    for fmt in FORMATS:
        rx = _regex(fmt)
        if sum(1 for v in probes if rx.fullmatch(v)) * 2 >= len(probes):
            candidates.append(fmt)
    if len(candidates) > 1 and len(text) > 200:
        head = text.iloc[:200]
        candidates = [f for f in candidates if _parsed_share(head, f) >= min_parsed - 0.05]
    best: TimeFormat | None = None
    for fmt in candidates:
        share = _parsed_share(text, fmt)
        if share >= min_parsed and (best is None or share > best.share + 1e-12):
            best = TimeFormat(
                fmt, share, _single_offset(text, fmt), str(text.iloc[0]), _zoned(text, fmt)
            )
        if best is not None and best.share >= 1.0:
            break
    return best


def _parsed_share(text: pd.Series, fmt: str) -> float:
    parsed = _to_datetime(text, fmt)
    return float(parsed.notna().mean())


def _to_datetime(text: pd.Series, fmt: str) -> pd.Series:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return pd.to_datetime(text, format=fmt, errors="coerce", utc=True, cache=True)


def _zoned(text: pd.Series, fmt: str) -> str:
    if fmt != ISO8601:
        return ""
    has = text.iloc[:2000].str.contains(r"(?:Z|[+-]\d{2}(?::?\d{2})?)$", regex=True)
    return "all" if has.all() else "none" if not has.any() else "some"


def _single_offset(text: pd.Series, fmt: str) -> str:
    if "%z" not in fmt:
        return ""
    found = text.iloc[:2000].str.extract(r"(Z|[+-]\d{2}:?\d{2})(?:\s+\d{4})?$")[0]
    kinds = set(found.dropna())
    return kinds.pop() if len(kinds) == 1 else ""


def parse_times(values: pd.Series, fmt: str) -> pd.Series:
    """Text in ``fmt`` to int64 epoch seconds (floor); unparseable and null values give NA.

    Naive text is read as UTC; text with an offset is converted to UTC.

    Examples
    --------
    >>> import pandas as pd
    >>> parse_times(pd.Series(["12/1/2010 8:26", None, "x"]), "%m/%d/%Y %H:%M").tolist()
    [1291191960, <NA>, <NA>]
    """
    s = values
    if isinstance(s.dtype, pd.CategoricalDtype):
        s = s.astype(s.dtype.categories.dtype)
    text = s.astype("str").str.strip().where(s.notna())
    fast = _arrow_seconds(text, fmt)
    if fast is not None:
        secs, isna = fast
    else:
        secs, isna = _pandas_seconds(text, fmt)
    out = pd.Series(secs, index=values.index, name=values.name).astype("Int64")
    if isna.any():
        out = out.mask(pd.Series(isna, index=values.index))
    return out


def _pandas_seconds(text: pd.Series, fmt: str) -> tuple[np.ndarray, np.ndarray]:
    parsed = _to_datetime(text, fmt)
    ns = parsed.dt.tz_convert("UTC").dt.tz_localize(None).astype("datetime64[ns]")
    isna = np.asarray(ns.isna(), dtype=bool)
    secs = np.floor_divide(ns.to_numpy().astype("int64"), 1_000_000_000)
    return secs, isna


_ARROW_DIRECTIVES = frozenset({"%Y", "%m", "%d", "%H", "%M", "%S", "%b", "%B", "%I", "%p"})


def _arrow_seconds(text: pd.Series, fmt: str) -> tuple[np.ndarray, np.ndarray] | None:
    """Arrow's C++ ``strptime`` (fast), checked against pandas where the two can differ.

    Arrow rolls impossible dates over (February 30 becomes March 2) where pandas and Athena
    refuse them, so every value that lands on day 1-3 or before year 1000, and every value
    Arrow cannot read, is read again by pandas.
    """
    if fmt == ISO8601 or not set(re.findall(r"%[A-Za-z]", fmt)) <= _ARROW_DIRECTIVES:
        return None
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        arr = pa.array(text, type=pa.string(), from_pandas=True)
        stamps = pc.strptime(arr, format=fmt, unit="s", error_is_null=True)
    except (pa.ArrowException, TypeError, ValueError):
        return None
    secs = np.array(stamps.cast(pa.int64()).fill_null(0).to_numpy(), dtype="int64")
    missing = np.array(stamps.is_null().to_numpy(zero_copy_only=False), dtype=bool)
    day = np.asarray(pc.day(stamps).fill_null(0).to_numpy(), dtype="int64")
    year = np.asarray(pc.year(stamps).fill_null(0).to_numpy(), dtype="int64")
    present = np.asarray(text.notna(), dtype=bool)
    again = present & (missing | (day <= 3) | (year < 1000))
    isna = missing & ~again
    if again.any():
        idx = np.flatnonzero(again)
        redo, redo_na = _pandas_seconds(text.iloc[idx], fmt)
        secs[idx] = redo
        isna[idx] = redo_na
    return secs, isna


def sql_parse_times(column_sql: str, tf: TimeFormat) -> str:
    """The Athena (Trino) expression that reads ``column_sql`` in format ``tf`` as epoch seconds.

    The result is BIGINT; values that do not parse give NULL (``try``).

    Examples
    --------
    >>> sql_parse_times('"d"', TimeFormat("%m/%d/%Y %H:%M", 1.0))
    'CAST(floor(to_unixtime(try(date_parse(trim("d"), \\'%c/%e/%Y %k:%i\\')))) AS BIGINT)'
    """
    fmt = tf.format
    value = f"trim({column_sql})"
    if fmt == ISO8601:
        text = f"concat({value}, 'Z')" if tf.zoned == "none" else value
        return f"CAST(floor(to_unixtime(try(from_iso8601_timestamp({text})))) AS BIGINT)"
    if "%z" not in fmt:
        parsed = f"try(date_parse({value}, {_quote(_to_mysql(fmt))}))"
        return f"CAST(floor(to_unixtime({parsed})) AS BIGINT)"
    iso = fmt.startswith("%Y-%m-%d") and fmt.endswith("%z") and not fmt.endswith(" %z")
    if iso:
        text = value if "T" in fmt else f"replace({value}, ' ', 'T')"
        return f"CAST(floor(to_unixtime(try(from_iso8601_timestamp({text})))) AS BIGINT)"
    if not tf.offset:  # offsets that vary (e.g. -0500/-0400 across DST): Joda's Z reads each
        parsed = f"try(parse_datetime({value}, {_quote(_to_joda(fmt))}))"
        return f"CAST(floor(to_unixtime({parsed})) AS BIGINT)"
    # One offset, written one way, in the whole sample: read it as literal text and shift by it.
    literal = _to_mysql(fmt.replace("%z", "\0")).replace("\0", tf.offset.replace("%", "%%"))
    shift = _offset_seconds(tf.offset)
    tail = f" - {shift}" if shift > 0 else f" + {-shift}" if shift < 0 else ""
    parsed = f"try(date_parse({value}, {_quote(literal)}))"
    return f"CAST(floor(to_unixtime({parsed})){tail} AS BIGINT)"


def _offset_seconds(offset: str) -> int:
    if offset == "Z":
        return 0
    sign = -1 if offset.startswith("-") else 1
    digits = offset.lstrip("+-").replace(":", "")
    return sign * (int(digits[:2]) * 3600 + int(digits[2:4] or 0) * 60)


def _to_mysql(fmt: str) -> str:
    parts = re.split(r"(%[A-Za-z])", fmt)
    return "".join(_SQL.get(p, p) for p in parts if p)


_JODA = {
    "%Y": "yyyy",
    "%y": "yy",
    "%m": "MM",
    "%d": "dd",
    "%H": "HH",
    "%I": "hh",
    "%M": "mm",
    "%S": "ss",
    "%f": "SSSSSS",
    "%p": "a",
    "%b": "MMM",
    "%B": "MMMM",
    "%a": "EEE",
    "%z": "Z",
}


def _to_joda(fmt: str) -> str:
    """A strftime pattern as a Joda-Time pattern (Trino's ``parse_datetime``); text is quoted.

    Examples
    --------
    >>> _to_joda("%a, %d %b %Y %H:%M:%S %z")
    "EEE', 'dd' 'MMM' 'yyyy' 'HH':'mm':'ss' 'Z"
    """
    out = []
    for part in re.split(r"(%[A-Za-z])", fmt):
        if part in _JODA:
            out.append(_JODA[part])
        elif part:
            out.append("'" + part.replace("'", "''") + "'")
    return "".join(out)


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
