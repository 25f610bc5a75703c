"""The Clean Rooms ML client for reads, and small helpers on botocore's answers.

Reads (Get*, List*) change nothing, so botocore's standard retries serve them as they are. Every
call that changes something goes through :func:`cleanroom_nb.submit._once.call_once` instead,
on a client with botocore's retries off.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import boto3
import botocore.exceptions

from cleanroom_nb.aws import _client

SERVICE = "cleanroomsml"


def ml_client(boto3_session: boto3.Session | None) -> Any:
    """A Clean Rooms ML client for reads (botocore's standard retries: safe for reads)."""
    return _client.client(SERVICE, boto3_session)


def strip_metadata(response: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in response.items() if k != "ResponseMetadata"}


def error_code(exc: botocore.exceptions.ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


def error_message(exc: botocore.exceptions.ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Message", "")) or str(exc)
