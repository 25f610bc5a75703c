"""Every time format, read by pandas (``parse_times``) and by its Athena SQL (``sql_parse_times``)
run on the local Athena: the same epoch seconds on both paths, on hostile text.

The values are written from known UTC moments with Python's ``strftime`` in every format the
detector knows (:data:`FORMATS`), then made hostile: white space around them (tabs, CR/LF,
NBSP, U+3000), AM/PM and month names in any letter case, UTC offsets that change from value to
value (and one offset throughout, which the SQL reads as literal text), whole-hour offsets
written as PostgreSQL and Redshift print them (``+02``). Integer-stored digits
(``20240131``, ``5010100`` for 2005-01-01 00h) are read from a bigint and from a double column.

Sources: Trino's ``date_parse`` (MySQL-style), ``parse_datetime`` (Joda) and
``from_iso8601_timestamp``: https://trino.io/docs/current/functions/datetime.html
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import awswrangler as wr
import boto3
import numpy as np
import pandas as pd
import pytest
from athena_tables import parquet_table

from cleanroom_nb.fixes._timeformat import (
    FORMATS,
    ISO8601,
    TimeFormat,
    detect_time_format,
    parse_times,
    sql_parse_times,
)

OUT = "s3://athena-results/out/"
ROWS = 24
SPACES = ("", "", "\t", "\xa0", " \u3000", "\r\n", "\u2007 ")
OFFSETS = (dt.timedelta(hours=2), dt.timedelta(hours=-5), dt.timedelta(hours=-4))
rng = np.random.default_rng(18)
MOMENTS = [
    dt.datetime(1995, 1, 1, tzinfo=dt.UTC) + dt.timedelta(seconds=int(s), microseconds=int(us))
    for s, us in zip(
        rng.integers(0, 42 * 365 * 86400, ROWS), rng.integers(0, 10**6, ROWS), strict=True
    )
]
MOMENTS[0] = dt.datetime(2024, 1, 25, 13, 5, 7, 250_000, tzinfo=dt.UTC)  # a day above 12


def _case(text: str, i: int) -> str:
    return (text, text.upper(), text.lower(), text.title())[i % 4]


def _write(
    fmt: str, t: dt.datetime, i: int, offset: dt.timedelta | None, hours_only: bool = False
) -> str:
    """``t`` in ``fmt`` (at ``offset`` when the format carries one), hostile; ``hours_only``
    writes whole-hour offsets as PostgreSQL and Redshift print them (``+02``, ``-05``)."""
    if fmt == ISO8601:
        local = t.astimezone(dt.timezone(offset or dt.timedelta(0)))
        text = local.isoformat(timespec=("seconds", "milliseconds", "microseconds")[i % 3])
        text = text.replace("+00:00", "Z")
        if hours_only:  # PostgreSQL's and Redshift's text: a space, +00 rather than Z
            text = re.sub(r"([+-]\d{2}):00$", r"\1", text.replace("Z", "+00")).replace("T", " ")
    else:
        local = t.astimezone(dt.timezone(offset)) if "%z" in fmt and offset else t
        text = local.strftime(fmt)
        if hours_only:
            text = re.sub(r"([+-]\d{2})00(?=$| \d{4}$)", r"\1", text)
        if not any(ch.isalpha() for ch in re.sub(r"%[A-Za-z]", "", fmt)):
            text = _case(text, i)  # words in any case (literal letters such as 'T' kept)
    return SPACES[i % len(SPACES)] + text + SPACES[(i * 3 + 1) % len(SPACES)]


def _columns() -> list[tuple[str, list[Any], TimeFormat]]:
    """(values, the format as the schema would hold it) for every format, offsets varied."""
    out: list[tuple[str, list[Any], TimeFormat]] = []
    for k, fmt in enumerate(FORMATS):
        if fmt in ("%Y%m%d", "%y%m%d%H"):
            values: list[Any] = [t.strftime(fmt) for t in MOMENTS]
            values[1] = f"\t{values[1]}\xa0"
            out.append((f"f{k}", values, TimeFormat(fmt, 1.0)))
            continue
        zoned = "%z" in fmt or fmt == ISO8601
        one = OFFSETS[0]
        plans = [(None, "", False)]
        if zoned:
            plans = [(one, "+0200", False), (None, "", False)]
        if "%z" in fmt and fmt.startswith("%Y-%m-%d"):  # how PostgreSQL and Redshift write
            plans += [(one, "+02", True), (None, "", True)]
        if fmt == ISO8601:
            plans += [(None, "", True)]
        for j, (fixed, offset, hours_only) in enumerate(plans):
            values = []
            for i, t in enumerate(MOMENTS):
                off = fixed if fixed is not None else OFFSETS[i % len(OFFSETS)] if zoned else None
                values.append(_write(fmt, t, i, off, hours_only))
            values[2] = None
            if fmt == ISO8601:
                tf = TimeFormat(fmt, 1.0, zoned="all")
            else:
                tf = TimeFormat(fmt, 1.0, offset=offset if "%z" in fmt else "")
            out.append((f"f{k}_{j}", values, tf))
    # PostgreSQL's timestamp without time zone: a space, fractions only where non-zero.
    naive: list[Any] = [
        re.sub(r"\+00(?=\s*$)", "", _write(ISO8601, t, i, None, True))
        for i, t in enumerate(MOMENTS)
    ]
    naive[2] = None
    out.append(("iso_naive", naive, TimeFormat(ISO8601, 1.0, zoned="none")))
    return out


COLUMNS = _columns()


def _truth(fmt: str) -> list[int | None]:
    keep = {"%f": "us", "%S": "s", "%M": "min", "%H": "h", "%I": "h"}
    unit = "s" if fmt == ISO8601 else next((u for d, u in keep.items() if d in fmt), "D")
    return [int(pd.Timestamp(t).floor(unit).timestamp() // 1) for t in MOMENTS]


def test_pandas_reads_every_format_back() -> None:
    """parse_times gives the moments written, whatever the white space, case and offsets."""
    for _name, values, tf in COLUMNS:
        got = parse_times(pd.Series(values, dtype=object), tf.format).tolist()
        want: list[Any] = _truth(tf.format)
        for i, v in enumerate(values):
            if v is None:
                want[i] = pd.NA
        assert got == want, (tf.format, values[:4])


def test_the_detector_finds_a_format_that_reads_the_same_moments() -> None:
    """Detection on the hostile values: the format found reads the moments written."""
    for _name, values, tf in COLUMNS:
        if tf.format in ("%Y%m%d", "%y%m%d%H"):
            continue
        found = detect_time_format(pd.Series(values, dtype=object))
        assert found is not None, (tf.format, values[:3])
        if found.format == tf.format:
            continue  # the format written: test_pandas_reads_every_format_back reads it
        got = parse_times(pd.Series(values, dtype=object), found.format).tolist()
        assert got == parse_times(pd.Series(values, dtype=object), tf.format).tolist(), (
            tf.format,
            found.format,
        )


@pytest.fixture
def shop(local_athena: Any, boto3_session: boto3.Session) -> boto3.Session:
    boto3_session.client("s3").create_bucket(Bucket="athena-results")
    boto3_session.client("s3").create_bucket(Bucket="shop-data")
    return boto3_session


def _athena(session: boto3.Session, table: str, exprs: dict[str, str]) -> pd.DataFrame:
    select = ", ".join(f'{sql} AS "{name}"' for name, sql in exprs.items())
    return wr.athena.read_sql_query(
        f'SELECT {select} FROM "{table}" ORDER BY "row"',
        database="times",
        ctas_approach=False,
        s3_output=OUT,
        boto3_session=session,
    )


def _as_list(s: pd.Series) -> list[int | None]:
    return [None if pd.isna(v) else int(v) for v in s]


def test_athena_sql_gives_what_pandas_gives_for_every_format(shop: boto3.Session) -> None:
    """sql_parse_times on the local Athena == parse_times, for every format in the table."""
    frame = pd.DataFrame({"row": np.arange(ROWS, dtype="int64")})
    frame = pd.concat(
        [frame, pd.DataFrame({name: pd.Series(v, dtype="string") for name, v, _ in COLUMNS})],
        axis=1,
    )
    parquet_table(shop, frame, "times", "texts", "s3://shop-data/texts/")
    chunk = 120
    for start in range(0, len(COLUMNS), chunk):
        part = COLUMNS[start : start + chunk]
        got = _athena(shop, "texts", {n: sql_parse_times(f'"{n}"', tf) for n, _, tf in part})
        for name, values, tf in part:
            want = _as_list(parse_times(pd.Series(values, dtype=object), tf.format))
            assert _as_list(got[name]) == want, (tf.format, tf.offset, values[:3])


def test_integer_digits_read_alike_from_bigint_and_double(shop: boto3.Session) -> None:
    """YYYYMMDD and YYMMDDHH stored as integers: zero-padded digits (5010100 is 2005-01-01
    00h), the same on both paths; non-dates and fractions are null."""
    days = [20240131, 19991231, 20240230, 2024013, 120240131, -20240131, 20000101, 20991231]
    hours = [14102100, 5010100, 99123123, 14102124, 100, 123456789, -14102100, 14022813]
    frame = pd.DataFrame(
        {
            "row": np.arange(len(days), dtype="int64"),
            "day": np.array(days, dtype="int64"),
            "hour": np.array(hours, dtype="int64"),
            "day_f": [*map(float, days[:-2]), None, 20240131.5],
            "hour_f": [*map(float, hours[:-2]), None, 14102100.25],
        }
    )
    parquet_table(shop, frame, "times", "digits", "s3://shop-data/digits/")
    tfs = {
        "day": TimeFormat("%Y%m%d", 1.0, integer=True),
        "hour": TimeFormat("%y%m%d%H", 1.0, integer=True),
        "day_f": TimeFormat("%Y%m%d", 1.0, integer=True),
        "hour_f": TimeFormat("%y%m%d%H", 1.0, integer=True),
    }
    got = _athena(shop, "digits", {n: sql_parse_times(f'"{n}"', tf) for n, tf in tfs.items()})
    for name, tf in tfs.items():
        want = _as_list(parse_times(frame[name], tf.format))
        assert _as_list(got[name]) == want, name
    day = _as_list(parse_times(frame["day"], "%Y%m%d"))
    assert day == [1706659200, 946598400, None, None, None, None, 946684800, 4102358400]
    hour = _as_list(parse_times(frame["hour"], "%y%m%d%H"))
    assert hour[:4] == [1413849600, 1104537600, 946681200, None]
