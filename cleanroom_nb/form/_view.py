"""The ipywidgets view of :class:`~cleanroom_nb.form._state.FormState`: ``TrainingDatasetForm``.

The view is thin: every handler (``_on_<child>_<event>``) forwards to the state, and
:meth:`TrainingDatasetForm._render` copies the state back into the widgets whenever the state
reports a change. All logic lives in the state.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable
from typing import Any

import boto3
import ipywidgets as w
import pandas as pd

from cleanroom_nb._findings import Finding
from cleanroom_nb.form._state import LEAVE_OUT, ROLE_CHOICES, FormState
from cleanroom_nb.infer._schema import TrainingSchema

_RED, _AMBER, _GREEN, _GREY = "#cf222e", "#9a6700", "#1a7f37", "#6e7781"
_GRID_COLUMNS = "minmax(120px, 1fr) 90px 190px 50px minmax(200px, 3fr) 70px minmax(140px, 2fr)"


def _findings_html(findings: Iterable[Finding]) -> str:
    items = [
        f"<div class='crn-finding crn-{f.level}' "
        f"style='color:{_RED if f.level == 'error' else _AMBER}'>"
        f"{'&#10007;' if f.level == 'error' else '&#9888;'} {html.escape(f.message)}</div>"
        for f in findings
    ]
    return "".join(items)


def _pre(text: str) -> str:
    return (
        "<pre style='max-height:320px;overflow:auto;font-size:12px;background:#f6f8fa;"
        f"padding:6px;margin:0'>{html.escape(text)}</pre>"
    )


class TrainingDatasetForm:
    """A notebook form that takes a DataFrame or a Glue table to a created training dataset.

    Parameters
    ----------
    df
        A DataFrame to prepare (it is registered as a Glue table before submitting).
    database, table
        The Glue database and table to start with (for a DataFrame: where to register it).
    catalog_id, schema, wait
        See :class:`~cleanroom_nb.form._state.FormState`.
    state
        An existing :class:`~cleanroom_nb.form._state.FormState` to show (the other arguments
        are then ignored).
    boto3_session
        The session every AWS call uses (default: ``boto3.Session()``).

    Attributes
    ----------
    state
        The :class:`~cleanroom_nb.form._state.FormState` that holds values, findings and results.
    widget
        The top-level ipywidgets container.

    Examples
    --------
    >>> import pandas as pd
    >>> from cleanroom_nb.form._state import FormState
    >>> df = pd.DataFrame({"user_id": ["a", "b"], "item_id": [1, 2],
    ...                    "ts": [1700000000, 1700000100]})
    >>> form = TrainingDatasetForm(state=FormState(df, load=False))
    >>> form.name.value = "my-dataset"
    >>> form.state.name
    'my-dataset'
    >>> form.submit.disabled
    True
    """

    def __init__(
        self,
        df: pd.DataFrame | None = None,
        database: str | None = None,
        table: str | None = None,
        boto3_session: boto3.Session | None = None,
        *,
        catalog_id: str | None = None,
        schema: TrainingSchema | None = None,
        wait: bool = False,
        state: FormState | None = None,
    ) -> None:
        self._syncing = False
        self._grid_columns: tuple[str, ...] | None = None
        self._build_widgets(glue=state.source_kind == "glue" if state else df is None)
        if state is None:
            # Show the form at once, then load: the loading line tells what is going on.
            state = FormState(
                df,
                database,
                table,
                catalog_id=catalog_id,
                schema=schema,
                load=False,
                wait=wait,
                boto3_session=boto3_session,
            )
            self.state = state
            state.observe(self._render)
            self._render(state, frozenset())
            state.load()
        else:
            self.state = state
            state.observe(self._render)
            self._render(state, frozenset())

    # ------------------------------------------------------------------ building
    def _build_widgets(self, *, glue: bool) -> None:
        full = w.Layout(width="100%")
        style = {"description_width": "110px"}
        self.title = w.HTML("<h3 style='margin:4px 0'>New Clean Rooms ML training dataset</h3>")
        self.status = w.HTML()
        self.glue_source = glue
        if glue:
            self.database: w.Dropdown | w.Text = w.Dropdown(
                description="Glue database",
                options=[""],
                style=style,
                layout=w.Layout(width="420px"),
            )
            self.table: w.Dropdown | w.Text = w.Dropdown(
                description="Glue table",
                options=[""],
                style=style,
                layout=w.Layout(width="420px"),
            )
            self.register_path = w.Text(description="S3 path", style=style)
            self.register = w.Button(description="Register in Glue", icon="database")
            self.readiness_button = w.Button(
                description="Count rows (Athena)", icon="calculator", layout=w.Layout(width="200px")
            )
            source_children: list[w.Widget] = [w.HBox([self.database, self.table])]
        else:
            self.database = w.Text(
                description="Glue database",
                placeholder="my_database",
                style=style,
                layout=w.Layout(width="420px"),
            )
            self.table = w.Text(
                description="Glue table",
                placeholder="interactions",
                style=style,
                layout=w.Layout(width="420px"),
            )
            self.register_path = w.Text(
                description="S3 path",
                placeholder="s3://bucket/prefix/",
                style=style,
                layout=w.Layout(width="420px"),
            )
            self.register = w.Button(
                description="Register in Glue", icon="database", button_style="info"
            )
            self.readiness_button = w.Button(description="Count rows (Athena)", icon="calculator")
            self.frame_info = w.HTML()
            source_children = [
                self.frame_info,
                w.HBox([self.register_path]),
                w.HBox([self.database, self.table]),
                self.register,
            ]
        self.source_findings = w.HTML()
        self.source_box = w.VBox([*source_children, self.source_findings])

        self.schema_flags = w.HTML()
        self.grid = w.GridBox(
            layout=w.Layout(
                grid_template_columns=_GRID_COLUMNS,
                grid_gap="2px 8px",
                width="100%",
                align_items="center",
            )
        )
        self.role_dropdowns: dict[str, w.Dropdown] = {}
        self.sample_buttons: dict[str, w.ToggleButton] = {}
        self.flag_cells: dict[str, w.HTML] = {}
        self.confidence_cells: dict[str, w.HTML] = {}
        self.reason_cells: dict[str, w.HTML] = {}

        self.name = w.Text(
            description="Name",
            placeholder="my-training-dataset",
            style=style,
            layout=w.Layout(width="520px"),
        )
        side = w.Layout(flex="1 1 0%", min_width="0")
        self.name_findings = w.HTML(layout=side)
        self.description = w.Textarea(
            description="Description", style=style, layout=w.Layout(width="520px", height="48px")
        )
        self.description_findings = w.HTML(layout=side)
        self.role_arn = w.Combobox(
            description="Role ARN",
            options=[],
            ensure_option=False,
            placeholder="arn:aws:iam::123456789012:role/cleanrooms-ml-...",
            style=style,
            layout=w.Layout(width="520px"),
        )
        self.role_arn_note = w.HTML()
        self.role_arn_findings = w.HTML()
        self.tags_box = w.VBox()
        self.tag_add = w.Button(description="Add tag", icon="plus", layout=w.Layout(width="110px"))
        self.tag_rows: list[tuple[w.Text, w.Text, w.Button]] = []
        self.tags_findings = w.HTML()
        fields = w.VBox(
            [
                w.HBox([self.name, self.name_findings]),
                w.HBox([self.description, self.description_findings]),
                w.HBox(
                    [
                        self.role_arn,
                        w.VBox([self.role_arn_note, self.role_arn_findings], layout=side),
                    ]
                ),
                w.HTML("<b>Tags</b>"),
                self.tags_box,
                w.HBox([self.tag_add, self.tags_findings]),
            ]
        )

        self.check = w.Button(
            description="Check with AWS",
            icon="check",
            tooltip="check the Glue table and the account too",
            layout=w.Layout(width="200px"),
        )
        self.findings_html = w.HTML()
        self.acknowledge = w.Checkbox(description="I have read the warnings", indent=False)
        self.readiness_html = w.HTML()
        self.request_preview = w.HTML()
        self.code_preview = w.HTML()
        self.preview = w.Accordion(children=[self.request_preview, self.code_preview])
        self.preview.set_title(0, "Request (JSON)")
        self.preview.set_title(1, "boto3 code")
        self.preview.selected_index = None

        self.submit = w.Button(
            description="Create training dataset",
            button_style="primary",
            icon="cloud-upload",
            layout=w.Layout(width="240px"),
        )
        self.progress = w.HTML()
        self.result = w.HTML()
        self.error = w.HTML()
        self.reuse = w.Button(
            description="Use the existing dataset",
            icon="recycle",
            layout=w.Layout(display="none", width="240px"),
        )

        self.widget = w.VBox(
            [
                self.title,
                self.status,
                w.HTML("<b>1. Source</b>"),
                self.source_box,
                w.HTML("<b>2. Columns and roles</b>"),
                self.schema_flags,
                self.grid,
                w.HTML("<b>3. Details</b>"),
                fields,
                w.HTML("<b>4. Checks</b>"),
                w.HBox([self.check, *([self.readiness_button] if glue else [])]),
                self.readiness_html,
                self.findings_html,
                self.acknowledge,
                self.preview,
                w.HBox([self.submit, self.reuse]),
                self.progress,
                self.result,
                self.error,
            ],
            layout=full,
        )
        self.widget.add_class("crn-form")

        if glue:
            self.database.observe(self._on_database_change, names="value")
            self.table.observe(self._on_table_change, names="value")
        else:
            self.database.observe(self._on_database_change, names="value")
            self.table.observe(self._on_table_change, names="value")
            self.register_path.observe(self._on_register_path_change, names="value")
            self.register.on_click(self._on_register_click)
        self.readiness_button.on_click(self._on_readiness_click)
        self.check.on_click(self._on_check_click)
        self.name.observe(self._on_name_change, names="value")
        self.description.observe(self._on_description_change, names="value")
        self.role_arn.observe(self._on_role_arn_change, names="value")
        self.tag_add.on_click(self._on_tag_add_click)
        self.acknowledge.observe(self._on_acknowledge_change, names="value")
        self.submit.on_click(self._on_submit_click)
        self.reuse.on_click(self._on_reuse_click)

    # ------------------------------------------------------------------ handlers
    def _user(self, action: Callable[[], Any]) -> None:
        """Run a user action unless the change comes from :meth:`_render` itself."""
        if not self._syncing:
            action()

    def _on_database_change(self, change: dict[str, Any]) -> None:
        self._user(lambda: self.state.select_database(str(change["new"] or "")))

    def _on_table_change(self, change: dict[str, Any]) -> None:
        self._user(lambda: self.state.select_table(str(change["new"] or "")))

    def _on_register_path_change(self, change: dict[str, Any]) -> None:
        self._user(lambda: self.state.set_target(path=str(change["new"])))

    def _on_register_click(self, _button: w.Button) -> None:
        self.state.register()

    def _on_readiness_click(self, _button: w.Button) -> None:
        self.state.compute_readiness()

    def _on_check_click(self, _button: w.Button) -> None:
        self.state.check_with_aws()

    def _on_role_change(self, column: str, change: dict[str, Any]) -> None:
        self._user(lambda: self.state.set_role(column, str(change["new"])))

    def _on_samples_click(self, column: str, change: dict[str, Any]) -> None:
        self._render_flags()

    def _on_name_change(self, change: dict[str, Any]) -> None:
        self._user(lambda: self.state.set_name(str(change["new"])))

    def _on_description_change(self, change: dict[str, Any]) -> None:
        self._user(lambda: self.state.set_description(str(change["new"])))

    def _on_role_arn_change(self, change: dict[str, Any]) -> None:
        self._user(lambda: self.state.set_role_arn(str(change["new"])))

    def _on_tag_add_click(self, _button: w.Button) -> None:
        self.state.add_tag()

    def _on_tag_remove_click(self, index: int) -> None:
        self.state.remove_tag(index)

    def _on_tag_key_change(self, index: int, change: dict[str, Any]) -> None:
        self._user(lambda: self.state.set_tag(index, key=str(change["new"])))

    def _on_tag_value_change(self, index: int, change: dict[str, Any]) -> None:
        self._user(lambda: self.state.set_tag(index, value=str(change["new"])))

    def _on_acknowledge_change(self, change: dict[str, Any]) -> None:
        self._user(lambda: self.state.acknowledge_warnings(bool(change["new"])))

    def _on_submit_click(self, _button: w.Button) -> None:
        self.state.submit()

    def _on_reuse_click(self, _button: w.Button) -> None:
        self.state.reuse_existing()

    # ------------------------------------------------------------------ rendering
    def _set(self, widget: w.Widget, name: str, value: Any) -> None:
        """Set a trait only when it differs (no echo back to the browser, no handler loop)."""
        if getattr(widget, name) != value:
            setattr(widget, name, value)

    def _render(self, state: FormState, changed: frozenset[str]) -> None:
        """Copy the state into the widgets (called by the state after every change)."""
        self._syncing = True
        try:
            self._render_source(state)
            self._render_grid(state)
            self._render_fields(state)
            self._render_checks(state)
            self._render_submit(state)
        finally:
            self._syncing = False

    def _render_source(self, state: FormState) -> None:
        status = (
            f"<span style='color:{_GREY}'>&#8987; Loading {state.loading}...</span>"
            if state.loading
            else ""
        )
        self._set(self.status, "value", status)
        if self.glue_source:
            dbs = ("", *state.databases)
            if state.database and state.database not in dbs:
                dbs = (*dbs, state.database)
            self._set(self.database, "options", dbs)
            self._set(self.database, "value", state.database)
            tables = ("", *state.tables)
            if state.table and state.table not in tables:
                tables = (*tables, state.table)
            self._set(self.table, "options", tables)
            self._set(self.table, "value", state.table)
            self._set(self.database, "disabled", state.busy)
            self._set(self.readiness_button, "disabled", state.busy or state.schema is None)
            self._set(self.table, "disabled", state.busy or not state.database)
        else:
            df = state.df
            assert df is not None
            registered = (
                f" &mdash; <span style='color:{_GREEN}'>registered as "
                f"<code>{html.escape('.'.join(state.registered_as))}</code></span>"
                if state.registered_as and not state.needs_registration
                else ""
            )
            self._set(
                self.frame_info,
                "value",
                f"DataFrame: {df.shape[0]:,} rows &times; {df.shape[1]} columns{registered}",
            )
            self._set(self.database, "value", state.database)
            self._set(self.table, "value", state.table)
            self._set(self.register_path, "value", state.register_path)
            self._set(self.register, "disabled", state.busy or state.schema is None)
        self._set(self.source_findings, "value", _findings_html(state.findings_for("source")))

    def _render_grid(self, state: FormState) -> None:
        schema = state.schema
        names = tuple(c.name for c in schema.columns) if schema is not None else ()
        if names != self._grid_columns:
            self._build_grid(state)
        if schema is None:
            self._set(self.schema_flags, "value", "")
            return
        for c in schema.columns:
            self._set(self.role_dropdowns[c.name], "value", c.role or LEAVE_OUT)
            self._set(self.confidence_cells[c.name], "value", f"{c.confidence:.2f}")
            self._set(
                self.reason_cells[c.name],
                "value",
                f"<span style='font-size:12px'>{html.escape(c.reason)}</span>",
            )
        self._render_flags()
        flags = []
        for role in state.missing_roles():
            why = schema.missing.get(role, "no column has this role")
            flags.append(
                Finding(
                    "error",
                    "schema",
                    "missing_role",
                    f"missing {role}: {why}; give one column this role.",
                )
            )
        for role in state.column_duplicates():
            cols = ", ".join(c.name for c in schema.role_columns(role))
            flags.append(
                Finding(
                    "error",
                    "schema",
                    "duplicate_role",
                    f"{role} is given twice or more ({cols}); keep one.",
                )
            )
        others = [
            f
            for f in state.findings_for("schema")
            if f.code not in ("missing_role", "duplicate_role")
        ]
        self._set(self.schema_flags, "value", _findings_html([*flags, *others]))

    def _build_grid(self, state: FormState) -> None:
        self.role_dropdowns, self.sample_buttons, self.flag_cells = {}, {}, {}
        self.confidence_cells, self.reason_cells = {}, {}
        schema = state.schema
        self._grid_columns = tuple(c.name for c in schema.columns) if schema is not None else ()
        if schema is None:
            self.grid.children = ()
            return
        # One row per column, 7 cells each: sharing one Layout and one Style per kind of
        # cell makes building a 100-column grid about three times faster.
        html_layout, html_style = w.Layout(), w.HTML().style
        role_layout, role_style = w.Layout(width="185px"), w.Dropdown().style
        toggle_layout, toggle_style = w.Layout(width="64px"), w.ToggleButton().style

        def cell(value: str = "") -> w.HTML:
            return w.HTML(value, layout=html_layout, style=html_style)

        cells: list[w.Widget] = [
            cell(f"<b>{t}</b>")
            for t in ("column", "Glue type", "role", "conf.", "reason", "samples", "flags")
        ]
        options = [(r if r != LEAVE_OUT else "(leave out)", r) for r in ROLE_CHOICES]
        for c in schema.columns:
            role = w.Dropdown(
                options=options, value=c.role or LEAVE_OUT, layout=role_layout, style=role_style
            )
            role.add_class("crn-role")
            role.add_class(f"crn-role-{c.name}")
            role.observe(
                lambda change, col=c.name: self._on_role_change(col, change), names="value"
            )
            samples = w.ToggleButton(
                description="show",
                layout=toggle_layout,
                style=toggle_style,
                tooltip=f"sample values of {c.name}",
            )
            samples.observe(
                lambda change, col=c.name: self._on_samples_click(col, change), names="value"
            )
            flag = cell()
            conf = cell(f"{c.confidence:.2f}")
            reason = cell()
            key = " (partition)" if c.is_partition_key else ""
            cells += [
                cell(f"<code>{html.escape(c.name)}</code>{key}"),
                cell(html.escape(c.glue_type)),
                role,
                conf,
                reason,
                samples,
                flag,
            ]
            self.role_dropdowns[c.name] = role
            self.sample_buttons[c.name] = samples
            self.flag_cells[c.name] = flag
            self.confidence_cells[c.name] = conf
            self.reason_cells[c.name] = reason
        self.grid.children = tuple(cells)

    def _render_flags(self) -> None:
        state = self.state
        flags = state.column_flags()
        for name, cell in self.flag_cells.items():
            parts = []
            for text in flags.get(name, []):
                color = _AMBER if text.startswith("warning") else _RED
                parts.append(f"<div style='color:{color};font-size:12px'>{html.escape(text)}</div>")
            if self.sample_buttons[name].value:
                values = state.sample_values(name)
                shown = ", ".join(values) if values else "no sample values"
                parts.append(
                    f"<div style='color:{_GREY};font-size:12px'>samples: {html.escape(shown)}</div>"
                )
            self._set(cell, "value", "".join(parts))

    def _render_fields(self, state: FormState) -> None:
        self._set(self.name, "value", state.name)
        self._set(self.description, "value", state.description)
        self._set(self.role_arn, "options", tuple(state.role_choices))
        self._set(self.role_arn, "value", state.role_arn)
        note = (
            f"<span style='color:{_GREY};font-size:12px'>"
            f"{html.escape(state.role_choices_note)}</span>"
            if state.role_choices_note
            else ""
        )
        self._set(self.role_arn_note, "value", note)
        for field, cell in (
            ("name", self.name_findings),
            ("description", self.description_findings),
            ("role_arn", self.role_arn_findings),
            ("tags", self.tags_findings),
        ):
            self._set(cell, "value", _findings_html(state.findings_for(field)))
        if len(self.tag_rows) != len(state.tags):
            self._build_tags(state)
        for (key, value, _), row in zip(self.tag_rows, state.tags, strict=True):
            self._set(key, "value", row.key)
            self._set(value, "value", row.value)

    def _build_tags(self, state: FormState) -> None:
        rows = []
        self.tag_rows = []
        for i, tag in enumerate(state.tags):
            key = w.Text(value=tag.key, placeholder="key", layout=w.Layout(width="200px"))
            value = w.Text(value=tag.value, placeholder="value", layout=w.Layout(width="260px"))
            remove = w.Button(
                icon="trash", tooltip="remove this tag", layout=w.Layout(width="40px")
            )
            key.observe(lambda change, i=i: self._on_tag_key_change(i, change), names="value")
            value.observe(lambda change, i=i: self._on_tag_value_change(i, change), names="value")
            remove.on_click(lambda _b, i=i: self._on_tag_remove_click(i))
            self.tag_rows.append((key, value, remove))
            rows.append(w.HBox([key, value, remove]))
        self.tags_box.children = tuple(rows)

    def _render_checks(self, state: FormState) -> None:
        fs = state.findings
        general = state.findings_for("general") + state.findings_for("readiness")
        head = (
            f"<div style='color:{_RED if fs.errors else _GREEN}'>{len(fs.errors)} error(s), "
            f"{len(fs.warnings)} warning(s)</div>"
        )
        warn_list = _findings_html(fs.warnings)
        self._set(
            self.findings_html,
            "value",
            head
            + _findings_html([f for f in general if f.level == "error"])
            + (
                f"<details open><summary>warnings</summary>{warn_list}</details>"
                if fs.warnings
                else ""
            ),
        )
        self._set(self.acknowledge, "value", bool(fs.warnings) and state.warnings_acknowledged)
        self._set(self.acknowledge, "disabled", not fs.warnings)
        rep = state.readiness
        readiness = ""
        if rep is not None:
            repr_html = getattr(rep, "_repr_html_", None)
            readiness = repr_html() if callable(repr_html) else html.escape(str(rep))
        self._set(self.readiness_html, "value", readiness)
        self._set(
            self.request_preview,
            "value",
            _pre(state.request_json) if state.request_json else "<i>no request yet</i>",
        )
        self._set(
            self.code_preview,
            "value",
            _pre(state.boto3_code) if state.boto3_code else "<i>no request yet</i>",
        )

    def _render_submit(self, state: FormState) -> None:
        self._set(self.submit, "disabled", not state.can_submit)
        self._set(self.check, "disabled", state.busy or state.request is None)
        self._set(
            self.submit, "description", "Sending..." if state.busy else "Create training dataset"
        )
        why = "; ".join(state.blockers)
        lines = [state.progress] if state.progress else []
        if not state.busy and why:
            lines.append(f"Submit is disabled: {why}.")
        self._set(
            self.progress,
            "value",
            f"<div class='crn-progress' style='color:{_GREY}'>"
            f"{'<br>'.join(html.escape(x) for x in lines)}</div>"
            if lines
            else "",
        )
        result = ""
        if state.result_arn:
            status = (
                f"<br>status: <b>{html.escape(state.result_status)}</b>"
                if state.result_status
                else ""
            )
            result = (
                f"<div class='crn-result' style='color:{_GREEN}'>&#10003; training dataset "
                f"<code class='crn-arn'>{html.escape(state.result_arn)}</code>{status}</div>"
            )
        self._set(self.result, "value", result)
        error = ""
        if state.last_error is not None:
            error = (
                f"<div class='crn-error' style='color:{_RED};white-space:pre-wrap'>"
                f"&#10007; {html.escape(state.error_message)}</div>"
            )
        self._set(self.error, "value", error)
        self._set(self.reuse.layout, "display", None if state.can_reuse else "none")
        self._set(self.reuse, "disabled", state.busy)

    # ------------------------------------------------------------------ display
    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)

    def __repr__(self) -> str:
        return f"TrainingDatasetForm({self.state.summary()})"
