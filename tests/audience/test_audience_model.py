"""create_audience_model and friends against the emulator (real wire protocol), with the shop's
Glue table counted by the local Athena.

Documents: CreateAudienceModel, GetAudienceModel, ListAudienceModels, DeleteAudienceModel (API
reference and botocore's ``cleanroomsml`` model: ``AudienceModelStatus`` lists CREATE_PENDING,
CREATE_IN_PROGRESS, CREATE_FAILED, ACTIVE, DELETE_PENDING, DELETE_IN_PROGRESS, DELETE_FAILED;
``statusDetails`` has ``statusCode`` and ``message``); DeleteAudienceModel: "You can't delete an
audience model if there are any configured audience models that depend on the audience model";
DeleteTrainingDataset: "You can't delete a training dataset if there are any audience models
that depend on the training dataset". The user guide: "Model training can take several hours to
2 days" (Creating a lookalike model).
"""

from __future__ import annotations

import datetime as dt
import warnings
from typing import Any

import pytest
from audience_helpers import OUT, Shop

import cleanroom_nb as crn
from cleanroom_nb import _progress
from cleanroom_nb.audience import _wait
from cleanroom_nb.glue._athena import fmt_bytes


class StepClock:
    """The emulator's clock, one tenth of a second later at each reading: training statuses
    follow the polls, whatever the machine's load."""

    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        self.now += 0.1
        return self.now


def _create(shop: Shop, name: str = "lookalike", **kw: Any) -> str:
    kw.setdefault("training_data_start_time", "2024-01-01")
    kw.setdefault("training_data_end_time", "2024-02-01")
    kw.setdefault("df", shop.df)  # in-process; the tests that count in Athena pass df=None
    return crn.create_audience_model(
        shop.dataset_arn,
        name,
        s3_output=OUT,
        progress=kw.pop("progress", False),
        poll_interval=kw.pop("poll_interval", 0.01),
        boto3_session=shop.session,
        **kw,
    )


def test_create_checks_the_window_then_trains(shop: Shop) -> None:
    """The window is sent as given (UTC), the model is listed and described, tags kept."""
    arn = _create(shop, description="January", tags={"team": "ads"}, df=None)
    got = crn.get_audience_model(arn, boto3_session=shop.session)
    assert got["status"] == "ACTIVE" and got["name"] == "lookalike"
    assert got["trainingDataStartTime"] == dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    assert got["trainingDataEndTime"] == dt.datetime(2024, 2, 1, tzinfo=dt.UTC)
    assert got["trainingDatasetArn"] == shop.dataset_arn
    assert got["tags"] == {"team": "ads"} and got["description"] == "January"
    listed = crn.list_audience_models(boto3_session=shop.session)
    assert [m["audienceModelArn"] for m in listed] == [arn]
    assert "lookalike" in got._repr_html_() and "2024-01-01" in got._repr_html_()
    assert shop.emulator.call_count("CreateAudienceModel") == 1


def test_window_defaults_are_sent(shop: Shop) -> None:
    """Without a window, the data's span is sent, so the model records what it trained on."""
    arn = _create(shop, training_data_start_time=None, training_data_end_time=None)
    got = crn.get_audience_model(arn, boto3_session=shop.session)
    assert got["trainingDataStartTime"] == dt.datetime(2024, 1, 1, 10, tzinfo=dt.UTC)
    assert got["trainingDataEndTime"] == dt.datetime(2024, 2, 28, 12, 0, 1, tzinfo=dt.UTC)


def test_a_window_with_too_few_interactions_is_not_sent(shop: Shop) -> None:
    with pytest.raises(crn.AudienceModelInvalidError) as info:
        _create(
            shop,
            training_data_start_time="2024-02-01",
            training_data_end_time="2024-03-01",
            df=None,
        )
    err = info.value
    assert {f.code for f in err.findings.errors} == {"min_rows", "min_users_with_2_interactions"}
    assert err.report is not None and err.report.rows == 300
    assert isinstance(err, crn.RequestInvalidError)
    assert shop.emulator.call_count("CreateAudienceModel") == 0


def test_check_data_false_reads_nothing_and_sends_the_window_as_given(shop: Shop) -> None:
    athena = shop.session.client("athena")
    before = athena.list_query_executions()["QueryExecutionIds"]
    arn = _create(
        shop, training_data_start_time=1_706_745_600, training_data_end_time=None, check_data=False
    )
    got = crn.get_audience_model(arn, boto3_session=shop.session)
    assert got["trainingDataStartTime"] == dt.datetime(2024, 2, 1, tzinfo=dt.UTC)
    assert "trainingDataEndTime" not in got
    assert athena.list_query_executions()["QueryExecutionIds"] == before


def test_the_dataframe_path_needs_no_athena(shop: Shop) -> None:
    athena = shop.session.client("athena")
    before = athena.list_query_executions()["QueryExecutionIds"]
    arn = _create(shop)
    assert crn.get_audience_model(arn, boto3_session=shop.session)["status"] == "ACTIVE"
    assert athena.list_query_executions()["QueryExecutionIds"] == before


def test_request_is_checked_against_the_service_model_first(shop: Shop) -> None:
    """Every constraint of CreateAudienceModel in botocore's model, and the tag rules; all the
    problems at once, nothing sent, no data read."""
    with pytest.raises(crn.RequestInvalidError) as info:
        crn.create_audience_model(
            shop.dataset_arn,
            "x" * 64,
            kms_key_arn="alias/mine",
            tags={"aws:team": "ads"},
            training_data_start_time="soon",
            progress=False,
            boto3_session=shop.session,
        )
    paths = {(f.path, f.code) for f in info.value.findings}
    assert ("name", "max_length") in paths
    assert ("kmsKeyArn", "min_length") in paths or ("kmsKeyArn", "pattern") in paths
    assert ("tags.aws:team", "reserved_tag_prefix") in paths
    assert ("trainingDataStartTime", "time") in paths
    assert shop.emulator.call_count("CreateAudienceModel") == 0
    assert shop.emulator.call_count("GetTrainingDataset") == 0


def test_a_training_dataset_that_does_not_exist(shop: Shop) -> None:
    gone = shop.dataset_arn[:-4] + "0000"
    with pytest.raises(crn.NotFoundError, match="training dataset"):
        crn.create_audience_model(gone, "m", progress=False, boto3_session=shop.session)


def test_if_exists(shop: Shop) -> None:
    """The documents do not make audience model names unique, so the name is looked up before
    sending: a notebook cell run again does not train a second model."""
    arn = _create(shop, tags={"team": "ads"})
    with pytest.raises(crn.AudienceModelExistsError) as info:
        _create(shop)
    assert info.value.existing_arn == arn and "if_exists='reuse'" in str(info.value)
    assert _create(shop, if_exists="reuse", tags={"team": "ads"}) == arn
    with pytest.warns(crn.TagsUpdatedWarning, match="added owner=me; removed team"):
        assert _create(shop, if_exists="reuse", tags={"owner": "me"}) == arn
    assert crn.get_audience_model(arn, boto3_session=shop.session)["tags"] == {"owner": "me"}
    with pytest.raises(crn.AudienceModelExistsError) as info:
        _create(shop, if_exists="reuse", training_data_end_time="2024-01-31")
    assert "trainingDataEndTime" in str(info.value) and info.value.same_definition is False
    assert shop.emulator.call_count("CreateAudienceModel") == 1
    with pytest.raises(ValueError, match="if_exists"):
        _create(shop, if_exists="replace")  # type: ignore[arg-type]


def test_wait_shows_each_status_from_the_model(shop: Shop, monkeypatch: pytest.MonkeyPatch) -> None:
    """Training takes time in the emulator; each status change is shown, in the model's order,
    through the one waiter (submit's ``wait_for_status``) and the one progress helper."""
    shown: list[str] = []
    monkeypatch.setattr(_progress.Progress, "update", lambda bar, text: shown.append(text))
    shop.emulator.backend.audience.clock = StepClock()
    shop.emulator.training_seconds = 1.0
    arn = _create(shop, wait=True, poll_interval=0.001, progress=True)
    assert shown[-1] == "CREATE_PENDING → CREATE_IN_PROGRESS → ACTIVE"
    assert set(_wait.audience_model_statuses()) >= {"CREATE_PENDING", "CREATE_IN_PROGRESS"}
    assert crn.get_audience_model(arn, boto3_session=shop.session)["status"] == "ACTIVE"


def test_progress_line_on_stderr(
    shop: Shop, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_progress, "DEFAULT_DELAY", 0.0)  # show at once: the wait is short here
    shop.emulator.backend.audience.clock = StepClock()
    shop.emulator.training_seconds = 1.0
    crn.create_audience_model(
        shop.dataset_arn,
        "shown",
        df=shop.df,
        wait=True,
        poll_interval=0.001,
        boto3_session=shop.session,
    )
    err = capsys.readouterr().err
    assert "Training audience model 'shown': CREATE_PENDING" in err
    assert "CREATE_IN_PROGRESS → ACTIVE" in err


def test_progress_false_silences_the_window_check_and_the_wait(
    shop: Shop, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_progress, "DEFAULT_DELAY", 0.0)
    shop.emulator.backend.audience.clock = StepClock()
    shop.emulator.training_seconds = 1.0
    for df in (None, shop.df):  # the Athena query, then the DataFrame
        crn.create_audience_model(
            shop.dataset_arn,
            f"quiet-{df is None}",
            df=df,
            s3_output=OUT,
            wait=True,
            poll_interval=0.001,
            progress=False,
            boto3_session=shop.session,
        )
    assert capsys.readouterr().err == ""


def test_the_window_query_shows_its_scan_estimate_then_the_bytes_scanned(
    shop: Shop, capsys: pytest.CaptureFixture[str]
) -> None:
    """A Glue table's window is checked with ONE Athena query, shown like readiness_from_athena:
    what it will scan and cost before it runs, the bytes it scanned (and the estimate) after."""
    athena = shop.session.client("athena")
    before = set(athena.list_query_executions()["QueryExecutionIds"])
    crn.create_audience_model(
        shop.dataset_arn,
        "estimated",
        training_data_start_time="2024-01-01",
        training_data_end_time="2024-02-01",
        s3_output=OUT,
        boto3_session=shop.session,
    )
    (query_id,) = set(athena.list_query_executions()["QueryExecutionIds"]) - before
    scanned = athena.get_query_execution(QueryExecutionId=query_id)["QueryExecution"]["Statistics"][
        "DataScannedInBytes"
    ]
    err = capsys.readouterr().err
    estimate = err.index("Athena will scan ")
    done = err.index("SUCCEEDED, ")
    assert estimate < done and "of shop.events" in err[estimate:done]
    assert f"SUCCEEDED, {fmt_bytes(scanned)} scanned (~$" in err[done:]
    assert "; estimated " in err[done:]


def test_training_that_fails_raises_with_status_details(shop: Shop) -> None:
    shop.emulator.fail_next_training("Too few users match", status_code="INSUFFICIENT_DATA")
    with pytest.raises(crn.TrainingFailedError) as info:
        _create(shop, wait=True)
    err = info.value
    assert err.status == "CREATE_FAILED"
    assert err.status_details == {
        "statusCode": "INSUFFICIENT_DATA",
        "message": "Too few users match",
    }
    assert "Too few users match" in str(err) and "delete_audience_model" in str(err)
    got = crn.get_audience_model(err.arn, boto3_session=shop.session)
    assert "Too few users match" in got._repr_html_()


def test_wait_timeout_says_it_keeps_training(shop: Shop) -> None:
    shop.emulator.training_seconds = 60
    arn = _create(shop)
    with pytest.raises(crn.WaitTimeoutError) as info:
        crn.wait_for_audience_model(
            arn, timeout=0.2, poll_interval=0.05, progress=False, boto3_session=shop.session
        )
    assert "CREATE_" in str(info.value) and "do not create it again" in str(info.value)


def test_a_status_the_model_does_not_list(shop: Shop, monkeypatch: pytest.MonkeyPatch) -> None:
    """Statuses are read from the model: one it does not list stops the wait, showing it."""
    monkeypatch.setattr(_wait, "audience_model_statuses", lambda: ("ACTIVE",))
    shop.emulator.training_seconds = 60
    arn = _create(shop)
    with pytest.raises(crn.AwsError, match=r"'CREATE_PENDING'.*lists ACTIVE"):
        crn.wait_for_audience_model(
            arn, poll_interval=0.01, progress=False, boto3_session=shop.session
        )


def test_deletion_order(shop: Shop) -> None:
    """Configured audience model → audience model → training dataset; each refusal names what
    still uses the resource, and the fix."""
    arn = _create(shop)
    role = crn.create_output_role(
        "segments", output_s3_uri="s3://segments/out/", boto3_session=shop.session
    )
    carn = crn.create_configured_audience_model(
        arn, "shared", output_s3_uri="s3://segments/out/", role_arn=role, boto3_session=shop.session
    )
    with pytest.raises(crn.TrainingDatasetInUseError) as dataset_info:
        crn.delete_training_dataset(shop.dataset_arn, boto3_session=shop.session)
    assert arn in str(dataset_info.value)
    with pytest.raises(crn.AudienceModelInUseError) as model_info:
        crn.delete_audience_model(arn, boto3_session=shop.session)
    err = model_info.value
    assert [m["configuredAudienceModelArn"] for m in err.configured_audience_models or []] == [carn]
    assert "shared" in str(err) and "delete_configured_audience_model" in str(err)
    crn.delete_configured_audience_model(carn, boto3_session=shop.session)
    crn.delete_audience_model(arn, boto3_session=shop.session)
    crn.delete_training_dataset(shop.dataset_arn, boto3_session=shop.session)
    assert crn.list_audience_models(boto3_session=shop.session) == []
    with pytest.raises(crn.NotFoundError):
        crn.get_audience_model(arn, boto3_session=shop.session)


def test_in_use_when_configured_models_cannot_be_listed(shop: Shop) -> None:
    arn = _create(shop)
    shop.emulator.inject_error("ConflictException", "in use", operation="DeleteAudienceModel")
    shop.emulator.inject_error(
        "AccessDeniedException", "no", operation="ListConfiguredAudienceModels"
    )
    with pytest.raises(crn.AudienceModelInUseError) as info:
        crn.delete_audience_model(arn, boto3_session=shop.session)
    assert info.value.configured_audience_models is None
    assert "cleanrooms-ml:ListConfiguredAudienceModels" in str(info.value)


def test_access_denied_names_the_actions(shop: Shop) -> None:
    shop.emulator.inject_error("AccessDeniedException", "denied", operation="CreateAudienceModel")
    with pytest.raises(crn.AccessDeniedError) as info:
        _create(shop, tags={"a": "b"})
    text = str(info.value)
    assert "cleanrooms-ml:CreateAudienceModel" in text and "cleanrooms-ml:TagResource" in text


def test_quota_and_validation_errors_say_what_to_do(shop: Shop) -> None:
    shop.emulator.inject_error(
        "ServiceQuotaExceededException", "too many", operation="CreateAudienceModel"
    )
    with pytest.raises(crn.AwsError, match=r"delete_audience_model.*Service Quotas"):
        _create(shop)
    shop.emulator.inject_error("ValidationException", "bad window", operation="CreateAudienceModel")
    with pytest.raises(crn.ServiceValidationError, match="bad window"):
        _create(shop, name="other")


def test_kms_key_is_checked(shop: Shop) -> None:
    """The key must be usable where the model is: a key of another region is a warning, a
    disabled key an error (KMS ``KeyState``), read through KMS."""
    kms = shop.session.client("kms")
    meta = kms.create_key()["KeyMetadata"]
    key = meta["Arn"]
    arn = _create(shop, kms_key_arn=key)
    assert crn.get_audience_model(arn, boto3_session=shop.session)["kmsKeyArn"] == key
    kms.disable_key(KeyId=meta["KeyId"])
    with pytest.raises(crn.RequestInvalidError, match="Disabled"):
        _create(shop, name="disabled", kms_key_arn=key)
    other = key.replace(":us-east-1:", ":eu-west-1:")
    with warnings.catch_warnings(), pytest.raises(crn.RequestInvalidError) as info:
        _create(shop, name="elsewhere", kms_key_arn=other, training_data_end_time="2024-01-01")
    codes = {f.code: f.level for f in info.value.findings}
    assert codes["kms_region"] == "warning"
