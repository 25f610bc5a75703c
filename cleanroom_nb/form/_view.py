"""The ipywidgets view of :class:`~cleanroom_nb.form._state.FormState`: ``TrainingDatasetForm``.

The view is thin: it lays out the slices' views (``form/<slice>/_view.py``: widgets, ``bind``
with ``link``/``dlink`` to the slice's traits, handlers ``_on_<child>_<event>`` that call the
slice's model) and, whenever ``state.revision`` changes, asks each to ``render`` what is not
linked. All logic lives in the models.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

import boto3
import ipywidgets as w
import pandas as pd

from cleanroom_nb.form._html import GREY
from cleanroom_nb.form._state import FormState
from cleanroom_nb.form.checks._view import ChecksView
from cleanroom_nb.form.columns._view import ColumnsView
from cleanroom_nb.form.details._view import DetailsView
from cleanroom_nb.form.fixes._view import FixesView
from cleanroom_nb.form.service_role._view import ServiceRoleView
from cleanroom_nb.form.source._view import SourceView
from cleanroom_nb.form.submit._view import SubmitView
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
        The slices' views in display order; their widgets are also attributes of the form
        (``form.name``, ``form.submit``, ``form.role_dropdowns``, ...).

    Examples
    --------
    >>> import pandas as pd
    >>> from cleanroom_nb.form._state import FormState
    >>> df = pd.DataFrame({"user_id": ["a", "b"], "item_id": [1, 2],
    ...                    "ts": [1700000000, 1700000100]})
    >>> form = TrainingDatasetForm(state=FormState(df, load=False))
    >>> form.name.value = "my-dataset"
    >>> form.state.details.name
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
        for section in self.sections:
            if hasattr(section, "bind"):
                section.bind(state)  # link/dlink the widgets to the slice's traits
        state.observe(self._on_state_revision, names="revision")
        self._render(state)
        from cleanroom_nb.form.audience import attach  # after "Created": train, configure

        self.audience = attach(self)
        if load:
            state.load()

    # ------------------------------------------------------------------ layout
    def _build(self, *, glue: bool) -> None:
        self.glue_source = glue
        self.title = w.HTML("<h3 style='margin:4px 0'>New Clean Rooms ML training dataset</h3>")
        self.status = w.HTML()
        self.source_view = SourceView(self, glue=glue)
        self.columns_view = ColumnsView(self)
        self.fixes_view = FixesView(self, glue=glue)
        self.service_role_view = ServiceRoleView(self)
        self.details_view = DetailsView(self, self.service_role_view.box)
        self.checks_view = ChecksView(self, glue=glue)
        self.submit_view = SubmitView(self)
        self.sections: tuple[Any, ...] = (
            self.source_view,
            self.columns_view,
            self.fixes_view,
            self.details_view,
            self.service_role_view,
            self.checks_view,
            self.submit_view,
        )
        heads = ("1. Source", "2. Columns and roles", "3. Details", "4. Checks", None)
        boxes = (
            self.source_view.box,
            w.VBox([self.columns_view.box, self.fixes_view.box]),
            self.details_view.box,
            self.checks_view.box,
            self.submit_view.box,
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

    # ------------------------------------------------------------------ rendering
    def _set(self, widget: w.Widget, name: str, value: Any) -> None:
        """Set a trait only when it differs (no echo back to the browser, no handler loop)."""
        if getattr(widget, name) != value:
            setattr(widget, name, value)

    def _on_state_revision(self, change: dict[str, Any]) -> None:
        self._render(self.state)

    def _render(self, state: FormState) -> None:
        """Copy the state into the widgets (after every action: ``state.revision`` changed)."""
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
