"""The service role Clean Rooms ML assumes to read the training data: make it, and check it.

* :func:`trust_policy` — who may assume the role: the service principal
  ``cleanrooms-ml.amazonaws.com`` (not ``cleanrooms.amazonaws.com``), limited to training
  datasets of your account (``aws:SourceAccount``, ``aws:SourceArn``) — RULES.md 17.
* :func:`permissions_policy` — least privilege for one Glue table and its S3 location: Glue
  reads on the catalog, database and table, ``glue:CreateDatabase`` on ``default``,
  ``s3:GetObject`` on the data prefix, ``s3:ListBucket`` (for that prefix) and
  ``s3:GetBucketLocation`` on the bucket, ``kms:Decrypt`` for a customer key — RULES.md 18.
* :func:`check_role` — reads a role through IAM and reports what would make Clean Rooms ML
  fail: a missing or wrong trust principal, missing permissions, another account, a name the
  managed policy ``AWSCleanRoomsMLFullAccess`` cannot pass.
* :func:`create_role` — creates such a role, named ``cleanrooms-ml-...``.

Examples
--------
>>> trust_policy()["Statement"][0]["Principal"]
{'Service': 'cleanrooms-ml.amazonaws.com'}
"""

from __future__ import annotations

import json
import re
import urllib.parse
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal

import boto3
import botocore.exceptions

from cleanroom_nb._errors import AwsError, CleanroomNbError
from cleanroom_nb._findings import Finding, Findings
from cleanroom_nb.aws import _client

SERVICE_PRINCIPAL = "cleanrooms-ml.amazonaws.com"
"""The principal Clean Rooms ML assumes roles as."""
WRONG_PRINCIPALS = ("cleanrooms.amazonaws.com",)
"""Principals users put in by mistake (AWS Clean Rooms, not Clean Rooms ML)."""
ROLE_NAME_PREFIX = "cleanrooms-ml-"
"""Prefix of role names that AWSCleanRoomsMLFullAccess allows to pass (``cleanrooms-ml*``)."""
PERMISSIONS_POLICY_NAME = "cleanrooms-ml-training-data-access"

GLUE_READ_ACTIONS = (
    "glue:GetDatabase",
    "glue:GetDatabases",
    "glue:GetTable",
    "glue:GetTables",
    "glue:GetPartition",
    "glue:GetPartitions",
    "glue:BatchGetPartition",
    "glue:GetUserDefinedFunctions",
)
_TABLE_LEVEL = frozenset(
    {
        "glue:GetTable",
        "glue:GetTables",
        "glue:GetPartition",
        "glue:GetPartitions",
        "glue:BatchGetPartition",
    }
)
_ROLE_ARN = re.compile(r"arn:(aws[-a-z]*):iam::([0-9]{12}):role/(?:.*/)?([^/]+)")


def _partition(region: str | None) -> str:
    """The ARN partition of a region (``aws``, ``aws-cn``, ``aws-us-gov``, ...)."""
    if not region:
        return "aws"
    known = _client.partition_for_region(region)
    if known is not None:
        return known
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"


def parse_s3_location(s3_location: str) -> tuple[str, str]:
    """Split ``s3://bucket/prefix/`` into the bucket and the key prefix (``""`` for none).

    Examples
    --------
    >>> parse_s3_location("s3://my-bucket/data/events/")
    ('my-bucket', 'data/events/')
    """
    scheme, _, rest = s3_location.partition("://")
    bucket, prefix = _client.split_s3_uri("s3://" + rest) if scheme.lower() == "s3" else ("", "")
    if not bucket:
        raise ValueError(f"{s3_location!r} is not an S3 location; write it as s3://bucket/prefix/")
    return bucket, prefix.lstrip("/")


def trust_policy(account_id: str | None = None, region: str | None = None) -> dict[str, Any]:
    """The trust policy that lets Clean Rooms ML assume the role, and nobody else.

    Parameters
    ----------
    account_id
        When given, the role may be assumed only for resources of this account
        (``aws:SourceAccount``) and only for training datasets (``aws:SourceArn``).
    region
        Narrows ``aws:SourceArn`` to training datasets of this region (any region when None).

    Examples
    --------
    >>> p = trust_policy("123456789012", "us-east-1")
    >>> p["Statement"][0]["Action"]
    'sts:AssumeRole'
    >>> p["Statement"][0]["Condition"]["ArnLike"]["aws:SourceArn"]
    'arn:aws:cleanrooms-ml:us-east-1:123456789012:training-dataset/*'

    """
    statement: dict[str, Any] = {
        "Effect": "Allow",
        "Principal": {"Service": SERVICE_PRINCIPAL},
        "Action": "sts:AssumeRole",
    }
    if account_id is not None:
        source_arn = (
            f"arn:{_partition(region)}:cleanrooms-ml:{region or '*'}:{account_id}:"
            "training-dataset/*"
        )
        statement["Condition"] = {
            "StringEquals": {"aws:SourceAccount": account_id},
            "ArnLike": {"aws:SourceArn": source_arn},
        }
    return {"Version": "2012-10-17", "Statement": [statement]}


def _glue_arns(
    database: str, table: str, *, region: str, catalog_id: str, partition: str
) -> dict[str, str]:
    base = f"arn:{partition}:glue:{region}:{catalog_id}"
    return {
        "catalog": f"{base}:catalog",
        "database": f"{base}:database/{database}",
        "table": f"{base}:table/{database}/{table}",
        "default": f"{base}:database/default",
    }


def permissions_policy(
    database: str,
    table: str,
    s3_location: str,
    *,
    region: str,
    account_id: str,
    kms_key_arn: str | None = None,
    catalog_id: str | None = None,
) -> dict[str, Any]:
    """A least-privilege permissions policy to read one Glue table and its data in S3.

    Parameters
    ----------
    database, table
        The Glue table of the training data.
    s3_location
        Where its data lies, ``s3://bucket/prefix/`` (the table's location).
    region, account_id
        Region and account of the Glue catalog (and of the Clean Rooms ML resources).
    kms_key_arn
        The customer-managed KMS key the data is encrypted with, if any.
    catalog_id
        The Glue catalog's account when it is not ``account_id``.

    Examples
    --------
    >>> p = permissions_policy("sales", "events", "s3://bkt/events/", region="us-east-1",
    ...                        account_id="123456789012")
    >>> [s["Sid"] for s in p["Statement"]]
    ['GlueReadTable', 'GlueDefaultDatabase', 'S3ReadData', 'S3ListDataPrefix', 'S3BucketLocation']
    >>> p["Statement"][2]["Resource"]
    'arn:aws:s3:::bkt/events/*'
    """
    partition = _partition(region)
    arns = _glue_arns(
        database, table, region=region, catalog_id=catalog_id or account_id, partition=partition
    )
    bucket, prefix = parse_s3_location(s3_location)
    key_prefix = prefix if not prefix or prefix.endswith("/") else prefix + "/"
    bucket_arn = f"arn:{partition}:s3:::{bucket}"
    statements: list[dict[str, Any]] = [
        {
            "Sid": "GlueReadTable",
            "Effect": "Allow",
            "Action": list(GLUE_READ_ACTIONS),
            "Resource": [arns["catalog"], arns["database"], arns["table"], arns["default"]],
        },
        {
            "Sid": "GlueDefaultDatabase",
            "Effect": "Allow",
            "Action": ["glue:CreateDatabase"],
            "Resource": [arns["catalog"], arns["default"]],
        },
        {
            "Sid": "S3ReadData",
            "Effect": "Allow",
            "Action": ["s3:GetObject"],
            "Resource": f"{bucket_arn}/{key_prefix}*",
        },
    ]
    list_statement: dict[str, Any] = {
        "Sid": "S3ListDataPrefix",
        "Effect": "Allow",
        "Action": ["s3:ListBucket"],
        "Resource": bucket_arn,
    }
    if key_prefix:
        list_statement["Condition"] = {"StringLike": {"s3:prefix": [key_prefix, f"{key_prefix}*"]}}
    statements.append(list_statement)
    statements.append(
        {
            "Sid": "S3BucketLocation",
            "Effect": "Allow",
            "Action": ["s3:GetBucketLocation"],
            "Resource": bucket_arn,
        }
    )
    if kms_key_arn:
        statements.append(
            {
                "Sid": "KmsDecryptData",
                "Effect": "Allow",
                "Action": ["kms:Decrypt"],
                "Resource": kms_key_arn,
                "Condition": {"StringEquals": {"kms:ViaService": f"s3.{region}.amazonaws.com"}},
            }
        )
    return {"Version": "2012-10-17", "Statement": statements}


# ----------------------------------------------------------------------- policy evaluation


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return list(value)
    return [value]


def _document(doc: Any) -> dict[str, Any]:
    """A policy document as a dict (IAM answers URL-encoded JSON; boto3 usually decodes it)."""
    if isinstance(doc, Mapping):
        return dict(doc)
    if isinstance(doc, str):
        text = doc if doc.lstrip().startswith("{") else urllib.parse.unquote(doc)
        loaded = json.loads(text)
        return dict(loaded) if isinstance(loaded, Mapping) else {}
    return {}


def _wildcard(pattern: str, *, case: bool) -> re.Pattern[str]:
    body = "".join(".*" if ch == "*" else "." if ch == "?" else re.escape(ch) for ch in pattern)
    return re.compile(body, 0 if case else re.IGNORECASE)


def _matches_any(patterns: Iterable[str], value: str, *, case: bool) -> bool:
    return any(_wildcard(str(p), case=case).fullmatch(value) for p in patterns)


def _statement_applies(stmt: Mapping[str, Any], action: str, resource: str) -> bool:
    if "Action" in stmt:
        action_ok = _matches_any(_as_list(stmt["Action"]), action, case=False)
    else:
        action_ok = not _matches_any(_as_list(stmt.get("NotAction")), action, case=False)
    if not action_ok:
        return False
    if "Resource" in stmt:
        return _matches_any(_as_list(stmt["Resource"]), resource, case=True)
    if "NotResource" in stmt:
        return not _matches_any(_as_list(stmt["NotResource"]), resource, case=True)
    return False


def is_allowed(statements: Sequence[Mapping[str, Any]], action: str, resource: str) -> bool:
    """Whether identity-policy ``statements`` allow ``action`` on ``resource``.

    A simple evaluation: ``*``/``?`` wildcards, ``NotAction``/``NotResource``, and an explicit
    Deny wins. Conditions are not evaluated (a conditional Allow counts as an Allow), and
    permission boundaries, SCPs and resource policies are not considered.

    Examples
    --------
    >>> stmts = [{"Effect": "Allow", "Action": "glue:Get*", "Resource": "*"}]
    >>> is_allowed(stmts, "glue:GetTable", "arn:aws:glue:us-east-1:1:table/db/t")
    True
    >>> is_allowed(stmts, "glue:CreateDatabase", "arn:aws:glue:us-east-1:1:database/default")
    False
    """
    allowed = False
    for stmt in statements:
        if not _statement_applies(stmt, action, resource):
            continue
        if stmt.get("Effect") == "Deny":
            return False
        if stmt.get("Effect") == "Allow":
            allowed = True
    return allowed


def _needed_permissions(
    arns: Mapping[str, str] | None, s3: tuple[str, str] | None, partition: str
) -> list[tuple[str, list[str], Literal["error", "warning"]]]:
    """(action, resources, level) that the role needs."""
    needed: list[tuple[str, list[str], Literal["error", "warning"]]] = []
    if arns is not None:
        for action in GLUE_READ_ACTIONS:
            resources = [arns["catalog"], arns["database"]]
            if action in _TABLE_LEVEL:
                resources.append(arns["table"])
            needed.append((action, resources, "error"))
        needed.append(("glue:CreateDatabase", [arns["default"]], "warning"))
    if s3 is not None:
        bucket, prefix = s3
        bucket_arn = f"arn:{partition}:s3:::{bucket}"
        key = prefix if prefix.endswith("/") or not prefix else prefix + "/"
        needed.append(("s3:GetObject", [f"{bucket_arn}/{key}part-00000.parquet"], "error"))
        needed.append(("s3:ListBucket", [bucket_arn], "error"))
        needed.append(("s3:GetBucketLocation", [bucket_arn], "error"))
    return needed


# ------------------------------------------------------------------------------ check_role


def _iam_statements(iam: Any, role_name: str) -> list[dict[str, Any]]:
    statements: list[dict[str, Any]] = []
    for page in iam.get_paginator("list_role_policies").paginate(RoleName=role_name):
        for policy_name in page.get("PolicyNames", []):
            doc = iam.get_role_policy(RoleName=role_name, PolicyName=policy_name)
            statements.extend(_as_list(_document(doc["PolicyDocument"]).get("Statement")))
    for page in iam.get_paginator("list_attached_role_policies").paginate(RoleName=role_name):
        for attached in page.get("AttachedPolicies", []):
            arn = attached["PolicyArn"]
            version = iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"]
            doc = iam.get_policy_version(PolicyArn=arn, VersionId=version)["PolicyVersion"]
            statements.extend(_as_list(_document(doc["Document"]).get("Statement")))
    return [s for s in statements if isinstance(s, Mapping)]


def _service_principals(stmt: Mapping[str, Any]) -> list[str]:
    principal = stmt.get("Principal")
    if principal == "*":
        return ["*"]
    if isinstance(principal, Mapping):
        return [str(p) for p in _as_list(principal.get("Service"))]
    return []


def _condition_values(condition: Any) -> list[tuple[str, Any]]:
    """(lower-cased condition key, expected values) of a policy Condition block."""
    out: list[tuple[str, Any]] = []
    if isinstance(condition, Mapping):
        for values in condition.values():
            if isinstance(values, Mapping):
                out.extend((str(k).lower(), v) for k, v in values.items())
    return out


def _trust_findings(
    trust: Mapping[str, Any], account: str | None, region: str | None
) -> list[Finding]:
    out: list[Finding] = []
    statements = [s for s in _as_list(trust.get("Statement")) if isinstance(s, Mapping)]
    assume = [
        s
        for s in statements
        if _matches_any(_as_list(s.get("Action")), "sts:AssumeRole", case=False)
    ]
    denied = [
        s
        for s in assume
        if s.get("Effect") == "Deny"
        and (SERVICE_PRINCIPAL in _service_principals(s) or "*" in _service_principals(s))
    ]
    allowing = [
        s
        for s in assume
        if s.get("Effect") == "Allow" and SERVICE_PRINCIPAL in _service_principals(s)
    ]
    fix = (
        "replace the trust policy with cleanroom_nb.trust_policy(account_id, region) "
        "(aws iam update-assume-role-policy)"
    )
    if denied:
        out.append(
            Finding(
                "error",
                "trust",
                "trust_denied",
                f"the trust policy denies sts:AssumeRole to {SERVICE_PRINCIPAL}; "
                f"remove that Deny, or {fix}",
            )
        )
    if not allowing:
        wrong = sorted(
            {
                p
                for s in assume
                if s.get("Effect") == "Allow"
                for p in _service_principals(s)
                if p in WRONG_PRINCIPALS
            }
        )
        if wrong:
            out.append(
                Finding(
                    "error",
                    "trust",
                    "wrong_trust_principal",
                    f"the trust policy names {', '.join(wrong)} (AWS Clean Rooms), but Clean Rooms "
                    f"ML assumes the role as {SERVICE_PRINCIPAL}; change the principal, or {fix}",
                )
            )
        else:
            out.append(
                Finding(
                    "error",
                    "trust",
                    "missing_trust",
                    f"the trust policy does not let {SERVICE_PRINCIPAL} perform sts:AssumeRole, so "
                    f"Clean Rooms ML cannot use the role; {fix}",
                )
            )
        return out
    # Conditions: wrong ones block the service; none at all is a confused-deputy risk.
    conditions = [s.get("Condition") or {} for s in allowing]
    if all(not c for c in conditions):
        out.append(
            Finding(
                "warning",
                "trust",
                "trust_unconditioned",
                "the trust policy lets the service assume the role for any account's resources; "
                "add conditions on aws:SourceAccount and aws:SourceArn (cleanroom_nb.trust_policy "
                "with account_id and region) against the confused-deputy problem",
            )
        )
    for cond in conditions:
        for key, expected in _condition_values(cond):
            listed = [str(v) for v in _as_list(expected)]
            if account is None:
                continue
            if key == "aws:sourceaccount" and account not in listed:
                out.append(
                    Finding(
                        "error",
                        "trust",
                        "trust_source_account",
                        f"the trust policy allows only source account(s) {', '.join(listed)}, "
                        f"not {account}; {fix}",
                    )
                )
            sample = (
                f"arn:{_partition(region)}:cleanrooms-ml:{region or 'us-east-1'}:"
                f"{account}:training-dataset/example"
            )
            if key == "aws:sourcearn" and not _matches_any(listed, sample, case=True):
                out.append(
                    Finding(
                        "error",
                        "trust",
                        "trust_source_arn",
                        f"the trust policy's aws:SourceArn {', '.join(listed)} does not match "
                        f"training datasets of account {account} in {region}; {fix}",
                    )
                )
    return out


def check_role(
    role_arn: str,
    *,
    database: str | None = None,
    table: str | None = None,
    s3_location: str | None = None,
    boto3_session: boto3.Session | None = None,
) -> Findings:
    """Read a service role through IAM and report what would stop Clean Rooms ML using it.

    Checks the trust policy (principal ``cleanrooms-ml.amazonaws.com``, a Deny, conditions),
    the role's account against the caller's, the role name (``cleanrooms-ml*`` for the managed
    policy's ``iam:PassRole``), and — when a Glue table and/or an S3 location is given — that
    its inline and attached policies allow the reads of RULES.md 18. When only the table is
    given, its S3 location is read from Glue.

    The permission check is a simple evaluation (wildcards, Deny wins; conditions, permission
    boundaries and SCPs are not evaluated).

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
    match = _ROLE_ARN.fullmatch(role_arn or "")
    if match is None:
        findings.append(
            Finding(
                "error",
                "roleArn",
                "pattern",
                f"{role_arn!r} is not an IAM role ARN; write it as "
                "arn:aws:iam::<12-digit account>:role/<name>",
            )
        )
        return findings
    _, role_account, role_name = match.groups()
    session = _client.session(boto3_session)
    region = session.region_name
    try:
        account = _client.caller_account(what="asking STS who the caller is", boto3_session=session)
    except CleanroomNbError as exc:
        findings.append(Finding("error", "roleArn", "aws_unchecked", str(exc)))
        return findings
    if role_account != account:
        findings.append(
            Finding(
                "error",
                "roleArn",
                "role_account",
                f"the role is in account {role_account}, but you call from account {account}; "
                "Clean Rooms ML only uses roles of the caller's account. Create one there with "
                "cleanroom_nb.create_role(...)",
            )
        )
    if not role_name.startswith("cleanrooms-ml"):
        findings.append(
            Finding(
                "warning",
                "roleArn",
                "role_name",
                f"the role name {role_name!r} does not start with 'cleanrooms-ml': the managed "
                "policy AWSCleanRoomsMLFullAccess lets users pass only roles named cleanrooms-ml*, "
                "so iam:PassRole may be denied; name it cleanrooms-ml-... or grant iam:PassRole "
                "on it explicitly",
            )
        )
    if role_account != account:
        return findings  # another account's role cannot be read with these credentials
    iam = _client.client("iam", session)
    try:
        role = iam.get_role(RoleName=role_name)["Role"]
    except Exception as exc:
        err = _client.translate(exc, what=f"reading IAM role {role_name}")
        if getattr(err, "code", None) == "NoSuchEntity":
            findings.append(
                Finding(
                    "error",
                    "roleArn",
                    "role_not_found",
                    f"there is no IAM role {role_name!r} in account {account}; create it with "
                    "cleanroom_nb.create_role(...) or fix the ARN",
                )
            )
        else:
            findings.append(
                Finding("warning", "roleArn", "aws_unchecked", f"{err} (the role was not checked)")
            )
        return findings
    if role.get("Arn") and role["Arn"] != role_arn:
        findings.append(
            Finding(
                "error",
                "roleArn",
                "role_arn_mismatch",
                f"the role {role_name!r} has the ARN {role['Arn']}; use that ARN "
                "(the path differs)",
            )
        )
    findings.extend(
        _trust_findings(_document(role.get("AssumeRolePolicyDocument")), account, region)
    )
    findings.extend(
        _permission_findings(iam, role_name, database, table, s3_location, region, account, session)
    )
    return findings


def _permission_findings(
    iam: Any,
    role_name: str,
    database: str | None,
    table: str | None,
    s3_location: str | None,
    region: str | None,
    account: str,
    session: boto3.Session,
) -> list[Finding]:
    out: list[Finding] = []
    if database is None and table is None and s3_location is None:
        return out
    partition = _partition(region)
    arns = None
    if database and table:
        arns = _glue_arns(
            database, table, region=region or "us-east-1", catalog_id=account, partition=partition
        )
        if s3_location is None:
            s3_location = _table_location(database, table, session, out)
    s3 = None
    if s3_location:
        try:
            s3 = parse_s3_location(s3_location)
        except ValueError as exc:
            out.append(Finding("error", "s3_location", "s3_location", str(exc)))
    try:
        statements = _iam_statements(iam, role_name)
    except Exception as exc:
        err = _client.translate(exc, what=f"reading the policies of IAM role {role_name}")
        out.append(
            Finding(
                "warning",
                "permissions",
                "aws_unchecked",
                f"{err} (the permissions were not checked)",
            )
        )
        return out
    for action, resources, level in _needed_permissions(arns, s3, partition):
        missing = [r for r in resources if not is_allowed(statements, action, r)]
        if missing:
            out.append(
                Finding(
                    level,
                    f"permissions.{action}",
                    "missing_permission",
                    f"the role's policies do not allow {action} on {', '.join(missing)}; add it "
                    "(cleanroom_nb.permissions_policy(...) gives a least-privilege policy)",
                )
            )
    return out


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
            Finding(
                "warning",
                "s3_location",
                "aws_unchecked",
                f"{err}; the S3 permissions were not checked (pass s3_location=)",
            )
        )
        return None


# ----------------------------------------------------------------------------- create_role


def create_role(
    name: str,
    *,
    database: str,
    table: str,
    s3_location: str,
    kms_key_arn: str | None = None,
    description: str | None = None,
    if_exists: Literal["error", "update"] = "error",
    boto3_session: boto3.Session | None = None,
) -> str:
    """Create the service role for a Glue table and return its ARN.

    The role trusts only ``cleanrooms-ml.amazonaws.com`` for training datasets of the caller's
    account and region (:func:`trust_policy`) and holds :func:`permissions_policy` as an inline
    policy. Its name starts with ``cleanrooms-ml-`` (added when missing) so that users with the
    managed policy AWSCleanRoomsMLFullAccess may pass it.

    Parameters
    ----------
    name
        The role name; ``cleanrooms-ml-`` is prefixed unless it starts with it.
    database, table, s3_location
        The Glue table and the S3 location of its data.
    kms_key_arn
        The customer-managed KMS key of the data, if any.
    description
        The role's description.
    if_exists
        ``"error"`` (default) raises when the role exists; ``"update"`` replaces its trust
        policy and its inline policy.

    Examples
    --------
    >>> create_role("reader", database="sales", table="events",
    ...             s3_location="s3://bkt/events/")  # doctest: +SKIP
    'arn:aws:iam::123456789012:role/cleanrooms-ml-reader'
    """
    if if_exists not in ("error", "update"):
        raise ValueError(f"if_exists must be 'error' or 'update', not {if_exists!r}")
    role_name = name if name.startswith(ROLE_NAME_PREFIX) else ROLE_NAME_PREFIX + name
    if len(role_name) > 64 or not re.fullmatch(r"[\w+=,.@-]+", role_name):
        raise ValueError(
            f"{role_name!r} is not a valid IAM role name: use at most 64 letters, digits and "
            "+=,.@_- (including the cleanrooms-ml- prefix)"
        )
    session = _client.session(boto3_session)
    region = session.region_name or "us-east-1"
    account = _client.caller_account(what="asking STS who the caller is", boto3_session=session)
    trust = json.dumps(trust_policy(account, region))
    permissions = json.dumps(
        permissions_policy(
            database,
            table,
            s3_location,
            region=region,
            account_id=account,
            kms_key_arn=kms_key_arn,
        )
    )
    iam = _client.client("iam", session)
    try:
        try:
            arn = iam.create_role(
                RoleName=role_name,
                AssumeRolePolicyDocument=trust,
                Description=description
                or f"Clean Rooms ML reads Glue table {database}.{table} and its data in S3",
            )["Role"]["Arn"]
        except botocore.exceptions.ClientError as exc:
            if exc.response.get("Error", {}).get("Code") != "EntityAlreadyExists":
                raise
            if if_exists == "error":
                raise AwsError(
                    f"the IAM role {role_name!r} already exists; check it with "
                    "cleanroom_nb.check_role(arn, database=..., table=...), choose another "
                    "name, or pass if_exists='update' to replace its policies",
                    code="EntityAlreadyExists",
                ) from exc
            iam.update_assume_role_policy(RoleName=role_name, PolicyDocument=trust)
            arn = iam.get_role(RoleName=role_name)["Role"]["Arn"]
        iam.put_role_policy(
            RoleName=role_name, PolicyName=PERMISSIONS_POLICY_NAME, PolicyDocument=permissions
        )
    except CleanroomNbError:
        raise
    except Exception as exc:
        raise _client.translate(exc, what=f"creating IAM role {role_name}") from exc
    return str(arn)
