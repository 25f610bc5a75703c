"""The form's newer parts, driven through FormState: suggested name, "Create service role",
the Athena readiness table, fix buttons (DataFrame and Glue) and the injectable actions."""

from __future__ import annotations

import datetime
import json
from typing import Any

import boto3
import pandas as pd
from form_helpers import (
    ACCOUNT_ID,
    DATABASE,
    TABLE,
    ensure_roles,
    interactions_frame,
    make_glue_table,
    raw_frame,
)

import cleanroom_nb as crn
from cleanroom_nb.form._actions import Actions
from cleanroom_nb.form._state import LEAVE_OUT, FormState
from cleanroom_nb.readiness._report import ReadinessReport, rule_findings

DAY = datetime.date(2024, 5, 1)


def fixed_day() -> Actions:
    return Actions(today=lambda: DAY)


# ---------------------------------------------------------------------------- name (item 8)
def test_name_is_suggested_from_the_table_and_stays_editable(glue: boto3.Session) -> None:
    state = FormState(database=DATABASE, table=TABLE, boto3_session=glue, actions=fixed_day())
    assert state.details.name == "interactions-2024-05-01" and state.details.name_suggested
    assert state.request is not None and state.request["name"] == state.details.name
    assert state.validation.findings_for("name") == []
    state.details.set_name("my-own-name")
    state.source.select_table(TABLE)  # choosing a table again keeps a typed name
    assert state.details.name == "my-own-name"
    state.details.set_name("")
    state.source.select_table(TABLE)
    assert state.details.name == "interactions-2024-05-01"
    long = FormState(load=False, actions=fixed_day())
    long.details.suggest_name("t" * 80)
    assert len(long.details.name) == 63 and long.details.name.endswith("-2024-05-01")


# ---------------------------------------------------------------------------- role (item 3)
def test_a_newcomer_creates_the_role_from_the_form_then_the_dataset(
    glue: boto3.Session, cleanrooms: Any
) -> None:
    """Issue 13, item 3: propose ``cleanrooms-ml-<table>``, show both policies, create the
    role with ``create_role``, select it; then only the (suggested) name is needed."""
    state = FormState(database=DATABASE, table=TABLE, boto3_session=glue, actions=fixed_day())
    ensure_roles(state)
    assert state.service_role.proposed_name() == "cleanrooms-ml-interactions"
    assert state.service_role.role_blocker == ""
    trust_text, permissions_text = state.service_role.policies_text()
    trust, permissions = json.loads(trust_text), json.loads(permissions_text)
    assert trust == crn.trust_policy(ACCOUNT_ID, "us-east-1")
    location = f"s3://crn-form-tests/{DATABASE}/{TABLE}/"
    assert permissions == crn.permissions_policy(
        DATABASE, TABLE, location, region="us-east-1", account_id=ACCOUNT_ID
    )
    arn = state.service_role.create_service_role()
    expected = f"arn:aws:iam::{ACCOUNT_ID}:role/cleanrooms-ml-interactions"
    assert (
        arn == expected
        and state.details.role_arn == expected
        and expected in state.details.role_choices
    )
    assert state.last_error is None and "Created the IAM role" in state.progress
    iam = glue.client("iam")
    made = iam.get_role(RoleName="cleanrooms-ml-interactions")["Role"]
    assert made["AssumeRolePolicyDocument"] == trust
    names = iam.list_role_policies(RoleName="cleanrooms-ml-interactions")["PolicyNames"]
    inline = iam.get_role_policy(RoleName="cleanrooms-ml-interactions", PolicyName=names[0])
    assert inline["PolicyDocument"] == permissions
    if state.findings.warnings:
        state.submit.acknowledge_warnings()
    assert state.submit.can_submit, state.submit.blockers
    created = state.submit.submit()
    assert created in cleanrooms.datasets
    assert cleanrooms.datasets[created]["roleArn"] == expected
    # a new form on the same table selects that role at once, and does not offer to make it again
    again = FormState(database=DATABASE, table=TABLE, boto3_session=glue)
    assert again.details.role_arn == expected
    assert "exists already" in again.service_role.role_blocker
    assert again.service_role.policies_text()[0]  # the policies of that role are still shown
    again.service_role.set_new_role_name("cleanrooms-ml-second")
    assert again.service_role.role_blocker == ""


def test_role_creation_says_why_it_cannot_start_and_keeps_errors() -> None:
    calls: list[str] = []

    def create_role(name: str, **kw: Any) -> str:
        calls.append(name)
        raise crn.AccessDeniedError(
            "creating the role: access denied; ask your administrator for iam:CreateRole",
            code="AccessDenied",
        )

    state = FormState(load=False, actions=Actions(create_role=create_role))
    assert "account" in state.service_role.role_blocker
    assert state.service_role.create_service_role() is None and calls == []
    assert "cannot be created yet" in state.progress
    state.details.account_id = ACCOUNT_ID
    assert state.service_role.role_blocker == "choose the Glue table first"
    frame = FormState(interactions_frame(), load=False, actions=Actions(create_role=create_role))
    frame.details.account_id = ACCOUNT_ID
    frame.source.set_target(database="db", table="clicks", path="s3://b/clicks/")
    assert "register the DataFrame" in frame.service_role.role_blocker  # its data is not in S3 yet
    frame.source.registered_as = ("db", "clicks")
    assert frame.service_role.role_blocker == "" and frame.source.s3_location == "s3://b/clicks/"
    frame.service_role.set_new_role_name("cleanrooms-ml-mine")
    frame.details.set_role_arn("arn:aws:iam::123456789012:role/typed")
    assert frame.service_role.create_service_role() is None
    assert calls == ["cleanrooms-ml-mine"]
    assert isinstance(frame.last_error, crn.AccessDeniedError)
    assert "iam:CreateRole" in frame.error_message
    assert frame.details.role_arn == "arn:aws:iam::123456789012:role/typed" and not frame.busy


# ---------------------------------------------------------------------------- readiness (item 2)
def test_readiness_table_rows_from_a_report(glue: boto3.Session) -> None:
    report = ReadinessReport(
        rows=2_000_000,
        distinct_users=150_000,
        users_with_2plus=90_000,
        null_user_ids=0,
        null_item_ids=0,
        null_timestamps=3,
        ts_min=1_700_000_000,
        ts_max=1_700_900_000,
        ts_unit="s",
        bytes_scanned=3 * 1024 * 1024,
        source="Athena shop.interactions",
    )
    report.findings = rule_findings(report)
    seen: list[tuple[str, ...]] = []

    def counted(database: str, table: str, schema: Any, **kw: Any) -> ReadinessReport:
        seen.append((database, table, str(kw["progress"])))
        return report

    state = FormState(
        database=DATABASE,
        table=TABLE,
        boto3_session=glue,
        actions=Actions(readiness_from_athena=counted),
    )
    assert state.checks.readiness_rows() == []
    assert state.checks.compute_readiness()
    assert seen == [(DATABASE, TABLE, "False")]  # the form shows progress itself
    rows = {rule: (figure, verdict) for rule, figure, _, verdict in state.checks.readiness_rows()}
    assert rows["rows"] == ("2,000,000", "pass")
    assert rows["users with >= 2 interactions"] == ("90,000 (of 150,000 users)", "fail")
    assert rows["null ids / timestamps"][1] == "warning"
    assert state.checks.bytes_scanned == "3.0 MB"
    assert any(
        f.code == "min_users_with_2_interactions"
        for f in state.validation.findings_for("readiness")
    )


def test_count_rows_runs_on_the_local_athena_with_progress(
    glue: boto3.Session, local_athena: Any
) -> None:
    state = FormState(database=DATABASE, table=TABLE, boto3_session=glue)
    lines: list[str] = []
    state.observe(
        lambda ch: lines.append(ch.new) if state.loading == "readiness" else None, names="progress"
    )
    assert state.checks.compute_readiness(), state.error_message
    assert state.checks.readiness.rows == len(interactions_frame())
    assert state.checks.bytes_scanned  # Athena's DataScannedInBytes
    assert lines and all(x.startswith("Counting rows and users with Athena") for x in lines if x)
    assert any("succeeded" in x for x in lines)
    assert state.progress == "" and state.loading is None
    # issue 20: what it would scan was shown before, what it scanned after, and the charts
    est = state.checks.scan_estimates["readiness"]
    assert isinstance(est, crn.ScanEstimate) and est.columns == ("user_id", "item_id", "event_time")
    done = state.checks.scanned["readiness"]
    assert done == state.checks.readiness.bytes_scanned and abs(est.bytes - done) <= 0.1 * done
    assert state.checks.scanned_text("readiness").startswith("Athena scanned ")
    assert "estimated" in state.checks.scanned_text("readiness")
    assert "src='data:image/png;base64," in state.checks.charts_html()
    assert "http" not in state.checks.charts_html()  # offline: no CDN, no link


def test_scan_estimates_are_shown_before_the_athena_buttons_run(glue: boto3.Session) -> None:
    """Issue 20: before "Count rows" and "Rewrite with Athena", what each query will scan
    (``estimate_athena_scan`` on the columns it reads: footers only, nothing runs) and its price;
    one estimate per table and columns, made again when the columns change."""
    calls: list[tuple[str, str, tuple[str, ...]]] = []

    def estimate(database: str, table: str, **kw: Any) -> Any:
        calls.append((database, table, tuple(kw["columns"])))
        assert kw["progress"] is False
        return crn.estimate_athena_scan(database, table, **kw)

    state = FormState(
        database=DATABASE,
        table=TABLE,
        boto3_session=glue,
        actions=Actions(estimate_athena_scan=estimate),
    )
    ensure_roles(state)
    readiness, rewrite = (
        state.checks.scan_estimates["readiness"],
        state.checks.scan_estimates["rewrite"],
    )
    assert isinstance(readiness, crn.ScanEstimate) and isinstance(rewrite, crn.ScanEstimate)
    assert readiness.columns == ("user_id", "item_id", "event_time")
    assert set(readiness.columns) <= set(rewrite.columns)
    assert 0 < readiness.bytes <= rewrite.bytes and readiness.exact
    text = state.checks.estimate_text("readiness")
    assert text.startswith("Athena will scan ") and "$" in text and "/TB" in text
    n = len(calls)
    state.validate()
    state.source.select_table(TABLE)  # the same table and columns: no new estimate
    assert len(calls) == n
    state.columns.set_role(
        "price", LEAVE_OUT if state.columns.role_of("price") != LEAVE_OUT else "NUMERICAL_FEATURE"
    )
    assert len(calls) == n + 1 and calls[-1][2] == state.checks.scan_columns("rewrite")

    def refused(database: str, table: str, **kw: Any) -> Any:
        raise crn.NotFoundError("the table's data is gone; check its S3 location")

    state.actions = state.actions.replace(estimate_athena_scan=refused)
    state.columns.set_role(
        "device",
        "CATEGORICAL_FEATURE" if state.columns.role_of("device") == LEAVE_OUT else LEAVE_OUT,
    )
    assert "the table's data is gone" in state.checks.estimate_text("rewrite")
    frame = FormState(interactions_frame(), load=False)
    assert frame.checks.scan_estimates == {}  # a DataFrame is counted in memory


# ---------------------------------------------------------------------------- fixes (item 6)
def test_dataframe_fix_buttons_preview_then_apply() -> None:
    df = raw_frame()
    state = FormState(df, load=False)
    ensure_roles(state)
    state.columns.set_role("device", LEAVE_OUT)
    plan = {f.column: f.kind for f in state.fixes.plan}
    assert plan == {"item_id": "to_int_id", "event_time": "to_epoch_seconds"}
    preview = state.fixes.fix_preview("event_time")
    assert preview is not None and list(preview.columns) == ["before", "after"]
    assert preview["before"].iloc[0] == df["event_time"].iloc[0]
    expected = int(pd.Timestamp(df["event_time"].iloc[0], tz="UTC").timestamp())
    assert int(preview["after"].iloc[0]) == expected
    assert state.fixes.apply_fix("event_time"), state.error_message
    assert state.df is not None and state.df["event_time"].iloc[0] == expected
    assert df["event_time"].iloc[0] != expected  # the caller's frame is not modified
    assert [f.column for f in state.fixes.plan] == ["item_id"]
    assert state.columns.role_of("device") == LEAVE_OUT  # roles chosen in the form are kept
    assert state.fixes.applied and "event_time" in state.fixes.applied[0]
    assert state.fixes.apply_fix("item_id")
    assert state.fixes.plan == ()
    assert not any(f.code in ("timestamp_text", "float_id") for f in state.findings)


def test_a_failing_fix_keeps_the_frame_and_the_error() -> None:
    def broken(df: pd.DataFrame, fix: Any) -> pd.Series:
        raise crn.SchemaError(f"column {fix.column!r}: 2 values cannot be parsed; fix them first")

    state = FormState(raw_frame(), load=False, actions=Actions(apply_fix=broken))
    before = state.df
    assert not state.fixes.apply_fix("event_time")
    assert state.df is before and "cannot be parsed" in state.error_message
    assert not state.fixes.apply_fix("device")  # no fix for this column: said so
    assert "needs no fix" in state.error_message


def test_rewrite_with_athena_switches_the_form_to_the_new_table(
    glue: boto3.Session, local_athena: Any
) -> None:
    make_glue_table(glue, raw_frame(), table="raw")
    state = FormState(database=DATABASE, table="raw", boto3_session=glue, actions=fixed_day())
    assert {f.column for f in state.fixes.plan} == {"item_id", "event_time"}
    lines: list[str] = []
    state.observe(
        lambda ch: lines.append(ch.new) if state.loading == "rewrite" else None, names="progress"
    )
    assert state.fixes.rewrite_with_athena(), state.error_message
    assert state.source.table == "raw_fixed" and "raw_fixed" in state.source.tables
    assert state.details.name == "raw_fixed-2024-05-01"
    assert state.fixes.plan == ()
    assert any(x.startswith(f"Writing {DATABASE}.raw_fixed with Athena") for x in lines)
    assert state.schema is not None and state.schema.column("event_time").glue_type == "bigint"
    assert "raw_fixed" in [
        t["Name"] for t in glue.client("glue").get_tables(DatabaseName=DATABASE)["TableList"]
    ]
    assert state.fixes.free_table_name() == "raw_fixed_fixed"
    assert "Athena scanned" in state.fixes.applied[-1] and "estimated" in state.fixes.applied[-1]
    assert isinstance(state.checks.scan_estimates["rewrite"], crn.ScanEstimate)
