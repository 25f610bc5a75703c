"""Checks of a request that read AWS: the Glue table, the caller's account, the role, the key.

With a session, :func:`cleanroom_nb.validate_request` reads the Glue table (columns, types,
format, location), asks STS who calls (account and partition of the role), runs
:func:`cleanroom_nb.check_role` when IAM can be read (trust policy and permissions, so the
user learns about them before sending: AWS checks neither at create time, the data is read
only when an audience model trains), and looks for SSE-KMS encryption of the data (the key's
ARN, and whether an S3 Bucket Key makes KMS see the bucket ARN as encryption context). Every AWS
problem becomes a finding; none escapes.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import boto3

import cleanroom_nb._rulebook as _rulebook
from cleanroom_nb._errors import (
    CleanroomNbError,
    CredentialsError,
    EndpointUnreachableError,
    NotFoundError,
)
from cleanroom_nb._findings import Finding
from cleanroom_nb.aws import _client
from cleanroom_nb.aws._encryption import kms_findings
from cleanroom_nb.aws._role_check import check_role
from cleanroom_nb.infer._schema import glue_column_name
from cleanroom_nb.request._model_checks import GLUE_PATH, value_at
from cleanroom_nb.request._rules import Column

# check_role findings the request checks already report (account, PassRole name, ARN form).
_REPORTED_BY_REQUEST = frozenset({"role_account", "role_name", "pattern"})


def parse_role_arn(arn: Any) -> tuple[str, str, str] | None:
    """(partition, account, role path and name) of a role ARN, or None."""
    if not isinstance(arn, str):
        return None
    m = re.fullmatch(r"arn:(aws[-a-z]*):iam::(\d{12}):role/(.+)", arn)
    return (m[1], m[2], m[3]) if m else None


def _aws_problem(exc: BaseException, what: str, path: str) -> Finding:
    err = _client.translate(exc, what=what)
    blocking = isinstance(err, CredentialsError | EndpointUnreachableError)
    note = f" ({'the request cannot be sent either' if blocking else 'not checked'})"
    return _rulebook.aws_unchecked(str(err), path=path, blocking=blocking, note=note)


def glue_findings(
    request: Mapping[str, Any], columns: list[Column], session: boto3.Session
) -> tuple[list[Finding], dict[str, str] | None, str | None]:
    """The Glue table's findings, its column types and its S3 location (None: unreadable).

    The table is read with :func:`cleanroom_nb.glue._catalog.glue_table_info` (awswrangler), so its
    location, format, compression and bucket region are judged by the same rules as
    :func:`cleanroom_nb.infer_schema_from_glue` (``glue._findings.table_findings``).
    """
    from cleanroom_nb.glue import _catalog, _findings

    glue = value_at(request, GLUE_PATH)
    if not isinstance(glue, Mapping):
        return [], None, None
    db, table, catalog_id = glue.get("databaseName"), glue.get("tableName"), glue.get("catalogId")
    if not isinstance(db, str) or not isinstance(table, str) or not db or not table:
        return [], None, None
    if catalog_id is not None and not isinstance(catalog_id, str):
        return [], None, None
    what = f"reading Glue table {db}.{table}"
    try:
        info, types, _raw = _catalog.glue_table_info(
            db, table, catalog_id=catalog_id, boto3_session=session
        )
    except NotFoundError:
        return [_missing_table(db, table, catalog_id, session)], None, None
    except Exception as exc:  # every AWS problem becomes a finding, none escapes
        return [_aws_problem(exc, what, GLUE_PATH)], None, None
    out = [replace(f, path=GLUE_PATH) for f in _findings.table_findings(info, {})]
    by_lower: dict[str, list[str]] = {}
    for name in types:
        by_lower.setdefault(name.lower(), []).append(name)
    for c in columns:
        if c.name in types:
            continue
        path = f"{c.path}.columnName"
        candidates = by_lower.get(c.name.lower()) or by_lower.get(glue_column_name(c.name), [])
        if candidates:
            right = candidates[0]
            out.append(_rulebook.column_misnamed(c.name, right, f"{db}.{table}", path=path))
            continue
        close = difflib.get_close_matches(c.name.lower(), list(types), n=3)
        out.append(_rulebook.unknown_column(c.name, f"{db}.{table}", close, list(types), path=path))
    # Types per role come from the table, under the request's (possibly mis-cased) names.
    resolved = {}
    for c in columns:
        match = [c.name] if c.name in types else by_lower.get(c.name.lower(), [])
        for name in match[:1]:
            resolved[c.name] = types[name]
    return out, resolved, info.location or None


def _missing_table(db: str, table: str, catalog_id: str | None, session: boto3.Session) -> Finding:
    import awswrangler as wr

    try:
        databases = [
            d["Name"]
            for d in wr.catalog.get_databases(catalog_id=catalog_id, boto3_session=session)
        ]
        if db not in databases:
            close = difflib.get_close_matches(db, databases, n=3)
            path = f"{GLUE_PATH}.databaseName"
            return _rulebook.glue_database_not_found(db, catalog_id, close, path=path)
        tables = [
            t["Name"]
            for t in wr.catalog.get_tables(
                database=db, catalog_id=catalog_id, boto3_session=session
            )
        ]
    except Exception as exc:
        return _aws_problem(exc, f"listing Glue database {db}", GLUE_PATH)
    close = difflib.get_close_matches(table, tables, n=3)
    return _rulebook.glue_table_not_found(db, table, close, path=f"{GLUE_PATH}.tableName")


def role_arn_findings(request: Mapping[str, Any], session: boto3.Session) -> list[Finding]:
    parsed = parse_role_arn(request.get("roleArn"))
    out: list[Finding] = []
    try:
        identity = _client.client("sts", session).get_caller_identity()
    except CleanroomNbError as exc:
        return [_rulebook.aws_unchecked(str(exc), path="roleArn", blocking=True)]
    except Exception as exc:
        return [_aws_problem(exc, "asking STS who the caller is", "roleArn")]
    account = str(identity.get("Account", ""))
    caller_partition = str(identity.get("Arn", "arn:aws:")).split(":")[1] or None
    region = session.region_name
    # an unknown (e.g. local) region: judge by the caller's own ARN
    partition = (_client.partition_for_region(region) if region else None) or caller_partition
    if parsed is not None:
        role_partition, role_account, _ = parsed
        if account and role_account != account:
            out.append(_rulebook.role_account(role_account, account))
        if partition and role_partition != partition:
            out.append(
                _rulebook.role_partition(role_partition, region, partition, parsed[1], parsed[2])
            )
    catalog_id = value_at(request, f"{GLUE_PATH}.catalogId")
    if isinstance(catalog_id, str) and account and catalog_id != account:
        path = f"{GLUE_PATH}.catalogId"
        out.append(_rulebook.catalog_account(catalog_id, account, path=path))
    return out


def role_findings(
    request: Mapping[str, Any],
    location: str | None,
    session: boto3.Session,
    *,
    blocked: bool,
) -> list[Finding]:
    """check_role's findings for the request's role, its Glue table, data and KMS key.

    Skipped when the role ARN is malformed or another account's (already errors: IAM of
    another account cannot be read) or when AWS cannot be reached at all (``blocked``).
    """
    parsed = parse_role_arn(request.get("roleArn"))
    if parsed is None or blocked:
        return []
    glue = value_at(request, GLUE_PATH)
    db = glue.get("databaseName") if isinstance(glue, Mapping) else None
    table = glue.get("tableName") if isinstance(glue, Mapping) else None
    out: list[Finding] = []
    use = None
    if location:
        kms, use = kms_findings(location, GLUE_PATH, boto3_session=session)
        out.extend(kms)
    checked = check_role(
        str(request["roleArn"]),
        database=db if isinstance(db, str) and location else None,
        table=table if isinstance(table, str) and location else None,
        s3_location=location,
        kms_key_arn=use.key_arn if use is not None else None,
        bucket_key=use.bucket_key if use is not None else None,
        boto3_session=session,
    )
    for f in checked:
        if f.code in _REPORTED_BY_REQUEST:
            continue
        path = GLUE_PATH if f.path == "s3_location" else "roleArn"
        message = f.message
        if f.path.startswith("permissions.") or f.path == "trust":
            message = f"service role: {message}"
        out.append(replace(f, path=path, message=message))
    return out
