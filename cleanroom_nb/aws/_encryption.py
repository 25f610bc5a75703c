"""Find out whether training data in S3 is encrypted with a KMS key (SSE-KMS), and which key.

The user guide ("Set up service roles for AWS Clean Rooms ML") says its example policy "doesn't
include a KMS key to decrypt data" and gives the statement to add: ``kms:Decrypt`` on the key,
keyed on ``kms:EncryptionContext:aws:s3:arn``. Data encrypted with a key the role may not use
fails only when an audience model trains, hours later. Two places tell the key: the bucket's
default encryption (GetBucketEncryption) and a sampled object's ``ServerSideEncryption`` /
``SSEKMSKeyId`` (HeadObject).
"""

from __future__ import annotations

from dataclasses import dataclass

import boto3

from cleanroom_nb._errors import NotFoundError
from cleanroom_nb._findings import Finding
from cleanroom_nb.aws import _client
from cleanroom_nb.aws._service_role import parse_s3_location

KMS_ALGORITHMS = ("aws:kms", "aws:kms:dsse")
"""SSE algorithms that encrypt with a KMS key (S3 API: ``ServerSideEncryption``)."""


@dataclass(frozen=True)
class KmsEncryption:
    """Where S3 said the data is encrypted with a KMS key, and the key (None: not named)."""

    where: str
    algorithm: str
    key: str | None


def _bucket_default(bucket: str, session: boto3.Session) -> KmsEncryption | None:
    s3 = _client.client("s3", session)
    try:
        config = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]
    except Exception as exc:
        code = getattr(exc, "response", {}).get("Error", {}).get("Code")
        if code == "ServerSideEncryptionConfigurationNotFoundError":
            return None
        raise
    for rule in config.get("Rules", []):
        default = rule.get("ApplyServerSideEncryptionByDefault") or {}
        if default.get("SSEAlgorithm") in KMS_ALGORITHMS:
            return KmsEncryption(
                f"the default encryption of bucket {bucket}",
                str(default["SSEAlgorithm"]),
                default.get("KMSMasterKeyID"),
            )
    return None


def _sampled_object(bucket: str, prefix: str, session: boto3.Session) -> KmsEncryption | None:
    s3 = _client.client("s3", session)
    listed = s3.list_objects_v2(Bucket=bucket, Prefix=prefix, MaxKeys=20).get("Contents", [])
    keys = [o["Key"] for o in listed if not o["Key"].endswith("/") and o.get("Size", 0) > 0]
    if not keys:
        return None
    head = s3.head_object(Bucket=bucket, Key=keys[0])
    algorithm = head.get("ServerSideEncryption")
    if algorithm not in KMS_ALGORITHMS:
        return None
    return KmsEncryption(f"object s3://{bucket}/{keys[0]}", str(algorithm), head.get("SSEKMSKeyId"))


def kms_encryption(
    s3_location: str, *, boto3_session: boto3.Session | None = None
) -> list[KmsEncryption]:
    """Every place that says the data at ``s3_location`` is encrypted with a KMS key.

    Reads the bucket's default encryption and the first data object under the location.

    Raises
    ------
    CleanroomNbError
        When S3 cannot be read (translated; the message names the cause).

    Examples
    --------
    >>> kms_encryption("s3://bucket/events/")  # doctest: +SKIP
    [KmsEncryption(where='object s3://bucket/events/part-0.parquet', algorithm='aws:kms',
                   key='arn:aws:kms:us-east-1:123456789012:key/...')]
    """
    bucket, prefix = parse_s3_location(s3_location)
    session = _client.session(boto3_session)
    found = []
    for read, what in (
        (lambda: _bucket_default(bucket, session), f"reading the encryption of bucket {bucket}"),
        (lambda: _sampled_object(bucket, prefix, session), f"reading objects of {s3_location}"),
    ):
        try:
            item = read()
        except Exception as exc:
            raise _client.translate(exc, what=what) from exc
        if item is not None:
            found.append(item)
    return found


def kms_key_of(found: list[KmsEncryption]) -> str | None:
    """The key to grant ``kms:Decrypt`` on: the sampled object's, else the bucket default's."""
    for item in reversed(found):
        if item.key:
            return item.key
    return None


def kms_findings(
    s3_location: str, path: str, *, boto3_session: boto3.Session | None = None
) -> tuple[list[Finding], str | None]:
    """A warning naming the KMS key when the data is SSE-KMS encrypted, and that key.

    Failures to read S3 become an ``aws_unchecked`` warning; nothing is raised. A bucket that
    does not exist holds no encrypted data: other checks report the missing data.
    """
    try:
        found = kms_encryption(s3_location, boto3_session=boto3_session)
    except Exception as exc:
        err = _client.translate(exc, what=f"checking the encryption of {s3_location}")
        if isinstance(err, NotFoundError):
            return [], None
        return [
            Finding(
                "warning",
                path,
                "aws_unchecked",
                f"could not check whether the data is encrypted with a KMS key: {err} (needs "
                "s3:GetEncryptionConfiguration, s3:ListBucket and s3:GetObject)",
            )
        ], None
    if not found:
        return [], None
    key = kms_key_of(found)
    where = "; ".join(
        f"{item.where}: {item.algorithm}" + (f" with key {item.key}" if item.key else "")
        for item in found
    )
    named = key or "the key (S3 did not name it: the AWS managed key aws/s3)"
    return [
        Finding(
            "warning",
            path,
            "kms_encrypted",
            f"the training data is encrypted with a KMS key ({where}). The service role needs "
            f"kms:Decrypt on {named}, keyed on kms:EncryptionContext:aws:s3:arn, which the user "
            "guide's example policy leaves out; add it with cleanroom_nb.permissions_policy(..., "
            "kms_key_arn=...)",
        )
    ], key
