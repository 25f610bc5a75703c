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

from collections.abc import Iterable, Mapping
from typing import Any

import boto3
import botocore.exceptions

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
    return Finding(
        "error",
        f"tags.{key}",
        "reserved_tag_prefix",
        f"tag key {key!r} starts with 'aws:', which is reserved for AWS: you cannot {verb} it "
        "(API reference, TagResource). Leave it as it is, and use another key for your own tags",
    )


def _tag_findings(arn: str, tags: Mapping[str, str], total: int) -> list[Finding]:
    out = [
        Finding("error", v.path, v.code, v.message)
        for v in _service_model.check_input({"resourceArn": arn, "tags": dict(tags)}, "TagResource")
    ]
    out.extend(_reserved_finding(k, "add or change") for k in tags if is_reserved_tag(k))
    if total > MAX_TAGS:
        out.append(
            Finding(
                "error",
                "tags",
                "too_many_tags",
                f"the dataset would have {total} tags of its own; AWS allows at most {MAX_TAGS} per "
                "resource ('aws:' tags do not count). Remove some "
                "(cleanroom_nb.untag_training_dataset), or replace them all at once with "
                "tag_training_dataset(..., replace=True)",
            )
        )
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


def _send(
    action: str, arn: str, params: dict[str, Any], happened: Any, session: boto3.Session
) -> None:
    what = f"{action} on training dataset {arn}"
    try:
        call_once(
            "tag_resource" if action == "TagResource" else "untag_resource",
            params,
            happened=happened,
            what=what,
            advice=(
                f"Look at the tags with cleanroom_nb.list_training_dataset_tags({arn!r}) before "
                "running again."
            ),
            boto3_session=session,
        )
    except botocore.exceptions.ClientError as exc:
        raise _translate(exc, action, arn) from exc
    except CleanroomNbError:
        raise
    except Exception as exc:
        raise _translate(exc, action, arn) from exc


def _tag(arn: str, tags: Mapping[str, str], session: boto3.Session) -> None:
    def happened() -> dict[str, Any] | None:
        now = list_training_dataset_tags(arn, boto3_session=session)
        return {} if all(now.get(k) == v for k, v in tags.items()) else None

    _send("TagResource", arn, {"resourceArn": arn, "tags": dict(tags)}, happened, session)


def _untag(arn: str, keys: list[str], session: boto3.Session) -> None:
    def happened() -> dict[str, Any] | None:
        now = list_training_dataset_tags(arn, boto3_session=session)
        return {} if not any(k in now for k in keys) else None

    _send("UntagResource", arn, {"resourceArn": arn, "tagKeys": keys}, happened, session)


def apply_tag_changes(
    arn: str, changes: TagChanges, *, boto3_session: boto3.Session | None = None
) -> None:
    """Send ``changes``: UntagResource for the removed keys first, then TagResource.

    Raises
    ------
    AwsError
        A call failed; when the removal went through and the tagging did not, the message
        says so (run again to finish).
    """
    session = _client.session(boto3_session)
    if changes.removed:
        _untag(arn, list(changes.removed), session)
    if changes.to_tag():
        try:
            _tag(arn, changes.to_tag(), session)
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
    findings = _tag_findings(arn, tags, len(user_tags(wanted)))
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
    _untag(arn, keys, _client.session(boto3_session))
