"""The fix plan: what each column needs before Clean Rooms ML can read it, and applying it.

Suggestions follow meaning, fixes follow storage. A column that means the time, the user or
the item keeps that role; when its storage must change (text dates, float ids, raw e-mails),
the schema carries one :class:`Fix` for it. Each fix holds the pandas code a person would
write and the Athena (Trino) SQL expression that computes the same value, so a fix runs
in-process (:func:`apply_fixes`) or in Athena (``fix_glue_table``) with equal results.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from cleanroom_nb import _roles
from cleanroom_nb.infer._patterns import EMAIL, PHONE

if TYPE_CHECKING:
    from cleanroom_nb.infer._schema import ColumnSchema, TrainingSchema

UNIT_DIVISORS = {"s": 1, "ms": 1_000, "us": 1_000_000, "ns": 1_000_000_000}
_INT_TYPES = ("bigint", "int")
_FLOAT_TYPES = ("double", "float")


@dataclass(frozen=True)
class Fix:
    """One change a column needs before Clean Rooms ML can use it.

    Attributes
    ----------
    column
        The column as named in the schema (the DataFrame's name; the Glue name for Glue
        schemas).
    kind
        ``"to_epoch_seconds"``, ``"to_int_id"``, ``"hash_email"``, ``"hash_phone"`` or
        ``"cast"``.
    what
        What the fix does, in words.
    why
        The finding it resolves, in words.
    code
        The code of the finding it resolves (``"timestamp_text"``, ``"float_id"``,
        ``"raw_pii"``, ``"glue_type"``, ``"timestamp_unit"``, ``"timestamp_datetime"``).
    pandas
        The pandas code a person would write for it.
    sql
        The Athena (Trino) SQL expression computing the new value from the quoted Glue column;
        values that cannot be converted give NULL.
    new_glue_type
        The column's Glue type after the fix.
    params
        What the fix needs to run: ``{"format": "%m/%d/%Y %H:%M", "tz": "UTC"}``,
        ``{"unit": "ms"}``, ``{"to": "bigint"}`` ...

    Examples
    --------
    >>> import pandas as pd
    >>> import cleanroom_nb as crn
    >>> df = pd.DataFrame({"user_id": [f"u{i % 30}" for i in range(300)],
    ...                    "item_id": [i % 41 for i in range(300)],
    ...                    "t_dat": [f"2018-09-{1 + i % 28:02d}" for i in range(300)]})
    >>> fix = crn.infer_schema(df).fixes[0]
    >>> fix.column, fix.kind, fix.params["format"]
    ('t_dat', 'to_epoch_seconds', '%Y-%m-%d')
    >>> fix.sql  # doctest: +ELLIPSIS
    'CAST(floor(to_unixtime(try(date_parse(regexp_replace("t_dat", U&...), \\'%Y-%c-%e\\')))) AS BIGINT)'
    """

    column: str
    kind: str
    what: str
    why: str
    code: str
    pandas: str
    sql: str
    new_glue_type: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def _repr_html_(self) -> str:
        import html

        return (
            f"<div><b>{html.escape(self.column)}</b>: {html.escape(self.what)}<br>"
            f"<small>{html.escape(self.why)}</small><br>"
            f"<code>{html.escape(self.pandas)}</code><br><code>{html.escape(self.sql)}</code>"
            "</div>"
        )


def plan_fixes(schema: TrainingSchema) -> tuple[Fix, ...]:
    """One fix per column of ``to_api()`` whose storage must change (see :class:`Fix`)."""
    out = []
    for c in schema.columns:
        if c.role is None:
            continue
        fix = plan_fix(c, sql_name=schema.api_name(c))
        if fix is not None:
            out.append(fix)
    return tuple(out)


def plan_fix(c: ColumnSchema, *, sql_name: str | None = None) -> Fix | None:
    """The fix ``c`` needs for its role, or None when it is fine as it is."""
    quoted = '"' + (sql_name or c.glue_name).replace('"', '""') + '"'
    ref = f"df[{c.name!r}]"
    if c.role == _roles.TIMESTAMP:
        return _time_fix(c, quoted, ref)
    if c.role in (_roles.USER_ID, _roles.ITEM_ID):
        return _id_fix(c, quoted, ref)
    if c.role is not None:
        return _feature_fix(c, quoted, ref)
    return None


def _fix(c: ColumnSchema, ref: str, pandas_expr: str, **kw: Any) -> Fix:
    return Fix(column=c.name, pandas=f"{ref} = {pandas_expr}", **kw)


def _time_fix(c: ColumnSchema, quoted: str, ref: str) -> Fix | None:
    from cleanroom_nb.infer._timeformat import sql_parse_times

    p = c.profile
    base = _roles.base_glue_type(c.glue_type)
    if p is not None and p.time_format is not None and (base == "string" or p.time_format.integer):
        tf = p.time_format
        tz = "offset in the text" if tf.has_zone else "UTC"
        return _fix(
            c,
            ref,
            f"crn.to_epoch_seconds({ref}, format={tf.format!r}, errors='coerce')",
            kind="to_epoch_seconds",
            what=f"parse text like {tf.example!r} ({tf.describe()}) into int64 epoch seconds",
            why=f"{c.name!r} holds times as text; TIMESTAMP takes Unix epoch seconds",
            code="timestamp_text",
            sql=sql_parse_times(quoted, tf),
            new_glue_type="bigint",
            params={"format": tf.format, "tz": tz, "offset": tf.offset, "zoned": tf.zoned},
        )
    unit = p.time_unit if p is not None else None
    if base == "timestamp" or base == "date":
        value = quoted if base == "timestamp" else f"CAST({quoted} AS timestamp)"
        return _fix(
            c,
            ref,
            f"crn.to_epoch_seconds({ref})",
            kind="to_epoch_seconds",
            what="turn datetimes (naive = UTC) into int64 epoch seconds",
            why=f"{c.name!r} holds {'dates' if base == 'date' else 'datetimes'}; Clean Rooms "
            "ML reads Unix epoch seconds",
            code="timestamp_datetime" if base == "timestamp" else "glue_type",
            sql=f"CAST(floor(to_unixtime({value})) AS BIGINT)",
            new_glue_type="bigint",
            params={"from": base},
        )
    if unit is None or (unit == "s" and base in _INT_TYPES):
        return None
    div = UNIT_DIVISORS[unit]
    if base in _INT_TYPES:
        value, code = quoted, "timestamp_unit"
    elif base in _FLOAT_TYPES:
        value, code = quoted, "glue_type"
    else:
        value, code = f"try(CAST(trim({quoted}) AS DOUBLE))", "timestamp_text"
    expr = f"floor({value} / {div})" if div > 1 else f"floor({value})"
    return _fix(
        c,
        ref,
        f"crn.to_epoch_seconds({ref}, unit={unit!r})",
        kind="to_epoch_seconds",
        what=f"turn Unix epoch {unit} ({c.glue_type}) into int64 epoch seconds (floor)",
        why=f"{c.name!r} holds Unix epoch {unit} as {c.glue_type}; TIMESTAMP takes epoch "
        "seconds as bigint",
        code=code,
        sql=f"CAST({expr} AS BIGINT)",
        new_glue_type="bigint",
        params={"unit": unit},
    )


def _id_fix(c: ColumnSchema, quoted: str, ref: str) -> Fix | None:
    p = c.profile
    base = _roles.base_glue_type(c.glue_type)
    if c.role == _roles.USER_ID and p is not None and p.has(EMAIL, PHONE) and base == "string":
        email = p.has(EMAIL)
        norm = f"lower(trim({quoted}))" if email else f"regexp_replace({quoted}, '[^0-9]', '')"
        what = "the trimmed, lowercased e-mail" if email else "the phone number's digits"
        return _fix(
            c,
            ref,
            f"crn.hash_identifier({ref}, kind={'email' if email else 'digits'!r})",
            kind="hash_email" if email else "hash_phone",
            what=f"replace each value by the SHA-256 hex of {what}",
            why=f"{c.name!r} is raw personal data ({'e-mails' if email else 'phone numbers'}); "
            "Clean Rooms ML needs a pseudonymous id",
            code="raw_pii",
            sql=f"lower(to_hex(sha256(to_utf8({norm}))))",
            new_glue_type="string",
            params={"normalise": "lower(trim())" if email else "digits only"},
        )
    if base in _FLOAT_TYPES and (p is None or p.integral):
        return _fix(
            c,
            ref,
            f"{ref}.astype('Int64')",
            kind="to_int_id",
            what="cast whole numbers stored as float (because of missing values) to Int64",
            why=f"{c.name!r} is {c.glue_type}; {c.role} takes bigint, int or string",
            code="float_id",
            sql=f"try(CAST({quoted} AS BIGINT))",
            new_glue_type="bigint",
            params={"to": "bigint"},
        )
    if base in ("tinyint", "smallint"):
        return _cast_fix(c, quoted, ref, "bigint")
    return None


def _feature_fix(c: ColumnSchema, quoted: str, ref: str) -> Fix | None:
    base = _roles.base_glue_type(c.glue_type)
    if base in ("tinyint", "smallint"):
        return _cast_fix(c, quoted, ref, "int")
    if base == "decimal":
        return _cast_fix(c, quoted, ref, "double")
    return None


def _cast_fix(c: ColumnSchema, quoted: str, ref: str, to: str) -> Fix:
    dtype = {"bigint": "int64", "int": "int32", "double": "float64"}[to]
    sql_type = {"bigint": "BIGINT", "int": "INTEGER", "double": "DOUBLE"}[to]
    return _fix(
        c,
        ref,
        f"{ref}.astype({dtype!r})",
        kind="cast",
        what=f"cast {c.glue_type} to {to}",
        why=f"{c.role} does not take Glue type {c.glue_type}",
        code="glue_type",
        sql=f"CAST({quoted} AS {sql_type})",
        new_glue_type=to,
        params={"to": to},
    )


def fix_text(fix: Fix) -> str:
    """The fix as a sentence for a finding: what to run."""
    return f"Fix: {fix.what}: {fix.pandas} (or crn.apply_fixes(df, schema))."
