"""Value patterns and estimates of column profiles."""

from __future__ import annotations

import uuid

import numpy as np
import pandas as pd
import pytest

from cleanroom_nb.infer import _patterns as S
from cleanroom_nb.infer._names import name_evidence, tokens
from cleanroom_nb.infer._profile import estimate_text, profile_column

BASE = 1_700_000_000


@pytest.mark.parametrize(
    ("values", "pattern", "unit"),
    [
        ([BASE + i * 61 for i in range(50)], S.EPOCH_S, "s"),
        ([(BASE + i) * 1000 for i in range(50)], S.EPOCH_MS, "ms"),
        ([(BASE + i) * 10**6 for i in range(50)], S.EPOCH_US, "us"),
        ([(BASE + i) * 10**9 for i in range(50)], S.EPOCH_NS, "ns"),
        ([float(BASE + i) + 0.5 for i in range(50)], S.EPOCH_S, "s"),
        ([str(BASE + i) for i in range(50)], S.EPOCH_S, "s"),
    ],
)
def test_epoch_units(values: list[object], pattern: str, unit: str) -> None:
    p = profile_column(pd.Series(values))
    assert p.has(pattern) and p.time_unit == unit


def test_small_numbers_are_not_epochs() -> None:
    for values in ([1, 2, 3, 4], list(range(0, 2_600_000, 1000)), [-18000, 0, 3600]):
        p = profile_column(pd.Series(values))
        assert p.time_unit is None
        assert not any(p.has(x) for x in S.EPOCH_UNITS)


@pytest.mark.parametrize(
    ("values", "pattern"),
    [
        (["2024-01-05T10:00:00Z", "2023-12-31T23:59:59.123+01:00"] * 10, S.ISO_DATETIME),
        (["2024-01-05 10:00:00", "2023-12-31 23:59"] * 10, S.ISO_DATETIME),
        (["2024-01-05", "2023-12-31", "1999-1-2"] * 10, S.DATE_STRING),
        (["12/1/2010 8:26", "1/13/2011 14:05"] * 10, S.DATE_STRING),
        (
            ["Mon Aug 21 10:17:03 -0700 2017"] * 3 + ["Tue Aug 22 10:17:03 -0700 2017"],
            S.DATE_STRING,
        ),
        ([str(uuid.UUID(int=i * 7919)) for i in range(30)], S.UUID),
        ([f"{i * 982451653:064x}"[-64:] for i in range(1, 30)], S.HEX_HASH),
        ([f"user{i}@mail.example.com" for i in range(30)], S.EMAIL),
        (["+1 415-555-0101", "(212) 555 0199", "+44 20 7946 0958", "030 1234567"] * 5, S.PHONE),
        (["John Smith", "Mary Jones", "Ana-Maria Lopez", "Li Wei"] * 5, S.PERSON_NAME),
        (
            [" ".join(["the", "service", "was", "slow", "but", str(i)]) for i in range(30)],
            S.FREE_TEXT,
        ),
    ],
)
def test_string_patterns(values: list[str], pattern: str) -> None:
    p = profile_column(pd.Series(values))
    assert p.has(pattern), p.patterns
    assert p.kind == "string"


def test_digit_strings_are_not_hashes_or_phones() -> None:
    p = profile_column(pd.Series([f"{i:020d}" for i in range(1, 40)]))
    assert not p.has(S.HEX_HASH) and not p.has(S.PHONE)


@pytest.mark.parametrize(
    ("values", "pattern", "kind"),
    [
        ([[1, 2], [3]] * 5, S.LIST, "list"),
        ([{"a": 1}, {"b": 2}] * 5, S.DICT, "dict"),
        ([b"\x00", b"\x01"] * 5, S.BYTES, "bytes"),
        ([1, "a", 2.5, None] * 5, S.MIXED, "mixed"),
        ([None, None], S.ALL_NULL, "empty"),
        (["x"] * 10, S.CONSTANT, "string"),
    ],
)
def test_shapes(values: list[object], pattern: str, kind: str) -> None:
    p = profile_column(pd.Series(values, dtype=object))
    assert p.has(pattern) and p.kind == kind


def test_datetimes_and_dtypes() -> None:
    tz = pd.Series(pd.date_range("2024-01-01", periods=5, freq="D", tz="UTC"))
    assert profile_column(tz).has(S.DATETIME)
    assert profile_column(tz).kind == "datetime"
    td = pd.Series(pd.to_timedelta([1, 2], unit="s"))
    assert profile_column(td).kind == "timedelta"
    cat = pd.Series(pd.Categorical(["a", "b", "a"]))
    assert profile_column(cat).kind == "string" and profile_column(cat).distinct == 2
    nullable = pd.Series([1, None, 3], dtype="Int64")
    p = profile_column(nullable)
    assert p.kind == "int" and p.null_ratio == pytest.approx(1 / 3) and p.distinct == 2
    arrow = pd.Series([1.5, 2.5], dtype="double[pyarrow]")
    assert profile_column(arrow).kind == "float"


def test_counts_and_examples() -> None:
    p = profile_column(pd.Series(["a", "b", "a", None]))
    assert (p.sample_rows, p.distinct, p.rows_per_value) == (4, 2, 1.5)
    assert p.null_ratio == 0.25 and p.distinct_ratio == pytest.approx(2 / 3)
    assert set(p.examples) == {"a", "b"}
    assert estimate_text(p) == "2 distinct values, 1.5 rows each"


def test_whole_table_estimates_from_a_sample() -> None:
    r = np.random.default_rng(0)
    total = 1_000_000
    users = r.integers(0, 50_000, total)
    sample = pd.Series(users[r.choice(total, 20_000, replace=False)])
    p = profile_column(sample, total_rows=total)
    assert 35_000 < p.est_distinct < 70_000  # true: ~50,000
    assert 14 < p.est_rows_per_value < 29  # true: 20
    unique = pd.Series(np.arange(total)[r.choice(total, 20_000, replace=False)])
    q = profile_column(unique, total_rows=total)
    assert q.est_distinct > 500_000 and q.est_rows_per_value < 2
    assert estimate_text(q).startswith("~")


def test_profile_never_raises() -> None:
    class Weird:
        def __eq__(self, other: object) -> bool:
            raise RuntimeError("no")

        __hash__ = None  # type: ignore[assignment]

    p = profile_column(pd.Series([Weird(), Weird()], dtype=object))
    assert p.sample_rows == 2


# --------------------------------------------------------------------------- names
@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("CustomerID", ("customer", "id")),
        ("customer_id", ("customer", "id")),
        ("CUSTOMER_ID", ("customer", "id")),
        ("customer-id", ("customer", "id")),
        ("Customer Id", ("customer", "id")),
        ("customerId", ("customer", "id")),
        ("StockCode", ("stock", "code")),
        ("InvoiceNo", ("invoice", "no")),
        ("fullVisitorId", ("full", "visitor", "id")),
        ("timezoneOffset", ("timezone", "offset")),
        ("HTTPStatusCode", ("http", "status", "code")),
        ("productcode", ("product", "code")),
    ],
)
def test_tokens(name: str, expected: tuple[str, ...]) -> None:
    assert tokens(name) == expected


def test_name_evidence_traps() -> None:
    assert name_evidence("duration_ms").not_time and name_evidence("duration_ms").time == 0
    assert name_evidence("timezoneOffset").time == 0
    assert name_evidence("ms_played").not_time
    assert name_evidence("order_item_id").entity == "order"
    assert name_evidence("order_item_id").item < 0.5
    assert name_evidence("category_id").item < 0.5
    assert name_evidence("category_id").hint == "categorical"
    assert name_evidence("session_id").user < name_evidence("user_id").user
    assert name_evidence("birth_date").time < 0.5
    assert name_evidence("created_at").time >= 0.9
    assert name_evidence("t_dat").time >= 0.9
    assert name_evidence("Invoice").entity == "invoice"
    assert name_evidence("review_id").entity == "review"
    for name in ("uuid", "pid", "session", "msno"):
        assert name_evidence(name).user > 0, name
    for name in ("aid", "article_id", "StockCode", "asin", "ISBN", "sku"):
        assert name_evidence(name).item > 0, name
    assert name_evidence("first_name").hint == "pii"
    assert name_evidence("customer_email").hint == "pii"
    assert name_evidence("UnitPrice").hint == "numerical"
