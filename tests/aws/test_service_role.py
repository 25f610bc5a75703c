"""The service role: policies, check_role and create_role against moto's IAM over HTTP."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest

import cleanroom_nb as crn
from cleanroom_nb.aws import _policy_eval as ev
from cleanroom_nb.aws import _service_role as sr

ACCOUNT = "123456789012"
REGION = "us-east-1"
LOCATION = "s3://data-bucket/events/"


def _codes(findings: crn.Findings, level: str | None = None) -> set[str]:
    return {f.code for f in findings if level is None or f.level == level}


def _make_role(
    session: boto3.Session,
    name: str,
    trust: dict[str, Any],
    policy: dict[str, Any] | None = None,
    managed: dict[str, Any] | None = None,
) -> str:
    iam = session.client("iam")
    arn = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
    if policy is not None:
        iam.put_role_policy(RoleName=name, PolicyName="inline", PolicyDocument=json.dumps(policy))
    if managed is not None:
        parn = iam.create_policy(PolicyName=f"{name}-managed", PolicyDocument=json.dumps(managed))[
            "Policy"
        ]["Arn"]
        iam.attach_role_policy(RoleName=name, PolicyArn=parn)
    return str(arn)


def _full_policy() -> dict[str, Any]:
    return crn.permissions_policy("sales", "events", LOCATION, region=REGION, account_id=ACCOUNT)


# --------------------------------------------------------------------------- policies


def test_trust_policy_is_the_user_guides() -> None:
    """Issue 12, point 2. User guide, "Set up service roles for AWS Clean Rooms ML"
    (https://docs.aws.amazon.com/clean-rooms/latest/userguide/ml-roles.html), "Create a
    service role to read training data": Sid AllowAssumeRole, principal
    cleanrooms-ml.amazonaws.com, sts:AssumeRole, ``StringEqualsIfExists`` on
    ``aws:SourceAccount`` (a list) and ``ArnLikeIfExists`` on ``aws:SourceArn``
    ``arn:aws:cleanrooms-ml:<region>:<account>:training-dataset/*``."""
    bare = crn.trust_policy()
    (stmt,) = bare["Statement"]
    assert stmt == {
        "Sid": "AllowAssumeRole",
        "Effect": "Allow",
        "Principal": {"Service": "cleanrooms-ml.amazonaws.com"},
        "Action": "sts:AssumeRole",
    }
    assert crn.trust_policy(ACCOUNT, "eu-west-1") == {
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
                        "aws:SourceArn": f"arn:aws:cleanrooms-ml:eu-west-1:{ACCOUNT}:training-dataset/*"
                    },
                },
            }
        ],
    }
    china = crn.trust_policy(ACCOUNT, "cn-north-1")["Statement"][0]["Condition"]
    assert china["ArnLikeIfExists"]["aws:SourceArn"].startswith(
        "arn:aws-cn:cleanrooms-ml:cn-north-1:"
    )


def test_permissions_policy_is_least_privilege() -> None:
    p = crn.permissions_policy(
        "sales",
        "events",
        LOCATION,
        region=REGION,
        account_id=ACCOUNT,
        kms_key_arn="arn:aws:kms:us-east-1:123456789012:key/k",
    )
    by_sid = {s["Sid"]: s for s in p["Statement"]}
    owner = {"s3:ResourceAccount": [ACCOUNT]}  # ml-roles: the guide's S3 condition
    assert all(by_sid[sid]["Condition"]["StringEquals"] == owner for sid in by_sid if "S3" in sid)
    glue = by_sid["GlueReadTable"]
    assert set(glue["Action"]) == set(sr.GLUE_READ_ACTIONS)
    assert f"arn:aws:glue:{REGION}:{ACCOUNT}:table/sales/events" in glue["Resource"]
    assert all("*" not in r for r in glue["Resource"])  # no wildcard tables or databases
    assert by_sid["GlueDefaultDatabase"]["Action"] == ["glue:CreateDatabase"]
    assert by_sid["S3ReadData"]["Resource"] == "arn:aws:s3:::data-bucket/events/*"
    assert by_sid["S3ListDataPrefix"]["Condition"]["StringLike"]["s3:prefix"] == [
        "events/",
        "events/*",
    ]
    assert by_sid["S3BucketLocation"]["Resource"] == "arn:aws:s3:::data-bucket"
    assert by_sid["KmsDecryptData"]["Action"] == ["kms:Decrypt"]
    actions = {a for s in p["Statement"] for a in s["Action"]}
    assert not any(a.endswith("*") for a in actions)
    # a location without a trailing slash still limits reads to the prefix's "folder"
    p2 = crn.permissions_policy("d", "t", "s3://b/x", region=REGION, account_id=ACCOUNT)
    assert {s["Sid"]: s for s in p2["Statement"]}["S3ReadData"]["Resource"] == "arn:aws:s3:::b/x/*"
    with pytest.raises(ValueError, match="s3://bucket/prefix"):
        crn.permissions_policy("d", "t", "/local/path", region=REGION, account_id=ACCOUNT)


def test_generated_permissions_pass_the_evaluator_and_others_do_not() -> None:
    stmts = _full_policy()["Statement"]
    table = f"arn:aws:glue:{REGION}:{ACCOUNT}:table/sales/events"
    mine = {"s3:ResourceAccount": ACCOUNT}  # the guide's condition on the S3 statements
    assert ev.is_allowed(stmts, "glue:GetTable", table)
    obj = "arn:aws:s3:::data-bucket/events/part-0.parquet"
    assert ev.is_allowed(stmts, "s3:GetObject", obj, mine)
    assert not ev.is_allowed(stmts, "s3:GetObject", obj)  # the condition's key is not known
    assert not ev.is_allowed(stmts, "s3:GetObject", "arn:aws:s3:::data-bucket/other/x", mine)
    assert not ev.is_allowed(
        stmts, "glue:GetTable", f"arn:aws:glue:{REGION}:{ACCOUNT}:table/sales/other"
    )
    assert not ev.is_allowed(stmts, "glue:DeleteTable", table)
    deny = [*stmts, {"Effect": "Deny", "Action": "glue:*", "Resource": "*"}]
    assert not ev.is_allowed(deny, "glue:GetTable", table)
    not_action = [{"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}]
    assert ev.is_allowed(not_action, "GLUE:gettable", table)  # actions are case-insensitive
    assert not ev.is_allowed(not_action, "iam:PassRole", "*")


# --------------------------------------------------------------------------- check_role


def test_check_role_good_role_has_no_findings(boto3_session: boto3.Session) -> None:
    arn = _make_role(
        boto3_session, "cleanrooms-ml-good", crn.trust_policy(ACCOUNT, REGION), _full_policy()
    )
    findings = crn.check_role(
        arn, database="sales", table="events", s3_location=LOCATION, boto3_session=boto3_session
    )
    assert list(findings) == []


def test_check_role_wrong_principal_and_missing_permissions(boto3_session: boto3.Session) -> None:
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "cleanrooms.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": ["glue:GetTable", "glue:GetDatabase"], "Resource": "*"}
        ],
    }
    arn = _make_role(boto3_session, "reader", trust, policy)
    findings = crn.check_role(
        arn, database="sales", table="events", s3_location=LOCATION, boto3_session=boto3_session
    )
    errors = {f.code: f for f in findings.errors}
    assert "wrong_trust_principal" in errors
    assert "cleanrooms.amazonaws.com" in errors["wrong_trust_principal"].message
    assert "cleanrooms-ml.amazonaws.com" in errors["wrong_trust_principal"].message
    missing = {f.path for f in findings if f.code == "missing_permission"}
    assert (
        "permissions.glue:GetTable" not in missing and "permissions.glue:GetDatabase" not in missing
    )
    assert {
        "permissions.glue:GetPartitions",
        "permissions.s3:GetObject",
        "permissions.s3:ListBucket",
        "permissions.s3:GetBucketLocation",
    } <= missing
    assert "role_name" in _codes(findings, "warning")  # not cleanrooms-ml*: PassRole warning
    assert "trust_unconditioned" not in _codes(findings)  # only reported for the right principal


def test_check_role_reads_attached_managed_policies(boto3_session: boto3.Session) -> None:
    policy = _full_policy()
    arn = _make_role(boto3_session, "cleanrooms-ml-managed", crn.trust_policy(), managed=policy)
    findings = crn.check_role(
        arn, database="sales", table="events", s3_location=LOCATION, boto3_session=boto3_session
    )
    assert _codes(findings) == {"trust_unconditioned"}
    assert findings.ok


def test_check_role_deny_and_no_trust(boto3_session: boto3.Session) -> None:
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
    policy = _full_policy()
    policy["Statement"].append({"Effect": "Deny", "Action": "s3:GetObject", "Resource": "*"})
    arn = _make_role(boto3_session, "cleanrooms-ml-denied", trust, policy)
    findings = crn.check_role(
        arn, database="sales", table="events", s3_location=LOCATION, boto3_session=boto3_session
    )
    assert {"missing_trust", "missing_permission"} <= _codes(findings, "error")
    assert [f.path for f in findings if f.code == "missing_permission"] == [
        "permissions.s3:GetObject"
    ]


def test_check_role_trust_conditions(boto3_session: boto3.Session) -> None:
    other = crn.trust_policy("210987654321", REGION)
    arn = _make_role(boto3_session, "cleanrooms-ml-other", other)
    codes = _codes(crn.check_role(arn, boto3_session=boto3_session), "error")
    assert codes == {"trust_source_account", "trust_source_arn"}
    wrong_region = crn.trust_policy(ACCOUNT, "eu-west-1")
    arn = _make_role(boto3_session, "cleanrooms-ml-region", wrong_region)
    assert _codes(crn.check_role(arn, boto3_session=boto3_session), "error") == {"trust_source_arn"}


def test_check_role_other_account_missing_and_malformed(boto3_session: boto3.Session) -> None:
    findings = crn.check_role(
        "arn:aws:iam::210987654321:role/cleanrooms-ml-x", boto3_session=boto3_session
    )
    assert _codes(findings, "error") == {"role_account"}
    findings = crn.check_role(
        f"arn:aws:iam::{ACCOUNT}:role/cleanrooms-ml-missing", boto3_session=boto3_session
    )
    assert _codes(findings, "error") == {"role_not_found"}
    findings = crn.check_role("not-an-arn", boto3_session=boto3_session)
    assert _codes(findings) == {"pattern"}


def test_check_role_finds_s3_location_from_glue(boto3_session: boto3.Session) -> None:
    glue = boto3_session.client("glue")
    glue.create_database(DatabaseInput={"Name": "sales"})
    glue.create_table(
        DatabaseName="sales",
        TableInput={
            "Name": "events",
            "StorageDescriptor": {
                "Columns": [{"Name": "user_id", "Type": "string"}],
                "Location": LOCATION,
            },
        },
    )
    policy = _full_policy()
    policy["Statement"] = [s for s in policy["Statement"] if s["Sid"] != "S3ReadData"]
    arn = _make_role(boto3_session, "cleanrooms-ml-glue", crn.trust_policy(ACCOUNT, REGION), policy)
    findings = crn.check_role(arn, database="sales", table="events", boto3_session=boto3_session)
    assert [f.path for f in findings] == ["permissions.s3:GetObject"]
    assert "arn:aws:s3:::data-bucket/events/" in findings[0].message


# --------------------------------------------------------------------------- create_role


def test_create_role_then_check_it(boto3_session: boto3.Session) -> None:
    arn = crn.create_role(
        "reader",
        database="sales",
        table="events",
        s3_location=LOCATION,
        boto3_session=boto3_session,
    )
    assert arn == f"arn:aws:iam::{ACCOUNT}:role/cleanrooms-ml-reader"
    iam = boto3_session.client("iam")
    role = iam.get_role(RoleName="cleanrooms-ml-reader")["Role"]
    assert role["AssumeRolePolicyDocument"] == crn.trust_policy(ACCOUNT, REGION)
    doc = iam.get_role_policy(
        RoleName="cleanrooms-ml-reader", PolicyName=sr.PERMISSIONS_POLICY_NAME
    )["PolicyDocument"]
    assert doc == _full_policy()
    assert (
        list(
            crn.check_role(
                arn,
                database="sales",
                table="events",
                s3_location=LOCATION,
                boto3_session=boto3_session,
            )
        )
        == []
    )
    # already prefixed names are kept; existing roles are refused unless asked to update
    with pytest.raises(crn.AwsError, match="already exists") as info:
        crn.create_role(
            "cleanrooms-ml-reader",
            database="sales",
            table="events",
            s3_location=LOCATION,
            boto3_session=boto3_session,
        )
    assert info.value.code == "EntityAlreadyExists"
    again = crn.create_role(
        "cleanrooms-ml-reader",
        database="sales",
        table="other",
        s3_location="s3://b2/other/",
        if_exists="update",
        boto3_session=boto3_session,
    )
    assert again == arn
    doc = iam.get_role_policy(
        RoleName="cleanrooms-ml-reader", PolicyName=sr.PERMISSIONS_POLICY_NAME
    )["PolicyDocument"]
    assert "arn:aws:s3:::b2/other/*" in json.dumps(doc)


def test_create_role_rejects_bad_names(boto3_session: boto3.Session) -> None:
    with pytest.raises(ValueError, match="at most 64"):
        crn.create_role(
            "x" * 60, database="d", table="t", s3_location=LOCATION, boto3_session=boto3_session
        )
    with pytest.raises(ValueError, match="not a valid IAM role name"):
        crn.create_role(
            "has space", database="d", table="t", s3_location=LOCATION, boto3_session=boto3_session
        )
