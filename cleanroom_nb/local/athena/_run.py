"""Running one planned statement: tables into DuckDB, the SELECT, CTAS or DROP, the output files.

:class:`Runner` is what a query execution does once it leaves the queue. A SELECT's result is
written to ``<OutputLocation>/<QueryExecutionId>.csv`` (and ``.csv.metadata``); a CTAS writes
Parquet under ``external_location`` (or ``<OutputLocation>/tables/<QueryExecutionId>/`` when
none is given, as Athena does), registers the table in Glue with the result's types, and
lists the files it wrote in ``tables/<QueryExecutionId>-manifest.csv``; a DROP TABLE removes
the Glue table and keeps the data, as Athena does for external tables.
"""

from __future__ import annotations

import contextlib
import io
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from cleanroom_nb.local.athena._engine import CATALOG as _CATALOG
from cleanroom_nb.local.athena._engine import Ctas, Plan, plan
from cleanroom_nb.local.athena._errors import QueryError
from cleanroom_nb.local.athena._results import Result, collect, glue_type
from cleanroom_nb.local.athena._tables import ObjectCache, Table, TableReader, split_s3

_PLAN_CACHE = 64
"""Translated statements kept for reuse."""
_PARQUET_SERDE = "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"
_PARQUET_IN = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat"
_PARQUET_OUT = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat"


@dataclass
class Outcome:
    """What a finished statement reports."""

    result: Result
    scanned: int = 0
    output_location: str | None = None
    manifest: str | None = None
    planning_ms: int = 0
    files: list[str] = field(default_factory=list)


def _join(base: str, name: str) -> str:
    return base.rstrip("/") + "/" + name


def statement_type(sql: str) -> tuple[str, str]:
    """Athena's ``StatementType`` and ``SubstatementType`` of a query string.

    Examples
    --------
    >>> statement_type("  with x as (select 1) select * from x"), statement_type("DROP TABLE t")
    (('DML', 'SELECT'), ('DDL', 'DROP_TABLE'))
    """
    words = sql.strip().lstrip("(").split(None, 2)
    first = words[0].upper() if words else ""
    if first in ("SELECT", "WITH", "VALUES", "TABLE"):
        return "DML", "SELECT"
    if first == "CREATE":
        return "DDL", "CREATE_TABLE_AS_SELECT"
    if first == "DROP":
        return "DDL", "DROP_TABLE"
    return "UTILITY", first or "UNKNOWN"


def duckdb_reason(exc: duckdb.Error) -> str:
    """An Athena-style reason for a DuckDB error (its message, prefixed with a Trino code)."""
    msg = str(exc).split("\n")[0]
    for marker in ("DIVISION_BY_ZERO:",):
        if marker in msg:
            return msg[msg.index(marker) :]
    if isinstance(exc, duckdb.ConversionException):
        return f"INVALID_CAST_ARGUMENT: {msg}"
    if isinstance(exc, duckdb.OutOfRangeException):
        return f"NUMERIC_VALUE_OUT_OF_RANGE: {msg}"
    if isinstance(exc, duckdb.InterruptException):
        return "Query cancelled by user"
    if any(w in msg for w in ("CSV", "Parquet", "parquet", "JSON", "json")):
        return f"HIVE_BAD_DATA: {msg}"
    return f"GENERIC_USER_ERROR: the local Athena (DuckDB) could not run the query: {msg}"


def _put(s3: Any, uri: str, body: bytes) -> None:
    """Write one result object, as Athena does (a missing bucket fails the query)."""
    bucket, key = split_s3(uri)
    try:
        s3.put_object(Bucket=bucket, Key=key, Body=body)
    except s3.exceptions.NoSuchBucket as exc:
        raise QueryError(f"Unable to verify/create output bucket {bucket}") from exc


class Runner:
    """Runs planned statements against Glue and S3 (see module docs).

    Parameters
    ----------
    clients
        ``region -> (glue, s3)`` boto3 clients (moto's).
    cache
        Local copies of S3 objects.
    """

    def __init__(self, clients: Callable[[str], tuple[Any, Any]], cache: ObjectCache) -> None:
        self.clients = clients
        self.cache = cache
        self._plans: OrderedDict[tuple[str, str | None], tuple[Plan, dict[Any, Any]]] = (
            OrderedDict()
        )
        self._plans_lock = threading.Lock()

    def _plan(
        self,
        sql: str,
        database: str | None,
        lookup: Callable[[str, str], list[tuple[str, str]] | None],
        database_exists: Callable[[str], bool],
    ) -> Plan:
        """:func:`plan`, reused while the Glue definitions of the tables it reads are unchanged
        (the same query runs again with the same translation, without re-parsing)."""
        key = (sql, database)
        with self._plans_lock:
            cached = self._plans.get(key)
        if cached is not None:
            p, columns = cached
            if all(lookup(db, t) == cols for (db, t), cols in columns.items()):
                return p
        p = plan(sql, database, lookup, database_exists)
        if p.kind != "drop":
            columns = {k: lookup(*k) for k in p.columns_read}
            with self._plans_lock:
                self._plans[key] = (p, columns)
                while len(self._plans) > _PLAN_CACHE:
                    self._plans.popitem(last=False)
        return p

    def run(
        self,
        *,
        query_id: str,
        sql: str,
        database: str | None,
        output: str | None,
        region: str,
        enforced: bool = False,
        on_connection: Callable[[duckdb.DuckDBPyConnection], None] = lambda con: None,
    ) -> Outcome:
        """Run one statement to the end; raise :class:`QueryError` with Athena's reason."""
        glue, s3 = self.clients(region)
        reader = TableReader(glue, s3, self.cache)
        described: dict[tuple[str, str], Table | None] = {}

        def lookup(db: str, name: str) -> list[tuple[str, str]] | None:
            if (db, name) not in described:
                described[(db, name)] = reader.describe(db, name)
            t = described[(db, name)]
            return None if t is None else t.all_columns

        t0 = time.perf_counter()
        p = self._plan(sql, database, lookup, reader.database_exists)
        if p.kind == "drop":
            return self._drop(p, glue, s3, output, query_id)
        if output is None:
            raise QueryError(
                "No output location provided. An output location is required either through "
                "the Workgroup result configuration setting or as an API input."
            )
        con = duckdb.connect()
        # Athena's session time zone is UTC: timestamps without a zone are read as UTC.
        with contextlib.suppress(duckdb.Error):
            con.execute("SET TimeZone = 'UTC'")
        try:
            on_connection(con)
            scanned = 0
            for (db, name), cols in p.columns_read.items():
                table = described.get((db, name)) or reader.describe(db, name)
                assert table is not None
                reader.load_files(table, p.filters.get((db, name)))
                scanned += reader.scanned_bytes(table, cols)
                con.execute(f'CREATE SCHEMA IF NOT EXISTS "{db}"')
                con.execute(f'CREATE VIEW "{db}"."{name}" AS {reader.select_sql(table)}')
            planning = int((time.perf_counter() - t0) * 1000)
            try:
                if p.kind == "ctas":
                    assert p.ctas is not None
                    if enforced and p.ctas.external_location:
                        raise QueryError(
                            "INVALID_TABLE_PROPERTY: the workgroup enforces its query result "
                            "location, so a CTAS cannot name an external_location; leave it "
                            "out and Athena puts the table under <result location>/tables/"
                            "<query id>/"
                        )
                    outcome = self._ctas(con, p, glue, s3, output, query_id)
                else:
                    outcome = self._select(con, p.sql, s3, output, query_id)
            except duckdb.Error as exc:
                raise QueryError(duckdb_reason(exc)) from exc
        finally:
            con.close()
        outcome.scanned = scanned
        outcome.planning_ms = planning
        return outcome

    # ------------------------------------------------------------------ statements
    def _select(
        self, con: duckdb.DuckDBPyConnection, sql: str, s3: Any, output: str, query_id: str
    ) -> Outcome:
        result = collect(con, sql)
        location = _join(output, f"{query_id}.csv")
        _put(s3, location, result.csv_bytes())
        _put(s3, location + ".metadata", result.metadata_bytes())
        return Outcome(result, output_location=location)

    def _drop(self, p: Plan, glue: Any, s3: Any, output: str | None, query_id: str) -> Outcome:
        assert p.drop is not None
        db, name, if_exists = p.drop
        try:
            glue.delete_table(DatabaseName=db, Name=name)
        except glue.exceptions.EntityNotFoundException as exc:
            if not if_exists:
                raise QueryError(
                    f"FAILED: SemanticException [Error 10001]: Table not found {db}.{name}"
                ) from exc
        location = _join(output, f"{query_id}.txt") if output else None
        if location is not None:
            _put(s3, location, b"")
        return Outcome(Result([], pa.table({})), output_location=location)

    def _ctas(
        self,
        con: duckdb.DuckDBPyConnection,
        p: Plan,
        glue: Any,
        s3: Any,
        output: str,
        query_id: str,
    ) -> Outcome:
        spec = p.ctas
        assert spec is not None
        try:
            glue.get_database(Name=spec.database)
        except glue.exceptions.EntityNotFoundException as exc:
            raise QueryError(f"SCHEMA_NOT_FOUND: Schema '{spec.database}' does not exist") from exc
        try:
            glue.get_table(DatabaseName=spec.database, Name=spec.table)
        except glue.exceptions.EntityNotFoundException:
            pass
        else:
            raise QueryError(
                f"ALREADY_EXISTS: Table '{_CATALOG}.{spec.database}.{spec.table}' already exists"
            )
        location = spec.external_location or _join(output, f"tables/{query_id}/")
        location = location.rstrip("/") + "/"
        bucket, prefix = split_s3(location)
        listed = s3.list_objects_v2(Bucket=bucket, Prefix=prefix, MaxKeys=1)
        if listed.get("KeyCount", 0):
            raise QueryError(
                f"HIVE_PATH_ALREADY_EXISTS: Target directory for table "
                f"'{spec.database}.{spec.table}' already exists: {location}. You may need to "
                "manually clean the data at location before retrying."
            )
        rel = con.sql(p.sql)
        names = [n.lower() for n in rel.columns]
        types = [str(t) for t in rel.types]
        glue_types = [glue_type(t) for t in types]
        casts = ", ".join(
            f"CAST(#{i + 1} AS BIGINT)" if t.upper() == "HUGEINT" else f"#{i + 1}"
            for i, t in enumerate(types)
        )
        table = con.sql(f"SELECT {casts} FROM ({p.sql}) AS q").to_arrow_table()
        table = table.rename_columns(names)
        files = self._write_parquet(s3, table, spec, location, query_id)
        self._register(glue, spec, location, names, glue_types, files)
        manifest = _join(output, f"tables/{query_id}-manifest.csv")
        _put(s3, manifest, "".join(f"{f}\n" for f, _ in files).encode())
        result = Result([], pa.table({}), update_count=table.num_rows)
        return Outcome(
            result,
            output_location=_join(output, f"tables/{query_id}"),
            manifest=manifest,
            files=[f for f, _ in files],
        )

    def _write_parquet(
        self, s3: Any, table: pa.Table, spec: Ctas, location: str, query_id: str
    ) -> list[tuple[str, list[str | None]]]:
        """Write the rows (one file per partition); return (file URI, partition values)."""
        keys = spec.partitioned_by
        missing = [k for k in keys if k not in table.column_names]
        if missing:
            raise QueryError(f"Partition columns {missing} not present in the query's columns")
        if keys and table.column_names[-len(keys) :] != keys:
            raise QueryError(
                "Partition keys must be the last columns in the table and in the same order as "
                "the table properties: " + ", ".join(keys)
            )
        groups: list[tuple[list[str | None], pa.Table]] = []
        if keys:
            values = table.select(keys).group_by(keys).aggregate([]).to_pylist()
            for combo in values:
                mask = None
                for k in keys:
                    col = table[k]
                    cond = (
                        pa.compute.is_null(col)
                        if combo[k] is None
                        else pa.compute.equal(col, pa.scalar(combo[k], col.type))
                    )
                    mask = cond if mask is None else pa.compute.and_(mask, cond)
                part = table.filter(mask).drop_columns(keys)
                groups.append(([None if combo[k] is None else str(combo[k]) for k in keys], part))
        else:
            groups.append(([], table))
        compression = {"UNCOMPRESSED": "none", "NONE": "none"}.get(
            spec.compression, spec.compression
        )
        out = []
        for n, (vals, part) in enumerate(groups):
            sub = "".join(
                f"{k}={'__HIVE_DEFAULT_PARTITION__' if v is None else v}/"
                for k, v in zip(keys, vals, strict=True)
            )
            uri = f"{location}{sub}{query_id}_{n:05d}"
            sink = io.BytesIO()
            pq.write_table(part, sink, compression=compression.lower())
            _put(s3, uri, sink.getvalue())
            out.append((uri, vals))
        return out

    @staticmethod
    def _register(
        glue: Any,
        spec: Ctas,
        location: str,
        names: list[str],
        types: list[str],
        files: list[tuple[str, list[str | None]]],
    ) -> None:
        keys = spec.partitioned_by
        cols = [{"Name": n, "Type": t} for n, t in zip(names, types, strict=True)]
        data_cols = [c for c in cols if c["Name"] not in keys]
        part_cols = [next(c for c in cols if c["Name"] == k) for k in keys]

        def sd(loc: str) -> dict[str, Any]:
            return {
                "Columns": data_cols,
                "Location": loc,
                "InputFormat": _PARQUET_IN,
                "OutputFormat": _PARQUET_OUT,
                "Compressed": spec.compression not in ("NONE", "UNCOMPRESSED"),
                "SerdeInfo": {
                    "SerializationLibrary": _PARQUET_SERDE,
                    "Parameters": {"serialization.format": "1"},
                },
            }

        try:
            glue.create_table(
                DatabaseName=spec.database,
                TableInput={
                    "Name": spec.table,
                    "TableType": "EXTERNAL_TABLE",
                    "StorageDescriptor": sd(location),
                    "PartitionKeys": part_cols,
                    "Parameters": {
                        "classification": "parquet",
                        "parquet.compression": spec.compression,
                        "has_encrypted_data": "false",
                        "EXTERNAL": "TRUE",
                    },
                },
            )
        except glue.exceptions.EntityNotFoundException as exc:
            raise QueryError(f"SCHEMA_NOT_FOUND: Schema '{spec.database}' does not exist") from exc
        if keys:
            parts = []
            for uri, vals in files:
                loc = uri.rsplit("/", 1)[0] + "/"
                norm = ["__HIVE_DEFAULT_PARTITION__" if v is None else v for v in vals]
                parts.append({"Values": norm, "StorageDescriptor": sd(loc)})
            for i in range(0, len(parts), 100):
                glue.batch_create_partition(
                    DatabaseName=spec.database,
                    TableName=spec.table,
                    PartitionInputList=parts[i : i + 100],
                )
