"""Reading what a scan estimate needs: one GetTable, the listing, Parquet footers only.

:func:`parquet_footer` fetches a Parquet file's footer with two ranged GETs (its length, then
itself) and never a data page; :func:`footer_sizes` keeps the column sizes of footers read
before, by (bucket, key, size, ETag), so a table estimated again costs a listing only. Used by
:mod:`cleanroom_nb.glue._scan_estimate`.
"""

from __future__ import annotations

import struct
import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import boto3
import botocore.exceptions
import pyarrow as pa
import pyarrow.parquet as pq

from cleanroom_nb._errors import DataFileError
from cleanroom_nb.aws import _client
from cleanroom_nb.glue._s3_file import S3Object, S3RangedFile, is_data_key

WORKERS = 8
"""Requests in flight at once (listings, footers)."""
T = TypeVar("T")
U = TypeVar("U")


def parquet_footer(s3: Any, obj: S3Object) -> pq.FileMetaData:
    """The footer of one Parquet object, from two ranged GETs (its length, then itself).

    Raises
    ------
    ValueError
        The object is not a Parquet file (no ``PAR1`` at its end).
    """
    f = S3RangedFile(s3, obj.bucket, obj.key, size=obj.size)
    if obj.size < 12:
        raise DataFileError(f"{obj.uri} is too small to be a Parquet file ({obj.size} bytes)")
    tail = f.read_range(obj.size - 8, 8)
    if tail[4:] != b"PAR1":
        raise DataFileError(f"{obj.uri} is not a Parquet file (it does not end with PAR1)")
    length = struct.unpack("<I", tail[:4])[0]
    if length + 12 > obj.size:
        raise DataFileError(f"{obj.uri} has a footer longer than the file ({length} bytes)")
    footer = f.read_range(obj.size - 8 - length, length)
    # pyarrow parses the footer from a file that holds only it: magic, footer, length, magic.
    return pq.read_metadata(pa.BufferReader(b"PAR1" + footer + tail))


def column_sizes(meta: pq.FileMetaData) -> dict[str, int]:
    """Compressed bytes of each top-level column (lowercase) over every row group: what Athena
    reads for that column."""
    sizes: dict[str, int] = {}
    for g in range(meta.num_row_groups):
        group = meta.row_group(g)
        for c in range(group.num_columns):
            chunk = group.column(c)
            top = chunk.path_in_schema.split(".")[0].lower()
            sizes[top] = sizes.get(top, 0) + int(chunk.total_compressed_size)
    return sizes


_FOOTERS: OrderedDict[tuple[str, str, int, str], dict[str, int]] = OrderedDict()
"""Column sizes of footers read before, by (bucket, key, size, ETag): an unchanged object's
footer is not fetched twice (a table estimated again costs a listing only)."""
_FOOTERS_LOCK = threading.Lock()
_MAX_CACHED_FOOTERS = 100_000


def footer_sizes(s3: Any, obj: S3Object, etag: str) -> dict[str, int]:
    key = (obj.bucket, obj.key, obj.size, etag)
    with _FOOTERS_LOCK:
        cached = _FOOTERS.get(key)
    if cached is not None:
        return cached
    sizes = column_sizes(parquet_footer(s3, obj))
    if etag:
        with _FOOTERS_LOCK:
            _FOOTERS[key] = sizes
            while len(_FOOTERS) > _MAX_CACHED_FOOTERS:
                _FOOTERS.popitem(last=False)
    return sizes


_CLIENTS: weakref.WeakKeyDictionary[boto3.Session, dict[tuple[str, str | None], Any]] = (
    weakref.WeakKeyDictionary()
)
_CLIENTS_LOCK = threading.Lock()


def client_for(service: str, session: boto3.Session) -> Any:
    """``_client.client(service, session)``, made once per session and endpoint (botocore
    clients are thread-safe; making one costs more than a request to a nearby endpoint)."""
    key = (service, _client.endpoint_url(service, session))
    with _CLIENTS_LOCK:
        made = _CLIENTS.setdefault(session, {})
        if key not in made:
            made[key] = _client.client(service, session)
        return made[key]


def list_objects(s3: Any, location: str) -> list[tuple[S3Object, str]]:
    """Every data object under ``location`` with its ETag (what Athena reads: no ``_``/``.``
    names, no empty objects)."""
    bucket, prefix = _client.split_s3_uri(location)
    if prefix and not prefix.endswith("/"):
        prefix += "/"
    out = []
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        for o in page.get("Contents", []):
            if int(o.get("Size", 0)) > 0 and is_data_key(o["Key"], prefix):
                etag = str(o.get("ETag", "")).strip('"')
                out.append((S3Object(bucket, o["Key"], int(o["Size"])), etag))
    return out


def select_partitions(
    glue: Any,
    database: str,
    table: str,
    keys: Sequence[str],
    partitions: Mapping[str, Any] | str | None,
) -> tuple[list[str], int | None]:
    """The locations of the partitions to read, and how many partitions the table has (None
    when a Glue expression chose them: Glue returns only those)."""
    kwargs: dict[str, Any] = {"DatabaseName": database, "TableName": table}
    wanted: dict[str, set[str]] = {}
    if isinstance(partitions, str):
        kwargs["Expression"] = partitions
    elif partitions is not None:
        lower = {k.lower(): i for i, k in enumerate(keys)}
        for k, v in partitions.items():
            if str(k).lower() not in lower:
                raise DataFileError(
                    f"partitions= names {k!r}, which is not a partition key of {database}.{table} "
                    f"(its keys: {', '.join(keys)})"
                )
            chosen = [v] if isinstance(v, str | int) else list(v)
            wanted[str(k).lower()] = {str(x) for x in chosen}
    locations, total = [], 0
    for page in glue.get_paginator("get_partitions").paginate(**kwargs):
        for p in page.get("Partitions", []):
            total += 1
            values = dict(zip((k.lower() for k in keys), p.get("Values", []), strict=False))
            if all(values.get(k) in allowed for k, allowed in wanted.items()):
                locations.append(str((p.get("StorageDescriptor") or {}).get("Location") or ""))
    return [loc for loc in locations if loc], None if isinstance(partitions, str) else total


def table_facts(
    database: str, table: str, session: boto3.Session
) -> tuple[str, str, list[str], list[str]]:
    """``(format, location, data columns, partition keys)`` from ONE ``GetTable``.

    Raises
    ------
    NotFoundError, AccessDeniedError, AwsError
        From :func:`cleanroom_nb.glue._catalog.glue_table_info`, which says what exists.
    """
    from cleanroom_nb.glue._catalog import data_format, glue_table_info

    try:
        raw = client_for("glue", session).get_table(DatabaseName=database, Name=table)
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError):
        glue_table_info(database, table, boto3_session=session)  # raises the library's error
        raise
    t = raw["Table"]
    sd = t.get("StorageDescriptor") or {}
    params = dict(t.get("Parameters") or {})
    fmt = data_format(
        params.get("classification") or (sd.get("Parameters") or {}).get("classification"),
        (sd.get("SerdeInfo") or {}).get("SerializationLibrary"),
        sd.get("InputFormat"),
        params,
    )
    columns = [str(c["Name"]) for c in sd.get("Columns") or []]
    keys = [str(c["Name"]) for c in t.get("PartitionKeys") or []]
    return fmt, str(sd.get("Location") or ""), columns, keys


def map_threads(fn: Callable[[T], U], items: Sequence[T]) -> list[U]:
    """``fn`` over ``items``, in threads when there are several (S3 round trips overlap)."""
    if len(items) <= 1:
        return [fn(x) for x in items]
    with ThreadPoolExecutor(min(WORKERS, len(items))) as pool:
        return list(pool.map(fn, items))


def spread(items: Sequence[S3Object], n: int) -> list[S3Object]:
    """``n`` items spread evenly over ``items`` (first and last included)."""
    if len(items) <= n:
        return list(items)
    step = (len(items) - 1) / (n - 1)
    return [items[round(i * step)] for i in range(n)]
