"""Section 4, checks: AWS-side check, readiness figures, every finding, the request preview."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

import ipywidgets as w

from cleanroom_nb._words import count
from cleanroom_nb.form._html import (
    AMBER,
    GREEN,
    GREY,
    RED,
    Setter,
    bytes_scanned_html,
    code_html,
    findings_html,
    scan_estimate_html,
    table_html,
)

if TYPE_CHECKING:
    from cleanroom_nb.form._state import FormState
    from cleanroom_nb.form._view import TrainingDatasetForm

_VERDICT = {
    "pass": f"<span style='color:{GREEN}'>&#10003; pass</span>",
    "fail": f"<span style='color:{RED}'>&#10007; fail</span>",
    "warning": f"<span style='color:{AMBER}'>&#9888; warning</span>",
    "unknown": f"<span style='color:{GREY}'>? unknown</span>",
}


def readiness_html(state: FormState) -> str:
    """The readiness table: each rule, the figure, pass or fail, and the bytes scanned."""
    if state.loading == "readiness":
        return f"<div class='crn-readiness-progress'>&#8987; {html.escape(state.progress)}</div>"
    rows = state.checks.readiness_rows()
    if not rows:
        return ""
    body = [
        (html.escape(rule), html.escape(got), html.escape(need), _VERDICT[verdict])
        for rule, got, need, verdict in rows
    ]
    rep = state.checks.readiness
    source = html.escape(str(getattr(rep, "source", "") or ""))
    scanned = state.checks.scanned_text("readiness")
    if not scanned and state.checks.bytes_scanned:
        scanned = f"Athena scanned {state.checks.bytes_scanned}"
    foot = scanned or "counted in memory (pandas)"
    seconds = getattr(rep, "seconds", None)
    if seconds:
        foot += f" in {seconds:.1f} s"
    return (
        f"<div class='crn-readiness'><b>Readiness</b> of {source}"
        + table_html(
            ("rule", "figure", "required", "result"), body, cls="crn-readiness-table", raw=True
        )
        + bytes_scanned_html(foot)
        + "</div>"
    )


class ChecksView:
    """Buttons for the checks that cost AWS calls; findings; request JSON and boto3 code."""

    def __init__(self, view: TrainingDatasetForm, *, glue: bool) -> None:
        self.view = view
        self.check = w.Button(
            description="Check with AWS",
            icon="check",
            tooltip="check the Glue table and the account too",
            layout=w.Layout(width="200px"),
        )
        self.readiness_button = w.Button(
            description="Count rows (Athena)", icon="calculator", layout=w.Layout(width="200px")
        )
        self.readiness_html = w.HTML()
        self.readiness_charts = w.HTML()
        self.readiness_charts.add_class("crn-charts")
        # Drawing the charts takes a second or so: they are drawn when shown (after a count
        # with Athena the view opens them; for a DataFrame, a click on the title does).
        self.charts = w.Accordion(children=[self.readiness_charts])
        self.charts.set_title(0, "Readiness charts")
        self.charts.selected_index = None
        self.charts.layout.display = "none"
        self.charts.observe(self._on_charts_change, names="selected_index")
        self.scan_estimate = w.HTML()
        self.findings_html = w.HTML()
        self.acknowledge = w.Checkbox(description="I have read the warnings", indent=False)
        self.request_preview = w.HTML()
        self.code_preview = w.HTML()
        self.preview = w.Accordion(children=[self.request_preview, self.code_preview])
        self.preview.set_title(0, "Request (JSON)")
        self.preview.set_title(1, "boto3 code")
        self.preview.selected_index = None
        self.readiness_button.on_click(self._on_readiness_click)
        self.check.on_click(self._on_check_click)
        self.acknowledge.observe(self._on_acknowledge_change, names="value")
        self.preview.observe(self._on_preview_change, names="selected_index")
        self.box = w.VBox(
            [
                w.HBox(
                    [self.check, *([self.readiness_button, self.scan_estimate] if glue else [])],
                    layout=w.Layout(align_items="center"),
                ),
                self.readiness_html,
                self.charts,
                self.findings_html,
                self.acknowledge,
                self.preview,
            ]
        )

    def render(self, state: FormState, set_: Setter) -> None:
        """Copy findings, readiness and (when open) the previews into the widgets."""
        fs = state.findings
        general = state.validation.findings_for("general") + state.validation.findings_for(
            "readiness"
        )
        head = (
            f"<div style='color:{RED if fs.errors else GREEN}'>{count(len(fs.errors), 'error')}, "
            f"{count(len(fs.warnings), 'warning')}</div>"
        )
        warn_list = findings_html(fs.warnings)
        set_(
            self.findings_html,
            "value",
            head
            + findings_html([f for f in general if f.level == "error"])
            + (
                f"<details open><summary>warnings</summary>{warn_list}</details>"
                if fs.warnings
                else ""
            ),
        )
        set_(self.acknowledge, "value", bool(fs.warnings) and state.submit.warnings_acknowledged)
        set_(self.acknowledge, "disabled", not fs.warnings)
        set_(self.acknowledge.layout, "display", None if fs.warnings else "none")
        set_(self.readiness_button, "disabled", state.busy or state.schema is None)
        set_(self.check, "disabled", state.busy or state.request is None)
        set_(self.readiness_html, "value", readiness_html(state))
        has_charts = getattr(state.checks.readiness, "histograms", None) is not None
        set_(self.charts.layout, "display", None if has_charts else "none")
        self.render_charts(state, set_)
        estimate = state.checks.estimate_text("readiness") if state.schema is not None else ""
        set_(self.scan_estimate, "value", scan_estimate_html(estimate))
        self.render_previews(state, set_)

    def render_charts(self, state: FormState, set_: Setter) -> None:
        """The charts, drawn only while shown (``""`` when closed, so nothing stale is kept)."""
        shown = self.charts.selected_index == 0
        set_(self.readiness_charts, "value", state.checks.charts_html() if shown else "")

    def render_previews(self, state: FormState, set_: Setter) -> None:
        """Highlighting costs a few ms: only the open preview is filled in."""
        none = "<i>no request yet</i>"
        if self.preview.selected_index == 0:
            text = state.validation.request_json
            set_(self.request_preview, "value", code_html(text, "json") if text else none)
        elif self.preview.selected_index == 1:
            code = state.validation.boto3_code
            set_(self.code_preview, "value", code_html(code, "python") if code else none)

    # ------------------------------------------------------------------ handlers
    def _on_readiness_click(self, _button: w.Button) -> None:
        if self.view.state.checks.compute_readiness():
            self.charts.selected_index = 0  # what was asked for: shown at once

    def _on_charts_change(self, change: dict[str, Any]) -> None:
        self.render_charts(self.view.state, self.view._set)

    def _on_check_click(self, _button: w.Button) -> None:
        self.view.state.checks.check_with_aws()

    def _on_acknowledge_change(self, change: dict[str, Any]) -> None:
        self.view._user(lambda: self.view.state.submit.acknowledge_warnings(bool(change["new"])))

    def _on_preview_change(self, change: dict[str, Any]) -> None:
        self.render_previews(self.view.state, self.view._set)
