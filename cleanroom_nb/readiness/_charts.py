"""The readiness charts: interactions per user, events per day, item popularity.

Drawn with matplotlib's object API on its Agg canvas (no pyplot: no global figure registry, no
backend switch, nothing left open), from :class:`~cleanroom_nb.readiness._bins.Histograms`, so
a DataFrame's report and a Glue table's report draw the same way. :func:`png` renders a figure
to PNG bytes for the report's ``_repr_html_`` (embedded as a data URI: offline, no CDN).

matplotlib is imported with this module, which the report imports only when it draws.
"""

from __future__ import annotations

import io
import itertools
import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, NullLocator

from cleanroom_nb import _roles
from cleanroom_nb._errors import InvalidArgumentError
from cleanroom_nb.readiness._bins import (
    DAY_DIVISORS,
    EPOCH_THRESHOLDS,
    USER_BIN_EDGES,
    Histograms,
)

if TYPE_CHECKING:
    from cleanroom_nb.readiness._report import ReadinessReport

BLUE, RED, GREEN, GREY, INK = "#0969da", "#cf222e", "#1a7f37", "#6e7781", "#24292f"
FIGSIZE = (13.0, 4.0)
DPI = 96

Window = tuple[Any, Any]
"""A training window: (start, end) as datetimes, dates, ISO text or epoch numbers."""


class ReadinessFigure(Figure):
    """A matplotlib figure that shows itself as a PNG in a notebook, even without pyplot."""

    def _repr_png_(self) -> bytes:
        return png(self)


def png(fig: Figure, dpi: int = DPI) -> bytes:
    """The figure as PNG bytes, drawn by the Agg canvas (no pyplot, no global state)."""
    if not isinstance(fig.canvas, FigureCanvasAgg):
        FigureCanvasAgg(fig)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()


def to_day(value: Any, *, what: str = "window") -> float:
    """Days since 1970-01-01 (UTC, with the fraction) of a time: a datetime, a date, ISO text,
    or an epoch number in the unit its magnitude implies.

    Examples
    --------
    >>> to_day("2024-01-02"), to_day(1_704_153_600), to_day(1_704_153_600_000)
    (19724.0, 19724.0, 19724.0)
    """
    if isinstance(value, bool):
        raise InvalidArgumentError(f"{what} needs times, not {value!r}")
    if isinstance(value, int | float | np.integer | np.floating):
        v = float(value)
        if math.isnan(v):
            raise InvalidArgumentError(f"{what} needs times, not NaN")
        band = sum(abs(v) >= t for t in EPOCH_THRESHOLDS)  # the unit its magnitude implies
        return v / DAY_DIVISORS[band]
    try:
        ts = pd.Timestamp(value)
    except (TypeError, ValueError) as exc:
        raise InvalidArgumentError(
            f"{what}: {value!r} is not a time; give datetimes, dates, ISO text such as "
            "'2024-01-31' or epoch seconds"
        ) from exc
    if ts is pd.NaT:
        raise InvalidArgumentError(f"{what} needs times, not NaT")
    if ts.tzinfo is not None:
        ts = ts.tz_convert("UTC").tz_localize(None)
    return (ts - pd.Timestamp("1970-01-01")) / pd.Timedelta(days=1)


def _days_to_dates(days: Sequence[float] | np.ndarray) -> np.ndarray:
    return np.asarray(np.round(np.asarray(days, dtype=float) * 86_400), dtype="datetime64[s]")


def _note(ax: Any, text: str, colour: str = GREY) -> None:
    ax.text(0.5, 0.5, text, transform=ax.transAxes, ha="center", va="center", color=colour)
    ax.set_xticks([])
    ax.set_yticks([])


def _plain(v: float, _pos: Any = None) -> str:
    return f"{v:,.0f}" if v >= 1 else f"{v:g}"


def _users_panel(ax: Any, report: ReadinessReport, h: Histograms) -> None:
    ax.set_title("Interactions per user", loc="left", fontsize=11, color=INK)
    bins = h.interactions_per_user
    if not bins:
        _note(ax, "no USER_ID figures" if report.user_column is None else "no users")
        return
    edges = dict(itertools.pairwise(USER_BIN_EDGES))
    lows = np.array([lo for lo, _ in bins], dtype=float)
    highs = np.array([edges.get(lo, lo * 2) for lo, _ in bins], dtype=float)
    users = np.array([n for _, n in bins], dtype=float)
    colours = [RED if lo < 2 else BLUE for lo, _ in bins]
    ax.bar(lows, users, width=highs - lows, align="edge", color=colours, alpha=0.85)
    ax.set_xscale("log")
    if users.max() / max(users.min(), 1) > 50:
        ax.set_yscale("log")
    ax.axvline(2, color=RED, linestyle="--", linewidth=1.5)
    ax.text(
        2.1,
        0.98,
        "≥ 2 interactions (the rule)",
        transform=ax.get_xaxis_transform(),
        color=RED,
        fontsize=8,
        va="top",
        bbox={"facecolor": "white", "alpha": 0.85, "edgecolor": "none", "pad": 1},
    )
    ax.set_xlim(1, max(highs.max(), 4))
    ax.xaxis.set_major_formatter(FuncFormatter(_plain))
    ax.yaxis.set_major_formatter(FuncFormatter(_plain))
    ax.set_xlabel("interactions per user (log bins)")
    ax.set_ylabel("users")
    two = report.users_with_2plus
    need = _roles.MIN_USERS_WITH_TWO_INTERACTIONS
    if two is not None:
        ok = two >= need
        ax.text(
            0.99,
            0.86,
            f"{two:,} users with ≥ 2\n(need {need:,})",
            transform=ax.transAxes,
            ha="right",
            va="top",
            fontsize=9,
            color=GREEN if ok else RED,
            bbox={"facecolor": "white", "alpha": 0.85, "edgecolor": "none", "pad": 1},
        )


def days_panel(ax: Any, report: ReadinessReport, h: Histograms, window: Window | None) -> None:
    width = h.day_width or 1
    ax.set_title(
        "Events per day" if width == 1 else f"Events per {width} days",
        loc="left",
        fontsize=11,
        color=INK,
    )
    if not h.events_per_day:
        if report.timestamp_column is None:
            _note(ax, "no TIMESTAMP column")
        else:
            _note(ax, f"{report.timestamp_column!r} holds no epoch numbers or times")
        return
    days = np.array([d for d, _ in h.events_per_day], dtype=float)
    events = np.array([n for _, n in h.events_per_day], dtype=float)
    bars = ax.bar(
        _days_to_dates(days),
        events,
        width=np.timedelta64(width, "D"),
        align="edge",
        color=BLUE,
        linewidth=0,
    )
    lo, hi = days.min(), days.max() + width
    top = 1.12
    if window is not None:
        start, end = (to_day(window[0]), to_day(window[1]))
        if not start < end:
            raise InvalidArgumentError(
                f"window must be (start, end) with start before end, not {window!r}"
            )
        inside_mask = (days + width > start) & (days < end)
        for bar, inside in zip(bars, inside_mask, strict=True):
            bar.set_color(GREEN if inside else BLUE)
            bar.set_alpha(0.9 if inside else 0.45)
        first, last = _days_to_dates([start, end])
        ax.axvspan(first, last, color=GREEN, alpha=0.10, zorder=0)
        for edge in (first, last):
            ax.axvline(edge, color=GREEN, linestyle="--", linewidth=1.2)
        counted_in = report.window
        if counted_in is not None and (counted_in.start, counted_in.end) == tuple(window):
            inside_events, approx = int(events.sum()), ""  # the bins hold only its rows
        else:
            whole = (days >= start) & (days + width <= end)
            inside_events, approx = int(events[whole].sum()), "" if width == 1 else "~"
        label = (
            f"training window {first.astype('datetime64[D]')} .. "
            f"{last.astype('datetime64[D]')}: {approx}{inside_events:,} events"
        )
        ax.legend(
            handles=[Patch(facecolor=GREEN, alpha=0.9, label=label)],
            loc="upper center",
            fontsize=8,
            framealpha=0.9,
            edgecolor="none",
        )
        top = 1.3
        lo, hi = min(lo, start), max(hi, end)
    pad = max((hi - lo) * 0.02, 0.5)
    ax.set_xlim(*_days_to_dates([lo - pad, hi + pad]))
    locator = mdates.AutoDateLocator(maxticks=6)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    ax.yaxis.set_major_formatter(FuncFormatter(_plain))
    ax.set_xlabel("day (UTC)")
    ax.set_ylabel("events")
    ax.set_ylim(0, events.max() * top)


def _items_panel(ax: Any, report: ReadinessReport, h: Histograms) -> None:
    ax.set_title("Item popularity", loc="left", fontsize=11, color=INK)
    points = h.item_points()
    if not points:
        _note(ax, "no ITEM_ID column" if report.item_column is None else "no items")
        return
    ranks = np.array([r for r, _ in points], dtype=float)
    freq = np.array([f for _, f in points], dtype=float)
    ax.plot(ranks, freq, color=BLUE, marker="o", markersize=3, linewidth=1.5)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlim(0.8, max(ranks.max() * 1.25, 10))
    ax.set_ylim(max(freq.min() / 1.6, 0.5), freq.max() * 1.6)
    ax.xaxis.set_major_formatter(FuncFormatter(_plain))
    ax.yaxis.set_major_formatter(FuncFormatter(_plain))
    ax.set_xlabel("item rank (most popular first)")
    ax.set_ylabel("events per item")
    ax.text(
        0.99,
        0.97,
        f"{h.distinct_items or len(points):,} items",
        transform=ax.transAxes,
        ha="right",
        va="top",
        fontsize=9,
        color=GREY,
    )


def readiness_figure(report: ReadinessReport, *, window: Window | None = None) -> ReadinessFigure:
    """The three readiness charts of ``report`` side by side (see the module docs)."""
    if window is not None and (not isinstance(window, tuple | list) or len(window) != 2):
        raise InvalidArgumentError(f"window must be a (start, end) pair, not {window!r}")
    h = report.histograms or Histograms()
    fig = ReadinessFigure(figsize=FIGSIZE)
    FigureCanvasAgg(fig)
    # Fixed margins: a constrained layout costs more than the drawing itself.
    axes = fig.subplots(
        1, 3, gridspec_kw={"left": 0.06, "right": 0.985, "bottom": 0.15, "top": 0.83, "wspace": 0.3}
    )
    for ax in axes:
        ax.spines[["top", "right"]].set_visible(False)
        ax.tick_params(labelsize=8)
        ax.grid(True, which="major", color="#d0d7de", linewidth=0.5, alpha=0.7)
        ax.set_axisbelow(True)
    _users_panel(axes[0], report, h)
    days_panel(axes[1], report, h, window)
    _items_panel(axes[2], report, h)
    for ax in axes:  # log axes' minor ticks: many labels to lay out, little to read
        ax.xaxis.set_minor_locator(NullLocator())
        ax.yaxis.set_minor_locator(NullLocator())
    fig.suptitle(f"Readiness of {report.source}", x=0.01, y=0.98, ha="left", fontsize=12, color=INK)
    return fig
