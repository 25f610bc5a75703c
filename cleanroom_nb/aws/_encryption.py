"""How training data in S3 is encrypted with KMS, as KMS will see it when Clean Rooms ML reads it.

The user guide ("Set up service roles for AWS Clean Rooms ML") says its example policy "doesn't
include a KMS key to decrypt data" and gives the statement to add: ``kms:Decrypt`` on the key,
keyed on ``kms:EncryptionContext:aws:s3:arn``. Data the role cannot decrypt fails only when an
audience model trains, hours later. So, before anything is sent:

* **which key**: the bucket's default encryption (GetBucketEncryption) and a sampled object
  (HeadObject: ``ServerSideEncryption``, ``SSEKMSKeyId``) name it, as a key ARN, a key id or an
  alias. A policy ``Resource`` needs the key ARN: the object's ``SSEKMSKeyId`` when it is one,
  else ``kms:DescribeKey`` resolves it;
* **which encryption context**: with an S3 Bucket Key (``BucketKeyEnabled``, in the bucket
  default and in the object's head), KMS receives the **bucket** ARN, not the object's (S3 User
  Guide, "Reducing the cost of SSE-KMS with Amazon S3 Bucket Keys": "S3 Bucket Keys use the
  bucket ARN as encryption context"). Objects written before the bucket got its Bucket Key keep
  the object ARN, so a bucket default and a sampled object that disagree need both.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import boto3

import cleanroom_nb._rulebook as _rulebook
from cleanroom_nb._errors import NotFoundError
from cleanroom_nb._findings import Finding
from cleanroom_nb.aws import _client
from cleanroom_nb.aws._service_role import KMS_KEY_ARN, parse_s3_location, partition

KMS_ALGORITHMS = ("aws:kms", "aws:kms:dsse")
"""SSE algorithms that encrypt with a KMS key (S3 API: ``ServerSideEncryption``)."""
_KEY_ID = re.compile(
    r"(mrk-)?[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
)


@dataclass(frozen=True)
class KmsEncryption:
    """One place where S3 says the data is encrypted with a KMS key.

    ``key`` is the key as S3 named it (ARN, key id or alias; None: not named, the AWS managed
    key ``aws/s3``), ``bucket_key`` whether an S3 Bucket Key is used, ``object_arn`` the sampled
    object's ARN (None for the bucket default).
    """

    where: str
    algorithm: str
    key: str | None
    bucket_key: bool = False
    object_arn: str | None = None


@dataclass(frozen=True)
class KmsUse:
    """What the service role needs for data encrypted with KMS.

    ``key_arn`` is the key's ARN (None when it could not be resolved; ``named`` says how S3
    named it), ``bucket_key`` True when every source uses an S3 Bucket Key, False when none
    does, None when they differ; ``contexts`` the ``kms:EncryptionContext:aws:s3:arn`` values
    KMS will receive (one object's ARN stands for every object).
    """

    key_arn: str | None
    named: str | None
    bucket_key: bool | None
    contexts: tuple[str, ...]
    found: tuple[KmsEncryption, ...] = field(default=())
    note: str = ""


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
                bucket_key=bool(rule.get("BucketKeyEnabled")),
            )
    return None


def _sampled_object(
    bucket: str, prefix: str, part: str, session: boto3.Session
) -> KmsEncryption | None:
    s3 = _client.client("s3", session)
    listed = s3.list_objects_v2(Bucket=bucket, Prefix=prefix, MaxKeys=20).get("Contents", [])
    keys = [o["Key"] for o in listed if not o["Key"].endswith("/") and o.get("Size", 0) > 0]
    if not keys:
        return None
    head = s3.head_object(Bucket=bucket, Key=keys[0])
    algorithm = head.get("ServerSideEncryption")
    if algorithm not in KMS_ALGORITHMS:
        return None
    return KmsEncryption(
        f"object s3://{bucket}/{keys[0]}",
        str(algorithm),
        head.get("SSEKMSKeyId"),
        bucket_key=bool(head.get("BucketKeyEnabled")),
        object_arn=f"arn:{part}:s3:::{bucket}/{keys[0]}",
    )


def kms_encryption(
    s3_location: str, *, boto3_session: boto3.Session | None = None
) -> list[KmsEncryption]:
    """Every place that says the data at ``s3_location`` is encrypted with a KMS key.

    Reads the bucket's default encryption and the head of the first data object under the
    location (its ``SSEKMSKeyId`` and ``BucketKeyEnabled``).

    Raises
    ------
    CleanroomNbError
        When S3 cannot be read (translated; the message names the cause).

    Examples
    --------
    >>> kms_encryption("s3://bucket/events/")  # doctest: +SKIP
    [KmsEncryption(where='object s3://bucket/events/part-0.parquet', algorithm='aws:kms',
                   key='arn:aws:kms:us-east-1:123456789012:key/...', bucket_key=True, ...)]
    """
    bucket, prefix = parse_s3_location(s3_location)
    session = _client.session(boto3_session)
    part = partition(session.region_name)
    found = []
    for read, what in (
        (lambda: _bucket_default(bucket, session), f"reading the encryption of bucket {bucket}"),
        (
            lambda: _sampled_object(bucket, prefix, part, session),
            f"reading objects of {s3_location}",
        ),
    ):
        try:
            item = read()
        except Exception as exc:
            raise _client.translate(exc, what=what) from exc
        if item is not None:
            found.append(item)
    return found


def resolve_key_arn(
    key: str, *, boto3_session: boto3.Session | None = None
) -> tuple[str | None, str]:
    """The ARN of the KMS key S3 named (ARN, key id, alias or alias ARN), and a note.

    A key ARN is returned as it is; anything else is resolved with ``kms:DescribeKey``. When
    that is refused, a bare key id is completed with the session's region and account (S3
    requires the key in the bucket's region; a key of another account is always named by ARN);
    an alias cannot be, and the note says what to do.

    Examples
    --------
    >>> resolve_key_arn("arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab")
    ('arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab', '')
    """
    if KMS_KEY_ARN.fullmatch(key):
        return key, ""
    session = _client.session(boto3_session)
    try:
        described = _client.client("kms", session).describe_key(KeyId=key)
        return str(described["KeyMetadata"]["Arn"]), ""
    except Exception as exc:
        err = _client.translate(exc, what=f"resolving KMS key {key} (kms:DescribeKey)")
    if _KEY_ID.fullmatch(key) and session.region_name:
        try:
            account = _client.caller_account(
                what="asking STS who the caller is", boto3_session=session
            )
        except Exception:
            account = None
        if account:
            arn = f"arn:{partition(session.region_name)}:kms:{session.region_name}:{account}:key/{key}"
            return arn, f"key id {key} completed as {arn} ({err})"
    return None, (
        f"S3 names the key {key!r}, which is not a key ARN, and it could not be resolved ({err}). "
        "A policy needs the key ARN: look it up with aws kms describe-key --key-id "
        f"{key} and pass kms_key_arn="
    )


def kms_use(
    s3_location: str, found: list[KmsEncryption], *, boto3_session: boto3.Session | None = None
) -> KmsUse | None:
    """What the role needs for the KMS encryption ``found`` at ``s3_location`` (None: none)."""
    if not found:
        return None
    bucket, prefix = parse_s3_location(s3_location)
    session = _client.session(boto3_session)
    part = partition(session.region_name)
    named = next((f.key for f in reversed(found) if f.key), None)  # the sampled object first
    key_arn, note = (None, "") if named is None else resolve_key_arn(named, boto3_session=session)
    if named is None:
        key_arn, note = resolve_key_arn("alias/aws/s3", boto3_session=session)
    flags = {f.bucket_key for f in found}
    bucket_key = flags.pop() if len(flags) == 1 else None
    contexts: list[str] = []
    if True in {f.bucket_key for f in found}:
        contexts.append(f"arn:{part}:s3:::{bucket}")
    if False in {f.bucket_key for f in found}:
        sampled = next((f.object_arn for f in found if f.object_arn and not f.bucket_key), None)
        folder = prefix if not prefix or prefix.endswith("/") else prefix + "/"
        contexts.append(sampled or f"arn:{part}:s3:::{bucket}/{folder}part-00000.parquet")
    return KmsUse(key_arn, named, bucket_key, tuple(contexts), tuple(found), note)


def kms_findings(
    s3_location: str, path: str, *, boto3_session: boto3.Session | None = None
) -> tuple[list[Finding], KmsUse | None]:
    """A finding naming the KMS key (as an ARN) and the encryption context, and the KmsUse.

    Failures to read S3 become an ``aws_unchecked`` warning; nothing is raised. A bucket that
    does not exist holds no encrypted data: other checks report the missing data. A key that
    cannot be resolved to an ARN is a ``kms_key_unresolved`` warning.
    """
    try:
        found = kms_encryption(s3_location, boto3_session=boto3_session)
        use = kms_use(s3_location, found, boto3_session=boto3_session)
    except Exception as exc:
        err = _client.translate(exc, what=f"checking the encryption of {s3_location}")
        if isinstance(err, NotFoundError):
            return [], None
        return [
            _rulebook.aws_unchecked(
                (
                    f"could not check whether the data is encrypted with a KMS key: {err} (needs "
                    "s3:GetEncryptionConfiguration, s3:ListBucket and s3:GetObject)"
                ),
                path=path,
            )
        ], None
    if use is None:
        return [], None
    where = "; ".join(
        f"{item.where}: {item.algorithm}"
        + (f" with key {item.key}" if item.key else " with the AWS managed key aws/s3")
        + (", S3 Bucket Key on" if item.bucket_key else "")
        for item in use.found
    )
    context = " and ".join(use.contexts)
    bucket_key = {True: "True", False: "False", None: "None"}[use.bucket_key]
    out = []
    if use.key_arn is None:
        out.append(_rulebook.kms_key_unresolved(use.note, path=path))
    key = use.key_arn or use.named or "the key"
    out.append(_rulebook.kms_encrypted(where, key, context, bucket_key, path=path))
    return out, use
