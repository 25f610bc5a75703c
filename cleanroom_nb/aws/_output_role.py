"""The output role: Clean Rooms ML assumes it to write lookalike segments to your S3 location.

A configured audience model names an S3 destination and a role (``outputConfig``). The user
guide ("Set up service roles for AWS Clean Rooms ML", section "Create a service role to write a
lookalike segment", https://docs.aws.amazon.com/clean-rooms/latest/userguide/ml-roles.html)
gives both policies:

* trust: the service principal ``cleanrooms-ml.amazonaws.com`` may ``sts:AssumeRole`` under
  ``StringEqualsIfExists`` on ``aws:SourceAccount`` and ``ArnLikeIfExists`` on ``aws:SourceArn``
  ``arn:aws:cleanrooms-ml:<region>:<account>:configured-audience-model/*``;
* permissions: ``s3:ListBucket`` and ``s3:GetBucketLocation`` on the bucket, ``s3:PutObject`` on
  the folder's objects, each under ``StringEquals`` ``s3:ResourceAccount``; "If you need to use a
  KMS key to encrypt data", ``kms:Encrypt``, ``kms:GenerateDataKey*`` and ``kms:ReEncrypt*`` on
  the key under ``ArnLike`` ``kms:EncryptionContext:aws:s3:arn`` (the folder's objects; the
  bucket ARN when the bucket uses an S3 Bucket Key, as KMS then sees it).

The CreateConfiguredAudienceModel API reference adds: "The IAM Role must have ``s3:PutObject``
permission on the destination Amazon S3 location. If the destination is protected with Amazon S3
KMS-SSE, then the Role must also have the required AWS KMS permissions."

Examples
--------
>>> output_trust_policy("123456789012", "us-east-1")["Statement"][0]["Condition"][
...     "ArnLikeIfExists"]["aws:SourceArn"]
'arn:aws:cleanrooms-ml:us-east-1:123456789012:configured-audience-model/*'
"""

from __future__ import annotations

import json
from typing import Any, Literal

import boto3

from cleanroom_nb.aws import _client
from cleanroom_nb.aws._role_create import put_role, service_role_name
from cleanroom_nb.aws._service_role import (
    check_key_arn,
    key_prefix,
    kms_statement,
    parse_s3_location,
    partition,
    trust_policy,
)
from cleanroom_nb.aws._trust import CONFIGURED_AUDIENCE_MODEL, dataset_arn

OUTPUT_POLICY_NAME = "cleanrooms-ml-segment-output-access"
"""The name of the output role's inline permissions policy."""
OUTPUT_KMS_ACTIONS = ("kms:Encrypt", "kms:GenerateDataKey*", "kms:ReEncrypt*")
"""The user guide's KMS actions for writing lookalike segments to an SSE-KMS location."""


def configured_audience_model_arn_pattern(account_id: str, region: str | None) -> str:
    """The ``aws:SourceArn`` of the guide's output trust policy (any configured audience model).

    Examples
    --------
    >>> configured_audience_model_arn_pattern("123456789012", "eu-west-1")
    'arn:aws:cleanrooms-ml:eu-west-1:123456789012:configured-audience-model/*'
    """
    if region is None:
        return f"arn:aws:cleanrooms-ml:*:{account_id}:{CONFIGURED_AUDIENCE_MODEL}/*"
    return dataset_arn(account_id, region, "*", CONFIGURED_AUDIENCE_MODEL)


def output_trust_policy(account_id: str | None = None, region: str | None = None) -> dict[str, Any]:
    """The output role's trust policy, as the user guide gives it.

    The same statement as :func:`cleanroom_nb.trust_policy` (principal
    ``cleanrooms-ml.amazonaws.com``, ``StringEqualsIfExists`` on ``aws:SourceAccount``), with
    ``aws:SourceArn`` naming configured audience models instead of training datasets.

    Parameters
    ----------
    account_id
        Adds the guide's conditions for this account (none without it).
    region
        Narrows ``aws:SourceArn`` to configured audience models of this region.

    Examples
    --------
    >>> output_trust_policy()["Statement"][0]["Principal"]
    {'Service': 'cleanrooms-ml.amazonaws.com'}
    """
    policy = trust_policy(account_id, region)
    if account_id is not None:
        condition = policy["Statement"][0]["Condition"]
        condition["ArnLikeIfExists"]["aws:SourceArn"] = configured_audience_model_arn_pattern(
            account_id, region
        )
    return policy


def output_kms_statement(
    kms_key_arn: str, bucket: str, prefix: str, *, partition: str, bucket_key: bool | None = None
) -> dict[str, Any]:
    """The user guide's statement for an SSE-KMS output location, for the context KMS sees.

    The guide keys it on ``kms:EncryptionContext:aws:s3:arn`` = the folder's objects; with an
    S3 Bucket Key on the destination bucket, S3 asks KMS with the **bucket** ARN instead (S3 User
    Guide, "Reducing the cost of SSE-KMS with Amazon S3 Bucket Keys"), so the statement allows
    the object ARNs (``bucket_key=False``), the bucket ARN (True) or both (None: not known). The
    key must be named by its ARN (a policy ``Resource`` needs it).

    Examples
    --------
    >>> s = output_kms_statement("arn:aws:kms:us-east-1:111122223333:key/k", "bkt", "out/",
    ...                          partition="aws", bucket_key=False)
    >>> s["Action"], s["Condition"]["ArnLike"]
    (['kms:Encrypt', 'kms:GenerateDataKey*', 'kms:ReEncrypt*'], {'kms:EncryptionContext:aws:s3:arn': 'arn:aws:s3:::bkt/out/*'})
    >>> output_kms_statement("arn:aws:kms:us-east-1:111122223333:key/k", "bkt", "out/",
    ...                      partition="aws", bucket_key=True)["Condition"]["ArnLike"]
    {'kms:EncryptionContext:aws:s3:arn': 'arn:aws:s3:::bkt'}
    """
    return kms_statement(
        kms_key_arn,
        bucket,
        prefix,
        partition=partition,
        bucket_key=bucket_key,
        actions=OUTPUT_KMS_ACTIONS,
        sid="KmsEncryptSegments",
    )


def output_permissions_policy(
    output_s3_uri: str,
    *,
    account_id: str,
    region: str | None = None,
    kms_key_arn: str | None = None,
    bucket_key: bool | None = None,
) -> dict[str, Any]:
    """The output role's permissions: write lookalike segments under ``output_s3_uri``.

    Parameters
    ----------
    output_s3_uri
        The configured audience model's destination, ``s3://bucket/prefix/``.
    account_id
        The account that owns the bucket (the guide's ``s3:ResourceAccount`` condition).
    region
        The region (for the ARN partition).
    kms_key_arn
        The ARN of the KMS key of an SSE-KMS destination: adds the guide's KMS statement
        (:func:`output_kms_statement`). An alias or a key id is refused (ValueError).
    bucket_key
        Whether the destination bucket uses an S3 Bucket Key (True: KMS sees the bucket ARN;
        False: each object's ARN; None, the default: both are allowed).
        :func:`cleanroom_nb.check_output_role` reads it from the bucket.

    Examples
    --------
    >>> p = output_permissions_policy("s3://bkt/segments/", account_id="123456789012")
    >>> [(s["Sid"], s["Action"], s["Resource"]) for s in p["Statement"]]  # doctest: +NORMALIZE_WHITESPACE
    [('S3OutputBucket', ['s3:ListBucket', 's3:GetBucketLocation'], ['arn:aws:s3:::bkt']),
     ('S3WriteSegments', ['s3:PutObject'], ['arn:aws:s3:::bkt/segments/*'])]
    """
    bucket, prefix = parse_s3_location(output_s3_uri)
    part = partition(region)
    folder = key_prefix(prefix)
    owner = {"StringEquals": {"s3:ResourceAccount": [account_id]}}
    statements: list[dict[str, Any]] = [
        {
            "Sid": "S3OutputBucket",
            "Effect": "Allow",
            "Action": ["s3:ListBucket", "s3:GetBucketLocation"],
            "Resource": [f"arn:{part}:s3:::{bucket}"],
            "Condition": owner,
        },
        {
            "Sid": "S3WriteSegments",
            "Effect": "Allow",
            "Action": ["s3:PutObject"],
            "Resource": [f"arn:{part}:s3:::{bucket}/{folder}*"],
            "Condition": owner,
        },
    ]
    if kms_key_arn:
        statements.append(
            output_kms_statement(kms_key_arn, bucket, folder, partition=part, bucket_key=bucket_key)
        )
    return {"Version": "2012-10-17", "Statement": statements}


def create_output_role(
    name: str,
    *,
    output_s3_uri: str,
    kms_key_arn: str | None = None,
    bucket_key: bool | None = None,
    description: str | None = None,
    if_exists: Literal["error", "update"] = "error",
    boto3_session: boto3.Session | None = None,
) -> str:
    """Create the output role of a configured audience model and return its ARN.

    It trusts Clean Rooms ML for configured audience models of the caller's account and region
    (:func:`output_trust_policy`) and holds :func:`output_permissions_policy` inline. Like
    :func:`cleanroom_nb.create_role`, it is made at path ``/`` with a name starting
    ``cleanrooms-ml-`` (added when missing), so the managed policy AWSCleanRoomsMLFullAccess may
    pass it.

    Parameters
    ----------
    name
        The role name (``cleanrooms-ml-`` is prefixed unless it starts with it).
    output_s3_uri
        Where lookalike segments are written, ``s3://bucket/prefix/``.
    kms_key_arn, bucket_key
        The ARN of the KMS key of an SSE-KMS destination, if any, and whether the bucket uses
        an S3 Bucket Key (see :func:`output_permissions_policy`).
    description
        The role's description.
    if_exists
        ``"error"`` (default) raises when the role exists; ``"update"`` replaces its trust
        policy and its inline policy.

    Raises
    ------
    ValueError
        The name is not a valid IAM role name, the URI is not ``s3://bucket/...``, or
        ``kms_key_arn`` is not a key ARN.
    AccessDeniedError
        The caller lacks ``iam:CreateRole`` or ``iam:PutRolePolicy`` (the message says which).

    Examples
    --------
    >>> create_output_role("segments", output_s3_uri="s3://bkt/segments/")  # doctest: +SKIP
    'arn:aws:iam::123456789012:role/cleanrooms-ml-segments'
    """
    role_name = service_role_name(name, if_exists)
    parse_s3_location(output_s3_uri)  # a ValueError that says how to write it
    if kms_key_arn is not None:
        check_key_arn(kms_key_arn)
    session = _client.session(boto3_session)
    region = session.region_name or "us-east-1"
    account = _client.caller_account(what="asking STS who the caller is", boto3_session=session)
    trust = json.dumps(output_trust_policy(account, region))
    permissions = json.dumps(
        output_permissions_policy(
            output_s3_uri,
            account_id=account,
            region=region,
            kms_key_arn=kms_key_arn,
            bucket_key=bucket_key,
        )
    )
    return put_role(
        _client.client("iam", session),
        role_name,
        trust,
        permissions,
        description or f"Clean Rooms ML writes lookalike segments to {output_s3_uri}",
        if_exists,
        policy_name=OUTPUT_POLICY_NAME,
        policies="cleanroom_nb.output_trust_policy() and cleanroom_nb.output_permissions_policy()",
        check="cleanroom_nb.check_output_role(arn, output_s3_uri=...)",
    )
