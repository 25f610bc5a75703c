"""Wait for a new resource to be usable, reading the statuses from the service model.

botocore's model (and the CloudFormation schema) give ``TrainingDatasetStatus`` one value,
``ACTIVE``. The statuses are read at run time, so a newer model brings its own; a status the
model does not list is an error that shows it, never a reason to keep waiting.

:func:`wait_for_status` is the library's one waiting loop, and it shows its progress through the
one progress helper (:mod:`cleanroom_nb._progress`): every status seen, in order
(``CREATE_PENDING → CREATE_IN_PROGRESS → ACTIVE``), silenced by ``progress=False``. Training
datasets use it here (:func:`wait_until_active`), audience models
(:func:`cleanroom_nb.wait_for_audience_model`) with their own statuses and messages.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any, cast

import boto3

from cleanroom_nb._errors import AwsError, CleanroomNbError, WaitTimeoutError
from cleanroom_nb._progress import reports_progress, retitle, stage
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


def _always(status: str) -> bool:
    return True


@reports_progress("{title}")
def wait_for_status(
    read: Callable[[], Mapping[str, Any]],
    *,
    title: str,
    allowed: Sequence[str],
    unlisted: Callable[[str], CleanroomNbError],
    failed: Callable[[str, Mapping[str, Any]], CleanroomNbError],
    timed_out: Callable[[str], CleanroomNbError],
    done: str = ACTIVE,
    waits_out: Callable[[str], bool] = _always,
    not_waited: Callable[[str], CleanroomNbError] | None = None,
    title_of: Callable[[Mapping[str, Any]], str] | None = None,
    timeout: float = 600.0,
    poll_interval: float = 2.0,
    max_poll_interval: float | None = None,
    progress: bool = True,
) -> Mapping[str, Any]:
    """Call ``read()`` until its ``status`` is ``done``; return that description.

    A status that ``allowed`` (the service model's list) does not name raises ``unlisted``;
    one with ``FAIL`` in it raises ``failed``; one ``waits_out`` refuses raises ``not_waited``;
    any other is waited out until ``timeout`` (then ``timed_out``). Polls are
    ``poll_interval`` apart, growing by half each time up to ``max_poll_interval`` when it is
    given.

    Progress (the one helper's, after its usual delay; ``progress=False``: none) is titled
    ``title``, or ``title_of(the first description)`` once it is read (e.g. with the
    resource's name), and shows every status seen, in order.

    Examples
    --------
    >>> seen = iter([{"status": "CREATE_PENDING"}, {"status": "ACTIVE"}])
    >>> wait_for_status(lambda: next(seen), title="Waiting", allowed=("CREATE_PENDING", "ACTIVE"),
    ...                 unlisted=AwsError, failed=lambda s, d: AwsError(s),
    ...                 timed_out=WaitTimeoutError, poll_interval=0, progress=False)["status"]
    'ACTIVE'
    """
    deadline = time.monotonic() + timeout
    interval = poll_interval
    seen: list[str] = []
    while True:
        described = read()
        status = str(described.get("status"))
        if not seen and title_of is not None:
            retitle(title_of(described))
        if not seen or seen[-1] != status:
            seen.append(status)
        stage(" → ".join(seen))
        if status == done:
            return described
        if allowed and status not in allowed:
            raise unlisted(status)
        if "FAIL" in status.upper():
            raise failed(status, described)
        if not waits_out(status):
            raise (not_waited or unlisted)(status)
        left = deadline - time.monotonic()
        if left <= 0:
            raise timed_out(status)
        time.sleep(min(interval, left))
        if max_poll_interval is not None:
            interval = min(max_poll_interval, interval * 1.5)


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
    out; any other status raises at once, showing it. The statuses are shown as progress
    after a second (``progress=False``: not at all).

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

    def unlisted(status: str) -> AwsError:
        return AwsError(
            f"training dataset {arn} reports status {status!r}, which botocore's service "
            f"model does not list (it lists {', '.join(allowed)}). Look at it in the Clean "
            "Rooms console; if your botocore is old, upgrade it (pip install -U boto3)."
        )

    def failed(status: str, _: Mapping[str, Any]) -> AwsError:
        return AwsError(
            f"training dataset {arn} reports status {status}; look at it in the Clean Rooms "
            "console, fix its data or role, delete it and create it again."
        )

    def timed_out(status: str) -> WaitTimeoutError:
        return WaitTimeoutError(
            f"training dataset {arn} was still {status} after {timeout:g} s. It was created; "
            "wait longer with cleanroom_nb.get_training_dataset(arn) (or a larger timeout), "
            "and do not create it again."
        )

    described = wait_for_status(
        lambda: get_training_dataset(arn, boto3_session=boto3_session),
        title=f"Waiting for training dataset {arn} to be ACTIVE",
        allowed=allowed,
        unlisted=unlisted,
        failed=failed,
        timed_out=timed_out,
        timeout=timeout,
        poll_interval=poll_interval,
        progress=progress,
    )
    return cast(dict[str, Any], described)  # the TrainingDatasetInfo that was read
