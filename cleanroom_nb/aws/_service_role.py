"""The service role's two policies, as the user guide gives them, and the names AWS matches.

* :func:`trust_policy` — who may assume the role: the service principal
  ``cleanrooms-ml.amazonaws.com`` (not ``cleanrooms.amazonaws.com``), with the user guide's
  conditions ``StringEqualsIfExists`` on ``aws:SourceAccount`` and ``ArnLikeIfExists`` on
  ``aws:SourceArn`` (training datasets of the account) — RULES.md 17.
* :func:`permissions_policy` — least privilege for one Glue table and its S3 location, with the
  guide's ``s3:ResourceAccount`` condition, plus the guide's ``kms:Decrypt`` statement for data
  encrypted with a KMS key, keyed on the encryption context KMS really sees (the bucket ARN
  with an S3 Bucket Key) — RULES.md 18.
* :func:`passable_by_managed_policy` — whether the managed policy AWSCleanRoomsMLFullAccess
  lets its holders pass a role: its ``iam:PassRole`` resource ``role/cleanrooms-ml*`` is
  matched against the role's path *and* name.

Sources: user guide "Set up service roles for AWS Clean Rooms ML"
(https://docs.aws.amazon.com/clean-rooms/latest/userguide/ml-roles.html) and the managed
policy reference for AWSCleanRoomsMLFullAccess (v4).

Examples
--------
>>> trust_policy()["Statement"][0]["Principal"]
{'Service': 'cleanrooms-ml.amazonaws.com'}
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from cleanroom_nb._errors import InvalidArgumentError
from cleanroom_nb.aws import _client

SERVICE_PRINCIPAL = "cleanrooms-ml.amazonaws.com"
"""The principal Clean Rooms ML assumes roles as."""
WRONG_PRINCIPALS = ("cleanrooms.amazonaws.com",)
"""Principals users put in by mistake (AWS Clean Rooms, not Clean Rooms ML)."""
ROLE_NAME_PREFIX = "cleanrooms-ml-"
"""Prefix :func:`create_role` gives role names, so the managed policy can pass them."""
MANAGED_PASS_ROLE_RESOURCE = "role/cleanrooms-ml*"
"""The resource (after ``arn:aws:iam::*:``) on which AWSCleanRoomsMLFullAccess allows
``iam:PassRole``; IAM matches it against ``role/<path><name>``."""
MANAGED_GET_ROLE_RESOURCES = ("role/service-role/cleanrooms-ml*", "role/role/cleanrooms-ml*")
"""The resources on which AWSCleanRoomsMLFullAccess (v4) allows ``iam:GetRole``,
``iam:ListRolePolicies`` and ``iam:ListAttachedRolePolicies`` (note: not the roles it may pass)."""
MANAGED_ROLE_READS = ("iam:GetRole", "iam:ListRolePolicies", "iam:ListAttachedRolePolicies")
"""The role reads AWSCleanRoomsMLFullAccess (v4) grants, on :data:`MANAGED_GET_ROLE_RESOURCES`."""
MANAGED_GET_POLICY_RESOURCE = "policy/*cleanroomsml*"
"""The only policies (after ``arn:aws:iam::*:``) whose ``iam:GetPolicy`` and
``iam:GetPolicyVersion`` AWSCleanRoomsMLFullAccess (v4) allows."""
MANAGED_POLICY_READS = ("iam:GetPolicy", "iam:GetPolicyVersion")
"""The policy reads AWSCleanRoomsMLFullAccess (v4) grants, on :data:`MANAGED_GET_POLICY_RESOURCE`.
It never grants ``iam:GetRolePolicy``: an inline policy cannot be read with it alone."""
CREATE_TIME_CHECKS = (
    "your identity may call cleanrooms-ml:CreateTrainingDataset, and "
    "cleanrooms-ml:TagResource when the request has tags",
    f"your identity may call iam:PassRole on the role, with iam:PassedToService "
    f"{SERVICE_PRINCIPAL}",
    "the role is in your own account",
)
"""Everything AWS checks when it creates a training dataset (API reference: "Passing a role
across AWS accounts is not allowed"; Service Authorization Reference: the actions and
``iam:PassRole``). The trust policy and the data are used only when an audience model trains
(CloudFormation: the dataset "is metadata ... read only during AudienceModel creation"). The
AccessDenied advice, the README and the emulator say exactly this."""
PERMISSIONS_POLICY_NAME = "cleanrooms-ml-training-data-access"
TRUST_STATEMENT_SID = "AllowAssumeRole"

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
TABLE_LEVEL_ACTIONS = frozenset(
    {
        "glue:GetTable",
        "glue:GetTables",
        "glue:GetPartition",
        "glue:GetPartitions",
        "glue:BatchGetPartition",
    }
)
ROLE_ARN = re.compile(r"arn:(aws[-a-z]*):iam::([0-9]{12}):role/((?:[^\s]*/)?)([^/\s]+)")
"""A role ARN: partition, account, path (``""`` or ``"a/b/"``) and name."""


def partition(region: str | None) -> str:
    """The ARN partition of a region (``aws``, ``aws-cn``, ``aws-us-gov``, ...).

    Examples
    --------
    >>> partition("cn-north-1"), partition("us-gov-west-1"), partition(None)
    ('aws-cn', 'aws-us-gov', 'aws')
    """
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


def role_resource(role_arn: str) -> str | None:
    """The part of a role ARN that IAM policies match: ``role/<path><name>`` (None if no role).

    Examples
    --------
    >>> role_resource("arn:aws:iam::123456789012:role/service-role/cleanrooms-ml-x")
    'role/service-role/cleanrooms-ml-x'
    """
    m = ROLE_ARN.fullmatch(role_arn or "")
    return None if m is None else f"role/{m[3]}{m[4]}"


def wildcard_match(pattern: str, value: str, *, case: bool = True) -> bool:
    """IAM's ``*``/``?`` wildcard match of a whole string.

    Examples
    --------
    >>> wildcard_match("role/cleanrooms-ml*", "role/cleanrooms-ml/reader")
    True
    """
    body = "".join(".*" if ch == "*" else "." if ch == "?" else re.escape(ch) for ch in pattern)
    return re.fullmatch(body, value, 0 if case else re.IGNORECASE | re.DOTALL) is not None


def passable_by_managed_policy(role_arn: str) -> bool:
    """Whether AWSCleanRoomsMLFullAccess allows ``iam:PassRole`` on this role.

    Its resource ``arn:aws:iam::*:role/cleanrooms-ml*`` is matched against the path plus the
    name, so ``role/cleanrooms-ml/reader`` is covered and ``role/service-role/cleanrooms-ml-x``
    is not.

    Examples
    --------
    >>> passable_by_managed_policy("arn:aws:iam::123456789012:role/cleanrooms-ml/reader")
    True
    >>> passable_by_managed_policy("arn:aws:iam::123456789012:role/service-role/cleanrooms-ml-r")
    False
    """
    resource = role_resource(role_arn)
    return resource is not None and wildcard_match(MANAGED_PASS_ROLE_RESOURCE, resource)


def readable_by_managed_policy(role_arn: str) -> bool:
    """Whether AWSCleanRoomsMLFullAccess allows ``iam:GetRole`` on this role.

    Examples
    --------
    >>> readable_by_managed_policy("arn:aws:iam::123456789012:role/cleanrooms-ml-r")
    False
    """
    resource = role_resource(role_arn)
    return resource is not None and any(
        wildcard_match(p, resource) for p in MANAGED_GET_ROLE_RESOURCES
    )


def pass_role_note(role_arn: str) -> str:
    """What to say about ``iam:PassRole`` for a role the managed policy cannot pass ("" if it can).

    Examples
    --------
    >>> "path" in pass_role_note("arn:aws:iam::123456789012:role/service-role/cleanrooms-ml-r")
    True
    """
    if passable_by_managed_policy(role_arn):
        return ""
    resource = role_resource(role_arn) or role_arn
    return (
        f"the managed policy AWSCleanRoomsMLFullAccess allows iam:PassRole only on "
        f"{MANAGED_PASS_ROLE_RESOURCE}, matched against the role's path and name, and this role "
        f"is {resource}; so iam:PassRole may be denied. Use a role at path / named "
        "cleanrooms-ml-... (cleanroom_nb.create_role makes one), or make sure your own policy "
        "allows iam:PassRole on it"
    )


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
        raise InvalidArgumentError(
            f"{s3_location!r} is not an S3 location; write it as s3://bucket/prefix/"
        )
    return bucket, prefix.lstrip("/")


def training_dataset_arn_pattern(account_id: str, region: str | None) -> str:
    """The ``aws:SourceArn`` the user guide puts in the trust policy (any training dataset).

    Examples
    --------
    >>> training_dataset_arn_pattern("123456789012", "eu-west-1")
    'arn:aws:cleanrooms-ml:eu-west-1:123456789012:training-dataset/*'
    """
    return f"arn:{partition(region)}:cleanrooms-ml:{region or '*'}:{account_id}:training-dataset/*"


def trust_policy(account_id: str | None = None, region: str | None = None) -> dict[str, Any]:
    """The trust policy of the user guide: Clean Rooms ML may assume the role, nobody else.

    Parameters
    ----------
    account_id
        When given, the guide's conditions are added: ``StringEqualsIfExists`` on
        ``aws:SourceAccount`` (this account) and ``ArnLikeIfExists`` on ``aws:SourceArn``
        (training datasets of this account). The guide adds that the SourceArn can be
        narrowed to one training dataset once it exists.
    region
        Narrows ``aws:SourceArn`` to training datasets of this region (any region when None).

    Examples
    --------
    >>> p = trust_policy("123456789012", "us-east-1")
    >>> p["Statement"][0]["Action"]
    'sts:AssumeRole'
    >>> p["Statement"][0]["Condition"]["ArnLikeIfExists"]["aws:SourceArn"]
    'arn:aws:cleanrooms-ml:us-east-1:123456789012:training-dataset/*'
    """
    statement: dict[str, Any] = {
        "Sid": TRUST_STATEMENT_SID,
        "Effect": "Allow",
        "Principal": {"Service": SERVICE_PRINCIPAL},
        "Action": "sts:AssumeRole",
    }
    if account_id is not None:
        statement["Condition"] = {
            "StringEqualsIfExists": {"aws:SourceAccount": [account_id]},
            "ArnLikeIfExists": {"aws:SourceArn": training_dataset_arn_pattern(account_id, region)},
        }
    return {"Version": "2012-10-17", "Statement": [statement]}


def glue_arns(
    database: str, table: str, *, region: str, catalog_id: str, partition: str
) -> dict[str, str]:
    """The Glue ARNs the role reads: catalog, database, table and the ``default`` database."""
    base = f"arn:{partition}:glue:{region}:{catalog_id}"
    return {
        "catalog": f"{base}:catalog",
        "database": f"{base}:database/{database}",
        "table": f"{base}:table/{database}/{table}",
        "default": f"{base}:database/default",
    }


def key_prefix(prefix: str) -> str:
    """A key prefix as a "folder": ``""`` or ending in ``/``."""
    return prefix if not prefix or prefix.endswith("/") else prefix + "/"


KMS_KEY_ARN = re.compile(r"arn:aws[-a-z]*:kms:[a-z0-9-]+:[0-9]{12}:key/[-a-zA-Z0-9_]+")
"""A KMS key ARN, as an IAM policy ``Resource`` needs it (not an alias, not a bare key id)."""
ENCRYPTION_CONTEXT_KEY = "kms:EncryptionContext:aws:s3:arn"
"""The condition key of the user guide's kms:Decrypt statement: what S3 passes to KMS."""


def check_key_arn(kms_key_arn: str) -> str:
    """``kms_key_arn`` when it is a key ARN; a ValueError that says how to get one otherwise.

    Examples
    --------
    >>> check_key_arn("alias/data")
    Traceback (most recent call last):
    ...
    cleanroom_nb._errors.InvalidArgumentError: 'alias/data' is not a KMS key ARN; an IAM policy names keys by ARN (arn:aws:kms:<region>:<account>:key/<key id>). Resolve an alias or key id with boto3.client('kms').describe_key(KeyId='alias/data')['KeyMetadata']['Arn']
    """
    if KMS_KEY_ARN.fullmatch(kms_key_arn or "") is None:
        raise InvalidArgumentError(
            f"{kms_key_arn!r} is not a KMS key ARN; an IAM policy names keys by ARN "
            "(arn:aws:kms:<region>:<account>:key/<key id>). Resolve an alias or key id with "
            f"boto3.client('kms').describe_key(KeyId={kms_key_arn!r})['KeyMetadata']['Arn']"
        )
    return kms_key_arn


def kms_contexts(bucket: str, prefix: str, *, partition: str, bucket_key: bool | None) -> list[str]:
    """The ``kms:EncryptionContext:aws:s3:arn`` values KMS sees for the data, as ARN patterns.

    Without an S3 Bucket Key, S3 passes the object's ARN; with one, the bucket's ARN (S3 User
    Guide, "Reducing the cost of SSE-KMS with Amazon S3 Bucket Keys": "S3 Bucket Keys use the
    bucket ARN as encryption context"). ``bucket_key=None`` (not known, or mixed: objects
    written before the bucket got a Bucket Key keep the object ARN) gives both.

    Examples
    --------
    >>> kms_contexts("bkt", "events/", partition="aws", bucket_key=None)
    ['arn:aws:s3:::bkt/events/*', 'arn:aws:s3:::bkt']
    """
    objects = f"arn:{partition}:s3:::{bucket}/{prefix}*"
    whole = f"arn:{partition}:s3:::{bucket}"
    if bucket_key is None:
        return [objects, whole]
    return [whole] if bucket_key else [objects]


def kms_statement(
    kms_key_arn: str,
    bucket: str,
    prefix: str,
    *,
    partition: str,
    bucket_key: bool | None = None,
    actions: Sequence[str] = ("kms:Decrypt",),
    sid: str = "KmsDecryptData",
) -> dict[str, Any]:
    """The user guide's statement for data encrypted with a KMS key, for the context KMS sees.

    ``actions`` (``kms:Decrypt`` to read the training data) on the key (an ARN), with
    ``ArnLike`` on ``kms:EncryptionContext:aws:s3:arn``: the objects of the data's folder (the
    guide's), the bucket ARN when the data uses an S3 Bucket Key, or both (``bucket_key=None``).

    Examples
    --------
    >>> s = kms_statement("arn:aws:kms:us-east-1:111122223333:key/k", "bkt", "events/",
    ...                   partition="aws", bucket_key=False)
    >>> s["Condition"]["ArnLike"]
    {'kms:EncryptionContext:aws:s3:arn': 'arn:aws:s3:::bkt/events/*'}
    """
    contexts = kms_contexts(bucket, prefix, partition=partition, bucket_key=bucket_key)
    return {
        "Sid": sid,
        "Effect": "Allow",
        "Action": list(actions),
        "Resource": [check_key_arn(kms_key_arn)],
        "Condition": {
            "ArnLike": {ENCRYPTION_CONTEXT_KEY: contexts[0] if len(contexts) == 1 else contexts}
        },
    }


def permissions_policy(
    database: str,
    table: str,
    s3_location: str,
    *,
    region: str,
    account_id: str,
    kms_key_arn: str | None = None,
    bucket_key: bool | None = None,
    catalog_id: str | None = None,
    bucket_account: str | None = None,
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
        The ARN of the KMS key the data is encrypted with (SSE-KMS), if any: adds the user
        guide's ``kms:Decrypt`` statement (:func:`kms_statement`). An alias or a key id is
        refused (ValueError): a policy needs the key ARN.
    bucket_key
        Whether the data uses an S3 Bucket Key: True, KMS sees the bucket ARN as encryption
        context; False, each object's ARN (the guide's statement); None (default, not known),
        the statement allows both. ``validate_request`` names it for your data.
    catalog_id
        The Glue catalog's account when it is not ``account_id``.
    bucket_account
        The account that owns the S3 bucket when it is not ``account_id``: the guide's
        ``s3:ResourceAccount`` condition on the S3 statements names it.

    Examples
    --------
    >>> p = permissions_policy("sales", "events", "s3://bkt/events/", region="us-east-1",
    ...                        account_id="123456789012")
    >>> [s["Sid"] for s in p["Statement"]]
    ['GlueReadTable', 'GlueDefaultDatabase', 'S3ReadData', 'S3ListDataPrefix', 'S3BucketLocation']
    >>> p["Statement"][2]["Resource"]
    'arn:aws:s3:::bkt/events/*'
    >>> p["Statement"][2]["Condition"]
    {'StringEquals': {'s3:ResourceAccount': ['123456789012']}}
    """
    part = partition(region)
    arns = glue_arns(
        database, table, region=region, catalog_id=catalog_id or account_id, partition=part
    )
    bucket, prefix = parse_s3_location(s3_location)
    folder = key_prefix(prefix)
    bucket_arn = f"arn:{part}:s3:::{bucket}"
    owner = {"s3:ResourceAccount": [bucket_account or account_id]}
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
            "Resource": f"{bucket_arn}/{folder}*",
            "Condition": {"StringEquals": dict(owner)},
        },
    ]
    list_statement: dict[str, Any] = {
        "Sid": "S3ListDataPrefix",
        "Effect": "Allow",
        "Action": ["s3:ListBucket"],
        "Resource": bucket_arn,
        "Condition": {"StringEquals": dict(owner)},
    }
    if folder:
        list_statement["Condition"]["StringLike"] = {"s3:prefix": [folder, f"{folder}*"]}
    statements.append(list_statement)
    statements.append(
        {
            "Sid": "S3BucketLocation",
            "Effect": "Allow",
            "Action": ["s3:GetBucketLocation"],
            "Resource": bucket_arn,
            "Condition": {"StringEquals": dict(owner)},
        }
    )
    if kms_key_arn:
        statements.append(
            kms_statement(kms_key_arn, bucket, folder, partition=part, bucket_key=bucket_key)
        )
    return {"Version": "2012-10-17", "Statement": statements}
