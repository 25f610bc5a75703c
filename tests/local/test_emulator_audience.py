"""The emulator's audience models and configured audience models, over the real wire protocol.

Each behaviour cites the document it follows; what the documents do not say, the emulator does
not do (no name uniqueness for these resources, no check of a window against data it never
reads, no status for a configured model but ACTIVE).
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

import boto3
import botocore.exceptions
import pytest

from cleanroom_nb.aws import _service_model
from cleanroom_nb.local.cleanroomsml import CleanRoomsMLEmulator, _wire

ROLE = "arn:aws:iam::123456789012:role/cleanrooms-ml-reader"
OUT_ROLE = "arn:aws:iam::123456789012:role/cleanrooms-ml-segments"


def _client(emu: CleanRoomsMLEmulator) -> Any:
    return boto3.client(
        "cleanroomsml",
        endpoint_url=emu.url,
        region_name="us-east-1",
        aws_access_key_id="k",
        aws_secret_access_key="s",
    )


def _dataset(c: Any) -> str:
    return str(
        c.create_training_dataset(
            name="ds",
            roleArn=ROLE,
            trainingData=[
                {
                    "type": "INTERACTIONS",
                    "inputConfig": {
                        "schema": [{"columnName": "u", "columnTypes": ["USER_ID"]}],
                        "dataSource": {"glueDataSource": {"databaseName": "d", "tableName": "t"}},
                    },
                }
            ],
        )["trainingDatasetArn"]
    )


def _configured(c: Any, model: str, name: str = "shared", **kw: Any) -> str:
    return str(
        c.create_configured_audience_model(
            name=name,
            audienceModelArn=model,
            outputConfig={
                "destination": {"s3Destination": {"s3Uri": "s3://b/o/"}},
                "roleArn": OUT_ROLE,
            },
            sharedAudienceMetrics=["ALL"],
            **kw,
        )["configuredAudienceModelArn"]
    )


class StepClock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


def test_routes_come_from_the_service_model() -> None:
    """The nine operations are answered at the method and path botocore's model gives them."""
    model = _service_model.service_model()
    for op in (
        "CreateAudienceModel",
        "GetAudienceModel",
        "ListAudienceModels",
        "DeleteAudienceModel",
        "CreateConfiguredAudienceModel",
        "GetConfiguredAudienceModel",
        "ListConfiguredAudienceModels",
        "UpdateConfiguredAudienceModel",
        "DeleteConfiguredAudienceModel",
    ):
        assert op in _wire.HANDLERS
        http = model.operation_model(op).http
        path = (
            http["requestUri"]
            .replace("{audienceModelArn}", "a")
            .replace("{configuredAudienceModelArn}", "c")
        )
        found = _wire.match(http["method"], path)
        assert found is not None and found[0] == op


def test_training_moves_through_the_models_statuses(cleanrooms: CleanRoomsMLEmulator) -> None:
    """``AudienceModelStatus`` (botocore's model): CREATE_PENDING → CREATE_IN_PROGRESS → ACTIVE,
    over ``training_seconds`` (the user guide: "Model training can take several hours to 2
    days"); updateTime follows each change."""
    clock = StepClock()
    cleanrooms.backend.audience.clock = clock
    cleanrooms.training_seconds = 100
    c = _client(cleanrooms)
    arn = c.create_audience_model(name="m", trainingDatasetArn=_dataset(c))["audienceModelArn"]
    seen = []
    for step in (0, 24, 26, 99, 100, 500):
        clock.now = 1_800_000_000.0 + step
        got = c.get_audience_model(audienceModelArn=arn)
        seen.append(got["status"])
    assert seen == [
        "CREATE_PENDING",
        "CREATE_PENDING",
        "CREATE_IN_PROGRESS",
        "CREATE_IN_PROGRESS",
        "ACTIVE",
        "ACTIVE",
    ]
    assert got["updateTime"] - got["createTime"] == dt.timedelta(seconds=100)
    assert set(seen) <= set(_service_model.output_enum("GetAudienceModel", "status"))
    listed = c.list_audience_models()["audienceModels"]
    assert [(m["name"], m["status"]) for m in listed] == [("m", "ACTIVE")]


def test_training_is_immediate_by_default(cleanrooms: CleanRoomsMLEmulator) -> None:
    c = _client(cleanrooms)
    arn = c.create_audience_model(name="m", trainingDatasetArn=_dataset(c))["audienceModelArn"]
    assert c.get_audience_model(audienceModelArn=arn)["status"] == "ACTIVE"


def test_failing_training_has_status_details(cleanrooms: CleanRoomsMLEmulator) -> None:
    """``StatusDetails`` (botocore's model): ``statusCode`` "for programmatic error handling" and
    ``message`` "intended for human consumption"; given with CREATE_FAILED."""
    c = _client(cleanrooms)
    ds = _dataset(c)
    cleanrooms.fail_next_training("not enough interactions", status_code="DATA_ERROR")
    failed = c.create_audience_model(name="a", trainingDatasetArn=ds)["audienceModelArn"]
    fine = c.create_audience_model(name="b", trainingDatasetArn=ds)["audienceModelArn"]
    got = c.get_audience_model(audienceModelArn=failed)
    assert got["status"] == "CREATE_FAILED"
    assert got["statusDetails"] == {
        "statusCode": "DATA_ERROR",
        "message": "not enough interactions",
    }
    assert c.get_audience_model(audienceModelArn=fine)["status"] == "ACTIVE"
    assert "statusDetails" not in c.get_audience_model(audienceModelArn=fine)


def test_create_echoes_what_was_sent(cleanrooms: CleanRoomsMLEmulator) -> None:
    """GetAudienceModel answers the window, key, description and tags of the request; a window
    left out is not made up (the API reference documents no default)."""
    c = _client(cleanrooms)
    ds = _dataset(c)
    start = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    arn = c.create_audience_model(
        name="m",
        trainingDatasetArn=ds,
        trainingDataStartTime=start,
        trainingDataEndTime=start + dt.timedelta(days=31),
        kmsKeyArn="arn:aws:kms:us-east-1:123456789012:key/k",
        description="jan",
        tags={"team": "ads"},
    )["audienceModelArn"]
    got = c.get_audience_model(audienceModelArn=arn)
    assert got["trainingDataStartTime"] == start
    assert got["trainingDataEndTime"] == start + dt.timedelta(days=31)
    assert (got["kmsKeyArn"], got["description"], got["tags"]) == (
        "arn:aws:kms:us-east-1:123456789012:key/k",
        "jan",
        {"team": "ads"},
    )
    other = c.create_audience_model(name="n", trainingDatasetArn=ds)["audienceModelArn"]
    assert "trainingDataStartTime" not in c.get_audience_model(audienceModelArn=other)


def test_window_is_not_judged_by_the_emulator(cleanrooms: CleanRoomsMLEmulator) -> None:
    """The documents give no rule the service applies to the window at create time (it reads
    the data only while training), so an end before the start is accepted here; the library
    checks windows before sending."""
    c = _client(cleanrooms)
    start = dt.datetime(2024, 2, 1, tzinfo=dt.UTC)
    arn = c.create_audience_model(
        name="m", trainingDatasetArn=_dataset(c), trainingDataStartTime=start,
        trainingDataEndTime=start - dt.timedelta(days=1),
    )["audienceModelArn"]  # fmt: skip
    assert c.get_audience_model(audienceModelArn=arn)["status"] == "ACTIVE"


def test_names_are_not_made_unique(cleanrooms: CleanRoomsMLEmulator) -> None:
    """CreateTrainingDataset documents "This name must be unique in your account and region";
    CreateAudienceModel and CreateConfiguredAudienceModel document no such rule."""
    c = _client(cleanrooms)
    ds = _dataset(c)
    a = c.create_audience_model(name="same", trainingDatasetArn=ds)["audienceModelArn"]
    b = c.create_audience_model(name="same", trainingDatasetArn=ds)["audienceModelArn"]
    assert a != b and len(c.list_audience_models()["audienceModels"]) == 2
    assert _configured(c, a, "x") != _configured(c, a, "x")


def test_missing_parents_are_resource_not_found(cleanrooms: CleanRoomsMLEmulator) -> None:
    """CreateAudienceModel and CreateConfiguredAudienceModel list ResourceNotFoundException,
    "The resource you are requesting does not exist" (HTTP 404)."""
    c = _client(cleanrooms)
    ds = _dataset(c)
    gone_ds = ds[:-4] + "0000"
    with pytest.raises(c.exceptions.ResourceNotFoundException) as info:
        c.create_audience_model(name="m", trainingDatasetArn=gone_ds)
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404
    model = c.create_audience_model(name="m", trainingDatasetArn=ds)["audienceModelArn"]
    with pytest.raises(c.exceptions.ResourceNotFoundException):
        _configured(c, model[:-4] + "0000")
    with pytest.raises(c.exceptions.ResourceNotFoundException):
        c.get_configured_audience_model(
            configuredAudienceModelArn=model.replace("audience-model", "configured-audience-model")
        )


def test_deleting_what_is_in_use_is_a_conflict(cleanrooms: CleanRoomsMLEmulator) -> None:
    """DeleteAudienceModel: "You can't delete an audience model if there are any configured
    audience models that depend on the audience model." DeleteTrainingDataset: "You can't
    delete a training dataset if there are any audience models that depend on the training
    dataset." Both ConflictException (409). The order that works: configured → model → data."""
    c = _client(cleanrooms)
    ds = _dataset(c)
    model = c.create_audience_model(name="m", trainingDatasetArn=ds)["audienceModelArn"]
    carn = _configured(c, model)
    with pytest.raises(c.exceptions.ConflictException) as info:
        c.delete_audience_model(audienceModelArn=model)
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 409
    assert "shared" in str(info.value)
    with pytest.raises(c.exceptions.ConflictException):
        c.delete_training_dataset(trainingDatasetArn=ds)
    c.delete_configured_audience_model(configuredAudienceModelArn=carn)
    c.delete_audience_model(audienceModelArn=model)
    c.delete_training_dataset(trainingDatasetArn=ds)
    assert cleanrooms.audience_models == {} and cleanrooms.datasets == {}


def test_configured_model_defaults_and_update(cleanrooms: CleanRoomsMLEmulator) -> None:
    """CreateConfiguredAudienceModel, ``minMatchingSeedSize``: "The default value is 500";
    ``ConfiguredAudienceModelStatus`` has one value, ACTIVE. UpdateConfiguredAudienceModel
    replaces the members it is given (PATCH, as the model routes it)."""
    c = _client(cleanrooms)
    model = c.create_audience_model(name="m", trainingDatasetArn=_dataset(c))["audienceModelArn"]
    carn = _configured(c, model, tags={"a": "1"})
    got = c.get_configured_audience_model(configuredAudienceModelArn=carn)
    assert (got["minMatchingSeedSize"], got["status"], got["tags"]) == (500, "ACTIVE", {"a": "1"})
    assert "childResourceTagOnCreatePolicy" not in got and "audienceSizeConfig" not in got
    c.update_configured_audience_model(
        configuredAudienceModelArn=carn,
        minMatchingSeedSize=42,
        audienceSizeConfig={"audienceSizeType": "ABSOLUTE", "audienceSizeBins": [1000, 5000]},
    )
    got = c.get_configured_audience_model(configuredAudienceModelArn=carn)
    assert got["minMatchingSeedSize"] == 42 and got["sharedAudienceMetrics"] == ["ALL"]
    assert got["audienceSizeConfig"]["audienceSizeBins"] == [1000, 5000]
    assert got["updateTime"] >= got["createTime"]
    summary = c.list_configured_audience_models()["configuredAudienceModels"][0]
    assert summary["outputConfig"]["destination"]["s3Destination"]["s3Uri"] == "s3://b/o/"
    assert cleanrooms.call_count("UpdateConfiguredAudienceModel") == 1


def test_model_constraints_are_enforced(cleanrooms: CleanRoomsMLEmulator) -> None:
    """Every constraint of botocore's model gives ValidationException, as for datasets; botocore
    itself checks only required members, types and minimums, so the maximum of
    ``minMatchingSeedSize`` (500,000) and the enum of ``sharedAudienceMetrics`` reach the
    emulator."""
    c = _client(cleanrooms)
    model = c.create_audience_model(name="m", trainingDatasetArn=_dataset(c))["audienceModelArn"]
    with pytest.raises(c.exceptions.ValidationException, match="minMatchingSeedSize"):
        _configured(c, model, minMatchingSeedSize=600_000)
    with pytest.raises(c.exceptions.ValidationException, match="sharedAudienceMetrics"):
        c.create_configured_audience_model(
            name="x",
            audienceModelArn=model,
            outputConfig={
                "destination": {"s3Destination": {"s3Uri": "s3://b/"}},
                "roleArn": OUT_ROLE,
            },
            sharedAudienceMetrics=["SOME"],
        )
    with pytest.raises(botocore.exceptions.ParamValidationError):
        _configured(c, model, minMatchingSeedSize=10)  # botocore's own minimum check


def test_pass_role_on_the_output_role(cleanrooms: CleanRoomsMLEmulator) -> None:
    """Service Authorization Reference: CreateConfiguredAudienceModel and
    UpdateConfiguredAudienceModel need iam:PassRole (iam:PassedToService cleanrooms-ml)."""
    c = _client(cleanrooms)
    model = c.create_audience_model(name="m", trainingDatasetArn=_dataset(c))["audienceModelArn"]
    carn = _configured(c, model)
    cleanrooms.deny_pass_role(OUT_ROLE)
    with pytest.raises(c.exceptions.AccessDeniedException, match="iam:PassRole"):
        _configured(c, model, "other")
    with pytest.raises(c.exceptions.AccessDeniedException, match="iam:PassRole"):
        c.update_configured_audience_model(
            configuredAudienceModelArn=carn,
            outputConfig={
                "destination": {"s3Destination": {"s3Uri": "s3://b/x/"}},
                "roleArn": OUT_ROLE,
            },
        )
    c.update_configured_audience_model(configuredAudienceModelArn=carn, description="no role")


def test_tags_of_audience_resources(cleanrooms: CleanRoomsMLEmulator) -> None:
    """TagResource / UntagResource / ListTagsForResource work on audience models and configured
    audience models too, with the documented limits (50 tags, no aws: prefix)."""
    c = _client(cleanrooms)
    model = c.create_audience_model(name="m", trainingDatasetArn=_dataset(c), tags={"a": "1"})[
        "audienceModelArn"
    ]
    carn = _configured(c, model)
    for arn in (model, carn):
        c.tag_resource(resourceArn=arn, tags={"b": "2"})
        c.untag_resource(resourceArn=arn, tagKeys=["a"])
        with pytest.raises(c.exceptions.ValidationException):
            c.tag_resource(resourceArn=arn, tags={"aws:x": "1"})
    assert c.list_tags_for_resource(resourceArn=model)["tags"] == {"b": "2"}
    assert c.list_tags_for_resource(resourceArn=carn)["tags"] == {"b": "2"}


def test_audience_resources_follow_the_datasets_tag_rules(cleanrooms: CleanRoomsMLEmulator) -> None:
    """One tag rule for every resource (API reference, ``tags`` of TagResource and of each
    Create operation): "You cannot edit or delete tag keys with this prefix [aws:]" — UntagResource
    of an ``aws:`` key is refused — and "Tags with only the key prefix of aws do not count against
    your tags per resource limit" of 50, which counts the tags already there."""
    c = _client(cleanrooms)
    model = c.create_audience_model(name="m", trainingDatasetArn=_dataset(c))["audienceModelArn"]
    carn = _configured(c, model)
    fifty = {f"k{i:02d}": "v" for i in range(50)}
    for arn in (model, carn):
        cleanrooms.add_aws_tags(arn, {"aws:cloudformation:stack-name": "s"})
        with pytest.raises(c.exceptions.ValidationException, match="aws:"):
            c.untag_resource(resourceArn=arn, tagKeys=["aws:cloudformation:stack-name"])
        c.tag_resource(resourceArn=arn, tags=fifty)  # 50 of the caller's own next to AWS's
        with pytest.raises(c.exceptions.ValidationException, match="at most 50"):
            c.tag_resource(resourceArn=arn, tags={"one-more": "v"})
        c.untag_resource(resourceArn=arn, tagKeys=["k00"])
        c.tag_resource(resourceArn=arn, tags={"one-more": "v"})
        tags = c.list_tags_for_resource(resourceArn=arn)["tags"]
        assert len(tags) == 51 and tags["aws:cloudformation:stack-name"] == "s"


def test_lists_are_paged(cleanrooms: CleanRoomsMLEmulator) -> None:
    cleanrooms.default_page_size = 2
    c = _client(cleanrooms)
    ds = _dataset(c)
    made = [
        c.create_audience_model(name=f"m{i}", trainingDatasetArn=ds)["audienceModelArn"]
        for i in range(5)
    ]
    pages = c.get_paginator("list_audience_models").paginate()
    assert [m["audienceModelArn"] for p in pages for m in p["audienceModels"]] == made
    for arn in made[:3]:
        _configured(c, arn, f"c-{arn[-4:]}")
    pages = c.get_paginator("list_configured_audience_models").paginate()
    assert len([m for p in pages for m in p["configuredAudienceModels"]]) == 3


def test_add_audience_model_knob_makes_a_real_model(cleanrooms: CleanRoomsMLEmulator) -> None:
    """The test knob stores an ACTIVE model like CreateAudienceModel would, so every operation
    sees it (it used to be a stand-in that only the delete rule knew)."""
    c = _client(cleanrooms)
    ds = _dataset(c)
    arn = cleanrooms.add_audience_model(ds, "knob")
    got = c.get_audience_model(audienceModelArn=arn)
    assert (got["name"], got["status"], got["trainingDatasetArn"]) == ("knob", "ACTIVE", ds)
    _configured(c, arn)
    (configured,) = cleanrooms.configured_audience_models.values()
    assert configured["audienceModelArn"] == arn


def test_reset_forgets_audience_models_and_knobs(cleanrooms: CleanRoomsMLEmulator) -> None:
    c = _client(cleanrooms)
    cleanrooms.training_seconds = 30
    cleanrooms.fail_next_training("x")
    c.create_audience_model(name="m", trainingDatasetArn=_dataset(c))
    cleanrooms.reset()
    assert cleanrooms.audience_models == {} and cleanrooms.training_seconds == 0
    arn = c.create_audience_model(name="m", trainingDatasetArn=_dataset(c))["audienceModelArn"]
    assert c.get_audience_model(audienceModelArn=arn)["status"] == "ACTIVE"
    with pytest.raises(ValueError):
        cleanrooms.training_seconds = -1


def test_reset_puts_the_wall_clock_back(cleanrooms: Any) -> None:
    """A test's stepped clock must not leak into the next test (the emulator is per session)."""
    audience = cleanrooms.backend.audience
    audience.clock = lambda: 0.0
    cleanrooms.reset()
    assert audience.clock is time.time
