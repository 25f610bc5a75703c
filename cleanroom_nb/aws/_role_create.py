"""create_role: make the service role for one Glue table, with the user guide's two policies.

It needs ``sts:GetCallerIdentity``, ``iam:CreateRole`` and ``iam:PutRolePolicy`` (and, with
``if_exists="update"``, ``iam:UpdateAssumeRolePolicy`` and ``iam:GetRole``). The user guide
("Set up service roles for AWS Clean Rooms ML"): "If you don't have CreateRole permissions, ask
your administrator to create the service role."
"""

from __future__ import annotations

import functools
import json
from typing import Any, Literal

import boto3
import botocore.exceptions
import botocore.session

from cleanroom_nb._errors import AccessDeniedError, AwsError, CleanroomNbError, InvalidArgumentError
from cleanroom_nb.aws import _client, _service_model
from cleanroom_nb.aws._service_role import (
    PERMISSIONS_POLICY_NAME,
    ROLE_NAME_PREFIX,
    check_key_arn,
    permissions_policy,
    trust_policy,
)

CREATE_ROLE_PERMISSIONS = ("sts:GetCallerIdentity", "iam:CreateRole", "iam:PutRolePolicy")
"""What :func:`create_role` calls (``if_exists="update"`` adds ``iam:UpdateAssumeRolePolicy``
and ``iam:GetRole``)."""


@functools.cache
def role_name_limits() -> dict[str, Any]:
    """IAM's ``RoleName`` constraints from botocore's ``iam`` model (min, max, pattern)."""
    model = botocore.session.get_session().get_service_model("iam")
    shape: Any = model.operation_model("CreateRole").input_shape
    shape = shape.members["RoleName"]
    return dict(shape.metadata)


def valid_role_name(name: str) -> bool:
    """Whether IAM accepts ``name`` as a role name (its pattern is ASCII-only, as in Java).

    Examples
    --------
    >>> valid_role_name("cleanrooms-ml-reader"), valid_role_name("cleanrooms-ml-lecteur-é")
    (True, False)
    """
    limits = role_name_limits()
    if not int(limits.get("min", 1)) <= len(name) <= int(limits.get("max", 64)):
        return False
    pattern = limits.get("pattern")
    return pattern is None or _service_model.pattern_matches(pattern, name)


def service_role_name(name: str, if_exists: str) -> str:
    """The role name to create: ``cleanrooms-ml-`` prefixed unless it is there.

    Raises
    ------
    ValueError
        ``if_exists`` is not ``"error"`` or ``"update"``, or IAM would refuse the name.

    Examples
    --------
    >>> service_role_name("reader", "error"), service_role_name("cleanrooms-ml-x", "update")
    ('cleanrooms-ml-reader', 'cleanrooms-ml-x')
    """
    if if_exists not in ("error", "update"):
        raise InvalidArgumentError(f"if_exists must be 'error' or 'update', not {if_exists!r}")
    role_name = name if name.startswith(ROLE_NAME_PREFIX) else ROLE_NAME_PREFIX + name
    if not valid_role_name(role_name):
        limits = role_name_limits()
        raise InvalidArgumentError(
            f"{role_name!r} is not a valid IAM role name: use at most {limits.get('max', 64)} "
            "ASCII letters, digits and +=,.@_- (including the cleanrooms-ml- prefix)"
        )
    return role_name


def create_role(
    name: str,
    *,
    database: str,
    table: str,
    s3_location: str,
    kms_key_arn: str | None = None,
    bucket_key: bool | None = None,
    description: str | None = None,
    if_exists: Literal["error", "update"] = "error",
    boto3_session: boto3.Session | None = None,
) -> str:
    """Create the service role for a Glue table and return its ARN.

    The role has the user guide's trust policy for training datasets of the caller's account
    and region (:func:`trust_policy`) and holds :func:`permissions_policy` as an inline policy
    (with the guide's ``kms:Decrypt`` statement when ``kms_key_arn`` is given). It is created at
    path ``/`` with a name starting ``cleanrooms-ml-`` (added when missing), so that users with
    the managed policy AWSCleanRoomsMLFullAccess may pass it (``role/cleanrooms-ml*``).

    Parameters
    ----------
    name
        The role name; ``cleanrooms-ml-`` is prefixed unless it starts with it. IAM takes at
        most 64 ASCII letters, digits and ``+=,.@_-`` (its pattern, read from botocore).
    database, table, s3_location
        The Glue table and the S3 location of its data.
    kms_key_arn, bucket_key
        The ARN of the KMS key the data is encrypted with, if any, and whether the data uses
        an S3 Bucket Key (True: KMS sees the bucket ARN; False: each object's ARN; None: both
        are allowed). See :func:`permissions_policy`.
    description
        The role's description.
    if_exists
        ``"error"`` (default) raises when the role exists; ``"update"`` replaces its trust
        policy and its inline policy.

    Raises
    ------
    ValueError
        The name is not a valid IAM role name, or ``kms_key_arn`` is not a key ARN.
    AccessDeniedError
        The caller lacks ``iam:CreateRole`` or ``iam:PutRolePolicy`` (the message says which).

    Examples
    --------
    >>> create_role("reader", database="sales", table="events",
    ...             s3_location="s3://bkt/events/")  # doctest: +SKIP
    'arn:aws:iam::123456789012:role/cleanrooms-ml-reader'
    """
    role_name = service_role_name(name, if_exists)
    if kms_key_arn is not None:
        check_key_arn(kms_key_arn)
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
            bucket_key=bucket_key,
        )
    )
    description = description or (
        f"Clean Rooms ML reads Glue table {database}.{table} and its data in S3"
    )
    return put_role(
        _client.client("iam", session), role_name, trust, permissions, description, if_exists
    )


def put_role(
    iam: Any,
    role_name: str,
    trust: str,
    permissions: str,
    description: str,
    if_exists: str,
    *,
    policy_name: str = PERMISSIONS_POLICY_NAME,
    policies: str = "cleanroom_nb.trust_policy() and cleanroom_nb.permissions_policy(...)",
    check: str = "cleanroom_nb.check_role(arn, database=..., table=...)",
) -> str:
    """Create (or, with ``if_exists="update"``, update) the role; errors name the action.

    ``policy_name`` is the name of its inline permissions policy; ``policies`` and ``check``
    name, for the error messages, the functions that give its policies and that check it.
    """
    action = "iam:CreateRole"
    try:
        try:
            arn = iam.create_role(
                RoleName=role_name, AssumeRolePolicyDocument=trust, Description=description
            )["Role"]["Arn"]
        except botocore.exceptions.ClientError as exc:
            if exc.response.get("Error", {}).get("Code") != "EntityAlreadyExists":
                raise
            if if_exists == "error":
                raise AwsError(
                    f"the IAM role {role_name!r} already exists; check it with {check}, "
                    "choose another name, or pass if_exists='update' to replace its policies",
                    code="EntityAlreadyExists",
                ) from exc
            action = "iam:UpdateAssumeRolePolicy"
            iam.update_assume_role_policy(RoleName=role_name, PolicyDocument=trust)
            action = "iam:GetRole"
            arn = iam.get_role(RoleName=role_name)["Role"]["Arn"]
        action = "iam:PutRolePolicy"
        iam.put_role_policy(RoleName=role_name, PolicyName=policy_name, PolicyDocument=permissions)
    except CleanroomNbError:
        raise
    except Exception as exc:
        err = _client.translate(exc, what=f"creating IAM role {role_name}")
        if isinstance(err, AccessDeniedError):
            needed = list(CREATE_ROLE_PERMISSIONS)
            if if_exists == "update":
                needed += ["iam:UpdateAssumeRolePolicy", "iam:GetRole"]
            raise AccessDeniedError(
                f"creating IAM role {role_name}: the caller may not {action} ({err.code}). "
                f"create_role needs {', '.join(needed)}. Ask your administrator to create the "
                f"role (the user guide's advice when you lack CreateRole), e.g. with the "
                f"policies of {policies}",
                code=err.code,
            ) from exc
        raise err from exc
    return str(arn)
