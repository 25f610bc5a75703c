"""How Athena reads each table format, as DuckDB SQL; Glue types as DuckDB types.

- Parquet: columns by name (case-insensitively), cast to the Glue type; a Glue column missing
  from the files reads as NULL.
- Text (LazySimpleSerDe): ``field.delim`` (or ``serialization.format``), no quoting,
  ``skip.header.line.count`` header lines in every file, ``serialization.null.format`` (``\\N``)
  as NULL; a value that does not parse as the column's type reads as NULL, as in Hive
  (https://docs.aws.amazon.com/athena/latest/ug/lazy-simple-serde.html).
- OpenCSV: ``separatorChar``, ``quoteChar``, ``escapeChar``
  (https://docs.aws.amazon.com/athena/latest/ug/csv-serde.html).
- JSON lines (OpenX / Hive JSON SerDe): keys matched case-insensitively
  (https://docs.aws.amazon.com/athena/latest/ug/openx-json-serde.html).

Examples
--------
>>> glue_to_duckdb("decimal(10,2)"), glue_to_duckdb("string"), glue_to_duckdb("int")
('DECIMAL(10,2)', 'VARCHAR', 'INTEGER')
"""

from __future__ import annotations

import bz2
import gzip
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from cleanroom_nb.local.athena._errors import QueryError

_SCALAR_TYPES = {
    "string": "VARCHAR",
    "varchar": "VARCHAR",
    "char": "VARCHAR",
    "tinyint": "TINYINT",
    "smallint": "SMALLINT",
    "int": "INTEGER",
    "integer": "INTEGER",
    "bigint": "BIGINT",
    "float": "REAL",
    "real": "REAL",
    "double": "DOUBLE",
    "boolean": "BOOLEAN",
    "date": "DATE",
    "timestamp": "TIMESTAMP",
    "binary": "BLOB",
    "varbinary": "BLOB",
}


def is_complex(glue_type: str) -> bool:
    """Whether a Glue type is an array, map, struct or union."""
    return glue_type.strip().lower().startswith(("array", "map", "struct", "uniontype"))


def glue_to_duckdb(glue_type: str) -> str:
    """The DuckDB type that holds a Glue (Hive DDL) column type.

    Raises :class:`QueryError` (``NOT_SUPPORTED``) for complex types (array, map, struct).
    """
    t = glue_type.strip().lower()
    m = re.fullmatch(r"decimal\s*\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\)", t)
    if m:
        return f"DECIMAL({m.group(1)},{m.group(2) or 0})"
    base = re.sub(r"\(.*\)$", "", t).strip()
    if base in _SCALAR_TYPES:
        return _SCALAR_TYPES[base]
    raise QueryError(
        f"NOT_SUPPORTED: the local Athena does not read Glue columns of type {glue_type!r} "
        "(only scalar types: string, integers, float, double, decimal, boolean, date, "
        "timestamp, binary)"
    )


def quote_ident(name: str) -> str:
    """A double-quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def quote_literal(value: str) -> str:
    """A single-quoted SQL string literal."""
    return "'" + value.replace("'", "''") + "'"


def table_format(sd: dict[str, Any], params: dict[str, str]) -> str:
    """The reader a Glue storage descriptor needs: parquet, text, opencsv or json.

    Raises :class:`QueryError` (``NOT_SUPPORTED``) for ORC, Avro and other SerDes.
    """
    serde = str((sd.get("SerdeInfo") or {}).get("SerializationLibrary") or "").lower()
    input_format = str(sd.get("InputFormat") or "").lower()
    classification = str(params.get("classification") or "").lower()
    if "parquet" in serde or "parquet" in input_format:
        return "parquet"
    if "opencsv" in serde:
        return "opencsv"
    if "json" in serde:
        return "json"
    if "lazysimpleserde" in serde or (not serde and "textinputformat" in input_format):
        return "text"
    if not serde and classification in ("parquet", "json"):
        return classification
    raise QueryError(
        f"NOT_SUPPORTED: the local Athena reads Parquet, text (CSV/TSV), OpenCSV and JSON "
        f"tables; this table's SerDe is {serde or input_format or 'unknown'!r}"
    )


def _delimiter(serde_params: dict[str, str]) -> str:
    """LazySimpleSerDe's field delimiter (``field.delim``, else ``serialization.format``)."""
    fmt = serde_params.get("serialization.format", "")
    return serde_params.get("field.delim") or (fmt if fmt and fmt != "1" else "\x01")


def text_cast(name: str, glue_type: str, expr: str) -> str:
    """A text value ``expr`` as the Glue type; one that does not parse is NULL (as in Hive)."""
    target = "VARCHAR" if is_complex(glue_type) else glue_to_duckdb(glue_type)
    if target == "VARCHAR":
        return f"{expr} AS {quote_ident(name)}"
    return f"TRY_CAST(trim({expr}) AS {target}) AS {quote_ident(name)}"


def parquet_select(
    columns: Sequence[tuple[str, str]], present: set[str], files: str
) -> tuple[list[str], str]:
    """Column expressions and the source reading Parquet ``files`` (a DuckDB list literal)."""
    cols = [
        (f"{quote_ident(n)} AS {quote_ident(n)}" if n in present else f"NULL AS {quote_ident(n)}")
        if is_complex(t)
        else f"CAST({quote_ident(n) if n in present else 'NULL'} AS {glue_to_duckdb(t)}) "
        f"AS {quote_ident(n)}"
        for n, t in columns
    ]
    return cols, f"read_parquet({files}, union_by_name = true)"


def json_select(columns: Sequence[tuple[str, str]], files: str) -> tuple[list[str], str]:
    """Column expressions and the source reading JSON-lines ``files``."""
    cols = [
        text_cast(
            n,
            t,
            "json_extract_string(json, '$.\"' || list_filter(json_keys(json), "
            f"lambda k: lower(k) = {quote_literal(n)})[1] || '\"')",
        )
        for n, t in columns
    ]
    return cols, f"read_ndjson_objects({files})"


def text_select(
    fmt: str,
    columns: Sequence[tuple[str, str]],
    serde_params: dict[str, str],
    table_params: dict[str, str],
    files: str,
) -> tuple[list[str], str]:
    """Column expressions and the source reading text (``"text"``/``"opencsv"``) ``files``."""
    sp, tp = serde_params, table_params
    spec = "{" + ", ".join(f"{quote_literal(n)}: 'VARCHAR'" for n, _ in columns) + "}"
    skip = int(tp.get("skip.header.line.count") or sp.get("skip.header.line.count") or 0)
    if fmt == "opencsv":
        delim = sp.get("separatorChar", ",")
        quote = sp.get("quoteChar", '"')
        escape = sp.get("escapeChar", "\\")
        null = ""
    else:
        delim = _delimiter(sp)
        quote = escape = ""
        null = sp.get("serialization.null.format", "\\N")
    source = (
        f"read_csv({files}, delim = {quote_literal(delim)}, quote = {quote_literal(quote)}, "
        f"escape = {quote_literal(escape)}, header = false, skip = {skip}, columns = {spec}, "
        f"nullstr = {quote_literal(null)}, auto_detect = false, null_padding = true, "
        "strict_mode = false)"
    )
    return [text_cast(n, t, quote_ident(n)) for n, t in columns], source


def _read_bytes(path: Path) -> bytes:
    suffix = path.suffix.lower()
    if suffix == ".gz":
        with gzip.open(path, "rb") as fh:
            return fh.read()
    if suffix == ".bz2":
        with bz2.open(path, "rb") as fh:
            return fh.read()
    return path.read_bytes()


def refuse_escaped_delimiters(fmt: str, serde_params: dict[str, str], paths: list[Path]) -> None:
    """LazySimpleSerDe's ``escape.delim`` keeps an escaped delimiter inside a field; DuckDB's CSV
    reader cannot, so a file that has one is refused rather than read into shifted columns."""
    escape = serde_params.get("escape.delim")
    if fmt != "text" or not escape:
        return
    needle = (escape + _delimiter(serde_params)).encode()
    for path in paths:
        if needle in _read_bytes(path):
            raise QueryError(
                f"NOT_SUPPORTED: a data file escapes the field delimiter with {escape!r}; the "
                "local Athena cannot read escaped delimiters"
            )
