"""The Clean Rooms ML client, and the retry rule that never sends a create twice.

botocore's standard retry mode retries only what is safe to retry here: throttling (the service
refused the call) and connections that were never made; a ``CreateTrainingDataset`` call that
may have reached the service is never sent again.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import boto3
import botocore.exceptions

from cleanroom_nb.aws import _client

SERVICE = "cleanroomsml"

THROTTLING_CODES = frozenset(
    {
        "ThrottlingException",
        "Throttling",
        "TooManyRequestsException",
        "RequestLimitExceeded",
        "SlowDown",
    }
)
# Exceptions raised before a single byte of the request was sent: retrying them is safe.
_NOT_SENT = (botocore.exceptions.EndpointConnectionError, botocore.exceptions.ConnectTimeoutError)


def _retry_only_when_not_created(
    response: Any = None, caught_exception: BaseException | None = None, **_: Any
) -> bool | None:
    """``needs-retry`` hook for CreateTrainingDataset: veto every retry that could create twice.

    It runs before botocore's standard handler (it is registered on the more specific event):
    returning False stops a retry; returning None lets the standard handler decide (attempt
    count, backoff, retry quota) for throttling and for connections that were never made.
    """
    if caught_exception is not None:
        return None if isinstance(caught_exception, _NOT_SENT) else False
    if response is not None:
        http, parsed = response
        code = (parsed or {}).get("Error", {}).get("Code")
        if code in THROTTLING_CODES or getattr(http, "status_code", None) == 429:
            return None
    return False


def ml_client(boto3_session: boto3.Session | None) -> Any:
    client = _client.client(SERVICE, boto3_session)
    client.meta.events.register_first(
        "needs-retry.cleanroomsml.CreateTrainingDataset",
        _retry_only_when_not_created,
        unique_id="cleanroom_nb-create-retries",
    )
    return client


def strip_metadata(response: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in response.items() if k != "ResponseMetadata"}


def error_code(exc: botocore.exceptions.ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


def error_message(exc: botocore.exceptions.ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Message", "")) or str(exc)
