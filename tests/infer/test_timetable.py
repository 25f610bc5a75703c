"""The one time-format table agrees with sqlglot's own mappings wherever both define a field.

sqlglot is a test (and local Athena) dependency, not a library one, so the library keeps its
own table (``cleanroom_nb._timetable``); this test is what keeps the two in step:

- ``date_parse`` (MySQL-style): sqlglot's Trino ``TIME_MAPPING`` (MySQL's), specifier ->
  strftime (https://trino.io/docs/current/functions/datetime.html#mysql-date-functions);
- Joda (``parse_datetime``): sqlglot's Hive ``TIME_MAPPING`` (Java date patterns), letters ->
  strftime (https://trino.io/docs/current/functions/datetime.html#joda-functions).
"""

from __future__ import annotations

import re

import pytest
from sqlglot.dialects.hive import Hive
from sqlglot.dialects.trino import Trino

from cleanroom_nb._timetable import (
    JODA_TO_DUCKDB,
    SPECIFIERS,
    STRFTIME_TO_JODA,
    STRFTIME_TO_MYSQL,
    Specifier,
    to_joda,
    to_mysql,
)
from cleanroom_nb.fixes._timeformat import FORMATS, ISO8601
from cleanroom_nb.local.athena._trino import joda_to_strftime

# Parsing reads 1 or 2 digits for both spellings: pandas' %m reads "1" as sqlglot's %-m does.
_SAME = {"%-m": "%m", "%-d": "%d", "%-H": "%H", "%-I": "%I", "%-M": "%M", "%-S": "%S"}


def _norm(directive: str) -> str:
    directive = directive.replace("strict", "")  # sqlglot >= 30.x: Hive's strict MM -> %m
    return _SAME.get(directive, directive)


@pytest.mark.parametrize("spec", SPECIFIERS, ids=[s.meaning for s in SPECIFIERS])
def test_each_row_agrees_with_sqlglot(spec: Specifier) -> None:
    mysql_map = Trino.TIME_MAPPING
    joda_map = Hive.TIME_MAPPING
    compared = 0
    if spec.mysql is not None:
        # sqlglot leaves specifiers that mean the same in strftime (%Y, %b, %p) unmapped.
        theirs = mysql_map.get(spec.mysql, spec.mysql)
        assert _norm(theirs) == _norm(spec.strftime), spec
        compared += 1
    if spec.joda is not None and spec.joda in joda_map:
        theirs = joda_map[spec.joda]
        assert _norm(theirs) == _norm(spec.strftime), spec
        compared += 1
    assert compared or spec.joda in ("SSS", "ZZ"), spec


def test_every_directive_the_detector_uses_has_a_sql_spelling() -> None:
    """Every format the detector can return has a date_parse or a Joda spelling."""
    for fmt in FORMATS:
        if fmt == ISO8601:
            continue
        for d in re.findall(r"%[A-Za-z]", fmt):
            assert d in STRFTIME_TO_JODA, (fmt, d)
            assert d in STRFTIME_TO_MYSQL or d == "%z", (fmt, d)


def test_strftime_to_joda_and_back_is_the_identity_for_parsing() -> None:
    """strftime -> Joda (the library's SQL) -> DuckDB (the local Athena) reads the same."""
    for fmt in FORMATS:
        if fmt == ISO8601:
            continue
        back = joda_to_strftime(to_joda(fmt))
        assert back.replace("%%", "%") == fmt, (fmt, to_joda(fmt), back)


def test_translations_in_both_directions() -> None:
    assert to_mysql("%d/%m/%Y %I:%M:%S %p") == "%e/%c/%Y %l:%i:%s %p"
    assert to_mysql("%y%m%d%H") == "%y%c%e%k"
    assert to_joda("%B %d, %Y") == "MMMM' 'dd', 'yyyy"
    assert JODA_TO_DUCKDB["SSS"] == "%g" and JODA_TO_DUCKDB["h"] == "%-I"
    with pytest.raises(KeyError):
        to_mysql("%Y %z")  # date_parse has no offset field: the SQL uses Joda or ISO 8601
