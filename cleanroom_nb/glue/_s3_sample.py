"""Bounded sample reads from S3: a few MB at most, however large the table is.

- Parquet: the footer and the first row group(s) of ONE file, read by pyarrow's
  ``ParquetFile(..., pre_buffer=False)`` over :class:`S3RangedFile`, a file object whose reads
  are ranged ``GetObject`` calls, served from memory when fetched before. After the footer, the
  byte range of the row groups the sample needs (from the column-chunk offsets in the footer)
  is fetched in ONE request when it fits :data:`PARQUET_PREFETCH_BYTES`, so a 100-column file
  costs two requests, not one per column chunk. A larger first row group is read as before:
  with ``buffer_size`` set pyarrow reads the column chunks page by page, so only the pages the
  first batch needs are fetched (at most the footer plus that one row group).
- CSV and JSON lines: the first ``sample_bytes`` of ONE object with a single ranged
  ``GetObject``; the partial last line is dropped, then pandas parses the rest (gzip and bzip2
  prefixes are decompressed as a stream).

Every request goes through a botocore client made by :mod:`cleanroom_nb.aws._client`, so the session's
region, credentials (profiles, SSO, assumed roles) and endpoint (``AWS_ENDPOINT_URL``,
``AWS_ENDPOINT_URL_S3``) apply to pyarrow's reads as well: pyarrow never opens its own
connection here.
"""

from __future__ import annotations

import bz2
import io
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from cleanroom_nb.aws import _client

DEFAULT_SAMPLE_BYTES = 1 << 20
"""Bytes read from the start of a CSV/JSON object (and the cap for Parquet footers): 1 MiB."""
MAX_SAMPLE_BYTES = 2 << 20
"""The hard cap on ``sample_bytes`` (2 MiB), the issue's budget (plus one Parquet row group)."""
DEFAULT_SAMPLE_ROWS = 20_000
"""Rows taken at most from the first Parquet row group (as many as infer_schema samples)."""
PARQUET_PAGE_BUFFER = 256 << 10
"""pyarrow's read buffer per column chunk: pages are fetched in pieces of this size."""
PARQUET_PREFETCH_BYTES = MAX_SAMPLE_BYTES
"""Footer plus first row group(s) up to this size are fetched in one request per range (2 MiB).

Larger row groups are read page by page instead, so the bytes fetched stay at most the footer
plus one row group (the issue's "2 MB plus one row group")."""


@dataclass
class IoStats:
    """Bytes and requests a sample read made (counted on the client side).

    Examples
    --------
    >>> s = IoStats(); s.add(100); s.add(50); (s.requests, s.bytes_fetched)
    (2, 150)
    """

    requests: int = 0
    bytes_fetched: int = 0

    def add(self, n_bytes: int) -> None:
        """Count one request that returned ``n_bytes``."""
        self.requests += 1
        self.bytes_fetched += n_bytes


class S3RangedFile(io.RawIOBase):
    """A read-only, seekable file over one S3 object; reads are ranged ``GetObject`` calls.

    Bytes fetched once are kept (overlapping and adjacent ranges are merged) and served again
    from memory; :meth:`prefetch` fetches a range ahead of the reads that will need it, in one
    request.

    Parameters
    ----------
    s3_client
        A botocore S3 client (from :func:`cleanroom_nb.aws._client.client`).
    bucket, key
        The object.
    size
        The object's size in bytes (from the listing, so no ``HeadObject`` is needed).
    stats
        Where requests and bytes are counted.

    Examples
    --------
    >>> f = S3RangedFile(s3, "bucket", "data/part-0.parquet", size=1234)  # doctest: +SKIP
    >>> f.seek(-8, io.SEEK_END); f.read(8)[-4:]  # doctest: +SKIP
    b'PAR1'
    >>> f.prefetch(4, 1000); f.seek(4); len(f.read(100)), f.stats.requests  # doctest: +SKIP
    (100, 2)
    """

    def __init__(
        self, s3_client: Any, bucket: str, key: str, size: int, stats: IoStats | None = None
    ) -> None:
        super().__init__()
        self._s3 = s3_client
        self.bucket = bucket
        self.key = key
        self.size = int(size)
        self.stats = stats if stats is not None else IoStats()
        self._pos = 0
        # (start, bytes): sorted, disjoint and not adjacent (merged on insert)
        self._fetched: list[tuple[int, bytes]] = []

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        if whence == io.SEEK_SET:
            pos = offset
        elif whence == io.SEEK_CUR:
            pos = self._pos + offset
        elif whence == io.SEEK_END:
            pos = self.size + offset
        else:  # pragma: no cover - io contract
            raise ValueError(f"invalid whence {whence}")
        if pos < 0:
            raise ValueError("negative seek position")
        self._pos = pos
        return pos

    def _cached(self, start: int, end: int) -> bytes | None:
        for seg_start, seg in self._fetched:
            if seg_start <= start and end <= seg_start + len(seg):
                return seg[start - seg_start : end - seg_start]
        return None

    def _get(self, start: int, end: int) -> bytes:
        """ONE ranged GetObject for ``[start, end)``; the bytes are kept."""
        resp = self._s3.get_object(
            Bucket=self.bucket, Key=self.key, Range=f"bytes={start}-{end - 1}"
        )
        data: bytes = resp["Body"].read()
        self.stats.add(len(data))
        self._keep(start, data)
        return data

    def _keep(self, start: int, data: bytes) -> None:
        """Add ``data`` at ``start`` to the kept bytes, merging what it overlaps or touches."""
        if not data:
            return
        end = start + len(data)
        touching = [(s, d) for s, d in self._fetched if s <= end and start <= s + len(d)]
        if touching:
            lo = min(start, touching[0][0])
            hi = max(end, max(s + len(d) for s, d in touching))
            buf = bytearray(hi - lo)
            for s, d in touching:
                buf[s - lo : s - lo + len(d)] = d
            buf[start - lo : end - lo] = data
            start, data = lo, bytes(buf)
        rest = [(s, d) for s, d in self._fetched if not (s <= end and start <= s + len(d))]
        self._fetched = sorted([*rest, (start, data)], key=lambda sd: sd[0])

    def prefetch(self, start: int, end: int) -> int:
        """Fetch ``[start, end)`` in ONE ranged GetObject, so later reads in it cost nothing.

        Parts at either end that were fetched before are not fetched again.

        Returns
        -------
        int
            The bytes fetched (0 when the range was already in memory).
        """
        start, end = max(0, start), min(end, self.size)
        for seg_start, seg in self._fetched:
            seg_end = seg_start + len(seg)
            if seg_start <= start < seg_end:
                start = seg_end
            if seg_start < end <= seg_end:
                end = seg_start
        if start >= end:
            return 0
        return len(self._get(start, end))

    def read_range(self, start: int, length: int) -> bytes:
        """The bytes ``[start, start + length)`` (fewer at the end of the object).

        Bytes fetched before are served again from memory (pyarrow reads the last 64 KiB for
        the footer first: for a small file that is the whole file).
        """
        end = min(start + length, self.size)
        if length <= 0 or start >= end:
            return b""
        cached = self._cached(start, end)
        if cached is not None:
            return cached
        return self._get(start, end)

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        data = self.read_range(self._pos, len(view))
        view[: len(data)] = data
        self._pos += len(data)
        return len(data)

    def readall(self) -> bytes:
        data = self.read_range(self._pos, self.size - self._pos)
        self._pos += len(data)
        return data


# ---------------------------------------------------------------------------------- listing
@dataclass(frozen=True)
class S3Object:
    """One data object of a table: its bucket, key and size."""

    bucket: str
    key: str
    size: int

    @property
    def uri(self) -> str:
        """``s3://bucket/key``."""
        return f"s3://{self.bucket}/{self.key}"


def is_data_key(key: str, prefix: str) -> bool:
    """Whether ``key`` holds table data (not a marker such as ``_SUCCESS`` or ``x_$folder$``).

    Examples
    --------
    >>> is_data_key("t/part-0.parquet", "t/"), is_data_key("t/_SUCCESS", "t/")
    (True, False)
    >>> is_data_key("t/.hidden/x.csv", "t/"), is_data_key("t/dt=1_$folder$", "t/")
    (False, False)
    """
    if key.endswith("/") or key.endswith("_$folder$"):
        return False
    rel = key[len(prefix) :] if key.startswith(prefix) else key
    return not any(part.startswith(("_", ".")) for part in rel.split("/") if part)


@dataclass(frozen=True)
class Listing:
    """The first page of a table's listing: its first data object and what the page holds.

    ``data_bytes`` and ``data_objects`` count the data objects on the page; when
    ``truncated`` the table holds more than that.
    """

    first: S3Object | None
    data_objects: int
    data_bytes: int
    truncated: bool


def list_data_objects(s3_client: Any, location: str, *, max_keys: int = 1000) -> Listing:
    """One ``ListObjectsV2`` page under ``location``: its first non-empty data object and totals.

    Keys of Hive-style partitions (``dt=2024-01-01/...``) are found too: the listing is not
    delimited. ``first`` is None when the page holds no data object.
    """
    bucket, prefix = _client.split_s3_uri(location)
    if prefix and not prefix.endswith("/"):
        prefix += "/"
    resp = s3_client.list_objects_v2(Bucket=bucket, Prefix=prefix, MaxKeys=max_keys)
    first = None
    count = total = 0
    for obj in resp.get("Contents", []):
        size = int(obj.get("Size", 0))
        if size > 0 and is_data_key(obj["Key"], prefix):
            count += 1
            total += size
            if first is None:
                first = S3Object(bucket, obj["Key"], size)
    return Listing(first, count, total, bool(resp.get("IsTruncated")))


# ---------------------------------------------------------------------------------- Parquet
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
) -> ParquetSample:
    """Footer + the first ``sample_rows`` rows of the first row group(s) of one Parquet object.

    Requests: one ranged read of the last 64 KiB for the footer (more only for huge footers),
    then ONE ranged read of the row groups the sample needs (from the first until
    ``sample_rows`` rows; see :func:`sample_row_groups`) when footer plus that range fit
    ``prefetch_bytes``; pyarrow's column reads are then served from memory, however many
    columns the file has. A first row group larger than that is read page by page (with
    ``buffer_size`` set pyarrow stops after the pages that ``sample_rows`` rows need), so the
    bytes fetched stay within the footer plus one row group.

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
        for batch in pf.iter_batches(batch_size=sample_rows, row_groups=groups, use_threads=False):
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


# ---------------------------------------------------------------------------------- text
@dataclass
class TextSample:
    """The complete lines at the start of one CSV/JSON object.

    ``text`` ends at the last complete line; ``truncated`` tells whether the object holds more.
    """

    text: str
    truncated: bool
    stats: IoStats = field(default_factory=IoStats)


def _decompressor(compression: str) -> Any:
    if compression == "gzip":
        return zlib.decompressobj(16 + zlib.MAX_WBITS)
    if compression == "bzip2":
        return bz2.BZ2Decompressor()
    return None


def text_compression(key: str, declared: str | None = None) -> str:
    """The compression of a text object: from its key's suffix, else the table's declaration.

    Examples
    --------
    >>> text_compression("t/part.csv.gz"), text_compression("t/p.json", "none")
    ('gzip', 'none')
    """
    k = key.lower()
    for suffix, name in (
        (".gz", "gzip"),
        (".gzip", "gzip"),
        (".bz2", "bzip2"),
        (".snappy", "snappy"),
        (".zst", "zstd"),
        (".lz4", "lz4"),
        (".deflate", "deflate"),
    ):
        if k.endswith(suffix):
            return name
    d = (declared or "none").strip().lower()
    return {"gz": "gzip", "bz2": "bzip2", "": "none"}.get(d, d)


READABLE_TEXT_COMPRESSIONS = ("none", "uncompressed", "gzip", "bzip2")


def read_text_head(
    s3_client: Any,
    obj: S3Object,
    *,
    sample_bytes: int = DEFAULT_SAMPLE_BYTES,
    compression: str = "none",
    encoding: str = "utf-8",
) -> TextSample:
    """The complete lines in the first ``sample_bytes`` of ``obj`` (ONE ranged GetObject).

    gzip and bzip2 prefixes are decompressed as a stream (the decompressed text is cut at
    ``4 * sample_bytes``). The partial last line is dropped unless the whole object was read.

    Raises
    ------
    ValueError
        For a compression that cannot be streamed (snappy, zstd, lz4, ...).
    """
    sample_bytes = max(1, min(int(sample_bytes), MAX_SAMPLE_BYTES))
    stats = IoStats()
    f = S3RangedFile(s3_client, obj.bucket, obj.key, obj.size, stats)
    raw = f.read_range(0, sample_bytes)
    whole = len(raw) >= obj.size
    comp = "none" if compression == "uncompressed" else compression
    if comp != "none":
        dec = _decompressor(comp)
        if dec is None:
            raise ValueError(
                f"{obj.uri} is {comp}-compressed text, which cannot be sampled with a ranged read"
            )
        try:
            data = dec.decompress(raw, 4 * sample_bytes) if comp == "gzip" else dec.decompress(raw)
        except (OSError, EOFError, zlib.error) as exc:
            raise ValueError(f"{obj.uri}: not valid {comp} data ({exc})") from exc
        data = data[: 4 * sample_bytes]
        finished = bool(getattr(dec, "eof", False)) and whole
    else:
        data = raw
        finished = whole
    if not finished:
        cut = data.rfind(b"\n")
        data = data[: cut + 1] if cut >= 0 else b""
    text = data.decode(encoding, errors="replace")
    if text.startswith("\ufeff"):
        text = text[1:]
    return TextSample(text, not finished, stats)


def parse_csv_sample(
    text: str,
    columns: Sequence[str],
    *,
    delimiter: str = ",",
    quotechar: str | None = '"',
    escapechar: str | None = None,
    skip_header_lines: int = 0,
    null_values: Sequence[str] = ("\\N", ""),
) -> pd.DataFrame:
    """Parse CSV text as strings into the Glue ``columns`` (extra fields are dropped).

    Examples
    --------
    >>> parse_csv_sample("a,1\\nb,2\\n", ["u", "n"])
    ... # doctest: +NORMALIZE_WHITESPACE
       u  n
    0  a  1
    1  b  2
    """
    if not text.strip():
        return pd.DataFrame({c: pd.Series([], dtype="str") for c in columns})
    kwargs: dict[str, Any] = {}
    if quotechar:
        kwargs["quotechar"] = quotechar
    else:
        kwargs["quoting"] = 3  # csv.QUOTE_NONE
    if escapechar:
        kwargs["escapechar"] = escapechar
    n = len(columns)
    df = pd.read_csv(
        io.StringIO(text),
        sep=delimiter,
        header=None,
        names=list(range(n)),
        usecols=list(range(n)),
        skiprows=skip_header_lines,
        dtype=str,
        keep_default_na=False,
        na_values=list(null_values),
        on_bad_lines="skip",
        engine="python" if len(delimiter) > 1 else "c",
        **kwargs,
    )
    df.columns = list(columns)
    return df


def parse_json_lines_sample(text: str, columns: Sequence[str]) -> pd.DataFrame:
    """Parse JSON lines; keys are matched to the Glue ``columns`` case-insensitively.

    Examples
    --------
    >>> df = parse_json_lines_sample('{"User": "a", "n": 1}\\n', ["user", "n", "gone"])
    >>> list(df.columns), df["user"].iloc[0], df["gone"].isna().all()
    (['user', 'n', 'gone'], 'a', np.True_)
    """
    lines = [ln for ln in text.splitlines() if ln.strip()]
    if not lines:
        return pd.DataFrame({c: pd.Series([], dtype="object") for c in columns})
    df = pd.read_json(io.StringIO("\n".join(lines)), lines=True, dtype=False)
    by_lower: dict[str, Any] = {}
    for c in df.columns:
        by_lower.setdefault(str(c).lower(), c)
    out = {}
    for c in columns:
        src = by_lower.get(c.lower())
        out[c] = df[src] if src is not None else pd.Series([None] * len(df), dtype="object")
    return pd.DataFrame(out)


# ---------------------------------------------------------------------------------- typing
_INT_DTYPES = {
    "tinyint": "Int8",
    "smallint": "Int16",
    "int": "Int32",
    "integer": "Int32",
    "bigint": "Int64",
}


def cast_to_glue_types(frame: pd.DataFrame, glue_types: Mapping[str, str]) -> pd.DataFrame:
    """Give text-parsed sample columns the pandas dtype their Glue type implies.

    Values that do not parse become null (Athena reads them as null too).

    Examples
    --------
    >>> df = pd.DataFrame({"n": ["1", "x"], "f": ["1.5", "2"], "b": ["true", "false"]})
    >>> types = {"n": "bigint", "f": "double", "b": "boolean"}
    >>> cast_to_glue_types(df, types).dtypes.astype(str).tolist()
    ['Int64', 'float64', 'boolean']
    """
    out = {}
    for name in frame.columns:
        s = frame[name]
        t = (glue_types.get(name) or "string").strip().lower()
        base = t.split("(")[0].split("<")[0].strip()
        try:
            if base in _INT_DTYPES:
                num = pd.to_numeric(s, errors="coerce")
                try:
                    target: Any = _INT_DTYPES[base]
                    out[name] = num.astype(target)
                except (TypeError, ValueError, OverflowError):
                    out[name] = num.astype("Float64").round().astype("Int64")
            elif base in ("double", "float", "real", "decimal"):
                out[name] = pd.to_numeric(s, errors="coerce").astype("float64")
            elif base in ("boolean", "bool"):
                if s.dtype == bool or str(s.dtype) == "boolean":
                    out[name] = s.astype("boolean")
                else:
                    low = s.astype("str").str.strip().str.lower()
                    out[name] = low.map(
                        {"true": True, "false": False, "1": True, "0": False}
                    ).astype("boolean")
            elif base in ("timestamp", "date"):
                out[name] = pd.to_datetime(s, errors="coerce", format="mixed")
            elif base in ("string", "varchar", "char"):
                out[name] = s if isinstance(s.dtype, pd.StringDtype) else s.astype("str")
            else:
                out[name] = s
        except (TypeError, ValueError):
            out[name] = s
    return pd.DataFrame(out, index=frame.index)
