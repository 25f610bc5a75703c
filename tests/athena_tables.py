"""Test helpers: Glue tables over moto's S3 in the formats Athena reads (for the local Athena).

Parquet tables are written by awswrangler (as the library registers them). Text and JSON
tables are declared in Glue as Athena's documentation describes them:

- CSV with a header: LazySimpleSerDe, ``field.delim``, ``skip.header.line.count``; ``\\N`` is
  NULL (https://docs.aws.amazon.com/athena/latest/ug/lazy-simple-serde.html);
- JSON lines: the OpenX JSON SerDe
  (https://docs.aws.amazon.com/athena/latest/ug/openx-json-serde.html).
"""

from __future__ import annotations

import csv
import io

import awswrangler as wr
import boto3
import pandas as pd

LAZY_SIMPLE = "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe"
OPENX_JSON = "org.openx.data.jsonserde.JsonSerDe"
TEXT_INPUT = "org.apache.hadoop.mapred.TextInputFormat"
TEXT_OUTPUT = "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat"


def glue_type(s: pd.Series) -> str:
    """The Glue type a test column is declared with."""
    if pd.api.types.is_integer_dtype(s):
        return "bigint"
    if pd.api.types.is_float_dtype(s):
        return "double"
    if pd.api.types.is_bool_dtype(s):
        return "boolean"
    return "string"


def ensure_database(session: boto3.Session, database: str) -> None:
    """Create the Glue database unless it exists."""
    wr.catalog.create_database(database, exist_ok=True, boto3_session=session)


def parquet_table(
    session: boto3.Session,
    df: pd.DataFrame,
    database: str,
    table: str,
    path: str,
    partition_cols: list[str] | None = None,
) -> None:
    """A Parquet table written and catalogued by awswrangler (optionally partitioned)."""
    ensure_database(session, database)
    wr.s3.to_parquet(
        df,
        path,
        dataset=True,
        database=database,
        table=table,
        partition_cols=partition_cols,
        mode="overwrite",
        boto3_session=session,
    )


def _declare(
    session: boto3.Session,
    df: pd.DataFrame,
    database: str,
    table: str,
    path: str,
    serde: dict[str, object],
    params: dict[str, str],
) -> None:
    ensure_database(session, database)
    session.client("glue").create_table(
        DatabaseName=database,
        TableInput={
            "Name": table,
            "TableType": "EXTERNAL_TABLE",
            "Parameters": params,
            "StorageDescriptor": {
                "Columns": [{"Name": str(c), "Type": glue_type(df[c])} for c in df.columns],
                "Location": path,
                "InputFormat": TEXT_INPUT,
                "OutputFormat": TEXT_OUTPUT,
                "SerdeInfo": serde,
            },
        },
    )


def _put_parts(session: boto3.Session, path: str, bodies: list[bytes], suffix: str) -> int:
    bucket, prefix = path[len("s3://") :].split("/", 1)
    s3 = session.client("s3")
    for i, body in enumerate(bodies):
        s3.put_object(Bucket=bucket, Key=f"{prefix.rstrip('/')}/part-{i:03d}{suffix}", Body=body)
    return sum(len(b) for b in bodies)


def csv_table(
    session: boto3.Session,
    df: pd.DataFrame,
    database: str,
    table: str,
    path: str,
    *,
    files: int = 2,
    delimiter: str = ",",
) -> int:
    """A CSV table with a header line in every file; returns the bytes written."""
    bodies = []
    for chunk in _chunks(df, files):
        buf = io.StringIO()
        chunk.to_csv(buf, index=False, sep=delimiter, na_rep="\\N", quoting=csv.QUOTE_NONE)
        bodies.append(buf.getvalue().encode())
    _declare(
        session,
        df,
        database,
        table,
        path,
        {"SerializationLibrary": LAZY_SIMPLE, "Parameters": {"field.delim": delimiter}},
        {"classification": "csv", "skip.header.line.count": "1"},
    )
    return _put_parts(session, path, bodies, ".csv")


def json_table(
    session: boto3.Session,
    df: pd.DataFrame,
    database: str,
    table: str,
    path: str,
    *,
    files: int = 2,
) -> int:
    """A JSON-lines table; returns the bytes written."""
    bodies = [c.to_json(orient="records", lines=True).encode() for c in _chunks(df, files)]
    _declare(
        session,
        df,
        database,
        table,
        path,
        {"SerializationLibrary": OPENX_JSON, "Parameters": {}},
        {"classification": "json"},
    )
    return _put_parts(session, path, bodies, ".json")


def _chunks(df: pd.DataFrame, n: int) -> list[pd.DataFrame]:
    if df.empty:
        return []
    size = -(-len(df) // n)
    return [df.iloc[i : i + size] for i in range(0, len(df), size)]
