"""validate_request as AWS's documents ask (issue 12): the role is checked before sending, the
data's KMS key is named, and Glue type synonyms are warned about.

Glue, S3, KMS, IAM and STS are moto's server over HTTP.
"""

from __future__ import annotations

import json

import awswrangler as wr
import boto3
import pytest

import cleanroom_nb as crn

ROLE = "arn:aws:iam::123456789012:role/cleanrooms-ml-reader"
LOCATION = "s3://bucket/interactions/"
S = "trainingData[0].inputConfig.schema"
G = "trainingData[0].inputConfig.dataSource.glueDataSource"
TYPES = {"user_id": "string", "item_id": "bigint", "event_time": "bigint", "price": "double"}


def _request() -> crn.TrainingDatasetRequest:
    roles = {"user_id": "USER_ID", "item_id": "ITEM_ID", "event_time": "TIMESTAMP"}
    roles["price"] = "NUMERICAL_FEATURE"
    schema = [{"columnName": c, "columnTypes": [r]} for c, r in roles.items()]
    return crn.build_request(
        name="shoppers", role_arn=ROLE, database="sales", table="interactions", schema=schema
    )


@pytest.fixture
def table(boto3_session: boto3.Session) -> boto3.Session:
    boto3_session.client("s3").create_bucket(Bucket="bucket")
    boto3_session.client("s3").put_object(
        Bucket="bucket", Key="interactions/part-0.parquet", Body=b"PAR1...."
    )
    wr.catalog.create_database("sales", boto3_session=boto3_session)
    wr.catalog.create_parquet_table(
        database="sales",
        table="interactions",
        path=LOCATION,
        columns_types=TYPES,
        boto3_session=boto3_session,
    )
    return boto3_session


# ------------------------------------------------- point 7: the role is checked before sending


def test_validate_request_runs_check_role(table: boto3.Session) -> None:
    """Issue 12, point 7. At create time AWS documents only a role of another account
    (CreateTrainingDataset API reference) and PassRole; "the TrainingDataset is metadata that
    points to a Glue table, which is read only during AudienceModel creation". So
    validate_request(boto3_session=...) reads the role itself (check_role) and reports what
    would fail hours later: a missing role, the wrong principal, missing permissions."""
    missing = crn.validate_request(_request(), boto3_session=table)
    assert [(f.level, f.path, f.code) for f in missing] == [("error", "roleArn", "role_not_found")]
    iam = table.client("iam")
    trust = crn.trust_policy("123456789012", "us-east-1")
    trust["Statement"][0]["Principal"]["Service"] = "cleanrooms.amazonaws.com"
    iam.create_role(RoleName="cleanrooms-ml-reader", AssumeRolePolicyDocument=json.dumps(trust))
    found = crn.validate_request(_request(), boto3_session=table)
    codes = {(f.level, f.code) for f in found}
    assert ("error", "wrong_trust_principal") in codes
    assert ("error", "missing_permission") in codes
    assert all(f.path == "roleArn" for f in found)
    assert any("glue:GetTable" in f.message for f in found if f.code == "missing_permission")
    crn.create_role(
        "reader",
        database="sales",
        table="interactions",
        s3_location=LOCATION,
        if_exists="update",
        boto3_session=table,
    )
    assert crn.validate_request(_request(), boto3_session=table) == []


def test_role_of_another_account_is_not_read(table: boto3.Session) -> None:
    """Issue 12, point 7: a role of another account is the documented create-time error
    (AccessDeniedException); its IAM cannot be read with these credentials, so it is reported
    once, by the request check, and check_role is not run for it."""
    req = dict(_request(), roleArn="arn:aws:iam::210987654321:role/cleanrooms-ml-reader")
    found = crn.validate_request(req, boto3_session=table)
    assert [(f.level, f.code) for f in found] == [("error", "role_account")]


# --------------------------------------------------------------------------- point 5: KMS


def test_validate_request_names_the_kms_key_and_checks_the_role(table: boto3.Session) -> None:
    """Issue 12, point 5. ml-roles (https://docs.aws.amazon.com/clean-rooms/latest/userguide/
    ml-roles.html): the example policy "doesn't include a KMS key to decrypt data"; encrypted
    data needs kms:Decrypt on the key (``kms:EncryptionContext:aws:s3:arn``). validate_request
    reads the bucket's default encryption and the sampled object, names the key, and
    check_role verifies the role may decrypt with it."""
    key = table.client("kms").create_key()["KeyMetadata"]["Arn"]
    table.client("s3").put_bucket_encryption(
        Bucket="bucket",
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
    crn.create_role(
        "reader", database="sales", table="interactions", s3_location=LOCATION, boto3_session=table
    )
    found = crn.validate_request(_request(), boto3_session=table)
    by_code = {f.code: f for f in found}
    assert set(by_code) == {"kms_encrypted", "missing_permission"}
    assert key in by_code["kms_encrypted"].message and by_code["kms_encrypted"].path == G
    assert by_code["missing_permission"].level == "error"
    assert f"kms:Decrypt on {key}" in by_code["missing_permission"].message
    crn.create_role(
        "reader",
        database="sales",
        table="interactions",
        s3_location=LOCATION,
        kms_key_arn=key,
        if_exists="update",
        boto3_session=table,
    )
    found = crn.validate_request(_request(), boto3_session=table)
    assert [(f.level, f.code) for f in found] == [("warning", "kms_encrypted")]


# ------------------------------------------------------------- point 9: Glue type names


@pytest.mark.parametrize(
    ("column", "glue_type", "documented"),
    [
        ("user_id", "varchar(64)", "string"),
        ("user_id", "char(8)", "string"),
        ("item_id", "integer", "int"),
        ("price", "real", "float"),
        ("item_id", "long", "bigint"),
    ],
)
def test_glue_type_synonyms_are_warned_with_the_cast(
    column: str, glue_type: str, documented: str
) -> None:
    """Issue 12, point 9. "Training data requirements for Clean Rooms ML"
    (https://docs.aws.amazon.com/clean-rooms/latest/userguide/ml-training-data-requirements.html)
    lists string, int, bigint, timestamp, float, double, boolean and array; a synonym is
    accepted by the family it reads as, with a warning that gives the documented name."""
    from cleanroom_nb.infer import TrainingSchema

    types = dict(TYPES, **{column: glue_type})
    roles = {"user_id": "USER_ID", "item_id": "ITEM_ID", "event_time": "TIMESTAMP"}
    roles["price"] = "NUMERICAL_FEATURE"
    schema = TrainingSchema.from_columns(
        [crn.ColumnSchema(c, t, roles[c], 1.0, "by hand") for c, t in types.items()]
    )
    req = crn.build_request(
        name="n", role_arn=ROLE, database="sales", table="interactions", schema=schema
    )
    found = [f for f in crn.validate_request(req) if f.code == "glue_type_synonym"]
    assert [f.level for f in found] == ["warning"]
    assert f"cast it to {documented}" in found[0].message and glue_type in found[0].message
    assert all(f.code != "glue_type" for f in crn.validate_request(req).errors)


def test_canonical_type_names_are_not_warned() -> None:
    """Issue 12, point 9: the documented names themselves (and ``array<...>``) pass silently."""
    from cleanroom_nb.request._rules import documented_type_name

    for name in ("string", "int", "bigint", "timestamp", "float", "double", "boolean"):
        assert documented_type_name(name) is None
    assert documented_type_name("array<string>") is None
    assert documented_type_name("VARCHAR(3)") == "string"
    assert documented_type_name("smallint") is None  # not accepted at all: an error elsewhere
