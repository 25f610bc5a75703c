"""type_cast: Glue types a role does not take (tinyint, smallint, decimal) -> one it does."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from cleanroom_nb import _roles
from cleanroom_nb.fixes._registry import Column, FixKind, register

_DTYPES: dict[str, Any] = {"bigint": "Int64", "int": "Int32", "double": "float64"}
_SQL_TYPES = {"bigint": "BIGINT", "int": "INTEGER", "double": "DOUBLE"}


@register
class TypeCast(FixKind):
    """Small integers to bigint (ids) or int (features); decimals to double (features)."""

    name = "type_cast"
    kind = "cast"
    priority = 60

    def plan(self, c: Column, quoted: str) -> Any:
        base = _roles.base_glue_type(c.glue_type)
        if c.role in (_roles.USER_ID, _roles.ITEM_ID):
            to = "bigint" if base in ("tinyint", "smallint") else None
        elif c.role in (_roles.CATEGORICAL_FEATURE, _roles.NUMERICAL_FEATURE):
            to = (
                "int"
                if base in ("tinyint", "smallint")
                else "double"
                if base == "decimal"
                else None
            )
        else:
            to = None
        if to is None:
            return None
        return self.make(
            c,
            quoted,
            what=f"cast {c.glue_type} to {to}",
            why=f"{c.role} does not take Glue type {c.glue_type}",
            code="glue_type",
            params={"to": to},
            new_glue_type=to,
        )

    def convert(self, s: pd.Series, params: Mapping[str, Any]) -> pd.Series:
        dtype: Any = _DTYPES[str(params["to"])]
        return s.astype(dtype)

    def sql(self, quoted: str, params: Mapping[str, Any]) -> str:
        return f"CAST({quoted} AS {_SQL_TYPES[str(params['to'])]})"

    def code(self, ref: str, params: Mapping[str, Any]) -> str:
        return f"{ref}.astype({_DTYPES[str(params['to'])]!r})"

    def after(self, c: Column, params: Mapping[str, Any]) -> str:
        return f"{params['to']}, cast from {c.glue_type}"

    def profile_after(self, profile: Any, params: Mapping[str, Any]) -> dict[str, Any]:
        return {"dtype": _DTYPES[str(params["to"])]}
