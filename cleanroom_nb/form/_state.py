"""The state and logic behind :class:`cleanroom_nb.TrainingDatasetForm`, without any widget.

:class:`FormState` holds everything the form shows and every action it offers. It is a thin
facade over parts with one job each:

========================  ===================================================================
``state.source``          :class:`~cleanroom_nb.form._source.SourceState`: Glue database and
                          table, or where a DataFrame is registered
``state.edits``           :class:`~cleanroom_nb.form._edits.SchemaEdits`: the columns' roles
``state.fields``          :class:`~cleanroom_nb.form._fields.Fields`: name, description, role
                          ARN, tags, the account and the roles offered
``state.validation``      :class:`~cleanroom_nb.form._validation.Validation`: the request and
                          its findings, mapped to fields
``state.checks``          :class:`~cleanroom_nb.form._checks.Checks`: readiness figures and
                          checks with AWS
``state.fixes``           :class:`~cleanroom_nb.form._fixes.Fixes`: fix buttons
``state.role``            :class:`~cleanroom_nb.form._role.RoleCreation`: "Create service role"
``state.submission``      :class:`~cleanroom_nb.form._submission.Submission`: submit and reuse
========================  ===================================================================

Every part's attributes and methods are also the facade's (``state.name`` is
``state.fields.name``). The library and AWS are reached through ``state.actions``
(:class:`~cleanroom_nb.form._actions.Actions`), which tests replace with fakes. The state never
imports ipywidgets: the widget view binds to it through :meth:`FormState.observe`.

No error is swallowed: an action that fails keeps the error on ``state.errors`` and
``state.last_error`` (its message says how to fix it) and leaves every value the user entered.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import boto3
import pandas as pd

from cleanroom_nb._errors import CleanroomNbError, FindingsError
from cleanroom_nb._findings import Finding, Findings
from cleanroom_nb._words import count
from cleanroom_nb.aws import _client
from cleanroom_nb.form._actions import Actions, trusts_cleanrooms_ml
from cleanroom_nb.form._checks import Checks
from cleanroom_nb.form._edits import LEAVE_OUT, ROLE_CHOICES, SchemaEdits
from cleanroom_nb.form._fields import Fields, TagRow
from cleanroom_nb.form._fixes import Fixes
from cleanroom_nb.form._parts import Via
from cleanroom_nb.form._role import RoleCreation
from cleanroom_nb.form._source import SourceState
from cleanroom_nb.form._submission import Submission
from cleanroom_nb.form._validation import FIELDS, Validation, request_json_text
from cleanroom_nb.infer._schema import TrainingSchema

__all__ = [
    "FIELDS",
    "LEAVE_OUT",
    "ROLE_CHOICES",
    "Actions",
    "FormState",
    "Observer",
    "TagRow",
    "trusts_cleanrooms_ml",
]

Observer = Callable[["FormState", frozenset[str]], None]


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
    athena_output
        Where Athena writes query results (``s3://bucket/prefix/``) for "Count rows" and
        "Rewrite with Athena"; None: the workgroup's setting (or awswrangler's default bucket).
    actions
        The library functions and AWS look-ups to call (default: the library's own).
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
        athena_output: str | None = None,
        actions: Actions | None = None,
        boto3_session: boto3.Session | None = None,
    ) -> None:
        self.boto3_session = boto3_session
        self.actions = actions or Actions()
        self.df = df
        self.source_kind = "dataframe" if df is not None else "glue"
        self.catalog_id = catalog_id
        self.wait = wait
        self.athena_output = athena_output
        self.region = _client.region(boto3_session)
        self.schema: TrainingSchema | None = schema
        self.loading: str | None = None
        self.busy = False
        self.progress: str = ""
        self.errors: list[BaseException] = []
        self.last_error: BaseException | None = None
        self._observers: list[Observer] = []

        self.source = SourceState(self, database, table)
        self.edits = SchemaEdits(self)
        self.fields = Fields(self)
        self.validation = Validation(self)
        self.checks = Checks(self)
        self.fixes = Fixes(self)
        self.role = RoleCreation(self)
        self.submission = Submission(self)

        if df is not None and schema is None:
            self.source.infer_frame_schema()
        if load:
            self.load()
        else:
            self.validate()

    # ------------------------------------------------------------------ observers and errors
    def observe(self, callback: Observer) -> None:
        """Call ``callback(state, changed)`` after every change; ``changed`` names what changed.

        The names are ``"source"``, ``"databases"``, ``"tables"``, ``"loading"``, ``"schema"``,
        ``"fields"``, ``"tags"``, ``"roles"``, ``"role"``, ``"findings"``, ``"readiness"``,
        ``"fixes"``, ``"submit"``, ``"result"``, ``"register"`` and ``"errors"``.
        """
        self._observers.append(callback)

    def unobserve(self, callback: Observer) -> None:
        """Stop calling ``callback``."""
        self._observers.remove(callback)

    def notify(self, *changed: str) -> None:
        """Tell every observer what changed."""
        what = frozenset(changed)
        for cb in list(self._observers):
            cb(self, what)

    def set_loading(self, what: str | None) -> None:
        """Say what is being loaded (None: nothing)."""
        self.loading = what
        self.notify("loading")

    @staticmethod
    def translate(exc: BaseException, *, what: str) -> BaseException:
        """A botocore/awswrangler error as a :class:`CleanroomNbError` that names the fix."""
        if not isinstance(exc, CleanroomNbError) and type(exc).__module__.startswith(
            ("botocore", "awswrangler", "boto3")
        ):
            translated = _client.translate(exc, what=what)
            translated.__cause__ = exc
            return translated
        return exc

    def record(self, exc: BaseException, *, what: str) -> None:
        """Keep an error on the state (translated when it comes from botocore)."""
        exc = self.translate(exc, what=what)
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
            listed = "\n".join(f"  - {f.message}" for f in exc.findings if f.message not in text)
            if listed:
                text += "\n" + listed
        return text

    def clear_error(self) -> None:
        """Hide the last error (it stays in ``errors``)."""
        self.last_error = None
        self.notify("errors")

    # ------------------------------------------------------------------ loading
    def load(self) -> None:
        """Load the caller's account, the IAM roles, the catalog and the schema."""
        self.fields.load_identity()
        self.fields.load_role_choices()
        if self.source_kind == "glue":
            self.source.load_databases()
            if self.database:
                self.source.select_database(self.database, keep_table=True)
        self.validate()
        self.notify("source", "schema", "findings")

    # ------------------------------------------------------------------ the parts' members
    databases = Via[list[str]](SourceState)
    tables = Via[list[str]](SourceState)
    database = Via[str](SourceState)
    table = Via[str](SourceState)
    register_path = Via[str](SourceState)
    registered_as = Via["tuple[str, str] | None"](SourceState)
    needs_registration = Via[bool](SourceState)
    s3_location = Via[str](SourceState)
    load_databases = Via[Callable[[], None]](SourceState)
    select_database = Via[Callable[..., None]](SourceState)
    select_table = Via[Callable[[str], None]](SourceState)
    set_target = Via[Callable[..., None]](SourceState)
    register = Via[Callable[..., bool]](SourceState)

    set_role = Via[Callable[[str, "str | None"], bool]](SchemaEdits)
    role_of = Via[Callable[[str], str]](SchemaEdits)
    missing_roles = Via[Callable[[], list[str]]](SchemaEdits)
    column_duplicates = Via[Callable[[], list[str]]](SchemaEdits)
    column_flags = Via[Callable[[], dict[str, list[str]]]](SchemaEdits)
    sample_values = Via[Callable[..., list[str]]](SchemaEdits)

    name = Via[str](Fields)
    description = Via[str](Fields)
    role_arn = Via[str](Fields)
    tags = Via[list[TagRow]](Fields)
    account_id = Via["str | None"](Fields)
    partition = Via[str](Fields)
    role_choices = Via[list[str]](Fields)
    role_choices_note = Via["str | None"](Fields)
    role_arn_prefix = Via[str](Fields)
    set_name = Via[Callable[[str], None]](Fields)
    set_description = Via[Callable[[str], None]](Fields)
    set_role_arn = Via[Callable[[str], None]](Fields)
    add_tag = Via[Callable[..., int]](Fields)
    set_tag = Via[Callable[..., None]](Fields)
    remove_tag = Via[Callable[[int], None]](Fields)
    tag_dict = Via[Callable[[], dict[str, str]]](Fields)
    load_identity = Via[Callable[[], None]](Fields)
    load_role_choices = Via[Callable[[], None]](Fields)

    findings = Via[Findings](Validation)
    field_findings = Via[dict[str, list[Finding]]](Validation)
    request = Via["dict[str, Any] | None"](Validation)
    request_json = Via[str](Validation)
    boto3_code = Via[str](Validation)
    build = Via[Callable[[], "dict[str, Any] | None"]](Validation)
    validate = Via[Callable[[], Findings]](Validation)
    field_of = Via[Callable[[str], str]](Validation)
    findings_for = Via[Callable[[str], list[Finding]]](Validation)
    request_json_text = staticmethod(request_json_text)

    readiness = Via[Any](Checks)
    remote_findings = Via[list[Finding]](Checks)
    compute_readiness = Via[Callable[..., bool]](Checks)
    check_with_aws = Via[Callable[[], bool]](Checks)

    acknowledged = Via[set[tuple[str, str, str, str]]](Submission)
    result_arn = Via["str | None"](Submission)
    result_status = Via["str | None"](Submission)
    conflict = Via[Any](Submission)
    sends = Via[int](Submission)
    warnings_acknowledged = Via[bool](Submission)
    blockers = Via[list[str]](Submission)
    can_submit = Via[bool](Submission)
    can_reuse = Via[bool](Submission)
    acknowledge_warnings = Via[Callable[..., None]](Submission)
    submit = Via[Callable[[], "str | None"]](Submission)
    reuse_existing = Via[Callable[[], "str | None"]](Submission)

    # ------------------------------------------------------------------ display
    def summary(self) -> str:
        """One line about the state (used by ``repr``)."""
        src = (
            f"DataFrame {self.df.shape[0]}x{self.df.shape[1]}"
            if self.df is not None
            else f"Glue {self.database or '?'}.{self.table or '?'}"
        )
        return (
            f"FormState({src}, name={self.name!r}, {count(len(self.findings.errors), 'error')}, "
            f"{count(len(self.findings.warnings), 'warning')}, can_submit={self.can_submit}, "
            f"arn={self.result_arn!r})"
        )

    def __repr__(self) -> str:
        return self.summary()
