"""Readiness: readiness(df) against DuckDB running readiness_sql, and the Athena plumbing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import awswrangler as wr
import boto3
import duckdb
import numpy as np
import pandas as pd
import pytest
import requests

import cleanroom_nb as crn
from cleanroom_nb.infer._schema import ColumnSchema, TrainingSchema
from cleanroom_nb.local._sample_data import sample_interactions
from cleanroom_nb.readiness._athena import report_from_result
from cleanroom_nb.readiness._pandas import _fixed_width, user_counts
from cleanroom_nb.readiness._report import ReadinessReport, rule_findings
from cleanroom_nb.readiness._sql import HISTOGRAM_COLUMNS, RESULT_COLUMNS, readiness_sql

FIGURES = (*RESULT_COLUMNS, "ts_unit", "histograms")


def _schema(
    user: str = "customer_id", item: str = "product_id", ts: str = "event_time"
) -> TrainingSchema:
    return TrainingSchema.from_columns(
        [
            ColumnSchema(user, "string", crn.USER_ID, 1.0, "test"),
            ColumnSchema(item, "bigint", crn.ITEM_ID, 1.0, "test"),
            ColumnSchema(ts, "bigint", crn.TIMESTAMP, 1.0, "test"),
        ]
    )


def _duckdb_report(
    con: duckdb.DuckDBPyConnection, database: str, table: str, user: str, item: str, ts: str
) -> ReadinessReport:
    result = con.execute(readiness_sql(database, table, user, item, ts)).df()
    return report_from_result(result, source="duckdb", user_col=user, item_col=item, ts_col=ts)


def _frame(seed: int = 0, n: int = 20_000) -> pd.DataFrame:
    df = sample_interactions(n, 3_000, 400, seed=seed)[
        ["customer_id", "product_id", "event_time", "device"]
    ]
    rng = np.random.default_rng(seed)
    df.loc[100 + rng.choice(n - 100, 37, replace=False), "customer_id"] = None
    df["product_id"] = df["product_id"].astype("Int64")
    df.loc[rng.choice(n, 11, replace=False), "product_id"] = pd.NA
    # Users seen once: the >=2 count must differ from the distinct count.
    df.loc[:99, "customer_id"] = [f"once-{i}" for i in range(100)]
    return df


# ------------------------------------------------------------------------------- DataFrame
@pytest.mark.parametrize("variant", ["str", "object", "int", "category", "uuid-like", "short"])
def test_readiness_equals_duckdb_on_the_same_frame(variant: str) -> None:
    df = _frame(seed=len(variant))
    if variant == "object":
        df["customer_id"] = df["customer_id"].astype(object)
    elif variant == "int":
        df["customer_id"] = pd.array(
            [None if v is None or v != v else hash(v) % 10**12 for v in df["customer_id"]],
            dtype="Int64",
        )
    elif variant == "category":
        df["customer_id"] = df["customer_id"].astype("category")
    elif variant == "uuid-like":  # 36 characters: not a multiple of 8
        df["customer_id"] = df["customer_id"].str.slice(0, 36)
    elif variant == "short":  # up to 7 bytes: exact keys, no hashing
        df["customer_id"] = df["customer_id"].str.slice(-6)
    df["event_time"] = df["event_time"] * 1000  # milliseconds
    con = duckdb.connect()
    con.register("frame", df)
    con.execute("CREATE SCHEMA shop")
    con.execute("CREATE VIEW shop.events AS SELECT * FROM frame")

    ours = crn.readiness(df, _schema())
    ref = _duckdb_report(con, "shop", "events", "customer_id", "product_id", "event_time")

    assert {k: getattr(ours, k) for k in FIGURES} == {k: getattr(ref, k) for k in FIGURES}
    assert ours.null_user_ids == 37
    assert ours.null_item_ids == 11
    assert ours.ts_unit == "ms"
    assert ours.users_with_2plus < ours.distinct_users
    assert [f.code for f in ours.findings if f.level == "error"] == [
        "min_rows",
        "min_users_with_2_interactions",
        "timestamp_unit",
    ]


def test_readiness_sql_on_the_glue_tables_parquet_files(
    boto3_session: boto3.Session, tmp_path: Path
) -> None:
    """The SQL sent to Athena, run by DuckDB on the very files awswrangler wrote to S3."""
    df = _frame(seed=7)
    boto3_session.client("s3").create_bucket(Bucket="lake")
    wr.catalog.create_database("shop", boto3_session=boto3_session)
    wr.s3.to_parquet(
        df,
        "s3://lake/events/",
        dataset=True,
        database="shop",
        table="events",
        partition_cols=["device"],
        max_rows_by_file=4_000,
        boto3_session=boto3_session,
    )
    files = wr.s3.list_objects("s3://lake/events/", boto3_session=boto3_session)
    assert len(files) >= 5
    for i, uri in enumerate(files):
        wr.s3.download(uri, str(tmp_path / f"part-{i}.parquet"), boto3_session=boto3_session)
    con = duckdb.connect()
    con.execute("CREATE SCHEMA shop")
    con.execute(f"CREATE VIEW shop.events AS SELECT * FROM read_parquet('{tmp_path}/*.parquet')")

    ref = _duckdb_report(con, "shop", "events", "customer_id", "product_id", "event_time")
    ours = crn.readiness(df, _schema())

    assert {k: getattr(ours, k) for k in FIGURES} == {k: getattr(ref, k) for k in FIGURES}
    assert ours.rows == len(df) and ours.ts_unit == "s"


def test_readiness_of_a_ready_frame() -> None:
    df = sample_interactions(1_050_000, 105_000, 2_000, seed=1)
    schema = crn.infer_schema(df)
    report = crn.readiness(df, schema)
    assert report.rows == 1_050_000
    assert report.distinct_users == report.users_with_2plus == 105_000
    assert report.ts_unit == "s" and report.null_user_ids == 0
    assert report.ok and not report.findings
    html = report._repr_html_()
    assert "ready" in html and "1,050,000" in html and "&#10003;" in html


def test_user_counts_edge_cases() -> None:
    assert user_counts(pd.Series([], dtype="str")) == (0, 0, 0)
    assert user_counts(pd.Series([None, None], dtype="str")) == (0, 0, 2)
    assert user_counts(pd.Series(["", "", "a"], dtype="str")) == (2, 1, 0)
    assert user_counts(pd.Series(["a", "a\x00", "a"])) == (2, 1, 0)
    assert user_counts(pd.Series([1.0, np.nan, 1.0, -0.0, 0.0])) == (2, 2, 1)
    assert user_counts(pd.Series([2**63 + 5, 2**63 + 5, 1], dtype="uint64")) == (2, 1, 0)
    assert user_counts(pd.Series([-(2**62), 2**62, 2**62])) == (2, 1, 0)
    assert user_counts(pd.Series([True, False, True])) == (2, 1, 0)
    long = pd.Series(["x" * 600, "x" * 600, "y" * 600])  # beyond the hashed width: exact path
    assert user_counts(long) == (2, 1, 0)
    fixed = pd.Series(["ab" * 32, "ab" * 32, "cd" * 32, "ef" * 32, "cd" * 32], dtype="str")
    fixed.iloc[[1, 3]] = None  # null slots that keep their bytes
    if hasattr(fixed.array, "_pa_array"):  # Arrow-backed "str" (pandas 3; not pandas 2.2)
        chunk = fixed.array._pa_array.chunks[0]
        assert _fixed_width(chunk) and chunk.null_count == 2
    assert user_counts(fixed) == (2, 1, 2)
    assert user_counts(fixed.iloc[1:]) == (1, 1, 2)
    dt = pd.Series(pd.to_datetime(["2024-01-01", "2024-01-01", None]))
    assert user_counts(dt) == (1, 1, 1)


def test_timestamp_units_and_findings() -> None:
    df = pd.DataFrame(
        {
            "u": ["a", "a", "b"],
            "i": [1, 2, 3],
            "t": pd.to_datetime(["2024-01-01", "2024-02-01", None]),
        }
    )
    r = crn.readiness(df, _schema("u", "i", "t"))
    assert r.ts_unit == "datetime" and r.null_timestamps == 1
    assert r.ts_min == pd.Timestamp("2024-01-01")
    codes = {f.code: f.level for f in r.findings}
    assert codes["timestamp_datetime"] == "warning" and codes["null_timestamp"] == "warning"

    df = pd.DataFrame({"u": ["a", "b"], "i": [1, 2], "t": [1_700_000_000, 1_700_000_000_000]})
    r = crn.readiness(df, _schema("u", "i", "t"))
    assert r.ts_unit == "ms"
    assert {"timestamp_unit", "mixed_timestamp_units"} <= {f.code for f in r.findings}

    df = pd.DataFrame({"u": ["a", "b"], "i": [1, 2], "t": [5, 2_000_000_000]})
    r = crn.readiness(df, _schema("u", "i", "t"))
    assert r.ts_unit == "s" and "timestamp_range" in {f.code for f in r.findings}


def test_readiness_finds_columns_by_glue_name_and_reports_missing_roles() -> None:
    df = pd.DataFrame({"Customer ID": ["a", "a"], "Item": [1, 2], "TS": [1_700_000_000] * 2})
    r = crn.readiness(df, _schema("customer_id", "item", "ts"))
    assert (r.user_column, r.distinct_users, r.users_with_2plus) == ("Customer ID", 1, 1)
    partial = TrainingSchema.from_columns([ColumnSchema("Item", "bigint", crn.ITEM_ID, 1, "")])
    r = crn.readiness(df, partial)
    assert r.distinct_users is None and r.null_item_ids == 0
    missing = [f.message for f in r.findings if f.code == "missing_role"]
    assert [m.split(":")[0] for m in missing] == ["no USER_ID column", "no TIMESTAMP column"]
    assert all("figures cannot be computed" in m for m in missing)
    with pytest.raises(crn.SchemaError, match="not in the DataFrame"):
        crn.readiness(df.drop(columns=["TS"]), _schema("customer_id", "item", "ts"))


def test_rule_findings_thresholds() -> None:
    base: dict[str, Any] = dict(
        rows=1_000_000,
        distinct_users=100_000,
        users_with_2plus=100_000,
        null_user_ids=0,
        null_item_ids=0,
        null_timestamps=0,
        ts_min=1_700_000_000,
        ts_max=1_700_000_100,
        ts_unit="s",
    )
    assert rule_findings(ReadinessReport(**base)) == []
    short = ReadinessReport(**{**base, "rows": 999_999, "users_with_2plus": 99_999})
    found = rule_findings(short)
    assert [f.code for f in found] == ["min_rows", "min_users_with_2_interactions"]
    assert "1,000,000" in found[0].message and "100,000" in found[1].message


def test_readiness_sql_reads_only_the_role_columns() -> None:
    sql = readiness_sql("my db", 'we"ird', "user id", "item", "ts")
    assert 'FROM "my db"."we""ird"' in sql and '"user id" AS u' in sql
    con = duckdb.connect()
    con.execute('CREATE SCHEMA "my db"')
    con.execute(
        'CREATE TABLE "my db"."we""ird" ("user id" VARCHAR, item BIGINT, ts BIGINT, other VARCHAR)'
    )
    con.execute("""INSERT INTO "my db"."we""ird" VALUES ('a', 1, 10, 'x'), ('a', NULL, 20, 'y'),
                   (NULL, 3, NULL, 'z'), ('b', 4, 5, 'w')""")
    plan = " ".join(r[1] for r in con.execute("EXPLAIN " + sql).fetchall())
    assert "other" not in plan
    result = con.execute(sql).df()
    assert list(result.columns) == [*HISTOGRAM_COLUMNS, *RESULT_COLUMNS]
    row = result[result["kind"] == "figures"].iloc[0]
    assert {k: None if pd.isna(row[k]) else int(row[k]) for k in RESULT_COLUMNS} == {
        "rows": 4,
        "distinct_users": 2,
        "users_with_2plus": 1,
        "null_user_ids": 1,
        "null_item_ids": 1,
        "null_timestamps": 1,
        "ts_min": 5,
        "ts_max": 20,
        "distinct_items": 3,
    }
    # Histograms: users a (2 rows) and b (1 row); items 1, 3, 4 once each; all on day 0.
    hist = {
        k: [
            [None if pd.isna(v) else int(v) for v in r] for r in g[["bin", "value", "width"]].values
        ]
        for k, g in result.groupby("kind")
    }
    assert hist["users"] == [[1, 1, None], [2, 1, None]]
    assert hist["items"] == [[3, 1, 3]]
    assert hist["days"] == [[0, 3, 1]]


# ------------------------------------------------------------------------------- Athena
def _queue_athena_result(moto_url: str, result: list[dict[str, str]]) -> None:
    """Queue moto's answer to the next query: the figures row and histogram rows."""
    cols = [*HISTOGRAM_COLUMNS, *RESULT_COLUMNS]
    rows = [
        {"Data": [{"VarCharValue": c} for c in cols]},
        *({"Data": [{"VarCharValue": r[c]} if c in r else {} for c in cols]} for r in result),
    ]
    info = [
        {
            "CatalogName": "hive",
            "SchemaName": "",
            "TableName": "",
            "Name": c,
            "Label": c,
            "Type": "varchar" if c == "kind" else "bigint",
            "Precision": 19,
            "Scale": 0,
            "Nullable": "UNKNOWN",
            "CaseSensitive": False,
        }
        for c in cols
    ]
    resp = requests.post(
        f"{moto_url}/moto-api/static/athena/query-results",
        json={
            "account_id": "123456789012",
            "region": "us-east-1",
            "results": [{"rows": rows, "column_info": info}],
        },
        timeout=10,
    )
    assert resp.status_code == 201


def test_readiness_from_athena_plumbing(
    aws: str, boto3_session: boto3.Session, capsys: pytest.CaptureFixture[str]
) -> None:
    boto3_session.client("s3").create_bucket(Bucket="athena-out")
    wr.catalog.create_database("shop", boto3_session=boto3_session)
    _queue_athena_result(
        aws,
        [
            {
                "kind": "figures",
                "rows": "2500000",
                "distinct_users": "150000",
                "users_with_2plus": "90000",
                "null_user_ids": "12",
                "null_item_ids": "0",
                "null_timestamps": "0",
                "ts_min": "1704067200000",
                "ts_max": "1711843197000",
                "distinct_items": "4000",
            },
            {"kind": "users", "bin": "1", "value": "60000"},
            {"kind": "users", "bin": "2", "value": "90000"},
            {"kind": "days", "bin": "19723", "value": "1250000", "width": "1"},
            {"kind": "days", "bin": "19813", "value": "1250000", "width": "1"},
            {"kind": "items", "bin": "1", "value": "2000", "width": "1"},
            {"kind": "items", "bin": "4000", "value": "1", "width": "3999"},
        ],
    )

    def scanned(parsed: dict[str, Any], **_: Any) -> None:  # moto always says 0 bytes
        parsed.setdefault("QueryExecution", {}).setdefault("Statistics", {})[
            "DataScannedInBytes"
        ] = 123_456_789

    boto3_session.events.register("after-call.athena.GetQueryExecution", scanned)
    schema = _schema()
    report = crn.readiness_from_athena(
        "shop", "events", schema, s3_output="s3://athena-out/q/", boto3_session=boto3_session
    )

    assert (report.rows, report.distinct_users, report.users_with_2plus) == (
        2_500_000,
        150_000,
        90_000,
    )
    assert report.null_user_ids == 12 and report.ts_unit == "ms"
    assert report.bytes_scanned == 123_456_789
    assert [f.code for f in report.findings if f.level == "error"] == [
        "min_users_with_2_interactions",
        "timestamp_unit",
    ]
    assert "null_user_id" in {f.code for f in report.findings}
    assert [c[3] for c in report.checks()] == ["ok", "fail", "fail", "warn"]
    # ONE query, and it is readiness_sql's text.
    athena = boto3_session.client("athena")
    ids = athena.list_query_executions(WorkGroup="primary")["QueryExecutionIds"]
    assert len(ids) == 1 and report.query_id == ids[0]
    sent = athena.get_query_execution(QueryExecutionId=ids[0])["QueryExecution"]["Query"]
    assert sent == readiness_sql("shop", "events", "customer_id", "product_id", "event_time")
    # Progress was shown while it ran, and the hooks are gone afterwards.
    err = capsys.readouterr().err
    assert "Athena readiness query on shop.events" in err and "SUCCEEDED" in err
    assert "117.7 MB scanned" in err
    assert "Athena scanned 117.7 MB" in str(report)
    assert "117.7 MB" in report._repr_html_()


def test_readiness_from_athena_errors(boto3_session: boto3.Session) -> None:
    with pytest.raises(crn.SchemaError, match="USER_ID"):
        crn.readiness_from_athena(
            "shop",
            "events",
            TrainingSchema.from_columns([ColumnSchema("i", "bigint", crn.ITEM_ID, 1, "")]),
            boto3_session=boto3_session,
        )
    with pytest.raises(crn.NotFoundError) as err:
        crn.readiness_from_athena(
            "shop",
            "events",
            _schema(),
            workgroup="no-such-workgroup",
            progress=False,
            boto3_session=boto3_session,
        )
    assert "'no-such-workgroup'" in str(err.value) and "primary" in str(err.value)


def test_readiness_from_athena_failed_query(boto3_session: boto3.Session) -> None:
    boto3_session.client("s3").create_bucket(Bucket="athena-out")

    def fail(parsed: dict[str, Any], **_: Any) -> None:
        parsed["QueryExecution"]["Status"] = {
            "State": "FAILED",
            "StateChangeReason": "TABLE_NOT_FOUND: line 12:8: Table 'awsdatacatalog.shop.events' "
            "does not exist",
        }

    boto3_session.events.register("after-call.athena.GetQueryExecution", fail)
    with pytest.raises(crn.AwsError) as err:
        crn.readiness_from_athena(
            "shop",
            "events",
            _schema(),
            s3_output="s3://athena-out/q/",
            progress=False,
            boto3_session=boto3_session,
        )
    msg = str(err.value)
    assert "TABLE_NOT_FOUND" in msg and "Check the database and table names" in msg
    assert err.value.code == "QueryFailed"
