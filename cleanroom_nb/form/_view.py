"""The ipywidgets view of :class:`~cleanroom_nb.form._state.FormState`: ``TrainingDatasetForm``.

The view is thin: it lays out the sections (``form/_sections/``, one module each), every handler
(``_on_<child>_<event>``) forwards to the state, and :meth:`TrainingDatasetForm._render` asks
each section to copy the state back into its widgets whenever the state reports a change.
All logic lives in the state.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

import boto3
import ipywidgets as w
import pandas as pd

from cleanroom_nb.form._sections._html import GREY
from cleanroom_nb.form._sections.checks import ChecksSection
from cleanroom_nb.form._sections.columns import ColumnsSection
from cleanroom_nb.form._sections.details import DetailsSection
from cleanroom_nb.form._sections.fixes import FixesSection
from cleanroom_nb.form._sections.role import RoleSection
from cleanroom_nb.form._sections.source import SourceSection
from cleanroom_nb.form._sections.submit import SubmitSection
from cleanroom_nb.form._state import FormState
from cleanroom_nb.infer._schema import TrainingSchema


class TrainingDatasetForm:
    """A notebook form that takes a DataFrame or a Glue table to a created training dataset.

    Parameters
    ----------
    df
        A DataFrame to prepare (it is registered as a Glue table before submitting).
    database, table
        The Glue database and table to start with (for a DataFrame: where to register it).
    catalog_id, schema, wait, athena_output
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
    sections
        The sections in display order; each section's widgets are also attributes of the form
        (``form.name``, ``form.submit``, ``form.role_dropdowns``, ...).

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
        athena_output: str | None = None,
        state: FormState | None = None,
    ) -> None:
        self._syncing = False
        self._build(glue=state.source_kind == "glue" if state else df is None)
        load = state is None
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
                athena_output=athena_output,
                boto3_session=boto3_session,
            )
        self.state = state
        state.observe(self._render)
        self._render(state, frozenset())
        from cleanroom_nb.form.audience import attach  # after "Created": train, configure

        self.audience = attach(self)
        if load:
            state.load()

    # ------------------------------------------------------------------ layout
    def _build(self, *, glue: bool) -> None:
        self.glue_source = glue
        self.title = w.HTML("<h3 style='margin:4px 0'>New Clean Rooms ML training dataset</h3>")
        self.status = w.HTML()
        self.source_section = SourceSection(self, glue=glue)
        self.columns_section = ColumnsSection(self)
        self.fixes_section = FixesSection(self, glue=glue)
        self.role_section = RoleSection(self)
        self.details_section = DetailsSection(self, self.role_section.box)
        self.checks_section = ChecksSection(self, glue=glue)
        self.submit_section = SubmitSection(self)
        self.sections: tuple[Any, ...] = (
            self.source_section,
            self.columns_section,
            self.fixes_section,
            self.details_section,
            self.role_section,
            self.checks_section,
            self.submit_section,
        )
        heads = ("1. Source", "2. Columns and roles", "3. Details", "4. Checks", None)
        boxes = (
            self.source_section.box,
            w.VBox([self.columns_section.box, self.fixes_section.box]),
            self.details_section.box,
            self.checks_section.box,
            self.submit_section.box,
        )
        children: list[w.Widget] = [self.title, self.status]
        for head, box in zip(heads, boxes, strict=True):
            children += [w.HTML(f"<b>{head}</b>"), box] if head else [box]
        self.widget = w.VBox(children, layout=w.Layout(width="100%"))
        self.widget.add_class("crn-form")

    def __getattr__(self, name: str) -> Any:
        """A section's widget by its name (``form.name``, ``form.submit``, ...)."""
        for section in self.__dict__.get("sections", ()):
            if name in section.__dict__:
                return section.__dict__[name]
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

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

    def _on_role_change(self, column: str, change: dict[str, Any]) -> None:
        self._user(lambda: self.state.set_role(column, str(change["new"])))

    def _on_samples_click(self, column: str, change: dict[str, Any]) -> None:
        self._syncing = True
        try:
            self.columns_section.render_flags(self.state, self._set)
        finally:
            self._syncing = False

    def _on_fix_click(self, column: str) -> None:
        self.state.fixes.apply_fix(column)

    def _on_rewrite_click(self, _button: w.Button) -> None:
        self.state.fixes.rewrite_with_athena()

    def _on_name_change(self, change: dict[str, Any]) -> None:
        self._user(lambda: self.state.set_name(str(change["new"])))

    def _on_description_change(self, change: dict[str, Any]) -> None:
        self._user(lambda: self.state.set_description(str(change["new"])))

    def _on_role_arn_change(self, change: dict[str, Any]) -> None:
        self._user(lambda: self.state.set_role_arn(str(change["new"])))

    def _on_role_name_change(self, change: dict[str, Any]) -> None:
        self._user(lambda: self.state.role.set_new_role_name(str(change["new"])))

    def _on_role_create_click(self, _button: w.Button) -> None:
        self.state.role.create_service_role()

    def _on_tag_add_click(self, _button: w.Button) -> None:
        self.state.add_tag()

    def _on_tag_remove_click(self, index: int) -> None:
        self.state.remove_tag(index)

    def _on_tag_key_change(self, index: int, change: dict[str, Any]) -> None:
        self._user(lambda: self.state.set_tag(index, key=str(change["new"])))

    def _on_tag_value_change(self, index: int, change: dict[str, Any]) -> None:
        self._user(lambda: self.state.set_tag(index, value=str(change["new"])))

    def _on_readiness_click(self, _button: w.Button) -> None:
        self.state.compute_readiness()

    def _on_check_click(self, _button: w.Button) -> None:
        self.state.check_with_aws()

    def _on_acknowledge_change(self, change: dict[str, Any]) -> None:
        self._user(lambda: self.state.acknowledge_warnings(bool(change["new"])))

    def _on_preview_change(self, change: dict[str, Any]) -> None:
        self.checks_section.render_previews(self.state, self._set)

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
            loading = (
                f"<span style='color:{GREY}'>&#8987; Loading {html.escape(state.loading)}...</span>"
                if state.loading
                else ""
            )
            self._set(self.status, "value", loading)
            for section in self.sections:
                section.render(state, self._set)
        finally:
            self._syncing = False

    # ------------------------------------------------------------------ display
    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)

    def __repr__(self) -> str:
        return f"TrainingDatasetForm({self.state.summary()})"
