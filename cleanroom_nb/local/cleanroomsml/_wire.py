"""The rest-json wire side: routes and parameters read from botocore's service model.

Each operation's method and ``requestUri`` come from the model (as moto's ``core/responses.py``
derives rest-json routes), so the emulator answers exactly the paths botocore sends. A request's
URI labels, query string and JSON body are put together into the operation's input, checked
against every constraint of the model (ValidationException), and handed to the backend.
Operations of the model that the emulator does not implement are answered
``UnknownOperationException``, naming them.
"""

from __future__ import annotations

import functools
import json
import re
import urllib.parse
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from cleanroom_nb.aws import _service_model
from cleanroom_nb.local.cleanroomsml import _exceptions as errors
from cleanroom_nb.local.cleanroomsml._audience import HANDLERS as AUDIENCE_HANDLERS
from cleanroom_nb.local.cleanroomsml._backend import Backend

Handler = Callable[[Backend, dict[str, Any], str, str], dict[str, Any]]
"""(backend, input parameters, account, region) -> the JSON answer."""

HANDLERS: dict[str, Handler] = {
    "CreateTrainingDataset": lambda b, p, a, r: b.create(p, a, r),
    "GetTrainingDataset": lambda b, p, a, r: b.get(p["trainingDatasetArn"]),
    "ListTrainingDatasets": lambda b, p, a, r: b.list(p, a, r),
    "DeleteTrainingDataset": lambda b, p, a, r: b.delete(p["trainingDatasetArn"]),
    "TagResource": lambda b, p, a, r: b.tag(p["resourceArn"], p["tags"]),
    "UntagResource": lambda b, p, a, r: b.untag(p["resourceArn"], p["tagKeys"]),
    "ListTagsForResource": lambda b, p, a, r: b.tags_of(p["resourceArn"]),
    **AUDIENCE_HANDLERS,
}
"""The operations the emulator implements."""


@dataclass(frozen=True)
class Route:
    """One operation's HTTP method and path pattern (named groups are the URI labels)."""

    operation: str
    method: str
    pattern: re.Pattern[str]


def _pattern(uri: str) -> re.Pattern[str]:
    path = uri.split("?", 1)[0]
    out, last = [], 0
    labels = list(re.finditer(r"\{(\w+)(\+?)\}", path))
    for i, m in enumerate(labels):
        out.append(re.escape(path[last : m.start()]))
        greedy = m[2] == "+" or (i == len(labels) - 1 and m.end() == len(path))
        out.append(f"(?P<{m[1]}>{'.+' if greedy else '[^/]+'})")
        last = m.end()
    out.append(re.escape(path[last:]))
    return re.compile("".join(out) + "/?")


@functools.cache
def routes() -> tuple[Route, ...]:
    """Every operation of the model as a route (the most literal paths first)."""
    model = _service_model.service_model()
    found = []
    for name in model.operation_names:
        http = model.operation_model(name).http
        found.append(Route(name, http["method"], _pattern(http["requestUri"])))
    return tuple(
        sorted(found, key=lambda r: -len(re.sub(r"\(\?P<\w+>[^)]*\)", "", r.pattern.pattern)))
    )


def match(method: str, path: str) -> tuple[str, dict[str, str]] | None:
    """The operation and its (decoded) URI labels for ``method path``, or None."""
    for route in routes():
        m = route.pattern.fullmatch(path)
        if m is not None and route.method == method:
            return route.operation, {k: urllib.parse.unquote(v) for k, v in m.groupdict().items()}
    return None


def _query_value(shape: Any, values: list[str], name: str) -> Any:
    if shape.type_name == "list":
        return values
    value = values[0]
    if shape.type_name in ("integer", "long"):
        try:
            return int(value)
        except ValueError as exc:
            raise errors.validation(f"{name} must be an integer") from exc
    return value


def parameters(
    operation: str, labels: Mapping[str, str], query: Mapping[str, list[str]], body: bytes
) -> dict[str, Any]:
    """The operation's input from URI labels, query string and JSON body, as botocore sent it."""
    shape: Any = _service_model.service_model().operation_model(operation).input_shape
    params: dict[str, Any] = {}
    payload: Any = {}
    if body.strip():
        try:
            payload = json.loads(body)
        except ValueError as exc:
            raise errors.ApiError("SerializationException", f"Malformed JSON body: {exc}") from exc
    if shape is None:
        return params
    for name, member in shape.members.items():
        location = member.serialization.get("location")
        wire_name = member.serialization.get("name", name)
        if location == "uri" and wire_name in labels:
            params[name] = labels[wire_name]
        elif location == "querystring" and wire_name in query:
            params[name] = _query_value(member, query[wire_name], wire_name)
        elif location is None and isinstance(payload, dict) and name in payload:
            params[name] = payload[name]
    if isinstance(payload, dict):  # unknown body members are the model checker's to report
        params.update({k: v for k, v in payload.items() if k not in shape.members})
    return params


def _validation_message(violations: list[_service_model.Violation]) -> str:
    n = len(violations)
    detail = "; ".join(
        f"Value at '{v.path}' failed to satisfy constraint: {_constraint(v)}" for v in violations
    )
    return f"{n} validation error{'s' if n != 1 else ''} detected: {detail}"


def _constraint(v: _service_model.Violation) -> str:
    """The constraint in AWS's words where its form is known, else the checker's message."""
    if v.code == "pattern":
        return f"Member must satisfy regular expression pattern: {v.details['pattern']}"
    if v.code in ("min_length", "max_length") and {"min", "max"} <= set(v.details):
        return (
            "Member must have length "
            + ("greater than or equal to " if v.code == "min_length" else "less than or equal to ")
            + str(v.details["min" if v.code == "min_length" else "max"])
        )
    return v.message


def check(params: Any, operation: str) -> None:
    """Every constraint of the model for ``operation``'s input (ValidationException)."""
    violations = _service_model.check_input(params, operation)
    if violations:
        raise errors.validation(_validation_message(violations))


def dispatch(
    backend: Backend,
    operation: str,
    labels: Mapping[str, str],
    query: Mapping[str, list[str]],
    body: bytes,
    account: str,
    region: str,
) -> dict[str, Any]:
    """Answer one request of ``operation`` (raises :class:`~._exceptions.ApiError`)."""
    handler = HANDLERS.get(operation)
    if handler is None:
        raise errors.ApiError(
            "UnknownOperationException",
            f"The Clean Rooms ML emulator does not implement {operation}",
        )
    params = parameters(operation, labels, query, body)
    check(params, operation)
    return handler(backend, params, account, region)
