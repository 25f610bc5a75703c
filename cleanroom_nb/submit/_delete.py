"""Delete a training dataset, and say which audience models keep it when the service refuses.

botocore's model documents DeleteTrainingDataset: "You can't delete a training dataset if
there are any audience models that depend on the training dataset." The refusal is a
ConflictException; the audience models that name the dataset are found with ListAudienceModels
(each summary has its ``trainingDatasetArn``).
"""

from __future__ import annotations

from typing import Any

import boto3
import botocore.exceptions

from cleanroom_nb._errors import CleanroomNbError, NotFoundError, TrainingDatasetInUseError
from cleanroom_nb.aws import _client
from cleanroom_nb.submit._describe import get_training_dataset
from cleanroom_nb.submit._ml_client import error_code, error_message, ml_client
from cleanroom_nb.submit._once import call_once


def audience_models_of(
    arn: str, *, boto3_session: boto3.Session | None = None
) -> list[dict[str, Any]]:
    """The audience models (ListAudienceModels summaries) trained on the training dataset ``arn``.

    Examples
    --------
    >>> [m["name"] for m in audience_models_of(arn)]  # doctest: +SKIP
    ['lookalike-2024']
    """
    try:
        pages = ml_client(boto3_session).get_paginator("list_audience_models").paginate()
        return [
            dict(m)
            for page in pages
            for m in page.get("audienceModels", [])
            if m.get("trainingDatasetArn") == arn
        ]
    except Exception as exc:
        raise _client.translate(exc, what="listing Clean Rooms ML audience models") from exc


def _in_use_error(
    exc: botocore.exceptions.ClientError, arn: str, session: boto3.Session
) -> TrainingDatasetInUseError:
    head = f"training dataset {arn} was not deleted: {error_code(exc)}: {error_message(exc)}."
    try:
        models = audience_models_of(arn, boto3_session=session)
    except CleanroomNbError as listing:
        return TrainingDatasetInUseError(
            f"{head} Audience models that depend on it keep it; they could not be listed "
            f"({listing}; needs cleanrooms-ml:ListAudienceModels). Delete the audience models "
            "trained on it, then delete the dataset again.",
            audience_models=None,
        )
    if not models:
        return TrainingDatasetInUseError(
            f"{head} No audience model of this account and region names it now (one may be "
            "being deleted); wait a little and delete it again.",
            audience_models=[],
        )
    listed = "\n".join(
        f"  - {m.get('name')} ({m.get('audienceModelArn')}, {m.get('status')})" for m in models
    )
    return TrainingDatasetInUseError(
        f"{head} {len(models)} audience model(s) depend on it:\n{listed}\nDelete them first "
        "(cleanroom_nb.delete_audience_model(arn), after the configured audience models that use "
        "them), then delete the dataset again.",
        audience_models=models,
    )


def delete_training_dataset(arn: str, *, boto3_session: boto3.Session | None = None) -> None:
    """Delete a training dataset (DeleteTrainingDataset), one request (see ``call_once``).

    Raises
    ------
    NotFoundError
        When no training dataset has this ARN.
    TrainingDatasetInUseError
        Audience models depend on it (``.audience_models`` lists them); delete them first.

    Examples
    --------
    >>> delete_training_dataset(arn)  # doctest: +SKIP
    """
    session = _client.session(boto3_session)
    what = f"deleting training dataset {arn}"

    def gone() -> dict[str, Any] | None:
        try:
            get_training_dataset(arn, boto3_session=session)
        except NotFoundError:
            return {}
        return None

    try:
        call_once(
            "delete_training_dataset",
            {"trainingDatasetArn": arn},
            happened=gone,
            what=what,
            advice=f"Check with cleanroom_nb.get_training_dataset({arn!r}) before running again.",
            boto3_session=session,
        )
    except botocore.exceptions.ClientError as exc:
        if error_code(exc) == "ConflictException":
            raise _in_use_error(exc, arn, session) from exc
        raise _client.translate(exc, what=what) from exc
    except CleanroomNbError:
        raise
    except Exception as exc:
        raise _client.translate(exc, what=what) from exc
