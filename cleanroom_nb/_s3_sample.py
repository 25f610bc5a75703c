"""Bounded sample reads from S3: a few MB at most, however large the table is.

- Parquet: the footer and the first row group of ONE file, read by pyarrow's
  ``ParquetFile(..., pre_buffer=False)`` over :class:`S3RangedFile`, a file object that turns
  every ``read`` into one ranged ``GetObject``. With ``buffer_size`` set, pyarrow reads the
  column chunks page by page, so only the pages the first batch needs are fetched.
- CSV and JSON lines: the first ``sample_bytes`` of ONE object with a single ranged
  ``GetObject``; the partial last line is dropped, then pandas parses the rest (gzip and bzip2
  prefixes are decompressed as a stream).

Every request goes through a botocore client made by :mod:`cleanroom_nb._aws`, so the session's
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

DEFAULT_SAMPLE_BYTES = 1 << 20
"""Bytes read from the start of a CSV/JSON object (and the cap for Parquet footers): 1 MiB."""
MAX_SAMPLE_BYTES = 2 << 20
"""The hard cap on ``sample_bytes`` (2 MiB), the issue's budget (plus one Parquet row group)."""
DEFAULT_SAMPLE_ROWS = 20_000
"""Rows taken at most from the first Parquet row group (as many as infer_schema samples)."""
PARQUET_PAGE_BUFFER = 256 << 10
"""pyarrow's read buffer per column chunk: pages are fetched in pieces of this size."""


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
    """A read-only, seekable file over one S3 object; every read is one ranged ``GetObject``.

    Parameters
    ----------
    s3_client
        A botocore S3 client (from :func:`cleanroom_nb._aws.client`).
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

    def read_range(self, start: int, length: int) -> bytes:
        """The bytes ``[start, start + length)`` (fewer at the end of the object).

        Bytes fetched before are served again from memory (pyarrow reads the last 64 KiB for
        the footer first: for a small file that is the whole file).
        """
        end = min(start + length, self.size)
        if length <= 0 or start >= end:
            return b""
        for seg_start, seg in self._fetched:
            if seg_start <= start and end <= seg_start + len(seg):
                return seg[start - seg_start : end - seg_start]
        resp = self._s3.get_object(
            Bucket=self.bucket, Key=self.key, Range=f"bytes={start}-{end - 1}"
        )
        data: bytes = resp["Body"].read()
        self.stats.add(len(data))
        self._fetched.append((start, data))
        return data

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


def split_s3_uri(uri: str) -> tuple[str, str]:
    """Bucket and key prefix of an ``s3://`` (or ``s3a://``/``s3n://``) URI.

    Examples
    --------
    >>> split_s3_uri("s3://bucket/a/b/")
    ('bucket', 'a/b/')
    >>> split_s3_uri("s3a://bucket")
    ('bucket', '')
    """
    for scheme in ("s3://", "s3a://", "s3n://"):
        if uri.startswith(scheme):
            rest = uri[len(scheme) :]
            bucket, _, prefix = rest.partition("/")
            return bucket, prefix
    raise ValueError(f"not an S3 URI: {uri!r}; expected s3://bucket/prefix/")


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
    bucket, prefix = split_s3_uri(location)
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
        The first rows (at most ``sample_rows``) of the first row group.
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


def read_parquet_sample(
    s3_client: Any, obj: S3Object, *, sample_rows: int = DEFAULT_SAMPLE_ROWS
) -> ParquetSample:
    """Footer + the first ``sample_rows`` rows of the first row group of one Parquet object.

    Bytes fetched: the footer (one ranged read of the last 64 KiB, more only for huge footers)
    plus at most the first row group's column chunks; with ``buffer_size`` set pyarrow stops
    after the pages that ``sample_rows`` rows need.
    """
    stats = IoStats()
    f = S3RangedFile(s3_client, obj.bucket, obj.key, obj.size, stats)
    pf = pq.ParquetFile(f, pre_buffer=False, buffer_size=PARQUET_PAGE_BUFFER)
    md = pf.metadata
    codecs = parquet_codecs(md)
    if md.num_row_groups == 0:
        frame = pf.schema_arrow.empty_table().to_pandas()
        first_bytes = 0
    else:
        first_bytes = int(md.row_group(0).total_byte_size)
        comp = sum(md.row_group(0).column(i).total_compressed_size for i in range(md.num_columns))
        first_bytes = int(comp) or first_bytes
        batches = pf.iter_batches(
            batch_size=max(1, sample_rows), row_groups=[0], use_threads=False
        )
        try:
            batch = next(iter(batches))
            table = pa.Table.from_batches([batch])
        except StopIteration:
            table = pf.schema_arrow.empty_table()
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
    for suffix, name in ((".gz", "gzip"), (".gzip", "gzip"), (".bz2", "bzip2"),
                         (".snappy", "snappy"), (".zst", "zstd"), (".lz4", "lz4"),
                         (".deflate", "deflate")):
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
_INT_DTYPES = {"tinyint": "Int8", "smallint": "Int16", "int": "Int32", "integer": "Int32",
               "bigint": "Int64"}


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
                    out[name] = low.map({"true": True, "false": False, "1": True, "0": False}) \
                        .astype("boolean")
            elif base in ("timestamp", "date"):
                out[name] = pd.to_datetime(s, errors="coerce", format="mixed")
            elif base in ("string", "varchar", "char"):
                out[name] = s if isinstance(s.dtype, pd.StringDtype) else s.astype("str")
            else:
                out[name] = s
        except (TypeError, ValueError):
            out[name] = s
    return pd.DataFrame(out, index=frame.index)

