"""The state and logic behind :class:`cleanroom_nb.TrainingDatasetForm`, without any widget.

:class:`FormState` is a traitlets ``HasTraits`` that wires the form's feature slices, one line
each; every slice is one folder with a traitlets model (``_model.py``) and a thin view
(``_view.py``):

=======================  ====================================================================
``state.source``         :class:`~cleanroom_nb.form.source._model.SourceModel`: Glue database
                         and table, or where a DataFrame is registered
``state.columns``        :class:`~cleanroom_nb.form.columns._model.ColumnsModel`: the roles
``state.fixes``          :class:`~cleanroom_nb.form.fixes._model.FixesModel`: fix buttons
``state.details``        :class:`~cleanroom_nb.form.details._model.DetailsModel`: name,
                         description, role ARN, tags, the account and the roles offered
``state.service_role``   :class:`~cleanroom_nb.form.service_role._model.ServiceRoleModel`:
                         "Create service role"
``state.checks``         :class:`~cleanroom_nb.form.checks._model.ChecksModel`: readiness
                         figures and charts, scan estimates, checks with AWS
``state.submit``         :class:`~cleanroom_nb.form.submit._model.SubmitModel`: submit, reuse
``state.validation``     :class:`~cleanroom_nb.form._validation.Validation`: the request and
                         its findings, mapped to fields (all slices feed it)
``state.audience``       :class:`~cleanroom_nb.form.audience._model.AudienceStep`: after
                         "Created", train an audience model and configure it
=======================  ====================================================================

The library and AWS are reached through ``state.actions``
(:class:`~cleanroom_nb.form._actions.Actions`), which tests replace with fakes. The state never
imports ipywidgets: views bind to the slices' traits (``link``/``dlink``/``observe``) and
re-render on :attr:`FormState.revision`, which every action bumps once it is done.

No error is swallowed: an action that fails keeps the error on ``state.errors`` and
``state.last_error`` (its message says how to fix it) and leaves every value the user entered.
"""

from __future__ import annotations

from typing import Any

import boto3
import pandas as pd
from traitlets import Any as AnyTrait
from traitlets import Bool, HasTraits, Int, Unicode

from cleanroom_nb._errors import CleanroomNbError, FindingsError
from cleanroom_nb._findings import Findings
from cleanroom_nb._words import count
from cleanroom_nb.aws import _client
from cleanroom_nb.form._actions import Actions, trusts_cleanrooms_ml
from cleanroom_nb.form._validation import FIELDS, Validation
from cleanroom_nb.form.audience._model import AudienceStep
from cleanroom_nb.form.checks._model import ChecksModel
from cleanroom_nb.form.columns._model import LEAVE_OUT, ROLE_CHOICES, ColumnsModel
from cleanroom_nb.form.details._model import DetailsModel, TagRow
from cleanroom_nb.form.fixes._model import FixesModel
from cleanroom_nb.form.service_role._model import ServiceRoleModel
from cleanroom_nb.form.source._model import SourceModel
from cleanroom_nb.form.submit._model import SubmitModel
from cleanroom_nb.infer._schema import TrainingSchema

__all__ = [
    "FIELDS",
    "LEAVE_OUT",
    "ROLE_CHOICES",
    "Actions",
    "FormState",
    "TagRow",
    "trusts_cleanrooms_ml",
]


class FormState(HasTraits):
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
    >>> state.details.set_name("my-dataset")
    >>> state.request["name"]
    'my-dataset'
    >>> state.submit.can_submit  # the frame is not registered in Glue yet, and no role ARN
    False
    """

    schema = AnyTrait(None, allow_none=True, help="the TrainingSchema shown (None: no source)")
    loading = Unicode(None, allow_none=True, help="what is being loaded (None: nothing)")
    busy = Bool(False, help="an action that must not run twice is in flight")
    progress = Unicode("", help="what the last or current action is doing, in words")
    last_error = AnyTrait(None, allow_none=True, help="the error shown (None: none)")
    revision = Int(0, help="bumped once after every action: views re-render on it")

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
        super().__init__()
        self.boto3_session = boto3_session
        self.actions = actions or Actions()
        self.df = df
        self.source_kind = "dataframe" if df is not None else "glue"
        self.catalog_id = catalog_id
        self.wait = wait
        self.athena_output = athena_output
        self.region = _client.region(boto3_session)
        self.schema = schema
        self.errors: list[BaseException] = []

        self.source = SourceModel(self, database=database or "", table=table or "")
        self.columns = ColumnsModel(self)
        self.fixes = FixesModel(self)
        self.details = DetailsModel(self)
        self.service_role = ServiceRoleModel(self)
        self.checks = ChecksModel(self)
        self.submit = SubmitModel(self)
        self.validation = Validation(self)
        self.audience = AudienceStep(athena_output=athena_output, boto3_session=boto3_session)
        self.audience.follow(self)  # after "Created": train an audience model, configure it

        if df is not None and schema is None:
            self.source.infer_frame_schema()
        if load:
            self.load()
        else:
            self.validate()

    # ------------------------------------------------------------------ changes and errors
    def changed(self) -> None:
        """Say that an action is done: bumps :attr:`revision` (the views re-render once)."""
        self.revision += 1

    def set_loading(self, what: str | None) -> None:
        """Say what is being loaded (None: nothing)."""
        self.loading = what
        self.changed()

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
        self.changed()

    # ------------------------------------------------------------------ loading
    def load(self) -> None:
        """Load the caller's account, the IAM roles, the catalog and the schema."""
        self.details.load_identity()
        self.details.load_role_choices()
        if self.source_kind == "glue":
            self.source.load_databases()
            if self.source.database:
                self.source.select_database(self.source.database, keep_table=True)
        self.validate()
        self.changed()

    # ------------------------------------------------------------------ the request
    def validate(self) -> Findings:
        """Build the request and check everything again (offline: no AWS call)."""
        return self.validation.validate()

    @property
    def findings(self) -> Findings:
        """Every finding about the request, the data and the fields."""
        return self.validation.findings

    @property
    def request(self) -> dict[str, Any] | None:
        """The ``create_training_dataset`` request as it stands (None without a schema)."""
        return self.validation.request

    # ------------------------------------------------------------------ display
    def summary(self) -> str:
        """One line about the state (used by ``repr``)."""
        src = (
            f"DataFrame {self.df.shape[0]}x{self.df.shape[1]}"
            if self.df is not None
            else f"Glue {self.source.database or '?'}.{self.source.table or '?'}"
        )
        return (
            f"FormState({src}, name={self.details.name!r}, {count(len(self.findings.errors), 'error')}, "
            f"{count(len(self.findings.warnings), 'warning')}, can_submit={self.submit.can_submit}, "
            f"arn={self.submit.result_arn!r})"
        )

    def __repr__(self) -> str:
        return self.summary()
