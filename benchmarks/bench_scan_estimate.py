"""estimate_athena_scan against the local Athena's DataScannedInBytes, on tables of many files.

Writes Parquet tables of 1, 60 and 600 files (the last above MAX_FOOTERS, so its footers are
sampled and extrapolated) and a gzipped-CSV table, then for several column sets prints the
estimate, the bytes the query really scanned, their ratio (target: within 10% for Parquet),
the time the estimate took (cold: footers fetched; warm: footers cached by ETag) and the S3
bytes it fetched against the table's size (footers only).

    .venv/bin/python benchmarks/bench_scan_estimate.py [--rows 1200000]
"""

from __future__ import annotations

import argparse
import gzip
import os
import time
import warnings

import awswrangler as wr
import boto3

import cleanroom_nb as crn
from cleanroom_nb.glue import _scan_estimate
from cleanroom_nb.local._sample_data import sample_interactions

BUCKET, DATABASE = "cleanroom-nb-scan", "scan_bench"
OUT = f"s3://{BUCKET}/athena/"
COLUMN_SETS: list[list[str] | None] = [
    ["customer_id"],
    ["customer_id", "product_id", "event_time"],
    ["price", "device", "email"],
    None,
]


def scanned(sql: str) -> int:
    qid = wr.athena.start_query_execution(sql, database=DATABASE, s3_output=OUT, wait=False)
    done = wr.athena.wait_query(qid)
    return int(done["Statistics"]["DataScannedInBytes"])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_200_000)
    args = ap.parse_args()
    warnings.simplefilter("ignore")
    with crn.local_aws():
        session = boto3.Session()
        s3 = session.client("s3")
        s3.create_bucket(Bucket=BUCKET)
        wr.catalog.create_database(DATABASE, exist_ok=True)
        df = sample_interactions(args.rows, args.rows // 8, 5_000, seed=0)
        print(
            f"{len(df):,} rows; cores {os.cpu_count()}, load average {os.getloadavg()[0]:.1f}; "
            f"MAX_FOOTERS {_scan_estimate.MAX_FOOTERS}"
        )
        for files in (1, 60, 600):
            table = f"parquet_{files}"
            wr.s3.to_parquet(
                df, f"s3://{BUCKET}/{table}/", dataset=True, database=DATABASE, table=table,
                max_rows_by_file=-(-len(df) // files),
            )  # fmt: skip
        csv = df.to_csv(index=False, header=False).encode()
        s3.put_object(Bucket=BUCKET, Key="csv_gz/part-0.csv.gz", Body=gzip.compress(csv, 6))
        wr.catalog.create_csv_table(
            DATABASE, "csv_gz", f"s3://{BUCKET}/csv_gz/",
            columns_types=wr.catalog.extract_athena_types(df)[0], compression="gzip",
        )  # fmt: skip

        fetched = [0]

        def count(**kw: object) -> None:
            response = kw.get("http_response")
            headers = getattr(response, "headers", {}) or {}
            fetched[0] += int(headers.get("Content-Length", 0) or 0)

        session.events.register("after-call.s3.GetObject", count)
        worst = 0.0
        for table in ("parquet_1", "parquet_60", "parquet_600", "csv_gz"):
            size = sum(wr.s3.size_objects(f"s3://{BUCKET}/{table}/").values())
            print(f"\n{table}: {size:,} bytes")
            for cols in COLUMN_SETS:
                fetched[0] = 0
                t0 = time.perf_counter()
                est = crn.estimate_athena_scan(
                    DATABASE, table, columns=cols, progress=False, boto3_session=session
                )
                cold = time.perf_counter() - t0
                footer_bytes = fetched[0]
                t0 = time.perf_counter()
                crn.estimate_athena_scan(
                    DATABASE, table, columns=cols, progress=False, boto3_session=session
                )
                warm = time.perf_counter() - t0
                select = ", ".join(f'"{c}"' for c in cols) if cols else "*"
                real = scanned(f'SELECT {select} FROM "{DATABASE}"."{table}"')
                ratio = est.bytes / real if real else float("nan")
                if table.startswith("parquet"):
                    worst = max(worst, abs(ratio - 1))
                print(
                    f"  {','.join(cols) if cols else 'all columns':38s} estimate {est.bytes:>12,}"
                    f" scanned {real:>12,} ratio {ratio:6.3f} {'exact' if est.exact else 'sampled'}"
                    f"  {cold * 1000:6.0f} ms cold {warm * 1000:5.0f} ms warm, fetched "
                    f"{footer_bytes:,} B ({footer_bytes / size:.2%} of the table)"
                )
        print(f"\nworst Parquet |estimate/scanned - 1|: {worst:.3f} (target <= 0.10)")


if __name__ == "__main__":
    main()
