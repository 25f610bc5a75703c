"""The thin ipywidgets view of :class:`~cleanroom_nb.form.audience._model.AudienceStep`.

Values are bound with ``link`` (what the user edits) and ``dlink`` (what the model shows);
buttons call the model's methods from handlers named ``_on_<child>_<event>``. No logic here.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Sequence
from typing import Any

import ipywidgets as w

from cleanroom_nb.form._html import (
    GREEN,
    GREY,
    RED,
    bytes_scanned_html,
    code_html,
    grey,
    scan_estimate_html,
)
from cleanroom_nb.form.audience._model import AudienceStep
from cleanroom_nb.glue._scan_estimate import estimate_words

LABEL = {"description_width": "150px"}
WIDE = w.Layout(width="620px")
SPINNER = "<i class='fa fa-spinner fa-spin' aria-hidden='true'></i>"
"""Font Awesome's spinner (ipywidgets ships the font, for its button icons: offline)."""
ROLE_OPTIONS = (("Create a new role", "create"), ("Use an existing role", "choose"))


def _findings_html(findings: Sequence[Any]) -> str:
    return "".join(
        f"<div class='crn-finding crn-{level}' style='color:{RED if level == 'error' else '#9a6700'}'>"
        f"{'&#10007;' if level == 'error' else '&#9888;'} {html.escape(str(message))}</div>"
        for level, message in findings
    )


def _chart_html(png: bytes | None) -> str:
    if not png:
        return ""
    data = base64.b64encode(png).decode("ascii")
    return (
        "<img class='crn-window-chart' alt='events per day, the training window shaded' "
        f"style='max-width:100%' src='data:image/png;base64,{data}'>"
    )


def _loading_html(what: str) -> str:
    if not what:
        return ""
    return (
        f"<span class='crn-audience-loading' style='color:{GREY}'>{SPINNER} "
        f"{html.escape(what)}...</span>"
    )


def _role_note_html(note: str) -> str:
    if not note:
        return ""
    return f"<div class='crn-role-note' style='color:{GREEN}'>{html.escape(note)}</div>"


def _display(show: bool) -> str | None:
    return None if show else "none"


class AudienceStepView:
    """Sections 5 and 6 of the form: train an audience model, then configure it.

    Parameters
    ----------
    model
        The :class:`AudienceStep` to show.

    Examples
    --------
    >>> view = AudienceStepView(AudienceStep())
    >>> view.box.layout.display  # shown once a training dataset is created
    'none'
    """

    def __init__(self, model: AudienceStep) -> None:
        self.model = model
        m, c = model, model.config
        # --- 5. train
        self.loading = w.HTML()
        self.data_span = w.HTML()
        self.start = w.DatePicker(description="Window: first day", style=LABEL)
        self.end = w.DatePicker(description="last day (included)", style=LABEL)
        self.load_window = w.Button(
            description="Read the data's time range (Athena)",
            icon="calendar",
            layout=w.Layout(width="300px"),
        )
        self.check_window = w.Button(description="Check the window (Athena)", icon="search")
        self.check_window.layout = w.Layout(width="240px")
        self.chart = w.HTML()
        self.window_findings = w.HTML()
        self.window_counts = w.HTML()
        self.scan_estimate = w.HTML()  # before the Athena query: its bytes and price
        self.scanned = w.HTML()  # after it: the bytes it scanned
        self.model_name = w.Text(description="Model name", style=LABEL, layout=WIDE)
        self.train = w.Button(
            description="Train", button_style="primary", icon="play", layout=w.Layout(width="240px")
        )
        self.reuse_model = w.Button(description="Use the existing model", icon="recycle")
        self.train_status = w.HTML()
        self.window_box = w.HBox([self.start, self.end, self.check_window])
        self.train_box = w.VBox(
            [
                w.HTML("<b>5. Train an audience model</b>"),
                self.loading,
                self.load_window,
                self.data_span,
                self.window_box,
                self.scan_estimate,
                self.chart,
                self.window_findings,
                self.window_counts,
                self.scanned,
                self.model_name,
                w.HBox([self.train, self.reuse_model]),
                self.train_status,
            ]
        )
        # --- 6. configure
        self.output_s3_uri = w.Text(
            description="Output location",
            placeholder="s3://bucket/prefix/",
            style=LABEL,
            layout=WIDE,
            continuous_update=False,
        )
        self.role_mode = w.ToggleButtons(options=ROLE_OPTIONS, style={"button_width": "170px"})
        self.role_name = w.Text(
            description="New role name", style=LABEL, layout=WIDE, continuous_update=False
        )
        self.create_role = w.Button(description="Create output role", icon="plus")
        self.create_role.layout = w.Layout(width="240px")
        self.role_policies = w.HTML()
        self.policies = w.Accordion(children=[self.role_policies])
        self.policies.set_title(0, "Policies the new role gets")
        self.policies.selected_index = None
        self.create_box = w.VBox([self.role_name, self.create_role, self.policies])
        self.role_arn = w.Text(
            description="Output role",
            placeholder="arn:aws:iam::<account>:role/<name>",
            style=LABEL,
            layout=WIDE,
            continuous_update=False,
        )
        self.check_role = w.Button(description="Check role", icon="check")
        self.role_note = w.HTML()
        self.role_findings = w.HTML()
        self.configured_name = w.Text(description="Configured name", style=LABEL, layout=WIDE)
        self.configure = w.Button(
            description="Configure",
            button_style="primary",
            icon="cogs",
            layout=w.Layout(width="240px"),
        )
        self.reuse_configured = w.Button(description="Use the existing one", icon="recycle")
        self.configure_status = w.HTML()
        self.configure_box = w.VBox(
            [
                w.HTML("<b>6. Configure the audience model</b>"),
                self.output_s3_uri,
                self.role_mode,
                self.create_box,
                w.HBox([self.role_arn, self.check_role]),
                self.role_note,
                self.role_findings,
                self.configured_name,
                w.HBox([self.configure, self.reuse_configured]),
                self.configure_status,
            ]
        )
        self.box = w.VBox([self.train_box, self.configure_box])
        self.box.add_class("crn-audience")

        # --- bindings: what the user edits, both ways; what the model shows, one way
        self.links = [
            w.link((m, "first_day"), (self.start, "value")),
            w.link((m, "last_day"), (self.end, "value")),
            w.link((m, "model_name"), (self.model_name, "value")),
            w.link((c, "output_s3_uri"), (self.output_s3_uri, "value")),
            w.link((c, "role_mode"), (self.role_mode, "value")),
            w.link((c, "role_name"), (self.role_name, "value")),
            w.link((c, "role_arn"), (self.role_arn, "value")),
            w.link((c, "configured_name"), (self.configured_name, "value")),
            w.dlink((m, "visible"), (self.box.layout, "display"), _display),
            w.dlink((m, "loading"), (self.loading, "value"), _loading_html),
            w.dlink((m, "data_span"), (self.data_span, "value"), lambda s: grey(s)),
            w.dlink((m, "chart_png"), (self.chart, "value"), _chart_html),
            w.dlink((m, "window_findings"), (self.window_findings, "value"), _findings_html),
            w.dlink((m, "window_counts"), (self.window_counts, "value"), lambda s: grey(s)),
            w.dlink(
                (m, "scan_estimate"),
                (self.scan_estimate, "value"),
                lambda est: scan_estimate_html(estimate_words(est)),
            ),
            w.dlink((m, "scanned_text"), (self.scanned, "value"), bytes_scanned_html),
            w.dlink(
                (m, "source"),
                (self.check_window.layout, "display"),
                lambda s: _display(s == "glue"),
            ),
            w.dlink((m, "train_blockers"), (self.train, "disabled"), bool),
            w.dlink(
                (m, "window_ready"),
                (self.load_window.layout, "display"),
                lambda ready: _display(not ready),
            ),
            w.dlink((m, "window_ready"), (self.window_box.layout, "display"), _display),
            w.dlink((m, "loading"), (self.load_window, "disabled"), bool),
            w.dlink(
                (m, "training"),
                (self.train, "description"),
                lambda busy: "Training..." if busy else "Train",
            ),
            w.dlink((m, "training"), (self.check_window, "disabled")),
            w.dlink((m, "training"), (self.start, "disabled")),
            w.dlink((m, "training"), (self.end, "disabled")),
            w.dlink((m, "can_reuse_model"), (self.reuse_model.layout, "display"), _display),
            w.dlink(
                (m, "model_status"),
                (self.configure_box.layout, "display"),
                lambda s: _display(s == "ACTIVE"),
            ),
            w.dlink(
                (c, "role_mode"),
                (self.create_box.layout, "display"),
                lambda mode: _display(mode == "create"),
            ),
            w.dlink(
                (c, "role_policies"),
                (self.role_policies, "value"),
                lambda text: code_html(text, "json") if text else "",
            ),
            w.dlink((c, "role_note"), (self.role_note, "value"), _role_note_html),
            w.dlink((c, "role_findings"), (self.role_findings, "value"), _findings_html),
            w.dlink((c, "configuring"), (self.create_role, "disabled")),
            w.dlink((c, "configure_blockers"), (self.configure, "disabled"), bool),
            w.dlink(
                (c, "configuring"),
                (self.configure, "description"),
                lambda busy: "Configuring..." if busy else "Configure",
            ),
            w.dlink(
                (c, "can_reuse_configured"), (self.reuse_configured.layout, "display"), _display
            ),
        ]
        m.observe(
            self._on_model_change,
            names=[
                "statuses",
                "model_arn",
                "model_status",
                "status_details",
                "train_error",
                "train_blockers",
                "training",
            ],
        )
        c.observe(
            self._on_configured_change,
            names=["configured_arn", "configure_error", "configure_blockers", "configuring"],
        )
        self.train.on_click(self._on_train_click)
        self.reuse_model.on_click(self._on_reuse_model_click)
        self.load_window.on_click(self._on_load_window_click)
        self.check_window.on_click(self._on_check_window_click)
        self.create_role.on_click(self._on_create_role_click)
        self.check_role.on_click(self._on_check_role_click)
        self.configure.on_click(self._on_configure_click)
        self.reuse_configured.on_click(self._on_reuse_configured_click)
        self._on_model_change(None)
        self._on_configured_change(None)

    # ------------------------------------------------------------------ handlers
    def _on_train_click(self, _button: w.Button) -> None:
        self.model.train()

    def _on_reuse_model_click(self, _button: w.Button) -> None:
        self.model.train(reuse=True)

    def _on_load_window_click(self, _button: w.Button) -> None:
        self.model.load_window()

    def _on_check_window_click(self, _button: w.Button) -> None:
        self.model.check_window()

    def _on_create_role_click(self, _button: w.Button) -> None:
        self.model.config.create_role()

    def _on_check_role_click(self, _button: w.Button) -> None:
        self.model.config.check_role()

    def _on_configure_click(self, _button: w.Button) -> None:
        self.model.config.configure()

    def _on_reuse_configured_click(self, _button: w.Button) -> None:
        self.model.config.configure(reuse=True)

    # ------------------------------------------------------------------ what the model shows

    def _on_model_change(self, _change: Any) -> None:
        m = self.model
        lines = []
        if m.statuses:
            chain = " &rarr; ".join(f"<b>{html.escape(s)}</b>" for s in m.statuses)
            mark = (
                f"{SPINNER} " if m.training else ("&#10003; " if m.model_status == "ACTIVE" else "")
            )
            lines.append(f"<div class='crn-audience-statuses'>{mark}{chain}</div>")
        if m.model_arn:
            colour = RED if "FAIL" in m.model_status else GREEN
            lines.append(
                f"<div class='crn-audience-result' style='color:{colour}'>audience model "
                f"<code class='crn-model-arn'>{html.escape(m.model_arn)}</code>"
                + (f"<br>status: <b>{html.escape(m.model_status)}</b>" if m.model_status else "")
                + "</div>"
            )
        if m.status_details:
            lines.append(
                f"<div class='crn-status-details' style='color:{RED}'>&#10007; Training failed: "
                f"{html.escape(m.status_details)}</div>"
            )
        if m.train_error and not m.status_details:
            lines.append(
                f"<div class='crn-audience-error' style='color:{RED};white-space:pre-wrap'>"
                f"&#10007; {html.escape(m.train_error)}</div>"
            )
        if m.train_blockers and not m.training and m.dataset_arn:
            lines.append(grey("Train is disabled: " + "; ".join(m.train_blockers) + "."))
        self.train_status.value = "".join(lines)

    def _on_configured_change(self, _change: Any) -> None:
        m = self.model.config
        lines = []
        if m.configured_arn:
            lines.append(
                f"<div class='crn-configured-result' style='color:{GREEN}'>&#10003; configured "
                f"audience model <code class='crn-configured-arn'>"
                f"{html.escape(m.configured_arn)}</code></div>"
            )
        if m.configure_error:
            lines.append(
                f"<div class='crn-audience-error' style='color:{RED};white-space:pre-wrap'>"
                f"&#10007; {html.escape(m.configure_error)}</div>"
            )
        if m.configure_blockers and not m.configuring and m.model_status == "ACTIVE":
            lines.append(grey("Configure is disabled: " + "; ".join(m.configure_blockers) + "."))
        self.configure_status.value = "".join(lines)

    # ------------------------------------------------------------------ display
    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.box)


def attach(form: Any) -> AudienceStepView:
    """Add the audience steps under a :class:`~cleanroom_nb.TrainingDatasetForm`'s submit step.

    They show once the form's submit step reports "Created", for that training dataset.
    """
    view = AudienceStepView(form.state.audience)  # the FormState's audience slice
    form.widget.children = (*form.widget.children, view.box)
    return view
