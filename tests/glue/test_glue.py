"""infer_schema_from_glue against moto's server over HTTP: tables written by awswrangler."""

from __future__ import annotations

import io
import json
import socket
from collections import Counter
from collections.abc import Iterator

import awswrangler as wr
import boto3
import botocore.awsrequest
import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

import cleanroom_nb as crn
from cleanroom_nb.glue import _parquet_sample, _s3_file
from cleanroom_nb.glue._catalog import GlueTableInfo, data_format
from cleanroom_nb.glue._findings import table_findings
from cleanroom_nb.local._sample_data import sample_interactions

BUCKET = "glue-data"


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return sample_interactions(6_000, 600, 200, seed=3)


@pytest.fixture
def s3(boto3_session: boto3.Session) -> Iterator[boto3.Session]:
    boto3_session.client("s3").create_bucket(Bucket=BUCKET)
    wr.catalog.create_database("shop", boto3_session=boto3_session)
    yield boto3_session


def _codes(schema: crn.TrainingSchema) -> set[str]:
    return {f.code for f in schema.findings}


def _roles_ok(schema: crn.TrainingSchema) -> None:
    assert schema.column("customer_id").role == crn.USER_ID
    assert schema.column("product_id").role == crn.ITEM_ID
    assert schema.column("event_time").role == crn.TIMESTAMP
    assert schema.column("email").role is None  # raw PII is left out


# ------------------------------------------------------------------------------- formats
def test_parquet_several_files_partitioned(s3: boto3.Session, frame: pd.DataFrame) -> None:
    df = frame.rename(columns={"event_type": "Event Type"})
    wr.s3.to_parquet(
        df,
        f"s3://{BUCKET}/pq/",
        dataset=True,
        database="shop",
        table="pq",
        partition_cols=["device"],
        max_rows_by_file=1_000,
        boto3_session=s3,
    )
    files = wr.s3.list_objects(f"s3://{BUCKET}/pq/", boto3_session=s3)
    assert len(files) >= 6

    schema = crn.infer_schema_from_glue("shop", "pq", boto3_session=s3)

    info = schema.source
    assert isinstance(info, GlueTableInfo)
    assert (info.database, info.table, info.data_format) == ("shop", "pq", "parquet")
    assert info.location == f"s3://{BUCKET}/pq/"
    assert info.compression == "snappy"
    assert info.partition_keys == ("device",)
    assert info.bucket_region == info.session_region == "us-east-1"
    # Names exactly as Glue keeps them, partition key included and marked.
    assert [c.name for c in schema.columns] == list(
        wr.catalog.get_table_types("shop", "pq", boto3_session=s3)
    )
    assert "event_type" in schema.roles
    assert schema.column("device").is_partition_key
    assert not schema.column("customer_id").is_partition_key
    assert schema.glue_names
    _roles_ok(schema)
    # The sample: the first row group of files spread over every partition, ranged reads.
    assert info.sample_uri in files and info.sample_uri == info.sample_objects[0]
    assert set(info.sample_objects) <= set(files) and len(info.sample_objects) == len(files)
    assert info.partitions_total == 3 and len(info.sample_partitions) == 3
    assert 0 < info.sample_rows <= len(df)
    sizes = {
        o["Key"]: o["Size"]
        for o in s3.client("s3").list_objects_v2(Bucket=BUCKET, Prefix="pq/")["Contents"]
    }
    assert 0 < info.bytes_fetched <= sum(sizes.values())
    assert info.requests >= 1  # the footer's 64 KiB (a small file: all of it) and column chunks
    # Rows estimated from the sampled file's rows per byte and the listed bytes.
    assert info.listed_objects == len(files) and not info.listing_truncated
    assert 0.5 * len(df) < info.estimated_rows < 2 * len(df)
    assert {"zstd_parquet", "unsupported_format", "bucket_region", "empty_location"}.isdisjoint(
        _codes(schema)
    )
    api = schema.to_api()
    assert {"columnName": "customer_id", "columnTypes": ["USER_ID"]} in api
    assert "<table>" in info._repr_html_()


def test_zstd_parquet_is_flagged_from_the_footer(s3: boto3.Session, frame: pd.DataFrame) -> None:
    wr.s3.to_parquet(
        frame,
        f"s3://{BUCKET}/z/",
        dataset=True,
        database="shop",
        table="z",
        compression="zstd",
        boto3_session=s3,
    )
    # The table's parameters would not tell: the footer's column chunks do.
    glue = s3.client("glue")
    t = glue.get_table(DatabaseName="shop", Name="z")["Table"]
    params = {k: v for k, v in t["Parameters"].items() if k != "compressionType"}
    sd = dict(t["StorageDescriptor"])
    sd["Parameters"] = {k: v for k, v in sd.get("Parameters", {}).items() if k != "compressionType"}
    glue.update_table(
        DatabaseName="shop",
        TableInput={
            "Name": "z",
            "StorageDescriptor": sd,
            "Parameters": params,
            "PartitionKeys": t.get("PartitionKeys", []),
            "TableType": t["TableType"],
        },
    )

    schema = crn.infer_schema_from_glue("shop", "z", boto3_session=s3)

    assert schema.source.compression == "zstd"
    assert set(schema.source.codecs.values()) == {"ZSTD"}
    zstd = [f for f in schema.findings if f.code == "zstd_parquet"]
    assert len(zstd) == 1 and zstd[0].level == "error" and zstd[0].path == "table.compression"
    assert "snappy" in zstd[0].message  # says how to fix it
    assert not schema.ok


def test_csv_with_header(s3: boto3.Session, frame: pd.DataFrame) -> None:
    wr.s3.to_csv(
        frame,
        f"s3://{BUCKET}/csv/",
        dataset=True,
        database="shop",
        table="csv",
        header=True,
        index=False,
        boto3_session=s3,
    )
    params = wr.catalog.get_table_parameters("shop", "csv", boto3_session=s3)
    if params.get("skip.header.line.count") == "True":
        # awswrangler before 3.10 catalogues header=True as "True", not a line count: the
        # header is not skipped, and the library says so (floor venv: awswrangler 3.9.0)
        schema = crn.infer_schema_from_glue("shop", "csv", boto3_session=s3)
        assert schema.source.csv_header is False
        assert "csv_header_not_skipped" in _codes(schema)
        wr.catalog.upsert_table_parameters(
            {"skip.header.line.count": "1"}, "shop", "csv", boto3_session=s3
        )
    schema = crn.infer_schema_from_glue("shop", "csv", boto3_session=s3)
    info = schema.source
    assert (info.data_format, info.csv_header, info.compression, info.delimiter) == (
        "csv",
        True,
        "none",
        ",",
    )
    # The whole (small) object came in one ranged read, header skipped, all rows parsed.
    assert info.requests == 1 and info.sample_rows == len(frame)
    _roles_ok(schema)
    assert schema.column("event_time").profile.time_unit == "s"
    assert "csv_header_not_skipped" not in _codes(schema)


def test_csv_sample_is_bounded_and_drops_the_partial_line(
    s3: boto3.Session, frame: pd.DataFrame
) -> None:
    big = pd.concat([frame] * 20, ignore_index=True)  # about 3 MB of CSV
    wr.s3.to_csv(
        big,
        f"s3://{BUCKET}/bigcsv/",
        dataset=True,
        database="shop",
        table="bigcsv",
        index=False,
        boto3_session=s3,
    )
    schema = crn.infer_schema_from_glue("shop", "bigcsv", sample_bytes=64 * 1024, boto3_session=s3)
    info = schema.source
    assert info.csv_header is False
    assert info.requests == 1 and info.bytes_fetched == 64 * 1024
    assert 0.8 * len(big) < info.estimated_rows < 1.25 * len(big)
    assert 0 < info.sample_rows < 1_000
    # No truncated last row: every sampled e-mail is a whole one.
    emails = schema.column("email").profile
    assert emails is not None and emails.null_ratio == 0
    _roles_ok(schema)


def _csv_types(frame: pd.DataFrame) -> dict[str, str]:
    """The Glue types of the test frame's columns, for tables catalogued by hand."""
    numbers = {"product_id": "bigint", "event_time": "bigint", "quantity": "bigint"}
    return {c: numbers.get(c, "double" if c == "price" else "string") for c in frame.columns}


def test_csv_header_that_the_table_does_not_skip(s3: boto3.Session, frame: pd.DataFrame) -> None:
    body = frame.to_csv(index=False).encode()
    s3.client("s3").put_object(Bucket=BUCKET, Key="raw/data.csv", Body=body)
    types = _csv_types(frame)
    wr.catalog.create_csv_table(
        "shop", "raw", f"s3://{BUCKET}/raw/", columns_types=types, boto3_session=s3
    )
    schema = crn.infer_schema_from_glue("shop", "raw", boto3_session=s3)
    assert schema.source.csv_header is False
    f = [f for f in schema.findings if f.code == "csv_header_not_skipped"]
    assert len(f) == 1 and "skip.header.line.count" in f[0].message


def test_json_lines(s3: boto3.Session, frame: pd.DataFrame) -> None:
    df = frame.head(2_000)
    wr.s3.to_json(
        df,
        f"s3://{BUCKET}/js/",
        dataset=True,
        database="shop",
        table="js",
        orient="records",
        lines=True,
        index=False,
        boto3_session=s3,
    )
    schema = crn.infer_schema_from_glue("shop", "js", boto3_session=s3)
    info = schema.source
    assert (info.data_format, info.compression, info.requests) == ("json", "none", 1)
    assert info.sample_rows == len(df)
    _roles_ok(schema)


def test_gzip_csv_is_sampled_from_a_compressed_prefix(
    s3: boto3.Session, frame: pd.DataFrame
) -> None:
    import gzip

    big = pd.concat([frame] * 10, ignore_index=True)
    raw = big.to_csv(index=False, header=False).encode()
    s3.client("s3").put_object(Bucket=BUCKET, Key="gz/part-0.csv.gz", Body=gzip.compress(raw))
    types = _csv_types(frame)
    wr.catalog.create_csv_table(
        "shop",
        "gz",
        f"s3://{BUCKET}/gz/",
        columns_types=types,
        compression="gzip",
        boto3_session=s3,
    )
    schema = crn.infer_schema_from_glue("shop", "gz", sample_bytes=32 * 1024, boto3_session=s3)
    info = schema.source
    assert info.compression == "gzip" and info.bytes_fetched == 32 * 1024
    assert info.sample_rows > 100
    _roles_ok(schema)


# ------------------------------------------------------------------------------- findings
def test_unsupported_format_types_names_and_empty_location(s3: boto3.Session) -> None:
    cols = [
        {"Name": n, "Type": t}
        for n, t in [
            ("user_id", "string"),
            ("item_id", "bigint"),
            ("ts", "bigint"),
            ("small", "smallint"),
            ("tiny", "tinyint"),
            ("day", "date"),
            ("amount", "decimal(10,2)"),
            ("props", "struct<a:int>"),
            ("tags", "map<string,string>"),
            ("bad.name", "string"),
        ]
    ]
    s3.client("glue").create_table(
        DatabaseName="shop",
        TableInput={
            "Name": "orc",
            "TableType": "EXTERNAL_TABLE",
            "StorageDescriptor": {
                "Columns": cols,
                "Location": "",
                "InputFormat": "org.apache.hadoop.hive.ql.io.orc.OrcInputFormat",
                "SerdeInfo": {"SerializationLibrary": "org.apache.hadoop.hive.ql.io.orc.OrcSerde"},
            },
        },
    )
    schema = crn.infer_schema_from_glue("shop", "orc", boto3_session=s3)
    info = schema.source
    assert info.data_format == "orc" and info.sample_rows == 0 and info.requests == 0
    by_code: dict[str, list[crn.Finding]] = {}
    for f in schema.findings:
        by_code.setdefault(f.code, []).append(f)
    assert by_code["empty_location"][0].level == "error"
    assert by_code["unsupported_format"][0].level == "error"
    assert "PARQUET" in by_code["unsupported_format"][0].message
    unusable = {f.path: f.message for f in by_code["unusable_glue_type"]}
    assert set(unusable) == {
        f"columns.{c}" for c in ("small", "tiny", "day", "amount", "props", "tags")
    }
    assert "int or bigint" in unusable["columns.small"]
    assert "double" in unusable["columns.amount"]
    assert "flatten" in unusable["columns.props"]
    assert [f.path for f in by_code["invalid_column_name"]] == ["columns.bad.name"]
    for name in ("small", "tiny", "day", "amount", "props", "tags"):
        assert schema.column(name).role is None


def test_bucket_in_another_region(s3: boto3.Session, frame: pd.DataFrame) -> None:
    s3.client("s3").create_bucket(
        Bucket="eu-data", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}
    )
    wr.s3.to_parquet(
        frame, "s3://eu-data/t/", dataset=True, database="shop", table="eu", boto3_session=s3
    )
    schema = crn.infer_schema_from_glue("shop", "eu", boto3_session=s3)
    assert schema.source.bucket_region == "eu-west-1"
    f = [f for f in schema.findings if f.code == "bucket_region"]
    assert len(f) == 1 and f[0].level == "error" and "eu-west-1" in f[0].message
    assert schema.source.sample_rows > 0  # the sample was still read, from that region


def test_location_without_data(s3: boto3.Session) -> None:
    s3.client("s3").put_object(Bucket=BUCKET, Key="empty/_SUCCESS", Body=b"")
    wr.catalog.create_parquet_table(
        "shop",
        "empty",
        f"s3://{BUCKET}/empty/",
        columns_types={"user_id": "string", "ts": "bigint"},
        boto3_session=s3,
    )
    schema = crn.infer_schema_from_glue("shop", "empty", boto3_session=s3)
    assert "no_data" in _codes(schema)
    assert [c.name for c in schema.columns] == ["user_id", "ts"]


def test_catalog_only_when_sample_bytes_is_zero(s3: boto3.Session, frame: pd.DataFrame) -> None:
    wr.s3.to_parquet(
        frame, f"s3://{BUCKET}/c/", dataset=True, database="shop", table="c", boto3_session=s3
    )
    schema = crn.infer_schema_from_glue("shop", "c", sample_bytes=0, boto3_session=s3)
    assert schema.source.requests == 0 and schema.source.sample_rows == 0
    assert len(schema.columns) == len(frame.columns)


def test_data_format_sources() -> None:
    assert data_format("parquet", None, None) == "parquet"
    assert data_format(None, "org.openx.data.jsonserde.JsonSerDe", None) == "json"
    assert data_format(None, "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe", None) == "csv"
    assert (
        data_format(None, None, "org.apache.hadoop.hive.ql.io.avro.AvroContainerInputFormat")
        == "avro"
    )
    assert data_format("", "", "", {"table_type": "ICEBERG"}) == "iceberg"
    assert data_format(None, None, None) == "unknown"
    info = GlueTableInfo("d", "t", location="s3://b/t/", data_format="unknown")
    assert [f.code for f in table_findings(info, {"a": "string"})] == ["unsupported_format"]


# ------------------------------------------------------------------------------- errors
def test_missing_database(s3: boto3.Session) -> None:
    with pytest.raises(crn.NotFoundError) as err:
        crn.infer_schema_from_glue("nodb", "t", boto3_session=s3)
    msg = str(err.value)
    assert "database 'nodb'" in msg and "shop" in msg and "region" in msg
    assert not isinstance(err.value.__cause__, crn.CleanroomNbError)


def test_missing_table_lists_the_tables(s3: boto3.Session, frame: pd.DataFrame) -> None:
    wr.s3.to_parquet(
        frame.head(10),
        f"s3://{BUCKET}/x/",
        dataset=True,
        database="shop",
        table="interactions",
        boto3_session=s3,
    )
    with pytest.raises(crn.NotFoundError) as err:
        crn.infer_schema_from_glue("shop", "Interaction", boto3_session=s3)
    msg = str(err.value)
    assert "shop.Interaction" in msg and "interactions" in msg and "lowercase" in msg


def _deny(request: botocore.awsrequest.AWSRequest, **_: object) -> botocore.awsrequest.AWSResponse:
    body = json.dumps(
        {
            "__type": "AccessDeniedException",
            "Message": "User is not authorized to perform: glue:GetTable",
        }
    ).encode()
    raw = io.BytesIO(body)

    class _Raw:
        def stream(self, **_: object) -> Iterator[bytes]:
            yield raw.read()

    return botocore.awsrequest.AWSResponse(
        request.url, 400, {"Content-Type": "application/x-amz-json-1.1"}, _Raw()
    )


def test_access_denied(s3: boto3.Session) -> None:
    # The endpoint answers 400 AccessDeniedException; botocore's own parser reads it.
    s3.events.register("before-send.glue.GetTable", _deny)
    with pytest.raises(crn.AccessDeniedError) as err:
        crn.infer_schema_from_glue("shop", "t", boto3_session=s3)
    msg = str(err.value)
    assert "glue:GetTable" in msg and "shop.t" in msg and "role or profile" in msg
    assert err.value.code == "AccessDeniedException"


def test_access_denied_on_the_data(s3: boto3.Session, frame: pd.DataFrame) -> None:
    wr.s3.to_parquet(
        frame.head(50),
        f"s3://{BUCKET}/d/",
        dataset=True,
        database="shop",
        table="d",
        boto3_session=s3,
    )

    def deny_s3(request: botocore.awsrequest.AWSRequest, **_: object) -> object:
        body = (
            b"<?xml version='1.0'?><Error><Code>AccessDenied</Code>"
            b"<Message>Access Denied</Message></Error>"
        )

        class _Raw:
            def stream(self, **_: object) -> Iterator[bytes]:
                yield body

        return botocore.awsrequest.AWSResponse(request.url, 403, {}, _Raw())

    s3.events.register("before-send.s3.ListObjectsV2", deny_s3)
    with pytest.raises(crn.AccessDeniedError) as err:
        crn.infer_schema_from_glue("shop", "d", boto3_session=s3)
    assert "s3:GetObject" in str(err.value) and "sample_bytes=0" in str(err.value)


def test_unreachable_endpoint(monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{port}")
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    session = boto3.Session(
        aws_access_key_id="testing", aws_secret_access_key="testing", region_name="us-east-1"
    )
    with pytest.raises(crn.EndpointUnreachableError) as err:
        crn.infer_schema_from_glue("shop", "t", boto3_session=session)
    assert "AWS_ENDPOINT_URL" in str(err.value)


# ------------------------------------------------------------------------------- S3 reads
def test_ranged_file_counts_and_reads(s3: boto3.Session) -> None:
    buf = io.BytesIO()
    pd.DataFrame({"a": range(50_000)}).to_parquet(buf, row_group_size=10_000)
    data = buf.getvalue()
    s3.client("s3").put_object(Bucket=BUCKET, Key="f.parquet", Body=data)
    client = s3.client("s3")
    f = _s3_file.S3RangedFile(client, BUCKET, "f.parquet", len(data))
    f.seek(-4, io.SEEK_END)
    assert f.read(4) == b"PAR1"
    f.seek(0)
    assert f.read(4) == b"PAR1"
    assert f.stats.requests == 2 and f.stats.bytes_fetched == 8
    sample = _parquet_sample.read_parquet_sample(
        client, _s3_file.S3Object(BUCKET, "f.parquet", len(data)), sample_rows=500
    )
    assert sample.num_row_groups == 5 and sample.frame["a"].tolist() == list(range(500))
    assert sample.stats.bytes_fetched < len(data) / 2
    assert pq.ParquetFile(io.BytesIO(data)).metadata.num_rows == 50_000


# ------------------------------------------------------------------------------- request count
def _wide_frame(n_rows: int, n_columns: int) -> pd.DataFrame:
    rng = np.random.default_rng(5)
    data: dict[str, object] = {
        "user_id": [f"u{u:05d}" for u in rng.integers(0, 300, n_rows)],
        "item_id": rng.integers(0, 200, n_rows).astype("int64"),
        "event_time": (1_700_000_000 + rng.integers(0, 10**6, n_rows)).astype("int64"),
    }
    for i in range(n_columns - 3):
        data[f"f_{i}"] = rng.normal(size=n_rows) if i % 2 else rng.choice(["a", "b", "c"], n_rows)
    return pd.DataFrame(data)


def _count_calls(session: boto3.Session) -> Counter[str]:
    """Every API call the session's clients make from now on (pyarrow's reads included)."""
    calls: Counter[str] = Counter()

    def count(event_name: str, **_: object) -> None:
        calls[event_name.rsplit(".", 1)[-1]] += 1

    session.events.register("before-call", count)
    return calls


def test_wide_parquet_sample_costs_two_gets(s3: boto3.Session) -> None:
    """A 100-column file: footer + ONE read of the row group, not one GET per column chunk."""
    df = _wide_frame(2_000, 100)
    wr.s3.to_parquet(
        df, f"s3://{BUCKET}/wide/", dataset=True, database="shop", table="wide", boto3_session=s3
    )
    (key,) = [
        o["Key"] for o in s3.client("s3").list_objects_v2(Bucket=BUCKET, Prefix="wide/")["Contents"]
    ]
    size = s3.client("s3").head_object(Bucket=BUCKET, Key=key)["ContentLength"]
    assert size > 2 * 64 * 1024  # larger than the footer read: the row group needs a GET

    calls = _count_calls(s3)
    schema = crn.infer_schema_from_glue("shop", "wide", boto3_session=s3)

    info = schema.source
    assert calls["GetObject"] == info.requests == 2
    # columns through awswrangler (wr.catalog.table) plus one GetTable for the storage facts
    assert calls["GetTable"] == 2
    assert info.bytes_fetched <= size and info.sample_rows == 2_000
    assert len(schema.columns) == 100
    assert all(c.profile is not None and c.profile.sample_rows == 2_000 for c in schema.columns)
    assert schema.column("f_1").profile.kind == "float"  # type: ignore[union-attr]
    assert schema.column("f_0").profile.distinct == 3  # type: ignore[union-attr]
    assert (schema.user_id, schema.item_id, schema.timestamp) == (
        schema.column("user_id"),
        schema.column("item_id"),
        schema.column("event_time"),
    )


def _put_parquet(
    s3: boto3.Session, key: str, df: pd.DataFrame, **kwargs: object
) -> tuple[_s3_file.S3Object, bytes]:
    buf = io.BytesIO()
    df.to_parquet(buf, index=False, **kwargs)  # type: ignore[call-overload]
    data = buf.getvalue()
    s3.client("s3").put_object(Bucket=BUCKET, Key=key, Body=data)
    return _s3_file.S3Object(BUCKET, key, len(data)), data


def test_parquet_sample_prefetches_the_row_groups_it_needs(s3: boto3.Session) -> None:
    df = _wide_frame(20_000, 6)
    obj, data = _put_parquet(s3, "rg.parquet", df, row_group_size=4_000)
    md = pq.ParquetFile(io.BytesIO(data)).metadata
    client = s3.client("s3")

    sample = _parquet_sample.read_parquet_sample(client, obj, sample_rows=10_000)

    # Three row groups hold 10,000 rows: footer + one read of their byte range.
    assert sample.stats.requests == 2
    start, end = _parquet_sample.row_groups_range(md, [0, 1, 2])
    assert sample.stats.bytes_fetched <= 64 * 1024 + (end - start)
    assert end < _parquet_sample.row_groups_range(md, [0, 1, 2, 3])[1]
    pd.testing.assert_frame_equal(sample.frame, df.head(10_000), check_dtype=False)


def test_parquet_sample_reads_pages_of_a_large_row_group(s3: boto3.Session) -> None:
    """A row group over the prefetch budget is read page by page, only what the sample needs."""
    rng = np.random.default_rng(1)
    df = pd.DataFrame({"a": rng.normal(size=90_000), "b": rng.normal(size=90_000)})
    obj, data = _put_parquet(
        s3, "big.parquet", df, row_group_size=90_000, data_page_size=16 * 1024, use_dictionary=False
    )
    md = pq.ParquetFile(io.BytesIO(data)).metadata
    start, end = _parquet_sample.row_groups_range(md, [0])
    client = s3.client("s3")

    small = _parquet_sample.read_parquet_sample(
        client, obj, sample_rows=500, prefetch_bytes=1 << 20
    )
    whole = _parquet_sample.read_parquet_sample(client, obj, sample_rows=500)

    assert 1 << 20 < end - start < _s3_file.PARQUET_PREFETCH_BYTES
    assert small.stats.requests > 2  # the fallback: per-read GETs (footer + page buffers)
    assert small.stats.bytes_fetched < (end - start) / 2  # only the pages 500 rows need
    assert whole.stats.requests == 2 and whole.stats.bytes_fetched <= len(data)
    pd.testing.assert_frame_equal(small.frame, whole.frame)
    pd.testing.assert_frame_equal(small.frame, df.head(500), check_dtype=False)


def test_ranged_file_merges_what_it_fetched(s3: boto3.Session) -> None:
    data = bytes(range(256)) * 4
    s3.client("s3").put_object(Bucket=BUCKET, Key="bytes", Body=data)
    f = _s3_file.S3RangedFile(s3.client("s3"), BUCKET, "bytes", len(data))
    assert f.read_range(0, 10) == data[:10] and f.read_range(20, 10) == data[20:30]
    assert f.prefetch(5, 25) == 10  # only the gap [10, 20) is fetched
    assert f.prefetch(0, 30) == 0
    assert f.read_range(0, 30) == data[:30]  # served from one merged segment
    assert f.stats.requests == 3 and f.stats.bytes_fetched == 30
    f.seek(25)
    assert f.read(10) == data[25:35] and f.stats.requests == 4


def test_small_int_is_reported_once_for_a_glue_table(s3: boto3.Session) -> None:
    df = _wide_frame(500, 6)
    df["rating"] = (df["item_id"] % 5).astype("int8")  # Glue: tinyint
    wr.s3.to_parquet(
        df, f"s3://{BUCKET}/ti/", dataset=True, database="shop", table="ti", boto3_session=s3
    )
    schema = crn.infer_schema_from_glue("shop", "ti", boto3_session=s3)
    assert schema.column("rating").glue_type == "tinyint"
    assert schema.column("rating").profile.dtype == "int8"  # type: ignore[union-attr]
    on_rating = [f.code for f in schema.findings if f.path == "columns.rating"]
    assert on_rating == ["unusable_glue_type"]
    edited = schema.with_role("rating", crn.NUMERICAL_FEATURE)
    assert sorted(f.code for f in edited.findings if f.path == "columns.rating") == [
        "glue_type",
        "unusable_glue_type",
    ]
    # A DataFrame's schema still warns: the dtype is all it has.
    assert "small_int" in {f.code for f in crn.infer_schema(df).findings}


def test_sse_kms_table_names_its_key(s3: boto3.Session, frame: pd.DataFrame) -> None:
    """Issue 12, point 5. "Set up service roles for AWS Clean Rooms ML" (user guide, ml-roles):
    the example policy has no KMS statement; data encrypted with a customer managed key needs
    ``kms:Decrypt`` on that key. ``infer_schema_from_glue`` names the key from the bucket's
    default encryption (GetBucketEncryption) and the sampled object's SSE-KMS headers."""
    key = s3.client("kms").create_key()["KeyMetadata"]["Arn"]
    s3.client("s3").put_bucket_encryption(
        Bucket=BUCKET,
        ServerSideEncryptionConfiguration={
            "Rules": [
                {
                    "ApplyServerSideEncryptionByDefault": {
                        "SSEAlgorithm": "aws:kms",
                        "KMSMasterKeyID": key,
                    }
                }
            ]
        },
    )
    wr.s3.to_parquet(
        frame.head(500),
        f"s3://{BUCKET}/kms/",
        dataset=True,
        database="shop",
        table="kms",
        boto3_session=s3,
    )
    schema = crn.infer_schema_from_glue("shop", "kms", boto3_session=s3)
    (finding,) = [f for f in schema.findings if f.code == "kms_encrypted"]
    assert finding.level == "warning" and key in finding.message
