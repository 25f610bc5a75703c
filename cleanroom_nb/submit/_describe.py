"""Read what Clean Rooms ML holds: describe one training dataset, list them, find one by name."""

from __future__ import annotations

from typing import Any

import boto3

from cleanroom_nb.aws import _client
from cleanroom_nb.submit._ml_client import ml_client, strip_metadata
from cleanroom_nb.submit._views import TrainingDatasetInfo, TrainingDatasetList


def get_training_dataset(arn: str, *, boto3_session: boto3.Session | None = None) -> dict[str, Any]:
    """Describe a training dataset (GetTrainingDataset), without the response metadata.

    Raises
    ------
    NotFoundError
        When no training dataset has this ARN.

    Examples
    --------
    >>> get_training_dataset(arn)["status"]  # doctest: +SKIP
    'ACTIVE'
    """
    try:
        response = ml_client(boto3_session).get_training_dataset(trainingDatasetArn=arn)
        return TrainingDatasetInfo(strip_metadata(response))
    except Exception as exc:
        raise _client.translate(exc, what=f"reading training dataset {arn}") from exc


def list_training_datasets(*, boto3_session: boto3.Session | None = None) -> list[dict[str, Any]]:
    """Every training dataset of the account and region (all pages), oldest first as listed.

    Each item has ``trainingDatasetArn``, ``name``, ``status``, ``createTime``, ``updateTime``
    and, when set, ``description``.

    Examples
    --------
    >>> [d["name"] for d in list_training_datasets()]  # doctest: +SKIP
    ['shoppers']
    """
    try:
        pages = ml_client(boto3_session).get_paginator("list_training_datasets").paginate()
        return TrainingDatasetList(
            dict(d) for page in pages for d in page.get("trainingDatasets", [])
        )
    except Exception as exc:
        raise _client.translate(exc, what="listing Clean Rooms ML training datasets") from exc


def find_training_dataset(
    name: str, *, boto3_session: boto3.Session | None = None
) -> dict[str, Any] | None:
    """The full description of the training dataset called ``name``, or None when there is none.

    Examples
    --------
    >>> find_training_dataset("no such dataset") is None  # doctest: +SKIP
    True
    """
    for item in list_training_datasets(boto3_session=boto3_session):
        if item.get("name") == name:
            return get_training_dataset(item["trainingDatasetArn"], boto3_session=boto3_session)
    return None
