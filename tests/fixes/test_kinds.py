"""Each fix kind from its one definition: plan, conversion, shown code, SQL, preview, after.

The SQL of every kind is run on DuckDB through the local Athena's own translation (sqlglot
trino -> duckdb, then ``normalize`` -> ``nfc_normalize``), and compared with the conversion.
"""

from __future__ import annotations

import hashlib
from typing import Any

import duckdb
import pandas as pd
import pytest
import sqlglot

import cleanroom_nb as crn
from cleanroom_nb.fixes import KINDS, FixKind, kind_of, normalise, sql_normalised
from cleanroom_nb.infer._schema import ColumnProfile, ColumnSchema
from cleanroom_nb.local.athena._errors import QueryError
from cleanroom_nb.local.athena._unicode import translate_normalize


def _duck(sql_expr: str, frame: pd.DataFrame) -> list[Any]:
    text = f"SELECT {sql_expr} AS v FROM t"
    tree = sqlglot.parse_one(text, read="trino")
    translate_normalize(text, tree)
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    con.register("t", frame)
    return [None if pd.isna(v) else v for v in con.execute(tree.sql("duckdb")).df()["v"]]


def _profile(**kw: Any) -> ColumnProfile:
    return ColumnProfile("object", 10, 0.0, 10, 1.0, 1.0, **kw)


def test_every_kind_gives_each_part_from_one_definition() -> None:
    assert list(KINDS) == [
        "text_time",
        "datetime",
        "epoch_unit",
        "hash_email",
        "hash_phone",
        "float_id",
        "type_cast",
    ]
    for kind in KINDS.values():
        assert isinstance(kind, FixKind)
        for method in ("plan", "convert", "sql", "code", "after"):
            assert getattr(type(kind), method) is not getattr(FixKind, method), (kind, method)


def test_datetime_kind_tz_aware_and_naive_agree_with_its_sql() -> None:
    naive = pd.Series(
        pd.to_datetime(["2024-03-31 00:30:00", "1969-12-31 23:59:59.5", None], format="ISO8601")
    )
    aware = naive.dt.tz_localize("UTC").dt.tz_convert("Europe/Paris")
    c = ColumnSchema("t", "timestamp", "TIMESTAMP", 1.0, "", profile=_profile(kind="datetime"))
    fix = crn.fixes.plan_column(c, '"t"')
    assert fix is not None and fix.definition == "datetime"
    want = [1711845000, -1, None]
    assert crn.fixes.convert(naive, fix).tolist()[:2] == want[:2]
    assert crn.fixes.convert(aware, fix).tolist()[:2] == want[:2]
    assert _duck(fix.sql, pd.DataFrame({"t": naive})) == want
    scope = {"crn": crn, "df": pd.DataFrame({"t": aware})}
    exec(fix.pandas, scope)  # the shown code runs as written
    assert scope["df"]["t"].tolist()[:2] == want[:2]


def test_unknown_kind_is_a_schema_error_naming_the_column() -> None:
    bad = crn.Fix("c", "x", "", "", "", "", "", "bigint", {}, definition="nope")
    with pytest.raises(crn.SchemaError, match=r"unknown fix kind 'nope' for column 'c'"):
        kind_of(bad)


def test_a_fix_made_by_hand_finds_its_kind() -> None:
    by_hand = crn.Fix("c", "to_epoch_seconds", "", "", "", "", "", "bigint", {"unit": "ms"})
    assert kind_of(by_hand).name == "epoch_unit"
    out = crn.apply_fix(pd.DataFrame({"c": [-1500, 1_700_000_000_999]}), by_hand)
    assert out.tolist() == [-2, 1_700_000_000]


def test_conversion_error_is_a_cleanroom_error() -> None:
    assert issubclass(crn.ConversionError, crn.CleanroomNbError)
    with pytest.raises(crn.CleanroomNbError):
        crn.to_epoch_seconds(pd.Series(["not a time"]))


@pytest.mark.parametrize(
    ("raw", "email", "phone"),
    [
        ("Ann@X.org\t", "ann@x.org", None),
        ("ANN@X.ORG\n", "ann@x.org", None),
        ("ann@x.org\r\n", "ann@x.org", None),
        ("\u00a0ann@x.org", "ann@x.org", None),
        ("\u200b\ufeffAnn@X.org\u3000", "ann@x.org", None),
        ("e\u0301@x.org", "\u00e9@x.org", None),  # NFC
        ("\u0130@x.org", "i@x.org", None),  # simple lower case
        (" \t ", None, None),  # empty after normalising: null
        ("+1 (415) 555-0101", "+1 (415) 555-0101", "14155550101"),
        ("0044 20 7946 0958", "0044 20 7946 0958", "00442079460958"),  # leading zeros kept
    ],
)
def test_the_readme_rule_in_pandas_and_in_sql(
    raw: str, email: str | None, phone: str | None
) -> None:
    s = pd.Series([raw])
    assert normalise(s, "email").tolist() == [email]
    assert _duck(sql_normalised('"v"', "email"), pd.DataFrame({"v": s})) == [email]
    if phone is not None:
        assert normalise(s, "phone").tolist() == [phone]
        assert _duck(sql_normalised('"v"', "phone"), pd.DataFrame({"v": s})) == [phone]
        digest = hashlib.sha256(phone.encode()).hexdigest()
        assert crn.hash_identifier(s, kind="phone").tolist() == [digest]


def test_issue_17_emails_hash_alike_on_every_path() -> None:
    mails = ["Ann@X.org\t", "ANN@X.ORG\n", "ann@x.org\r\n", "\u00a0ann@x.org", " ann@x.org "]
    want = hashlib.sha256(b"ann@x.org").hexdigest()
    c = ColumnSchema("u", "string", "USER_ID", 1.0, "", profile=_profile(patterns=("email",)))
    fix = crn.fixes.plan_column(c, '"u"')
    assert fix is not None
    frame = pd.DataFrame({"u": mails})
    assert set(crn.fixes.convert(frame["u"], fix)) == {want}
    assert set(crn.hash_identifier(frame["u"], kind="email")) == {want}
    assert set(_duck(fix.sql, frame)) == {want}


def test_local_athena_refuses_normal_forms_duckdb_lacks() -> None:
    text = "SELECT normalize(x, NFD) FROM t"
    with pytest.raises(QueryError, match="NOT_SUPPORTED"):
        translate_normalize(text, sqlglot.parse_one(text, read="trino"))


def test_after_fixes_keeps_edits_and_describes_the_new_storage() -> None:
    n = 300
    df = pd.DataFrame(
        {
            "email": [f" User{i % 40}@Example.COM\t" for i in range(n)],
            "item_id": [float(100 + i % 37) for i in range(n - 1)] + [None],
            "when": [f"2024-01-{1 + i % 28:02d} 10:{i % 60:02d}:00 UTC" for i in range(n)],
            "device": [("ios", "android", "web")[i % 3] for i in range(n)],
        }
    )
    schema = crn.infer_schema(df).with_role("device", None)
    assert {f.definition for f in schema.fixes} == {"hash_email", "float_id", "text_time"}
    after = schema.after_fixes()
    assert after.roles == schema.roles  # the user's edit is kept
    assert after.column("device").edited and after.roles["device"] is None
    assert after.fixes == () and after.ok, after.findings
    when = after.column("when")
    assert when.glue_type == "bigint"
    assert when.reason == "bigint epoch seconds, converted from text '%Y-%m-%d %H:%M:%S UTC'"
    assert after.column("item_id").glue_type == "bigint"
    assert "SHA-256" in after.column("email").reason
    fixed = crn.apply_fixes(df, schema)
    # The schema after the fixes describes the frame apply_fixes gives.
    assert str(fixed["when"].dtype) == "int64" and str(fixed["item_id"].dtype) == "int64"
    assert crn.check_data(fixed, after) is not None


def test_preview_comes_from_the_kind() -> None:
    df = pd.DataFrame({"u": ["\u00a0A@B.co", None, "a@b.co "]})
    c = ColumnSchema("u", "string", "USER_ID", 1.0, "", profile=_profile(patterns=("email",)))
    fix = crn.fixes.plan_column(c, '"u"')
    assert fix is not None
    shown = crn.preview_fix(df, fix, n=2)
    assert shown["before"].tolist() == ["\u00a0A@B.co", "a@b.co "]
    assert shown["after"].nunique() == 1
