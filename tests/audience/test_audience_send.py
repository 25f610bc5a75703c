"""The one seam for requests that change something: sent once, checked by name when unclear.

Failures are made where they happen for real: in botocore's own event chain around a real
request to the emulator. ``before-send`` raising a connection error is a request that never
left; ``after-call`` raising a read timeout is a request the service carried out whose answer
was lost. botocore's retries are off on the seam's client (``total_max_attempts``, in botocore's
``Config`` since before 1.34.0, the oldest version pyproject allows).
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import boto3
import botocore.exceptions
import pytest
from audience_helpers import Shop

import cleanroom_nb as crn
from cleanroom_nb.audience import _send

AUDIENCE = Path(crn.__file__).parent / "audience"


def _fail(session: boto3.Session, event: str, exc: BaseException, times: int = 1) -> list[int]:
    """Raise ``exc`` from botocore event ``event`` the next ``times`` times; count them."""
    raised = [0]

    def handler(**_: Any) -> None:
        if raised[0] < times:
            raised[0] += 1
            raise exc

    session.events.register(event, handler)
    return raised


def _model(shop: Shop, name: str = "m") -> str:
    return crn.create_audience_model(
        shop.dataset_arn, name, df=shop.df, progress=False, boto3_session=shop.session
    )


def test_the_seam_client_makes_one_attempt(shop: Shop) -> None:
    client = _send.client(shop.session)
    assert client.meta.config.retries["total_max_attempts"] == 1


def test_not_sent_is_sent_again(shop: Shop) -> None:
    """A connection never made: the service saw nothing, so the request is sent again."""
    refused = botocore.exceptions.EndpointConnectionError(endpoint_url="http://x")
    raised = _fail(shop.session, "before-send.cleanroomsml.CreateAudienceModel", refused, 2)
    arn = _model(shop)
    assert raised[0] == 2
    assert shop.emulator.call_count("CreateAudienceModel") == 1
    assert list(shop.emulator.audience_models) == [arn]


def test_throttled_is_sent_again(shop: Shop) -> None:
    shop.emulator.throttle(2, operation="CreateAudienceModel")
    arn = _model(shop)
    assert shop.emulator.call_count("CreateAudienceModel") == 3
    assert list(shop.emulator.audience_models) == [arn]


def test_answer_lost_after_the_model_was_created_is_not_sent_again(shop: Shop) -> None:
    """The service created the model, then the answer was lost: the check by name finds it,
    and the request is not sent a second time (no second training)."""
    lost = botocore.exceptions.ReadTimeoutError(endpoint_url="http://x")
    raised = _fail(shop.session, "after-call.cleanroomsml.CreateAudienceModel", lost)
    arn = _model(shop)
    assert raised[0] == 1
    assert shop.emulator.call_count("CreateAudienceModel") == 1
    assert list(shop.emulator.audience_models) == [arn]


def test_unclear_and_not_done_is_sent_again(shop: Shop) -> None:
    """A 5xx answer: the check finds no model of that name, so it is sent again, once."""
    shop.emulator.inject_error(
        "InternalServerException", "oops", status=500, operation="CreateAudienceModel"
    )
    arn = _model(shop)
    assert shop.emulator.call_count("CreateAudienceModel") == 2
    assert list(shop.emulator.audience_models) == [arn]


def test_unclear_and_unknowable_is_not_sent_again(shop: Shop) -> None:
    """The answer was lost and the check cannot tell (listing is refused): the request is not
    sent again, and the error says to look before running again."""
    lost = botocore.exceptions.ReadTimeoutError(endpoint_url="http://x")
    _fail(shop.session, "after-call.cleanroomsml.CreateAudienceModel", lost)
    shop.emulator.inject_error("AccessDeniedException", "no", operation="ListAudienceModels")
    with pytest.raises(crn.OutcomeUnknownError, match="It was not sent again"):
        _create_after_name_check(shop)
    assert shop.emulator.call_count("CreateAudienceModel") == 1


def _create_after_name_check(shop: Shop) -> str:
    """Send CreateAudienceModel through the seam directly (the name check is the library's)."""
    request = {"name": "direct", "trainingDatasetArn": shop.dataset_arn}
    return str(
        _send.send("CreateAudienceModel", request, what="test", boto3_session=shop.session)[
            "audienceModelArn"
        ]
    )


def test_other_errors_are_raised_at_once(shop: Shop) -> None:
    shop.emulator.inject_error("ValidationException", "bad", operation="CreateAudienceModel")
    with pytest.raises(botocore.exceptions.ClientError, match="bad"):
        _create_after_name_check(shop)
    assert shop.emulator.call_count("CreateAudienceModel") == 1


@pytest.mark.parametrize(
    "operation",
    [
        "UpdateConfiguredAudienceModel",
        "DeleteConfiguredAudienceModel",
        "DeleteAudienceModel",
        "TagResource",
        "UntagResource",
        "CreateConfiguredAudienceModel",
    ],
)
def test_every_operation_knows_whether_it_took_effect(
    shop: Shop, model_arn: str, operation: str
) -> None:
    """For each operation: the service did it, the answer was lost, the check says so, and
    nothing is sent twice."""
    role = crn.create_output_role(
        "seg", output_s3_uri="s3://segments/x/", boto3_session=shop.session
    )
    carn = crn.create_configured_audience_model(
        model_arn, "c", output_s3_uri="s3://segments/x/", role_arn=role,
        tags={"old": "1"}, boto3_session=shop.session,
    )  # fmt: skip
    event = f"after-call.cleanroomsml.{operation}"
    _fail(shop.session, event, botocore.exceptions.ConnectionClosedError(endpoint_url="http://x"))
    before = shop.emulator.call_count(operation)
    if operation == "UpdateConfiguredAudienceModel":
        crn.update_configured_audience_model(
            carn, min_matching_seed_size=100, boto3_session=shop.session
        )
    elif operation == "DeleteConfiguredAudienceModel":
        crn.delete_configured_audience_model(carn, boto3_session=shop.session)
    elif operation == "DeleteAudienceModel":
        crn.delete_configured_audience_model(carn, boto3_session=shop.session)
        crn.delete_audience_model(model_arn, boto3_session=shop.session)
    elif operation in ("TagResource", "UntagResource"):
        with pytest.warns(crn.TagsUpdatedWarning):
            crn.create_configured_audience_model(
                model_arn, "c", output_s3_uri="s3://segments/x/", role_arn=role,
                tags={"new": "2"}, if_exists="reuse", boto3_session=shop.session,
            )  # fmt: skip
    else:
        crn.create_configured_audience_model(
            model_arn, "c2", output_s3_uri="s3://segments/x/", role_arn=role,
            boto3_session=shop.session,
        )  # fmt: skip
    assert shop.emulator.call_count(operation) == before + 1


def test_every_change_goes_through_the_seam() -> None:
    """No module of the audience stage but the seam calls a client method that changes
    something: they all name the operation to :func:`_send.send`."""
    changing = ("create_", "update_", "delete_", "tag_", "untag_", "put_", "start_")
    for path in sorted(AUDIENCE.glob("*.py")):
        if path.name == "_send.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                name = node.func.attr
                receiver = ast.unparse(node.func.value)
                if name.startswith(changing) and ("client" in receiver or "reader" in receiver):
                    raise AssertionError(f"{path.name}: {receiver}.{name} bypasses the seam")
    sent = {k for k in _send.CHECKS}
    assert sent == {
        "CreateAudienceModel",
        "CreateConfiguredAudienceModel",
        "UpdateConfiguredAudienceModel",
        "DeleteAudienceModel",
        "DeleteConfiguredAudienceModel",
        "TagResource",
        "UntagResource",
    }


def test_mutating_calls_use_the_one_attempt_client(
    shop: Shop, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Recorded at botocore's level: every changing call of a whole flow is made by a client
    with ``total_max_attempts`` 1."""
    seen: list[tuple[str, int]] = []
    original = botocore.client.BaseClient._make_api_call

    def record(self: Any, operation: str, params: Any) -> Any:
        if self.meta.service_model.service_name == "cleanroomsml":
            seen.append((operation, self.meta.config.retries.get("total_max_attempts", 0)))
        return original(self, operation, params)

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", record)
    arn = _model(shop)
    role = crn.create_output_role(
        "seg", output_s3_uri="s3://segments/x/", boto3_session=shop.session
    )
    carn = crn.create_configured_audience_model(
        arn, "c", output_s3_uri="s3://segments/x/", role_arn=role, boto3_session=shop.session
    )
    crn.update_configured_audience_model(carn, description="new", boto3_session=shop.session)
    crn.delete_configured_audience_model(carn, boto3_session=shop.session)
    crn.delete_audience_model(arn, boto3_session=shop.session)
    changes = [(op, n) for op, n in seen if not op.startswith(("Get", "List"))]
    assert [op for op, _ in changes] == [
        "CreateAudienceModel",
        "CreateConfiguredAudienceModel",
        "UpdateConfiguredAudienceModel",
        "DeleteConfiguredAudienceModel",
        "DeleteAudienceModel",
    ]
    assert all(n == 1 for _, n in changes)
