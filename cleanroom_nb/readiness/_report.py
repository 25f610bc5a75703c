"""The readiness report: the figures Clean Rooms ML's data rules are about, and findings.

Clean Rooms ML needs at least 1,000,000 rows, at least 100,000 distinct users with at least two
interactions each, and timestamps in Unix epoch seconds; it only finds out hours later, when a
model trains. A :class:`ReadinessReport` holds those figures, computed in-process
(:mod:`cleanroom_nb.readiness._pandas`) or by one Athena query
(:mod:`cleanroom_nb.readiness._athena`), and :func:`rule_findings` judges them against each rule.
"""

from __future__ import annotations

import base64
import html
import math
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

import cleanroom_nb._rulebook as _rulebook
from cleanroom_nb import _roles
from cleanroom_nb import fixes as _fix
from cleanroom_nb._findings import Finding, Findings
from cleanroom_nb.glue._scan_estimate import ScanEstimate, scanned_words
from cleanroom_nb.infer._schema import TrainingSchema
from cleanroom_nb.readiness._bins import Histograms
from cleanroom_nb.readiness._window import TimeWindow

if TYPE_CHECKING:
    from matplotlib.figure import Figure

EPOCH_2000 = 946_684_800
"""2000-01-01T00:00:00Z in epoch seconds: earlier timestamps are suspicious."""


@dataclass
class ReadinessReport:
    """The figures Clean Rooms ML's data rules are about, with findings against each rule.

    Attributes
    ----------
    rows
        Rows in the data.
    distinct_users
        Distinct non-null USER_ID values.
    users_with_2plus
        Users with at least two interactions (rows).
    null_user_ids, null_item_ids, null_timestamps
        Rows whose USER_ID / ITEM_ID / TIMESTAMP is null.
    ts_min, ts_max
        The smallest and largest TIMESTAMP value (numbers for epoch columns, ``pd.Timestamp``
        for datetime columns).
    ts_unit
        The unit the values imply: ``"s"``, ``"ms"``, ``"us"``, ``"ns"``, ``"datetime"`` for
        datetime columns, or None when it cannot be told.
    bytes_scanned
        Bytes Athena scanned (None for a DataFrame).
    distinct_items
        Distinct non-null ITEM_ID values.
    histograms
        Interactions per user, events per day and item popularity (the charts of
        :meth:`plot`), computed with the figures (inside the ``window``, when there is one).
    scan_estimate
        What Athena was expected to scan, estimated before the query ran (Athena only).
    window
        The training window the figures and histograms were counted in (None: all the data).
        Then ``rows_all``, ``data_ts_min`` and ``data_ts_max`` describe all the data, whatever
        the window; ``null_timestamps`` counts all rows without a time (they are in no window).
    findings
        Errors/warnings against each rule, with the fix.

    Examples
    --------
    >>> r = ReadinessReport(rows=10, distinct_users=3, users_with_2plus=2, null_user_ids=0,
    ...                     null_item_ids=0, null_timestamps=0, ts_min=1_700_000_000,
    ...                     ts_max=1_700_000_500, ts_unit="s")
    >>> r.findings = rule_findings(r); [f.code for f in r.findings]
    ['min_rows', 'min_users_with_2_interactions']
    """

    rows: int
    distinct_users: int | None
    users_with_2plus: int | None
    null_user_ids: int | None
    null_item_ids: int | None
    null_timestamps: int | None
    ts_min: Any
    ts_max: Any
    ts_unit: str | None
    bytes_scanned: int | None = None
    findings: Findings = field(default_factory=Findings)
    source: str = "DataFrame"
    user_column: str | None = None
    item_column: str | None = None
    timestamp_column: str | None = None
    seconds: float = 0.0
    query_id: str | None = None
    distinct_items: int | None = None
    histograms: Histograms | None = None
    scan_estimate: ScanEstimate | None = None
    window: TimeWindow | None = None
    rows_all: int | None = None
    data_ts_min: Any = None
    data_ts_max: Any = None
    _charts: dict[str, str] = field(default_factory=dict, init=False, repr=False, compare=False)

    @property
    def ok(self) -> bool:
        """True when no finding is an error."""
        return self.findings.ok

    def plot(
        self, *, window: tuple[Any, Any] | TimeWindow | Literal[False] | None = None
    ) -> Figure:
        """The charts: interactions per user, events per day, item popularity.

        Three panels: users per bin of interactions (log bins, the "at least 2 interactions"
        rule marked), events per day (with the training window shaded), and items by rank
        against their frequency (log-log). Drawn on matplotlib's Agg canvas without pyplot, so
        no global state changes; in a notebook the figure shows itself.

        Parameters
        ----------
        window
            A training window to shade on the events per day: ``(start, end)`` as datetimes,
            dates, ISO text (``"2024-01-31"``) or epoch numbers, or a
            :class:`~cleanroom_nb.TimeWindow`. None (the default): the report's own
            :attr:`window` when it was counted in one (then every bar lies inside it), else
            none. False: no window.

        Returns
        -------
        matplotlib.figure.Figure
            ``fig.savefig("readiness.png")`` saves it.

        Raises
        ------
        ValueError
            ``window`` is not two times, start before end.

        Examples
        --------
        >>> import pandas as pd, cleanroom_nb as crn
        >>> df = pd.DataFrame({"user": ["a", "a", "b"], "item": [1, 2, 1],
        ...                    "ts": [1_700_000_000, 1_700_090_000, 1_700_200_000]})
        >>> schema = crn.infer_schema(df).with_roles(
        ...     {"user": "USER_ID", "item": "ITEM_ID", "ts": "TIMESTAMP"})
        >>> fig = crn.readiness(df, schema).plot(window=("2023-11-15", "2023-11-17"))
        >>> [ax.get_title(loc="left") for ax in fig.axes]
        ['Interactions per user', 'Events per day', 'Item popularity']
        """
        from cleanroom_nb.readiness._charts import readiness_figure

        return readiness_figure(self, window=self.chart_window(window))

    def chart_window(
        self, window: tuple[Any, Any] | TimeWindow | Literal[False] | None = None
    ) -> tuple[Any, Any] | None:
        """The ``(start, end)`` the charts shade for :meth:`plot`'s ``window`` (see there).

        Examples
        --------
        >>> r = ReadinessReport(0, None, None, None, None, None, None, None, None,
        ...                     window=TimeWindow(1_704_067_200, 1_706_745_600))
        >>> r.chart_window(), r.chart_window(False), r.chart_window(("2024-01-05", "2024-01-09"))
        ((1704067200, 1706745600), None, ('2024-01-05', '2024-01-09'))
        """
        if window is False:
            return None
        if window is None:
            window = self.window
        if isinstance(window, TimeWindow):
            return (window.start, window.end)
        return window

    def charts_html(
        self, *, window: tuple[Any, Any] | TimeWindow | Literal[False] | None = None
    ) -> str:
        """The charts as an ``<img>`` holding a PNG (a data URI: offline, no CDN)."""
        shaded = self.chart_window(window)
        key = repr(shaded)
        cached = self._charts.get(key)
        if cached is None:
            from cleanroom_nb.readiness._charts import png

            data = base64.b64encode(png(self.plot(window=shaded or False))).decode("ascii")
            cached = (
                "<img class='crn-readiness-charts' style='max-width:100%' "
                "alt='readiness charts: interactions per user, events per day, item "
                f"popularity' src='data:image/png;base64,{data}'/>"
            )
            self._charts[key] = cached
        return cached

    def checks(self) -> list[tuple[str, str, str, str]]:
        """Each rule as (rule, measured, required, status).

        ``status`` is ``"ok"``, ``"fail"`` (Clean Rooms ML rejects it), ``"warn"`` (rows it
        cannot use) or ``"unknown"``.
        """

        def status(passed: bool | None, failed: str = "fail") -> str:
            return "unknown" if passed is None else ("ok" if passed else failed)

        out = [
            (
                "rows",
                f"{self.rows:,}",
                f">= {_roles.MIN_ROWS:,}",
                status(self.rows >= _roles.MIN_ROWS),
            ),
        ]
        two = self.users_with_2plus
        out.append(
            (
                "users with >= 2 interactions",
                "?" if two is None else f"{two:,} (of {self.distinct_users or 0:,} users)",
                f">= {_roles.MIN_USERS_WITH_TWO_INTERACTIONS:,}",
                status(None if two is None else two >= _roles.MIN_USERS_WITH_TWO_INTERACTIONS),
            )
        )
        out.append(
            (
                "timestamp unit",
                f"{self.ts_unit or '?'} ({_fmt_ts(self.ts_min)} .. {_fmt_ts(self.ts_max)})",
                "epoch seconds",
                "warn"
                if self.ts_unit == "datetime"
                else status(None if self.ts_unit is None else self.ts_unit == "s"),
            )
        )
        nulls = [
            x
            for x in (self.null_user_ids, self.null_item_ids, self.null_timestamps)
            if x is not None
        ]
        out.append(
            (
                "null ids / timestamps",
                f"{self.null_user_ids or 0:,} / {self.null_item_ids or 0:,} / "
                f"{self.null_timestamps or 0:,}",
                "none",
                status(sum(nulls) == 0 if nulls else None, failed="warn"),
            )
        )
        return out

    def __str__(self) -> str:
        lines = [f"Readiness of {self.source}: {'ready' if self.ok else 'NOT ready'}"]
        if self.window is not None:
            lines.append(f"  {self._window_text()}")
        for rule, measured, required, state in self.checks():
            mark = {"ok": "ok  ", "fail": "FAIL", "warn": "warn", "unknown": "?   "}[state]
            lines.append(f"  [{mark}] {rule}: {measured} (required {required})")
        if self.bytes_scanned is not None:
            lines.append(f"  {self._scan_text()}")
        lines.extend(f"  {f}" for f in self.findings)
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        marks = {
            "ok": "<span style='color:#1a7f37'>&#10003;</span>",
            "fail": "<span style='color:#cf222e'>&#10007;</span>",
            "warn": "<span style='color:#9a6700'>!</span>",
            "unknown": "<span style='color:#6e7781'>?</span>",
        }
        rows = "".join(
            f"<tr><td>{marks[p]}</td><td style='text-align:left'>{html.escape(rule)}</td>"
            f"<td style='text-align:right'>{html.escape(measured)}</td>"
            f"<td style='text-align:left'>{html.escape(required)}</td></tr>"
            for rule, measured, required, p in self.checks()
        )
        extra = [html.escape(self._window_text())] if self.window is not None else []
        if self.bytes_scanned is not None:
            extra.append(html.escape(self._scan_text()))
        if self.query_id:
            extra.append(f"query {html.escape(self.query_id)}")
        extra.append(f"{self.seconds:.2f} s")
        cols = ", ".join(
            f"{r}: <code>{html.escape(c)}</code>"
            for r, c in (
                ("user", self.user_column),
                ("item", self.item_column),
                ("time", self.timestamp_column),
            )
            if c
        )
        verdict = (
            "<b style='color:#1a7f37'>ready</b>"
            if self.ok
            else "<b style='color:#cf222e'>not ready</b>"
        )
        return (
            f"<div><p><b>Readiness</b> of {html.escape(self.source)}: {verdict} "
            f"<span style='color:#6e7781'>({cols}; {'; '.join(extra)})</span></p>"
            "<table><thead><tr><th></th><th>rule</th><th>measured</th><th>required</th></tr>"
            f"</thead><tbody>{rows}</tbody></table>"
            + self.findings._repr_html_()
            + (self.charts_html() if self.histograms is not None else "")
            + "</div>"
        )

    def _window_text(self) -> str:
        """``training window 2024-01-01T00:00:00Z .. 2024-02-01T00:00:00Z: 600 of 900 rows``."""
        of = f" of {self.rows_all:,}" if self.rows_all is not None else ""
        return f"training window {self.window}: {self.rows:,}{of} rows"

    def _scan_text(self) -> str:
        """``Athena scanned 117.7 MB (~$0.00056; estimated 117.7 MB)``."""
        return scanned_words(int(self.bytes_scanned or 0), self.scan_estimate)


def _fmt_ts(v: Any) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "?"
    if isinstance(v, int | np.integer):
        return f"{int(v):,}"
    return str(v)


def implied_unit(value: Any) -> str | None:
    """The epoch unit a timestamp value implies, by magnitude (1973 .. 2286 in that unit).

    The thresholds are those of :func:`cleanroom_nb.to_epoch_seconds`.

    Examples
    --------
    >>> [implied_unit(v) for v in (1_700_000_000, 1_700_000_000_000, 1.7e15, 1.7e18)]
    ['s', 'ms', 'us', 'ns']
    >>> implied_unit(pd.Timestamp("2024-01-01")), implied_unit("2024-01-01"), implied_unit(None)
    ('datetime', None, None)
    """
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp | np.datetime64) or hasattr(value, "isoformat"):
        return "datetime"
    if isinstance(value, bool | np.bool_) or not isinstance(value, int | float | np.number):
        return None
    v = abs(float(value))
    return None if math.isnan(v) else _fix.epoch_unit(v)


def rule_findings(report: ReadinessReport) -> Findings:
    """Findings against each data rule (rows, users, timestamp unit and range, nulls).

    Paths are ``"data.rows"``, ``"data.users"``, ``"columns.<name>"``.
    """
    out = Findings()
    where, more = "the data", "a longer period, more event types"
    if report.window is not None:
        where, more = f"the training window {report.window}", "a wider window, or more data"
    if report.rows < _roles.MIN_ROWS:
        windowed = report.window is not None
        out.append(_rulebook.min_rows(report.rows, where=where, more=more, windowed=windowed))
    user = report.user_column or "USER_ID"
    if report.users_with_2plus is not None and (
        report.users_with_2plus < _roles.MIN_USERS_WITH_TWO_INTERACTIONS
    ):
        out.append(
            _rulebook.min_users_with_2_interactions(
                report.users_with_2plus,
                report.distinct_users or 0,
                user,
                where=None if report.window is None else where,
                more=more,
            )
        )
    out.extend(_timestamp_findings(report))
    out.extend(_null_findings(report))
    return out


def _timestamp_findings(report: ReadinessReport) -> list[Finding]:
    """Findings about the TIMESTAMP column: its unit, mixed units, its range."""
    out: list[Finding] = []
    ts = report.timestamp_column or "TIMESTAMP"
    tpath = f"columns.{report.timestamp_column}" if report.timestamp_column else "data.timestamp"
    unit_min, unit_max = implied_unit(report.ts_min), implied_unit(report.ts_max)
    if report.ts_unit in ("ms", "us", "ns"):
        out.append(
            _rulebook.timestamp_unit(
                ts,
                report.ts_unit,
                path=tpath,
                level="error",
                max_value=_fmt_ts(report.ts_max),
                divisor=_fix.UNIT_FACTORS[report.ts_unit],
            )
        )
    elif report.ts_unit == "datetime":
        out.append(_rulebook.timestamp_datetime(ts, path=tpath))
    elif report.ts_unit is None and report.timestamp_column and report.ts_max is not None:
        out.append(_rulebook.timestamp_not_epoch(ts, report.ts_max, path=tpath))
    if unit_min and unit_max and unit_min != unit_max and "datetime" not in (unit_min, unit_max):
        low, high = _fmt_ts(report.ts_min), _fmt_ts(report.ts_max)
        out.append(_rulebook.mixed_timestamp_units(ts, low, unit_min, high, unit_max, path=tpath))
    if report.ts_unit == "s" and report.ts_min is not None and report.ts_max is not None:
        lo, hi = float(report.ts_min), float(report.ts_max)
        now = time.time()
        if lo < EPOCH_2000 or hi > now + 86_400:
            first, last = pd.Timestamp(lo, unit="s"), pd.Timestamp(hi, unit="s")
            out.append(_rulebook.timestamp_range(ts, first, last, path=tpath))
    return out


def _null_findings(report: ReadinessReport) -> list[Finding]:
    """One warning per role column with null values: how many rows Clean Rooms ML drops."""
    out: list[Finding] = []
    for what, n, col in (
        ("USER_ID", report.null_user_ids, report.user_column),
        ("ITEM_ID", report.null_item_ids, report.item_column),
        ("TIMESTAMP", report.null_timestamps, report.timestamp_column),
    ):
        if n:
            total = report.rows
            if what == "TIMESTAMP" and report.rows_all is not None:
                total = report.rows_all  # rows without a time are in no window: all the data's
            share = n / total if total else 0.0
            out.append(_rulebook.null_role(what, n, share, col))
    return out


def missing_role_findings(schema: TrainingSchema) -> list[Finding]:
    out = []
    for role, col in (
        (_roles.USER_ID, schema.user_id),
        (_roles.ITEM_ID, schema.item_id),
        (_roles.TIMESTAMP, schema.timestamp),
    ):
        if col is None:
            why = f"the schema has no single {role} column, so its figures cannot be computed"
            out.append(_rulebook.missing_role(role, why=why))
    return out
