"""TrainingDatasetForm's widgets driven like a user would: set ``.value``, call ``.click()``."""

from __future__ import annotations

import html
import re
from typing import Any

import boto3
from form_helpers import (
    DATABASE,
    ROLE_ARN,
    TABLE,
    ensure_roles,
    interactions_frame,
    make_roles,
    offline_schema,
    raw_frame,
    ready_frame,
)

import cleanroom_nb as crn
from cleanroom_nb.form._state import LEAVE_OUT, FormState
from cleanroom_nb.form._view import TrainingDatasetForm


def text_of(markup: str) -> str:
    """The text a browser shows for an HTML fragment (tags removed, entities decoded)."""
    return html.unescape(re.sub(r"<[^>]+>", "", markup))


def acknowledge_if_needed(form: TrainingDatasetForm) -> None:
    if not form.acknowledge.disabled and not form.acknowledge.value:
        form.acknowledge.value = True


def test_choose_table_edit_role_fill_submit_conflict_reuse(
    glue: boto3.Session, cleanrooms: Any
) -> None:
    form = crn.TrainingDatasetForm(boto3_session=glue)
    assert DATABASE in form.database.options
    assert form.table.disabled  # no database chosen yet
    form.database.value = DATABASE
    assert list(form.table.options) == ["", TABLE]
    form.table.value = TABLE
    state = form.state
    assert state.schema is not None
    assert set(form.role_dropdowns) == set(interactions_frame().columns)
    for c in state.schema.columns:
        assert form.role_dropdowns[c.name].value == (c.role or LEAVE_OUT)
    ensure_roles(state)
    assert form.role_dropdowns["email"].value == LEAVE_OUT

    # change one suggested role through its dropdown
    new_role = (
        LEAVE_OUT if form.role_dropdowns["device"].value != LEAVE_OUT else ("CATEGORICAL_FEATURE")
    )
    form.role_dropdowns["device"].value = new_role
    assert state.columns.role_of("device") == new_role
    assert "set by hand" in form.reason_cells["device"].value

    # the role ARN offers the Clean Rooms ML role and is pre-filled with the account
    assert ROLE_ARN in form.role_arn.options
    assert form.role_arn.value == "arn:aws:iam::123456789012:role/"
    assert form.submit.disabled
    form.name.value = "widget-dataset"
    form.role_arn.value = ROLE_ARN
    acknowledge_if_needed(form)
    assert not form.submit.disabled, state.submit.blockers
    form.preview.selected_index = 0  # previews are filled in when opened
    assert '"name": "widget-dataset"' in text_of(form.request_preview.value)
    form.preview.selected_index = 1
    code = text_of(form.code_preview.value)
    assert "client.create_training_dataset(" in code and 'name="widget-dataset"' in code
    assert "font-family" in form.code_preview.value  # monospace, highlighted
    assert "<span" in form.code_preview.value

    form.submit.click()
    arn = state.submit.result_arn
    assert arn is not None and arn in cleanrooms.datasets
    assert arn in form.result.value
    assert form.error.value == ""
    assert form.reuse.layout.display == "none"

    # the same name again: the conflict is shown, with an offer to reuse
    form.submit.click()
    assert isinstance(state.last_error, crn.TrainingDatasetExistsError)
    assert "widget-dataset" in form.error.value
    assert form.result.value == ""
    assert form.reuse.layout.display is None and not form.reuse.disabled
    assert form.name.value == "widget-dataset" and form.role_arn.value == ROLE_ARN
    form.description.value = "changed after the conflict"
    assert form.reuse.layout.display == "none"  # another definition: no reuse offer
    form.description.value = ""
    assert form.reuse.layout.display is None
    form.reuse.click()
    assert state.submit.result_arn == arn and arn in form.result.value
    assert len(cleanrooms.datasets) == 1


def test_invalid_name_disables_submit_and_shows_why(glue: boto3.Session, cleanrooms: Any) -> None:
    form = TrainingDatasetForm(database=DATABASE, table=TABLE, boto3_session=glue)
    ensure_roles(form.state)
    form.name.value = "ok"
    form.role_arn.value = ROLE_ARN
    acknowledge_if_needed(form)
    assert not form.submit.disabled
    form.name.value = "n" * 64
    assert form.submit.disabled
    assert "63" in form.name_findings.value
    assert "Submit is disabled" in form.progress.value
    form.submit.click()  # a click on a disabled button (e.g. from code) sends nothing
    assert cleanrooms.datasets == {}
    assert "Not sent" in form.progress.value


def test_grid_flags_duplicate_and_missing_roles_and_shows_samples(
    glue: boto3.Session,
) -> None:
    form = TrainingDatasetForm(database=DATABASE, table=TABLE, boto3_session=glue)
    ensure_roles(form.state)
    form.role_dropdowns["device"].value = "USER_ID"
    assert "USER_ID given 2 times" in form.flag_cells["device"].value
    assert "USER_ID given 2 times" in form.flag_cells["user_id"].value
    assert "USER_ID is given to 2 columns" in form.schema_flags.value
    form.role_dropdowns["device"].value = LEAVE_OUT
    form.role_dropdowns["item_id"].value = LEAVE_OUT
    assert "no ITEM_ID column" in form.schema_flags.value
    assert form.flag_cells["device"].value == ""
    assert "samples" not in form.flag_cells["event_type"].value
    form.sample_buttons["event_type"].value = True
    shown = form.flag_cells["event_type"].value
    assert "samples:" in shown and any(v in shown for v in ("view", "click", "purchase"))


def test_tags_editor_adds_edits_and_removes_rows(glue: boto3.Session) -> None:
    form = TrainingDatasetForm(database=DATABASE, table=TABLE, boto3_session=glue)
    form.tag_add.click()
    form.tag_add.click()
    assert len(form.tags_box.children) == 2
    (k0, v0, _), (k1, v1, rm1) = form.tag_rows
    k0.value, v0.value = "team", "ml"
    k1.value, v1.value = "team", "dup"
    assert "team" in form.tags_findings.value and "one row per key" in form.tags_findings.value
    rm1.click()
    assert len(form.tags_box.children) == 1 and form.tags_findings.value == ""
    assert form.state.request is not None and form.state.request["tags"] == {"team": "ml"}
    form.preview.selected_index = 0
    assert '"team": "ml"' in text_of(form.request_preview.value)


def test_dataframe_form_registers_before_submitting(
    boto3_session: boto3.Session, cleanrooms: Any
) -> None:
    import awswrangler as wr

    make_roles(boto3_session)
    boto3_session.client("s3").create_bucket(Bucket="frames")
    wr.catalog.create_database("frames_db", boto3_session=boto3_session)
    form = TrainingDatasetForm(df=ready_frame(), boto3_session=boto3_session)
    assert "1,000,000 rows" in form.frame_info.value
    assert "not a Glue table yet" in form.source_findings.value
    assert form.source_findings.value.count("crn-finding") == 1  # one message, not one per name
    ensure_roles(form.state)
    form.register_path.value = "s3://frames/clicks/"
    form.database.value = "frames_db"
    form.table.value = "clicks"
    form.register.click()
    assert "registered as" in form.frame_info.value, form.state.error_message
    assert form.source_findings.value == ""
    form.name.value = "frame-dataset"
    form.role_arn.value = ROLE_ARN
    acknowledge_if_needed(form)
    assert not form.submit.disabled, form.state.submit.blockers
    form.submit.click()
    assert form.state.submit.result_arn in cleanrooms.datasets


def test_check_with_aws_button_shows_glue_findings_in_the_grid(glue: boto3.Session) -> None:
    state = FormState(
        database=DATABASE, table=TABLE, schema=offline_schema(), load=False, boto3_session=glue
    )
    form = TrainingDatasetForm(state=state)
    form.role_dropdowns["note"].value = "CATEGORICAL_FEATURE"  # not a column of the Glue table
    form.name.value = "checked"
    form.role_arn.value = ROLE_ARN
    assert not form.submit.disabled and not form.check.disabled
    form.check.click()
    assert "has no column &#x27;note&#x27;" in form.flag_cells["note"].value
    assert form.submit.disabled and form.state.last_error is None


def test_errors_are_shown_in_the_form(glue: boto3.Session) -> None:
    form = TrainingDatasetForm(boto3_session=glue)
    form.state.source.select_database("missing_db")
    assert "missing_db" in form.error.value
    assert form.state.last_error is not None


def test_displaying_the_form_shows_the_widget() -> None:
    df = interactions_frame(20, 5)
    form = TrainingDatasetForm(state=FormState(df, load=False))
    bundle = form._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert bundle["application/vnd.jupyter.widget-view+json"]["model_id"] == form.widget.model_id
    assert "TrainingDatasetForm(" in repr(form)


def test_create_service_role_button_shows_policies_and_selects_the_role(
    glue: boto3.Session,
) -> None:
    form = TrainingDatasetForm(database=DATABASE, table=TABLE, boto3_session=glue)
    assert form.role_name.placeholder == "cleanrooms-ml-interactions"
    assert not form.role_create.disabled
    trust = text_of(form.trust_preview.value)
    assert "cleanrooms-ml.amazonaws.com" in trust and "sts:AssumeRole" in trust
    assert "arn:aws:glue:us-east-1:123456789012:table/shop/interactions" in text_of(
        form.permissions_preview.value
    )
    assert "font-family" in form.trust_preview.value
    form.role_create.click()
    made = "arn:aws:iam::123456789012:role/cleanrooms-ml-interactions"
    assert form.state.last_error is None, form.state.error_message
    assert form.role_arn.value == made and made in form.role_arn.options
    assert "Created" in form.role_note.value
    assert form.role_arn_findings.value == ""


def test_fix_buttons_show_before_and_after_and_apply() -> None:
    form = TrainingDatasetForm(state=FormState(raw_frame(), load=False))
    assert set(form.fix_buttons) == {"item_id", "event_time"}
    preview = text_of(form.fix_previews["event_time"].value)
    first = raw_frame()["event_time"].iloc[0]
    assert "before" in preview and "after" in preview and first in preview

    def glue_type(column: str) -> str:
        cells = [c.value for c in form.grid.children]
        return cells[cells.index(f"<code>{column}</code>") + 1]

    assert glue_type("event_time") == "string"
    form.fix_buttons["event_time"].click()
    assert set(form.fix_buttons) == {"item_id"}
    assert glue_type("event_time") == "bigint"  # the grid shows the fixed column
    assert "done: event_time" in text_of(form.fixes_intro.value)
    assert form.state.df is not None and str(form.state.df["event_time"].dtype) in (
        "int64",
        "Int64",
    )
    form.fix_buttons["item_id"].click()
    assert form.fix_buttons == {} and "Nothing left to fix" in form.fixes_intro.value


def test_readiness_table_shows_rules_figures_results_and_bytes(glue: boto3.Session) -> None:
    from cleanroom_nb.form._actions import Actions
    from cleanroom_nb.readiness._report import ReadinessReport, rule_findings

    report = ReadinessReport(
        rows=400,
        distinct_users=60,
        users_with_2plus=59,
        null_user_ids=0,
        null_item_ids=0,
        null_timestamps=0,
        ts_min=1_700_000_000,
        ts_max=1_700_500_000,
        ts_unit="s",
        bytes_scanned=8_400,
        source="Athena shop.interactions",
    )
    report.findings = rule_findings(report)
    state = FormState(
        database=DATABASE,
        table=TABLE,
        boto3_session=glue,
        actions=Actions(readiness_from_athena=lambda *a, **k: report),
    )
    form = TrainingDatasetForm(state=state)
    assert form.readiness_html.value == ""
    form.readiness_button.click()
    shown = text_of(form.readiness_html.value)
    assert "crn-readiness-table" in form.readiness_html.value
    assert "rows" in shown and "400" in shown and ">= 1,000,000" in shown and "fail" in shown
    assert "timestamp unit" in shown and "pass" in shown
    assert "Athena scanned 8.2 KB" in shown
    assert form.charts.layout.display == "none"  # this report has no histograms


def test_readiness_charts_are_drawn_when_shown_and_offline() -> None:
    """Issue 20: a DataFrame's counts come with the charts; they are drawn (a PNG inline, no
    CDN) when the accordion is opened, and follow the figures when a key column changes."""
    form = TrainingDatasetForm(state=FormState(interactions_frame(), load=False))
    assert form.charts.layout.display is None and form.readiness_charts.value == ""
    form.charts.selected_index = 0
    shown = form.readiness_charts.value
    assert "<img class='crn-readiness-charts'" in shown and "data:image/png;base64," in shown
    assert "http" not in shown
    form.role_dropdowns["item_id"].value = "CATEGORICAL_FEATURE"  # no ITEM_ID: no figures
    assert form.charts.layout.display == "none"
    form.role_dropdowns["item_id"].value = "ITEM_ID"
    assert form.readiness_charts.value.startswith("<img") and form.readiness_charts.value != ""


def test_the_warnings_box_shows_only_with_warnings_and_counts_read_as_words() -> None:
    """Issue 17, item 7: no "I have read the warnings" without warnings; "1 error", never
    "1 error(s)"; reasons say "6.7 rows each", never "400,000.0 rows each"."""
    loud = FormState(load=False, schema=offline_schema(ts_unit="ms"))
    assert loud.findings.warnings  # epoch milliseconds
    assert TrainingDatasetForm(state=loud).acknowledge.layout.display is None
    state = FormState(interactions_frame(), load=False)
    form = TrainingDatasetForm(state=state)
    head = text_of(form.findings_html.value)
    assert re.search(r"\b\d+ errors?, \d+ warnings?\b", head) and "(s)" not in head
    assert all("(s)" not in b for b in state.submit.blockers)
    quiet = FormState(load=False, schema=offline_schema())
    quiet_form = TrainingDatasetForm(state=quiet)
    assert not quiet.findings.warnings
    assert quiet_form.acknowledge.layout.display == "none"
    assert "1.0 rows" not in " ".join(c.reason for c in state.schema.columns)


def test_slices_are_traitlets_models_linked_to_their_widgets() -> None:
    """Issue 17, item 7: each slice is a traitlets model; the view binds to its traits with
    link/dlink, so a change on either side shows on the other and is checked again at once."""
    import ipywidgets as w
    from traitlets import HasTraits

    state = FormState(interactions_frame(), load=False)
    form = TrainingDatasetForm(state=state)
    heads = [c.value for c in form.widget.children if isinstance(c, w.HTML) and "<b>" in c.value]
    assert [text_of(h) for h in heads[:4]] == [
        "1. Source",
        "2. Columns and roles",
        "3. Details",
        "4. Checks",
    ]
    for slice_ in ("source", "columns", "fixes", "details", "service_role", "checks", "submit"):
        assert isinstance(getattr(state, slice_), HasTraits), slice_
    form.name.value = "typed-in-the-widget"
    assert (
        state.details.name == "typed-in-the-widget" and state.request["name"] == state.details.name
    )
    state.details.name = "n" * 64  # set on the model: the widget follows, the finding shows
    assert form.name.value == "n" * 64
    assert "63" in text_of(form.name_findings.value)
    revisions: list[int] = []
    state.observe(lambda change: revisions.append(change.new), names="revision")
    state.service_role.new_role_name = "my-role"
    assert form.role_name.value == "my-role" and revisions
    state.busy = True
    assert form.submit.description == "Sending..."  # dlink: state to widget only
    state.busy = False
    assert form.submit.description == "Create training dataset"


def test_dataframe_target_fields_are_bound_both_ways_and_keep_what_is_typed() -> None:
    """The DataFrame's target fields: the model's values show through ``dlink``; what is
    typed goes back trimmed (a transformation, so a handler), spaces typed around a value stay
    on screen, and nothing is validated twice for the model's own echo."""
    state = FormState(interactions_frame(), load=False)
    form = TrainingDatasetForm(state=state)
    source = state.source
    form.register_path.value = "  s3://frames/clicks/ "  # widget -> model, trimmed
    form.database.value = "frames_db"
    form.table.value = "clicks"
    assert (source.register_path, source.database, source.table) == (
        "s3://frames/clicks/",
        "frames_db",
        "clicks",
    )
    assert form.register_path.value == "s3://frames/clicks/"  # the value used, trimmed
    form.register_path.value = "s3://frames/clicks/ "  # a space typed after it: kept on screen
    assert form.register_path.value == "s3://frames/clicks/ "
    assert source.register_path == "s3://frames/clicks/"
    assert state.details.name.startswith("clicks-")  # the table's name is suggested
    source.set_target(database="other_db", table="events")  # model -> widget
    assert (form.database.value, form.table.value) == ("other_db", "events")
    revisions: list[int] = []
    state.observe(lambda change: revisions.append(change.new), names="revision")
    form.table.value = "events "  # the same table: nothing to check again
    assert revisions == [] and source.table == "events" and form.table.value == "events "
    form.table.value = "events_2"
    assert source.table == "events_2" and revisions


def test_bound_notes_and_states_follow_their_traits() -> None:
    """One-way displays bound with ``dlink``: the role choices' note, the proposed role name
    as the placeholder, and the reuse button while a request is in flight."""
    state = FormState(interactions_frame(), load=False)
    form = TrainingDatasetForm(state=state)
    state.details.role_choices_note = "existing roles are not offered: access denied"
    assert "access denied" in text_of(form.role_arn_note.value)
    state.details.role_choices_note = None
    assert form.role_arn_note.value == ""
    state.source.set_target(table="clicks")
    assert form.role_name.placeholder == "cleanrooms-ml-clicks"
    state.busy = True
    assert form.reuse.disabled
    state.busy = False
    assert not form.reuse.disabled
