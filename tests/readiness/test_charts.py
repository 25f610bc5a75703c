"""The readiness charts and their histograms: one definition of the bins, the same on every path.

The in-process histograms (``readiness(df)``) are compared with those of the SQL sent to
Athena, run by DuckDB on the same frame, on generated frames with hostile timestamps (mixed
units, negatives, datetimes with time zones, a span long enough for multi-day buckets) and ids
(strings, nulls, a single huge user). The local-Athena comparison on Parquet, CSV and JSON
tables is in test_readiness_local_athena.py.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from matplotlib.figure import Figure

import cleanroom_nb as crn
from cleanroom_nb.infer._schema import ColumnSchema, TrainingSchema
from cleanroom_nb.local._sample_data import sample_interactions
from cleanroom_nb.local.athena._engine import plan
from cleanroom_nb.readiness import _bins
from cleanroom_nb.readiness._athena import report_from_result
from cleanroom_nb.readiness._bins import USER_BIN_EDGES, Histograms, histograms_from_counts
from cleanroom_nb.readiness._charts import to_day
from cleanroom_nb.readiness._report import ReadinessReport
from cleanroom_nb.readiness._sql import readiness_sql

ROOT = Path(__file__).resolve().parents[2]


def _schema(ts_type: str = "bigint", item: bool = True) -> TrainingSchema:
    cols = [ColumnSchema("u", "string", crn.USER_ID, 1.0, "test")]
    if item:
        cols.append(ColumnSchema("i", "string", crn.ITEM_ID, 1.0, "test"))
    cols.append(ColumnSchema("t", ts_type, crn.TIMESTAMP, 1.0, "test"))
    return TrainingSchema.from_columns(cols)


def _sql_histograms(df: pd.DataFrame, ts_type: str, *, translate: bool) -> Histograms | None:
    """The histograms of readiness_sql over ``df``: DuckDB running the Trino text as it is, or
    after the local Athena's translation (Trino semantics for division, casts, functions)."""
    return _sql_report(df, ts_type, translate=translate).histograms


def _sql_report(
    df: pd.DataFrame, ts_type: str, *, translate: bool, window: crn.TimeWindow | None = None
) -> ReadinessReport:
    """The report of readiness_sql (with the ``window``) over ``df``, run by DuckDB."""
    item = "i" if "i" in df.columns else None
    sql = readiness_sql("db", "t", "u", item, "t", ts_type=ts_type, window=window)
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    con.register("frame", df)
    con.execute("CREATE SCHEMA db")
    con.execute("CREATE VIEW db.t AS SELECT * FROM frame")
    if translate:
        types = [("u", "string"), *([("i", "string")] if item else []), ("t", ts_type)]
        sql = plan(sql, "db", lambda d, t: types, lambda d: True).sql
    result = con.execute(sql).df()
    return report_from_result(
        result, source="duckdb", user_col="u", item_col=item, ts_col="t", window=window
    )


def _check_same(df: pd.DataFrame, ts_type: str) -> Histograms:
    ours = crn.readiness(df, _schema(ts_type, item="i" in df.columns), progress=False).histograms
    assert ours is not None
    assert _sql_histograms(df, ts_type, translate=False) == ours
    assert _sql_histograms(df, ts_type, translate=True) == ours
    return ours


# ------------------------------------------------------------------------------ the bins
def test_bin_definitions() -> None:
    assert USER_BIN_EDGES[:8] == (1, 2, 3, 4, 6, 8, 12, 16) and USER_BIN_EDGES[-1] == 2**40
    assert list(np.diff(USER_BIN_EDGES) > 0).count(False) == 0
    h = histograms_from_counts(
        np.array([1, 1, 2, 3, 7, 2**41]), np.array([5, 5, 2, 1, 1, 1, 1]), np.array([0, 2, 2])
    )
    assert h.interactions_per_user == ((1, 2), (2, 1), (3, 1), (6, 1), (2**40, 1))
    assert h.users == 6 and h.events_per_day == ((0, 1), (2, 2)) and h.day_width == 1
    # Ranks 1-2 have 5 events, 3 has 2, 4-7 have 1: every run holds a grid rank.
    assert h.item_runs == ((2, 5, 2), (3, 2, 1), (7, 1, 4))
    assert h.item_points() == [(1, 5), (2, 5), (3, 2), (4, 1), (5, 1), (6, 1), (7, 1)]
    # 250 items seen once after one seen 9 times: ranks 2..251 hold the grid ranks 2..9,
    # 10..90, 100, 200 and the last rank, 251.
    h = histograms_from_counts(None, np.array([9] + [1] * 250), None)
    points = h.item_points()
    assert points[0] == (1, 9) and points[-1] == (251, 1) and (200, 1) in points
    assert len(points) == 1 + 8 + 9 + 2 + 1 and h.distinct_items == 251
    # 2,500 days of data: buckets of 3 days, never more than MAX_DAY_BINS of them.
    h = histograms_from_counts(None, None, np.arange(0, 2_500))
    assert h.day_width == 3 and len(h.events_per_day) == 834 <= _bins.MAX_DAY_BINS
    assert h.events_per_day[-1] == (2_499, 1)


def test_epoch_thresholds_are_those_of_to_epoch_seconds() -> None:
    """The per-value unit of the day bins is the unit readiness and the fixes infer."""
    from cleanroom_nb.readiness._report import implied_unit

    units = ["s", "ms", "us", "ns"]
    for band, limit in enumerate(_bins.EPOCH_THRESHOLDS):
        assert implied_unit(limit - 1_000) == units[band] and implied_unit(limit) == units[band + 1]


def test_epoch_days_follow_each_values_unit() -> None:
    day = 19_723  # 2024-01-01
    secs = day * 86_400 + 5
    values = np.array([secs, secs * 1_000, secs * 1_000_000, secs * 1_000_000_000, -1, 0])
    assert _bins.epoch_days(values).tolist() == [day, day, day, day, -1, 0]
    assert _bins.epoch_days(values.astype(float)).tolist() == [day, day, day, day, -1, 0]


# -------------------------------------------------------------------------- same on all paths
def test_sample_data_bins_agree_in_every_unit() -> None:
    df = sample_interactions(30_000, 4_000, 500, seed=4)[
        ["customer_id", "product_id", "event_time"]
    ]
    df = df.rename(columns={"customer_id": "u", "product_id": "i", "event_time": "t"})
    df["i"] = df["i"].astype(str)
    for factor in (1, 1_000, 1_000_000):
        scaled = df.assign(t=df["t"] * factor)
        hist = _check_same(scaled, "bigint")
        assert hist.day_width == 1 and 85 <= len(hist.events_per_day) <= 92
    stamps = df.assign(t=pd.to_datetime(df["t"], unit="s"))
    assert _check_same(stamps, "timestamp").events_per_day == hist.events_per_day
    zoned = df.assign(t=pd.to_datetime(df["t"], unit="s", utc=True).dt.tz_convert("Asia/Tokyo"))
    assert _check_same(zoned, "timestamp").events_per_day == hist.events_per_day
    floats = df.assign(t=df["t"].astype(float) + 0.5)
    assert _check_same(floats, "double").events_per_day == hist.events_per_day


ids = st.sampled_from(["a", "b", "c", "d", "e ", "\u00a0f", "G", None])
times = st.one_of(
    st.integers(-(10**6), 3 * 10**9),  # seconds, some negative, years apart
    st.integers(10**12, 2 * 10**12),  # milliseconds
    st.just(1_700_000_000_000_000),  # microseconds
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.tuples(ids, ids, st.one_of(times, st.none())), min_size=1, max_size=60),
    st.booleans(),
)
def test_histograms_agree_on_hostile_frames(
    rows: list[tuple[str | None, str | None, int | None]], with_item: bool
) -> None:
    df = pd.DataFrame(rows, columns=["u", "i", "t"]).astype(
        {"u": "string", "i": "string", "t": "Int64"}
    )
    if not with_item:
        df = df.drop(columns=["i"])
    _check_same(df, "bigint")


def test_grouping_sets_give_each_group_once() -> None:
    """The readiness query groups by GROUPING SETS twice; DuckDB before 1.4.4 (the local
    Athena's engine) now and then returned one group twice when aggregating in parallel, which
    split the item-popularity runs (found by the hypothesis test above, about 1 run in 20).
    The same frame, 100 times (a bad DuckDB fails it with odds above 99%): every run must give the same runs as pandas."""
    rows = [
        ("G", None, 1700000000000000),
        ("G", "a", -353038),
        ("G", "e ", 37797),
        ("a", "d", 1046617926332),
        ("a", None, 1000000038113),
        ("b", "a", 1000000029906),
        ("G", "G", None),
        ("b", "G", 1700000000000000),
        ("c", "G", 1000000040144),
    ]
    df = pd.DataFrame(rows, columns=["u", "i", "t"]).astype(
        {"u": "string", "i": "string", "t": "Int64"}
    )
    ours = crn.readiness(df, _schema("bigint", item=True), progress=False).histograms
    assert ours is not None and ours.item_runs == ((1, 3, 1), (2, 2, 1), (4, 1, 2))
    seen = {_sql_histograms(df, "bigint", translate=False).item_runs for _ in range(100)}
    assert seen == {ours.item_runs}, f"DuckDB {duckdb.__version__}: {seen}"


WINDOWED = (
    "rows", "distinct_users", "users_with_2plus", "null_user_ids", "null_item_ids",
    "null_timestamps", "ts_min", "ts_max", "ts_unit", "distinct_items", "histograms",
    "window", "rows_all", "data_ts_min", "data_ts_max",
)  # fmt: skip


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(ids, ids, st.one_of(st.integers(-(10**6), 3 * 10**9), st.none())),
        min_size=1,
        max_size=60,
    ),
    st.integers(-(10**6), 3 * 10**9),
    st.floats(0.5, 2e9),
    st.sampled_from(["bigint", "double", "timestamp"]),
)
def test_a_window_gives_the_same_figures_and_bins_on_hostile_frames(
    rows: list[tuple[str | None, str | None, int | None]], start: int, length: float, kind: str
) -> None:
    """With a training window, the SQL's figures AND bins (as sent, and as the local Athena
    runs it) equal readiness(df, window=)'s: only the rows inside count, ends that fall on an
    event or between seconds, epoch integers, floats and timestamps alike."""
    df = pd.DataFrame(rows, columns=["u", "i", "t"]).astype(
        {"u": "string", "i": "string", "t": "Int64"}
    )
    if len(df) > 2:  # an event on each end
        start = int(df["t"].dropna().iloc[0]) if df["t"].notna().any() else start
    window = crn.TimeWindow(float(start), start + length)
    if kind == "double":
        df["t"] = df["t"].astype("Float64") + 0.25
    elif kind == "timestamp":
        df["t"] = pd.to_datetime(df["t"].astype("float"), unit="s")
    ours = crn.readiness(df, _schema(kind), window=window, progress=False)
    expected = {k: getattr(ours, k) for k in WINDOWED}
    for translate in (False, True):
        ref = _sql_report(df, kind, translate=translate, window=window)
        assert {k: getattr(ref, k) for k in WINDOWED} == expected, translate
    assert ours.rows_all == len(df) and ours.rows <= len(df)


def test_text_timestamps_have_no_days() -> None:
    df = pd.DataFrame({"u": ["a", "a"], "i": ["x", "y"], "t": ["2024-01-01", "2024-01-02"]})
    assert _check_same(df, "string").events_per_day == ()


# ------------------------------------------------------------------------------ the charts
def _report(n: int = 8_000) -> ReadinessReport:
    df = sample_interactions(n, n // 5, 200, seed=3)
    df.loc[df.index[:50], "customer_id"] = [f"once-{i}" for i in range(50)]
    return crn.readiness(df, crn.infer_schema(df), progress=False)


def test_plot_has_three_labelled_panels_with_the_rule_and_the_window() -> None:
    fig = _report().plot(window=(pd.Timestamp("2024-02-01"), "2024-02-29T12:00"))
    assert isinstance(fig, Figure)
    users, days, items = fig.axes
    assert users.get_title(loc="left") == "Interactions per user"
    assert users.get_xscale() == "log" and users.get_xlabel().startswith("interactions per user")
    assert users.get_ylabel() == "users"
    assert any(list(line.get_xdata()) == [2, 2] for line in users.get_lines())  # the >= 2 rule
    assert days.get_title(loc="left") == "Events per day" and days.get_ylabel() == "events"
    legend = days.get_legend()
    assert legend is not None and "training window 2024-02-01 .. 2024-02-29" in (
        legend.get_texts()[0].get_text()
    )
    assert items.get_xscale() == items.get_yscale() == "log"
    assert items.get_xlabel().startswith("item rank") and items.get_ylabel() == "events per item"
    png = fig._repr_png_()
    assert png.startswith(b"\x89PNG")


def test_window_accepts_epoch_numbers_and_refuses_nonsense() -> None:
    assert to_day(1_706_745_600) == to_day(1_706_745_600_000) == to_day("2024-02-01") == 19_754
    report = _report()
    report.plot(window=(1_706_745_600, 1_709_251_200))
    with pytest.raises(ValueError, match="start before end"):
        report.plot(window=("2024-03-01", "2024-02-01"))
    with pytest.raises(ValueError, match="not a time"):
        report.plot(window=("soon", "later"))
    with pytest.raises(ValueError, match="pair"):
        report.plot(window="2024-02-01")  # type: ignore[arg-type]


def test_plot_shades_the_reports_own_window_by_default() -> None:
    """A report counted in a training window shades it (and counts every event shown, since
    the bins hold only the window's rows); another window or False overrides it."""
    df = sample_interactions(8_000, 1_600, 200, seed=3)
    window = crn.TimeWindow.of("2024-02-01", "2024-02-15")
    report = crn.readiness(df, crn.infer_schema(df), window=window, progress=False)
    inside = int(window.mask(df["event_time"]).sum())
    assert report.rows == inside and report.histograms is not None
    shown = (
        f"training window 2024-02-01T00:00:00Z .. 2024-02-15T00:00:00Z: {inside:,} of 8,000 rows"
    )
    assert shown in str(report) and shown in report._repr_html_()
    assert sum(n for _, n in report.histograms.events_per_day) == inside
    legend = report.plot().axes[1].get_legend()
    assert legend is not None
    assert legend.get_texts()[0].get_text() == (
        f"training window 2024-02-01 .. 2024-02-15: {inside:,} events"
    )
    other = report.plot(window=("2024-02-03", "2024-02-05")).axes[1].get_legend()
    assert other is not None and "2024-02-03 .. 2024-02-05" in other.get_texts()[0].get_text()
    assert report.plot(window=False).axes[1].get_legend() is None
    assert (
        report.charts_html()
        == report.charts_html(window=window)
        != report.charts_html(window=False)
    )
    assert (
        crn.readiness(df, crn.infer_schema(df), progress=False).plot().axes[1].get_legend() is None
    )


def test_panels_say_what_is_missing() -> None:
    df = pd.DataFrame({"u": ["a", "a", "b"], "t": ["x", "y", "z"]})
    schema = TrainingSchema.from_columns(
        [
            ColumnSchema("u", "string", crn.USER_ID, 1.0, "test"),
            ColumnSchema("t", "string", crn.TIMESTAMP, 1.0, "test"),
        ]
    )
    fig = crn.readiness(df, schema, progress=False).plot()
    texts = [t.get_text() for ax in fig.axes for t in ax.texts]
    assert "'t' holds no epoch numbers or times" in texts and "no ITEM_ID column" in texts
    bare = ReadinessReport(
        rows=0, distinct_users=None, users_with_2plus=None, null_user_ids=None,
        null_item_ids=None, null_timestamps=None, ts_min=None, ts_max=None, ts_unit=None,
    )  # fmt: skip
    assert bare.plot().axes[0].texts[0].get_text() == "no USER_ID figures"


def test_repr_html_embeds_the_charts_offline() -> None:
    report = _report()
    page = report._repr_html_()
    assert page.count("<img") == 1 and "src='data:image/png;base64," in page
    assert "http://" not in page and "https://" not in page
    assert report._repr_html_() == page  # drawn once


def test_plotting_leaves_no_global_state() -> None:
    """No pyplot, no backend switch, no open figures: the report draws on Agg by itself."""
    code = (
        "import sys, matplotlib\n"
        "backend = dict.__getitem__(matplotlib.rcParams, 'backend')  # as set, not resolved\n"
        "import cleanroom_nb as crn\n"
        "from cleanroom_nb.local._sample_data import sample_interactions\n"
        "df = sample_interactions(2_000, 400, 50, seed=1)\n"
        "r = crn.readiness(df, crn.infer_schema(df), progress=False)\n"
        "r._repr_html_(); r.plot()\n"
        "print('matplotlib.pyplot' in sys.modules,"
        " dict.__getitem__(matplotlib.rcParams, 'backend') == backend)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    ).stdout.split()
    assert out == ["False", "True"]
