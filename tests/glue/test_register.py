"""register_dataframe against moto's server: the written table is one Clean Rooms ML can read."""

from __future__ import annotations

import hashlib
import io

import awswrangler as wr
import boto3
import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

import cleanroom_nb as crn
from cleanroom_nb.glue._register import cast_for_role, prepare_frame
from cleanroom_nb.local._sample_data import sample_interactions

BUCKET = "reg-data"


@pytest.fixture
def s3(boto3_session: boto3.Session) -> boto3.Session:
    boto3_session.client("s3").create_bucket(Bucket=BUCKET)
    return boto3_session


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    df = sample_interactions(5_000, 500, 150, seed=5)
    df["event_time"] = df["event_time"] * 1000  # milliseconds
    df["quantity"] = df["quantity"].astype("int8")  # would become tinyint
    return df.rename(columns={"event_time": "Event Time", "device": "Device-Type"})


def test_register_writes_a_ready_table(s3: boto3.Session, frame: pd.DataFrame) -> None:
    schema = crn.register_dataframe(
        frame, f"s3://{BUCKET}/events", "newdb", "events", boto3_session=s3
    )
    # The database was created; the table holds Glue's names and accepted types.
    types = wr.catalog.get_table_types("newdb", "events", boto3_session=s3)
    assert list(types) == [
        "customer_id",
        "product_id",
        "event_time",
        "event_type",
        "price",
        "quantity",
        "device_type",
        "email",
    ]
    assert types["event_time"] == "bigint" and types["quantity"] == "int"
    assert [c.name for c in schema.columns] == list(types)
    assert {c.name: c.glue_type for c in schema.columns} == types
    assert schema.glue_names and schema.source.location == f"s3://{BUCKET}/events/"
    assert schema.source.data_format == "parquet" and schema.source.compression == "snappy"
    assert schema.column("customer_id").role == crn.USER_ID
    assert schema.column("product_id").role == crn.ITEM_ID
    assert schema.column("event_time").role == crn.TIMESTAMP
    assert schema.column("quantity").role == crn.NUMERICAL_FEATURE  # usable once cast
    assert schema.ok, schema.findings
    assert {"glue_rename", "timestamp_unit", "small_int"}.isdisjoint(
        f.code for f in schema.findings
    )
    # The files: snappy (never ZSTD), the timestamp in epoch seconds.
    files = wr.s3.list_objects(f"s3://{BUCKET}/events/", boto3_session=s3)
    body = s3.client("s3").get_object(Bucket=BUCKET, Key=files[0].split("/", 3)[3])["Body"]
    meta = pq.ParquetFile(io.BytesIO(body.read())).metadata
    assert {meta.row_group(0).column(i).compression for i in range(meta.num_columns)} == {"SNAPPY"}
    back = wr.s3.read_parquet(f"s3://{BUCKET}/events/", boto3_session=s3)
    assert sorted(back["event_time"].tolist()) == sorted((frame["Event Time"] // 1000).tolist())
    # What Glue now says agrees with the returned schema.
    again = crn.infer_schema_from_glue("newdb", "events", boto3_session=s3)
    assert again.to_api() == schema.to_api()


def test_register_keeps_roles_set_by_hand(s3: boto3.Session, frame: pd.DataFrame) -> None:
    schema = crn.infer_schema(frame).with_roles(
        {"Device-Type": None, "price": None, "quantity": crn.CATEGORICAL_FEATURE}
    )
    out = crn.register_dataframe(
        frame, f"s3://{BUCKET}/hand/", "shop", "hand", schema=schema, boto3_session=s3
    )
    assert out.column("device_type").role is None and out.column("price").role is None
    q = out.column("quantity")
    assert (q.role, q.glue_type, q.edited) == (crn.CATEGORICAL_FEATURE, "int", True)
    ts = out.column("event_time")
    assert ts.glue_type == "bigint" and ts.profile is not None and ts.profile.time_unit == "s"
    assert "epoch seconds" in ts.reason
    assert out.to_api() == [
        {"columnName": c.name, "columnTypes": [c.role]} for c in out.columns if c.role
    ]
    request = crn.build_request(
        name="ds",
        role_arn="arn:aws:iam::123456789012:role/cleanrooms-ml",
        database="shop",
        table="hand",
        schema=out,
    )
    names = [c["columnName"] for c in request["trainingData"][0]["inputConfig"]["schema"]]
    assert names == [c["columnName"] for c in out.to_api()]


def test_register_refuses_to_overwrite(s3: boto3.Session, frame: pd.DataFrame) -> None:
    crn.register_dataframe(frame, f"s3://{BUCKET}/t/", "shop", "t", boto3_session=s3)
    with pytest.raises(crn.TableExistsError) as err:
        crn.register_dataframe(frame.head(10), f"s3://{BUCKET}/t/", "shop", "t", boto3_session=s3)
    assert "shop.t" in str(err.value) and "mode='overwrite'" in str(err.value)
    assert (err.value.database, err.value.table) == ("shop", "t")
    assert len(wr.s3.read_parquet(f"s3://{BUCKET}/t/", boto3_session=s3)) == len(frame)

    crn.register_dataframe(
        frame.head(10), f"s3://{BUCKET}/t/", "shop", "t", mode="overwrite", boto3_session=s3
    )
    assert len(wr.s3.read_parquet(f"s3://{BUCKET}/t/", boto3_session=s3)) == 10


def test_register_refuses_a_path_that_holds_files(s3: boto3.Session, frame: pd.DataFrame) -> None:
    s3.client("s3").put_object(Bucket=BUCKET, Key="old/part.parquet", Body=b"x")
    with pytest.raises(crn.TableExistsError, match="already holds files"):
        crn.register_dataframe(frame, f"s3://{BUCKET}/old/", "shop", "old", boto3_session=s3)
    with pytest.raises(crn.NotFoundError, match="does not exist"):
        crn.register_dataframe(frame, "s3://no-such-bucket/x/", "shop", "x", boto3_session=s3)


def test_register_rejects_names_glue_would_merge(s3: boto3.Session) -> None:
    df = pd.DataFrame({"User ID": ["a"], "user_id": ["b"], "ts": [1_700_000_000]})
    with pytest.raises(crn.InvalidFrameError, match="same name"):
        crn.register_dataframe(df, f"s3://{BUCKET}/m/", "shop", "m", boto3_session=s3)
    with pytest.raises(ValueError, match="mode"):
        crn.register_dataframe(
            df,
            f"s3://{BUCKET}/m/",
            "shop",
            "m",
            mode="append",  # type: ignore[arg-type]
            boto3_session=s3,
        )


def test_cast_for_role() -> None:
    s8 = pd.Series([1, 2, None], dtype="Int8")
    assert str(cast_for_role(s8, crn.CATEGORICAL_FEATURE).dtype) == "Int32"
    assert str(cast_for_role(pd.Series([1, 2], dtype="uint16"), None).dtype) == "int32"
    assert (
        str(cast_for_role(pd.Series([1], dtype="uint64"), crn.NUMERICAL_FEATURE).dtype) == "int64"
    )
    assert (
        str(cast_for_role(pd.Series([1.5], dtype="float16"), crn.NUMERICAL_FEATURE).dtype)
        == "float32"
    )
    assert cast_for_role(pd.Series([True, False]), crn.NUMERICAL_FEATURE).tolist() == [1, 0]
    assert str(cast_for_role(pd.Series([1, 2], dtype="int16"), crn.USER_ID).dtype) == "int64"
    assert cast_for_role(pd.Series([1.5, 2.0]), crn.ITEM_ID).tolist() == ["1.5", "2.0"]
    cat = pd.Series(["a", "b"], dtype="category")
    assert cast_for_role(cat, crn.CATEGORICAL_FEATURE).tolist() == ["a", "b"]
    when = pd.Series(pd.to_datetime(["2023-11-14 22:13:20"]))
    assert cast_for_role(when, crn.TIMESTAMP).tolist() == [1_700_000_000]
    assert cast_for_role(when, crn.CATEGORICAL_FEATURE).tolist() == ["2023-11-14T22:13:20"]


def test_prepare_frame_pins_role_types(frame: pd.DataFrame) -> None:
    schema = crn.infer_schema(frame)
    out, names, dtype = prepare_frame(frame, schema)
    assert names["Event Time"] == "event_time" and names["Device-Type"] == "device_type"
    assert dtype["event_time"] == "bigint" and dtype["customer_id"] == "string"
    assert str(out["quantity"].dtype) == "int32"
    assert out["event_time"].max() < 10**10


@pytest.mark.parametrize("given", [True, False], ids=["schema_given", "schema_inferred"])
def test_register_applies_the_fix_plan(s3: boto3.Session, given: bool) -> None:
    """Text times, e-mail users and float item ids are fixed before writing; the frame is not."""
    n = 400
    df = pd.DataFrame(
        {
            "Customer Email": [
                f" Buyer{i % 50}@Shop.example " if i % 6 == 0 else f"buyer{i % 50}@shop.example"
                for i in range(n)
            ],
            "StockCode": [float(500 + i % 31) for i in range(n)],
            "InvoiceDate": [f"12/{1 + i % 28}/2010 {i % 24}:{i % 60:02d}" for i in range(n)],
            "Country": [("France", "Germany", "Spain")[i % 3] for i in range(n)],
        }
    )
    df.loc[[4, 40], "StockCode"] = np.nan
    df.loc[9, "InvoiceDate"] = "not a date"
    before = df.copy()
    schema = crn.infer_schema(df)
    assert {f.kind for f in schema.fixes} == {"hash_email", "to_int_id", "to_epoch_seconds"}

    out = crn.register_dataframe(
        df,
        f"s3://{BUCKET}/plan/",
        "shop",
        "plan",
        schema=schema if given else None,
        boto3_session=s3,
    )

    pd.testing.assert_frame_equal(df, before)
    back = wr.s3.read_parquet(f"s3://{BUCKET}/plan/", boto3_session=s3)
    assert len(back) == n - 3  # two rows without an item, one time that does not parse
    first = back.iloc[0]
    assert first["customer_email"] == hashlib.sha256(b"buyer0@shop.example").hexdigest()
    assert first["invoicedate"] == int(pd.Timestamp("2010-12-01 00:00", tz="UTC").timestamp())
    assert first["stockcode"] == 500
    types = wr.catalog.get_table_types("shop", "plan", boto3_session=s3)
    assert types["customer_email"] == "string"
    assert types["stockcode"] == "bigint" and types["invoicedate"] == "bigint"
    # What was written is what apply_fixes computes, under Glue's names.
    expected = crn.apply_fixes(df, schema).rename(columns=lambda c: c.lower().replace(" ", "_"))
    pd.testing.assert_frame_equal(back, expected, check_dtype=False)
    # The returned schema has the roles, nothing left to fix, and says what was dropped.
    assert out.roles == {
        "customer_email": crn.USER_ID,
        "stockcode": crn.ITEM_ID,
        "invoicedate": crn.TIMESTAMP,
        "country": crn.CATEGORICAL_FEATURE,
    }
    assert out.fixes == () and out.ok, out.findings
    assert "dropped_rows" in {f.code for f in out.findings}
    assert crn.infer_schema_from_glue("shop", "plan", boto3_session=s3).to_api() == out.to_api()
