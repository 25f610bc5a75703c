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
from cleanroom_nb.readiness._window import TimeWindow

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
WINDOW_COLUMNS = ("rows_all", "ts_min_all", "ts_max_all")
"""The columns a query with a training window adds: all the data's rows and time range."""


def readiness_sql(
    database: str,
    table: str,
    user_col: str,
    item_col: str | None,
    ts_col: str | None,
    *,
    window: TimeWindow | None = None,
    ts_glue_type: str = "bigint",
) -> str:
    """The ONE query that computes the readiness figures (Athena/Trino and DuckDB alike).

    It groups by the user column once, so the engine reads only the three role columns in
    one scan; the result is one row with the columns :data:`RESULT_COLUMNS`. With a training
    ``window`` (``ts_glue_type`` is the TIMESTAMP column's Glue type), the figures count only
    the rows inside it, and the row adds :data:`WINDOW_COLUMNS` about all the data.

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
    count, users, extra, extra_inner = "count(*)", "count(u)", "", ""
    if window is not None:
        if not ts_col:
            raise _errors.SchemaError(
                "the schema has no single TIMESTAMP column, so a training window cannot be "
                "checked; give one column the role TIMESTAMP"
            )
        inside = window.sql_condition(_q(ts_col), ts_glue_type)
        count, users = (
            f"sum(CASE WHEN {inside} THEN 1 ELSE 0 END)",
            "count(CASE WHEN n > 0 THEN u END)",
        )
        if item_col:
            item_nulls = f"sum(CASE WHEN {inside} AND {_q(item_col)} IS NULL THEN 1 ELSE 0 END)"
        ts_min = f"min(CASE WHEN {inside} THEN {_q(ts_col)} END)"
        ts_max = f"max(CASE WHEN {inside} THEN {_q(ts_col)} END)"
        extra = (
            ',\n  CAST(coalesce(sum(n_all), 0) AS BIGINT) AS "rows_all",\n'
            '  min(ts_min_all) AS "ts_min_all",\n'
            '  max(ts_max_all) AS "ts_max_all"'
        )
        extra_inner = (
            f"    count(*) AS n_all, min({_q(ts_col)}) AS ts_min_all, "
            f"max({_q(ts_col)}) AS ts_max_all,\n"
        )
    return (
        "SELECT\n"
        '  CAST(coalesce(sum(n), 0) AS BIGINT) AS "rows",\n'
        f'  CAST({users} AS BIGINT) AS "distinct_users",\n'
        "  CAST(coalesce(sum(CASE WHEN u IS NOT NULL AND n >= 2 THEN 1 ELSE 0 END), 0)"
        ' AS BIGINT) AS "users_with_2plus",\n'
        "  CAST(coalesce(sum(CASE WHEN u IS NULL THEN n ELSE 0 END), 0)"
        ' AS BIGINT) AS "null_user_ids",\n'
        '  CAST(sum(null_items) AS BIGINT) AS "null_item_ids",\n'
        '  CAST(sum(null_ts) AS BIGINT) AS "null_timestamps",\n'
        '  min(ts_min) AS "ts_min",\n'
        '  max(ts_max) AS "ts_max"' + extra + "\n"
        "FROM (\n"
        f"  SELECT {u} AS u, {count} AS n,\n" + extra_inner + f"    {item_nulls} AS null_items,\n"
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
    window: TimeWindow | None = None,
) -> ReadinessReport:
    """A report from the one result row of :func:`readiness_sql` (Athena's or DuckDB's).

    With the ``window`` the query counted in, the row's :data:`WINDOW_COLUMNS` give the data's
    own rows and time range (and the time unit is judged on those, not on the window's rows).
    """

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
    all_min, all_max = ts_min, ts_max
    if window is not None:
        all_min, all_max = _time_value(row.get("ts_min_all")), _time_value(row.get("ts_max_all"))
    unit = None
    if all_max is not None:
        unit = (
            implied_unit(all_max)
            if not isinstance(all_max, int | float)
            or abs(float(all_max)) >= abs(float(all_min or 0))
            else implied_unit(all_min)
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
    if window is not None:
        report.window, report.rows_all = window, num("rows_all")
        report.data_ts_min, report.data_ts_max = all_min, all_max
    report.findings = rule_findings(report)
    return report


def _time_value(value: Any) -> Any:
    """A min/max time of the result row as Python: None, a number or a timestamp."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, str):  # Athena returns text for string columns; digits are epochs
        with contextlib.suppress(ValueError):
            return int(value)
    return value


def readiness_from_athena(
    database: str,
    table: str,
    schema: TrainingSchema,
    *,
    workgroup: str = "primary",
    s3_output: str | None = None,
    progress: bool = True,
    window: TimeWindow | None = None,
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
    window
        A training window (:class:`~cleanroom_nb.readiness._window.TimeWindow`): the figures
        count only its rows, still in the one query, which also gives all the data's rows and
        time range (``report.rows_all``, ``report.data_ts_min``, ``report.data_ts_max``).
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
    ts_type = ts.glue_type if ts is not None else "bigint"
    run = run_query(
        readiness_sql(database, table, *names, window=window, ts_glue_type=ts_type),
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
        window=window,
    )
    report.findings = Findings([*missing_role_findings(schema), *report.findings])
    report.seconds = run.seconds
    return report
