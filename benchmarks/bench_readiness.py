"""readiness(df) against DuckDB running the same aggregation on the same frame, at 1e7 rows.

DuckDB runs :func:`cleanroom_nb.readiness._sql.readiness_sql` (the SQL sent to Athena: figures
and chart histograms in one query) over a view on the DataFrame; both must give the same figures
and histograms. Prints the best of ``--repeat`` runs
and the ratio readiness / DuckDB (target: <= 1.5).

    .venv/bin/python benchmarks/bench_readiness.py [--rows 10000000] [--users 1000000]
"""

from __future__ import annotations

import argparse
import os
import time

import duckdb
import numpy as np
import pandas as pd

from cleanroom_nb.infer._schema import ColumnSchema, TrainingSchema
from cleanroom_nb.local._sample_data import sample_interactions
from cleanroom_nb.readiness import readiness
from cleanroom_nb.readiness._athena import report_from_result
from cleanroom_nb.readiness._sql import RESULT_COLUMNS, readiness_sql

FIGURES = RESULT_COLUMNS


def schema_for(user: str) -> TrainingSchema:
    return TrainingSchema.from_columns(
        [
            ColumnSchema(user, "string", "USER_ID", 1.0, "benchmark"),
            ColumnSchema("product_id", "bigint", "ITEM_ID", 1.0, "benchmark"),
            ColumnSchema("event_time", "bigint", "TIMESTAMP", 1.0, "benchmark"),
        ]
    )


def best(fn, repeat: int):  # type: ignore[no-untyped-def]
    times, out = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return min(times), out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--users", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    t0 = time.perf_counter()
    df = sample_interactions(args.rows, args.users, 50_000, seed=1)
    df = df[["customer_id", "product_id", "event_time"]].copy()
    # Same users as int64 ids, and a few nulls so null counting is exercised too.
    df["customer_num"] = pd.factorize(df["customer_id"])[0].astype("int64") * 7919 + 10**9
    rng = np.random.default_rng(0)
    holes = rng.choice(len(df), 1000, replace=False)
    df.loc[holes[:500], "customer_id"] = None
    df.loc[holes[500:], "product_id"] = None
    df["product_id"] = df["product_id"].astype("Int64")
    print(
        f"frame: {len(df):,} rows, {args.users:,} users, dtypes "
        f"{dict(df.dtypes.astype(str))} (built in {time.perf_counter() - t0:.1f} s)"
    )
    con = duckdb.connect()
    threads = con.execute("SELECT current_setting('threads')").fetchall()[0]
    print(
        f"cores: {os.cpu_count()}, duckdb {duckdb.__version__} (threads: "
        f"{threads[0] if threads else '?'}), pandas {pd.__version__}, "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    con.register("frame", df)
    con.execute("CREATE SCHEMA bench")
    con.execute("CREATE VIEW bench.interactions AS SELECT * FROM frame")
    ratios = []
    for user in ("customer_id", "customer_num"):
        schema = schema_for(user)
        sql = readiness_sql("bench", "interactions", user, "product_id", "event_time")

        def duck(sql: str = sql) -> pd.DataFrame:
            return con.execute(sql).df()

        # Interleaved, so that load from elsewhere on the machine hits both alike.
        t_duck = t_ours = float("inf")
        for _ in range(args.repeat):
            t, duck_df = best(duck, 1)
            t_duck = min(t_duck, t)
            t, report = best(lambda schema=schema: readiness(df, schema, progress=False), 1)
            t_ours = min(t_ours, t)
        ref = report_from_result(
            duck_df, source="duckdb", user_col=user, item_col="product_id", ts_col="event_time"
        )
        same = all(getattr(ref, k) == getattr(report, k) for k in FIGURES)
        same_bins = ref.histograms == report.histograms
        ratio = t_ours / t_duck
        ratios.append(ratio)
        print(f"\nUSER_ID {user} ({df[user].dtype}):")
        print(f"  DuckDB readiness_sql : {t_duck:7.3f} s  best of {args.repeat}")
        print(f"  readiness(df)        : {t_ours:7.3f} s  best of {args.repeat}")
        print(
            f"  ratio readiness/DuckDB = {ratio:.2f}  (target <= 1.5)  same figures: {same}, "
            f"same histograms: {same_bins}"
        )
        print("  figures: " + ", ".join(f"{k}={getattr(report, k)}" for k in FIGURES))
        if not same:
            print("  DuckDB : " + ", ".join(f"{k}={getattr(ref, k)}" for k in FIGURES))
    print(f"\nworst ratio: {max(ratios):.2f} -> {'PASS' if max(ratios) <= 1.5 else 'FAIL'}")


if __name__ == "__main__":
    main()
