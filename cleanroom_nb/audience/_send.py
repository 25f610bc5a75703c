"""The ONE seam through which every audience-model request that changes something is sent.

CreateAudienceModel, CreateConfiguredAudienceModel, UpdateConfiguredAudienceModel,
DeleteAudienceModel, DeleteConfiguredAudienceModel, TagResource and UntagResource all go
through :func:`send`, which hands each one to the library's one "send once" rule,
:func:`cleanroom_nb.submit._once.call_once` (botocore's retries off; sent again only when the
request provably never reached the service or was throttled; when it may have reached it — a
read timeout, a dropped connection, a 5xx — sent again only after the operation's check in
:data:`CHECKS` shows it did not take effect; when the check itself fails,
:class:`~cleanroom_nb.OutcomeUnknownError` and nothing more is sent).

:data:`CHECKS` knows, for each operation, how to find out whether a request took effect: a
create lists the resources of that name (and parent), an update reads the resource back, a
delete reads it, a tag or untag lists the tags.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import Any

import boto3
import botocore
import botocore.exceptions

from cleanroom_nb.submit import _once
from cleanroom_nb.submit._ml_client import SERVICE, error_code, ml_client

Check = Callable[[Any, Mapping[str, Any]], "dict[str, Any] | None"]
"""(a client, the request) -> the answer the operation would have given when it took effect,
else None."""


def client(boto3_session: boto3.Session | None = None) -> Any:
    """A Clean Rooms ML client whose botocore retries are off (one attempt per call): the
    client :func:`send` sends with (:func:`cleanroom_nb.submit._once.write_client`)."""
    return _once.write_client(SERVICE, boto3_session)


def reader(boto3_session: boto3.Session | None = None) -> Any:
    """A Clean Rooms ML client for reads, with botocore's standard retries (reads are safe)."""
    return ml_client(boto3_session)


def _pages(c: Any, operation: str, key: str) -> list[dict[str, Any]]:
    return [dict(item) for page in c.get_paginator(operation).paginate() for item in page[key]]


def _created(list_operation: str, key: str, arn_key: str, parent: str) -> Check:
    """A resource of the request's name (and parent) exists: the create took effect."""

    def check(c: Any, params: Mapping[str, Any]) -> dict[str, Any] | None:
        found = [
            item
            for item in _pages(c, list_operation, key)
            if item.get("name") == params["name"] and item.get(parent) == params[parent]
        ]
        found.sort(key=lambda item: item.get("createTime") or 0)
        return {arn_key: found[-1][arn_key]} if found else None

    return check


def _gone(get_operation: str, arn_key: str) -> Check:
    """Reading the resource says it is gone or being deleted: the delete took effect."""

    def check(c: Any, params: Mapping[str, Any]) -> dict[str, Any] | None:
        try:
            described = getattr(c, get_operation)(**{arn_key: params[arn_key]})
        except botocore.exceptions.ClientError as exc:
            if error_code(exc) == "ResourceNotFoundException":
                return {}
            raise
        return {} if str(described.get("status", "")).startswith("DELETE_") else None

    return check


def _updated(c: Any, params: Mapping[str, Any]) -> dict[str, Any] | None:
    """The configured audience model reads back with every member the update gave."""
    arn = params["configuredAudienceModelArn"]
    current = c.get_configured_audience_model(configuredAudienceModelArn=arn)
    same = all(current.get(k) == v for k, v in params.items() if k != "configuredAudienceModelArn")
    return {"configuredAudienceModelArn": arn} if same else None


def _tagged(c: Any, params: Mapping[str, Any]) -> dict[str, Any] | None:
    tags = c.list_tags_for_resource(resourceArn=params["resourceArn"]).get("tags") or {}
    return {} if all(tags.get(k) == v for k, v in params["tags"].items()) else None


def _untagged(c: Any, params: Mapping[str, Any]) -> dict[str, Any] | None:
    tags = c.list_tags_for_resource(resourceArn=params["resourceArn"]).get("tags") or {}
    return {} if not set(params["tagKeys"]) & set(tags) else None


CHECKS: dict[str, Check] = {
    "CreateAudienceModel": _created(
        "list_audience_models", "audienceModels", "audienceModelArn", "trainingDatasetArn"
    ),
    "CreateConfiguredAudienceModel": _created(
        "list_configured_audience_models",
        "configuredAudienceModels",
        "configuredAudienceModelArn",
        "audienceModelArn",
    ),
    "UpdateConfiguredAudienceModel": _updated,
    "DeleteAudienceModel": _gone("get_audience_model", "audienceModelArn"),
    "DeleteConfiguredAudienceModel": _gone(
        "get_configured_audience_model", "configuredAudienceModelArn"
    ),
    "TagResource": _tagged,
    "UntagResource": _untagged,
}
"""For each operation sent here: how to find out whether a request took effect."""


ADVICE: dict[str, str] = {
    "CreateAudienceModel": (
        "Look with cleanroom_nb.list_audience_models() before running again (or run again with "
        "if_exists='reuse')."
    ),
    "CreateConfiguredAudienceModel": (
        "Look with cleanroom_nb.list_configured_audience_models() before running again (or run "
        "again with if_exists='reuse')."
    ),
    "UpdateConfiguredAudienceModel": (
        "Look with cleanroom_nb.get_configured_audience_model(arn) before running again."
    ),
    "DeleteAudienceModel": "Look with cleanroom_nb.get_audience_model(arn) before running again.",
    "DeleteConfiguredAudienceModel": (
        "Look with cleanroom_nb.get_configured_audience_model(arn) before running again."
    ),
    "TagResource": "Look at the tags (ListTagsForResource) before running again.",
    "UntagResource": "Look at the tags (ListTagsForResource) before running again.",
}
"""What to do when whether a request took effect cannot be told (ends the error's message)."""


def send(
    operation: str,
    params: Mapping[str, Any],
    *,
    what: str,
    boto3_session: boto3.Session | None = None,
    sleep: Callable[[float], None] | None = None,
) -> dict[str, Any]:
    """Send one request that changes something, through the library's one "send once" rule.

    Parameters
    ----------
    operation
        The operation's name, e.g. ``"CreateAudienceModel"`` (a key of :data:`CHECKS`).
    params
        Its input.
    what
        What is being done, for error messages (``"creating audience model 'x'"``).
    boto3_session
        The session (default: boto3's).
    sleep
        What waits between attempts (default: the retry policy's, :data:`time.sleep`).

    Returns
    -------
    dict
        The operation's answer (without ``ResponseMetadata``), or, when a request that may have
        reached the service turned out to have taken effect, the answer :data:`CHECKS` rebuilt.

    Raises
    ------
    botocore.exceptions.ClientError
        The service's answer to the request (callers translate it).
    ThrottledError, EndpointUnreachableError
        Still throttled, or still unreachable, after every attempt: nothing was done.
    OutcomeUnknownError
        The request may have reached the service and whether it took effect could not be told:
        it was not sent again (the message says where to look).

    Examples
    --------
    >>> send("TagResource", {"resourceArn": arn, "tags": {"team": "ads"}},
    ...      what="tagging")  # doctest: +SKIP
    {}
    """
    check = CHECKS[operation]
    policy = None if sleep is None else dataclasses.replace(_once.POLICY, sleep=sleep)
    return _once.call_once(
        botocore.xform_name(operation),
        params,
        happened=lambda: check(reader(boto3_session), params),
        what=what,
        advice=ADVICE[operation],
        service=SERVICE,
        policy=policy,
        boto3_session=boto3_session,
    )
