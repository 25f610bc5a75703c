"""Readiness at scale: the figures Clean Rooms ML's data rules are about, computed up front.

Clean Rooms ML needs at least 1,000,000 rows, at least 100,000 distinct users with at least two
interactions each, and timestamps in Unix epoch seconds; it only finds out hours later, when a
model trains. :func:`readiness` computes the figures in-process for a DataFrame;
:func:`readiness_from_athena` pushes ONE SQL query (:func:`readiness_sql`) to Athena, so only the
three role columns are scanned and nothing is downloaded but one result row.

Counting distinct users fast
----------------------------
Integer ids are counted with ``np.bincount`` (dense ranges) or a sort (sparse ones); string ids
are hashed to two independent 64-bit keys straight from the Arrow buffers (no Python objects),
both key arrays are sorted in parallel threads and their runs counted. The two counts must agree
(else an exact ``pd.factorize`` fallback runs), so a wrong answer needs both hashes to collide
in the same way: practically never (p < 1e-20 at 10 million users).
"""

from __future__ import annotations

import contextlib
import html
import math
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import boto3
import botocore.exceptions
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from cleanroom_nb import _errors, _roles
from cleanroom_nb._findings import Finding, Findings
from cleanroom_nb.aws import _client
from cleanroom_nb.infer import _fix
from cleanroom_nb.infer._schema import ColumnSchema, TrainingSchema, glue_column_name

EPOCH_2000 = 946_684_800
"""2000-01-01T00:00:00Z in epoch seconds: earlier timestamps are suspicious."""

RESULT_COLUMNS = (
    "rows",
    "distinct_users",
    "users_with_2plus",
    "null_user_ids",
    "null_item_ids",
    "null_timestamps",
    "ts_min",
    "ts_max",
)
"""The columns of :func:`readiness_sql`'s one result row."""


# ---------------------------------------------------------------------------------- report
@dataclass
class ReadinessReport:
    """The figures Clean Rooms ML's data rules are about, with findings against each rule.

    Attributes
    ----------
    rows
        Rows in the data.
    distinct_users
        Distinct non-null USER_ID values.
    users_with_2plus
        Users with at least two interactions (rows).
    null_user_ids, null_item_ids, null_timestamps
        Rows whose USER_ID / ITEM_ID / TIMESTAMP is null.
    ts_min, ts_max
        The smallest and largest TIMESTAMP value (numbers for epoch columns, ``pd.Timestamp``
        for datetime columns).
    ts_unit
        The unit the values imply: ``"s"``, ``"ms"``, ``"us"``, ``"ns"``, ``"datetime"`` for
        datetime columns, or None when it cannot be told.
    bytes_scanned
        Bytes Athena scanned (None for a DataFrame).
    findings
        Errors/warnings against each rule, with the fix.

    Examples
    --------
    >>> r = ReadinessReport(rows=10, distinct_users=3, users_with_2plus=2, null_user_ids=0,
    ...                     null_item_ids=0, null_timestamps=0, ts_min=1_700_000_000,
    ...                     ts_max=1_700_000_500, ts_unit="s")
    >>> r.findings = rule_findings(r); [f.code for f in r.findings]
    ['min_rows', 'min_users_with_2_interactions']
    """

    rows: int
    distinct_users: int | None
    users_with_2plus: int | None
    null_user_ids: int | None
    null_item_ids: int | None
    null_timestamps: int | None
    ts_min: Any
    ts_max: Any
    ts_unit: str | None
    bytes_scanned: int | None = None
    findings: Findings = field(default_factory=Findings)
    source: str = "DataFrame"
    user_column: str | None = None
    item_column: str | None = None
    timestamp_column: str | None = None
    seconds: float = 0.0
    query_id: str | None = None

    @property
    def ok(self) -> bool:
        """True when no finding is an error."""
        return self.findings.ok

    def checks(self) -> list[tuple[str, str, str, str]]:
        """Each rule as (rule, measured, required, status).

        ``status`` is ``"ok"``, ``"fail"`` (Clean Rooms ML rejects it), ``"warn"`` (rows it
        cannot use) or ``"unknown"``.
        """

        def status(passed: bool | None, failed: str = "fail") -> str:
            return "unknown" if passed is None else ("ok" if passed else failed)

        out = [
            (
                "rows",
                f"{self.rows:,}",
                f">= {_roles.MIN_ROWS:,}",
                status(self.rows >= _roles.MIN_ROWS),
            ),
        ]
        two = self.users_with_2plus
        out.append(
            (
                "users with >= 2 interactions",
                "?" if two is None else f"{two:,} (of {self.distinct_users or 0:,} users)",
                f">= {_roles.MIN_USERS_WITH_TWO_INTERACTIONS:,}",
                status(None if two is None else two >= _roles.MIN_USERS_WITH_TWO_INTERACTIONS),
            )
        )
        out.append(
            (
                "timestamp unit",
                f"{self.ts_unit or '?'} ({_fmt_ts(self.ts_min)} .. {_fmt_ts(self.ts_max)})",
                "epoch seconds",
                "warn"
                if self.ts_unit == "datetime"
                else status(None if self.ts_unit is None else self.ts_unit == "s"),
            )
        )
        nulls = [
            x
            for x in (self.null_user_ids, self.null_item_ids, self.null_timestamps)
            if x is not None
        ]
        out.append(
            (
                "null ids / timestamps",
                f"{self.null_user_ids or 0:,} / {self.null_item_ids or 0:,} / "
                f"{self.null_timestamps or 0:,}",
                "none",
                status(sum(nulls) == 0 if nulls else None, failed="warn"),
            )
        )
        return out

    def __str__(self) -> str:
        lines = [f"Readiness of {self.source}: {'ready' if self.ok else 'NOT ready'}"]
        for rule, measured, required, state in self.checks():
            mark = {"ok": "ok  ", "fail": "FAIL", "warn": "warn", "unknown": "?   "}[state]
            lines.append(f"  [{mark}] {rule}: {measured} (required {required})")
        if self.bytes_scanned is not None:
            lines.append(f"  Athena scanned {_fmt_bytes(self.bytes_scanned)}")
        lines.extend(f"  {f}" for f in self.findings)
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        marks = {
            "ok": "<span style='color:#1a7f37'>&#10003;</span>",
            "fail": "<span style='color:#cf222e'>&#10007;</span>",
            "warn": "<span style='color:#9a6700'>!</span>",
            "unknown": "<span style='color:#6e7781'>?</span>",
        }
        rows = "".join(
            f"<tr><td>{marks[p]}</td><td style='text-align:left'>{html.escape(rule)}</td>"
            f"<td style='text-align:right'>{html.escape(measured)}</td>"
            f"<td style='text-align:left'>{html.escape(required)}</td></tr>"
            for rule, measured, required, p in self.checks()
        )
        extra = []
        if self.bytes_scanned is not None:
            extra.append(f"Athena scanned {_fmt_bytes(self.bytes_scanned)}")
        if self.query_id:
            extra.append(f"query {html.escape(self.query_id)}")
        extra.append(f"{self.seconds:.2f} s")
        cols = ", ".join(
            f"{r}: <code>{html.escape(c)}</code>"
            for r, c in (
                ("user", self.user_column),
                ("item", self.item_column),
                ("time", self.timestamp_column),
            )
            if c
        )
        verdict = (
            "<b style='color:#1a7f37'>ready</b>"
            if self.ok
            else "<b style='color:#cf222e'>not ready</b>"
        )
        return (
            f"<div><p><b>Readiness</b> of {html.escape(self.source)}: {verdict} "
            f"<span style='color:#6e7781'>({cols}; {'; '.join(extra)})</span></p>"
            "<table><thead><tr><th></th><th>rule</th><th>measured</th><th>required</th></tr>"
            f"</thead><tbody>{rows}</tbody></table>" + self.findings._repr_html_() + "</div>"
        )


def _fmt_ts(v: Any) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "?"
    if isinstance(v, int | np.integer):
        return f"{int(v):,}"
    return str(v)


def _fmt_bytes(n: int) -> str:
    value = float(n)
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if value < 1024 or unit == "TB":
            return f"{value:,.0f} {unit}" if unit == "B" else f"{value:,.1f} {unit}"
        value /= 1024
    return f"{n} B"  # pragma: no cover


def implied_unit(value: Any) -> str | None:
    """The epoch unit a timestamp value implies, by magnitude (1973 .. 2286 in that unit).

    The thresholds are those of :func:`cleanroom_nb.to_epoch_seconds`.

    Examples
    --------
    >>> [implied_unit(v) for v in (1_700_000_000, 1_700_000_000_000, 1.7e15, 1.7e18)]
    ['s', 'ms', 'us', 'ns']
    >>> implied_unit(pd.Timestamp("2024-01-01")), implied_unit("2024-01-01"), implied_unit(None)
    ('datetime', None, None)
    """
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp | np.datetime64) or hasattr(value, "isoformat"):
        return "datetime"
    if isinstance(value, bool | np.bool_) or not isinstance(value, int | float | np.number):
        return None
    v = abs(float(value))
    return None if math.isnan(v) else _fix.epoch_unit(v)


def rule_findings(report: ReadinessReport) -> Findings:
    """Findings against each data rule (rows, users, timestamp unit and range, nulls).

    Paths are ``"data.rows"``, ``"data.users"``, ``"columns.<name>"``.
    """
    out = Findings()
    if report.rows < _roles.MIN_ROWS:
        out.append(
            Finding(
                "error",
                "data.rows",
                "min_rows",
                f"the data has {report.rows:,} rows; Clean Rooms ML needs at least "
                f"{_roles.MIN_ROWS:,}. Add {_roles.MIN_ROWS - report.rows:,} or more rows (a longer "
                "period, more event types) before creating the training dataset.",
            )
        )
    user = report.user_column or "USER_ID"
    if report.users_with_2plus is not None and (
        report.users_with_2plus < _roles.MIN_USERS_WITH_TWO_INTERACTIONS
    ):
        out.append(
            Finding(
                "error",
                "data.users",
                "min_users_with_2_interactions",
                f"{report.users_with_2plus:,} of {report.distinct_users or 0:,} distinct users "
                f"({user!r}) have at least 2 interactions; Clean Rooms ML needs at least "
                f"{_roles.MIN_USERS_WITH_TWO_INTERACTIONS:,}. Add data (a longer period, more "
                "event types), or check that the USER_ID column is the right one.",
            )
        )
    ts = report.timestamp_column or "TIMESTAMP"
    tpath = f"columns.{report.timestamp_column}" if report.timestamp_column else "data.timestamp"
    unit_min, unit_max = implied_unit(report.ts_min), implied_unit(report.ts_max)
    if report.ts_unit in ("ms", "us", "ns"):
        out.append(
            Finding(
                "error",
                tpath,
                "timestamp_unit",
                f"{ts!r} holds Unix epoch {report.ts_unit} (max {_fmt_ts(report.ts_max)}), but Clean "
                "Rooms ML reads epoch seconds; convert it with cleanroom_nb.to_epoch_seconds "
                f"(or in SQL: CAST({ts} / {_fix.UNIT_FACTORS[report.ts_unit]} AS BIGINT)).",
            )
        )
    elif report.ts_unit == "datetime":
        out.append(
            Finding(
                "warning",
                tpath,
                "timestamp_datetime",
                f"{ts!r} holds datetimes; Clean Rooms ML reads Unix epoch seconds: store it as "
                "int64 epoch seconds (cleanroom_nb.to_epoch_seconds, or to_unixtime() in Athena).",
            )
        )
    elif report.ts_unit is None and report.timestamp_column and report.ts_max is not None:
        out.append(
            Finding(
                "error",
                tpath,
                "timestamp_not_epoch",
                f"{ts!r} does not hold Unix epoch seconds (max value {report.ts_max!r}); convert it "
                "to int64 epoch seconds with cleanroom_nb.to_epoch_seconds.",
            )
        )
    if unit_min and unit_max and unit_min != unit_max and "datetime" not in (unit_min, unit_max):
        out.append(
            Finding(
                "warning",
                tpath,
                "mixed_timestamp_units",
                f"{ts!r} ranges from {_fmt_ts(report.ts_min)} ({unit_min}) to "
                f"{_fmt_ts(report.ts_max)} ({unit_max}): the units look mixed, or some values are "
                "wrong. Check the smallest values and convert everything to epoch seconds.",
            )
        )
    if report.ts_unit == "s":
        lo, hi = float(report.ts_min), float(report.ts_max)
        now = time.time()
        if lo < EPOCH_2000 or hi > now + 86_400:
            out.append(
                Finding(
                    "warning",
                    tpath,
                    "timestamp_range",
                    f"{ts!r} spans {pd.Timestamp(lo, unit='s')} .. {pd.Timestamp(hi, unit='s')}; "
                    "times before 2000 or in the future usually mean placeholder or wrong values.",
                )
            )
    for what, n, col in (
        ("USER_ID", report.null_user_ids, report.user_column),
        ("ITEM_ID", report.null_item_ids, report.item_column),
        ("TIMESTAMP", report.null_timestamps, report.timestamp_column),
    ):
        if n:
            share = n / report.rows if report.rows else 0.0
            out.append(
                Finding(
                    "warning",
                    f"columns.{col}" if col else "data",
                    f"null_{what.lower()}",
                    f"{n:,} rows ({share:.1%}) have no {what} ({col!r}); Clean Rooms ML cannot use "
                    "them. Drop or fill them before creating the training dataset.",
                )
            )
    return out


# ---------------------------------------------------------------------------------- counting
def _run_counts(sorted_keys: np.ndarray) -> tuple[int, int]:
    """Distinct keys and keys seen at least twice, from a sorted array."""
    n = len(sorted_keys)
    if n == 0:
        return 0, 0
    change = np.flatnonzero(sorted_keys[1:] != sorted_keys[:-1])
    bounds = np.empty(len(change) + 2, dtype=np.int64)
    bounds[0] = 0
    bounds[1:-1] = change + 1
    bounds[-1] = n
    counts = np.diff(bounds)
    return len(counts), int(np.count_nonzero(counts >= 2))


def _bincount_counts(codes: np.ndarray, size: int | None = None) -> tuple[int, int]:
    if len(codes) == 0:
        return 0, 0
    bc = np.bincount(codes, minlength=size or 0)
    return int(np.count_nonzero(bc)), int(np.count_nonzero(bc >= 2))


def _int_counts(values: np.ndarray) -> tuple[int, int]:
    """Distinct and >=2 counts of integer keys: bincount for dense ranges, else a sort."""
    if len(values) == 0:
        return 0, 0
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


def _string_counts(arr: pa.ChunkedArray | pa.Array, pool: ThreadPoolExecutor) -> tuple[int, int]:
    chunks = arr.chunks if isinstance(arr, pa.ChunkedArray) else [arr]
    parts = [_string_chunk_keys(c, pool) for c in chunks if len(c)]
    if not parts:
        return 0, 0
    n_keys = len(parts[0])
    keys = [np.concatenate([p[i] for p in parts]) for i in range(n_keys)]
    if n_keys == 1:
        return _run_counts(np.sort(keys[0]))
    a, b = pool.map(lambda k: _run_counts(np.sort(k)), keys)
    if a != b:  # the two hashes disagree: a collision; count exactly instead
        raise ValueError("hash collision")
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
        return _user_counts(values, pool)
    finally:
        if own:
            pool.shutdown()


def _user_counts(s: pd.Series, pool: ThreadPoolExecutor) -> tuple[int, int, int]:
    dtype = s.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        codes = np.asarray(s.cat.codes)
        nulls = int(np.count_nonzero(codes < 0))
        valid = codes[codes >= 0] if nulls else codes
        d, t = _bincount_counts(valid.astype(np.intp), len(dtype.categories))
        return d, t, nulls
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
            return (*_run_counts(np.sort(vals)), nulls)
        d, t = _int_counts(vals.astype(np.int64, copy=False))
        return d, t, nulls
    if pd.api.types.is_float_dtype(dtype):
        fvals = s.to_numpy(dtype="float64", na_value=np.nan)
        fmask = np.isnan(fvals)
        nulls = int(np.count_nonzero(fmask))
        fvals = fvals[~fmask] if nulls else fvals
        fvals = fvals + 0.0  # -0.0 and 0.0 are one value
        return (*_run_counts(np.sort(fvals)), nulls)
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
                d, t = _string_counts(arr, pool)
                return d, t, int(arr.null_count)
        except (pa.ArrowException, ValueError, TypeError):
            pass
    codes, _ = pd.factorize(s, use_na_sentinel=True)
    nulls = int(np.count_nonzero(codes < 0))
    d, t = _bincount_counts(codes[codes >= 0].astype(np.intp))
    return d, t, nulls


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


def readiness(df: pd.DataFrame, schema: TrainingSchema) -> ReadinessReport:
    """Check a DataFrame against Clean Rooms ML's data rules, in-process and in one pass.

    The USER_ID, ITEM_ID and TIMESTAMP columns are those of ``schema`` (matched by name, or by
    the name Glue would give the frame's column).

    Parameters
    ----------
    df
        The interactions.
    schema
        Its training schema (e.g. from :func:`cleanroom_nb.infer_schema`).

    Returns
    -------
    ReadinessReport
        Rows, distinct users, users with 2+ interactions, null ids, timestamp range and unit,
        with findings against each rule.

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
    with ThreadPoolExecutor(2) as pool:
        fut_ts = pool.submit(_ts_figures, df[tcol]) if tcol is not None else None
        null_items = int(df[icol].isna().sum()) if icol is not None else None
        if ucol is not None:
            distinct, two, null_users = _user_counts(df[ucol], pool)
        ts = fut_ts.result() if fut_ts is not None else (None, None, None, None)
    report = ReadinessReport(
        rows=len(df),
        distinct_users=distinct if ucol is not None else None,
        users_with_2plus=two if ucol is not None else None,
        null_user_ids=null_users if ucol is not None else None,
        null_item_ids=null_items,
        null_timestamps=ts[3],
        ts_min=ts[0],
        ts_max=ts[1],
        ts_unit=ts[2],
        source="DataFrame",
        user_column=ucol,
        item_column=icol,
        timestamp_column=tcol,
    )
    report.findings = Findings([*_missing_role_findings(schema), *rule_findings(report)])
    report.seconds = time.perf_counter() - start
    return report


def _missing_role_findings(schema: TrainingSchema) -> list[Finding]:
    out = []
    for role, col in (
        (_roles.USER_ID, schema.user_id),
        (_roles.ITEM_ID, schema.item_id),
        (_roles.TIMESTAMP, schema.timestamp),
    ):
        if col is None:
            out.append(
                Finding(
                    "error",
                    "schema",
                    "missing_role",
                    f"the schema has no single {role} column, so its figures cannot be computed; "
                    f"give exactly one column the role {role} (schema.with_role(column, '{role}')).",
                )
            )
    return out


# ---------------------------------------------------------------------------------- Athena
def _q(identifier: str) -> str:
    """A double-quoted SQL identifier (Athena/Trino and DuckDB alike)."""
    return '"' + identifier.replace('"', '""') + '"'


def readiness_sql(
    database: str, table: str, user_col: str, item_col: str | None, ts_col: str | None
) -> str:
    """The ONE query that computes the readiness figures (Athena/Trino and DuckDB alike).

    It groups by the user column once, so the engine reads only the three role columns in
    one scan; the result is one row with the columns :data:`RESULT_COLUMNS`.

    Examples
    --------
    >>> sql = readiness_sql("db", "t", "customer_id", "product_id", "event_time")
    >>> 'FROM "db"."t"' in sql, sql.count("SELECT")
    (True, 2)
    """
    u = _q(user_col)
    item_nulls = f"count(*) - count({_q(item_col)})" if item_col else "CAST(NULL AS BIGINT)"
    if ts_col:
        ts_nulls = f"count(*) - count({_q(ts_col)})"
        ts_min, ts_max = f"min({_q(ts_col)})", f"max({_q(ts_col)})"
    else:
        ts_nulls = ts_min = ts_max = "CAST(NULL AS BIGINT)"
    return (
        "SELECT\n"
        '  CAST(coalesce(sum(n), 0) AS BIGINT) AS "rows",\n'
        '  CAST(count(u) AS BIGINT) AS "distinct_users",\n'
        "  CAST(coalesce(sum(CASE WHEN u IS NOT NULL AND n >= 2 THEN 1 ELSE 0 END), 0)"
        ' AS BIGINT) AS "users_with_2plus",\n'
        "  CAST(coalesce(sum(CASE WHEN u IS NULL THEN n ELSE 0 END), 0)"
        ' AS BIGINT) AS "null_user_ids",\n'
        '  CAST(sum(null_items) AS BIGINT) AS "null_item_ids",\n'
        '  CAST(sum(null_ts) AS BIGINT) AS "null_timestamps",\n'
        '  min(ts_min) AS "ts_min",\n'
        '  max(ts_max) AS "ts_max"\n'
        "FROM (\n"
        f"  SELECT {u} AS u, count(*) AS n,\n"
        f"    {item_nulls} AS null_items,\n"
        f"    {ts_nulls} AS null_ts,\n"
        f"    {ts_min} AS ts_min, {ts_max} AS ts_max\n"
        f"  FROM {_q(database)}.{_q(table)}\n"
        f"  GROUP BY {u}\n"
        ") AS per_user"
    )


def report_from_row(
    row: dict[str, Any],
    *,
    source: str,
    user_col: str,
    item_col: str | None,
    ts_col: str | None,
    bytes_scanned: int | None = None,
    query_id: str | None = None,
) -> ReadinessReport:
    """A report from the one result row of :func:`readiness_sql` (Athena's or DuckDB's)."""

    def num(key: str) -> int | None:
        v = row.get(key)
        if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
            return None
        return int(v)

    ts_min, ts_max = row.get("ts_min"), row.get("ts_max")
    ts_min = None if ts_min is pd.NA or ts_min is pd.NaT else ts_min
    ts_max = None if ts_max is pd.NA or ts_max is pd.NaT else ts_max
    if isinstance(ts_min, np.generic):
        ts_min = ts_min.item()
    if isinstance(ts_max, np.generic):
        ts_max = ts_max.item()
    if isinstance(ts_max, str):
        # Athena returns text for string columns; digits are epoch values.
        with contextlib.suppress(TypeError, ValueError):
            ts_min, ts_max = int(str(ts_min)), int(ts_max)
    unit = None
    if ts_max is not None:
        unit = (
            implied_unit(ts_max)
            if not isinstance(ts_max, int | float) or abs(float(ts_max)) >= abs(float(ts_min or 0))
            else implied_unit(ts_min)
        )
    report = ReadinessReport(
        rows=num("rows") or 0,
        distinct_users=num("distinct_users"),
        users_with_2plus=num("users_with_2plus"),
        null_user_ids=num("null_user_ids"),
        null_item_ids=num("null_item_ids") if item_col else None,
        null_timestamps=num("null_timestamps") if ts_col else None,
        ts_min=ts_min,
        ts_max=ts_max,
        ts_unit=unit,
        bytes_scanned=bytes_scanned,
        source=source,
        user_column=user_col,
        item_column=item_col,
        timestamp_column=ts_col,
        query_id=query_id,
    )
    report.findings = rule_findings(report)
    return report


class _Progress:
    """One line of progress, updated in place (a notebook display, else stderr)."""

    def __init__(self, title: str, enabled: bool = True) -> None:
        self.title = title
        self.enabled = enabled
        self.start = time.monotonic()
        self._handle: Any = None
        self._lock = threading.Lock()
        self._last = ""
        self._notebook = False
        if enabled:
            try:
                from IPython import get_ipython

                ip = get_ipython()
                self._notebook = ip is not None and getattr(ip, "kernel", None) is not None
            except ImportError:
                self._notebook = False

    def update(self, text: str) -> None:
        if not self.enabled:
            return
        line = f"{self.title}: {text} ({time.monotonic() - self.start:.1f} s)"
        with self._lock:
            self._last = line
            if self._notebook:
                from IPython.display import display

                if self._handle is None:
                    self._handle = display({"text/plain": line}, raw=True, display_id=True)
                else:
                    self._handle.update({"text/plain": line}, raw=True)
            else:
                sys.stderr.write("\r" + line + " " * 8)
                sys.stderr.flush()

    def close(self) -> None:
        if self.enabled and not self._notebook and self._last:
            sys.stderr.write("\n")
            sys.stderr.flush()


class _AthenaWatcher:
    """Follows awswrangler's own Athena calls through botocore events: no extra requests.

    ``StartQueryExecution`` gives the query id; every ``GetQueryExecution`` poll gives the
    state and the bytes scanned so far, shown as progress.
    """

    def __init__(self, session: boto3.Session, progress: _Progress) -> None:
        self.session = session
        self.progress = progress
        self.query_id: str | None = None
        self.state: str | None = None
        self.bytes_scanned: int | None = None
        self._uid = f"cleanroom_nb-readiness-{id(self)}"
        self._ticker: threading.Thread | None = None
        self._stop = threading.Event()

    def _on_start(self, parsed: dict[str, Any], **_: Any) -> None:
        self.query_id = parsed.get("QueryExecutionId")
        self.state = "QUEUED"
        self.progress.update(f"query {self.query_id} submitted")

    def _on_poll(self, parsed: dict[str, Any], **_: Any) -> None:
        qe = parsed.get("QueryExecution") or {}
        if self.query_id and qe.get("QueryExecutionId") not in (None, self.query_id):
            return
        self.state = (qe.get("Status") or {}).get("State", self.state)
        scanned = (qe.get("Statistics") or {}).get("DataScannedInBytes")
        if scanned is not None:
            self.bytes_scanned = int(scanned)
        self._show()

    def _show(self) -> None:
        scanned = f", {_fmt_bytes(self.bytes_scanned)} scanned" if self.bytes_scanned else ""
        self.progress.update(f"{self.state or 'starting'}{scanned}")

    def _tick(self) -> None:
        while not self._stop.wait(0.5):
            if self.state in ("QUEUED", "RUNNING"):
                self._show()

    def __enter__(self) -> _AthenaWatcher:
        ev = self.session.events
        ev.register(
            "after-call.athena.StartQueryExecution", self._on_start, unique_id=self._uid + "-start"
        )
        ev.register(
            "after-call.athena.GetQueryExecution", self._on_poll, unique_id=self._uid + "-poll"
        )
        if self.progress.enabled:
            self._ticker = threading.Thread(target=self._tick, daemon=True)
            self._ticker.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._ticker is not None:
            self._ticker.join(timeout=1)
        ev = self.session.events
        ev.unregister("after-call.athena.StartQueryExecution", unique_id=self._uid + "-start")
        ev.unregister("after-call.athena.GetQueryExecution", unique_id=self._uid + "-poll")


def _athena_error(exc: BaseException, database: str, table: str) -> _errors.CleanroomNbError:
    import awswrangler as wr

    what = f"running the readiness query on {database}.{table} in Athena"
    if isinstance(exc, wr.exceptions.QueryFailed):
        msg = str(exc)
        fix = "Check the table in the Athena console (SELECT * FROM it LIMIT 10)."
        if "TABLE_NOT_FOUND" in msg or "does not exist" in msg:
            fix = (
                "Check the database and table names (Glue keeps them lowercase) and the "
                "region of the session."
            )
        elif "Access Denied" in msg or "AccessDenied" in msg:
            fix = (
                "The caller needs s3:GetObject/ListBucket on the table's data and s3:PutObject "
                "on the query results location, plus glue:GetTable."
            )
        elif "HIVE_BAD_DATA" in msg or "HIVE_CANNOT_OPEN_SPLIT" in msg:
            fix = "A data file does not match the table's schema or format; fix the file or table."
        return _errors.AwsError(f"{what}: the query failed ({msg}). {fix}", code="QueryFailed")
    if isinstance(exc, _client.wrangler_errors()):
        return _errors.AwsError(f"{what}: {type(exc).__name__}: {exc}")
    return _client.translate(exc, what=what)


def readiness_from_athena(
    database: str,
    table: str,
    schema: TrainingSchema,
    *,
    workgroup: str = "primary",
    s3_output: str | None = None,
    progress: bool = True,
    boto3_session: boto3.Session | None = None,
) -> ReadinessReport:
    """Check a Glue table against Clean Rooms ML's data rules with ONE Athena query.

    The query (:func:`readiness_sql`) reads only the USER_ID, ITEM_ID and TIMESTAMP columns,
    and only one result row comes back, so this scales to any table size. Progress (state,
    bytes scanned, time) is shown while the query runs.

    Parameters
    ----------
    database, table
        The Glue table.
    schema
        Its training schema: the role columns are taken from it (by their Glue names).
    workgroup
        The Athena workgroup.
    s3_output
        Where Athena writes the result (None: the workgroup's setting or awswrangler's default
        ``s3://aws-athena-query-results-<account>-<region>/``).
    progress
        Show progress while the query runs.
    boto3_session
        The session (region, credentials).

    Returns
    -------
    ReadinessReport
        With ``bytes_scanned`` from the query's statistics and ``query_id``.

    Raises
    ------
    SchemaError
        The schema has no USER_ID column.
    AwsError
        The query failed (the message has Athena's reason and the fix), or access was denied,
        or the endpoint could not be reached (subclasses of :class:`AwsError`).

    Examples
    --------
    >>> report = readiness_from_athena("sales", "interactions", schema)  # doctest: +SKIP
    >>> report.users_with_2plus >= 100_000, report.bytes_scanned  # doctest: +SKIP
    (True, 123456789)
    """
    import awswrangler as wr

    user = schema.user_id
    if user is None:
        raise _errors.SchemaError(
            "the schema has no single USER_ID column, so users cannot be counted; give one "
            "column the role USER_ID (schema.with_role(column, 'USER_ID'))"
        )
    item, ts = schema.item_id, schema.timestamp
    names = (
        schema.api_name(user),
        schema.api_name(item) if item else None,
        schema.api_name(ts) if ts else None,
    )
    sql = readiness_sql(database, table, *names)
    session = _client.session(boto3_session)
    _check_workgroup(workgroup, session)
    bar = _Progress(f"Athena readiness query on {database}.{table}", enabled=progress)
    start = time.perf_counter()
    watcher = _AthenaWatcher(session, bar)
    try:
        with watcher:
            bar.update("starting")
            df = wr.athena.read_sql_query(
                sql,
                database=database,
                ctas_approach=False,
                workgroup=workgroup,
                s3_output=s3_output,
                keep_files=False,
                boto3_session=session,
            )
    except _client.call_errors() as exc:
        bar.update(f"failed ({type(exc).__name__})")
        bar.close()
        raise _athena_error(exc, database, table) from exc
    meta = getattr(df, "query_metadata", None) or {}
    scanned = (meta.get("Statistics") or {}).get("DataScannedInBytes", watcher.bytes_scanned)
    query_id = meta.get("QueryExecutionId") or watcher.query_id
    bar.update(f"done, {_fmt_bytes(int(scanned or 0))} scanned")
    bar.close()
    if len(df) != 1:
        raise _errors.AwsError(
            f"the readiness query on {database}.{table} returned {len(df)} rows instead of one "
            f"(query {query_id}); check the table in the Athena console."
        )
    row = {str(k).lower(): v for k, v in df.iloc[0].to_dict().items()}
    report = report_from_row(
        row,
        source=f"Athena {database}.{table}",
        user_col=names[0],
        item_col=names[1],
        ts_col=names[2],
        bytes_scanned=int(scanned) if scanned is not None else None,
        query_id=query_id,
    )
    report.findings = Findings([*_missing_role_findings(schema), *report.findings])
    report.seconds = time.perf_counter() - start
    return report


def _check_workgroup(workgroup: str, session: boto3.Session) -> None:
    """Raise a :class:`NotFoundError` naming the workgroups there are when ``workgroup`` is not."""
    athena = _client.client("athena", session)
    try:
        found = "WorkGroup" in athena.get_work_group(WorkGroup=workgroup)
    except botocore.exceptions.ClientError as exc:
        code = exc.response.get("Error", {}).get("Code", "")
        msg = exc.response.get("Error", {}).get("Message", "")
        if code != "InvalidRequestException" or "not found" not in msg.lower():
            raise _client.translate(exc, what=f"reading Athena workgroup {workgroup!r}") from exc
        found = False
    except botocore.exceptions.BotoCoreError as exc:
        raise _client.translate(exc, what=f"reading Athena workgroup {workgroup!r}") from exc
    if not found:
        try:
            names = [w["Name"] for w in athena.list_work_groups().get("WorkGroups", [])]
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError):
            names = []
        listed = f" Workgroups in {session.region_name}: {', '.join(names)}." if names else ""
        raise _errors.NotFoundError(
            f"Athena workgroup {workgroup!r} was not found in {session.region_name}.{listed} "
            "Pass workgroup= with an existing one (the default is 'primary').",
            code="InvalidRequestException",
        )
