"""The readiness histograms: their bins, defined once, and how to compute them from counts.

Three distributions go with the readiness figures, each with a bounded number of points:

- **interactions per user** in log bins whose lower edges are :data:`USER_BIN_EDGES` (1, 2, 3,
  4, 6, 8, 12, ...; 1 and 2 apart, so the "at least 2 interactions" rule falls on an edge);
- **events per day**, in buckets of :func:`day_width` days, at most :data:`MAX_DAY_BINS` of
  them. The day of an epoch value is taken in the unit its own magnitude implies (the
  thresholds of :func:`cleanroom_nb.to_epoch_seconds`), so a column in milliseconds gives real
  days;
- **item popularity** as rank against frequency: the runs of items that share one frequency
  (frequency-of-frequency rows), kept only where a rank of :func:`is_grid_rank` (1, 2, .., 9,
  10, 20, .., 90, 100, ...) or the last rank falls, so a catalogue of any size gives about nine
  points a decade.

The in-process path (:mod:`cleanroom_nb.readiness._pandas`) computes them with the numpy
functions here; the Athena path (:mod:`cleanroom_nb.readiness._sql`) writes the same
definitions as SQL, in the same query as the figures. Tests compare the two on the same data.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

MAX_USER_BIN_EDGE = 1 << 40
"""The last lower edge: users with more interactions than that share the last, open bin."""


def _user_bin_edges() -> tuple[int, ...]:
    edges = [1, 2, 3]
    k = 2
    while (1 << k) <= MAX_USER_BIN_EDGE:
        edges.append(1 << k)
        if 3 << (k - 1) <= MAX_USER_BIN_EDGE:
            edges.append(3 << (k - 1))
        k += 1
    return tuple(edges)


USER_BIN_EDGES: tuple[int, ...] = _user_bin_edges()
"""Lower edges of the interactions-per-user bins: 1, 2, 3, 4, 6, 8, 12, 16, 24, ...

Bin ``i`` holds the users with ``USER_BIN_EDGES[i] <= n < USER_BIN_EDGES[i + 1]`` interactions.

Examples
--------
>>> USER_BIN_EDGES[:10], len(USER_BIN_EDGES)
((1, 2, 3, 4, 6, 8, 12, 16, 24, 32), 80)
"""

MAX_DAY_BINS = 1000
"""At most this many buckets of events per day (one day each while the data spans fewer days)."""

SECONDS_PER_DAY = 86_400
EPOCH_THRESHOLDS = (10_000_000_000, 10_000_000_000_000, 10_000_000_000_000_000)
"""Magnitudes below which an epoch value is in s, ms, us (else ns): ``_fix.epoch_unit``'s."""
DAY_DIVISORS = (86_400.0, 86_400_000.0, 86_400_000_000.0, 86_400_000_000_000.0)
"""One day in s, ms, us and ns."""


def user_bin(counts: np.ndarray) -> np.ndarray:
    """The bin index of each interaction count (counts are at least 1).

    Examples
    --------
    >>> user_bin(np.array([1, 2, 3, 5, 6, 7, 8])).tolist()
    [0, 1, 2, 3, 4, 4, 5]
    """
    return np.searchsorted(np.asarray(USER_BIN_EDGES, dtype=np.int64), counts, side="right") - 1


def day_width(first_day: int, last_day: int) -> int:
    """Days per bucket: one while the data spans at most :data:`MAX_DAY_BINS` days.

    Examples
    --------
    >>> day_width(19_000, 19_999), day_width(19_000, 20_000), day_width(0, 100_000)
    (1, 2, 101)
    """
    return (last_day - first_day + MAX_DAY_BINS) // MAX_DAY_BINS


def epoch_days(values: np.ndarray) -> np.ndarray:
    """The day (since 1970-01-01) of each epoch value, in the unit its magnitude implies.

    ``values`` are numbers (int or float, no NaN); computed as
    ``floor(double(value) / one day in that unit)``, exactly as the SQL does.

    Examples
    --------
    >>> epoch_days(np.array([86_399, 86_400, 1_700_000_000_000, -1])).tolist()
    [0, 1, 19675, -1]
    """
    if values.size and values.dtype.kind in "iu":
        v = values.astype(np.int64, copy=False)
        lo, hi = int(v.min()), int(v.max())
        bands = {_band(max(abs(lo), abs(hi))), _band(0 if lo <= 0 <= hi else min(abs(lo), abs(hi)))}
        if len(bands) == 1:  # one unit for every value (the usual case): one pass
            (band,) = bands
            if band <= 1:
                # Below 1e13 < 2**53 a value and its day length are exact doubles, and
                # floor(fl(a / b)) == a // b for such integers: the division never rounds
                # across an integer. Integer division is the faster way to the same days.
                return np.floor_divide(v, int(DAY_DIVISORS[band]))
            out = v.astype(np.float64)
            out /= DAY_DIVISORS[band]
            return np.floor(out, out=out).astype(np.int64)
        mag = np.abs(v)
        unit = np.searchsorted(np.asarray(EPOCH_THRESHOLDS, dtype=np.int64), mag, side="right")
    else:
        unit = np.searchsorted(
            np.asarray(EPOCH_THRESHOLDS, dtype=np.float64), np.abs(values), "right"
        )
    divisor = np.asarray(DAY_DIVISORS)[unit]
    return np.floor(values.astype(np.float64) / divisor).astype(np.int64)


def _band(magnitude: int) -> int:
    """0, 1, 2 or 3: the unit (s, ms, us, ns) of a non-negative epoch magnitude."""
    return sum(magnitude >= t for t in EPOCH_THRESHOLDS)


def is_grid_rank(rank: int) -> bool:
    """Whether a rank is one digit followed by zeros (1, .., 9, 10, 20, .., 90, 100, ...).

    Examples
    --------
    >>> [r for r in range(1, 120) if is_grid_rank(r)][-4:]
    [70, 80, 90, 100]
    """
    p = 10 ** (len(str(rank)) - 1)
    return rank % p == 0


def grid_floor(rank: np.ndarray) -> np.ndarray:
    """The largest grid rank at most ``rank`` (ranks are at least 1).

    Examples
    --------
    >>> grid_floor(np.array([1, 9, 10, 19, 250, 99_999])).tolist()
    [1, 9, 10, 10, 200, 90000]
    """
    digits = np.char.str_len(rank.astype(np.int64).astype(str))
    p = np.power(10, digits - 1, dtype=np.int64)
    return (rank // p) * p


@dataclass(frozen=True)
class Histograms:
    """The distributions behind the readiness charts (see the module docs).

    Attributes
    ----------
    interactions_per_user
        ``(lower edge, users)`` of every non-empty bin, in order; the bin reaches up to the
        next edge of :data:`USER_BIN_EDGES` (exclusive). Users without an id are not counted.
    day_width
        Days per bucket of ``events_per_day`` (None without a usable timestamp column).
    events_per_day
        ``(first day of the bucket, events)`` of every non-empty bucket, days counted from
        1970-01-01; rows without a timestamp are not counted.
    item_runs
        ``(last rank, frequency, items)``: a run of ``items`` items that each occur
        ``frequency`` times, ranked ``last rank - items + 1`` .. ``last rank`` by popularity;
        only the runs holding a grid rank or the last rank.
    distinct_items
        Distinct non-null ITEM_ID values (None without an item column).

    Examples
    --------
    >>> h = histograms_from_counts(np.array([1, 1, 2, 5]), np.array([3, 3, 1, 1, 1]),
    ...                            np.array([19_000, 19_000, 19_002]))
    >>> h.interactions_per_user, h.day_width, h.events_per_day
    (((1, 2), (2, 1), (4, 1)), 1, ((19000, 2), (19002, 1)))
    >>> h.item_runs, h.item_points()
    (((2, 3, 2), (5, 1, 3)), [(1, 3), (2, 3), (3, 1), (4, 1), (5, 1)])
    """

    interactions_per_user: tuple[tuple[int, int], ...] = ()
    day_width: int | None = None
    events_per_day: tuple[tuple[int, int], ...] = ()
    item_runs: tuple[tuple[int, int, int], ...] = ()
    distinct_items: int | None = None

    def item_points(self) -> list[tuple[int, int]]:
        """``(rank, frequency)`` at every grid rank and at the last rank, by rank."""
        out: list[tuple[int, int]] = []
        for last, freq, items in self.item_runs:
            first = last - items + 1
            rank = first
            while rank <= last:
                p = 10 ** (len(str(rank)) - 1)
                grid = -(-rank // p) * p  # the smallest grid rank >= rank
                if grid > last:
                    break
                out.append((grid, freq))
                rank = grid + 1
            if last == self.distinct_items and (not out or out[-1][0] != last):
                out.append((last, freq))
        return out

    @property
    def users(self) -> int:
        """Users counted in ``interactions_per_user``."""
        return sum(n for _, n in self.interactions_per_user)


def user_histogram(per_user: np.ndarray) -> tuple[tuple[int, int], ...]:
    """``(lower edge, users)`` of the non-empty bins, from each user's interaction count."""
    if per_user.size == 0:
        return ()
    bc = np.bincount(user_bin(per_user))
    return tuple((USER_BIN_EDGES[i], int(n)) for i, n in enumerate(bc) if n)


def day_histogram(days: np.ndarray) -> tuple[int | None, tuple[tuple[int, int], ...]]:
    """``(days per bucket, ((first day, events), ...))`` from each row's day."""
    if days.size == 0:
        return None, ()
    lo, hi = int(days.min()), int(days.max())
    width = day_width(lo, hi)
    buckets = days - lo
    if width > 1:
        buckets //= width
    bc = np.bincount(buckets)
    filled = np.flatnonzero(bc)
    return width, tuple((lo + int(b) * width, int(bc[b])) for b in filled)


def item_runs(per_item: np.ndarray) -> tuple[tuple[int, int, int], ...]:
    """The kept ``(last rank, frequency, items)`` runs from each item's count."""
    if per_item.size == 0:
        return ()
    freq, items = np.unique(per_item, return_counts=True)
    freq, items = freq[::-1], items[::-1]  # most popular first
    last = np.cumsum(items)
    first = last - items + 1
    keep = (grid_floor(last) >= first) | (last == last[-1])
    return tuple(
        (int(e), int(f), int(c))
        for e, f, c in zip(last[keep], freq[keep], items[keep], strict=True)
    )


def histograms_from_counts(
    per_user: np.ndarray | None, per_item: np.ndarray | None, days: np.ndarray | None
) -> Histograms:
    """The histograms from per-user counts, per-item counts and each row's day (or None)."""
    width, per_day = day_histogram(days) if days is not None else (None, ())
    return Histograms(
        interactions_per_user=user_histogram(per_user) if per_user is not None else (),
        day_width=width,
        events_per_day=per_day,
        item_runs=item_runs(per_item) if per_item is not None else (),
        distinct_items=int(per_item.size) if per_item is not None else None,
    )
