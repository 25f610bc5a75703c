"""Issue 16, point 1, for the audience calls: one request per change, over the wire.

Every call that changes an audience model or a configured audience model (CreateAudienceModel,
CreateConfiguredAudienceModel, UpdateConfiguredAudienceModel, DeleteAudienceModel,
DeleteConfiguredAudienceModel, TagResource, UntagResource) meets the emulator's faults
(:mod:`cleanroom_nb.local.cleanroomsml._faults`): a 429 ThrottlingException, a 500
InternalServiceException before or after the request was applied, a connection dropped before
or after the request was applied. The calls go through the audience seam
(:mod:`cleanroom_nb.audience._send`) into the library's one rule
(:func:`cleanroom_nb.submit._once.call_once`) with botocore's retries off, so the counts below
are the library's alone. CI runs this file on the newest botocore and, in the floor venv
(``scripts/test-floor.sh``), on botocore 1.34.0.

Sources: the API reference lists ThrottlingException (HTTP 429) and InternalServerException /
InternalServiceException (HTTP 500) for each of these operations; a dropped connection is what
botocore reports as ``ConnectionClosedError``. Tag replacement swaps 50 tags for 50 others next
to an ``aws:`` tag, so it only works untag-first and with ``aws:`` keys left alone (TagResource
API reference: "You cannot edit or delete tag keys with this prefix ... Tags with only the key
prefix of aws do not count against your tags per resource limit").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import boto3
import botocore
import pytest

import cleanroom_nb as crn
from cleanroom_nb.local.cleanroomsml import CleanRoomsMLEmulator
from cleanroom_nb.submit import _once

OUT = "s3://segments/out/"
OLD = {f"old-{i:02d}": "1" for i in range(50)}
NEW = {f"new-{i:02d}": "2" for i in range(50)}
AWS_TAG = {"aws:cloudformation:stack-name": "segments"}

LOOKUP = {
    "CreateAudienceModel": "ListAudienceModels",
    "CreateConfiguredAudienceModel": "ListConfiguredAudienceModels",
    "UpdateConfiguredAudienceModel": "GetConfiguredAudienceModel",
    "DeleteAudienceModel": "GetAudienceModel",
    "DeleteConfiguredAudienceModel": "GetConfiguredAudienceModel",
    "TagResource": "ListTagsForResource",
    "UntagResource": "ListTagsForResource",
}
"""The read with which the library finds out whether a request that may have reached the
service took effect (the seam's CHECKS)."""
OPERATIONS = list(LOOKUP)


@dataclass
class World:
    """The session, the emulator, a training dataset and an output role; ``arns`` holds what a
    case's setup made (``model``, ``configured``)."""

    session: boto3.Session
    emu: CleanRoomsMLEmulator
    dataset: str
    role: str
    arns: dict[str, str]


@pytest.fixture
def world(cleanrooms: CleanRoomsMLEmulator, boto3_session: boto3.Session) -> World:
    boto3_session.client("s3").create_bucket(Bucket="segments")
    dataset = boto3_session.client("cleanroomsml").create_training_dataset(
        name="ds",
        roleArn="arn:aws:iam::123456789012:role/cleanrooms-ml-reader",
        trainingData=[
            {
                "type": "INTERACTIONS",
                "inputConfig": {
                    "schema": [{"columnName": "u", "columnTypes": ["USER_ID"]}],
                    "dataSource": {"glueDataSource": {"databaseName": "d", "tableName": "t"}},
                },
            }
        ],
    )["trainingDatasetArn"]
    role = crn.create_output_role("segments", output_s3_uri=OUT, boto3_session=boto3_session)
    return World(boto3_session, cleanrooms, dataset, role, {})


def _model(w: World, name: str = "m") -> str:
    return crn.create_audience_model(
        w.dataset, name, training_data_start_time="2024-01-01", check_data=False,
        progress=False, boto3_session=w.session,
    )  # fmt: skip


def _configured(w: World, **kwargs: Any) -> str:
    return crn.create_configured_audience_model(
        w.arns["model"], kwargs.pop("name", "c"), output_s3_uri=OUT, role_arn=w.role,
        boto3_session=w.session, **kwargs,
    )  # fmt: skip


def _setup_model(w: World) -> None:
    w.arns["model"] = _model(w)


def _setup_configured(w: World) -> None:
    _setup_model(w)
    w.arns["configured"] = _configured(w)


def _setup_tagged(w: World) -> None:
    _setup_model(w)
    w.arns["configured"] = _configured(w, tags=OLD)
    w.emu.add_aws_tags(w.arns["configured"], AWS_TAG)


def _swap_tags(w: World) -> str:
    with pytest.warns(crn.TagsUpdatedWarning):
        return _configured(w, tags=NEW, if_exists="reuse")


def _delete_model(w: World) -> None:
    crn.delete_audience_model(w.arns["model"], boto3_session=w.session)


def _tags(w: World) -> dict[str, str]:
    return dict(w.emu.configured_audience_models[w.arns["configured"]]["tags"])


@dataclass(frozen=True)
class Case:
    """How to get to a state where ``act`` sends the operation once, and what it must leave."""

    setup: Callable[[World], None]
    act: Callable[[World], Any]
    done: Callable[[World, Any], bool]


CASES = {
    "CreateAudienceModel": Case(
        lambda w: None, _model, lambda w, arn: list(w.emu.audience_models) == [arn]
    ),
    "CreateConfiguredAudienceModel": Case(
        _setup_model,
        _configured,
        lambda w, arn: list(w.emu.configured_audience_models) == [arn],
    ),
    "UpdateConfiguredAudienceModel": Case(
        _setup_configured,
        lambda w: crn.update_configured_audience_model(
            w.arns["configured"], min_matching_seed_size=100, boto3_session=w.session
        ),
        lambda w, _: (
            w.emu.configured_audience_models[w.arns["configured"]]["minMatchingSeedSize"] == 100
        ),
    ),
    "DeleteAudienceModel": Case(
        _setup_model, _delete_model, lambda w, _: w.emu.audience_models == {}
    ),
    "DeleteConfiguredAudienceModel": Case(
        _setup_configured,
        lambda w: crn.delete_configured_audience_model(
            w.arns["configured"], boto3_session=w.session
        ),
        lambda w, _: w.emu.configured_audience_models == {},
    ),
    "TagResource": Case(_setup_tagged, _swap_tags, lambda w, _: _tags(w) == {**NEW, **AWS_TAG}),
    "UntagResource": Case(_setup_tagged, _swap_tags, lambda w, _: _tags(w) == {**NEW, **AWS_TAG}),
}


def _run(w: World, operation: str) -> tuple[int, Any]:
    """Set the case up; return the index of the emulator's first call of the act, and the act."""
    CASES[operation].setup(w)
    return len(w.emu.calls), CASES[operation].act


def _sent(w: World, operation: str, mark: int) -> list[tuple[int, str | None]]:
    """(HTTP status, fault) of each request of ``operation`` since ``mark`` (0: dropped)."""
    return [(c.status, c.fault) for c in w.emu.calls[mark:] if c.operation == operation]


def _after_each(w: World, operation: str, mark: int) -> list[list[str]]:
    """For each request of ``operation`` since ``mark``: the operations that followed it, up to
    the next request of ``operation`` (or the end)."""
    out: list[list[str]] = []
    for call in w.emu.calls[mark:]:
        if call.operation == operation:
            out.append([])
        elif out:
            out[-1].append(call.operation)
    return out


def test_the_installed_botocore_is_used() -> None:
    """These tests run with whatever botocore this venv holds (the floor venv in CI holds
    1.34.0): print it so a CI log shows which one ran."""
    print(f"botocore {botocore.__version__}")
    assert botocore.__version__


@pytest.mark.parametrize("operation", OPERATIONS)
def test_one_request_each(world: World, operation: str) -> None:
    mark, act = _run(world, operation)
    result = act(world)
    assert _sent(world, operation, mark) == [(200, None)]
    assert CASES[operation].done(world, result)


@pytest.mark.parametrize("operation", OPERATIONS)
def test_429_is_sent_again_after_a_backoff_without_looking(
    world: World, operation: str, backoff: list[float]
) -> None:
    mark, act = _run(world, operation)
    world.emu.throttle(2, operation=operation)
    result = act(world)
    throttled = (429, "answered ThrottlingException before applying")
    assert _sent(world, operation, mark) == [throttled, throttled, (200, None)]
    # a refusal is not a maybe: nothing is looked up between the attempts, it waits instead
    assert _after_each(world, operation, mark)[:2] == [[], []]
    assert len(backoff) == 2
    assert CASES[operation].done(world, result)


@pytest.mark.parametrize("operation", OPERATIONS)
def test_500_before_applying_is_looked_up_then_sent_again(world: World, operation: str) -> None:
    mark, act = _run(world, operation)
    world.emu.inject_error("InternalServiceException", "oops", operation=operation)
    result = act(world)
    assert _sent(world, operation, mark) == [
        (500, "answered InternalServiceException before applying"),
        (200, None),
    ]
    assert _after_each(world, operation, mark)[0] == [LOOKUP[operation]]
    assert CASES[operation].done(world, result)


@pytest.mark.parametrize("operation", OPERATIONS)
def test_500_after_applying_is_found_and_not_sent_again(world: World, operation: str) -> None:
    mark, act = _run(world, operation)
    world.emu.inject_error(
        "InternalServiceException", "oops", operation=operation, after_applying=True
    )
    result = act(world)
    assert _sent(world, operation, mark) == [
        (500, "answered InternalServiceException after applying")
    ]
    assert _after_each(world, operation, mark)[0][:1] == [LOOKUP[operation]]
    assert CASES[operation].done(world, result)


@pytest.mark.parametrize("operation", OPERATIONS)
def test_dropped_connection_after_applying_is_found_and_not_sent_again(
    world: World, operation: str
) -> None:
    """The request arrived and was applied, then the connection closed without an answer
    (botocore: ConnectionClosedError): the look-up finds it done; one request in all."""
    mark, act = _run(world, operation)
    world.emu.drop_connection(operation=operation)
    result = act(world)
    assert _sent(world, operation, mark) == [(0, "dropped the connection after applying")]
    assert _after_each(world, operation, mark)[0][:1] == [LOOKUP[operation]]
    assert CASES[operation].done(world, result)


@pytest.mark.parametrize("operation", OPERATIONS)
def test_dropped_connection_before_applying_is_sent_again_after_a_look_up(
    world: World, operation: str
) -> None:
    mark, act = _run(world, operation)
    world.emu.drop_connection(operation=operation, after_applying=False)
    result = act(world)
    assert _sent(world, operation, mark) == [
        (0, "dropped the connection before applying"),
        (200, None),
    ]
    assert _after_each(world, operation, mark)[0] == [LOOKUP[operation]]
    assert CASES[operation].done(world, result)


@pytest.mark.parametrize(
    ("operation", "advice"),
    [
        ("DeleteAudienceModel", "get_audience_model"),
        ("UpdateConfiguredAudienceModel", "get_configured_audience_model"),
    ],
)
def test_dropped_connection_and_no_look_up_stops(world: World, operation: str, advice: str) -> None:
    """Applied, the answer lost, and the look-up refused: the outcome cannot be known, so
    nothing more is sent and the error says where to look."""
    mark, act = _run(world, operation)
    world.emu.drop_connection(operation=operation)
    world.emu.inject_error("AccessDeniedException", "no", operation=LOOKUP[operation])
    with pytest.raises(crn.OutcomeUnknownError, match=advice) as info:
        act(world)
    assert "It was not sent again" in str(info.value)
    assert _sent(world, operation, mark) == [(0, "dropped the connection after applying")]
    assert CASES[operation].done(world, None)  # it was applied: the error said to look


def test_persistent_500_is_never_sent_blindly(world: World) -> None:
    operation = "CreateAudienceModel"
    mark, act = _run(world, operation)
    world.emu.inject_error("InternalServiceException", "oops", operation=operation, count=100)
    with pytest.raises(crn.AwsError, match="InternalServiceException"):
        act(world)
    assert len(_sent(world, operation, mark)) == _once.POLICY.max_attempts
    assert all(after[:1] == [LOOKUP[operation]] for after in _after_each(world, operation, mark))
    assert world.emu.audience_models == {}
