"""estimate_athena_scan: what a query will scan and cost, before it runs, from footers only.

Each estimate is compared with ``DataScannedInBytes`` of the query it predicts, run on the local
Athena (Athena's SQL on DuckDB over moto's Glue and S3, which counts the compressed column chunks
of the columns a Parquet query reads, and whole objects of text tables, as Athena bills:
https://docs.aws.amazon.com/athena/latest/ug/columnar-storage.html). The issue asks for the
Parquet estimate to be within 10% of it.

Price: $5.00 per TB scanned, rounded up to the nearest megabyte, 10 MB minimum per query
(https://aws.amazon.com/athena/pricing/).
"""

from __future__ import annotations

import gzip
import io
from typing import Any

import awswrangler as wr
import boto3
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from athena_tables import csv_table, parquet_table

import cleanroom_nb as crn
from cleanroom_nb.glue import _scan_estimate
from cleanroom_nb.glue._athena import fmt_bytes
from cleanroom_nb.glue._athena import quote_identifier as _q
from cleanroom_nb.local._sample_data import sample_interactions

BUCKET = "scan-data"
OUT = f"s3://{BUCKET}/athena/"


@pytest.fixture
def athena(local_athena: Any, boto3_session: boto3.Session) -> boto3.Session:
    boto3_session.client("s3").create_bucket(Bucket=BUCKET)
    return boto3_session


def _frame(n: int = 12_000, seed: int = 5) -> pd.DataFrame:
    df = sample_interactions(n, max(1, n // 6), 300, seed=seed)
    return df[["customer_id", "product_id", "event_time", "device", "price"]].copy()


def _scanned(session: boto3.Session, sql: str) -> int:
    """DataScannedInBytes of ``sql`` run on the (local) Athena."""
    qid = wr.athena.start_query_execution(
        sql, database="shop", s3_output=OUT, wait=False, boto3_session=session
    )
    done = wr.athena.wait_query(qid, boto3_session=session)
    assert done["Status"]["State"] == "SUCCEEDED", done["Status"]
    return int(done["Statistics"]["DataScannedInBytes"])


def _select(table: str, columns: list[str] | None, where: str = "") -> str:
    cols = ", ".join(_q(c) for c in columns) if columns else "*"
    return f'SELECT {cols} FROM "shop".{_q(table)}{where}'


COLUMN_SETS: list[list[str] | None] = [
    ["customer_id"],
    ["customer_id", "product_id"],
    ["customer_id", "product_id", "event_time"],
    ["price", "device"],
    None,
]


@pytest.mark.parametrize("layout", ["one-file", "many-files", "partitioned", "zstd-row-groups"])
def test_parquet_estimate_matches_data_scanned(athena: boto3.Session, layout: str) -> None:
    """Within 10% of what Athena scans, for several tables and column subsets."""
    df = _frame()
    path = f"s3://{BUCKET}/{layout}/"
    if layout == "one-file":
        parquet_table(athena, df, "shop", "t", path)
    elif layout == "many-files":
        wr.catalog.create_database("shop", exist_ok=True, boto3_session=athena)
        wr.s3.to_parquet(
            df, path, dataset=True, database="shop", table="t", max_rows_by_file=1_500,
            boto3_session=athena,
        )  # fmt: skip
    elif layout == "partitioned":
        parquet_table(athena, df, "shop", "t", path, partition_cols=["device"])
    else:  # two files of many small ZSTD row groups, written by pyarrow itself
        wr.catalog.create_database("shop", exist_ok=True, boto3_session=athena)
        for i, part in enumerate((df.iloc[:5_000], df.iloc[5_000:])):
            buf = io.BytesIO()
            pq.write_table(
                pa.Table.from_pandas(part, preserve_index=False), buf, compression="zstd",
                row_group_size=1_000,
            )  # fmt: skip
            athena.client("s3").put_object(
                Bucket=BUCKET, Key=f"{layout}/part-{i}.zstd.parquet", Body=buf.getvalue()
            )
        wr.catalog.create_parquet_table(
            "shop", "t", path, columns_types=wr.catalog.extract_athena_types(df)[0],
            boto3_session=athena,
        )  # fmt: skip
    ratios = []
    for cols in COLUMN_SETS:
        est = crn.estimate_athena_scan("shop", "t", columns=cols, boto3_session=athena)
        scanned = _scanned(athena, _select("t", cols))
        assert scanned > 0
        ratios.append(est.bytes / scanned)
        assert est.exact and est.method == "parquet footers" and est.data_format == "parquet"
    assert all(0.9 <= r <= 1.1 for r in ratios), ratios
    # Reading fewer columns costs fewer bytes; partition keys cost nothing.
    one = crn.estimate_athena_scan("shop", "t", columns=["customer_id"], boto3_session=athena)
    everything = crn.estimate_athena_scan("shop", "t", boto3_session=athena)
    assert 0 < one.bytes < everything.bytes <= everything.total_bytes
    if layout == "partitioned":
        with_key = crn.estimate_athena_scan(
            "shop", "t", columns=["customer_id", "device"], boto3_session=athena
        )
        assert with_key.bytes == one.bytes and with_key.partitions == 3


def test_partitions_are_honoured(athena: boto3.Session) -> None:
    df = _frame()
    parquet_table(athena, df, "shop", "t", f"s3://{BUCKET}/p/", partition_cols=["device"])
    cols = ["customer_id", "event_time"]
    est = crn.estimate_athena_scan(
        "shop", "t", columns=cols, partitions={"device": "ios"}, boto3_session=athena
    )
    scanned = _scanned(athena, _select("t", cols, " WHERE \"device\" = 'ios'"))
    assert 0.9 <= est.bytes / scanned <= 1.1
    assert (est.partitions, est.partitions_total) == (1, 3)
    both = crn.estimate_athena_scan(
        "shop", "t", columns=cols, partitions={"DEVICE": ["ios", "web"]}, boto3_session=athena
    )
    full = crn.estimate_athena_scan("shop", "t", columns=cols, boto3_session=athena)
    assert est.bytes < both.bytes < full.bytes and both.partitions == 2
    by_expression = crn.estimate_athena_scan(
        "shop", "t", columns=cols, partitions="device = 'ios'", boto3_session=athena
    )
    assert by_expression.bytes == est.bytes and by_expression.partitions == 1
    assert by_expression.basis().endswith(", 1 partition")
    assert est.basis().endswith(", 1 of 3 partitions")
    with pytest.raises(ValueError, match=r"'country'.*its keys: device"):
        crn.estimate_athena_scan("shop", "t", partitions={"country": "fr"}, boto3_session=athena)


def test_text_tables_are_estimated_by_object_size(athena: boto3.Session) -> None:
    """CSV is read whole, compressed objects as stored: the estimate is their size."""
    df = _frame(n=3_000)
    written = csv_table(athena, df, "shop", "plain", f"s3://{BUCKET}/plain/", files=3)
    est = crn.estimate_athena_scan("shop", "plain", columns=["customer_id"], boto3_session=athena)
    assert est.bytes == written == _scanned(athena, _select("plain", ["customer_id"]))
    assert est.exact and est.method == "object sizes" and est.files == 3
    # The same rows gzipped: the bytes billed are the compressed ones.
    csv_table(athena, df, "shop", "packed", f"s3://{BUCKET}/packed/", files=1)
    s3 = athena.client("s3")
    key = "packed/part-000.csv"
    body = s3.get_object(Bucket=BUCKET, Key=key)["Body"].read()
    s3.delete_object(Bucket=BUCKET, Key=key)
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode="wb", mtime=0) as gz:
        gz.write(body)
    s3.put_object(Bucket=BUCKET, Key=key + ".gz", Body=buf.getvalue())
    packed = crn.estimate_athena_scan("shop", "packed", boto3_session=athena)
    assert packed.bytes == len(buf.getvalue()) < len(body) / 2
    assert packed.bytes == _scanned(athena, _select("packed", None))


def test_large_tables_sample_footers_and_say_so(
    athena: boto3.Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    df = _frame(n=20_000)
    wr.catalog.create_database("shop", exist_ok=True, boto3_session=athena)
    wr.s3.to_parquet(
        df, f"s3://{BUCKET}/big/", dataset=True, database="shop", table="big",
        max_rows_by_file=1_000, boto3_session=athena,
    )  # fmt: skip
    monkeypatch.setattr(_scan_estimate, "MAX_FOOTERS", 5)
    cols = ["customer_id", "product_id"]
    est = crn.estimate_athena_scan("shop", "big", columns=cols, boto3_session=athena)
    assert (est.files, est.footers_read, est.exact) == (20, 5, False)
    assert est.method == "sampled parquet footers"
    assert any("extrapolated" in n for n in est.notes) and "extrapolated" in str(est)
    assert est.summary().startswith("Athena will scan ~")
    assert 0.9 <= est.bytes / _scanned(athena, _select("big", cols)) <= 1.1


def test_only_footers_are_read(athena: boto3.Session) -> None:
    """Two ranged GETs per Parquet file, both at its end: never a data page."""
    df = _frame(n=20_000)
    parquet_table(athena, df, "shop", "t", f"s3://{BUCKET}/t/")
    sizes = {
        uri.split(f"s3://{BUCKET}/", 1)[1]: n
        for uri, n in wr.s3.size_objects(f"s3://{BUCKET}/t/", boto3_session=athena).items()
    }
    gets: list[tuple[str, str | None]] = []
    athena.events.register(
        "before-parameter-build.s3.GetObject",
        lambda params, **_: gets.append((params["Key"], params.get("Range"))),
    )
    est = crn.estimate_athena_scan("shop", "t", columns=["customer_id"], boto3_session=athena)
    assert len(gets) == 2 * len(sizes) == 2 * est.files
    fetched = 0
    for key, byte_range in gets:
        assert byte_range is not None
        start, end = (int(x) for x in byte_range.split("=")[1].split("-"))
        assert end in (sizes[key] - 1, sizes[key] - 9)
        fetched += end - start + 1
    assert fetched < 0.1 * sum(sizes.values())


def test_price_and_display(athena: boto3.Session) -> None:
    parquet_table(athena, _frame(n=2_000), "shop", "t", f"s3://{BUCKET}/t/")
    est = crn.estimate_athena_scan("shop", "t", columns=["customer_id"], boto3_session=athena)
    # A small scan is billed as 10 MB at $5 per TB.
    assert est.bytes < 10 * 2**20 and est.billed_bytes == 10 * 2**20
    assert est.dollars == pytest.approx(10 * 2**20 / 2**40 * 5.0)
    dear = crn.estimate_athena_scan(
        "shop", "t", columns=["customer_id"], price_per_tb=7.5, boto3_session=athena
    )
    assert dear.dollars == pytest.approx(est.dollars * 1.5) and dear.bytes == est.bytes
    assert _scan_estimate.athena_price(10 * 2**20 + 1) == (11 * 2**20, 11 * 2**20 / 2**40 * 5.0)
    assert _scan_estimate.athena_price(2**40)[1] == 5.0
    text, page = str(est), est._repr_html_()
    assert "Athena will scan" in text and "$5/TB" in text and "customer_id" in text
    assert "10 MB minimum" in text and "<table>" in page and "customer_id" in page
    with pytest.raises(ValueError, match="price_per_tb"):
        crn.estimate_athena_scan("shop", "t", price_per_tb=-1, boto3_session=athena)


def test_bad_input_names_what_exists(athena: boto3.Session) -> None:
    parquet_table(athena, _frame(n=500), "shop", "t", f"s3://{BUCKET}/t/")
    with pytest.raises(ValueError, match=r"no column 'client_id'.*customer_id"):
        crn.estimate_athena_scan("shop", "t", columns=["client_id"], boto3_session=athena)
    with pytest.raises(ValueError, match="no partition keys"):
        crn.estimate_athena_scan("shop", "t", partitions={"dt": "x"}, boto3_session=athena)
    with pytest.raises(crn.NotFoundError, match=r"shop\.nope"):
        crn.estimate_athena_scan("shop", "nope", boto3_session=athena)


def test_readiness_from_athena_shows_the_estimate_then_the_bytes_scanned(
    athena: boto3.Session, capsys: pytest.CaptureFixture[str]
) -> None:
    df = _frame()
    parquet_table(athena, df, "shop", "events", f"s3://{BUCKET}/events/")
    schema = crn.infer_schema(df).with_roles(
        {"customer_id": "USER_ID", "product_id": "ITEM_ID", "event_time": "TIMESTAMP"}
    )
    report = crn.readiness_from_athena(
        "shop", "events", schema, s3_output=OUT, boto3_session=athena
    )
    err = capsys.readouterr().err
    est = report.scan_estimate
    assert est is not None and report.bytes_scanned
    assert est.columns == ("customer_id", "product_id", "event_time")
    assert 0.9 <= est.bytes / report.bytes_scanned <= 1.1
    before, after = err.index("Athena will scan"), err.index("SUCCEEDED")
    assert before < after
    assert f"estimated {fmt_bytes(est.bytes)}" in err[after:]
    assert "scanned (~$" in err[after:] and "(~$" in str(report)
    assert "estimated" in report._repr_html_()
    # progress=False: nothing on stderr, the estimate is still kept.
    quiet = crn.readiness_from_athena(
        "shop", "events", schema, s3_output=OUT, progress=False, boto3_session=athena
    )
    assert capsys.readouterr().err == "" and quiet.scan_estimate is not None


def test_fix_glue_table_shows_the_estimate(
    athena: boto3.Session, capsys: pytest.CaptureFixture[str]
) -> None:
    df = _frame(n=2_000)
    df["event_time"] = df["event_time"] * 1000  # milliseconds: the plan converts them
    parquet_table(athena, df, "shop", "raw", f"s3://{BUCKET}/raw/")
    schema = crn.infer_schema_from_glue("shop", "raw", boto3_session=athena)
    assert schema.fixes
    crn.fix_glue_table(
        "shop", "raw", schema, new_table="fixed", s3_path=f"s3://{BUCKET}/fixed/",
        s3_output=OUT, boto3_session=athena,
    )  # fmt: skip
    err = capsys.readouterr().err
    assert "Athena will scan" in err and "of shop.raw" in err
    assert "SUCCEEDED" in err and "estimated" in err.split("SUCCEEDED", 1)[1]
