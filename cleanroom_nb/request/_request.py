"""The ``create_training_dataset`` request: build it, and check it before it is sent.

:func:`build_request` turns a :class:`~cleanroom_nb.TrainingSchema` (or an API ``schema``
list) into exactly the keyword arguments of ``client.create_training_dataset(**request)``.
:func:`validate_request` checks such a request against

1. every constraint of botocore's ``cleanroomsml`` service model, read at run time
   (required members, types, lengths, counts, whole-string patterns, enums, unknown members);
2. the Clean Rooms ML rules (RULES.md 3, 7, 11, 14, 15): one USER_ID, ITEM_ID and TIMESTAMP,
   at most 10 features, Glue types accepted per role, at most 50 tags, no ``aws:`` tag keys;
3. with a ``boto3_session``: the Glue database and table exist, every column exists in the
   table with Glue's spelling and a type its role accepts, and the role ARN is in the caller's
   account and partition (STS).

Every problem is returned at once as :class:`~cleanroom_nb.Findings`.
"""

from __future__ import annotations

import copy
import difflib
import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

import boto3

from cleanroom_nb import _roles
from cleanroom_nb._errors import (
    CleanroomNbError,
    CredentialsError,
    EndpointUnreachableError,
    NotFoundError,
)
from cleanroom_nb._findings import Finding, Findings
from cleanroom_nb.aws import _client, _service_model
from cleanroom_nb.infer._schema import ColumnSchema, TrainingSchema, _type_fix, glue_column_name

SCHEMA_PATH = "trainingData[0].inputConfig.schema"
GLUE_PATH = "trainingData[0].inputConfig.dataSource.glueDataSource"

MAX_TAGS = 50
"""Tags per resource (AWS tagging limit; the model's ``TagMap`` allows 200: 50 wins)."""
RESERVED_TAG_PREFIX = "aws:"
PASSABLE_ROLE_PREFIX = "cleanrooms-ml"
"""The managed policy AWSCleanRoomsMLFullAccess lets callers pass only roles named like this."""

# Schema findings that the request checks derive again (so they are not reported twice).
_REDERIVED_SCHEMA_CODES = frozenset(
    {
        "missing_role",
        "duplicate_role",
        "too_many_features",
        "glue_type",
        "column_name_pattern",
        "glue_rename",
    }
)


class TrainingDatasetRequest(dict[str, Any]):
    """The keyword arguments of ``create_training_dataset``, plus what they were built from.

    It *is* the plain ``dict`` to send (``client.create_training_dataset(**request)`` passes
    exactly its items); the attributes are kept beside it and never sent:

    Attributes
    ----------
    glue_types
        API column name to the Glue type the schema gave it (used by :func:`validate_request`
        to check types per role when no session is given).
    schema
        The :class:`TrainingSchema` the request was built from, or None.

    Examples
    --------
    >>> r = TrainingDatasetRequest({"name": "n"}, glue_types={"user_id": "string"})
    >>> r == {"name": "n"}, r.glue_types
    (True, {'user_id': 'string'})
    """

    def __init__(
        self,
        kwargs: Mapping[str, Any] = (),  # type: ignore[assignment]
        *,
        glue_types: Mapping[str, str] | None = None,
        schema: TrainingSchema | None = None,
    ) -> None:
        super().__init__(kwargs)
        self.glue_types: dict[str, str] = dict(glue_types or {})
        self.schema = schema

    def __deepcopy__(self, memo: dict[int, Any]) -> TrainingDatasetRequest:
        return TrainingDatasetRequest(
            copy.deepcopy(dict(self), memo), glue_types=self.glue_types, schema=self.schema
        )

    def to_dict(self) -> dict[str, Any]:
        """A plain deep copy of the keyword arguments."""
        return copy.deepcopy(dict(self))


def build_request(
    *,
    name: str,
    role_arn: str,
    database: str,
    table: str,
    schema: TrainingSchema | Sequence[Mapping[str, Any]],
    description: str | None = None,
    tags: Mapping[str, str] | None = None,
    catalog_id: str | None = None,
) -> TrainingDatasetRequest:
    """The keyword arguments of ``cleanroomsml.create_training_dataset`` for one Glue table.

    Nothing is checked here (see :func:`validate_request`); optional members that are None
    are left out, as boto3 expects.

    Parameters
    ----------
    name
        The training dataset's name (1-63 characters, unique per account and region).
    role_arn
        The service role Clean Rooms ML assumes to read the table.
    database, table
        The Glue database and table holding the data.
    schema
        A :class:`TrainingSchema` (its :meth:`~TrainingSchema.to_api` is used, and the Glue
        types are kept for validation) or an API list of
        ``{"columnName": ..., "columnTypes": [role]}``.
    description, tags, catalog_id
        Optional; ``catalog_id`` is the 12-digit account of the Glue catalog when it is not
        the caller's (by default the catalog the schema was read from, if it named one).

    Returns
    -------
    TrainingDatasetRequest
        A ``dict`` to pass as ``client.create_training_dataset(**request)``.

    Examples
    --------
    >>> req = build_request(
    ...     name="shoppers", role_arn="arn:aws:iam::123456789012:role/cleanrooms-ml-reader",
    ...     database="sales", table="interactions",
    ...     schema=[{"columnName": "user_id", "columnTypes": ["USER_ID"]}],
    ...     tags={"team": "growth"})
    >>> sorted(req)
    ['name', 'roleArn', 'tags', 'trainingData']
    >>> req["trainingData"][0]["inputConfig"]["dataSource"]
    {'glueDataSource': {'tableName': 'interactions', 'databaseName': 'sales'}}
    """
    glue_types: dict[str, str] = {}
    source_schema: TrainingSchema | None = None
    api_schema: Any
    if isinstance(schema, TrainingSchema):
        source_schema = schema
        source_catalog = getattr(schema.source, "catalog_id", None)
        if catalog_id is None and isinstance(source_catalog, str):
            catalog_id = source_catalog  # the schema was read from another account's catalog
        api_schema = schema.to_api()
        glue_types = {schema.api_name(c): c.glue_type for c in schema.columns if c.role}
    elif isinstance(schema, list | tuple):
        api_schema = [dict(c) if isinstance(c, Mapping) else c for c in schema]
        for c in api_schema:
            if isinstance(c, dict) and isinstance(c.get("columnTypes"), list | tuple):
                c["columnTypes"] = list(c["columnTypes"])
    else:
        api_schema = schema  # validate_request reports the wrong type
    glue: dict[str, Any] = {"tableName": table, "databaseName": database}
    if catalog_id is not None:
        glue["catalogId"] = catalog_id
    kwargs: dict[str, Any] = {
        "name": name,
        "roleArn": role_arn,
        "trainingData": [
            {
                "type": _service_model.metadata("trainingData.type")["enum"][0],
                "inputConfig": {"schema": api_schema, "dataSource": {"glueDataSource": glue}},
            }
        ],
    }
    if tags is not None:
        kwargs["tags"] = dict(tags)
    if description is not None:
        kwargs["description"] = description
    return TrainingDatasetRequest(kwargs, glue_types=glue_types, schema=source_schema)


# ----------------------------------------------------------------------------- validation


def validate_request(
    request: Mapping[str, Any], *, boto3_session: boto3.Session | None = None
) -> Findings:
    """Every problem of a ``create_training_dataset`` request, found before it is sent.

    Parameters
    ----------
    request
        The keyword arguments (from :func:`build_request`, or a hand-written ``dict``).
    boto3_session
        When given, also read the Glue table (columns and types) and the caller's account
        (STS). Without it only the request itself (and the Glue types a
        :class:`TrainingSchema` gave :func:`build_request`) are checked.

    Returns
    -------
    Findings
        Each with a level (``"error"`` blocks the request), a path such as
        ``"trainingData[0].inputConfig.schema[3].columnName"``, ``"tags.<key>"`` or
        ``"roleArn"``, a code and a message that says how to fix it. No error: it may go.

    Examples
    --------
    >>> req = build_request(
    ...     name="shoppers", role_arn="arn:aws:iam::123456789012:role/cleanrooms-ml-reader",
    ...     database="sales", table="interactions",
    ...     schema=[{"columnName": "user_id", "columnTypes": ["USER_ID"]},
    ...             {"columnName": "item-", "columnTypes": ["ITEM_ID"]}])
    >>> for f in validate_request(req):
    ...     print(f.path, f.code)
    trainingData[0].inputConfig.schema[1].columnName pattern
    trainingData[0].inputConfig.schema missing_role
    """
    if not isinstance(request, Mapping):
        return Findings(
            [
                Finding(
                    "error",
                    "request",
                    "type",
                    f"the request must be a dict of keyword arguments, not "
                    f"{type(request).__name__}; build it with cleanroom_nb.build_request",
                )
            ]
        )
    findings: list[Finding] = []
    findings.extend(_model_findings(request))
    columns = _columns(request)
    table_types: dict[str, str] | None = None
    table_codes: set[str] = set()
    if boto3_session is not None:
        table_findings, table_types = _glue_findings(request, columns, boto3_session)
        findings.extend(table_findings)
        table_codes = {f.code for f in table_findings if f.path == GLUE_PATH}
        findings.extend(_role_arn_findings(request, boto3_session))
    findings.extend(_schema_rules(request, columns, table_types))
    findings.extend(_tag_rules(request))
    findings.extend(_role_name_rules(request))
    findings.extend(_source_findings(request, skip_codes=table_codes))
    findings = _drop_superseded(findings)
    return Findings(dict.fromkeys(findings))  # each finding once, in order


# --------------------------------------------------------------------- the service model


_HINTS = {
    "NameString": "use 1-63 printable characters that are not all whitespace",
    "ResourceDescription": "use printable characters, tab, CR and LF only",
    "IamRoleArn": "use a role ARN like arn:aws:iam::123456789012:role/cleanrooms-ml-reader",
    "AccountId": "give the 12-digit account id as a string, e.g. '123456789012'",
}


def _model_findings(request: Mapping[str, Any]) -> list[Finding]:
    out = []
    for v in _service_model.check_input(dict(request)):
        message = v.message
        hint = _hint(request, v)
        if hint:
            message = f"{message}; {hint}"
        code = v.code
        if message.startswith("key "):  # a map key's own constraint (tags.<key>)
            code = "key_" + code
            message = ("tag " if v.path.startswith("tags.") else "") + message
        out.append(Finding("error", v.path, code, message))
    return out


def _value_at(request: Mapping[str, Any], path: str) -> Any:
    value: Any = request
    for part in re.findall(r"[^.\[\]]+|\[\d+\]", path):
        try:
            value = value[int(part[1:-1])] if part.startswith("[") else value[part]
        except (KeyError, IndexError, TypeError, ValueError):
            return None
    return value


def _leaf_shape(path: str) -> Any:
    """The shape of the value at a request path (list items resolved to the member shape)."""
    try:
        shape: Any = _service_model.shape_at(_plain(path))
    except (KeyError, AttributeError):
        return None
    if path.endswith("]"):
        while shape.type_name == "list":
            shape = shape.member
    return shape


def _shape_name(path: str) -> str | None:
    shape = _leaf_shape(path)
    return None if shape is None else str(shape.name)


def _hint(request: Mapping[str, Any], v: _service_model.Violation) -> str:
    shape = _shape_name(v.path)
    value = _value_at(request, v.path)
    if v.code == "enum" and isinstance(value, str):
        leaf = _leaf_shape(v.path)
        enum = leaf.metadata.get("enum", []) if leaf is not None else []
        fixed = value.strip().upper().replace(" ", "_").replace("-", "_")
        if fixed in enum and fixed != value:
            return f"write {fixed!r}"
        return ""
    if v.code == "unknown_member":
        parent = v.path.rsplit(".", 1)[0] if "." in v.path else ""
        member = v.path.rsplit(".", 1)[-1]
        known = list(_parent_members(parent))
        close = difflib.get_close_matches(member, known, n=1, cutoff=0.6) or [
            k for k in known if k.lower() == member.lower()
        ]
        return f"did you mean {close[0]!r}?" if close else "remove it"
    if v.code == "type" and shape == "AccountId":
        return _HINTS["AccountId"]
    if v.code in ("min_count", "max_count") and v.path.endswith("columnTypes"):
        return 'give each column exactly one role, e.g. ["USER_ID"]'
    if v.code in ("min_count",) and v.path == SCHEMA_PATH:
        return "give at least the USER_ID, ITEM_ID and TIMESTAMP columns"
    if v.code != "pattern" or not isinstance(value, str):
        return _HINTS.get(shape or "", "") if v.code in ("pattern", "max_length") else ""
    if shape in ("ColumnName", "GlueTableName", "GlueDatabaseName"):
        spaces = shape != "GlueDatabaseName"
        what = "letters, digits, '_'" + (" and spaces" if spaces else "")
        fix = f"use {what}, with single hyphens only between them (not first or last)"
        suggestion = glue_column_name(value)
        if suggestion and _service_model.compiled_pattern(
            _leaf_shape(v.path).metadata["pattern"]
        ).fullmatch(suggestion):
            fix += f", e.g. {suggestion!r}"
        return fix
    if shape == "IamRoleArn":
        m = re.fullmatch(r"arn:(aws[-a-z]*):sts::(\d{12}):assumed-role/([^/]+)/.*", value.strip())
        if m:
            return (
                "this is an assumed-role session ARN; give the role's ARN "
                f"arn:{m[1]}:iam::{m[2]}:role/{m[3]} (the role may have a path)"
            )
        if value != value.strip():
            return "remove the leading/trailing whitespace"
    return _HINTS.get(shape or "", "")


def _parent_members(parent: str) -> list[str]:
    """The member names of the structure at ``parent`` ("" = the request)."""
    try:
        shape: Any = (
            _service_model.shape_at(_plain(parent))
            if parent
            else _service_model.service_model()
            .operation_model(_service_model.OPERATION)
            .input_shape
        )
    except (KeyError, AttributeError):
        return []
    while shape.type_name == "list":
        shape = shape.member
    return list(shape.members) if shape.type_name == "structure" else []


def _plain(path: str) -> str:
    return re.sub(r"\[\d+\]", "", path)


# ------------------------------------------------------------------- Clean Rooms ML rules


class _Column:
    __slots__ = ("index", "name", "role")

    def __init__(self, index: int, name: str, role: str | None) -> None:
        self.index, self.name, self.role = index, name, role

    @property
    def path(self) -> str:
        return f"{SCHEMA_PATH}[{self.index}]"


def _columns(request: Mapping[str, Any]) -> list[_Column]:
    """The schema's well-formed columns (malformed ones are reported by the model checks)."""
    schema = _value_at(request, SCHEMA_PATH)
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
        out.append(_Column(i, col["columnName"], role))
    return out


def _schema_rules(
    request: Mapping[str, Any], columns: list[_Column], table_types: Mapping[str, str] | None
) -> list[Finding]:
    out: list[Finding] = []
    if _value_at(request, SCHEMA_PATH) is None or not isinstance(
        _value_at(request, SCHEMA_PATH), list | tuple
    ):
        return out
    for role in _roles.REQUIRED_ROLES:
        cols = [c for c in columns if c.role == role]
        if not cols:
            out.append(
                Finding(
                    "error",
                    SCHEMA_PATH,
                    "missing_role",
                    f"no column has the role {role}; give exactly one column "
                    f'"columnTypes": ["{role}"]',
                )
            )
        elif len(cols) > 1:
            names = ", ".join(repr(c.name) for c in cols)
            out.append(
                Finding(
                    "error",
                    SCHEMA_PATH,
                    "duplicate_role",
                    f"{role} is given to {len(cols)} columns ({names}); keep it on exactly one "
                    "and give the others a feature role or leave them out",
                )
            )
    features = [c for c in columns if c.role in _roles.FEATURE_ROLES]
    if len(features) > _roles.MAX_FEATURES:
        out.append(
            Finding(
                "error",
                SCHEMA_PATH,
                "too_many_features",
                f"{len(features)} feature columns; Clean Rooms ML takes at most "
                f"{_roles.MAX_FEATURES}. Leave {len(features) - _roles.MAX_FEATURES} of them out "
                "(remove their entries from the schema)",
            )
        )
    seen: dict[str, _Column] = {}
    for c in columns:
        key = c.name.lower()
        if key in seen:
            first = seen[key]
            same = first.name == c.name
            out.append(
                Finding(
                    "error",
                    f"{c.path}.columnName",
                    "duplicate_column",
                    f"column {c.name!r} is listed again (first at schema[{first.index}]"
                    + ("" if same else f" as {first.name!r}; Glue names ignore case")
                    + "); list each column once",
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
        if glue_type is None or _roles.accepts(c.role, glue_type):
            continue
        fix = _type_fix(ColumnSchema(c.name, glue_type, c.role, 1.0, ""))
        out.append(
            Finding(
                "error",
                f"{c.path}.columnTypes",
                "glue_type",
                f"column {c.name!r} has Glue type {glue_type} in {where}, which {c.role} does not "
                f"accept (it takes {_roles.accepted_types_text(c.role)}). {fix}",
            )
        )
    return out


def _tag_rules(request: Mapping[str, Any]) -> list[Finding]:
    tags = request.get("tags")
    if not isinstance(tags, Mapping):
        return []
    out = []
    if len(tags) > MAX_TAGS:
        out.append(
            Finding(
                "error",
                "tags",
                "too_many_tags",
                f"tags has {len(tags)} entries; AWS allows at most {MAX_TAGS} tags per resource. "
                f"Remove {len(tags) - MAX_TAGS}",
            )
        )
    for key in tags:
        if isinstance(key, str) and key.lower().startswith(RESERVED_TAG_PREFIX):
            out.append(
                Finding(
                    "error",
                    f"tags.{key}",
                    "reserved_tag_prefix",
                    f"tag key {key!r} starts with {key[:4]!r}; the prefix 'aws:' (in any case) "
                    "is reserved for AWS. Rename the key",
                )
            )
    return out


def _parse_role_arn(arn: Any) -> tuple[str, str, str] | None:
    """(partition, account, role path and name) of a role ARN, or None."""
    if not isinstance(arn, str):
        return None
    m = re.fullmatch(r"arn:(aws[-a-z]*):iam::(\d{12}):role/(.+)", arn)
    return (m[1], m[2], m[3]) if m else None


def _role_name_rules(request: Mapping[str, Any]) -> list[Finding]:
    parsed = _parse_role_arn(request.get("roleArn"))
    if parsed is None:
        return []
    role_name = parsed[2].rsplit("/", 1)[-1]
    if role_name.startswith(PASSABLE_ROLE_PREFIX):
        return []
    return [
        Finding(
            "warning",
            "roleArn",
            "role_name",
            f"role {role_name!r} is not named '{PASSABLE_ROLE_PREFIX}*': the managed policy "
            "AWSCleanRoomsMLFullAccess only allows iam:PassRole on such roles. Name the role "
            f"'{PASSABLE_ROLE_PREFIX}-...' or make sure your own policy allows iam:PassRole on it",
        )
    ]


def _source_findings(request: Mapping[str, Any], *, skip_codes: set[str]) -> list[Finding]:
    """Findings of the TrainingSchema the request was built from that the request keeps.

    ``skip_codes`` are codes the live Glue table check has just reported again.
    """
    schema = getattr(request, "schema", None)
    if not isinstance(schema, TrainingSchema):
        return []
    out = [
        f
        for f in schema.findings
        if f.code not in _REDERIVED_SCHEMA_CODES and f.code not in skip_codes
    ]
    source = schema.source
    db, table = getattr(source, "database", None), getattr(source, "table", None)
    glue = _value_at(request, GLUE_PATH)
    if (
        isinstance(db, str)
        and isinstance(table, str)
        and isinstance(glue, Mapping)
        and (glue.get("databaseName"), glue.get("tableName")) != (db, table)
    ):
        out.append(
            Finding(
                "warning",
                GLUE_PATH,
                "other_table",
                f"the schema was read from Glue table {db}.{table}, but the request names "
                f"{glue.get('databaseName')}.{glue.get('tableName')}; use the same table",
            )
        )
    return out


# ------------------------------------------------------------------- with an AWS session


def _aws_problem(exc: BaseException, what: str, path: str) -> Finding:
    err = _client.translate(exc, what=what)
    blocking = isinstance(err, CredentialsError | EndpointUnreachableError)
    return Finding(
        "error" if blocking else "warning",
        path,
        "aws_unchecked",
        f"{err} ({'the request cannot be sent either' if blocking else 'not checked'})",
    )


def _glue_findings(
    request: Mapping[str, Any], columns: list[_Column], session: boto3.Session
) -> tuple[list[Finding], dict[str, str] | None]:
    """The Glue table's own findings and its column types (None when it cannot be read).

    The table is read with :func:`cleanroom_nb.glue._catalog.glue_table_info` (awswrangler), so its
    location, format, compression and bucket region are judged by the same rules as
    :func:`cleanroom_nb.infer_schema_from_glue` (``_catalog.table_findings``).
    """
    from cleanroom_nb.glue import _catalog

    glue = _value_at(request, GLUE_PATH)
    if not isinstance(glue, Mapping):
        return [], None
    db, table, catalog_id = glue.get("databaseName"), glue.get("tableName"), glue.get("catalogId")
    if not isinstance(db, str) or not isinstance(table, str) or not db or not table:
        return [], None
    if catalog_id is not None and not isinstance(catalog_id, str):
        return [], None
    what = f"reading Glue table {db}.{table}"
    try:
        info, types, _raw = _catalog.glue_table_info(
            db, table, catalog_id=catalog_id, boto3_session=session
        )
    except NotFoundError:
        return [_missing_table(db, table, catalog_id, session)], None
    except Exception as exc:  # every AWS problem becomes a finding, none escapes
        return [_aws_problem(exc, what, GLUE_PATH)], None
    out = [replace(f, path=GLUE_PATH) for f in _catalog.table_findings(info, {})]
    by_lower: dict[str, list[str]] = {}
    for name in types:
        by_lower.setdefault(name.lower(), []).append(name)
    for c in columns:
        if c.name in types:
            continue
        path = f"{c.path}.columnName"
        candidates = by_lower.get(c.name.lower()) or by_lower.get(glue_column_name(c.name), [])
        if candidates:
            right = candidates[0]
            out.append(
                Finding(
                    "error",
                    path,
                    "column_case" if right.lower() == c.name.lower() else "column_name",
                    f"column {c.name!r} is called {right!r} in Glue table {db}.{table}; "
                    f"use {right!r} (names must match Glue's exactly)",
                )
            )
            continue
        close = difflib.get_close_matches(c.name.lower(), list(types), n=3)
        out.append(
            Finding(
                "error",
                path,
                "unknown_column",
                f"Glue table {db}.{table} has no column {c.name!r}; "
                + (
                    f"did you mean {', '.join(repr(x) for x in close)}?"
                    if close
                    else f"its columns are {', '.join(list(types)[:20])}"
                ),
            )
        )
    # Types per role come from the table, under the request's (possibly mis-cased) names.
    resolved = {}
    for c in columns:
        match = [c.name] if c.name in types else by_lower.get(c.name.lower(), [])
        for name in match[:1]:
            resolved[c.name] = types[name]
    return out, resolved


def _missing_table(db: str, table: str, catalog_id: str | None, session: boto3.Session) -> Finding:
    import awswrangler as wr

    try:
        databases = [
            d["Name"]
            for d in wr.catalog.get_databases(catalog_id=catalog_id, boto3_session=session)
        ]
        if db not in databases:
            close = difflib.get_close_matches(db, databases, n=3)
            return Finding(
                "error",
                f"{GLUE_PATH}.databaseName",
                "glue_database_not_found",
                f"Glue database {db!r} does not exist"
                + (f" in catalog {catalog_id}" if catalog_id else "")
                + (
                    f"; did you mean {', '.join(map(repr, close))}?"
                    if close
                    else "; create it (wr.catalog.create_database) or fix the name"
                ),
            )
        tables = [
            t["Name"]
            for t in wr.catalog.get_tables(
                database=db, catalog_id=catalog_id, boto3_session=session
            )
        ]
    except Exception as exc:
        return _aws_problem(exc, f"listing Glue database {db}", GLUE_PATH)
    close = difflib.get_close_matches(table, tables, n=3)
    return Finding(
        "error",
        f"{GLUE_PATH}.tableName",
        "glue_table_not_found",
        f"Glue database {db!r} has no table {table!r}"
        + (
            f"; did you mean {', '.join(map(repr, close))}?"
            if close
            else "; register the data first (cleanroom_nb.register_dataframe) or fix the name"
        ),
    )


def _role_arn_findings(request: Mapping[str, Any], session: boto3.Session) -> list[Finding]:
    parsed = _parse_role_arn(request.get("roleArn"))
    out: list[Finding] = []
    try:
        identity = _client.client("sts", session).get_caller_identity()
    except CleanroomNbError as exc:
        return [Finding("error", "roleArn", "aws_unchecked", str(exc))]
    except Exception as exc:
        return [_aws_problem(exc, "asking STS who the caller is", "roleArn")]
    account = str(identity.get("Account", ""))
    caller_partition = str(identity.get("Arn", "arn:aws:")).split(":")[1] or None
    region = session.region_name
    # an unknown (e.g. local) region: judge by the caller's own ARN
    partition = (_client.partition_for_region(region) if region else None) or caller_partition
    if parsed is not None:
        role_partition, role_account, _ = parsed
        if account and role_account != account:
            out.append(
                Finding(
                    "error",
                    "roleArn",
                    "role_account",
                    f"the role is in account {role_account}, but you are calling from account "
                    f"{account}; Clean Rooms ML only assumes roles of the caller's account. "
                    f"Create the role in {account} (cleanroom_nb.create_role) and use its ARN",
                )
            )
        if partition and role_partition != partition:
            out.append(
                Finding(
                    "error",
                    "roleArn",
                    "role_partition",
                    f"the role ARN is in partition {role_partition!r}, but region {region} is in "
                    f"partition {partition!r}; write the ARN as "
                    f"arn:{partition}:iam::{parsed[1]}:role/{parsed[2]}",
                )
            )
    catalog_id = _value_at(request, f"{GLUE_PATH}.catalogId")
    if isinstance(catalog_id, str) and account and catalog_id != account:
        out.append(
            Finding(
                "warning",
                f"{GLUE_PATH}.catalogId",
                "catalog_account",
                f"the Glue catalog {catalog_id} is not the caller's account {account}; the "
                "table must be shared with this account (Lake Formation) for the role to read it",
            )
        )
    return out


# ------------------------------------------------------------------------------- helpers


def _drop_superseded(findings: list[Finding]) -> list[Finding]:
    """Drop the model's tag-count finding when the stricter documented limit already fired."""
    if any(f.code == "too_many_tags" for f in findings):
        return [f for f in findings if not (f.path == "tags" and f.code == "max_count")]
    return findings
