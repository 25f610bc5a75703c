"""Section 2, columns and roles: one grid row per column, with its role dropdown and flags."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

import ipywidgets as w

import cleanroom_nb._rulebook as _rulebook
from cleanroom_nb._findings import Finding
from cleanroom_nb.form._html import AMBER, GREY, RED, Setter, findings_html
from cleanroom_nb.form.columns._model import LEAVE_OUT, ROLE_CHOICES

if TYPE_CHECKING:
    from cleanroom_nb.form._state import FormState
    from cleanroom_nb.form._view import TrainingDatasetForm

GRID_COLUMNS = "minmax(100px, 1fr) 80px 190px 45px minmax(160px, 2fr) 64px minmax(200px, 2fr)"
HEADER = ("column", "Glue type", "role", "conf.", "reason", "samples", "flags")


class ColumnsView:
    """The role grid; rebuilt only when the columns or their Glue types change."""

    def __init__(self, view: TrainingDatasetForm) -> None:
        self.view = view
        self.schema_flags = w.HTML()
        self.grid = w.GridBox(
            layout=w.Layout(
                grid_template_columns=GRID_COLUMNS,
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
        self._columns: tuple[tuple[str, str, bool], ...] | None = None
        self.box = w.VBox([self.schema_flags, self.grid])

    def render(self, state: FormState, set_: Setter) -> None:
        """Copy the roles, confidences, reasons and flags into the grid."""
        schema = state.schema
        if self.columns_key(state) != self._columns:
            self.build(state)
        if schema is None:
            set_(self.schema_flags, "value", "")
            return
        for c in schema.columns:
            set_(self.role_dropdowns[c.name], "value", c.role or LEAVE_OUT)
            set_(self.confidence_cells[c.name], "value", f"{c.confidence:.2f}")
            set_(
                self.reason_cells[c.name],
                "value",
                f"<span style='font-size:12px'>{html.escape(c.reason)}</span>",
            )
        self.render_flags(state, set_)
        set_(self.schema_flags, "value", findings_html(self.schema_findings(state)))

    @staticmethod
    def columns_key(state: FormState) -> tuple[tuple[str, str, bool], ...]:
        """What the grid's fixed cells show: a fix or a rewrite changes the Glue types."""
        if state.schema is None:
            return ()
        return tuple((c.name, c.glue_type, c.is_partition_key) for c in state.schema.columns)

    @staticmethod
    def schema_findings(state: FormState) -> list[Finding]:
        """Missing or doubled required roles first, then the schema's other findings."""
        schema = state.schema
        assert schema is not None
        flags = [
            _rulebook.missing_role(role, why=schema.missing.get(role), how="in its role menu")
            for role in state.columns.missing_roles()
        ]
        for role in state.columns.column_duplicates():
            cols = [c.name for c in schema.role_columns(role)]
            flags.append(_rulebook.duplicate_role(role, cols))
        others = [
            f
            for f in state.validation.findings_for("schema")
            if f.code not in ("missing_role", "duplicate_role")
        ]
        return [*flags, *others]

    def build(self, state: FormState) -> None:
        """One row per column, 7 cells each.

        Sharing one Layout and one Style per kind of cell makes building a 100-column grid
        about three times faster.
        """
        self.role_dropdowns, self.sample_buttons, self.flag_cells = {}, {}, {}
        self.confidence_cells, self.reason_cells = {}, {}
        schema = state.schema
        self._columns = self.columns_key(state)
        if schema is None:
            self.grid.children = ()
            return
        html_layout, html_style = w.Layout(), w.HTML().style
        role_layout, role_style = w.Layout(width="185px"), w.Dropdown().style
        toggle_layout, toggle_style = w.Layout(width="64px"), w.ToggleButton().style

        def cell(value: str = "") -> w.HTML:
            return w.HTML(value, layout=html_layout, style=html_style)

        cells: list[w.Widget] = [cell(f"<b>{t}</b>") for t in HEADER]
        options = [(r if r != LEAVE_OUT else "(leave out)", r) for r in ROLE_CHOICES]
        for c in schema.columns:
            role = w.Dropdown(
                options=options, value=c.role or LEAVE_OUT, layout=role_layout, style=role_style
            )
            role.add_class("crn-role")
            role.add_class(f"crn-role-{c.name}")
            role.observe(lambda ch, col=c.name: self._on_role_change(col, ch), names="value")
            samples = w.ToggleButton(
                description="show",
                layout=toggle_layout,
                style=toggle_style,
                tooltip=f"sample values of {c.name}",
            )
            samples.observe(lambda ch, col=c.name: self._on_samples_change(col, ch), names="value")
            flag, conf, reason = cell(), cell(f"{c.confidence:.2f}"), cell()
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

    def render_flags(self, state: FormState, set_: Setter) -> None:
        """The flags cell of each row (and its sample values when "show" is pressed)."""
        flags = state.columns.column_flags()
        for name, cell in self.flag_cells.items():
            parts = []
            for text in flags.get(name, []):
                color = AMBER if text.startswith("warning") else RED
                parts.append(
                    f"<div style='color:{color};font-size:12px' title='{html.escape(text)}'>"
                    f"{html.escape(_headline(text))}</div>"
                )
            if self.sample_buttons[name].value:
                values = state.columns.sample_values(name)
                shown = ", ".join(values) if values else "no sample values"
                parts.append(
                    f"<div style='color:{GREY};font-size:12px'>samples: {html.escape(shown)}</div>"
                )
            set_(cell, "value", "".join(parts))

    # ------------------------------------------------------------------ handlers
    def _on_role_change(self, column: str, change: dict[str, Any]) -> None:
        self.view._user(lambda: self.view.state.columns.set_role(column, str(change["new"])))

    def _on_samples_change(self, column: str, change: dict[str, Any]) -> None:
        self.view._syncing = True
        try:
            self.render_flags(self.view.state, self.view._set)
        finally:
            self.view._syncing = False


def _headline(text: str, limit: int = 90) -> str:
    """The first clause of a flag, for a grid cell; the whole text is its tooltip.

    Examples
    --------
    >>> _headline("error: column 'x' is stored as text; fix: convert it with ...")
    "error: column 'x' is stored as text …"
    >>> _headline("USER_ID given 2 times")
    'USER_ID given 2 times'
    """
    head = text.split("; ", 1)[0]
    if len(head) > limit:
        head = head[: limit - 1].rsplit(" ", 1)[0]
    return head if head == text else head + " …"
