"""epoch_unit: Unix epoch ms/us/ns (or seconds stored as float/text) -> epoch seconds (floor)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from cleanroom_nb import _roles
from cleanroom_nb.fixes._convert import UNIT_FACTORS
from cleanroom_nb.fixes._registry import Column, FixKind, register

_INT_TYPES = ("bigint", "int")
_FLOAT_TYPES = ("double", "float")


@register
class EpochUnit(FixKind):
    """A TIMESTAMP column of epoch numbers not already bigint seconds."""

    name = "epoch_unit"
    kind = "to_epoch_seconds"
    priority = 30

    def plan(self, c: Column, quoted: str) -> Any:
        p = c.profile
        unit = p.time_unit if p is not None else None
        base = _roles.base_glue_type(c.glue_type)
        if c.role != _roles.TIMESTAMP or unit is None or (unit == "s" and base in _INT_TYPES):
            return None
        code = (
            "timestamp_unit"
            if base in _INT_TYPES
            else "glue_type"
            if base in _FLOAT_TYPES
            else "timestamp_text"
        )
        return self.make(
            c,
            quoted,
            what=f"turn Unix epoch {unit} ({c.glue_type}) into int64 epoch seconds (floor)",
            why=f"{c.name!r} holds Unix epoch {unit} as {c.glue_type}; TIMESTAMP takes epoch "
            "seconds as bigint",
            code=code,
            params={"unit": unit, "from": base},
        )

    def convert(self, s: pd.Series, params: Mapping[str, Any]) -> pd.Series:
        div = UNIT_FACTORS[str(params["unit"])]
        if not pd.api.types.is_numeric_dtype(s.dtype) or pd.api.types.is_bool_dtype(s.dtype):
            s = pd.to_numeric(s.astype("str").str.strip().where(s.notna()), errors="coerce")
        if pd.api.types.is_integer_dtype(s.dtype):
            isna = np.asarray(s.isna(), dtype=bool)
            arr = np.asarray(s.to_numpy(dtype="int64", na_value=0), dtype="int64")
            out = pd.array(np.floor_divide(arr, div), dtype="Int64")
            out[isna] = pd.NA
            return pd.Series(out, index=s.index, name=s.name)
        farr = np.asarray(s.to_numpy(dtype="float64", na_value=np.nan), dtype="float64")
        floored = np.floor(farr / div) if div > 1 else np.floor(farr)
        ok = np.isfinite(floored)
        out = pd.array(np.where(ok, floored, 0).astype("int64"), dtype="Int64")
        out[~ok] = pd.NA
        return pd.Series(out, index=s.index, name=s.name)

    def sql(self, quoted: str, params: Mapping[str, Any]) -> str:
        div = UNIT_FACTORS[str(params["unit"])]
        base = params["from"]
        value = (
            quoted
            if base in _INT_TYPES or base in _FLOAT_TYPES
            else f"try(CAST(trim({quoted}) AS DOUBLE))"
        )
        if base in _INT_TYPES:
            if div == 1:
                return f"CAST({quoted} AS BIGINT)"
            # Floor division, exact for every bigint: Trino's integer / truncates toward zero
            # (-1500 / 1000 = -1) where epoch seconds need the floor (-2), as pandas gives.
            return f"CAST(({quoted} - (({quoted} % {div}) + {div}) % {div}) / {div} AS BIGINT)"
        expr = f"floor({value} / {div})" if div > 1 else f"floor({value})"
        return f"CAST({expr} AS BIGINT)"

    def code(self, ref: str, params: Mapping[str, Any]) -> str:
        return f"crn.to_epoch_seconds({ref}, unit={params['unit']!r})"

    def after(self, c: Column, params: Mapping[str, Any]) -> str:
        return f"bigint epoch seconds, converted from epoch {params['unit']} ({c.glue_type})"

    def profile_after(self, profile: Any, params: Mapping[str, Any]) -> dict[str, Any]:
        return {"time_unit": "s", "kind": "int", "dtype": "int64"}
