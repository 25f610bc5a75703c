"""Request constraints read from botocore's ``cleanroomsml`` service model at run time.

Nothing here is copied by hand: a new botocore brings its limits, patterns and enums along.
botocore validates only required members, types and ``min``; this module gives the rest.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import botocore.session
from botocore.model import ServiceModel, Shape

from cleanroom_nb.aws._java_regex import UnsupportedPatternError as UnsupportedPatternError
from cleanroom_nb.aws._java_regex import java_regex_to_python

SERVICE_NAME = "cleanroomsml"
OPERATION = "CreateTrainingDataset"


@functools.cache
def service_model() -> ServiceModel:
    """The ``cleanroomsml`` service model, loaded once (no client, no region needed).

    It is the same model as ``boto3.client("cleanroomsml").meta.service_model``.

    Examples
    --------
    >>> service_model().protocol
    'rest-json'
    """
    return botocore.session.get_session().get_service_model(SERVICE_NAME)


def shape_at(path: str, operation: str = OPERATION) -> Shape:
    """The shape at a dotted member path of an operation's input.

    List members are reached through the list's name, e.g.
    ``"trainingData.inputConfig.schema.columnName"``.

    Examples
    --------
    >>> shape_at("trainingData.inputConfig.schema.columnName").name
    'ColumnName'
    """
    shape: Any = service_model().operation_model(operation).input_shape
    for part in path.split("."):
        while shape.type_name == "list":
            shape = shape.member
        shape = shape.members[part]
    return shape  # type: ignore[no-any-return,unused-ignore]


def metadata(path: str, operation: str = OPERATION) -> dict[str, Any]:
    """The constraint metadata (``min``, ``max``, ``pattern``, ``enum``, ...) at ``path``."""
    return dict(shape_at(path, operation).metadata)


@functools.cache
def compiled_pattern(pattern: str) -> re.Pattern[str]:
    """Compile a service-model (Java) pattern so Python matches as AWS does.

    Patterns are not anchored: callers use ``fullmatch``. See :func:`java_regex_to_python`.

    Examples
    --------
    >>> compiled_pattern("(?!\\\\s*$)[\\\\u0020-\\\\uD7FF]*").fullmatch("\\u3000") is not None
    True
    """
    return re.compile(java_regex_to_python(pattern), re.ASCII)


def pattern_matches(pattern: str, value: str) -> bool:
    """Whether ``value`` matches the model (Java) ``pattern`` as a whole, as AWS decides it.

    The value is first read the way it travels (UTF-16 in JSON): adjacent surrogate code
    points form one character, as in a Java ``String``.

    Examples
    --------
    >>> pattern_matches("[\\\\uD800-\\\\uDFFF]{2}", "\\ud800\\udfff")  # one U+103FF in Java
    False
    >>> pattern_matches("[a-z]+(-[a-z]+)*", "aws-cn")
    True
    """
    if any("\ud800" <= ch <= "\udfff" for ch in value):
        value = value.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "surrogatepass")
    return compiled_pattern(pattern).fullmatch(value) is not None


def matches(path: str, value: str, operation: str = OPERATION) -> bool:
    """Whether ``value`` matches, as a whole string, the pattern at ``path`` (True if none).

    Examples
    --------
    >>> matches("trainingData.inputConfig.schema.columnName", "user id")
    True
    >>> matches("trainingData.inputConfig.schema.columnName", "user-")
    False
    """
    pattern = metadata(path, operation).get("pattern")
    if pattern is None:
        return True
    return pattern_matches(pattern, value)


COLUMN_NAME_PATH = "trainingData.inputConfig.schema.columnName"


# --- A generic, model-driven input checker (shared by the request validator and the emulator) ---


@dataclass(frozen=True)
class Violation:
    """One breach of a service-model constraint found by :func:`check_input`.

    ``path`` uses the request's own spelling, e.g.
    ``"trainingData[0].inputConfig.schema[3].columnName"``, ``"tags"`` or ``"tags.<key>"``;
    ``code`` is one of ``"required"``, ``"type"``, ``"unknown_member"``, ``"min_length"``,
    ``"max_length"``, ``"pattern"``, ``"enum"``, ``"min_count"``, ``"max_count"``,
    ``"min_value"``, ``"max_value"``. ``message`` is in words; ``details`` holds the
    constraint itself (``{"pattern": ...}``, ``{"min": ..., "max": ...}``) for code users and
    for the emulator's AWS-style messages.
    """

    path: str
    code: str
    message: str
    details: Mapping[str, Any] = field(default_factory=dict, compare=False)


def _join(path: str, member: str) -> str:
    return f"{path}.{member}" if path else member


def check_shape(shape: Shape, value: Any, path: str = "") -> list[Violation]:
    """Every constraint of ``shape`` (recursively) that ``value`` breaks.

    Checks required members, types, unknown members, ``min``/``max`` (characters of strings,
    entries of lists and maps, values of numbers), whole-string ``pattern`` and ``enum``;
    map keys are checked against the key shape. All violations are returned, none raised.

    Examples
    --------
    >>> [v.code for v in check_shape(shape_at("name"), "x" * 64, "name")]
    ['max_length']
    """
    kind = shape.type_name
    where = path or "request"
    check = _CHECKS.get("number" if kind in ("integer", "long", "float", "double") else kind)
    if check is None:
        return []
    return check(shape, value, path, where)


def _wrong_type(where: str, what: str, value: Any) -> list[Violation]:
    return [Violation(where, "type", f"{where} must be {what}, not {type(value).__name__}")]


def _check_structure(shape: Any, value: Any, path: str, where: str) -> list[Violation]:
    if not isinstance(value, dict):
        return _wrong_type(where, "an object (dict)", value)
    out: list[Violation] = []
    members = shape.members
    for req in shape.metadata.get("required", []):
        if value.get(req) is None:
            out.append(
                Violation(_join(path, req), "required", f"{_join(path, req)} is required; add it")
            )
    for key, item in value.items():
        if key not in members:
            out.append(
                Violation(
                    _join(path, key),
                    "unknown_member",
                    f"{_join(path, key)} is not a member of {shape.name}; "
                    f"use one of {', '.join(members)}",
                )
            )
        elif item is not None:
            out.extend(check_shape(members[key], item, _join(path, key)))
    return out


def _check_list(shape: Any, value: Any, path: str, where: str) -> list[Violation]:
    if not isinstance(value, list | tuple):
        return _wrong_type(where, "a list", value)
    out = _count(shape.metadata, len(value), where, "item")
    for i, item in enumerate(value):
        out.extend(check_shape(shape.member, item, f"{path}[{i}]"))
    return out


def _check_map(shape: Any, value: Any, path: str, where: str) -> list[Violation]:
    if not isinstance(value, dict):
        return _wrong_type(where, "a map (dict)", value)
    out = _count(shape.metadata, len(value), where, "entry", "entries")
    for k, v in value.items():
        for viol in check_shape(shape.key, k, f"{where}.{k}"):
            out.append(Violation(viol.path, viol.code, "key " + viol.message, viol.details))
        out.extend(check_shape(shape.value, v, f"{where}.{k}"))
    return out


def _check_string(shape: Any, value: Any, path: str, where: str) -> list[Violation]:
    if not isinstance(value, str):
        return _wrong_type(where, "a string", value)
    out: list[Violation] = []
    meta, n = shape.metadata, len(value)
    bounds = {k: meta[k] for k in ("min", "max") if k in meta}
    if "min" in meta and n < meta["min"]:
        out.append(Violation(where, "min_length", _length_message(where, n, meta), bounds))
    if "max" in meta and n > meta["max"]:
        out.append(Violation(where, "max_length", _length_message(where, n, meta), bounds))
    pattern = meta.get("pattern")
    if pattern is not None and not pattern_matches(pattern, value):
        out.append(
            Violation(
                where,
                "pattern",
                f"{where} {_shown(value)} has characters or a form the service does not accept",
                {"pattern": pattern},
            )
        )
    enum = meta.get("enum")
    if enum is not None and value not in enum:
        out.append(
            Violation(
                where,
                "enum",
                f"{where} {_shown(value)} is not one of {', '.join(enum)}",
                {"enum": list(enum)},
            )
        )
    return out


def _length_message(where: str, n: int, meta: Mapping[str, Any]) -> str:
    chars = f"{n} character{'s' if n != 1 else ''}"
    if n == 0 and "max" in meta:
        return f"{where} is empty; enter {meta['min']} to {meta['max']} characters"
    if "min" in meta and "max" in meta:
        return f"{where} has {chars}; use {meta['min']} to {meta['max']}"
    if "min" in meta:
        return f"{where} has {chars}; use at least {meta['min']}"
    return f"{where} has {chars}; use at most {meta['max']}"


def _shown(value: str, limit: int = 60) -> str:
    """A value as a message shows it: quoted, and cut when long."""
    return repr(value if len(value) <= limit else value[: limit - 1] + "…")


def _check_number(shape: Any, value: Any, path: str, where: str) -> list[Violation]:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return _wrong_type(where, "a number", value)
    out: list[Violation] = []
    meta = shape.metadata
    if "min" in meta and value < meta["min"]:
        out.append(Violation(where, "min_value", f"{where} is {value}; use at least {meta['min']}"))
    if "max" in meta and value > meta["max"]:
        out.append(Violation(where, "max_value", f"{where} is {value}; use at most {meta['max']}"))
    return out


def _check_boolean(shape: Any, value: Any, path: str, where: str) -> list[Violation]:
    if isinstance(value, bool):
        return []
    return [Violation(where, "type", f"{where} must be true or false")]


_CHECKS: dict[str, Callable[[Any, Any, str, str], list[Violation]]] = {
    "structure": _check_structure,
    "list": _check_list,
    "map": _check_map,
    "string": _check_string,
    "number": _check_number,
    "boolean": _check_boolean,
}


def _count(meta: Any, n: int, where: str, one: str, many: str | None = None) -> list[Violation]:
    many = many or one + "s"
    out = []
    if "min" in meta and n < meta["min"]:
        out.append(
            Violation(where, "min_count", f"{where} has {n} {many}; give at least {meta['min']}")
        )
    if "max" in meta and n > meta["max"]:
        out.append(
            Violation(where, "max_count", f"{where} has {n} {many}; give at most {meta['max']}")
        )
    return out


def check_input(params: Any, operation: str = OPERATION) -> list[Violation]:
    """Every service-model constraint of ``operation``'s input that ``params`` breaks.

    Examples
    --------
    >>> [v.path for v in check_input({"name": "n"})]
    ['roleArn', 'trainingData']
    """
    shape: Any = service_model().operation_model(operation).input_shape
    return check_shape(shape, params, "")


CONSTRAINT_KEYS = ("min", "max", "pattern", "enum")
"""The shape metadata keys :func:`check_shape` enforces (plus ``required`` on structures)."""


def constraint_index(operation: str = OPERATION) -> dict[str, set[str]]:
    """Every constraint the model exposes for ``operation``'s input, by dotted member path.

    ``required`` is listed on the member that is required; a map's key and value constraints
    appear as ``"key.max"``, ``"value.max"``, ...; list members are folded into the list's
    path (``"trainingData.type"``).

    Examples
    --------
    >>> sorted(constraint_index()["name"])
    ['max', 'min', 'pattern', 'required']
    """
    out: dict[str, set[str]] = {}

    def add(path: str, key: str) -> None:
        out.setdefault(path, set()).add(key)

    def walk(shape: Any, path: str, prefix: str = "", seen: tuple[str, ...] = ()) -> None:
        if shape.name in seen:
            return
        seen = (*seen, shape.name)
        for key in CONSTRAINT_KEYS:
            if key in shape.metadata and path:
                add(path, prefix + key)
        if shape.type_name == "structure":
            for req in shape.metadata.get("required", []):
                add(f"{path}.{req}" if path else req, "required")
            for name, member in shape.members.items():
                walk(member, f"{path}.{name}" if path else name, "", seen)
        elif shape.type_name == "list":
            walk(shape.member, path, prefix, seen)
        elif shape.type_name == "map":
            walk(shape.key, path, "key.", seen)
            walk(shape.value, path, "value.", seen)

    walk(service_model().operation_model(operation).input_shape, "")
    return out


def output_enum(operation: str, member: str) -> tuple[str, ...]:
    """The values the model allows for ``member`` of ``operation``'s output (``()``: any).

    Examples
    --------
    >>> output_enum("GetTrainingDataset", "status")
    ('ACTIVE',)
    """
    shape: Any = service_model().operation_model(operation).output_shape
    return tuple(getattr(shape.members[member], "enum", None) or ())


def error_http_status(code: str) -> int | None:
    """The HTTP status the model gives the error shape ``code`` (None when it has no such shape).

    Examples
    --------
    >>> error_http_status("ConflictException")
    409
    """
    try:
        shape = service_model().shape_for(code)
    except Exception:  # NoShapeFoundError: this botocore's model does not know the error
        return None
    status = shape.metadata.get("error", {}).get("httpStatusCode")
    return None if status is None else int(status)
