"""Making the service role from the form: a proposed name, the two policies shown, one click."""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

from traitlets import Unicode, observe

from cleanroom_nb.aws._service_role import ROLE_NAME_PREFIX
from cleanroom_nb.form._model import SliceModel

if TYPE_CHECKING:
    pass

ROLE_NAME_MAX = 64
"""IAM's longest role name."""


def proposed_role_name(table: str) -> str:
    """``cleanrooms-ml-<table>``: a name the managed policy AWSCleanRoomsMLFullAccess may pass.

    Characters IAM does not take become ``-``.

    Examples
    --------
    >>> proposed_role_name("interactions"), proposed_role_name("")
    ('cleanrooms-ml-interactions', 'cleanrooms-ml-training-data')
    """
    body = re.sub(r"[^\w+=,.@-]", "-", table, flags=re.ASCII) or "training-data"
    return (ROLE_NAME_PREFIX + body)[:ROLE_NAME_MAX]


class ServiceRoleModel(SliceModel):
    """The "Create service role" part: name, policies to create, and creating it.

    Attributes
    ----------
    new_role_name
        The name typed for the new role (``""``: the proposal, :meth:`proposed_name`).
    created_role_arn
        The role made from the form, once made.
    """

    new_role_name = Unicode("", help="the name typed for the new role (empty: the proposal)")
    created_role_arn = Unicode(None, allow_none=True, help="the role made from the form")

    def proposed_name(self) -> str:
        """``cleanrooms-ml-<table>`` for the chosen table."""
        return proposed_role_name(self.form.source.table)

    @property
    def role_name(self) -> str:
        """The name the role will have: the one typed, else the proposal."""
        return self.new_role_name.strip() or self.proposed_name()

    def set_new_role_name(self, name: str) -> None:
        """Type the new role's name (empty: the proposal); the same as setting the trait."""
        self.new_role_name = name

    @observe("new_role_name")
    def _on_new_role_name_change(self, change: dict[str, Any]) -> None:
        self.form.changed()

    @property
    def role_blocker(self) -> str:
        """Why the role cannot be made yet, in words (``""`` when it can)."""
        form = self.form
        missing = self.missing_facts
        if missing:
            return missing
        if f"{form.details.role_arn_prefix}{self.role_name}" in form.details.role_choices:
            return f"type another name: role {self.role_name} exists already (choose it above)"
        return ""

    @property
    def missing_facts(self) -> str:
        """What the policies still need (account, table, its S3 location), or ``""``."""
        form = self.form
        if form.details.account_id is None:
            return "the caller's AWS account is not known yet (sts:GetCallerIdentity)"
        if not (form.source.database and form.source.table):
            if form.source_kind == "dataframe":
                return "fill in the S3 path, database and table, and register the DataFrame first"
            return "choose the Glue table first"
        if not form.source.s3_location:
            if form.source_kind == "dataframe":
                return "register the DataFrame in Glue first (the role reads its S3 location)"
            return f"Glue table {form.source.database}.{form.source.table} has no S3 location"
        return ""

    def role_policies(self) -> tuple[dict[str, Any], dict[str, Any]] | None:
        """The trust and permissions policies the new role gets (None while it cannot be made)."""
        form = self.form
        if self.missing_facts or form.details.account_id is None:
            return None
        region = form.region or "us-east-1"
        trust = form.actions.trust_policy(form.details.account_id, region)
        permissions = form.actions.permissions_policy(
            form.source.database,
            form.source.table,
            form.source.s3_location,
            region=region,
            account_id=form.details.account_id,
            catalog_id=form.catalog_id,
        )
        return trust, permissions

    def policies_text(self) -> tuple[str, str]:
        """Both policies as indented JSON (``""`` while the role cannot be made)."""
        policies = self.role_policies()
        if policies is None:
            return "", ""
        return json.dumps(policies[0], indent=2), json.dumps(policies[1], indent=2)

    def create_service_role(self) -> str | None:
        """Create the role (``create_role``), offer it and select it; returns its ARN or None."""
        form = self.form
        what = f"creating the IAM role {self.role_name}"
        if form.busy:
            return None
        if self.role_blocker:
            form.progress = f"The role cannot be created yet: {self.role_blocker}."
            form.changed()
            return None
        form.busy = True
        form.progress = f"Creating the IAM role {self.role_name} ..."
        form.changed()
        arn: str | None = None
        try:
            arn = str(
                form.actions.create_role(
                    self.role_name,
                    database=form.source.database,
                    table=form.source.table,
                    s3_location=form.source.s3_location,
                    boto3_session=form.boto3_session,
                )
            )
        except Exception as exc:
            form.record(exc, what=what)
            form.progress = "The role was not created; see the error below."
        finally:
            form.busy = False
        if arn is not None:
            self.created_role_arn = arn
            form.last_error = None
            form.details.load_role_choices()
            if arn not in form.details.role_choices:
                form.details.role_choices = sorted([*form.details.role_choices, arn])
            form.progress = f"Created the IAM role {arn} and selected it."
            form.details.set_role_arn(arn)
        form.changed()
        return arn
