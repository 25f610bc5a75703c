"""Wait for an audience model to train, showing each status change.

The statuses are read from botocore's model at run time (``AudienceModelStatus``: CREATE_PENDING,
CREATE_IN_PROGRESS, CREATE_FAILED, ACTIVE, DELETE_PENDING, DELETE_IN_PROGRESS, DELETE_FAILED).
The CREATE_ ones that are not failures are waited out; ACTIVE ends the wait; CREATE_FAILED raises
:class:`~cleanroom_nb.TrainingFailedError` with the service's ``statusDetails``; a DELETE_ status
or one the model does not list raises at once. The loop is the library's one waiter
(:func:`cleanroom_nb.submit._wait.wait_for_status`), which shows the statuses through the one
progress helper (:mod:`cleanroom_nb._progress`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import boto3

from cleanroom_nb._errors import AwsError, TrainingFailedError, WaitTimeoutError
from cleanroom_nb.audience._describe import get_audience_model
from cleanroom_nb.audience._views import AudienceModelInfo
from cleanroom_nb.aws import _service_model
from cleanroom_nb.submit._wait import wait_for_status

ACTIVE = "ACTIVE"
TRAINING_FIX = (
    "Read the message, fix the training data or the window (cleanroom_nb.check_training_window), "
    "delete the failed model (cleanroom_nb.delete_audience_model) and create it again."
)


def audience_model_statuses() -> tuple[str, ...]:
    """The statuses GetAudienceModel may report, from botocore's service model.

    Examples
    --------
    >>> audience_model_statuses()  # doctest: +NORMALIZE_WHITESPACE
    ('CREATE_PENDING', 'CREATE_IN_PROGRESS', 'CREATE_FAILED', 'ACTIVE', 'DELETE_PENDING',
     'DELETE_IN_PROGRESS', 'DELETE_FAILED')
    """
    return _service_model.output_enum("GetAudienceModel", "status")


def training(status: str) -> bool:
    """Whether a status is one of training, to wait out (CREATE_, not failed).

    Examples
    --------
    >>> [training(s) for s in ("CREATE_PENDING", "CREATE_FAILED", "DELETE_PENDING")]
    [True, False, False]
    """
    return status.startswith("CREATE_") and "FAIL" not in status


def wait_for_audience_model(
    arn: str,
    *,
    timeout: float = 3600.0,
    poll_interval: float | None = None,
    progress: bool = True,
    boto3_session: boto3.Session | None = None,
) -> AudienceModelInfo:
    """Poll GetAudienceModel until the model is ACTIVE, showing each status change.

    Parameters
    ----------
    arn
        The audience model.
    timeout
        Seconds to wait in all (training takes "several hours to 2 days", user guide).
    poll_interval
        Seconds between polls; None starts at 1 s and grows by half each poll up to 60 s.
    progress
        Show progress (after a second): ``Training audience model 'spring': CREATE_PENDING →
        CREATE_IN_PROGRESS → ACTIVE (12.0 s)``; False: nothing.

    Raises
    ------
    TrainingFailedError
        The model reports CREATE_FAILED (``.status_details`` has the service's reason).
    WaitTimeoutError
        It is still training after ``timeout`` seconds (it keeps training: wait again).
    AwsError
        It is being deleted, or reports a status the service model does not list.

    Examples
    --------
    >>> wait_for_audience_model(arn, timeout=7200)["status"]  # doctest: +SKIP
    'ACTIVE'
    """
    allowed = audience_model_statuses()
    names: dict[str, str] = {}

    def title_of(described: Mapping[str, Any]) -> str:
        names["name"] = str(described.get("name"))
        return f"Training audience model {names['name']!r}"

    def unlisted(status: str) -> AwsError:
        return AwsError(
            f"audience model {arn} reports status {status!r}, which botocore's service model "
            f"does not list (it lists {', '.join(allowed)}). Look at it in the Clean Rooms "
            "console; if your botocore is old, upgrade it (pip install -U boto3)."
        )

    def failed(status: str, described: Mapping[str, Any]) -> AwsError:
        details = dict(described.get("statusDetails") or {})
        if not status.startswith("CREATE_"):
            return deleting(status)
        why = details.get("message") or "the service gave no statusDetails"
        code = f" ({details['statusCode']})" if details.get("statusCode") else ""
        return TrainingFailedError(
            f"audience model {names.get('name', '')!r} ({arn}) failed to train: {status}"
            f"{code}: {why}. {TRAINING_FIX}",
            arn=arn,
            status=status,
            status_details=details,
        )

    def deleting(status: str) -> AwsError:
        return AwsError(
            f"audience model {arn} is {status}: it is being deleted, not trained. Create a new "
            "one with cleanroom_nb.create_audience_model."
        )

    def timed_out(status: str) -> WaitTimeoutError:
        return WaitTimeoutError(
            f"audience model {arn} was still {status} after {timeout:g} s; training can take "
            "several hours to 2 days. It keeps training: wait again with "
            f"cleanroom_nb.wait_for_audience_model({arn!r}, timeout=...), and do not create "
            "it again."
        )

    described = wait_for_status(
        lambda: get_audience_model(arn, boto3_session=boto3_session),
        title=f"Training audience model {arn.rsplit('/', 1)[-1]}",
        title_of=title_of,
        allowed=allowed,
        unlisted=unlisted,
        failed=failed,
        timed_out=timed_out,
        waits_out=training,
        not_waited=deleting,
        timeout=timeout,
        poll_interval=1.0 if poll_interval is None else poll_interval,
        max_poll_interval=60.0 if poll_interval is None else None,
        progress=progress,
    )
    return AudienceModelInfo(described)
