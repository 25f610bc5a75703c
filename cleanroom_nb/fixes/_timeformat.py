"""Find the one format a column of text times is written in, and read it with pandas or Athena.

A format is a ``strftime`` pattern such as ``"%m/%d/%Y %H:%M"`` built from a date part, a time
part and a time-zone part; :func:`detect_time_format` tries the patterns that fit the first
values and keeps the one that parses at least 99% of the sample. The same pattern gives the
pandas call (``pandas.to_datetime(format=...)``) and the Athena (Trino) expression
(``date_parse`` with MySQL-style specifiers, or ``from_iso8601_timestamp`` for offsets), so
both engines read the text alike; the specifiers come from the one table in
:mod:`cleanroom_nb._timetable`.

Compact digit formats (``%Y%m%d``, ``%y%m%d%H``) are read from text or from integers; they are
only a time when the column's name says so (:attr:`TimeFormat.needs_time_name`). Day-first and
month-first dates are told apart by a field above 12; when no value shows one, the month-first
reading is kept and :attr:`TimeFormat.note` says so. Offsets may be written ``+0200``,
``+02:00`` or, as PostgreSQL and Redshift print them, ``+02``; their text output, which drops
zero fractions (``04:06:55`` next to ``04:06:55.25``), is read by the ISO 8601 catch-all.
"""

from __future__ import annotations

import functools
import itertools
import re
import warnings
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from cleanroom_nb._timetable import to_joda, to_mysql
from cleanroom_nb.fixes._normalise import TRIM_CHARACTERS, sql_trimmed

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
    "%d.%m.%y",
    "%m-%d-%Y",
    "%d-%m-%Y",
    "%m-%d-%y",
    "%d-%m-%y",
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
    " %H",
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

_OFFSET = r"(?:Z|[+-]\d{2}(?::?\d{2})?)"
"""A UTC offset as text: ``Z``, ``+0200``, ``+02:00`` or, as PostgreSQL and Redshift print it, ``+02``."""

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
    "%z": _OFFSET,
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
        if time == " %H" and (zone or not date.startswith("%Y")):
            continue  # hour strings: "2014-12-06 02"
        out.append(date + time + zone)
    return tuple(out)


COMPACT_FORMATS = ("%Y%m%d", "%y%m%d%H")
"""Digits only (``20240131``, ``14102100``): text or integers, a time only by the column's name."""
_COMPACT_RX = {
    "%Y%m%d": re.compile(r"(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])"),
    "%y%m%d%H": re.compile(r"\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])(?:[01]\d|2[0-3])"),
}
_COMPACT_RANGES = {"%Y%m%d": (19_000_101, 21_001_231), "%y%m%d%H": (10_100, 99_123_123)}


ISO8601 = "ISO8601"
"""Any ISO 8601 date-time with a ``T`` or a space (fractions and offsets may vary from value to
value, as in PostgreSQL's and Redshift's text output: ``2019-04-21 04:06:55.25+00``)."""
FORMATS = (*_formats(), *COMPACT_FORMATS, ISO8601)
"""Every format the detector tries, in order of preference (month-first before day-first)."""
_ISO_RX = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?" + _OFFSET + "?")


@functools.lru_cache(maxsize=1024)
def _regex(fmt: str) -> re.Pattern[str]:
    if fmt == ISO8601:
        return _ISO_RX
    if fmt in _COMPACT_RX:
        return _COMPACT_RX[fmt]
    parts = re.split(r"(%[A-Za-z])", fmt)
    return re.compile("".join(_REGEX.get(p, re.escape(p)) for p in parts if p))


@dataclass(frozen=True)
class TimeFormat:
    """How a column holds times as text (or as digits in an integer).

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
    integer: bool = False
    """The values are stored as integers (``20240131``); read as their zero-padded digits."""
    note: str = ""
    """What the sample could not tell (day-first or month-first), and how to override it."""

    @property
    def has_zone(self) -> bool:
        """Whether the text carries a UTC offset (else it is read as UTC)."""
        return "%z" in self.format or self.zoned in ("all", "some")

    @property
    def needs_time_name(self) -> bool:
        """Digits only (``%Y%m%d``, ``%y%m%d%H``): a time only when the column's name says so."""
        return self.format in COMPACT_FORMATS

    def describe(self) -> str:
        """The format in words, e.g. ``"format %m/%d/%Y %H:%M, UTC"``.

        Examples
        --------
        >>> TimeFormat("%Y%m%d", 1.0, integer=True).describe()
        'format %Y%m%d (integers), UTC'
        """
        zone = "the offset in the text" if self.has_zone else "UTC"
        if " UTC" in self.format or self.format.endswith("Z"):
            zone = "UTC"
        stored = " (integers)" if self.integer else ""
        note = f"; {self.note}" if self.note else ""
        return f"format {self.format}{stored}, {zone}{note}"


def _is_number(values: pd.Series) -> bool:
    dtype = values.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        dtype = dtype.categories.dtype
    return pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype)


def _as_text(values: pd.Series) -> tuple[pd.Series, bool]:
    """Values as trimmed text (NA where null or not a whole number), and whether they were
    numbers (whole numbers are written as their digits: ``20240131.0`` -> ``"20240131"``)."""
    s = values
    if isinstance(s.dtype, pd.CategoricalDtype):
        s = s.astype(s.dtype.categories.dtype)
    if _is_number(s):
        num = pd.to_numeric(s, errors="coerce")
        if pd.api.types.is_float_dtype(num.dtype):
            num = num.where((num % 1 == 0) & (num.abs() < 1e18)).astype("Int64")
        return num.astype("str").where(num.notna()), True
    return s.astype("str").str.strip(TRIM_CHARACTERS).where(s.notna()), False


_HOURS_ONLY_OFFSET = re.compile(r"([+-]\d{2})(?=(?:\s+\d{4})?$)")


def _prepare(text: pd.Series, fmt: str, integer: bool) -> pd.Series:
    """Compact formats: exactly 8 digits (integers zero-padded for ``%y%m%d%H``), else NA.

    Offsets of whole hours written as PostgreSQL and Redshift print them (``+02``) get their
    minutes (``+0200``), which pandas' ``%z`` needs; Athena's parsers read both forms.
    """
    if "%z" in fmt:
        return text.str.replace(_HOURS_ONLY_OFFSET, r"\g<1>00", regex=True)
    if fmt not in COMPACT_FORMATS:
        return text
    if integer and fmt == "%y%m%d%H":
        text = text.str.zfill(8)
    return text.where(text.str.fullmatch(r"[0-9]{8}").fillna(False).astype(bool))


def _swap_day_month(fmt: str) -> str:
    return fmt.replace("%m", "\0").replace("%d", "%m").replace("\0", "%d")


def detect_time_format(values: pd.Series, *, min_parsed: float = MIN_PARSED) -> TimeFormat | None:
    """The format that parses at least ``min_parsed`` of the non-null values, or None.

    Text is tried against :data:`FORMATS`; whole numbers only against the compact formats
    (``20240131``, ``14102100``) whose range they fall in.

    Examples
    --------
    >>> import pandas as pd
    >>> detect_time_format(pd.Series(["12/1/2010 8:26", "12/13/2010 17:02"])).format
    '%m/%d/%Y %H:%M'
    >>> detect_time_format(pd.Series(["2019-10-01 00:00:00 UTC"])).format
    '%Y-%m-%d %H:%M:%S UTC'
    >>> detect_time_format(pd.Series([20240131, 20240201])).describe()
    'format %Y%m%d (integers), UTC'
    >>> detect_time_format(pd.Series(["hello", "world"])) is None
    True
    """
    if _is_number(values):
        nums = pd.to_numeric(values, errors="coerce").dropna()
        lo, hi = (nums.min(), nums.max()) if len(nums) else (0, -1)
        candidates = [f for f, (a, b) in _COMPACT_RANGES.items() if a <= lo and hi <= b]
        if not candidates:
            return None
    text, integer = _as_text(values)
    text = text.dropna()
    if not len(text):
        return None
    if not integer:
        candidates = _candidates(text, min_parsed)
    best: TimeFormat | None = None
    for fmt in candidates:
        share = _parsed_share(_prepare(text, fmt, integer), fmt)
        if share >= min_parsed and (best is None or share > best.share + 1e-12):
            example = str(text.iloc[0])
            offset, zoned = _single_offset(text, fmt), _zoned(text, fmt)
            best = TimeFormat(fmt, share, offset, example, zoned, integer)
        if best is not None and best.share >= 1.0:
            break
    if best is not None and 0 <= best.format.find("%m") < best.format.find("%d"):
        other = _swap_day_month(best.format)
        if other in FORMATS and _parsed_share(text, other) >= best.share - 1e-12:
            note = (
                "the sample could not tell month-first from day-first (no day above 12), so it "
                f"is read month-first; if the days come first, convert the column with "
                f"cleanroom_nb.to_epoch_seconds(..., format={other!r})"
            )
            best = replace(best, note=note)
    return best


def _candidates(text: pd.Series, min_parsed: float) -> list[str]:
    probes = [
        v
        for v in dict.fromkeys(text.iloc[:200].tolist())
        if len(v) <= 48 and any(ch.isdigit() for ch in v)
    ][:PROBE_VALUES]
    if not probes:
        return []
    candidates: list[str] = []
    for fmt in FORMATS:
        rx = _regex(fmt)
        if sum(1 for v in probes if rx.fullmatch(v)) * 2 >= len(probes):
            candidates.append(fmt)
    if len(candidates) > 1 and len(text) > 200:
        head = text.iloc[:200]
        candidates = [
            f for f in candidates if _parsed_share(_prepare(head, f, False), f) >= min_parsed - 0.05
        ]
    return candidates


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
    has = text.iloc[:2000].str.contains(_OFFSET + "$", regex=True)
    return "all" if has.all() else "none" if not has.any() else "some"


def _single_offset(text: pd.Series, fmt: str) -> str:
    if "%z" not in fmt:
        return ""
    found = text.iloc[:2000].str.extract(f"({_OFFSET})(?:\\s+\\d{{4}})?$")[0]
    kinds = set(found.dropna())
    return kinds.pop() if len(kinds) == 1 else ""


def parse_times(values: pd.Series, fmt: str) -> pd.Series:
    """Text in ``fmt`` to int64 epoch seconds (floor); unparseable and null values give NA.

    Naive text is read as UTC; text with an offset is converted to UTC. White space around the
    text (``TRIM_CHARACTERS``, the README's trim rule) is ignored. Integers are read as their digits (compact formats only:
    ``20240131`` in ``%Y%m%d``, ``5010100`` as ``"05010100"`` in ``%y%m%d%H``).

    Examples
    --------
    >>> import pandas as pd
    >>> parse_times(pd.Series(["12/1/2010 8:26", None, "x"]), "%m/%d/%Y %H:%M").tolist()
    [1291191960, <NA>, <NA>]
    >>> parse_times(pd.Series([14102100, 5010100]), "%y%m%d%H").tolist()
    [1413849600, 1104537600]
    """
    text, integer = _as_text(values)
    text = _prepare(text, fmt, integer)
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


def _sql_text(column_sql: str, tf: TimeFormat) -> str:
    """The text ``parse_times`` reads: trimmed text, or the digits of a whole number."""
    if not tf.integer:
        return sql_trimmed(column_sql)
    digits = f"CAST(CAST({column_sql} AS BIGINT) AS varchar)"
    if tf.format == "%y%m%d%H":
        digits = f"if(length({digits}) < 8, lpad({digits}, 8, '0'), {digits})"
    return f"if({column_sql} = floor({column_sql}), {digits})"


def sql_parse_times(column_sql: str, tf: TimeFormat) -> str:
    """The Athena (Trino) expression that reads ``column_sql`` in format ``tf`` as epoch seconds.

    The result is BIGINT; values that do not parse give NULL (``try``). Text is trimmed by the
    README's rule (``sql_trimmed``); integers (``tf.integer``) are read as their (zero-padded)
    digits.

    Examples
    --------
    >>> sql_parse_times('"d"', TimeFormat("%Y%m%d", 1.0, integer=True))  # doctest: +ELLIPSIS
    'CAST(floor(to_unixtime(try(date_parse(if(regexp_like(if("d" = floor("d"), CAST(...
    """
    fmt = tf.format
    value = _sql_text(column_sql, tf)
    if fmt in COMPACT_FORMATS:
        parsed = f"try(date_parse(if(regexp_like({value}, '^[0-9]{{8}}$'), {value}), "
        parsed += f"{_quote(to_mysql(fmt))}))"
        return f"CAST(floor(to_unixtime({parsed})) AS BIGINT)"
    if fmt == ISO8601:
        text = f"replace({value}, ' ', 'T')"
        text = f"concat({text}, 'Z')" if tf.zoned == "none" else text
        return f"CAST(floor(to_unixtime(try(from_iso8601_timestamp({text})))) AS BIGINT)"
    if "%z" not in fmt:
        parsed = f"try(date_parse({value}, {_quote(to_mysql(fmt))}))"
        return f"CAST(floor(to_unixtime({parsed})) AS BIGINT)"
    if fmt in _ISO_ZONED:
        text = value if "T" in fmt else f"replace({value}, ' ', 'T')"
        return f"CAST(floor(to_unixtime(try(from_iso8601_timestamp({text})))) AS BIGINT)"
    if not tf.offset:  # offsets that vary (e.g. -0500/-0400 across DST): Joda's Z reads each
        parsed = f"try(parse_datetime({value}, {_quote(to_joda(fmt))}))"
        return f"CAST(floor(to_unixtime({parsed})) AS BIGINT)"
    # One offset, written one way, in the whole sample: read it as literal text and shift by it.
    literal = to_mysql(fmt.replace("%z", "\0")).replace("\0", tf.offset.replace("%", "%%"))
    shift = _offset_seconds(tf.offset)
    tail = f" - {shift}" if shift > 0 else f" + {-shift}" if shift < 0 else ""
    parsed = f"try(date_parse({value}, {_quote(literal)}))"
    return f"CAST(floor(to_unixtime({parsed})){tail} AS BIGINT)"


_ISO_ZONED = frozenset(f"%Y-%m-%d{sep}%H:%M{sec}%z" for sep in "T " for sec in (":%S", ":%S.%f"))
"""Formats read with ``from_iso8601_timestamp`` (after a space becomes ``T``); without seconds
they go through Joda, as DuckDB 1.3 (the local Athena's floor) cannot cast ``T15:05+02:00``."""


def _offset_seconds(offset: str) -> int:
    if offset == "Z":
        return 0
    sign = -1 if offset.startswith("-") else 1
    digits = offset.lstrip("+-").replace(":", "")
    return sign * (int(digits[:2]) * 3600 + int(digits[2:4] or 0) * 60)


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
