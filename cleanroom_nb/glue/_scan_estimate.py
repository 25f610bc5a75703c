"""What an Athena query over a Glue table will scan, and what it will cost, before it runs.

Athena bills the bytes it reads from S3: $5.00 per TB scanned (us-east-1, the documented list
price), rounded up to the nearest megabyte, with a 10 MB minimum per query; DDL statements and
failed queries are free (https://aws.amazon.com/athena/pricing/). It reads only the columns a
query needs from Parquet (https://docs.aws.amazon.com/athena/latest/ug/columnar-storage.html),
and whole objects of text formats, compressed as they are stored.

:func:`estimate_athena_scan` follows that:

- **Parquet**: the compressed sizes of the column chunks of the columns read, summed from the
  footers. Only the footers are fetched (two ranged GETs a file: the length, then the footer;
  never a data page). Above :data:`MAX_FOOTERS` files, footers of files spread across the table
  are read and their share of the bytes is applied to the other files' sizes; the estimate then
  says it is extrapolated.
- **Text** (CSV, JSON, ...): the object sizes, as stored.
- **ORC, Avro and table formats** (Iceberg, Delta, Hudi): the object sizes, an upper bound.

Partition keys cost nothing; ``partitions=`` limits the estimate to some partitions.
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import boto3
import botocore.exceptions
import pyarrow as pa

from cleanroom_nb import _errors
from cleanroom_nb._errors import InvalidArgumentError
from cleanroom_nb._progress import DEFAULT_DELAY, Progress
from cleanroom_nb.aws import _client
from cleanroom_nb.glue._athena import fmt_bytes
from cleanroom_nb.glue._s3_file import S3Object
from cleanroom_nb.glue._scan_files import (
    client_for,
    footer_sizes,
    list_objects,
    map_threads,
    select_partitions,
    spread,
    table_facts,
)

PRICE_PER_TB = 5.00
"""USD per TB scanned: Athena's SQL query price in us-east-1 (https://aws.amazon.com/athena/pricing/).

Other regions differ; pass ``price_per_tb=`` for yours."""
BYTES_PER_TB = 1 << 40
"""A terabyte as AWS bills data volumes (1024**4 bytes)."""
BYTES_PER_MB = 1 << 20
MIN_BILLED_BYTES = 10 * BYTES_PER_MB
"""Athena's minimum per query: 10 MB (https://aws.amazon.com/athena/pricing/)."""
MAX_FOOTERS = 256
"""Parquet footers read per estimate; a table with more files is sampled and extrapolated."""
_TEXT_FORMATS = frozenset({"csv", "json", "text", "tsv", "ion", "xml"})


def athena_price(scanned_bytes: int, price_per_tb: float | None = None) -> tuple[int, float]:
    """``(billed bytes, dollars)`` for a query that scans ``scanned_bytes``.

    Rounded up to the megabyte, at least 10 MB, at ``price_per_tb`` (default
    :data:`PRICE_PER_TB`).

    Examples
    --------
    >>> athena_price(1)
    (10485760, 4.76837158203125e-05)
    >>> athena_price(BYTES_PER_TB, price_per_tb=6.75)
    (1099511627776, 6.75)
    """
    price = PRICE_PER_TB if price_per_tb is None else float(price_per_tb)
    if price < 0 or math.isnan(price):
        raise InvalidArgumentError(
            f"price_per_tb must be a non-negative number of USD, not {price_per_tb!r}"
        )
    billed = max(-(-int(scanned_bytes) // BYTES_PER_MB) * BYTES_PER_MB, MIN_BILLED_BYTES)
    return billed, billed / BYTES_PER_TB * price


def fmt_dollars(dollars: float) -> str:
    """Dollars with the digits that matter.

    Examples
    --------
    >>> fmt_dollars(0.0000476837), fmt_dollars(0.123), fmt_dollars(1234.5)
    ('$0.000048', '$0.12', '$1,234.50')
    """
    if dollars >= 0.01 or dollars == 0:
        return f"${dollars:,.2f}"
    return f"${dollars:.2g}" if dollars >= 1e-4 else f"${dollars:.6f}"


@dataclass(frozen=True)
class ScanEstimate:
    """What a query over a Glue table will scan and cost (see the module docs).

    Attributes
    ----------
    database, table
        The table.
    bytes
        The bytes Athena is expected to scan.
    dollars
        Their price: billed bytes (rounded up to the MB, at least 10 MB) times
        ``price_per_tb``.
    billed_bytes, price_per_tb
        What the price was computed from.
    data_format
        The table's format (``"parquet"``, ``"csv"``, ...).
    method
        ``"parquet footers"``, ``"sampled parquet footers"``, ``"object sizes"`` or
        ``"object sizes (upper bound)"``.
    exact
        True when every footer (or, for text, every object) was counted.
    columns
        The columns read (None: all of them).
    files, total_bytes
        Data objects considered and their size.
    footers_read
        Parquet footers fetched (two ranged GETs each).
    partitions, partitions_total
        Partitions read and the table's partitions (None when it has no partition keys).
    notes
        What the estimate rests on, in words.

    Examples
    --------
    >>> est = ScanEstimate("db", "t", bytes=123_456_789, data_format="parquet",
    ...                    method="parquet footers", exact=True, files=3,
    ...                    total_bytes=400_000_000, columns=("user_id",))
    >>> round(est.dollars, 6)
    0.000563
    >>> print(est)
    Athena will scan 117.7 MB of db.t (~$0.00056 at $5/TB; column chunks in the footers of 3 Parquet files)
      columns: user_id
      billed: 118.0 MB (rounded up to the MB, 10 MB minimum)
    """

    database: str
    table: str
    bytes: int
    data_format: str
    method: str
    exact: bool
    files: int
    total_bytes: int
    columns: tuple[str, ...] | None = None
    footers_read: int = 0
    partitions: int | None = None
    partitions_total: int | None = None
    price_per_tb: float = PRICE_PER_TB
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def billed_bytes(self) -> int:
        """The bytes Athena bills: rounded up to the MB, at least 10 MB."""
        return athena_price(self.bytes, self.price_per_tb)[0]

    @property
    def dollars(self) -> float:
        """The price of the scan, in USD."""
        return athena_price(self.bytes, self.price_per_tb)[1]

    def summary(self) -> str:
        """One line: bytes, price and how they were found, naming the table."""
        return estimate_words(self, table=True)

    def basis(self) -> str:
        """How the figure was found, in a few words."""
        what = {
            "parquet footers": (
                f"column chunks in the footers of {self.files:,} Parquet "
                f"file{'s' if self.files != 1 else ''}"
            ),
            "sampled parquet footers": (
                f"footers of {self.footers_read:,} of {self.files:,} Parquet files, extrapolated"
            ),
            "object sizes": (
                f"{self.files:,} {self.data_format.upper()} "
                f"object{'s' if self.files != 1 else ''}, read whole"
            ),
            "object sizes (upper bound)": (
                f"{self.files:,} object{'s' if self.files != 1 else ''}, an upper bound"
            ),
        }.get(self.method, self.method)
        if self.partitions is not None:
            of = f" of {self.partitions_total:,}" if self.partitions_total is not None else ""
            what += f", {self.partitions:,}{of} partition{'s' if (self.partitions_total or self.partitions) != 1 else ''}"
        return what

    def __str__(self) -> str:
        cols = ", ".join(self.columns) if self.columns else "all columns"
        lines = [
            self.summary(),
            f"  columns: {cols}",
            f"  billed: {fmt_bytes(self.billed_bytes)} (rounded up to the MB, 10 MB minimum)",
        ]
        lines.extend(f"  {n}" for n in self.notes)
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        cols = ", ".join(f"<code>{html.escape(c)}</code>" for c in self.columns or ()) or "all"
        approx = "" if self.exact else "~"
        rows = [
            ("scan", f"<b>{approx}{html.escape(fmt_bytes(self.bytes))}</b> ({self.bytes:,} bytes)"),
            (
                "price",
                f"<b>~{html.escape(fmt_dollars(self.dollars))}</b> at ${self.price_per_tb:g} per "
                f"TB; billed {html.escape(fmt_bytes(self.billed_bytes))} (rounded up to the MB, "
                "10 MB minimum)",
            ),
            ("columns", cols),
            ("from", html.escape(self.basis())),
            *(("note", html.escape(n)) for n in self.notes),
        ]
        body = "".join(
            f"<tr><th style='text-align:left'>{k}</th><td style='text-align:left'>{v}</td></tr>"
            for k, v in rows
        )
        return (
            f"<div><p><b>Athena scan estimate</b> for {html.escape(self.database)}."
            f"{html.escape(self.table)}</p><table>{body}</table></div>"
        )


def estimate_words(estimate: ScanEstimate | str | None, *, table: bool = False) -> str:
    """What an Athena query will scan and cost, in words, before it runs.

    The one wording of scan estimates (``ScanEstimate.summary``, the form's checks, rewrite and
    audience step).

    Parameters
    ----------
    estimate
        A :class:`ScanEstimate`, the reason none could be made, or None (nothing to say: ``""``).
    table
        Name the table (``of db.t``).

    Examples
    --------
    >>> est = ScanEstimate("db", "t", bytes=1_234_567, data_format="parquet",
    ...                    method="parquet footers", exact=True, files=2, total_bytes=2_000_000)
    >>> estimate_words(est)
    'Athena will scan 1.2 MB (~$0.000048 at $5/TB; column chunks in the footers of 2 Parquet files)'
    >>> estimate_words("access denied")
    'no scan estimate: access denied'
    """
    if estimate is None:
        return ""
    if isinstance(estimate, str):
        return f"no scan estimate: {estimate}"
    approx = "" if estimate.exact else "~"
    of = f" of {estimate.database}.{estimate.table}" if table else ""
    return (
        f"Athena will scan {approx}{fmt_bytes(estimate.bytes)}{of} (~{fmt_dollars(estimate.dollars)}"
        f" at ${estimate.price_per_tb:g}/TB; {estimate.basis()})"
    )


def scanned_words(scanned: int, estimate: ScanEstimate | None = None) -> str:
    """What an Athena query scanned and cost, in words, next to its estimate.

    Examples
    --------
    >>> scanned_words(1_100_000)
    'Athena scanned 1.0 MB (~$0.000048)'
    """
    price = athena_price(scanned, estimate.price_per_tb if estimate else None)[1]
    versus = f"; estimated {fmt_bytes(estimate.bytes)}" if estimate is not None else ""
    return f"Athena scanned {fmt_bytes(scanned)} (~{fmt_dollars(price)}{versus})"


def estimate_athena_scan(
    database: str,
    table: str,
    *,
    columns: Iterable[str] | None = None,
    partitions: Mapping[str, Any] | str | None = None,
    price_per_tb: float | None = None,
    progress: bool = True,
    boto3_session: boto3.Session | None = None,
) -> ScanEstimate:
    """What a query reading ``columns`` of a Glue table will scan in Athena, and its price.

    Nothing runs in Athena and no data is downloaded: Parquet footers are read with ranged
    GETs (two per file), text objects are only listed (see the module docs).

    Parameters
    ----------
    database, table
        The Glue table.
    columns
        The columns the query reads (None: all). Partition keys cost nothing.
    partitions
        Only these partitions: ``{"dt": ["2024-01-01", "2024-01-02"]}`` (a value or values per
        key), or a Glue partition expression such as ``"dt >= '2024-01-01'"``.
    price_per_tb
        USD per TB scanned (default :data:`PRICE_PER_TB`, us-east-1's list price).
    progress
        Show progress while many footers are read.
    boto3_session
        The session (region, credentials).

    Returns
    -------
    ScanEstimate
        ``.bytes``, ``.dollars``, and how they were found (``.method``, ``.exact``, ``.notes``).

    Raises
    ------
    ValueError
        A column or partition key the table does not have (the message lists those it has).
    NotFoundError, AccessDeniedError, AwsError
        The table or its data could not be read (cause and fix).

    Examples
    --------
    >>> est = crn.estimate_athena_scan("sales", "events", columns=["customer_id"])
    ... # doctest: +SKIP
    >>> est.bytes, round(est.dollars, 6)  # doctest: +SKIP
    (52428800, 0.000238)
    """
    athena_price(0, price_per_tb)  # refuse a bad price before any request
    session = _client.session(boto3_session)
    fmt, location, data_cols, keys = table_facts(database, table, session)
    all_columns = [*data_cols, *keys]
    wanted: set[str] | None = None
    chosen: tuple[str, ...] | None = None
    if columns is not None:
        by_lower = {c.lower(): c for c in all_columns}
        names = [columns] if isinstance(columns, str) else list(columns)
        unknown = [c for c in names if c.lower() not in by_lower]
        if unknown:
            raise InvalidArgumentError(
                f"{database}.{table} has no column {', '.join(map(repr, unknown))}; its columns: "
                f"{', '.join(all_columns)}"
            )
        chosen = tuple(by_lower[c.lower()] for c in names)
        wanted = {c.lower() for c in chosen} - {k.lower() for k in keys}
    what = f"estimating the Athena scan of {database}.{table}"
    s3 = client_for("s3", session)
    with Progress(
        f"Estimating the Athena scan of {database}.{table}", progress, delay=DEFAULT_DELAY
    ) as bar:
        try:
            if keys:
                bar.update("listing partitions")
                glue = client_for("glue", session)
                locations, total_parts = select_partitions(glue, database, table, keys, partitions)
            elif partitions:
                raise InvalidArgumentError(
                    f"{database}.{table} has no partition keys, so partitions= cannot apply"
                )
            else:
                locations, total_parts = [location] if location else [], None
            bar.update(f"listing the objects of {len(locations):,} locations")
            listed = map_threads(lambda loc: list_objects(s3, loc), locations)
            etags = {o: etag for found in listed for o, etag in found}
            objects = sorted(etags, key=lambda o: (o.bucket, o.key))
            total_bytes = sum(o.size for o in objects)
            notes: list[str] = []
            if fmt == "parquet" and objects:
                sample = spread(objects, MAX_FOOTERS)
                bar.update("reading Parquet footers")
                bar.count(0, total=len(sample))

                def read(obj: S3Object) -> int:
                    sizes = footer_sizes(s3, obj, etags[obj])
                    bar.advance()
                    return sum(n for c, n in sizes.items() if wanted is None or c in wanted)

                chunk_bytes = map_threads(read, sample)
                if len(sample) == len(objects):
                    scanned, method, exact = sum(chunk_bytes), "parquet footers", True
                else:
                    share = sum(chunk_bytes) / max(1, sum(o.size for o in sample))
                    scanned = round(share * total_bytes)
                    method, exact = "sampled parquet footers", False
                    notes.append(
                        f"extrapolated: the footers of {len(sample):,} of {len(objects):,} files "
                        f"(spread across the table) give {share:.1%} of their bytes to the "
                        "columns read; that share is applied to the size of every file"
                    )
                footers = len(sample)
            else:
                footers = 0
                scanned = total_bytes
                if fmt in _TEXT_FORMATS:
                    method, exact = "object sizes", True
                    notes.append(
                        f"{fmt.upper()} is read whole, whatever the columns: every object's size "
                        "as stored (compressed objects are billed compressed)"
                    )
                else:
                    method, exact = "object sizes (upper bound)", False
                    notes.append(
                        f"{fmt} tables: the size of every object under the location, an upper "
                        "bound (column pruning is not estimated for this format)"
                    )
        except (ValueError, _errors.CleanroomNbError):
            raise
        except pa.ArrowException as exc:
            raise _errors.AwsError(f"{what}: a Parquet footer could not be read ({exc})") from exc
        except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as exc:
            raise _client.translate(exc, what=what) from exc
        bar.close(f"{fmt_bytes(scanned)}")
    if not objects:
        notes.append("no data objects were found: Athena would scan nothing")
    return ScanEstimate(
        database=database,
        table=table,
        bytes=int(scanned),
        data_format=fmt,
        method=method,
        exact=exact,
        files=len(objects),
        total_bytes=total_bytes,
        columns=chosen if chosen is not None else tuple(data_cols),
        footers_read=footers,
        partitions=len(locations) if keys else None,
        partitions_total=total_parts if keys else None,
        price_per_tb=PRICE_PER_TB if price_per_tb is None else float(price_per_tb),
        notes=tuple(notes),
    )


def estimate_or_reason(
    database: str,
    table: str,
    columns: Iterable[str] | None,
    *,
    boto3_session: boto3.Session | None = None,
) -> ScanEstimate | str:
    """:func:`estimate_athena_scan` (no progress of its own), or why there is none.

    For calls that show the estimate before a query: a table the estimate cannot read is for
    the query to report, with Athena's own reason.
    """
    try:
        return estimate_athena_scan(
            database, table, columns=columns, progress=False, boto3_session=boto3_session
        )
    except (ValueError, _errors.CleanroomNbError) as exc:
        return str(exc)
