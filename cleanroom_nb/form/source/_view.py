"""Section 1, the source: Glue database and table, or where the DataFrame is registered."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

import ipywidgets as w

from cleanroom_nb.form._html import GREEN, Setter, findings_html

if TYPE_CHECKING:
    from cleanroom_nb.form._state import FormState
    from cleanroom_nb.form._view import TrainingDatasetForm

STYLE = {"description_width": "110px"}


class SourceView:
    """For a Glue source two dropdowns; for a DataFrame the target fields and "Register"."""

    def __init__(self, view: TrainingDatasetForm, *, glue: bool) -> None:
        self.view = view
        self.glue = glue
        wide = w.Layout(width="420px")
        if glue:
            self.database: w.Dropdown | w.Text = w.Dropdown(
                description="Glue database", options=[""], style=STYLE, layout=wide
            )
            self.table: w.Dropdown | w.Text = w.Dropdown(
                description="Glue table", options=[""], style=STYLE, layout=wide
            )
            children: list[w.Widget] = [w.HBox([self.database, self.table])]
        else:
            self.frame_info = w.HTML()
            self.database = w.Text(
                description="Glue database", placeholder="my_database", style=STYLE, layout=wide
            )
            self.table = w.Text(
                description="Glue table", placeholder="interactions", style=STYLE, layout=wide
            )
            self.register_path = w.Text(
                description="S3 path", placeholder="s3://bucket/prefix/", style=STYLE, layout=wide
            )
            self.register = w.Button(
                description="Register in Glue", icon="database", button_style="info"
            )
            self.register_path.observe(self._on_register_path_change, names="value")
            self.register.on_click(self._on_register_click)
            children = [
                self.frame_info,
                w.HBox([self.register_path]),
                w.HBox([self.database, self.table]),
                self.register,
            ]
        self.database.observe(self._on_database_change, names="value")
        self.table.observe(self._on_table_change, names="value")
        self.source_findings = w.HTML()
        self.box = w.VBox([*children, self.source_findings])

    def bind(self, state: FormState) -> None:
        """For a DataFrame, show the target fields' model values (one way: ``dlink``).

        What is typed goes back through the ``_on_<field>_change`` handlers, which trim it
        (not a plain copy). A Glue source's dropdowns depend on their options: :meth:`render`.
        """
        self.links = []
        if not self.glue:
            source = state.source
            self.links = [
                w.dlink((source, "database"), (self.database, "value")),
                w.dlink((source, "table"), (self.table, "value")),
                w.dlink((source, "register_path"), (self.register_path, "value")),
            ]

    def render(self, state: FormState, set_: Setter) -> None:
        """Copy the source part of the state into the widgets (a DataFrame's fields are bound)."""
        if self.glue:
            dbs = ("", *state.source.databases)
            if state.source.database and state.source.database not in dbs:
                dbs = (*dbs, state.source.database)
            set_(self.database, "options", dbs)
            set_(self.database, "value", state.source.database)
            tables = ("", *state.source.tables)
            if state.source.table and state.source.table not in tables:
                tables = (*tables, state.source.table)
            set_(self.table, "options", tables)
            set_(self.table, "value", state.source.table)
            set_(self.database, "disabled", state.busy)
            set_(self.table, "disabled", state.busy or not state.source.database)
        else:
            df = state.df
            assert df is not None
            registered = (
                f" &mdash; <span style='color:{GREEN}'>registered as "
                f"<code>{html.escape('.'.join(state.source.registered_as))}</code></span>"
                if state.source.registered_as and not state.source.needs_registration
                else ""
            )
            set_(
                self.frame_info,
                "value",
                f"DataFrame: {df.shape[0]:,} rows &times; {df.shape[1]} columns{registered}",
            )
            set_(self.register, "disabled", state.busy or state.schema is None)
        set_(self.source_findings, "value", findings_html(state.validation.findings_for("source")))

    # ------------------------------------------------------------------ handlers
    def _typed(self, change: dict[str, Any], current: str) -> str | None:
        """The value typed, or None when it is the model's own (trimmed) value: for a
        DataFrame, the ``dlink`` echo, or spaces typed around it (they stay on screen)."""
        value = str(change["new"] or "")
        if not self.glue and value.strip() == current:
            return None
        return value

    def _on_database_change(self, change: dict[str, Any]) -> None:
        source = self.view.state.source
        value = self._typed(change, source.database)
        if value is not None:
            self.view._user(lambda: source.select_database(value))

    def _on_table_change(self, change: dict[str, Any]) -> None:
        source = self.view.state.source
        value = self._typed(change, source.table)
        if value is not None:
            self.view._user(lambda: source.select_table(value))

    def _on_register_path_change(self, change: dict[str, Any]) -> None:
        source = self.view.state.source
        value = self._typed(change, source.register_path)
        if value is not None:
            self.view._user(lambda: source.set_target(path=value))

    def _on_register_click(self, _button: w.Button) -> None:
        self.view.state.source.register()
