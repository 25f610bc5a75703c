"""Glue tables as DuckDB views: resolve ``"db"."table"``, fetch its S3 objects, count the bytes.

Athena reads a table through its Glue definition: the location (or each partition's location),
the SerDe (Parquet, text with a delimiter and header lines, OpenCSV, JSON lines), the columns
with their types, and the partition keys. :class:`TableReader` does the same against moto's
Glue and S3 through boto3 (DuckDB's httpfs extension needs the internet), keeps each object in
a local cache keyed by its ETag, and builds the DuckDB ``SELECT`` that exposes the files with
Glue's column names and types. :meth:`TableReader.scanned_bytes` counts what Athena bills: the
Parquet column chunks of the columns a query reads, or the whole text objects.

The per-format SQL and the type mapping are in :mod:`._formats`.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import threading
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
import pyarrow.parquet as pq

from cleanroom_nb.local.athena._errors import QueryError
from cleanroom_nb.local.athena._formats import (
    glue_to_duckdb,
    json_select,
    parquet_select,
    quote_ident,
    quote_literal,
    refuse_escaped_delimiters,
    table_format,
    text_select,
)

if TYPE_CHECKING:
    from cleanroom_nb.local.athena._engine import Filter

HIVE_DEFAULT_PARTITION = "__HIVE_DEFAULT_PARTITION__"
"""The partition value Hive (and Athena) write for NULL."""


@dataclass(frozen=True)
class DataFile:
    """One S3 object of a table: where it is, its size and ETag, and its local copy."""

    bucket: str
    key: str
    size: int
    etag: str
    local: Path | None = None


@dataclass
class Partition:
    """The files of one partition (or of an unpartitioned table) and its key values."""

    values: list[str | None]
    files: list[DataFile] = field(default_factory=list)


@dataclass
class Table:
    """A Glue table as Athena reads it."""

    database: str
    name: str
    location: str
    fmt: str  # "parquet" | "text" | "opencsv" | "json"
    columns: list[tuple[str, str]]
    partition_keys: list[tuple[str, str]]
    serde_params: dict[str, str]
    table_params: dict[str, str]
    partitions: list[Partition] = field(default_factory=list)

    @property
    def all_columns(self) -> list[tuple[str, str]]:
        """Data columns then partition keys, as ``SELECT *`` lists them."""
        return [*self.columns, *self.partition_keys]

    @property
    def files(self) -> list[DataFile]:
        """Every data file of every partition."""
        return [f for p in self.partitions for f in p.files]


def split_s3(uri: str) -> tuple[str, str]:
    """``s3://bucket/key`` as ``(bucket, key)``."""
    m = re.fullmatch(r"s3a?n?://([^/]+)/?(.*)", uri.strip())
    if not m:
        raise QueryError(f"HIVE_INVALID_METADATA: location {uri!r} is not an s3:// URI")
    return m.group(1), m.group(2)


class ObjectCache:
    """Local copies of S3 objects, one file per (bucket, key, ETag): a changed object is
    fetched again, an unchanged one never twice."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)
        self._parquet_sizes: dict[Path, dict[str, int]] = {}
        self._lock = threading.Lock()

    def path_for(self, f: DataFile) -> Path:
        """Where the local copy of ``f`` lives (keeps the key's suffixes, e.g. ``.csv.gz``)."""
        digest = hashlib.sha256(f"{f.bucket}/{f.key}/{f.etag}".encode()).hexdigest()[:32]
        suffix = "".join(Path(f.key).suffixes)[-20:]
        return self.directory / f"{digest}{suffix}"

    def fetch(self, s3: Any, files: Iterable[DataFile]) -> list[DataFile]:
        """Local copies of ``files`` (downloaded in parallel when missing)."""
        todo = list(files)

        def one(f: DataFile) -> DataFile:
            path = self.path_for(f)
            if not path.exists():
                tmp = path.with_name(f"{path.name}.{threading.get_ident()}.part")
                body = s3.get_object(Bucket=f.bucket, Key=f.key)["Body"]
                with open(tmp, "wb") as out:
                    for chunk in iter(lambda: body.read(1 << 20), b""):
                        out.write(chunk)
                os.replace(tmp, path)
            return DataFile(f.bucket, f.key, f.size, f.etag, path)

        if len(todo) <= 1:
            return [one(f) for f in todo]
        with ThreadPoolExecutor(max_workers=min(8, len(todo))) as pool:
            return list(pool.map(one, todo))

    def parquet_column_sizes(self, path: Path) -> dict[str, int]:
        """Compressed bytes of each top-level column (lowercase) over all row groups."""
        with self._lock:
            cached = self._parquet_sizes.get(path)
        if cached is not None:
            return cached
        meta = pq.read_metadata(path)
        sizes: dict[str, int] = {}
        for rg in range(meta.num_row_groups):
            group = meta.row_group(rg)
            for c in range(group.num_columns):
                chunk = group.column(c)
                top = chunk.path_in_schema.split(".")[0].lower()
                sizes[top] = sizes.get(top, 0) + int(chunk.total_compressed_size)
        with self._lock:
            self._parquet_sizes[path] = sizes
        return sizes


def _kept_partitions(
    table: Table, values: list[list[str | None]], filters: list[Filter] | None
) -> list[bool]:
    """Which partitions some reference to the table may read (see :meth:`TableReader.load_files`).

    DuckDB evaluates each reference's conjuncts on partition keys over the partitions' key
    values; anything it cannot evaluate keeps every partition.
    """
    everything = [True] * len(values)
    keys = [n for n, _ in table.partition_keys]
    if not filters or not keys or not values:
        return everything
    rows = ", ".join(
        "("
        + ", ".join(
            [str(i)]
            + [
                f"CAST({'NULL' if v is None else quote_literal(v)} AS {glue_to_duckdb(t)})"
                for (_, t), v in zip(table.partition_keys, vals, strict=False)
            ]
        )
        + ")"
        for i, vals in enumerate(values)
    )
    names = ", ".join(quote_ident(n) for n in ["__partition", *keys])
    kept: set[int] = set()
    con = duckdb.connect()
    try:
        with contextlib.suppress(duckdb.Error):
            con.execute("SET TimeZone = 'UTC'")
        for f in filters:
            usable = [sql for sql, cols in f.conjuncts if cols and cols <= set(keys)]
            if not usable:
                return everything
            sql = (
                f'SELECT "__partition" FROM (VALUES {rows}) AS {quote_ident(f.alias)}({names}) '
                f"WHERE {' AND '.join(f'({c})' for c in usable)}"
            )
            try:
                kept.update(int(r[0]) for r in con.execute(sql).fetchall())
            except duckdb.Error:
                return everything
    finally:
        con.close()
    return [i in kept for i in range(len(values))]


class TableReader:
    """Resolves Glue tables and builds the DuckDB SQL that reads them (see module docs)."""

    def __init__(self, glue: Any, s3: Any, cache: ObjectCache) -> None:
        self.glue = glue
        self.s3 = s3
        self.cache = cache

    # ------------------------------------------------------------------ catalog
    def database_exists(self, database: str) -> bool:
        """Whether Glue has the database."""
        try:
            self.glue.get_database(Name=database)
        except self.glue.exceptions.EntityNotFoundException:
            return False
        return True

    def describe(self, database: str, name: str) -> Table | None:
        """The table's definition from Glue (no files yet), or None when there is none."""
        try:
            t = self.glue.get_table(DatabaseName=database, Name=name)["Table"]
        except self.glue.exceptions.EntityNotFoundException:
            return None
        sd = t.get("StorageDescriptor") or {}
        params = {str(k): str(v) for k, v in (t.get("Parameters") or {}).items()}
        if str(params.get("projection.enabled", "")).lower() == "true":
            raise QueryError(
                f"NOT_SUPPORTED: {database}.{name} uses partition projection; the local Athena "
                "reads the partitions registered in Glue only"
            )
        if str(t.get("TableType") or "").upper() == "VIRTUAL_VIEW":
            raise QueryError(
                f"NOT_SUPPORTED: {database}.{name} is a view; the local Athena reads tables only"
            )
        return Table(
            database=database,
            name=name,
            location=str(sd.get("Location") or ""),
            fmt=table_format(sd, params),
            columns=[(c["Name"].lower(), c["Type"]) for c in sd.get("Columns") or []],
            partition_keys=[(c["Name"].lower(), c["Type"]) for c in t.get("PartitionKeys") or []],
            serde_params={
                str(k): str(v)
                for k, v in ((sd.get("SerdeInfo") or {}).get("Parameters") or {}).items()
            },
            table_params=params,
        )

    def load_files(self, table: Table, filters: list[Filter] | None = None) -> Table:
        """Fill ``table.partitions`` with the objects Athena would read, copied locally.

        ``filters`` (the query's WHERE conjuncts per reference to the table) prune partitions
        as Athena does: a partition whose key values make a conjunct on partition keys false
        is neither read nor counted in the bytes scanned.
        """
        if table.partition_keys:
            parts = []
            paginator = self.glue.get_paginator("get_partitions")
            for page in paginator.paginate(DatabaseName=table.database, TableName=table.name):
                for p in page.get("Partitions", []):
                    loc = (p.get("StorageDescriptor") or {}).get("Location") or ""
                    values = [None if v == HIVE_DEFAULT_PARTITION else v for v in p["Values"]]
                    parts.append((values, loc))
        else:
            parts = [([], table.location)]
        partitions = []
        keep = _kept_partitions(table, [v for v, _ in parts], filters)
        for (values, loc), kept in zip(parts, keep, strict=True):
            if not kept:
                continue
            files = self.cache.fetch(self.s3, self._list(loc))
            partitions.append(Partition(list(values), files))
        table.partitions = partitions
        return table

    def _list(self, location: str) -> list[DataFile]:
        """The objects under a location, without the ones Athena ignores.

        Athena skips objects whose names begin with ``_`` or ``.``, and folder markers.
        """
        if not location:
            return []
        bucket, prefix = split_s3(location)
        if prefix and not prefix.endswith("/"):
            prefix += "/"
        out: list[DataFile] = []
        paginator = self.s3.get_paginator("list_objects_v2")
        try:
            for page in paginator.paginate(Bucket=bucket, Prefix=prefix):
                for obj in page.get("Contents", []):
                    key = obj["Key"]
                    base = key.rsplit("/", 1)[-1]
                    if not base or base.startswith(("_", ".")) or key.endswith("$folder$"):
                        continue
                    etag = str(obj.get("ETag", "")).strip('"')
                    out.append(DataFile(bucket, key, int(obj.get("Size", 0)), etag))
        except self.s3.exceptions.NoSuchBucket as exc:
            raise QueryError(
                f"HIVE_PATH_NOT_FOUND: the bucket of the table location {location} does not exist"
            ) from exc
        return out

    # ------------------------------------------------------------------ DuckDB SQL
    def select_sql(self, table: Table) -> str:
        """A DuckDB ``SELECT`` giving the table's rows with Glue's column names and types."""
        parts = [self._partition_sql(table, p) for p in table.partitions if p.files]
        if not parts:
            cols = ", ".join(
                f"CAST(NULL AS {glue_to_duckdb(t)}) AS {quote_ident(n)}"
                for n, t in table.all_columns
            )
            return f"SELECT {cols} WHERE false"
        return "\nUNION ALL\n".join(parts)

    def _partition_sql(self, table: Table, part: Partition) -> str:
        files = "[" + ", ".join(quote_literal(str(f.local)) for f in part.files) + "]"
        pcols = [
            f"CAST({'NULL' if v is None else quote_literal(v)} AS {glue_to_duckdb(t)}) AS {quote_ident(n)}"
            for (n, t), v in zip(table.partition_keys, part.values, strict=False)
        ]
        if table.fmt == "parquet":
            present: set[str] = set()
            for f in part.files:
                assert f.local is not None
                present.update(self.cache.parquet_column_sizes(f.local))
            cols, source = parquet_select(table.columns, present, files)
        elif table.fmt == "json":
            cols, source = json_select(table.columns, files)
        else:
            paths = [f.local for f in part.files if f.local is not None]
            refuse_escaped_delimiters(table.fmt, table.serde_params, paths)
            cols, source = text_select(
                table.fmt, table.columns, table.serde_params, table.table_params, files
            )
        return f"SELECT {', '.join(cols + pcols)} FROM {source}"

    # ------------------------------------------------------------------ statistics
    def scanned_bytes(self, table: Table, columns: set[str]) -> int:
        """Bytes Athena scans to read ``columns`` of ``table`` (lowercase names).

        Parquet: the compressed column chunks of the data columns read (partition keys cost
        nothing). Text and JSON: every object, whole.
        """
        if table.fmt != "parquet":
            return sum(f.size for f in table.files)
        wanted = {c.lower() for c in columns} - {n for n, _ in table.partition_keys}
        total = 0
        for f in table.files:
            assert f.local is not None
            sizes = self.cache.parquet_column_sizes(f.local)
            total += sum(sizes.get(c, 0) for c in wanted)
        return total
