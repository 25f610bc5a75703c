"""Rules of the data itself (readiness): rows, users with two interactions, times, nulls."""

from __future__ import annotations

from collections.abc import Sequence

from cleanroom_nb import _roles
from cleanroom_nb._findings import Finding, FindingCode
from cleanroom_nb._rulebook._registry import rule
from cleanroom_nb._words import count

ROWS = "data.rows"
USERS = "data.users"


@rule(FindingCode.MIN_ROWS)
def min_rows(rows: int, *, where: str, more: str, windowed: bool) -> Finding:
    """Fewer rows than Clean Rooms ML trains on."""
    return Finding(
        "error",
        ROWS,
        FindingCode.MIN_ROWS,
        f"{where} has {rows:,} rows; Clean Rooms ML needs at least {_roles.MIN_ROWS:,}. Add "
        f"{_roles.MIN_ROWS - rows:,} or more rows ({more}) before "
        + ("training." if windowed else "creating the training dataset."),
    )


@rule(FindingCode.MIN_USERS_WITH_2_INTERACTIONS)
def min_users_with_2_interactions(
    users: int, distinct: int, user_column: str, *, where: str | None, more: str
) -> Finding:
    """Too few users with two or more interactions (``where`` names a training window)."""
    return Finding(
        "error",
        USERS,
        FindingCode.MIN_USERS_WITH_2_INTERACTIONS,
        f"{users:,} of {distinct:,} distinct users ({user_column!r}) have at least 2 interactions"
        + ("" if where is None else f" in {where}")
        + f"; Clean Rooms ML needs at least {_roles.MIN_USERS_WITH_TWO_INTERACTIONS:,}. "
        f"Add data ({more}), or check that the USER_ID column is the right one.",
    )


@rule(FindingCode.TIMESTAMP_NOT_EPOCH)
def timestamp_not_epoch(name: str, max_value: object, *, path: str) -> Finding:
    """The TIMESTAMP column's values are no Unix epoch time in any unit."""
    return Finding(
        "error",
        path,
        FindingCode.TIMESTAMP_NOT_EPOCH,
        f"{name!r} does not hold Unix epoch seconds (max value {max_value!r}); convert it "
        "to int64 epoch seconds with cleanroom_nb.to_epoch_seconds.",
    )


@rule(FindingCode.MIXED_TIMESTAMP_UNITS)
def mixed_timestamp_units(
    name: str, low: str, unit_low: str, high: str, unit_high: str, *, path: str
) -> Finding:
    """The smallest and largest times imply different epoch units."""
    return Finding(
        "warning",
        path,
        FindingCode.MIXED_TIMESTAMP_UNITS,
        f"{name!r} ranges from {low} ({unit_low}) to {high} ({unit_high}): the units look "
        "mixed, or some values are wrong. Check the smallest values and convert everything to "
        "epoch seconds.",
    )


@rule(FindingCode.TIMESTAMP_RANGE)
def timestamp_range(name: str, low: object, high: object, *, path: str) -> Finding:
    """Times before 2000 or in the future."""
    return Finding(
        "warning",
        path,
        FindingCode.TIMESTAMP_RANGE,
        f"{name!r} spans {low} .. {high}; times before 2000 or in the future usually mean "
        "placeholder or wrong values.",
    )


@rule(FindingCode.NULL_USER_ID, FindingCode.NULL_ITEM_ID, FindingCode.NULL_TIMESTAMP)
def null_role(role: str, n: int, share: float, column: str | None) -> Finding:
    """Rows without a value in a role column, which Clean Rooms ML cannot use."""
    them = "it" if n == 1 else "them"
    return Finding(
        "warning",
        f"columns.{column}" if column else "data",
        FindingCode(f"null_{role.lower()}"),
        f"{count(n, 'row')} ({share:.1%}) {'has' if n == 1 else 'have'} no {role} ({column!r}); "
        f"Clean Rooms ML cannot use {them}. Drop or fill {them} before creating the training "
        "dataset.",
    )


@rule(FindingCode.DROPPED_ROWS)
def dropped_rows(dropped: int, rows: int, required: Sequence[str]) -> Finding:
    """Fixing dropped the rows without a value in a required column (null, or not convertible)."""
    return Finding(
        "warning",
        "rows",
        FindingCode.DROPPED_ROWS,
        f"{dropped:,} of {rows:,} rows dropped: null (or not convertible) "
        f"{', '.join(repr(c) for c in required)}; Clean Rooms ML needs all three",
    )
