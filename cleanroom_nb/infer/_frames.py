"""Any DataFrame in, pandas out: pandas as it is; pyarrow Tables, polars DataFrames and any
object with the Arrow PyCapsule stream interface (``__arrow_c_stream__``) through Arrow.

pandas stays the reference: other frames are read as Arrow (zero-copy for polars) and turned
into pandas with nullable integers, so a polars ``Int64`` column with nulls stays an integer.
Anything else is passed on unchanged, for :func:`cleanroom_nb.infer._frame.check_frame` to
reject with its clear message.
"""

from __future__ import annotations

from typing import Any

import pandas as pd


def arrow_table(obj: Any) -> Any:
    """``obj`` as a ``pyarrow.Table`` when it is Arrow-compatible (not pandas), else None.

    Examples
    --------
    >>> import pyarrow as pa
    >>> arrow_table(pa.table({"a": [1]})).num_rows
    1
    >>> arrow_table([1, 2]) is None
    True
    """
    if isinstance(obj, pd.DataFrame):
        return None
    try:
        import pyarrow as pa
    except ImportError:  # pragma: no cover - pyarrow is a dependency
        return None
    if isinstance(obj, pa.Table):
        table = obj
    elif isinstance(obj, pa.RecordBatch):
        table = pa.Table.from_batches([obj])
    elif hasattr(obj, "__arrow_c_stream__"):
        table = pa.table(obj)
    elif callable(getattr(obj, "to_arrow", None)):  # polars before the PyCapsule interface
        table = obj.to_arrow()
    else:
        return None
    return _without_views(table)


def _without_views(table: Any) -> Any:
    """String/binary *view* columns (polars) as plain strings/binaries: every kernel takes them."""
    import pyarrow as pa

    fields = []
    is_string_view = getattr(pa.types, "is_string_view", None)  # pyarrow 16+: pyarrow 15 has
    is_binary_view = getattr(pa.types, "is_binary_view", None)  # no view types at all
    for f in table.schema:
        if is_string_view is not None and is_string_view(f.type):
            f = f.with_type(pa.large_string())
        elif is_binary_view is not None and is_binary_view(f.type):
            f = f.with_type(pa.large_binary())
        fields.append(f)
    target = pa.schema(fields, metadata=table.schema.metadata)
    return table if target.equals(table.schema) else table.cast(target)


def arrow_to_pandas(table: Any) -> pd.DataFrame:
    """A pyarrow Table as pandas, integers as nullable ``Int64`` when they hold nulls.

    Examples
    --------
    >>> import pyarrow as pa
    >>> arrow_to_pandas(pa.table({"a": [1, None]}))["a"].dtype
    Int64Dtype()
    """
    import pyarrow as pa

    nullable_ints = {
        pa.int8(): pd.Int8Dtype(),
        pa.int16(): pd.Int16Dtype(),
        pa.int32(): pd.Int32Dtype(),
        pa.int64(): pd.Int64Dtype(),
        pa.uint8(): pd.UInt8Dtype(),
        pa.uint16(): pd.UInt16Dtype(),
        pa.uint32(): pd.UInt32Dtype(),
        pa.uint64(): pd.UInt64Dtype(),
    }
    with_nulls = {
        f.type for f, col in zip(table.schema, table.columns, strict=True) if col.null_count
    }
    frame: pd.DataFrame = table.to_pandas(
        types_mapper=lambda t: nullable_ints.get(t) if t in with_nulls else None
    )
    return frame


def as_pandas(obj: Any) -> Any:
    """``obj`` as a pandas DataFrame when it is a DataFrame of a known kind, else ``obj``."""
    table = arrow_table(obj)
    if table is None:
        return obj
    return arrow_to_pandas(table)
