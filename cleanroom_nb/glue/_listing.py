"""A bounded listing spread across a table's key space, and the objects a sample reads.

A table written one object per day looks constant in its first object, so the sample must
come from objects across the table. Listing every key of a 100k-object table is not bounded,
so :func:`spread_listing` spends at most ``max_calls`` ``ListObjectsV2`` calls:

1. one page from the start of the location; when it is not truncated, the listing is complete;
2. otherwise it walks the key space like a trie: the table's common key prefix is found with
   ``StartAfter`` jumps past it (one call each), then the distinct next characters after it
   (one ``MaxKeys=1`` call each), and the wanted objects are shared among those branches
   (recursively, while calls remain). Each leaf is one small page.

Partitioned tables are spread over their partitions too (:func:`glue_partitions`: at most two
``GetPartitions`` calls, then one small listing per chosen partition that the first page did
not cover). :func:`pick_spread` picks up to ``k`` objects evenly over what was seen.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from cleanroom_nb.aws import _client
from cleanroom_nb.glue._s3_file import S3Object, is_data_key

SAMPLE_OBJECTS = 12
"""Objects a sample reads at most (spread evenly over the listing)."""
MAX_LIST_CALLS = 32
"""``ListObjectsV2`` calls a spread listing makes at most."""
MAX_PARTITION_CALLS = 2
"""``GetPartitions`` calls made at most (up to 1,000 partitions each)."""
_PAGE = 1000
_LEAF_PAGE = 100
_AFTER_ALL = "\U0010ffff"
"""Sorts after every character: ``stem + c + _AFTER_ALL`` is past every key under ``stem + c``
(S3 orders keys by their UTF-8 bytes, the same order as code points)."""


@dataclass
class SpreadListing:
    """What a bounded listing saw under a table's location.

    Attributes
    ----------
    objects
        The data objects seen, sorted by key (markers such as ``_SUCCESS`` left out).
    complete
        True when every object under the location was seen.
    calls
        ``ListObjectsV2`` calls made.
    """

    bucket: str
    prefix: str
    objects: list[S3Object] = field(default_factory=list)
    complete: bool = False
    calls: int = 0
    anchors: list[S3Object] = field(default_factory=list)
    """The first data object each call returned: points spread across the key space."""

    @property
    def data_objects(self) -> int:
        """Data objects seen (all of them when ``complete``)."""
        return len(self.objects)

    @property
    def data_bytes(self) -> int:
        """Bytes of the data objects seen."""
        return sum(o.size for o in self.objects)

    @property
    def first(self) -> S3Object | None:
        """The first data object in key order."""
        return self.objects[0] if self.objects else None


class _Lister:
    """ListObjectsV2 under one prefix, counting calls against a budget and keeping what it saw."""

    def __init__(self, s3: Any, bucket: str, prefix: str, max_calls: int) -> None:
        self.s3 = s3
        self.bucket = bucket
        self.prefix = prefix
        self.left = max_calls
        self.calls = 0
        self.seen: dict[str, int] = {}
        self.anchors: list[str] = []
        self.truncated = False

    def page(self, prefix: str, *, start_after: str = "", max_keys: int = _PAGE) -> list[str]:
        """Keys of ONE call (empty when the budget is spent); sizes are kept in ``seen``."""
        if self.left <= 0:
            return []
        self.left -= 1
        self.calls += 1
        kwargs: dict[str, Any] = {"Bucket": self.bucket, "Prefix": prefix, "MaxKeys": max_keys}
        if start_after:
            kwargs["StartAfter"] = start_after
        resp = self.s3.list_objects_v2(**kwargs)
        keys = []
        for obj in resp.get("Contents", []):
            keys.append(obj["Key"])
            self.seen[obj["Key"]] = int(obj.get("Size", 0))
        anchor = next((k for k in keys if self.seen[k] > 0 and is_data_key(k, self.prefix)), None)
        if anchor is not None:
            self.anchors.append(anchor)
        self.truncated = bool(resp.get("IsTruncated"))
        return keys

    def common_prefix(self, stem: str, keys: Sequence[str]) -> str:
        """The longest prefix every key under ``stem`` shares (jumping past it to check)."""
        common = _common(keys)
        while len(common) > len(stem):
            nxt = self.page(stem, start_after=common + _AFTER_ALL, max_keys=1)
            if not nxt:
                return common  # nothing after: every key shares it (or the budget is spent)
            common = _common([common, nxt[0]])
        return stem

    def branches(self, stem: str, known: Iterable[str], *, at_most: int) -> list[str]:
        """The distinct characters after ``stem`` (those in ``known`` plus one call per new one)."""
        q = len(stem)
        chars = sorted({k[q] for k in known if k.startswith(stem) and len(k) > q})
        while chars and len(chars) < at_most and self.left > 0:
            nxt = self.page(stem, start_after=stem + chars[-1] + _AFTER_ALL, max_keys=1)
            if not nxt or len(nxt[0]) <= q:
                break
            chars.append(nxt[0][q])
        return chars


def _common(keys: Sequence[str]) -> str:
    if not keys:
        return ""
    lo, hi = min(keys), max(keys)
    n = 0
    while n < min(len(lo), len(hi)) and lo[n] == hi[n]:
        n += 1
    return lo[:n]


def _spread(lister: _Lister, stem: str, want: int, known: list[str], depth: int = 0) -> None:
    """See about ``want`` spread objects under ``stem`` (keys seen so far: ``known``)."""
    if lister.left <= 0:
        return
    if not known:
        known = lister.page(stem, max_keys=_LEAF_PAGE if want <= 1 else _PAGE)
        if not known:
            return
        if want <= 1 or not lister.truncated:
            return
    if want <= 1 or depth > 64:
        return
    common = lister.common_prefix(stem, known)
    # Keep a call per wanted object for the leaves.
    chars = lister.branches(common, known, at_most=max(2, lister.left - want))
    if len(chars) <= 1:
        return
    if len(chars) > want:  # evenly spaced branches, first and last included
        chars = [chars[round(i * (len(chars) - 1) / (want - 1))] for i in range(want)]
        chars = list(dict.fromkeys(chars))
    share, extra = divmod(want, len(chars))
    for i, c in enumerate(chars):
        sub = common + c
        sub_known = [k for k in known if k.startswith(sub)]
        n = share + (1 if i < extra else 0)
        # The first page already covers the start of the first branch.
        if sub_known and n <= 1:
            continue
        _spread(lister, sub, n, sub_known if n > 1 else [], depth + 1)


def spread_listing(
    s3_client: Any,
    location: str,
    *,
    want: int = SAMPLE_OBJECTS,
    max_calls: int = MAX_LIST_CALLS,
    page_size: int = _PAGE,
) -> SpreadListing:
    """List a table's location in at most ``max_calls`` calls, spread across its key space.

    Examples
    --------
    >>> listing = spread_listing(s3, "s3://lake/events/")  # doctest: +SKIP
    >>> listing.complete, listing.data_objects, listing.calls <= 32  # doctest: +SKIP
    (False, 2100, True)
    """
    bucket, prefix = _client.split_s3_uri(location)
    if prefix and not prefix.endswith("/"):
        prefix += "/"
    lister = _Lister(s3_client, bucket, prefix, max(1, int(max_calls)))
    first = lister.page(prefix, max_keys=page_size)
    complete = not lister.truncated
    if not complete:
        _spread(lister, prefix, max(2, int(want)), first)
    objects = [
        S3Object(bucket, key, size)
        for key, size in sorted(lister.seen.items())
        if size > 0 and is_data_key(key, prefix)
    ]
    anchors = [S3Object(bucket, k, lister.seen[k]) for k in sorted(set(lister.anchors))]
    return SpreadListing(bucket, prefix, objects, complete, lister.calls, anchors)


def spread_objects(listing: SpreadListing, k: int = SAMPLE_OBJECTS) -> list[S3Object]:
    """Up to ``k`` objects spread over the table: evenly over a complete listing; over the
    points the jumps landed on (then the rest of what was seen) when it is not complete.

    Examples
    --------
    >>> objs = [S3Object("b", f"t/{i:02d}.csv", 10) for i in range(30)]
    >>> [o.key for o in spread_objects(SpreadListing("b", "t/", objs, True), 3)]
    ['t/00.csv', 't/14.csv', 't/29.csv']
    """
    if listing.complete or len(listing.anchors) < 2:
        return pick_spread(listing.objects, k)
    picked = pick_spread(listing.anchors, k)
    if len(picked) < k:
        chosen = {o.key for o in picked}
        rest = [o for o in listing.objects if o.key not in chosen]
        picked = sorted([*picked, *pick_spread(rest, k - len(picked))], key=lambda o: o.key)
    return picked


def pick_spread(items: Sequence[Any], k: int) -> list[Any]:
    """Up to ``k`` items evenly spaced over ``items``, the first one included.

    Examples
    --------
    >>> pick_spread(list(range(30)), 4)
    [0, 10, 19, 29]
    >>> pick_spread([1, 2], 12)
    [1, 2]
    """
    n = len(items)
    if k <= 0 or n == 0:
        return []
    if n <= k:
        return list(items)
    if k == 1:
        return [items[0]]
    idx = sorted({round(i * (n - 1) / (k - 1)) for i in range(k)})
    return [items[i] for i in idx]


# ------------------------------------------------------------------------------ partitions
@dataclass(frozen=True)
class Partition:
    """One Glue partition: its ``key=value/...`` name and its S3 location."""

    name: str
    location: str


def glue_partitions(
    glue: Any,
    database: str,
    table: str,
    keys: Sequence[str],
    *,
    catalog_id: str | None = None,
    max_calls: int = MAX_PARTITION_CALLS,
) -> tuple[list[Partition], bool]:
    """The table's partitions from at most ``max_calls`` ``GetPartitions`` calls.

    Returns the partitions sorted by their values and whether that is all of them.
    """
    out: list[tuple[list[str], Partition]] = []
    token = None
    complete = False
    for _ in range(max(1, max_calls)):
        kwargs: dict[str, Any] = {"DatabaseName": database, "TableName": table, "MaxResults": 1000}
        if catalog_id:
            kwargs["CatalogId"] = catalog_id
        if token:
            kwargs["NextToken"] = token
        resp = glue.get_partitions(**kwargs)
        for p in resp.get("Partitions", []):
            values = [str(v) for v in p.get("Values", [])]
            name = "/".join(f"{k}={v}" for k, v in zip(keys, values, strict=False))
            loc = str((p.get("StorageDescriptor") or {}).get("Location") or "")
            out.append((values, Partition(name, loc)))
        token = resp.get("NextToken")
        if not token:
            complete = True
            break
    out.sort(key=lambda vp: vp[0])
    return [p for _, p in out], complete


def partition_objects(
    s3_client: Any,
    listing: SpreadListing,
    partitions: Sequence[Partition],
    *,
    max_calls: int = SAMPLE_OBJECTS,
) -> list[tuple[Partition, S3Object]]:
    """One data object of each partition: from the listing when it saw one, else one small
    listing of the partition's location (at most ``max_calls`` calls in all)."""
    picked: list[tuple[Partition, S3Object]] = []
    calls = 0
    for part in partitions:
        loc = part.location if part.location.endswith("/") else part.location + "/"
        try:
            bucket, prefix = _client.split_s3_uri(loc)
        except ValueError:
            continue
        found = next(
            (o for o in listing.objects if o.bucket == bucket and o.key.startswith(prefix)), None
        )
        if found is None and (not listing.complete or bucket != listing.bucket):
            if calls >= max_calls:
                continue
            calls += 1
            resp = s3_client.list_objects_v2(Bucket=bucket, Prefix=prefix, MaxKeys=_LEAF_PAGE)
            found = next(
                (
                    S3Object(bucket, o["Key"], int(o.get("Size", 0)))
                    for o in resp.get("Contents", [])
                    if int(o.get("Size", 0)) > 0 and is_data_key(o["Key"], prefix)
                ),
                None,
            )
        if found is not None:
            picked.append((part, found))
    listing.calls += calls
    return picked
