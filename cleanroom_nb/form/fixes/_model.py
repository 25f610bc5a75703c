"""Fix buttons: apply a column's fix to the form's DataFrame, or rewrite a Glue table with Athena.

The fix plan is the schema's (``schema.fixes``, one :class:`~cleanroom_nb.infer._fixes.Fix` per
column that must change). A DataFrame is changed in memory (``apply_fix``), with sample values
before and after shown first (``preview_fix``); a Glue table is rewritten into a new table by
one Athena query (``fix_glue_table``) and the form switches to it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from traitlets import List, Unicode

from cleanroom_nb._errors import CleanroomNbError, SchemaError
from cleanroom_nb.aws import _client
from cleanroom_nb.form._model import SliceModel
from cleanroom_nb.form.checks._model import AthenaProgress

if TYPE_CHECKING:
    import pandas as pd

    from cleanroom_nb.form._state import FormState


def sibling_path(location: str, table: str) -> str:
    """The S3 folder next to ``location`` named after ``table``.

    Examples
    --------
    >>> sibling_path("s3://bkt/shop/interactions/", "interactions_fixed")
    's3://bkt/shop/interactions_fixed/'
    >>> sibling_path("s3://bkt/", "t")
    's3://bkt/t/'
    """
    scheme, _, rest = location.partition("://")
    parts = rest.rstrip("/").split("/")
    parent = parts[:-1] if len(parts) > 1 else parts
    return f"{scheme}://{'/'.join([*parent, table])}/"


class FixesModel(SliceModel):
    """The schema's fixes, their previews, and applying them.

    Attributes
    ----------
    applied
        Words about each fix applied so far (newest last).
    """

    applied = List(Unicode(), help="words about each fix applied so far")

    def __init__(self, form: FormState) -> None:
        super().__init__(form)
        self._previews: dict[tuple[str, str], Any] = {}
        self._previews_of: int | None = None

    @property
    def plan(self) -> tuple[Any, ...]:
        """The fix plan of the current schema (empty without a schema)."""
        schema = self.form.schema
        if schema is None:
            return ()
        try:
            return tuple(getattr(schema, "fixes", ()))
        except CleanroomNbError:
            return ()

    def fix_for(self, column: str) -> Any:
        """The fix of ``column`` (a :class:`SchemaError` when it has none)."""
        for fix in self.plan:
            if fix.column == column:
                return fix
        raise SchemaError(f"column {column!r} needs no fix; nothing to apply")

    # ------------------------------------------------------------------ DataFrame
    def fix_preview(self, column: str, n: int = 5) -> pd.DataFrame | None:
        """Sample values of ``column`` before and after its fix (DataFrame source; else None)."""
        form = self.form
        if form.df is None:
            return None
        if self._previews_of != id(form.df):
            self._previews, self._previews_of = {}, id(form.df)
        fix = self.fix_for(column)
        key = (fix.column, fix.kind)
        if key not in self._previews:
            try:
                self._previews[key] = form.actions.preview_fix(form.df, fix, n=n)
            except Exception as exc:  # shown instead of the preview; the button stays
                self._previews[key] = exc
        preview = self._previews[key]
        return None if isinstance(preview, BaseException) else preview

    def apply_fix(self, column: str) -> bool:
        """Apply ``column``'s fix to the form's DataFrame (a new frame; roles are kept).

        The schema is inferred again from the fixed frame with the roles the form had; a
        registered frame must be registered again.
        """
        form = self.form
        if form.df is None or form.schema is None:
            form.record(
                SchemaError("fixes apply to a DataFrame source; use 'Rewrite with Athena'"),
                what="applying a fix",
            )
            form.changed()
            return False
        try:
            fix = self.fix_for(column)
            series = form.actions.apply_fix(form.df, fix)
            df = form.df.copy()
            df[fix.column] = series
            schema = form.actions.infer_schema(df)
            roles = {c.name: c.role for c in form.schema.columns}
            keep = {
                c.name: roles[c.name]
                for c in schema.columns
                if c.name in roles and c.role != roles[c.name]
            }
            form.schema = schema.with_roles(keep) if keep else schema
        except Exception as exc:
            form.record(exc, what=f"applying the fix of column {column!r}")
            form.changed()
            return False
        form.df = df
        form.source.registered_as = None
        form.checks.forget_readiness()
        self.applied.append(f"{fix.column}: {fix.what}")
        form.progress = f"Fixed column {fix.column}: {fix.what}."
        form.last_error = None
        form.validate()
        form.changed()
        return True

    # ------------------------------------------------------------------ Glue
    def free_table_name(self) -> str:
        """``<table>_fixed`` (``_fixed_2``, ... when taken) in the chosen database."""
        form = self.form
        base = f"{form.source.table}_fixed"
        taken = set(form.source.tables)
        name, i = base, 2
        while name in taken:
            name, i = f"{base}_{i}", i + 1
        return name

    def rewrite_with_athena(
        self, new_table: str | None = None, *, s3_path: str | None = None
    ) -> bool:
        """Rewrite the Glue table with every fix into a new table (one Athena query), then use it.

        The new table goes next to the data (``<table>_fixed``) unless told otherwise; the
        original table is not changed.
        """
        form = self.form
        if form.source_kind != "glue" or form.schema is None:
            form.record(
                SchemaError("choose a Glue table first; a DataFrame is fixed in memory"),
                what="rewriting the table with Athena",
            )
            form.changed()
            return False
        target = new_table or self.free_table_name()
        path = s3_path or sibling_path(form.source.s3_location, target)
        form.busy = True
        form.set_loading("rewrite")
        session = _client.session(form.boto3_session)
        ok = False
        try:
            with AthenaProgress(
                form, session, f"Writing {form.source.database}.{target} with Athena"
            ) as bar:
                schema = form.actions.fix_glue_table(
                    form.source.database,
                    form.source.table,
                    form.schema,
                    new_table=target,
                    s3_path=path,
                    s3_output=form.athena_output,
                    progress=False,
                    boto3_session=session,
                )
        except Exception as exc:
            form.record(
                exc, what=f"rewriting {form.source.database}.{form.source.table} with Athena"
            )
            form.progress = "The table was not rewritten; see the error below."
        else:
            ok = True
            form.checks.record_scan("rewrite", bar.watcher.bytes_scanned)
            scanned = form.checks.scanned_text("rewrite")
            self.applied.append(
                f"{form.source.database}.{form.source.table} rewritten as {target}"
                + (f" ({scanned})" if scanned else "")
            )
            self._switch(target, schema)
        finally:
            form.busy = False
            form.set_loading(None)
        form.validate()
        form.changed()
        return ok

    def _switch(self, table: str, schema: Any) -> None:
        """Point the form at the rewritten table."""
        form = self.form
        if table not in form.source.tables:
            form.source.tables = sorted([*form.source.tables, table])
        form.source.table = table
        form.schema = schema
        form.checks.forget_readiness()
        form.checks.refresh_estimates()
        form.details.suggest_name(table)
        form.last_error = None
        form.progress = (
            f"Rewritten with Athena as {form.source.database}.{table}; the form uses it now."
        )
