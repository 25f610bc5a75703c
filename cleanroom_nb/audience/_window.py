"""The training window of an audience model, checked against the data it will train on.

CreateAudienceModel documents ``trainingDataStartTime`` / ``trainingDataEndTime`` only as "the
start [end] date and time of the training window", both optional (API reference; the console's
"(Optional) Enter a Training window"); the user guide's minimums hold for the data a lookalike
model is made from: "To successfully create a lookalike model, your training data must meet the
following requirements: [...] at least 100,000 unique user IDs with at least two item
interactions each [...] at least 1 million records" (Training data requirements for Clean Rooms
ML). So the library reads the window from the data:

* a missing start or end defaults to the data's own first event, or one second after its last;
* start must come before end; a window that holds no event is an error, one that reaches
  beyond the data a warning (a wrong year?);
* the rows inside the window must still meet the minimums (errors otherwise).

The data is the training dataset's own: its Glue table (read from GetTrainingDataset), counted
with ONE Athena query (:func:`cleanroom_nb.readiness_from_athena` with a window), or, with
``df=``, a DataFrame holding the same rows, counted in-process
(:func:`cleanroom_nb.readiness` with a window). Both count an event when ``start <= t < end``.
"""

from __future__ import annotations

import math
from typing import Any

import boto3
import pandas as pd

import cleanroom_nb._rulebook as _rulebook
from cleanroom_nb._errors import NotFoundError
from cleanroom_nb._findings import Finding, Findings
from cleanroom_nb.aws import _client
from cleanroom_nb.infer._frame import glue_types_of
from cleanroom_nb.infer._schema import ColumnSchema, TrainingSchema
from cleanroom_nb.readiness._athena import readiness_from_athena
from cleanroom_nb.readiness._pandas import readiness
from cleanroom_nb.readiness._report import ReadinessReport, missing_role_findings, rule_findings
from cleanroom_nb.readiness._window import TimeWindow, epoch_seconds, iso
from cleanroom_nb.submit._describe import get_training_dataset

START_PATH, END_PATH = _rulebook.WINDOW_START, _rulebook.WINDOW_END
_FIRST, _LAST = 0.0, 253_402_300_799.0
"""Bounds that stand for "no start" and "no end" (1970-01-01 and 9999-12-31T23:59:59Z): the
one query counts between them, and the defaults come from the data's own range it returns."""


def glue_source(described: dict[str, Any]) -> dict[str, Any]:
    """The Glue table of a training dataset (``databaseName``, ``tableName``, ``catalogId``)."""
    data = (described.get("trainingData") or [{}])[0]
    config = data.get("inputConfig") or {}
    return dict((config.get("dataSource") or {}).get("glueDataSource") or {})


def dataset_schema(described: dict[str, Any], glue_types: dict[str, str]) -> TrainingSchema:
    """The training dataset's own columns and roles as a schema (names as Glue keeps them)."""
    data = (described.get("trainingData") or [{}])[0]
    columns = []
    for c in (data.get("inputConfig") or {}).get("schema") or []:
        name = str(c.get("columnName"))
        role = (c.get("columnTypes") or [None])[0]
        found = glue_types.get(name) or glue_types.get(name.lower()) or "unknown"
        columns.append(ColumnSchema(name, found, role, 1.0, "the training dataset's role"))
    return TrainingSchema.from_columns(columns, glue_names=True)


def _table_types(glue: dict[str, Any], session: boto3.Session) -> dict[str, str]:
    import awswrangler as wr

    database, table = str(glue.get("databaseName")), str(glue.get("tableName"))
    try:
        types = wr.catalog.get_table_types(
            database=database, table=table, catalog_id=glue.get("catalogId"), boto3_session=session
        )
    except Exception as exc:
        raise _client.translate(exc, what=f"reading Glue table {database}.{table}") from exc
    if types is None:
        raise NotFoundError(
            f"the training dataset's Glue table {database}.{table} was not found; it must exist "
            "when the audience model trains. Register it again, or pass df= to check the window "
            "on a DataFrame of the same rows"
        )
    return {str(k): str(v) for k, v in types.items()}


def window_of(start: Any, end: Any) -> tuple[TimeWindow, Findings]:
    """The window to count in (open ends stand in for missing times) and any error in it."""
    out = Findings()
    try:
        low = _FIRST if start is None else epoch_seconds(start, what="trainingDataStartTime")
    except ValueError as exc:
        return TimeWindow(_FIRST, _LAST), Findings([_rulebook.bad_time(str(exc), path=START_PATH)])
    try:
        high = _LAST if end is None else epoch_seconds(end, what="trainingDataEndTime")
    except ValueError as exc:
        return TimeWindow(_FIRST, _LAST), Findings([_rulebook.bad_time(str(exc), path=END_PATH)])
    if start is not None and end is not None and low >= high:
        out.append(_rulebook.window_order(iso(low), iso(high)))
    return TimeWindow(low, high), out


def check_training_window(
    training_dataset_arn: str,
    start: Any = None,
    end: Any = None,
    *,
    df: pd.DataFrame | None = None,
    workgroup: str = "primary",
    s3_output: str | None = None,
    progress: bool = True,
    boto3_session: boto3.Session | None = None,
) -> ReadinessReport:
    """Check a training window against the training dataset's data; fill missing ends from it.

    Parameters
    ----------
    training_dataset_arn
        The training dataset the audience model will train on (its roles and Glue table are
        read with GetTrainingDataset).
    start, end
        The window (a ``datetime``, ``date``, ISO 8601 string or epoch seconds; naive times are
        UTC). A missing start is the data's first event; a missing end one second after its
        last, so the window holds every event.
    df
        The training data as a DataFrame (the rows of the Glue table): counted in-process.
        Without it, ONE Athena query counts the Glue table.
    workgroup, s3_output, progress
        For the Athena query (see :func:`cleanroom_nb.readiness_from_athena`).

    Returns
    -------
    ReadinessReport
        The figures inside the window (``rows``, ``users_with_2plus``, ...), the window itself
        (``.window``, with the defaults filled in), the data's own span (``.data_ts_min``,
        ``.data_ts_max``, ``.rows_all``) and findings on ``trainingDataStartTime`` /
        ``trainingDataEndTime`` and each data rule. No error: the window may be used.

    Raises
    ------
    NotFoundError
        The training dataset or its Glue table does not exist.
    SchemaError
        The TIMESTAMP column holds no comparable times (fix it first), or a role is missing.

    Examples
    --------
    >>> report = check_training_window(dataset_arn, "2024-01-01", None)  # doctest: +SKIP
    >>> str(report.window), report.ok  # doctest: +SKIP
    ('2024-01-01T00:00:00Z .. 2024-03-31T23:59:59Z', True)
    """
    session = _client.session(boto3_session)
    window, findings = window_of(start, end)
    described = get_training_dataset(training_dataset_arn, boto3_session=session)
    glue = glue_source(described)
    if findings.errors:
        report = _empty_report(window, findings)
        report.source = f"training dataset {described.get('name')}"
        return report
    if df is not None:
        schema = dataset_schema(described, glue_types_of(df.head(1000))[0])
        report = readiness(df, schema, window=window, progress=progress)
        source = f"the DataFrame of training dataset {described.get('name')}"
    else:
        schema = dataset_schema(described, _table_types(glue, session))
        database, table = str(glue.get("databaseName")), str(glue.get("tableName"))
        report = readiness_from_athena(
            database,
            table,
            schema,
            workgroup=workgroup,
            s3_output=s3_output,
            progress=progress,
            window=window,
            boto3_session=session,
        )
        source = f"Athena {database}.{table}"
    return _judged(report, schema, start, end, source)


def _empty_report(window: TimeWindow, findings: Findings) -> ReadinessReport:
    return ReadinessReport(
        rows=0,
        distinct_users=None,
        users_with_2plus=None,
        null_user_ids=None,
        null_item_ids=None,
        null_timestamps=None,
        ts_min=None,
        ts_max=None,
        ts_unit=None,
        window=window,
        findings=findings,
    )


def _judged(
    report: ReadinessReport, schema: TrainingSchema, start: Any, end: Any, source: str
) -> ReadinessReport:
    """Fill the window's missing ends from the data, and judge the window against it."""
    asked = report.window or TimeWindow(_FIRST, _LAST)
    out: list[Finding] = []
    first = data_seconds(report.data_ts_min)
    last = data_seconds(report.data_ts_max)
    if first is None or last is None:
        out.append(_no_times(report))
        window = asked
    else:
        window = TimeWindow(
            math.floor(first) if start is None else asked.start,
            math.floor(last) + 1 if end is None else asked.end,
        )
        out.extend(range_findings(window, first, last, start, end))
    report.window = window  # the report shows it (and its charts shade it)
    report.source = source
    report.findings = Findings(
        dict.fromkeys([*out, *missing_role_findings(schema), *rule_findings(report)])
    )
    return report


def data_seconds(value: Any) -> float | None:
    """A data time (epoch seconds or a timestamp) as epoch seconds; None when it is neither."""
    if value is None:
        return None
    try:
        return epoch_seconds(value)
    except ValueError:
        return None


def _no_times(report: ReadinessReport) -> Finding:
    return _rulebook.window_no_data(report.rows_all, report.data_ts_max)


def range_findings(
    window: TimeWindow, first: float, last: float, start: Any, end: Any
) -> list[Finding]:
    span = f"the data spans {iso(first)} .. {iso(last)}"
    if window.end <= first or window.start > last:
        return [_rulebook.window_outside_data(window, span, before=window.end <= first)]
    out = []
    if start is not None and window.start < first:
        out.append(_rulebook.window_before_data(iso(window.start), span))
    if end is not None and window.end > last + 1:
        out.append(_rulebook.window_after_data(iso(window.end), span))
    return out
