"""The form's "Train an audience model" and "Configure" steps, driven without a browser.

The model (:class:`~cleanroom_nb.form.audience.AudienceStep`) runs against the local emulation:
moto (Glue, S3, IAM, STS), the Clean Rooms ML emulator (training moves through its statuses over
``training_seconds``; ``fail_next_training`` makes it fail) and, for a Glue table, the local
Athena. The data has figures known by construction (:func:`shop_frame`). Clean Rooms ML's
minimums (1,000,000 rows; 100,000 users with 2+ interactions, user guide, "Training data
requirements for Clean Rooms ML") are scaled down for a 900-row table, as in tests/audience.
"""

from __future__ import annotations

import datetime as dt
import html
from typing import Any

import boto3
import numpy as np
import pandas as pd
import pytest
from form_helpers import ROLE_ARN, make_glue_table, make_roles

import cleanroom_nb as crn
from cleanroom_nb import _roles
from cleanroom_nb.form.audience import AudienceStep, AudienceStepView
from cleanroom_nb.glue._athena import fmt_bytes
from cleanroom_nb.glue._scan_estimate import estimate_words
from cleanroom_nb.submit import _once

DATABASE, TABLE = "shop", "interactions"
JAN_1 = 1_704_067_200  # 2024-01-01T00:00:00Z
FEB_1 = 1_706_745_600  # 2024-02-01T00:00:00Z
DAY = 86_400
OUT = "s3://segments/lookalike/"


def shop_frame() -> pd.DataFrame:
    """300 users; each with two events in January 2024 and one on a February day.

    First event 2024-01-01T10:00Z, last 2024-02-28T12:00Z. All: 900 rows, 300 users with 2+;
    January: 600 rows, 300 users with 2+; February: 300 rows, none with 2+.
    """
    u = np.arange(300)
    jan = JAN_1 + (u % 30) * DAY
    feb = FEB_1 + (u % 28) * DAY
    users = np.concatenate([u, u, u])
    times = np.concatenate([jan + 10 * 3600, jan + 20 * 3600, feb + 12 * 3600])
    order = np.argsort(times, kind="stable")
    return pd.DataFrame(
        {
            "user_id": [f"user-{x:04d}" for x in users[order]],
            "item_id": (1000 + (users[order] * 7) % 50).astype("int64"),
            "event_time": times[order].astype("int64"),
        }
    )


@pytest.fixture(autouse=True)
def no_backoff_sleep(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_once, "POLICY", _once.RetryPolicy(sleep=lambda _s: None))


@pytest.fixture
def scaled_minimums(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_roles, "MIN_ROWS", 500)
    monkeypatch.setattr(_roles, "MIN_USERS_WITH_TWO_INTERACTIONS", 250)


@pytest.fixture
def dataset(
    boto3_session: boto3.Session, cleanrooms: Any, scaled_minimums: None
) -> tuple[str, pd.DataFrame]:
    """The shop's table in moto's Glue, and a training dataset of it (ARN, frame)."""
    df = make_glue_table(boto3_session, shop_frame())
    make_roles(boto3_session)
    boto3_session.client("s3").create_bucket(Bucket="segments")
    schema = [
        {"columnName": "user_id", "columnTypes": ["USER_ID"]},
        {"columnName": "item_id", "columnTypes": ["ITEM_ID"]},
        {"columnName": "event_time", "columnTypes": ["TIMESTAMP"]},
    ]
    request = crn.build_request(
        name="shop-events", role_arn=ROLE_ARN, database=DATABASE, table=TABLE, schema=schema
    )
    return crn.create_training_dataset(request, boto3_session=boto3_session), df


def started(dataset: tuple[str, pd.DataFrame], session: boto3.Session, **kw: Any) -> AudienceStep:
    arn, df = dataset
    step = AudienceStep(poll_interval=0.05, boto3_session=session, **kw)
    step.start(arn, dataset_name="shop-events", df=df, s3_location="s3://segments/data/")
    return step


def errors(step: AudienceStep) -> list[str]:
    return [m for level, m in step.window_findings if level == "error"]


def test_window_is_prefilled_from_the_dataframe_with_the_events_chart(
    dataset: tuple[str, pd.DataFrame], boto3_session: boto3.Session
) -> None:
    step = started(dataset, boto3_session)
    assert step.visible and step.source == "dataframe"
    assert (step.first_day, step.last_day) == (dt.date(2024, 1, 1), dt.date(2024, 2, 28))
    assert step.window == (
        dt.datetime(2024, 1, 1, tzinfo=dt.UTC),
        dt.datetime(2024, 2, 29, tzinfo=dt.UTC),
    )
    assert "2024-01-01T10:00:00Z" in step.data_span and "900 rows" in step.data_span
    assert errors(step) == []
    assert "900 rows" in step.window_counts and "300 users" in step.window_counts
    assert step.chart_png is not None and step.chart_png.startswith(b"\x89PNG")
    assert step.model_name == "shop-events-model"
    assert step.config.output_s3_uri == "s3://segments/lookalike-segments/shop-events-model/"
    assert step.train_blockers == []

    view = AudienceStepView(step)  # the view shows it: the chart inline, no CDN
    assert view.box.layout.display is None
    assert "data:image/png;base64," in view.chart.value
    assert view.start.value == dt.date(2024, 1, 1)
    assert not view.train.disabled
    # counted in-process: no Athena query, so no scan estimate and no bytes scanned
    assert step.scan_estimate is None and step.scanned_text == ""
    assert view.scan_estimate.value == view.scanned.value == ""


def test_window_of_a_glue_table_comes_from_one_athena_query(
    dataset: tuple[str, pd.DataFrame], boto3_session: boto3.Session, local_athena: Any
) -> None:
    arn, _ = dataset
    step = AudienceStep(athena_output="s3://segments/athena/", boto3_session=boto3_session)
    view = AudienceStepView(step)
    step.start(arn, dataset_name="shop-events")
    assert step.source == "glue"
    # Athena bills the query: it runs when asked (the button), not on "Created"
    assert step.first_day is None and "read the data's time range first" in step.train_blockers
    assert view.load_window.layout.display is None and view.window_box.layout.display == "none"
    view.load_window.click()
    assert view.load_window.layout.display == "none" and view.window_box.layout.display is None
    assert (step.first_day, step.last_day) == (dt.date(2024, 1, 1), dt.date(2024, 2, 28)), step
    assert "with Athena" in step.window_counts and "900 rows" in step.window_counts
    step.last_day = dt.date(2024, 1, 31)  # judged at once against the range; counted on request
    assert step.window_counts == ""
    assert step.check_window()
    assert "600 rows" in step.window_counts and "300 users" in step.window_counts
    assert errors(step) == []


def test_glue_window_query_shows_its_scan_estimate_before_and_the_bytes_after(
    dataset: tuple[str, pd.DataFrame], boto3_session: boto3.Session, local_athena: Any
) -> None:
    """Issue 20, item 2: before the window query runs on the Glue table, the step shows what
    it will scan and cost (``estimate_athena_scan`` on the columns it reads, as the form's
    other Athena buttons do); after each query, the bytes Athena actually scanned."""
    arn, _ = dataset
    step = AudienceStep(athena_output="s3://segments/athena/", boto3_session=boto3_session)
    view = AudienceStepView(step)
    step.start(arn, dataset_name="shop-events")
    est = step.scan_estimate
    assert isinstance(est, crn.ScanEstimate), est
    assert (est.database, est.table) == (DATABASE, TABLE)
    assert set(est.columns or ()) == {"user_id", "item_id", "event_time"}
    assert est.bytes > 0 and est.dollars > 0
    shown = estimate_words(est)  # the form's one wording, as next to "Count rows (Athena)"
    assert shown.startswith("Athena will scan ") and "/TB" in shown
    assert "crn-scan-estimate" in view.scan_estimate.value
    assert html.escape(shown) in view.scan_estimate.value
    assert step.scanned_text == "" and view.scanned.value == ""  # nothing ran yet

    view.load_window.click()
    scanned = step.report.bytes_scanned
    assert scanned and step.scanned_text.startswith(f"Athena scanned {fmt_bytes(scanned)} (~$")
    assert f"estimated {fmt_bytes(est.bytes)}" in step.scanned_text
    assert "crn-bytes-scanned" in view.scanned.value
    # Parquet: the estimate comes from the column chunks the query reads (issue 20: within 10%)
    assert abs(est.bytes - scanned) <= 0.1 * scanned, (est.bytes, scanned)
    assert "Athena will scan" in view.scan_estimate.value  # still shown for "Check the window"

    step.scanned_text = ""
    step.last_day = dt.date(2024, 1, 31)
    assert step.check_window()
    assert step.scanned_text.startswith("Athena scanned ")


def test_a_scan_estimate_that_cannot_be_made_says_why(
    dataset: tuple[str, pd.DataFrame], boto3_session: boto3.Session
) -> None:
    arn, _ = dataset

    def denied(*_args: Any, **_kwargs: Any) -> Any:
        raise crn.AccessDeniedError("s3:GetObject was denied on the table's data")

    step = AudienceStep(boto3_session=boto3_session)
    step.actions = step.actions.replace(estimate_athena_scan=denied)
    view = AudienceStepView(step)
    step.start(arn, dataset_name="shop-events")
    assert step.scan_estimate == "s3:GetObject was denied on the table's data"
    assert "no scan estimate: s3:GetObject was denied" in view.scan_estimate.value
    assert step.loading == "" and not view.load_window.disabled  # the query can still run


def test_window_outside_the_data_is_refused_in_words(
    dataset: tuple[str, pd.DataFrame], boto3_session: boto3.Session, cleanrooms: Any
) -> None:
    step = started(dataset, boto3_session)
    view = AudienceStepView(step)
    step.first_day, step.last_day = dt.date(2023, 1, 1), dt.date(2023, 1, 31)
    (message,) = errors(step)
    assert "holds no event" in message and "the data spans 2024-01-01" in message
    assert "fix the window" in step.train_blockers
    assert view.train.disabled and "holds no event" in view.window_findings.value
    view.train.click()  # a click on a disabled button (from code) sends nothing
    assert step.train_sends == 0 and cleanrooms.audience_models == {}

    step.first_day, step.last_day = dt.date(2024, 2, 10), dt.date(2024, 2, 1)  # the wrong way round
    assert any("must come before the end" in m for m in errors(step))

    step.first_day, step.last_day = dt.date(2024, 2, 1), dt.date(2024, 2, 28)  # February: too few
    assert any("two" in m.lower() or "2" in m for m in errors(step)), step.window_findings
    assert "300 rows" in step.window_counts
    assert step.train() is None and cleanrooms.audience_models == {}


def test_train_shows_each_status_until_active(
    dataset: tuple[str, pd.DataFrame], boto3_session: boto3.Session, cleanrooms: Any
) -> None:
    cleanrooms.training_seconds = 1.0
    step = started(dataset, boto3_session)
    step.last_day = dt.date(2024, 1, 31)
    seen: list[list[str]] = []
    step.observe(lambda change: seen.append(list(change["new"])), names="statuses")
    arn = step.train()
    assert arn and arn in cleanrooms.audience_models
    assert step.model_status == "ACTIVE" and not step.training
    assert step.statuses == ["CREATE_PENDING", "CREATE_IN_PROGRESS", "ACTIVE"]
    assert ["CREATE_PENDING"] in seen  # shown while training, as the waiter reported it
    sent = cleanrooms.audience_models[arn]
    assert sent["trainingDataStartTime"].startswith("2024-01-01T00:00:00")
    assert sent["trainingDataEndTime"].startswith("2024-02-01T00:00:00")
    assert step.config.configure_blockers == ["create or choose the output role"]
    view = AudienceStepView(step)
    assert "ACTIVE" in view.train_status.value and arn in view.train_status.value
    assert view.configure_box.layout.display is None


def test_failing_training_shows_status_details_in_words(
    dataset: tuple[str, pd.DataFrame], boto3_session: boto3.Session, cleanrooms: Any
) -> None:
    cleanrooms.fail_next_training(
        "Too few users have two or more interactions.", status_code="INSUFFICIENT_DATA"
    )
    step = started(dataset, boto3_session)
    view = AudienceStepView(step)
    assert step.train() is not None
    assert step.model_status == "CREATE_FAILED"
    assert step.statuses[-1] == "CREATE_FAILED"
    assert step.status_details == (
        "Too few users have two or more interactions. (INSUFFICIENT_DATA)"
    )
    assert "Training failed: Too few users" in view.train_status.value
    assert view.configure_box.layout.display == "none"
    assert step.config.configure_blockers[0] == "train the model first"


def test_configure_with_a_created_output_role(
    dataset: tuple[str, pd.DataFrame], boto3_session: boto3.Session, cleanrooms: Any
) -> None:
    step = started(dataset, boto3_session)
    view = AudienceStepView(step)
    step.train()
    step.config.output_s3_uri = OUT
    assert step.config.role_mode == "create"
    assert step.config.role_name == "cleanrooms-ml-output-shop-events"
    assert "cleanrooms-ml.amazonaws.com" in step.config.role_policies  # shown before it is made
    assert "s3:PutObject" in step.config.role_policies and "arn:aws:s3:::segments/lookalike/*" in (
        step.config.role_policies
    )
    view.create_role.click()
    view.create_role.click()  # made once
    assert step.config.roles_created == 1
    assert step.config.role_arn == "arn:aws:iam::123456789012:role/cleanrooms-ml-output-shop-events"
    assert not [m for level, m in step.config.role_findings if level == "error"], (
        step.config.role_findings
    )
    assert "Created" in step.config.role_note
    assert not view.configure.disabled, step.config.configure_blockers
    view.configure.click()
    view.configure.click()  # the second click sends nothing
    assert step.config.configure_sends == 1
    carn = step.config.configured_arn
    assert carn in cleanrooms.configured_audience_models
    sent = cleanrooms.configured_audience_models[carn]
    assert sent["outputConfig"]["roleArn"] == step.config.role_arn
    assert sent["outputConfig"]["destination"]["s3Destination"]["s3Uri"] == OUT
    assert sent["name"] == "shop-events-lookalike"
    assert carn in view.configure_status.value


def test_configure_with_a_chosen_output_role_checks_it(
    dataset: tuple[str, pd.DataFrame], boto3_session: boto3.Session, cleanrooms: Any
) -> None:
    step = started(dataset, boto3_session)
    step.train()
    step.config.output_s3_uri = OUT
    step.config.role_mode = "choose"
    assert step.config.role_policies == ""
    step.config.role_arn = ROLE_ARN  # the training dataset's role: it cannot write segments
    assert not step.config.check_role()
    assert any(level == "error" for level, _ in step.config.role_findings)
    assert "fix the output role" in step.config.configure_blockers
    assert step.config.configure() is None and cleanrooms.configured_audience_models == {}
    made = crn.create_output_role("segments", output_s3_uri=OUT, boto3_session=boto3_session)
    step.config.role_arn = made
    assert step.config.role_findings == []  # a new role: the old findings are gone
    assert step.config.check_role(), step.config.role_findings
    assert step.config.roles_created == 0
    carn = step.config.configure()
    assert carn and cleanrooms.configured_audience_models[carn]["outputConfig"]["roleArn"] == made


def test_double_click_trains_once_and_a_name_conflict_offers_reuse(
    dataset: tuple[str, pd.DataFrame], boto3_session: boto3.Session, cleanrooms: Any
) -> None:
    step = started(dataset, boto3_session)
    view = AudienceStepView(step)
    view.train.click()
    view.train.click()
    assert step.train_sends == 1 and len(cleanrooms.audience_models) == 1
    first = step.model_arn

    other = started(dataset, boto3_session)  # the same name again (a re-run of the form)
    other_view = AudienceStepView(other)
    assert other.train() is None
    assert "already exists" in other.train_error
    assert other.can_reuse_model and other_view.reuse_model.layout.display is None
    assert other.model_name == "shop-events-model"  # nothing typed is lost
    other_view.reuse_model.click()
    assert other.model_arn == first and other.model_status == "ACTIVE"
    assert len(cleanrooms.audience_models) == 1


def test_the_form_shows_the_step_after_created(
    boto3_session: boto3.Session, cleanrooms: Any, scaled_minimums: None
) -> None:
    import awswrangler as wr

    make_roles(boto3_session)
    boto3_session.client("s3").create_bucket(Bucket="frames")
    wr.catalog.create_database("frames_db", boto3_session=boto3_session)
    form = crn.TrainingDatasetForm(df=shop_frame(), boto3_session=boto3_session)
    assert form.audience.box.layout.display == "none"
    form.register_path.value = "s3://frames/clicks/"
    form.database.value = "frames_db"
    form.table.value = "clicks"
    form.register.click()
    form.name.value = "frame-dataset"
    form.role_arn.value = ROLE_ARN
    if not form.acknowledge.disabled:
        form.acknowledge.value = True
    form.submit.click()
    arn = form.state.submit.result_arn
    assert arn in cleanrooms.datasets, form.state.error_message
    step = form.audience.model
    assert step.dataset_arn == arn and form.audience.box.layout.display is None
    assert (step.first_day, step.last_day) == (dt.date(2024, 1, 1), dt.date(2024, 2, 28))
    assert step.model_name == "frame-dataset-model"
    assert step.config.output_s3_uri == "s3://frames/lookalike-segments/frame-dataset-model/"
    assert form.audience.box in form.widget.children


def test_a_count_that_ends_after_the_window_changed_is_not_shown(
    dataset: tuple[str, pd.DataFrame], boto3_session: boto3.Session
) -> None:
    """A browser's kernel may hear a date change while a count runs: the count's findings are
    about the old window, so the new window's own judgement stays on screen."""
    step = started(dataset, boto3_session)
    real = step.actions.check_training_window

    def changed_meanwhile(*args: Any, **kwargs: Any) -> Any:
        report = real(*args, **kwargs)
        step.last_day = dt.date(2023, 12, 31)  # before the first day: an error at once
        return report

    step.actions = step.actions.replace(check_training_window=changed_meanwhile)
    assert not step.check_window()
    assert any("must come before the end" in m for m in errors(step)), step.window_findings
    assert "fix the window" in step.train_blockers
