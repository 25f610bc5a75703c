"""check_role: read a service role through IAM and report what would stop Clean Rooms ML using it.

What it needs (and says "could not check" without): ``sts:GetCallerIdentity``, and on the role
``iam:GetRole``, ``iam:ListRolePolicies``, ``iam:GetRolePolicy``,
``iam:ListAttachedRolePolicies``, ``iam:GetPolicy``, ``iam:GetPolicyVersion`` (plus
``glue:GetTable`` when the S3 location is read from the table).

What the managed policy AWSCleanRoomsMLFullAccess (v4, managed policy reference) grants of
these: ``iam:GetRole``, ``iam:ListRolePolicies`` and ``iam:ListAttachedRolePolicies`` only on
``role/service-role/cleanrooms-ml*`` and ``role/role/cleanrooms-ml*``; ``iam:GetPolicy`` and
``iam:GetPolicyVersion`` only on ``policy/*cleanroomsml*``; never ``iam:GetRolePolicy``. So
with it alone no inline policy can be read, and the roles it lets its holders pass
(``role/cleanrooms-ml*``, at path ``/``) cannot be read at all.

Permissions are evaluated with their conditions, against the context the service's reads
will have: ``s3:ResourceAccount`` (the bucket's account), ``s3:prefix`` (the data's folder) and,
for ``kms:Decrypt``, each ``kms:EncryptionContext:aws:s3:arn`` KMS will receive (the bucket ARN
with an S3 Bucket Key, the object ARN without). A statement that names the action and resource
but whose condition cannot match is an error that shows the condition and the fix.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

import boto3

import cleanroom_nb._rulebook as _rulebook
from cleanroom_nb._errors import AccessDeniedError, CleanroomNbError
from cleanroom_nb._findings import Finding, Findings
from cleanroom_nb.aws import _client
from cleanroom_nb.aws import _policy_eval as ev
from cleanroom_nb.aws._service_role import (
    ENCRYPTION_CONTEXT_KEY,
    GLUE_READ_ACTIONS,
    MANAGED_GET_POLICY_RESOURCE,
    MANAGED_GET_ROLE_RESOURCES,
    MANAGED_PASS_ROLE_RESOURCE,
    MANAGED_POLICY_READS,
    MANAGED_ROLE_READS,
    ROLE_ARN,
    TABLE_LEVEL_ACTIONS,
    glue_arns,
    key_prefix,
    kms_contexts,
    parse_s3_location,
    partition,
    pass_role_note,
)
from cleanroom_nb.aws._trust import trust_findings

CHECK_ROLE_PERMISSIONS = (
    "sts:GetCallerIdentity",
    "iam:GetRole",
    "iam:ListRolePolicies",
    "iam:GetRolePolicy",
    "iam:ListAttachedRolePolicies",
    "iam:GetPolicy",
    "iam:GetPolicyVersion",
)
"""What :func:`check_role` calls (plus ``glue:GetTable`` to read a table's S3 location)."""

MANAGED_READS_NOTE = (
    "The managed policy AWSCleanRoomsMLFullAccess (v4) grants "
    f"{', '.join(MANAGED_ROLE_READS)} only on {' and '.join(MANAGED_GET_ROLE_RESOURCES)}, "
    f"{' and '.join(MANAGED_POLICY_READS)} only on {MANAGED_GET_POLICY_RESOURCE}, and never "
    "iam:GetRolePolicy: with it alone, inline policies cannot be read, and the roles it lets "
    f"you pass ({MANAGED_PASS_ROLE_RESOURCE}) cannot be read at all. Ask for these reads on "
    "the role, or ask an administrator to run check_role"
)
"""What check_role says about the managed policy when a read is refused."""

T = TypeVar("T")


class Unchecked(Exception):
    """An IAM read failed: ``.finding`` says what could not be checked and why."""

    def __init__(self, finding: Finding) -> None:
        super().__init__(finding.message)
        self.finding = finding


def _unchecked(exc: BaseException, action: str, resource: str, path: str, what: str) -> Finding:
    err = _client.translate(exc, what=f"calling {action} on {resource}")
    message = f"could not check {what}: {err}"
    if isinstance(err, AccessDeniedError):
        message = (
            f"could not check {what}: the caller may not {action} on {resource} ({err.code}). "
            f"check_role needs {', '.join(CHECK_ROLE_PERMISSIONS)}. {MANAGED_READS_NOTE}"
        )
    return _rulebook.aws_unchecked(message, path=path)


def _read(action: str, resource: str, fn: Callable[..., T], **kwargs: Any) -> T:
    """Call ``fn(**kwargs)``; a failure becomes :class:`Unchecked` naming ``action``."""
    try:
        return fn(**kwargs)
    except Exception as exc:
        raise Unchecked(
            _unchecked(exc, action, resource, "permissions", "the role's permissions")
        ) from exc


def _pages(iam: Any, operation: str, role_name: str) -> list[dict[str, Any]]:
    return list(iam.get_paginator(operation).paginate(RoleName=role_name))


def role_statements(iam: Any, role_name: str, resource: str) -> list[dict[str, Any]]:
    """Every statement of the role's inline and attached policies.

    Raises
    ------
    Unchecked
        When a read is refused or fails (the finding names the action).
    """
    statements: list[Any] = []
    for page in _read(
        "iam:ListRolePolicies",
        resource,
        _pages,
        iam=iam,
        operation="list_role_policies",
        role_name=role_name,
    ):
        for name in page.get("PolicyNames", []):
            doc = _read(
                "iam:GetRolePolicy",
                resource,
                iam.get_role_policy,
                RoleName=role_name,
                PolicyName=name,
            )
            statements.extend(ev.as_list(ev.document(doc["PolicyDocument"]).get("Statement")))
    for page in _read(
        "iam:ListAttachedRolePolicies",
        resource,
        _pages,
        iam=iam,
        operation="list_attached_role_policies",
        role_name=role_name,
    ):
        for item in page.get("AttachedPolicies", []):
            arn = item["PolicyArn"]
            policy = _read("iam:GetPolicy", arn, iam.get_policy, PolicyArn=arn)
            version = policy["Policy"]["DefaultVersionId"]
            doc = _read(
                "iam:GetPolicyVersion",
                arn,
                iam.get_policy_version,
                PolicyArn=arn,
                VersionId=version,
            )["PolicyVersion"]
            statements.extend(ev.as_list(ev.document(doc["Document"]).get("Statement")))
    return [dict(s) for s in statements if isinstance(s, Mapping)]


@dataclass(frozen=True)
class Need:
    """One permission the service role needs: action, resource, request context and level."""

    action: str
    resource: str
    context: Mapping[str, str | None]
    level: Literal["error", "warning"]
    why: str = ""


def needed_permissions(
    arns: Mapping[str, str] | None,
    s3: tuple[str, str] | None,
    part: str,
    kms_key_arn: str | None = None,
    *,
    account: str | None = None,
    bucket_key: bool | None = None,
) -> list[Need]:
    """What the role needs to read the table, its data and its key, each in its request context.

    ``account`` is the bucket's account (``s3:ResourceAccount``); ``bucket_key`` says which
    encryption context KMS receives (None: both must be allowed).
    """
    needed: list[Need] = []
    if arns is not None:
        for action in GLUE_READ_ACTIONS:
            resources = [arns["catalog"], arns["database"]]
            if action in TABLE_LEVEL_ACTIONS:
                resources.append(arns["table"])
            needed.extend(Need(action, r, {}, "error") for r in resources)
        needed.append(Need("glue:CreateDatabase", arns["default"], {}, "warning"))
    if s3 is not None:
        bucket, prefix = s3
        folder = key_prefix(prefix)
        bucket_arn = f"arn:{part}:s3:::{bucket}"
        owner = {"s3:ResourceAccount": account}
        needed.append(
            Need("s3:GetObject", f"{bucket_arn}/{folder}part-00000.parquet", owner, "error")
        )
        needed.append(Need("s3:ListBucket", bucket_arn, {**owner, "s3:prefix": folder}, "error"))
        needed.append(Need("s3:GetBucketLocation", bucket_arn, owner, "error"))
        if kms_key_arn:
            for pattern in kms_contexts(bucket, folder, partition=part, bucket_key=bucket_key):
                context = pattern[:-1] + "part-00000.parquet" if pattern.endswith("*") else pattern
                why = (
                    "with an S3 Bucket Key KMS receives the bucket ARN"
                    if not pattern.endswith("*")
                    else "without an S3 Bucket Key KMS receives each object's ARN"
                )
                needed.append(
                    Need(
                        "kms:Decrypt", kms_key_arn, {ENCRYPTION_CONTEXT_KEY: context}, "error", why
                    )
                )
    elif kms_key_arn:
        needed.append(Need("kms:Decrypt", kms_key_arn, {}, "error"))
    return needed


def check_role(
    role_arn: str,
    *,
    database: str | None = None,
    table: str | None = None,
    s3_location: str | None = None,
    kms_key_arn: str | None = None,
    bucket_key: bool | None = None,
    training_dataset_arn: str | None = None,
    boto3_session: boto3.Session | None = None,
) -> Findings:
    """Read a service role through IAM and report what would stop Clean Rooms ML using it.

    Checks the role's account against the caller's; whether the managed policy
    AWSCleanRoomsMLFullAccess can pass it (its ``role/cleanrooms-ml*`` is matched against the
    role's path and name); the trust policy (principal ``cleanrooms-ml.amazonaws.com``, a Deny,
    and each condition by its operator, for a new training dataset or for
    ``training_dataset_arn``); and — when a Glue table, an S3 location and/or a KMS key is
    given — that its inline and attached policies allow the reads of RULES.md 18, including
    ``kms:Decrypt`` on the key. When only the table is given, its S3 location is read from Glue.

    The permission check is a simple evaluation (wildcards, Deny wins; identity-policy
    conditions, permission boundaries and SCPs are not evaluated). What the caller may not
    read is reported as a warning that names the refused action ("could not check").

    Returns
    -------
    Findings
        Paths ``roleArn``, ``trust`` and ``permissions.<action>``; no error means the role
        should work.

    Examples
    --------
    >>> for f in check_role("arn:aws:iam::123456789012:role/cleanrooms-ml-reader",
    ...                     database="sales", table="events"):  # doctest: +SKIP
    ...     print(f)
    """
    findings = Findings()
    match = ROLE_ARN.fullmatch(role_arn or "")
    if match is None:
        findings.append(
            _rulebook.model_violation(
                "roleArn",
                "pattern",
                (
                    f"{role_arn!r} is not an IAM role ARN; write it as "
                    "arn:aws:iam::<12-digit account>:role/<name>"
                ),
            )
        )
        return findings
    _, role_account, _, role_name = match.groups()
    session = _client.session(boto3_session)
    region = session.region_name
    try:
        account = _client.caller_account(what="asking STS who the caller is", boto3_session=session)
    except CleanroomNbError as exc:
        findings.append(_rulebook.aws_unchecked(str(exc), path="roleArn", blocking=True))
        return findings
    if role_account != account:
        findings.append(_rulebook.role_account(role_account, account))
        return findings  # another account's role cannot be read with these credentials
    note = pass_role_note(role_arn)
    if note:
        findings.append(_rulebook.role_name(note, path="roleArn"))
    try:
        findings.extend(
            _role_findings(
                role_arn,
                role_name,
                account,
                region,
                session,
                database=database,
                table=table,
                s3_location=s3_location,
                kms_key_arn=kms_key_arn,
                bucket_key=bucket_key,
                training_dataset_arn=training_dataset_arn,
            )
        )
    except Unchecked as unchecked:
        findings.append(unchecked.finding)
    return findings


def _role_findings(
    role_arn: str,
    role_name: str,
    account: str,
    region: str | None,
    session: boto3.Session,
    **given: Any,
) -> list[Finding]:
    iam = _client.client("iam", session)
    resource = role_arn
    try:
        role = iam.get_role(RoleName=role_name)["Role"]
    except Exception as exc:
        err = _client.translate(exc, what=f"reading IAM role {role_name}")
        if getattr(err, "code", None) == "NoSuchEntity":
            create = "cleanroom_nb.create_role(...)"
            return [_rulebook.role_not_found(role_name, account, path="roleArn", create=create)]
        return [_unchecked(exc, "iam:GetRole", resource, "roleArn", "the role")]
    out: list[Finding] = []
    if role.get("Arn") and role["Arn"] != role_arn:
        out.append(_rulebook.role_arn_mismatch(role_name, role["Arn"]))
    trust = ev.document(role.get("AssumeRolePolicyDocument"))
    out.extend(trust_findings(trust, account, region, given.get("training_dataset_arn")))
    out.extend(_permission_findings(iam, role_name, resource, region, account, session, given))
    return out


def _permission_findings(
    iam: Any,
    role_name: str,
    resource: str,
    region: str | None,
    account: str,
    session: boto3.Session,
    given: Mapping[str, Any],
) -> list[Finding]:
    database, table = given.get("database"), given.get("table")
    s3_location, kms_key_arn = given.get("s3_location"), given.get("kms_key_arn")
    out: list[Finding] = []
    if not any((database, table, s3_location, kms_key_arn)):
        return out
    part = partition(region)
    arns = None
    if database and table:
        arns = glue_arns(
            database, table, region=region or "us-east-1", catalog_id=account, partition=part
        )
        if s3_location is None:
            s3_location = _table_location(database, table, session, out)
    s3 = None
    if s3_location:
        try:
            s3 = parse_s3_location(s3_location)
        except ValueError as exc:
            out.append(_rulebook.s3_location(str(exc)))
    statements = role_statements(iam, role_name, resource)
    needs = needed_permissions(
        arns, s3, part, kms_key_arn, account=account, bucket_key=given.get("bucket_key")
    )
    missing: dict[tuple[str, Literal["error", "warning"]], list[Need]] = {}
    for need in needs:
        decision = ev.decide(statements, need.action, need.resource, need.context)
        if decision.allowed is True:
            continue
        if decision.allowed is None:
            out.append(unknown_condition_finding(need, decision))
        elif decision.unmet:
            out.append(unmet_condition_finding(need, decision))
        else:
            missing.setdefault((need.action, need.level), []).append(need)
    for (action, level), group in missing.items():
        resources = ", ".join(dict.fromkeys(n.resource for n in group))
        fix = "cleanroom_nb.permissions_policy(...) gives a least-privilege policy" + (
            ", with kms_key_arn= for the key" if action.startswith("kms:") else ""
        )
        path = f"permissions.{action}"
        out.append(_rulebook.missing_permission(action, resources, fix, path=path, level=level))
    return out


def _context_text(need: Need) -> str:
    return ", ".join(f"{k} = {v}" for k, v in need.context.items() if v is not None)


def unmet_condition_finding(need: Need, decision: ev.Decision, fix: str | None = None) -> Finding:
    """The statement names the action and resource, but its condition cannot match ``need``'s
    request context: an error naming the failed condition, the context and ``fix``."""
    stmt, results = decision.unmet[0]
    failed = "; ".join(str(r) for r in results if r.result is False)
    if fix is None:
        fix = "cleanroom_nb.permissions_policy(...) gives a statement that matches"
        if need.action == "kms:Decrypt":
            fix = (
                "allow that context too: cleanroom_nb.permissions_policy(..., kms_key_arn=..., "
                "bucket_key=...) or cleanroom_nb.create_role(..., if_exists='update') writes it"
            )
    return _rulebook.condition_mismatch(
        need.action,
        need.resource,
        sid=stmt.get("Sid"),
        failed=failed,
        context=_context_text(need),
        why=need.why,
        fix=fix,
        level=need.level,
    )


def unknown_condition_finding(need: Need, decision: ev.Decision) -> Finding:
    """Whether ``need`` is allowed depends on conditions this check cannot evaluate."""
    pairs = decision.unknown or decision.unmet
    conditions = "; ".join(str(r) for _, results in pairs for r in results if r.result is None)
    return _rulebook.aws_unchecked(
        (
            f"could not tell whether the role may {need.action} on {need.resource}: it depends on "
            f"conditions this check cannot evaluate ({conditions or 'a Deny with conditions'}); "
            "check them yourself"
        ),
        path=f"permissions.{need.action}",
    )


def _table_location(
    database: str, table: str, session: boto3.Session, out: list[Finding]
) -> str | None:
    try:
        import awswrangler as wr

        return str(
            wr.catalog.get_table_location(database=database, table=table, boto3_session=session)
        )
    except Exception as exc:
        err = _client.translate(exc, what=f"reading the location of Glue table {database}.{table}")
        out.append(
            _rulebook.aws_unchecked(
                (
                    f"could not check the S3 permissions: {err} (needs glue:GetTable; or pass "
                    "s3_location=)"
                ),
                path="s3_location",
            )
        )
        return None
