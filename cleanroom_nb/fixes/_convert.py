"""The public conversions every fix kind is built from.

* :func:`to_epoch_seconds`: any time column to int64 Unix epoch seconds.
* :func:`hash_identifier`: raw e-mails/phone numbers/ids to SHA-256 hex, normalised by the one
  rule of :mod:`cleanroom_nb.fixes._normalise`.
* :data:`UNIT_FACTORS`: the one table of epoch units.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd

from cleanroom_nb._errors import CleanroomNbError
from cleanroom_nb.fixes._normalise import Kind, normalise, sha256_hex, trimmed
from cleanroom_nb.fixes._timeformat import parse_times

UNIT_FACTORS = {"s": 1, "ms": 1_000, "us": 1_000_000, "ns": 1_000_000_000}
"""How many of each epoch unit make one second."""
_UNIT_ALIASES = {
    "s": "s",
    "sec": "s",
    "second": "s",
    "seconds": "s",
    "ms": "ms",
    "millisecond": "ms",
    "milliseconds": "ms",
    "millis": "ms",
    "us": "us",
    "µs": "us",
    "microsecond": "us",
    "microseconds": "us",
    "micros": "us",
    "ns": "ns",
    "nanosecond": "ns",
    "nanoseconds": "ns",
    "nanos": "ns",
}


class ConversionError(CleanroomNbError, ValueError):
    """Values could not be converted (the message names the values and the fix)."""


def to_epoch_seconds(
    values: pd.Series,
    *,
    unit: str | None = None,
    format: str | None = None,
    errors: Literal["raise", "coerce"] = "raise",
) -> pd.Series:
    """Convert a time column to int64 Unix epoch seconds (nulls stay null).

    Parameters
    ----------
    values
        datetime64 (naive = UTC, or tz-aware), integers/floats in epoch s/ms/µs/ns (or
        YYYYMMDD dates such as ``20240131``), or strings (ISO 8601, dates, or digits).
    unit
        The unit of numeric epochs (``"s"``, ``"ms"``, ``"us"``, ``"ns"``); None detects it
        from the magnitude of the values.
    format
        The ``strftime`` format of text times (``"%m/%d/%Y %H:%M"``, ``"ISO8601"``), as
        ``schema.fixes`` records it; naive text is read as UTC, offsets are honoured.
    errors
        ``"raise"`` (default) raises on values that are not times; ``"coerce"`` makes them
        null (as the fix plan and Athena's ``try(...)`` do).

    Returns
    -------
    pandas.Series
        ``int64`` (``Int64`` when there are nulls), same index and name.

    Raises
    ------
    ConversionError
        If values cannot be read as times (the message shows some of them).

    Examples
    --------
    >>> import pandas as pd
    >>> to_epoch_seconds(pd.Series([1_700_000_000_123, 1_700_000_360_999])).tolist()
    [1700000000, 1700000360]
    >>> to_epoch_seconds(pd.Series(["2023-11-14T22:13:20Z", "2023-11-14"])).tolist()
    [1700000000, 1699920000]
    >>> ts = pd.Series(pd.to_datetime(["2023-11-14 23:13:20"])).dt.tz_localize("Europe/Paris")
    >>> to_epoch_seconds(ts).tolist()
    [1700000000]
    >>> to_epoch_seconds(pd.Series(["12/1/2010 8:26"]), format="%m/%d/%Y %H:%M").tolist()
    [1291191960]
    """
    if errors not in ("raise", "coerce"):
        raise ConversionError(f"unknown errors={errors!r}; use 'raise' or 'coerce'")
    if format is not None:
        return _formatted_to_seconds(values, format, errors)
    if not isinstance(values, pd.Series):
        values = pd.Series(values)
    name, index = values.name, values.index
    s = values
    if isinstance(s.dtype, pd.CategoricalDtype):
        s = s.astype(s.dtype.categories.dtype)
    isna = np.asarray(s.isna(), dtype=bool)
    if pd.api.types.is_datetime64_any_dtype(s.dtype):
        secs = _datetimes_to_seconds(s)
    elif pd.api.types.is_bool_dtype(s.dtype):
        raise ConversionError(f"column {name!r} holds booleans, not times")
    elif pd.api.types.is_numeric_dtype(s.dtype):
        secs = _numbers_to_seconds(s, unit, name)
    else:
        secs = _objects_to_seconds(s, unit, name, isna)
    out = pd.Series(secs, index=index, name=name)
    if isna.any():
        return out.astype("Int64").mask(pd.Series(isna, index=index))
    return out.astype("int64")


def _formatted_to_seconds(values: pd.Series, fmt: str, errors: str) -> pd.Series:
    if not isinstance(values, pd.Series):
        values = pd.Series(values)
    text = values
    if isinstance(text.dtype, pd.CategoricalDtype):
        text = text.astype(text.dtype.categories.dtype)
    if not pd.api.types.is_numeric_dtype(text.dtype):
        text = trimmed(text)  # the README's trim, as the text_time fix and its SQL do
    out = parse_times(text, fmt)
    failed = np.asarray(out.isna() & values.notna(), dtype=bool)
    if failed.any() and errors == "raise":
        examples = ", ".join(repr(v) for v in values[failed].astype("str").head(3))
        raise ConversionError(
            f"column {values.name!r}: {int(failed.sum()):,} value(s) do not match format "
            f"{fmt!r} (e.g. {examples}); fix them, or pass errors='coerce' to make them null"
        )
    if out.isna().any():
        return out
    return out.astype("int64")


def _datetimes_to_seconds(s: pd.Series) -> np.ndarray:
    if getattr(s.dt, "tz", None) is not None:
        s = s.dt.tz_convert("UTC").dt.tz_localize(None)
    ns = s.astype("datetime64[ns]").to_numpy().astype("int64")
    out = np.floor_divide(ns, 1_000_000_000)
    out[np.asarray(s.isna())] = 0
    return out


def epoch_unit(magnitude: float) -> str:
    """The epoch unit (``s``, ``ms``, ``us`` or ``ns``) that puts ``magnitude`` in 1973 .. 2286.

    Examples
    --------
    >>> [epoch_unit(v) for v in (1_700_000_000, 1.7e12, 1.7e15, 1.7e18)]
    ['s', 'ms', 'us', 'ns']
    """
    if magnitude < 1e10:
        return "s"
    if magnitude < 1e13:
        return "ms"
    if magnitude < 1e16:
        return "us"
    return "ns"


def _detect_unit(arr: np.ndarray) -> str:
    """The epoch unit that puts the median magnitude between 1973 and 2286."""
    finite = arr[np.isfinite(arr)]
    if not finite.size:
        return "s"
    return epoch_unit(float(np.median(np.abs(finite))))


def _normalise_unit(unit: str, name: object) -> str:
    u = _UNIT_ALIASES.get(unit.strip().lower())
    if u is None:
        raise ConversionError(
            f"unknown unit {unit!r} for column {name!r}; use 's', 'ms', 'us' or 'ns'"
        )
    return u


def _yyyymmdd(arr: np.ndarray) -> bool:
    """Whole numbers that all read as YYYYMMDD dates (e.g. 20240131)."""
    if not arr.size or not np.all(np.mod(arr, 1) == 0):
        return False
    if arr.min() < 19_000_101 or arr.max() > 21_001_231:
        return False
    month, day = (arr // 100) % 100, arr % 100
    return bool(np.all((month >= 1) & (month <= 12) & (day >= 1) & (day <= 31)))


def _numbers_to_seconds(s: pd.Series, unit: str | None, name: object) -> np.ndarray:
    if unit is None:
        probe = np.asarray(s.to_numpy(dtype="float64", na_value=np.nan), dtype="float64")
        probe = probe[np.isfinite(probe)]
        if _yyyymmdd(probe):
            whole = s.to_numpy(dtype="float64", na_value=19_700_101).astype("int64")
            dates = pd.to_datetime(pd.Series(whole.astype(str)), format="%Y%m%d")
            return _datetimes_to_seconds(dates)
    if pd.api.types.is_integer_dtype(s.dtype):
        arr_i = np.asarray(s.to_numpy(dtype="int64", na_value=0), dtype="int64")
        u = _normalise_unit(unit, name) if unit else _detect_unit(arr_i.astype("float64"))
        return np.floor_divide(arr_i, UNIT_FACTORS[u])
    arr = np.asarray(s.to_numpy(dtype="float64", na_value=np.nan), dtype="float64")
    u = _normalise_unit(unit, name) if unit else _detect_unit(arr)
    out = np.floor(arr / UNIT_FACTORS[u])
    out[~np.isfinite(out)] = 0
    return out.astype("int64")


def _objects_to_seconds(
    s: pd.Series, unit: str | None, name: object, isna: np.ndarray
) -> np.ndarray:
    text = s.astype("str").str.strip()
    present = ~isna
    digits = text.str.fullmatch(r"-?\d+(\.\d+)?").to_numpy(dtype=bool, na_value=False)
    if present.any() and digits[present].all():
        if present.all():
            nums = pd.to_numeric(text, errors="coerce")  # int64 keeps ns exact
        else:
            nums = pd.to_numeric(text.where(present), errors="coerce").astype("float64")
        return _numbers_to_seconds(nums, unit, name)
    parsed = pd.to_datetime(text.where(present, None), errors="coerce", utc=True, format="mixed")
    failed = present & np.asarray(parsed.isna(), dtype=bool)
    if failed.any():
        examples = ", ".join(repr(v) for v in s[failed].astype("str").head(3))
        raise ConversionError(
            f"column {name!r}: {int(failed.sum()):,} value(s) are not dates or times "
            f"(e.g. {examples}); fix or drop them first"
        )
    return _datetimes_to_seconds(parsed)


_PHONE_LIKE = r"\+?[\d\s().-]{7,25}"


def hash_identifier(
    values: pd.Series, *, kind: Literal["auto", "email", "phone", "digits", "id"] = "auto"
) -> pd.Series:
    """SHA-256 hex of normalised identifiers; nulls (and values empty once normalised) are null.

    The normalisation is the one written in the README: trim every ``str.isspace()`` character
    plus U+200B and U+FEFF at both ends, Unicode NFC, lower case per code point; phone numbers
    (``kind="phone"``, or its alias ``"digits"``) keep the digits 0-9 only, so
    ``"+1 (415) 555-0101"`` hashes ``"14155550101"``. ``kind="id"`` trims and applies NFC but
    keeps the case. With ``kind="auto"`` each value is treated by what it looks like (``@``:
    e-mail; digits with separators: phone; else id). ``apply_fixes``, the code ``schema.fixes``
    shows and the Athena SQL of ``fix_glue_table`` give the same digests.

    Examples
    --------
    >>> import pandas as pd
    >>> hash_identifier(pd.Series(["\\u00a0 Alice@Example.COM\\t"])).iloc[0][:16]
    'ff8d9819fc0e12bf'
    >>> hash_identifier(pd.Series(["alice@example.com"])).iloc[0][:16]
    'ff8d9819fc0e12bf'
    >>> hash_identifier(pd.Series(["+1 (415) 555-0101", " "]), kind="phone").isna().tolist()
    [False, True]
    """
    if kind not in ("auto", "email", "phone", "digits", "id"):
        raise ConversionError(
            f"unknown kind {kind!r}; use 'auto', 'email', 'phone', 'digits' or 'id'"
        )
    if not isinstance(values, pd.Series):
        values = pd.Series(values)
    if kind == "auto":
        ids = normalise(values, "id")
        text = ids.astype("str")
        is_mail = text.str.contains("@", regex=False).to_numpy(dtype=bool) & ids.notna().to_numpy()
        is_phone = (
            text.str.fullmatch(_PHONE_LIKE).to_numpy(dtype=bool, na_value=False)
            & text.str.contains(r"[\s().+-]").to_numpy(dtype=bool, na_value=False)
            & ~is_mail
        )
        norm = ids.copy()
        if is_mail.any():
            norm[is_mail] = normalise(values[is_mail], "email")
        if is_phone.any():
            norm[is_phone] = normalise(values[is_phone], "phone")
    else:
        normal: Kind = (
            "phone" if kind in ("phone", "digits") else "email" if kind == "email" else "id"
        )
        norm = normalise(values, normal)
    return pd.Series(sha256_hex(norm).tolist(), index=values.index, name=values.name, dtype="str")
