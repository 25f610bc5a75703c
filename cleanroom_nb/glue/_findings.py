"""What Clean Rooms ML would reject, or what would surprise, about a Glue table itself.

Its location (S3, not empty), its format (Parquet, CSV or JSON), its compression (no ZSTD
Parquet), its bucket's region, Glue types no role accepts, column names the API refuses, and a
CSV header the table does not skip.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import cleanroom_nb._rulebook as _rulebook
from cleanroom_nb import _roles
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
        out.append(_rulebook.empty_location(info.uri))
    elif not info.location.startswith(("s3://", "s3a://", "s3n://")):
        out.append(_rulebook.not_s3(info.location, info.uri))
    if info.data_format not in SUPPORTED_FORMATS:
        what = (
            info.data_format
            if info.data_format != "unknown"
            else (f"not recognised (classification={info.classification!r}, SerDe={info.serde!r})")
        )
        out.append(_rulebook.unsupported_format(what))
    if info.data_format == "parquet" and (info.compression or "").lower() == "zstd":
        cols = sorted(c for c, codec in info.codecs.items() if codec == "ZSTD")
        where = f" (footer of {info.sample_uri}: {', '.join(cols[:10])})" if cols else ""
        out.append(_rulebook.zstd_parquet(where))
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
            out.append(
                _rulebook.unusable_glue_type(
                    name, glue_type, partition_key=name in partition, path=path
                )
            )
        if not _service_model.matches(_service_model.COLUMN_NAME_PATH, name):
            out.append(_rulebook.invalid_column_name(name, path=path))
    return out


def csv_header_findings(
    text: str, columns: list[str], delim: str, skip: int, info: GlueTableInfo
) -> list[Finding]:
    first = text.split("\n", 1)[0].strip("\r")
    fields = [f.strip().strip('"').lower() for f in first.split(delim)]
    looks_like_header = len(fields) >= 2 and fields[: len(columns)] == [c.lower() for c in columns]
    if looks_like_header and skip == 0:
        return [_rulebook.csv_header_not_skipped(info.table)]
    return []
