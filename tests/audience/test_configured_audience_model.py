"""Configured audience models: create (checked first), get, list, update, delete, reuse.

Documents: CreateConfiguredAudienceModel (API reference): ``outputConfig`` "Configure the Amazon
S3 location and IAM Role for audiences [...] The IAM Role must have ``s3:PutObject`` permission
on the destination Amazon S3 location"; ``sharedAudienceMetrics`` "Whether audience metrics are
shared", Required: Yes, ``ALL | NONE``; ``minMatchingSeedSize`` "The default value is 500", range
25-500,000. The user guide ("Configuring a lookalike model"): the segment destination bucket
"must be located in the same region as your other resources". Service Authorization Reference:
CreateConfiguredAudienceModel and UpdateConfiguredAudienceModel need ``iam:PassRole`` with
``iam:PassedToService`` ``cleanrooms-ml.amazonaws.com``. UpdateConfiguredAudienceModel: "Updates
that impact audience generation jobs take effect when a new job starts".
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from audience_helpers import Shop

import cleanroom_nb as crn

OUT = "s3://segments/lookalikes/"


@pytest.fixture
def out_role(shop: Shop) -> str:
    return crn.create_output_role("segments", output_s3_uri=OUT, boto3_session=shop.session)


def _configure(shop: Shop, model: str, role: str, name: str = "shared", **kw: Any) -> str:
    return crn.create_configured_audience_model(
        model, name, output_s3_uri=kw.pop("output_s3_uri", OUT), role_arn=role,
        boto3_session=shop.session, **kw,
    )  # fmt: skip


def test_create_and_read_back(shop: Shop, model_arn: str, out_role: str) -> None:
    carn = _configure(
        shop,
        model_arn,
        out_role,
        min_matching_seed_size=1000,
        audience_size_config={"audienceSizeType": "PERCENTAGE", "audienceSizeBins": [5, 10, 20]},
        child_resource_tag_on_create_policy="FROM_PARENT_RESOURCE",
        description="for the partner",
        tags={"team": "ads"},
    )
    got = crn.get_configured_audience_model(carn, boto3_session=shop.session)
    assert got.output_location == OUT and got["outputConfig"]["roleArn"] == out_role
    assert got["audienceModelArn"] == model_arn and got["status"] == "ACTIVE"
    assert got["minMatchingSeedSize"] == 1000 and got["tags"] == {"team": "ads"}
    assert got["sharedAudienceMetrics"] == ["NONE"]  # nothing shared unless asked
    html = got._repr_html_()
    assert OUT in html and "5%, 10%, 20% (percentage)" in html and out_role in html
    listed = crn.list_configured_audience_models(boto3_session=shop.session)
    assert [m["configuredAudienceModelArn"] for m in listed] == [carn]
    assert OUT in listed._repr_html_()


def test_defaults_the_service_documents(shop: Shop, model_arn: str, out_role: str) -> None:
    carn = _configure(shop, model_arn, out_role, shared_audience_metrics="ALL")
    got = crn.get_configured_audience_model(carn, boto3_session=shop.session)
    assert got["minMatchingSeedSize"] == 500 and got["sharedAudienceMetrics"] == ["ALL"]


def test_request_checked_against_the_model(shop: Shop, model_arn: str, out_role: str) -> None:
    with pytest.raises(crn.RequestInvalidError) as info:
        _configure(
            shop,
            model_arn,
            out_role,
            output_s3_uri="segments/lookalikes/",
            shared_audience_metrics="SOME",
            min_matching_seed_size=10,
            audience_size_config={"audienceSizeType": "ABSOLUTE", "audienceSizeBins": []},
        )
    found = {(f.path, f.code) for f in info.value.findings}
    assert ("outputConfig.destination.s3Destination.s3Uri", "pattern") in found
    assert ("sharedAudienceMetrics[0]", "enum") in found
    assert ("minMatchingSeedSize", "min_value") in found
    assert ("audienceSizeConfig.audienceSizeBins", "min_count") in found
    assert shop.emulator.call_count("CreateConfiguredAudienceModel") == 0


def test_output_location_must_exist_in_the_region(
    shop: Shop, model_arn: str, out_role: str
) -> None:
    with pytest.raises(crn.RequestInvalidError, match="no S3 bucket 'nowhere'"):
        _configure(shop, model_arn, out_role, output_s3_uri="s3://nowhere/x/")
    shop.session.client("s3", region_name="eu-west-1").create_bucket(
        Bucket="far-away", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}
    )
    with pytest.raises(crn.RequestInvalidError) as info:
        _configure(shop, model_arn, out_role, output_s3_uri="s3://far-away/x/")
    assert "bucket_region" in {f.code for f in info.value.findings}
    assert shop.emulator.call_count("CreateConfiguredAudienceModel") == 0


def test_output_role_is_checked(shop: Shop, model_arn: str) -> None:
    """A role trusting the wrong principal, or that cannot write the location, is refused."""
    iam = shop.session.client("iam")
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
    role = iam.create_role(
        RoleName="cleanrooms-ml-wrong", AssumeRolePolicyDocument=json.dumps(trust)
    )["Role"]["Arn"]
    with pytest.raises(crn.RequestInvalidError) as info:
        _configure(shop, model_arn, role)
    codes = {f.code for f in info.value.findings.errors}
    assert {"wrong_trust_principal", "missing_permission"} <= codes
    assert any(f.path == "permissions.s3:PutObject" for f in info.value.findings)


def test_a_model_that_failed_cannot_be_configured(shop: Shop, out_role: str) -> None:
    shop.emulator.fail_next_training("no")
    failed = crn.create_audience_model(
        shop.dataset_arn, "failed", df=shop.df, boto3_session=shop.session
    )
    with pytest.raises(crn.RequestInvalidError, match="CREATE_FAILED"):
        _configure(shop, failed, out_role)
    gone = failed[:-4] + "0000"
    with pytest.raises(crn.RequestInvalidError, match="list_audience_models"):
        _configure(shop, gone, out_role)


def test_pass_role_denied_names_the_permission(shop: Shop, model_arn: str, out_role: str) -> None:
    shop.emulator.deny_pass_role(out_role)
    with pytest.raises(crn.AccessDeniedError) as info:
        _configure(shop, model_arn, out_role, tags={"a": "b"})
    text = str(info.value)
    assert "cleanrooms-ml:CreateConfiguredAudienceModel" in text
    assert f"iam:PassRole on {out_role}" in text and "cleanrooms-ml.amazonaws.com" in text


def test_if_exists(shop: Shop, model_arn: str, out_role: str) -> None:
    carn = _configure(shop, model_arn, out_role)
    with pytest.raises(crn.ConfiguredAudienceModelExistsError) as info:
        _configure(shop, model_arn, out_role)
    assert info.value.existing_arn == carn
    assert _configure(shop, model_arn, out_role, if_exists="reuse") == carn
    with pytest.warns(crn.TagsUpdatedWarning):
        assert _configure(shop, model_arn, out_role, if_exists="reuse", tags={"t": "1"}) == carn
    with pytest.raises(crn.ConfiguredAudienceModelExistsError) as info:
        _configure(shop, model_arn, out_role, if_exists="reuse", min_matching_seed_size=100)
    assert "minMatchingSeedSize" in str(info.value)
    assert "update_configured_audience_model" in str(info.value)
    assert shop.emulator.call_count("CreateConfiguredAudienceModel") == 1


def test_update_changes_only_what_is_given(shop: Shop, model_arn: str, out_role: str) -> None:
    carn = _configure(shop, model_arn, out_role)
    other = "s3://segments/other/"
    role2 = crn.create_output_role("segments-2", output_s3_uri=other, boto3_session=shop.session)
    crn.update_configured_audience_model(
        carn, output_s3_uri=other, role_arn=role2, boto3_session=shop.session
    )
    crn.update_configured_audience_model(
        carn, min_matching_seed_size=2000, boto3_session=shop.session
    )
    got = crn.get_configured_audience_model(carn, boto3_session=shop.session)
    assert got.output_location == other and got["outputConfig"]["roleArn"] == role2
    assert got["minMatchingSeedSize"] == 2000 and got["sharedAudienceMetrics"] == ["NONE"]
    with pytest.raises(crn.RequestInvalidError) as info:  # this role cannot write OUT
        crn.update_configured_audience_model(carn, output_s3_uri=OUT, boto3_session=shop.session)
    assert any(f.code == "missing_permission" for f in info.value.findings)
    with pytest.raises(ValueError, match="nothing to update"):
        crn.update_configured_audience_model(carn, boto3_session=shop.session)
    assert shop.emulator.call_count("UpdateConfiguredAudienceModel") == 2


def test_delete_and_not_found(shop: Shop, model_arn: str, out_role: str) -> None:
    carn = _configure(shop, model_arn, out_role)
    crn.delete_configured_audience_model(carn, boto3_session=shop.session)
    assert crn.list_configured_audience_models(boto3_session=shop.session) == []
    with pytest.raises(crn.NotFoundError):
        crn.get_configured_audience_model(carn, boto3_session=shop.session)
    with pytest.raises(crn.NotFoundError):
        crn.delete_configured_audience_model(carn, boto3_session=shop.session)


def test_delete_refused_names_what_to_do(shop: Shop, model_arn: str, out_role: str) -> None:
    """ "You can't delete a configured audience model if there are any lookalike models that use
    the configured audience model" (API reference). The emulator has no audience generation
    jobs, so the conflict is injected; the jobs cannot be listed there, and the error says so."""
    carn = _configure(shop, model_arn, out_role)
    shop.emulator.inject_error(
        "ConflictException", "in use", operation="DeleteConfiguredAudienceModel"
    )
    with pytest.raises(crn.AwsError) as info:
        crn.delete_configured_audience_model(carn, boto3_session=shop.session)
    assert info.value.code == "ConflictException"
    assert "audience generation jobs could not be listed" in str(info.value)
