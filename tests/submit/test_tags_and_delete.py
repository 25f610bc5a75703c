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

pytestmark = pytest.mark.usefixtures("glue_table")


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
