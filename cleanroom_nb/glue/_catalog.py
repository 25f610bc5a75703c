"""Facts about a Glue table: its columns and Glue types, storage format, location and region.

The columns and their Glue types are read through awswrangler (``wr.catalog.table``, partition
keys marked); one ``GetTable`` gives the storage facts awswrangler does not expose (location,
SerDe, parameters). What Clean Rooms ML would reject about those facts is judged in
:mod:`cleanroom_nb.glue._findings`; the schema suggested from them and a bounded sample is
built in :mod:`cleanroom_nb.glue._infer`.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import awswrangler as wr
import boto3
import botocore.exceptions

from cleanroom_nb import _errors
from cleanroom_nb.aws import _client

# Re-exported: callers judge the facts read here (e.g. request's AWS checks).

_KNOWN_CLASSIFICATIONS = (
    "parquet",
    "csv",
    "json",
    "orc",
    "avro",
    "xml",
    "ion",
    "iceberg",
    "delta",
    "hudi",
)


@dataclass(frozen=True)
class GlueTableInfo:
    """Facts about a Glue table that matter to Clean Rooms ML (``schema.source``).

    Attributes
    ----------
    database, table, catalog_id
        Where the table is (``catalog_id`` None means the caller's account).
    location
        The S3 location of the data (``""`` when the table has none).
    data_format
        ``"parquet"``, ``"csv"``, ``"json"``, ``"orc"``, ``"avro"``, ... or ``"unknown"``, from the
        classification, the SerDe and the input format.
    compression
        ``"snappy"``, ``"zstd"``, ``"gzip"``, ``"none"``, ...; for Parquet, read from the sampled
        file's footer (column-chunk codecs) when a sample was read, else declared by the table.
    csv_header
        For CSV: whether the table skips a header line (``skip.header.line.count``).
    partition_keys
        The partition key names, as Glue stores them.
    bucket_region, session_region
        Where the data's bucket is and the region of the session (None when unknown).
    record_count
        The table's ``recordCount`` parameter (set by Glue crawlers), when there is one.
    estimated_rows, listed_objects, listed_bytes, listing_truncated
        Rows estimated from the sampled file's rows per byte times the bytes of the data
        objects on the first listing page (a lower bound when ``listing_truncated``).
    list_requests
        ``ListObjectsV2`` calls the bounded, spread listing made (at most 32, plus one per
        sampled partition the listing did not reach).
    sample_uri, sample_rows, bytes_fetched, requests
        The first object the sample came from (kept for compatibility), the rows sampled in
        all, and the S3 bytes/``GetObject`` requests spent on the sample.
    sample_objects, sample_partitions, partitions_total
        Every object the sample read rows from (spread over the listing), the partitions
        (``key=value/...``) they are of, and the table's partitions when Glue listed them all.

    Examples
    --------
    >>> GlueTableInfo("db", "t", location="s3://b/t/", data_format="parquet").uri
    'db.t'
    """

    database: str
    table: str
    catalog_id: str | None = None
    location: str = ""
    data_format: str = "unknown"
    compression: str | None = None
    csv_header: bool | None = None
    partition_keys: tuple[str, ...] = ()
    bucket_region: str | None = None
    session_region: str | None = None
    classification: str | None = None
    serde: str | None = None
    input_format: str | None = None
    table_type: str | None = None
    delimiter: str | None = None
    record_count: int | None = None
    estimated_rows: int | None = None
    listed_objects: int | None = None
    listed_bytes: int | None = None
    listing_truncated: bool | None = None
    sample_uri: str | None = None
    sample_rows: int = 0
    bytes_fetched: int = 0
    requests: int = 0
    codecs: Mapping[str, str] = field(default_factory=dict)
    list_requests: int = 0
    sample_objects: tuple[str, ...] = ()
    sample_partitions: tuple[str, ...] = ()
    partitions_total: int | None = None

    @property
    def uri(self) -> str:
        """``database.table``."""
        return f"{self.database}.{self.table}"

    @property
    def sample_summary(self) -> str:
        """What the sample read, in words.

        Examples
        --------
        >>> GlueTableInfo("db", "t", sample_rows=120, listed_objects=30,
        ...     sample_objects=("s3://b/t/a", "s3://b/t/b")).sample_summary
        'sampled 120 rows from 2 of 30 objects'
        >>> GlueTableInfo("db", "t", sample_rows=9, listed_objects=3000, listing_truncated=True,
        ...     sample_objects=("s3://b/t/a",), sample_partitions=("dt=1",),
        ...     partitions_total=400).sample_summary
        'sampled 9 rows from 1 of 3,000+ objects (partitions dt=1; 1 of 400); listing not complete'
        """
        if not self.sample_objects and not self.sample_uri:
            return "no sample read (roles from the Glue types alone)"
        k = len(self.sample_objects) or 1
        if self.listed_objects is None:
            total = "?"
        else:
            total = f"{self.listed_objects:,}{'+' if self.listing_truncated else ''}"
        out = f"sampled {self.sample_rows:,} rows from {k} of {total} objects"
        if self.sample_partitions:
            shown = ", ".join(self.sample_partitions[:4])
            more = (
                f", +{len(self.sample_partitions) - 4} more"
                if len(self.sample_partitions) > 4
                else ""
            )
            of = (
                f"; {len(self.sample_partitions)} of {self.partitions_total:,}"
                if self.partitions_total is not None
                else ""
            )
            out += f" (partitions {shown}{more}{of})"
        if self.listing_truncated:
            out += "; listing not complete"
        return out

    def __repr__(self) -> str:
        return (
            f"GlueTableInfo({self.uri}, {self.data_format} at {self.location or '(no location)'}, "
            f"{self.sample_summary})"
        )

    def _repr_html_(self) -> str:
        rows = [
            ("table", self.uri + (f" (catalog {self.catalog_id})" if self.catalog_id else "")),
            ("location", self.location or "(none)"),
            ("format", self.data_format),
            ("compression", self.compression or "?"),
            ("partition keys", ", ".join(self.partition_keys) or "(none)"),
            ("bucket region", f"{self.bucket_region or '?'} (session: {self.session_region})"),
            (
                "sample",
                f"{self.sample_summary}: {self.bytes_fetched:,} bytes in {self.requests} "
                f"requests ({self.list_requests} listing calls)",
            ),
        ]
        if self.sample_objects:
            rows.append(("objects read", ", ".join(self.sample_objects)))
        if self.record_count or self.estimated_rows:
            more = "+" if self.listing_truncated else ""
            rows.append(
                (
                    "rows",
                    f"{self.record_count:,} (recordCount)"
                    if self.record_count
                    else f"~{self.estimated_rows:,}{more} (estimated from the sample)",
                )
            )
        if self.data_format == "csv":
            rows.insert(3, ("CSV header", str(self.csv_header)))
        body = "".join(
            f"<tr><th style='text-align:left'>{html.escape(k)}</th>"
            f"<td style='text-align:left'>{html.escape(v)}</td></tr>"
            for k, v in rows
        )
        return f"<table>{body}</table>"


# ------------------------------------------------------------------------------ catalog
def data_format(
    classification: str | None,
    serde: str | None,
    input_format: str | None,
    table_parameters: Mapping[str, str] | None = None,
) -> str:
    """The data format a table declares: classification first, then SerDe and input format.

    Examples
    --------
    >>> data_format(None, "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe", None)
    'parquet'
    >>> data_format(None, "org.apache.hadoop.hive.serde2.OpenCSVSerde", None)
    'csv'
    >>> data_format("", None, "org.apache.hadoop.hive.ql.io.orc.OrcInputFormat")
    'orc'
    """
    params = {k.lower(): str(v).lower() for k, v in (table_parameters or {}).items()}
    if params.get("table_type") in ("iceberg", "delta", "hudi"):
        return params["table_type"]
    c = (classification or "").strip().lower()
    if c in _KNOWN_CLASSIFICATIONS:
        return c
    s = (serde or "").lower()
    i = (input_format or "").lower()
    for fmt in ("parquet", "orc", "avro"):
        if fmt in s or fmt in i:
            return fmt
    if "json" in s:
        return "json"
    if "opencsvserde" in s or "lazysimpleserde" in s or "multidelimitserde" in s:
        return "csv"
    if "ion" in s:
        return "ion"
    if "xml" in s:
        return "xml"
    return "unknown"


def _not_found(
    database: str, table: str, catalog_id: str | None, session: boto3.Session
) -> _errors.NotFoundError:
    """Which of the two is missing, with what exists instead."""
    region = session.region_name
    where = f"in the Glue catalog {catalog_id + ' ' if catalog_id else ''}of region {region}"
    try:
        dbs = list(
            wr.catalog.databases(limit=50, catalog_id=catalog_id, boto3_session=session)["Database"]
        )
    except Exception:  # best effort: only for the message
        dbs = []
    if dbs and database not in dbs:
        return _errors.NotFoundError(
            f"Glue database {database!r} was not found {where}. Existing databases: "
            f"{', '.join(map(str, dbs[:20]))}. Check the name (Glue keeps names lowercase) and "
            "the region (AWS_DEFAULT_REGION or boto3.Session(region_name=...)).",
            code="EntityNotFoundException",
        )
    if not dbs:
        try:
            _client.client("glue", session).get_database(
                Name=database, **({"CatalogId": catalog_id} if catalog_id else {})
            )
        except botocore.exceptions.ClientError as db_exc:
            if db_exc.response.get("Error", {}).get("Code") == "EntityNotFoundException":
                return _errors.NotFoundError(
                    f"Glue database {database!r} was not found {where}. Check the name "
                    "(Glue keeps names lowercase) and the region (AWS_DEFAULT_REGION or "
                    "boto3.Session(region_name=...)).",
                    code="EntityNotFoundException",
                )
        except Exception:
            pass
    try:
        tables = list(
            wr.catalog.tables(
                database=database, limit=50, catalog_id=catalog_id, boto3_session=session
            )["Table"]
        )
    except Exception:
        tables = []
    listed = (
        f" Tables in {database!r}: {', '.join(map(str, tables[:20]))}."
        if tables
        else f" The database {database!r} holds no tables."
    )
    return _errors.NotFoundError(
        f"Glue table {database}.{table} was not found {where}.{listed} Check the name (Glue "
        "keeps names lowercase), or create the table (e.g. cleanroom_nb.register_dataframe, "
        "wr.s3.to_parquet(..., database=, table=) or a Glue crawler).",
        code="EntityNotFoundException",
    )


def _catalog_error(
    exc: BaseException, database: str, table: str, catalog_id: str | None, session: boto3.Session
) -> _errors.CleanroomNbError:
    if isinstance(exc, botocore.exceptions.ClientError):
        code = str(exc.response.get("Error", {}).get("Code", ""))
        if code == "EntityNotFoundException":
            return _not_found(database, table, catalog_id, session)
        if code in ("AccessDeniedException", "AccessDenied"):
            msg = exc.response.get("Error", {}).get("Message", "")
            return _errors.AccessDeniedError(
                f"reading Glue table {database}.{table}: access denied ({msg}). The caller needs "
                "glue:GetTable and glue:GetDatabase on the catalog, database and table (and Lake "
                "Formation SELECT/DESCRIBE where Lake Formation governs it); use a role or "
                "profile that has them.",
                code=code,
            )
    return _client.translate(exc, what=f"reading Glue table {database}.{table}")


def _get_table(
    database: str, table: str, catalog_id: str | None, glue: Any, session: boto3.Session
) -> dict[str, Any]:
    """The raw table definition: ONE ``GetTable``, the same call ``wr.catalog.table`` makes."""
    kwargs: dict[str, Any] = {"DatabaseName": database, "Name": table}
    if catalog_id:
        kwargs["CatalogId"] = catalog_id
    try:
        raw: dict[str, Any] = glue.get_table(**kwargs)["Table"]
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as exc:
        raise _catalog_error(exc, database, table, catalog_id, session) from exc
    return raw


def _catalog_columns(
    database: str, table: str, catalog_id: str | None, session: boto3.Session
) -> list[tuple[str, str, bool]]:
    """``(name, Glue type, is partition key)`` through ``wr.catalog.table``, as Glue stores them."""
    try:
        frame = wr.catalog.table(
            database=database, table=table, catalog_id=catalog_id, boto3_session=session
        )
    except _client.call_errors() as exc:
        raise _client.translate(
            exc, what=f"reading the columns of Glue table {database}.{table}"
        ) from exc
    return [
        (str(name), str(glue_type), bool(part))
        for name, glue_type, part in zip(
            frame["Column Name"], frame["Type"], frame["Partition"], strict=True
        )
    ]


def _bucket_region(bucket: str, s3: Any) -> str | None:
    try:
        resp = s3.get_bucket_location(Bucket=bucket)
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError):
        return None
    return resp.get("LocationConstraint") or "us-east-1"


class Clients:
    """The clients one call makes, each made once (per service and region) and reused."""

    def __init__(self, session: boto3.Session) -> None:
        self.session = session
        self._made: dict[tuple[str, str | None], Any] = {}

    def get(self, service: str, region: str | None = None) -> Any:
        region = region or self.session.region_name
        key = (service, region)
        if key not in self._made:
            extra = {"region_name": region} if region != self.session.region_name else {}
            self._made[key] = _client.client(service, self.session, **extra)
        return self._made[key]


def serde_csv_options(raw: Mapping[str, Any]) -> tuple[str, str | None, str | None]:
    sd = raw.get("StorageDescriptor", {})
    serde = sd.get("SerdeInfo", {}) or {}
    lib = str(serde.get("SerializationLibrary", "")).lower()
    p = {**(raw.get("Parameters") or {}), **(serde.get("Parameters") or {})}
    if "opencsvserde" in lib:
        return p.get("separatorChar", ","), p.get("quoteChar", '"'), p.get("escapeChar", "\\")
    delim = p.get("field.delim") or p.get("separatorChar") or p.get("delimiter") or ","
    return delim, None, p.get("escape.delim")


def skip_header_lines(raw: Mapping[str, Any]) -> int:
    params = {
        **(raw.get("StorageDescriptor", {}).get("SerdeInfo", {}).get("Parameters") or {}),
        **(raw.get("StorageDescriptor", {}).get("Parameters") or {}),
        **(raw.get("Parameters") or {}),
    }
    try:
        return max(0, int(params.get("skip.header.line.count", 0)))
    except (TypeError, ValueError):
        return 0


# ------------------------------------------------------------------------------ public
def glue_table_info(
    database: str,
    table: str,
    *,
    catalog_id: str | None = None,
    boto3_session: boto3.Session | None = None,
) -> tuple[GlueTableInfo, dict[str, str], dict[str, Any]]:
    """The table facts, the Glue types of every column (partition keys last) and the raw table.

    Raises
    ------
    NotFoundError, AccessDeniedError, EndpointUnreachableError, CredentialsError
        With the cause and the fix.
    """
    return table_info(database, table, catalog_id, Clients(_client.session(boto3_session)))


def table_info(
    database: str, table: str, catalog_id: str | None, clients: Clients
) -> tuple[GlueTableInfo, dict[str, str], dict[str, Any]]:
    session = clients.session
    raw = _get_table(database, table, catalog_id, clients.get("glue"), session)
    columns = _catalog_columns(database, table, catalog_id, session)
    glue_types = {name: glue_type for name, glue_type, _ in columns}
    partition_keys = tuple(name for name, _, part in columns if part)
    sd = raw.get("StorageDescriptor", {}) or {}
    params = dict(raw.get("Parameters") or {})
    sd_params = dict(sd.get("Parameters") or {})
    classification = params.get("classification") or sd_params.get("classification")
    serde = (sd.get("SerdeInfo") or {}).get("SerializationLibrary")
    input_format = sd.get("InputFormat")
    fmt = data_format(classification, serde, input_format, params)
    location = str(sd.get("Location") or "")
    declared = (
        params.get("compressionType")
        or sd_params.get("compressionType")
        or params.get("parquet.compression")
        or params.get("write_compression")
        or params.get("compression")
    )
    bucket_region = None
    if location.startswith(("s3://", "s3a://", "s3n://")):
        bucket_region = _bucket_region(_client.split_s3_uri(location)[0], clients.get("s3"))
    delim = serde_csv_options(raw)[0] if fmt == "csv" else None
    try:
        record_count: int | None = int(float(params.get("recordCount", "")))
    except ValueError:
        record_count = None
    info = GlueTableInfo(
        database=database,
        table=table,
        catalog_id=catalog_id,
        location=location,
        data_format=fmt,
        compression=str(declared).lower() if declared else None,
        csv_header=(skip_header_lines(raw) > 0) if fmt == "csv" else None,
        partition_keys=partition_keys,
        bucket_region=bucket_region,
        session_region=session.region_name,
        classification=classification,
        serde=serde,
        input_format=input_format,
        table_type=raw.get("TableType"),
        delimiter=delim,
        record_count=record_count if record_count and record_count > 0 else None,
    )
    return info, glue_types, raw
