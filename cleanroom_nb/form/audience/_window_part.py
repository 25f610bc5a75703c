"""The training window part of the audience step: the data's time range, the window, its checks.

:class:`WindowPart` holds the traits and logic of choosing the training window; the
:class:`~cleanroom_nb.form.audience._model.AudienceStep` adds training on top of it. The data's
range and the window's figures come from the library's window check
(:func:`cleanroom_nb.check_training_window`: in-process for a DataFrame, ONE Athena query for a
Glue table, whose scan is estimated before and reported after).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import boto3
import pandas as pd
from traitlets import Any as AnyTrait
from traitlets import Bool, HasTraits, Instance, List, Unicode, observe

from cleanroom_nb._findings import Finding
from cleanroom_nb.audience._window import data_seconds, range_findings, window_of
from cleanroom_nb.form.audience._parts import (
    AudienceActions,
    day_of,
    day_start,
    events_chart,
    message,
    window_query_table,
    words,
)
from cleanroom_nb.glue._scan_estimate import scanned_words
from cleanroom_nb.readiness._window import iso


class WindowPart(HasTraits):
    """The training window of a created training dataset, judged and counted as it changes.

    Examples
    --------
    >>> from cleanroom_nb.form.audience import AudienceStep
    >>> step = AudienceStep()
    >>> step.window is None, step.window_errors
    (True, [])
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
    scan_estimate = AnyTrait(
        None, allow_none=True, help="a Glue table's window query: its ScanEstimate, or why none"
    )
    scanned_text = Unicode("", help="what the last window query scanned and cost")
    training = Bool(False, help="a model is being trained (no window count meanwhile)")

    # set by the step's __init__
    actions: AudienceActions
    athena_output: str | None
    boto3_session: boto3.Session | None
    df: pd.DataFrame | None
    report: Any  # the whole data's readiness (the chart's bars)
    _first_s: float | None
    _last_s: float | None

    def _refresh(self) -> None:
        """Recompute what depends on the window (the step's blockers)."""

    def estimate_scan(self) -> None:
        """Estimate what the window query on the Glue table will scan and cost, before it runs.

        The library's ``estimate_athena_scan`` on the training dataset's table, for the columns
        the query reads (Parquet footers or object sizes: nothing runs in Athena). Where no
        estimate can be made, :attr:`scan_estimate` holds the reason in words.
        """
        self.loading = "the scan estimate of the window query"
        try:
            described = self.actions.get_training_dataset(
                self.dataset_arn, boto3_session=self.boto3_session
            )
            database, table, columns = window_query_table(described)
            self.scan_estimate = self.actions.estimate_athena_scan(
                database,
                table,
                columns=columns,
                progress=False,
                boto3_session=self.boto3_session,
            )
        except Exception as exc:
            self.scan_estimate = message(exc)
        finally:
            self.loading = ""

    def _record_scan(self, report: Any) -> None:
        """Keep what the query of ``report`` scanned, next to the estimate (Athena only)."""
        scanned = getattr(report, "bytes_scanned", None)
        if self.source != "glue" or scanned is None:
            self.scanned_text = ""
            return
        estimate = getattr(report, "scan_estimate", None)
        if estimate is None and not isinstance(self.scan_estimate, str):
            estimate = self.scan_estimate
        self.scanned_text = scanned_words(int(scanned), estimate)

    def _check(self, what: str, *window: dt.datetime) -> Any:
        """The library's window check (the whole data without ``window``), shown as loading;
        what its query scanned is kept, billed whether or not the window changed meanwhile."""
        where = "in-process" if self.df is not None else "one Athena query"
        self.loading = f"{what} ({where})"
        try:
            report = self.actions.check_training_window(
                self.dataset_arn,
                *window,
                df=self.df,
                s3_output=self.athena_output,
                progress=False,
                boto3_session=self.boto3_session,
            )
        finally:
            self.loading = ""
        self._record_scan(report)
        return report

    def load_window(self) -> bool:
        """Read the data's time range and prefill the window with it; False when it failed."""
        try:
            report = self._check("the data's time range")
        except Exception as exc:
            self.window_findings = [("error", message(exc))]
            return False
        first = data_seconds(report.data_ts_min)
        last = data_seconds(report.data_ts_max)
        self._first_s, self._last_s = first, last
        if first is None or last is None:
            self.window_findings = words(report.findings)
            return False
        rows = "" if report.rows_all is None else f" ({report.rows_all:,} rows)"
        self.data_span = f"The data spans {iso(first)} .. {iso(last)}{rows}."
        self.data_first, self.data_last = day_of(first), day_of(last)
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
        self.window_counts = ""
        window = self.window
        if window is None:
            problem = self._draw()
            self.window_findings = [("error", "choose the first and the last day of the window")]
            self.window_findings = self.window_findings + problem
            return
        found = list(window_of(*window)[1])
        if not found and self._first_s is not None and self._last_s is not None:
            w, _ = window_of(*window)
            found = range_findings(w, self._first_s, self._last_s, *window)
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
        return words([f for f in findings if f.code not in skip])

    def check_window(self) -> bool:
        """Count the window with the library's check (in-process, or ONE Athena query)."""
        window = self.window
        if window is None or not self.dataset_arn or self.training or self.loading:
            return False  # nothing to count, or a count or a training is running
        try:
            report = self._check("the window", *window)
        except Exception as exc:
            self.window_findings = [*self.window_findings, ("error", message(exc))]
            return False
        if self.window != window:
            return False  # changed while it was counted: the new window's judgement stands
        self.window_findings = self._words(report.findings)
        self._count(report)
        return True

    def _count(self, report: Any) -> None:
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
