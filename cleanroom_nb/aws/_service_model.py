"""Request constraints read from botocore's ``cleanroomsml`` service model at run time.

Nothing here is copied by hand: a new botocore brings its limits, patterns and enums along.
botocore validates only required members, types and ``min``; this module gives the rest.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any

import botocore.session
from botocore.model import ServiceModel, Shape

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


class UnsupportedPatternError(ValueError):
    """A service-model pattern uses Java regex syntax that Python's ``re`` cannot express."""


_HEX = "0123456789abcdefABCDEF"
_JAVA_LINE_TERMINATORS = "\\n\\r\\u0085\\u2028\\u2029"
# Java's ``.`` (no DOTALL) matches anything but a line terminator.
_JAVA_DOT = f"[^{_JAVA_LINE_TERMINATORS}]"
# Java's ``$`` (no MULTILINE): end of input, or before a line terminator that ends the input
# (never between ``\r`` and ``\n``).
_JAVA_DOLLAR = "(?:\\Z|(?=\\r\\n\\Z)|(?<!\\r)(?=\\n\\Z)|(?=[\\r\\u0085\\u2028\\u2029]\\Z))"
_POSIX_CLASSES = {
    "Lower": "a-z",
    "Upper": "A-Z",
    "ASCII": "\\x00-\\x7F",
    "Alpha": "a-zA-Z",
    "Digit": "0-9",
    "Alnum": "a-zA-Z0-9",
    "Punct": "!-/:-@\\[-`{-~",
    "Graph": "!-~",
    "Print": " -~",
    "Blank": " \\t",
    "Cntrl": "\\x00-\\x1F\\x7F",
    "XDigit": "0-9a-fA-F",
    "Space": " \\t\\n\\x0B\\f\\r",
}


def _py_char(code: int) -> str:
    return f"\\U{code:08X}" if code > 0xFFFF else f"\\u{code:04X}"


def java_regex_to_python(pattern: str) -> str:
    """Translate a Java regex (as AWS services evaluate the model's patterns) to Python ``re``.

    Compile the result with ``re.ASCII`` (Java's ``\\s``, ``\\w``, ``\\d`` are ASCII-only).
    What differs between the two engines is translated exactly:

    - ``\\uXXXX`` escapes: a high surrogate escape directly followed by a low surrogate escape
      is one supplementary code point (Java's ``Pattern.u()``); any other surrogate escape
      stays a lone code unit, as in Java. The model's ``\\uD800\\uDBFF-\\uDC00\\uDFFF``
      therefore adds only lone surrogates, so characters beyond U+FFFF do not match -- as in
      Java, which matches strings by code point.
    - ``.`` excludes every Java line terminator, ``$`` and ``\\Z`` also match before a final
      ``\\r``, ``\\r\\n``, U+0085, U+2028 or U+2029; ``\\z`` is Python's ``\\Z``.
    - ``\\x{h..h}``, ``\\e``, ``\\Q...\\E``, ``\\p{Alpha}``-style POSIX classes, ``(?<name>``.

    Raises
    ------
    UnsupportedPatternError
        For Java-only syntax with no exact Python form (Unicode ``\\p{L}``, nested classes,
        class intersection ``&&``, ``\\G``, ``\\R``, ...).

    Examples
    --------
    >>> java_regex_to_python("[\\\\uD83D\\\\uDE00a]")
    '[\\\\U0001F600a]'
    >>> re.fullmatch(java_regex_to_python("a.b"), "a\\u2028b") is None
    True
    """
    out: list[str] = []
    i, n = 0, len(pattern)
    in_class = False
    class_start = False

    def hex_at(j: int, k: int) -> int | None:
        s = pattern[j : j + k]
        return int(s, 16) if len(s) == k and all(c in _HEX for c in s) else None

    while i < n:
        c = pattern[i]
        if c == "\\":
            if i + 1 >= n:
                raise UnsupportedPatternError("pattern ends with a lone backslash")
            e = pattern[i + 1]
            if e == "u":
                code = hex_at(i + 2, 4)
                if code is None:
                    raise UnsupportedPatternError(f"bad \\u escape at {i}")
                i += 6
                if 0xD800 <= code <= 0xDBFF and pattern[i : i + 2] == "\\u":
                    low = hex_at(i + 2, 4)
                    if low is not None and 0xDC00 <= low <= 0xDFFF:
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                        i += 6
                out.append(_py_char(code))
            elif e == "x":
                if pattern[i + 2 : i + 3] == "{":
                    end = pattern.find("}", i + 3)
                    body = pattern[i + 3 : end] if end > 0 else ""
                    if not body or any(ch not in _HEX for ch in body):
                        raise UnsupportedPatternError(f"bad \\x{{...}} escape at {i}")
                    out.append(_py_char(int(body, 16)))
                    i = end + 1
                else:
                    code = hex_at(i + 2, 2)
                    if code is None:
                        raise UnsupportedPatternError(f"bad \\x escape at {i}")
                    out.append(_py_char(code))
                    i += 4
            elif e == "e":
                out.append("\\x1B")
                i += 2
            elif e == "Q":
                end = pattern.find("\\E", i + 2)
                end = n if end < 0 else end
                out.append(re.escape(pattern[i + 2 : end]))
                i = end + 2
            elif e == "p" and pattern[i + 2 : i + 3] == "{":
                end = pattern.find("}", i + 3)
                name = pattern[i + 3 : end] if end > 0 else ""
                name = name.removeprefix("Is")
                if name not in _POSIX_CLASSES:
                    raise UnsupportedPatternError(f"Java class \\p{{{name}}} has no re form")
                out.append(_POSIX_CLASSES[name] if in_class else f"[{_POSIX_CLASSES[name]}]")
                i = end + 1
            elif e in "dDsSwWtnrfa" or (not e.isalnum()) or (not in_class and e in "bBA"):
                out.append(pattern[i : i + 2])
                i += 2
            elif not in_class and e == "z":
                out.append("\\Z")
                i += 2
            elif not in_class and e == "Z":
                out.append(_JAVA_DOLLAR)
                i += 2
            else:
                raise UnsupportedPatternError(f"Java escape \\{e} has no exact re form")
            class_start = False
            continue
        if in_class:
            if c == "[" or pattern.startswith("&&", i):
                raise UnsupportedPatternError("nested character classes / && are Java-only")
            if c == "]" and not class_start:
                in_class = False
            out.append(c)
            class_start = False
            i += 1
            continue
        if c == "[":
            in_class = True
            j = i + 1
            if pattern[j : j + 1] == "^":
                j += 1
            out.append(pattern[i:j])
            i = j
            class_start = True
            continue
        if c == ".":
            out.append(_JAVA_DOT)
        elif c == "$":
            out.append(_JAVA_DOLLAR)
        elif pattern.startswith("(?<", i) and pattern[i + 3 : i + 4] not in ("=", "!"):
            out.append("(?P<")
            i += 3
            continue
        else:
            out.append(c)
        i += 1
    return "".join(out)


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
    ``"min_value"``, ``"max_value"``.
    """

    path: str
    code: str
    message: str


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
    out: list[Violation] = []
    s: Any = shape
    meta = s.metadata
    kind = shape.type_name
    where = path or "request"
    if kind == "structure":
        if not isinstance(value, dict):
            return [
                Violation(
                    where, "type", f"{where} must be an object (dict), not {type(value).__name__}"
                )
            ]
        members = s.members
        for req in meta.get("required", []):
            if value.get(req) is None:
                out.append(
                    Violation(
                        _join(path, req), "required", f"{_join(path, req)} is required; add it"
                    )
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
    if kind == "list":
        if not isinstance(value, list | tuple):
            return [Violation(where, "type", f"{where} must be a list, not {type(value).__name__}")]
        out.extend(_count(meta, len(value), where, "item"))
        member: Any = s.member
        for i, item in enumerate(value):
            out.extend(check_shape(member, item, f"{path}[{i}]"))
        return out
    if kind == "map":
        if not isinstance(value, dict):
            return [
                Violation(
                    where, "type", f"{where} must be a map (dict), not {type(value).__name__}"
                )
            ]
        out.extend(_count(meta, len(value), where, "entry", "entries"))
        key_shape: Any = s.key
        value_shape: Any = s.value
        for k, v in value.items():
            for viol in check_shape(key_shape, k, f"{where}.{k}"):
                out.append(Violation(viol.path, viol.code, "key " + viol.message))
            out.extend(check_shape(value_shape, v, f"{where}.{k}"))
        return out
    if kind == "string":
        if not isinstance(value, str):
            return [
                Violation(where, "type", f"{where} must be a string, not {type(value).__name__}")
            ]
        n = len(value)
        if "min" in meta and n < meta["min"]:
            out.append(
                Violation(
                    where, "min_length", f"{where} has {n} characters; use at least {meta['min']}"
                )
            )
        if "max" in meta and n > meta["max"]:
            out.append(
                Violation(
                    where, "max_length", f"{where} has {n} characters; use at most {meta['max']}"
                )
            )
        pattern = meta.get("pattern")
        if pattern is not None and not pattern_matches(pattern, value):
            out.append(
                Violation(
                    where, "pattern", f"{where} {value!r} does not match the pattern {pattern}"
                )
            )
        enum = meta.get("enum")
        if enum is not None and value not in enum:
            out.append(
                Violation(where, "enum", f"{where} {value!r} is not one of {', '.join(enum)}")
            )
        return out
    if kind in ("integer", "long", "float", "double"):
        if isinstance(value, bool) or not isinstance(value, int | float):
            return [
                Violation(where, "type", f"{where} must be a number, not {type(value).__name__}")
            ]
        if "min" in meta and value < meta["min"]:
            out.append(
                Violation(where, "min_value", f"{where} is {value}; use at least {meta['min']}")
            )
        if "max" in meta and value > meta["max"]:
            out.append(
                Violation(where, "max_value", f"{where} is {value}; use at most {meta['max']}")
            )
        return out
    if kind == "boolean" and not isinstance(value, bool):
        return [Violation(where, "type", f"{where} must be true or false")]
    return out


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
