"""``check_data``: findings about the rows of a DataFrame that is to become a training dataset.

The figures (rows, distinct users, users with two or more interactions, nulls, the timestamp
range and unit) are the readiness figures of :func:`cleanroom_nb.readiness._pandas.readiness`,
computed once there; this module adds what readiness does not judge: raw PII in the USER_ID
column, read from the schema's column profile (or, without one, a bounded sample).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

import cleanroom_nb._rulebook as _rulebook
from cleanroom_nb import _roles
from cleanroom_nb._findings import Finding, Findings
from cleanroom_nb.infer import _patterns
from cleanroom_nb.infer._schema import ColumnProfile, ColumnSchema, TrainingSchema

PII_SAMPLE_ROWS = 10_000
"""Rows of the USER_ID column profiled for PII when the schema carries no profile."""

_PII_WORDS = {
    _patterns.EMAIL: "e-mail addresses",
    _patterns.PHONE: "phone numbers",
    _patterns.PERSON_NAME: "person names",
}


def check_data(df: pd.DataFrame, schema: TrainingSchema) -> Findings:
    """Findings about the data of a DataFrame source, judged against ``schema``'s roles.

    Covers the row count, distinct users and users with at least two interactions, timestamps
    in Unix epoch seconds within a plausible range, null IDs and timestamps (all from
    :func:`cleanroom_nb.readiness`) and raw PII (e-mail, phone, names) in the USER_ID column.

    Parameters
    ----------
    df
        The whole DataFrame (as it will be written).
    schema
        Its schema (from :func:`cleanroom_nb.infer_schema`, roles possibly edited).

    Returns
    -------
    Findings
        Errors for data Clean Rooms ML rejects (too few rows or users, timestamps not in
        epoch seconds), warnings for data it trains badly on (null ids, raw PII, odd ranges).

    Examples
    --------
    >>> import pandas as pd, cleanroom_nb as crn
    >>> df = pd.DataFrame({"user": ["ann@x.org", "bob@y.com", "ann@x.org"], "item": [1, 2, 1],
    ...                    "ts": [1_700_000_000_000, 1_700_000_100_000, 1_700_000_200_000]})
    >>> schema = crn.infer_schema(df).with_roles({"user": "USER_ID", "item": "ITEM_ID"})
    >>> sorted(f.code for f in crn.check_data(df, schema))
    ['min_rows', 'min_users_with_2_interactions', 'raw_pii', 'timestamp_unit']
    """
    from cleanroom_nb.readiness._pandas import readiness

    report = readiness(df, schema)
    out: list[Finding] = list(report.findings)
    out.extend(_pii_findings(df, schema, already=out))
    return Findings(dict.fromkeys(out))  # each finding once, in order


def _profile_of(df: pd.DataFrame, column: ColumnSchema) -> ColumnProfile | None:
    if column.profile is not None:
        return column.profile
    if column.name not in df.columns:
        return None
    from cleanroom_nb.infer._profile import profile_column

    values: Any = df[column.name]
    if isinstance(values, pd.DataFrame):  # duplicate column names: the first one
        values = values.iloc[:, 0]
    return profile_column(values.head(PII_SAMPLE_ROWS), total_rows=len(df))


def _pii_findings(
    df: pd.DataFrame, schema: TrainingSchema, *, already: list[Finding]
) -> list[Finding]:
    user = schema.user_id
    if user is None:
        return []
    path = f"columns.{user.name}"
    if any(f.path == path and "pii" in f.code for f in already):
        return []  # readiness (or the schema) has said it already
    profile = _profile_of(df, user)
    if profile is None:
        return []
    pii = [p for p in _patterns.PII_PATTERNS if profile.has(p)]
    if not pii:
        return []
    what = [_PII_WORDS.get(p, p) for p in pii]
    return [_rulebook.raw_pii(user.name, _roles.USER_ID, what, path=path)]
