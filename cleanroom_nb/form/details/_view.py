"""Section 3, details: name, description, service role ARN and tags."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import ipywidgets as w

from cleanroom_nb.form._html import Setter, findings_html, grey

if TYPE_CHECKING:
    from cleanroom_nb.form._state import FormState
    from cleanroom_nb.form._view import TrainingDatasetForm

STYLE = {"description_width": "110px"}


class DetailsView:
    """The typed fields, each with its findings beside it; tags as editable rows."""

    def __init__(self, view: TrainingDatasetForm, role_box: w.Widget) -> None:
        self.view = view
        wide = w.Layout(width="520px")
        side = w.Layout(flex="1 1 0%", min_width="0")
        self.name = w.Text(
            description="Name", placeholder="my-training-dataset", style=STYLE, layout=wide
        )
        self.name_findings = w.HTML(layout=side)
        self.description = w.Textarea(
            description="Description", style=STYLE, layout=w.Layout(width="520px", height="48px")
        )
        self.description_findings = w.HTML(layout=side)
        self.role_arn = w.Combobox(
            description="Role ARN",
            options=[],
            ensure_option=False,
            placeholder="arn:aws:iam::123456789012:role/cleanrooms-ml-...",
            style=STYLE,
            layout=wide,
        )
        self.role_arn_note = w.HTML()
        self.role_arn_findings = w.HTML()
        self.tags_box = w.VBox()
        self.tag_add = w.Button(description="Add tag", icon="plus", layout=w.Layout(width="110px"))
        self.tag_rows: list[tuple[w.Text, w.Text, w.Button]] = []
        self.tags_findings = w.HTML()
        self.tag_add.on_click(self._on_tag_add_click)
        self.box = w.VBox(
            [
                w.HBox([self.name, self.name_findings]),
                w.HBox([self.description, self.description_findings]),
                w.HBox(
                    [
                        self.role_arn,
                        w.VBox([self.role_arn_note, self.role_arn_findings], layout=side),
                    ]
                ),
                role_box,
                w.HTML("<b>Tags</b>"),
                self.tags_box,
                w.HBox([self.tag_add, self.tags_findings]),
            ]
        )

    def bind(self, state: FormState) -> None:
        """Link the typed fields to the model's traits (both ways) and the role choices (one)."""
        details = state.details
        self.links = [
            w.link((details, "name"), (self.name, "value")),
            w.link((details, "description"), (self.description, "value")),
            w.dlink((details, "role_choices"), (self.role_arn, "options"), tuple),
            w.link((details, "role_arn"), (self.role_arn, "value")),
            w.dlink(
                (details, "role_choices_note"),
                (self.role_arn_note, "value"),
                lambda note: grey(note or ""),
            ),
        ]

    def render(self, state: FormState, set_: Setter) -> None:
        """Copy the findings and the tag rows into the widgets (the fields are linked)."""
        for field, cell in (
            ("name", self.name_findings),
            ("description", self.description_findings),
            ("role_arn", self.role_arn_findings),
            ("tags", self.tags_findings),
        ):
            set_(cell, "value", findings_html(state.validation.findings_for(field)))
        if len(self.tag_rows) != len(state.details.tags):
            self._build_tags(state)
        for (key, value, _), row in zip(self.tag_rows, state.details.tags, strict=True):
            set_(key, "value", row.key)
            set_(value, "value", row.value)

    def _build_tags(self, state: FormState) -> None:
        rows = []
        self.tag_rows = []
        for i, tag in enumerate(state.details.tags):
            key = w.Text(value=tag.key, placeholder="key", layout=w.Layout(width="200px"))
            value = w.Text(value=tag.value, placeholder="value", layout=w.Layout(width="260px"))
            remove = w.Button(
                icon="trash", tooltip="remove this tag", layout=w.Layout(width="40px")
            )
            key.observe(lambda ch, i=i: self._on_tag_key_change(i, ch), names="value")
            value.observe(lambda ch, i=i: self._on_tag_value_change(i, ch), names="value")
            remove.on_click(lambda _b, i=i: self._on_tag_remove_click(i))
            self.tag_rows.append((key, value, remove))
            rows.append(w.HBox([key, value, remove]))
        self.tags_box.children = tuple(rows)

    # ------------------------------------------------------------------ handlers
    def _on_tag_add_click(self, _button: w.Button) -> None:
        self.view.state.details.add_tag()

    def _on_tag_remove_click(self, index: int) -> None:
        self.view.state.details.remove_tag(index)

    def _on_tag_key_change(self, index: int, change: dict[str, Any]) -> None:
        self.view._user(lambda: self.view.state.details.set_tag(index, key=str(change["new"])))

    def _on_tag_value_change(self, index: int, change: dict[str, Any]) -> None:
        self.view._user(lambda: self.view.state.details.set_tag(index, value=str(change["new"])))
