"""Bounded reads of one S3 object: a ranged file object, its I/O counts, and the listing.

:class:`S3RangedFile` is a read-only, seekable file whose reads are ranged ``GetObject`` calls,
served from memory when fetched before; :func:`list_data_objects` finds a table's first data
object with one ``ListObjectsV2`` page. The samples built on them are in
:mod:`cleanroom_nb.glue._parquet_sample` and :mod:`cleanroom_nb.glue._text_sample`.

Every request goes through a botocore client made by :mod:`cleanroom_nb.aws._client`, so the
session's region, credentials (profiles, SSO, assumed roles) and endpoint (``AWS_ENDPOINT_URL``,
``AWS_ENDPOINT_URL_S3``) apply to pyarrow's reads as well: pyarrow never opens its own
connection here.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

import boto3
import botocore.exceptions

from cleanroom_nb import _errors
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


def count_objects(path: str, session: boto3.Session, *, at_most: int = 5) -> int:
    """How many objects are under the S3 prefix ``path`` (counted up to ``at_most``).

    Raises
    ------
    NotFoundError
        The bucket does not exist (the message says how to create it).
    """
    bucket, prefix = _client.split_s3_uri(path)
    try:
        resp = _client.client("s3", session).list_objects_v2(
            Bucket=bucket, Prefix=prefix, MaxKeys=at_most
        )
    except botocore.exceptions.ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in ("NoSuchBucket", "404"):
            raise _errors.NotFoundError(
                f"the bucket {bucket!r} of {path} does not exist; create it first "
                f"(aws s3 mb s3://{bucket}) or choose another path.",
                code="NoSuchBucket",
            ) from exc
        raise _client.translate(exc, what=f"listing {path}") from exc
    except botocore.exceptions.BotoCoreError as exc:
        raise _client.translate(exc, what=f"listing {path}") from exc
    return int(resp.get("KeyCount", len(resp.get("Contents", []))))
