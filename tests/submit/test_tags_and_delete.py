"""Tags are the one updatable part of a training dataset; audience models keep it from deletion.

Issue 12, point 4. Sources: the CloudFormation resource ``AWS::CleanRoomsML::TrainingDataset``
(https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-cleanroomsml-trainingdataset.html):
Description, Name, RoleArn and TrainingData are create-only ("Update requires: Replacement"),
Tags are updated through ``cleanrooms-ml:TagResource`` and ``cleanrooms-ml:UntagResource``
(schema ``tagging.permissions``); botocore's ``cleanroomsml`` model, DeleteTrainingDataset:
"You can't delete a training dataset if there are any audience models that depend on the
training dataset" (ConflictException); ListAudienceModels gives each model's
``trainingDatasetArn``. Clean Rooms ML is the emulator; Glue, IAM and STS are moto.
"""

from __future__ import annotations

import warnings

import boto3
import pytest
from submit_helpers import CREATE, _request

import cleanroom_nb as crn
from cleanroom_nb.local.cleanroomsml import CleanRoomsMLEmulator

pytestmark = pytest.mark.usefixtures("events_table")


def test_reuse_with_other_tags_keeps_the_arn_and_updates_the_tags(
    cleanrooms: CleanRoomsMLEmulator, boto3_session: boto3.Session
) -> None:
    """Same create-only definition, other tags: ``if_exists="reuse"`` keeps the ARN, sends
    TagResource/UntagResource and reports what changed (a TagsUpdatedWarning)."""
    arn = crn.create_training_dataset(
        _request(tags={"team": "ads", "old": "x"}), boto3_session=boto3_session
    )
    wanted = _request(tags={"team": "growth", "cost": "42"})
    with pytest.raises(crn.TrainingDatasetExistsError) as info:
        crn.create_training_dataset(wanted, boto3_session=boto3_session)
    assert info.value.same_definition is False and "except for its tags" in str(info.value)
    assert "if_exists='reuse'" in str(info.value)
    with pytest.warns(crn.TagsUpdatedWarning) as caught:
        again = crn.create_training_dataset(wanted, if_exists="reuse", boto3_session=boto3_session)
    assert again == arn and len(cleanrooms.datasets) == 1
    assert cleanrooms.datasets[arn]["tags"] == {"team": "growth", "cost": "42"}
    text = str(caught[0].message)
    assert "added cost=42" in text and "changed team=growth" in text and "removed old" in text
    assert cleanrooms.call_count("TagResource") == 1 and cleanrooms.call_count("UntagResource") == 1
    # equal tags now: reuse is silent and sends nothing more
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert crn.create_training_dataset(wanted, if_exists="reuse", boto3_session=boto3_session)
    assert cleanrooms.call_count("TagResource") == 1
    assert cleanrooms.call_count(CREATE) == 4


def test_reuse_with_a_create_only_difference_still_raises(
    cleanrooms: CleanRoomsMLEmulator, boto3_session: boto3.Session
) -> None:
    """A different description (create-only) cannot be updated: reuse raises, naming it, and
    the tags are not touched."""
    arn = crn.create_training_dataset(_request(), boto3_session=boto3_session)
    other = _request(description="other", tags={"team": "growth"})
    with pytest.raises(crn.TrainingDatasetExistsError) as info:
        crn.create_training_dataset(other, if_exists="reuse", boto3_session=boto3_session)
    text = str(info.value)
    assert "description" in text and "create-only" in text and "changed team=growth" in text
    assert cleanrooms.datasets[arn]["tags"] == {"team": "ads"}
    assert cleanrooms.call_count("TagResource") == 0


def test_tag_helpers(cleanrooms: CleanRoomsMLEmulator, boto3_session: boto3.Session) -> None:
    """Public helpers for TagResource, UntagResource and ListTagsForResource; tags are checked
    before sending (the documented 50 per resource, no ``aws:`` prefix)."""
    arn = crn.create_training_dataset(_request(), boto3_session=boto3_session)
    crn.tag_training_dataset(arn, {"stage": "prod"}, boto3_session=boto3_session)
    assert crn.list_training_dataset_tags(arn, boto3_session=boto3_session) == {
        "team": "ads",
        "stage": "prod",
    }
    crn.untag_training_dataset(arn, ["team", "absent"], boto3_session=boto3_session)
    assert crn.list_training_dataset_tags(arn, boto3_session=boto3_session) == {"stage": "prod"}
    with pytest.raises(crn.RequestInvalidError) as info:
        crn.tag_training_dataset(arn, {"AWS:x": "1"}, boto3_session=boto3_session)
    assert "reserved_tag_prefix" in {f.code for f in info.value.findings}
    many = {f"k{i}": "v" for i in range(50)}
    with pytest.raises(crn.RequestInvalidError, match="at most 50"):
        crn.tag_training_dataset(arn, many, boto3_session=boto3_session)
    assert cleanrooms.call_count("TagResource") == 1  # the refused ones were not sent
    with pytest.raises(crn.NotFoundError):
        crn.list_training_dataset_tags(arn + "-gone", boto3_session=boto3_session)


def test_tag_access_denied_names_the_action(
    cleanrooms: CleanRoomsMLEmulator, boto3_session: boto3.Session
) -> None:
    """Without cleanrooms-ml:TagResource (Service Authorization Reference) the error names it."""
    arn = crn.create_training_dataset(_request(), boto3_session=boto3_session)
    cleanrooms.inject_error("AccessDeniedException", "denied", operation="TagResource")
    with pytest.raises(crn.AccessDeniedError, match="cleanrooms-ml:TagResource"):
        crn.tag_training_dataset(arn, {"a": "b"}, boto3_session=boto3_session)


def test_delete_with_dependent_audience_models(
    cleanrooms: CleanRoomsMLEmulator, boto3_session: boto3.Session
) -> None:
    """ConflictException on delete becomes TrainingDatasetInUseError naming the audience
    models (from ListAudienceModels) and the fix; after they are deleted the dataset goes."""
    arn = crn.create_training_dataset(_request(), boto3_session=boto3_session)
    other = crn.create_training_dataset(_request("other"), boto3_session=boto3_session)
    model = cleanrooms.add_audience_model(arn, "lookalike-q3")
    cleanrooms.add_audience_model(other, "unrelated")
    with pytest.raises(crn.TrainingDatasetInUseError) as info:
        crn.delete_training_dataset(arn, boto3_session=boto3_session)
    err = info.value
    assert err.code == "ConflictException"
    assert [m["name"] for m in err.audience_models or []] == ["lookalike-q3"]
    text = str(err)
    assert "lookalike-q3" in text and model in text and "unrelated" not in text
    assert "delete_audience_model" in text and "then" in text
    assert arn in cleanrooms.datasets
    boto3_session.client("cleanroomsml").delete_audience_model(audienceModelArn=model)
    crn.delete_training_dataset(arn, boto3_session=boto3_session)
    assert arn not in cleanrooms.datasets


def test_delete_conflict_when_models_cannot_be_listed(
    cleanrooms: CleanRoomsMLEmulator, boto3_session: boto3.Session
) -> None:
    """If ListAudienceModels is refused, the error still explains the conflict and names the
    permission it needed."""
    arn = crn.create_training_dataset(_request(), boto3_session=boto3_session)
    cleanrooms.add_audience_model(arn, "m")
    cleanrooms.inject_error("AccessDeniedException", "no", operation="ListAudienceModels")
    with pytest.raises(crn.TrainingDatasetInUseError) as info:
        crn.delete_training_dataset(arn, boto3_session=boto3_session)
    assert info.value.audience_models is None
    assert "cleanrooms-ml:ListAudienceModels" in str(info.value)


# ------------------------------------------------------------ issue 16, point 4: tag swaps


def _tags(prefix: str, n: int = 50) -> dict[str, str]:
    return {f"{prefix}{i:02d}": str(i) for i in range(n)}


def test_fifty_for_fifty_swap_with_reuse_untags_first_and_keeps_aws_tags(
    cleanrooms: CleanRoomsMLEmulator, boto3_session: boto3.Session
) -> None:
    """API reference (TagResource ``tags``, also in botocore's model): "Maximum number of tags
    per resource - 50 ... You cannot edit or delete tag keys with this prefix [aws:] ... Tags
    with only the key prefix of aws do not count against your tags per resource limit." The
    swap untags first, then tags, so the dataset never holds 100; the ``aws:`` tag stays."""
    arn = crn.create_training_dataset(_request(tags=_tags("old")), boto3_session=boto3_session)
    cleanrooms.add_aws_tags(arn, {"aws:cloudformation:stack-name": "analytics"})
    with pytest.warns(crn.TagsUpdatedWarning):
        again = crn.create_training_dataset(
            _request(tags=_tags("new")), if_exists="reuse", boto3_session=boto3_session
        )
    assert again == arn
    assert cleanrooms.datasets[arn]["tags"] == {
        **_tags("new"),
        "aws:cloudformation:stack-name": "analytics",
    }
    tagging = [c for c in cleanrooms.calls if c.operation in ("TagResource", "UntagResource")]
    assert [(c.operation, c.status) for c in tagging] == [
        ("UntagResource", 200),
        ("TagResource", 200),
    ]


def test_fifty_for_fifty_swap_with_tag_training_dataset(
    cleanrooms: CleanRoomsMLEmulator, boto3_session: boto3.Session
) -> None:
    arn = crn.create_training_dataset(_request(tags=_tags("old")), boto3_session=boto3_session)
    cleanrooms.add_aws_tags(arn, {"aws:cloudformation:stack-name": "analytics"})
    # adding 50 more is refused before sending (the aws: tag does not count either way)
    with pytest.raises(crn.RequestInvalidError, match="100 tags of its own"):
        crn.tag_training_dataset(arn, _tags("new"), boto3_session=boto3_session)
    crn.tag_training_dataset(arn, _tags("new"), replace=True, boto3_session=boto3_session)
    tags = crn.list_training_dataset_tags(arn, boto3_session=boto3_session)
    assert tags == {**_tags("new"), "aws:cloudformation:stack-name": "analytics"}
    untagged = [c for c in cleanrooms.calls if c.operation == "UntagResource"]
    assert len(untagged) == 1 and cleanrooms.call_count("TagResource") == 1


def test_aws_tags_do_not_count_toward_fifty(
    cleanrooms: CleanRoomsMLEmulator, boto3_session: boto3.Session
) -> None:
    arn = crn.create_training_dataset(_request(tags=_tags("k", 49)), boto3_session=boto3_session)
    cleanrooms.add_aws_tags(arn, {"aws:cloudformation:stack-name": "s", "aws:x": "y"})
    crn.tag_training_dataset(arn, {"last": "1"}, boto3_session=boto3_session)  # 50 of our own
    assert len(crn.list_training_dataset_tags(arn, boto3_session=boto3_session)) == 52


def test_aws_tags_are_never_untagged(
    cleanrooms: CleanRoomsMLEmulator, boto3_session: boto3.Session
) -> None:
    arn = crn.create_training_dataset(_request(), boto3_session=boto3_session)
    cleanrooms.add_aws_tags(arn, {"aws:cloudformation:stack-name": "s"})
    with pytest.raises(crn.RequestInvalidError) as info:
        crn.untag_training_dataset(
            arn, ["AWS:cloudformation:stack-name"], boto3_session=boto3_session
        )
    assert {f.code for f in info.value.findings} == {"reserved_tag_prefix"}
    assert cleanrooms.call_count("UntagResource") == 0
    # replace=True removes only the user's own tags
    crn.tag_training_dataset(arn, {}, replace=True, boto3_session=boto3_session)
    assert cleanrooms.datasets[arn]["tags"] == {"aws:cloudformation:stack-name": "s"}


def test_emulator_refuses_untagging_aws_keys(
    cleanrooms: CleanRoomsMLEmulator, boto3_session: boto3.Session
) -> None:
    """The API reference, on ``aws:`` tag keys: "You cannot edit or delete tag keys with this
    prefix." UntagResource lists ValidationException ("The input fails to satisfy the specified
    constraints"); the emulator answers that, over the wire, and keeps the tag."""
    import botocore.exceptions

    arn = crn.create_training_dataset(_request(), boto3_session=boto3_session)
    cleanrooms.add_aws_tags(arn, {"aws:cloudformation:stack-name": "s"})
    client = boto3_session.client("cleanroomsml")
    with pytest.raises(botocore.exceptions.ClientError) as info:
        client.untag_resource(resourceArn=arn, tagKeys=["aws:cloudformation:stack-name"])
    assert info.value.response["Error"]["Code"] == "ValidationException"
    message = info.value.response["Error"]["Message"]
    # botocore 1.34's model has TagKey pattern "^(?!aws:).{1,128}$": its check answers first
    assert "cannot edit or delete" in message or "(?!aws:)" in message
    with pytest.raises(botocore.exceptions.ClientError):
        client.tag_resource(resourceArn=arn, tags={"aws:cloudformation:stack-name": "t"})
    assert cleanrooms.datasets[arn]["tags"]["aws:cloudformation:stack-name"] == "s"
