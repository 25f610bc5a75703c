"""text_time: times written as text (or as YYYYMMDD numbers) in a detected format -> epoch seconds.

The format comes from the time-format table (``TimeFormat``, ``parse_times``,
``sql_parse_times``); this kind only attaches it, so pandas and Athena read the same format.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from cleanroom_nb import _roles
from cleanroom_nb.fixes._normalise import sql_trimmed, trimmed
from cleanroom_nb.fixes._registry import Column, FixKind, register
from cleanroom_nb.fixes._timeformats import time_formats
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
        parse = time_formats().parse_times
        if params.get("stored") == "text":
            return on_uniques(s, lambda u: parse(trimmed(u), fmt), "Int64")
        return on_uniques(s, lambda u: parse(u, fmt), "Int64")

    def sql(self, quoted: str, params: Mapping[str, Any]) -> str:
        # Text is trimmed by the README's rule first (Trino's trim would keep NBSP).
        column = sql_trimmed(quoted) if params.get("stored") == "text" else quoted
        return time_formats().sql_parse_times(column, params["time_format"])

    def code(self, ref: str, params: Mapping[str, Any]) -> str:
        return f"crn.to_epoch_seconds({ref}, format={params['format']!r}, errors='coerce')"

    def after(self, c: Column, params: Mapping[str, Any]) -> str:
        return f"bigint epoch seconds, converted from {params['stored']} {params['format']!r}"

    def profile_after(self, profile: Any, params: Mapping[str, Any]) -> dict[str, Any]:
        return {"time_unit": "s", "time_format": None, "kind": "int", "dtype": "int64"}
