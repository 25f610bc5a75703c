"""Query results as Athena gives them: the CSV file in S3, its metadata and GetQueryResults pages.

Athena saves a DML query's result as ``QueryID.csv`` in the query result location, with a
header row and every value quoted (NULL as an empty, unquoted field), next to
``QueryID.csv.metadata``; a DDL query's as ``QueryID.txt``
(https://docs.aws.amazon.com/athena/latest/ug/querying-finding-output-files.html).
Athena's metadata file is binary and undocumented; the local one holds the same column
information as JSON. GetQueryResults returns the header as the first row of the first page,
at most 1000 rows a page, and a value as ``{"VarCharValue": ...}`` (``{}`` for NULL).

Examples
--------
>>> athena_type("DECIMAL(18,3)"), athena_type("HUGEINT"), athena_type("VARCHAR")
(('decimal', 18, 3), ('bigint', 19, 0), ('varchar', 2147483647, 0))
>>> glue_type("VARCHAR"), glue_type("INTEGER"), glue_type("DECIMAL(10,2)")
('string', 'int', 'decimal(10,2)')
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.csv as pacsv

from cleanroom_nb.local.athena._errors import QueryError

MAX_PAGE = 1000
"""GetQueryResults' largest page (``MaxResults``: 1 .. 1000)."""

_ATHENA = {
    "BIGINT": ("bigint", 19),
    "HUGEINT": ("bigint", 19),
    "UBIGINT": ("bigint", 19),
    "INTEGER": ("integer", 10),
    "UINTEGER": ("bigint", 19),
    "SMALLINT": ("smallint", 5),
    "USMALLINT": ("integer", 10),
    "TINYINT": ("tinyint", 3),
    "UTINYINT": ("smallint", 5),
    "DOUBLE": ("double", 17),
    "FLOAT": ("real", 7),
    "VARCHAR": ("varchar", 2147483647),
    "BOOLEAN": ("boolean", 0),
    "DATE": ("date", 0),
    "TIME": ("time", 3),
    "TIMESTAMP": ("timestamp", 3),
    "TIMESTAMP_NS": ("timestamp", 3),
    "TIMESTAMP_MS": ("timestamp", 3),
    "TIMESTAMP_S": ("timestamp", 3),
    "TIMESTAMP WITH TIME ZONE": ("timestamp with time zone", 3),
    "BLOB": ("varbinary", 2147483647),
    '"NULL"': ("unknown", 0),
}

_GLUE = {
    "BIGINT": "bigint",
    "HUGEINT": "bigint",
    "INTEGER": "int",
    "SMALLINT": "smallint",
    "TINYINT": "tinyint",
    "DOUBLE": "double",
    "FLOAT": "float",
    "VARCHAR": "string",
    "BOOLEAN": "boolean",
    "DATE": "date",
    "TIMESTAMP": "timestamp",
    "TIMESTAMP_NS": "timestamp",
    "TIMESTAMP_MS": "timestamp",
    "TIMESTAMP_S": "timestamp",
    "BLOB": "binary",
}


def athena_type(duckdb_type: str) -> tuple[str, int, int]:
    """Athena's (Trino's) name, precision and scale for a DuckDB result type."""
    t = duckdb_type.upper()
    m = re.fullmatch(r"DECIMAL\((\d+),\s*(\d+)\)", t)
    if m:
        return "decimal", int(m.group(1)), int(m.group(2))
    if t in _ATHENA:
        name, precision = _ATHENA[t]
        return name, precision, 0
    if t.endswith("[]"):
        return "array", 0, 0
    if t.startswith("STRUCT"):
        return "row", 0, 0
    if t.startswith("MAP"):
        return "map", 0, 0
    return "varchar", 2147483647, 0


def glue_type(duckdb_type: str) -> str:
    """The Glue column type a CTAS registers for a DuckDB result type.

    Raises :class:`QueryError` (``NOT_SUPPORTED``) for types it cannot store in Parquet here.
    """
    t = duckdb_type.upper()
    m = re.fullmatch(r"DECIMAL\((\d+),\s*(\d+)\)", t)
    if m:
        return f"decimal({m.group(1)},{m.group(2)})"
    if t in _GLUE:
        return _GLUE[t]
    raise QueryError(
        f"NOT_SUPPORTED: the local Athena cannot write a CTAS column of type {duckdb_type}"
    )


def _text(expr: str, duckdb_type: str) -> str:
    """A DuckDB expression rendering one result value as Athena's text."""
    t = duckdb_type.upper()
    if t.startswith("TIMESTAMP") and "TIME ZONE" not in t:
        return f"strftime({expr}, '%Y-%m-%d %H:%M:%S.%g')"
    if t in ("HUGEINT", "UBIGINT"):
        return f"CAST(CAST({expr} AS BIGINT) AS VARCHAR)"
    return f"CAST({expr} AS VARCHAR)"


@dataclass
class Result:
    """A finished query's result: column information and every value as text (None: NULL)."""

    columns: list[dict[str, Any]]
    rows: pa.Table
    update_count: int | None = None

    @property
    def names(self) -> list[str]:
        """The column names."""
        return [c["Name"] for c in self.columns]

    def csv_bytes(self) -> bytes:
        """``QueryID.csv``: a quoted header, then every non-NULL value quoted."""
        sink = io.BytesIO()
        table = self.rows.rename_columns([f"c{i}" for i in range(self.rows.num_columns)])
        header = ",".join('"' + n.replace('"', '""') + '"' for n in self.names) + "\n"
        sink.write(header.encode())
        if table.num_rows:
            opts = pacsv.WriteOptions(include_header=False, quoting_style="all_valid")
            pacsv.write_csv(table, sink, opts)
        return sink.getvalue()

    def metadata_bytes(self) -> bytes:
        """``QueryID.csv.metadata`` (JSON here; Athena's own is binary and undocumented)."""
        return json.dumps({"ColumnInfo": self.columns}).encode()

    def page(self, offset: int, max_results: int, header: bool = True) -> list[dict[str, Any]]:
        """Rows ``offset ..`` of GetQueryResults (row 0 is the header), at most ``max_results``."""
        out: list[dict[str, Any]] = []
        if header and offset == 0 and self.columns:
            out.append({"Data": [{"VarCharValue": n} for n in self.names]})
        start = max(0, offset - (1 if header and self.columns else 0))
        need = max_results - len(out)
        chunk = self.rows.slice(start, need).to_pylist() if need > 0 else []
        keys = self.rows.column_names
        for row in chunk:
            out.append({"Data": [{} if row[k] is None else {"VarCharValue": row[k]} for k in keys]})
        return out

    def total_rows(self) -> int:
        """Rows GetQueryResults pages through (with the header)."""
        return self.rows.num_rows + (1 if self.columns else 0)


def column_info(names: list[str], types: list[str]) -> list[dict[str, Any]]:
    """``ResultSetMetadata.ColumnInfo`` for result columns."""
    out = []
    for name, t in zip(names, types, strict=True):
        tname, precision, scale = athena_type(t)
        out.append(
            {
                "CatalogName": "hive",
                "SchemaName": "",
                "TableName": "",
                "Name": name,
                "Label": name,
                "Type": tname,
                "Precision": precision,
                "Scale": scale,
                "Nullable": "UNKNOWN",
                "CaseSensitive": tname == "varchar",
            }
        )
    return out


def collect(con: duckdb.DuckDBPyConnection, sql: str) -> Result:
    """Run a SELECT and keep its result as Athena's text values."""
    rel = con.sql(sql)
    names = list(rel.columns)
    types = [str(t) for t in rel.types]
    if not names:
        return Result([], pa.table({}))
    projection = ", ".join(_text(f"#{i + 1}", t) for i, t in enumerate(types))
    table = con.sql(f"SELECT {projection} FROM ({sql}) AS q").to_arrow_table()
    table = table.rename_columns([f"c{i}" for i in range(len(names))])
    return Result(column_info(names, types), table)
