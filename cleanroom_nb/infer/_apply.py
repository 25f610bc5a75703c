"""Run the fix plan in-process: :func:`apply_fix`, :func:`preview_fix`, :func:`apply_fixes`.

Every conversion works on the column's distinct values (``pandas.factorize``) and maps the
results back, so repeated ids and times are parsed or hashed once. The semantics equal the
Athena SQL of each :class:`~cleanroom_nb.infer._fixes.Fix`: times floor to epoch seconds (naive
text = UTC), values that do not convert become null, and rows with a null USER_ID, ITEM_ID or
TIMESTAMP are dropped.
"""

from __future__ import annotations

import hashlib
from typing import Any

import numpy as np
import pandas as pd

from cleanroom_nb import _roles
from cleanroom_nb._errors import SchemaError
from cleanroom_nb._findings import Finding, Findings
from cleanroom_nb.infer._fixes import UNIT_DIVISORS, Fix
from cleanroom_nb.infer._frames import as_pandas
from cleanroom_nb.infer._schema import TrainingSchema
from cleanroom_nb.infer._timeformat import parse_times

FINDINGS_ATTR = "cleanroom_nb_findings"
"""``DataFrame.attrs`` key under which :func:`apply_fixes` leaves its findings."""


def apply_fix(df: Any, fix: Fix) -> pd.Series:
    """The column ``fix.column`` of ``df`` converted by ``fix`` (``df`` is not modified).

    Values that cannot be converted become null (as ``try(...)`` does in Athena).

    Examples
    --------
    >>> import pandas as pd
    >>> import cleanroom_nb as crn
    >>> df = pd.DataFrame({"CustomerID": [17850.0 + i % 30 for i in range(300)],
    ...                    "StockCode": [f"85123{i % 50}" for i in range(300)],
    ...                    "ts": [1_291_191_960 + 60 * i for i in range(300)]})
    >>> df.loc[1, "CustomerID"] = None
    >>> fix = crn.infer_schema(df).fixes[0]
    >>> crn.apply_fix(df, fix).head(3).tolist()
    [17850, <NA>, 17852]
    """
    frame = as_pandas(df)
    if fix.column not in frame.columns:
        raise SchemaError(
            f"the fix is for column {fix.column!r}, which the frame does not have; infer the "
            "schema of this frame (crn.infer_schema(df)) and use its fixes"
        )
    s = frame[fix.column]
    if isinstance(s.dtype, pd.CategoricalDtype):
        s = s.astype(s.dtype.categories.dtype)
    if fix.kind == "to_epoch_seconds":
        out = _times(s, fix)
    elif fix.kind == "to_int_id":
        out = _int_ids(s)
    elif fix.kind in ("hash_email", "hash_phone"):
        out = _hashes(s, email=fix.kind == "hash_email")
    elif fix.kind == "cast":
        dtype = {"bigint": "Int64", "int": "Int32", "double": "float64"}[str(fix.params["to"])]
        out = s.astype(dtype)
    else:
        raise SchemaError(f"unknown fix kind {fix.kind!r} for column {fix.column!r}")
    out.name = fix.column
    return out


def preview_fix(df: Any, fix: Fix, n: int = 5) -> pd.DataFrame:
    """The first ``n`` non-null values of the column, before and after ``fix``.

    Examples
    --------
    >>> import pandas as pd
    >>> from cleanroom_nb.infer._fixes import plan_fix
    >>> from cleanroom_nb.infer import infer_schema
    >>> df = pd.DataFrame({"user_id": [f"u{i % 30}" for i in range(300)],
    ...                    "item_id": [i % 41 for i in range(300)],
    ...                    "when": [f"12/{1 + i % 28}/2010 8:26" for i in range(300)]})
    >>> preview_fix(df, infer_schema(df).fixes[0], n=2)
               before       after
    0  12/1/2010 8:26  1291191960
    1  12/2/2010 8:26  1291278360
    """
    frame = as_pandas(df)
    head = frame.loc[frame[fix.column].notna(), [fix.column]].head(n)
    after = apply_fix(head, fix)
    return pd.DataFrame(
        {"before": head[fix.column].to_numpy(), "after": after.to_numpy()},
    )


def apply_fixes(df: Any, schema: TrainingSchema) -> pd.DataFrame:
    """A new pandas DataFrame with every fix of ``schema`` applied, ready for Clean Rooms ML.

    Times become int64 epoch seconds (in the detected format and time zone), float ids become
    Int64, raw e-mails and phone numbers become SHA-256 hex, unusable Glue types are cast, and
    rows with a null USER_ID, ITEM_ID or TIMESTAMP are dropped; a finding says how many (in
    ``result.attrs["cleanroom_nb_findings"]``). Every other column is kept as it is. The input
    is never modified. ``df`` may be a pandas or polars DataFrame or a pyarrow Table.

    Examples
    --------
    >>> import pandas as pd
    >>> import cleanroom_nb as crn
    >>> df = pd.DataFrame({
    ...     "CustomerID": [17850.0 + i % 40 for i in range(400)] + [None],
    ...     "StockCode": [f"8512{i % 60}A" for i in range(401)],
    ...     "InvoiceDate": [f"12/{1 + i % 28}/2010 8:26" for i in range(401)],
    ... })
    >>> schema = crn.infer_schema(df)
    >>> schema.ok, [f.kind for f in schema.fixes]
    (False, ['to_int_id', 'to_epoch_seconds'])
    >>> fixed = crn.apply_fixes(df, schema)
    >>> len(fixed), str(fixed["CustomerID"].dtype), str(fixed["InvoiceDate"].dtype)
    (400, 'int64', 'int64')
    >>> crn.infer_schema(fixed).ok
    True
    """
    frame = as_pandas(df)
    out = frame.copy(deep=False)
    fixes = schema.fixes
    for fix in fixes:
        out[fix.column] = apply_fix(frame, fix)
    required = [c.name for c in schema.columns if c.role in _roles.REQUIRED_ROLES and c.name in out]
    findings: list[Finding] = []
    if required:
        keep = np.asarray(out[required].notna().all(axis=1), dtype=bool)
        dropped = int((~keep).sum())
        if dropped:
            out = out.loc[keep]
            findings.append(
                Finding(
                    "warning",
                    "rows",
                    "dropped_rows",
                    f"{dropped:,} of {len(frame):,} rows dropped: null (or not convertible) "
                    f"{', '.join(repr(c) for c in required)}; Clean Rooms ML needs all three",
                )
            )
        out = out.reset_index(drop=True)
    for fix in fixes:
        col = out[fix.column]
        if str(col.dtype) in ("Int64", "Int32") and not col.isna().any():
            out[fix.column] = col.astype(str(col.dtype).lower())
    out.attrs[FINDINGS_ATTR] = Findings(findings)
    return out


# --------------------------------------------------------------------------- conversions
def _on_uniques(s: pd.Series, convert: Any, dtype: str) -> pd.Series:
    """``convert`` on the distinct non-null values, mapped back (nulls stay null)."""
    codes, uniques = pd.factorize(s, use_na_sentinel=True)
    done = convert(pd.Series(uniques))
    values: Any = pd.array(done, dtype=dtype)
    taken = values.take(codes, allow_fill=True)
    return pd.Series(taken, index=s.index, name=s.name)


def _times(s: pd.Series, fix: Fix) -> pd.Series:
    from cleanroom_nb.infer._fix import to_epoch_seconds

    fmt = fix.params.get("format")
    if fmt:
        return _on_uniques(s, lambda u: parse_times(u, str(fmt)), "Int64")
    unit = fix.params.get("unit")
    if unit and not pd.api.types.is_numeric_dtype(s.dtype):
        nums = pd.to_numeric(s.astype("str").str.strip().where(s.notna()), errors="coerce")
        s = nums
    if unit and pd.api.types.is_numeric_dtype(s.dtype):
        return _epoch_floor(s, int(UNIT_DIVISORS[str(unit)]))
    return to_epoch_seconds(s).astype("Int64")


def _epoch_floor(s: pd.Series, div: int) -> pd.Series:
    if pd.api.types.is_integer_dtype(s.dtype):
        isna = np.asarray(s.isna(), dtype=bool)
        arr = np.asarray(s.to_numpy(dtype="int64", na_value=0), dtype="int64")
        out = pd.array(np.floor_divide(arr, div), dtype="Int64")
        out[isna] = pd.NA
        return pd.Series(out, index=s.index, name=s.name)
    arr = np.asarray(s.to_numpy(dtype="float64", na_value=np.nan), dtype="float64")
    floored = np.floor(arr / div) if div > 1 else np.floor(arr)
    ok = np.isfinite(floored)
    out = pd.array(np.where(ok, floored, 0).astype("int64"), dtype="Int64")
    out[~ok] = pd.NA
    return pd.Series(out, index=s.index, name=s.name)


def _int_ids(s: pd.Series) -> pd.Series:
    nums = pd.to_numeric(s, errors="coerce")
    arr = np.asarray(nums.to_numpy(dtype="float64", na_value=np.nan), dtype="float64")
    ok = np.isfinite(arr)
    # Athena's CAST(double AS BIGINT) rounds half away from zero.
    rounded = np.where(ok, np.sign(arr) * np.floor(np.abs(arr) + 0.5), 0).astype("int64")
    out = pd.array(rounded, dtype="Int64")
    out[~ok] = pd.NA
    return pd.Series(out, index=s.index, name=s.name)


def _hashes(s: pd.Series, *, email: bool) -> pd.Series:
    def convert(u: pd.Series) -> list[str]:
        text = u.astype("str")
        norm = (
            text.str.strip(" ").str.lower()
            if email
            else text.str.replace(r"[^0-9]", "", regex=True)
        )
        return [hashlib.sha256(v.encode("utf-8")).hexdigest() for v in norm.tolist()]

    return _on_uniques(s, convert, "str")
