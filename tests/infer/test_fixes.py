"""The fix plan (issue 11): Fix, schema.fixes, apply_fix, preview_fix, apply_fixes.

Each fix's Athena (Trino) SQL is run: transpiled by sqlglot from Trino to DuckDB (as the local
Athena does) over the same frame, and compared with ``apply_fix``.
"""

from __future__ import annotations

import hashlib

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
import sqlglot

import cleanroom_nb as crn
from cleanroom_nb.infer._schema import glue_column_name
from cleanroom_nb.local.athena._unicode import translate_normalize

N = 600


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _retail() -> pd.DataFrame:
    """Online Retail as ``pd.read_csv`` gives it: float customer ids with NaN, US text dates."""
    r = np.random.default_rng(11)
    customers = (12_000 + r.integers(0, 80, N)).astype(float)
    customers[::25] = np.nan
    minutes = np.sort(r.integers(0, 60 * 24 * 300, N))
    when = pd.Timestamp("2010-12-01") + pd.to_timedelta(minutes, unit="m")
    return pd.DataFrame(
        {
            "InvoiceNo": [str(536_365 + i // 3) for i in range(N)],
            "StockCode": [f"85{k:03d}A" for k in r.integers(0, 150, N)],
            "Quantity": r.integers(1, 12, N),
            "InvoiceDate": [f"{t.month}/{t.day}/{t.year} {t.hour}:{t.minute:02d}" for t in when],
            "UnitPrice": r.choice([1.25, 2.55, 3.39, 4.95], N),
            "CustomerID": customers,
            "Country": r.choice(["United Kingdom", "France", "EIRE", "Germany"], N),
        }
    )


def _emails() -> pd.DataFrame:
    r = np.random.default_rng(12)
    users = [f"  User{k}@Example.COM " for k in r.integers(0, 90, N)]
    users[7] = None  # type: ignore[call-overload]
    return pd.DataFrame(
        {
            "email": users,
            "product_id": r.integers(0, 120, N),
            "event_time": [
                f"2019-10-{1 + k % 28:02d} {k % 24:02d}:{k % 60:02d}:00 UTC" for k in range(N)
            ],
            "phone": [f"+1 (415) 555-{k:04d}" for k in r.integers(0, 9999, N)],
        }
    )


def _duckdb_values(df: pd.DataFrame, fix: crn.Fix) -> list[object]:
    """Run ``fix.sql`` (Trino) on DuckDB over ``df`` with Glue's column names."""
    glued = df.rename(columns={c: glue_column_name(c) for c in df.columns})
    sql_text = f"SELECT {fix.sql} AS v FROM t"
    tree = sqlglot.parse_one(sql_text, read="trino")
    translate_normalize(sql_text, tree)  # as the local Athena does (normalize -> nfc_normalize)
    sql = tree.sql(dialect="duckdb")
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    con.register("t", glued)
    return [None if pd.isna(v) else v for v in con.execute(sql).df()["v"].tolist()]


def test_retail_plan_names_the_fixes() -> None:
    df = _retail()
    schema = crn.infer_schema(df)
    assert schema.roles["CustomerID"] == "USER_ID"
    assert schema.roles["StockCode"] == "ITEM_ID"
    assert schema.roles["InvoiceDate"] == "TIMESTAMP"
    assert schema.roles["Country"] == "CATEGORICAL_FEATURE"  # a label, not a person's name
    assert not schema.ok
    api = {c["columnName"]: c["columnTypes"][0] for c in schema.to_api()}
    assert api["customerid"] == "USER_ID" and api["invoicedate"] == "TIMESTAMP"
    fixes = {f.column: f for f in schema.fixes}
    assert set(fixes) == {"CustomerID", "InvoiceDate"}
    time_fix = fixes["InvoiceDate"]
    assert time_fix.params["format"] == "%m/%d/%Y %H:%M" and time_fix.code == "timestamp_text"
    assert "date_parse" in time_fix.sql and "'%c/%e/%Y %k:%i'" in time_fix.sql
    assert fixes["CustomerID"].kind == "to_int_id" and fixes["CustomerID"].new_glue_type == "bigint"
    for fix in schema.fixes:
        assert any(
            f.code == fix.code and f.path == f"columns.{fix.column}" for f in schema.findings
        )


def test_apply_fixes_gives_a_clean_frame_and_leaves_the_input_alone() -> None:
    df = _retail()
    before = df.copy(deep=True)
    schema = crn.infer_schema(df)
    fixed = crn.apply_fixes(df, schema)
    pd.testing.assert_frame_equal(df, before)
    assert list(fixed.columns) == list(df.columns)
    keep = df["CustomerID"].notna().to_numpy()
    assert len(fixed) == int(keep.sum())
    assert str(fixed["CustomerID"].dtype) == "int64" and str(fixed["InvoiceDate"].dtype) == "int64"
    expected = (
        pd.to_datetime(df.loc[keep, "InvoiceDate"], format="%m/%d/%Y %H:%M")
        .astype("datetime64[s]")
        .astype("int64")
    )
    assert fixed["InvoiceDate"].tolist() == expected.tolist()
    assert fixed["StockCode"].tolist() == df.loc[keep, "StockCode"].tolist()
    (finding,) = fixed.attrs["cleanroom_nb_findings"]
    assert finding.code == "dropped_rows" and f"{int((~keep).sum())} of {N}" in finding.message
    again = crn.infer_schema(fixed)
    assert again.ok, again.findings
    assert again.roles["CustomerID"] == "USER_ID" and again.roles["InvoiceDate"] == "TIMESTAMP"
    assert again.roles["StockCode"] == "ITEM_ID" and not again.fixes


def test_hashes_are_sha256_of_normalised_values() -> None:
    df = _emails()
    schema = crn.infer_schema(df)
    assert schema.roles["email"] == "USER_ID"  # the only user identifier
    assert schema.roles["phone"] is None  # a second raw identifier stays out
    assert any(f.code == "raw_pii" and f.level == "error" for f in schema.findings)
    fixes = {f.column: f for f in schema.fixes}
    assert fixes["email"].kind == "hash_email"
    assert fixes["event_time"].params["format"] == "%Y-%m-%d %H:%M:%S UTC"
    fixed = crn.apply_fixes(df, schema)
    assert len(fixed) == N - 1  # the row without an e-mail
    expected = [_sha(v.strip().lower()) for v in df["email"].dropna()]
    assert fixed["email"].tolist() == expected
    assert crn.infer_schema(fixed).ok
    phone = crn.infer_schema(df[["phone", "product_id", "event_time"]])
    assert phone.roles["phone"] == "USER_ID"
    (hash_phone,) = [f for f in phone.fixes if f.column == "phone"]
    out = crn.apply_fix(df, hash_phone)
    assert out.tolist() == [_sha("".join(ch for ch in v if ch.isdigit())) for v in df["phone"]]
    assert hash_phone.pandas == "df['phone'] = crn.hash_identifier(df['phone'], kind='phone')"
    assert crn.hash_identifier(df["phone"], kind="digits").tolist() == out.tolist()


@pytest.mark.parametrize("build", [_retail, _emails], ids=["retail", "emails"])
def test_sql_of_each_fix_equals_apply_fix(build: object) -> None:
    """The Trino SQL, run by DuckDB through sqlglot (as the local Athena runs it)."""
    df = build()  # type: ignore[operator]
    schema = crn.infer_schema(df)
    assert schema.fixes
    for fix in schema.fixes:
        pandas_values = [None if pd.isna(v) else v for v in crn.apply_fix(df, fix).tolist()]
        assert _duckdb_values(df, fix) == pandas_values, fix.sql


@pytest.mark.parametrize(
    ("values", "fmt"),
    [
        (["2018-09-20", "2018-09-21", "bad"], "%Y-%m-%d"),
        (["12/1/2010 8:26", "12/13/2010 17:02", ""], "%m/%d/%Y %H:%M"),
        (["2019-10-01 00:00:00 UTC", "2019-10-02 13:14:15 UTC", None], "%Y-%m-%d %H:%M:%S UTC"),
        (["2018-09-20T10:00:00.123Z", "2018-09-20T10:00:01Z", None], "ISO8601"),
        (["Tue Oct 01 10:00:00 +0000 2019", "Wed Oct 02 11:30:00 +0000 2019", None], None),
        (["Tue, 01 Oct 2019 10:00:00 +0200", "Wed, 02 Oct 2019 23:59:59 +0200", None], None),
        (["2019-10-01 10:00:00+01:00", "2019-10-01 10:00:00-05:00", None], None),
        (["1 Oct 2019 3:05 PM", "2 Oct 2019 11:59 AM", None], "%d %b %Y %I:%M %p"),
    ],
)
def test_time_fix_sql_matches_pandas(values: list[object], fmt: str | None) -> None:
    df = pd.DataFrame(
        {
            "user_id": [f"u{i % 30}" for i in range(300)],
            "item_id": [i % 47 for i in range(300)],
            "when": [values[2], *(values[:2] * 150)[1:]],
        }
    )
    schema = crn.infer_schema(df)
    assert schema.roles["when"] == "TIMESTAMP", str(schema)
    (fix,) = schema.fixes
    if fmt is not None:
        assert fix.params["format"] == fmt
    pandas_values = [None if pd.isna(v) else v for v in crn.apply_fix(df, fix).tolist()]
    assert pandas_values[0] is None and all(v is not None for v in pandas_values[1:])
    assert _duckdb_values(df, fix) == pandas_values, fix.sql


def test_epoch_and_datetime_fixes_match_sql() -> None:
    r = np.random.default_rng(3)
    base = 1_700_000_000 + r.integers(0, 10**6, 400)
    for ts, code in (
        (base * 1000 + r.integers(0, 1000, 400), "timestamp_unit"),
        (base + r.random(400), "glue_type"),
        (pd.Series(pd.to_datetime(base, unit="s")), "timestamp_datetime"),
    ):
        df = pd.DataFrame(
            {"user_id": r.integers(0, 50, 400), "item_id": r.integers(0, 80, 400), "ts": ts}
        )
        schema = crn.infer_schema(df)
        (fix,) = schema.fixes
        assert fix.code == code and fix.column == "ts"
        got = crn.apply_fix(df, fix)
        assert got.tolist() == base.tolist()
        assert _duckdb_values(df, fix) == base.tolist()


def test_preview_fix_shows_before_and_after() -> None:
    df = _retail()
    fix = next(f for f in crn.infer_schema(df).fixes if f.column == "InvoiceDate")
    preview = crn.preview_fix(df, fix, n=3)
    assert list(preview.columns) == ["before", "after"] and len(preview) == 3
    assert preview["before"].tolist() == df["InvoiceDate"].head(3).tolist()
    first = pd.Timestamp(preview["before"].iloc[0]).tz_localize("UTC")
    assert preview["after"].iloc[0] == int(first.timestamp())


def test_apply_fix_on_a_frame_without_the_column_explains() -> None:
    fix = crn.infer_schema(_retail()).fixes[0]
    with pytest.raises(crn.SchemaError, match="infer the schema of this frame"):
        crn.apply_fix(pd.DataFrame({"other": [1]}), fix)


def test_to_epoch_seconds_format_and_errors() -> None:
    s = pd.Series(["12/1/2010 8:26", "oops", None], name="d")
    with pytest.raises(crn.CleanroomNbError, match="errors='coerce'"):
        crn.to_epoch_seconds(s, format="%m/%d/%Y %H:%M")
    out = crn.to_epoch_seconds(s, format="%m/%d/%Y %H:%M", errors="coerce")
    assert out.tolist()[0] == 1_291_191_960 and out.isna().tolist() == [False, True, True]


# --------------------------------------------------------------------------- any DataFrame
def test_polars_and_pyarrow_give_the_pandas_schema_and_fixes() -> None:
    pl = pytest.importorskip("polars")
    df = _retail()
    reference = crn.infer_schema(df)
    table = pa.Table.from_pandas(df, preserve_index=False)
    for other in (table, pl.from_arrow(table)):
        schema = crn.infer_schema(other)
        assert schema.roles == reference.roles
        assert [(f.column, f.kind, f.sql) for f in schema.fixes] == [
            (f.column, f.kind, f.sql) for f in reference.fixes
        ]
        fixed = crn.apply_fixes(other, schema)
        assert isinstance(fixed, pd.DataFrame)
        pd.testing.assert_frame_equal(
            fixed.drop(columns=["CustomerID"]),
            crn.apply_fixes(df, reference).drop(columns=["CustomerID"]),
            check_dtype=False,
        )
        assert fixed["CustomerID"].tolist() == crn.apply_fixes(df, reference)["CustomerID"].tolist()


def test_polars_nullable_ints_stay_ints() -> None:
    pl = pytest.importorskip("polars")
    frame = pl.DataFrame(
        {
            "user_id": [i % 40 if i % 9 else None for i in range(400)],
            "item_id": [i % 70 for i in range(400)],
            "ts": [1_700_000_000 + 60 * i for i in range(400)],
        }
    )
    schema = crn.infer_schema(frame)
    assert schema.column("user_id").glue_type == "bigint" and schema.ok
    fixed = crn.apply_fixes(frame, schema)
    assert len(fixed) == 400 - len([i for i in range(400) if i % 9 == 0])


def test_unsupported_objects_keep_the_clear_error() -> None:
    for bad in ([1, 2], {"a": [1]}, "table"):
        with pytest.raises(crn.InvalidFrameError, match="expected a pandas DataFrame"):
            crn.infer_schema(bad)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- glue names
def test_columns_whose_glue_names_collide_are_listed_once() -> None:
    """Issue 11's bug: '&&' and a name of control characters both become '_' in Glue.

    awswrangler (``wr.catalog.sanitize_column_name``) maps both to '_', and
    ``register_dataframe`` refuses such a frame; the schema leaves them out with the reason,
    and a later column whose Glue name is taken by an earlier one is left out too.
    """
    r = np.random.default_rng(5)
    n = 300
    df = pd.DataFrame(
        {
            "user_id": r.integers(0, 40, n),
            "item_id": r.integers(0, 90, n),
            "ts": 1_700_000_000 + r.integers(0, 10**6, n),
            "&&": r.choice(["a", "b"], n),
            "\x01\x02": r.choice(["x", "y", "z"], n),
            "Price": r.random(n),
            "price": r.random(n),
        }
    )
    schema = crn.infer_schema(df)
    names = [c["columnName"] for c in schema.to_api()]
    assert len(names) == len(set(names))
    assert "_" not in names and names.count("price") == 1
    assert schema.roles["&&"] is None and "no letters or digits" in schema.column("&&").reason
    assert schema.roles["price"] is None and "'Price'" in schema.column("price").reason
    clashes = {f.path for f in schema.findings.errors if f.code == "glue_name_clash"}
    assert clashes == {"columns.\x01\x02", "columns.price"}
    forced = schema.with_role("price", "NUMERICAL_FEATURE")
    assert [c["columnName"] for c in forced.to_api()].count("price") == 1


def test_roles_set_by_hand_get_their_fixes_too() -> None:
    r = np.random.default_rng(9)
    n = 400
    df = pd.DataFrame(
        {
            "user_id": r.integers(0, 50, n),
            "item_id": r.integers(0, 70, n),
            "ts": 1_700_000_000 + r.integers(0, 10**6, n),
            "rating": r.integers(1, 6, n).astype(np.int8),
        }
    )
    schema = crn.infer_schema(df)
    assert schema.roles["rating"] is None and not schema.fixes  # int8: left out, explained
    edited = schema.with_role("rating", "NUMERICAL_FEATURE")
    (fix,) = edited.fixes
    assert (fix.kind, fix.code, fix.new_glue_type) == ("cast", "glue_type", "int")
    assert not edited.ok
    fixed = crn.apply_fixes(df, edited)
    assert (
        str(fixed["rating"].dtype) == "int32" and fixed["rating"].tolist() == df["rating"].tolist()
    )
    assert crn.infer_schema(fixed).column("rating").glue_type == "int"
    assert _duckdb_values(df, fix) == df["rating"].tolist()


def test_an_unnamed_e_mail_column_is_the_user_when_nothing_else_is() -> None:
    r = np.random.default_rng(1)
    n = 400
    df = pd.DataFrame(
        {
            "contact": [f"P{k}@X.org " for k in r.integers(0, 60, n)],
            "sku": [f"s{k}" for k in r.integers(0, 90, n)],
            "ts": 1_700_000_000 + r.integers(0, 10**6, n),
        }
    )
    schema = crn.infer_schema(df)
    assert schema.roles["contact"] == "USER_ID"
    assert "only user identifier" in schema.column("contact").reason
    assert [f.code for f in schema.findings.errors] == ["raw_pii"]
    fixed = crn.apply_fixes(df, schema)
    assert fixed["contact"].tolist() == [_sha(v.strip().lower()) for v in df["contact"]]
    assert crn.infer_schema(fixed).ok
