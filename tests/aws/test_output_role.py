"""The output role of a configured audience model, as AWS's user guide gives it.

Source: AWS Clean Rooms User Guide, "Set up service roles for AWS Clean Rooms ML", section
"Create a service role to write a lookalike segment"
(https://docs.aws.amazon.com/clean-rooms/latest/userguide/ml-roles.html). The guide's policies,
quoted below with its placeholders filled in, are the expected values; the library's policies
must allow exactly what they allow (and check_output_role must judge roles the same way).
"""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest

import cleanroom_nb as crn
from cleanroom_nb.aws import _policy_eval as ev

ACCOUNT, REGION = "111122223333", "us-east-1"

# The guide's permissions policy ("bucketFolders" = "segments-bucket/out", "buckets" = the bucket)
GUIDE_PERMISSIONS = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": ["s3:ListBucket", "s3:GetBucketLocation"],
            "Resource": ["arn:aws:s3:::segments-bucket"],
            "Condition": {"StringEquals": {"s3:ResourceAccount": [ACCOUNT]}},
        },
        {
            "Effect": "Allow",
            "Action": ["s3:PutObject"],
            "Resource": ["arn:aws:s3:::segments-bucket/out/*"],
            "Condition": {"StringEquals": {"s3:ResourceAccount": [ACCOUNT]}},
        },
    ],
}
# "If you need to use a KMS key to encrypt data, add this AWS KMS statement to the template"
GUIDE_KMS = {
    "Effect": "Allow",
    "Action": ["kms:Encrypt", "kms:GenerateDataKey*", "kms:ReEncrypt*"],
    "Resource": [f"arn:aws:kms:{REGION}:{ACCOUNT}:key/k-1"],
    "Condition": {
        "ArnLike": {"kms:EncryptionContext:aws:s3:arn": "arn:aws:s3:::segments-bucket/out/*"}
    },
}
# "Copy and paste the following custom trust policy into the JSON editor."
GUIDE_TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "AllowAssumeRole",
            "Effect": "Allow",
            "Principal": {"Service": "cleanrooms-ml.amazonaws.com"},
            "Action": "sts:AssumeRole",
            "Condition": {
                "StringEqualsIfExists": {"aws:SourceAccount": [ACCOUNT]},
                "ArnLikeIfExists": {
                    "aws:SourceArn": f"arn:aws:cleanrooms-ml:{REGION}:{ACCOUNT}:configured-audience-model/*"
                },
            },
        }
    ],
}


def _without_sids(policy: dict[str, Any]) -> list[dict[str, Any]]:
    return [{k: v for k, v in s.items() if k != "Sid"} for s in policy["Statement"]]


def test_trust_policy_is_the_guides() -> None:
    assert crn.output_trust_policy(ACCOUNT, REGION) == GUIDE_TRUST


def test_permissions_policy_is_the_guides() -> None:
    """The guide's two statements; "bucketFolders" is the destination's prefix."""
    got = crn.output_permissions_policy("s3://segments-bucket/out/", account_id=ACCOUNT)
    assert _without_sids(got) == GUIDE_PERMISSIONS["Statement"]
    assert got["Version"] == "2012-10-17"
    with_key = crn.output_permissions_policy(
        "s3://segments-bucket/out",
        account_id=ACCOUNT,
        kms_key_arn=GUIDE_KMS["Resource"][0],
        bucket_key=False,
    )
    assert _without_sids(with_key)[-1] == GUIDE_KMS


def test_kms_statement_allows_the_context_kms_will_send() -> None:
    """With an S3 Bucket Key on the destination, S3 asks KMS with the *bucket* ARN as
    ``kms:EncryptionContext:aws:s3:arn`` (S3 User Guide, "Reducing the cost of SSE-KMS with
    Amazon S3 Bucket Keys": "S3 Bucket Keys use the bucket ARN as encryption context"), so the
    guide's ``bucket/folder/*`` condition never matches: the statement names the bucket ARN
    (True), the objects (False, the guide's) or both (None, not known). A key alias is refused:
    a policy Resource needs the key ARN."""
    key = GUIDE_KMS["Resource"][0]
    ctx = "kms:EncryptionContext:aws:s3:arn"
    contexts = {
        bucket_key: crn.output_permissions_policy(
            "s3://segments-bucket/out/", account_id=ACCOUNT, kms_key_arn=key, bucket_key=bucket_key
        )["Statement"][-1]
        for bucket_key in (True, False, None)
    }
    bucket = {ctx: "arn:aws:s3:::segments-bucket"}
    obj = {ctx: "arn:aws:s3:::segments-bucket/out/segment-1.json"}
    for bucket_key, allowed in (
        (True, (True, False)),
        (False, (False, True)),
        (None, (True, True)),
    ):
        stmts = [contexts[bucket_key]]
        got = tuple(ev.is_allowed(stmts, "kms:GenerateDataKey", key, c) for c in (bucket, obj))
        assert got == allowed, bucket_key
    with pytest.raises(ValueError, match="not a KMS key ARN"):
        crn.output_permissions_policy("s3://b/x/", account_id=ACCOUNT, kms_key_arn="alias/data")


@pytest.mark.parametrize(
    ("action", "resource", "allowed"),
    [
        ("s3:PutObject", "arn:aws:s3:::segments-bucket/out/segment-1.json", True),
        ("s3:PutObject", "arn:aws:s3:::segments-bucket/other/segment-1.json", False),
        ("s3:GetObject", "arn:aws:s3:::segments-bucket/out/segment-1.json", False),
        ("s3:ListBucket", "arn:aws:s3:::segments-bucket", True),
        ("s3:GetBucketLocation", "arn:aws:s3:::segments-bucket", True),
        ("s3:PutObject", "arn:aws:s3:::another-bucket/out/x", False),
    ],
)
def test_library_and_guide_allow_the_same(action: str, resource: str, allowed: bool) -> None:
    """Evaluated with the guide's ``s3:ResourceAccount`` condition: the bucket is the account's;
    a bucket of another account is allowed by neither."""
    ours = crn.output_permissions_policy("s3://segments-bucket/out/", account_id=ACCOUNT)
    mine, theirs = {"s3:ResourceAccount": ACCOUNT}, {"s3:ResourceAccount": "999999999999"}
    for stmts in (ours["Statement"], GUIDE_PERMISSIONS["Statement"]):
        assert ev.is_allowed(stmts, action, resource, mine) is allowed
        assert ev.is_allowed(stmts, action, resource, theirs) is False


def test_trust_is_judged_for_configured_audience_models() -> None:
    """The service assumes the output role for a configured audience model (aws:SourceArn of
    that type): the guide's trust holds; the training role's trust (training-dataset/*) does not."""
    from cleanroom_nb.aws._trust import CONFIGURED_AUDIENCE_MODEL, trust_findings

    assert (
        trust_findings(GUIDE_TRUST, ACCOUNT, REGION, resource_type=CONFIGURED_AUDIENCE_MODEL) == []
    )
    training = crn.trust_policy(ACCOUNT, REGION)
    found = trust_findings(training, ACCOUNT, REGION, resource_type=CONFIGURED_AUDIENCE_MODEL)
    assert [f.code for f in found] == ["trust_source_arn"]
    assert "configured-audience-model" in found[0].message
    assert "output_trust_policy" in found[0].message


@pytest.fixture
def iam(boto3_session: boto3.Session) -> boto3.Session:
    boto3_session.client("s3").create_bucket(Bucket="segments-bucket")
    return boto3_session


def test_create_output_role_then_check_it(iam: boto3.Session) -> None:
    """moto's IAM: the role is made at path / with the cleanrooms-ml- prefix (passable under
    AWSCleanRoomsMLFullAccess), the guide's trust and the permissions inline; it checks clean."""
    arn = crn.create_output_role(
        "segments", output_s3_uri="s3://segments-bucket/out/", boto3_session=iam
    )
    assert arn.endswith(":role/cleanrooms-ml-segments")
    role = iam.client("iam").get_role(RoleName="cleanrooms-ml-segments")["Role"]
    trust = ev.document(role["AssumeRolePolicyDocument"])
    assert trust["Statement"][0]["Condition"]["ArnLikeIfExists"]["aws:SourceArn"].endswith(
        ":configured-audience-model/*"
    )
    assert (
        crn.check_output_role(arn, output_s3_uri="s3://segments-bucket/out/", boto3_session=iam)
        == []
    )
    with pytest.raises(crn.AwsError, match=r"already exists.*check_output_role"):
        crn.create_output_role(
            "segments", output_s3_uri="s3://segments-bucket/out/", boto3_session=iam
        )
    same = crn.create_output_role(
        "segments", output_s3_uri="s3://segments-bucket/out/", if_exists="update", boto3_session=iam
    )
    assert same == arn


def test_check_finds_what_would_fail(iam: boto3.Session) -> None:
    arn = crn.create_output_role(
        "segments", output_s3_uri="s3://segments-bucket/out/", boto3_session=iam
    )
    elsewhere = crn.check_output_role(
        arn, output_s3_uri="s3://segments-bucket/elsewhere/", boto3_session=iam
    )
    assert [(f.path, f.code) for f in elsewhere] == [
        ("permissions.s3:PutObject", "missing_permission")
    ]
    key = "arn:aws:kms:us-east-1:123456789012:key/k-1"
    with_key = crn.check_output_role(
        arn, output_s3_uri="s3://segments-bucket/out/", kms_key_arn=key, boto3_session=iam
    )
    assert {f.path for f in with_key} == {
        "permissions.kms:GenerateDataKey",
        "permissions.kms:Encrypt",
    }
    assert "kms_key_arn=" in with_key[0].message
    missing = crn.check_output_role(
        "arn:aws:iam::123456789012:role/cleanrooms-ml-nope", boto3_session=iam
    )
    assert [f.code for f in missing] == ["role_not_found"]
    other = crn.check_output_role(
        "arn:aws:iam::999999999999:role/cleanrooms-ml-x", boto3_session=iam
    )
    assert [f.code for f in other] == ["role_account"]
    assert [f.code for f in crn.check_output_role("not an arn", boto3_session=iam)] == ["pattern"]


def test_default_kms_key_of_the_destination_is_found(iam: boto3.Session) -> None:
    """A destination bucket encrypting with a KMS key by default (GetBucketEncryption): the
    role needs the guide's KMS statement; the check names the key's actions."""
    key = iam.client("kms").create_key()["KeyMetadata"]["Arn"]
    iam.client("s3").put_bucket_encryption(
        Bucket="segments-bucket",
        ServerSideEncryptionConfiguration={
            "Rules": [
                {
                    "ApplyServerSideEncryptionByDefault": {
                        "SSEAlgorithm": "aws:kms",
                        "KMSMasterKeyID": key,
                    }
                }
            ]
        },
    )
    arn = crn.create_output_role(
        "segments", output_s3_uri="s3://segments-bucket/out/", boto3_session=iam
    )
    found = crn.check_output_role(arn, output_s3_uri="s3://segments-bucket/out/", boto3_session=iam)
    assert {f.path for f in found} == {"permissions.kms:GenerateDataKey", "permissions.kms:Encrypt"}
    fixed = crn.create_output_role(
        "segments", output_s3_uri="s3://segments-bucket/out/", kms_key_arn=key,
        if_exists="update", boto3_session=iam,
    )  # fmt: skip
    assert (
        crn.check_output_role(fixed, output_s3_uri="s3://segments-bucket/out/", boto3_session=iam)
        == []
    )


def test_bad_names_and_uris() -> None:
    with pytest.raises(ValueError, match="valid IAM role name"):
        crn.create_output_role("é" * 3, output_s3_uri="s3://b/x/")
    with pytest.raises(ValueError, match="s3://bucket/prefix/"):
        crn.output_permissions_policy("b/x", account_id=ACCOUNT)
    assert json.dumps(crn.output_trust_policy())  # serialisable without an account


def test_bucket_key_destination_named_by_alias(iam: boto3.Session) -> None:
    """The destination encrypts by default with a key named by alias, with an S3 Bucket Key.
    check_output_role resolves the alias to the key ARN (kms:DescribeKey; a policy Resource
    needs the ARN) and evaluates the KMS statement against the context KMS will receive, the
    bucket ARN (S3 User Guide, "Reducing the cost of SSE-KMS with Amazon S3 Bucket Keys"): the
    guide's object-ARN statement cannot match (an error naming the fix), a role made with
    ``bucket_key=True`` checks clean."""
    key = iam.client("kms").create_key()["KeyMetadata"]["Arn"]
    iam.client("kms").create_alias(AliasName="alias/segments", TargetKeyId=key)
    iam.client("s3").put_bucket_encryption(
        Bucket="segments-bucket",
        ServerSideEncryptionConfiguration={
            "Rules": [
                {
                    "ApplyServerSideEncryptionByDefault": {
                        "SSEAlgorithm": "aws:kms",
                        "KMSMasterKeyID": "alias/segments",
                    },
                    "BucketKeyEnabled": True,
                }
            ]
        },
    )
    uri = "s3://segments-bucket/out/"
    guides = crn.create_output_role(
        "segments", output_s3_uri=uri, kms_key_arn=key, bucket_key=False, boto3_session=iam
    )
    found = crn.check_output_role(guides, output_s3_uri=uri, boto3_session=iam)
    assert {(f.path, f.code) for f in found} == {
        ("permissions.kms:GenerateDataKey", "condition_mismatch"),
        ("permissions.kms:Encrypt", "condition_mismatch"),
    }
    assert all(key in f.message and "= arn:aws:s3:::segments-bucket (" in f.message for f in found)
    assert "alias/segments" not in " ".join(f.message for f in found)
    assert f"kms_key_arn={key!r}, bucket_key=True" in found[0].message
    fixed = crn.create_output_role(
        "segments", output_s3_uri=uri, kms_key_arn=key, bucket_key=True, if_exists="update",
        boto3_session=iam,
    )  # fmt: skip
    assert crn.check_output_role(fixed, output_s3_uri=uri, boto3_session=iam) == []
    with pytest.raises(ValueError, match="not a KMS key ARN"):
        crn.create_output_role("x", output_s3_uri=uri, kms_key_arn="alias/segments")
    given = crn.check_output_role(
        fixed, output_s3_uri=uri, kms_key_arn="alias/segments", boto3_session=iam
    )
    assert [(f.path, f.code) for f in given] == [("kms_key_arn", "kms_key_arn")]
