"""Issue 16, point 1: one request per change, over the wire, whatever botocore is installed.

Every fault is the emulator's (:mod:`cleanroom_nb.local.cleanroomsml._faults`): a 429
ThrottlingException, a 500 InternalServiceException, a connection dropped after the request
arrived — each before or after the request was applied. botocore's own retries are off for
changes (``total_max_attempts=1``), so the counts below are the library's alone; CI runs this
file on the newest botocore and, in the floor venv, on botocore 1.34.0, where a ``needs-retry``
handler that answers anything but None means "retry after that many seconds".

Sources: the API reference lists ThrottlingException (HTTP 429) and botocore's newer models
InternalServiceException (HTTP 500) for CreateTrainingDataset; a dropped connection is what
botocore reports as ``ConnectionClosedError``.
"""

from __future__ import annotations

import boto3
import botocore
import pytest
from submit_helpers import CREATE, _request

import cleanroom_nb as crn
from cleanroom_nb.local.cleanroomsml import CleanRoomsMLEmulator
from cleanroom_nb.submit import _once

pytestmark = pytest.mark.usefixtures("events_table")


def _creates(emu: CleanRoomsMLEmulator) -> list[tuple[int, str | None]]:
    return [(c.status, c.fault) for c in emu.calls if c.operation == CREATE]


def test_the_installed_botocore_is_used(cleanrooms: CleanRoomsMLEmulator) -> None:
    """The fault tests below run with whatever botocore this venv holds (the floor venv in CI
    holds 1.34.0): print it in the test id's output so a CI log shows which one ran."""
    print(f"botocore {botocore.__version__}")
    assert botocore.__version__


def test_one_request_per_create(
    cleanrooms: CleanRoomsMLEmulator, boto3_session: boto3.Session
) -> None:
    crn.create_training_dataset(_request(), boto3_session=boto3_session)
    assert _creates(cleanrooms) == [(200, None)]


def test_429_is_sent_again_after_a_backoff(
    cleanrooms: CleanRoomsMLEmulator, boto3_session: boto3.Session, backoff: list[float]
) -> None:
    cleanrooms.throttle(2, operation=CREATE)
    arn = crn.create_training_dataset(_request(), boto3_session=boto3_session)
    assert _creates(cleanrooms) == [
        (429, "answered ThrottlingException before applying"),
        (429, "answered ThrottlingException before applying"),
        (200, None),
    ]
    assert list(cleanrooms.datasets) == [arn] and len(backoff) == 2
    # a refusal is not a maybe: nothing was looked up
    assert cleanrooms.call_count("ListTrainingDatasets") == 0


def test_500_before_applying_is_looked_up_then_sent_again(
    cleanrooms: CleanRoomsMLEmulator, boto3_session: boto3.Session
) -> None:
    cleanrooms.inject_error("InternalServiceException", "oops", operation=CREATE)
    arn = crn.create_training_dataset(_request(), boto3_session=boto3_session)
    assert _creates(cleanrooms) == [
        (500, "answered InternalServiceException before applying"),
        (200, None),
    ]
    assert list(cleanrooms.datasets) == [arn]
    assert cleanrooms.call_count("ListTrainingDatasets") == 1  # looked up before the resend


def test_500_after_applying_is_found_by_name_and_not_sent_again(
    cleanrooms: CleanRoomsMLEmulator, boto3_session: boto3.Session
) -> None:
    cleanrooms.inject_error(
        "InternalServiceException", "oops", operation=CREATE, after_applying=True
    )
    arn = crn.create_training_dataset(_request(), boto3_session=boto3_session)
    assert _creates(cleanrooms) == [(500, "answered InternalServiceException after applying")]
    assert list(cleanrooms.datasets) == [arn]


def test_persistent_500_is_never_sent_blindly(
    cleanrooms: CleanRoomsMLEmulator, boto3_session: boto3.Session
) -> None:
    cleanrooms.inject_error("InternalServiceException", "oops", operation=CREATE, count=100)
    with pytest.raises(crn.AwsError) as info:
        crn.create_training_dataset(_request(), boto3_session=boto3_session)
    assert "InternalServiceException" in str(info.value)
    attempts = cleanrooms.call_count(CREATE)
    assert attempts == _once.POLICY.max_attempts
    assert cleanrooms.call_count("ListTrainingDatasets") == attempts  # a look-up after each
    assert cleanrooms.datasets == {}


def test_dropped_connection_after_applying_is_found_by_name(
    cleanrooms: CleanRoomsMLEmulator, boto3_session: boto3.Session
) -> None:
    cleanrooms.drop_connection(operation=CREATE)
    arn = crn.create_training_dataset(_request(), boto3_session=boto3_session)
    assert _creates(cleanrooms) == [(0, "dropped the connection after applying")]
    assert list(cleanrooms.datasets) == [arn]


def test_dropped_connection_before_applying_is_sent_again_after_a_look_up(
    cleanrooms: CleanRoomsMLEmulator, boto3_session: boto3.Session
) -> None:
    cleanrooms.drop_connection(operation=CREATE, after_applying=False)
    arn = crn.create_training_dataset(_request(), boto3_session=boto3_session)
    assert _creates(cleanrooms) == [(0, "dropped the connection before applying"), (200, None)]
    assert list(cleanrooms.datasets) == [arn]


def test_dropped_connection_and_no_look_up_stops(
    cleanrooms: CleanRoomsMLEmulator, boto3_session: boto3.Session
) -> None:
    cleanrooms.drop_connection(operation=CREATE)
    cleanrooms.inject_error("AccessDeniedException", "no", operation="ListTrainingDatasets")
    with pytest.raises(crn.OutcomeUnknownError) as info:
        crn.create_training_dataset(_request(), boto3_session=boto3_session)
    assert _creates(cleanrooms) == [(0, "dropped the connection after applying")]
    assert len(cleanrooms.datasets) == 1  # it was created: the error says to look
    assert "find_training_dataset('shoppers')" in str(info.value)


def test_conflict_after_a_lost_answer_is_our_own_dataset(
    cleanrooms: CleanRoomsMLEmulator, boto3_session: boto3.Session
) -> None:
    """The look-up may not see a dataset yet (the check here says "not found" once, as a list
    that lags would); the resend then gets ConflictException, and the look-up after it finds
    the dataset with this definition: the ARN is returned, once."""
    request = _request()
    looked: list[int] = []

    def happened() -> dict[str, str] | None:
        looked.append(1)
        if len(looked) == 1:
            return None
        found = crn.find_training_dataset("shoppers", boto3_session=boto3_session)
        return None if found is None else {"trainingDatasetArn": found["trainingDatasetArn"]}

    cleanrooms.drop_connection(operation=CREATE)
    out = _once.call_once(
        "create_training_dataset",
        request,
        happened=happened,
        what="creating training dataset 'shoppers'",
        advice="",
        boto3_session=boto3_session,
    )
    assert _creates(cleanrooms) == [(0, "dropped the connection after applying"), (409, None)]
    assert out["trainingDatasetArn"] in cleanrooms.datasets and len(cleanrooms.datasets) == 1


# ------------------------------------------------------------- the other calls that change


def test_tag_resource_dropped_after_applying_is_not_sent_again(
    cleanrooms: CleanRoomsMLEmulator, boto3_session: boto3.Session
) -> None:
    arn = crn.create_training_dataset(_request(), boto3_session=boto3_session)
    cleanrooms.drop_connection(operation="TagResource")
    crn.tag_training_dataset(arn, {"stage": "prod"}, boto3_session=boto3_session)
    assert cleanrooms.call_count("TagResource") == 1
    assert cleanrooms.datasets[arn]["tags"] == {"team": "ads", "stage": "prod"}


def test_untag_resource_500_before_applying_is_sent_again(
    cleanrooms: CleanRoomsMLEmulator, boto3_session: boto3.Session
) -> None:
    arn = crn.create_training_dataset(_request(), boto3_session=boto3_session)
    cleanrooms.inject_error("InternalServiceException", "oops", operation="UntagResource")
    crn.untag_training_dataset(arn, ["team"], boto3_session=boto3_session)
    assert [c.status for c in cleanrooms.calls if c.operation == "UntagResource"] == [500, 200]
    assert cleanrooms.datasets[arn]["tags"] == {}


def test_tag_resource_throttled_then_done(
    cleanrooms: CleanRoomsMLEmulator, boto3_session: boto3.Session
) -> None:
    arn = crn.create_training_dataset(_request(), boto3_session=boto3_session)
    cleanrooms.throttle(1, operation="TagResource")
    crn.tag_training_dataset(arn, {"stage": "prod"}, boto3_session=boto3_session)
    assert [c.status for c in cleanrooms.calls if c.operation == "TagResource"] == [429, 200]


def test_delete_500_after_applying_is_found_gone(
    cleanrooms: CleanRoomsMLEmulator, boto3_session: boto3.Session
) -> None:
    arn = crn.create_training_dataset(_request(), boto3_session=boto3_session)
    cleanrooms.inject_error(
        "InternalServiceException", "oops", operation="DeleteTrainingDataset", after_applying=True
    )
    crn.delete_training_dataset(arn, boto3_session=boto3_session)
    assert cleanrooms.call_count("DeleteTrainingDataset") == 1
    assert cleanrooms.datasets == {}


def test_delete_dropped_before_applying_is_sent_again(
    cleanrooms: CleanRoomsMLEmulator, boto3_session: boto3.Session
) -> None:
    arn = crn.create_training_dataset(_request(), boto3_session=boto3_session)
    cleanrooms.drop_connection(operation="DeleteTrainingDataset", after_applying=False)
    crn.delete_training_dataset(arn, boto3_session=boto3_session)
    assert [c.status for c in cleanrooms.calls if c.operation == "DeleteTrainingDataset"] == [
        0,
        200,
    ]
    assert cleanrooms.datasets == {}
