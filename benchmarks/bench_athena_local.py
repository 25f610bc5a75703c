"""readiness_from_athena through the local Athena vs DuckDB running the same SQL directly.

Builds the demo table as ``python -m cleanroom_nb demo`` does (1.2M sample interactions,
registered in moto's Glue as Parquet by ``register_dataframe``), then times:

- ``crn.readiness_from_athena`` end to end: awswrangler -> the local Athena (JSON 1.1 over
  HTTP) -> Glue/S3 from moto -> DuckDB -> result CSV in S3 -> awswrangler reads it back;
- DuckDB running :func:`readiness_sql` directly on the same Parquet files (local copies).

The query returns the figures and the chart histograms together (one scan, a few hundred rows at
most). Prints the first (cold: objects fetched from S3) and the best warm end-to-end time,
DuckDB's best time, and the ratio warm / DuckDB (targets: <= 3 s end to end, <= 2x DuckDB
direct); and the scan estimate shown before the query (``estimate_athena_scan``: its time and
its ratio to ``DataScannedInBytes``, target within 10%).

    .venv/bin/python benchmarks/bench_athena_local.py [--rows 1200000] [--users 150000]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
import warnings
from pathlib import Path

import boto3
import duckdb

import cleanroom_nb as crn
from cleanroom_nb.local._sample_data import sample_interactions
from cleanroom_nb.readiness._athena import report_from_result
from cleanroom_nb.readiness._sql import RESULT_COLUMNS, readiness_sql

FIGURES = RESULT_COLUMNS
BUCKET, DATABASE, TABLE = "cleanroom-nb-demo", "cleanroom_nb_demo", "interactions"
OUT = "s3://cleanroom-nb-demo-results/athena/"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_200_000)
    ap.add_argument("--users", type=int, default=150_000)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    warnings.simplefilter("ignore")
    with crn.local_aws() as local:
        s3 = boto3.client("s3")
        s3.create_bucket(Bucket=BUCKET)
        s3.create_bucket(Bucket=OUT.split("/")[2])
        df = sample_interactions(n_rows=args.rows, n_users=args.users, seed=0)
        schema = crn.infer_schema(df)
        df = df[[c.name for c in schema.columns if c.role is not None]]
        glue_schema = crn.register_dataframe(
            df, f"s3://{BUCKET}/{TABLE}/", DATABASE, TABLE, schema=schema, mode="overwrite"
        )
        roles = [glue_schema.user_id, glue_schema.item_id, glue_schema.timestamp]
        names = [getattr(r, "name", r) for r in roles]
        print(
            f"table {DATABASE}.{TABLE}: {len(df):,} rows; roles {names}; "
            f"cores {os.cpu_count()}, duckdb {duckdb.__version__}, "
            f"load average {os.getloadavg()[0]:.1f}; local Athena at {local.athena_url}"
        )

        def athena() -> crn.ReadinessReport:
            return crn.readiness_from_athena(
                DATABASE, TABLE, glue_schema, s3_output=OUT, progress=False
            )

        t0 = time.perf_counter()
        report = athena()
        cold = time.perf_counter() - t0

        # The same Parquet objects, copied locally once, read by DuckDB directly.
        tmp = Path(tempfile.mkdtemp(prefix="bench-athena-"))
        keys = [
            o["Key"]
            for o in s3.list_objects_v2(Bucket=BUCKET, Prefix=f"{TABLE}/").get("Contents", [])
        ]
        files = []
        for i, key in enumerate(keys):
            path = tmp / f"{i}.parquet"
            path.write_bytes(s3.get_object(Bucket=BUCKET, Key=key)["Body"].read())
            files.append(str(path))
        con = duckdb.connect()
        con.execute(f"CREATE SCHEMA {DATABASE}")
        con.execute(f"CREATE VIEW {DATABASE}.{TABLE} AS SELECT * FROM read_parquet({files!r})")
        sql = readiness_sql(DATABASE, TABLE, *names, ts_type=glue_schema.timestamp.glue_type)

        athena_client = boto3.client("athena")

        def service_seconds(query_id: str | None) -> float:
            """The local Athena's own time: submission to completion (queue, planning,
            S3/Glue reads, DuckDB, result files)."""
            qe = athena_client.get_query_execution(QueryExecutionId=str(query_id))
            return int(qe["QueryExecution"]["Statistics"]["TotalExecutionTimeInMillis"]) / 1000

        t_warm = t_duck = t_service = float("inf")
        duck_df = None
        for _ in range(args.repeat):  # interleaved: machine load hits both alike
            t0 = time.perf_counter()
            report = athena()
            t_warm = min(t_warm, time.perf_counter() - t0)
            t_service = min(t_service, service_seconds(report.query_id))
            t0 = time.perf_counter()
            duck_df = con.execute(sql).df()
            t_duck = min(t_duck, time.perf_counter() - t0)
        ref = report_from_result(
            duck_df, source="duckdb", user_col=names[0], item_col=names[1], ts_col=names[2]
        )
        same = all(getattr(report, k) == getattr(ref, k) for k in FIGURES)
        same = same and report.histograms == ref.histograms
        t_est = float("inf")
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            est = crn.estimate_athena_scan(DATABASE, TABLE, columns=names, progress=False)
            t_est = min(t_est, time.perf_counter() - t0)
        print(f"  readiness_from_athena end to end, cold : {cold:7.3f} s")
        print(f"  readiness_from_athena end to end, warm : {t_warm:7.3f} s  best of {args.repeat}")
        print(
            f"    of which the local Athena itself      : {t_service:7.3f} s  best of {args.repeat}"
        )
        print(f"  DuckDB readiness_sql directly          : {t_duck:7.3f} s  best of {args.repeat}")
        print(
            f"  bytes scanned: {report.bytes_scanned:,}; same figures and histograms as "
            f"DuckDB: {same} ({len(duck_df)} result rows)"
        )
        print(
            f"  scan estimate: {est.bytes:,} bytes in {t_est * 1000:.0f} ms ({est.files} files, "
            f"{est.footers_read} footers); estimate / DataScannedInBytes = "
            f"{est.bytes / max(1, report.bytes_scanned or 0):.3f} (target 0.9 .. 1.1)"
        )
        print(f"end to end: {t_warm:.2f} s warm, {cold:.2f} s cold (target <= 3 s)")
        print(f"ratio local Athena / DuckDB direct: {t_service / t_duck:.2f}x (target <= 2.0)")
        print(
            f"ratio end to end / DuckDB direct: {t_warm / t_duck:.2f}x (includes awswrangler's "
            f"and the library's client work: {t_warm - t_service:.2f} s)"
        )


if __name__ == "__main__":
    main()
