"""Check a schema against every rule that needs no full scan of the data (``schema.findings``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import cleanroom_nb._rulebook as _rulebook
from cleanroom_nb import _roles
from cleanroom_nb._findings import Finding
from cleanroom_nb.infer._fixes import fix_text
from cleanroom_nb.infer._patterns import PII_PATTERNS

FIX_ERRORS = frozenset(_rulebook.FIX_BUILDERS)
"""Codes of fixes without which Clean Rooms ML cannot use the column (errors, not warnings)."""

if TYPE_CHECKING:
    from cleanroom_nb.infer._schema import ColumnSchema, TrainingSchema


def check_schema(schema: TrainingSchema) -> list[Finding]:
    """Every rule a schema can be checked against without the data's full size.

    Paths are ``"schema"`` for the whole and ``"columns.<name>"`` for one column.
    """
    from cleanroom_nb.aws import _service_model

    out = _role_findings(schema)
    planned = {f.column: f for f in schema.fixes}  # the schema's one fix plan
    for c in schema.columns:
        path = _rulebook.column_path(c.name)
        fix = planned.get(c.name) if c.role is not None else None
        if c.role is not None and fix is not None and fix.code in FIX_ERRORS:
            out.append(
                _rulebook.fix_needed(
                    c.name, c.glue_type, c.role, fix.code, fix.why, fix_text(fix), path=path
                )
            )
        elif c.role is not None and not _roles.accepts(c.role, c.glue_type):
            out.append(_rulebook.glue_type(c.name, c.glue_type, c.role, path=path))
        small_int_known = _small_int_known(schema, c)
        if c.role is None:
            if not c.edited and not small_int_known:
                out.extend(_small_int_finding(c, path))
            continue
        api_name = schema.api_name(c)
        limits = _service_model.metadata(_service_model.COLUMN_NAME_PATH)
        if not int(limits.get("min", 1)) <= len(api_name) <= int(limits.get("max", 128)):
            low, high = limits.get("min", 1), limits.get("max", 128)
            out.append(_rulebook.column_name_length(api_name, low, high, path=path))
        elif not _service_model.matches(_service_model.COLUMN_NAME_PATH, api_name):
            pattern = limits.get("pattern")
            out.append(_rulebook.column_name_pattern(api_name, pattern, path=path))
        elif api_name != c.name:
            out.append(_rulebook.glue_rename(c.name, api_name, path=path))
        out.extend(_data_findings(c, path, small_int_known=small_int_known))
    out.extend(_name_clash_findings(schema))
    return out


def _role_findings(schema: TrainingSchema) -> list[Finding]:
    """Each required role exactly once; at most MAX_FEATURES features."""
    out: list[Finding] = []
    for role in _roles.REQUIRED_ROLES:
        cols = schema.role_columns(role)
        if not cols:
            out.append(_rulebook.missing_role(role, why=schema.missing.get(role)))
        elif len(cols) > 1:
            out.append(_rulebook.duplicate_role(role, [c.name for c in cols]))
    n_features = len(schema.features)
    if n_features > _roles.MAX_FEATURES:
        out.append(_rulebook.too_many_features(n_features))
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
            first = seen[api_name.lower()]
            out.append(
                _rulebook.glue_name_clash(
                    first,
                    c.name,
                    api_name,
                    used=c.role is not None,
                    path=_rulebook.column_path(c.name),
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


def type_fix(c: ColumnSchema) -> str:
    """How to fix ``c``'s type for its role, as a sentence (:func:`_rulebook.type_fix_advice`)."""
    return _rulebook.sentence(_rulebook.type_fix_advice(c.glue_type, c.role))


def _data_findings(c: ColumnSchema, path: str, *, small_int_known: bool = False) -> list[Finding]:
    out: list[Finding] = []
    p = c.profile
    if c.role == _roles.TIMESTAMP:
        t = _roles.base_glue_type(c.glue_type)
        if p is not None and p.time_unit not in (None, "s"):
            out.append(_rulebook.timestamp_unit(c.name, p.time_unit, path=path))
        elif p is not None and "relative times" in c.reason and c.edited is False:
            low, high = p.min_value, p.max_value
            out.append(_rulebook.timestamp_relative(c.name, low, high, path=path))
        elif t == "timestamp":
            out.append(_rulebook.timestamp_datetime(c.name, path=path))
    if p is not None and c.role in (_roles.USER_ID, _roles.ITEM_ID):
        pii = [x for x in PII_PATTERNS if p.has(x)]
        hashed = c.role == _roles.USER_ID and _roles.base_glue_type(c.glue_type) == "string"
        if pii and not (hashed and p.has("email", "phone")):
            out.append(_rulebook.raw_pii(c.name, c.role, pii, path=path))
    if c.role is not None and not small_int_known:
        out.extend(_small_int_finding(c, path))
    return out


def _small_int_finding(c: ColumnSchema, path: str) -> list[Finding]:
    """The ``small_int`` warning when the column's pandas dtype is int8/int16 (else none)."""
    p = c.profile
    if p is None or p.dtype not in ("int8", "int16", "Int8", "Int16"):
        return []
    return [_rulebook.small_int(c.name, p.dtype, c.role, path=path)]
