"""Readiness of a Glue table with ONE Athena query: the SQL, running it, the report.

:func:`readiness_from_athena` pushes :func:`readiness_sql` to Athena (through
:func:`cleanroom_nb.glue._athena.run_query`: progress, bytes scanned, clear errors), so only the
three role columns are scanned and nothing comes back but one result row.
"""

from __future__ import annotations

import contextlib
import math
from typing import Any

import boto3
import numpy as np
import pandas as pd

from cleanroom_nb import _errors
from cleanroom_nb._findings import Findings
from cleanroom_nb.glue._athena import quote_identifier as _q
from cleanroom_nb.glue._athena import run_query
from cleanroom_nb.infer._schema import TrainingSchema
from cleanroom_nb.readiness._report import (
    ReadinessReport,
    implied_unit,
    missing_role_findings,
    rule_findings,
)

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
    run = run_query(
        readiness_sql(database, table, *names),
        database=database,
        what=f"running the readiness query on {database}.{table} in Athena",
        title=f"Athena readiness query on {database}.{table}",
        read_result=True,
        workgroup=workgroup,
        s3_output=s3_output,
        progress=progress,
        boto3_session=boto3_session,
    )
    df = run.frame if run.frame is not None else pd.DataFrame()
    if len(df) != 1:
        raise _errors.AwsError(
            f"the readiness query on {database}.{table} returned {len(df)} rows instead of one "
            f"(query {run.query_id}); check the table in the Athena console."
        )
    row = {str(k).lower(): v for k, v in df.iloc[0].to_dict().items()}
    report = report_from_row(
        row,
        source=f"Athena {database}.{table}",
        user_col=names[0],
        item_col=names[1],
        ts_col=names[2],
        bytes_scanned=run.bytes_scanned,
        query_id=run.query_id,
    )
    report.findings = Findings([*missing_role_findings(schema), *report.findings])
    report.seconds = run.seconds
    return report
