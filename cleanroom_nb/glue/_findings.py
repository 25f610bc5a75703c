"""What Clean Rooms ML would reject, or what would surprise, about a Glue table itself.

Its location (S3, not empty), its format (Parquet, CSV or JSON), its compression (no ZSTD
Parquet), its bucket's region, Glue types no role accepts, column names the API refuses, and a
CSV header the table does not skip.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from cleanroom_nb import _roles, _rulebook
from cleanroom_nb._findings import Finding
from cleanroom_nb._rulebook import type_fix_advice
from cleanroom_nb.aws import _service_model

if TYPE_CHECKING:
    from cleanroom_nb.glue._catalog import GlueTableInfo

SUPPORTED_FORMATS = ("parquet", "csv", "json")
"""The data formats Clean Rooms ML reads."""


def unusable_type_fix(glue_type: str) -> str:
    """How to make a column of ``glue_type`` usable when no role accepts it.

    Examples
    --------
    >>> unusable_type_fix("smallint")[:40]
    'cast it to int or bigint (pandas int8/in'
    """
    return type_fix_advice(glue_type)  # the rule book writes the advice once


def table_findings(info: GlueTableInfo, glue_types: Mapping[str, str]) -> list[Finding]:
    """What Clean Rooms ML would reject, or what would surprise, about the table itself.

    Examples
    --------
    >>> from cleanroom_nb.glue._catalog import GlueTableInfo
    >>> info = GlueTableInfo("db", "t", location="s3://b/t/", data_format="parquet",
    ...                      compression="zstd", bucket_region="eu-west-1",
    ...                      session_region="us-east-1")
    >>> [f.code for f in table_findings(info, {"a": "smallint", "Bad.Name": "string"})]
    ['zstd_parquet', 'bucket_region', 'unusable_glue_type', 'invalid_column_name']
    """
    return [*_storage_findings(info), *_column_findings(info, glue_types)]


def _storage_findings(info: GlueTableInfo) -> list[Finding]:
    """Location, format, compression and bucket region."""
    out: list[Finding] = []
    if not info.location:
        out.append(
            Finding(
                "error",
                "table.location",
                "empty_location",
                f"Glue table {info.uri} has no S3 location (a view or a federated table?). Clean "
                "Rooms ML reads the table's files from S3: point the table at an s3:// prefix "
                "holding Parquet, CSV or JSON, or create one with CTAS / register_dataframe.",
            )
        )
    elif not info.location.startswith(("s3://", "s3a://", "s3n://")):
        out.append(
            Finding(
                "error",
                "table.location",
                "not_s3",
                f"the location {info.location!r} of {info.uri} is not an S3 URI; Clean Rooms ML "
                "reads the data from S3 (s3://bucket/prefix/).",
            )
        )
    if info.data_format not in SUPPORTED_FORMATS:
        what = (
            info.data_format
            if info.data_format != "unknown"
            else (f"not recognised (classification={info.classification!r}, SerDe={info.serde!r})")
        )
        out.append(
            Finding(
                "error",
                "table.format",
                "unsupported_format",
                f"the table's data format is {what}; Clean Rooms ML reads Parquet, CSV or JSON. "
                "Rewrite it, e.g. in Athena: CREATE TABLE new_t WITH (format = 'PARQUET', "
                "write_compression = 'SNAPPY') AS SELECT * FROM t.",
            )
        )
    if info.data_format == "parquet" and (info.compression or "").lower() == "zstd":
        cols = sorted(c for c, codec in info.codecs.items() if codec == "ZSTD")
        where = f" (footer of {info.sample_uri}: {', '.join(cols[:10])})" if cols else ""
        out.append(
            Finding(
                "error",
                "table.compression",
                "zstd_parquet",
                f"the Parquet data is ZSTD-compressed{where}, which Clean Rooms ML does not read. "
                "Rewrite it with snappy: wr.s3.to_parquet(..., compression='snappy') or "
                "cleanroom_nb.register_dataframe, or in Athena: CREATE TABLE new_t WITH (format = "
                "'PARQUET', write_compression = 'SNAPPY') AS SELECT * FROM t.",
            )
        )
    if info.bucket_region and info.session_region and info.bucket_region != info.session_region:
        out.append(
            _rulebook.bucket_region(
                "the data's bucket",
                str(info.bucket_region),
                str(info.session_region),
                "Clean Rooms ML needs the bucket in the same region as its resources. Copy the "
                "data to a bucket in that region (and re-point the table), or work in "
                f"{info.bucket_region}.",
                path="table.region",
            )
        )
    return out


def _column_findings(info: GlueTableInfo, glue_types: Mapping[str, str]) -> list[Finding]:
    """Glue types no role accepts and column names the API refuses."""
    out: list[Finding] = []
    partition = set(info.partition_keys)
    for name, glue_type in glue_types.items():
        path = f"columns.{name}"
        if not _roles.roles_accepting(glue_type):
            kind = "partition key " if name in partition else ""
            out.append(
                Finding(
                    "warning",
                    path,
                    "unusable_glue_type",
                    f"{kind}column {name!r} has Glue type {glue_type}, which no Clean Rooms ML role "
                    f"accepts, so it is left out; to use it, {unusable_type_fix(glue_type)}.",
                )
            )
        if not _service_model.matches(_service_model.COLUMN_NAME_PATH, name):
            out.append(
                Finding(
                    "warning",
                    path,
                    "invalid_column_name",
                    f"column name {name!r} does not match the API's column-name pattern, so the "
                    "column cannot be part of the request; rename it in the table to letters, digits "
                    "and '_' (inner spaces or hyphens allowed).",
                )
            )
    return out


def csv_header_findings(
    text: str, columns: list[str], delim: str, skip: int, info: GlueTableInfo
) -> list[Finding]:
    first = text.split("\n", 1)[0].strip("\r")
    fields = [f.strip().strip('"').lower() for f in first.split(delim)]
    looks_like_header = len(fields) >= 2 and fields[: len(columns)] == [c.lower() for c in columns]
    if looks_like_header and skip == 0:
        return [
            Finding(
                "warning",
                "table.csv_header",
                "csv_header_not_skipped",
                f"the first line of the CSV data holds the column names, but the table does not skip "
                f"it, so readers see it as a row. Set the table property skip.header.line.count=1 "
                f"(ALTER TABLE {info.table} SET TBLPROPERTIES ('skip.header.line.count'='1')).",
            )
        ]
    return []
