"""The form's source: a Glue database and table to pick, or a DataFrame to register in Glue."""

from __future__ import annotations

from typing import TYPE_CHECKING

from traitlets import Instance, List, Unicode

from cleanroom_nb._errors import SchemaError
from cleanroom_nb.form._model import SliceModel

if TYPE_CHECKING:
    from cleanroom_nb.infer._schema import TrainingSchema


class SourceModel(SliceModel):
    """Which data the training dataset reads: the Glue catalog choices, or where a frame goes.

    Attributes
    ----------
    databases, tables
        The Glue databases, and the tables of the chosen database.
    database, table
        The chosen (Glue source) or target (DataFrame source) database and table.
    register_path
        For a DataFrame: the S3 path :meth:`register` writes it to.
    registered_as
        ``(database, table)`` once the DataFrame is registered there.
    """

    databases = List(Unicode(), help="the Glue databases of the catalog")
    tables = List(Unicode(), help="the tables of the chosen database")
    database = Unicode("", help="the chosen (Glue) or target (DataFrame) database")
    table = Unicode("", help="the chosen (Glue) or target (DataFrame) table")
    register_path = Unicode("", help="for a DataFrame: the S3 path it is written to")
    registered_as = Instance(tuple, allow_none=True, help="(database, table) once registered")

    # ------------------------------------------------------------------ Glue catalog
    def load_databases(self) -> None:
        """List the Glue databases (awswrangler); errors are kept on the state."""
        form = self.form
        form.set_loading("databases")
        try:
            self.databases = form.actions.glue_databases(
                form.catalog_id, boto3_session=form.boto3_session
            )
        except Exception as exc:
            form.record(exc, what="listing the Glue databases")
            form.changed()
        form.set_loading(None)
        form.changed()

    def select_database(self, database: str, *, keep_table: bool = False) -> None:
        """Choose a Glue database and list its tables (the table choice is reset)."""
        form = self.form
        if form.source_kind == "dataframe":
            self.set_target(database=database)
            return
        self.database = database
        table = self.table if keep_table else ""
        self.tables = []
        self.table = ""
        form.schema = None
        form.checks.forget_readiness()
        form.checks.refresh_estimates()
        form.changed()
        if database:
            form.set_loading("tables")
            try:
                self.tables = form.actions.glue_tables(
                    database, form.catalog_id, boto3_session=form.boto3_session
                )
            except Exception as exc:
                form.record(exc, what=f"listing the tables of Glue database {database!r}")
                form.changed()
            form.set_loading(None)
            form.changed()
        if table:
            self.select_table(table)
            return
        form.validate()
        form.changed()

    def select_table(self, table: str) -> None:
        """Choose a Glue table and infer its schema (``infer_schema_from_glue``)."""
        form = self.form
        if form.source_kind == "dataframe":
            self.set_target(table=table)
            return
        self.table = table
        form.schema = None
        form.checks.forget_readiness()
        form.changed()
        if table and self.database:
            form.set_loading("schema")
            try:
                form.schema = form.actions.infer_schema_from_glue(
                    self.database,
                    table,
                    catalog_id=form.catalog_id,
                    boto3_session=form.boto3_session,
                )
            except Exception as exc:
                form.record(exc, what=f"reading Glue table {self.database}.{table}")
                form.changed()
            form.set_loading(None)
            form.details.suggest_name(table)
        form.checks.refresh_estimates()
        form.validate()
        form.changed()

    # ------------------------------------------------------------------ DataFrame
    def infer_frame_schema(self) -> None:
        """Infer the DataFrame's schema (local work: no AWS call)."""
        form = self.form
        form.set_loading("schema")
        try:
            form.schema = form.actions.infer_schema(form.df)
        except Exception as exc:
            form.record(exc, what="inferring the DataFrame's schema")
            form.changed()
        form.set_loading(None)

    def set_target(
        self, *, path: str | None = None, database: str | None = None, table: str | None = None
    ) -> None:
        """For a DataFrame: where :meth:`register` writes it (S3 path, Glue database and table)."""
        if path is not None:
            self.register_path = path.strip()
        if database is not None:
            self.database = database.strip()
        if table is not None:
            self.table = table.strip()
            self.form.details.suggest_name(self.table)
        self.form.validate()
        self.form.changed()

    @property
    def needs_registration(self) -> bool:
        """True for a DataFrame not (or no longer) registered where the form points."""
        return self.form.source_kind == "dataframe" and self.registered_as != (
            self.database,
            self.table,
        )

    @property
    def s3_location(self) -> str:
        """Where the data of the chosen table lies in S3 (``""`` while unknown)."""
        source = getattr(self.form.schema, "source", None)
        location = str(getattr(source, "location", "") or "")
        if not location and self.form.source_kind == "dataframe" and self.registered_as:
            location = self.register_path
        return location

    def _missing_target(self) -> list[str]:
        return [
            n
            for n, v in (
                ("S3 path", self.register_path),
                ("database", self.database),
                ("table", self.table),
            )
            if not v
        ]

    def register(self, *, mode: str = "error") -> bool:
        """Write the DataFrame to ``register_path`` and catalog it (``register_dataframe``).

        The roles chosen in the form are kept; the schema then uses the Glue table's names.
        """
        form = self.form
        what = "registering the DataFrame"
        if form.df is None or form.schema is None:
            form.record(SchemaError("only a DataFrame source can be registered"), what=what)
            form.changed()
            return False
        missing = self._missing_target()
        if missing:
            form.record(
                SchemaError(
                    f"to register the DataFrame, fill in the {', '.join(missing)}"
                    " (e.g. s3://my-bucket/interactions/)"
                ),
                what=what,
            )
            form.changed()
            return False
        form.busy = True
        form.progress = f"Writing the DataFrame to {self.register_path} ..."
        form.changed()
        ok = False
        try:
            form.schema = self._registered_schema(form.schema, mode=mode)
            self.registered_as = (self.database, self.table)
            form.checks.forget_readiness()
            form.progress = f"Registered as Glue table {self.database}.{self.table}."
            form.last_error = None
            ok = True
        except Exception as exc:
            form.record(exc, what=f"registering the DataFrame as {self.database}.{self.table}")
            form.progress = "Registering failed; see the error below."
        finally:
            form.busy = False
        form.validate()
        form.changed()
        return ok

    def _registered_schema(self, schema: TrainingSchema, *, mode: str) -> TrainingSchema:
        """Register the frame and keep the roles chosen in the form on the Glue schema."""
        form = self.form
        roles = {c.glue_name: c.role for c in schema.columns}
        registered: TrainingSchema = form.actions.register_dataframe(
            form.df,
            self.register_path,
            self.database,
            self.table,
            schema=schema,
            mode=mode,
            progress=False,
            boto3_session=form.boto3_session,
        )
        wanted = {c.name: roles.get(c.glue_name, c.role) for c in registered.columns}
        changed = {n: r for n, r in wanted.items() if registered.column(n).role != r}
        return registered.with_roles(changed) if changed else registered
