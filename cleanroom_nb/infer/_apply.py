"""Run the fix plan in-process: :func:`apply_fix`, :func:`preview_fix`, :func:`apply_fixes`.

Each conversion is the one of its fix kind (:mod:`cleanroom_nb.fixes`), which also gives the
shown code and the Athena SQL; conversions work on distinct values where it pays. Values that
do not convert become null, and rows with a null USER_ID, ITEM_ID or TIMESTAMP are dropped.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

import cleanroom_nb._rulebook as _rulebook
from cleanroom_nb import _roles
from cleanroom_nb._errors import SchemaError
from cleanroom_nb._findings import Finding, Findings
from cleanroom_nb.fixes import Fix, convert, kind_of
from cleanroom_nb.infer._frames import as_pandas
from cleanroom_nb.infer._schema import TrainingSchema

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
    return convert(frame[fix.column], fix)


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
    if fix.column not in frame.columns:
        apply_fix(frame, fix)  # raises the error that names the column
    s = frame[fix.column]
    if isinstance(s.dtype, pd.CategoricalDtype):
        s = s.astype(s.dtype.categories.dtype)
    return kind_of(fix).preview(s, fix, n)


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
    >>> schema.after_fixes().ok     # the schema of the fixed frame: no second inference
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
            findings.append(_rulebook.dropped_rows(dropped, len(frame), required))
        out = out.reset_index(drop=True)
    for fix in fixes:
        col = out[fix.column]
        if str(col.dtype) in ("Int64", "Int32") and not col.isna().any():
            out[fix.column] = col.astype(str(col.dtype).lower())
    out.attrs[FINDINGS_ATTR] = Findings(findings)
    return out
