"""Section 5, submit: the button, why it is disabled, progress, the result or the error."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

import ipywidgets as w

from cleanroom_nb.form._html import GREEN, GREY, RED, Setter

if TYPE_CHECKING:
    from cleanroom_nb.form._state import FormState
    from cleanroom_nb.form._view import TrainingDatasetForm


class SubmitView:
    """Create the training dataset; offer to reuse an equal one after a name conflict."""

    def __init__(self, view: TrainingDatasetForm) -> None:
        self.view = view
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
        self.submit.on_click(self._on_submit_click)
        self.reuse.on_click(self._on_reuse_click)
        self.box = w.VBox(
            [w.HBox([self.submit, self.reuse]), self.progress, self.result, self.error]
        )

    def bind(self, state: FormState) -> None:
        """The button says "Sending..." while the form is busy (one way: state to widget)."""
        self.links = [
            w.dlink(
                (state, "busy"),
                (self.submit, "description"),
                lambda busy: "Sending..." if busy else "Create training dataset",
            ),
            w.dlink((state, "busy"), (self.reuse, "disabled")),
        ]

    def render(self, state: FormState, set_: Setter) -> None:
        """Copy the submit state, progress, result and last error into the widgets."""
        set_(self.submit, "disabled", not state.submit.can_submit)
        why = "; ".join(state.submit.blockers)
        lines = [state.progress] if state.progress else []
        if not state.busy and why:
            lines.append(f"Submit is disabled: {why}.")
        set_(
            self.progress,
            "value",
            f"<div class='crn-progress' style='color:{GREY}'>"
            f"{'<br>'.join(html.escape(x) for x in lines)}</div>"
            if lines
            else "",
        )
        result = ""
        if state.submit.result_arn:
            status = (
                f"<br>status: <b>{html.escape(state.submit.result_status)}</b>"
                if state.submit.result_status
                else ""
            )
            result = (
                f"<div class='crn-result' style='color:{GREEN}'>&#10003; training dataset "
                f"<code class='crn-arn'>{html.escape(state.submit.result_arn)}</code>{status}</div>"
            )
        set_(self.result, "value", result)
        error = ""
        if state.last_error is not None:
            error = (
                f"<div class='crn-error' style='color:{RED};white-space:pre-wrap'>"
                f"&#10007; {html.escape(state.error_message)}</div>"
            )
        set_(self.error, "value", error)
        set_(self.reuse.layout, "display", None if state.submit.can_reuse else "none")

    # ------------------------------------------------------------------ handlers
    def _on_submit_click(self, _button: w.Button) -> None:
        self.view.state.submit.submit()

    def _on_reuse_click(self, _button: w.Button) -> None:
        self.view.state.submit.reuse_existing()
