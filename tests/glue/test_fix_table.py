"""fix_glue_table: ONE CTAS on the local Athena writes what apply_fixes computes in-process.

The statement runs on the local Athena (Athena's SQL on DuckDB over moto's Glue and S3); its
output, read back from S3, is compared with :func:`cleanroom_nb.apply_fixes` on the very frame
the table was written from, and with values computed here independently (hashlib, pandas).

Athena's CTAS properties (format, write_compression, external_location):
https://docs.aws.amazon.com/athena/latest/ug/create-table-as.html; a CTAS into a non-empty
location fails with HIVE_PATH_ALREADY_EXISTS:
https://repost.aws/knowledge-center/athena-hive-path-already-exists
"""

from __future__ import annotations

import hashlib
import math
import warnings
from collections.abc import Callable
from typing import Any

import awswrangler as wr
import boto3
import numpy as np
import pandas as pd
import pytest

import cleanroom_nb as crn
from cleanroom_nb.infer._schema import ColumnSchema, TrainingSchema

BUCKET = "fix-data"
N = 420
BASE = pd.Timestamp("2010-12-01 08:26:00", tz="UTC")


@pytest.fixture
def athena(local_athena: Any, boto3_session: boto3.Session) -> boto3.Session:
    """moto (S3, Glue) with a bucket, and the local Athena."""
    boto3_session.client("s3").create_bucket(Bucket=BUCKET)
    wr.catalog.create_database("shop", boto3_session=boto3_session)
    return boto3_session


def _times(fmt: Callable[[pd.Timestamp], str]) -> tuple[list[str], list[int]]:
    """N text times in one style, and their epoch seconds computed by pandas (floor)."""
    stamps = [BASE + pd.Timedelta(seconds=37_001 * i + 0.75 * (i % 2)) for i in range(N)]
    return [fmt(t) for t in stamps], [math.floor(t.timestamp()) for t in stamps]


TIME_STYLES: dict[str, Callable[[pd.Timestamp], str]] = {
    "us_m_d_y_h_mm": lambda t: f"{t.month}/{t.day}/{t.year} {t.hour}:{t.minute:02d}",
    "iso_ms_z": lambda t: t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z",
    "space_utc": lambda t: t.strftime("%Y-%m-%d %H:%M:%S") + " UTC",
    "date_only": lambda t: t.strftime("%Y-%m-%d"),
    "iso_offset": lambda t: t.tz_convert("Europe/Paris").isoformat(),
    "twitter": lambda t: t.strftime("%a %b %d %H:%M:%S +0000 %Y"),
    "rfc_2822": lambda t: t.strftime("%a, %d %b %Y %H:%M:%S +0000"),
    "rfc_2822_dst": lambda t: t.tz_convert("America/New_York").strftime("%a, %d %b %Y %H:%M:%S %z"),
}


def _truncate(style: str, seconds: int) -> int:
    """What a style keeps of a time: minutes for M/D/YYYY H:MM, days for dates."""
    if style == "us_m_d_y_h_mm":
        return seconds - seconds % 60
    if style == "date_only":
        return seconds - seconds % 86_400
    return seconds


def _events(times: list[str]) -> pd.DataFrame:
    """Interactions whose storage needs fixing: e-mail users, float items with NaN, text times."""
    users = [
        f"  User{i % 70}@Example.COM " if i % 9 == 0 else f"user{i % 70}@example.com"
        for i in range(N)
    ]
    df = pd.DataFrame(
        {
            "email": users,
            "item_id": [float(1000 + i % 53) for i in range(N)],
            "event_time": times,
            "country": [("FR", "DE", "US", "GB", "ES")[i % 5] for i in range(N)],
            "quantity": [1 + (i * 7) % 5 for i in range(N)],
        }
    )
    df.loc[[5, 50], "item_id"] = np.nan  # float ids because of missing values
    df.loc[17, "email"] = None  # a row without a user
    return df


def _rows(frame: pd.DataFrame) -> list[tuple[Any, ...]]:
    """The rows as sorted plain Python tuples (nulls None), whatever the dtypes."""

    def plain(v: Any) -> Any:
        if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
            return None
        return v.item() if isinstance(v, np.generic) else v

    return sorted(
        (tuple(plain(v) for v in row) for row in frame.itertuples(index=False)),
        key=repr,
    )


def _written(session: boto3.Session, path: str) -> pd.DataFrame:
    return wr.s3.read_parquet(path, boto3_session=session)


@pytest.mark.parametrize(
    "style",
    sorted(TIME_STYLES),
)
def test_fix_glue_table_equals_apply_fixes(athena: boto3.Session, style: str) -> None:
    times, seconds = _times(TIME_STYLES[style])
    df = _events(times)
    wr.s3.to_parquet(
        df, f"s3://{BUCKET}/raw/", dataset=True, database="shop", table="raw",
        boto3_session=athena,
    )  # fmt: skip
    schema = crn.infer_schema_from_glue("shop", "raw", boto3_session=athena)
    assert {f.column: f.kind for f in schema.fixes} == {
        "email": "hash_email",
        "item_id": "to_int_id",
        "event_time": "to_epoch_seconds",
    }
    reads: list[tuple[str, str | None]] = []
    athena.events.register(
        "before-parameter-build.s3.GetObject",
        lambda params, **_: reads.append((params["Key"], params.get("Range"))),
    )

    fixed = crn.fix_glue_table(
        "shop",
        "raw",
        schema,
        new_table="events_fixed",
        s3_path=f"s3://{BUCKET}/fixed/",
        s3_output=f"s3://{BUCKET}/athena/",
        boto3_session=athena,
    )

    # Nothing of the source data came to the client (only the new table's bounded sample): the
    # scan estimate shown first reads the source's Parquet footers, ranged GETs at each end.
    sizes = {
        uri.split(f"s3://{BUCKET}/", 1)[1]: size
        for uri, size in wr.s3.size_objects(f"s3://{BUCKET}/raw/", boto3_session=athena).items()
    }
    for key, byte_range in reads:
        if key.startswith("raw/"):
            assert byte_range is not None, key
            assert int(byte_range.rsplit("-", 1)[1]) in (sizes[key] - 1, sizes[key] - 9), (
                key,
                byte_range,
            )
    got = _written(athena, f"s3://{BUCKET}/fixed/")
    api = [c["columnName"] for c in schema.to_api()]
    assert list(got.columns) == api
    expected = crn.apply_fixes(df, schema)[api]
    assert _rows(got) == _rows(expected)
    # The same figures, computed here without the library: three rows had no user or item.
    assert len(got) == N - 3
    kept = df["email"].notna() & df["item_id"].notna()
    want = {
        (hashlib.sha256(e.strip().lower().encode()).hexdigest(), _truncate(style, t))
        for e, t in zip(df["email"][kept], np.asarray(seconds)[kept], strict=True)
    }
    assert set(zip(got["email"], got["event_time"], strict=True)) == want
    assert got["item_id"].min() == 1000 and got["item_id"].max() == 1052
    # The returned schema is the new table's, with the old roles and nothing left to fix.
    assert fixed.to_api() == schema.to_api()
    assert fixed.fixes == () and fixed.ok, fixed.findings
    # Reasons describe the new table's storage, not the old one's ("stored as double: fix ...").
    fmt = schema.column("event_time").profile.time_format.format
    assert fixed.column("event_time").reason == (
        f"written by Athena as bigint epoch seconds, converted from text {fmt!r}"
    )
    assert fixed.column("item_id").reason == (
        "written by Athena as bigint ids, converted from double whole numbers"
    )
    assert "SHA-256" in fixed.column("email").reason
    assert fixed.source.table == "events_fixed" and fixed.source.data_format == "parquet"
    assert fixed.source.compression == "snappy"
    types = wr.catalog.get_table_types("shop", "events_fixed", boto3_session=athena)
    assert types == {
        "email": "string",
        "item_id": "bigint",
        "event_time": "bigint",
        "country": "string",
        "quantity": "bigint",
    }


def test_fix_glue_table_refuses_what_ctas_cannot_do(athena: boto3.Session) -> None:
    df = _events(_times(TIME_STYLES["iso_ms_z"])[0])
    wr.s3.to_parquet(
        df, f"s3://{BUCKET}/raw/", dataset=True, database="shop", table="raw",
        boto3_session=athena,
    )  # fmt: skip
    schema = crn.infer_schema_from_glue("shop", "raw", boto3_session=athena)

    def fix(**kw: Any) -> TrainingSchema:
        args = {"new_table": "events_fixed", "s3_path": f"s3://{BUCKET}/fixed/", **kw}
        return crn.fix_glue_table("shop", "raw", schema, boto3_session=athena, **args)

    # The new table's location holds files: CTAS would fail with HIVE_PATH_ALREADY_EXISTS.
    athena.client("s3").put_object(Bucket=BUCKET, Key="used/part-0.parquet", Body=b"x")
    with pytest.raises(crn.TableExistsError, match="HIVE_PATH_ALREADY_EXISTS"):
        fix(s3_path=f"s3://{BUCKET}/used/")
    # The new table exists already (here: the source itself).
    with pytest.raises(crn.TableExistsError, match=r"shop\.raw already exists"):
        fix(new_table="raw")
    with pytest.raises(crn.NotFoundError, match="bucket 'no-such-bucket'"):
        fix(s3_path="s3://no-such-bucket/fixed/")
    with pytest.raises(crn.NotFoundError, match=r"Glue table shop\.nope was not found"):
        crn.fix_glue_table(
            "shop", "nope", schema, new_table="x", s3_path=f"s3://{BUCKET}/x/",
            boto3_session=athena,
        )  # fmt: skip
    # A workgroup that enforces its results location: Athena refuses external_location
    # (https://docs.aws.amazon.com/athena/latest/ug/workgroups-troubleshooting.html).
    athena.client("athena").create_work_group(
        Name="locked",
        Configuration={
            "EnforceWorkGroupConfiguration": True,
            "ResultConfiguration": {"OutputLocation": f"s3://{BUCKET}/locked/"},
        },
    )
    with pytest.raises(crn.AwsError, match="'locked' enforces its query results location"):
        fix(workgroup="locked")
    with pytest.raises(crn.NotFoundError, match="workgroup 'nope' was not found"):
        fix(workgroup="nope")
    # Inside the source's location: the new files would join the table being read.
    with pytest.raises(ValueError, match=r"overlaps the location of shop\.raw"):
        fix(s3_path=f"s3://{BUCKET}/raw/fixed/")
    with pytest.raises(ValueError, match="overlaps"):
        fix(s3_path=f"s3://{BUCKET}/raw")
    with pytest.raises(ValueError, match="not a valid Athena table name"):
        fix(new_table="events-fixed")
    with pytest.raises(ValueError, match="s3_path must be an S3 prefix"):
        fix(s3_path="/tmp/fixed")
    # Nothing was written by any of them.
    assert not wr.catalog.does_table_exist("shop", "events_fixed", boto3_session=athena)
    assert not wr.s3.list_objects(f"s3://{BUCKET}/fixed/", boto3_session=athena)


def test_fix_glue_table_reports_athenas_reason(athena: boto3.Session) -> None:
    """A schema of another table: Athena names the column it cannot find."""
    df = _events(_times(TIME_STYLES["iso_ms_z"])[0])
    wr.s3.to_parquet(
        df, f"s3://{BUCKET}/raw/", dataset=True, database="shop", table="raw",
        boto3_session=athena,
    )  # fmt: skip
    wr.s3.to_parquet(
        df.drop(columns=["country"]), f"s3://{BUCKET}/other/", dataset=True, database="shop",
        table="other", boto3_session=athena,
    )  # fmt: skip
    schema = crn.infer_schema_from_glue("shop", "raw", boto3_session=athena)
    with pytest.raises(crn.AwsError, match="country") as err:
        crn.fix_glue_table(
            "shop",
            "other",
            schema,
            new_table="other_fixed",
            s3_path=f"s3://{BUCKET}/other_fixed/",
            s3_output=f"s3://{BUCKET}/athena/",
            boto3_session=athena,
        )
    assert err.value.code == "QueryFailed" and "shop.other_fixed" in str(err.value)
    assert "COLUMN_NOT_FOUND" in str(err.value) and "Infer it again" in str(err.value)


def test_fix_glue_table_without_fixes_copies_and_says_so(athena: boto3.Session) -> None:
    """A table that needs no column fix (here ZSTD Parquet) becomes a snappy-Parquet copy."""
    _, seconds = _times(TIME_STYLES["iso_ms_z"])
    df = pd.DataFrame(
        {
            "user_id": [f"u{i % 70}" for i in range(N)],
            "item_id": [1000 + i % 53 for i in range(N)],
            "event_time": seconds,
            "note": [f"free text number {i} about nothing in particular" for i in range(N)],
        }
    )
    wr.s3.to_parquet(
        df, f"s3://{BUCKET}/zstd/", dataset=True, database="shop", table="zstd",
        compression="zstd", boto3_session=athena,
    )  # fmt: skip
    schema = crn.infer_schema_from_glue("shop", "zstd", boto3_session=athena)
    assert schema.fixes == () and "zstd_parquet" in {f.code for f in schema.findings}
    assert schema.column("note").role is None

    with pytest.warns(UserWarning, match="no fixes to apply"):
        fixed = crn.fix_glue_table(
            "shop", "zstd", schema, new_table="snappy", s3_path=f"s3://{BUCKET}/snappy/",
            s3_output=f"s3://{BUCKET}/athena/", boto3_session=athena,
        )  # fmt: skip

    got = _written(athena, f"s3://{BUCKET}/snappy/")
    assert list(got.columns) == ["user_id", "item_id", "event_time"]  # "note" is left out
    assert _rows(got) == _rows(df[["user_id", "item_id", "event_time"]])
    assert fixed.ok and fixed.source.compression == "snappy", fixed.findings


def _schema(*cols: tuple[str, str, str | None], glue_names: bool = True) -> TrainingSchema:
    return TrainingSchema.from_columns(
        [ColumnSchema(n, t, r, 1.0, "test") for n, t, r in cols], glue_names=glue_names
    )


def test_fix_glue_table_sql_refuses_a_schema_it_cannot_apply() -> None:
    ok = [("u", "string", "USER_ID"), ("i", "bigint", "ITEM_ID"), ("t", "bigint", "TIMESTAMP")]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sql = crn.fix_glue_table_sql("db", "t", _schema(*ok), new_table="n", s3_path="s3://b/p")
    assert "external_location = 's3://b/p/'" in sql
    with pytest.raises(crn.SchemaError, match="0 ITEM_ID columns"):
        crn.fix_glue_table_sql("db", "t", _schema(ok[0], ok[2]), new_table="n", s3_path="s3://b/p/")
    with pytest.raises(crn.SchemaError, match="'flag' has Glue type boolean"):
        crn.fix_glue_table_sql(
            "db",
            "t",
            _schema(*ok, ("flag", "boolean", "NUMERICAL_FEATURE")),
            new_table="n",
            s3_path="s3://b/p/",
        )
    # Two DataFrame columns that Glue would give one name.
    with pytest.raises(crn.SchemaError, match="both be written as 'a_b'"):
        crn.fix_glue_table_sql(
            "db",
            "t",
            _schema(
                *ok,
                ("A b", "string", "CATEGORICAL_FEATURE"),
                ("a-b", "string", "CATEGORICAL_FEATURE"),
                glue_names=False,
            ),
            new_table="n",
            s3_path="s3://b/p/",
        )
