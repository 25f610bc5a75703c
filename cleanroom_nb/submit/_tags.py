"""Tags of a training dataset: the one part of it that can change after it is created.

The CloudFormation resource ``AWS::CleanRoomsML::TrainingDataset`` updates Tags through
``cleanrooms-ml:TagResource`` and ``cleanrooms-ml:UntagResource`` (its ``tagging.permissions``);
everything else is create-only. Tags are checked before they are sent: the service model's key
and value limits, at most 50 tags on the resource, no ``aws:`` prefix (RULES.md 7).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import boto3

from cleanroom_nb._errors import AccessDeniedError, CleanroomNbError, RequestInvalidError
from cleanroom_nb._findings import Finding, format_findings
from cleanroom_nb.aws import _client, _service_model
from cleanroom_nb.submit._ml_client import ml_client

MAX_TAGS = 50
"""Tags per resource (the documented limit; the model's map allows 200)."""


def _translate(exc: BaseException, action: str, arn: str) -> CleanroomNbError:
    err = _client.translate(exc, what=f"{action} on training dataset {arn}")
    if isinstance(err, AccessDeniedError):
        return AccessDeniedError(
            f"{err} Tags need cleanrooms-ml:{action} on the training dataset (the managed policy "
            "AWSCleanRoomsMLFullAccess allows cleanrooms-ml:*).",
            code=err.code,
        )
    return err


def _tag_findings(arn: str, tags: Mapping[str, str], total: int) -> list[Finding]:
    out = [
        Finding("error", v.path, v.code, v.message)
        for v in _service_model.check_input({"resourceArn": arn, "tags": dict(tags)}, "TagResource")
    ]
    for key in tags:
        if isinstance(key, str) and key.lower().startswith("aws:"):
            out.append(
                Finding(
                    "error",
                    f"tags.{key}",
                    "reserved_tag_prefix",
                    f"tag key {key!r} starts with 'aws:', which is reserved for AWS; rename it",
                )
            )
    if total > MAX_TAGS:
        out.append(
            Finding(
                "error",
                "tags",
                "too_many_tags",
                f"the dataset would have {total} tags; AWS allows at most {MAX_TAGS} per "
                "resource. Remove some (cleanroom_nb.untag_training_dataset)",
            )
        )
    return out


def list_training_dataset_tags(
    arn: str, *, boto3_session: boto3.Session | None = None
) -> dict[str, str]:
    """The tags of a training dataset (ListTagsForResource).

    Examples
    --------
    >>> list_training_dataset_tags(arn)  # doctest: +SKIP
    {'team': 'growth'}
    """
    try:
        response = ml_client(boto3_session).list_tags_for_resource(resourceArn=arn)
    except Exception as exc:
        raise _translate(exc, "ListTagsForResource", arn) from exc
    return dict(response.get("tags") or {})


def tag_training_dataset(
    arn: str, tags: Mapping[str, str], *, boto3_session: boto3.Session | None = None
) -> None:
    """Add or change tags of a training dataset (TagResource); other tags stay.

    Raises
    ------
    RequestInvalidError
        A tag breaks a documented limit (nothing was sent; ``.findings`` says which).
    AccessDeniedError
        The caller lacks ``cleanrooms-ml:TagResource``.

    Examples
    --------
    >>> tag_training_dataset(arn, {"team": "growth"})  # doctest: +SKIP
    """
    tags = dict(tags)
    if not tags:
        return
    current = list_training_dataset_tags(arn, boto3_session=boto3_session)
    findings = _tag_findings(arn, tags, len({**current, **tags}))
    if findings:
        raise RequestInvalidError(f"the tags were not sent:\n{format_findings(findings)}", findings)
    try:
        ml_client(boto3_session).tag_resource(resourceArn=arn, tags=tags)
    except Exception as exc:
        raise _translate(exc, "TagResource", arn) from exc


def untag_training_dataset(
    arn: str, keys: Iterable[str], *, boto3_session: boto3.Session | None = None
) -> None:
    """Remove tags from a training dataset by key (UntagResource); unknown keys are ignored.

    Raises
    ------
    AccessDeniedError
        The caller lacks ``cleanrooms-ml:UntagResource``.

    Examples
    --------
    >>> untag_training_dataset(arn, ["team"])  # doctest: +SKIP
    """
    keys = list(keys)
    if not keys:
        return
    try:
        ml_client(boto3_session).untag_resource(resourceArn=arn, tagKeys=keys)
    except Exception as exc:
        raise _translate(exc, "UntagResource", arn) from exc
