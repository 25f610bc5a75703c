"""Fix a Glue table where it is: ONE Athena CTAS writes a new snappy-Parquet table.

:func:`fix_glue_table_sql` turns a schema's fix plan (``schema.fixes``) into one
``CREATE TABLE ... WITH (format = 'PARQUET', write_compression = 'SNAPPY', external_location =
...) AS SELECT``: each fixed column is computed by its fix's Athena expression (times to bigint
epoch seconds, float ids to bigint, e-mails and phone numbers to SHA-256 hex, casts), the other
columns of ``to_api()`` are copied as they are, columns left out are not written, and rows whose
USER_ID, ITEM_ID or TIMESTAMP is null after conversion are dropped: the same result as
:func:`cleanroom_nb.apply_fixes` on a DataFrame. :func:`fix_glue_table` runs it in Athena
(nothing is downloaded; progress is shown) and returns the new table's schema.

Athena's CTAS properties (``format``, ``write_compression``, ``external_location``):
https://docs.aws.amazon.com/athena/latest/ug/create-table-as.html
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, replace

import awswrangler as wr
import boto3

from cleanroom_nb import _errors, _roles
from cleanroom_nb.aws import _client
from cleanroom_nb.fixes import Fix
from cleanroom_nb.glue import _s3_file
from cleanroom_nb.glue._athena import check_workgroup, run_query
from cleanroom_nb.glue._athena import quote_identifier as _q
from cleanroom_nb.glue._scan_estimate import estimate_or_reason
from cleanroom_nb.infer._schema import ColumnSchema, TrainingSchema

_TABLE_NAME = re.compile(r"[A-Za-z0-9_]{1,255}")
"""Athena table names: letters, digits and underscores (Glue keeps them lowercase).

https://docs.aws.amazon.com/athena/latest/ug/tables-databases-columns-names.html
"""


@dataclass(frozen=True)
class _Output:
    """One column of the new table: its name, the expression computing it, where it came from."""

    name: str
    expr: str
    column: ColumnSchema
    fix: Fix | None = None


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _outputs(schema: TrainingSchema) -> list[_Output]:
    """The new table's columns, in the schema's order: every column of ``to_api()``.

    Raises
    ------
    SchemaError
        A required role has no single column, two columns would get one name, or a column's
        Glue type does not fit its role and the plan has no fix for it.
    """
    problems = [
        f"the schema has {len(cols)} {role} columns; give exactly one column the role {role} "
        f"(schema.with_role(column, '{role}')) so rows without it can be dropped"
        for role in _roles.REQUIRED_ROLES
        if len(cols := schema.role_columns(role)) != 1
    ]
    fixes = {f.column: f for f in schema.fixes}
    out: list[_Output] = []
    for c in schema.columns:
        if c.role is None:
            continue
        name = schema.api_name(c)
        fix = fixes.get(c.name, fixes.get(name))
        if fix is not None:
            out.append(_Output(name, str(fix.sql), c, fix))
        elif _roles.accepts(c.role, c.glue_type):
            out.append(_Output(name, _q(name), c))
        else:
            problems.append(
                f"column {c.name!r} has Glue type {c.glue_type}, which {c.role} does not accept "
                f"({_roles.accepted_types_text(c.role)}), and the schema has no fix for it; "
                "infer the schema again (crn.infer_schema_from_glue) so the plan includes it, "
                "or leave the column out (schema.with_role(column, None))"
            )
    seen: dict[str, str] = {}
    for o in out:
        if o.name in seen:
            problems.append(
                f"columns {seen[o.name]!r} and {o.column.name!r} would both be written as "
                f"{o.name!r}; leave one out (schema.with_role(column, None))"
            )
        seen.setdefault(o.name, o.column.name)
    if problems:
        raise _errors.SchemaError("cannot fix the table: " + "; ".join(problems))
    return out


def _check_target(new_table: str, s3_path: str) -> str:
    """``s3_path`` as a prefix ending in ``/``; refuse names Athena would refuse."""
    if not _TABLE_NAME.fullmatch(new_table):
        raise _errors.InvalidArgumentError(
            f"new_table {new_table!r} is not a valid Athena table name: use letters, digits and "
            f"underscores only (e.g. {re.sub(r'[^A-Za-z0-9_]+', '_', new_table).strip('_')!r})"
        )
    if not s3_path.startswith("s3://") or not _client.split_s3_uri(s3_path)[0]:
        raise _errors.InvalidArgumentError(
            f"s3_path must be an S3 prefix such as 's3://bucket/fixed/', not {s3_path!r}"
        )
    return s3_path if s3_path.endswith("/") else s3_path + "/"


def fix_select_sql(database: str, table: str, schema: TrainingSchema) -> str:
    """The SELECT of the CTAS: the fixed columns, rows without USER_ID/ITEM_ID/TIMESTAMP dropped.

    Examples
    --------
    >>> s = TrainingSchema.from_columns([
    ...     ColumnSchema("u", "string", "USER_ID", 1, ""),
    ...     ColumnSchema("i", "bigint", "ITEM_ID", 1, ""),
    ...     ColumnSchema("t", "bigint", "TIMESTAMP", 1, "")], glue_names=True)
    >>> print(fix_select_sql("db", "events", s))  # doctest: +NORMALIZE_WHITESPACE
    SELECT * FROM (
      SELECT
        "u" AS "u",
        "i" AS "i",
        "t" AS "t"
      FROM "db"."events"
    ) AS fixed
    WHERE "u" IS NOT NULL AND "i" IS NOT NULL AND "t" IS NOT NULL
    """
    return _select(database, table, _outputs(schema))


def _select(database: str, table: str, outputs: list[_Output]) -> str:
    columns = ",\n".join(f"    {o.expr} AS {_q(o.name)}" for o in outputs)
    required = " AND ".join(
        f"{_q(o.name)} IS NOT NULL" for o in outputs if o.column.role in _roles.REQUIRED_ROLES
    )
    return (
        "SELECT * FROM (\n"
        "  SELECT\n"
        f"{columns}\n"
        f"  FROM {_q(database)}.{_q(table)}\n"
        ") AS fixed\n"
        f"WHERE {required}"
    )


def fix_glue_table_sql(
    database: str, table: str, schema: TrainingSchema, *, new_table: str, s3_path: str
) -> str:
    """The ONE Athena statement :func:`fix_glue_table` runs, for review.

    A CTAS writing ``database.new_table`` as snappy Parquet at ``s3_path``: every column of
    ``schema.to_api()`` (fixed ones computed by their fix's ``sql``), rows whose USER_ID, ITEM_ID
    or TIMESTAMP is null after conversion dropped, columns left out not written.

    Parameters
    ----------
    database, table
        The Glue table to read.
    schema
        Its training schema with its fix plan (``schema.fixes``), e.g. from
        :func:`cleanroom_nb.infer_schema_from_glue`.
    new_table
        The table to create in ``database`` (letters, digits, underscores).
    s3_path
        An empty S3 prefix for the new table's files.

    Returns
    -------
    str
        The statement (Athena's Trino SQL).

    Raises
    ------
    SchemaError
        A required role has no single column, or a column does not fit its role and has no fix.
    InvalidArgumentError
        ``new_table`` or ``s3_path`` is not valid (a ``ValueError`` too).

    Examples
    --------
    >>> s = TrainingSchema.from_columns([
    ...     ColumnSchema("u", "string", "USER_ID", 1, ""),
    ...     ColumnSchema("i", "bigint", "ITEM_ID", 1, ""),
    ...     ColumnSchema("t", "bigint", "TIMESTAMP", 1, "")], glue_names=True)
    >>> print(fix_glue_table_sql("db", "events", s, new_table="events_fixed",
    ...                          s3_path="s3://bucket/fixed").split("AS\\n")[0])
    CREATE TABLE "db"."events_fixed"
    WITH (
      format = 'PARQUET',
      write_compression = 'SNAPPY',
      external_location = 's3://bucket/fixed/'
    )
    <BLANKLINE>
    """
    path = _check_target(new_table, s3_path)
    return _ctas(database, table, _outputs(schema), new_table.lower(), path)


def _ctas(database: str, table: str, outputs: list[_Output], new_table: str, path: str) -> str:
    return (
        f"CREATE TABLE {_q(database)}.{_q(new_table)}\n"
        "WITH (\n"
        "  format = 'PARQUET',\n"
        "  write_compression = 'SNAPPY',\n"
        f"  external_location = {_literal(path)}\n"
        ")\n"
        "AS\n"
        f"{_select(database, table, outputs)}"
    )


def _check_aws(
    database: str, table: str, new_table: str, path: str, workgroup: str, session: boto3.Session
) -> None:
    """The source exists, the new table does not, ``path`` is empty and may be written to.

    CTAS fails with HIVE_PATH_ALREADY_EXISTS when ``external_location`` holds data
    (https://repost.aws/knowledge-center/athena-hive-path-already-exists), and fails when the
    workgroup enforces its own query results location
    (https://docs.aws.amazon.com/athena/latest/ug/workgroups-troubleshooting.html).
    """
    from cleanroom_nb.glue._catalog import glue_table_info

    source = glue_table_info(database, table, boto3_session=session)[0].location
    src = source if source.endswith("/") else source + "/"
    if source and (path.startswith(src) or src.startswith(path)):
        raise _errors.InvalidArgumentError(
            f"s3_path {path} overlaps the location of {database}.{table} ({source}): the new "
            "files would become part of the table read (or the other way round). Choose a "
            "prefix outside it, e.g. a sibling folder."
        )
    try:
        exists = wr.catalog.does_table_exist(database, new_table, boto3_session=session)
    except _client.call_errors() as exc:
        raise _client.translate(exc, what=f"looking up {database}.{new_table}") from exc
    if exists:
        raise _errors.TableExistsError(
            f"Glue table {database}.{new_table} already exists; choose another new_table, or "
            f"drop it first (wr.catalog.delete_table_if_exists('{database}', '{new_table}') and "
            "delete its files).",
            database=database,
            table=new_table,
        )
    n = _s3_file.count_objects(path, session)
    if n:
        raise _errors.TableExistsError(
            f"{path} already holds files ({n}{'+' if n >= 5 else ''} objects); Athena's CTAS "
            "writes only to an empty location (else it fails with HIVE_PATH_ALREADY_EXISTS). "
            "Choose an empty s3_path, or delete the files there first.",
            database=database,
            table=new_table,
        )
    cfg = check_workgroup(workgroup, session).get("Configuration") or {}
    enforced = (cfg.get("ResultConfiguration") or {}).get("OutputLocation")
    if cfg.get("EnforceWorkGroupConfiguration") and enforced:
        raise _errors.AwsError(
            f"Athena workgroup {workgroup!r} enforces its query results location ({enforced}), "
            "so Athena refuses a CTAS that names its own external_location (s3_path). Run it in "
            "a workgroup that does not override client-side settings (workgroup=...), or ask "
            "an administrator to turn that override off.",
            code="InvalidRequestException",
        )


def _carried(old: TrainingSchema, new: TrainingSchema, outputs: list[_Output]) -> TrainingSchema:
    """The new table's schema with the roles, confidences and reasons of the old one."""
    by_name = {o.name: o for o in outputs}
    cols = []
    for c in new.columns:
        o = by_name.get(c.name)
        if o is None:  # pragma: no cover - the CTAS writes exactly the outputs
            cols.append(c)
            continue
        reason = f"written by Athena as {o.fix.after}" if o.fix is not None else o.column.reason
        cols.append(
            replace(
                c,
                role=o.column.role,
                confidence=o.column.confidence,
                reason=reason,
                suggested_role=o.column.suggested_role,
                edited=o.column.edited,
            )
        )
    return TrainingSchema.from_columns(
        cols, source=new.source, extra_findings=new.extra_findings, glue_names=True
    )


def fix_glue_table(
    database: str,
    table: str,
    schema: TrainingSchema,
    *,
    new_table: str,
    s3_path: str,
    workgroup: str = "primary",
    s3_output: str | None = None,
    progress: bool = True,
    boto3_session: boto3.Session | None = None,
) -> TrainingSchema:
    """Apply a schema's fix plan to a Glue table with ONE Athena CTAS; nothing is downloaded.

    Writes ``database.new_table`` as snappy Parquet at ``s3_path`` with the statement of
    :func:`fix_glue_table_sql` (shown as progress while Athena runs it), then reads the new
    table's schema (:func:`cleanroom_nb.infer_schema_from_glue`, a bounded sample) and gives
    it the roles of ``schema``. A schema without fixes gives a snappy-Parquet copy of its
    ``to_api()`` columns (useful for ZSTD Parquet or other formats); a warning says so.

    Parameters
    ----------
    database, table
        The Glue table to fix (it is not changed).
    schema
        Its training schema and fix plan (``schema.fixes``).
    new_table
        The table to create in ``database``; it must not exist.
    s3_path
        An empty S3 prefix for the new table's files (in the region of the session).
    workgroup, s3_output
        The Athena workgroup, and where Athena writes the query's metadata (None: the
        workgroup's setting or awswrangler's default bucket).
    progress
        Show what the query will scan and cost before it runs (:func:`cleanroom_nb.
        estimate_athena_scan`), its state while it runs and the bytes scanned after (a notebook
        display, else stderr); False when the caller shows progress itself, as the form does.
    boto3_session
        The session (region, credentials); endpoints follow ``AWS_ENDPOINT_URL(_<SERVICE>)``.

    Returns
    -------
    TrainingSchema
        The new table's schema (``glue_names=True``), with the roles of ``schema``: ready for
        ``build_request(..., database=database, table=new_table, schema=...)``.

    Raises
    ------
    SchemaError
        The schema cannot be applied (the message names the column and the fix).
    TableExistsError
        ``new_table`` exists, or ``s3_path`` holds files.
    NotFoundError
        The table, the workgroup or the bucket does not exist.
    AwsError
        The query failed (Athena's reason and the fix), or a call failed.

    Examples
    --------
    >>> schema = crn.infer_schema_from_glue("sales", "raw_events")  # doctest: +SKIP
    >>> fixed = crn.fix_glue_table("sales", "raw_events", schema, new_table="events_fixed",
    ...                            s3_path="s3://bucket/events_fixed/")  # doctest: +SKIP
    >>> fixed.ok, fixed.source.compression  # doctest: +SKIP
    (True, 'snappy')
    """
    from cleanroom_nb.glue._infer import infer_schema_from_glue

    outputs = _outputs(schema)
    path = _check_target(new_table, s3_path)
    new_table = new_table.lower()
    sql = _ctas(database, table, outputs, new_table, path)
    session = _client.session(boto3_session)
    _check_aws(database, table, new_table, path, workgroup, session)
    copy = not any(o.fix is not None for o in outputs)
    if copy:
        warnings.warn(
            f"the schema of {database}.{table} has no fixes to apply: {database}.{new_table} "
            "will be a snappy-Parquet copy of its to_api() columns (rows without USER_ID, "
            "ITEM_ID or TIMESTAMP dropped).",
            UserWarning,
            stacklevel=2,
        )
    run_query(
        sql,
        database=database,
        what=f"writing {database}.{new_table} from {database}.{table} in Athena (CTAS)",
        title=f"Athena {'copy' if copy else 'fix'} {database}.{table} -> {database}.{new_table}",
        read_result=False,
        workgroup=workgroup,
        s3_output=s3_output,
        progress=progress,
        estimate=estimate_or_reason(
            database, table, [o.name for o in outputs], boto3_session=session
        )
        if progress
        else None,
        boto3_session=session,
    )
    return _carried(
        schema,
        infer_schema_from_glue(database, new_table, progress=progress, boto3_session=session),
        outputs,
    )
