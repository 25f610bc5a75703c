"""``infer_schema(df)``: Glue types and suggested roles for a pandas DataFrame.

The cost is bounded by a sample: a fixed number of random rows (taken with ``numpy`` positions,
so it never grows with the frame) is typed with awswrangler's pandas-to-Athena mapping and
profiled; :func:`cleanroom_nb.infer._suggest.suggest_schema` does the rest.
"""

from __future__ import annotations

import warnings
from collections import Counter
from typing import Any

import numpy as np
import pandas as pd

import cleanroom_nb._rulebook as _rulebook
from cleanroom_nb._errors import CleanroomNbError, InvalidFrameError
from cleanroom_nb.infer._frames import arrow_table, arrow_to_pandas
from cleanroom_nb.infer._schema import ColumnSchema, TrainingSchema
from cleanroom_nb.infer._scope import SampleScope

SAMPLE_ROWS = 20_000
"""Rows profiled by default; enough to estimate distinct values and repeats (Chao1)."""
TYPE_ROWS = 2_000
"""Rows of the sample given to awswrangler's type mapping first."""
UNKNOWN = "unknown"
"""Glue type of a column awswrangler cannot type (all null, mixed, uint64, timedelta ...)."""


def infer_schema(
    df: pd.DataFrame, *, sample_rows: int = SAMPLE_ROWS, seed: int = 0
) -> TrainingSchema:
    """Infer Glue types and suggest Clean Rooms ML roles for a DataFrame.

    Parameters
    ----------
    df
        The interactions: a pandas or polars DataFrame, a pyarrow Table, or any frame with
        the Arrow PyCapsule interface. Column names must be unique strings.
    sample_rows
        How many rows (at random positions) are typed and profiled; the cost depends on
        this, not on the frame's length.
    seed
        Seed of the random sample (the same frame and seed give the same schema).

    Returns
    -------
    TrainingSchema
        Every column with its Glue type, role (or None), confidence and reason; roles that no
        column fits are in ``.missing``; ``.findings`` holds what to fix first.

    Raises
    ------
    InvalidFrameError
        If the frame cannot be a table: no columns, duplicate or non-string names,
        MultiIndex columns, or not a DataFrame at all.

    Examples
    --------
    >>> import pandas as pd
    >>> import cleanroom_nb as crn
    >>> df = pd.DataFrame({
    ...     "user_id": [f"u{i % 50}" for i in range(500)],
    ...     "item_id": [i % 97 for i in range(500)],
    ...     "timestamp": [1_700_000_000 + 60 * i for i in range(500)],
    ...     "rating": [1 + i % 5 for i in range(500)],
    ... })
    >>> schema = crn.infer_schema(df)
    >>> [c["columnName"] for c in schema.to_api()]
    ['user_id', 'item_id', 'timestamp', 'rating']
    >>> schema.column("rating").role
    'NUMERICAL_FEATURE'
    """
    table = arrow_table(df)
    if table is not None:
        # Sample the Arrow data first: only the sampled rows are turned into pandas.
        n = table.num_rows
        df = arrow_to_pandas(table.take(_positions(n, sample_rows, seed)))
    else:
        n = len(df) if isinstance(df, pd.DataFrame) else 0
    check_frame(df)
    try:
        sample = sample_frame(df, sample_rows, seed=seed)
        glue_types, notes = glue_types_of(sample)
        from cleanroom_nb.infer._suggest import suggest_schema

        nullable = {
            str(name): _dtype_nullable(df.dtypes.iloc[i]) for i, name in enumerate(df.columns)
        }
        # Random rows out of the whole frame (all of them when it is small enough).
        scope = SampleScope(rows=len(sample), total_rows=n, random=True)
        schema = suggest_schema(sample, glue_types, total_rows=n, nullable=nullable, scope=scope)
        if notes:
            schema = _with_notes(schema, notes)
        return schema
    except CleanroomNbError:
        raise
    except Exception as exc:
        return _fallback(df, exc)


def check_frame(df: Any) -> None:
    """Raise :class:`InvalidFrameError` if ``df`` cannot be a table; say what to change.

    Examples
    --------
    >>> import pandas as pd
    >>> check_frame(pd.DataFrame({"a": [1]}))
    >>> check_frame(pd.DataFrame([[1, 2]], columns=["a", "a"]))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    cleanroom_nb._errors.InvalidFrameError: column names must be unique: 'a' appears 2 times; ...
    """
    if not isinstance(df, pd.DataFrame):
        raise InvalidFrameError(
            f"expected a pandas DataFrame, got {type(df).__name__}; "
            "build one with pandas.DataFrame(...) first"
        )
    cols = df.columns
    if isinstance(cols, pd.MultiIndex):
        raise InvalidFrameError(
            f"the columns are a MultiIndex ({cols.nlevels} levels); a table needs one flat name "
            "per column: flatten them, e.g. df.columns = ['_'.join(map(str, c)) for c in "
            "df.columns]"
        )
    if len(cols) == 0:
        raise InvalidFrameError(
            "the DataFrame has no columns; a training table needs at least a user id, an item "
            "id and a timestamp column"
        )
    bad = [c for c in cols if not isinstance(c, str)]
    if bad:
        shown = ", ".join(f"{c!r} ({type(c).__name__})" for c in bad[:5])
        raise InvalidFrameError(
            f"column names must be strings; {len(bad)} are not: {shown}; rename them, e.g. "
            "df.columns = df.columns.map(str)"
        )
    dupes = [(name, k) for name, k in Counter(cols).items() if k > 1]
    if dupes:
        shown = ", ".join(f"{name!r} appears {k} times" for name, k in dupes[:5])
        raise InvalidFrameError(
            f"column names must be unique: {shown}; rename the duplicates "
            "(e.g. df.columns = [...]) and try again"
        )


def sample_frame(df: pd.DataFrame, rows: int = SAMPLE_ROWS, *, seed: int = 0) -> pd.DataFrame:
    """At most ``rows`` rows at random positions (in frame order); the frame if it is smaller.

    The cost depends on ``rows`` only: positions are drawn with numpy and taken with
    ``DataFrame.take``.

    Examples
    --------
    >>> import pandas as pd
    >>> len(sample_frame(pd.DataFrame({"a": range(100_000)}), 1000))
    1000
    """
    if len(df) <= max(int(rows), 1):
        return df
    return df.take(_positions(len(df), rows, seed))


def _positions(n: int, rows: int, seed: int) -> np.ndarray:
    """Sorted random row positions: all of them when ``n <= rows``."""
    rows = max(int(rows), 1)
    if n <= rows:
        return np.arange(n)
    rng = np.random.default_rng(seed)
    return np.sort(rng.choice(n, size=rows, replace=False))


def glue_types_of(sample: pd.DataFrame) -> tuple[dict[str, str], dict[str, str]]:
    """The Glue type awswrangler would register for each column, from a (bounded) sample.

    Columns awswrangler cannot type get ``"unknown"`` and a note saying why.

    Examples
    --------
    >>> import pandas as pd
    >>> glue_types_of(pd.DataFrame({"a": [1], "b": ["x"], "c": [None]}))[0]
    {'a': 'bigint', 'b': 'string', 'c': 'unknown'}
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return _glue_types_of(sample)


def _glue_types_of(sample: pd.DataFrame) -> tuple[dict[str, str], dict[str, str]]:
    import awswrangler as wr

    names = [str(c) for c in sample.columns]
    # Type a small slice first (cheap); columns it cannot type get the whole sample below.
    head = sample.iloc[:TYPE_ROWS]
    try:
        types = wr.catalog.extract_athena_types(head, index=False)[0]
        if set(types) == set(names) and all(
            not (
                pd.api.types.is_object_dtype(sample.dtypes.iloc[i])
                and head.iloc[:, i].isna().all()
                and not sample.iloc[:, i].isna().all()
            )
            for i in range(len(names))
        ):
            return {c: str(types[c]) for c in names}, {}
    except Exception:
        pass
    out: dict[str, str] = {}
    notes: dict[str, str] = {}
    for i, name in enumerate(names):
        col = sample.iloc[:, [i]]
        try:
            t = wr.catalog.extract_athena_types(col, index=False)[0]
            out[name] = str(next(iter(t.values())))
        except Exception as exc:
            out[name] = UNKNOWN
            notes[name] = _type_note(col.iloc[:, 0], exc)
    return out, notes


def _type_note(s: pd.Series, exc: Exception) -> str:
    dtype = str(s.dtype)
    if "uint64" in dtype:
        return "awswrangler cannot write uint64; cast it to int64"
    if "timedelta" in dtype or "duration" in dtype:
        return "awswrangler cannot write durations; convert to seconds with .dt.total_seconds()"
    if s.isna().all():
        return "all values are null, so awswrangler cannot type it; drop it or cast it"
    return (
        f"awswrangler cannot type it ({type(exc).__name__}); cast it to one type "
        "(e.g. .astype('string'))"
    )


def _dtype_nullable(dtype: Any) -> bool:
    if isinstance(dtype, np.dtype):
        return dtype.kind not in ("i", "u", "b")
    return True


def _with_notes(schema: TrainingSchema, notes: dict[str, str]) -> TrainingSchema:
    from dataclasses import replace

    cols = []
    for c in schema.columns:
        if (
            c.name in notes
            and c.role is None
            and not any(w in c.reason for w in ("cast it", "convert it", "drop it"))
        ):
            cols.append(replace(c, reason=f"{c.reason}; {notes[c.name]}"))
        else:
            cols.append(c)
    return TrainingSchema.from_columns(
        cols,
        missing=schema.missing,
        source=schema.source,
        extra_findings=schema.extra_findings,
        glue_names=schema.glue_names,
    )


def _fallback(df: pd.DataFrame, exc: Exception) -> TrainingSchema:
    why = f"could not be inferred ({type(exc).__name__}: {str(exc)[:200]})"
    cols = [ColumnSchema(str(name), UNKNOWN, None, 0.0, f"left out: {why}") for name in df.columns]
    finding = _rulebook.inference_failed(exc)
    missing = {r: why for r in ("USER_ID", "ITEM_ID", "TIMESTAMP")}
    return TrainingSchema.from_columns(cols, missing=missing, extra_findings=[finding])
