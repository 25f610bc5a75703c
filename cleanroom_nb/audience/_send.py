"""The ONE seam through which every audience-model request that changes something is sent.

CreateAudienceModel, CreateConfiguredAudienceModel, UpdateConfiguredAudienceModel,
DeleteAudienceModel, DeleteConfiguredAudienceModel, TagResource and UntagResource all go
through :func:`send`. Its client has botocore's retries switched off
(``Config(retries={"total_max_attempts": 1})``, an option botocore has had since before 1.34.0,
the oldest version pyproject allows), so only this module decides whether a request is sent
again:

* a request that provably never reached the service (the connection was never made), or that
  the service refused by throttling it, is sent again after a pause, up to :data:`MAX_SENDS`
  times in all;
* a request that may have reached the service (the connection broke after sending, the answer
  timed out, a 5xx) is not simply sent again: :data:`CHECKS` knows, for each operation, how to
  find out by name whether it took effect (a create lists the resources of that name, an update
  reads the resource back, a delete reads it, a tag lists the tags). If it did, that is the
  answer; if it did not, the request is sent again;
* every other error (validation, conflict, access denied, not found) is raised at once.

This mirrors the library's "send once" rule for training datasets (``submit/_ml_client.py``).
When that rule becomes one mechanism, :func:`send` keeps its signature and hands each attempt to
it, with :data:`CHECKS` as the operation's "did it take effect?" check.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any

import boto3
import botocore
import botocore.config
import botocore.exceptions

from cleanroom_nb._errors import EndpointUnreachableError
from cleanroom_nb.aws import _client
from cleanroom_nb.submit._ml_client import SERVICE, THROTTLING_CODES, error_code, strip_metadata

NO_RETRIES = botocore.config.Config(retries={"mode": "standard", "total_max_attempts": 1})
"""botocore makes exactly one attempt; :func:`send` decides about any other."""
MAX_SENDS = 4
"""At most this many attempts of one request in all (the first included)."""
NOT_SENT = (botocore.exceptions.EndpointConnectionError, botocore.exceptions.ConnectTimeoutError)
"""The connection was never made: the service did not see the request."""
UNCLEAR = (botocore.exceptions.ReadTimeoutError, botocore.exceptions.ConnectionClosedError)
"""The request was sent, and then the connection failed: it may have taken effect."""

Check = Callable[[Any, Mapping[str, Any]], "dict[str, Any] | None"]
"""(a client, the request) -> the answer the operation would have given when it took effect,
else None."""


def client(boto3_session: boto3.Session | None = None) -> Any:
    """A Clean Rooms ML client whose botocore retries are off (one attempt per call)."""
    return _client.client(SERVICE, boto3_session, config=NO_RETRIES)


def reader(boto3_session: boto3.Session | None = None) -> Any:
    """A Clean Rooms ML client for reads, with botocore's standard retries (reads are safe)."""
    return _client.client(SERVICE, boto3_session)


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


def _refused(exc: BaseException) -> bool:
    """Whether the service throttled the request (refused it: nothing was done)."""
    if not isinstance(exc, botocore.exceptions.ClientError):
        return False
    status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    return error_code(exc) in THROTTLING_CODES or status == 429


def _server_error(exc: BaseException) -> bool:
    if not isinstance(exc, botocore.exceptions.ClientError):
        return False
    status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0
    return int(status) >= 500


def pause(attempt: int) -> float:
    """Seconds to wait before attempt ``attempt + 1`` (exponential, at most 10 s).

    Examples
    --------
    >>> [pause(n) for n in (1, 2, 3, 8)]
    [0.5, 1.0, 2.0, 10.0]
    """
    return float(min(10.0, 0.5 * 2 ** (attempt - 1)))


def send(
    operation: str,
    params: Mapping[str, Any],
    *,
    what: str,
    boto3_session: boto3.Session | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> dict[str, Any]:
    """Send one request that changes something, at most once unless it provably did not count.

    Parameters
    ----------
    operation
        The operation's name, e.g. ``"CreateAudienceModel"`` (a key of :data:`CHECKS`).
    params
        Its input.
    what
        What is being done, for error messages (``"creating audience model 'x'"``).

    Returns
    -------
    dict
        The operation's answer (without ``ResponseMetadata``), or, when an unclear failure
        turned out to have taken effect, the answer :data:`CHECKS` rebuilt.

    Raises
    ------
    botocore.exceptions.ClientError
        The service's answer to the request (callers translate it).
    EndpointUnreachableError
        The connection failed after sending and whether the request took effect could not be
        told: it was not sent again.

    Examples
    --------
    >>> send("TagResource", {"resourceArn": arn, "tags": {"team": "ads"}},
    ...      what="tagging")  # doctest: +SKIP
    {}
    """
    check = CHECKS[operation]
    c = client(boto3_session)
    call = getattr(c, botocore.xform_name(operation))
    for attempt in range(1, MAX_SENDS + 1):
        try:
            return strip_metadata(call(**params))
        except Exception as exc:
            last = attempt == MAX_SENDS
            if isinstance(exc, NOT_SENT) or _refused(exc):
                if last:
                    raise
                sleep(pause(attempt))
                continue
            if not (isinstance(exc, UNCLEAR) or _server_error(exc)):
                raise
            took = _took_effect(check, params, exc, what, boto3_session)
            if took is not None:
                return took
            if last:
                raise
            sleep(pause(attempt))
    raise AssertionError("unreachable")  # pragma: no cover


def _took_effect(
    check: Check,
    params: Mapping[str, Any],
    exc: BaseException,
    what: str,
    boto3_session: boto3.Session | None,
) -> dict[str, Any] | None:
    try:
        return check(reader(boto3_session), params)
    except Exception as lookup:
        raise EndpointUnreachableError(
            f"{what}: the request was sent and then the connection failed ({exc}), so it may "
            f"or may not have taken effect; checking failed too ({lookup}). It was not sent "
            "again: look before running again (the get_/list_ functions of cleanroom_nb)."
        ) from exc
