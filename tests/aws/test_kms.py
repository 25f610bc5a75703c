"""Issue 16, point 3: KMS as KMS sees it — Bucket Keys, key ARNs, conditions in check_role.

S3 User Guide, "Reducing the cost of SSE-KMS with Amazon S3 Bucket Keys"
(https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-key.html), "Changes to note
before enabling an S3 Bucket Key": "If your existing IAM policies or AWS KMS key policies use
your object Amazon Resource Name (ARN) as the encryption context to refine or limit access to
your KMS key, these policies won't work with an S3 Bucket Key. S3 Bucket Keys use the bucket
ARN as encryption context." And: "When you configure an S3 Bucket Key, objects that are already
in the bucket do not use the S3 Bucket Key" — so a bucket default and an older object can need
both contexts. GetBucketEncryption's ``ServerSideEncryptionRule`` returns ``BucketKeyEnabled``;
HeadObject's ``x-amz-server-side-encryption-bucket-key-enabled`` tells it per object.

A policy ``Resource`` names a key by ARN (S3 API, SSEKMSEncryption: "You must specify the full
AWS KMS key ARN. The KMS key ID and KMS key alias aren't supported."). S3, KMS, IAM, STS and
Glue are moto's server over HTTP.
"""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest

import cleanroom_nb as crn
from cleanroom_nb.aws import _policy_eval as ev
from cleanroom_nb.aws._encryption import kms_encryption, kms_findings

ACCOUNT = "123456789012"
REGION = "us-east-1"
BUCKET = "data-bucket"
LOCATION = f"s3://{BUCKET}/events/"
CONTEXT = "kms:EncryptionContext:aws:s3:arn"


def _key(session: boto3.Session, alias: str | None = None) -> str:
    kms = session.client("kms")
    arn = str(kms.create_key()["KeyMetadata"]["Arn"])
    if alias:
        kms.create_alias(AliasName=alias, TargetKeyId=arn)
    return arn


def _bucket(
    session: boto3.Session, key: str | None, *, bucket_key: bool, object_bucket_key: bool | None
) -> None:
    s3 = session.client("s3")
    s3.create_bucket(Bucket=BUCKET)
    if key is not None:
        s3.put_bucket_encryption(
            Bucket=BUCKET,
            ServerSideEncryptionConfiguration={
                "Rules": [
                    {
                        "ApplyServerSideEncryptionByDefault": {
                            "SSEAlgorithm": "aws:kms",
                            "KMSMasterKeyID": key,
                        },
                        "BucketKeyEnabled": bucket_key,
                    }
                ]
            },
        )
    put: dict[str, Any] = {"Bucket": BUCKET, "Key": "events/part-0.parquet", "Body": b"0123"}
    if object_bucket_key is not None:
        put |= {
            "ServerSideEncryption": "aws:kms",
            "SSEKMSKeyId": key,
            "BucketKeyEnabled": object_bucket_key,
        }
    s3.put_object(**put)


def _role(session: boto3.Session, name: str, policy: dict[str, Any]) -> str:
    iam = session.client("iam")
    arn = iam.create_role(
        RoleName=name, AssumeRolePolicyDocument=json.dumps(crn.trust_policy(ACCOUNT, REGION))
    )["Role"]["Arn"]
    iam.put_role_policy(RoleName=name, PolicyName="p", PolicyDocument=json.dumps(policy))
    return str(arn)


def test_bucket_key_and_alias_as_kms_sees_them(boto3_session: boto3.Session) -> None:
    """The bucket default names the key by alias, with a Bucket Key; the sampled object too.
    The finding names the key ARN (resolved with kms:DescribeKey) and the bucket ARN as
    context."""
    arn = _key(boto3_session, "alias/data")
    _bucket(boto3_session, "alias/data", bucket_key=True, object_bucket_key=True)
    found = kms_encryption(LOCATION, boto3_session=boto3_session)
    assert [f.bucket_key for f in found] == [True, True]
    findings, use = kms_findings(LOCATION, "where", boto3_session=boto3_session)
    assert use is not None and use.key_arn == arn
    assert use.bucket_key is True and use.contexts == (f"arn:aws:s3:::{BUCKET}",)
    (finding,) = findings
    assert finding.code == "kms_encrypted" and arn in finding.message
    assert f"= arn:aws:s3:::{BUCKET})" in finding.message and "bucket_key=True" in finding.message


def test_bucket_default_with_bucket_key_and_an_older_object_need_both(
    boto3_session: boto3.Session,
) -> None:
    """ "Objects that are already in the bucket do not use the S3 Bucket Key": an object
    without one keeps the object ARN as context, new objects get the bucket ARN."""
    arn = _key(boto3_session)
    _bucket(boto3_session, arn, bucket_key=True, object_bucket_key=False)
    _, use = kms_findings(LOCATION, "where", boto3_session=boto3_session)
    assert use is not None and use.bucket_key is None
    assert use.contexts == (
        f"arn:aws:s3:::{BUCKET}",
        f"arn:aws:s3:::{BUCKET}/events/part-0.parquet",
    )


def test_unresolvable_alias_is_said_not_put_in_a_policy(boto3_session: boto3.Session) -> None:
    _bucket(boto3_session, "alias/gone", bucket_key=False, object_bucket_key=None)
    findings, use = kms_findings(LOCATION, "where", boto3_session=boto3_session)
    assert use is not None and use.key_arn is None and use.named == "alias/gone"
    assert [f.code for f in findings] == ["kms_key_unresolved", "kms_encrypted"]
    assert "describe-key" in findings[0].message
    with pytest.raises(ValueError, match="not a KMS key ARN"):
        crn.permissions_policy(
            "sales", "events", LOCATION, region=REGION, account_id=ACCOUNT, kms_key_arn="alias/gone"
        )


@pytest.mark.parametrize(
    ("bucket_key", "contexts"),
    [
        (False, f"arn:aws:s3:::{BUCKET}/events/*"),  # the user guide's statement, as it is
        (True, f"arn:aws:s3:::{BUCKET}"),
        (None, [f"arn:aws:s3:::{BUCKET}/events/*", f"arn:aws:s3:::{BUCKET}"]),
    ],
)
def test_permissions_policy_allows_the_context_kms_will_send(
    bucket_key: bool | None, contexts: Any
) -> None:
    key = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    policy = crn.permissions_policy(
        "sales",
        "events",
        LOCATION,
        region=REGION,
        account_id=ACCOUNT,
        kms_key_arn=key,
        bucket_key=bucket_key,
    )
    (kms,) = [s for s in policy["Statement"] if s["Sid"] == "KmsDecryptData"]
    assert kms["Resource"] == [key] and kms["Condition"] == {"ArnLike": {CONTEXT: contexts}}


def test_a_role_made_for_bucket_key_data_matches_the_bucket_arn(
    boto3_session: boto3.Session,
) -> None:
    """Issue 16, done when: a role made for Bucket-Key data matches the bucket-ARN context; the
    guide's object-only statement cannot, and check_role says so with the fix."""
    key = _key(boto3_session)
    _bucket(boto3_session, key, bucket_key=True, object_bucket_key=True)
    made = crn.create_role(
        "bk",
        database="sales",
        table="events",
        s3_location=LOCATION,
        kms_key_arn=key,
        bucket_key=True,
        boto3_session=boto3_session,
    )
    found = crn.check_role(
        made, s3_location=LOCATION, kms_key_arn=key, bucket_key=True, boto3_session=boto3_session
    )
    assert found.ok and not [f for f in found if f.path.startswith("permissions")], found
    guide = crn.permissions_policy(
        "sales",
        "events",
        LOCATION,
        region=REGION,
        account_id=ACCOUNT,
        kms_key_arn=key,
        bucket_key=False,
    )
    old = _role(boto3_session, "cleanrooms-ml-guide", guide)
    found = crn.check_role(
        old, s3_location=LOCATION, kms_key_arn=key, bucket_key=True, boto3_session=boto3_session
    )
    (error,) = found.errors
    assert (error.path, error.code) == ("permissions.kms:Decrypt", "condition_mismatch")
    assert f"arn:aws:s3:::{BUCKET}/events/*" in error.message  # the condition it has
    assert f"{CONTEXT} = arn:aws:s3:::{BUCKET} " in error.message  # the context KMS sends
    assert "bucket_key=" in error.message and "Bucket Key" in error.message
    # not known (None): both contexts must be allowed; the default policy does
    both = crn.permissions_policy(
        "sales", "events", LOCATION, region=REGION, account_id=ACCOUNT, kms_key_arn=key
    )
    either = _role(boto3_session, "cleanrooms-ml-both", both)
    assert crn.check_role(
        either, s3_location=LOCATION, kms_key_arn=key, boto3_session=boto3_session
    ).ok


def test_validate_request_catches_the_bucket_key_mismatch(
    cleanrooms: Any, boto3_session: boto3.Session
) -> None:
    """End to end: the table's data uses a Bucket Key and the role has the guide's statement;
    validate_request reads the encryption, the key ARN and the context, and check_role refuses
    the role before anything is sent."""
    key = _key(boto3_session, "alias/data")
    _bucket(boto3_session, "alias/data", bucket_key=True, object_bucket_key=True)
    glue = boto3_session.client("glue")
    glue.create_database(DatabaseInput={"Name": "sales"})
    glue.create_table(
        DatabaseName="sales",
        TableInput={
            "Name": "events",
            "StorageDescriptor": {
                "Columns": [
                    {"Name": "user_id", "Type": "string"},
                    {"Name": "item_id", "Type": "bigint"},
                    {"Name": "ts", "Type": "bigint"},
                ],
                "Location": LOCATION,
            },
            "Parameters": {"classification": "parquet"},
        },
    )
    guide = crn.permissions_policy(
        "sales",
        "events",
        LOCATION,
        region=REGION,
        account_id=ACCOUNT,
        kms_key_arn=key,
        bucket_key=False,
    )
    role = _role(boto3_session, "cleanrooms-ml-reader", guide)
    request = crn.build_request(
        name="shoppers",
        role_arn=role,
        database="sales",
        table="events",
        schema=[
            {"columnName": "user_id", "columnTypes": ["USER_ID"]},
            {"columnName": "item_id", "columnTypes": ["ITEM_ID"]},
            {"columnName": "ts", "columnTypes": ["TIMESTAMP"]},
        ],
    )
    findings = crn.validate_request(request, boto3_session=boto3_session)
    assert "condition_mismatch" in {f.code for f in findings.errors}
    with pytest.raises(crn.RequestInvalidError):
        crn.create_training_dataset(request, boto3_session=boto3_session)
    assert cleanrooms.call_count("CreateTrainingDataset") == 0


def test_s3_resource_account_condition_is_the_guides_and_evaluated() -> None:
    """ml-roles: the S3 statements carry ``"StringEquals": {"s3:ResourceAccount":
    ["111122223333"]}`` ("The AWS account ID in which the S3 bucket is located"). The evaluator
    reads it: the policy allows reads of a bucket of that account, not of another's."""
    policy = crn.permissions_policy("sales", "events", LOCATION, region=REGION, account_id=ACCOUNT)
    s3 = [s for s in policy["Statement"] if s["Sid"].startswith("S3")]
    assert all(s["Condition"]["StringEquals"] == {"s3:ResourceAccount": [ACCOUNT]} for s in s3)
    obj = f"arn:aws:s3:::{BUCKET}/events/part-0.parquet"
    stmts = policy["Statement"]
    assert ev.decide(stmts, "s3:GetObject", obj, {"s3:ResourceAccount": ACCOUNT}).allowed
    other = ev.decide(stmts, "s3:GetObject", obj, {"s3:ResourceAccount": "210987654321"})
    assert other.allowed is False and other.unmet
    unknown = ev.decide(stmts, "s3:GetObject", obj, {})
    assert unknown.allowed is None  # a condition on a key the context lacks is not guessed
