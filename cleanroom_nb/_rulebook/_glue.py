"""Rules of a Glue table as Clean Rooms ML reads it: location, format, compression, columns."""

from __future__ import annotations

from cleanroom_nb._findings import Finding, FindingCode
from cleanroom_nb._rulebook._registry import rule
from cleanroom_nb._rulebook._schema import type_fix_advice

_REWRITE = (
    "in Athena: CREATE TABLE new_t WITH (format = 'PARQUET', write_compression = 'SNAPPY') AS "
    "SELECT * FROM t."
)


@rule(FindingCode.EMPTY_LOCATION)
def empty_location(table: str) -> Finding:
    """The table has no S3 location (a view, a federated table)."""
    return Finding(
        "error",
        "table.location",
        FindingCode.EMPTY_LOCATION,
        f"Glue table {table} has no S3 location (a view or a federated table?). Clean Rooms ML "
        "reads the table's files from S3: point the table at an s3:// prefix holding Parquet, "
        "CSV or JSON, or create one with CTAS / register_dataframe.",
    )


@rule(FindingCode.NOT_S3)
def not_s3(location: str, table: str) -> Finding:
    """The table's location is not in S3."""
    return Finding(
        "error",
        "table.location",
        FindingCode.NOT_S3,
        f"the location {location!r} of {table} is not an S3 URI; Clean Rooms ML reads the data "
        "from S3 (s3://bucket/prefix/).",
    )


@rule(FindingCode.UNSUPPORTED_FORMAT)
def unsupported_format(what: str) -> Finding:
    """A data format Clean Rooms ML does not read (it reads Parquet, CSV and JSON)."""
    return Finding(
        "error",
        "table.format",
        FindingCode.UNSUPPORTED_FORMAT,
        f"the table's data format is {what}; Clean Rooms ML reads Parquet, CSV or JSON. Rewrite "
        f"it, e.g. {_REWRITE}",
    )


@rule(FindingCode.ZSTD_PARQUET)
def zstd_parquet(where: str) -> Finding:
    """ZSTD-compressed Parquet, which Clean Rooms ML does not read."""
    return Finding(
        "error",
        "table.compression",
        FindingCode.ZSTD_PARQUET,
        f"the Parquet data is ZSTD-compressed{where}, which Clean Rooms ML does not read. Rewrite "
        "it with snappy: wr.s3.to_parquet(..., compression='snappy') or "
        f"cleanroom_nb.register_dataframe, or {_REWRITE}",
    )


@rule(FindingCode.UNUSABLE_GLUE_TYPE)
def unusable_glue_type(name: str, glue_type: str, *, partition_key: bool, path: str) -> Finding:
    """A column whose Glue type no role accepts (it is left out); says how to cast it."""
    kind = "partition key " if partition_key else ""
    return Finding(
        "warning",
        path,
        FindingCode.UNUSABLE_GLUE_TYPE,
        f"{kind}column {name!r} has Glue type {glue_type}, which no Clean Rooms ML role accepts, "
        f"so it is left out; to use it, {type_fix_advice(glue_type)}.",
    )


@rule(FindingCode.INVALID_COLUMN_NAME)
def invalid_column_name(name: str, *, path: str) -> Finding:
    """A table column whose name the API's column-name pattern refuses."""
    return Finding(
        "warning",
        path,
        FindingCode.INVALID_COLUMN_NAME,
        f"column name {name!r} does not match the API's column-name pattern, so the column "
        "cannot be part of the request; rename it in the table to letters, digits and '_' "
        "(inner spaces or hyphens allowed).",
    )


@rule(FindingCode.CSV_HEADER_NOT_SKIPPED)
def csv_header_not_skipped(table: str) -> Finding:
    """CSV data whose first line holds the column names, which the table does not skip."""
    return Finding(
        "warning",
        "table.csv_header",
        FindingCode.CSV_HEADER_NOT_SKIPPED,
        "the first line of the CSV data holds the column names, but the table does not skip it, "
        "so readers see it as a row. Set the table property skip.header.line.count=1 (ALTER "
        f"TABLE {table} SET TBLPROPERTIES ('skip.header.line.count'='1')).",
    )


@rule(FindingCode.NO_DATA)
def no_data(location: str) -> Finding:
    """No data file under the table's location: Clean Rooms ML would find an empty table."""
    return Finding(
        "error",
        "table.location",
        FindingCode.NO_DATA,
        f"no data files under {location} (markers such as _SUCCESS are skipped); "
        "Clean Rooms ML would find an empty table. Write the data there or fix the location.",
    )


@rule(FindingCode.SAMPLE_UNREADABLE)
def sample_unreadable(problem: str) -> Finding:
    """The sample of the table's data could not be read (``problem`` says which file and why)."""
    return Finding("warning", "table.sample", FindingCode.SAMPLE_UNREADABLE, problem)
