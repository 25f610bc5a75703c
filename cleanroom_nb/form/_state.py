"""The state and logic behind :class:`cleanroom_nb.TrainingDatasetForm`, without any widget.

:class:`FormState` holds everything the form shows and every action it offers (choose a source,
change roles, fill fields and tags, validate, preview, register a DataFrame, submit, reuse an
existing dataset). It never imports ipywidgets: tests and other front ends drive it directly,
and the widget view only binds to it through :meth:`FormState.observe`.

No error is swallowed: an action that fails keeps the error on ``state.errors`` and
``state.last_error`` (its message says how to fix it) and leaves every value the user entered.
"""

from __future__ import annotations

import json
import re
import urllib.parse
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import boto3
import pandas as pd

from cleanroom_nb import _roles
from cleanroom_nb._errors import (
    CleanroomNbError,
    FindingsError,
    RequestInvalidError,
    SchemaError,
    TrainingDatasetExistsError,
)
from cleanroom_nb._findings import Finding, Findings
from cleanroom_nb.aws import _client
from cleanroom_nb.aws._service_role import SERVICE_PRINCIPAL
from cleanroom_nb.infer._schema import TrainingSchema

LEAVE_OUT = "leave out"
"""The role choice that leaves a column out of the request."""

ROLE_CHOICES: tuple[str, ...] = (LEAVE_OUT, *_roles.ROLES)
"""Every choice of the role dropdowns, "leave out" first."""

FIELDS = ("source", "schema", "name", "description", "role_arn", "tags", "readiness", "general")
"""The places a finding can be shown; columns use ``"columns.<name>"``."""

Observer = Callable[["FormState", frozenset[str]], None]

_SCHEMA_ITEM = re.compile(r"^trainingData\[\d+\]\.inputConfig\.schema\[(\d+)\]")


@dataclass(frozen=True)
class TagRow:
    """One row of the tags editor (either part may still be empty)."""

    key: str = ""
    value: str = ""


def _api() -> Any:
    """The public package, imported when needed (its feature modules import this one)."""
    import cleanroom_nb

    return cleanroom_nb


def _finding_key(f: Finding) -> tuple[str, str, str, str]:
    return (f.level, f.path, f.code, f.message)


def trusts_cleanrooms_ml(policy: Any) -> bool:
    """Whether a trust policy lets ``cleanrooms-ml.amazonaws.com`` assume the role.

    Parameters
    ----------
    policy
        The policy document as IAM returns it: a dict, or JSON text (possibly URL-encoded).

    Examples
    --------
    >>> trusts_cleanrooms_ml({"Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
    ...     "Principal": {"Service": "cleanrooms-ml.amazonaws.com"}}]})
    True
    >>> trusts_cleanrooms_ml({"Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
    ...     "Principal": {"Service": "cleanrooms.amazonaws.com"}}]})
    False
    """
    if isinstance(policy, str):
        try:
            policy = json.loads(urllib.parse.unquote(policy))
        except ValueError:
            return False
    if not isinstance(policy, Mapping):
        return False
    statements = policy.get("Statement", [])
    if isinstance(statements, Mapping):
        statements = [statements]
    for st in statements:
        if not isinstance(st, Mapping) or st.get("Effect", "Allow") != "Allow":
            continue
        actions = st.get("Action", [])
        actions = [actions] if isinstance(actions, str) else list(actions)
        if not any(a in ("sts:AssumeRole", "sts:*", "*") for a in actions):
            continue
        principal = st.get("Principal", {})
        services = principal.get("Service", []) if isinstance(principal, Mapping) else []
        services = [services] if isinstance(services, str) else list(services)
        if SERVICE_PRINCIPAL in services:
            return True
    return False


class FormState:
    """Everything the training-dataset form shows and does, as a plain object.

    Parameters
    ----------
    df
        A DataFrame to turn into a training dataset (it must be registered as a Glue table
        before submitting: see :meth:`register`). Leave it None to pick a Glue table.
    database, table
        The Glue database and table to start with (for a DataFrame: where to register it).
    catalog_id
        The Glue catalog (account id) when it is not the caller's.
    schema
        A schema to start from instead of inferring one.
    load
        Load the catalog, the caller's account, the IAM roles and the Glue schema now (default;
        a DataFrame's schema is always inferred at once, as that needs no AWS call).
    wait
        Wait for the training dataset to become ACTIVE when submitting.
    boto3_session
        The session every AWS call uses (default: ``boto3.Session()``).

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"user_id": ["a", "b"], "item_id": [1, 2],
    ...                    "ts": [1700000000, 1700000100]})
    >>> state = FormState(df, load=False)
    >>> state.set_name("my-dataset")
    >>> state.request["name"]
    'my-dataset'
    >>> state.can_submit  # the frame is not registered in Glue yet, and no role ARN is set
    False
    """

    def __init__(
        self,
        df: pd.DataFrame | None = None,
        database: str | None = None,
        table: str | None = None,
        *,
        catalog_id: str | None = None,
        schema: TrainingSchema | None = None,
        load: bool = True,
        wait: bool = False,
        boto3_session: boto3.Session | None = None,
    ) -> None:
        self.boto3_session = boto3_session
        self.df = df
        self.source_kind = "dataframe" if df is not None else "glue"
        self.catalog_id = catalog_id
        self.wait = wait
        self.region = _client.region(boto3_session)
        self._observers: list[Observer] = []

        # source
        self.databases: list[str] = []
        self.tables: list[str] = []
        self.database: str = database or ""
        self.table: str = table or ""
        self.loading: str | None = None
        self.schema: TrainingSchema | None = schema
        self.register_path: str = ""
        self.registered_as: tuple[str, str] | None = None

        # fields
        self.name: str = ""
        self.description: str = ""
        self.role_arn: str = ""
        self.tags: list[TagRow] = []
        self.account_id: str | None = None
        self.partition: str = "aws"
        self.role_choices: list[str] = []
        self.role_choices_note: str | None = None

        # validation
        self.findings = Findings()
        self.field_findings: dict[str, list[Finding]] = {}
        self.acknowledged: set[tuple[str, str, str, str]] = set()
        self.remote_findings: list[Finding] = []
        self._remote_for: str | None = None
        self.readiness: Any = None
        self._readiness_key: tuple[Any, ...] | None = None
        self.request: dict[str, Any] | None = None
        self.request_json: str = ""
        self.boto3_code: str = ""

        # submission
        self.busy = False
        self.progress: str = ""
        self.result_arn: str | None = None
        self.result_status: str | None = None
        self.conflict: TrainingDatasetExistsError | None = None
        self._conflict_for: str | None = None
        self.errors: list[BaseException] = []
        self.last_error: BaseException | None = None
        self.sends = 0

        if df is not None and schema is None:
            self._infer_frame_schema()  # local work: no AWS call
        if load:
            self.load()
        else:
            self.validate()

    # ------------------------------------------------------------------ observers
    def observe(self, callback: Observer) -> None:
        """Call ``callback(state, changed)`` after every change; ``changed`` names what changed.

        The names are ``"source"``, ``"databases"``, ``"tables"``, ``"loading"``, ``"schema"``,
        ``"fields"``, ``"tags"``, ``"roles"``, ``"findings"``, ``"readiness"``, ``"submit"``,
        ``"result"``, ``"register"`` and ``"errors"``.
        """
        self._observers.append(callback)

    def unobserve(self, callback: Observer) -> None:
        """Stop calling ``callback``."""
        self._observers.remove(callback)

    def _notify(self, *changed: str) -> None:
        what = frozenset(changed)
        for cb in list(self._observers):
            cb(self, what)

    def _record(self, exc: BaseException, *, what: str) -> None:
        """Keep an error on the state (translated when it comes from botocore)."""
        if not isinstance(exc, CleanroomNbError) and type(exc).__module__.startswith(
            ("botocore", "awswrangler", "boto3")
        ):
            translated = _client.translate(exc, what=what)
            translated.__cause__ = exc
            exc = translated
        self.errors.append(exc)
        self.last_error = exc

    @property
    def error_message(self) -> str:
        """The last error's message with its fix (and its findings), or ``""``."""
        exc = self.last_error
        if exc is None:
            return ""
        text = str(exc) if isinstance(exc, CleanroomNbError) else f"{type(exc).__name__}: {exc}"
        if isinstance(exc, FindingsError) and exc.findings:
            listed = "\n".join(f"  - {f}" for f in exc.findings if str(f) not in text)
            if listed:
                text += "\n" + listed
        return text

    def clear_error(self) -> None:
        """Hide the last error (it stays in ``errors``)."""
        self.last_error = None
        self._notify("errors")

    # ------------------------------------------------------------------ loading
    def load(self) -> None:
        """Load the caller's account, the IAM roles, the catalog and the schema."""
        self.load_identity()
        self.load_role_choices()
        if self.source_kind == "glue":
            self.load_databases()
            if self.database:
                self.select_database(self.database, keep_table=True)
        self.validate()
        self._notify("source", "schema", "findings")

    def _set_loading(self, what: str | None) -> None:
        self.loading = what
        self._notify("loading")

    def load_identity(self) -> None:
        """Find the caller's account (STS) and pre-fill the role ARN with it."""
        self._set_loading("account")
        try:
            ident = _client.client("sts", self.boto3_session).get_caller_identity()
        except Exception as exc:
            self._record(exc, what="finding the caller's AWS account (sts:GetCallerIdentity)")
            self._set_loading(None)
            self._notify("errors")
            return
        self.account_id = str(ident["Account"])
        caller = str(ident.get("Arn", ""))
        if caller.startswith("arn:"):
            self.partition = caller.split(":")[1] or "aws"
        if not self.role_arn:
            self.role_arn = self.role_arn_prefix
        self._set_loading(None)
        self.validate()
        self._notify("fields", "findings")

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
        self._set_loading("roles")
        choices: list[str] = []
        try:
            iam = _client.client("iam", self.boto3_session)
            for page in iam.get_paginator("list_roles").paginate():
                for role in page.get("Roles", []):
                    if trusts_cleanrooms_ml(role.get("AssumeRolePolicyDocument")):
                        choices.append(str(role["Arn"]))
        except Exception as exc:
            reason = _client.translate(exc, what="listing IAM roles (iam:ListRoles)")
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
                "create one (cleanroom_nb.create_role) or type its ARN."
            )
        self._set_loading(None)
        self._notify("roles")

    def load_databases(self) -> None:
        """List the Glue databases (awswrangler); errors are kept on the state."""
        import awswrangler as wr

        self._set_loading("databases")
        try:
            dbs = wr.catalog.get_databases(
                catalog_id=self.catalog_id, boto3_session=self.boto3_session
            )
            self.databases = sorted(str(d["Name"]) for d in dbs)
        except Exception as exc:
            self._record(exc, what="listing the Glue databases")
            self._notify("errors")
        self._set_loading(None)
        self._notify("databases")

    def select_database(self, database: str, *, keep_table: bool = False) -> None:
        """Choose a Glue database and list its tables (the table choice is reset)."""
        import awswrangler as wr

        if self.source_kind == "dataframe":
            self.set_target(database=database)
            return
        self.database = database
        table = self.table if keep_table else ""
        self.tables = []
        self.table = ""
        self.schema = None
        self.readiness = None
        self._notify("source", "tables", "schema")
        if database:
            self._set_loading("tables")
            try:
                glue = _client.client("glue", self.boto3_session)
                ids = {"CatalogId": self.catalog_id} if self.catalog_id else {}
                glue.get_database(Name=database, **ids)  # a missing database is an error
                tables = wr.catalog.get_tables(
                    database=database, catalog_id=self.catalog_id, boto3_session=self.boto3_session
                )
                self.tables = sorted(str(t["Name"]) for t in tables)
            except Exception as exc:
                self._record(exc, what=f"listing the tables of Glue database {database!r}")
                self._notify("errors")
            self._set_loading(None)
            self._notify("tables")
        if table:
            self.select_table(table)
            return
        self.validate()
        self._notify("findings")

    def select_table(self, table: str) -> None:
        """Choose a Glue table and infer its schema (``infer_schema_from_glue``)."""
        if self.source_kind == "dataframe":
            self.set_target(table=table)
            return
        self.table = table
        self.schema = None
        self.readiness = None
        self._readiness_key = None
        self._notify("source", "schema")
        if table and self.database:
            self._set_loading("schema")
            try:
                self.schema = _api().infer_schema_from_glue(
                    self.database,
                    table,
                    catalog_id=self.catalog_id,
                    boto3_session=self.boto3_session,
                )
            except Exception as exc:
                self._record(exc, what=f"reading Glue table {self.database}.{table}")
                self._notify("errors")
            self._set_loading(None)
        self.validate()
        self._notify("schema", "findings", "readiness")

    def _infer_frame_schema(self) -> None:
        self._set_loading("schema")
        try:
            self.schema = _api().infer_schema(self.df)
        except Exception as exc:
            self._record(exc, what="inferring the DataFrame's schema")
            self._notify("errors")
        self._set_loading(None)

    # ------------------------------------------------------------------ edits
    def set_role(self, column: str, role: str | None) -> bool:
        """Give ``column`` a role (``None``, ``""`` or ``"leave out"`` leaves it out).

        Returns False (and keeps the error) when the edit is not possible.
        """
        if self.schema is None:
            self._record(
                SchemaError("choose a source first; there is no schema yet"), what="changing a role"
            )
            self._notify("errors")
            return False
        value = None if role in (None, "", LEAVE_OUT) else role
        try:
            self.schema = self.schema.with_role(column, value)
        except CleanroomNbError as exc:
            self._record(exc, what=f"changing the role of {column!r}")
            self._notify("errors")
            return False
        self.validate()
        self._notify("schema", "findings", "readiness")
        return True

    def role_of(self, column: str) -> str:
        """The dropdown value for ``column``: its role, or ``"leave out"``."""
        if self.schema is None:
            return LEAVE_OUT
        return self.schema.column(column).role or LEAVE_OUT

    def set_name(self, name: str) -> None:
        """Set the training dataset's name."""
        self.name = name
        self._field_changed()

    def set_description(self, description: str) -> None:
        """Set the description (empty means none)."""
        self.description = description
        self._field_changed()

    def set_role_arn(self, role_arn: str) -> None:
        """Set the service role's ARN."""
        self.role_arn = role_arn
        self._field_changed()

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
        self._field_changed("register", "source")

    def add_tag(self, key: str = "", value: str = "") -> int:
        """Add a tag row; returns its index."""
        self.tags.append(TagRow(key, value))
        self._field_changed("tags")
        return len(self.tags) - 1

    def set_tag(self, index: int, *, key: str | None = None, value: str | None = None) -> None:
        """Change the key and/or value of tag row ``index``."""
        row = self.tags[index]
        self.tags[index] = TagRow(
            row.key if key is None else key, row.value if value is None else value
        )
        self._field_changed("tags")

    def remove_tag(self, index: int) -> None:
        """Remove tag row ``index``."""
        del self.tags[index]
        self._field_changed("tags")

    def _field_changed(self, *extra: str) -> None:
        self.validate()
        self._notify("fields", "findings", *extra)

    # ------------------------------------------------------------------ tags
    def tag_dict(self) -> dict[str, str]:
        """The tags the request carries: every row with a key (rows left empty are ignored)."""
        out: dict[str, str] = {}
        for row in self.tags:
            if row.key.strip() or row.value:
                out.setdefault(row.key.strip(), row.value)
        return out

    def _tag_findings(self) -> list[Finding]:
        out: list[Finding] = []
        seen: dict[str, int] = {}
        for i, row in enumerate(self.tags, start=1):
            key = row.key.strip()
            if not key and row.value:
                out.append(
                    Finding(
                        "error",
                        "tags",
                        "tag_key_empty",
                        f"tag row {i} has a value but no key; type a key or remove the row.",
                    )
                )
            elif key in seen:
                out.append(
                    Finding(
                        "error",
                        f"tags.{key}",
                        "tag_key_duplicate",
                        f"tag key {key!r} is in rows {seen[key]} and {i}; keep one row per key.",
                    )
                )
            elif key:
                seen[key] = i
        return out

    # ------------------------------------------------------------------ validation
    @property
    def needs_registration(self) -> bool:
        """True for a DataFrame not (or no longer) registered where the form points."""
        return self.source_kind == "dataframe" and self.registered_as != (self.database, self.table)

    def build(self) -> dict[str, Any] | None:
        """The request as it stands (None while there is no schema), via ``build_request``."""
        if self.schema is None:
            return None
        request: dict[str, Any] = _api().build_request(
            name=self.name,
            role_arn=self.role_arn,
            database=self.database,
            table=self.table,
            schema=self.schema,
            description=self.description or None,
            tags=self.tag_dict() or None,
            catalog_id=self.catalog_id,
        )
        return request

    def validate(self) -> Findings:
        """Check everything again (offline: no AWS call) and map findings to fields.

        Combines the schema's findings, ``validate_request``'s, the tags editor's, readiness
        figures (for a DataFrame) and the findings AWS-side checks gave for this same request.
        """
        found: list[Finding] = []
        if self.schema is None:
            what = "a DataFrame" if self.source_kind == "dataframe" else "a Glue database and table"
            found.append(Finding("error", "source", "no_source", f"choose {what} first."))
            self.request = None
            found.extend(self._field_only_findings())
        else:
            found.extend(self.schema.findings)
            try:
                self.request = self.build()
            except FindingsError as exc:
                self.request = None
                found.extend(exc.findings)
            except CleanroomNbError as exc:
                self.request = None
                found.append(Finding("error", "general", "build_request", str(exc)))
            if self.request is not None:
                # The schema already explains its own problems: skip the request's copies.
                seen = {(self.field_of(f.path), f.code) for f in found}
                found.extend(
                    f
                    for f in _api().validate_request(self.request)
                    if (self.field_of(f.path), f.code) not in seen
                )
            if self.needs_registration:
                found.append(
                    Finding(
                        "error",
                        "source",
                        "not_registered",
                        "the DataFrame is not a Glue table yet: fill in the S3 path, database and "
                        "table and press 'Register in Glue' (register_dataframe).",
                    )
                )
            found.extend(self._readiness_findings())
        found.extend(self._tag_findings())
        found.extend(self._account_findings())
        signature = self.request_json_text(self.request)
        if self._remote_for == signature:
            seen = {(self.field_of(f.path), f.code) for f in found}
            found.extend(
                f for f in self.remote_findings if (self.field_of(f.path), f.code) not in seen
            )
        unique: dict[tuple[str, str, str, str], Finding] = {}
        for f in found:
            unique.setdefault(_finding_key(f), f)
        self.findings = Findings(unique.values())
        self.field_findings = {}
        for f in self.findings:
            self.field_findings.setdefault(self.field_of(f.path), []).append(f)
        self.request_json = signature
        self.boto3_code = self._code(self.request)
        return self.findings

    def _account_findings(self) -> list[Finding]:
        """The role must be in the caller's account (known once STS answered)."""
        parts = self.role_arn.split(":")
        if self.account_id is None or len(parts) < 6 or not parts[4].isdigit():
            return []
        if parts[4] != self.account_id:
            return [
                Finding(
                    "error",
                    "roleArn",
                    "role_account",
                    f"the role is in account {parts[4]}, but you are signed in to account "
                    f"{self.account_id}; Clean Rooms ML refuses roles of another account "
                    f"(AccessDeniedException). Use a role of {self.account_id}.",
                )
            ]
        return []

    def _field_only_findings(self) -> list[Finding]:
        """Findings about the fields (name, role ARN, ...) while there is no schema yet."""
        try:
            request = _api().build_request(
                name=self.name,
                role_arn=self.role_arn,
                database=self.database or "db",
                table=self.table or "table",
                schema=[],
                description=self.description or None,
                tags=self.tag_dict() or None,
                catalog_id=self.catalog_id,
            )
            found = _api().validate_request(request)
        except FindingsError as exc:
            found = exc.findings
        except CleanroomNbError:
            return []
        return [
            f for f in found if self.field_of(f.path) in ("name", "description", "role_arn", "tags")
        ]

    @staticmethod
    def request_json_text(request: Mapping[str, Any] | None) -> str:
        """The request as indented JSON (``""`` when there is none)."""
        return "" if request is None else json.dumps(request, indent=2, default=str)

    def _code(self, request: dict[str, Any] | None) -> str:
        if request is None:
            return ""
        try:
            # region "" (not None) when unknown: no boto3.Session is made on every edit
            return str(_api().to_boto3_code(request, region=self.region or "", wait=self.wait))
        except CleanroomNbError as exc:
            return f"# the code cannot be generated yet: {exc}"

    def field_of(self, path: str) -> str:
        """The form field a finding's path concerns (``"columns.<name>"`` for a column).

        Examples
        --------
        >>> s = FormState(load=False)
        >>> s.field_of("roleArn"), s.field_of("tags.team"), s.field_of("whatever")
        ('role_arn', 'tags', 'general')
        """
        if path in ("name", "description"):
            return path
        if path == "roleArn":
            return "role_arn"
        if path == "tags" or path.startswith(("tags.", "tags[")):
            return "tags"
        if path == "schema" or path.startswith("columns."):
            return path
        if path in ("source", "readiness"):
            return path
        m = _SCHEMA_ITEM.match(path)
        if m and self.schema is not None:
            used = [c for c in self.schema.columns if c.role is not None]
            i = int(m.group(1))
            if i < len(used):
                return f"columns.{used[i].name}"
            return "schema"
        if path.startswith("trainingData"):
            return "schema" if ".schema" in path else "source"
        return "general"

    def findings_for(self, field: str) -> list[Finding]:
        """The findings shown next to ``field`` (e.g. ``"name"`` or ``"columns.user_id"``)."""
        return list(self.field_findings.get(field, []))

    def column_flags(self) -> dict[str, list[str]]:
        """Per column, short flags for the grid: a required role given twice, a finding."""
        flags: dict[str, list[str]] = {}
        if self.schema is None:
            return flags
        for role in _roles.REQUIRED_ROLES:
            cols = self.schema.role_columns(role)
            if len(cols) > 1:
                for c in cols:
                    flags.setdefault(c.name, []).append(f"{role} given {len(cols)} times")
        for c in self.schema.columns:
            for f in self.findings_for(f"columns.{c.name}"):
                flags.setdefault(c.name, []).append(f"{f.level}: {f.message}")
        return flags

    def missing_roles(self) -> list[str]:
        """The required roles no column has."""
        if self.schema is None:
            return list(_roles.REQUIRED_ROLES)
        return [r for r in _roles.REQUIRED_ROLES if not self.schema.role_columns(r)]

    def sample_values(self, column: str, n: int = 5) -> list[str]:
        """A few sample values of ``column`` (from the profile, else from the DataFrame)."""
        if self.schema is None:
            return []
        col = self.schema.column(column)
        if col.profile is not None and col.profile.examples:
            return list(col.profile.examples[:n])
        if self.df is not None and col.name in self.df.columns:
            return [str(v) for v in self.df[col.name].dropna().head(n).tolist()]
        return []

    # ------------------------------------------------------------------ readiness
    def _readiness_findings(self) -> list[Finding]:
        if self.schema is None:
            return []
        if self.df is not None:
            key = (
                tuple(
                    (c.name, c.role) for c in self.schema.columns if c.role in _roles.REQUIRED_ROLES
                ),
            )
            if key != self._readiness_key:
                self._readiness_key = key
                self.readiness = None
                if not self.missing_roles() and not self.column_duplicates():
                    try:
                        self.readiness = _api().readiness(self.df, self.schema)
                    except Exception as exc:
                        self._record(exc, what="computing readiness figures")
        if self.readiness is None:
            return []
        return [
            f if f.path.startswith("columns.") else Finding(f.level, "readiness", f.code, f.message)
            for f in self.readiness.findings
        ]

    def column_duplicates(self) -> list[str]:
        """The required roles given to more than one column."""
        if self.schema is None:
            return []
        return [r for r in _roles.REQUIRED_ROLES if len(self.schema.role_columns(r)) > 1]

    def compute_readiness(
        self, *, workgroup: str = "primary", s3_output: str | None = None
    ) -> bool:
        """For a Glue table: count rows and users with Athena (``readiness_from_athena``)."""
        if self.schema is None or self.df is not None:
            return self.readiness is not None
        self.progress = "Counting rows and users with Athena..."
        self._set_loading("readiness")
        ok = True
        try:
            self.readiness = _api().readiness_from_athena(
                self.database,
                self.table,
                self.schema,
                workgroup=workgroup,
                s3_output=s3_output,
                boto3_session=self.boto3_session,
            )
        except Exception as exc:
            self._record(exc, what=f"counting rows of {self.database}.{self.table} with Athena")
            ok = False
        self.progress = ""
        self._set_loading(None)
        self.validate()
        self._notify("readiness", "findings", "errors")
        return ok

    def check_with_aws(self) -> bool:
        """Run ``validate_request`` with the session: also checks the Glue table and the account.

        The findings are shown at their fields until the request changes. Returns False when
        the check itself failed (the error is kept).
        """
        if self.request is None:
            return False
        request = self.request
        self._set_loading("checks with AWS")
        ok = True
        try:
            found = _api().validate_request(
                request, boto3_session=_client.session(self.boto3_session)
            )
        except Exception as exc:
            self._record(exc, what="checking the request with AWS")
            ok = False
        else:
            self.remote_findings = list(found)
            self._remote_for = self.request_json_text(request)
        self._set_loading(None)
        self.validate()
        self._notify("findings", "errors", "submit")
        return ok

    # ------------------------------------------------------------------ warnings
    @property
    def warnings_acknowledged(self) -> bool:
        """True when every current warning has been acknowledged."""
        return all(_finding_key(f) in self.acknowledged for f in self.findings.warnings)

    def acknowledge_warnings(self, acknowledged: bool = True) -> None:
        """Acknowledge every current warning (False takes the acknowledgement back)."""
        if acknowledged:
            self.acknowledged.update(_finding_key(f) for f in self.findings.warnings)
        else:
            self.acknowledged.clear()
        self._notify("findings", "submit")

    @property
    def blockers(self) -> list[str]:
        """Why submit is disabled, in words (empty when it is enabled)."""
        out = []
        if self.busy:
            out.append("a request is being sent")
        if self.request is None:
            out.append("there is no request yet")
        n_err = len(self.findings.errors)
        if n_err:
            out.append(f"fix {n_err} error(s)")
        n_warn = sum(1 for f in self.findings.warnings if _finding_key(f) not in self.acknowledged)
        if n_warn:
            out.append(f"acknowledge {n_warn} warning(s)")
        return out

    @property
    def can_submit(self) -> bool:
        """True when no error remains, every warning is acknowledged and nothing is in flight."""
        return not self.blockers

    # ------------------------------------------------------------------ actions
    def register(self, *, mode: str = "error") -> bool:
        """Write the DataFrame to ``register_path`` and catalog it (``register_dataframe``).

        The roles chosen in the form are kept; the schema then uses the Glue table's names.
        """
        if self.df is None or self.schema is None:
            self._record(
                SchemaError("only a DataFrame source can be registered"),
                what="registering the DataFrame",
            )
            self._notify("errors")
            return False
        missing = [
            n
            for n, v in (
                ("S3 path", self.register_path),
                ("database", self.database),
                ("table", self.table),
            )
            if not v
        ]
        if missing:
            self._record(
                SchemaError(
                    f"to register the DataFrame, fill in the {', '.join(missing)}"
                    " (e.g. s3://my-bucket/interactions/)"
                ),
                what="registering the DataFrame",
            )
            self._notify("errors")
            return False
        self.busy = True
        self.progress = f"Writing the DataFrame to {self.register_path} ..."
        self._notify("submit", "register")
        ok = False
        try:
            roles = {c.glue_name: c.role for c in self.schema.columns}
            registered: TrainingSchema = _api().register_dataframe(
                self.df,
                self.register_path,
                self.database,
                self.table,
                schema=self.schema,
                mode=mode,
                boto3_session=self.boto3_session,
            )
            wanted = {c.name: roles.get(c.glue_name, c.role) for c in registered.columns}
            changed = {n: r for n, r in wanted.items() if registered.column(n).role != r}
            self.schema = registered.with_roles(changed) if changed else registered
            self.registered_as = (self.database, self.table)
            self._readiness_key = None
            self.progress = f"Registered as Glue table {self.database}.{self.table}."
            self.last_error = None
            ok = True
        except Exception as exc:
            self._record(exc, what=f"registering the DataFrame as {self.database}.{self.table}")
            self.progress = "Registering failed; see the error below."
        finally:
            self.busy = False
        self.validate()
        self._notify("register", "schema", "findings", "submit", "errors", "source")
        return ok

    def submit(self) -> str | None:
        """Send the request (``create_training_dataset``); returns the ARN, or None.

        Does nothing while a request is in flight or while :attr:`blockers` is not empty.
        A name conflict is kept in :attr:`conflict` (see :meth:`reuse_existing`).
        """
        if not self.can_submit or self.request is None:
            self.progress = "Not sent: " + "; ".join(self.blockers) + "."
            self._notify("submit")
            return None
        return self._send(self.request, if_exists="error")

    def reuse_existing(self) -> str | None:
        """After a name conflict with an equal definition: use the existing training dataset."""
        if self.request is None or self.busy or not self.can_reuse:
            return None
        return self._send(self.request, if_exists="reuse")

    def _send(self, request: dict[str, Any], *, if_exists: str) -> str | None:
        self.busy = True
        self.sends += 1
        self.conflict = None
        self.last_error = None
        self.result_arn = None
        self.result_status = None
        self.progress = (
            "Waiting for the training dataset to become ACTIVE..."
            if self.wait
            else "Sending the request..."
        )
        self._notify("submit", "result", "errors")
        signature = self.request_json_text(request)
        arn: str | None = None
        try:
            arn = str(
                _api().create_training_dataset(
                    request, wait=self.wait, if_exists=if_exists, boto3_session=self.boto3_session
                )
            )
        except TrainingDatasetExistsError as exc:
            self.conflict = exc
            self._conflict_for = signature
            self._record(exc, what="creating the training dataset")
            self.progress = "Not created: the name is taken."
        except RequestInvalidError as exc:
            self.remote_findings = list(exc.findings)
            self._remote_for = signature
            self._record(exc, what="creating the training dataset")
            self.progress = "Not created: the request has errors (see the fields)."
        except Exception as exc:
            self._record(exc, what="creating the training dataset")
            self.progress = "Not created; see the error below."
        else:
            self.result_arn = arn
            self.remote_findings = []
            self._remote_for = None
            if self.wait:
                self.result_status = self._status(arn)
            self.progress = (
                "Reused the existing training dataset." if if_exists == "reuse" else "Created."
            )
        finally:
            self.busy = False
        self.validate()
        self._notify("submit", "result", "errors", "findings")
        return arn

    def _status(self, arn: str) -> str | None:
        try:
            info = _api().get_training_dataset(arn, boto3_session=self.boto3_session)
        except Exception as exc:
            self._record(exc, what=f"reading the status of {arn}")
            return None
        status = info.get("status") if isinstance(info, Mapping) else getattr(info, "status", None)
        return None if status is None else str(status)

    @property
    def can_reuse(self) -> bool:
        """True after a conflict with an existing dataset whose definition is equal.

        An edit of the request after the conflict takes the offer back (submit again).
        """
        return bool(
            self.conflict is not None
            and self.conflict.same_definition
            and self._conflict_for == self.request_json
        )

    # ------------------------------------------------------------------ display
    def summary(self) -> str:
        """One line about the state (used by ``repr``)."""
        src = (
            f"DataFrame {self.df.shape[0]}x{self.df.shape[1]}"
            if self.df is not None
            else f"Glue {self.database or '?'}.{self.table or '?'}"
        )
        return (
            f"FormState({src}, name={self.name!r}, {len(self.findings.errors)} error(s), "
            f"{len(self.findings.warnings)} warning(s), can_submit={self.can_submit}, "
            f"arn={self.result_arn!r})"
        )

    def __repr__(self) -> str:
        return self.summary()
