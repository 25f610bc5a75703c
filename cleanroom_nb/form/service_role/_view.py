"""Under the role ARN: "Create service role", with the name it proposes and both policies."""

from __future__ import annotations

from typing import TYPE_CHECKING

import ipywidgets as w

from cleanroom_nb.form._html import Setter, code_html, grey
from cleanroom_nb.form.service_role._model import proposed_role_name

if TYPE_CHECKING:
    from cleanroom_nb.form._state import FormState
    from cleanroom_nb.form._view import TrainingDatasetForm


class ServiceRoleView:
    """Make the service role for the chosen table in one click, then select it."""

    def __init__(self, view: TrainingDatasetForm) -> None:
        self.view = view
        self.role_name = w.Text(
            description="New role",
            placeholder="cleanrooms-ml-<table>",
            style={"description_width": "110px"},
            layout=w.Layout(width="420px"),
        )
        self.role_create = w.Button(
            description="Create service role", icon="user-plus", layout=w.Layout(width="200px")
        )
        self.role_note = w.HTML()
        self.trust_preview = w.HTML()
        self.permissions_preview = w.HTML()
        self.role_policies = w.Accordion(children=[self.trust_preview, self.permissions_preview])
        self.role_policies.set_title(0, "Trust policy it gets")
        self.role_policies.set_title(1, "Permissions policy it gets")
        self.role_policies.selected_index = None
        self.role_create.on_click(self._on_role_create_click)
        self._policies_for: tuple[str, ...] | None = None
        self.box = w.VBox(
            [w.HBox([self.role_name, self.role_create]), self.role_note, self.role_policies],
            layout=w.Layout(margin="0 0 6px 0"),
        )
        self.box.add_class("crn-role-create")

    def bind(self, state: FormState) -> None:
        """Link the new role's name to the model (both ways); the proposal is its placeholder."""
        self.links = [
            w.link((state.service_role, "new_role_name"), (self.role_name, "value")),
            w.dlink((state.source, "table"), (self.role_name, "placeholder"), proposed_role_name),
        ]

    def render(self, state: FormState, set_: Setter) -> None:
        """The proposed name, why the role cannot be made yet, and the two policies."""
        role = state.service_role
        blocker = role.role_blocker
        set_(self.role_create, "disabled", state.busy or bool(blocker))
        if role.created_role_arn and state.details.role_arn == role.created_role_arn:
            note = f"Created {role.created_role_arn} and selected it."
        elif blocker:
            note = f"To create a service role here, {blocker}."
        else:
            note = (
                f"Creates IAM role {role.role_name} (create_role) that Clean Rooms ML may "
                f"assume and that may read {state.source.database}.{state.source.table} and its data."
            )
        set_(self.role_note, "value", grey(note, cls="crn-role-note"))
        key = (
            role.role_name,
            state.source.database,
            state.source.table,
            state.source.s3_location,
            blocker,
        )
        if key != self._policies_for:
            self._policies_for = key
            trust, permissions = role.policies_text()
            set_(self.trust_preview, "value", code_html(trust, "json") if trust else "")
            set_(
                self.permissions_preview,
                "value",
                code_html(permissions, "json") if permissions else "",
            )

    # ------------------------------------------------------------------ handlers
    def _on_role_create_click(self, _button: w.Button) -> None:
        self.view.state.service_role.create_service_role()
