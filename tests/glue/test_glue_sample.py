"""The Glue sample is spread across the table (issue 18, item 1), against moto's server.

A table written one object per day holds ONE ``t_dat`` value per object: a sample of the first
object alone sees it constant and gives the table no TIMESTAMP. The sample reads shares of up
to 12 objects spread over the listing (and over the partitions), within today's byte bound,
and the schema says what it read. Listing stays bounded on a 100k-object table.
"""

from __future__ import annotations

import bisect
import gzip
import io
import json
from collections.abc import Iterator
from typing import Any

import awswrangler as wr
import boto3
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import cleanroom_nb as crn
from cleanroom_nb.glue import _listing, _s3_file
from cleanroom_nb.glue._catalog import GlueTableInfo
from cleanroom_nb.infer import _suggest
from cleanroom_nb.infer._scope import SampleScope

BUCKET = "glue-sample"
DAYS = [d.strftime("%Y-%m-%d") for d in pd.date_range("2024-03-01", periods=30, freq="D")]
TYPES = {"customer_id": "string", "article_id": "bigint", "price": "double", "t_dat": "string"}


@pytest.fixture
def s3(boto3_session: boto3.Session) -> Iterator[boto3.Session]:
    boto3_session.client("s3").create_bucket(Bucket=BUCKET)
    wr.catalog.create_database("hm", boto3_session=boto3_session)
    yield boto3_session


def _day(i: int, rows: int = 200) -> pd.DataFrame:
    """One day's transactions: many customers and articles, ONE t_dat value."""
    rng = np.random.default_rng(i)
    return pd.DataFrame(
        {
            "customer_id": [f"{u:016x}" for u in rng.integers(0, 2**60, rows)],
            "article_id": rng.integers(100_000_000, 100_400_000, rows),
            "price": np.round(rng.uniform(0.005, 0.2, rows), 4),
            "t_dat": DAYS[i],
        }
    )


def _put_days(session: boto3.Session, table: str, fmt: str, rows: int = 200) -> list[str]:
    """30 objects, one per day, under ``s3://BUCKET/<table>/``; their keys."""
    client = session.client("s3")
    keys = []
    for i in range(len(DAYS)):
        df = _day(i, rows)
        if fmt == "parquet":
            buf = io.BytesIO()
            pq.write_table(pa.Table.from_pandas(df, preserve_index=False), buf)
            body, ext = buf.getvalue(), "parquet"
        elif fmt in ("csv", "csv.gz"):
            body = df.to_csv(index=False).encode()
            body, ext = (gzip.compress(body), "csv.gz") if fmt == "csv.gz" else (body, "csv")
        else:
            body, ext = df.to_json(orient="records", lines=True).encode(), "json"
        key = f"{table}/day-{DAYS[i]}.{ext}"
        client.put_object(Bucket=BUCKET, Key=key, Body=body)
        keys.append(key)
    location = f"s3://{BUCKET}/{table}/"
    if fmt == "parquet":
        wr.catalog.create_parquet_table(
            "hm", table, location, columns_types=TYPES, boto3_session=session
        )
    elif fmt.startswith("csv"):
        wr.catalog.create_csv_table(
            "hm",
            table,
            location,
            columns_types=TYPES,
            skip_header_line_count=1,
            compression="gzip" if fmt == "csv.gz" else None,
            boto3_session=session,
        )
    else:
        wr.catalog.create_json_table(
            "hm", table, location, columns_types=TYPES, boto3_session=session
        )
    return keys


@pytest.fixture
def scopes(monkeypatch: pytest.MonkeyPatch) -> list[SampleScope | None]:
    """The SampleScope each suggest_schema call was given."""
    seen: list[SampleScope | None] = []
    real = _suggest.suggest_schema

    def spy(*args: Any, **kwargs: Any) -> Any:
        seen.append(kwargs.get("scope"))
        return real(*args, **kwargs)

    monkeypatch.setattr(_suggest, "suggest_schema", spy)
    return seen


# ------------------------------------------------------------------------------ day per object
@pytest.mark.parametrize("fmt", ["parquet", "csv", "json", "csv.gz"])
def test_a_day_per_object_table_gets_its_timestamp(
    s3: boto3.Session, fmt: str, scopes: list[SampleScope | None]
) -> None:
    table = "days_" + fmt.replace(".", "_")
    keys = _put_days(s3, table, fmt)

    schema = crn.infer_schema_from_glue("hm", table, boto3_session=s3)

    info = schema.source
    assert isinstance(info, GlueTableInfo)
    # Up to 12 objects, spread evenly over the 30 (the first and the last included).
    read = [u.split("/", 3)[3] for u in info.sample_objects]
    assert len(read) == _listing.SAMPLE_OBJECTS
    assert read == sorted(read) and read[0] == keys[0] and read[-1] == keys[-1]
    assert info.sample_uri == f"s3://{BUCKET}/{keys[0]}"  # compatibility: the first object
    assert info.listed_objects == 30 and info.listing_truncated is False
    assert info.list_requests == 1
    assert info.requests >= len(read)
    # Every sampled object contributed rows.
    assert info.sample_rows == 200 * len(read)
    assert schema.column("t_dat").role == crn.TIMESTAMP, schema.column("t_dat").reason
    assert schema.column("customer_id").role == crn.USER_ID
    assert schema.column("article_id").role == crn.ITEM_ID
    # The schema says what it read.
    assert f"sampled {info.sample_rows:,} rows from 12 of 30 objects" in repr(info)
    assert "12 of 30 objects" in info._repr_html_()
    # The suggester knew what the sample is of.
    (scope,) = scopes
    assert scope is not None and not scope.random
    assert scope.rows == info.sample_rows and scope.objects_read == info.sample_objects
    assert scope.objects_total == 30 and scope.total_rows == info.estimated_rows
    if fmt != "csv.gz":  # rows per byte are not known from a compressed prefix
        assert 0.5 * 6_000 < info.estimated_rows < 2 * 6_000


def test_the_first_object_alone_would_see_one_day(s3: boto3.Session) -> None:
    """The case the spread sample fixes: the first object's t_dat is constant."""
    _put_days(s3, "one", "csv")
    schema = crn.infer_schema_from_glue("hm", "one", boto3_session=s3)
    first = pd.read_csv(io.BytesIO(_day(0).to_csv(index=False).encode()))
    assert first["t_dat"].nunique() == 1
    assert schema.column("t_dat").role == crn.TIMESTAMP


# ------------------------------------------------------------------------------ byte bound
def test_text_byte_bound_holds_across_objects(s3: boto3.Session) -> None:
    keys = _put_days(s3, "bound", "csv", rows=2_000)  # ~80 KB each, 2.4 MB in all
    budget = 64 * 1024
    schema = crn.infer_schema_from_glue("hm", "bound", sample_bytes=budget, boto3_session=s3)
    info = schema.source
    assert 0 < info.bytes_fetched <= budget
    assert len(info.sample_objects) == _listing.SAMPLE_OBJECTS
    assert info.requests == len(info.sample_objects)  # one ranged GET per object
    assert info.sample_objects[-1].endswith(keys[-1])
    assert schema.column("t_dat").role == crn.TIMESTAMP
    # A small budget reads fewer objects, each a useful share (at least 4 KiB).
    small = crn.infer_schema_from_glue("hm", "bound", sample_bytes=12 * 1024, boto3_session=s3)
    assert len(small.source.sample_objects) == 3 and small.source.bytes_fetched <= 12 * 1024


def test_parquet_byte_bound_holds_across_objects(s3: boto3.Session) -> None:
    """30 incompressible ~0.4 MB objects (12 MB): the sample stays within 2 MiB + one row group."""
    client = s3.client("s3")
    sizes = []
    for i in range(30):
        rng = np.random.default_rng(i)
        rows = 12_000
        df = _day(i, rows).assign(
            note=[f"{x:032x}" for x in rng.integers(0, 2**62, rows)],
        )
        buf = io.BytesIO()
        pq.write_table(pa.Table.from_pandas(df, preserve_index=False), buf, compression="snappy")
        client.put_object(Bucket=BUCKET, Key=f"big/day-{DAYS[i]}.parquet", Body=buf.getvalue())
        sizes.append(len(buf.getvalue()))
        if i == 0:
            md = pq.ParquetFile(io.BytesIO(buf.getvalue())).metadata
            first_rg = md.row_group(0).total_byte_size
    wr.catalog.create_parquet_table(
        "hm",
        "big",
        f"s3://{BUCKET}/big/",
        columns_types={**TYPES, "note": "string"},
        boto3_session=s3,
    )
    schema = crn.infer_schema_from_glue("hm", "big", boto3_session=s3)
    info = schema.source
    assert info.bytes_fetched <= _s3_file.PARQUET_PREFETCH_BYTES + first_rg
    assert info.bytes_fetched < sum(sizes) / 4
    assert len(info.sample_objects) >= 3  # more than the first object, within the bound
    assert schema.column("t_dat").role == crn.TIMESTAMP


# ------------------------------------------------------------------------------ partitions
def test_partitioned_table_is_sampled_across_partitions(
    s3: boto3.Session, scopes: list[SampleScope | None]
) -> None:
    frames = [
        _day(i).assign(
            event_time=pd.Timestamp(DAYS[i]) + pd.to_timedelta(np.arange(200), unit="min")
        )
        for i in range(20)
    ]
    df = pd.concat(frames, ignore_index=True).rename(columns={"t_dat": "dt"})
    wr.s3.to_parquet(
        df,
        f"s3://{BUCKET}/parts/",
        dataset=True,
        database="hm",
        table="parts",
        partition_cols=["dt"],
        boto3_session=s3,
    )
    schema = crn.infer_schema_from_glue("hm", "parts", boto3_session=s3)
    info = schema.source
    assert info.partition_keys == ("dt",) and info.partitions_total == 20
    assert len(info.sample_partitions) == _listing.SAMPLE_OBJECTS
    assert info.sample_partitions[0] == f"dt={DAYS[0]}"
    assert info.sample_partitions[-1] == f"dt={DAYS[19]}"
    for part, uri in zip(info.sample_partitions, info.sample_objects, strict=True):
        assert f"/{part}/" in uri
    assert "(partitions dt=2024-03-01" in repr(info) and "12 of 20)" in repr(info)
    assert schema.column("event_time").role == crn.TIMESTAMP
    (scope,) = scopes
    assert scope is not None
    assert scope.partitions_read == info.sample_partitions and scope.partitions_total == 20


# ------------------------------------------------------------------------------ listing
def test_truncated_listing_is_spread_with_start_after_jumps_on_moto(s3: boto3.Session) -> None:
    """The jump path against moto's real ListObjectsV2 (StartAfter, Prefix, MaxKeys)."""
    keys = _put_days(s3, "jumps", "csv", rows=5)
    client = s3.client("s3")
    listing = _listing.spread_listing(client, f"s3://{BUCKET}/jumps/", page_size=4)
    assert not listing.complete and listing.calls <= _listing.MAX_LIST_CALLS
    picked = [o.key for o in _listing.spread_objects(listing)]
    assert picked[0] == keys[0]
    days = {k.split("day-")[1][:10] for k in picked}
    assert len(days) >= 8 and max(days) >= "2024-03-25"  # reaches the end of the key space


class _ManyKeys:
    """A stand-in S3 client holding 100k keys (moto's server is too slow to create them):
    ListObjectsV2 semantics (Prefix, StartAfter, MaxKeys, IsTruncated), calls counted."""

    def __init__(self, keys: list[str]) -> None:
        self.keys = sorted(keys)
        self.calls = 0

    def list_objects_v2(
        self, Bucket: str, Prefix: str, MaxKeys: int, StartAfter: str = ""
    ) -> dict[str, Any]:
        self.calls += 1
        i = max(bisect.bisect_right(self.keys, StartAfter), bisect.bisect_left(self.keys, Prefix))
        out = []
        while i < len(self.keys) and self.keys[i].startswith(Prefix) and len(out) < MaxKeys:
            out.append(self.keys[i])
            i += 1
        more = i < len(self.keys) and self.keys[i].startswith(Prefix)
        return {"Contents": [{"Key": k, "Size": 100} for k in out], "IsTruncated": more}


@pytest.mark.parametrize(
    "layout",
    [
        [f"t/part-{i:05d}.snappy.parquet" for i in range(100_000)],
        [
            f"t/dt=2024-{1 + d // 28:02d}-{1 + d % 28:02d}/part-{j:03d}.csv"
            for d in range(336)
            for j in range(300)
        ],
        [f"t/{h:08x}.json" for h in range(0, 2**32, 2**32 // 100_000)],
        ["t/_SUCCESS", *(f"t/run-{i:06d}/data.json" for i in range(100_000))],
    ],
    ids=["numbered", "daily-partitions", "hashed", "runs"],
)
def test_listing_stays_bounded_on_100k_objects(layout: list[str]) -> None:
    fake = _ManyKeys(layout)
    listing = _listing.spread_listing(fake, "s3://b/t/")
    assert fake.calls == listing.calls <= _listing.MAX_LIST_CALLS
    assert not listing.complete and listing.data_objects < 10_000
    picked = [o.key for o in _listing.spread_objects(listing)]
    assert (
        len(picked) == _listing.SAMPLE_OBJECTS
        and picked[0] == fake.keys[0 if layout[0] != "t/_SUCCESS" else 1]
    )
    # Spread over the key space: the picks fall in most tenths of the sorted keys.
    tenths = {bisect.bisect_left(fake.keys, k) * 10 // len(fake.keys) for k in picked}
    assert len(tenths) >= 7, picked


def test_pick_spread_is_even_and_keeps_the_ends() -> None:
    assert _listing.pick_spread(list(range(100)), 12)[::11] == [0, 99]
    assert len(_listing.pick_spread(list(range(100)), 12)) == 12
    assert _listing.pick_spread(["a"], 12) == ["a"]
    assert json.dumps(_listing.pick_spread([], 3)) == "[]"


def test_unregistered_partitions_are_named_from_the_keys(s3: boto3.Session) -> None:
    """Partitions Glue does not list (no MSCK REPAIR yet): spread over the keys, named from them."""
    client = s3.client("s3")
    for i in range(20):
        body = _day(i).drop(columns="t_dat").to_csv(index=False).encode()
        client.put_object(Bucket=BUCKET, Key=f"hive/dt={DAYS[i]}/part-0.csv", Body=body)
    types = {k: v for k, v in TYPES.items() if k != "t_dat"}
    wr.catalog.create_csv_table(
        "hm",
        "hive",
        f"s3://{BUCKET}/hive/",
        columns_types=types,
        partitions_types={"dt": "string"},
        skip_header_line_count=1,
        boto3_session=s3,
    )
    schema = crn.infer_schema_from_glue("hm", "hive", boto3_session=s3)
    info = schema.source
    assert info.partitions_total is None and len(info.sample_objects) == 12
    assert info.sample_partitions[0] == f"dt={DAYS[0]}"
    assert info.sample_partitions[-1] == f"dt={DAYS[19]}"
    assert len(info.sample_partitions) == 12
    assert schema.column("customer_id").role == crn.USER_ID
