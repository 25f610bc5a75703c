"""The real corpus's time storages, read alike by the pandas fix and by its Athena SQL.

Issue 18, item 3, on real files rather than constructed ones: for each time column below (the
files and their sources are in ``data/real/MANIFEST.json``), ``infer_schema`` names the format
in its reason (and says when the sample cannot tell day-first from month-first), and the fix
gives the same epoch seconds in pandas (``parse_times``) and in Athena SQL
(``sql_parse_times``, run on the local Athena over a Parquet copy of the file's own values).

Sources: Trino's ``date_parse`` and ``from_iso8601_timestamp``,
https://trino.io/docs/current/functions/datetime.html
"""

from __future__ import annotations

from typing import Any

import awswrangler as wr
import boto3
import numpy as np
import pandas as pd
import pytest
from athena_tables import parquet_table
from corpus_score import load_manifest, read_table

import cleanroom_nb as crn
from cleanroom_nb.fixes._timeformat import detect_time_format, parse_times, sql_parse_times

ENTRIES = {e["file"]: e for e in load_manifest()}

# (file, time column, the format it is read in, whether its values decide the day/month order:
# None where the format has no such question)
STORAGES = [
    ("netflix_nsteenholdt_viewing_history.csv", "Date", "%d/%m/%Y", True),
    ("netflix_felipebacelo_viewing_history.csv", "Date", "%d/%m/%Y", True),
    ("online_retail_day_first.csv", "InvoiceDate", "%m-%d-%y %H:%M", False),
    ("online_retail.csv", "InvoiceDate", "%m/%d/%Y %H:%M", False),
    ("kuairand_1k_log_random.csv", "date", "%Y%m%d", None),
    ("cofacts_reply_requests.csv", "createdAt", "%Y-%m-%dT%H:%M:%S.%fZ", None),
    ("flinkster_stuttgart_bookings.csv", "DATE_BOOKING", "%Y-%m-%d %H:%M:%S", None),
]
IDS = [f"{file}-{column}" for file, column, _, _ in STORAGES]


def _frame(file: str) -> pd.DataFrame:
    frame = read_table(ENTRIES[file])
    if file.startswith("kuairand"):  # the epoch column wins otherwise: ask about the date
        frame = frame.drop(columns="time_ms")
    return frame


@pytest.mark.parametrize(("file", "column", "fmt", "decided"), STORAGES, ids=IDS)
def test_the_schema_names_the_format(file: str, column: str, fmt: str, decided: Any) -> None:
    schema = crn.infer_schema(_frame(file))
    reason = schema.column(column).reason
    assert schema.roles[column] == "TIMESTAMP", reason
    assert f"format {fmt}" in reason, reason
    if decided is not None:
        assert ("could not tell month-first from day-first" in reason) is (not decided), reason


def test_kuairand_dates_are_the_days_of_its_epoch_times() -> None:
    """The YYYYMMDD integers read as the Beijing-time day of ``time_ms`` (KuaiRand's README:
    'date | The date of this interaction | int64 | 20220421'); 98% of rows agree, the rest
    sit within about an hour of midnight."""
    frame = read_table(ENTRIES["kuairand_1k_log_random.csv"])
    days = parse_times(frame["date"], "%Y%m%d")
    local = pd.to_datetime(frame["time_ms"], unit="ms", utc=True).dt.tz_convert("Asia/Shanghai")
    midnight = local.dt.tz_localize(None).dt.normalize().astype("datetime64[s]")
    expected = midnight.astype("int64")
    assert days.notna().all()
    assert (days == expected).mean() >= 0.95
    near = (local - local.dt.normalize()).abs() <= pd.Timedelta(hours=1)
    late = (local.dt.normalize() + pd.Timedelta(days=1) - local) <= pd.Timedelta(hours=1)
    assert (near | late)[days != expected].all()


@pytest.fixture
def shop(local_athena: Any, boto3_session: boto3.Session) -> boto3.Session:
    boto3_session.client("s3").create_bucket(Bucket="athena-results")
    boto3_session.client("s3").create_bucket(Bucket="shop-data")
    return boto3_session


def test_athena_sql_gives_what_pandas_gives_on_the_real_values(shop: boto3.Session) -> None:
    for k, (file, column, fmt, _) in enumerate(STORAGES):
        values = _frame(file)[column]
        tf = detect_time_format(values)
        assert tf is not None and tf.format == fmt, (file, tf)
        table = f"real{k}"
        frame = pd.DataFrame({"row": np.arange(len(values), dtype="int64"), "t": values.to_numpy()})
        if not pd.api.types.is_integer_dtype(values):
            frame["t"] = frame["t"].astype("string")
        parquet_table(shop, frame, "real_times", table, f"s3://shop-data/{table}/")
        expr = sql_parse_times('"t"', tf)
        got = wr.athena.read_sql_query(
            f'SELECT {expr} AS "s" FROM "{table}" ORDER BY "row"',
            database="real_times",
            ctas_approach=False,
            s3_output="s3://athena-results/out/",
            boto3_session=shop,
        )["s"]
        want = parse_times(values, fmt)
        assert want.notna().mean() >= 0.99, file
        same = [None if pd.isna(v) else int(v) for v in got]
        assert same == [None if pd.isna(v) else int(v) for v in want], file
