"""Every path of a fix gives the same values, on hostile inputs (issue 17, item 3).

For random rows holding tabs, CR/LF, NBSP, U+200B, U+FEFF, mixed case, leading zeros, times
whose UTC offset changes (Europe/Paris and America/New_York across their DST changes:
``+01:00`` then ``+02:00``, ``-05:00`` then ``-04:00``), times just before 1970, and epoch
milliseconds before 1970, four paths must agree, value for value:

1. ``crn.apply_fixes(df, schema)``;
2. the code the schema shows (``fix.pandas``), executed as written;
3. the public functions (``crn.hash_identifier``, ``crn.to_epoch_seconds``);
4. ``crn.fix_glue_table`` on the local Athena (Athena's SQL translated to DuckDB), one CTAS
   per example batch: one table holds all rows of an example.

A fifth, independent reference (hashlib, unicodedata, datetime) is written here from the rule
in the README, so the paths cannot agree on a wrong answer. Hypothesis runs derandomized: the
same examples every run.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import math
import unicodedata
from typing import Any

import awswrangler as wr
import boto3
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

import cleanroom_nb as crn
from cleanroom_nb.fixes._timeformat import detect_time_format
from cleanroom_nb.infer._schema import ColumnProfile, ColumnSchema, TrainingSchema

BUCKET = "every-path"
_TABLES = itertools.count()

# Hostile padding: ASCII whitespace, CR/LF, NBSP, zero width space, BOM, ideographic space.
PAD = st.text(alphabet=" \t\r\n\u00a0\u200b\ufeff\u3000", max_size=3)
LOCAL = st.text(alphabet="abcXYZ019._+-\u00e9\u0130", min_size=1, max_size=8)
DOMAIN = st.sampled_from(["example.com", "EXAMPLE.org", "x.IO", "caf\u00e9.fr"])
SETTINGS = settings(
    max_examples=4,
    derandomize=True,
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],  # no shrinking: a failure is reported at once
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def athena(local_athena: Any, boto3_session: boto3.Session) -> boto3.Session:
    """moto (S3, Glue) with a bucket and a database, and the local Athena."""
    boto3_session.client("s3").create_bucket(Bucket=BUCKET)
    wr.catalog.create_database("paths", boto3_session=boto3_session)
    return boto3_session


# --------------------------------------------------------------------------- the reference
_TRIM = {chr(c) for c in range(0x110000) if chr(c).isspace()} | {"\u200b", "\ufeff"}


def _reference_normal(text: str | None, kind: str) -> str | None:
    """The README's rule, written independently of the library."""
    if not isinstance(text, str):  # None, or NaN in a frame
        return None
    if kind == "phone":
        out = "".join(ch for ch in text if "0" <= ch <= "9")
    else:
        trim = _TRIM
        start, end = 0, len(text)
        while start < end and text[start] in trim:
            start += 1
        while end > start and text[end - 1] in trim:
            end -= 1
        out = unicodedata.normalize("NFC", text[start:end])
        # Lower case per code point (simple mapping): U+0130 becomes "i", as in Trino.
        out = "".join("i" if ch == "\u0130" else ch.lower() for ch in out)
    return out or None


def _reference_hash(text: str | None, kind: str) -> str | None:
    normal = _reference_normal(text, kind)
    return None if normal is None else hashlib.sha256(normal.encode("utf-8")).hexdigest()


def _reference_seconds(text: str) -> int:
    return math.floor(dt.datetime.fromisoformat(text.strip("".join(_TRIM))).timestamp())


# --------------------------------------------------------------------------- the rows
@st.composite
def email_rows(draw: Any) -> dict[str, Any]:
    mail = draw(PAD) + draw(LOCAL) + "@" + draw(DOMAIN) + draw(PAD)
    # Minutes around a DST change (Paris: +01:00 to +02:00 on 2024-03-31; New York: -05:00 to
    # -04:00 on 2024-03-10), and around 1970 (before and after the epoch, -05:00 in New York).
    zone, start = draw(
        st.sampled_from(
            [
                ("Europe/Paris", "2024-03-31 01:00:00"),
                ("America/New_York", "2024-03-10 07:00:00"),
                ("America/New_York", "1970-01-01 00:00:00"),
            ]
        )
    )
    minute = draw(st.integers(-600, 600))
    stamp = pd.Timestamp(start, tz="UTC") + pd.Timedelta(
        minutes=minute, seconds=draw(st.integers(0, 59))
    )
    local = stamp.tz_convert(zone)
    return {
        "email": draw(st.one_of(st.none(), st.just(mail))) if draw(st.booleans()) else mail,
        "item_id": draw(st.one_of(st.none(), st.integers(0, 10**6).map(float))),
        "clean_time": local.isoformat(sep=" "),
        "pad": (draw(PAD), draw(PAD)),
    }


@st.composite
def phone_rows(draw: Any) -> dict[str, Any]:
    digits = draw(st.text(alphabet="0123456789", min_size=4, max_size=12))
    lead = draw(st.sampled_from(["", "+", "00", "0"]))
    seps = draw(st.sampled_from([" ", "-", ".", " (", ") ", ""]))
    phone = draw(PAD) + lead + seps.join([digits[:3], digits[3:]]) + draw(PAD)
    return {
        "phone": phone,
        "item_code": draw(st.integers(-128, 127)),
        # Epoch milliseconds, before and after 1970 (floor, not truncation).
        "ts_ms": draw(st.integers(-(10**12), 2 * 10**12)),
    }


# --------------------------------------------------------------------------- the paths
def _profile(**kw: Any) -> ColumnProfile:
    return ColumnProfile("object", 100, 0.0, 100, 1.0, 1.0, **kw)


def _shown(df: pd.DataFrame, fix: crn.Fix) -> pd.Series:
    """The code the schema shows, executed as written."""
    scope = {"crn": crn, "df": df.copy()}
    exec(fix.pandas, scope)
    return scope["df"][fix.column]


def _plain(values: Any) -> list[Any]:
    out = []
    for v in list(values):
        if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
            out.append(None)
        else:
            out.append(v.item() if isinstance(v, np.generic) else v)
    return out


def _athena_rows(session: boto3.Session, df: pd.DataFrame, schema: TrainingSchema) -> pd.DataFrame:
    """``fix_glue_table`` on a table holding ``df``: the new table's rows, by ``row``."""
    n = next(_TABLES)
    wr.s3.to_parquet(
        df, f"s3://{BUCKET}/raw{n}/", dataset=True, database="paths", table=f"raw{n}",
        boto3_session=session,
    )  # fmt: skip
    crn.fix_glue_table(
        "paths",
        f"raw{n}",
        schema,
        new_table=f"fixed{n}",
        s3_path=f"s3://{BUCKET}/fixed{n}/",
        s3_output=f"s3://{BUCKET}/athena/",
        progress=False,
        boto3_session=session,
    )
    got = wr.s3.read_parquet(f"s3://{BUCKET}/fixed{n}/", boto3_session=session)
    return got.set_index("row").sort_index()


def _check_all_paths(
    session: boto3.Session,
    df: pd.DataFrame,
    schema: TrainingSchema,
    public: dict[str, pd.Series],
    reference: dict[str, list[Any]],
) -> None:
    fixes = {f.column: f for f in schema.fixes}
    assert set(fixes) == set(public), schema.fixes
    applied = crn.apply_fixes(df, schema).set_index("row")
    athena_rows = _athena_rows(session, df, schema)
    assert list(athena_rows.index) == list(applied.index)  # the same rows dropped
    kept = applied.index
    for column, fix in fixes.items():
        by_row = pd.Series(list(range(len(df))))
        shown = pd.Series(_plain(_shown(df, fix)), index=df["row"])
        direct = pd.Series(_plain(public[column]), index=df["row"])
        ref = pd.Series(reference[column], index=df["row"])
        one = pd.Series(_plain(crn.apply_fix(df, fix)), index=df["row"])
        assert by_row.size == len(df)
        # Every row, before rows are dropped: shown code == public function == reference.
        assert _plain(shown) == _plain(direct) == _plain(ref) == _plain(one), column
        # The rows kept: apply_fixes == Athena == reference.
        assert _plain(applied[column]) == _plain(ref[kept]), column
        assert _plain(athena_rows[column]) == _plain(ref[kept]), column


# --------------------------------------------------------------------------- the tests
@SETTINGS
@given(rows=st.lists(email_rows(), min_size=8, max_size=30))
def test_email_float_id_and_changing_offsets_agree_on_every_path(
    athena: boto3.Session, rows: list[dict[str, Any]]
) -> None:
    times = [r["pad"][0] + r["clean_time"] + r["pad"][1] for r in rows]
    df = pd.DataFrame(
        {
            "row": np.arange(len(rows), dtype="int64"),
            "email": [r["email"] for r in rows],
            "item_id": pd.Series([r["item_id"] for r in rows], dtype="float64"),
            "event_time": times,
        }
    )
    tf = detect_time_format(pd.Series([r["clean_time"] for r in rows]))
    assert tf is not None and "%z" in tf.format, tf
    schema = TrainingSchema.from_columns(
        [
            ColumnSchema("row", "bigint", "NUMERICAL_FEATURE", 1.0, "row number"),
            ColumnSchema("email", "string", "USER_ID", 1.0, "e-mails",
                         profile=_profile(patterns=("email",))),
            ColumnSchema("item_id", "double", "ITEM_ID", 1.0, "ids",
                         profile=_profile(integral=True, kind="float")),
            ColumnSchema("event_time", "string", "TIMESTAMP", 1.0, "text times",
                         profile=_profile(time_format=tf, kind="string")),
        ],
        glue_names=True,
    )  # fmt: skip
    fmt = schema.fixes[-1].params["format"]
    _check_all_paths(
        athena,
        df,
        schema,
        public={
            "email": crn.hash_identifier(df["email"], kind="email"),
            "item_id": df["item_id"].astype("Int64"),
            "event_time": crn.to_epoch_seconds(df["event_time"], format=fmt, errors="coerce"),
        },
        reference={
            "email": [_reference_hash(v, "email") for v in df["email"]],
            "item_id": [None if math.isnan(v) else int(v) for v in df["item_id"]],
            "event_time": [_reference_seconds(t) for t in times],
        },
    )


@SETTINGS
@given(rows=st.lists(phone_rows(), min_size=8, max_size=30))
def test_phone_small_int_and_epoch_ms_agree_on_every_path(
    athena: boto3.Session, rows: list[dict[str, Any]]
) -> None:
    df = pd.DataFrame(
        {
            "row": np.arange(len(rows), dtype="int64"),
            "phone": [r["phone"] for r in rows],
            "item_code": pd.Series([r["item_code"] for r in rows], dtype="int8"),
            "ts_ms": pd.Series([r["ts_ms"] for r in rows], dtype="int64"),
        }
    )
    schema = TrainingSchema.from_columns(
        [
            ColumnSchema("row", "bigint", "NUMERICAL_FEATURE", 1.0, "row number"),
            ColumnSchema("phone", "string", "USER_ID", 1.0, "phones",
                         profile=_profile(patterns=("phone",))),
            ColumnSchema("item_code", "tinyint", "ITEM_ID", 1.0, "codes"),
            ColumnSchema("ts_ms", "bigint", "TIMESTAMP", 1.0, "epoch ms",
                         profile=_profile(time_unit="ms", kind="int")),
        ],
        glue_names=True,
    )  # fmt: skip
    assert [f.definition for f in schema.fixes] == ["hash_phone", "type_cast", "epoch_unit"]
    _check_all_paths(
        athena,
        df,
        schema,
        public={
            "phone": crn.hash_identifier(df["phone"], kind="phone"),
            "item_code": df["item_code"].astype("Int64"),
            "ts_ms": crn.to_epoch_seconds(df["ts_ms"], unit="ms"),
        },
        reference={
            "phone": [_reference_hash(v, "phone") for v in df["phone"]],
            "item_code": [int(v) for v in df["item_code"]],
            "ts_ms": [int(v) // 1000 for v in df["ts_ms"]],
        },
    )


def test_every_registered_kind_is_covered_here() -> None:
    """A new kind is one file plus its tests: this file must name it (or say where it is run)."""
    covered = {"text_time", "float_id", "hash_email", "hash_phone", "type_cast", "epoch_unit"}
    # datetime: tests/fixes/test_kinds.py (timestamp/date columns, tz-aware frames).
    assert set(crn.fixes.KINDS) == covered | {"datetime"}
