"""FormState driven directly (no widgets, no browser) against moto and the emulator."""

from __future__ import annotations

import json
from typing import Any

import boto3
import botocore.exceptions
import pytest
from form_helpers import (
    DATABASE,
    OTHER_ROLE_NAME,
    ROLE_ARN,
    TABLE,
    ensure_roles,
    interactions_frame,
    make_roles,
    offline_schema,
    ready_frame,
)

import cleanroom_nb as crn
from cleanroom_nb.aws import _client
from cleanroom_nb.form import _state
from cleanroom_nb.form._state import LEAVE_OUT, FormState, trusts_cleanrooms_ml


def ready_state(session: boto3.Session, name: str = "form-dataset") -> FormState:
    """A state on the Glue table with the roles pinned and the fields filled."""
    state = FormState(database=DATABASE, table=TABLE, boto3_session=session)
    assert state.last_error is None, state.error_message
    ensure_roles(state)
    state.details.set_name(name)
    state.details.set_role_arn(ROLE_ARN)
    if state.findings.warnings:
        state.submit.acknowledge_warnings()
    return state


def offline_state(**kwargs: Any) -> FormState:
    state = FormState(database=DATABASE, table=TABLE, load=False, **kwargs)
    state.details.set_name("offline")
    state.details.set_role_arn(ROLE_ARN)
    return state


# ---------------------------------------------------------------------------- source and loading
def test_glue_source_lists_catalog_and_infers_schema(glue: boto3.Session) -> None:
    seen: list[str | None] = []
    state = FormState(load=False, boto3_session=glue)
    state.observe(lambda change: seen.append(change.new), names="loading")  # a traitlets trait
    state.load()
    assert DATABASE in state.source.databases
    assert state.schema is None and state.validation.findings_for("source")
    state.source.select_database(DATABASE)
    assert state.source.tables == [TABLE]
    state.source.select_table(TABLE)
    assert state.schema is not None
    assert [c.name for c in state.schema.columns] == list(interactions_frame().columns)
    assert state.loading is None
    loads = {loading for loading in seen if loading}
    assert {"account", "roles", "databases", "tables", "schema"} <= loads
    assert state.errors == []
    assert not state.validation.findings_for("source")


def test_role_arn_prefilled_and_cleanrooms_roles_offered(glue: boto3.Session) -> None:
    state = FormState(load=False, boto3_session=glue)
    state.details.load_identity()
    state.details.load_role_choices()
    assert state.details.role_arn == "arn:aws:iam::123456789012:role/"
    assert state.details.role_choices == [ROLE_ARN]
    assert not any(OTHER_ROLE_NAME in arn for arn in state.details.role_choices)
    assert state.details.role_choices_note is None
    # the pre-filled ARN has no role name yet: an error at the role ARN field
    assert any(f.level == "error" for f in state.validation.findings_for("role_arn"))
    # a typed ARN is never overwritten by reloading
    state.details.set_role_arn(ROLE_ARN)
    state.details.load_identity()
    assert state.details.role_arn == ROLE_ARN


def test_iam_denied_falls_back_quietly_with_reason(
    glue: boto3.Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_client = _client.client

    def client(service: str, boto3_session: Any = None, **kw: Any) -> Any:
        c = real_client(service, boto3_session, **kw)
        if service == "iam":

            def deny(*_a: Any, **_k: Any) -> Any:
                raise botocore.exceptions.ClientError(
                    {"Error": {"Code": "AccessDenied", "Message": "not allowed: iam:ListRoles"}},
                    "ListRoles",
                )

            c.get_paginator = lambda _name: type("P", (), {"paginate": deny})()
        return c

    monkeypatch.setattr(_state._client, "client", client)
    state = FormState(load=False, boto3_session=glue)
    state.details.load_identity()
    state.details.load_role_choices()
    assert state.details.role_choices == []
    assert (
        state.details.role_choices_note is not None
        and "iam:ListRoles" in state.details.role_choices_note
    )
    assert state.errors == []  # quiet: not an error of the form
    assert state.details.role_arn.startswith("arn:aws:iam::123456789012:role/")


def test_trust_policy_reading() -> None:
    doc = {
        "Statement": [
            {
                "Effect": "Allow",
                "Action": ["sts:AssumeRole"],
                "Principal": {"Service": ["ec2.amazonaws.com", "cleanrooms-ml.amazonaws.com"]},
            }
        ]
    }
    assert trusts_cleanrooms_ml(doc)
    assert trusts_cleanrooms_ml(json.dumps(doc).replace('"', "%22"))  # URL-encoded text
    deny = {"Statement": [{**doc["Statement"][0], "Effect": "Deny"}]}
    assert not trusts_cleanrooms_ml(deny)
    assert not trusts_cleanrooms_ml("not json")


def test_catalog_errors_are_kept_not_raised(glue: boto3.Session) -> None:
    state = FormState(load=False, boto3_session=glue)
    state.source.select_database("no_such_database")
    assert state.source.tables == []
    assert isinstance(state.last_error, crn.CleanroomNbError)
    assert "no_such_database" in state.error_message
    assert state.errors == [state.last_error]
    assert state.loading is None


# ---------------------------------------------------------------------------- validation
def test_findings_are_mapped_to_their_fields() -> None:
    state = offline_state(schema=offline_schema())
    assert state.findings.errors == []
    state.details.set_name("x" * 70)
    assert [f.level for f in state.validation.findings_for("name")] == ["error"]
    assert not state.submit.can_submit and "fix 1 error" in state.submit.blockers
    state.details.set_name("ok-name")
    state.details.set_role_arn("arn:aws:iam::123:role/short-account")
    assert state.validation.findings_for("role_arn")
    state.details.set_role_arn(ROLE_ARN)
    state.details.add_tag("aws:owner", "me")
    assert state.validation.findings_for("tags")
    state.details.set_tag(0, key="team")
    i = state.details.add_tag("team", "other")
    assert any(f.code == "tag_key_duplicate" for f in state.validation.findings_for("tags"))
    state.details.remove_tag(i)
    state.details.add_tag("", "")  # an empty row is ignored
    assert state.request is not None and state.request["tags"] == {"team": "me"}
    assert state.findings.errors == []
    # a type a role does not accept is shown on the column's row
    state.columns.set_role("price", "USER_ID")
    assert any(f.code == "glue_type" for f in state.validation.findings_for("columns.price"))
    assert "USER_ID given 2 times" in state.columns.column_flags()["user_id"]
    state.columns.set_role("price", "NUMERICAL_FEATURE")
    state.columns.set_role("user_id", LEAVE_OUT)
    assert state.columns.missing_roles() == ["USER_ID"]
    assert any(f.code == "missing_role" for f in state.validation.findings_for("schema"))
    assert state.validation.request_json and '"name": "ok-name"' in state.validation.request_json


def test_schema_edit_keeps_everything_else_and_reports_unknown_columns() -> None:
    state = offline_state(schema=offline_schema())
    state.details.set_description("clicks of 2024")
    assert state.columns.set_role("note", "CATEGORICAL_FEATURE")
    assert state.schema is not None and state.schema.column("note").edited
    assert state.columns.role_of("note") == "CATEGORICAL_FEATURE"
    assert not state.columns.set_role("nope", "USER_ID")
    assert isinstance(state.last_error, crn.SchemaError) and "nope" in state.error_message
    assert (state.details.name, state.details.description, state.details.role_arn) == (
        "offline",
        "clicks of 2024",
        ROLE_ARN,
    )
    api = state.request["trainingData"][0]["inputConfig"]["schema"]  # type: ignore[index]
    assert {"columnName": "note", "columnTypes": ["CATEGORICAL_FEATURE"]} in api


def test_warnings_must_be_acknowledged_again_when_new_ones_appear() -> None:
    state = offline_state(schema=offline_schema(ts_unit="ms"))
    assert state.findings.errors == []
    assert [f.code for f in state.findings.warnings] == ["timestamp_unit"]
    assert state.validation.findings_for("columns.event_time")
    assert not state.submit.can_submit and state.submit.blockers == ["acknowledge 1 warning"]
    state.submit.acknowledge_warnings()
    assert state.submit.can_submit
    state.submit.acknowledge_warnings(False)
    assert not state.submit.can_submit
    state.submit.acknowledge_warnings()
    state.details.set_name("renamed")  # same warnings: still acknowledged
    assert state.submit.can_submit
    state.columns.set_role("note", "USER_ID")  # new problems block again
    assert not state.submit.can_submit


def test_preview_holds_request_json_and_boto3_code() -> None:
    state = offline_state(schema=offline_schema())
    request = json.loads(state.validation.request_json)
    assert request == state.request
    assert request["trainingData"][0]["inputConfig"]["dataSource"]["glueDataSource"] == {
        "databaseName": DATABASE,
        "tableName": TABLE,
    }
    assert "create_training_dataset" in state.validation.boto3_code
    assert "offline" in state.validation.boto3_code


# ---------------------------------------------------------------------------- submission
def test_submit_creates_dataset_and_shows_arn(glue: boto3.Session, cleanrooms: Any) -> None:
    state = ready_state(glue)
    state.columns.set_role("device", LEAVE_OUT)
    state.details.add_tag("team", "ml")
    assert state.submit.can_submit, state.submit.blockers
    arn = state.submit.submit()
    assert arn is not None and arn == state.submit.result_arn
    assert arn.startswith("arn:aws:cleanrooms-ml:us-east-1:123456789012:training-dataset/")
    assert arn in cleanrooms.datasets
    sent = cleanrooms.datasets[arn]
    sent_cols = {c["columnName"] for c in sent["trainingData"][0]["inputConfig"]["schema"]}
    assert {"user_id", "item_id", "event_time"} <= sent_cols
    assert "device" not in sent_cols and "email" not in sent_cols
    assert sent["name"] == "form-dataset" and sent["tags"] == {"team": "ml"}
    assert not state.busy and state.progress == "Created."
    assert state.last_error is None and state.errors == []


def test_submit_with_wait_shows_the_status(glue: boto3.Session, cleanrooms: Any) -> None:
    state = ready_state(glue)
    state.wait = True
    state.validate()
    assert "get_training_dataset" in state.validation.boto3_code  # the code waits too
    arn = state.submit.submit()
    assert arn is not None and state.submit.result_status == "ACTIVE"
    assert cleanrooms.datasets[arn]["status"] == "ACTIVE"


def test_second_submit_conflicts_and_offers_reuse(glue: boto3.Session, cleanrooms: Any) -> None:
    state = ready_state(glue)
    first = state.submit.submit()
    assert first is not None
    assert state.submit.submit() is None
    assert isinstance(state.last_error, crn.TrainingDatasetExistsError)
    assert state.submit.conflict is state.last_error and state.submit.can_reuse
    assert state.submit.result_arn is None
    assert (state.details.name, state.details.role_arn) == (
        "form-dataset",
        ROLE_ARN,
    )  # nothing typed is lost
    assert "form-dataset" in state.error_message
    again = state.submit.reuse_existing()
    assert again == first == state.submit.result_arn
    assert len(cleanrooms.datasets) == 1


def test_conflict_with_other_definition_offers_no_reuse(
    glue: boto3.Session, cleanrooms: Any
) -> None:
    state = ready_state(glue)
    assert state.submit.submit() is not None
    state.details.set_description("a different definition")
    state.columns.set_role(
        "device",
        LEAVE_OUT if state.columns.role_of("device") != LEAVE_OUT else "CATEGORICAL_FEATURE",
    )
    if state.findings.warnings:
        state.submit.acknowledge_warnings()
    assert state.submit.submit() is None
    assert isinstance(state.submit.conflict, crn.TrainingDatasetExistsError)
    assert not state.submit.can_reuse
    assert state.details.description == "a different definition"


def test_busy_flag_prevents_a_second_send(glue: boto3.Session) -> None:
    state = ready_state(glue)
    calls: list[dict[str, Any]] = []
    nested: list[str | None] = []

    def create(request: dict[str, Any], **kw: Any) -> str:
        calls.append(request)
        assert state.busy and not state.submit.can_submit
        nested.append(state.submit.submit())  # a second click while the first request runs
        return "arn:aws:cleanrooms-ml:us-east-1:123456789012:training-dataset/x"

    state.actions = state.actions.replace(create_training_dataset=create)
    assert state.submit.submit() is not None
    assert len(calls) == 1 and nested == [None]
    assert not state.busy and state.submit.can_submit


def test_failure_keeps_values_and_the_error_with_its_fix(glue: boto3.Session) -> None:
    state = ready_state(glue)
    state.details.add_tag("team", "ml")

    def denied(request: dict[str, Any], **kw: Any) -> str:
        raise crn.AccessDeniedError(
            "creating the training dataset: access denied. Add iam:PassRole on the role.",
            code="AccessDeniedException",
        )

    state.actions = state.actions.replace(create_training_dataset=denied)
    assert state.submit.submit() is None
    assert isinstance(state.last_error, crn.AccessDeniedError)
    assert "iam:PassRole" in state.error_message
    assert state.submit.result_arn is None and not state.busy
    assert (state.details.name, state.details.role_arn, state.details.tag_dict()) == (
        "form-dataset",
        ROLE_ARN,
        {"team": "ml"},
    )

    def bug(request: dict[str, Any], **kw: Any) -> str:
        raise RuntimeError("unexpected")

    state.actions = state.actions.replace(create_training_dataset=bug)
    assert state.submit.submit() is None
    assert isinstance(state.last_error, RuntimeError)
    assert "RuntimeError: unexpected" in state.error_message
    assert len(state.errors) == 2


def test_service_findings_are_shown_at_their_field_until_edited(glue: boto3.Session) -> None:
    state = ready_state(glue)
    finding = crn.Finding(
        "error",
        "roleArn",
        "account_mismatch",
        "the role belongs to account 999999999999; use one of 123456789012",
    )

    def invalid(request: dict[str, Any], **kw: Any) -> str:
        raise crn.RequestInvalidError("the request has 1 error", [finding])

    state.actions = state.actions.replace(create_training_dataset=invalid)
    assert state.submit.submit() is None
    assert finding in state.validation.findings_for("role_arn")
    assert not state.submit.can_submit
    state.details.set_role_arn(ROLE_ARN + "-2")
    assert finding not in state.validation.findings_for("role_arn")


def test_check_with_aws_shows_glue_findings_at_the_column(glue: boto3.Session) -> None:
    state = FormState(
        database=DATABASE, table=TABLE, schema=offline_schema(), load=False, boto3_session=glue
    )
    state.details.set_name("checked")
    state.details.set_role_arn(ROLE_ARN)
    state.columns.set_role("note", "CATEGORICAL_FEATURE")  # the Glue table has no column 'note'
    assert state.findings.errors == []  # offline, nothing is wrong
    assert state.checks.check_with_aws()
    found = state.validation.findings_for("columns.note")
    assert [f.code for f in found] == ["unknown_column"] and "note" in found[0].message
    assert not state.submit.can_submit
    state.columns.set_role("note", LEAVE_OUT)  # the request changed: the AWS findings are gone
    assert state.validation.findings_for("columns.note") == [] and state.submit.can_submit


def test_foreign_account_role_is_flagged_at_once_and_refused_by_the_service(
    glue: boto3.Session, cleanrooms: Any
) -> None:
    state = ready_state(glue)
    foreign = "arn:aws:iam::999999999999:role/cleanrooms-ml-elsewhere"
    state.details.set_role_arn(foreign)
    assert [f.code for f in state.validation.findings_for("role_arn")] == ["role_account"]
    assert not state.submit.can_submit and state.submit.submit() is None
    assert cleanrooms.datasets == {}
    # without the live check (e.g. STS unknown), the service refuses it and the form says so
    state.details.account_id = None
    state.validate()
    assert state.submit.can_submit, state.findings
    assert state.submit.submit() is None
    assert isinstance(state.last_error, crn.CleanroomNbError)
    assert "999999999999" in state.error_message
    assert state.details.role_arn == foreign and cleanrooms.datasets == {}


# ---------------------------------------------------------------------------- DataFrame source
def test_dataframe_readiness_figures_are_shown_and_block_when_too_small() -> None:
    state = FormState(interactions_frame(), load=False)
    ensure_roles(state)
    state.details.set_name("small")
    state.details.set_role_arn(ROLE_ARN)
    assert state.checks.readiness is not None and state.checks.readiness.rows == 400
    codes = {f.code for f in state.validation.findings_for("readiness")}
    assert "min_rows" in codes
    assert any(f.level == "error" for f in state.validation.findings_for("readiness"))
    assert not state.submit.can_submit
    # readiness is only recomputed when a key column changes
    report = state.checks.readiness
    state.columns.set_role("device", LEAVE_OUT)
    assert state.checks.readiness is report
    state.columns.set_role("item_id", LEAVE_OUT)
    assert state.checks.readiness is None  # no figures without all three key columns


def test_glue_readiness_on_demand_is_shown_and_errors_kept(glue: boto3.Session) -> None:
    state = ready_state(glue)
    report = type(
        "Report",
        (),
        {
            "findings": crn.Findings(
                [crn.Finding("warning", "rows", "min_rows", "only 400 rows; add data")]
            ),
            "rows": 400,
        },
    )()
    calls: list[tuple[str, str]] = []

    def counted(database: str, table: str, schema: Any, **kw: Any) -> Any:
        calls.append((database, table))
        return report

    state.actions = state.actions.replace(readiness_from_athena=counted)
    assert state.checks.compute_readiness()
    assert calls == [(DATABASE, TABLE)] and state.checks.readiness is report
    assert [f.code for f in state.validation.findings_for("readiness")] == ["min_rows"]
    assert not state.submit.can_submit  # a new warning to acknowledge

    def failing(*a: Any, **kw: Any) -> Any:
        raise crn.AwsError("Athena: the workgroup does not exist; choose another")

    state.actions = state.actions.replace(readiness_from_athena=failing)
    assert not state.checks.compute_readiness()
    assert "workgroup" in state.error_message


def test_dataframe_source_registers_then_submits(
    boto3_session: boto3.Session, cleanrooms: Any
) -> None:
    import awswrangler as wr

    make_roles(boto3_session)
    boto3_session.client("s3").create_bucket(Bucket="frames")
    wr.catalog.create_database("frames_db", boto3_session=boto3_session)
    state = FormState(ready_frame(), boto3_session=boto3_session)
    assert state.schema is not None and state.source.needs_registration
    assert any(f.code == "not_registered" for f in state.validation.findings_for("source"))
    ensure_roles(state)
    state.columns.set_role("device", LEAVE_OUT)
    assert state.columns.sample_values("device")
    assert not state.source.register()  # no target yet: an error that says what to fill in
    assert "S3 path" in state.error_message
    state.source.set_target(path="s3://frames/interactions/", database="frames_db", table="clicks")
    assert state.source.register(), state.error_message
    assert not state.source.needs_registration and state.source.registered_as == (
        "frames_db",
        "clicks",
    )
    assert state.schema is not None and state.schema.column("device").role is None
    assert state.schema.column("user_id").role == "USER_ID"
    assert (
        "clicks"
        in wr.catalog.tables(database="frames_db", boto3_session=boto3_session)["Table"].tolist()
    )
    assert state.checks.readiness is not None and state.checks.readiness.rows == 1_000_000
    state.details.set_name("from-frame")
    state.details.set_role_arn(ROLE_ARN)
    if state.findings.warnings:
        state.submit.acknowledge_warnings()
    assert state.submit.can_submit, state.findings
    arn = state.submit.submit()
    assert arn is not None and arn in cleanrooms.datasets
    sent = cleanrooms.datasets[arn]["trainingData"][0]["inputConfig"]["dataSource"]
    assert sent["glueDataSource"] == {"databaseName": "frames_db", "tableName": "clicks"}
    # pointing the form at another table asks for registering again
    state.source.set_target(table="clicks2")
    assert state.source.needs_registration and not state.submit.can_submit
