"""The fields a person types: name (with a suggestion), description, role ARN and tags."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from traitlets import Bool, Instance, List, Unicode, observe

import cleanroom_nb._rulebook as _rulebook
from cleanroom_nb._findings import Finding
from cleanroom_nb.form._model import SliceModel

if TYPE_CHECKING:
    pass

NAME_MAX = 63
"""The longest training dataset name Clean Rooms ML takes (its model's ``name`` max)."""


@dataclass(frozen=True)
class TagRow:
    """One row of the tags editor (either part may still be empty)."""

    key: str = ""
    value: str = ""


def suggested_name(table: str, day: str) -> str:
    """``<table>-<yyyy-mm-dd>``, cut to the longest name Clean Rooms ML takes.

    Examples
    --------
    >>> suggested_name("interactions", "2024-05-01")
    'interactions-2024-05-01'
    """
    return f"{table[: NAME_MAX - len(day) - 1]}-{day}"


class DetailsModel(SliceModel):
    """The typed fields, the caller's account and the service roles offered.

    Attributes
    ----------
    name, description, role_arn, tags
        What the request carries (``tags`` as editor rows).
    name_suggested
        True while ``name`` is the form's own suggestion (a new table replaces it).
    account_id, partition
        The caller's account (from STS) and the ARN partition.
    role_choices, role_choices_note
        The IAM roles Clean Rooms ML may assume, or why none is offered.
    """

    name = Unicode("", help="the training dataset's name")
    description = Unicode("", help="its description (empty: none)")
    role_arn = Unicode("", help="the service role's ARN")
    tags = List(Instance(TagRow), help="the tags editor's rows (TagRow)")
    name_suggested = Bool(False, help="name is the form's own suggestion")
    account_id = Unicode(None, allow_none=True, help="the caller's account (STS)")
    partition = Unicode("aws", help="the ARN partition")
    role_choices = List(Unicode(), help="IAM roles Clean Rooms ML may assume")
    role_choices_note = Unicode(None, allow_none=True, help="why no role is offered")

    # ------------------------------------------------------------------ edits
    @observe("name", "description", "role_arn")
    def _on_field_change(self, change: dict[str, Any]) -> None:
        """A typed field changed (in the view through ``link``, or in code): check again."""
        if change["name"] == "name":
            self.name_suggested = False
        self.changed()

    def set_name(self, name: str) -> None:
        """Set the training dataset's name (the same as ``details.name = name``)."""
        self.name = name

    def suggest_name(self, table: str) -> None:
        """Propose ``<table>-<yyyy-mm-dd>`` unless the person typed a name of their own."""
        if table and (not self.name or self.name_suggested):
            self.name = suggested_name(table, self.form.actions.today().isoformat())
            self.name_suggested = True
        self.preselect_role()

    def set_description(self, description: str) -> None:
        """Set the description (empty means none)."""
        self.description = description

    def set_role_arn(self, role_arn: str) -> None:
        """Set the service role's ARN."""
        self.role_arn = role_arn

    def add_tag(self, key: str = "", value: str = "") -> int:
        """Add a tag row; returns its index."""
        self.tags.append(TagRow(key, value))
        self.changed()
        return len(self.tags) - 1

    def set_tag(self, index: int, *, key: str | None = None, value: str | None = None) -> None:
        """Change the key and/or value of tag row ``index``."""
        row = self.tags[index]
        self.tags[index] = TagRow(
            row.key if key is None else key, row.value if value is None else value
        )
        self.changed()

    def remove_tag(self, index: int) -> None:
        """Remove tag row ``index``."""
        del self.tags[index]
        self.changed()

    def changed(self) -> None:
        """Check the request again, then bump the form's revision (the views re-render)."""
        self.form.validate()
        self.form.changed()

    # ------------------------------------------------------------------ tags
    def tag_dict(self) -> dict[str, str]:
        """The tags the request carries: every row with a key (rows left empty are ignored)."""
        out: dict[str, str] = {}
        for row in self.tags:
            if row.key.strip() or row.value:
                out.setdefault(row.key.strip(), row.value)
        return out

    def tag_findings(self) -> list[Finding]:
        """A value without a key, a key given twice."""
        out: list[Finding] = []
        seen: dict[str, int] = {}
        for i, row in enumerate(self.tags, start=1):
            key = row.key.strip()
            if not key and row.value:
                out.append(_rulebook.tag_key_empty(i))
            elif key in seen:
                out.append(_rulebook.tag_key_duplicate(key, seen[key], i))
            elif key:
                seen[key] = i
        return out

    # ------------------------------------------------------------------ account and roles
    def load_identity(self) -> None:
        """Find the caller's account (STS) and pre-fill the role ARN with it."""
        form = self.form
        form.set_loading("account")
        try:
            ident = form.actions.caller_identity(form.boto3_session)
        except Exception as exc:
            form.record(exc, what="finding the caller's AWS account (sts:GetCallerIdentity)")
            form.set_loading(None)
            form.changed()
            return
        self.account_id = str(ident["Account"])
        caller = str(ident.get("Arn", ""))
        if caller.startswith("arn:"):
            self.partition = caller.split(":")[1] or "aws"
        if not self.role_arn:
            self.role_arn = self.role_arn_prefix
        form.set_loading(None)
        form.validate()
        form.changed()

    @property
    def role_arn_prefix(self) -> str:
        """``arn:aws:iam::<account>:role/`` for the caller's account (``""`` when unknown)."""
        if self.account_id is None:
            return ""
        return f"arn:{self.partition}:iam::{self.account_id}:role/"

    def load_role_choices(self) -> None:
        """Offer the IAM roles whose trust policy names ``cleanrooms-ml.amazonaws.com``.

        When IAM does not allow listing roles, no choice is offered and
        ``role_choices_note`` says why (the ARN can still be typed).
        """
        form = self.form
        form.set_loading("roles")
        try:
            choices = form.actions.service_roles(form.boto3_session)
        except Exception as exc:
            reason = form.translate(exc, what="listing IAM roles (iam:ListRoles)")
            self.role_choices = []
            self.role_choices_note = (
                f"existing roles are not offered: {reason}. Type the role ARN instead."
            )
        else:
            self.role_choices = sorted(choices)
            self.role_choices_note = (
                None
                if choices
                else "no IAM role of this account trusts cleanrooms-ml.amazonaws.com yet; "
                "press 'Create service role' below, or type its ARN."
            )
        self.preselect_role()
        form.set_loading(None)
        form.changed()

    def preselect_role(self) -> None:
        """Select the role made for this table (``cleanrooms-ml-<table>``) if nothing is chosen."""
        if self.role_arn not in ("", self.role_arn_prefix):
            return
        wanted = f"{self.role_arn_prefix}{self.form.service_role.proposed_name()}"
        if self.role_arn_prefix and wanted in self.role_choices:
            self.role_arn = wanted

    def account_findings(self) -> list[Finding]:
        """The role must be in the caller's account (known once STS answered)."""
        parts = self.role_arn.split(":")
        if self.account_id is None or len(parts) < 6 or not parts[4].isdigit():
            return []
        if parts[4] != self.account_id:
            how = f"Choose a role of {self.account_id}, or press 'Create service role' below."
            return [_rulebook.role_account(parts[4], self.account_id, how=how)]
        return []
