"""Request constraints read from botocore's ``cleanroomsml`` service model at run time.

Nothing here is copied by hand: a new botocore brings its limits, patterns and enums along.
botocore validates only required members, types and ``min``; this module gives the rest.
"""

from __future__ import annotations

import functools
import re
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
    return shape  # type: ignore[no-any-return]


def metadata(path: str, operation: str = OPERATION) -> dict[str, Any]:
    """The constraint metadata (``min``, ``max``, ``pattern``, ``enum``, ...) at ``path``."""
    return dict(shape_at(path, operation).metadata)


@functools.cache
def compiled_pattern(pattern: str) -> re.Pattern[str]:
    """Compile a service-model pattern. Patterns are not anchored: callers use ``fullmatch``."""
    return re.compile(pattern)


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
    return compiled_pattern(pattern).fullmatch(value) is not None


COLUMN_NAME_PATH = "trainingData.inputConfig.schema.columnName"
