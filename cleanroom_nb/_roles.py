"""Column roles of a Clean Rooms ML training dataset and the Glue types each accepts."""

from __future__ import annotations

from typing import Final

USER_ID: Final = "USER_ID"
ITEM_ID: Final = "ITEM_ID"
TIMESTAMP: Final = "TIMESTAMP"
CATEGORICAL_FEATURE: Final = "CATEGORICAL_FEATURE"
NUMERICAL_FEATURE: Final = "NUMERICAL_FEATURE"

ROLES: Final = (USER_ID, ITEM_ID, TIMESTAMP, CATEGORICAL_FEATURE, NUMERICAL_FEATURE)
REQUIRED_ROLES: Final = (USER_ID, ITEM_ID, TIMESTAMP)
FEATURE_ROLES: Final = (CATEGORICAL_FEATURE, NUMERICAL_FEATURE)
MAX_FEATURES: Final = 10
"""At most 10 feature columns (AWS Clean Rooms user guide, training data requirements)."""

MIN_ROWS: Final = 1_000_000
MIN_USERS_WITH_TWO_INTERACTIONS: Final = 100_000

ACCEPTED_GLUE_TYPES: Final[dict[str, frozenset[str]]] = {
    USER_ID: frozenset({"string", "int", "bigint"}),
    ITEM_ID: frozenset({"string", "int", "bigint"}),
    TIMESTAMP: frozenset({"bigint", "int", "timestamp"}),
    CATEGORICAL_FEATURE: frozenset(
        {"string", "int", "float", "bigint", "double", "boolean", "array"}
    ),
    NUMERICAL_FEATURE: frozenset({"double", "float", "int", "bigint"}),
}
"""Glue types accepted per role (AWS Clean Rooms user guide, "Training data requirements")."""

_ALIASES: Final = {"integer": "int", "long": "bigint", "bool": "boolean", "real": "float"}


def base_glue_type(glue_type: str) -> str:
    """Reduce a Glue type to the family that the role table names.

    Examples
    --------
    >>> base_glue_type("array<string>"), base_glue_type("varchar(20)"), base_glue_type("INTEGER")
    ('array', 'string', 'int')
    """
    t = glue_type.strip().lower()
    for sep in ("<", "("):
        if sep in t:
            t = t.split(sep, 1)[0].strip()
    if t in ("varchar", "char"):
        return "string"
    return _ALIASES.get(t, t)


def accepts(role: str, glue_type: str) -> bool:
    """Whether ``role`` accepts a column of ``glue_type``.

    Examples
    --------
    >>> accepts("TIMESTAMP", "bigint"), accepts("USER_ID", "double")
    (True, False)
    >>> accepts("NUMERICAL_FEATURE", "smallint")
    False
    """
    return base_glue_type(glue_type) in ACCEPTED_GLUE_TYPES[role]


def roles_accepting(glue_type: str) -> tuple[str, ...]:
    """Every role that accepts ``glue_type``, in :data:`ROLES` order.

    Examples
    --------
    >>> roles_accepting("double")
    ('CATEGORICAL_FEATURE', 'NUMERICAL_FEATURE')
    """
    return tuple(r for r in ROLES if accepts(r, glue_type))


def accepted_types_text(role: str) -> str:
    """The Glue types a role accepts, as text for messages."""
    return ", ".join(sorted(ACCEPTED_GLUE_TYPES[role]))
