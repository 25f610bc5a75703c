"""Decisions that know their sample (issue 18, items 2 and 4).

A few thousand rows of a sorted file, or one daily object of a table, cannot show how many
users a table has or whether a date varies: a column whose name and values say user, item or
time keeps its role with a lower confidence and a reason, and no role moves to a column that
has no evidence for it. Personal-data names with hashed values are not raw personal data.
"""

from __future__ import annotations

import uuid

import numpy as np
import pandas as pd
import pytest

import cleanroom_nb as crn
from cleanroom_nb.infer._scope import SampleScope
from cleanroom_nb.infer._suggest import hashed_values, suggest_schema


def _listening_log(rows: int = 5_000) -> pd.DataFrame:
    """A listening log sorted by user whose head holds two users (the issue's failure)."""
    r = np.random.default_rng(0)
    artists = [str(uuid.UUID(int=int(x))) for x in r.integers(0, 2**62, 300)]
    return pd.DataFrame(
        {
            "userid": np.sort(r.choice(["user_000001", "user_000002"], rows)),
            "timestamp": pd.date_range("2009-05-04", periods=rows, freq="min").strftime(
                "%Y-%m-%dT%H:%M:%SZ"
            ),
            "musicbrainz-artist-id": r.choice(artists, rows),
            "artist-name": r.choice(["Deep Dish", "Portishead", "Air", "Moby"], rows),
            "track-name": r.choice([f"track {i}" for i in range(800)], rows),
        }
    )


def test_sorted_head_keeps_the_named_user_with_a_reason() -> None:
    schema = crn.infer_schema(_listening_log())
    user = schema.column("userid")
    assert user.role == "USER_ID"
    assert user.confidence <= 0.5
    assert "only 2 users in this sample of 5,000 rows" in user.reason
    assert "sorted by it" in user.reason
    assert "the readiness check counts the table" in user.reason
    # The artist UUIDs have no user evidence: they never take the role.
    assert schema.column("musicbrainz-artist-id").role is None
    assert schema.roles["track-name"] == "ITEM_ID"


def test_no_role_moves_to_uuids_without_user_evidence() -> None:
    df = _listening_log().drop(columns="userid")
    schema = crn.infer_schema(df)
    assert schema.user_id is None
    assert schema.column("musicbrainz-artist-id").role != "USER_ID"
    assert "USER_ID" in schema.missing


def test_hashed_ids_in_the_lead_column_are_users_by_values_and_position() -> None:
    r = np.random.default_rng(3)
    users = [f"{x:032x}" for x in r.integers(2**40, 2**62, 200)]
    df = pd.DataFrame(
        {
            "visitor_hash": r.choice(users, 3_000),
            "sku": r.integers(0, 400, 3_000),
            "event_time": 1_700_000_000 + np.arange(3_000) * 30,
        }
    )
    # "visitor_hash" says user by name; renamed to a word that says nothing, the lead column's
    # hashed, repeating values still say user ...
    renamed = df.rename(columns={"visitor_hash": "h"})
    assert crn.infer_schema(renamed).roles["h"] == "USER_ID"
    # ... but not from another position, where nothing ties them to the user.
    moved = renamed[["sku", "event_time", "h"]]
    assert crn.infer_schema(moved).column("h").role != "USER_ID"


def test_two_sessions_in_a_short_file_keep_the_session_id() -> None:
    r = np.random.default_rng(1)
    sessions = ["a1b2c3d4e5f60718293a4b5c6d7e8f90", "0f9e8d7c6b5a49382716a5b4c3d2e1f0"]
    df = pd.DataFrame(
        {
            "session_id_hash": r.choice(sessions, 300),
            "product_sku_hash": r.choice([f"{x:032x}" for x in r.integers(0, 2**60, 80)], 300),
            "server_timestamp_epoch_ms": 1_550_000_000_000 + np.sort(r.integers(0, 10**8, 300)),
        }
    )
    column = crn.infer_schema(df).column("session_id_hash")
    assert column.role == "USER_ID"
    assert "only 2 users in this sample of 300 rows" in column.reason


def test_a_plain_word_with_few_values_is_not_an_id() -> None:
    r = np.random.default_rng(2)
    df = pd.DataFrame(
        {
            "device": r.choice(["mobile", "desktop", "tablet"], 2_000),
            "item_id": r.integers(0, 500, 2_000),
            "ts": 1_700_000_000 + np.arange(2_000) * 60,
        }
    )
    schema = crn.infer_schema(df)
    assert schema.column("device").role == "CATEGORICAL_FEATURE"
    assert schema.user_id is None


def test_one_day_in_a_day_sorted_head_keeps_the_timestamp() -> None:
    r = np.random.default_rng(4)
    df = pd.DataFrame(
        {
            "t_dat": ["2018-09-20"] * 3_000,
            "customer_id": r.choice([f"{x:064x}" for x in r.integers(0, 2**62, 900)], 3_000),
            "article_id": r.integers(108_775_015, 108_775_515, 3_000),
            "price": r.random(3_000),
        }
    )
    column = crn.infer_schema(df).column("t_dat")
    assert column.role == "TIMESTAMP"
    assert column.confidence <= 0.5
    assert "only one time (2018-09-20) in this sample of 3,000 rows" in column.reason


def test_a_constant_load_time_is_not_kept() -> None:
    """One value under a name that does not say the time (``last_update``) stays out."""
    r = np.random.default_rng(5)
    df = pd.DataFrame(
        {
            "customer_id": r.integers(0, 300, 2_000),
            "inventory_id": r.integers(0, 900, 2_000),
            "rental_date": pd.date_range("2005-05-24", periods=2_000, freq="37min").astype(str),
            "last_update": ["2006-02-15 21:30:53"] * 2_000,
        }
    )
    schema = crn.infer_schema(df)
    assert schema.roles["rental_date"] == "TIMESTAMP"
    assert schema.column("last_update").role is None


def test_infer_schema_passes_a_random_scope() -> None:
    df = pd.DataFrame(
        {
            "user_id": np.arange(50_000) % 997,
            "item_id": np.arange(50_000) % 13_001,
            "ts": 1_700_000_000 + np.arange(50_000),
            "country": ["FR"] * 50_000,
        }
    )
    schema = crn.infer_schema(df, sample_rows=5_000)
    # Random rows of the whole frame: one value there is one value in the table.
    assert schema.column("country").reason.startswith("left out: one value only (constant)")


def test_one_object_of_a_table_cannot_prove_a_constant() -> None:
    r = np.random.default_rng(6)
    sample = pd.DataFrame(
        {
            "customer_id": r.integers(0, 300, 800).astype(str),
            "article_id": r.integers(0, 900, 800).astype(str),
            "ts": 1_700_000_000 + np.arange(800) * 60,
            "store": ["north"] * 800,
        }
    )
    types = {"customer_id": "string", "article_id": "string", "ts": "bigint", "store": "string"}
    scope = SampleScope(rows=800, objects_read=("s3://b/t/day=1/a.parquet",), objects_total=30)
    schema = suggest_schema(sample, types, scope=scope)
    reason = schema.column("store").reason
    assert "one value in this sample of 800 rows from 1 of 30 objects" in reason
    assert "may be one slice of the table" in reason
    # The same rows drawn at random from the whole table: constant.
    whole = SampleScope(rows=800, total_rows=800, random=True)
    assert "constant" in suggest_schema(sample, types, scope=whole).column("store").reason


@pytest.mark.parametrize(
    ("scope", "text", "one_slice"),
    [
        (
            SampleScope(rows=5_000, total_rows=5_000, random=True),
            "this sample of 5,000 rows",
            False,
        ),
        (
            SampleScope(rows=900, objects_read=("a", "b", "c"), objects_total=12),
            "this sample of 900 rows from 3 of 12 objects",
            False,
        ),
        (
            SampleScope(
                rows=900,
                objects_read=("a", "b"),
                objects_total=40,
                partitions_read=("day=1",),
                partitions_total=20,
            ),
            "this sample of 900 rows from 2 of 40 objects and 1 of 20 partitions",
            True,
        ),
    ],
)
def test_scope_in_words(scope: SampleScope, text: str, one_slice: bool) -> None:
    assert scope.describe() == text
    assert scope.one_slice is one_slice


def test_hashed_values_are_not_raw_pii() -> None:
    r = np.random.default_rng(7)
    n = 2_000
    df = pd.DataFrame(
        {
            "user_id": r.integers(0, 300, n),
            "item_id": r.integers(0, 900, n),
            "ts": 1_600_000_000 + np.arange(n) * 60,
            "ip": [f"{x:08x}" for x in r.integers(0, 2**32, n)],
            "email": [f"{x:064x}" for x in r.integers(2**60, 2**62, n)],
            "phone": [f"+44 20 7946 {x:04d}" for x in r.integers(0, 9_999, n)],
        }
    )
    schema = crn.infer_schema(df)
    for name, width in (("ip", "8"), ("email", "64")):
        reason = schema.column(name).reason
        assert f"hex digests of {width} characters" in reason
        assert "not raw personal data" in reason
        assert not any(f.code == "raw_pii" for f in schema.findings if name in f.path)
    assert "raw personal data (phone)" in schema.column("phone").reason


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (["0a1b2c3d", "ffe01234", "9c0d1e2f"], "hex digests of 8 characters"),
        (
            ["d41d8cd98f00b204e9800998ecf8427e", "da39a3ee5e6b4b0d3255bfef95601890afd80709"],
            "hex digests of 32-40 characters",
        ),
        (["10.0.0.1", "192.168.1.20"], ""),
        (["12345678", "23456789"], ""),  # plain numbers
        (["alice@example.org"], ""),
    ],
)
def test_hashed_values(values: list[str], expected: str) -> None:
    assert hashed_values(pd.Series(values)) == expected


def test_few_integer_sessions_keep_the_user_role() -> None:
    """OTTO-style sessions: a plain ``session`` name over whole numbers, few in a short head."""
    r = np.random.default_rng(8)
    df = pd.DataFrame(
        {
            "session": np.sort(r.integers(0, 6, 400)),
            "aid": r.integers(0, 1_800_000, 400),
            "ts": 1_659_304_800_000 + np.sort(r.integers(0, 10**9, 400)),
            "type": r.choice(["clicks", "carts", "orders"], 400),
        }
    )
    column = crn.infer_schema(df).column("session")
    assert column.role == "USER_ID"
    assert "users in this sample of 400 rows" in column.reason
    # 0/1 values under the same name are a flag, not a few sessions.
    flags = df.assign(session=r.integers(0, 2, 400))
    assert crn.infer_schema(flags).column("session").role != "USER_ID"


def test_an_id_unique_on_every_sampled_row_is_a_row_key() -> None:
    """80 rows with 80 different ``Id`` values: a row key, not 80 category codes."""
    r = np.random.default_rng(9)
    df = pd.DataFrame(
        {
            "Id": np.sort(r.choice(np.arange(1, 400), 80, replace=False)),
            "UserId": r.integers(1, 30, 80),
            "PostId": r.integers(1, 50, 80),
            "CreationDate": pd.date_range("2018-02-06", periods=80, freq="13min").strftime(
                "%Y-%m-%dT%H:%M:%S.000"
            ),
        }
    )
    column = crn.infer_schema(df).column("Id")
    assert column.role is None
    assert "a different value on every sampled row" in column.reason
