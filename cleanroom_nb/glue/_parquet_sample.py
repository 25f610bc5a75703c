"""A bounded Parquet sample: the footer and the first row group(s) of one file.

Read by pyarrow's ``ParquetFile(..., pre_buffer=False)`` over
:class:`~cleanroom_nb.glue._s3_file.S3RangedFile`. After the footer, the byte range of the row
groups the sample needs (from the column-chunk offsets in the footer) is fetched in ONE request
when it fits :data:`~cleanroom_nb.glue._s3_file.PARQUET_PREFETCH_BYTES`, so a 100-column file
costs two requests, not one per column chunk. A larger first row group is read as before: with
``buffer_size`` set pyarrow reads the column chunks page by page, so only the pages the first
batch needs are fetched (at most the footer plus that one row group).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from cleanroom_nb.glue._s3_file import (
    DEFAULT_SAMPLE_ROWS,
    PARQUET_PAGE_BUFFER,
    PARQUET_PREFETCH_BYTES,
    IoStats,
    S3Object,
    S3RangedFile,
)


@dataclass
class ParquetSample:
    """What one Parquet file's footer and first row group told.

    Attributes
    ----------
    frame
        The first rows (at most ``sample_rows``) of the first row group(s).
    codecs
        Column name to compression codec, from the footer's column chunks (e.g. ``"ZSTD"``).
    num_rows, num_row_groups
        Rows and row groups of the file (from the footer).
    first_row_group_bytes
        Compressed size of the first row group.
    """

    frame: pd.DataFrame
    codecs: dict[str, str]
    num_rows: int
    num_row_groups: int
    first_row_group_bytes: int
    stats: IoStats = field(default_factory=IoStats)


def parquet_codecs(metadata: pq.FileMetaData) -> dict[str, str]:
    """Column name to codec of the first row group's column chunks (upper case).

    Examples
    --------
    >>> import io, pyarrow as pa, pyarrow.parquet as pq
    >>> buf = io.BytesIO(); pq.write_table(pa.table({"a": [1]}), buf, compression="zstd")
    >>> parquet_codecs(pq.ParquetFile(io.BytesIO(buf.getvalue())).metadata)
    {'a': 'ZSTD'}
    """
    out: dict[str, str] = {}
    if metadata.num_row_groups == 0:
        return out
    rg = metadata.row_group(0)
    for i in range(rg.num_columns):
        col = rg.column(i)
        out[col.path_in_schema] = str(col.compression).upper()
    return out


def column_chunk_range(column: Any) -> tuple[int, int]:
    """The byte range ``[start, end)`` of one column chunk (dictionary page included).

    ``column`` is a ``pyarrow.parquet.ColumnChunkMetaData``; the start is where pyarrow starts
    reading it: the dictionary page when there is one, else the first data page.

    Examples
    --------
    >>> import io, pyarrow as pa, pyarrow.parquet as pq
    >>> buf = io.BytesIO(); pq.write_table(pa.table({"a": ["x", "y"] * 10}), buf)
    >>> md = pq.ParquetFile(io.BytesIO(buf.getvalue())).metadata
    >>> column_chunk_range(md.row_group(0).column(0))[0]  # right after the 4-byte magic
    4
    """
    start = int(column.data_page_offset)
    dict_offset = column.dictionary_page_offset if column.has_dictionary_page else None
    if dict_offset is not None and 0 < int(dict_offset) < start:
        start = int(dict_offset)
    return start, start + int(column.total_compressed_size)


def row_groups_range(metadata: pq.FileMetaData, row_groups: Sequence[int]) -> tuple[int, int]:
    """The byte range spanning every column chunk of ``row_groups`` (min start .. max end).

    Examples
    --------
    >>> import io, pyarrow as pa, pyarrow.parquet as pq
    >>> buf = io.BytesIO(); pq.write_table(pa.table({"a": range(10)}), buf, row_group_size=5)
    >>> md = pq.ParquetFile(io.BytesIO(buf.getvalue())).metadata
    >>> r0, r01 = row_groups_range(md, [0]), row_groups_range(md, [0, 1])
    >>> r0[0] == r01[0] == 4 and r0[1] < r01[1]
    True
    """
    ranges = [
        column_chunk_range(metadata.row_group(g).column(i))
        for g in row_groups
        for i in range(metadata.row_group(g).num_columns)
    ]
    if not ranges:
        return 0, 0
    return min(r[0] for r in ranges), max(r[1] for r in ranges)


def sample_row_groups(
    metadata: pq.FileMetaData, sample_rows: int, max_bytes: int
) -> tuple[list[int], tuple[int, int] | None]:
    """The first row groups a sample of ``sample_rows`` rows reads, and the range to prefetch.

    Row groups are taken from the first until they hold ``sample_rows`` rows, as long as their
    contiguous byte range stays within ``max_bytes``; that range is returned for ONE ranged
    read. When even the first row group is larger, it alone is read and the range is None: its
    pages are then fetched as pyarrow reads them (only those the sample needs).

    Examples
    --------
    >>> import io, pyarrow as pa, pyarrow.parquet as pq
    >>> buf = io.BytesIO(); pq.write_table(pa.table({"a": range(100)}), buf, row_group_size=30)
    >>> md = pq.ParquetFile(io.BytesIO(buf.getvalue())).metadata
    >>> sample_row_groups(md, 50, 1 << 20)[0], sample_row_groups(md, 10, 1 << 20)[0]
    ([0, 1], [0])
    >>> sample_row_groups(md, 50, 10)
    ([0], None)
    """
    if metadata.num_row_groups == 0:
        return [], None
    groups: list[int] = []
    rows = 0
    for g in range(metadata.num_row_groups):
        groups.append(g)
        rows += metadata.row_group(g).num_rows
        if rows >= sample_rows:
            break
    while groups:
        start, end = row_groups_range(metadata, groups)
        if end - start <= max_bytes:
            return groups, (start, end)
        groups.pop()
    return [0], None


def read_parquet_sample(
    s3_client: Any,
    obj: S3Object,
    *,
    sample_rows: int = DEFAULT_SAMPLE_ROWS,
    prefetch_bytes: int = PARQUET_PREFETCH_BYTES,
    fit_only: bool = False,
) -> ParquetSample:
    """Footer + the first ``sample_rows`` rows of the first row group(s) of one Parquet object.

    Requests: one ranged read of the last 64 KiB for the footer (more only for huge footers),
    then ONE ranged read of the row groups the sample needs (from the first until
    ``sample_rows`` rows; see :func:`sample_row_groups`) when footer plus that range fit
    ``prefetch_bytes``; pyarrow's column reads are then served from memory, however many
    columns the file has. A first row group larger than that is read page by page (with
    ``buffer_size`` set pyarrow stops after the pages that ``sample_rows`` rows need), so the
    bytes fetched stay within the footer plus one row group.

    With ``fit_only`` no row is read unless the row groups fit ``prefetch_bytes`` (minus the
    footer's bytes): the objects after the first of a spread sample stay within its budget.

    Examples
    --------
    >>> obj = S3Object("bucket", "t/part-0.parquet", 812_345)
    >>> s = read_parquet_sample(s3, obj, sample_rows=1000)  # doctest: +SKIP
    >>> len(s.frame), s.stats.requests  # doctest: +SKIP
    (1000, 2)
    """
    stats = IoStats()
    f = S3RangedFile(s3_client, obj.bucket, obj.key, obj.size, stats)
    pf = pq.ParquetFile(f, pre_buffer=False, buffer_size=PARQUET_PAGE_BUFFER)
    md = pf.metadata
    codecs = parquet_codecs(md)
    sample_rows = max(1, int(sample_rows))
    if md.num_row_groups == 0:
        frame = pf.schema_arrow.empty_table().to_pandas()
        first_bytes = 0
    else:
        first_bytes = int(md.row_group(0).total_byte_size)
        comp = sum(md.row_group(0).column(i).total_compressed_size for i in range(md.num_columns))
        first_bytes = int(comp) or first_bytes
        groups, prefetch = sample_row_groups(
            md, sample_rows, max(0, int(prefetch_bytes) - stats.bytes_fetched)
        )
        if prefetch is not None:
            f.prefetch(*prefetch)
        batches: list[pa.RecordBatch] = []
        rows = 0
        if prefetch is not None or not fit_only:
            for batch in pf.iter_batches(
                batch_size=sample_rows, row_groups=groups, use_threads=False
            ):
                batches.append(batch)
                rows += batch.num_rows
                if rows >= sample_rows:
                    break
        table = (
            pa.Table.from_batches(batches).slice(0, sample_rows)
            if batches
            else pf.schema_arrow.empty_table()
        )
        frame = table.to_pandas()
    return ParquetSample(frame, codecs, md.num_rows, md.num_row_groups, first_bytes, stats)
