"""Can the KMS key of an audience model be used? Its region and its state, read from KMS.

The key "is used to encrypt and decrypt customer-owned data in the trained ML model and the
associated data" (CreateAudienceModel, ``kmsKeyArn``). A KMS key belongs to one region (the AWS KMS
Developer Guide, "Multi-Region keys in AWS KMS": even multi-Region keys are "AWS KMS keys in
different AWS Regions", each with its own ARN), so a key ARN of another region is a warning; a
key that is not ``Enabled`` (``DescribeKey``, ``KeyState``) cannot encrypt: an error. What the
caller may not read is a "could not check" warning.
"""

from __future__ import annotations

import boto3

import cleanroom_nb._rulebook as _rulebook
from cleanroom_nb._errors import NotFoundError
from cleanroom_nb._findings import Finding
from cleanroom_nb.aws import _client

PATH = "kmsKeyArn"


def kms_key_findings(
    kms_key_arn: str, *, boto3_session: boto3.Session | None = None
) -> list[Finding]:
    """Findings about the KMS key an audience model is to use (empty: it looks usable).

    Examples
    --------
    >>> kms_key_findings("arn:aws:kms:eu-west-1:123456789012:key/k",
    ...                  boto3_session=boto3.Session(region_name="us-east-1"))[0].code  # doctest: +SKIP
    'kms_region'
    """
    session = _client.session(boto3_session)
    parts = kms_key_arn.split(":")
    region = parts[3] if len(parts) > 5 else None
    if region and session.region_name and region != session.region_name:
        return [_rulebook.kms_region(region, session.region_name, path=PATH)]
    try:
        meta = _client.client("kms", session).describe_key(KeyId=kms_key_arn)["KeyMetadata"]
    except Exception as exc:
        err = _client.translate(exc, what=f"reading KMS key {kms_key_arn}")
        if isinstance(err, NotFoundError):
            return [_rulebook.kms_not_found(kms_key_arn, path=PATH)]
        return [
            _rulebook.aws_unchecked(
                f"could not check the KMS key: {err} (needs kms:DescribeKey)", path=PATH
            )
        ]
    state = str(meta.get("KeyState", ""))
    if state and state != "Enabled":
        return [_rulebook.kms_state(state, path=PATH)]
    return []
