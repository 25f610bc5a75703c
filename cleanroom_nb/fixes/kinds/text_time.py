"""text_time: times written as text (or as YYYYMMDD numbers) in a detected format -> epoch seconds.

The format comes from ``fixes/_timeformat`` (``TimeFormat``, ``parse_times``,
``sql_parse_times``); this kind only attaches it, so pandas and Athena read the same format.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from cleanroom_nb import _roles
from cleanroom_nb.fixes._registry import Column, FixKind, register
from cleanroom_nb.fixes._timeformat import parse_times, sql_parse_times
from cleanroom_nb.fixes.kinds._shared import on_uniques


@register
class TextTime(FixKind):
    """A TIMESTAMP column with a detected time format, whatever its storage."""

    name = "text_time"
    kind = "to_epoch_seconds"
    priority = 10

    def plan(self, c: Column, quoted: str) -> Any:
        p = c.profile
        if c.role != _roles.TIMESTAMP or p is None or p.time_format is None:
            return None
        tf = p.time_format
        tz = "offset in the text" if tf.has_zone else "UTC"
        stored = "text" if _roles.base_glue_type(c.glue_type) == "string" else c.glue_type
        return self.make(
            c,
            quoted,
            what=f"parse {stored} like {tf.example!r} ({tf.describe()}) into int64 epoch seconds",
            why=f"{c.name!r} holds times as {stored}; TIMESTAMP takes Unix epoch seconds",
            code="timestamp_text",
            params={
                "format": tf.format,
                "tz": tz,
                "offset": tf.offset,
                "zoned": tf.zoned,
                "stored": stored,
                "time_format": tf,
            },
        )

    def convert(self, s: pd.Series, params: Mapping[str, Any]) -> pd.Series:
        fmt = str(params["format"])
        # parse_times trims text by the README's rule (Trino's trim would keep NBSP)
        return on_uniques(s, lambda u: parse_times(u, fmt), "Int64")

    def sql(self, quoted: str, params: Mapping[str, Any]) -> str:
        # sql_parse_times trims text by the README's rule, as parse_times does
        return sql_parse_times(quoted, params["time_format"])

    def code(self, ref: str, params: Mapping[str, Any]) -> str:
        return f"crn.to_epoch_seconds({ref}, format={params['format']!r}, errors='coerce')"

    def after(self, c: Column, params: Mapping[str, Any]) -> str:
        return f"bigint epoch seconds, converted from {params['stored']} {params['format']!r}"

    def profile_after(self, profile: Any, params: Mapping[str, Any]) -> dict[str, Any]:
        return {"time_unit": "s", "time_format": None, "kind": "int", "dtype": "int64"}
