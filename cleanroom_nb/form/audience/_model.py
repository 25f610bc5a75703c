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
ACTIVE) reach :attr:`AudienceStep.statuses` as it reports them. :meth:`AudienceStep.configure`
makes the configured audience model with an output location and an output role that is shown
(:attr:`AudienceStep.role_policies`), created (:meth:`AudienceStep.create_role`) or chosen, and
checked (:meth:`AudienceStep.check_role`). Nothing is sent twice: a request in flight, or one
already answered for the same values, is not sent again.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import boto3
import pandas as pd
from traitlets import Bool, HasTraits, Instance, Int, List, Unicode, observe

from cleanroom_nb._errors import (
    AudienceModelExistsError,
    CleanroomNbError,
    ConfiguredAudienceModelExistsError,
    FindingsError,
    TrainingFailedError,
)
from cleanroom_nb._findings import Finding
from cleanroom_nb._progress import watch
from cleanroom_nb.audience import (
    check_training_window,
    create_audience_model,
    create_configured_audience_model,
    wait_for_audience_model,
)
from cleanroom_nb.aws import (
    _client,
    check_output_role,
    create_output_role,
    output_permissions_policy,
    output_trust_policy,
)
from cleanroom_nb.readiness._window import epoch_seconds, iso

ROLE_MODES = ("create", "choose")
"""How the output role is given: made by the form (``"create"``) or an existing ARN."""
REQUEST_FIELDS = ("name", "description", "tags", "kmsKeyArn", "trainingDatasetArn")
"""Findings on these paths are about the request, not the data in the window."""
NAME_MAX = 63
"""The longest audience model / configured audience model name (botocore's model)."""


@dataclass(frozen=True)
class AudienceActions:
    """The library functions the step calls; tests replace some (``dataclasses.replace``)."""

    check_training_window: Callable[..., Any] = check_training_window
    create_audience_model: Callable[..., Any] = create_audience_model
    wait_for_audience_model: Callable[..., Any] = wait_for_audience_model
    create_configured_audience_model: Callable[..., Any] = create_configured_audience_model
    create_output_role: Callable[..., Any] = create_output_role
    check_output_role: Callable[..., Any] = check_output_role
    output_trust_policy: Callable[..., Any] = output_trust_policy
    output_permissions_policy: Callable[..., Any] = output_permissions_policy

    def replace(self, **changes: Callable[..., Any]) -> AudienceActions:
        """A copy with some actions replaced."""
        return dataclasses.replace(self, **changes)


def suggest_name(base: str, suffix: str) -> str:
    """A resource name from a dataset name: ``<base>-<suffix>``, at most 63 characters.

    Examples
    --------
    >>> suggest_name("interactions-2024-05-01", "model")
    'interactions-2024-05-01-model'
    >>> len(suggest_name("x" * 80, "model"))
    63
    """
    clean = re.sub(r"[^A-Za-z0-9_.-]+", "-", base).strip("-") or "audience"
    tail = f"-{suffix}"
    return clean[: NAME_MAX - len(tail)] + tail


def output_role_name(dataset_name: str) -> str:
    """A suggested output role name (IAM: at most 64 characters).

    Examples
    --------
    >>> output_role_name("shop events")
    'cleanrooms-ml-output-shop-events'
    """
    clean = re.sub(r"[^A-Za-z0-9_.=,@+-]+", "-", dataset_name).strip("-") or "segments"
    return f"cleanrooms-ml-output-{clean}"[:64].rstrip("-")


def day_start(day: dt.date) -> dt.datetime:
    """Midnight UTC at the start of ``day``."""
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


def _day_of(seconds: float) -> dt.date:
    return dt.datetime.fromtimestamp(seconds, dt.UTC).date()


def _words(findings: Sequence[Finding]) -> list[tuple[str, str]]:
    return [(f.level, f.message) for f in dict.fromkeys(findings)]


def _message(exc: BaseException) -> str:
    if isinstance(exc, CleanroomNbError):
        return str(exc)
    return f"{type(exc).__name__}: {exc}"


def details_in_words(details: Mapping[str, Any]) -> str:
    """The service's ``statusDetails`` as a sentence.

    Examples
    --------
    >>> details_in_words({"statusCode": "INSUFFICIENT_DATA", "message": "Too few users."})
    'Too few users. (INSUFFICIENT_DATA)'
    >>> details_in_words({})
    'the service gave no statusDetails'
    """
    message = str(details.get("message") or "").strip()
    code = str(details.get("statusCode") or "").strip()
    if not message and not code:
        return "the service gave no statusDetails"
    return f"{message} ({code})" if message and code else message or code


class AudienceStep(HasTraits):
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

    # --- the training dataset
    dataset_arn = Unicode("")
    dataset_name = Unicode("")
    source = Unicode("", help="'dataframe' or 'glue'")
    visible = Bool(False)
    loading = Unicode("", help="what is being read or sent now ('': nothing)")

    # --- the training window (days, UTC; the end day is included)
    data_first = Instance(dt.date, allow_none=True)
    data_last = Instance(dt.date, allow_none=True)
    data_span = Unicode("", help="the data's time range in words")
    first_day = Instance(dt.date, allow_none=True)
    last_day = Instance(dt.date, allow_none=True)
    window_findings: List[tuple[str, str]] = List(
        help="(level, message) pairs about the window, in words"
    )
    window_counts = Unicode("", help="what the window holds, when counted")
    window_ready = Bool(False, help="the data's time range is read: the window can be chosen")
    chart_png = Instance(bytes, allow_none=True)

    # --- training
    model_name = Unicode("")
    training = Bool(False)
    statuses = List(Unicode(), help="the statuses seen, in order, as the waiter reported them")
    model_arn = Unicode("")
    model_status = Unicode("")
    status_details = Unicode("", help="CREATE_FAILED: the service's statusDetails, in words")
    train_error = Unicode("")
    can_reuse_model = Bool(False)
    train_blockers = List(Unicode())
    train_sends = Int(0)

    # --- configure
    output_s3_uri = Unicode("")
    role_mode = Unicode("create")
    role_name = Unicode("")
    role_arn = Unicode("")
    role_findings: List[tuple[str, str]] = List()
    role_note = Unicode("")
    role_policies = Unicode("", help="the trust and permissions policies a new role gets (JSON)")
    configured_name = Unicode("")
    configuring = Bool(False)
    configured_arn = Unicode("")
    configure_error = Unicode("")
    can_reuse_configured = Bool(False)
    configure_blockers = List(Unicode())
    configure_sends = Int(0)
    roles_created = Int(0)

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
        self._configured_for: tuple[Any, ...] | None = None
        self._role_made_for: tuple[str, str] | None = None
        self._counted_for: tuple[Any, ...] | None = None
        self._refresh()

    # ------------------------------------------------------------------ start
    def follow(self, state: Any) -> None:
        """Start when the form ``state`` (a :class:`~cleanroom_nb.FormState`) creates a dataset."""

        def on_change(form: Any, changed: frozenset[str]) -> None:
            arn = form.result_arn
            if "result" in changed and arn and arn != self.dataset_arn and not form.busy:
                location = str(getattr(form, "s3_location", "") or "")
                self.start(arn, dataset_name=form.name, df=form.df, s3_location=location)

        state.observe(on_change)

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
        self.configured_name = suggest_name(self.dataset_name, "lookalike")
        self.role_name = output_role_name(self.dataset_name)
        if s3_location.startswith("s3://") and not self.output_s3_uri:
            bucket = s3_location[5:].split("/", 1)[0]
            self.output_s3_uri = f"s3://{bucket}/lookalike-segments/{self.model_name}/"
        self.model_arn = self.model_status = self.status_details = self.train_error = ""
        self.statuses = []
        self.report = None
        self.window_ready = False
        self.first_day = self.last_day = None
        self.window_findings = []
        self.window_counts = self.data_span = ""
        self.chart_png = None
        self.visible = True
        if load or (load is None and df is not None):
            self.load_window()

    def load_window(self) -> bool:
        """Read the data's time range and prefill the window with it; False when it failed."""
        self.loading = (
            "the data's time range (in-process)"
            if self.df is not None
            else "the data's time range (one Athena query)"
        )
        try:
            report = self.actions.check_training_window(
                self.dataset_arn,
                df=self.df,
                s3_output=self.athena_output,
                progress=False,
                boto3_session=self.boto3_session,
            )
        except Exception as exc:
            self.window_findings = [("error", _message(exc))]
            return False
        finally:
            self.loading = ""
        first = _seconds(report.data_ts_min)
        last = _seconds(report.data_ts_max)
        self._first_s, self._last_s = first, last
        if first is None or last is None:
            self.window_findings = _words(report.findings)
            return False
        rows = "" if report.rows_all is None else f" ({report.rows_all:,} rows)"
        self.data_span = f"The data spans {iso(first)} .. {iso(last)}{rows}."
        self.data_first, self.data_last = _day_of(first), _day_of(last)
        self.report = None  # no judging while the window is filled in
        self.first_day, self.last_day = self.data_first, self.data_last
        self.report = report
        self.window_ready = True
        self._judge_window()
        self._count(report)  # the whole span was counted with the range
        return True

    # ------------------------------------------------------------------ the window
    @property
    def window(self) -> tuple[dt.datetime, dt.datetime] | None:
        """The training window as UTC times: the start day's midnight, the day after the end."""
        if self.first_day is None or self.last_day is None:
            return None
        return day_start(self.first_day), day_start(self.last_day) + dt.timedelta(days=1)

    @observe("first_day", "last_day")
    def _on_window(self, _change: Any) -> None:
        if self.report is None:
            return
        self._judge_window()
        if self.source == "dataframe" and not self.window_errors:
            self.check_window()  # in-process: the figures inside the window at once

    @property
    def window_errors(self) -> list[str]:
        """The window's errors, in words."""
        return [m for level, m in self.window_findings if level == "error"]

    def _judge_window(self) -> None:
        """The window against the data's range, at once (no query): the library's findings."""
        from cleanroom_nb.audience._window import _range_findings, _window_of

        self.window_counts = ""
        window = self.window
        if window is None:
            problem = self._draw()
            self.window_findings = [("error", "choose the first and the last day of the window")]
            self.window_findings = self.window_findings + problem
            return
        found = list(_window_of(*window)[1])
        if not found and self._first_s is not None and self._last_s is not None:
            w, _ = _window_of(*window)
            found = _range_findings(w, self._first_s, self._last_s, *window)
        problem = self._draw()  # the chart first: the findings' words come with it in view
        self.window_findings = self._words(found) + problem

    def _words(self, findings: Sequence[Finding]) -> list[tuple[str, str]]:
        """Findings in words, without the warnings that only come from whole days: a window
        from the first event's day (its midnight comes before that event) to the last's."""
        skip = set()
        if self.first_day is not None and self.first_day == self.data_first:
            skip.add("window_before_data")
        if self.last_day is not None and self.last_day == self.data_last:
            skip.add("window_after_data")
        return _words([f for f in findings if f.code not in skip])

    def check_window(self) -> bool:
        """Count the window with the library's check (in-process, or ONE Athena query)."""
        window = self.window
        if window is None or not self.dataset_arn or self.training or self.loading:
            return False  # nothing to count, or a count or a training is running
        self.loading = (
            "the window (in-process)" if self.df is not None else "the window (one Athena query)"
        )
        try:
            report = self.actions.check_training_window(
                self.dataset_arn,
                *window,
                df=self.df,
                s3_output=self.athena_output,
                progress=False,
                boto3_session=self.boto3_session,
            )
        except Exception as exc:
            self.window_findings = [*self.window_findings, ("error", _message(exc))]
            return False
        finally:
            self.loading = ""
        if self.window != window:
            return False  # changed while it was counted: the new window's judgement stands
        self.window_findings = self._words(report.findings)
        self._count(report)
        return True

    def _count(self, report: Any) -> None:
        self._counted_for = self.window
        twos = report.users_with_2plus
        self.window_counts = (
            f"In the window: {report.rows:,} rows"
            + ("" if twos is None else f", {twos:,} users with 2 or more interactions")
            + f" (counted {'in-process' if self.source == 'dataframe' else 'with Athena'})."
        )
        self._refresh()

    def _draw(self) -> list[tuple[str, str]]:
        """Draw the events per day (the library's readiness chart) with the window shaded;
        returns a warning when it cannot be drawn (a chart is not worth failing the form for).
        """
        if self.report is None:
            self.chart_png = None
            return []
        window = self.window
        if window is not None and not window[0] < window[1]:
            window = None
        try:
            self.chart_png = events_chart(self.report, window)
        except Exception as exc:
            self.chart_png = None
            return [("warning", f"the chart could not be drawn: {exc}")]
        return []

    # ------------------------------------------------------------------ training
    @observe(
        "dataset_arn",
        "model_name",
        "window_findings",
        "window_ready",
        "training",
        "model_arn",
        "model_status",
        "output_s3_uri",
        "role_arn",
        "role_findings",
        "configured_name",
        "configuring",
        "configured_arn",
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
        conf: list[str] = []
        if self.model_status != "ACTIVE":
            conf.append("train the model first")
        if self.configuring:
            conf.append("the model is being configured")
        if not self.output_s3_uri.startswith("s3://"):
            conf.append("give the output location (s3://bucket/prefix/)")
        if not self.role_arn:
            conf.append("create or choose the output role")
        if any(level == "error" for level, _ in self.role_findings):
            conf.append("fix the output role")
        if not self.configured_name.strip():
            conf.append("give the configured model a name")
        self.configure_blockers = conf

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
            self.train_error = _message(exc)
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
            self.train_error = _message(exc)
        finally:
            self.loading = ""
            self.training = False
        return self.model_arn

    def _on_waiter(self, _title: str, text: str) -> None:
        seen = [s.strip() for s in text.split("→") if s.strip()]
        if seen and seen != self.statuses:
            self.statuses = seen
            self.model_status = seen[-1]

    # ------------------------------------------------------------------ the output role
    @observe("role_mode", "output_s3_uri", "role_name")
    def _on_role_inputs(self, _change: Any) -> None:
        self.role_findings = []
        self.role_policies = self._policies()

    def _policies(self) -> str:
        """The policies a new output role gets, as JSON ('' when the location is not valid)."""
        if self.role_mode != "create" or not self.output_s3_uri.startswith("s3://"):
            return ""
        session = _client.session(self.boto3_session)
        region = session.region_name
        try:
            account = _client.caller_account(
                what="asking STS who the caller is", boto3_session=session
            )
            trust = self.actions.output_trust_policy(account, region)
            permissions = self.actions.output_permissions_policy(
                self.output_s3_uri, account_id=account, region=region
            )
        except Exception as exc:
            return f"// {_message(exc)}"
        return json.dumps({"trust": trust, "permissions": permissions}, indent=2)

    def create_role(self) -> str | None:
        """Create the output role (the library's ``create_output_role``); returns its ARN."""
        made_for = (self.role_name, self.output_s3_uri)
        if self.configuring or self.role_mode != "create":
            return None
        if self._role_made_for == made_for and self.role_arn:
            return self.role_arn  # made already for these values
        self.role_note = ""
        self.configuring = True
        try:
            arn = str(
                self.actions.create_output_role(
                    self.role_name,
                    output_s3_uri=self.output_s3_uri,
                    boto3_session=self.boto3_session,
                )
            )
        except Exception as exc:
            self.role_findings = [("error", _message(exc))]
            return None
        finally:
            self.configuring = False
        self.roles_created += 1
        self._role_made_for = made_for
        self.role_arn = arn
        self.role_note = f"Created {arn}."
        self.check_role()
        return arn

    def check_role(self) -> bool:
        """Check the output role with the library's check; True when nothing blocks it."""
        if not self.role_arn:
            self.role_findings = [("error", "create or choose the output role first")]
            return False
        try:
            found = self.actions.check_output_role(
                self.role_arn,
                output_s3_uri=self.output_s3_uri or None,
                boto3_session=self.boto3_session,
            )
        except Exception as exc:
            self.role_findings = [("error", _message(exc))]
            return False
        self.role_findings = _words(list(found))
        ok = not any(level == "error" for level, _ in self.role_findings)
        if ok and not self.role_findings:
            self.role_note = (self.role_note + " " if self.role_note else "") + (
                "The check found nothing that stops Clean Rooms ML writing there."
            )
        return ok

    @observe("role_arn")
    def _on_role_arn(self, change: Any) -> None:
        if self._role_made_for is not None and change["new"] != change["old"]:
            self.role_note = ""
        self.role_findings = []

    # ------------------------------------------------------------------ configure
    def configure(self, *, reuse: bool = False) -> str | None:
        """Send ONE CreateConfiguredAudienceModel; returns its ARN, or None."""
        if self.configure_blockers:
            return None
        signature = (self.model_arn, self.configured_name, self.output_s3_uri, self.role_arn)
        if self.configured_arn and self._configured_for == signature and not reuse:
            return self.configured_arn
        self.configure_sends += 1
        self.configuring = True
        self.configure_error = ""
        self.configured_arn = ""
        self.can_reuse_configured = False
        try:
            arn = str(
                self.actions.create_configured_audience_model(
                    self.model_arn,
                    self.configured_name,
                    output_s3_uri=self.output_s3_uri,
                    role_arn=self.role_arn,
                    if_exists="reuse" if reuse else "error",
                    boto3_session=self.boto3_session,
                )
            )
        except ConfiguredAudienceModelExistsError as exc:
            self.can_reuse_configured = exc.same_definition is not False
            self.configure_error = str(exc)
            return None
        except FindingsError as exc:
            self.role_findings = _words([f for f in exc.findings if "role" in f.path.lower()])
            self.configure_error = str(exc)
            return None
        except Exception as exc:
            self.configure_error = _message(exc)
            return None
        finally:
            self.configuring = False
        self._configured_for = signature
        self.configured_arn = arn
        return arn

    def __repr__(self) -> str:
        return (
            f"AudienceStep(dataset={self.dataset_arn!r}, window={self.first_day}..{self.last_day}, "
            f"model={self.model_arn!r} {self.model_status}, configured={self.configured_arn!r})"
        )


def _seconds(value: Any) -> float | None:
    if value is None:
        return None
    try:
        return epoch_seconds(value)
    except ValueError:
        return None


def events_chart(report: Any, window: tuple[dt.datetime, dt.datetime] | None) -> bytes:
    """PNG of the readiness chart's events per day, with the training window shaded.

    The library's own panel (:mod:`cleanroom_nb.readiness._charts`) drawn alone, on the Agg
    canvas: offline, no pyplot.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from cleanroom_nb.readiness._bins import Histograms
    from cleanroom_nb.readiness._charts import _days_panel

    fig = Figure(figsize=(7.0, 3.0))
    FigureCanvasAgg(fig)
    ax = fig.subplots(1, 1, gridspec_kw={"left": 0.11, "right": 0.97, "bottom": 0.17, "top": 0.88})
    ax.spines[["top", "right"]].set_visible(False)
    ax.tick_params(labelsize=8)
    ax.grid(True, which="major", color="#d0d7de", linewidth=0.5, alpha=0.7)
    ax.set_axisbelow(True)
    _days_panel(ax, report, report.histograms or Histograms(), window)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=96)
    return buf.getvalue()
