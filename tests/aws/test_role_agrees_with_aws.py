"""The service role as AWS's documents describe it (issue 12): PassRole on path and name, trust
conditions by operator, what check_role/create_role need, KMS, IAM's role-name pattern.

IAM is moto's server over HTTP; ``moto.core.authorization.enable_iam_authentication`` makes it
evaluate the caller's IAM policies, for the "could not check" paths.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

import cleanroom_nb as crn
from cleanroom_nb.aws import _policy_eval as ev
from cleanroom_nb.aws import _service_role as sr

ACCOUNT = "123456789012"
REGION = "us-east-1"
LOCATION = "s3://data-bucket/events/"
ML_ROLES = "https://docs.aws.amazon.com/clean-rooms/latest/userguide/ml-roles.html"


def _codes(findings: Any, level: str | None = None) -> set[str]:
    return {f.code for f in findings if level is None or f.level == level}


def _role(
    session: boto3.Session,
    name: str,
    trust: dict[str, Any],
    policy: dict[str, Any] | None = None,
    path: str = "/",
) -> str:
    iam = session.client("iam")
    arn = iam.create_role(RoleName=name, Path=path, AssumeRolePolicyDocument=json.dumps(trust))
    if policy is not None:
        iam.put_role_policy(RoleName=name, PolicyName="inline", PolicyDocument=json.dumps(policy))
    return str(arn["Role"]["Arn"])


def _trust(condition: dict[str, Any]) -> dict[str, Any]:
    policy = crn.trust_policy()
    policy["Statement"][0]["Condition"] = condition
    return policy


# ------------------------------------------------------------------- point 1: PassRole


@pytest.mark.parametrize(
    ("resource", "passable"),
    [
        ("cleanrooms-ml-reader", True),
        ("cleanrooms-ml/reader", True),  # path /cleanrooms-ml/: "role/cleanrooms-ml*" covers it
        ("service-role/cleanrooms-ml-reader", False),  # the path comes first: not covered
        ("reader", False),
        ("team/cleanrooms-ml-reader", False),
    ],
)
def test_pass_role_pattern_matches_path_and_name(resource: str, passable: bool) -> None:
    """Issue 12, point 1. AWSCleanRoomsMLFullAccess (v4,
    https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSCleanRoomsMLFullAccess.html)
    allows iam:PassRole on ``arn:aws:iam::*:role/cleanrooms-ml*``; IAM matches a role ARN's
    resource ``role/<path><name>``, so the pattern is judged on path plus name."""
    arn = f"arn:aws:iam::{ACCOUNT}:role/{resource}"
    assert sr.passable_by_managed_policy(arn) is passable
    req = crn.build_request(
        name="d",
        role_arn=arn,
        database="db",
        table="t",
        schema=[{"columnName": "u", "columnTypes": ["USER_ID"]}],
    )
    warned = "role_name" in _codes(crn.validate_request(req), "warning")
    assert warned is not passable


def test_check_role_judges_path_and_name(boto3_session: boto3.Session) -> None:
    """Issue 12, point 1 (managed policy AWSCleanRoomsMLFullAccess v4, PassServiceRole
    statement): a role at /service-role/ named cleanrooms-ml-* is warned, a role at
    /cleanrooms-ml/ is not, whatever its name."""
    trust = crn.trust_policy(ACCOUNT, REGION)
    hidden = _role(boto3_session, "cleanrooms-ml-svc", trust, path="/service-role/")
    under = _role(boto3_session, "reader", trust, path="/cleanrooms-ml/")
    warned = crn.check_role(hidden, boto3_session=boto3_session)
    (finding,) = [f for f in warned if f.code == "role_name"]
    assert "role/service-role/cleanrooms-ml-svc" in finding.message and "path" in finding.message
    assert list(crn.check_role(under, boto3_session=boto3_session)) == []


def test_access_denied_explanation_names_path_and_tag_resource() -> None:
    """Issue 12, points 1 and 3. Service Authorization Reference for Clean Rooms ML
    (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awscleanroomsml.html):
    CreateTrainingDataset needs cleanrooms-ml:CreateTrainingDataset, cleanrooms-ml:TagResource
    when tags are sent, and iam:PassRole (iam:PassedToService cleanrooms-ml.amazonaws.com)."""
    from cleanroom_nb.submit._create import _access_denied_reasons

    role = f"arn:aws:iam::{ACCOUNT}:role/service-role/cleanrooms-ml-x"
    with_tags = " ".join(_access_denied_reasons({"roleArn": role, "tags": {"a": "b"}}, ACCOUNT))
    assert "cleanrooms-ml:TagResource" in with_tags
    assert "role/service-role/cleanrooms-ml-x" in with_tags and "path" in with_tags
    plain = " ".join(
        _access_denied_reasons({"roleArn": f"arn:aws:iam::{ACCOUNT}:role/cleanrooms-ml-x"}, ACCOUNT)
    )
    assert "TagResource when the request has tags" in plain  # said, not asked of this request
    assert "(this request has tags)" not in plain and "may be denied" not in plain
    assert "(this request has tags)" in with_tags
    assert "iam:PassedToService cleanrooms-ml.amazonaws.com" in plain


# ------------------------------------------------------------- point 2: trust conditions


def test_created_role_has_the_documented_trust_and_no_findings(
    boto3_session: boto3.Session,
) -> None:
    """Issue 12, point 2 (ml-roles trust policy): the documented policy passes check_role."""
    arn = crn.create_role(
        "doc", database="sales", table="events", s3_location=LOCATION, boto3_session=boto3_session
    )
    role = boto3_session.client("iam").get_role(RoleName="cleanrooms-ml-doc")["Role"]
    cond = role["AssumeRolePolicyDocument"]["Statement"][0]["Condition"]
    assert set(cond) == {"StringEqualsIfExists", "ArnLikeIfExists"}
    assert list(crn.check_role(arn, boto3_session=boto3_session)) == []


def test_string_not_equals_own_account_is_an_error(boto3_session: boto3.Session) -> None:
    """Issue 12, point 2: conditions are read by their operator (IAM condition operators,
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html).
    ``StringNotEquals aws:SourceAccount <own account>`` blocks the service for the caller's own
    datasets (the service sends aws:SourceAccount, ml-roles), so it is an error."""
    arn = _role(
        boto3_session,
        "cleanrooms-ml-not",
        _trust({"StringNotEquals": {"aws:SourceAccount": ACCOUNT}}),
    )
    errors = [f for f in crn.check_role(arn, boto3_session=boto3_session) if f.level == "error"]
    assert [f.code for f in errors] == ["trust_source_account"]
    assert "StringNotEquals aws:SourceAccount" in errors[0].message
    other = _role(
        boto3_session,
        "cleanrooms-ml-not-other",
        _trust({"StringNotEquals": {"aws:SourceAccount": "210987654321"}}),
    )
    assert crn.check_role(other, boto3_session=boto3_session).ok


def test_source_arn_of_one_dataset_warns_for_a_new_one(boto3_session: boto3.Session) -> None:
    """Issue 12, point 2. ml-roles: "The SourceArn can be limited to a specific training
    dataset, but only after that dataset is created." Fine for that dataset; for a new one a
    warning (not an error) that a new training dataset cannot use the role."""
    dataset = f"arn:aws:cleanrooms-ml:{REGION}:{ACCOUNT}:training-dataset/abc-123"
    arn = _role(
        boto3_session,
        "cleanrooms-ml-one",
        _trust(
            {
                "StringEqualsIfExists": {"aws:SourceAccount": [ACCOUNT]},
                "ArnLikeIfExists": {"aws:SourceArn": dataset},
            }
        ),
    )
    for_new = crn.check_role(arn, boto3_session=boto3_session)
    assert [(f.level, f.code) for f in for_new] == [("warning", "trust_source_arn_one_dataset")]
    assert "a new training dataset cannot use this role" in for_new[0].message
    assert (
        list(crn.check_role(arn, training_dataset_arn=dataset, boto3_session=boto3_session)) == []
    )
    another = dataset.replace("abc-123", "zzz")
    errors = crn.check_role(arn, training_dataset_arn=another, boto3_session=boto3_session)
    assert _codes(errors, "error") == {"trust_source_arn"}


def test_condition_operators() -> None:
    """Issue 12, point 2: IAM's documented semantics — IfExists holds for a missing key,
    negated operators hold for a missing key, Arn operators match each ARN part on its own,
    ``ForAnyValue:`` on a single value, unknown keys stay unknown."""
    ctx = {"aws:sourceaccount": ACCOUNT, "aws:sourcearn": None}
    assert ev.evaluate_one("StringEqualsIfExists", "aws:SourceArn", "x", ctx) is True
    assert ev.evaluate_one("StringEquals", "aws:SourceArn", "x", ctx) is False
    assert ev.evaluate_one("StringNotLike", "aws:SourceArn", "x", ctx) is True
    assert ev.evaluate_one("Null", "aws:SourceArn", "true", ctx) is True
    assert ev.evaluate_one("ForAnyValue:StringLike", "aws:SourceAccount", "1234*", ctx) is True
    assert ev.evaluate_one("StringEqualsIgnoreCase", "aws:SourceOrgID", "o", ctx) is None
    assert ev.evaluate_one("NumericLessThan", "aws:SourceAccount", "5", ctx) is None
    arn_ctx = {"aws:sourcearn": "arn:aws:cleanrooms-ml:us-east-1:1:training-dataset/a/b"}
    assert ev.evaluate_one("ArnLike", "aws:SourceArn", "arn:aws:*:*:1:training-dataset/*", arn_ctx)
    assert not ev.evaluate_one("ArnLike", "aws:SourceArn", "arn:*:1:training-dataset/*", arn_ctx)


def test_unknown_condition_key_is_reported_not_guessed(boto3_session: boto3.Session) -> None:
    """Issue 12, point 2: only aws:SourceAccount and aws:SourceArn are documented (ml-roles);
    a condition on another key cannot be judged, so it is a warning, never a pass or an error."""
    arn = _role(
        boto3_session,
        "cleanrooms-ml-org",
        _trust({"StringEquals": {"aws:SourceOrgID": "o-123"}}),
    )
    assert _codes(crn.check_role(arn, boto3_session=boto3_session)) == {"trust_condition_unchecked"}


# ------------------------------------------------ point 3: what check_role/create_role need


@pytest.fixture
def limited_session(boto3_session: boto3.Session, aws: str) -> Iterator[boto3.Session]:
    """A moto IAM user that may only call sts:GetCallerIdentity, with IAM authorization on."""
    from moto.core.authorization import enable_iam_authentication

    iam = boto3_session.client("iam")
    iam.create_user(UserName="analyst")
    only_sts = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "sts:GetCallerIdentity", "Resource": "*"}],
    }
    iam.put_user_policy(UserName="analyst", PolicyName="p", PolicyDocument=json.dumps(only_sts))
    key = iam.create_access_key(UserName="analyst")["AccessKey"]
    session = boto3.Session(
        aws_access_key_id=key["AccessKeyId"],
        aws_secret_access_key=key["SecretAccessKey"],
        region_name=REGION,
    )
    with enable_iam_authentication():
        yield session


def test_check_role_says_could_not_check_with_the_missing_action(
    boto3_session: boto3.Session, limited_session: boto3.Session
) -> None:
    """Issue 12, point 3. check_role needs iam:GetRole (and the policy reads); the managed
    policy AWSCleanRoomsMLFullAccess (v4, GetRoleAndListRolePoliciesToInspectServiceRole)
    allows them only on ``role/service-role/cleanrooms-ml*``. Without them: "could not check",
    naming the refused action, and the note."""
    arn = f"arn:aws:iam::{ACCOUNT}:role/cleanrooms-ml-reader"
    findings = crn.check_role(arn, boto3_session=limited_session)
    (finding,) = findings
    assert (finding.level, finding.code) == ("warning", "aws_unchecked")
    assert "could not check" in finding.message and "iam:GetRole" in finding.message
    assert "role/service-role/cleanrooms-ml*" in finding.message


def test_create_role_names_the_missing_action(limited_session: boto3.Session) -> None:
    """Issue 12, point 3. create_role needs iam:CreateRole and iam:PutRolePolicy; ml-roles:
    "If you don't have CreateRole permissions, ask your administrator to create the service
    role." The error names the refused action."""
    with pytest.raises(crn.AccessDeniedError, match=r"iam:CreateRole") as info:
        crn.create_role(
            "x", database="d", table="t", s3_location=LOCATION, boto3_session=limited_session
        )
    assert "administrator" in str(info.value)


# ------------------------------------------------------------------------- point 5: KMS


def test_permissions_policy_kms_statement_is_the_guides() -> None:
    """Issue 12, point 5. ml-roles: "If you need to use a KMS key to decrypt data, add this
    AWS KMS statement": kms:Decrypt on the key, ``ArnLike`` on
    ``kms:EncryptionContext:aws:s3:arn`` = ``arn:aws:s3:::bucketFolders*`` — exactly, for data
    without an S3 Bucket Key (``bucket_key=False``; the others: tests/aws/test_kms.py)."""
    key = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/k-1"
    p = crn.permissions_policy(
        "sales",
        "events",
        LOCATION,
        region=REGION,
        account_id=ACCOUNT,
        kms_key_arn=key,
        bucket_key=False,
    )
    (kms,) = [s for s in p["Statement"] if s["Sid"] == "KmsDecryptData"]
    assert kms["Action"] == ["kms:Decrypt"] and kms["Resource"] == [key]
    assert kms["Condition"] == {
        "ArnLike": {"kms:EncryptionContext:aws:s3:arn": "arn:aws:s3:::data-bucket/events/*"}
    }


def test_check_role_verifies_kms_decrypt(boto3_session: boto3.Session) -> None:
    """Issue 12, point 5 (ml-roles KMS statement): check_role(kms_key_arn=) reports a role
    without kms:Decrypt on the key as an error, and accepts the guide's statement."""
    key = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/k-1"
    trust = crn.trust_policy(ACCOUNT, REGION)
    plain = crn.permissions_policy("sales", "events", LOCATION, region=REGION, account_id=ACCOUNT)
    without = _role(boto3_session, "cleanrooms-ml-nokms", trust, plain)
    found = crn.check_role(
        without, s3_location=LOCATION, kms_key_arn=key, boto3_session=boto3_session
    )
    assert [(f.level, f.path) for f in found] == [("error", "permissions.kms:Decrypt")]
    assert key in found[0].message
    full = crn.permissions_policy(
        "sales", "events", LOCATION, region=REGION, account_id=ACCOUNT, kms_key_arn=key
    )
    with_kms = _role(boto3_session, "cleanrooms-ml-kms", trust, full)
    assert crn.check_role(
        with_kms, s3_location=LOCATION, kms_key_arn=key, boto3_session=boto3_session
    ).ok


def test_kms_encryption_found_on_bucket_and_object(boto3_session: boto3.Session) -> None:
    """Issue 12, point 5: the key is named from the bucket's default encryption
    (GetBucketEncryption) and from the sampled object's ServerSideEncryption / SSEKMSKeyId."""
    from cleanroom_nb.aws._encryption import kms_encryption, kms_findings

    s3 = boto3_session.client("s3")
    key = boto3_session.client("kms").create_key()["KeyMetadata"]["Arn"]
    s3.create_bucket(Bucket="data-bucket")
    s3.put_object(Bucket="data-bucket", Key="events/part-0.parquet", Body=b"0123456789")
    assert kms_encryption(LOCATION, boto3_session=boto3_session) == []
    s3.put_bucket_encryption(
        Bucket="data-bucket",
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
    found = kms_encryption(LOCATION, boto3_session=boto3_session)
    assert [(f.where, f.key) for f in found] == [
        ("the default encryption of bucket data-bucket", key)
    ]
    s3.put_object(
        Bucket="data-bucket",
        Key="events/part-0.parquet",
        Body=b"0123456789",
        ServerSideEncryption="aws:kms",
        SSEKMSKeyId=key,
    )
    findings, use = kms_findings(LOCATION, "where", boto3_session=boto3_session)
    assert use is not None and use.key_arn == key
    assert [(f.level, f.code) for f in findings] == [("warning", "kms_encrypted")]
    assert "object s3://data-bucket/events/part-0.parquet" in findings[0].message


# ----------------------------------------------------------- point 10: IAM role names


def test_create_role_accepts_only_ascii_names(boto3_session: boto3.Session) -> None:
    """Issue 12, point 10. IAM's RoleName pattern ``[\\w+=,.@-]+`` (botocore's ``iam`` model)
    is a Java regex, where ``\\w`` is ASCII only: a name with "é" is refused before calling."""
    with pytest.raises(ValueError, match="ASCII"):
        crn.create_role(
            "lecteur-é", database="d", table="t", s3_location=LOCATION, boto3_session=boto3_session
        )
    assert boto3_session.client("iam").list_roles()["Roles"] == []
