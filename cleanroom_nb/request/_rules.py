"""The Clean Rooms ML rules a request must follow beyond the service model (RULES.md 3, 7, 14, 15).

One USER_ID, ITEM_ID and TIMESTAMP column, at most 10 features, the Glue types each role
accepts (and only the names the user guide lists: ``varchar(n)``, ``integer`` and the like are
warned about, with the cast), at most 50 tags without the ``aws:`` prefix, and a role the
managed policy AWSCleanRoomsMLFullAccess can pass (its ``role/cleanrooms-ml*`` is matched
against the role's path and name).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import cleanroom_nb._rulebook as _rulebook
from cleanroom_nb import _roles
from cleanroom_nb._findings import Finding
from cleanroom_nb._rulebook import MAX_TAGS
from cleanroom_nb.aws._service_role import pass_role_note, role_resource
from cleanroom_nb.infer._schema import TrainingSchema
from cleanroom_nb.request._model_checks import GLUE_PATH, SCHEMA_PATH, value_at

RESERVED_TAG_PREFIX = "aws:"
"""Tag keys with this prefix (in any case) belong to AWS: nobody may add, change or remove them,
and they do not count toward the 50 tags per resource (API reference, TagResource ``tags``)."""


def is_reserved_tag(key: object) -> bool:
    """Whether a tag key belongs to AWS (``aws:`` in any case).

    Examples
    --------
    >>> is_reserved_tag("AWS:cloudformation:stack-name"), is_reserved_tag("team")
    (True, False)
    """
    return isinstance(key, str) and key.lower().startswith(RESERVED_TAG_PREFIX)


def user_tags(tags: Mapping[str, str] | None) -> dict[str, str]:
    """The tags that belong to the user: all but the ``aws:`` ones.

    Examples
    --------
    >>> user_tags({"aws:cloudformation:stack-name": "s", "team": "ads"})
    {'team': 'ads'}
    """
    return {k: v for k, v in dict(tags or {}).items() if not is_reserved_tag(k)}


# Schema findings that the request checks derive again (so they are not reported twice).
REDERIVED_SCHEMA_CODES = frozenset(
    {
        "missing_role",
        "duplicate_role",
        "too_many_features",
        "glue_type",
        "float_id",
        "column_name_pattern",
        "glue_rename",
    }
)


class Column:
    __slots__ = ("index", "name", "role")

    def __init__(self, index: int, name: str, role: str | None) -> None:
        self.index, self.name, self.role = index, name, role

    @property
    def path(self) -> str:
        return f"{SCHEMA_PATH}[{self.index}]"


def columns_of(request: Mapping[str, Any]) -> list[Column]:
    """The schema's well-formed columns (malformed ones are reported by the model checks)."""
    schema = value_at(request, SCHEMA_PATH)
    if not isinstance(schema, list | tuple):
        return []
    out = []
    for i, col in enumerate(schema):
        if not isinstance(col, Mapping) or not isinstance(col.get("columnName"), str):
            continue
        types = col.get("columnTypes")
        role = (
            types[0]
            if isinstance(types, list | tuple) and len(types) == 1 and isinstance(types[0], str)
            else None
        )
        out.append(Column(i, col["columnName"], role))
    return out


def schema_rules(
    request: Mapping[str, Any], columns: list[Column], table_types: Mapping[str, str] | None
) -> list[Finding]:
    out: list[Finding] = []
    if value_at(request, SCHEMA_PATH) is None or not isinstance(
        value_at(request, SCHEMA_PATH), list | tuple
    ):
        return out
    for role in _roles.REQUIRED_ROLES:
        cols = [c for c in columns if c.role == role]
        if not cols:
            how = f'"columnTypes": ["{role}"] in the request\'s schema'
            out.append(_rulebook.missing_role(role, path=SCHEMA_PATH, how=how))
        elif len(cols) > 1:
            out.append(_rulebook.duplicate_role(role, [c.name for c in cols], path=SCHEMA_PATH))
    features = [c for c in columns if c.role in _roles.FEATURE_ROLES]
    if len(features) > _roles.MAX_FEATURES:
        out.append(_rulebook.too_many_features(len(features), path=SCHEMA_PATH))
    seen: dict[str, Column] = {}
    for c in columns:
        key = c.name.lower()
        if key in seen:
            first = seen[key]
            out.append(
                _rulebook.duplicate_column(
                    c.name, first.index, first.name, path=f"{c.path}.columnName"
                )
            )
        else:
            seen[key] = c
    given = getattr(request, "glue_types", None) or {}
    for c in columns:
        if c.role is None or c.role not in _roles.ACCEPTED_GLUE_TYPES:
            continue
        if table_types is not None:
            glue_type = table_types.get(c.name)
            where = "the Glue table"
        else:
            glue_type = given.get(c.name)
            where = "the schema"
        if glue_type is None:
            continue
        if _roles.accepts(c.role, glue_type):
            out.extend(_synonym_finding(c, c.role, glue_type, where))
            continue
        path = f"{c.path}.columnTypes"
        out.append(_rulebook.glue_type(c.name, glue_type, c.role, path=path, where=where))
    return out


def documented_type_name(glue_type: str) -> str | None:
    """The name the user guide lists for a Glue type it accepts only as a synonym (else None).

    The guide lists string, int, bigint, timestamp, float, double, boolean and array;
    ``varchar(20)``, ``char(3)``, ``integer``, ``real``, ``long`` and ``bool`` are read as those
    families but are not listed. ``array<...>`` is the listed ``array``.

    Examples
    --------
    >>> documented_type_name("varchar(20)"), documented_type_name("bigint")
    ('string', None)
    >>> documented_type_name("array<string>") is None
    True
    """
    text = glue_type.strip().lower()
    base = _roles.base_glue_type(text)
    listed = set().union(*_roles.ACCEPTED_GLUE_TYPES.values())
    if base not in listed or text == base or text.startswith(base + "<"):
        return None
    return base


def _synonym_finding(c: Column, role: str, glue_type: str, where: str) -> list[Finding]:
    name = documented_type_name(glue_type)
    if name is None:
        return []
    path = f"{c.path}.columnTypes"
    return [_rulebook.glue_type_synonym(c.name, glue_type, role, name, path=path, where=where)]


def tag_rules(request: Mapping[str, Any]) -> list[Finding]:
    tags = request.get("tags")
    if not isinstance(tags, Mapping):
        return []
    out = []
    count = len(user_tags(tags))
    if count > MAX_TAGS:
        out.append(_rulebook.too_many_tags(count))
    for key in tags:
        if is_reserved_tag(key):
            out.append(_rulebook.reserved_tag_prefix(key))
    return out


def role_name_rules(request: Mapping[str, Any]) -> list[Finding]:
    """A warning when the managed policy cannot pass the role (path *and* name are matched)."""
    role_arn = request.get("roleArn")
    if not isinstance(role_arn, str) or role_resource(role_arn) is None:
        return []
    note = pass_role_note(role_arn)
    return [_rulebook.role_name(note)] if note else []


def source_findings(request: Mapping[str, Any], *, skip_codes: set[str]) -> list[Finding]:
    """Findings of the TrainingSchema the request was built from that the request keeps.

    ``skip_codes`` are codes the live Glue table check has just reported again.
    """
    schema = getattr(request, "schema", None)
    if not isinstance(schema, TrainingSchema):
        return []
    out = [
        f
        for f in schema.findings
        if f.code not in REDERIVED_SCHEMA_CODES and f.code not in skip_codes
    ]
    source = schema.source
    db, table = getattr(source, "database", None), getattr(source, "table", None)
    glue = value_at(request, GLUE_PATH)
    if (
        isinstance(db, str)
        and isinstance(table, str)
        and isinstance(glue, Mapping)
        and (glue.get("databaseName"), glue.get("tableName")) != (db, table)
    ):
        named = f"{glue.get('databaseName')}.{glue.get('tableName')}"
        out.append(_rulebook.other_table(f"{db}.{table}", named, path=GLUE_PATH))
    return out
