"""A training schema from a Glue table: catalog columns, table facts and a bounded S3 sample.

The columns and their Glue types are read through awswrangler (``wr.catalog.table``, partition
keys marked); one ``GetTable`` gives the storage facts awswrangler does not expose (location,
SerDe, parameters); a bounded sample
(see :mod:`cleanroom_nb.glue._s3_sample`) feeds the same role suggester used for DataFrames
(:func:`cleanroom_nb.infer._suggest.suggest_schema`), and what Clean Rooms ML would reject about the
table itself becomes findings of the schema.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import awswrangler as wr
import boto3
import botocore.exceptions
import pandas as pd

from cleanroom_nb import _errors, _roles
from cleanroom_nb._findings import Finding
from cleanroom_nb.aws import _client, _service_model
from cleanroom_nb.glue import _s3_sample
from cleanroom_nb.infer._schema import TrainingSchema

SUPPORTED_FORMATS = ("parquet", "csv", "json")
"""The data formats Clean Rooms ML reads."""

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
    sample_uri, sample_rows, bytes_fetched, requests
        The object the sample came from, its rows, and the S3 bytes/requests spent on it.

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

    @property
    def uri(self) -> str:
        """``database.table``."""
        return f"{self.database}.{self.table}"

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
                f"{self.sample_rows} rows from {self.sample_uri or '-'}: "
                f"{self.bytes_fetched:,} bytes in {self.requests} requests",
            ),
        ]
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


class _Clients:
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


# ------------------------------------------------------------------------------ findings
def unusable_type_fix(glue_type: str) -> str:
    """How to make a column of ``glue_type`` usable when no role accepts it.

    Examples
    --------
    >>> unusable_type_fix("smallint")[:40]
    'cast it to int or bigint (pandas int8/in'
    """
    t = _roles.base_glue_type(glue_type)
    if t in ("tinyint", "smallint"):
        return (
            "cast it to int or bigint (pandas int8/int16 columns become tinyint/smallint: "
            "cast them to int32/int64 before writing, or ALTER TABLE ... CHANGE COLUMN)"
        )
    if t == "date":
        return (
            "store it as bigint Unix epoch seconds for a TIMESTAMP "
            "(cleanroom_nb.to_epoch_seconds), or as a string for a categorical feature"
        )
    if t == "decimal":
        return "cast it to double (float64) for a numerical feature, or to bigint"
    if t in ("struct", "map"):
        return "flatten it into scalar columns (string, int, bigint, double)"
    if t == "binary":
        return "encode it as a string (e.g. hex) for an identifier or categorical feature"
    return "cast it to one of string, int, bigint, float, double, boolean or timestamp"


def table_findings(info: GlueTableInfo, glue_types: Mapping[str, str]) -> list[Finding]:
    """What Clean Rooms ML would reject, or what would surprise, about the table itself.

    Examples
    --------
    >>> info = GlueTableInfo("db", "t", location="s3://b/t/", data_format="parquet",
    ...                      compression="zstd", bucket_region="eu-west-1",
    ...                      session_region="us-east-1")
    >>> [f.code for f in table_findings(info, {"a": "smallint", "Bad.Name": "string"})]
    ['zstd_parquet', 'bucket_region', 'unusable_glue_type', 'invalid_column_name']
    """
    out: list[Finding] = []
    if not info.location:
        out.append(
            Finding(
                "error",
                "table.location",
                "empty_location",
                f"Glue table {info.uri} has no S3 location (a view or a federated table?). Clean "
                "Rooms ML reads the table's files from S3: point the table at an s3:// prefix "
                "holding Parquet, CSV or JSON, or create one with CTAS / register_dataframe.",
            )
        )
    elif not info.location.startswith(("s3://", "s3a://", "s3n://")):
        out.append(
            Finding(
                "error",
                "table.location",
                "not_s3",
                f"the location {info.location!r} of {info.uri} is not an S3 URI; Clean Rooms ML "
                "reads the data from S3 (s3://bucket/prefix/).",
            )
        )
    if info.data_format not in SUPPORTED_FORMATS:
        what = (
            info.data_format
            if info.data_format != "unknown"
            else (f"not recognised (classification={info.classification!r}, SerDe={info.serde!r})")
        )
        out.append(
            Finding(
                "error",
                "table.format",
                "unsupported_format",
                f"the table's data format is {what}; Clean Rooms ML reads Parquet, CSV or JSON. "
                "Rewrite it, e.g. in Athena: CREATE TABLE new_t WITH (format = 'PARQUET', "
                "write_compression = 'SNAPPY') AS SELECT * FROM t.",
            )
        )
    if info.data_format == "parquet" and (info.compression or "").lower() == "zstd":
        cols = sorted(c for c, codec in info.codecs.items() if codec == "ZSTD")
        where = f" (footer of {info.sample_uri}: {', '.join(cols[:10])})" if cols else ""
        out.append(
            Finding(
                "error",
                "table.compression",
                "zstd_parquet",
                f"the Parquet data is ZSTD-compressed{where}, which Clean Rooms ML does not read. "
                "Rewrite it with snappy: wr.s3.to_parquet(..., compression='snappy') or "
                "cleanroom_nb.register_dataframe, or in Athena: CREATE TABLE new_t WITH (format = "
                "'PARQUET', write_compression = 'SNAPPY') AS SELECT * FROM t.",
            )
        )
    if info.bucket_region and info.session_region and info.bucket_region != info.session_region:
        out.append(
            Finding(
                "error",
                "table.region",
                "bucket_region",
                f"the data's bucket is in {info.bucket_region} but the session is in "
                f"{info.session_region}; Clean Rooms ML needs the bucket in the same region as its "
                "resources. Copy the data to a bucket in that region (and re-point the table), or "
                f"work in {info.bucket_region}.",
            )
        )
    partition = set(info.partition_keys)
    for name, glue_type in glue_types.items():
        path = f"columns.{name}"
        if not _roles.roles_accepting(glue_type):
            kind = "partition key " if name in partition else ""
            out.append(
                Finding(
                    "warning",
                    path,
                    "unusable_glue_type",
                    f"{kind}column {name!r} has Glue type {glue_type}, which no Clean Rooms ML role "
                    f"accepts, so it is left out; to use it, {unusable_type_fix(glue_type)}.",
                )
            )
        if not _service_model.matches(_service_model.COLUMN_NAME_PATH, name):
            out.append(
                Finding(
                    "warning",
                    path,
                    "invalid_column_name",
                    f"column name {name!r} does not match the API's column-name pattern, so the "
                    "column cannot be part of the request; rename it in the table to letters, digits "
                    "and '_' (inner spaces or hyphens allowed).",
                )
            )
    return out


# ------------------------------------------------------------------------------ sample
@dataclass
class _Sample:
    frame: pd.DataFrame
    uri: str | None = None
    bytes_fetched: int = 0
    requests: int = 0
    codecs: dict[str, str] = field(default_factory=dict)
    compression: str | None = None
    findings: list[Finding] = field(default_factory=list)
    estimated_rows: int | None = None
    listing: _s3_sample.Listing | None = None


def _serde_csv_options(raw: Mapping[str, Any]) -> tuple[str, str | None, str | None]:
    sd = raw.get("StorageDescriptor", {})
    serde = sd.get("SerdeInfo", {}) or {}
    lib = str(serde.get("SerializationLibrary", "")).lower()
    p = {**(raw.get("Parameters") or {}), **(serde.get("Parameters") or {})}
    if "opencsvserde" in lib:
        return p.get("separatorChar", ","), p.get("quoteChar", '"'), p.get("escapeChar", "\\")
    delim = p.get("field.delim") or p.get("separatorChar") or p.get("delimiter") or ","
    return delim, None, p.get("escape.delim")


def _skip_header(raw: Mapping[str, Any]) -> int:
    params = {
        **(raw.get("StorageDescriptor", {}).get("SerdeInfo", {}).get("Parameters") or {}),
        **(raw.get("StorageDescriptor", {}).get("Parameters") or {}),
        **(raw.get("Parameters") or {}),
    }
    try:
        return max(0, int(params.get("skip.header.line.count", 0)))
    except (TypeError, ValueError):
        return 0


def _read_sample(
    info: GlueTableInfo,
    raw: Mapping[str, Any],
    data_columns: list[str],
    glue_types: Mapping[str, str],
    *,
    sample_bytes: int,
    sample_rows: int,
    clients: _Clients,
) -> _Sample:
    def empty() -> pd.DataFrame:  # made only when no sample is read (100 Series cost ~10 ms)
        return pd.DataFrame({c: pd.Series([], dtype="object") for c in data_columns})

    if sample_bytes <= 0 or not info.location or info.data_format not in SUPPORTED_FORMATS:
        return _Sample(empty())
    s3 = clients.get("s3", info.bucket_region)
    what = f"reading a sample of {info.uri} from {info.location}"
    try:
        listing = _s3_sample.list_data_objects(s3, info.location)
        obj = listing.first
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as exc:
        err = _client.translate(exc, what=what)
        if isinstance(err, _errors.AccessDeniedError | _errors.NotFoundError):
            raise type(err)(
                f"{err} The sample needs s3:ListBucket and s3:GetObject on {info.location}; or "
                "pass sample_bytes=0 to infer the schema from the catalog alone.",
                code=err.code,
            ) from exc
        raise err from exc
    if obj is None:
        return _Sample(
            empty(),
            findings=[
                Finding(
                    "error",
                    "table.location",
                    "no_data",
                    f"no data files under {info.location} (markers such as _SUCCESS are skipped); "
                    "Clean Rooms ML would find an empty table. Write the data there or fix the location.",
                )
            ],
        )
    findings: list[Finding] = []
    try:
        if info.data_format == "parquet":
            ps = _s3_sample.read_parquet_sample(s3, obj, sample_rows=sample_rows)
            frame = ps.frame
            rows_per_byte = ps.num_rows / obj.size
            frame.columns = [str(c).lower() for c in frame.columns]
            codecs = ps.codecs
            stats = ps.stats
            comps = {c.lower() for c in codecs.values()} - {"uncompressed"}
            compression = (
                "zstd"
                if "zstd" in comps
                else (sorted(comps)[0] if len(comps) == 1 else ",".join(sorted(comps)) or "none")
            )
        else:
            codecs = {}
            compression = _s3_sample.text_compression(obj.key, info.compression)
            if compression not in _s3_sample.READABLE_TEXT_COMPRESSIONS:
                return _Sample(
                    empty(),
                    uri=obj.uri,
                    compression=compression,
                    findings=[
                        Finding(
                            "warning",
                            "table.sample",
                            "sample_unreadable",
                            f"{obj.uri} is {compression}-compressed text, which cannot be sampled "
                            "with a ranged read; roles were suggested from the Glue types alone.",
                        )
                    ],
                )
            head = _s3_sample.read_text_head(
                s3, obj, sample_bytes=sample_bytes, compression=compression
            )
            stats = head.stats
            rows_per_byte = 0.0
            if compression in ("none", "uncompressed") and stats.bytes_fetched:
                whole_lines = len(head.text.encode("utf-8", errors="replace"))
                rows_per_byte = head.text.count("\n") / max(whole_lines, 1)
            if info.data_format == "csv":
                delim, quote, escape = _serde_csv_options(raw)
                skip = _skip_header(raw)
                frame = _s3_sample.parse_csv_sample(
                    head.text,
                    data_columns,
                    delimiter=delim,
                    quotechar=quote or '"',
                    escapechar=escape if quote else None,
                    skip_header_lines=skip,
                )
                findings.extend(_csv_header_findings(head.text, data_columns, delim, skip, info))
            else:
                frame = _s3_sample.parse_json_lines_sample(head.text, data_columns)
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as exc:
        raise _client.translate(exc, what=what) from exc
    except (OSError, ValueError, pd.errors.ParserError) as exc:
        cause = exc.__cause__ or exc.__context__
        if isinstance(cause, botocore.exceptions.ClientError | botocore.exceptions.BotoCoreError):
            raise _client.translate(cause, what=what) from exc
        return _Sample(
            empty(),
            uri=obj.uri,
            findings=[
                Finding(
                    "warning",
                    "table.sample",
                    "sample_unreadable",
                    f"could not parse a sample of {obj.uri} as {info.data_format} ({exc}); roles were "
                    "suggested from the Glue types alone. Check the table's format and SerDe.",
                )
            ],
        )
    frame = frame.head(sample_rows)
    # Partition keys are not in the files, and one file holds ONE value of each: a constant
    # column would mislead the suggester, so they are judged by name and Glue type alone.
    # Give every data column a sample column, in the table's order, typed as Glue reads it.
    cols = {}
    for c in data_columns:
        cols[c] = (
            frame[c]
            if c in frame.columns
            else pd.Series([None] * len(frame), index=frame.index, dtype="object")
        )
    typed = pd.DataFrame(cols, index=frame.index)
    text_cols = data_columns if info.data_format != "parquet" else []
    if text_cols:
        cast = _s3_sample.cast_to_glue_types(typed[text_cols], glue_types)
        for c in text_cols:
            typed[c] = cast[c]
    estimate = round(rows_per_byte * listing.data_bytes) if rows_per_byte else None
    return _Sample(
        typed.reset_index(drop=True),
        obj.uri,
        stats.bytes_fetched,
        stats.requests,
        codecs,
        compression,
        findings,
        estimate,
        listing,
    )


def _csv_header_findings(
    text: str, columns: list[str], delim: str, skip: int, info: GlueTableInfo
) -> list[Finding]:
    first = text.split("\n", 1)[0].strip("\r")
    fields = [f.strip().strip('"').lower() for f in first.split(delim)]
    looks_like_header = len(fields) >= 2 and fields[: len(columns)] == [c.lower() for c in columns]
    if looks_like_header and skip == 0:
        return [
            Finding(
                "warning",
                "table.csv_header",
                "csv_header_not_skipped",
                f"the first line of the CSV data holds the column names, but the table does not skip "
                f"it, so readers see it as a row. Set the table property skip.header.line.count=1 "
                f"(ALTER TABLE {info.table} SET TBLPROPERTIES ('skip.header.line.count'='1')).",
            )
        ]
    return []


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
    return _table_info(database, table, catalog_id, _Clients(_client.session(boto3_session)))


def _table_info(
    database: str, table: str, catalog_id: str | None, clients: _Clients
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
    delim = _serde_csv_options(raw)[0] if fmt == "csv" else None
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
        csv_header=(_skip_header(raw) > 0) if fmt == "csv" else None,
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


def infer_schema_from_glue(
    database: str,
    table: str,
    *,
    catalog_id: str | None = None,
    sample_bytes: int = _s3_sample.DEFAULT_SAMPLE_BYTES,
    sample_rows: int = _s3_sample.DEFAULT_SAMPLE_ROWS,
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
        Bytes read from the start of one CSV/JSON object (at most 2 MiB); 0 reads no data and
        suggests roles from the Glue types alone. Parquet reads the footer and the first row
        group of one file.
    sample_rows
        At most this many rows go to the role suggester.
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

    clients = _Clients(_client.session(boto3_session))
    info, glue_types, raw = _table_info(database, table, catalog_id, clients)
    partitions = set(info.partition_keys)
    data_columns = [c for c in glue_types if c not in partitions]
    sample = _read_sample(
        info,
        raw,
        data_columns,
        glue_types,
        sample_bytes=min(int(sample_bytes), _s3_sample.MAX_SAMPLE_BYTES),
        sample_rows=int(sample_rows),
        clients=clients,
    )
    listing = sample.listing
    updates: dict[str, Any] = {
        "estimated_rows": sample.estimated_rows,
        "listed_objects": listing.data_objects if listing else None,
        "listed_bytes": listing.data_bytes if listing else None,
        "listing_truncated": listing.truncated if listing else None,
        "sample_uri": sample.uri,
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
    findings = [*table_findings(info, glue_types), *sample.findings]
    return suggest_schema(
        sample.frame,
        glue_types,
        partition_keys=info.partition_keys,
        total_rows=info.record_count or info.estimated_rows,
        source=info,
        extra_findings=findings,
        glue_names=True,
    )
