"""datetime: timestamp/date columns (naive = UTC, tz-aware converted) -> epoch seconds."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from cleanroom_nb import _roles
from cleanroom_nb.fixes._convert import to_epoch_seconds
from cleanroom_nb.fixes._registry import Column, FixKind, register


@register
class Datetime(FixKind):
    """A TIMESTAMP column stored as timestamp or date."""

    name = "datetime"
    kind = "to_epoch_seconds"
    priority = 20

    def plan(self, c: Column, quoted: str) -> Any:
        base = _roles.base_glue_type(c.glue_type)
        if c.role != _roles.TIMESTAMP or base not in ("timestamp", "date"):
            return None
        return self.make(
            c,
            quoted,
            what="turn datetimes (naive = UTC) into int64 epoch seconds",
            why=f"{c.name!r} holds {'dates' if base == 'date' else 'datetimes'}; Clean Rooms "
            "ML reads Unix epoch seconds",
            code="timestamp_datetime" if base == "timestamp" else "glue_type",
            params={"from": base},
        )

    def convert(self, s: pd.Series, params: Mapping[str, Any]) -> pd.Series:
        return to_epoch_seconds(s).astype("Int64")

    def sql(self, quoted: str, params: Mapping[str, Any]) -> str:
        value = quoted if params["from"] == "timestamp" else f"CAST({quoted} AS timestamp)"
        return f"CAST(floor(to_unixtime({value})) AS BIGINT)"

    def code(self, ref: str, params: Mapping[str, Any]) -> str:
        return f"crn.to_epoch_seconds({ref})"

    def after(self, c: Column, params: Mapping[str, Any]) -> str:
        return f"bigint epoch seconds, converted from {params['from']} (naive = UTC)"

    def profile_after(self, profile: Any, params: Mapping[str, Any]) -> dict[str, Any]:
        return {"time_unit": "s", "kind": "int", "dtype": "int64"}
