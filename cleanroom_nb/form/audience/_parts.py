"""What the audience steps share: the library functions they call, names, times and words.

Examples
--------
>>> suggest_name("shop events", "model")
'shop-events-model'
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from cleanroom_nb import _roles
from cleanroom_nb._errors import CleanroomNbError
from cleanroom_nb._findings import Finding
from cleanroom_nb.audience import (
    check_training_window,
    create_audience_model,
    create_configured_audience_model,
    wait_for_audience_model,
)
from cleanroom_nb.audience._window import glue_source
from cleanroom_nb.aws import (
    check_output_role,
    create_output_role,
    output_permissions_policy,
    output_trust_policy,
)
from cleanroom_nb.glue import estimate_athena_scan
from cleanroom_nb.submit import get_training_dataset

NAME_MAX = 63
"""The longest audience model / configured audience model name (botocore's model)."""


@dataclass(frozen=True)
class AudienceActions:
    """The library functions the step calls; tests replace some (``dataclasses.replace``)."""

    check_training_window: Callable[..., Any] = check_training_window
    get_training_dataset: Callable[..., Any] = get_training_dataset
    estimate_athena_scan: Callable[..., Any] = estimate_athena_scan
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


def window_query_table(described: Mapping[str, Any]) -> tuple[str, str, list[str]]:
    """The Glue table a training dataset reads and the columns the window query scans.

    The window query (:func:`cleanroom_nb.check_training_window` on a Glue table) reads the
    USER_ID, ITEM_ID and TIMESTAMP columns, as the readiness query does.

    Examples
    --------
    >>> described = {"trainingData": [{"inputConfig": {
    ...     "dataSource": {"glueDataSource": {"databaseName": "shop", "tableName": "events"}},
    ...     "schema": [{"columnName": "user_id", "columnTypes": ["USER_ID"]},
    ...                {"columnName": "price", "columnTypes": ["NUMERICAL_FEATURE"]},
    ...                {"columnName": "ts", "columnTypes": ["TIMESTAMP"]}]}}]}
    >>> window_query_table(described)
    ('shop', 'events', ['user_id', 'ts'])
    """
    glue = glue_source(dict(described))
    data = (described.get("trainingData") or [{}])[0]
    columns = [
        str(c.get("columnName"))
        for c in (data.get("inputConfig") or {}).get("schema") or []
        if (c.get("columnTypes") or [None])[0] in _roles.REQUIRED_ROLES
    ]
    return str(glue.get("databaseName") or ""), str(glue.get("tableName") or ""), columns


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


def day_of(seconds: float) -> dt.date:
    return dt.datetime.fromtimestamp(seconds, dt.UTC).date()


def words(findings: Sequence[Finding]) -> list[tuple[str, str]]:
    return [(f.level, f.message) for f in dict.fromkeys(findings)]


def message(exc: BaseException) -> str:
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


def events_chart(report: Any, window: tuple[dt.datetime, dt.datetime] | None) -> bytes:
    """PNG of the readiness chart's events per day, with the training window shaded.

    The library's own panel (:mod:`cleanroom_nb.readiness._charts`) drawn alone, on the Agg
    canvas: offline, no pyplot.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from cleanroom_nb.readiness._bins import Histograms
    from cleanroom_nb.readiness._charts import days_panel

    fig = Figure(figsize=(7.0, 3.0))
    FigureCanvasAgg(fig)
    ax = fig.subplots(1, 1, gridspec_kw={"left": 0.11, "right": 0.97, "bottom": 0.17, "top": 0.88})
    ax.spines[["top", "right"]].set_visible(False)
    ax.tick_params(labelsize=8)
    ax.grid(True, which="major", color="#d0d7de", linewidth=0.5, alpha=0.7)
    ax.set_axisbelow(True)
    days_panel(ax, report, report.histograms or Histograms(), window)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=96)
    return buf.getvalue()
