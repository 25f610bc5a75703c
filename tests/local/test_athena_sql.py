"""The local Athena's SQL: Trino semantics on DuckDB, text and JSON tables, CTAS and DROP TABLE.

Sources for the behaviour asserted:
- Trino's integer division truncates, and an integer division by zero fails:
  https://trino.io/docs/current/functions/math.html#mathematical-operators
- a decimal literal is a DECIMAL: https://trino.io/docs/current/language/types.html#decimal
- a double cast to bigint is rounded HALF_UP (Trino's DoubleOperators.castToLong)
- ``parse_datetime`` takes Joda-Time patterns:
  https://trino.io/docs/current/functions/datetime.html#joda-functions
- CSV with LazySimpleSerDe (``field.delim``, ``skip.header.line.count``, ``\\N`` as NULL):
  https://docs.aws.amazon.com/athena/latest/ug/lazy-simple-serde.html
- JSON with the OpenX SerDe (keys matched case-insensitively by default):
  https://docs.aws.amazon.com/athena/latest/ug/openx-json-serde.html
- Data scanned: Athena bills the bytes it reads; columnar formats read only the columns a
  query needs: https://docs.aws.amazon.com/athena/latest/ug/columnar-storage.html
- CTAS: Parquet by default, the table registered in the Glue catalog, ``external_location``
  must be empty, without it ``<result location>/tables/<query-id>/``:
  https://docs.aws.amazon.com/athena/latest/ug/create-table-as.html
  https://docs.aws.amazon.com/athena/latest/ug/ctas-considerations-limitations.html
- DROP TABLE on an external table removes the definition, not the data:
  https://docs.aws.amazon.com/athena/latest/ug/drop-table.html
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import awswrangler as wr
import boto3
import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
from athena_tables import csv_table, json_table, parquet_table

OUT = "s3://athena-results/out/"


def _query(sql: str, session: boto3.Session, **kw: Any) -> pd.DataFrame:
    return wr.athena.read_sql_query(
        sql,
        database="shop",
        ctas_approach=kw.pop("ctas_approach", False),
        s3_output=OUT,
        boto3_session=session,
        **kw,
    )


@pytest.fixture
def shop(local_athena: Any, boto3_session: boto3.Session) -> boto3.Session:
    s3 = boto3_session.client("s3")
    s3.create_bucket(Bucket="athena-results")
    s3.create_bucket(Bucket="shop-data")
    wr.catalog.create_database("shop", boto3_session=boto3_session)
    return boto3_session


def test_trino_arithmetic_is_kept(shop: boto3.Session) -> None:
    """Integer division truncates toward zero; a decimal literal (``3.0``) makes a decimal
    division rounded to its scale; doubles divide exactly."""
    df = _query("SELECT 7 / 2 AS a, -7 / 2 AS b, 7 % 3 AS c, 7.0E0 / 2 AS d, 1 / 3.0 AS e", shop)
    assert df.iloc[0].to_dict() == {"a": 3, "b": -3, "c": 1, "d": 3.5, "e": Decimal("0.3")}
    assert str(df["a"].dtype) == "Int32"
    with pytest.raises(wr.exceptions.QueryFailed, match="DIVISION_BY_ZERO"):
        _query("SELECT 7 % 0 AS z", shop)
    # CAST(double AS bigint) rounds half away from zero (Trino's DoubleOperators: HALF_UP)
    rounded = _query("SELECT CAST(2.5E0 AS BIGINT) AS p, CAST(-2.5E0 AS BIGINT) AS n", shop)
    assert rounded.iloc[0].to_dict() == {"p": 3, "n": -3}


def test_what_cannot_be_translated_fails_instead_of_guessing(shop: boto3.Session) -> None:
    """Joda patterns are translated or refused; unknown functions are refused."""
    df = _query("SELECT parse_datetime('2024-03-05 07:08:09', 'yyyy-MM-dd HH:mm:ss') AS t", shop)
    assert df["t"].iloc[0] == pd.Timestamp("2024-03-05 07:08:09")
    with pytest.raises(wr.exceptions.QueryFailed, match=r"NOT_SUPPORTED.*Joda pattern 'ww'"):
        _query("SELECT parse_datetime('2024 10', 'yyyy ww') AS t", shop)
    with pytest.raises(wr.exceptions.QueryFailed, match=r"NOT_SUPPORTED.*'format_datetime'"):
        _query("SELECT format_datetime(current_timestamp, 'yyyy') AS y", shop)
    with pytest.raises(wr.exceptions.QueryFailed, match=r"NOT_SUPPORTED.*SHOW"):
        _query("SHOW TABLES", shop)


def test_csv_table_with_header_and_nulls(shop: boto3.Session) -> None:
    """A LazySimpleSerDe table: header lines skipped in every file, ``\\N`` read as NULL,
    bytes scanned = the objects read."""
    df = pd.DataFrame(
        {
            "user_id": ["u1", "u2", None, "u4", "u5"],
            "item_id": pd.array([10, None, 30, 40, 50], dtype="Int64"),
            "score": [0.5, 1.5, np.nan, 3.5, 4.5],
        }
    )
    size = csv_table(shop, df, "shop", "clicks", "s3://shop-data/clicks/", files=2)
    got = _query('SELECT * FROM "clicks" ORDER BY item_id NULLS FIRST', shop)
    assert got["user_id"].isna().tolist() == [False, False, True, False, False]
    assert got["user_id"].dropna().tolist() == ["u2", "u1", "u4", "u5"]
    assert got["item_id"].isna().tolist() == [True, False, False, False, False]
    assert got["item_id"].dropna().tolist() == [10, 30, 40, 50]
    assert got["score"].isna().sum() == 1 and got["score"].sum() == 10.0
    assert got.query_metadata["Statistics"]["DataScannedInBytes"] == size


def test_json_lines_table(shop: boto3.Session) -> None:
    """An OpenX JSON table: one object a line, keys matched case-insensitively."""
    bucket = shop.client("s3")
    body = b'{"User_ID": "a", "item_id": 1}\n{"user_id": "b", "item_id": null}\n{"user_id": "c"}\n'
    bucket.put_object(Bucket="shop-data", Key="events/part-0.json", Body=body)
    json_table(
        shop,
        pd.DataFrame({"user_id": ["x"], "item_id": [1]}).iloc[:0],
        "shop",
        "events",
        "s3://shop-data/events/",
        files=1,
    )
    got = _query('SELECT user_id, item_id FROM "events" ORDER BY user_id', shop)
    assert got["user_id"].tolist() == ["a", "b", "c"]
    assert got["item_id"].tolist()[0] == 1 and got["item_id"].isna().sum() == 2


def test_parquet_bytes_scanned_counts_only_the_columns_read(shop: boto3.Session) -> None:
    """Parquet: only the column chunks a query reads are counted, and files whose names
    start with ``_`` or ``.`` are not read (Hive's hidden files)."""
    n = 20_000
    df = pd.DataFrame(
        {
            "a": np.arange(n, dtype="int64"),
            "b": [f"value-{i}" for i in range(n)],
            "c": np.random.default_rng(0).random(n),
        }
    )
    parquet_table(shop, df, "shop", "wide", "s3://shop-data/wide/")
    shop.client("s3").put_object(Bucket="shop-data", Key="wide/_SUCCESS", Body=b"junk")
    one = _query('SELECT sum(a) AS s FROM "wide"', shop)
    three = _query('SELECT sum(a) AS s, max(b) AS m, avg(c) AS v FROM "wide"', shop)
    assert one["s"].iloc[0] == n * (n - 1) // 2
    small = one.query_metadata["Statistics"]["DataScannedInBytes"]
    big = three.query_metadata["Statistics"]["DataScannedInBytes"]
    assert 0 < small < big


def test_ctas_writes_parquet_and_registers_the_table(shop: boto3.Session) -> None:
    """CTAS writes Parquet under external_location, registers the table in Glue with the
    result's types and partitions; the table is then queryable."""
    df = pd.DataFrame(
        {
            "user_id": [f"u{i % 7}" for i in range(100)],
            "ts": np.arange(100, dtype="int64") + 1_700_000_000,
            "kind": ["view", "buy"] * 50,
        }
    )
    parquet_table(shop, df, "shop", "raw", "s3://shop-data/raw/")
    sql = (
        'CREATE TABLE "shop"."clean" WITH (format = \'PARQUET\', write_compression = '
        "'SNAPPY', external_location = 's3://shop-data/clean/', partitioned_by = "
        "ARRAY['kind']) AS SELECT upper(user_id) AS user_id, CAST(ts AS INTEGER) AS ts, "
        'kind FROM "shop"."raw"'
    )
    qid = wr.athena.start_query_execution(sql, database="shop", s3_output=OUT, boto3_session=shop)
    qe = wr.athena.wait_query(qid, boto3_session=shop)
    assert qe["Status"]["State"] == "SUCCEEDED" and qe["StatementType"] == "DDL"
    table = shop.client("glue").get_table(DatabaseName="shop", Name="clean")["Table"]
    sd = table["StorageDescriptor"]
    assert [(c["Name"], c["Type"]) for c in sd["Columns"]] == [
        ("user_id", "string"),
        ("ts", "int"),
    ]
    assert [(c["Name"], c["Type"]) for c in table["PartitionKeys"]] == [("kind", "string")]
    assert sd["Location"] == "s3://shop-data/clean/"
    assert "Parquet" in sd["SerdeInfo"]["SerializationLibrary"].title()
    parts = wr.catalog.get_partitions("shop", "clean", boto3_session=shop)
    assert sorted(parts) == ["s3://shop-data/clean/kind=buy/", "s3://shop-data/clean/kind=view/"]
    manifest = qe["Statistics"]["DataManifestLocation"]
    files = wr.s3.read_csv(manifest, header=None, boto3_session=shop)[0].tolist()
    assert len(files) == 2 and all(f.startswith("s3://shop-data/clean/kind=") for f in files)
    body = shop.client("s3").get_object(Bucket="shop-data", Key=files[0][len("s3://shop-data/") :])
    meta = pq.read_metadata(pd.io.common.BytesIO(body["Body"].read()))
    assert meta.row_group(0).column(0).compression == "SNAPPY"
    got = _query('SELECT kind, count(*) AS n, min(user_id) AS u FROM "clean" GROUP BY kind', shop)
    assert dict(zip(got["kind"], got["n"], strict=True)) == {"view": 50, "buy": 50}
    assert set(got["u"]) == {"U0"}
    with pytest.raises(wr.exceptions.QueryFailed, match="ALREADY_EXISTS"):
        _query(sql, shop)
    again = sql.replace('"clean"', '"clean2"')
    with pytest.raises(wr.exceptions.QueryFailed, match="HIVE_PATH_ALREADY_EXISTS"):
        _query(again, shop)


def test_ctas_without_location_and_drop_table(shop: boto3.Session) -> None:
    """Without external_location the table goes to ``<results>/tables/<query-id>/``; DROP
    TABLE removes it from Glue and keeps the data; dropping a missing table fails unless
    IF EXISTS."""
    qid = wr.athena.start_query_execution(
        'CREATE TABLE "shop"."nums" AS SELECT 1 AS x',
        database="shop",
        s3_output=OUT,
        boto3_session=shop,
    )
    wr.athena.wait_query(qid, boto3_session=shop)
    location = wr.catalog.get_table_location("shop", "nums", boto3_session=shop)
    assert location == f"{OUT}tables/{qid}/"
    drop = wr.athena.start_query_execution(
        'DROP TABLE "shop"."nums"', database="shop", s3_output=OUT, boto3_session=shop
    )
    assert wr.athena.wait_query(drop, boto3_session=shop)["Status"]["State"] == "SUCCEEDED"
    assert not wr.catalog.does_table_exist("shop", "nums", boto3_session=shop)
    assert wr.s3.list_objects(location, boto3_session=shop)
    with pytest.raises(wr.exceptions.QueryFailed, match="Table not found"):
        wr.athena.wait_query(
            wr.athena.start_query_execution(
                "DROP TABLE shop.nums", database="shop", s3_output=OUT, boto3_session=shop
            ),
            boto3_session=shop,
        )
    ok = wr.athena.start_query_execution(
        "DROP TABLE IF EXISTS shop.nums", database="shop", s3_output=OUT, boto3_session=shop
    )
    assert wr.athena.wait_query(ok, boto3_session=shop)["Status"]["State"] == "SUCCEEDED"


def test_awswrangler_ctas_approach_reads_back(shop: boto3.Session) -> None:
    """awswrangler's default CTAS approach (temporary table + manifest) works end to end."""
    df = pd.DataFrame({"k": ["a", "b", "a"], "v": [1, 2, 3]})
    parquet_table(shop, df, "shop", "kv", "s3://shop-data/kv/")
    got = _query('SELECT k, sum(v) AS s FROM "kv" GROUP BY k ORDER BY k', shop, ctas_approach=True)
    assert got.to_dict("list") == {"k": ["a", "b"], "s": [4, 2]}


def test_execution_parameters_fill_the_placeholders(shop: boto3.Session) -> None:
    """ExecutionParameters are applied to the ``?`` placeholders in order (awswrangler's
    ``paramstyle="qmark"``)
    (https://docs.aws.amazon.com/athena/latest/APIReference/API_StartQueryExecution.html)."""
    got = _query(
        "SELECT ? AS a, ? * 2 AS b, '?' AS c", shop, params=["'x'", "21"], paramstyle="qmark"
    )
    assert got.iloc[0].to_dict() == {"a": "x", "b": 42, "c": "?"}
    with pytest.raises(wr.exceptions.QueryFailed, match="Incorrect number of parameters"):
        _query("SELECT ? AS a, ? AS b", shop, params=["1"], paramstyle="qmark")


def test_open_csv_table_and_empty_result(shop: boto3.Session) -> None:
    """OpenCSVSerDe reads quoted fields with the separator inside
    (https://docs.aws.amazon.com/athena/latest/ug/csv-serde.html); a query with no rows gives
    a result file with the header only, read back as an empty frame with the columns."""
    body = b'"id","name"\n"1","Smith, Jane"\n"2","Doe, John"\n'
    shop.client("s3").put_object(Bucket="shop-data", Key="people/people.csv", Body=body)
    shop.client("glue").create_table(
        DatabaseName="shop",
        TableInput={
            "Name": "people",
            "Parameters": {"skip.header.line.count": "1"},
            "StorageDescriptor": {
                "Columns": [{"Name": "id", "Type": "bigint"}, {"Name": "name", "Type": "string"}],
                "Location": "s3://shop-data/people/",
                "InputFormat": "org.apache.hadoop.mapred.TextInputFormat",
                "SerdeInfo": {
                    "SerializationLibrary": "org.apache.hadoop.hive.serde2.OpenCSVSerde",
                    "Parameters": {"separatorChar": ",", "quoteChar": '"'},
                },
            },
        },
    )
    got = _query('SELECT id, name FROM "people" ORDER BY id', shop)
    assert got.to_dict("list") == {"id": [1, 2], "name": ["Smith, Jane", "Doe, John"]}
    none = _query('SELECT id, name FROM "people" WHERE id > 99', shop)
    assert list(none.columns) == ["id", "name"] and len(none) == 0


def test_enforced_workgroup_refuses_a_ctas_external_location(shop: boto3.Session) -> None:
    """With a workgroup that enforces its result location, a CTAS naming external_location
    fails; without it the table goes under ``<workgroup location>/tables/<query-id>/``
    (https://docs.aws.amazon.com/athena/latest/ug/ctas-considerations-limitations.html)."""
    athena = shop.client("athena")
    athena.create_work_group(
        Name="locked",
        Configuration={
            "ResultConfiguration": {"OutputLocation": "s3://athena-results/locked/"},
            "EnforceWorkGroupConfiguration": True,
        },
    )
    bad = wr.athena.start_query_execution(
        "CREATE TABLE shop.t1 WITH (external_location = 's3://shop-data/t1/') AS SELECT 1 AS x",
        database="shop",
        workgroup="locked",
        boto3_session=shop,
    )
    with pytest.raises(wr.exceptions.QueryFailed, match="external_location"):
        wr.athena.wait_query(bad, boto3_session=shop)
    good = wr.athena.start_query_execution(
        "CREATE TABLE shop.t2 AS SELECT 1 AS x",
        database="shop",
        workgroup="locked",
        boto3_session=shop,
    )
    wr.athena.wait_query(good, boto3_session=shop)
    location = wr.catalog.get_table_location("shop", "t2", boto3_session=shop)
    assert location == f"s3://athena-results/locked/tables/{good}/"


def test_awswrangler_csv_table_reads_like_athena(shop: boto3.Session) -> None:
    """A table written by ``wr.s3.to_csv(dataset=True)`` (LazySimpleSerDe, no header, no
    quoting): an empty field is an empty string in a string column and NULL in a bigint
    column; ``\\N`` is NULL (https://docs.aws.amazon.com/athena/latest/ug/lazy-simple-serde.html).
    A backslash-escaped delimiter (``escape.delim``) cannot be read locally and is refused."""
    df = pd.DataFrame({"u": ["a", None], "n": pd.array([1, None], dtype="Int64")})
    wr.s3.to_csv(
        df,
        "s3://shop-data/wcsv/",
        dataset=True,
        database="shop",
        table="wcsv",
        index=False,
        boto3_session=shop,
    )
    got = _query(
        'SELECT u IS NULL AS un, length(u) AS ul, n IS NULL AS nn FROM "wcsv" ORDER BY ul DESC',
        shop,
    )
    assert got.to_dict("list") == {"un": [False, False], "ul": [1, 0], "nn": [False, True]}
    s3 = shop.client("s3")
    s3.put_object(Bucket="shop-data", Key="wcsv/nulls.csv", Body=b"\\N,7\n")
    got = _query('SELECT count(*) AS n, count(u) AS u FROM "wcsv"', shop)
    assert got.iloc[0].to_dict() == {"n": 3, "u": 2}
    s3.put_object(Bucket="shop-data", Key="wcsv/escaped.csv", Body=b"x\\,y,5\n")
    with pytest.raises(wr.exceptions.QueryFailed, match="escapes the field delimiter"):
        _query('SELECT count(*) AS n FROM "wcsv"', shop)


def test_partition_filters_prune_what_is_read_and_counted(shop: boto3.Session) -> None:
    """A WHERE on partition keys prunes partitions: fewer bytes scanned, same rows as a query
    that reads everything; a join or an OR with a data column reads every partition
    (https://docs.aws.amazon.com/athena/latest/ug/partitions.html)."""
    n = 9_000
    df = pd.DataFrame(
        {
            "v": np.arange(n, dtype="int64"),
            "w": [f"text-{i}" for i in range(n)],
            "day": [f"2024-01-0{1 + i % 3}" for i in range(n)],
        }
    )
    parquet_table(shop, df, "shop", "daily", "s3://shop-data/daily/", partition_cols=["day"])

    def scanned(sql: str) -> tuple[int, int]:
        got = _query(sql, shop)
        return int(got["s"].iloc[0]), got.query_metadata["Statistics"]["DataScannedInBytes"]

    everything = scanned('SELECT sum(v) AS s FROM "daily"')
    one_day = scanned("SELECT sum(v) AS s FROM \"daily\" WHERE day = '2024-01-02' AND v >= 0")
    two_days = scanned(
        "SELECT sum(v) AS s FROM \"daily\" WHERE day IN ('2024-01-02', '2024-01-03')"
    )
    assert one_day[0] == int(df.loc[df["day"] == "2024-01-02", "v"].sum())
    assert two_days[0] == int(df.loc[df["day"] != "2024-01-01", "v"].sum())
    assert 0 < one_day[1] < two_days[1] < everything[1]
    either = scanned("SELECT sum(v) AS s FROM \"daily\" WHERE day = '2024-01-02' OR v < 3")
    assert either[1] == everything[1]
    assert either[0] == int(df.loc[(df["day"] == "2024-01-02") | (df["v"] < 3), "v"].sum())
    joined = scanned(
        'SELECT sum(a.v) AS s FROM "daily" AS a JOIN "daily" AS b ON a.v = b.v '
        "WHERE a.day = '2024-01-02'"
    )
    assert joined == (one_day[0], everything[1])
