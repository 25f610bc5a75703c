"""float_id: whole-number ids stored as float (because of missing values) -> Int64."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from cleanroom_nb import _roles
from cleanroom_nb.fixes._registry import Column, FixKind, register


def whole_ids(s: pd.Series) -> pd.Series:
    """Numbers as Int64, rounded half away from zero as Athena's ``CAST(double AS BIGINT)``.

    Values that are not finite numbers become null.

    Examples
    --------
    >>> import pandas as pd
    >>> whole_ids(pd.Series([3.0, None, 2.5])).tolist()
    [3, <NA>, 3]
    """
    nums = pd.to_numeric(s, errors="coerce")
    arr = np.asarray(nums.to_numpy(dtype="float64", na_value=np.nan), dtype="float64")
    ok = np.isfinite(arr)
    rounded = np.where(ok, np.sign(arr) * np.floor(np.abs(arr) + 0.5), 0).astype("int64")
    out = pd.array(rounded, dtype="Int64")
    out[~ok] = pd.NA
    return pd.Series(out, index=s.index, name=s.name)


@register
class FloatId(FixKind):
    """USER_ID/ITEM_ID stored as float or double holding whole numbers."""

    name = "float_id"
    kind = "to_int_id"
    priority = 50

    def plan(self, c: Column, quoted: str) -> Any:
        p = c.profile
        base = _roles.base_glue_type(c.glue_type)
        if c.role not in (_roles.USER_ID, _roles.ITEM_ID) or base not in ("double", "float"):
            return None
        if p is not None and not p.integral:
            return None
        return self.make(
            c,
            quoted,
            what="cast whole numbers stored as float (because of missing values) to Int64",
            why=f"{c.name!r} is {c.glue_type}; {c.role} takes bigint, int or string",
            code="float_id",
            params={"to": "bigint"},
        )

    def convert(self, s: pd.Series, params: Mapping[str, Any]) -> pd.Series:
        return whole_ids(s)

    def sql(self, quoted: str, params: Mapping[str, Any]) -> str:
        return f"try(CAST({quoted} AS BIGINT))"

    def code(self, ref: str, params: Mapping[str, Any]) -> str:
        return f"{ref}.astype('Int64')"

    def after(self, c: Column, params: Mapping[str, Any]) -> str:
        return f"bigint ids, converted from {c.glue_type} whole numbers"

    def profile_after(self, profile: Any, params: Mapping[str, Any]) -> dict[str, Any]:
        return {"kind": "int", "dtype": "Int64"}
