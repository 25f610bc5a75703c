"""create_training_dataset and its helpers, through the emulator over HTTP (botocore end to end).

Glue and STS are moto's server (the ``aws`` fixture, pulled in by ``cleanrooms``); Clean Rooms
ML is the emulator. Every error path goes through botocore's real serializer, retry handler and
error parser.
"""

from __future__ import annotations

import json
import socket
from typing import Any

import boto3
import pytest
from submit_helpers import ACCOUNT, CREATE, ROLE, _request

import cleanroom_nb as crn
from cleanroom_nb._findings import Findings
from cleanroom_nb.local.cleanroomsml import EXPIRED_SESSION_TOKEN, CleanRoomsMLEmulator
from cleanroom_nb.submit import _compare as _submit
from cleanroom_nb.submit import _once

pytestmark = pytest.mark.usefixtures("events_table")


def test_create_returns_arn_and_stores_the_request(
    cleanrooms: CleanRoomsMLEmulator, boto3_session: boto3.Session
) -> None:
    arn = crn.create_training_dataset(_request(), boto3_session=boto3_session)
    assert arn.startswith(f"arn:aws:cleanrooms-ml:us-east-1:{ACCOUNT}:training-dataset/")
    stored = cleanrooms.datasets[arn]
    assert stored["roleArn"] == ROLE and stored["tags"] == {"team": "ads"}
    assert stored["trainingData"] == _request()["trainingData"]
    # helpers
    got = crn.get_training_dataset(arn, boto3_session=boto3_session)
    assert got["name"] == "shoppers" and "ResponseMetadata" not in got
    view = got._repr_html_()
    assert "sales.events" in view and "user_id (USER_ID)" in view and "team=ads" in view
    listed = crn.list_training_datasets(boto3_session=boto3_session)
    assert arn in listed._repr_html_() and "ACTIVE" in listed._repr_html_()
    assert (
        crn.find_training_dataset("shoppers", boto3_session=boto3_session)["trainingDatasetArn"]
        == arn
    )
    assert crn.find_training_dataset("nope", boto3_session=boto3_session) is None
    crn.delete_training_dataset(arn, boto3_session=boto3_session)
    assert cleanrooms.datasets == {}
    with pytest.raises(crn.NotFoundError, match="not found"):
        crn.get_training_dataset(arn, boto3_session=boto3_session)
    with pytest.raises(crn.NotFoundError):
        crn.delete_training_dataset(arn, boto3_session=boto3_session)


def test_default_session_uses_environment(cleanrooms: CleanRoomsMLEmulator) -> None:
    arn = crn.create_training_dataset(_request())
    assert arn in cleanrooms.datasets


def test_invalid_request_is_refused_and_nothing_sent(
    cleanrooms: CleanRoomsMLEmulator, boto3_session: boto3.Session
) -> None:
    bad = _request(name="x" * 64, tags={"aws:owner": "me"})
    bad["trainingData"][0]["inputConfig"]["schema"][0]["columnName"] = "USER_ID"  # Glue: user_id
    with pytest.raises(crn.RequestInvalidError) as info:
        crn.create_training_dataset(bad, boto3_session=boto3_session)
    paths = {f.path for f in info.value.findings if f.level == "error"}
    assert paths == {"name", "tags.aws:owner"}  # the request's own checks: AWS not called yet
    assert "not sent" in str(info.value) and "validate_request(request, boto3_session" in str(
        info.value
    )
    assert cleanrooms.calls == []
    # fixed, the checks against AWS run and find the column Glue names differently
    good = dict(bad, name="x", tags={"owner": "me"})
    with pytest.raises(crn.RequestInvalidError) as info:
        crn.create_training_dataset(good, boto3_session=boto3_session)
    codes = {(f.path, f.code) for f in info.value.findings.errors}
    assert ("trainingData[0].inputConfig.schema[0].columnName", "column_case") in codes
    assert cleanrooms.call_count(CREATE) == 0


def test_malformed_request_is_refused_before_any_network_call(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Issue 16, point 7: ``create_training_dataset({"name": "x"})`` names the missing fields.
    No endpoint is reachable and every socket connect is recorded: there is none."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{s.getsockname()[1]}"
    monkeypatch.setenv("AWS_ENDPOINT_URL", closed)
    connects: list[Any] = []

    def refuse(self: socket.socket, address: Any) -> None:
        connects.append(address)
        raise ConnectionRefusedError(address)

    monkeypatch.setattr(socket.socket, "connect", refuse)
    with pytest.raises(crn.RequestInvalidError) as info:
        crn.create_training_dataset({"name": "x"})
    missing = {f.path for f in info.value.findings.errors if f.code == "required"}
    assert missing == {"roleArn", "trainingData"}
    assert "roleArn is required" in str(info.value)
    assert connects == []


def test_list_helper_reads_every_page(
    cleanrooms: CleanRoomsMLEmulator, boto3_session: boto3.Session
) -> None:
    cleanrooms.default_page_size = 2
    try:
        arns = [
            crn.create_training_dataset(_request(name=f"ds{i}"), boto3_session=boto3_session)
            for i in range(5)
        ]
        listed = crn.list_training_datasets(boto3_session=boto3_session)
        assert [d["trainingDatasetArn"] for d in listed] == arns
        assert cleanrooms.call_count("ListTrainingDatasets") == 3
        # find pages through too: the last one is on the third page
        assert (
            crn.find_training_dataset("ds4", boto3_session=boto3_session)["trainingDatasetArn"]
            == arns[4]
        )
    finally:
        cleanrooms.default_page_size = 100


# --------------------------------------------------------------------------- conflicts


def test_conflict_with_equal_definition(
    cleanrooms: CleanRoomsMLEmulator, boto3_session: boto3.Session
) -> None:
    arn = crn.create_training_dataset(_request(), boto3_session=boto3_session)
    # same definition, columns in another order: still equal
    again = _request()
    again["trainingData"][0]["inputConfig"]["schema"].reverse()
    with pytest.raises(crn.TrainingDatasetExistsError) as info:
        crn.create_training_dataset(again, boto3_session=boto3_session)
    err = info.value
    assert err.existing_arn == arn and err.same_definition is True
    assert arn in str(err) and "equals" in str(err) and "if_exists='reuse'" in str(err)
    assert err.code == "ConflictException"
    assert crn.create_training_dataset(again, if_exists="reuse", boto3_session=boto3_session) == arn
    assert cleanrooms.call_count(CREATE) == 3  # one call per invocation, never more
    assert len(cleanrooms.datasets) == 1


def test_conflict_with_different_definition(
    cleanrooms: CleanRoomsMLEmulator, boto3_session: boto3.Session
) -> None:
    arn = crn.create_training_dataset(_request(), boto3_session=boto3_session)
    other = _request(
        tags={"team": "ml"},
        description="other",
        schema=[
            {"columnName": "user_id", "columnTypes": ["USER_ID"]},
            {"columnName": "item_id", "columnTypes": ["ITEM_ID"]},
            {"columnName": "ts", "columnTypes": ["TIMESTAMP"]},
        ],
    )
    for mode in ("error", "reuse"):
        with pytest.raises(crn.TrainingDatasetExistsError) as info:
            crn.create_training_dataset(other, if_exists=mode, boto3_session=boto3_session)  # type: ignore[arg-type]
        err = info.value
        assert err.existing_arn == arn and err.same_definition is False
        text = str(err)
        assert "differs" in text and "tags" in text and "description" in text
        assert "columns only in the existing dataset: price" in text
        assert "delete_training_dataset" in text


def test_definition_differences_role_and_types() -> None:
    a = _request()
    b = _request(role_arn=f"arn:aws:iam::{ACCOUNT}:role/cleanrooms-ml-other")
    b["trainingData"][0]["inputConfig"]["schema"][3]["columnTypes"] = ["CATEGORICAL_FEATURE"]
    diffs = _submit.definition_differences(a, b)
    assert any(d.startswith("roleArn") for d in diffs)
    assert any("column price" in d and "CATEGORICAL_FEATURE" in d for d in diffs)
    assert _submit.definition_differences(a, dict(a, tags=None, description="test data")) == [
        "tags: the existing dataset has {'team': 'ads'}, this request has none"
    ]


def test_if_exists_must_be_known(boto3_session: boto3.Session) -> None:
    with pytest.raises(ValueError, match="if_exists"):
        crn.create_training_dataset(_request(), if_exists="replace", boto3_session=boto3_session)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- service errors


def test_service_validation_error_passes_the_message_on(
    cleanrooms: CleanRoomsMLEmulator,
    boto3_session: boto3.Session,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import cleanroom_nb.submit._create as request_module

    # Bypass our own validator to prove the emulator (like AWS) rejects it, and that we pass
    # the service's words on.
    monkeypatch.setattr(request_module, "validate_request", lambda *a, **k: Findings())
    bad = _request(description="d" * 256)
    with pytest.raises(crn.ServiceValidationError) as info:
        crn.create_training_dataset(bad, boto3_session=boto3_session)
    assert "Value at 'description' failed to satisfy constraint" in str(info.value)
    assert info.value.code == "ValidationException"
    assert isinstance(info.value, ValueError)
    assert cleanrooms.call_count(CREATE) == 1


def test_access_denied_without_pass_role(
    cleanrooms: CleanRoomsMLEmulator, boto3_session: boto3.Session
) -> None:
    """The emulator refuses the role as when the caller lacks iam:PassRole; the explanation
    names the managed policy's role/cleanrooms-ml* (matched on path and name, issue 12 point 1)
    and cleanrooms-ml:TagResource because the request has tags (Service Authorization
    Reference for Clean Rooms ML, CreateTrainingDataset; issue 12 point 3)."""
    iam = boto3_session.client("iam")
    iam.create_role(
        RoleName="my-reader",
        AssumeRolePolicyDocument=json.dumps(crn.trust_policy(ACCOUNT, "us-east-1")),
    )
    policy = crn.permissions_policy(
        "sales", "events", "s3://bucket/events/", region="us-east-1", account_id=ACCOUNT
    )
    iam.put_role_policy(RoleName="my-reader", PolicyName="p", PolicyDocument=json.dumps(policy))
    role = f"arn:aws:iam::{ACCOUNT}:role/my-reader"
    cleanrooms.deny_pass_role(role)
    with pytest.raises(crn.AccessDeniedError) as info:
        crn.create_training_dataset(_request(role_arn=role), boto3_session=boto3_session)
    text = str(info.value)
    assert "iam:PassRole" in text and "AWSCleanRoomsMLFullAccess" in text
    assert "role/my-reader" in text  # the path and name the managed policy will not pass
    assert "cleanrooms-ml:TagResource" in text  # the request has tags
    assert "cleanrooms-ml.amazonaws.com" in text and "same" not in text.split("Check")[0]
    assert info.value.code == "AccessDeniedException"
    assert cleanrooms.call_count(CREATE) == 1


def test_access_denied_for_role_of_another_account(
    cleanrooms: CleanRoomsMLEmulator, boto3_session: boto3.Session
) -> None:
    # The emulator believes the caller is in another account than STS says: the service
    # refuses the role as it refuses a role of another account.
    cleanrooms.account_id = "210987654321"
    try:
        with pytest.raises(crn.AccessDeniedError) as info:
            crn.create_training_dataset(_request(), boto3_session=boto3_session)
    finally:
        cleanrooms.account_id = ACCOUNT
    text = str(info.value)
    assert "Cross-account" in text and "the role is in your own account" in text


def test_create_time_checks_are_said_the_same_everywhere(
    cleanrooms: CleanRoomsMLEmulator,
    boto3_session: boto3.Session,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Issue 16, point 6. AWS checks at create time only the caller's permissions
    (CreateTrainingDataset, TagResource with tags, PassRole) and that the role is in the
    caller's account (API reference: "Passing a role across AWS accounts is not allowed");
    the trust policy and the data are used only when an audience model trains (CloudFormation:
    "metadata that points to a Glue table, which is read only during AudienceModel creation").
    The AccessDenied advice, the README and the emulator say exactly that."""
    from pathlib import Path

    import cleanroom_nb.submit._create as create_module
    from cleanroom_nb.aws._service_role import CREATE_TIME_CHECKS

    # the emulator does not read the trust policy: a role Clean Rooms ML could not assume is
    # created (only validate_request, bypassed here, catches it before sending)
    trust = crn.trust_policy()
    trust["Statement"][0]["Principal"]["Service"] = "cleanrooms.amazonaws.com"
    boto3_session.client("iam").update_assume_role_policy(
        RoleName="cleanrooms-ml-reader", PolicyDocument=json.dumps(trust)
    )
    monkeypatch.setattr(create_module, "validate_request", lambda *a, **k: Findings())
    assert crn.create_training_dataset(_request(), boto3_session=boto3_session) in (
        cleanrooms.datasets
    )
    # the advice on AccessDenied lists the create-time checks, and nothing about trust
    cleanrooms.deny_pass_role(ROLE)
    with pytest.raises(crn.AccessDeniedError) as info:
        crn.create_training_dataset(_request("other"), boto3_session=boto3_session)
    advice = str(info.value).split("AWS checks only these", 1)[1]
    for check in CREATE_TIME_CHECKS:
        assert check in advice
    assert "trust" not in advice.split("audience model trains")[1]
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    for check in CREATE_TIME_CHECKS:
        assert check in readme.replace("\n", " "), check


def test_role_the_service_cannot_assume_is_caught_before_sending(
    cleanrooms: CleanRoomsMLEmulator, boto3_session: boto3.Session
) -> None:
    """Issue 12, point 7. AWS does not read the trust policy at create time (the dataset is
    metadata read "only during AudienceModel creation", API reference), and neither does the
    emulator. validate_request runs check_role, so a role Clean Rooms ML could not assume is
    refused before anything is sent."""
    trust = crn.trust_policy()
    trust["Statement"][0]["Principal"]["Service"] = "cleanrooms.amazonaws.com"
    boto3_session.client("iam").update_assume_role_policy(
        RoleName="cleanrooms-ml-reader", PolicyDocument=json.dumps(trust)
    )
    with pytest.raises(crn.RequestInvalidError) as info:
        crn.create_training_dataset(_request(), boto3_session=boto3_session)
    assert "wrong_trust_principal" in {f.code for f in info.value.findings.errors}
    assert cleanrooms.call_count(CREATE) == 0
    crn.create_role(
        "reader",
        database="sales",
        table="events",
        s3_location="s3://bucket/events/",
        if_exists="update",
        boto3_session=boto3_session,
    )
    assert crn.create_training_dataset(_request(), boto3_session=boto3_session).startswith("arn:")


def test_role_of_another_account_is_caught_before_sending(
    cleanrooms: CleanRoomsMLEmulator, boto3_session: boto3.Session
) -> None:
    with pytest.raises(crn.RequestInvalidError) as info:
        crn.create_training_dataset(
            _request(role_arn="arn:aws:iam::210987654321:role/cleanrooms-ml-x"),
            boto3_session=boto3_session,
        )
    assert any(f.path == "roleArn" for f in info.value.findings.errors)
    assert cleanrooms.call_count(CREATE) == 0


def test_throttling_is_retried_with_backoff_then_succeeds(
    cleanrooms: CleanRoomsMLEmulator, boto3_session: boto3.Session, backoff: list[float]
) -> None:
    cleanrooms.throttle(3, operation=CREATE)
    arn = crn.create_training_dataset(_request(), boto3_session=boto3_session)
    assert arn in cleanrooms.datasets
    assert [c.status for c in cleanrooms.calls if c.operation == CREATE] == [429, 429, 429, 200]
    # full jitter under caps of 1, 2 and 4 s (the library's backoff, not botocore's)
    caps = [_once.POLICY.cap(n) for n in (1, 2, 3)]
    assert len(backoff) == 3 and all(0 <= w <= c for w, c in zip(backoff, caps, strict=True))
    assert caps == [1.0, 2.0, 4.0]


def test_persistent_throttling_raises_throttled_error(
    cleanrooms: CleanRoomsMLEmulator, boto3_session: boto3.Session
) -> None:
    cleanrooms.throttle(100, operation=CREATE)
    with pytest.raises(crn.ThrottledError) as info:
        crn.create_training_dataset(_request(), boto3_session=boto3_session)
    assert cleanrooms.call_count(CREATE) == _once.POLICY.max_attempts == 6
    assert "6 attempts" in str(info.value) and "nothing was changed" in str(info.value)
    assert cleanrooms.datasets == {}


def test_unreachable_endpoint(
    cleanrooms: CleanRoomsMLEmulator,
    boto3_session: boto3.Session,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("AWS_ENDPOINT_URL_CLEANROOMSML", f"http://127.0.0.1:{port}")
    with pytest.raises(crn.EndpointUnreachableError) as info:
        crn.create_training_dataset(_request(), boto3_session=boto3_session)
    assert str(port) in str(info.value) and "AWS_ENDPOINT_URL" in str(info.value)
    assert "6 attempts" in str(info.value) and "never reached the service" in str(info.value)


def test_read_timeouts_are_checked_by_name_before_each_resend(
    cleanrooms: CleanRoomsMLEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A read timeout may hide a dataset that was created: before each resend the library looks
    the name up (ListTrainingDatasets); here nothing was created, so after the attempts it says
    so and names how to check."""
    import botocore.exceptions

    sent: list[int] = []

    def time_out(request: Any, **_: Any) -> None:
        sent.append(1)
        raise botocore.exceptions.ReadTimeoutError(endpoint_url=request.url)

    session = boto3.Session(
        aws_access_key_id="testing", aws_secret_access_key="testing", region_name="us-east-1"
    )
    session.events.register("before-send.cleanroomsml.CreateTrainingDataset", time_out)
    with pytest.raises(crn.OutcomeUnknownError) as info:
        crn.create_training_dataset(_request(), boto3_session=session)
    assert len(sent) == _once.POLICY.max_attempts
    names = [c.operation for c in cleanrooms.calls if c.operation != "GetTrainingDataset"]
    assert names == ["ListTrainingDatasets"] * len(sent)  # one look-up after each attempt
    assert "find_training_dataset('shoppers')" in str(info.value)


def test_when_the_look_up_fails_the_create_is_not_sent_again(
    cleanrooms: CleanRoomsMLEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    import botocore.exceptions

    sent: list[int] = []

    def time_out(request: Any, **_: Any) -> None:
        sent.append(1)
        raise botocore.exceptions.ReadTimeoutError(endpoint_url=request.url)

    session = boto3.Session(
        aws_access_key_id="testing", aws_secret_access_key="testing", region_name="us-east-1"
    )
    session.events.register("before-send.cleanroomsml.CreateTrainingDataset", time_out)
    cleanrooms.inject_error("AccessDeniedException", "no", operation="ListTrainingDatasets")
    with pytest.raises(crn.OutcomeUnknownError) as info:
        crn.create_training_dataset(_request(), boto3_session=session)
    assert sent == [1]
    text = str(info.value)
    assert "may have reached the service" in text and "It was not sent again" in text
    assert "find_training_dataset('shoppers')" in text and "if_exists='reuse'" in text


def test_no_credentials(cleanrooms: CleanRoomsMLEmulator, monkeypatch: pytest.MonkeyPatch) -> None:
    for var in (
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_SECURITY_TOKEN",
    ):
        monkeypatch.delenv(var, raising=False)
    with pytest.raises(crn.CredentialsError) as info:
        crn.create_training_dataset(
            _request(), boto3_session=boto3.Session(region_name="us-east-1")
        )
    assert "credentials" in str(info.value) and "aws sso login" in str(info.value)
    assert cleanrooms.call_count(CREATE) == 0


def test_expired_credentials(cleanrooms: CleanRoomsMLEmulator) -> None:
    session = boto3.Session(
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        aws_session_token=EXPIRED_SESSION_TOKEN,
        region_name="us-east-1",
    )
    with pytest.raises(crn.CredentialsError) as info:
        crn.create_training_dataset(_request(), boto3_session=session)
    assert info.value.code == "ExpiredTokenException"
    assert "Refresh" in str(info.value)
    assert cleanrooms.call_count(CREATE) == 1


# --------------------------------------------------------------------------- wait


def test_wait_until_active(cleanrooms: CleanRoomsMLEmulator, boto3_session: boto3.Session) -> None:
    """TrainingDatasetStatus is ACTIVE only (botocore's model, CloudFormation schema): the
    dataset is ACTIVE at the first poll (issue 12, point 6)."""
    arn = crn.create_training_dataset(
        _request(), wait=True, poll_interval=0.05, timeout=10, boto3_session=boto3_session
    )
    assert crn.get_training_dataset(arn, boto3_session=boto3_session)["status"] == "ACTIVE"
    assert cleanrooms.call_count("GetTrainingDataset") == 2  # one poll, one get above


def test_wait_shows_a_status_the_model_does_not_list(
    cleanrooms: CleanRoomsMLEmulator, boto3_session: boto3.Session
) -> None:
    """Issue 12, point 6: the allowed statuses are read from botocore's model at run time
    (``TrainingDatasetStatus``: ACTIVE); any other status is an error that shows it, at once."""
    from cleanroom_nb.submit._wait import wait_until_active

    arn = crn.create_training_dataset(_request(), boto3_session=boto3_session)
    cleanrooms.set_status(arn, "CREATE_PENDING")
    with pytest.raises(crn.AwsError) as info:
        wait_until_active(arn, timeout=30, poll_interval=0.05, boto3_session=boto3_session)
    assert "'CREATE_PENDING'" in str(info.value) and "lists ACTIVE" in str(info.value)
    assert not isinstance(info.value, crn.WaitTimeoutError)
    assert cleanrooms.call_count("GetTrainingDataset") == 1


def test_wait_timeout_for_a_status_a_newer_model_lists(
    cleanrooms: CleanRoomsMLEmulator, boto3_session: boto3.Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 12, point 6: a status that the model lists (as a newer model might) is waited out
    until the timeout. The newer model is simulated by the list the model would give."""
    from cleanroom_nb.submit import _wait

    monkeypatch.setattr(_wait, "allowed_statuses", lambda: ("CREATING", "ACTIVE"))
    arn = crn.create_training_dataset(_request(), boto3_session=boto3_session)
    cleanrooms.set_status(arn, "CREATING")
    with pytest.raises(crn.WaitTimeoutError) as info:
        _wait.wait_until_active(arn, poll_interval=0.05, timeout=0.2, boto3_session=boto3_session)
    assert "CREATING" in str(info.value) and "do not create it again" in str(info.value)
    assert len(cleanrooms.datasets) == 1 and cleanrooms.call_count(CREATE) == 1


def test_reuse_then_wait(cleanrooms: CleanRoomsMLEmulator, boto3_session: boto3.Session) -> None:
    arn = crn.create_training_dataset(_request(), boto3_session=boto3_session)
    assert (
        crn.create_training_dataset(
            _request(), wait=True, if_exists="reuse", boto3_session=boto3_session
        )
        == arn
    )
