"""The request against botocore's ``cleanroomsml`` service model, read at run time.

Every constraint of the model (required members, types, lengths, counts, whole-string
patterns, enums, unknown members) becomes a finding, with a hint that says how to fix it.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from typing import Any

import cleanroom_nb._rulebook as _rulebook
from cleanroom_nb._findings import Finding
from cleanroom_nb.aws import _service_model
from cleanroom_nb.infer._schema import glue_column_name

SCHEMA_PATH = "trainingData[0].inputConfig.schema"
GLUE_PATH = "trainingData[0].inputConfig.dataSource.glueDataSource"

_HINTS = {
    "NameString": "use 1-63 printable characters that are not all whitespace",
    "ResourceDescription": "use printable characters, tab, CR and LF only",
    "IamRoleArn": "use a role ARN like arn:aws:iam::123456789012:role/cleanrooms-ml-reader",
    "AccountId": "give the 12-digit account id as a string, e.g. '123456789012'",
}


def model_findings(
    request: Mapping[str, Any], operation: str = _service_model.OPERATION
) -> list[Finding]:
    """One finding per problem: every service-model violation, in words, with a fix.

    ``operation`` is the operation whose input ``request`` is (CreateTrainingDataset by default;
    the audience-model operations use the same checks).

    A value that breaks its length and its pattern at once is one problem. An empty value keeps
    the length finding ("enter 1 to 63 characters"); any other keeps the pattern finding, whose
    hint shows the form expected. The other constraint goes to the finding's ``details``.
    """
    violations = _service_model.check_input(dict(request), operation)
    by_path: dict[str, list[_service_model.Violation]] = {}
    for v in violations:
        by_path.setdefault(v.path, []).append(v)
    out = []
    for v in violations:
        if _merged_away(v, by_path[v.path], request):
            continue
        message = v.message
        hint = _hint(request, v, operation)
        if hint:
            message = f"{message}; {hint}"
        code = v.code
        if message.startswith("key "):  # a map key's own constraint (tags.<key>)
            code = "key_" + code
            message = ("tag " if v.path.startswith("tags.") else "") + message
        details = {k: d for w in by_path[v.path] for k, d in w.details.items()}
        out.append(_rulebook.model_violation(v.path, code, message, details))
    return out


def _merged_away(
    v: _service_model.Violation,
    same_path: list[_service_model.Violation],
    request: Mapping[str, Any],
) -> bool:
    """Whether ``v`` is told by another finding on the same value (length and pattern)."""
    codes = {w.code for w in same_path}
    if not ({"min_length", "max_length"} & codes and "pattern" in codes):
        return False
    value = _checked_value(request, v.path)
    if value == "":
        return v.code == "pattern"
    if v.path.startswith("tags.") and isinstance(value, str) and "max_length" in codes:
        # A pattern that bounds the length itself (botocore 1.34's TagKey "^(?!aws:).{1,128}$")
        # fails only because of the length when the value cut to the maximum matches it.
        pattern = next((w.details.get("pattern") for w in same_path if w.code == "pattern"), None)
        longest = next((w.details.get("max") for w in same_path if w.code == "max_length"), None)
        if (
            pattern
            and isinstance(longest, int)
            and _service_model.pattern_matches(str(pattern), value[:longest])
        ):
            return v.code == "pattern"
    return v.code in ("min_length", "max_length")


def _checked_value(request: Mapping[str, Any], path: str) -> Any:
    """The value a violation at ``path`` is about; for ``tags.<key>``, a key or its value."""
    if path.startswith("tags."):
        key = path[len("tags.") :]
        tags = request.get("tags")
        return key if isinstance(tags, Mapping) and key in tags else value_at(request, path)
    return value_at(request, path)


def value_at(request: Mapping[str, Any], path: str) -> Any:
    value: Any = request
    for part in re.findall(r"[^.\[\]]+|\[\d+\]", path):
        try:
            value = value[int(part[1:-1])] if part.startswith("[") else value[part]
        except (KeyError, IndexError, TypeError, ValueError):
            return None
    return value


def _leaf_shape(path: str, operation: str = _service_model.OPERATION) -> Any:
    """The shape of the value at a request path (list items resolved to the member shape)."""
    try:
        shape: Any = _service_model.shape_at(_plain(path), operation)
    except (KeyError, AttributeError):
        return None
    if path.endswith("]"):
        while shape.type_name == "list":
            shape = shape.member
    return shape


def _shape_name(path: str, operation: str = _service_model.OPERATION) -> str | None:
    shape = _leaf_shape(path, operation)
    return None if shape is None else str(shape.name)


def _hint(
    request: Mapping[str, Any],
    v: _service_model.Violation,
    operation: str = _service_model.OPERATION,
) -> str:
    shape = _shape_name(v.path, operation)
    value = value_at(request, v.path)
    if v.code == "enum" and isinstance(value, str):
        leaf = _leaf_shape(v.path, operation)
        enum = leaf.metadata.get("enum", []) if leaf is not None else []
        fixed = value.strip().upper().replace(" ", "_").replace("-", "_")
        if fixed in enum and fixed != value:
            return f"write {fixed!r}"
        return ""
    if v.code == "unknown_member":
        parent = v.path.rsplit(".", 1)[0] if "." in v.path else ""
        member = v.path.rsplit(".", 1)[-1]
        known = list(_parent_members(parent, operation))
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
            _leaf_shape(v.path, operation).metadata["pattern"]
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


def _parent_members(parent: str, operation: str = _service_model.OPERATION) -> list[str]:
    """The member names of the structure at ``parent`` ("" = the request)."""
    try:
        shape: Any = (
            _service_model.shape_at(_plain(parent), operation)
            if parent
            else _service_model.service_model().operation_model(operation).input_shape
        )
    except (KeyError, AttributeError):
        return []
    while shape.type_name == "list":
        shape = shape.member
    return list(shape.members) if shape.type_name == "structure" else []


def _plain(path: str) -> str:
    return re.sub(r"\[\d+\]", "", path)
