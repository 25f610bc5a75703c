"""Wait for a new training dataset to be usable, reading the statuses from the service model.

botocore's model (and the CloudFormation schema) give ``TrainingDatasetStatus`` one value,
``ACTIVE``. The statuses are read at run time, so a newer model brings its own; a status the
model does not list is an error that shows it, never a reason to keep waiting.
"""

from __future__ import annotations

import time
from typing import Any

import boto3

from cleanroom_nb._errors import AwsError, WaitTimeoutError
from cleanroom_nb._progress import reports_progress, stage
from cleanroom_nb.aws import _service_model
from cleanroom_nb.submit._describe import get_training_dataset

ACTIVE = "ACTIVE"


def allowed_statuses() -> tuple[str, ...]:
    """The statuses GetTrainingDataset may report, from botocore's service model.

    Examples
    --------
    >>> allowed_statuses()
    ('ACTIVE',)
    """
    return _service_model.output_enum("GetTrainingDataset", "status")


@reports_progress("Waiting for training dataset {arn} to be ACTIVE")
def wait_until_active(
    arn: str,
    *,
    timeout: float = 600.0,
    poll_interval: float = 2.0,
    progress: bool = True,
    boto3_session: boto3.Session | None = None,
) -> dict[str, Any]:
    """Poll ``GetTrainingDataset`` until the dataset is ACTIVE; return its description.

    A status that the service model lists (other than ACTIVE, and not a failure) is waited
    out; any other status raises at once, showing it. The status is shown as progress after a
    second (``progress=False``: not at all).

    Raises
    ------
    AwsError
        The dataset reports a failed status, or one the service model does not list.
    WaitTimeoutError
        It is not ACTIVE within ``timeout`` seconds.

    Examples
    --------
    >>> wait_until_active(arn, timeout=60)["status"]  # doctest: +SKIP
    'ACTIVE'
    """
    allowed = allowed_statuses()
    deadline = time.monotonic() + timeout
    while True:
        described = get_training_dataset(arn, boto3_session=boto3_session)
        status = str(described.get("status"))
        stage(f"status {status}")
        if status == ACTIVE:
            return described
        if allowed and status not in allowed:
            raise AwsError(
                f"training dataset {arn} reports status {status!r}, which botocore's service "
                f"model does not list (it lists {', '.join(allowed)}). Look at it in the Clean "
                "Rooms console; if your botocore is old, upgrade it (pip install -U boto3)."
            )
        if "FAIL" in status.upper():
            raise AwsError(
                f"training dataset {arn} reports status {status}; look at it in the Clean Rooms "
                "console, fix its data or role, delete it and create it again."
            )
        left = deadline - time.monotonic()
        if left <= 0:
            raise WaitTimeoutError(
                f"training dataset {arn} was still {status} after {timeout:g} s. It was created; "
                "wait longer with cleanroom_nb.get_training_dataset(arn) (or a larger timeout), "
                "and do not create it again."
            )
        time.sleep(min(poll_interval, left))
