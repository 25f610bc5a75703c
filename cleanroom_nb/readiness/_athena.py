"""Readiness of a Glue table with ONE Athena query: running it, and the report from its result.

:func:`readiness_from_athena` estimates the scan (:func:`cleanroom_nb.estimate_athena_scan`),
then pushes :func:`~cleanroom_nb.readiness._sql.readiness_sql` to Athena (through
:func:`cleanroom_nb.glue._athena.run_query`: the estimate, progress, bytes scanned, clear
errors). Only the three role columns are scanned, and nothing comes back but the figures row and
the histogram rows (a few hundred at most).
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
from cleanroom_nb.aws import _client
from cleanroom_nb.glue._athena import run_query
from cleanroom_nb.glue._scan_estimate import ScanEstimate, estimate_or_reason
from cleanroom_nb.infer._schema import TrainingSchema
from cleanroom_nb.readiness._bins import Histograms
from cleanroom_nb.readiness._report import (
    ReadinessReport,
    implied_unit,
    missing_role_findings,
    rule_findings,
)
from cleanroom_nb.readiness._sql import readiness_sql
from cleanroom_nb.readiness._window import TimeWindow


def histograms_from_result(result: pd.DataFrame, *, item_col: str | None) -> Histograms:
    """The histograms from the ``users``, ``days`` and ``items`` rows of the result."""

    def rows(kind: str, *cols: str) -> list[tuple[int, ...]]:
        part = result[result["kind"] == kind]
        return sorted(tuple(int(v) for v in r) for r in part[list(cols)].itertuples(index=False))

    users = tuple((b, v) for b, v in rows("users", "bin", "value"))
    days = rows("days", "bin", "value", "width")
    items = tuple((b, v, w) for b, v, w in rows("items", "bin", "value", "width"))
    figures = result[result["kind"] == "figures"]
    distinct = figures["distinct_items"].iloc[0] if len(figures) and item_col else None
    return Histograms(
        interactions_per_user=users,
        day_width=days[0][2] if days else None,
        events_per_day=tuple((b, v) for b, v, _ in days),
        item_runs=items,
        distinct_items=None if distinct is None or pd.isna(distinct) else int(distinct),
    )


def report_from_result(
    result: pd.DataFrame,
    *,
    source: str,
    user_col: str,
    item_col: str | None,
    ts_col: str | None,
    bytes_scanned: int | None = None,
    query_id: str | None = None,
    window: TimeWindow | None = None,
) -> ReadinessReport:
    """A report from the result of :func:`readiness_sql` (Athena's or DuckDB's).

    With the ``window`` the query counted in, the figures row's
    :data:`~cleanroom_nb.readiness._sql.WINDOW_COLUMNS` give the data's own rows and time range
    (and the time unit is judged on those, not on the window's rows).

    Raises
    ------
    AwsError
        The result has no single ``figures`` row.
    """
    result = result.rename(columns=lambda c: str(c).lower())
    figures = result[result["kind"] == "figures"]
    if len(figures) != 1:
        raise _errors.AwsError(
            f"the readiness query on {source} returned {len(figures)} figures rows instead of "
            f"one (query {query_id}); check the table in the Athena console."
        )
    row = figures.iloc[0].to_dict()

    def num(key: str) -> int | None:
        v = row.get(key)
        if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
            return None
        return int(v)

    ts_min, ts_max = time_value(row.get("ts_min")), time_value(row.get("ts_max"))
    all_min, all_max = ts_min, ts_max
    if window is not None:
        all_min, all_max = time_value(row.get("ts_min_all")), time_value(row.get("ts_max_all"))
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
        distinct_items=num("distinct_items") if item_col else None,
        histograms=histograms_from_result(result, item_col=item_col),
        bytes_scanned=bytes_scanned,
        source=source,
        user_column=user_col,
        item_column=item_col,
        timestamp_column=ts_col,
        query_id=query_id,
    )
    if window is not None:
        report.window, report.rows_all = window, num("rows_all") or 0
        report.data_ts_min, report.data_ts_max = all_min, all_max
    report.findings = rule_findings(report)
    return report


def time_value(value: Any) -> Any:
    """A min/max time of the figures row as Python: None, a number or a timestamp.

    Examples
    --------
    >>> time_value(np.int64(5)), time_value("1700000000"), time_value(float("nan"))
    (5, 1700000000, None)
    """
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

    The query (:func:`~cleanroom_nb.readiness._sql.readiness_sql`) reads only the USER_ID,
    ITEM_ID and TIMESTAMP columns, and only the figures row and the histogram rows (a few
    hundred at most) come back, so this scales to any table size. What it will scan and cost
    is shown before it runs, progress (state, bytes scanned, time) while it runs.

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
        Show progress while the query runs (with the scan estimate before it, and the bytes
        scanned after).
    window
        A training window (:class:`~cleanroom_nb.TimeWindow`): the figures and the histograms
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
        The schema has no USER_ID column, or a ``window`` is given and the TIMESTAMP column is
        missing or holds no comparable times (text, date): nothing was scanned.
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
    # The SQL first: a window it cannot apply is refused before anything is read.
    sql = readiness_sql(
        database, table, *names, ts_type=ts.glue_type if ts else None, window=window
    )
    session = _client.session(boto3_session)
    estimate = estimate_or_reason(database, table, [n for n in names if n], boto3_session=session)
    run = run_query(
        sql,
        database=database,
        what=f"running the readiness query on {database}.{table} in Athena",
        title=f"Athena readiness query on {database}.{table}",
        read_result=True,
        workgroup=workgroup,
        s3_output=s3_output,
        progress=progress,
        estimate=estimate,
        boto3_session=session,
    )
    report = report_from_result(
        run.frame if run.frame is not None else pd.DataFrame(columns=["kind"]),
        source=f"Athena {database}.{table}",
        user_col=names[0],
        item_col=names[1],
        ts_col=names[2],
        bytes_scanned=run.bytes_scanned,
        query_id=run.query_id,
        window=window,
    )
    report.findings = Findings([*missing_role_findings(schema), *report.findings])
    report.scan_estimate = estimate if isinstance(estimate, ScanEstimate) else None
    report.seconds = run.seconds
    return report
