"""Bytes and requests infer_schema_from_glue spends on a large table, counted by the server.

Builds a >= 200 MB Parquet table (several files, row groups of 100k rows, snappy) and a large
CSV table in moto's S3, catalogued in moto's Glue. moto's app runs in a werkzeug server thread
behind a WSGI middleware that counts every request and every byte of every response body, so
pyarrow's reads are counted like boto3's. Target: at most 2 MiB + one row group fetched from S3.
For contrast it also counts awswrangler's own readers asked for a few rows.

The spread sample (issue 18): day-per-object tables of 1, 12 and 1,000 objects (Parquet, CSV
and JSON lines), each object holding ONE ``t_dat`` day. For each it prints the S3 requests
(listing and GetObject) and bytes of ``infer_schema_from_glue``, the objects it read, whether
``t_dat`` got TIMESTAMP, and the same figures for the old sample (one listing page, then the
first object only), measured in the same run.

    .venv/bin/python benchmarks/bench_glue_sample.py [--parquet-mb 200] [--csv-mb 200]
    .venv/bin/python benchmarks/bench_glue_sample.py --spread-only
"""

from __future__ import annotations

import argparse
import binascii
import io
import logging
import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

os.environ.update(
    AWS_ACCESS_KEY_ID="testing",
    AWS_SECRET_ACCESS_KEY="testing",
    AWS_DEFAULT_REGION="us-east-1",
    AWS_EC2_METADATA_DISABLED="true",
)
os.environ.pop("AWS_PROFILE", None)
logging.getLogger("werkzeug").setLevel(logging.ERROR)

import boto3  # noqa: E402
import numpy as np  # noqa: E402
import pyarrow as pa  # noqa: E402
import pyarrow.csv as pacsv  # noqa: E402
import pyarrow.parquet as pq  # noqa: E402

MB = 1 << 20
ROW_GROUP = 100_000
BUCKET = "bench-lake"


# ------------------------------------------------------------------------------ counting server
@dataclass
class Tally:
    """Requests and response-body bytes seen by the server, per AWS service."""

    requests: list[tuple[str, str, str, str, int]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def reset(self) -> None:
        with self.lock:
            self.requests.clear()

    def summary(self) -> dict[str, tuple[int, int]]:
        out: dict[str, tuple[int, int]] = {}
        with self.lock:
            for service, _method, _path, _range, n in self.requests:
                r, b = out.get(service, (0, 0))
                out[service] = (r + 1, b + n)
        return out

    def s3_object_reads(self) -> list[tuple[str, str, int]]:
        with self.lock:
            return [
                (p, rng, n)
                for s, m, p, rng, n in self.requests
                if s == "s3" and m == "GET" and p.count("/") >= 2 and "list-type" not in p
            ]


def _service(environ: dict[str, Any]) -> str:
    auth = environ.get("HTTP_AUTHORIZATION", "")
    if "Credential=" in auth:  # .../<date>/<region>/<service>/aws4_request
        return auth.split("Credential=", 1)[1].split(",", 1)[0].split("/")[3]
    return "?"


class CountingMiddleware:
    """WSGI middleware: one record per request, with the bytes of the response body."""

    def __init__(self, app: Callable[..., Iterable[bytes]], tally: Tally) -> None:
        self.app = app
        self.tally = tally

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterator[bytes]:
        service = _service(environ)
        path = environ.get("PATH_INFO", "") + (
            "?" + environ["QUERY_STRING"] if environ.get("QUERY_STRING") else ""
        )
        method = environ.get("REQUEST_METHOD", "")
        rng = environ.get("HTTP_RANGE", "")
        body = self.app(environ, start_response)
        n = 0
        try:
            for chunk in body:
                n += len(chunk)
                yield chunk
        finally:
            close = getattr(body, "close", None)
            if close is not None:
                close()
            with self.tally.lock:
                self.tally.requests.append((service, method, path, rng, n))


def start_moto(tally: Tally) -> tuple[str, Any]:
    from moto.moto_server.werkzeug_app import (
        DomainDispatcherApplication,
        MotoRequestHandler,
        create_backend_app,
    )
    from werkzeug.serving import make_server

    app = CountingMiddleware(DomainDispatcherApplication(create_backend_app), tally)
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=MotoRequestHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    host, port = server.server_address[:2]
    return f"http://{host}:{port}", server


# ------------------------------------------------------------------------------ data
def _hex_strings(rng: np.random.Generator, values: np.ndarray, width: int) -> pa.Array:
    """Hex ids of ``values`` (one per row) without a Python loop."""
    uniq, inverse = np.unique(values, return_inverse=True)
    raw = rng.bytes(len(uniq) * (width // 2))
    hexed = binascii.hexlify(raw)
    fixed = pa.Array.from_buffers(pa.binary(width), len(uniq), [None, pa.py_buffer(hexed)])
    return fixed.cast(pa.binary()).cast(pa.string()).take(pa.array(inverse))


def make_table(rows: int, seed: int) -> pa.Table:
    rng = np.random.default_rng(seed)
    users = rng.integers(0, rows // 8, rows)
    session = rng.bytes(rows * 8)
    return pa.table(
        {
            "customer_id": _hex_strings(rng, users, 64),
            "product_id": rng.integers(100_000, 150_000, rows),
            "event_time": rng.integers(1_704_067_200, 1_711_843_200, rows),
            "event_type": pa.array(
                np.array(["view", "cart", "purchase"])[rng.choice(3, rows, p=[0.72, 0.18, 0.10])]
            ),
            "price": np.round(rng.lognormal(3.0, 0.8, rows), 2),
            "quantity": rng.integers(1, 5, rows).astype(np.int32),
            "session_id": pa.Array.from_buffers(
                pa.binary(16), rows, [None, pa.py_buffer(binascii.hexlify(session)[: rows * 16])]
            )
            .cast(pa.binary())
            .cast(pa.string()),
        }
    )


def build_parquet(s3: Any, target_mb: int) -> tuple[list[int], int]:
    """Files of 500k rows (5 row groups each) until the table holds ``target_mb``."""
    sizes: list[int] = []
    first_rg = 0
    i = 0
    while sum(sizes) < target_mb * MB:
        buf = io.BytesIO()
        pq.write_table(
            make_table(500_000, seed=i), buf, row_group_size=ROW_GROUP, compression="snappy"
        )
        data = buf.getvalue()
        if i == 0:
            md = pq.ParquetFile(io.BytesIO(data)).metadata
            first_rg = sum(
                md.row_group(0).column(c).total_compressed_size for c in range(md.num_columns)
            )
        s3.put_object(Bucket=BUCKET, Key=f"events_pq/part-{i:05d}.snappy.parquet", Body=data)
        sizes.append(len(data))
        i += 1
    return sizes, first_rg


def build_csv(s3: Any, target_mb: int) -> list[int]:
    sizes: list[int] = []
    i = 0
    while sum(sizes) < target_mb * MB:
        buf = io.BytesIO()
        pacsv.write_csv(
            make_table(500_000, seed=100 + i),
            buf,
            pacsv.WriteOptions(include_header=True, quoting_style="none"),
        )
        data = buf.getvalue()
        s3.put_object(Bucket=BUCKET, Key=f"events_csv/part-{i:05d}.csv", Body=data)
        sizes.append(len(data))
        i += 1
    return sizes


def wide_frame(rows: int, columns: int, seed: int = 7) -> pa.Table:
    """user/item/time and ``columns - 3`` feature columns (float, string, int in turn)."""
    rng = np.random.default_rng(seed)
    data: dict[str, Any] = {
        "customer_id": _hex_strings(rng, rng.integers(0, rows // 4, rows), 16),
        "product_id": rng.integers(0, 5_000, rows),
        "event_time": rng.integers(1_704_067_200, 1_711_843_200, rows),
    }
    for i in range(columns - 3):
        data[f"f_{i}"] = (
            rng.normal(size=rows),
            np.array(["a", "b", "c", "d"])[rng.integers(0, 4, rows)],
            rng.integers(0, 50, rows),
        )[i % 3]
    return pa.table(data)


# ------------------------------------------------------------------------------ run
def measure(tally: Tally, fn: Callable[[], Any]) -> tuple[float, Any]:
    # The middleware records a request when its body is closed, which can be just after the
    # client got it: let the last requests of the set-up land before resetting the tally.
    time.sleep(0.1)
    tally.reset()
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def report(name: str, tally: Tally, seconds: float) -> int:
    summary = tally.summary()
    s3_reads = tally.s3_object_reads()
    data_bytes = sum(n for _, _, n in s3_reads)
    print(f"  {name}: {seconds:.2f} s")
    for service, (r, b) in sorted(summary.items()):
        print(f"    {service:6s} {r:3d} requests, {b:>12,} response bytes")
    print(f"    S3 object reads (GetObject): {len(s3_reads)} requests, {data_bytes:,} bytes")
    return data_bytes


def wide_table(tally: Tally, session: boto3.Session, wr: Any, crn: Any) -> None:
    """A 100-column table: the requests no longer grow with the columns (issue 5's form)."""
    from cleanroom_nb.aws import _client
    from cleanroom_nb.glue import _parquet_sample, _s3_file

    table = wide_frame(5_000, 100)
    buf = io.BytesIO()
    pq.write_table(table, buf, compression="snappy")
    data = buf.getvalue()
    s3 = session.client("s3")
    s3.put_object(Bucket=BUCKET, Key="wide/part-0.snappy.parquet", Body=data)
    wr.catalog.create_parquet_table(
        "bench",
        "wide",
        f"s3://{BUCKET}/wide/",
        compression="snappy",
        boto3_session=session,
        columns_types={
            f.name: {"string": "string", "int64": "bigint", "double": "double"}[str(f.type)]
            for f in table.schema
        },
    )
    print(
        f"\nParquet table bench.wide: 100 columns, {table.num_rows:,} rows, one "
        f"{len(data) / MB:.2f} MB file (one row group)"
    )
    crn.infer_schema_from_glue("bench", "wide", boto3_session=session)  # warm-up
    times = []
    for _ in range(5):
        seconds, schema = measure(
            tally, lambda: crn.infer_schema_from_glue("bench", "wide", boto3_session=session)
        )
        times.append(seconds)
    got = report("infer_schema_from_glue (the last of 5 runs)", tally, seconds)
    print(f"    time of 5 runs: best {min(times):.2f} s, median {sorted(times)[2]:.2f} s")
    reads = len(tally.s3_object_reads())
    print(
        f"    sample: {schema.source.sample_rows:,} rows x {len(schema.columns)} columns; "
        f"fetched {got / MB:.2f} MB"
    )
    obj = _s3_file.S3Object(BUCKET, "wide/part-0.snappy.parquet", len(data))
    client = _client.client("s3", session)
    seconds_pages, _ = measure(
        tally, lambda: _parquet_sample.read_parquet_sample(client, obj, prefetch_bytes=0)
    )
    pages = len(tally.s3_object_reads())
    page_bytes = sum(n for _, _, n in tally.s3_object_reads())
    seconds_one, _ = measure(tally, lambda: _parquet_sample.read_parquet_sample(client, obj))
    print(
        f"    read_parquet_sample alone: {reads} GETs in {seconds_one:.3f} s with the row group "
        f"fetched in one read; page by page (prefetch_bytes=0, the old path): {pages} GETs, "
        f"{page_bytes / MB:.2f} MB in {seconds_pages:.3f} s -> {pages / max(reads, 1):.0f}x "
        f"the requests, {seconds_pages / max(seconds_one, 1e-9):.1f}x the time"
    )


SPREAD_COUNTS = (1, 12, 1_000)
SPREAD_ROWS = 2_000


def day_frame(i: int, rows: int = SPREAD_ROWS) -> pa.Table:
    """One day's transactions: many customers and articles, ONE ``t_dat`` value."""
    rng = np.random.default_rng(1_000 + i)
    day = (np.datetime64("2022-01-01") + np.timedelta64(i, "D")).astype(str)
    return pa.table(
        {
            "customer_id": _hex_strings(rng, rng.integers(0, 1 << 40, rows), 16),
            "article_id": rng.integers(100_000_000, 100_400_000, rows),
            "price": np.round(rng.uniform(0.005, 0.2, rows), 4),
            "t_dat": pa.array([str(day)] * rows),
        }
    )


def build_days(s3: Any, wr: Any, session: boto3.Session, fmt: str, n: int) -> str:
    """A table of ``n`` day objects in ``fmt``; its name."""
    import pyarrow.json  # noqa: F401  (only to be sure pyarrow is complete)

    table = f"days_{fmt}_{n}"
    for i in range(n):
        t = day_frame(i)
        buf = io.BytesIO()
        if fmt == "parquet":
            pq.write_table(t, buf, compression="snappy")
        elif fmt == "csv":
            pacsv.write_csv(t, buf, pacsv.WriteOptions(include_header=True))
        else:
            buf.write(t.to_pandas().to_json(orient="records", lines=True).encode())
        s3.put_object(Bucket=BUCKET, Key=f"{table}/day-{i:05d}.{fmt}", Body=buf.getvalue())
    types = {"customer_id": "string", "article_id": "bigint", "price": "double", "t_dat": "string"}
    loc = f"s3://{BUCKET}/{table}/"
    if fmt == "parquet":
        wr.catalog.create_parquet_table(
            "bench", table, loc, columns_types=types, boto3_session=session
        )
    elif fmt == "csv":
        wr.catalog.create_csv_table(
            "bench",
            table,
            loc,
            columns_types=types,
            skip_header_line_count=1,
            boto3_session=session,
        )
    else:
        wr.catalog.create_json_table(
            "bench", table, loc, columns_types=types, boto3_session=session
        )
    return table


def old_sample(session: boto3.Session, fmt: str, table: str) -> int:
    """The sample before issue 18: one listing page, then the first object only.

    Returns the distinct ``t_dat`` values it saw."""
    from cleanroom_nb.aws import _client
    from cleanroom_nb.glue import _parquet_sample, _s3_file, _text_sample

    client = _client.client("s3", session)
    listing = _s3_file.list_data_objects(client, f"s3://{BUCKET}/{table}/")
    assert listing.first is not None
    if fmt == "parquet":
        frame = _parquet_sample.read_parquet_sample(client, listing.first).frame
        return int(frame["t_dat"].nunique())
    text = _text_sample.read_text_head(client, listing.first).text
    if fmt == "csv":
        frame = _text_sample.parse_csv_sample(
            text, ["customer_id", "article_id", "price", "t_dat"], skip_header_lines=1
        )
    else:
        frame = _text_sample.parse_json_lines_sample(
            text, ["customer_id", "article_id", "price", "t_dat"]
        )
    return int(frame["t_dat"].nunique())


def s3_split(tally: Tally) -> tuple[int, int, int]:
    """(ListObjectsV2 calls, GetObject calls, GetObject bytes) in the tally."""
    time.sleep(0.2)  # a request is recorded when its body is closed: let the last ones land
    with tally.lock:
        lists = sum(1 for s, m, p, _, _ in tally.requests if s == "s3" and "list-type" in p)
    reads = tally.s3_object_reads()
    return lists, len(reads), sum(n for _, _, n in reads)


def spread_tables(
    tally: Tally, session: boto3.Session, wr: Any, crn: Any, counts: tuple[int, ...]
) -> None:
    """Bytes and requests of the spread sample vs the old one on 1, 12 and 1,000 objects."""
    s3 = session.client("s3")
    print(
        f"\nSpread sample (issue 18): day-per-object tables, {SPREAD_ROWS:,} rows and ONE t_dat "
        "day per object; new = infer_schema_from_glue, old = one listing page + first object "
        "(LIST counts the KMS check's own listing too; bytes are GetObject bodies)"
    )
    print(
        f"  {'format':8s} {'objects':>7s} | {'new: LIST':>9s} {'GET':>4s} {'bytes':>10s} "
        f"{'read':>5s} {'t_dat':>10s} {'s':>5s} | {'old: LIST':>9s} {'GET':>4s} {'bytes':>10s} "
        f"{'days':>4s} | bytes new/old"
    )
    for fmt in ("parquet", "csv", "json"):
        for n in counts:
            table = build_days(s3, wr, session, fmt, n)
            seconds, schema = measure(
                tally,
                lambda t=table: crn.infer_schema_from_glue(
                    "bench", t, progress=False, boto3_session=session
                ),
            )
            lists, gets, got = s3_split(tally)
            info = schema.source
            role = schema.column("t_dat").role or "left out"
            _, days_old = measure(tally, lambda t=table, f=fmt: old_sample(session, f, t))
            old_lists, old_gets, old_got = s3_split(tally)
            print(
                f"  {fmt:8s} {n:7,d} | {lists:9d} {gets:4d} {got:10,d} "
                f"{len(info.sample_objects):5d} {role:>10s} {seconds:5.2f} | {old_lists:9d} "
                f"{old_gets:4d} {old_got:10,d} {days_old:4d} | {got / max(old_got, 1):.2f}x"
            )
            budget = 2 * MB if fmt == "parquet" else 1 * MB
            assert got <= budget, f"{fmt} {n}: {got:,} bytes over the {budget:,} bound"
            assert lists <= 32, f"{fmt} {n}: {lists} listing calls"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--parquet-mb", type=int, default=200)
    ap.add_argument("--csv-mb", type=int, default=200)
    ap.add_argument("--no-baseline", action="store_true")
    ap.add_argument("--no-big-row-groups", action="store_true")
    ap.add_argument("--no-wide", action="store_true")
    ap.add_argument("--spread-only", action="store_true", help="only the spread-sample tables")
    ap.add_argument(
        "--spread-counts", default=",".join(map(str, SPREAD_COUNTS)), help="objects per table"
    )
    args = ap.parse_args()

    tally = Tally()
    url, server = start_moto(tally)
    os.environ["AWS_ENDPOINT_URL"] = url
    import awswrangler as wr

    import cleanroom_nb as crn

    session = boto3.Session(region_name="us-east-1")
    s3 = session.client("s3")
    s3.create_bucket(Bucket=BUCKET)
    wr.catalog.create_database("bench", boto3_session=session)

    counts = tuple(int(c) for c in args.spread_counts.split(","))
    spread_tables(tally, session, wr, crn, counts)
    if args.spread_only:
        server.shutdown()
        return

    t0 = time.perf_counter()
    pq_sizes, first_rg = build_parquet(s3, args.parquet_mb)
    types = {
        "customer_id": "string",
        "product_id": "bigint",
        "event_time": "bigint",
        "event_type": "string",
        "price": "double",
        "quantity": "int",
        "session_id": "string",
    }
    wr.catalog.create_parquet_table(
        "bench",
        "events_pq",
        f"s3://{BUCKET}/events_pq/",
        columns_types=types,
        compression="snappy",
        boto3_session=session,
    )
    csv_sizes = build_csv(s3, args.csv_mb)
    wr.catalog.create_csv_table(
        "bench",
        "events_csv",
        f"s3://{BUCKET}/events_csv/",
        columns_types=types,
        skip_header_line_count=1,
        boto3_session=session,
    )
    print(
        f"built in {time.perf_counter() - t0:.0f} s: Parquet {sum(pq_sizes) / MB:.1f} MB in "
        f"{len(pq_sizes)} files (5 row groups of {ROW_GROUP:,} rows each; first row group "
        f"{first_rg / MB:.2f} MB compressed); CSV {sum(csv_sizes) / MB:.1f} MB in "
        f"{len(csv_sizes)} files"
    )

    budget = 2 * MB + first_rg
    print("\nParquet table bench.events_pq")
    seconds, schema = measure(
        tally, lambda: crn.infer_schema_from_glue("bench", "events_pq", boto3_session=session)
    )
    got = report("infer_schema_from_glue", tally, seconds)
    info = schema.source
    print(
        f"    sample: {info.sample_rows:,} rows of {info.sample_uri}; table rows estimated "
        f"~{info.estimated_rows:,} (true: {500_000 * len(pq_sizes):,})"
    )
    print(f"    roles: {schema.roles}")
    print(
        f"    fetched {got / MB:.2f} MB of a {sum(pq_sizes) / MB:.1f} MB table "
        f"({100 * got / sum(pq_sizes):.2f}%); target <= 2 MiB + one row group = "
        f"{budget / MB:.2f} MB -> {'PASS' if got <= budget else 'FAIL'}"
    )
    if not args.no_baseline:
        first = f"s3://{BUCKET}/events_pq/part-00000.snappy.parquet"
        seconds, _ = measure(
            tally,
            lambda: next(iter(wr.s3.read_parquet(first, chunked=1000, boto3_session=session))),
        )
        base = report(
            "baseline wr.s3.read_parquet(one file, chunked=1000), first chunk", tally, seconds
        )
        print(f"    = {base / MB:.2f} MB ({base / max(got, 1):.1f}x infer_schema_from_glue)")

    if not args.no_big_row_groups:
        # awswrangler's default: row groups of about 1M rows. The sample reads pages, not the
        # whole first row group.
        buf = io.BytesIO()
        pq.write_table(
            make_table(1_000_000, seed=50), buf, row_group_size=1_000_000, compression="snappy"
        )
        data = buf.getvalue()
        s3.put_object(Bucket=BUCKET, Key="events_1m/part-0.snappy.parquet", Body=data)
        wr.catalog.create_parquet_table(
            "bench",
            "events_1m",
            f"s3://{BUCKET}/events_1m/",
            columns_types=types,
            compression="snappy",
            boto3_session=session,
        )
        print(
            f"\nParquet table bench.events_1m: one {len(data) / MB:.1f} MB file, ONE row group "
            "of 1,000,000 rows (awswrangler's default size)"
        )
        seconds, schema = measure(
            tally, lambda: crn.infer_schema_from_glue("bench", "events_1m", boto3_session=session)
        )
        got = report("infer_schema_from_glue", tally, seconds)
        print(
            f"    sample: {schema.source.sample_rows:,} rows; fetched {got / MB:.2f} MB "
            f"({100 * got / len(data):.1f}% of the row group): pyarrow reads the pages the "
            "sample needs, not the whole row group"
        )

    if not args.no_wide:
        wide_table(tally, session, wr, crn)

    print("\nCSV table bench.events_csv")
    seconds, schema = measure(
        tally, lambda: crn.infer_schema_from_glue("bench", "events_csv", boto3_session=session)
    )
    got = report("infer_schema_from_glue", tally, seconds)
    info = schema.source
    print(
        f"    sample: {info.sample_rows:,} rows of {info.sample_uri}, header={info.csv_header}; "
        f"table rows estimated ~{info.estimated_rows:,} (true: {500_000 * len(csv_sizes):,})"
    )
    print(f"    roles: {schema.roles}")
    print(
        f"    fetched {got / MB:.2f} MB of a {sum(csv_sizes) / MB:.1f} MB table "
        f"({100 * got / sum(csv_sizes):.2f}%); target <= 2 MiB -> "
        f"{'PASS' if got <= 2 * MB else 'FAIL'}"
    )
    if not args.no_baseline:
        first = f"s3://{BUCKET}/events_csv/part-00000.csv"
        seconds, _ = measure(
            tally, lambda: wr.s3.read_csv(first, nrows=1000, boto3_session=session)
        )
        base = report("baseline wr.s3.read_csv(one file, nrows=1000)", tally, seconds)
        print(f"    = {base / MB:.2f} MB ({base / max(got, 1):.1f}x infer_schema_from_glue)")
    server.shutdown()


if __name__ == "__main__":
    main()
