"""The state and logic of the form's "Train an audience model" and "Configure" steps.

:class:`AudienceStep` is a traitlets ``HasTraits`` model: the view
(:mod:`cleanroom_nb.form.audience._view`) binds its widgets to these traits with
``link``/``dlink`` and calls its methods; tests drive it without a browser.

Once the training dataset is created (:meth:`AudienceStep.start`), the step reads the data's
time range from the library's window check (:func:`cleanroom_nb.check_training_window`:
in-process for a DataFrame, ONE Athena query for a Glue table), prefills the training window
with it, and draws the events per day with the window shaded. Every change of the window is
judged at once against the data's range (the library's own findings, in words); a DataFrame's
window is also counted in-process, a Glue table's with the "Check the window" query.

:meth:`AudienceStep.train` sends ONE CreateAudienceModel (the library checks the window again)
and waits with the library's waiter, whose statuses (CREATE_PENDING → CREATE_IN_PROGRESS →
ACTIVE) reach :attr:`AudienceStep.statuses` as it reports them. ``step.config`` (a
:class:`~cleanroom_nb.form.audience._configure.ConfigureStep`) then makes the configured
audience model. Nothing is sent twice: a request in flight, or one
already answered for the same values, is not sent again.
"""

from __future__ import annotations

from typing import Any

import boto3
import pandas as pd
from traitlets import Bool, Int, List, Unicode, dlink, observe

from cleanroom_nb._errors import AudienceModelExistsError, FindingsError, TrainingFailedError
from cleanroom_nb._progress import watch
from cleanroom_nb.form.audience._configure import ConfigureStep
from cleanroom_nb.form.audience._parts import (
    NAME_MAX,
    AudienceActions,
    details_in_words,
    message,
    output_role_name,
    suggest_name,
)
from cleanroom_nb.form.audience._window_part import WindowPart

REQUEST_FIELDS = ("name", "description", "tags", "kmsKeyArn", "trainingDatasetArn")
"""Findings on these paths are about the request, not the data in the window."""


class AudienceStep(WindowPart):
    """Train an audience model on a created training dataset, then configure it.

    Parameters
    ----------
    athena_output
        Where Athena writes the window query's results (None: the workgroup's setting).
    poll_interval
        Seconds between status reads while training (None: the library's growing interval).
    timeout
        Seconds to wait for training (the model keeps training after it: wait again).
    actions
        The library functions to call (default: the library's own).
    boto3_session
        The session every AWS call uses.

    Examples
    --------
    >>> step = AudienceStep()
    >>> step.visible, step.train_blockers
    (False, ['create the training dataset first'])
    """

    # --- training
    model_name = Unicode("")
    statuses = List(Unicode(), help="the statuses seen, in order, as the waiter reported them")
    model_arn = Unicode("")
    model_status = Unicode("")
    status_details = Unicode("", help="CREATE_FAILED: the service's statusDetails, in words")
    train_error = Unicode("")
    can_reuse_model = Bool(False)
    train_blockers = List(Unicode())
    train_sends = Int(0)

    def __init__(
        self,
        *,
        athena_output: str | None = None,
        poll_interval: float | None = None,
        timeout: float = 3600.0,
        actions: AudienceActions | None = None,
        boto3_session: boto3.Session | None = None,
    ) -> None:
        super().__init__()
        self.athena_output = athena_output
        self.poll_interval = poll_interval
        self.timeout = timeout
        self.actions = actions or AudienceActions()
        self.boto3_session = boto3_session
        self.df: pd.DataFrame | None = None
        self.report: Any = None  # the whole data's readiness (the chart's bars)
        self._first_s: float | None = None
        self._last_s: float | None = None
        self._trained_for: tuple[Any, ...] | None = None
        self.config = ConfigureStep(actions=self.actions, boto3_session=boto3_session)
        """The "Configure" step (:class:`ConfigureStep`): it follows the model's ARN and status."""
        self.links = [
            dlink((self, "model_arn"), (self.config, "model_arn")),
            dlink((self, "model_status"), (self.config, "model_status")),
        ]
        self._refresh()

    # ------------------------------------------------------------------ start
    def follow(self, state: Any) -> None:
        """Start when the form ``state`` (a :class:`~cleanroom_nb.form.FormState`) creates a dataset."""

        def on_change(change: Any) -> None:
            arn = state.submit.result_arn
            if arn and arn != self.dataset_arn and not state.busy:
                location = str(state.source.s3_location or "")
                self.start(arn, dataset_name=state.details.name, df=state.df, s3_location=location)

        state.observe(on_change, names="revision")

    def start(
        self,
        dataset_arn: str,
        *,
        dataset_name: str = "",
        df: pd.DataFrame | None = None,
        s3_location: str = "",
        load: bool | None = None,
    ) -> None:
        """Show the step for a created training dataset: names, output location, the window.

        The window is prefilled from the data's time range (the library's window check: the
        DataFrame in-process, or ONE Athena query on the dataset's Glue table). ``load``: read
        it now (default: for a DataFrame; a Glue table's query, which Athena bills, waits for
        :meth:`load_window`, the "Read the data's time range" button).
        """
        self.dataset_arn = dataset_arn
        self.dataset_name = dataset_name or dataset_arn.rsplit("/", 1)[-1]
        self.df = df
        self.source = "dataframe" if df is not None else "glue"
        self.model_name = suggest_name(self.dataset_name, "model")
        config = self.config
        config.configured_name = suggest_name(self.dataset_name, "lookalike")
        config.role_name = output_role_name(self.dataset_name)
        if s3_location.startswith("s3://") and not config.output_s3_uri:
            bucket = s3_location[5:].split("/", 1)[0]
            config.output_s3_uri = f"s3://{bucket}/lookalike-segments/{self.model_name}/"
        self.model_arn = self.model_status = self.status_details = self.train_error = ""
        self.statuses = []
        self.report = None
        self.window_ready = False
        self.first_day = self.last_day = None
        self.window_findings = []
        self.window_counts = self.data_span = self.scanned_text = ""
        self.chart_png = None
        self.scan_estimate = None
        self.visible = True
        if df is None:
            self.estimate_scan()
        if load or (load is None and df is not None):
            self.load_window()

    # ------------------------------------------------------------------ training
    @observe(
        "dataset_arn",
        "model_name",
        "window_findings",
        "window_ready",
        "training",
    )
    def _on_inputs(self, _change: Any) -> None:
        self._refresh()

    def _refresh(self) -> None:
        train: list[str] = []
        if not self.dataset_arn:
            train.append("create the training dataset first")
        if self.training:
            train.append("the model is being trained")
        if self.dataset_arn and not self.model_name.strip():
            train.append("give the model a name")
        elif len(self.model_name) > NAME_MAX:
            train.append(f"shorten the name to {NAME_MAX} characters")
        if self.dataset_arn and not self.window_ready:
            train.append("read the data's time range first")
        elif self.window_errors:
            train.append("fix the window")
        self.train_blockers = train

    def _train_signature(self) -> tuple[Any, ...]:
        return (self.dataset_arn, self.model_name, self.window)

    def train(self, *, reuse: bool = False) -> str | None:
        """Send ONE CreateAudienceModel and wait until it is ACTIVE; returns its ARN, or None.

        Does nothing while :attr:`train_blockers` is not empty, and sends nothing again for
        the same name and window once a model was made (a second click, a re-run).
        ``reuse=True`` (after a name conflict) takes the existing model of the same definition.
        """
        if self.train_blockers:
            return None
        signature = self._train_signature()
        if self.model_arn and self._trained_for == signature and not reuse:
            if self.model_status.startswith("CREATE_") and "FAIL" not in self.model_status:
                return self.wait()  # still training when the wait ended: wait again, no send
            return self.model_arn  # already sent for these values
        window = self.window
        assert window is not None  # no blockers
        self.train_sends += 1
        self.training = True
        self.statuses = []
        self.model_arn = self.model_status = self.status_details = self.train_error = ""
        self.can_reuse_model = False
        self.loading = "Training (the window is checked first)"
        try:
            arn = str(
                self.actions.create_audience_model(
                    self.dataset_arn,
                    self.model_name,
                    training_data_start_time=window[0],
                    training_data_end_time=window[1],
                    wait=False,
                    if_exists="reuse" if reuse else "error",
                    df=self.df,
                    s3_output=self.athena_output,
                    progress=False,
                    boto3_session=self.boto3_session,
                )
            )
            self.model_arn = arn
            self._trained_for = signature
            self.loading = "Sent; reading the model's status"
            self._wait(arn)
        except TrainingFailedError as exc:
            self.model_status = exc.status
            self.status_details = details_in_words(exc.status_details)
            self.train_error = str(exc)
        except AudienceModelExistsError as exc:
            self.can_reuse_model = exc.same_definition is not False  # None: not compared yet
            self.train_error = str(exc)
        except FindingsError as exc:
            if self.window == window:  # (not changed meanwhile)
                self.window_findings = self._words(
                    [f for f in exc.findings if not f.path.startswith(REQUEST_FIELDS)]
                )
            self.train_error = str(exc)
        except Exception as exc:
            self.train_error = message(exc)
        finally:
            self.loading = ""
            self.training = False
        return self.model_arn or None

    def _wait(self, arn: str) -> None:
        """The library's waiter; its statuses reach :attr:`statuses` as it reports them."""
        with watch(self._on_waiter):
            info = self.actions.wait_for_audience_model(
                arn,
                timeout=self.timeout,
                poll_interval=self.poll_interval,
                progress=False,
                boto3_session=self.boto3_session,
            )
        self.model_status = str(info.get("status") or "")

    def wait(self) -> str | None:
        """Wait again for a model still training (e.g. after a timeout); nothing is sent."""
        if self.training or not self.model_arn:
            return None
        self.training = True
        self.train_error = ""
        self.loading = "Waiting for the model"
        try:
            self._wait(self.model_arn)
        except TrainingFailedError as exc:
            self.model_status = exc.status
            self.status_details = details_in_words(exc.status_details)
            self.train_error = str(exc)
        except Exception as exc:
            self.train_error = message(exc)
        finally:
            self.loading = ""
            self.training = False
        return self.model_arn

    def _on_waiter(self, _title: str, text: str) -> None:
        seen = [s.strip() for s in text.split("→") if s.strip()]
        if seen and seen != self.statuses:
            self.loading = ""  # the statuses say it from here
            self.statuses = seen
            self.model_status = seen[-1]

    def __repr__(self) -> str:
        return (
            f"AudienceStep(dataset={self.dataset_arn!r}, window={self.first_day}..{self.last_day}, "
            f"model={self.model_arn!r} {self.model_status}, "
            f"configured={self.config.configured_arn!r})"
        )
