"""The ONE readiness query: the figures and the chart histograms, in one scan of the table.

The table is read once and grouped three ways at once (``GROUPING SETS``: per user, per item,
per day). Everything after that works on the groups, never on rows: a second grouping gives the
figures, the users per bin, the events per day and the items per frequency; a window over those
few rows gives the day buckets and the item ranks. The result is one ``figures`` row and at most
a few hundred histogram rows (``users``, ``days``, ``items``), whatever the table's size.

With a training window (:class:`~cleanroom_nb.readiness._window.TimeWindow`), each row gets a
flag ``w`` (inside the window, by :meth:`~cleanroom_nb.readiness._window.TimeWindow.sql_condition`,
the rule the in-process path applies with ``TimeWindow.mask``), every grouping set is also
grouped by it, and the groups outside the window are dropped before the second grouping: the
figures and the histograms describe the rows inside the window. One more grouping set,
``(w)``, gives all the data's rows, time range and rows without a time
(:data:`WINDOW_COLUMNS`). Still one scan.

The bins are those of :mod:`cleanroom_nb.readiness._bins`, written as SQL here: the edges are
literals generated from :data:`~cleanroom_nb.readiness._bins.USER_BIN_EDGES`, days are
``floor(double(value) / one day in the unit the value's magnitude implies)``, ranks are kept by
the same grid test. The SQL runs in Athena (Trino) and in the local Athena (DuckDB) alike.
"""

from __future__ import annotations

import itertools

from cleanroom_nb import _errors
from cleanroom_nb.glue._athena import quote_identifier as _q
from cleanroom_nb.readiness._bins import (
    DAY_DIVISORS,
    EPOCH_THRESHOLDS,
    MAX_DAY_BINS,
    USER_BIN_EDGES,
)
from cleanroom_nb.readiness._window import TimeWindow

RESULT_COLUMNS = (
    "rows",
    "distinct_users",
    "users_with_2plus",
    "null_user_ids",
    "null_item_ids",
    "null_timestamps",
    "ts_min",
    "ts_max",
    "distinct_items",
)
"""The figure columns of :func:`readiness_sql`'s ``figures`` row."""
WINDOW_COLUMNS = ("rows_all", "ts_min_all", "ts_max_all")
"""The figure columns a query with a training window adds: all the data's rows and time range
(``null_timestamps`` then counts all the data's rows without a time: they are in no window)."""

HISTOGRAM_COLUMNS = ("kind", "bin", "value", "width")
"""The columns that carry the histograms: ``kind`` is ``figures``, ``users``, ``days`` or
``items``; ``bin`` the lower edge, the bucket's first day, or the run's last rank; ``value``
the users, events, or frequency; ``width`` the days per bucket or the items in the run."""

EPOCH_TYPES = frozenset(
    {"bigint", "int", "integer", "smallint", "tinyint", "double", "float", "real"}
)
"""Glue types of TIMESTAMP columns read as epoch numbers (a unit per value's magnitude)."""
DATE_TYPES = frozenset({"timestamp", "date"})
"""Glue types of TIMESTAMP columns whose day is their calendar date (UTC, as Athena reads)."""


def _floor_div(a: str, b: str) -> str:
    """``floor(a / b)`` of two integers, the same in Trino and DuckDB (whose ``/`` on integers
    differ): exact below 2**53, far above any count of days or items."""
    return f"CAST(floor(CAST({a} AS DOUBLE) / CAST({b} AS DOUBLE)) AS BIGINT)"


def _zero_if(column: str | None, count: str) -> str:
    """A count of a role column's values: 0 rather than NULL over no rows, NULL (no figure)
    when the role has no column."""
    return f"coalesce({count}, 0)" if column else count


def _user_bin_sql(n: str) -> str:
    whens = " ".join(f"WHEN {n} < {hi} THEN {lo}" for lo, hi in itertools.pairwise(USER_BIN_EDGES))
    return f"CASE {whens} ELSE {USER_BIN_EDGES[-1]} END"


def day_sql(ts: str, glue_type: str | None) -> str | None:
    """The day (since 1970-01-01) of a TIMESTAMP value as SQL, or None for other types.

    Examples
    --------
    >>> day_sql('"t"', "timestamp")
    'date_diff(\\'day\\', DATE \\'1970-01-01\\', CAST("t" AS DATE))'
    >>> day_sql('"t"', "string") is None
    True
    """
    base = (glue_type or "bigint").split("(")[0].strip().lower()
    if base in DATE_TYPES:
        return f"date_diff('day', DATE '1970-01-01', CAST({ts} AS DATE))"
    if base not in EPOCH_TYPES:
        return None
    whens = " ".join(
        f"WHEN abs({ts}) < {limit} THEN {int(day)}e0"
        for limit, day in zip(EPOCH_THRESHOLDS, DAY_DIVISORS, strict=False)
    )
    return (
        f"CAST(floor(CAST({ts} AS DOUBLE) / CASE {whens} ELSE {int(DAY_DIVISORS[-1])}e0 END)"
        " AS BIGINT)"
    )


def readiness_sql(
    database: str,
    table: str,
    user_col: str,
    item_col: str | None,
    ts_col: str | None,
    ts_type: str | None = "bigint",
    *,
    window: TimeWindow | None = None,
) -> str:
    """The ONE query of the readiness figures and histograms (Athena/Trino and DuckDB alike).

    It reads only the USER_ID, ITEM_ID and TIMESTAMP columns, in one scan; the result is one
    ``figures`` row (:data:`RESULT_COLUMNS`) and the histogram rows
    (:data:`HISTOGRAM_COLUMNS`), a bounded number.

    Parameters
    ----------
    database, table
        The table.
    user_col, item_col, ts_col
        The role columns (None: the role has no column; its figures are NULL).
    ts_type
        The Glue type of ``ts_col``: epoch numbers and timestamps/dates give events per day.
    window
        A training window: the figures and histograms count only the rows inside it, and the
        ``figures`` row adds :data:`WINDOW_COLUMNS` about all the data (see the module docs).

    Raises
    ------
    SchemaError
        A ``window`` without a TIMESTAMP column, or with one whose type holds no comparable
        times.

    Examples
    --------
    >>> sql = readiness_sql("db", "t", "customer_id", "product_id", "event_time")
    >>> 'FROM "db"."t"' in sql, sql.count('FROM "db"'), "GROUPING SETS" in sql
    (True, 1, True)
    >>> sql = readiness_sql("db", "t", "u", None, "t", window=TimeWindow(0, 86_400))
    >>> '("t" >= 0 AND "t" < 86400)' in sql, sql.count('FROM "db"'), '"rows_all"' in sql
    (True, 1, True)
    """
    ts = _q(ts_col) if ts_col else None
    day = day_sql(ts, ts_type) if ts else None
    inside = None
    if window is not None:
        if ts is None:
            raise _errors.SchemaError(
                "the schema has no single TIMESTAMP column, so a training window cannot be "
                "checked; give one column the role TIMESTAMP"
            )
        inside = window.sql_condition(ts, ts_type or "bigint")
    keys = ["u", *(["i"] if item_col else []), *(["d"] if day else [])]
    src = [f"{_q(user_col)} AS u"]
    if item_col:
        src.append(f"{_q(item_col)} AS i")
    if ts:
        src.append(f"{ts} AS t")
    if day:
        src.append(f"{day} AS d")
    if inside:
        src.append(f"CASE WHEN {inside} THEN 1 ELSE 0 END AS w")
    # With a window every set is also grouped by w, and (w) alone gives all the data's figures.
    labels = [*keys, "w"] if inside else keys
    sets = [f"({k}, w)" for k in keys] + ["(w)"] if inside else [f"({k})" for k in keys]
    kind = " ".join(f"WHEN grouping({k}) = 0 THEN '{k}'" for k in labels[:-1])
    g = f"CASE {kind} ELSE '{labels[-1]}' END" if kind else f"'{labels[-1]}'"
    nulls_item = "count(*) - count(i)" if item_col else "CAST(NULL AS BIGINT)"
    nulls_ts = "count(*) - count(t)" if ts else "CAST(NULL AS BIGINT)"
    ts_min, ts_max = ("min(t)", "max(t)") if ts else ("CAST(NULL AS BIGINT)",) * 2
    grouped = (
        f"SELECT {g} AS g, {', '.join(labels)}, count(*) AS n, {nulls_item} AS null_items, "
        f"{nulls_ts} AS null_ts, {ts_min} AS ts_min, {ts_max} AS ts_max\n"
        f"    FROM (SELECT {', '.join(src)} FROM {_q(database)}.{_q(table)}) AS src\n"
        f"    GROUP BY GROUPING SETS ({', '.join(sets)})"
    )
    # The second grouping: keys of the histogram groups (NULL where a group has none).
    hist = {"users": "ub", "items": "fk", "days": "dk"}
    present = ["users", *(["items"] if item_col else []), *(["days"] if day else [])]
    key_sql = {
        "ub": f"CASE WHEN g = 'u' AND u IS NOT NULL THEN {_user_bin_sql('n')} END",
        "fk": "CASE WHEN g = 'i' AND i IS NOT NULL THEN n END",
        "dk": "CASE WHEN g = 'd' THEN d END",
    }
    kcols = [hist[p] for p in present]
    keyed = (
        f"SELECT g, u, {'i, ' if item_col else ''}n, null_items, null_ts, ts_min, ts_max, "
        + ", ".join(f"{key_sql[k]} AS {k}" for k in kcols)
        + f"\n    FROM ({grouped}) AS grouped"
        + ("\n    WHERE g = 'w' OR w = 1" if inside else "")  # the groups inside the window
    )
    agg_kind = " ".join(f"WHEN grouping({hist[p]}) = 0 THEN '{p}'" for p in present)
    distinct_items = "count(i)" if item_col else "CAST(NULL AS BIGINT)"
    # Rows without a time: all the data's with a window (they are in no window).
    null_items = _zero_if(item_col, "sum(CASE WHEN g = 'u' THEN null_items END)")
    null_ts = _zero_if(ts, f"sum(CASE WHEN g = '{'w' if inside else 'u'}' THEN null_ts END)")
    figures = (
        "CAST(coalesce(sum(CASE WHEN g = 'u' THEN n END), 0) AS BIGINT) AS f_rows, "
        "CAST(count(u) AS BIGINT) AS f_users, "
        "CAST(coalesce(sum(CASE WHEN u IS NOT NULL AND n >= 2 THEN 1 ELSE 0 END), 0) AS BIGINT)"
        " AS f_2plus, "
        "CAST(coalesce(sum(CASE WHEN g = 'u' AND u IS NULL THEN n ELSE 0 END), 0) AS BIGINT)"
        " AS f_null_users, "
        f"CAST({null_items} AS BIGINT) AS f_null_items, "
        f"CAST({null_ts} AS BIGINT) AS f_null_ts, "
        "min(CASE WHEN g = 'u' THEN ts_min END) AS f_ts_min, "
        "max(CASE WHEN g = 'u' THEN ts_max END) AS f_ts_max, "
        f"CAST({distinct_items} AS BIGINT) AS f_items"
    )
    figure_sql = [
        "f_rows",
        "f_users",
        "f_2plus",
        "f_null_users",
        "f_null_items",
        "f_null_ts",
        "f_ts_min",
        "f_ts_max",
        "f_items",
    ]
    columns = list(RESULT_COLUMNS)
    if inside:
        figures += (
            ", CAST(coalesce(sum(CASE WHEN g = 'w' THEN n END), 0) AS BIGINT) AS f_rows_all, "
            "min(CASE WHEN g = 'w' THEN ts_min END) AS f_ts_min_all, "
            "max(CASE WHEN g = 'w' THEN ts_max END) AS f_ts_max_all"
        )
        figure_sql += ["f_rows_all", "f_ts_min_all", "f_ts_max_all"]
        columns += WINDOW_COLUMNS
    agg = (
        f"SELECT CASE {agg_kind} ELSE 'figures' END AS kind, "
        f"coalesce({', '.join(kcols)}) AS k, count(*) AS c, sum(n) AS s, {figures}\n"
        f"  FROM ({keyed}) AS keyed\n"
        f"  GROUP BY GROUPING SETS ((), {', '.join(f'({k})' for k in kcols)})"
    )
    windowed = (
        "SELECT *, "
        "min(CASE WHEN kind = 'days' THEN k END) OVER () AS d_lo, "
        "max(CASE WHEN kind = 'days' THEN k END) OVER () AS d_hi, "
        "sum(c) OVER (PARTITION BY kind ORDER BY k DESC "
        "ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS rank_last, "
        "sum(c) OVER (PARTITION BY kind) AS kind_total\n"
        f"FROM ({agg}) AS agg\n"
        "WHERE kind = 'figures' OR k IS NOT NULL"
    )
    width = _floor_div(f"d_hi - d_lo + {MAX_DAY_BINS}", str(MAX_DAY_BINS))
    power = "CAST(power(10, length(CAST(rank_last AS VARCHAR)) - 1) AS BIGINT)"
    grid = f"{_floor_div('rank_last', power)} * {power}"
    binned = (
        "SELECT kind, "
        f"CASE kind WHEN 'days' THEN d_lo + {_floor_div('k - d_lo', width)} * {width} "
        "WHEN 'items' THEN rank_last ELSE k END AS bin, "
        "CASE kind WHEN 'users' THEN c WHEN 'days' THEN s WHEN 'items' THEN k END AS value, "
        f"CASE kind WHEN 'days' THEN {width} WHEN 'items' THEN c END AS width, "
        f"{', '.join(figure_sql)}\n"
        f"FROM ({windowed}) AS windowed\n"
        f"WHERE kind <> 'items' OR {grid} >= rank_last - c + 1 OR rank_last = kind_total"
    )
    figure = dict(zip(columns, figure_sql, strict=True))
    return (
        'SELECT kind AS "kind", CAST(bin AS BIGINT) AS "bin", CAST(sum(value) AS BIGINT) AS "value", '
        'CAST(max(width) AS BIGINT) AS "width",\n  '
        + ",\n  ".join(
            f"max(CASE WHEN kind = 'figures' THEN {f} END) AS {_q(c)}" for c, f in figure.items()
        )
        + f"\nFROM ({binned}) AS binned\n"
        "GROUP BY kind, bin\n"
        "ORDER BY kind, bin"
    )
