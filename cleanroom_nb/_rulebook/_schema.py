"""Rules of a training schema: roles, Glue types, column names, the TIMESTAMP column, raw PII.

Infer (``schema.findings``), request (``validate_request``), readiness and the form all build
these findings here, so each says the same thing and gives the same fix advice everywhere.
"""

from __future__ import annotations

from collections.abc import Sequence

from cleanroom_nb import _roles
from cleanroom_nb._findings import Finding, FindingCode, Level
from cleanroom_nb._rulebook._registry import rule

SCHEMA = "schema"
"""The path of findings about the schema as a whole."""


def column_path(name: str) -> str:
    """The path of findings about one column of a schema: ``"columns.<name>"``."""
    return f"columns.{name}"


def type_fix_advice(glue_type: str, role: str | None = None) -> str:
    """How to make a column of ``glue_type`` usable (for ``role``, or for any role when None).

    The one place that says how to fix a column's type; a clause in lower case, no full stop.

    Examples
    --------
    >>> type_fix_advice("smallint")[:40]
    'cast it to int or bigint (pandas int8/in'
    >>> type_fix_advice("double", "USER_ID")
    'cast it to int64 or string'
    """
    t = _roles.base_glue_type(glue_type)
    if t in ("tinyint", "smallint"):
        return (
            "cast it to int or bigint (pandas int8/int16 columns become tinyint/smallint: "
            "cast them to int32/int64 before writing, or ALTER TABLE ... CHANGE COLUMN)"
        )
    if role == _roles.TIMESTAMP and t in ("string", "date", "double", "float"):
        return "convert it to int64 Unix epoch seconds with cleanroom_nb.to_epoch_seconds"
    if t == "date":
        return (
            "store it as bigint Unix epoch seconds for a TIMESTAMP "
            "(cleanroom_nb.to_epoch_seconds), or as a string for a categorical feature"
        )
    if t == "decimal":
        return "cast it to double (float64)" + (
            " for a numerical feature, or to bigint" if role is None else ""
        )
    if t in ("double", "float") and role in (_roles.USER_ID, _roles.ITEM_ID):
        return "cast it to int64 or string"
    if t in ("struct", "map"):
        return "flatten it into scalar columns (string, int, bigint, double)"
    if t == "binary":
        return "encode it as a string (e.g. hex) for an identifier or categorical feature"
    if role is not None:
        return "cast it to an accepted type or choose another role"
    return "cast it to one of string, int, bigint, float, double, boolean or timestamp"


def sentence(clause: str) -> str:
    """``clause`` as a sentence: capital first letter and a full stop."""
    return clause[:1].upper() + clause[1:] + ("" if clause.endswith(".") else ".")


# -------------------------------------------------------------------------------- roles
@rule(FindingCode.MISSING_ROLE)
def missing_role(
    role: str, *, why: str | None = None, path: str = SCHEMA, how: str | None = None
) -> Finding:
    """No column has ``role`` (one USER_ID, ITEM_ID and TIMESTAMP each are required).

    ``why`` says why none fits (from inference); ``how`` how to give it on this path (the
    request's ``columnTypes``, ``schema.with_role``, the form's menu).

    Examples
    --------
    >>> print(missing_role("ITEM_ID").message)
    no ITEM_ID column: no column has this role. Give exactly one column the role ITEM_ID (schema.with_role(column, 'ITEM_ID')).
    """
    how = how if how is not None else f"schema.with_role(column, {role!r})"
    return Finding(
        "error",
        path,
        FindingCode.MISSING_ROLE,
        f"no {role} column: {why or 'no column has this role'}. Give exactly one column the "
        f"role {role} ({how}).",
    )


@rule(FindingCode.DUPLICATE_ROLE)
def duplicate_role(role: str, columns: Sequence[str], *, path: str = SCHEMA) -> Finding:
    """More than one column has ``role``, which must be given exactly once."""
    names = ", ".join(repr(c) for c in columns)
    return Finding(
        "error",
        path,
        FindingCode.DUPLICATE_ROLE,
        f"{role} is given to {len(columns)} columns ({names}); keep it on exactly one and give "
        "the others a feature role or leave them out.",
    )


@rule(FindingCode.TOO_MANY_FEATURES)
def too_many_features(n_features: int, *, path: str = SCHEMA) -> Finding:
    """More feature columns than Clean Rooms ML takes."""
    return Finding(
        "error",
        path,
        FindingCode.TOO_MANY_FEATURES,
        f"{n_features} feature columns; Clean Rooms ML takes at most {_roles.MAX_FEATURES}. "
        f"Leave {n_features - _roles.MAX_FEATURES} of them out.",
    )


@rule(FindingCode.DUPLICATE_COLUMN)
def duplicate_column(name: str, first_index: int, first_name: str, *, path: str) -> Finding:
    """A column listed twice in the request's schema (Glue names ignore case)."""
    same = first_name == name
    return Finding(
        "error",
        path,
        FindingCode.DUPLICATE_COLUMN,
        f"column {name!r} is listed again (first at schema[{first_index}]"
        + ("" if same else f" as {first_name!r}; Glue names ignore case")
        + "); list each column once",
    )


@rule(FindingCode.INFERENCE_FAILED)
def inference_failed(error: BaseException) -> Finding:
    """Inference raised ``error``: every column is left out, and the roles are the user's to set."""
    return Finding(
        "warning",
        SCHEMA,
        FindingCode.INFERENCE_FAILED,
        f"schema inference failed ({type(error).__name__}); set the roles by hand with "
        "schema.with_roles({...}) or fix the column types and try again",
    )


# -------------------------------------------------------------------------------- types
@rule(FindingCode.GLUE_TYPE)
def glue_type(
    name: str,
    glue_type: str,
    role: str,
    *,
    path: str,
    where: str | None = None,
    why: str | None = None,
    how: str | None = None,
) -> Finding:
    """``role`` does not accept the column's Glue type; says how to cast it.

    ``why`` and ``how`` come from the column's planned fix when there is one (its reason and
    the code that fixes it); else the advice is :func:`type_fix_advice`.
    """
    if why is not None:
        return _fix_finding(FindingCode.GLUE_TYPE, name, role, why, how, path)
    place = f" in {where}" if where else ""
    return Finding(
        "error",
        path,
        FindingCode.GLUE_TYPE,
        f"column {name!r} has Glue type {glue_type}{place}, which {role} does not accept (it "
        f"takes {_roles.accepted_types_text(role)}). {sentence(type_fix_advice(glue_type, role))}",
    )


@rule(FindingCode.GLUE_TYPE_SYNONYM)
def glue_type_synonym(
    name: str, glue_type: str, role: str, listed: str, *, path: str, where: str
) -> Finding:
    """The Glue type is read as an accepted one but is not among the documented names."""
    return Finding(
        "warning",
        path,
        FindingCode.GLUE_TYPE_SYNONYM,
        f"column {name!r} has Glue type {glue_type} in {where}; the Clean Rooms ML "
        f"documentation lists only {_roles.accepted_types_text(role)} for {role}, not "
        f"{glue_type}. To stay within the documented types, change the column's type in the "
        f"Glue table to {listed} (cast it to {listed}), which reads the same stored values",
    )


@rule(FindingCode.SMALL_INT)
def small_int(name: str, dtype: str, role: str | None, *, path: str) -> Finding:
    """A pandas int8/int16 column, which Glue stores as tinyint/smallint that no role takes."""
    stored = "tinyint" if "8" in dtype else "smallint"
    fix = (
        "so it is left out; cast it to int32 or int64 before writing to use it."
        if role is None
        else "cast it to int32 or int64 before writing."
    )
    return Finding(
        "warning",
        path,
        FindingCode.SMALL_INT,
        f"column {name!r} is {dtype}, which Glue stores as {stored} that no role accepts"
        f"{', ' if role is None else '; '}{fix}",
    )


def _fix_finding(
    code: FindingCode, name: str, role: str, why: str, how: str | None, path: str
) -> Finding:
    return Finding("error", path, code, f"column {name!r} ({role}): {why}. {how or ''}".rstrip())


@rule(FindingCode.FLOAT_ID)
def float_id(name: str, role: str, *, why: str, how: str, path: str) -> Finding:
    """An identifier stored as floating point (``1.0``): its planned fix turns it into int64."""
    return _fix_finding(FindingCode.FLOAT_ID, name, role, why, how, path)


@rule(FindingCode.TIMESTAMP_TEXT)
def timestamp_text(name: str, role: str, *, why: str, how: str, path: str) -> Finding:
    """Times written as text: its planned fix parses them into epoch seconds."""
    return _fix_finding(FindingCode.TIMESTAMP_TEXT, name, role, why, how, path)


@rule(FindingCode.RAW_PII)
def raw_pii(
    name: str,
    role: str,
    what: Sequence[str],
    *,
    path: str,
    why: str | None = None,
    how: str | None = None,
) -> Finding:
    """An identifier that holds raw personal data (e-mails, phone numbers, ...): hash it.

    With ``why`` and ``how`` (the column's planned hashing fix) it is an error that the fix
    plan removes; without, a warning.
    """
    if why is not None:
        return _fix_finding(FindingCode.RAW_PII, name, role, why, how, path)
    return Finding(
        "warning",
        path,
        FindingCode.RAW_PII,
        f"column {name!r} ({role}) holds raw {' and '.join(what)}; Clean Rooms ML should get a "
        f"pseudonymous id. Hash it first with cleanroom_nb.hash_identifier(df[{name!r}]) "
        "(SHA-256 of the value normalised as the README says).",
    )


FIX_BUILDERS = {
    FindingCode.GLUE_TYPE: glue_type,
    FindingCode.FLOAT_ID: float_id,
    FindingCode.TIMESTAMP_TEXT: timestamp_text,
    FindingCode.RAW_PII: raw_pii,
}
"""The codes of fixes without which Clean Rooms ML cannot use a column (errors), and their
builders: see :func:`fix_needed`."""


def fix_needed(
    name: str, glue_type_: str, role: str, code: str, why: str, how: str, *, path: str
) -> Finding:
    """The error of a column whose planned fix (``code``) must run before Clean Rooms ML can
    use it; built by that code's builder."""
    kind = FindingCode(code)
    if kind not in FIX_BUILDERS:
        raise KeyError(f"{code!r} is not the code of a fix Clean Rooms ML needs: {FIX_BUILDERS}")
    if kind is FindingCode.GLUE_TYPE:
        return glue_type(name, glue_type_, role, path=path, why=why, how=how)
    if kind is FindingCode.RAW_PII:
        return raw_pii(name, role, (), path=path, why=why, how=how)
    if kind is FindingCode.FLOAT_ID:
        return float_id(name, role, why=why, how=how, path=path)
    return timestamp_text(name, role, why=why, how=how, path=path)


# -------------------------------------------------------------------------------- names
@rule(FindingCode.COLUMN_NAME_LENGTH)
def column_name_length(api_name: str, low: object, high: object, *, path: str) -> Finding:
    """A column name longer (or shorter) than the API takes."""
    return Finding(
        "error",
        path,
        FindingCode.COLUMN_NAME_LENGTH,
        f"column name {api_name[:40]!r}... has {len(api_name)} characters; the API "
        f"takes {low}-{high}: rename it.",
    )


@rule(FindingCode.COLUMN_NAME_PATTERN)
def column_name_pattern(api_name: str, pattern: object, *, path: str) -> Finding:
    """A column name the API's column-name pattern refuses."""
    return Finding(
        "error",
        path,
        FindingCode.COLUMN_NAME_PATTERN,
        f"column name {api_name!r} does not match the API's column-name pattern {pattern}"
        "; rename it to letters, digits, '_' and inner spaces or hyphens.",
    )


@rule(FindingCode.GLUE_RENAME)
def glue_rename(name: str, api_name: str, *, path: str) -> Finding:
    """Glue will store the column under another name, which the request then uses."""
    return Finding(
        "warning",
        path,
        FindingCode.GLUE_RENAME,
        f"Glue will store column {name!r} as {api_name!r}; the request uses "
        f"{api_name!r}. Rename it in the frame to avoid surprises.",
    )


@rule(FindingCode.GLUE_NAME_CLASH)
def glue_name_clash(first: str, name: str, api_name: str, *, used: bool, path: str) -> Finding:
    """Two columns become the same Glue name (awswrangler lowercases and sanitises)."""
    kept = " (to_api() lists the first only)" if used else ""
    return Finding(
        "error",
        path,
        FindingCode.GLUE_NAME_CLASH,
        f"columns {first!r} and {name!r} both become {api_name!r} in Glue{kept}; rename one "
        "of them (register_dataframe refuses such a frame).",
    )


# -------------------------------------------------------------------------------- time
@rule(FindingCode.TIMESTAMP_UNIT)
def timestamp_unit(
    name: str,
    unit: str,
    *,
    path: str,
    level: Level = "warning",
    max_value: str | None = None,
    divisor: int | None = None,
) -> Finding:
    """Epoch milli-, micro- or nanoseconds where Clean Rooms ML reads epoch seconds.

    A warning on the schema (its fix plan converts it); an error on the data (readiness), which
    also gives the largest value and the SQL (``divisor``: units per second).
    """
    seen = f" (max {max_value})" if max_value is not None else ""
    sql = f" (or in SQL: CAST({name} / {divisor} AS BIGINT))" if divisor else ""
    return Finding(
        level,
        path,
        FindingCode.TIMESTAMP_UNIT,
        f"column {name!r} holds Unix epoch {unit}{seen}, but Clean Rooms ML reads epoch "
        f"seconds; convert it with cleanroom_nb.to_epoch_seconds{sql}.",
    )


@rule(FindingCode.TIMESTAMP_RELATIVE)
def timestamp_relative(name: str, low: float, high: float, *, path: str) -> Finding:
    """Times counted from a start, not from 1970."""
    return Finding(
        "warning",
        path,
        FindingCode.TIMESTAMP_RELATIVE,
        f"column {name!r} counts time from a start (values {low:,} .. {high:,}), not Unix epoch "
        "seconds: Clean Rooms ML reads them as seconds after 1970-01-01, which keeps their "
        "order. Add the start's epoch seconds (df[col] * unit + start) if you know it.",
    )


@rule(FindingCode.TIMESTAMP_DATETIME)
def timestamp_datetime(name: str, *, path: str) -> Finding:
    """Datetimes where Clean Rooms ML reads int64 Unix epoch seconds."""
    return Finding(
        "warning",
        path,
        FindingCode.TIMESTAMP_DATETIME,
        f"column {name!r} holds datetimes; Clean Rooms ML reads Unix epoch seconds: store it "
        "as int64 epoch seconds (cleanroom_nb.to_epoch_seconds, or to_unixtime() in Athena).",
    )
