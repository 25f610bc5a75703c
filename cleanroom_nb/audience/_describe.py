"""Read audience models and configured audience models: get one, list them, find by name."""

from __future__ import annotations

from typing import Any

import boto3

from cleanroom_nb.audience._send import reader
from cleanroom_nb.audience._views import (
    AudienceModelInfo,
    ConfiguredAudienceModelInfo,
    ResourceList,
)
from cleanroom_nb.aws import _client
from cleanroom_nb.submit._ml_client import strip_metadata


def get_audience_model(
    arn: str, *, boto3_session: boto3.Session | None = None
) -> AudienceModelInfo:
    """Describe an audience model (GetAudienceModel): status, training window, dataset, ...

    Raises
    ------
    NotFoundError
        No audience model has this ARN (in the session's account and region).

    Examples
    --------
    >>> get_audience_model(arn)["status"]  # doctest: +SKIP
    'ACTIVE'
    """
    try:
        response = reader(boto3_session).get_audience_model(audienceModelArn=arn)
    except Exception as exc:
        raise _client.translate(exc, what=f"reading audience model {arn}") from exc
    return AudienceModelInfo(strip_metadata(response))


def list_audience_models(*, boto3_session: boto3.Session | None = None) -> ResourceList:
    """Every audience model of the account and region (all pages), as ListAudienceModels
    lists them (``audienceModelArn``, ``name``, ``status``, ``trainingDatasetArn``, ...).

    Examples
    --------
    >>> [m["name"] for m in list_audience_models()]  # doctest: +SKIP
    ['lookalike-2024-q4']
    """
    try:
        pages = reader(boto3_session).get_paginator("list_audience_models").paginate()
        items = [dict(m) for page in pages for m in page.get("audienceModels", [])]
    except Exception as exc:
        raise _client.translate(exc, what="listing Clean Rooms ML audience models") from exc
    return ResourceList(
        items,
        what="audience models",
        keys=("name", "status", "createTime", "audienceModelArn", "trainingDatasetArn"),
    )


def get_configured_audience_model(
    arn: str, *, boto3_session: boto3.Session | None = None
) -> ConfiguredAudienceModelInfo:
    """Describe a configured audience model (GetConfiguredAudienceModel); in a notebook it shows
    the output location, the output role and the sharing settings.

    Raises
    ------
    NotFoundError
        No configured audience model has this ARN.

    Examples
    --------
    >>> get_configured_audience_model(carn).output_location  # doctest: +SKIP
    's3://my-bucket/segments/'
    """
    try:
        response = reader(boto3_session).get_configured_audience_model(
            configuredAudienceModelArn=arn
        )
    except Exception as exc:
        raise _client.translate(exc, what=f"reading configured audience model {arn}") from exc
    return ConfiguredAudienceModelInfo(strip_metadata(response))


def list_configured_audience_models(*, boto3_session: boto3.Session | None = None) -> ResourceList:
    """Every configured audience model of the account and region (all pages).

    Examples
    --------
    >>> [m["name"] for m in list_configured_audience_models()]  # doctest: +SKIP
    ['lookalike-shared']
    """
    try:
        pages = reader(boto3_session).get_paginator("list_configured_audience_models").paginate()
        items = [dict(m) for page in pages for m in page.get("configuredAudienceModels", [])]
    except Exception as exc:
        raise _client.translate(
            exc, what="listing Clean Rooms ML configured audience models"
        ) from exc
    return ResourceList(
        items,
        what="configured audience models",
        keys=("name", "status", "createTime", "configuredAudienceModelArn", "output location"),
    )


def named(items: list[dict[str, Any]], name: str) -> list[dict[str, Any]]:
    """The listed resources called ``name``, oldest first.

    Examples
    --------
    >>> named([{"name": "a", "createTime": 2}, {"name": "b"}, {"name": "a", "createTime": 1}], "a")
    [{'name': 'a', 'createTime': 1}, {'name': 'a', 'createTime': 2}]
    """
    return sorted(
        (item for item in items if item.get("name") == name),
        key=lambda item: str(item.get("createTime") or ""),
    )
