"""check_data: the readiness figures as findings, plus raw PII in the USER_ID column."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

import cleanroom_nb as crn
from cleanroom_nb import ColumnSchema, TrainingSchema
from cleanroom_nb.infer._patterns import EMAIL, HEX_HASH

T0 = 1_704_067_200  # 2024-01-01 in epoch seconds


def schema_for(df: pd.DataFrame) -> TrainingSchema:
    return TrainingSchema.from_columns(
        [
            ColumnSchema(
                "user_id",
                "string" if df["user_id"].dtype != "int64" else "bigint",
                "USER_ID",
                1.0,
                "",
            ),
            ColumnSchema("item_id", "bigint", "ITEM_ID", 1.0, ""),
            ColumnSchema("ts", "bigint", "TIMESTAMP", 1.0, ""),
        ]
    )


@pytest.fixture(scope="module")
def ready() -> pd.DataFrame:
    """1,000,000 rows, 200,000 users with 5 interactions each: passes every data rule."""
    rng = np.random.default_rng(0)
    n = 1_000_000
    return pd.DataFrame(
        {
            "user_id": np.repeat(np.arange(200_000, dtype="int64"), 5),
            "item_id": rng.integers(0, 5_000, n),
            "ts": T0 + rng.integers(0, 90 * 86_400, n),
        }
    )


def codes(findings: crn.Findings) -> set[str]:
    return {f.code for f in findings}


def test_ready_data_has_no_finding(ready: pd.DataFrame) -> None:
    assert crn.check_data(ready, schema_for(ready)) == []


def test_row_count_and_users_at_the_boundary(ready: pd.DataFrame) -> None:
    # one row fewer than 1,000,000
    short = ready.iloc[1:]
    assert codes(crn.check_data(short, schema_for(short))) == {"min_rows"}
    # 1,000,000 rows but only 99,999 users with 2+ interactions
    df = ready.copy()
    uid = df["user_id"].to_numpy().copy()
    uid[: 100_001 * 5] = np.arange(100_001 * 5)  # those users now interact once each
    df["user_id"] = uid
    found = crn.check_data(df, schema_for(df))
    assert codes(found) == {"min_users_with_2_interactions"}
    assert "99,999" in found[0].message


def test_timestamps_in_milliseconds_and_out_of_range(ready: pd.DataFrame) -> None:
    df = ready.assign(ts=ready["ts"] * 1000)
    found = crn.check_data(df, schema_for(df))
    assert codes(found) == {"timestamp_unit"}
    assert "to_epoch_seconds" in found[0].message
    df = ready.assign(ts=ready["ts"] - 30 * 365 * 86_400)  # the 1990s
    assert codes(crn.check_data(df, schema_for(df))) == {"timestamp_range"}


def test_null_ids(ready: pd.DataFrame) -> None:
    df = ready.astype({"user_id": "Int64", "item_id": "Int64"})
    df.loc[:9, "user_id"] = pd.NA
    df.loc[:4, "item_id"] = pd.NA
    found = crn.check_data(df, schema_for(ready))
    assert codes(found) == {"null_user_id", "null_item_id"}
    assert {f.path for f in found} == {"columns.user_id", "columns.item_id"}


def small(user_ids: list[str]) -> pd.DataFrame:
    n = len(user_ids)
    return pd.DataFrame({"user_id": user_ids, "item_id": np.arange(n) % 3, "ts": T0 + np.arange(n)})


@pytest.mark.parametrize(
    "ids",
    [
        [f"person{i}@example.com" for i in range(40)],
        [f"+1 (555) 010-{i:04d}" for i in range(40)],
    ],
    ids=["email", "phone"],
)
def test_raw_pii_in_user_id(ids: list[str]) -> None:
    df = small(ids)
    found = crn.check_data(df, schema_for(df))
    pii = [f for f in found if f.code == "raw_pii"]
    assert [(f.level, f.path) for f in pii] == [("warning", "columns.user_id")]
    assert "hash_identifier" in pii[0].message
    # hashing fixes it
    df["user_id"] = crn.hash_identifier(df["user_id"])
    assert "raw_pii" not in codes(crn.check_data(df, schema_for(df)))


def test_pii_read_from_the_schema_profile() -> None:
    df = small([f"u{i}" for i in range(40)])
    s = schema_for(df)
    profile = crn.ColumnProfile("str", 40, 0.0, 40, 1.0, 1.0, patterns=(EMAIL,))
    with_pii = TrainingSchema.from_columns(
        [replace(c, profile=profile) if c.role == "USER_ID" else c for c in s.columns]
    )
    assert "raw_pii" in codes(crn.check_data(df, with_pii))
    clean = TrainingSchema.from_columns(
        [
            replace(c, profile=replace(profile, patterns=(HEX_HASH,))) if c.role == "USER_ID" else c
            for c in s.columns
        ]
    )
    assert "raw_pii" not in codes(crn.check_data(df, clean))


def test_inferred_schema_from_sample_data() -> None:
    from cleanroom_nb.local._sample_data import sample_interactions

    df = sample_interactions(n_rows=4_000, n_users=1_000, n_items=200)
    found = crn.check_data(df, crn.infer_schema(df))
    assert codes(found) == {"min_rows", "min_users_with_2_interactions"}
    # a user who makes the raw e-mail the USER_ID is warned
    s = crn.infer_schema(df).with_roles({"email": "USER_ID", "customer_id": None})
    assert "raw_pii" in codes(crn.check_data(df, s))
