"""Trino's semantics where DuckDB's differ: division, Joda patterns, unknown functions.

The translation must never change a figure silently:

- integer ``/`` truncates toward zero (DuckDB's ``//``), a decimal ``/`` is rounded to the
  larger scale of its operands (a literal such as ``3.0`` is a DECIMAL in Trino), a double
  ``/`` is exact; integer and decimal division by zero fail with ``DIVISION_BY_ZERO`` (DuckDB
  returns NULL); a division whose operand types cannot be told is refused;
- ``parse_datetime`` takes Joda-Time patterns: common letters are converted to strptime's,
  by the library's one table of time specifiers (``cleanroom_nb._timetable``);
- functions sqlglot does not know are refused (a same-named DuckDB function may differ);
- ``CAST(double AS bigint)`` rounds half away from zero, as Trino's ``HALF_UP``.

Sources: https://trino.io/docs/current/functions/math.html#mathematical-operators,
https://trino.io/docs/current/language/types.html#decimal,
https://trino.io/docs/current/functions/datetime.html#joda-functions

Examples
--------
>>> joda_to_strftime("yyyy-MM-dd'T'HH:mm:ss.SSS")
'%Y-%m-%dT%H:%M:%S.%g'
"""

from __future__ import annotations

import re

from sqlglot import exp

from cleanroom_nb._timetable import JODA_TO_DUCKDB
from cleanroom_nb.local.athena._errors import QueryError


def position(sql: str, node: exp.Expr | None) -> str:
    """``line L:C: `` of a node in the original text (Trino's 1-based start), or ``""``."""
    idents = [] if node is None else [i for i in node.find_all(exp.Identifier) if "start" in i.meta]
    ident = min(idents, key=lambda i: int(i.meta["start"]), default=None)
    meta = ident.meta if ident is not None else {}
    if "start" in meta:
        start = int(meta["start"])
        if ident is not None and ident.quoted and start > 0 and sql[start - 1] == '"':
            start -= 1
        line = sql.count("\n", 0, start) + 1
        col = start - (sql.rfind("\n", 0, start) + 1) + 1
        return f"line {line}:{col}: "
    return ""


def joda_to_strftime(pattern: str) -> str:
    """A Joda-Time pattern (Trino's ``parse_datetime``) as a DuckDB strptime format.

    Raises :class:`QueryError` (``NOT_SUPPORTED``) for letters it does not translate.
    """
    out, i = [], 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "'":
            end = pattern.find("'", i + 1)
            if end < 0:
                raise QueryError(f"INVALID_FUNCTION_ARGUMENT: unterminated quote in {pattern!r}")
            out.append("'" if end == i + 1 else pattern[i + 1 : end].replace("%", "%%"))
            i = end + 1
            continue
        if ch.isalpha():
            run = len(pattern) - i - len(pattern[i:].lstrip(ch))
            token = pattern[i : i + run]
            match = JODA_TO_DUCKDB.get(token)
            if match is None:
                raise QueryError(
                    f"NOT_SUPPORTED: the local Athena cannot translate the Joda pattern "
                    f"{token!r} of {pattern!r}; use date_parse with a MySQL-style format"
                )
            out.append(match)
            i += run
            continue
        out.append("%%" if ch == "%" else ch)
        i += 1
    return "".join(out)


_UNICODE_ESCAPE = re.compile(r"\\(\\|\+[0-9A-Fa-f]{6}|[0-9A-Fa-f]{4})")


def decode_unicode_strings(tree: exp.Expr) -> None:
    r"""Trino's ``U&'...'`` literals as plain strings of their characters.

    ``\XXXX`` and ``\+XXXXXX`` are code points, ``\\`` a backslash
    (https://trino.io/docs/current/language/types.html#varchar); older sqlglot releases write
    them as ``\uXXXX``, which DuckDB does not read, so the local Athena decodes them itself.

    Examples
    --------
    >>> import sqlglot
    >>> tree = sqlglot.parse_one(r"SELECT U&'a\0041\+000042'", read="trino")
    >>> decode_unicode_strings(tree)
    >>> tree.sql("duckdb")
    "SELECT 'aAB'"
    """
    for node in list(tree.find_all(exp.UnicodeString)):
        if node.args.get("escape"):
            raise QueryError("NOT_SUPPORTED: UESCAPE is not supported by the local Athena")

        def char(m: re.Match[str]) -> str:
            code = m.group(1)
            return "\\" if code == "\\" else chr(int(code.lstrip("+"), 16))

        node.replace(exp.Literal.string(_UNICODE_ESCAPE.sub(char, str(node.this))))


def check_functions(sql: str, tree: exp.Expr) -> None:
    """Decode ``U&`` strings, convert Joda patterns; refuse functions sqlglot passes through
    untranslated."""
    decode_unicode_strings(tree)
    for node in list(tree.find_all(exp.ParseDatetime)):
        fmt = node.args.get("format")
        if not isinstance(fmt, exp.Literal) or not fmt.is_string:
            raise QueryError(
                f"NOT_SUPPORTED: {position(sql, node)}parse_datetime needs a literal pattern "
                "in the local Athena"
            )
        node.replace(
            exp.StrToTime(this=node.this, format=exp.Literal.string(joda_to_strftime(fmt.name)))
        )
    for anon in tree.find_all(exp.Anonymous):
        raise QueryError(
            f"NOT_SUPPORTED: {position(sql, anon)}function {anon.name.lower()!r} is not "
            "supported by the local Athena (it cannot be translated to DuckDB faithfully)"
        )


_T = exp.DataType.Type


def _operand_kind(e: exp.Expr) -> tuple[str, int]:
    """``("int" | "decimal" | "float" | "unknown", scale)`` of a division operand, by Trino's
    typing: a literal with a point and no exponent is a DECIMAL (sqlglot calls it DOUBLE)."""
    while isinstance(e, exp.Paren | exp.Neg):
        e = e.this
    if isinstance(e, exp.Literal) and e.is_number:
        text = e.name.lower()
        if "e" in text:
            return "float", 0
        return ("decimal", len(text.split(".", 1)[1])) if "." in text else ("int", 0)
    if (
        isinstance(e, exp.Cast)
        and e.to.is_type(_T.DECIMAL)
        and not e.to.expressions
        and isinstance(e.this, exp.Literal)
    ):
        text = e.this.name
        return "decimal", len(text.split(".", 1)[1]) if "." in text else 0
    for lit in e.find_all(exp.Literal):
        if lit.is_number and "." in lit.name and "e" not in lit.name.lower():
            return "unknown", 0  # decimal arithmetic inside: sqlglot's types are not Trino's
    t = e.type
    kind = t.this if t is not None else _T.UNKNOWN
    if kind in exp.DataType.INTEGER_TYPES:
        return "int", 0
    if kind == _T.DECIMAL and t is not None:
        params = t.expressions
        if len(params) == 2:
            return "decimal", int(params[1].name)
        return ("decimal", 0) if len(params) == 1 else ("unknown", 0)
    if kind in (_T.FLOAT, _T.DOUBLE, _T.NULL):
        return "float", 0
    return "unknown", 0


def _zero_guard(divisor: exp.Expr) -> exp.Expr:
    """``divisor``, failing the query with Trino's DIVISION_BY_ZERO when it is 0."""
    fail = exp.Anonymous(
        this="error", expressions=[exp.Literal.string("DIVISION_BY_ZERO: Division by zero")]
    )
    case = exp.Case(
        ifs=[exp.If(this=exp.EQ(this=divisor.copy(), expression=exp.Literal.number(0)), true=fail)],
        default=divisor.copy(),
    )
    return exp.Paren(this=case)


def guard_division(sql: str, tree: exp.Expr) -> None:
    """Give ``/`` and ``%`` Trino's meaning, or refuse them.

    Integers: ``//`` (truncates toward zero, like Trino). Decimals: rounded to the larger scale
    of the operands, as Trino's decimal division. Doubles: as they are. Integer and decimal
    division by zero fails. Operands whose type cannot be told are refused.
    """
    for node in reversed(list(tree.find_all(exp.Div, exp.Mod))):
        kinds = [_operand_kind(node.this), _operand_kind(node.expression)]
        if any(k == "unknown" for k, _ in kinds):
            raise QueryError(
                f"NOT_SUPPORTED: {position(sql, node)}the local Athena cannot tell the operand "
                "types of this division the way Trino does; CAST its operands (e.g. AS DOUBLE)"
            )
        if any(k == "float" for k, _ in kinds):
            node.set("typed", False)
            continue
        guarded = _zero_guard(node.expression)
        if isinstance(node, exp.Mod):
            node.set("expression", guarded)
            continue
        if all(k == "int" for k, _ in kinds):
            new: exp.Expr = exp.IntDiv(this=node.this.copy(), expression=guarded)
            new.type = node.type
        else:
            scale = max(s for _, s in kinds)
            as_double = exp.Cast(this=node.this.copy(), to=exp.DataType.build("DOUBLE"))
            quotient = exp.Div(this=as_double, expression=guarded, typed=False)
            rounded = exp.Round(this=quotient, decimals=exp.Literal.number(scale))
            target = exp.DataType.build(f"DECIMAL(38, {scale})")
            new = exp.Cast(this=rounded, to=target)
            new.type = target
        node.replace(new)


def substitute_parameters(sql: str, params: list[str] | None) -> str:
    """Put ``ExecutionParameters`` in place of the ``?`` placeholders, in order.

    Athena applies the values "sequentially to the parameters in the query in the order in
    which the parameters occur"; each value is SQL text (a string value comes quoted)
    (https://docs.aws.amazon.com/athena/latest/APIReference/API_StartQueryExecution.html).

    Examples
    --------
    >>> substitute_parameters("SELECT * FROM t WHERE a = ? AND b = '?'", ["'x'"])
    "SELECT * FROM t WHERE a = 'x' AND b = '?'"
    """
    from sqlglot.dialects.trino import Trino
    from sqlglot.errors import TokenError
    from sqlglot.tokens import TokenType

    try:
        tokens = Trino().tokenize(sql)
    except TokenError as exc:
        raise QueryError(f"SYNTAX_ERROR: {exc}") from exc
    spots = [t for t in tokens if t.token_type == TokenType.PLACEHOLDER and t.text == "?"]
    given = list(params or [])
    if len(spots) != len(given):
        raise QueryError(
            "INVALID_PARAMETER_USAGE: Incorrect number of parameters: expected "
            f"{len(spots)} but found {len(given)}"
        )
    out, last = [], 0
    for tok, value in zip(spots, given, strict=True):
        out.extend([sql[last : tok.start], value])
        last = tok.end + 1
    out.append(sql[last:])
    return "".join(out)


def round_float_casts(tree: exp.Expr) -> None:
    """``CAST(double AS integer)`` rounds half away from zero in Trino (``HALF_UP``: 2.5 -> 3),
    half to even in DuckDB (2.5 -> 2): round first, as DuckDB's ``round`` goes half away."""
    for node in list(tree.find_all(exp.Cast)):
        target = node.to
        operand = node.this
        kind = operand.type.this if operand.type is not None else _T.UNKNOWN
        if target.this in exp.DataType.INTEGER_TYPES and kind in (_T.FLOAT, _T.DOUBLE):
            rounded = exp.Round(this=operand.copy())
            rounded.type = operand.type
            node.set("this", rounded)
