"""Check a schema against every rule that needs no full scan of the data (``schema.findings``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cleanroom_nb import _roles
from cleanroom_nb._findings import Finding
from cleanroom_nb.infer._fixes import fix_text, plan_fix
from cleanroom_nb.infer._patterns import PII_PATTERNS

FIX_ERRORS = frozenset({"timestamp_text", "float_id", "raw_pii", "glue_type"})
"""Codes of fixes without which Clean Rooms ML cannot use the column (errors, not warnings)."""

if TYPE_CHECKING:
    from cleanroom_nb.infer._schema import ColumnSchema, TrainingSchema


def check_schema(schema: TrainingSchema) -> list[Finding]:
    """Every rule a schema can be checked against without the data's full size.

    Paths are ``"schema"`` for the whole and ``"columns.<name>"`` for one column.
    """
    from cleanroom_nb.aws import _service_model

    out = _role_findings(schema)
    for c in schema.columns:
        path = f"columns.{c.name}"
        fix = plan_fix(c, sql_name=schema.api_name(c)) if c.role is not None else None
        if fix is not None and fix.code in FIX_ERRORS:
            out.append(
                Finding(
                    "error",
                    path,
                    fix.code,
                    f"column {c.name!r} ({c.role}): {fix.why}. {fix_text(fix)}",
                )
            )
        elif c.role is not None and not _roles.accepts(c.role, c.glue_type):
            out.append(
                Finding(
                    "error",
                    path,
                    "glue_type",
                    f"column {c.name!r} has Glue type {c.glue_type}, which {c.role} does not "
                    f"accept (it takes {_roles.accepted_types_text(c.role)}). " + _type_fix(c),
                )
            )
        small_int_known = _small_int_known(schema, c)
        if c.role is None:
            if not c.edited and not small_int_known:
                out.extend(_small_int_finding(c, path))
            continue
        api_name = schema.api_name(c)
        limits = _service_model.metadata(_service_model.COLUMN_NAME_PATH)
        if not int(limits.get("min", 1)) <= len(api_name) <= int(limits.get("max", 128)):
            out.append(
                Finding(
                    "error",
                    path,
                    "column_name_length",
                    f"column name {api_name[:40]!r}... has {len(api_name)} characters; the API "
                    f"takes {limits.get('min', 1)}-{limits.get('max', 128)}: rename it.",
                )
            )
        elif not _service_model.matches(_service_model.COLUMN_NAME_PATH, api_name):
            out.append(
                Finding(
                    "error",
                    path,
                    "column_name_pattern",
                    f"column name {api_name!r} does not match the API's column-name pattern "
                    f"{_service_model.metadata(_service_model.COLUMN_NAME_PATH).get('pattern')}"
                    "; rename it to letters, digits, '_' and inner spaces or hyphens.",
                )
            )
        elif api_name != c.name:
            out.append(
                Finding(
                    "warning",
                    path,
                    "glue_rename",
                    f"Glue will store column {c.name!r} as {api_name!r}; the request uses "
                    f"{api_name!r}. Rename it in the frame to avoid surprises.",
                )
            )
        out.extend(_data_findings(c, path, small_int_known=small_int_known))
    out.extend(_name_clash_findings(schema))
    return out


def _role_findings(schema: TrainingSchema) -> list[Finding]:
    """Each required role exactly once; at most MAX_FEATURES features."""
    out: list[Finding] = []
    for role in _roles.REQUIRED_ROLES:
        cols = schema.role_columns(role)
        if not cols:
            why = schema.missing.get(role, "no column has this role")
            out.append(
                Finding(
                    "error",
                    "schema",
                    "missing_role",
                    f"no {role} column: {why}. Give exactly one column the role {role}.",
                )
            )
        elif len(cols) > 1:
            names = ", ".join(repr(c.name) for c in cols)
            out.append(
                Finding(
                    "error",
                    "schema",
                    "duplicate_role",
                    f"{role} is given to {len(cols)} columns ({names}); keep exactly one.",
                )
            )
    n_features = len(schema.features)
    if n_features > _roles.MAX_FEATURES:
        out.append(
            Finding(
                "error",
                "schema",
                "too_many_features",
                f"{n_features} feature columns; Clean Rooms ML takes at most "
                f"{_roles.MAX_FEATURES}. Leave {n_features - _roles.MAX_FEATURES} out.",
            )
        )
    return out


def _name_clash_findings(schema: TrainingSchema) -> list[Finding]:
    """Columns whose Glue names collide (awswrangler lowercases and turns other characters
    into ``_``); ``register_dataframe`` refuses such a frame."""
    out: list[Finding] = []
    seen: dict[str, str] = {}
    for c in schema.columns:
        # Every column is written to Glue (not only those with a role), so any clash counts.
        api_name = schema.api_name(c)
        if api_name.lower() in seen:
            kept = "" if c.role is None else " (to_api() lists the first only)"
            out.append(
                Finding(
                    "error",
                    f"columns.{c.name}",
                    "glue_name_clash",
                    f"columns {seen[api_name.lower()]!r} and {c.name!r} both become "
                    f"{api_name!r} in Glue{kept}; rename one of them (register_dataframe "
                    "refuses such a frame).",
                )
            )
        else:
            seen[api_name.lower()] = c.name
    return out


def _small_int_known(schema: TrainingSchema, c: ColumnSchema) -> bool:
    """Whether the Glue type already says tinyint/smallint (so ``small_int`` would repeat it).

    For a Glue table (``schema.glue_names``) the catalog's type is what Clean Rooms ML sees,
    and :func:`cleanroom_nb.glue._catalog.table_findings` reports it (``unusable_glue_type``), as does
    the ``glue_type`` error when a role is given: the sample's pandas dtype adds nothing.
    """
    return schema.glue_names and _roles.base_glue_type(c.glue_type) in ("tinyint", "smallint")


def _type_fix(c: ColumnSchema) -> str:
    t = _roles.base_glue_type(c.glue_type)
    if t in ("tinyint", "smallint"):
        return "Cast it to int32 or int64 (pandas int8/int16 become tinyint/smallint)."
    if c.role == _roles.TIMESTAMP and t in ("string", "date", "double", "float"):
        return "Convert it to int64 Unix epoch seconds with cleanroom_nb.to_epoch_seconds."
    if t == "decimal":
        return "Cast it to double (float64)."
    if t in ("double", "float") and c.role in (_roles.USER_ID, _roles.ITEM_ID):
        return "Cast it to int64 or string."
    return "Cast it to an accepted type or choose another role."


def _data_findings(c: ColumnSchema, path: str, *, small_int_known: bool = False) -> list[Finding]:
    out: list[Finding] = []
    p = c.profile
    if c.role == _roles.TIMESTAMP:
        t = _roles.base_glue_type(c.glue_type)
        if p is not None and p.time_unit not in (None, "s"):
            out.append(
                Finding(
                    "warning",
                    path,
                    "timestamp_unit",
                    f"column {c.name!r} holds Unix epoch {p.time_unit}, but Clean Rooms ML "
                    "reads epoch seconds; convert it with cleanroom_nb.to_epoch_seconds.",
                )
            )
        elif p is not None and "relative times" in c.reason and c.edited is False:
            out.append(
                Finding(
                    "warning",
                    path,
                    "timestamp_relative",
                    f"column {c.name!r} counts time from a start (values {p.min_value:,} .. "
                    f"{p.max_value:,}), not Unix epoch seconds: Clean Rooms ML reads them as "
                    "seconds after 1970-01-01, which keeps their order. Add the start's epoch "
                    "seconds (df[col] * unit + start) if you know it.",
                )
            )
        elif t == "timestamp":
            out.append(
                Finding(
                    "warning",
                    path,
                    "timestamp_datetime",
                    f"column {c.name!r} holds datetimes; Clean Rooms ML needs Unix epoch "
                    "seconds: convert it with cleanroom_nb.to_epoch_seconds (int64).",
                )
            )
    if p is not None and c.role in (_roles.USER_ID, _roles.ITEM_ID):
        pii = [x for x in PII_PATTERNS if p.has(x)]
        hashed = c.role == _roles.USER_ID and _roles.base_glue_type(c.glue_type) == "string"
        if pii and not (hashed and p.has("email", "phone")):
            out.append(
                Finding(
                    "warning",
                    path,
                    "raw_pii",
                    f"column {c.name!r} ({c.role}) looks like raw {', '.join(pii)}; hash it "
                    "first with cleanroom_nb.hash_identifier (SHA-256 of the trimmed, "
                    "lowercased value).",
                )
            )
    if c.role is not None and not small_int_known:
        out.extend(_small_int_finding(c, path))
    return out


def _small_int_finding(c: ColumnSchema, path: str) -> list[Finding]:
    """The ``small_int`` warning when the column's pandas dtype is int8/int16 (else none)."""
    p = c.profile
    if p is None or p.dtype not in ("int8", "int16", "Int8", "Int16"):
        return []
    fix = (
        "so it is left out; cast it to int32 or int64 before writing to use it."
        if c.role is None
        else "cast it to int32 or int64 before writing."
    )
    return [
        Finding(
            "warning",
            path,
            "small_int",
            f"column {c.name!r} is {p.dtype}, which Glue stores as "
            f"{'tinyint' if '8' in p.dtype else 'smallint'} that no role accepts"
            f"{', ' if c.role is None else '; '}{fix}",
        )
    ]
