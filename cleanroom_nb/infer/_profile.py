"""Profile a column from a bounded sample: counts, distinct values and value patterns.

Everything here works on the sample only; estimates for the whole frame (distinct values,
rows per value) come from the sample's value frequencies (Chao1), so the cost never grows
with the frame.
"""

from __future__ import annotations

import contextlib
import math
import warnings
from typing import Any

import numpy as np
import pandas as pd

from cleanroom_nb._words import count
from cleanroom_nb.fixes._timeformat import TimeFormat, detect_time_format
from cleanroom_nb.infer._kinds import as_arrow_strings, kind_of_dtype, py_family
from cleanroom_nb.infer._patterns import (
    ALL_NULL,
    BYTES,
    CONSTANT,
    DATE_STRING,
    DATETIME,
    DICT,
    EMAIL,
    EPOCH_MS,
    EPOCH_NS,
    EPOCH_S,
    EPOCH_UNITS,
    EPOCH_US,
    FREE_TEXT,
    HEX_HASH,
    ISO_DATETIME,
    LIST,
    MIXED,
    PERSON_NAME,
    PHONE,
    UUID,
)
from cleanroom_nb.infer._schema import ColumnProfile

PATTERN_ROWS = 2000
"""Non-null values per column that the (slower) pattern checks look at."""
MATCH_SHARE = 0.9
"""Share of checked values that must match a pattern for the column to have it."""

# Plausible interaction times: 1995-01-01 .. 2040-01-01 in each unit.
_EPOCH_LO, _EPOCH_HI = 788_918_400, 2_208_988_800
EPOCH_RANGES: dict[str, tuple[float, float]] = {
    EPOCH_S: (_EPOCH_LO, _EPOCH_HI),
    EPOCH_MS: (_EPOCH_LO * 1e3, _EPOCH_HI * 1e3),
    EPOCH_US: (_EPOCH_LO * 1e6, _EPOCH_HI * 1e6),
    EPOCH_NS: (_EPOCH_LO * 1e9, _EPOCH_HI * 1e9),
}

_RE = {
    UUID: r"[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}",
    HEX_HASH: r"(0x)?[0-9a-fA-F]{16,128}",
    EMAIL: r"[A-Za-z0-9._%+'-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}",
    ISO_DATETIME: (
        r"\d{4}-\d{2}-\d{2}[T ]\d{1,2}:\d{2}(:\d{2}(\.\d{1,9})?)?\s?(Z|UTC|[+-]\d{2}:?\d{2})?"
    ),
    DATE_STRING: (
        r"(\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}"
        r"|\d{1,2}[ -][A-Za-z]{3,9}[ -]\d{2,4}|[A-Za-z]{3,9}\.? \d{1,2},? \d{4}"
        r"|\d{2} \d{1,2}, \d{4}"
        r"|[A-Za-z]{3} [A-Za-z]{3} \d{1,2} \d{2}:\d{2}:\d{2} [+-]\d{4} \d{4})"
        r"([ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?( ?[AaPp][Mm])?)?"
    ),
    PHONE: r"(\+|00)?\d{0,3}[\s.-]?\(?\d{2,4}\)?[\s.-]?\d{3,4}[\s.-]?\d{3,5}",
    PERSON_NAME: r"[A-Z][a-z]+(-[A-Z][a-z]+)?( [A-Z]\.)? [A-Z][a-z']+(-[A-Z][a-z]+)?",
}


def profile_column(
    values: pd.Series, *, total_rows: int | None = None, pattern_rows: int = PATTERN_ROWS
) -> ColumnProfile:
    """Profile one column of a (bounded) sample.

    Parameters
    ----------
    values
        The sampled values.
    total_rows
        Rows in the whole table the sample came from (None: the sample is the table).
    pattern_rows
        How many non-null values the pattern checks look at.

    Returns
    -------
    ColumnProfile
        Sample counts, estimates for the whole table and the value patterns seen.

    Examples
    --------
    >>> import pandas as pd
    >>> p = profile_column(pd.Series([1_700_000_000_000, 1_700_000_360_000, None]))
    >>> p.patterns, p.time_unit, round(p.null_ratio, 2)
    (('epoch_ms',), 'ms', 0.33)
    >>> profile_column(pd.Series(["a@x.org", "b@y.com", "c@z.net"])).patterns
    ('email',)
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return _profile(values, total_rows, pattern_rows)
    except Exception as exc:
        n = len(values)
        return ColumnProfile(
            dtype=str(values.dtype),
            sample_rows=n,
            null_ratio=0.0,
            distinct=0,
            distinct_ratio=0.0,
            rows_per_value=0.0,
            patterns=(MIXED,),
            kind="other",
            total_rows=total_rows if total_rows is not None else n,
            note=f"could not profile the values ({type(exc).__name__})",
        )


def profile_frame(
    sample: pd.DataFrame, *, total_rows: int | None = None
) -> dict[str, ColumnProfile]:
    """Profile every column of a sample (column name -> profile).

    Examples
    --------
    >>> import pandas as pd
    >>> sorted(profile_frame(pd.DataFrame({"a": [1, 2], "b": ["x", "y"]})))
    ['a', 'b']
    """
    out: dict[str, ColumnProfile] = {}
    for i, name in enumerate(sample.columns):
        out[str(name)] = profile_column(sample.iloc[:, i], total_rows=total_rows)
    return out


# --------------------------------------------------------------------------- internals
def _profile(values: pd.Series, total_rows: int | None, pattern_rows: int) -> ColumnProfile:
    dtype_text = str(values.dtype)
    s = values
    if isinstance(s.dtype, pd.CategoricalDtype):
        try:
            s = s.astype(s.dtype.categories.dtype)
        except Exception:
            s = s.astype(object)
    n = len(s)
    total = max(int(total_rows) if total_rows is not None else n, n)
    isna = np.asarray(s.isna(), dtype=bool)
    nulls = int(isna.sum())
    nn = s[~isna] if nulls else s
    n_nn = n - nulls
    null_ratio = nulls / n if n else 0.0
    kind = kind_of_dtype(s.dtype)
    patterns: list[str] = []
    note = ""
    if kind == "object":
        fams = {py_family(v) for v in nn.iloc[:pattern_rows]}
        if fams == {"int", "float"} or fams == {"int", "float", "bool"}:
            fams = {"float"}
        if len(fams) > 1:
            kind = "mixed"
            note = "mixed value types: " + ", ".join(sorted(fams))
        elif fams:
            kind = fams.pop()
        else:
            kind = "empty"
        if kind in ("int", "float"):
            nn = pd.to_numeric(nn, errors="coerce").dropna()
        elif kind == "string":
            nn = as_arrow_strings(nn)
        elif kind == "datetime":
            nn = pd.to_datetime(nn, errors="coerce", utc=True).dropna()
    vc, distinct, est = _frequencies(nn, kind, n, n_nn, total, null_ratio, pattern_rows)
    distinct_ratio = distinct / n_nn if n_nn else 0.0
    rows_per_value = n_nn / distinct if distinct else 0.0
    est_rpv = total * (1 - null_ratio) / est if est else 0.0

    time_unit: str | None = None
    min_value: Any = None
    max_value: Any = None
    mean_length = 0.0
    mean_words = 0.0
    integral = False
    time_format: TimeFormat | None = None
    sequential = False
    if n_nn == 0:
        patterns.append(ALL_NULL)
    else:
        if distinct == 1:
            patterns.append(CONSTANT)
        if kind in ("int", "float"):
            arr = np.asarray(nn.to_numpy(dtype="float64", na_value=np.nan), dtype="float64")
            arr = arr[np.isfinite(arr)]
            if arr.size:
                min_value, max_value = _num(arr.min()), _num(arr.max())
                integral = bool(np.all(np.mod(arr[:pattern_rows], 1) == 0))
                sequential = _sequential(arr, integral, distinct, n_nn, total)
                unit = _epoch_pattern(arr)
                patterns.extend([unit] if unit else [])
                time_unit = EPOCH_UNITS[unit] if unit else None
                if not unit and integral:  # 20240131, 14102100: a time only by name
                    time_format = detect_time_format(nn)
        elif kind in ("datetime", "date"):
            patterns.append(DATETIME)
            with contextlib.suppress(Exception):
                min_value, max_value = str(nn.min()), str(nn.max())
        elif kind == "string":
            found, mean_length, mean_words, time_unit, time_format = _string_facts(
                nn, pattern_rows, distinct_ratio
            )
            patterns.extend(found)
        elif kind == "list":
            patterns.append(LIST)
        elif kind == "dict":
            patterns.append(DICT)
        elif kind == "bytes":
            patterns.append(BYTES)
        elif kind in ("mixed", "other"):
            patterns.append(MIXED)
    examples = tuple(_short(v) for v in list(vc.index[:3]))
    return ColumnProfile(
        dtype=dtype_text,
        sample_rows=n,
        null_ratio=null_ratio,
        distinct=distinct,
        distinct_ratio=distinct_ratio,
        rows_per_value=rows_per_value,
        patterns=tuple(dict.fromkeys(patterns)),
        time_unit=time_unit,
        examples=examples,
        min_value=min_value,
        max_value=max_value,
        kind=kind,
        total_rows=total,
        est_distinct=round(est),
        est_rows_per_value=est_rpv,
        mean_length=mean_length,
        mean_words=mean_words,
        integral=integral,
        note=note,
        time_format=time_format,
        sequential=sequential,
    )


def _string_facts(
    nn: pd.Series, pattern_rows: int, distinct_ratio: float
) -> tuple[list[str], float, float, str | None, TimeFormat | None]:
    """Patterns, mean length and words, epoch unit and time format of text values."""
    found, mean_length, mean_words, unit = _string_patterns(nn.iloc[:pattern_rows], distinct_ratio)
    time_format = _time_format(nn, found, mean_length)
    if time_format is not None and not time_format.needs_time_name:
        found = [x for x in found if x not in (PHONE, PERSON_NAME, HEX_HASH, FREE_TEXT)]
        if not {ISO_DATETIME, DATE_STRING} & set(found):
            found.append(DATE_STRING)
    return found, mean_length, mean_words, EPOCH_UNITS[unit] if unit else None, time_format


def _time_format(strs: pd.Series, found: list[str], mean_length: float) -> TimeFormat | None:
    """The format of text times, tried on dates seen by the patterns and on short text."""
    if {UUID, EMAIL} & set(found) or any(x in EPOCH_UNITS for x in found):
        return None
    if not ({ISO_DATETIME, DATE_STRING} & set(found)) and not 6 <= mean_length <= 40:
        return None
    return detect_time_format(strs)


def _sequential(arr: np.ndarray, integral: bool, distinct: int, n_nn: int, total: int) -> bool:
    """Unique whole numbers spanning about as many values as the table has rows."""
    if not integral or distinct < max(20, n_nn) or arr.size < 20:
        return False
    span = float(arr.max() - arr.min() + 1)
    return span <= 1.05 * max(total, arr.size) and span >= 0.95 * arr.size


def _frequencies(
    nn: pd.Series,
    kind: str,
    n: int,
    n_nn: int,
    total: int,
    null_ratio: float,
    pattern_rows: int,
) -> tuple[pd.Series, int, float]:
    """Value counts, distinct values in the sample, and the Chao1 estimate for the table."""
    if kind in ("list", "dict", "bytes", "mixed", "other"):
        keys = nn.iloc[:pattern_rows].map(repr)
        vc = keys.value_counts(sort=False)
        scale = n_nn / max(len(keys), 1)
    else:
        vc = nn.value_counts(sort=False, dropna=True)
        scale = 1.0
    distinct = len(vc)
    counts = np.asarray(vc.to_numpy(), dtype=np.int64)
    f1 = int((counts == 1).sum())
    f2 = int((counts == 2).sum())
    if scale > 1 and distinct:
        distinct = min(n_nn, round(distinct * scale) if f1 == distinct else distinct)
    total_nn = total * (1 - null_ratio)
    if not n_nn:
        est = 0.0
    elif total <= n:
        est = float(distinct)
    else:
        chao1 = distinct + f1 * (f1 - 1) / (2 * (f2 + 1))
        est = min(max(chao1, float(distinct)), total_nn)
    return vc, distinct, est


def _num(x: Any) -> float | int:
    f = float(x)
    return int(f) if f.is_integer() and abs(f) < 2**63 else f


def _short(v: Any, width: int = 40) -> str:
    text = str(v)
    return text if len(text) <= width else text[: width - 1] + "…"


def _epoch_pattern(arr: np.ndarray) -> str | None:
    """The epoch unit whose plausible range holds (nearly) every value."""
    if arr.size == 0:
        return None
    lo, hi = float(arr.min()), float(arr.max())
    for pattern, (a, b) in EPOCH_RANGES.items():
        if a <= lo and hi <= b:
            return pattern
        if a <= hi <= b or a <= lo <= b:
            share = float(((arr >= a) & (arr <= b)).mean())
            if share >= 0.98:
                return pattern
    return None


def _string_patterns(
    strs: pd.Series, distinct_ratio: float
) -> tuple[list[str], float, float, str | None]:
    import pyarrow as pa
    import pyarrow.compute as pc

    arr = pc.utf8_trim_whitespace(pa.array(strs.astype("str").tolist(), type=pa.string()))
    lengths = pc.utf8_length(arr)
    keep = pc.greater(lengths, 0)
    arr = pc.filter(arr, keep)
    lengths = pc.filter(lengths, keep)
    total = len(arr)
    if not total:
        return [], 0.0, 0.0, None
    mean_length = float(pc.mean(lengths).as_py() or 0.0)
    mean_words = float(pc.mean(pc.count_substring_regex(arr, r"\s+")).as_py() or 0.0) + 1.0

    def share(regex: str, values: Any = None) -> float:
        vals = arr if values is None else values
        hits = pc.match_substring_regex(vals, "^(?:" + regex + ")$")
        return float(pc.sum(hits).as_py() or 0) / total

    found: list[str] = []
    unit: str | None = None
    short = pc.filter(arr, pc.less_equal(lengths, 200))
    for pattern in (UUID, HEX_HASH, EMAIL, ISO_DATETIME, DATE_STRING, PHONE, PERSON_NAME):
        if pattern == HEX_HASH and UUID in found:
            continue
        if pattern == DATE_STRING and ISO_DATETIME in found:
            continue
        if pattern in (PHONE, PERSON_NAME) and found:
            continue
        if not len(short) or share(_RE[pattern], short) < MATCH_SHARE:
            continue
        # Pure digits are numbers, not hashes or (mostly) phone numbers.
        if pattern == HEX_HASH and share(r".*[a-fA-F].*", short) <= 0.5:
            continue
        if pattern == PHONE and share(r"\d+", short) > 0.5 and share(r"0\d+", short) <= 0.5:
            continue
        found.append(pattern)
    if not found and share(r"-?\d{9,19}") >= MATCH_SHARE:
        nums = pd.to_numeric(pd.Series(arr.to_pylist()), errors="coerce").dropna()
        unit = _epoch_pattern(nums.to_numpy(dtype="float64"))
        if unit:
            found.append(unit)
    if not found and (
        (mean_words >= 4 and distinct_ratio >= 0.3) or (mean_length >= 60 and mean_words >= 3)
    ):
        found.append(FREE_TEXT)
    return found, mean_length, mean_words, unit


def estimate_text(p: ColumnProfile) -> str:
    """Distinct values and rows per value, as words for a reason.

    Examples
    --------
    >>> import pandas as pd
    >>> estimate_text(profile_column(pd.Series(["a", "b", "a", "c"])))
    '3 distinct values, 1.3 rows each'
    """
    d = p.est_distinct or p.distinct
    rpv = p.est_rows_per_value or p.rows_per_value
    approx = "~" if p.total_rows > p.sample_rows and d > p.distinct else ""
    if not math.isfinite(rpv):
        rpv = 0.0
    return f"{approx}{count(d, 'distinct value')}, {count(rpv, 'row')} each"
