"""Readiness of a DataFrame, in-process and in one pass: the counting kernels.

Counting distinct users fast
----------------------------
Integer ids are counted with ``np.bincount`` (dense ranges) or a sort (sparse ones); string ids
are hashed to two independent 64-bit keys straight from the Arrow buffers (no Python objects),
both key arrays are sorted in parallel threads and their runs counted. The two counts must agree
(else an exact ``pd.factorize`` fallback runs), so a wrong answer needs both hashes to collide
in the same way: practically never (p < 1e-20 at 10 million users).
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from cleanroom_nb import _errors
from cleanroom_nb._findings import Findings
from cleanroom_nb._progress import reports_progress, stage
from cleanroom_nb.infer._schema import ColumnSchema, TrainingSchema, glue_column_name
from cleanroom_nb.readiness._bins import epoch_days, histograms_from_counts
from cleanroom_nb.readiness._report import (
    ReadinessReport,
    implied_unit,
    missing_role_findings,
    rule_findings,
)
from cleanroom_nb.readiness._window import TimeWindow


def _run_counts(sorted_keys: np.ndarray) -> np.ndarray:
    """How often each distinct key occurs, from a sorted array (in key order)."""
    n = len(sorted_keys)
    if n == 0:
        return np.zeros(0, np.int64)
    change = np.flatnonzero(sorted_keys[1:] != sorted_keys[:-1])
    bounds = np.empty(len(change) + 2, dtype=np.int64)
    bounds[0] = 0
    bounds[1:-1] = change + 1
    bounds[-1] = n
    return np.diff(bounds)


def _bincount_counts(codes: np.ndarray, size: int | None = None) -> np.ndarray:
    if len(codes) == 0:
        return np.zeros(0, np.int64)
    bc = np.bincount(codes, minlength=size or 0)
    return bc[bc > 0]


def _int_counts(values: np.ndarray) -> np.ndarray:
    """How often each distinct integer occurs: bincount for dense ranges, else a sort."""
    if len(values) == 0:
        return np.zeros(0, np.int64)
    lo, hi = int(values.min()), int(values.max())
    span = hi - lo + 1
    if span <= max(4 * len(values), 1 << 20):
        shifted = values - lo if lo else values
        return _bincount_counts(shifted.astype(np.intp, copy=False), span)
    return _run_counts(np.sort(values, kind="stable" if values.dtype.kind == "b" else None))


_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_K1 = np.random.default_rng(20_231_114).integers(1, 2**62, 64, dtype=np.uint64) * np.uint64(
    2
) + np.uint64(1)
_K2 = np.random.default_rng(31_415_926).integers(1, 2**62, 64, dtype=np.uint64) * np.uint64(
    2
) + np.uint64(1)
_HASH_CHUNK = 1 << 15
_BYTE_MASKS = np.array([(1 << (8 * k)) - 1 for k in range(8)] + [2**64 - 1], dtype=np.uint64)


def _string_chunk_keys(chunk: pa.Array, pool: ThreadPoolExecutor) -> tuple[np.ndarray, ...]:
    """Two 64-bit keys per non-null string of one Arrow chunk (exact key when short)."""
    if chunk.null_count:
        if _fixed_width(chunk):
            # Null slots hold as many bytes as the others: key every row, drop the nulls' keys.
            valid = chunk.is_valid().to_numpy(zero_copy_only=False)
            return tuple(k[valid] for k in _keys_all_rows(chunk, pool))
        # Compact in Arrow (one copy in C++): the remaining strings are back to back.
        chunk = pc.drop_null(chunk)
    return _keys_all_rows(chunk, pool)


def _offsets(chunk: pa.Array) -> np.ndarray:
    large = pa.types.is_large_string(chunk.type) or pa.types.is_large_binary(chunk.type)
    n = len(chunk)
    raw = np.frombuffer(
        chunk.buffers()[1], dtype=np.int64 if large else np.int32, count=chunk.offset + n + 1
    )[chunk.offset :]
    return raw.astype(np.int64, copy=False)


def _fixed_width(chunk: pa.Array) -> bool:
    """Whether every slot, nulls included, holds the same number of bytes, back to back."""
    if len(chunk) == 0:
        return False
    offsets = _offsets(chunk)
    lens = np.diff(offsets)
    width = int(lens[0])
    return bool(
        width > 0
        and int(offsets[-1] - offsets[0]) == len(chunk) * width
        and int(lens.min()) == width == int(lens.max())
    )


def _keys_all_rows(chunk: pa.Array, pool: ThreadPoolExecutor) -> tuple[np.ndarray, ...]:
    """Keys of every slot of ``chunk`` (its validity is ignored)."""
    m = len(chunk)
    if m == 0:
        return (np.zeros(0, np.uint64),)
    bufs = chunk.buffers()
    offsets = _offsets(chunk)
    data = np.frombuffer(bufs[2], dtype=np.uint8) if bufs[2] is not None else np.zeros(0, np.uint8)
    lens = np.diff(offsets)
    offsets0 = offsets[:-1]
    width = int(lens.max())
    words = max(1, (width + 7) // 8)
    # All strings of one length, back to back in the data buffer: the buffer is the matrix.
    contiguous = int(lens.min()) == width and int(offsets[-1] - offsets[0]) == m * width
    jj = np.arange(words, dtype=np.int64)
    if len(data) < 8:
        data = np.concatenate([data, np.zeros(8, np.uint8)])
    # Every unaligned 8-byte window of the data buffer as one uint64 (a strided view, no copy):
    # word j of a string starting at byte o is window o + 8j, masked to the string's bytes.
    windows = np.ndarray(shape=(len(data) - 7,), dtype=np.uint64, buffer=data, strides=(1,))
    last = len(data) - 8

    def rows(lo: int, hi: int) -> np.ndarray:
        """Rows lo..hi as zero-padded uint64 words (shape (hi-lo, words))."""
        if contiguous and width % 8 == 0:
            begin = int(offsets0[0]) + lo * width
            block = data[begin : begin + (hi - lo) * width]
            if block.ctypes.data % 8:
                block = block.copy()
            return block.view(np.uint64).reshape(hi - lo, words)
        if contiguous:
            begin = int(offsets0[0]) + lo * width
            padded = np.zeros((hi - lo, words * 8), dtype=np.uint8)
            padded[:, :width] = data[begin : begin + (hi - lo) * width].reshape(hi - lo, width)
            return padded.view(np.uint64)
        starts = offsets0[lo:hi, None] + 8 * jj[None, :]
        keep = np.clip(lens[lo:hi, None] - 8 * jj[None, :], 0, 8)
        safe = np.minimum(starts, last)
        w = windows[safe]
        if int(starts.max(initial=0)) > last:  # the buffer's last bytes: shift them down
            delta = np.minimum(starts - safe, 7).astype(np.uint64)
            w >>= delta * np.uint64(8)
        w &= _BYTE_MASKS[keep]
        return w

    if width <= 7:
        # Exact: up to 7 bytes fit one word, the length goes in the top byte.
        key = np.empty(m, np.uint64)

        def exact(lo: int) -> None:
            hi = min(lo + _HASH_CHUNK, m)
            key[lo:hi] = rows(lo, hi)[:, 0] | (lens[lo:hi].astype(np.uint64) << np.uint64(56))

        list(pool.map(exact, range(0, m, _HASH_CHUNK)))
        return (key,)
    if words > len(_K1):
        raise ValueError("long strings")  # caller falls back to pd.factorize
    h1 = np.empty(m, np.uint64)
    h2 = np.empty(m, np.uint64)
    k1, k2 = _K1[:words], _K2[:words]

    def hash_rows(lo: int) -> None:
        # Column by column over a cache-sized block of rows: numpy's reduction along a short
        # last axis is slow, and the block stays in cache between the word passes.
        hi = min(lo + _HASH_CHUNK, m)
        w = rows(lo, hi)
        ln = lens[lo:hi].astype(np.uint64)
        a = ln * _GOLDEN
        b = ln.copy()
        t = np.empty(hi - lo, np.uint64)
        u = np.empty(hi - lo, np.uint64)
        for j in range(words):
            np.multiply(w[:, j], k1[j], out=t)
            np.right_shift(t, np.uint64(31), out=u)
            t ^= u
            t *= _GOLDEN
            a += t
            np.multiply(w[:, j], k2[j], out=t)
            np.right_shift(t, np.uint64(29), out=u)
            t ^= u
            b += t
        h1[lo:hi] = a
        h2[lo:hi] = b

    list(pool.map(hash_rows, range(0, m, _HASH_CHUNK)))
    return h1, h2


def _string_counts(arr: pa.ChunkedArray | pa.Array, pool: ThreadPoolExecutor) -> np.ndarray:
    chunks = arr.chunks if isinstance(arr, pa.ChunkedArray) else [arr]
    parts = [_string_chunk_keys(c, pool) for c in chunks if len(c)]
    if not parts:
        return np.zeros(0, np.int64)
    n_keys = len(parts[0])
    keys = [np.concatenate([p[i] for p in parts]) for i in range(n_keys)]
    if n_keys == 1:
        return _run_counts(np.sort(keys[0]))
    a, b = pool.map(lambda k: _run_counts(np.sort(k)), keys)
    if len(a) != len(b) or np.count_nonzero(a >= 2) != np.count_nonzero(b >= 2):
        raise ValueError("hash collision")  # the two hashes disagree; count exactly instead
    return a


def user_counts(values: pd.Series, pool: ThreadPoolExecutor | None = None) -> tuple[int, int, int]:
    """(distinct non-null values, values seen at least twice, nulls) of one column.

    Examples
    --------
    >>> user_counts(pd.Series(["a", "b", "a", None, "c", "c", "c"]))
    (3, 2, 1)
    >>> user_counts(pd.Series([10, 10, 2**40, 7]))
    (3, 1, 0)
    """
    own = pool is None
    pool = pool or ThreadPoolExecutor(2)
    try:
        counts, nulls = value_counts(values, pool)
    finally:
        if own:
            pool.shutdown()
    return len(counts), int(np.count_nonzero(counts >= 2)), nulls


def value_counts(s: pd.Series, pool: ThreadPoolExecutor) -> tuple[np.ndarray, int]:
    """How often each distinct non-null value of ``s`` occurs (in no given order), and nulls.

    Examples
    --------
    >>> counts, nulls = value_counts(pd.Series(["a", "b", "a", None]), ThreadPoolExecutor(1))
    >>> sorted(counts.tolist()), nulls
    ([1, 2], 1)
    """
    dtype = s.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        codes = np.asarray(s.cat.codes)
        nulls = int(np.count_nonzero(codes < 0))
        valid = codes[codes >= 0] if nulls else codes
        return _bincount_counts(valid.astype(np.intp), len(dtype.categories)), nulls
    if (
        pd.api.types.is_bool_dtype(dtype)
        or pd.api.types.is_integer_dtype(dtype)
        or pd.api.types.is_datetime64_any_dtype(dtype)
        or pd.api.types.is_timedelta64_dtype(dtype)
    ):
        if pd.api.types.is_datetime64_any_dtype(dtype) or pd.api.types.is_timedelta64_dtype(dtype):
            mask = np.asarray(s.isna())
            vals = np.asarray(s.to_numpy()).view(np.int64)
        elif isinstance(dtype, pd.api.extensions.ExtensionDtype):  # Int64, boolean, arrow
            mask = np.asarray(s.isna())
            vals = s.to_numpy(
                dtype="uint64" if str(dtype).lower().startswith("uint64") else "int64", na_value=0
            )
        else:
            mask = None
            vals = np.asarray(s.to_numpy())
        nulls = int(np.count_nonzero(mask)) if mask is not None else 0
        if mask is not None and nulls:
            vals = vals[~mask]
        if vals.dtype.kind == "u" and len(vals) and int(vals.max()) > np.iinfo(np.int64).max:
            return _run_counts(np.sort(vals)), nulls
        return _int_counts(vals.astype(np.int64, copy=False)), nulls
    if pd.api.types.is_float_dtype(dtype):
        fvals = s.to_numpy(dtype="float64", na_value=np.nan)
        fmask = np.isnan(fvals)
        nulls = int(np.count_nonzero(fmask))
        fvals = fvals[~fmask] if nulls else fvals
        fvals = fvals + 0.0  # -0.0 and 0.0 are one value
        return _run_counts(np.sort(fvals)), nulls
    if isinstance(dtype, pd.StringDtype) or dtype is np.dtype(object):
        try:
            if isinstance(s.array, pd.arrays.ArrowStringArray | pd.arrays.ArrowExtensionArray):
                arr = s.array._pa_array  # type: ignore[attr-defined]
            else:
                arr = pa.array(s.to_numpy(dtype=object), from_pandas=True)
            if (
                pa.types.is_string(arr.type)
                or pa.types.is_large_string(arr.type)
                or pa.types.is_binary(arr.type)
                or pa.types.is_large_binary(arr.type)
            ):
                return _string_counts(arr, pool), int(arr.null_count)
        except (pa.ArrowException, ValueError, TypeError):
            pass
    codes, _ = pd.factorize(s, use_na_sentinel=True)
    nulls = int(np.count_nonzero(codes < 0))
    return _bincount_counts(codes[codes >= 0].astype(np.intp)), nulls


def _ts_figures(s: pd.Series) -> tuple[Any, Any, str | None, int]:
    nulls = int(s.isna().sum())
    if len(s) == nulls:
        return None, None, None, nulls
    if pd.api.types.is_datetime64_any_dtype(s.dtype):
        return s.min(), s.max(), "datetime", nulls
    if pd.api.types.is_bool_dtype(s.dtype):
        return bool(s.min()), bool(s.max()), None, nulls
    if pd.api.types.is_numeric_dtype(s.dtype):
        lo, hi = s.min(), s.max()
        lo = lo.item() if hasattr(lo, "item") else lo
        hi = hi.item() if hasattr(hi, "item") else hi
        unit = implied_unit(hi) if abs(float(hi)) >= abs(float(lo)) else implied_unit(lo)
        return lo, hi, unit, nulls
    try:
        lo, hi = s.min(), s.max()
    except TypeError:
        lo = hi = None
    return lo, hi, implied_unit(hi), nulls


_PER_DAY = {
    "D": 1,
    "h": 24,
    "m": 1_440,
    "s": 86_400,
    "ms": 86_400_000,
    "us": 86_400_000_000,
    "ns": 86_400_000_000_000,
}
"""Steps of each datetime64 unit in a day."""


def _ts_days(s: pd.Series) -> np.ndarray | None:
    """The day (since 1970-01-01, UTC) of every non-null value of a TIMESTAMP column, or None
    when its values are not times or epoch numbers (e.g. text): the days of
    :func:`cleanroom_nb.readiness._bins.epoch_days`, or the calendar date of datetimes."""
    dtype = s.dtype
    if pd.api.types.is_datetime64_any_dtype(dtype):
        if getattr(dtype, "tz", None) is not None:
            s = s.dt.tz_convert("UTC").dt.tz_localize(None)
        values = s.to_numpy()
        values = values[~np.isnat(values)]
        unit, step = np.datetime_data(values.dtype)
        per_day = _PER_DAY[unit] // step
        return np.floor_divide(values.view(np.int64), per_day)
    if pd.api.types.is_bool_dtype(dtype) or not pd.api.types.is_numeric_dtype(dtype):
        return None
    if pd.api.types.is_float_dtype(dtype):
        fvals = s.to_numpy(dtype="float64", na_value=np.nan)
        return epoch_days(fvals[np.isfinite(fvals)])
    if isinstance(dtype, pd.api.extensions.ExtensionDtype):
        return epoch_days(s.dropna().to_numpy(dtype="int64"))
    return epoch_days(np.asarray(s.to_numpy()))


def _ts_part(s: pd.Series) -> tuple[tuple[Any, Any, str | None, int], np.ndarray | None]:
    return _ts_figures(s), _ts_days(s)


def _frame_column(df: pd.DataFrame, col: ColumnSchema | None) -> str | None:
    if col is None:
        return None
    if col.name in df.columns:
        return col.name
    by_glue = [
        c
        for c in df.columns
        if glue_column_name(str(c)) == col.name or glue_column_name(str(c)) == col.glue_name
    ]
    if len(by_glue) == 1:
        return str(by_glue[0])
    raise _errors.SchemaError(
        f"the schema's {col.role} column {col.name!r} is not in the DataFrame (columns: "
        f"{', '.join(map(repr, list(df.columns)[:20]))}); pass the frame the schema was made from"
    )


@reports_progress("Counting the readiness figures of {df.shape[0]:,} rows")
def readiness(
    df: pd.DataFrame,
    schema: TrainingSchema,
    *,
    window: TimeWindow | None = None,
    progress: bool = True,
) -> ReadinessReport:
    """Check a DataFrame against Clean Rooms ML's data rules, in-process and in one pass.

    The USER_ID, ITEM_ID and TIMESTAMP columns are those of ``schema`` (matched by name, or by
    the name Glue would give the frame's column).

    Parameters
    ----------
    df
        The interactions.
    schema
        Its training schema (e.g. from :func:`cleanroom_nb.infer_schema`).
    window
        A training window (:class:`~cleanroom_nb.TimeWindow`): the figures and the histograms
        count only its rows (:meth:`TimeWindow.mask`, the same rule as the Athena query), and
        ``rows_all``, ``data_ts_min`` and ``data_ts_max`` describe all the data.
    progress
        Show progress when counting takes more than a second (large frames).

    Returns
    -------
    ReadinessReport
        Rows, distinct users, users with 2+ interactions, null ids, timestamp range and unit,
        the histograms of the charts (:meth:`~cleanroom_nb.ReadinessReport.plot`), with findings
        against each rule.

    Examples
    --------
    >>> from cleanroom_nb.infer._schema import ColumnSchema, TrainingSchema
    >>> s = TrainingSchema.from_columns([
    ...     ColumnSchema("u", "string", "USER_ID", 1, ""),
    ...     ColumnSchema("i", "bigint", "ITEM_ID", 1, ""),
    ...     ColumnSchema("t", "bigint", "TIMESTAMP", 1, "")])
    >>> df = pd.DataFrame({"u": ["a", "a", "b"], "i": [1, 2, 3], "t": [1_700_000_000_000] * 3})
    >>> r = readiness(df, s)
    >>> r.rows, r.distinct_users, r.users_with_2plus, r.ts_unit
    (3, 2, 1, 'ms')
    >>> [f.code for f in r.findings]
    ['min_rows', 'min_users_with_2_interactions', 'timestamp_unit']
    """
    start = time.perf_counter()
    if not isinstance(df, pd.DataFrame):
        raise _errors.InvalidFrameError(f"readiness needs a pandas DataFrame, got {type(df)}")
    ucol = _frame_column(df, schema.user_id)
    icol = _frame_column(df, schema.item_id)
    tcol = _frame_column(df, schema.timestamp)
    per_user = per_item = None
    null_users = null_items = None
    all_rows, data_range = len(df), None
    if window is not None:
        if tcol is None:
            raise _errors.SchemaError(
                "the schema has no single TIMESTAMP column, so a training window cannot be "
                "checked; give one column the role TIMESTAMP"
            )
        stage(f"keeping the rows inside the training window {window}")
        data_range = _ts_figures(df[tcol])  # the data's own range, unit and null times
        df = df[window.mask(df[tcol])]
    with ThreadPoolExecutor(2) as pool:
        fut_ts = pool.submit(_ts_part, df[tcol]) if tcol is not None else None
        if icol is not None:
            stage(f"counting items ({icol})")
            per_item, null_items = value_counts(df[icol], pool)
        if ucol is not None:
            stage(f"counting users ({ucol})")
            per_user, null_users = value_counts(df[ucol], pool)
        ts, days = fut_ts.result() if fut_ts is not None else ((None, None, None, None), None)
    report = ReadinessReport(
        rows=len(df),
        distinct_users=len(per_user) if per_user is not None else None,
        users_with_2plus=int(np.count_nonzero(per_user >= 2)) if per_user is not None else None,
        null_user_ids=null_users,
        null_item_ids=null_items,
        null_timestamps=ts[3],
        ts_min=ts[0],
        ts_max=ts[1],
        ts_unit=ts[2],
        distinct_items=len(per_item) if per_item is not None else None,
        source="DataFrame",
        user_column=ucol,
        item_column=icol,
        timestamp_column=tcol,
        histograms=histograms_from_counts(per_user, per_item, days),
    )
    if window is not None and data_range is not None:
        report.window, report.rows_all = window, all_rows
        report.data_ts_min, report.data_ts_max = data_range[0], data_range[1]
        report.ts_unit, report.null_timestamps = data_range[2], data_range[3]
    report.findings = Findings([*missing_role_findings(schema), *rule_findings(report)])
    report.seconds = time.perf_counter() - start
    return report
