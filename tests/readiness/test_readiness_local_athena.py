"""readiness_from_athena through awswrangler against the local Athena (SQL really runs).

The same frame is checked in-process (``readiness``) and as a Glue table in three formats
Athena reads: partitioned Parquet, CSV with a header (LazySimpleSerDe,
https://docs.aws.amazon.com/athena/latest/ug/lazy-simple-serde.html) and JSON lines (OpenX
SerDe, https://docs.aws.amazon.com/athena/latest/ug/openx-json-serde.html). Both must give the
same figures. Bytes scanned: Athena reads only the columns a query needs from columnar data
(https://docs.aws.amazon.com/athena/latest/ug/columnar-storage.html). CTAS registers a Parquet
table in Glue (https://docs.aws.amazon.com/athena/latest/ug/create-table-as.html).
"""

from __future__ import annotations

from typing import Any

import awswrangler as wr
import boto3
import numpy as np
import pandas as pd
import pytest
from athena_tables import csv_table, json_table, parquet_table

import cleanroom_nb as crn
from cleanroom_nb.infer._schema import ColumnSchema, TrainingSchema
from cleanroom_nb.local._sample_data import sample_interactions
from cleanroom_nb.readiness._sql import RESULT_COLUMNS, readiness_sql

OUT = "s3://athena-results/readiness/"
FIGURES = (*RESULT_COLUMNS, "ts_unit", "histograms")
WINDOWED = (*FIGURES, "window", "rows_all", "data_ts_min", "data_ts_max")


def _frame() -> pd.DataFrame:
    """Sample interactions with NULL users, items and times sprinkled in."""
    df = sample_interactions(6_000, 1_500, 300, seed=3)
    df = df[["customer_id", "product_id", "event_time", "device"]].copy()
    df["product_id"] = df["product_id"].astype("Int64")
    df["event_time"] = df["event_time"].astype("Int64")
    df.loc[df.index[::97], "customer_id"] = None
    df.loc[df.index[::89], "product_id"] = pd.NA
    df.loc[df.index[::101], "event_time"] = pd.NA
    return df


def _schema(user: str = "customer_id", item: bool = True, ts: bool = True) -> TrainingSchema:
    cols = [ColumnSchema(user, "string", crn.USER_ID, 1.0, "test")]
    if item:
        cols.append(ColumnSchema("product_id", "bigint", crn.ITEM_ID, 1.0, "test"))
    if ts:
        cols.append(ColumnSchema("event_time", "bigint", crn.TIMESTAMP, 1.0, "test"))
    return TrainingSchema.from_columns(cols)


def _figures(report: Any) -> dict[str, Any]:
    return {k: getattr(report, k) for k in FIGURES}


@pytest.fixture
def session(local_athena: Any, boto3_session: boto3.Session) -> boto3.Session:
    s3 = boto3_session.client("s3")
    s3.create_bucket(Bucket="athena-results")
    s3.create_bucket(Bucket="shop-data")
    return boto3_session


@pytest.mark.parametrize("fmt", ["parquet-partitioned", "csv-header", "json-lines"])
def test_readiness_from_athena_equals_readiness(fmt: str, session: boto3.Session) -> None:
    """The Athena figures equal the in-process figures on the same frame, in every format."""
    df = _frame()
    path = f"s3://shop-data/{fmt}/"
    if fmt == "parquet-partitioned":
        parquet_table(session, df, "shop", "events", path, partition_cols=["device"])
        assert len(wr.catalog.get_partitions("shop", "events", boto3_session=session)) == 3
    elif fmt == "csv-header":
        csv_table(session, df, "shop", "events", path, files=3)
    else:
        json_table(session, df, "shop", "events", path, files=3)
    schema = _schema()
    report = crn.readiness_from_athena(
        "shop", "events", schema, s3_output=OUT, progress=False, boto3_session=session
    )
    expected = crn.readiness(df, schema)
    assert _figures(report) == _figures(expected)
    assert expected.null_user_ids and expected.null_item_ids and expected.null_timestamps
    assert [f.code for f in report.findings] == [f.code for f in expected.findings]
    assert report.bytes_scanned is not None and report.bytes_scanned > 0
    athena = session.client("athena")
    sent = athena.get_query_execution(QueryExecutionId=report.query_id)["QueryExecution"]
    assert sent["Query"] == readiness_sql(
        "shop", "events", "customer_id", "product_id", "event_time"
    )


def test_failing_query_shows_athena_reason(session: boto3.Session) -> None:
    """A query Athena cannot run surfaces its reason (and the library's fix) as an AwsError."""
    parquet_table(session, _frame(), "shop", "events", "s3://shop-data/events/")
    with pytest.raises(crn.AwsError) as err:
        crn.readiness_from_athena(
            "shop",
            "events",
            _schema(user="client_id"),
            s3_output=OUT,
            progress=False,
            boto3_session=session,
        )
    assert "COLUMN_NOT_FOUND" in str(err.value) and "'client_id'" in str(err.value)
    assert err.value.code == "QueryFailed"
    with pytest.raises(crn.AwsError) as err:
        crn.readiness_from_athena(
            "shop",
            "no_such_table",
            _schema(),
            s3_output=OUT,
            progress=False,
            boto3_session=session,
        )
    msg = str(err.value)
    assert "TABLE_NOT_FOUND" in msg and "awsdatacatalog.shop.no_such_table" in msg


def test_progress_is_shown_while_the_query_runs(
    session: boto3.Session, local_athena: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    """While the query runs, its state (RUNNING) is shown; then the bytes scanned."""
    parquet_table(session, _frame(), "shop", "events", "s3://shop-data/events/")
    local_athena.min_run_seconds = 3.0
    report = crn.readiness_from_athena(
        "shop", "events", _schema(), s3_output=OUT, progress=True, boto3_session=session
    )
    err = capsys.readouterr().err
    assert "Athena readiness query on shop.events" in err
    assert "RUNNING" in err and "SUCCEEDED" in err
    assert report.rows == 6_000


def test_bytes_scanned_follow_the_columns_read(session: boto3.Session) -> None:
    """Parquet: reading only the USER_ID column scans fewer bytes than all three roles."""
    parquet_table(session, _frame(), "shop", "events", "s3://shop-data/events/")
    full = crn.readiness_from_athena(
        "shop", "events", _schema(), s3_output=OUT, progress=False, boto3_session=session
    )
    users_only = crn.readiness_from_athena(
        "shop",
        "events",
        _schema(item=False, ts=False),
        s3_output=OUT,
        progress=False,
        boto3_session=session,
    )
    assert full.bytes_scanned and users_only.bytes_scanned
    assert 0 < users_only.bytes_scanned < full.bytes_scanned
    assert users_only.rows == full.rows == 6_000


def test_ctas_table_is_read_by_infer_schema_from_glue(session: boto3.Session) -> None:
    """A CTAS rewrite (epoch seconds, hashed ids) creates a Glue table that
    infer_schema_from_glue reads with its types and suggests roles for."""
    parquet_table(session, _frame(), "shop", "events", "s3://shop-data/events/")
    sql = (
        'CREATE TABLE "shop"."events_clean" WITH (format = \'PARQUET\', write_compression = '
        "'SNAPPY', external_location = 's3://shop-data/events_clean/') AS SELECT "
        "customer_id AS user_id, product_id AS item_id, CAST(event_time AS BIGINT) AS "
        'event_timestamp FROM "shop"."events" WHERE customer_id IS NOT NULL'
    )
    qid = wr.athena.start_query_execution(
        sql, database="shop", s3_output=OUT, wait=False, boto3_session=session
    )
    assert wr.athena.wait_query(qid, boto3_session=session)["Status"]["State"] == "SUCCEEDED"
    schema = crn.infer_schema_from_glue("shop", "events_clean", boto3_session=session)
    types = {c.name: c.glue_type for c in schema.columns}
    assert types == {"user_id": "string", "item_id": "bigint", "event_timestamp": "bigint"}
    roles = {c.name: c.role for c in schema.columns}
    assert roles == {
        "user_id": crn.USER_ID,
        "item_id": crn.ITEM_ID,
        "event_timestamp": crn.TIMESTAMP,
    }
    report = crn.readiness_from_athena(
        "shop", "events_clean", schema, s3_output=OUT, progress=False, boto3_session=session
    )
    df = _frame()
    assert report.rows == int(df["customer_id"].notna().sum())
    assert report.null_user_ids == 0


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_histograms_equal_in_process_over_years_in_milliseconds(
    fmt: str, session: boto3.Session
) -> None:
    """Six years of epoch milliseconds (buckets of several days), string items: the bins
    that come back with the figures equal readiness(df)'s, rows never come back."""
    df = _frame()
    rng = np.random.default_rng(11)
    start = 1_500_000_000_000
    df["event_time"] = pd.array(
        start + rng.integers(0, 6 * 365 * 86_400_000, len(df)), dtype="Int64"
    )
    df.loc[df.index[::101], "event_time"] = pd.NA
    df["product_id"] = df["product_id"].astype("string")
    schema = TrainingSchema.from_columns(
        [
            ColumnSchema("customer_id", "string", crn.USER_ID, 1.0, "test"),
            ColumnSchema("product_id", "string", crn.ITEM_ID, 1.0, "test"),
            ColumnSchema("event_time", "bigint", crn.TIMESTAMP, 1.0, "test"),
        ]
    )
    path = f"s3://shop-data/{fmt}-years/"
    if fmt == "parquet":
        parquet_table(session, df, "shop", "years", path)
    else:
        csv_table(session, df, "shop", "years", path, files=2)
    report = crn.readiness_from_athena(
        "shop", "years", schema, s3_output=OUT, progress=False, boto3_session=session
    )
    expected = crn.readiness(df, schema, progress=False)
    assert _figures(report) == _figures(expected)
    hist = report.histograms
    assert hist is not None and hist.day_width is not None and hist.day_width > 1
    assert len(hist.events_per_day) <= 1_000 and hist.item_runs and hist.interactions_per_user


def test_histograms_of_a_timestamp_column(session: boto3.Session) -> None:
    """A Parquet timestamp column (Glue type timestamp): days are its UTC calendar dates."""
    df = _frame()
    df["event_time"] = pd.to_datetime(df["event_time"].astype("float"), unit="s")  # UTC
    parquet_table(session, df, "shop", "stamps", "s3://shop-data/stamps/")
    # The same instants in New York time, in-process: the days are still UTC dates.
    zoned = df.assign(
        event_time=df["event_time"].dt.tz_localize("UTC").dt.tz_convert("America/New_York")
    )
    schema = crn.infer_schema_from_glue("shop", "stamps", boto3_session=session).with_roles(
        {"customer_id": "USER_ID", "product_id": "ITEM_ID", "event_time": "TIMESTAMP"}
    )
    assert schema.timestamp is not None and schema.timestamp.glue_type == "timestamp"
    report = crn.readiness_from_athena(
        "shop", "stamps", schema, s3_output=OUT, progress=False, boto3_session=session
    )
    assert report.histograms == crn.readiness(df, schema, progress=False).histograms
    assert report.histograms == crn.readiness(zoned, schema, progress=False).histograms
    assert report.histograms is not None and len(report.histograms.events_per_day) >= 85


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_a_training_window_gives_the_same_figures_and_bins(
    fmt: str, session: boto3.Session
) -> None:
    """With a training window, the ONE query counts the figures AND the histogram bins of the
    rows inside it (``start <= t < end``, an end that is not a whole second included), and all
    the data's rows and span: equal to ``readiness(df, window=)`` on the same frame."""
    df = _frame()
    times = df["event_time"].dropna().astype("int64")
    ordered = np.sort(times.to_numpy())
    start, end = int(ordered[len(ordered) * 3 // 10]), int(ordered[len(ordered) * 7 // 10]) + 0.5
    window = crn.TimeWindow(float(start), end)
    path = f"s3://shop-data/{fmt}-window/"
    if fmt == "parquet":
        parquet_table(session, df, "shop", "events", path)
    else:
        csv_table(session, df, "shop", "events", path, files=3)
    schema = _schema()
    report = crn.readiness_from_athena(
        "shop", "events", schema, s3_output=OUT, progress=False, window=window,
        boto3_session=session,
    )  # fmt: skip
    expected = crn.readiness(df, schema, window=window, progress=False)
    assert {k: getattr(report, k) for k in WINDOWED} == {k: getattr(expected, k) for k in WINDOWED}
    inside = int(((times >= start) & (times < end)).sum())
    assert report.rows == inside < report.rows_all == len(df)
    assert report.null_timestamps == int(df["event_time"].isna().sum())  # all the data's
    assert (report.data_ts_min, report.data_ts_max) == (times.min(), times.max())
    assert start <= report.ts_min and report.ts_max < end
    hist = report.histograms
    whole = crn.readiness(df, schema, progress=False).histograms
    assert hist is not None and whole is not None and hist != whole
    assert sum(n for _, n in hist.events_per_day) == inside
    first_day, last_day = hist.events_per_day[0][0], hist.events_per_day[-1][0]
    assert (first_day, last_day) == (start // 86_400, int(end) // 86_400)
    athena = session.client("athena")
    sent = athena.get_query_execution(QueryExecutionId=report.query_id)["QueryExecution"]
    assert sent["Query"] == readiness_sql(
        "shop", "events", "customer_id", "product_id", "event_time", window=window
    )
    # The charts shade the report's own window by default.
    legend = report.plot().axes[1].get_legend()
    assert legend is not None and f"{inside:,} events" in legend.get_texts()[0].get_text()
