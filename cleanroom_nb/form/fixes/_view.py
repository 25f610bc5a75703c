"""Section 2b, fixes: a button per fixable column (DataFrame) or "Rewrite with Athena" (Glue)."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

import ipywidgets as w

from cleanroom_nb._words import count
from cleanroom_nb.form._html import GREY, MONO, Setter, grey, table_html

if TYPE_CHECKING:
    from cleanroom_nb.form._state import FormState
    from cleanroom_nb.form._view import TrainingDatasetForm


def _fix_text(fix: Any) -> str:
    return (
        f"<b><code>{html.escape(fix.column)}</code></b>: {html.escape(fix.what)}"
        f"<div style='color:{GREY};font-size:12px'>{html.escape(fix.why)}</div>"
        f"<code style='font-family:{MONO};font-size:12px'>{html.escape(fix.pandas)}</code>"
    )


def _preview_html(preview: Any) -> str:
    if preview is None:
        return grey("no preview")
    rows = [(str(b), str(a)) for b, a in zip(preview["before"], preview["after"], strict=False)]
    return table_html(("before", "after"), rows, cls="crn-fix-preview")


class FixesView:
    """What the data needs before Clean Rooms ML can use it, with the buttons that do it."""

    def __init__(self, view: TrainingDatasetForm, *, glue: bool) -> None:
        self.view = view
        self.glue = glue
        self.fix_buttons: dict[str, w.Button] = {}
        self.fix_previews: dict[str, w.HTML] = {}
        self.fixes_intro = w.HTML()
        self.fix_rows = w.VBox()
        self.rewrite = w.Button(
            description="Rewrite with Athena",
            icon="magic",
            button_style="warning",
            layout=w.Layout(width="220px", display="none"),
            tooltip="write a fixed copy of the table with one Athena query, then use it",
        )
        self.rewrite.on_click(self._on_rewrite_click)
        self.rewrite_note = w.HTML()
        self._plan: tuple[tuple[str, str], ...] | None = None
        self._df_id: int | None = None
        self.box = w.VBox(
            [self.fixes_intro, self.fix_rows, w.HBox([self.rewrite, self.rewrite_note])]
        )
        self.box.add_class("crn-fixes")

    def render(self, state: FormState, set_: Setter) -> None:
        """Show the schema's fix plan and the buttons for it."""
        plan = state.fixes.plan
        key = tuple((f.column, f.kind) for f in plan)
        if key != self._plan or (not self.glue and self._stale(state)):
            self._build(state, plan)
            self._plan = key
        set_(self.box.layout, "display", None if plan or state.fixes.applied else "none")
        done = "".join(grey(f"done: {a}", cls="crn-fix-done") for a in state.fixes.applied)
        intro = (
            f"<b>{count(len(plan), 'column')} {'needs' if len(plan) == 1 else 'need'} a fix</b>"
            " before Clean Rooms ML can use them."
            if plan
            else "Nothing left to fix."
        )
        set_(self.fixes_intro, "value", f"<div>{intro}</div>{done}")
        for button in self.fix_buttons.values():
            set_(button, "disabled", state.busy)
        if self.glue:
            set_(self.rewrite.layout, "display", None if plan else "none")
            set_(self.rewrite, "disabled", state.busy or not plan)
            if state.loading == "rewrite":
                note = state.progress
            else:
                note = f"into a new table {state.source.database}.{state.fixes.free_table_name()}"
                estimate = state.checks.estimate_text("rewrite")
                note += f"; {estimate}" if estimate else ""
            set_(self.rewrite_note, "value", grey(note, cls="crn-rewrite-note") if plan else "")

    def _stale(self, state: FormState) -> bool:
        return self._df_id != id(state.df)

    def _build(self, state: FormState, plan: tuple[Any, ...]) -> None:
        self.fix_buttons, self.fix_previews = {}, {}
        self._df_id = id(state.df)
        rows = []
        for fix in plan:
            text = w.HTML(_fix_text(fix), layout=w.Layout(width="48%"))
            if self.glue:
                rows.append(text)
                continue
            preview = w.HTML(_preview_html(state.fixes.fix_preview(fix.column)))
            button = w.Button(description="Apply fix", icon="wrench", tooltip=fix.what)
            button.add_class(f"crn-fix-{fix.column}")
            button.on_click(lambda _b, col=fix.column: self._on_fix_click(col))
            self.fix_buttons[fix.column] = button
            self.fix_previews[fix.column] = preview
            rows.append(w.HBox([text, preview, button], layout=w.Layout(align_items="center")))
        self.fix_rows.children = tuple(rows)

    # ------------------------------------------------------------------ handlers
    def _on_fix_click(self, column: str) -> None:
        self.view.state.fixes.apply_fix(column)

    def _on_rewrite_click(self, _button: w.Button) -> None:
        self.view.state.fixes.rewrite_with_athena()
