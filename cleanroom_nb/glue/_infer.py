"""A training schema from a Glue table: catalog facts plus a bounded S3 sample.

The table's facts (:mod:`cleanroom_nb.glue._catalog`) and a bounded sample of up to 12 data
objects spread over the table (listed by :mod:`cleanroom_nb.glue._listing`, read by
:mod:`cleanroom_nb.glue._parquet_sample` and :mod:`cleanroom_nb.glue._text_sample`) feed the same
role suggester used for DataFrames (:func:`cleanroom_nb.infer._suggest.suggest_schema`); what
Clean Rooms ML would reject about the table itself (:mod:`cleanroom_nb.glue._findings`) becomes
findings of the schema.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import boto3
import botocore.exceptions
import pandas as pd

import cleanroom_nb._rulebook as _rulebook
from cleanroom_nb import _errors
from cleanroom_nb._findings import Finding
from cleanroom_nb._progress import reports_progress, stage
from cleanroom_nb.aws import _client, _encryption
from cleanroom_nb.glue import _listing, _s3_file, _sample, _text_sample
from cleanroom_nb.glue._catalog import (
    Clients,
    GlueTableInfo,
    table_info,
)
from cleanroom_nb.glue._findings import SUPPORTED_FORMATS, table_findings
from cleanroom_nb.infer._schema import TrainingSchema
from cleanroom_nb.infer._scope import SampleScope


@dataclass
class _Sample:
    """The sample a table gave the suggester, with what reading it cost and found."""

    frame: pd.DataFrame
    uri: str | None = None
    bytes_fetched: int = 0
    requests: int = 0
    codecs: dict[str, str] = field(default_factory=dict)
    compression: str | None = None
    findings: list[Finding] = field(default_factory=list)
    estimated_rows: int | None = None
    listing: _listing.SpreadListing | None = None
    objects: tuple[str, ...] = ()
    partitions: tuple[str, ...] = ()
    partitions_total: int | None = None


def _translate_listing(exc: Exception, info: GlueTableInfo, what: str) -> Exception:
    err = _client.translate(exc, what=what)
    if isinstance(err, _errors.AccessDeniedError | _errors.NotFoundError):
        return type(err)(
            f"{err} The sample needs s3:ListBucket and s3:GetObject on {info.location}; or "
            "pass sample_bytes=0 to infer the schema from the catalog alone.",
            code=err.code,
        )
    return err


def _list_data(info: GlueTableInfo, s3: Any, what: str) -> _listing.SpreadListing:
    """A bounded listing spread over the table's location; errors say what the sample needs."""
    try:
        return _listing.spread_listing(s3, info.location)
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as exc:
        raise _translate_listing(exc, info, what) from exc


def _hive_partition(key: str, prefix: str, partition_keys: tuple[str, ...]) -> str | None:
    """``k=v/...`` of the partition keys in a Hive-style key, or None.

    Examples
    --------
    >>> _hive_partition("t/dt=2024-01-01/part-0.csv", "t/", ("dt",))
    'dt=2024-01-01'
    """
    rel = key[len(prefix) :] if key.startswith(prefix) else key
    wanted = {k.lower() for k in partition_keys}
    parts = [p for p in rel.split("/")[:-1] if "=" in p and p.split("=", 1)[0].lower() in wanted]
    return "/".join(parts) or None


def _sample_targets(
    info: GlueTableInfo, listing: _listing.SpreadListing, s3: Any, clients: Clients
) -> tuple[list[_s3_file.S3Object], dict[str, str], int | None]:
    """The objects to read (spread over partitions when Glue lists them), the partition of
    each key read through Glue, and how many partitions the table has (None: unknown)."""
    if info.partition_keys:
        try:
            parts, complete = _listing.glue_partitions(
                clients.get("glue"),
                info.database,
                info.table,
                info.partition_keys,
                catalog_id=info.catalog_id,
            )
            chosen = _listing.pick_spread(parts, _listing.SAMPLE_OBJECTS)
            pairs = _listing.partition_objects(s3, listing, chosen) if chosen else []
        except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError):
            parts, complete, pairs = [], False, []
        if pairs:
            objects = [o for _, o in pairs]
            names = {o.key: p.name for p, o in pairs}
            if len(objects) < _listing.SAMPLE_OBJECTS:  # few partitions: more objects of them
                more = [o for o in _listing.spread_objects(listing) if o.key not in names]
                objects += _listing.pick_spread(more, _listing.SAMPLE_OBJECTS - len(objects))
                objects.sort(key=lambda o: o.key)
            return objects, names, len(parts) if complete else None
    return _listing.spread_objects(listing), {}, None


def _typed_frame(
    frame: pd.DataFrame,
    info: GlueTableInfo,
    data_columns: list[str],
    glue_types: Mapping[str, str],
    sample_rows: int,
) -> pd.DataFrame:
    """Every data column, in the table's order, typed as Glue reads it.

    Partition keys are not in the files, and one file holds ONE value of each: a constant
    column would mislead the suggester, so they are judged by name and Glue type alone.
    """
    frame = frame.head(sample_rows)
    cols = {}
    for c in data_columns:
        cols[c] = (
            frame[c]
            if c in frame.columns
            else pd.Series([None] * len(frame), index=frame.index, dtype="object")
        )
    typed = pd.DataFrame(cols, index=frame.index)
    if info.data_format != "parquet" and data_columns:
        cast = _text_sample.cast_to_glue_types(typed[data_columns], glue_types)
        for c in data_columns:
            typed[c] = cast[c]
    return typed.reset_index(drop=True)


def _unreadable(frame: pd.DataFrame, uri: str, message: str, **kwargs: Any) -> _Sample:
    return _Sample(
        frame,
        uri=uri,
        findings=[_rulebook.sample_unreadable(message)],
        **kwargs,
    )


def _read_sample(
    info: GlueTableInfo,
    raw: Mapping[str, Any],
    data_columns: list[str],
    glue_types: Mapping[str, str],
    *,
    sample_bytes: int,
    sample_rows: int,
    clients: Clients,
) -> _Sample:
    """Read shares of up to ``SAMPLE_OBJECTS`` objects spread over the table.

    The bytes fetched stay within today's bound: ``sample_bytes`` in all for CSV/JSON (each
    object a share, from its start); for Parquet the footer and first row group(s) of each
    object within :data:`~cleanroom_nb.glue._s3_file.PARQUET_PREFETCH_BYTES` in all (the
    first object may read one larger row group page by page, as a single-object sample did).
    """

    def empty() -> pd.DataFrame:  # made only when no sample is read (100 Series cost ~10 ms)
        return pd.DataFrame({c: pd.Series([], dtype="object") for c in data_columns})

    if sample_bytes <= 0 or not info.location or info.data_format not in SUPPORTED_FORMATS:
        return _Sample(empty())
    s3 = clients.get("s3", info.bucket_region)
    what = f"reading a sample of {info.uri} from {info.location}"
    listing = _list_data(info, s3, what)
    if listing.first is None:
        return _Sample(
            empty(),
            listing=listing,
            findings=[_rulebook.no_data(info.location)],
        )
    try:
        targets, partitions, partitions_total = _sample_targets(info, listing, s3, clients)
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as exc:
        raise _translate_listing(exc, info, what) from exc
    if not targets:
        targets = [listing.first]
    part_of = dict(partitions)
    for o in targets:  # objects not found through Glue: their Hive-style key names them
        if o.key not in part_of and info.partition_keys:
            name = _hive_partition(o.key, listing.prefix, info.partition_keys)
            if name:
                part_of[o.key] = name
    parquet = info.data_format == "parquet"
    budget = _s3_file.PARQUET_PREFETCH_BYTES if parquet else sample_bytes
    if not parquet:
        targets = _listing.pick_spread(targets, max(1, sample_bytes // _sample.MIN_TEXT_SHARE))
    rows_share = -(-sample_rows // len(targets))
    stats = _s3_file.IoStats()
    reads: list[tuple[_s3_file.S3Object, _sample.Read]] = []
    first = targets[0]
    i = -1
    while i + 1 < len(targets):
        i += 1
        obj = targets[i]
        left = budget - stats.bytes_fetched
        share = budget if parquet and i == 0 else left // (len(targets) - i)
        if i > 0 and (share <= 0 or (parquet and left <= min(_sample.FOOTER_READ, obj.size))):
            break
        try:
            read = _sample.read_one(
                info, raw, data_columns, s3, obj, index=i, share=share, rows_share=rows_share
            )
        except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as exc:
            raise _client.translate(exc, what=what) from exc
        except (OSError, ValueError, pd.errors.ParserError) as exc:
            cause = exc.__cause__ or exc.__context__
            if isinstance(
                cause, botocore.exceptions.ClientError | botocore.exceptions.BotoCoreError
            ):
                raise _client.translate(cause, what=what) from exc
            if i > 0:
                continue
            return _unreadable(
                empty(),
                obj.uri,
                f"could not parse a sample of {obj.uri} as {info.data_format} ({exc}); roles "
                "were suggested from the Glue types alone. Check the table's format and SerDe.",
                listing=listing,
            )
        if isinstance(read, str):
            if i > 0:
                continue
            return _unreadable(
                empty(),
                obj.uri,
                f"{obj.uri} is {read}-compressed text, which cannot be sampled "
                "with a ranged read; roles were suggested from the Glue types alone.",
                compression=read,
                listing=listing,
            )
        stats.requests += read.stats.requests
        stats.bytes_fetched += read.stats.bytes_fetched
        reads.append((obj, read))
        if parquet and i == 0 and len(targets) > 1:
            # Footer + row group(s) per object: as many more as the first one's cost leaves
            # room for, spread over the rest of the listing.
            more = (budget - stats.bytes_fetched) // max(read.stats.bytes_fetched, 1)
            targets[1:] = _listing.pick_spread(targets[1:], min(int(more), len(targets) - 1))
    used = [(o, r) for o, r in reads if len(r.frame) or o is first]
    frames = [r.frame.head(rows_share) for _, r in used if len(r.frame)]
    frame = pd.concat(frames, ignore_index=True) if len(frames) > 1 else used[0][1].frame
    typed = _typed_frame(frame, info, data_columns, glue_types, sample_rows)
    rows = sum(r.rows for _, r in reads if r.bytes_of_rows)
    of_bytes = sum(r.bytes_of_rows for _, r in reads)
    estimate = round(rows / of_bytes * listing.data_bytes) if rows and of_bytes else None
    codecs: dict[str, str] = {}
    for _, r in reversed(reads):
        codecs.update(r.codecs)
    comps = [r.compression for _, r in reads]
    compression = "zstd" if "zstd" in comps else comps[0]
    read_parts = tuple(dict.fromkeys(part_of[o.key] for o, _ in used if o.key in part_of))
    return _Sample(
        typed,
        first.uri,
        stats.bytes_fetched,
        stats.requests,
        codecs,
        compression,
        [f for _, r in reads for f in r.findings],
        estimate,
        listing,
        tuple(o.uri for o, _ in used),
        read_parts,
        partitions_total,
    )


@reports_progress("Reading {database}.{table} (Glue catalog and a bounded sample)")
def infer_schema_from_glue(
    database: str,
    table: str,
    *,
    catalog_id: str | None = None,
    sample_bytes: int = _s3_file.DEFAULT_SAMPLE_BYTES,
    sample_rows: int = _s3_file.DEFAULT_SAMPLE_ROWS,
    progress: bool = True,
    boto3_session: boto3.Session | None = None,
) -> TrainingSchema:
    """Suggest a training schema for a Glue table from its catalog entry and a bounded sample.

    Column names are used exactly as Glue stores them; partition keys are included and marked
    (``ColumnSchema.is_partition_key``). ``schema.source`` is a :class:`GlueTableInfo` and
    ``schema.findings`` includes what Clean Rooms ML would reject about the table (ZSTD Parquet,
    an unsupported format, a bucket in another region, Glue types no role accepts, an empty
    location, column names the API refuses).

    Parameters
    ----------
    database, table
        The Glue table.
    catalog_id
        The catalog's account ID (None: the caller's account).
    sample_bytes
        Bytes read in all from CSV/JSON objects (at most 2 MiB), shared by up to 12 objects
        spread over the listing (each a range from its start, at least 4 KiB); 0 reads no data
        and suggests roles from the Glue types alone. Parquet reads the footer and first row
        group(s) of as many of those objects as fit 2 MiB (the first may read one larger row
        group page by page). ``schema.source.sample_objects`` lists what was read.
    sample_rows
        At most this many rows go to the role suggester.
    progress
        Show progress (catalog, sample, suggestion) when it takes more than a second.
    boto3_session
        The session (region, credentials); endpoints follow ``AWS_ENDPOINT_URL(_<SERVICE>)``.

    Returns
    -------
    TrainingSchema
        With ``glue_names=True``: ``to_api()`` uses the table's column names as they are.

    Raises
    ------
    NotFoundError
        The database or table does not exist (the message lists what does).
    AccessDeniedError
        The caller may not read the table (or the sampled S3 object).
    EndpointUnreachableError
        Glue or S3 could not be reached.

    Examples
    --------
    >>> schema = infer_schema_from_glue("sales", "interactions")  # doctest: +SKIP
    >>> schema.source.data_format, schema.source.bytes_fetched < 3_000_000  # doctest: +SKIP
    ('parquet', True)
    >>> schema.to_api()[:1]  # doctest: +SKIP
    [{'columnName': 'customer_id', 'columnTypes': ['USER_ID']}]
    """
    from cleanroom_nb.infer._suggest import suggest_schema

    clients = Clients(_client.session(boto3_session))
    stage("reading the Glue catalog")
    info, glue_types, raw = table_info(database, table, catalog_id, clients)
    stage(f"reading a bounded sample of {info.location or 'the table'}")
    partitions = set(info.partition_keys)
    data_columns = [c for c in glue_types if c not in partitions]
    sample = _read_sample(
        info,
        raw,
        data_columns,
        glue_types,
        sample_bytes=min(int(sample_bytes), _s3_file.MAX_SAMPLE_BYTES),
        sample_rows=int(sample_rows),
        clients=clients,
    )
    listing = sample.listing
    updates: dict[str, Any] = {
        "estimated_rows": sample.estimated_rows,
        "listed_objects": listing.data_objects if listing else None,
        "listed_bytes": listing.data_bytes if listing else None,
        "listing_truncated": (not listing.complete) if listing else None,
        "list_requests": listing.calls if listing else 0,
        "sample_uri": sample.uri,
        "sample_objects": sample.objects,
        "sample_partitions": sample.partitions,
        "partitions_total": sample.partitions_total,
        "sample_rows": len(sample.frame),
        "bytes_fetched": sample.bytes_fetched,
        "requests": sample.requests,
        "codecs": sample.codecs,
    }
    if sample.compression is not None:
        updates["compression"] = sample.compression
    elif info.compression is None and info.data_format in ("csv", "json"):
        updates["compression"] = "none"
    info = replace(info, **updates)
    kms, _key = (
        _encryption.kms_findings(info.location, "table.location", boto3_session=clients.session)
        if info.location
        else ([], None)
    )
    findings = [*table_findings(info, glue_types), *sample.findings, *kms]
    stage(f"suggesting roles from {len(sample.frame):,} sampled rows")
    scope = SampleScope(
        rows=len(sample.frame),
        total_rows=info.record_count or info.estimated_rows,
        random=False,
        objects_read=sample.objects,
        objects_total=info.listed_objects if listing and listing.complete else None,
        partitions_read=sample.partitions,
        partitions_total=sample.partitions_total,
    )
    return suggest_schema(
        sample.frame,
        glue_types,
        partition_keys=info.partition_keys,
        total_rows=info.record_count or info.estimated_rows,
        source=info,
        extra_findings=findings,
        glue_names=True,
        scope=scope,
    )
