"""Unit tests of infer_schema, suggest_schema, schema edits and the sample dataset."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

import cleanroom_nb as crn
from cleanroom_nb.infer import _frame
from cleanroom_nb.infer._suggest import suggest_schema
from cleanroom_nb.local._sample_data import sample_interactions


def _basic(n: int = 600) -> pd.DataFrame:
    r = np.random.default_rng(1)
    return pd.DataFrame(
        {
            "user_id": [f"u{x}" for x in r.integers(0, 120, n)],
            "item_id": r.integers(0, 300, n),
            "event_time": 1_700_000_000 + r.integers(0, 10**6, n),
            "price": np.round(r.gamma(2, 5, n), 2),
            "device": r.choice(["ios", "web"], n),
        }
    )


# --------------------------------------------------------------------------- bad frames
@pytest.mark.parametrize(
    ("df", "words"),
    [
        (pd.DataFrame(), "no columns"),
        (pd.DataFrame(index=range(3)), "no columns"),
        (pd.DataFrame([[1, 2]], columns=["a", "a"]), "'a' appears 2 times"),
        (pd.DataFrame({0: [1], "b": [2]}), "must be strings"),
        (
            pd.DataFrame(np.zeros((1, 2)), columns=pd.MultiIndex.from_tuples([("a", 1), ("b", 2)])),
            "flatten",
        ),
    ],
)
def test_frames_that_cannot_be_tables(df: pd.DataFrame, words: str) -> None:
    with pytest.raises(crn.InvalidFrameError, match=words):
        crn.infer_schema(df)


def test_not_a_frame() -> None:
    with pytest.raises(crn.InvalidFrameError, match="pandas DataFrame"):
        crn.infer_schema([{"a": 1}])  # type: ignore[arg-type]


def test_odd_columns_are_left_out_with_reasons() -> None:
    n = 50
    r = np.random.default_rng(0)
    df = _basic(n)
    odd = {
        "all_null": ([None] * n, "null"),
        "mixed": ([1, "a"] * (n // 2), "mixed"),
        "lists": ([[1, 2]] * n, "list"),
        "dicts": ([{"a": i} for i in range(n)], "dict"),
        "raw_bytes": ([b"\x00\x01"] * n, "bytes"),
        "tz_dt": (
            pd.date_range("2024-01-01", periods=n, freq="h", tz="Asia/Tokyo"),
            "second time column",
        ),
        "wait": (pd.to_timedelta(r.integers(0, 100, n), unit="s"), "total_seconds"),
        "big": (r.integers(0, 2**63, n).astype(np.uint64), "uint64"),
        "constant": (["x"] * n, "one value"),
        "note": ([" ".join(["word"] * 8) + str(i) for i in range(n)], "free text"),
        "": (r.integers(0, 5, n), "name"),
        "x" * 200: (r.integers(0, 5, n), "name"),
    }
    for name, (values, _) in odd.items():
        df[name] = values
    schema = crn.infer_schema(df)
    assert [c.name for c in schema.columns] == list(df.columns)
    for name, (_, word) in odd.items():
        col = schema.column(name)
        assert col.role is None, (name, col)
        assert word in col.reason, (name, col.reason)
    assert schema.user_id is not None and schema.user_id.name == "user_id"
    assert schema.timestamp is not None and schema.timestamp.name == "event_time"
    assert schema.column("big").glue_type == "unknown"


def test_supported_odd_dtypes_are_used() -> None:
    n = 400
    r = np.random.default_rng(2)
    df = pd.DataFrame(
        {
            "CustomerId": pd.array(r.integers(0, 80, n), dtype="Int64"),
            "sku": pd.array([f"s{x}" for x in r.integers(0, 90, n)], dtype="string[pyarrow]"),
            "created_at": pd.to_datetime(
                1_700_000_000 + r.integers(0, 10**6, n), unit="s", utc=True
            ),
            "channel": pd.Categorical(r.choice(["a", "b", "c"], n)),
            "amount": pd.array(r.random(n), dtype="double[pyarrow]"),
            "flag": pd.array(r.random(n) < 0.5, dtype="boolean"),
        }
    )
    schema = crn.infer_schema(df)
    assert schema.roles == {
        "CustomerId": "USER_ID",
        "sku": "ITEM_ID",
        "created_at": "TIMESTAMP",
        "channel": "CATEGORICAL_FEATURE",
        "amount": "NUMERICAL_FEATURE",
        "flag": "CATEGORICAL_FEATURE",
    }
    codes = {(f.code, f.path) for f in schema.findings}
    assert ("timestamp_datetime", "columns.created_at") in codes
    assert ("glue_rename", "columns.CustomerId") in codes


@pytest.mark.parametrize("n", [0, 1, 2])
def test_empty_and_one_row_frames(n: int) -> None:
    df = _basic(5).head(n)
    schema = crn.infer_schema(df)
    assert len(schema.columns) == 5
    assert all(0 <= c.confidence <= 1 for c in schema.columns)


# --------------------------------------------------------------------------- roles
def test_joint_assignment_gives_each_column_one_role() -> None:
    # 'user_ts' looks a bit like a user and holds epoch times; the best *total* puts it on
    # TIMESTAMP and leaves USER_ID to 'account'.
    n = 500
    r = np.random.default_rng(3)
    df = pd.DataFrame(
        {
            "account": r.integers(0, 90, n),
            "user_ts": 1_650_000_000 + r.integers(0, 10**6, n),
            "product": r.integers(0, 200, n),
        }
    )
    schema = crn.infer_schema(df)
    assert schema.roles == {"account": "USER_ID", "user_ts": "TIMESTAMP", "product": "ITEM_ID"}


def test_session_beside_user_and_traps() -> None:
    n = 800
    r = np.random.default_rng(4)
    df = pd.DataFrame(
        {
            "session_id": r.integers(0, 400, n),
            "customer": [f"c{x}" for x in r.integers(0, 100, n)],
            "article_id": r.integers(0, 300, n),
            "t_dat": pd.to_datetime(1_600_000_000 + r.integers(0, 10**7, n), unit="s"),
            "duration_ms": r.integers(0, 10**6, n),
            "timezoneOffset": r.choice([-3600, 0, 7200], n),
        }
    )
    schema = crn.infer_schema(df)
    assert schema.user_id.name == "customer"  # type: ignore[union-attr]
    assert schema.item_id.name == "article_id"  # type: ignore[union-attr]
    assert schema.timestamp.name == "t_dat"  # type: ignore[union-attr]
    assert schema.column("session_id").role is None
    assert schema.column("duration_ms").role == "NUMERICAL_FEATURE"
    assert schema.column("timezoneOffset").role != "TIMESTAMP"


def test_relative_times_keep_the_role_with_a_warning() -> None:
    """Days or seconds counted from a start (OULAD's date_submitted) still order the events."""
    n = 300
    r = np.random.default_rng(5)
    df = pd.DataFrame(
        {
            "user_id": r.integers(0, 50, n),
            "item_id": r.integers(0, 70, n),
            "timestamp": r.integers(0, 1000, n),  # seconds since the start of the log
        }
    )
    schema = crn.infer_schema(df)
    assert schema.roles["timestamp"] == "TIMESTAMP" and schema.ok
    (warning,) = [f for f in schema.findings if f.code == "timestamp_relative"]
    assert "0 .. 999" in warning.message or "counts time from a start" in warning.message


def test_name_without_values_is_never_guessed() -> None:
    n = 300
    r = np.random.default_rng(5)
    df = pd.DataFrame(
        {
            "user_id": r.integers(0, 50, n),
            "item_id": r.integers(0, 70, n),
            "timestamp": r.integers(-(10**6), 10**6, n),  # neither epoch nor counted from 0
        }
    )
    schema = crn.infer_schema(df)
    assert "TIMESTAMP" in schema.missing
    assert "not Unix epoch" in schema.missing["TIMESTAMP"]
    assert all(c["columnTypes"] != ["TIMESTAMP"] for c in schema.to_api())
    assert not schema.ok


def test_string_dates_are_the_timestamp_with_a_fix() -> None:
    """Suggestions follow meaning, fixes follow storage (issue 11)."""
    df = _basic()
    df["event_time"] = pd.to_datetime(df["event_time"], unit="s").dt.strftime("%Y-%m-%d %H:%M")
    schema = crn.infer_schema(df)
    assert schema.timestamp is not None and schema.timestamp.name == "event_time"
    assert {"columnName": "event_time", "columnTypes": ["TIMESTAMP"]} in schema.to_api()
    assert not schema.ok
    errors = [f for f in schema.findings.errors if f.path == "columns.event_time"]
    assert [f.code for f in errors] == ["timestamp_text"]
    assert "to_epoch_seconds" in errors[0].message and "%Y-%m-%d %H:%M" in errors[0].message
    (fix,) = schema.fixes
    assert fix.params["format"] == "%Y-%m-%d %H:%M" and fix.new_glue_type == "bigint"
    fixed = crn.apply_fixes(df, schema)
    expected = pd.to_datetime(df["event_time"]).astype("datetime64[s]").astype("int64")
    assert fixed["event_time"].tolist() == (expected // 60 * 60).tolist()
    again = crn.infer_schema(fixed)
    assert again.ok and again.timestamp.name == "event_time"  # type: ignore[union-attr]


def test_at_most_ten_features_keep_the_most_useful() -> None:
    df = _basic()
    r = np.random.default_rng(6)
    for k in range(14):
        df[f"misc{k}"] = r.integers(0, 10**6, len(df))
    df["country"] = r.choice(["DE", "FR"], len(df))
    df["quantity"] = r.integers(1, 5, len(df))
    schema = crn.infer_schema(df)
    assert len(schema.features) == 10
    kept = {c.name for c in schema.features}
    assert {"price", "device", "country", "quantity"} <= kept
    dropped = [c for c in schema.columns if "more than 10 features" in c.reason]
    assert len(dropped) == len(df.columns) - 3 - 10
    assert schema.ok


def test_raw_pii_user_id_is_an_error_with_a_hash_fix() -> None:
    df = _basic()
    df["user_id"] = [f"{u}@example.com" for u in df["user_id"]]
    schema = crn.infer_schema(df)
    assert schema.user_id is not None and schema.user_id.name == "user_id"
    assert any(f.code == "raw_pii" for f in schema.findings.errors)
    assert [f.kind for f in schema.fixes] == ["hash_email"]
    assert crn.infer_schema(crn.apply_fixes(df, schema)).ok


def test_int8_columns_warn_and_explain() -> None:
    df = _basic()
    df["rating"] = np.int8(3)
    df["rating"] = np.random.default_rng(0).integers(1, 6, len(df)).astype(np.int8)
    schema = crn.infer_schema(df)
    col = schema.column("rating")
    assert col.glue_type == "tinyint" and col.role is None and "int32" in col.reason
    assert any(f.code == "small_int" and f.path == "columns.rating" for f in schema.findings)


def test_epoch_ms_timestamp_warns() -> None:
    df = _basic()
    df["event_time"] = df["event_time"] * 1000
    schema = crn.infer_schema(df)
    assert schema.timestamp is not None and schema.timestamp.name == "event_time"
    assert any(f.code == "timestamp_unit" and "ms" in f.message for f in schema.findings)


# --------------------------------------------------------------------------- schema object
def test_with_role_returns_a_rechecked_schema() -> None:
    schema = crn.infer_schema(_basic())
    assert schema.ok
    edited = schema.with_role("device", None)
    assert edited is not schema and edited.column("device").role is None
    assert schema.column("device").role == "CATEGORICAL_FEATURE"
    broken = schema.with_role("event_time", None)
    assert not broken.ok and any(f.code == "missing_role" for f in broken.findings.errors)
    both = schema.with_role("price", "USER_ID")
    assert any(f.code == "duplicate_role" for f in both.findings.errors)
    # Fractional prices cannot become ids: no fix, the type error stays.
    assert any(f.code == "glue_type" for f in both.findings.errors)
    assert "price" not in {f.column for f in both.fixes}
    with pytest.raises(crn.SchemaError):
        schema.with_role("nope", "USER_ID")
    with pytest.raises(crn.SchemaError):
        schema.with_role("price", "LABEL")


def test_repr_and_html() -> None:
    schema = crn.infer_schema(_basic())
    text = repr(schema)
    assert text.startswith("TrainingSchema(5 columns, 5 used)")
    assert "user_id" in text and "USER_ID" in text
    page = schema._repr_html_()
    assert "<table" in page and "USER_ID" in page and "name matches" in page
    bad = schema.with_role("user_id", None)
    assert "missing" in bad._repr_html_().lower()


def test_to_api_is_the_create_training_dataset_list() -> None:
    schema = crn.infer_schema(_basic())
    assert schema.to_api() == [
        {"columnName": "user_id", "columnTypes": ["USER_ID"]},
        {"columnName": "item_id", "columnTypes": ["ITEM_ID"]},
        {"columnName": "event_time", "columnTypes": ["TIMESTAMP"]},
        {"columnName": "price", "columnTypes": ["NUMERICAL_FEATURE"]},
        {"columnName": "device", "columnTypes": ["CATEGORICAL_FEATURE"]},
    ]


def test_nullable_follows_dtype_and_values() -> None:
    df = _basic()
    df["price"] = df["price"].where(df.index % 7 != 0)
    schema = crn.infer_schema(df)
    assert schema.column("item_id").nullable is False
    assert schema.column("price").nullable is True


# --------------------------------------------------------------------------- suggest_schema
def test_suggest_schema_from_glue_types_and_a_small_sample() -> None:
    sample = _basic(40)[["user_id", "item_id", "event_time"]]
    types = {
        "user_id": "string",
        "item_id": "bigint",
        "event_time": "bigint",
        "price": "double",
        "dt": "string",
    }
    schema = suggest_schema(
        sample,
        types,
        partition_keys=["dt"],
        total_rows=10**7,
        glue_names=True,
        nullable={"user_id": False},
    )
    assert [c.name for c in schema.columns] == list(types)
    assert schema.roles["price"] == "NUMERICAL_FEATURE"  # judged by name and type
    assert "no sample values" in schema.column("price").reason
    assert schema.column("dt").is_partition_key
    assert schema.column("dt").role is None and "partition key" in schema.column("dt").reason
    assert schema.column("user_id").nullable is False
    assert schema.user_id is not None and schema.timestamp is not None


def test_suggest_schema_with_an_empty_sample() -> None:
    types = {"customer_id": "string", "sku": "string", "event_ts": "bigint", "x": "struct<a:int>"}
    schema = suggest_schema(pd.DataFrame(), types)
    assert schema.roles["customer_id"] == "USER_ID"
    assert schema.roles["x"] is None
    assert all(0 <= c.confidence <= 1 for c in schema.columns)


# --------------------------------------------------------------------------- sampling
def test_sample_is_bounded_and_types_never_see_the_whole_frame(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import awswrangler as wr

    seen: list[int] = []
    real = wr.catalog.extract_athena_types

    def spy(df: pd.DataFrame, *args: object, **kwargs: object) -> object:
        seen.append(len(df))
        return real(df, *args, **kwargs)

    monkeypatch.setattr(wr.catalog, "extract_athena_types", spy)
    df = _basic(60_000)
    schema = crn.infer_schema(df, sample_rows=5_000)
    assert seen and max(seen) <= 5_000
    assert all(c.profile is not None and c.profile.sample_rows == 5_000 for c in schema.columns)
    assert schema.column("user_id").profile.total_rows == 60_000  # type: ignore[union-attr]
    part = _frame.sample_frame(df, 1000, seed=3)
    assert len(part) == 1000 and part.index.is_monotonic_increasing
    assert _frame.sample_frame(df, 10**6) is df


def test_inference_is_deterministic() -> None:
    df = _basic(30_000)
    a, b = crn.infer_schema(df, sample_rows=2_000), crn.infer_schema(df, sample_rows=2_000)
    assert [(c.role, c.confidence, c.reason) for c in a.columns] == [
        (c.role, c.confidence, c.reason) for c in b.columns
    ]


# --------------------------------------------------------------------------- sample data
def test_sample_interactions_small() -> None:
    df = sample_interactions(5_000, 1_000, 300, seed=1)
    assert df.shape == (5_000, 8)
    assert str(df["product_id"].dtype) == "int64" and str(df["event_time"].dtype) == "int64"
    assert str(df["quantity"].dtype) == "int32" and str(df["price"].dtype) == "float64"
    assert df["customer_id"].str.fullmatch(r"[0-9a-f]{64}").all()
    assert df["customer_id"].nunique() == 1_000
    assert df.groupby("customer_id").size().min() >= 2
    assert df["email"].str.contains("@").all()
    start = dt.datetime(2024, 1, 1, tzinfo=dt.UTC).timestamp()
    assert df["event_time"].min() >= start
    assert set(df["event_type"]) <= {"view", "cart", "purchase"}
    assert df.equals(sample_interactions(5_000, 1_000, 300, seed=1))
    with pytest.raises(ValueError, match="at least 2"):
        sample_interactions(10, 100)


def test_sample_interactions_schema() -> None:
    schema = crn.infer_schema(sample_interactions(20_000, 5_000, 2_000))
    assert schema.roles == {
        "customer_id": "USER_ID",
        "product_id": "ITEM_ID",
        "event_time": "TIMESTAMP",
        "event_type": "CATEGORICAL_FEATURE",
        "price": "NUMERICAL_FEATURE",
        "quantity": "NUMERICAL_FEATURE",
        "device": "CATEGORICAL_FEATURE",
        "email": None,
    }
    assert schema.ok and not schema.findings.warnings
    assert "raw personal data" in schema.column("email").reason


def test_a_better_named_column_of_the_wrong_type_keeps_its_role_with_a_fix() -> None:
    r = np.random.default_rng(7)
    n = 500
    users = r.integers(0, 50, n).astype(float)
    users[::10] = np.nan  # pandas turns ids with gaps into float64
    df = pd.DataFrame(
        {
            "user_id": users,
            "session_id": r.integers(0, 200, n),
            "item_id": r.integers(0, 99, n),
            "ts": 1.7e9 + r.integers(0, 10**6, n).astype(float),
        }
    )
    schema = crn.infer_schema(df)
    assert schema.roles["user_id"] == "USER_ID" and schema.roles["ts"] == "TIMESTAMP"
    assert schema.roles["session_id"] is None
    codes = {(f.path, f.code) for f in schema.findings.errors}
    assert codes == {("columns.user_id", "float_id"), ("columns.ts", "glue_type")}
    assert {f.column: f.kind for f in schema.fixes} == {
        "user_id": "to_int_id",
        "ts": "to_epoch_seconds",
    }
    fixed = crn.apply_fixes(df, schema)
    assert len(fixed) == n - len(range(0, n, 10))  # the rows without a user are dropped
    (dropped,) = fixed.attrs["cleanroom_nb_findings"]
    assert dropped.code == "dropped_rows" and dropped.message.startswith("50 of 500 rows")
    good = crn.infer_schema(fixed)
    assert good.ok
    assert good.roles["user_id"] == "USER_ID" and good.roles["ts"] == "TIMESTAMP"
    assert good.roles["session_id"] is None


def test_check_schema_name_clash_and_length() -> None:
    df = _basic()
    df["Price"] = df["price"] * 2
    schema = crn.infer_schema(df)
    assert any(f.code == "glue_name_clash" for f in schema.findings.errors)
    long_name = "a" * 130
    s2 = crn.infer_schema(_basic().rename(columns={"device": long_name}))
    assert s2.column(long_name).role is None and "rename" in s2.column(long_name).reason
    forced = s2.with_role(long_name, "CATEGORICAL_FEATURE")
    assert any(f.code == "column_name_length" for f in forced.findings.errors)


def test_few_valued_columns_are_never_ids() -> None:
    r = np.random.default_rng(8)
    n = 400
    df = pd.DataFrame(
        {
            "device": r.choice(["ios", "android", "web"], n),
            "user_segment": r.choice(["a", "b"], n),
            "item_id": r.integers(0, 90, n),
            "ts": 1_700_000_000 + r.integers(0, 10**6, n),
        }
    )
    schema = crn.infer_schema(df)
    assert schema.user_id is None
    assert schema.roles["device"] == "CATEGORICAL_FEATURE"
    assert "USER_ID" in schema.missing


def test_yyyymmdd_integers_named_as_a_date_are_the_timestamp() -> None:
    """Issue 18: YYYYMMDD integers are the TIMESTAMP when the name says time; the fix reads
    their digits (the reason names the format)."""
    r = np.random.default_rng(9)
    n = 300
    df = pd.DataFrame(
        {
            "user_id": r.integers(0, 60, n),
            "item_id": r.integers(0, 90, n),
            "date": r.choice([20240101, 20240102, 20240215], n),
        }
    )
    schema = crn.infer_schema(df)
    assert schema.roles["date"] == "TIMESTAMP"
    assert "%Y%m%d (integers)" in schema.column("date").reason
    fixed = crn.apply_fixes(df, schema)
    assert fixed["date"].tolist() == crn.to_epoch_seconds(df["date"].astype(str)).tolist()
