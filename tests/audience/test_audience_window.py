"""The training window, checked against the data: defaults, order, span, minimums inside it.

Documents: CreateAudienceModel (API reference) takes ``trainingDataStartTime`` / ``trainingData
EndTime``, "The start [end] date and time of the training window", both "Required: No"; the
console's step is "(Optional) Enter a Training window" (user guide, "Creating a lookalike
model"). "To successfully create a lookalike model, your training data must meet the following
requirements: [...] at least 100,000 unique user IDs with at least two item interactions each.
[...] at least 1 million records." (user guide, "Training data requirements for Clean Rooms
ML"). The documents do not say whether the window's ends are included; the library counts
``start <= t < end``, which passes a window only when every reading of the ends would.

Both paths are run on the same data and must agree: ONE Athena query on the Glue table, and
the DataFrame in-process.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest
from athena_tables import parquet_table
from audience_helpers import DAY, FEB_1, JAN_1, OUT, Shop, make_shop, shop_frame

import cleanroom_nb as crn
from cleanroom_nb.readiness._sql import readiness_sql

FIGURES = (
    "rows",
    "distinct_users",
    "users_with_2plus",
    "null_item_ids",
    "rows_all",
    "ts_unit",
    "data_ts_min",
    "data_ts_max",
    "histograms",
)


def _check(shop: Shop, start: Any, end: Any, *, df: bool = False) -> crn.ReadinessReport:
    return crn.check_training_window(
        shop.dataset_arn,
        start,
        end,
        df=shop.df if df else None,
        s3_output=OUT,
        progress=False,
        boto3_session=shop.session,
    )


def _codes(report: crn.ReadinessReport) -> list[str]:
    return [f.code for f in report.findings]


@pytest.mark.parametrize("df", [False, True], ids=["athena", "dataframe"])
def test_defaults_come_from_the_data(shop: Shop, df: bool) -> None:
    """No window given: it spans the data (first event .. one second after the last)."""
    report = _check(shop, None, None, df=df)
    assert report.ok, report.findings
    assert str(report.window) == "2024-01-01T10:00:00Z .. 2024-02-28T12:00:01Z"
    assert (report.rows, report.users_with_2plus, report.rows_all) == (900, 300, 900)


@pytest.mark.parametrize("df", [False, True], ids=["athena", "dataframe"])
def test_one_missing_end_is_filled_from_the_data(shop: Shop, df: bool) -> None:
    report = _check(shop, "2024-02-01", None, df=df)
    assert str(report.window) == "2024-02-01T00:00:00Z .. 2024-02-28T12:00:01Z"
    assert (report.rows, report.users_with_2plus) == (300, 0)
    report = _check(shop, None, "2024-02-01", df=df)
    assert str(report.window) == "2024-01-01T10:00:00Z .. 2024-02-01T00:00:00Z"
    assert (report.rows, report.users_with_2plus) == (600, 300)


@pytest.mark.parametrize("df", [False, True], ids=["athena", "dataframe"])
def test_minimums_inside_the_window(shop: Shop, df: bool) -> None:
    """January holds 600 rows and 300 users with two events: enough (scaled minimums 500/250).
    February holds 300 rows and no user with two: both minimums fail, naming the window."""
    january = _check(shop, "2024-01-01", "2024-02-01", df=df)
    assert january.ok and (january.rows, january.users_with_2plus) == (600, 300)
    february = _check(shop, "2024-02-01", "2024-03-01", df=df)
    errors = february.findings.errors
    assert [f.code for f in errors] == ["min_rows", "min_users_with_2_interactions"]
    message = str(errors[0])
    assert "training window 2024-02-01T00:00:00Z .. 2024-03-01T00:00:00Z has 300 rows" in message
    assert "wider window" in message


def test_both_paths_give_the_same_figures(shop: Shop) -> None:
    """Same frame, same windows, edges included: Athena's figures equal the in-process ones."""
    windows = [
        (None, None),
        ("2024-01-05", "2024-01-20T10:00:00Z"),  # the end is exactly an event: excluded
        (JAN_1 + 4 * DAY + 10 * 3600, FEB_1 + 12 * 3600),  # the start is exactly an event
        ("2024-02-10", None),
    ]
    for start, end in windows:
        athena, frame = _check(shop, start, end), _check(shop, start, end, df=True)
        assert {k: getattr(athena, k) for k in FIGURES} == {
            k: getattr(frame, k) for k in FIGURES
        }, (start, end)
        assert athena.window == frame.window
        assert _codes(athena) == _codes(frame)


@pytest.mark.parametrize("df", [False, True], ids=["athena", "dataframe"])
def test_start_is_included_and_end_excluded(shop: Shop, df: bool) -> None:
    """``start <= t < end``: a one-second window on an event's second holds it; one ending on
    it does not. Users 0 and 30 ... act at 2024-01-01T10:00:00Z (10 users: u % 30 == 0)."""
    at = JAN_1 + 10 * 3600
    assert _check(shop, at, at + 1, df=df).rows == 10
    assert _check(shop, at - 1, at, df=df).rows == 0


@pytest.mark.parametrize("df", [False, True], ids=["athena", "dataframe"])
def test_window_order_is_an_error_and_nothing_is_queried(shop: Shop, df: bool) -> None:
    athena = shop.session.client("athena")
    before = athena.list_query_executions()["QueryExecutionIds"]
    report = _check(shop, "2024-02-01", "2024-01-01", df=df)
    assert _codes(report) == ["window_order"]
    assert report.findings[0].path == "trainingDataStartTime"
    assert "must come before the end" in report.findings[0].message
    assert athena.list_query_executions()["QueryExecutionIds"] == before


@pytest.mark.parametrize("df", [False, True], ids=["athena", "dataframe"])
def test_window_outside_the_data_is_an_error(shop: Shop, df: bool) -> None:
    report = _check(shop, "2023-01-01", "2023-12-31", df=df)
    assert "window_outside_data" in _codes(report)
    found = next(f for f in report.findings if f.code == "window_outside_data")
    assert found.path == "trainingDataEndTime"
    assert "the data spans 2024-01-01T10:00:00Z .. 2024-02-28T12:00:00Z" in found.message


@pytest.mark.parametrize("df", [False, True], ids=["athena", "dataframe"])
def test_window_wider_than_the_data_is_a_warning(shop: Shop, df: bool) -> None:
    """Nothing is lost, but a window reaching beyond the data often means a wrong year."""
    report = _check(shop, "2023-12-01", "2025-01-01", df=df)
    assert report.ok and report.rows == 900
    assert _codes(report) == ["window_before_data", "window_after_data"]
    assert all(f.level == "warning" for f in report.findings)


def test_bad_times_are_errors_that_say_how_to_write_them(shop: Shop) -> None:
    report = _check(shop, "the first of May", None)
    assert _codes(report) == ["time"] and "ISO 8601" in report.findings[0].message
    report = _check(shop, None, 1_706_745_600_000)  # milliseconds
    assert _codes(report) == ["time"] and "milliseconds" in report.findings[0].message


def test_one_athena_query_reads_the_three_role_columns(shop: Shop) -> None:
    """The window is checked with ONE query: the readiness query with the window condition."""
    report = _check(shop, "2024-01-01", "2024-02-01")
    sent = shop.session.client("athena").get_query_execution(QueryExecutionId=report.query_id)
    window = crn.TimeWindow.of("2024-01-01", "2024-02-01")
    expected = readiness_sql(
        "shop", "events", "user_id", "item_id", "event_time", ts_type="bigint", window=window
    )
    assert sent["QueryExecution"]["Query"] == expected
    assert report.bytes_scanned and report.bytes_scanned > 0


def test_timestamp_typed_tables_and_datetime_frames_agree(
    cleanrooms: Any, local_athena: Any, boto3_session: Any, scaled_minimums: None
) -> None:
    """A TIMESTAMP column of Glue type ``timestamp`` (accepted by the training data
    requirements) is compared with timestamp literals in Athena, and a datetime64 column
    in-process; both agree with the epoch-seconds figures."""
    df = shop_frame()
    df["event_time"] = pd.to_datetime(df["event_time"], unit="s")
    shop = make_shop(boto3_session, cleanrooms, df)
    assert "timestamp" in str(
        boto3_session.client("glue").get_table(DatabaseName="shop", Name="events")
    )
    for start, end in ((None, None), ("2024-01-01", "2024-02-01"), ("2024-01-05", None)):
        athena, frame = _check(shop, start, end), _check(shop, start, end, df=True)
        assert (athena.rows, athena.users_with_2plus) == (frame.rows, frame.users_with_2plus)
        assert athena.window == frame.window
    assert _check(shop, "2024-01-01", "2024-02-01").rows == 600


def test_millisecond_data_cannot_hold_a_window(
    cleanrooms: Any, local_athena: Any, boto3_session: Any, scaled_minimums: None
) -> None:
    """Times in milliseconds (a common mistake, RULES.md) place no window: the error says to
    convert them, next to the readiness finding on the unit."""
    df = shop_frame()
    df["event_time"] = df["event_time"] * 1000
    shop = make_shop(boto3_session, cleanrooms, df)
    for report in (_check(shop, None, None), _check(shop, None, None, df=True)):
        assert {"window_no_data", "timestamp_unit"} <= set(_codes(report))
        assert "to_epoch_seconds" in str(report.findings)


def test_text_times_are_refused_with_the_fix(
    cleanrooms: Any, local_athena: Any, boto3_session: Any, scaled_minimums: None
) -> None:
    shop = make_shop(boto3_session, cleanrooms, shop_frame())
    # the table changed after the training dataset was made: its times are now text
    df = shop_frame()
    df["event_time"] = pd.to_datetime(df["event_time"], unit="s").dt.strftime("%Y-%m-%d %H:%M")
    parquet_table(boto3_session, df, "shop", "events", "s3://shop-data/events/")
    shop.df = df
    with pytest.raises(crn.SchemaError, match="fix_glue_table"):
        _check(shop, "2024-01-01", None)
    with pytest.raises(crn.SchemaError, match="apply_fixes"):
        _check(shop, "2024-01-01", None, df=True)


def test_the_glue_table_must_exist(shop: Shop) -> None:
    shop.session.client("glue").delete_table(DatabaseName="shop", Name="events")
    with pytest.raises(crn.NotFoundError, match="df="):
        _check(shop, None, None)


def test_parquet_partitioned_by_day(
    cleanrooms: Any, local_athena: Any, boto3_session: Any, scaled_minimums: None
) -> None:
    """A table written one day per partition (RULES: "tables are written one day per
    object") gives the same figures."""
    df = shop_frame()
    shop = make_shop(boto3_session, cleanrooms, df)
    day = df.assign(day=pd.to_datetime(df["event_time"], unit="s").dt.strftime("%Y-%m-%d"))
    boto3_session.client("glue").delete_table(DatabaseName="shop", Name="events")
    parquet_table(boto3_session, day, "shop", "events", "s3://shop-data/by-day/", ["day"])
    assert (
        len(
            boto3_session.client("glue").get_partitions(DatabaseName="shop", TableName="events")[
                "Partitions"
            ]
        )
        == 58
    )
    report = _check(shop, "2024-01-01", "2024-02-01")
    assert (report.rows, report.users_with_2plus) == (600, 300)
