"""The value family of a column: from its dtype, or from the Python objects it holds."""

from __future__ import annotations

import datetime as _dt
import decimal
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd


def kind_of_dtype(dtype: Any) -> str:
    if isinstance(dtype, pd.ArrowDtype):
        import pyarrow as pa

        t = dtype.pyarrow_dtype
        checks = (
            (pa.types.is_boolean, "bool"),
            (pa.types.is_integer, "int"),
            (pa.types.is_floating, "float"),
            (pa.types.is_decimal, "float"),
            (pa.types.is_timestamp, "datetime"),
            (pa.types.is_date, "date"),
            (pa.types.is_duration, "timedelta"),
            (pa.types.is_string, "string"),
            (pa.types.is_large_string, "string"),
            (pa.types.is_binary, "bytes"),
            (pa.types.is_large_binary, "bytes"),
            (pa.types.is_list, "list"),
            (pa.types.is_large_list, "list"),
            (pa.types.is_struct, "dict"),
            (pa.types.is_map, "dict"),
            (pa.types.is_null, "empty"),
        )
        for check, kind in checks:
            if check(t):
                return kind
        return "other"
    if pd.api.types.is_bool_dtype(dtype):
        return "bool"
    if pd.api.types.is_integer_dtype(dtype):
        return "int"
    if pd.api.types.is_float_dtype(dtype):
        return "float"
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return "datetime"
    if pd.api.types.is_timedelta64_dtype(dtype):
        return "timedelta"
    if isinstance(dtype, pd.StringDtype):
        return "string"
    if pd.api.types.is_complex_dtype(dtype):
        return "other"
    if pd.api.types.is_object_dtype(dtype):
        return "object"
    return "other"


def as_arrow_strings(values: pd.Series) -> pd.Series:
    """Python strings to an Arrow-backed column (one pass; later work is vectorised)."""
    import pyarrow as pa

    try:
        arr = pa.array(values.to_numpy(), from_pandas=True)
    except (pa.ArrowException, TypeError, ValueError):
        return values
    if not (pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type)):
        return values
    return pd.Series(pd.array(arr, dtype="str"), index=values.index)


def py_family(v: Any) -> str:
    if isinstance(v, str):
        return "string"
    if isinstance(v, (bool, np.bool_)):
        return "bool"
    if isinstance(v, (int, np.integer)):
        return "int"
    if isinstance(v, (float, np.floating, decimal.Decimal)):
        return "float"
    if isinstance(v, (bytes, bytearray, memoryview)):
        return "bytes"
    if isinstance(v, (list, tuple, set, frozenset, np.ndarray)):
        return "list"
    if isinstance(v, Mapping):
        return "dict"
    if isinstance(v, (_dt.datetime, pd.Timestamp, np.datetime64)):
        return "datetime"
    if isinstance(v, _dt.date):
        return "date"
    if isinstance(v, (_dt.timedelta, pd.Timedelta)):
        return "timedelta"
    return "other"
