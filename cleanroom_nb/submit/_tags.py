"""Tags of a training dataset: the one part of it that can change after it is created.

The CloudFormation resource ``AWS::CleanRoomsML::TrainingDataset`` updates Tags through
``cleanrooms-ml:TagResource`` and ``cleanrooms-ml:UntagResource`` (its ``tagging.permissions``);
everything else is create-only. Tags are checked before they are sent: the service model's key
and value limits, at most 50 tags on the resource, no ``aws:`` prefix (RULES.md 7).

Keys that start with ``aws:`` belong to AWS (CloudFormation, for one, adds
``aws:cloudformation:*`` tags to what it creates). The API reference (``tags`` of TagResource
and CreateTrainingDataset, also in botocore's model): "You cannot edit or delete tag keys with
this prefix ... Tags with only the key prefix of aws do not count against your tags per
resource limit." So they are never untagged, and never counted toward the 50.

Replacing tags untags first, then tags: the resource never holds old and new tags at once, so
swapping 50 tags for 50 others stays within the limit. Both calls go through
:func:`~cleanroom_nb.submit._once.call_once` (one request each, checked before any resend).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

import boto3

import cleanroom_nb._rulebook as _rulebook
from cleanroom_nb._errors import AccessDeniedError, AwsError, CleanroomNbError, RequestInvalidError
from cleanroom_nb._findings import Finding, format_findings
from cleanroom_nb.aws import _client, _service_model
from cleanroom_nb.request._rules import MAX_TAGS, is_reserved_tag, user_tags
from cleanroom_nb.submit._compare import TagChanges, tag_changes
from cleanroom_nb.submit._ml_client import ml_client
from cleanroom_nb.submit._once import call_once


def _translate(exc: BaseException, action: str, arn: str) -> CleanroomNbError:
    err = _client.translate(exc, what=f"{action} on training dataset {arn}")
    if isinstance(err, AccessDeniedError):
        return AccessDeniedError(
            f"{err} Tags need cleanrooms-ml:{action} on the training dataset (the managed policy "
            "AWSCleanRoomsMLFullAccess allows cleanrooms-ml:*).",
            code=err.code,
        )
    return err


def _reserved_finding(key: str, verb: str) -> Finding:
    return _rulebook.reserved_tag_prefix(key, verb=verb)


DATASET_TAG_REMEDY = (
    "Remove some (cleanroom_nb.untag_training_dataset), or replace them all at once with "
    "tag_training_dataset(..., replace=True)"
)


def tag_findings(
    arn: str,
    tags: Mapping[str, str],
    total: int,
    *,
    resource: str = "the dataset",
    remedy: str = DATASET_TAG_REMEDY,
) -> list[Finding]:
    """What is wrong with setting ``tags`` on ``arn`` (TagResource), ``total`` being how many
    tags of its own the resource would then have (``aws:`` ones do not count).

    The service model's key and value limits, no ``aws:`` key, at most 50 of the user's own;
    ``resource`` and ``remedy`` word the last one.

    Examples
    --------
    >>> [f.code for f in tag_findings("arn:aws:cleanrooms-ml:us-east-1:123456789012:"
    ...                               "training-dataset/x", {"aws:x": "1"}, 51)]
    ['reserved_tag_prefix', 'too_many_tags']
    """
    out = [
        _rulebook.model_violation(v.path, v.code, v.message)
        for v in _service_model.check_input({"resourceArn": arn, "tags": dict(tags)}, "TagResource")
    ]
    out.extend(_reserved_finding(k, "add or change") for k in tags if is_reserved_tag(k))
    if total > MAX_TAGS:
        out.append(_rulebook.too_many_tags(total, subject=f"{resource} would have", remedy=remedy))
    return out


def list_training_dataset_tags(
    arn: str, *, boto3_session: boto3.Session | None = None
) -> dict[str, str]:
    """The tags of a training dataset (ListTagsForResource), ``aws:`` ones included.

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


TagSender = Callable[[str, dict[str, Any]], object]
"""Sends one ``"TagResource"`` or ``"UntagResource"`` request (its parameters), once, and raises
a :class:`~cleanroom_nb.AwsError` when it fails."""


def _dataset_sender(arn: str, session: boto3.Session) -> TagSender:
    """Tag requests of a training dataset, each through :func:`call_once`."""

    def happened(operation: str, params: Mapping[str, Any]) -> dict[str, Any] | None:
        now = list_training_dataset_tags(arn, boto3_session=session)
        if operation == "TagResource":
            return {} if all(now.get(k) == v for k, v in params["tags"].items()) else None
        return {} if not any(k in now for k in params["tagKeys"]) else None

    def send(operation: str, params: dict[str, Any]) -> None:
        try:
            call_once(
                "tag_resource" if operation == "TagResource" else "untag_resource",
                params,
                happened=lambda: happened(operation, params),
                what=f"{operation} on training dataset {arn}",
                advice=(
                    f"Look at the tags with cleanroom_nb.list_training_dataset_tags({arn!r}) "
                    "before running again."
                ),
                boto3_session=session,
            )
        except CleanroomNbError:
            raise
        except Exception as exc:
            raise _translate(exc, operation, arn) from exc

    return send


def apply_tag_changes(
    arn: str,
    changes: TagChanges,
    *,
    send: TagSender | None = None,
    boto3_session: boto3.Session | None = None,
) -> None:
    """Send ``changes``: UntagResource for the removed keys first, then TagResource.

    Untagging first means the resource never holds old and new tags at once, so 50 tags can be
    swapped for 50 others. ``changes`` never removes an ``aws:`` key (:func:`tag_changes`).
    ``send`` sends each request (default: a training dataset's, through :func:`call_once`);
    every resource's tags follow this one rule.

    Raises
    ------
    AwsError
        A call failed; when the removal went through and the tagging did not, the message
        says so (run again to finish).
    """
    if send is None:
        send = _dataset_sender(arn, _client.session(boto3_session))
    if changes.removed:
        send("UntagResource", {"resourceArn": arn, "tagKeys": list(changes.removed)})
    if changes.to_tag():
        try:
            send("TagResource", {"resourceArn": arn, "tags": changes.to_tag()})
        except AwsError as err:
            if not changes.removed:
                raise
            raise _after_untag(err, changes.removed) from err


def _after_untag(err: AwsError, removed: Iterable[str]) -> AwsError:
    message = (
        f"the tags {', '.join(removed)} were removed, but setting the new ones failed: {err} "
        "Run the same call again to finish."
    )
    try:
        return type(err)(message, code=err.code)
    except TypeError:  # an error class with another signature
        return AwsError(message, code=err.code)


def tag_training_dataset(
    arn: str,
    tags: Mapping[str, str],
    *,
    replace: bool = False,
    boto3_session: boto3.Session | None = None,
) -> None:
    """Add or change tags of a training dataset (TagResource); other tags stay.

    With ``replace=True`` the dataset's own tags become exactly ``tags``: the keys it has and
    ``tags`` lacks are removed first (UntagResource), then ``tags`` are set, so 50 tags can be
    swapped for 50 others. Tags whose keys start with ``aws:`` belong to AWS: they are never
    removed and do not count toward the limit of 50.

    Raises
    ------
    RequestInvalidError
        A tag breaks a documented limit (nothing was sent; ``.findings`` says which).
    AccessDeniedError
        The caller lacks ``cleanrooms-ml:TagResource`` (or ``UntagResource`` with
        ``replace=True``).

    Examples
    --------
    >>> tag_training_dataset(arn, {"team": "growth"})  # doctest: +SKIP
    >>> tag_training_dataset(arn, {"team": "ads"}, replace=True)  # doctest: +SKIP
    """
    tags = dict(tags)
    if not tags and not replace:
        return
    session = _client.session(boto3_session)
    current = list_training_dataset_tags(arn, boto3_session=session)
    wanted = tags if replace else {**user_tags(current), **tags}
    findings = tag_findings(arn, tags, len(user_tags(wanted)))
    if findings:
        raise RequestInvalidError(f"the tags were not sent:\n{format_findings(findings)}", findings)
    apply_tag_changes(arn, tag_changes(current, wanted), boto3_session=session)


def untag_training_dataset(
    arn: str, keys: Iterable[str], *, boto3_session: boto3.Session | None = None
) -> None:
    """Remove tags from a training dataset by key (UntagResource); unknown keys are ignored.

    Raises
    ------
    RequestInvalidError
        A key starts with ``aws:``: AWS does not let anyone remove those (nothing was sent).
    AccessDeniedError
        The caller lacks ``cleanrooms-ml:UntagResource``.

    Examples
    --------
    >>> untag_training_dataset(arn, ["team"])  # doctest: +SKIP
    """
    keys = list(keys)
    if not keys:
        return
    reserved = [_reserved_finding(k, "remove") for k in keys if is_reserved_tag(k)]
    if reserved:
        raise RequestInvalidError(
            f"the tags were not removed:\n{format_findings(reserved)}", reserved
        )
    changes = TagChanges(removed=keys)
    apply_tag_changes(arn, changes, boto3_session=boto3_session)
