"""The time-format detector: generate datetimes, write them in every supported style, read back.

Each style is detected from the sample, parsed by pandas (``apply_fix``) and by the fix's
Athena SQL run on DuckDB as the local Athena translates it; all three give the same epoch
seconds (every format on the local Athena itself: ``test_timeformat_sql.py``).
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd
import pytest
import sqlglot
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import cleanroom_nb as crn
from cleanroom_nb.fixes._timeformat import (
    ISO8601,
    detect_time_format,
    parse_times,
    sql_parse_times,
)
from cleanroom_nb.local.athena._trino import check_functions

UTC = dt.UTC


def _us(t: dt.datetime) -> str:
    return f"{t.month}/{t.day}/{t.year} {t.hour}:{t.minute:02d}"


def _twitter(t: dt.datetime) -> str:
    return t.strftime("%a %b %d %H:%M:%S +0000 %Y")


def _rfc2822(t: dt.datetime) -> str:
    return t.strftime("%a, %d %b %Y %H:%M:%S +0000")


def _iso_ms_z(t: dt.datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"


def _iso_offset(t: dt.datetime) -> str:
    shifted = t.astimezone(dt.timezone(dt.timedelta(hours=2)))
    return shifted.isoformat(timespec="seconds")


# style -> (how to write a UTC datetime, the resolution kept, the expected format or None)
STYLES = {
    "date_only": (lambda t: t.strftime("%Y-%m-%d"), "D", "%Y-%m-%d"),
    "iso_space": (lambda t: t.strftime("%Y-%m-%d %H:%M:%S"), "s", "%Y-%m-%d %H:%M:%S"),
    "iso_t": (lambda t: t.strftime("%Y-%m-%dT%H:%M:%S"), "s", "%Y-%m-%dT%H:%M:%S"),
    "iso_ms_z": (_iso_ms_z, "s", None),
    "iso_offset": (_iso_offset, "s", None),
    "utc_suffix": (lambda t: t.strftime("%Y-%m-%d %H:%M:%S UTC"), "s", "%Y-%m-%d %H:%M:%S UTC"),
    "us_minutes": (_us, "min", "%m/%d/%Y %H:%M"),
    "us_date": (lambda t: f"{t.month}/{t.day}/{t.year}", "D", "%m/%d/%Y"),
    "twitter": (_twitter, "s", "%a %b %d %H:%M:%S %z %Y"),
    "rfc2822": (_rfc2822, "s", "%a, %d %b %Y %H:%M:%S %z"),
    "month_name": (lambda t: t.strftime("%B %d, %Y"), "D", "%B %d, %Y"),
}

times = st.lists(
    st.datetimes(min_value=dt.datetime(1995, 1, 1), max_value=dt.datetime(2037, 12, 31)).map(
        lambda t: t.replace(tzinfo=UTC)
    ),
    min_size=20,
    max_size=60,
)


def _floor(t: dt.datetime, resolution: str) -> int:
    stamp = pd.Timestamp(t).floor(resolution)
    return int(stamp.timestamp() // 1)


def _duckdb(values: list[str], sql: str) -> list[object]:
    """The SQL on DuckDB, translated as the local Athena does (``U&`` strings, Joda patterns)."""
    tree = sqlglot.parse_one(f"SELECT {sql} AS v FROM t", read="trino")
    check_functions(sql, tree)
    query = tree.sql("duckdb")
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    con.register("t", pd.DataFrame({"when": values}))
    return [None if pd.isna(v) else int(v) for v in con.execute(query).df()["v"]]


@pytest.mark.parametrize("style", sorted(STYLES))
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(moments=times)
def test_round_trip_to_epoch_seconds(style: str, moments: list[dt.datetime]) -> None:
    write, resolution, expected_format = STYLES[style]
    values = [write(t) for t in moments]
    tf = detect_time_format(pd.Series(values))
    assert tf is not None, values[:3]
    if expected_format is not None:
        # Day-first and month-first read alike when every day is <= 12; both are right.
        assert tf.format == expected_format or tf.format.replace("%d/%m", "%m/%d") == (
            expected_format
        )
    want = [_floor(t, resolution) for t in moments]
    if tf.format.startswith("%d/%m"):
        return  # ambiguous sample (all days <= 12): nothing to compare
    assert parse_times(pd.Series(values), tf.format).tolist() == want
    assert _duckdb(values, sql_parse_times('"when"', tf)) == want


def test_day_first_is_found_when_a_day_is_above_twelve() -> None:
    tf = detect_time_format(pd.Series(["13/1/2010", "1/2/2010", "25/12/2011"]))
    assert tf is not None and tf.format == "%d/%m/%Y"


def test_iso_with_and_without_fractions_reads_as_iso8601() -> None:
    values = pd.Series(["2018-09-20T10:00:00.123Z", "2018-09-20T10:00:01Z"] * 10)
    tf = detect_time_format(values)
    assert tf is not None and tf.format == ISO8601 and tf.zoned == "all"
    assert "from_iso8601_timestamp" in sql_parse_times('"x"', tf)


def test_less_than_99_percent_is_not_a_format() -> None:
    good = [f"2020-01-{1 + i % 28:02d}" for i in range(97)]
    assert detect_time_format(pd.Series([*good, "n/a", "soon", "2020-13-45"])) is None
    assert detect_time_format(pd.Series([*good, *good, "n/a"])) is not None


def test_words_and_numbers_are_not_times() -> None:
    for values in (["hello", "world"], ["12.5", "13.75"], ["A-12", "B-7"], ["1", "2"]):
        assert detect_time_format(pd.Series(values * 10)) is None, values


def test_float_epoch_seconds_and_ms_are_the_timestamp() -> None:
    base = [1_600_000_000 + 3_600 * i for i in range(300)]
    for values, unit in (([b + 0.25 for b in base], "s"), ([b * 1000.0 for b in base], "ms")):
        df = pd.DataFrame(
            {
                "user_id": [i % 30 for i in range(300)],
                "item_id": [i % 41 for i in range(300)],
                "created": values,
            }
        )
        df.loc[3, "created"] = None
        schema = crn.infer_schema(df)
        assert schema.roles["created"] == "TIMESTAMP"
        (fix,) = schema.fixes
        assert fix.params["unit"] == unit
        fixed = crn.apply_fixes(df, schema)
        assert fixed["created"].tolist() == [b for i, b in enumerate(base) if i != 3]


def test_impossible_dates_are_null_in_every_engine() -> None:
    """Arrow's fast strptime rolls 2/30 over to March; pandas and Athena refuse it."""
    values = [
        "2/30/2010 8:26",
        "12/1/2010 8:26",
        "2/29/2012 0:00",
        "2/29/2011 0:00",
        "4/31/2011 1:00",
    ]
    want = [None, 1_291_191_960, 1_330_473_600, None, None]
    got = parse_times(pd.Series(values), "%m/%d/%Y %H:%M").tolist()
    assert [None if pd.isna(v) else v for v in got] == want
    tf = detect_time_format(pd.Series(["12/1/2010 8:26"] * 5))
    assert tf is not None
    assert _duckdb(values, sql_parse_times('"when"', tf)) == want


# --------------------------------------------------------------------------- issue 18 formats
def _frame(column: str, values: list[object]) -> pd.DataFrame:
    n = len(values)
    return pd.DataFrame(
        {
            "user_id": [f"u{i % 37}" for i in range(n)],
            "item_id": [i % 53 for i in range(n)],
            column: values,
        }
    )


HOURS = pd.date_range("2014-10-21", periods=300, freq="37min")


@pytest.mark.parametrize(
    ("column", "values", "fmt"),
    [
        ("event_hour", [t.strftime("%Y-%m-%d %H") for t in HOURS], "%Y-%m-%d %H"),
        ("hour", [int(t.strftime("%y%m%d%H")) for t in HOURS], "%y%m%d%H"),
        ("hour", [t.strftime("%y%m%d%H") for t in HOURS], "%y%m%d%H"),
        ("dt", [int(t.strftime("%Y%m%d")) for t in HOURS], "%Y%m%d"),
        ("order_date", [t.strftime("%Y%m%d") for t in HOURS], "%Y%m%d"),
        ("created", [t.strftime("%d/%m/%Y %H:%M") for t in HOURS], "%d/%m/%Y %H:%M"),
        ("date", [t.strftime("%d-%m-%y %H:%M") for t in HOURS], "%d-%m-%y %H:%M"),
        ("day", [t.strftime("%d.%m.%Y") for t in HOURS], "%d.%m.%Y"),
        ("time", [t.strftime("%m/%d/%Y %I:%M:%S %p") for t in HOURS], "%m/%d/%Y %I:%M:%S %p"),
    ],
)
def test_new_formats_are_the_timestamp_with_the_format_in_the_reason(
    column: str, values: list[object], fmt: str
) -> None:
    """Issue 18: hour strings, YYMMDDHH/YYYYMMDD (text or integers, named as a time),
    day-first dates and 12-hour times are the TIMESTAMP; the reason names the format and the
    fix reads them (pandas == the shown code)."""
    df = _frame(column, values)
    schema = crn.infer_schema(df)
    assert schema.roles[column] == "TIMESTAMP", str(schema)
    col = schema.column(column)
    assert fmt in col.reason
    fixed = crn.apply_fixes(df, schema)
    want = crn.to_epoch_seconds(df[column], format=fmt).tolist()
    assert fixed[column].tolist() == want
    resolution = "h" if "%H" in fmt and "%M" not in fmt else "D" if "%H" not in fmt else "min"
    if "%M" in fmt:
        resolution = "s" if "%S" in fmt else "min"
    truth = [int(t.floor(resolution).timestamp()) for t in HOURS]
    assert want == truth


def test_digits_without_a_time_name_stay_numbers() -> None:
    """20240131-like integers and 8-digit strings are not times unless the name says so."""
    days = [int(t.strftime("%Y%m%d")) for t in HOURS]
    for column, values in (("amount", days), ("code", [str(d) for d in days])):
        df = _frame(column, values)
        df["when"] = [int(t.timestamp()) for t in HOURS]
        schema = crn.infer_schema(df)
        assert schema.roles.get(column) != "TIMESTAMP"
        assert schema.roles["when"] == "TIMESTAMP"
        assert "it holds dates" not in schema.column(column).reason


def test_hour_of_day_is_still_not_a_time() -> None:
    df = _frame("hour", [t.hour for t in HOURS])
    df["ts"] = [int(t.timestamp()) for t in HOURS]
    assert crn.infer_schema(df).roles.get("hour") != "TIMESTAMP"


def test_day_first_is_decided_by_a_day_above_twelve() -> None:
    first = detect_time_format(pd.Series(["01/02/2024 13:05", "25/02/2024 13:05"] * 10))
    assert first is not None and first.format == "%d/%m/%Y %H:%M" and not first.note
    month = detect_time_format(pd.Series(["01/02/2024 13:05", "02/25/2024 13:05"] * 10))
    assert month is not None and month.format == "%m/%d/%Y %H:%M" and not month.note


def test_an_ambiguous_sample_is_read_month_first_with_a_note() -> None:
    """All fields <= 12: month-first (consistently), and the reason says so and how to
    override; the two-digit-year day-first style too."""
    for values, fmt, other in (
        (["01/02/2024 13:05", "03/04/2024 08:00"], "%m/%d/%Y %H:%M", "%d/%m/%Y %H:%M"),
        (["01-02-24 13:05", "11-12-24 08:00"], "%m-%d-%y %H:%M", "%d-%m-%y %H:%M"),
    ):
        tf = detect_time_format(pd.Series(values * 10))
        assert tf is not None and tf.format == fmt
        assert "could not tell" in tf.note and repr(other) in tf.note
        assert "could not tell" in tf.describe()
        df = _frame("created_at", values * 150)
        reason = crn.infer_schema(df).column("created_at").reason
        assert "could not tell month-first from day-first" in reason and other in reason


def test_hostile_text_reads_alike() -> None:
    """Tabs, CR/LF, NBSP and U+3000 around the text, AM/pm in any case."""
    clean = ["1/31/2024 1:05:00 PM", "2/1/2024 11:59:59 AM", "12/31/2023 12:00:00 AM"]
    hostile = [
        "\t1/31/2024 1:05:00 pm\xa0",
        "\u30002/1/2024 11:59:59 Am\r\n",
        " 12/31/2023 12:00:00 aM",
    ]
    fmt = "%m/%d/%Y %I:%M:%S %p"
    tf = detect_time_format(pd.Series(hostile * 5))
    assert tf is not None and tf.format == fmt
    want = [1706706300, 1706788799, 1703980800]
    assert parse_times(pd.Series(clean), fmt).tolist() == want
    assert parse_times(pd.Series(hostile), fmt).tolist() == want
    assert _duckdb(hostile, sql_parse_times('"when"', tf)) == want


def test_changing_utc_offsets_are_each_honoured() -> None:
    """-0500 and -0400 across a DST change: each value read at its own offset."""
    values = ["Sun, 10 Mar 2024 01:30:00 -0500", "\tSun, 10 Mar 2024 03:30:00 -0400\xa0"]
    tf = detect_time_format(pd.Series(values * 5))
    assert tf is not None and tf.format == "%a, %d %b %Y %H:%M:%S %z" and tf.offset == ""
    want = [1710052200, 1710055800]
    assert parse_times(pd.Series(values), tf.format).tolist() == want
    assert _duckdb(values, sql_parse_times('"when"', tf)) == want  # Joda's Z, value by value


def test_integer_digits_keep_their_leading_zero() -> None:
    """5010100 is 05010100 (2005-01-01 00h); floats from a column with nulls read alike."""
    tf = detect_time_format(pd.Series([14102100, 5010100, None]))
    assert tf is not None and tf.format == "%y%m%d%H" and tf.integer
    got = parse_times(pd.Series([14102100.0, 5010100.0, None, 14102100.5]), tf.format)
    assert [None if pd.isna(v) else v for v in got] == [1413849600, 1104537600, None, None]


def test_postgresql_and_redshift_text_output_is_a_time() -> None:
    """``timestamptz`` as PostgreSQL and Redshift print it: a space, fractions only where they
    are not zero, whole-hour offsets as ``+00``/``-07`` (the ValleyBike export in the corpus
    README's fourth search); and ``timestamp`` without a zone, read as UTC."""
    zoned = ["2019-04-21 04:06:55+00", "2019-04-21 04:07:00.25+00", "2019-04-20 21:07:05-07"]
    naive = ["2019-04-21 04:06:55", "2019-04-21 04:07:00.25", "2019-04-21 04:07:05"]
    for values in (zoned, naive):
        df = _frame("created_at", values * 100)
        schema = crn.infer_schema(df)
        assert schema.roles["created_at"] == "TIMESTAMP", schema.column("created_at").reason
        tf = detect_time_format(df["created_at"])
        assert tf is not None
        assert parse_times(pd.Series(values), tf.format).tolist() == [
            1555819615,
            1555819620,
            1555819625,
        ]
        fixed = crn.apply_fixes(df, schema)
        assert fixed["created_at"].head(3).tolist() == [1555819615, 1555819620, 1555819625]
    hours = ["2024-01-25 15:05:07 +02", "2024-01-25 08:05:07 -05"]
    tf = detect_time_format(pd.Series(hours * 10))
    assert tf is not None and tf.format == "%Y-%m-%d %H:%M:%S %z"
    assert parse_times(pd.Series(hours), tf.format).tolist() == [1706187907, 1706187907]
