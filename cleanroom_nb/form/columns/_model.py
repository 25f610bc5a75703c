"""The form's schema edits: the role of each column, and what the grid shows about it."""

from __future__ import annotations

from cleanroom_nb import _roles
from cleanroom_nb._errors import CleanroomNbError, SchemaError
from cleanroom_nb.form._model import SliceModel

LEAVE_OUT = "leave out"
"""The role choice that leaves a column out of the request."""

ROLE_CHOICES: tuple[str, ...] = (LEAVE_OUT, *_roles.ROLES)
"""Every choice of the role dropdowns, "leave out" first."""


class ColumnsModel(SliceModel):
    """Changes to the schema's roles, and the per-column facts the grid shows."""

    part_name = "edits"

    def set_role(self, column: str, role: str | None) -> bool:
        """Give ``column`` a role (``None``, ``""`` or ``"leave out"`` leaves it out).

        Returns False (and keeps the error) when the edit is not possible.
        """
        form = self.form
        if form.schema is None:
            form.record(
                SchemaError("choose a source first; there is no schema yet"), what="changing a role"
            )
            form.changed()
            return False
        value = None if role in (None, "", LEAVE_OUT) else role
        try:
            form.schema = form.schema.with_role(column, value)
        except CleanroomNbError as exc:
            form.record(exc, what=f"changing the role of {column!r}")
            form.changed()
            return False
        form.checks.refresh_estimates()
        form.validate()
        form.changed()
        return True

    def role_of(self, column: str) -> str:
        """The dropdown value for ``column``: its role, or ``"leave out"``."""
        if self.form.schema is None:
            return LEAVE_OUT
        return self.form.schema.column(column).role or LEAVE_OUT

    def missing_roles(self) -> list[str]:
        """The required roles no column has."""
        schema = self.form.schema
        if schema is None:
            return list(_roles.REQUIRED_ROLES)
        return [r for r in _roles.REQUIRED_ROLES if not schema.role_columns(r)]

    def column_duplicates(self) -> list[str]:
        """The required roles given to more than one column."""
        schema = self.form.schema
        if schema is None:
            return []
        return [r for r in _roles.REQUIRED_ROLES if len(schema.role_columns(r)) > 1]

    def column_flags(self) -> dict[str, list[str]]:
        """Per column, short flags for the grid: a required role given twice, a finding."""
        flags: dict[str, list[str]] = {}
        schema = self.form.schema
        if schema is None:
            return flags
        for role in _roles.REQUIRED_ROLES:
            cols = schema.role_columns(role)
            if len(cols) > 1:
                for c in cols:
                    flags.setdefault(c.name, []).append(f"{role} given {len(cols)} times")
        for c in schema.columns:
            for f in self.form.validation.findings_for(f"columns.{c.name}"):
                flags.setdefault(c.name, []).append(f"{f.level}: {f.message}")
        return flags

    def sample_values(self, column: str, n: int = 5) -> list[str]:
        """A few sample values of ``column`` (from the profile, else from the DataFrame)."""
        schema, df = self.form.schema, self.form.df
        if schema is None:
            return []
        col = schema.column(column)
        if col.profile is not None and col.profile.examples:
            return list(col.profile.examples[:n])
        if df is not None and col.name in df.columns:
            return [str(v) for v in df[col.name].dropna().head(n).tolist()]
        return []
