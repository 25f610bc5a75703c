"""The one table of time-format specifiers: strftime, Athena ``date_parse``, Joda, DuckDB.

It sits at the package root (shared vocabulary) because two stages read it: ``infer`` (the SQL
the library writes) and ``local`` (the local Athena), which may import only the root and
``aws``.

Each row says how one field of a time (a 4-digit year, a month number, AM/PM, ...) is written in

- ``strftime``: Python's and pandas' ``to_datetime(format=...)`` (the library's own language);
- ``mysql``: Athena's (Trino's) ``date_parse``, MySQL-style specifiers;
- ``joda``: Athena's ``parse_datetime``, Joda-Time pattern letters;
- ``duckdb``: DuckDB's ``strptime`` (the local Athena runs Athena's SQL on DuckDB).

Every translation reads this table, in both directions: strftime -> ``date_parse`` and strftime
-> Joda for the SQL the library writes, and Joda -> DuckDB for the local Athena's
``parse_datetime`` (``cleanroom_nb.local.athena._trino``).

Why the table is ours and not sqlglot's: sqlglot is not a dependency of the library (only of the
tests and the local Athena), so the library cannot import its ``TIME_MAPPING`` at run time. A
test (``tests/infer/test_timetable.py``) checks that every row agrees with sqlglot's Trino
(MySQL-style) and Hive (Joda) mappings wherever both define the specifier.

Numbers parse 1 or 2 digits in every engine for the "lenient" rows (``%c``, ``%e``, ``%k``,
``%l`` in ``date_parse``; ``M``, ``d``, ``H``, ``h`` in Joda), as pandas' ``%m``/``%d``/``%H``
do: ``"1/5/2024"`` reads the same everywhere.

Sources: https://trino.io/docs/current/functions/datetime.html#mysql-date-functions,
https://trino.io/docs/current/functions/datetime.html#joda-functions,
https://duckdb.org/docs/stable/sql/functions/dateformat.html

Examples
--------
>>> to_mysql("%m/%d/%Y %I:%M:%S %p")
'%c/%e/%Y %l:%i:%s %p'
>>> to_joda("%a, %d %b %Y %H:%M:%S %z")
"EEE', 'dd' 'MMM' 'yyyy' 'HH':'mm':'ss' 'Z"
>>> JODA_TO_DUCKDB["yyyy"], JODA_TO_DUCKDB["M"]
('%Y', '%-m')
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Specifier:
    """One field of a time as each engine writes it (``None``: the engine has no such field).

    Attributes
    ----------
    strftime
        Python's directive (``"%-m"``-style rows are glibc's unpadded variants, used only to
        read Joda's one-letter fields).
    mysql
        Athena ``date_parse`` (MySQL-style) specifier.
    joda
        Athena ``parse_datetime`` (Joda-Time) letters.
    duckdb
        DuckDB ``strptime`` specifier.
    meaning
        The field in words.
    """

    strftime: str
    mysql: str | None
    joda: str | None
    duckdb: str
    meaning: str


SPECIFIERS: tuple[Specifier, ...] = (
    Specifier("%Y", "%Y", "yyyy", "%Y", "year, 4 digits"),
    Specifier("%y", "%y", "yy", "%y", "year, 2 digits"),
    Specifier("%m", "%c", "MM", "%m", "month number, 1 or 2 digits"),
    Specifier("%d", "%e", "dd", "%d", "day of the month, 1 or 2 digits"),
    Specifier("%H", "%k", "HH", "%H", "hour 0-23, 1 or 2 digits"),
    Specifier("%I", "%l", "hh", "%I", "hour 1-12, 1 or 2 digits"),
    Specifier("%M", "%i", "mm", "%M", "minutes, 2 digits"),
    Specifier("%S", "%s", "ss", "%S", "seconds, 2 digits"),
    Specifier("%f", "%f", "SSSSSS", "%f", "fraction of a second, microseconds"),
    Specifier("%p", "%p", "a", "%p", "AM or PM"),
    Specifier("%b", "%b", "MMM", "%b", "month name, abbreviated (Jan)"),
    Specifier("%B", "%M", "MMMM", "%B", "month name in full (January)"),
    Specifier("%a", "%a", "EEE", "%a", "weekday name, abbreviated (Mon)"),
    Specifier("%A", "%W", "EEEE", "%A", "weekday name in full (Monday)"),
    Specifier("%z", None, "Z", "%z", "UTC offset (+0100, -05:00)"),
    # Joda's other spellings, read by the local Athena's parse_datetime.
    Specifier("%Y", None, "YYYY", "%Y", "year of era, 4 digits"),
    Specifier("%-m", "%c", "M", "%-m", "month number, unpadded"),
    Specifier("%-d", "%e", "d", "%-d", "day of the month, unpadded"),
    Specifier("%-H", "%k", "H", "%-H", "hour 0-23, unpadded"),
    Specifier("%-I", "%l", "h", "%-I", "hour 1-12, unpadded"),
    Specifier("%-M", None, "m", "%-M", "minutes, unpadded"),
    Specifier("%-S", None, "s", "%-S", "seconds, unpadded"),
    Specifier("%f", None, "SSS", "%g", "milliseconds"),
    Specifier("%z", None, "ZZ", "%z", "UTC offset with a colon (-05:00)"),
)
"""Every specifier the library writes or the local Athena reads, one row each."""

_PRIMARY: dict[str, Specifier] = {}
for _row in SPECIFIERS:
    if not _row.strftime.startswith("%-"):
        _PRIMARY.setdefault(_row.strftime, _row)
STRFTIME_TO_MYSQL: dict[str, str] = {k: s.mysql for k, s in _PRIMARY.items() if s.mysql}
"""strftime directive -> Athena ``date_parse`` specifier."""
STRFTIME_TO_JODA: dict[str, str] = {k: s.joda for k, s in _PRIMARY.items() if s.joda}
"""strftime directive -> Joda letters (Athena ``parse_datetime``)."""
JODA_TO_DUCKDB: dict[str, str] = {s.joda: s.duckdb for s in SPECIFIERS if s.joda}
"""Joda letters -> DuckDB ``strptime`` specifier (the local Athena's ``parse_datetime``)."""

_DIRECTIVE = re.compile(r"(%[A-Za-z])")


def to_mysql(fmt: str) -> str:
    """A strftime pattern as an Athena ``date_parse`` format (MySQL-style specifiers).

    Raises ``KeyError`` for a directive ``date_parse`` has no specifier for (``%z``).

    Examples
    --------
    >>> to_mysql("%Y-%m-%d %H")
    '%Y-%c-%e %k'
    """
    out = []
    for part in _DIRECTIVE.split(fmt):
        if _DIRECTIVE.fullmatch(part):
            out.append(STRFTIME_TO_MYSQL[part])
        else:
            out.append(part)
    return "".join(out)


def to_joda(fmt: str) -> str:
    """A strftime pattern as a Joda-Time pattern (Athena's ``parse_datetime``); text is quoted.

    Examples
    --------
    >>> to_joda("%d/%m/%Y %H:%M")
    "dd'/'MM'/'yyyy' 'HH':'mm"
    """
    out = []
    for part in _DIRECTIVE.split(fmt):
        if _DIRECTIVE.fullmatch(part):
            out.append(STRFTIME_TO_JODA[part])
        elif part:
            out.append("'" + part.replace("'", "''") + "'")
    return "".join(out)
