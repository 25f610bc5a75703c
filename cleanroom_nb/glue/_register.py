"""DataFrame to Glue: write a frame as a Clean Rooms ML-ready Parquet table.

:func:`register_dataframe` writes with awswrangler (snappy Parquet, never ZSTD), converts the
TIMESTAMP column to int64 epoch seconds, casts every column to a type its role accepts (int8 and
int16 would become tinyint/smallint, which no role accepts), names the columns as Glue keeps
them and returns the schema with those names, ready for ``build_request``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from typing import Any, Literal

import awswrangler as wr
import boto3
import numpy as np
import pandas as pd

from cleanroom_nb import _errors, _roles
from cleanroom_nb._findings import Finding
from cleanroom_nb._progress import reports_progress, stage
from cleanroom_nb.aws import _client
from cleanroom_nb.fixes import Fix, to_epoch_seconds, whole_ids
from cleanroom_nb.glue import _s3_file
from cleanroom_nb.infer._schema import ColumnSchema, TrainingSchema, glue_column_name

_SMALL_INTS = ("int8", "int16", "uint8", "uint16", "Int8", "Int16", "UInt8", "UInt16")
_BIG_UINTS = ("uint32", "uint64", "UInt32", "UInt64")


def _nullable_int(s: pd.Series, bits: int) -> pd.Series:
    """``s`` as int32/int64, nullable (Int32/Int64) when it holds nulls."""
    nullable = s.isna().any() or isinstance(s.dtype, pd.api.extensions.ExtensionDtype)
    target: Any = f"Int{bits}" if nullable else f"int{bits}"
    return s.astype(target)


def _as_string(s: pd.Series) -> pd.Series:
    if isinstance(s.dtype, pd.CategoricalDtype):
        s = s.astype(s.dtype.categories.dtype)
    if pd.api.types.is_datetime64_any_dtype(s.dtype):
        out = s.dt.strftime("%Y-%m-%dT%H:%M:%S")
        return out.astype("str")
    return s.astype("str")


def _integral_floats(s: pd.Series) -> bool:
    vals = s.to_numpy(dtype="float64", na_value=np.nan)
    finite = vals[np.isfinite(vals)]
    return (
        bool(finite.size)
        and bool(np.all(finite == np.round(finite)))
        and bool(np.all(np.abs(finite) < 2**53))
    )


def cast_for_role(s: pd.Series, role: str | None, *, time_unit: str | None = None) -> pd.Series:
    """``s`` converted so that the Glue type awswrangler gives it is one ``role`` accepts.

    - TIMESTAMP: int64 Unix epoch seconds (:func:`cleanroom_nb.to_epoch_seconds`, as the
      epoch_unit and datetime fix kinds convert).
    - USER_ID / ITEM_ID: integers become int64, whole floats Int64 (the float_id fix kind's
      conversion), anything else string.
    - features and left-out columns: int8/int16 become int32 (Glue: int), unsigned 32/64-bit
      ints int64, float16 float32, categories their values, decimals float64.

    Examples
    --------
    >>> cast_for_role(pd.Series([1, 2], dtype="int8"), "NUMERICAL_FEATURE").dtype
    dtype('int32')
    >>> cast_for_role(pd.Series([1_700_000_000_000]), "TIMESTAMP").tolist()
    [1700000000]
    >>> cast_for_role(pd.Series([3.0, None]), "ITEM_ID").tolist()
    [3, <NA>]
    """
    dtype = s.dtype
    if isinstance(dtype, pd.CategoricalDtype) and role != _roles.TIMESTAMP:
        s = s.astype(dtype.categories.dtype)
        dtype = s.dtype
    name = str(dtype)
    if role == _roles.TIMESTAMP:
        return to_epoch_seconds(s, unit=time_unit)
    if role in (_roles.USER_ID, _roles.ITEM_ID):
        if pd.api.types.is_bool_dtype(dtype):
            return _as_string(s)
        if pd.api.types.is_integer_dtype(dtype):
            if name in ("uint64", "UInt64") and len(s) and s.max() > np.iinfo(np.int64).max:
                return _as_string(s)
            return _nullable_int(s, 64)
        if pd.api.types.is_float_dtype(dtype) and _integral_floats(s):
            return whole_ids(s)  # the float_id fix kind's conversion
        if isinstance(dtype, pd.StringDtype):
            return s
        return _as_string(s)
    # Features and left-out columns.
    if name in _SMALL_INTS:
        return _nullable_int(s, 32)
    if name in _BIG_UINTS:
        return _nullable_int(s, 64)
    if name == "float16":
        return s.astype("float32")
    if pd.api.types.is_bool_dtype(dtype) and role == _roles.NUMERICAL_FEATURE:
        return _nullable_int(s, 32)
    if role == _roles.NUMERICAL_FEATURE and dtype is np.dtype(object):
        return pd.to_numeric(s, errors="coerce").astype("float64")
    if role == _roles.CATEGORICAL_FEATURE and (
        pd.api.types.is_datetime64_any_dtype(dtype) or dtype is np.dtype(object)
    ):
        return _as_string(s)
    return s


def _glue_dtype(s: pd.Series, role: str | None) -> str | None:
    """The Glue type to pin for a role column (None: let awswrangler choose)."""
    if role is None:
        return None
    if role == _roles.TIMESTAMP:
        return "bigint"
    if pd.api.types.is_integer_dtype(s.dtype):
        return "bigint" if "64" in str(s.dtype) else "int"
    if role in (_roles.USER_ID, _roles.ITEM_ID):
        return "string"
    if role == _roles.NUMERICAL_FEATURE and pd.api.types.is_float_dtype(s.dtype):
        return "float" if "32" in str(s.dtype) else "double"
    return None


def prepare_frame(
    df: pd.DataFrame, schema: TrainingSchema
) -> tuple[pd.DataFrame, dict[str, str], dict[str, str]]:
    """The frame as it will be written, the Glue names and the Glue types to pin.

    Returns
    -------
    (frame, names, dtype)
        ``frame`` has Glue's column names; ``names`` maps each original name to its Glue name;
        ``dtype`` maps Glue names to the Glue types given to awswrangler.

    Raises
    ------
    InvalidFrameError
        When two columns would get the same Glue name, or a name sanitises to nothing.
    """
    names = {str(c): glue_column_name(str(c)) for c in df.columns}
    clashes = [g for g, k in Counter(names.values()).items() if k > 1]
    if clashes:
        shown = "; ".join(
            f"{', '.join(repr(o) for o, g in names.items() if g == clash)} -> {clash!r}"
            for clash in clashes[:5]
        )
        raise _errors.InvalidFrameError(
            f"Glue lowercases column names and turns other characters into '_', so some columns "
            f"would get the same name ({shown}); rename them first."
        )
    empty = [o for o, g in names.items() if not g.strip("_")]
    if empty:
        raise _errors.InvalidFrameError(
            f"column names {empty!r} have no letters or digits, so Glue cannot keep them; "
            "rename them first."
        )
    roles: dict[str, ColumnSchema] = {}
    for c in schema.columns:
        found = _find_column(df, c.name)
        if found is not None:
            roles[str(found)] = c
        elif c.role is not None:
            raise _errors.SchemaError(
                f"the schema's {c.role} column {c.name!r} is not in the DataFrame; pass the "
                "frame the schema was made from, or fix the schema."
            )
    out: dict[str, pd.Series] = {}
    dtype: dict[str, str] = {}
    for col in df.columns:
        cs = roles.get(str(col))
        role = cs.role if cs is not None else None
        unit = cs.profile.time_unit if cs is not None and cs.profile is not None else None
        try:
            series = cast_for_role(df[col], role, time_unit=unit)
        except _errors.CleanroomNbError:
            raise
        except (TypeError, ValueError, OverflowError) as exc:
            raise _errors.InvalidFrameError(
                f"column {col!r} ({df[col].dtype}) cannot be converted for the role {role}: "
                f"{exc}. Convert it yourself or give it another role."
            ) from exc
        gname = names[str(col)]
        out[gname] = series.reset_index(drop=True)
        pinned = _glue_dtype(series, role)
        if pinned:
            dtype[gname] = pinned
    return pd.DataFrame(out), names, dtype


def _find_column(df: pd.DataFrame, name: str) -> Any:
    """The frame's column ``name`` (or the one Glue names so); None when there is none."""
    if name in df.columns:
        return name
    hits = [c for c in df.columns if glue_column_name(str(c)) == name]
    return hits[0] if len(hits) == 1 else None


def _apply_plan(
    df: pd.DataFrame, schema: TrainingSchema
) -> tuple[pd.DataFrame, TrainingSchema, list[Finding]]:
    """``df`` with the schema's fix plan applied, the schema to write it by, and the findings.

    The schema to write by is ``schema.after_fixes()``: fixed TIMESTAMP columns hold epoch
    seconds, so the conversion of :func:`prepare_frame` does not divide them again.
    """
    if not schema.fixes:
        return df, schema, []
    from cleanroom_nb.infer._apply import FINDINGS_ATTR, apply_fixes

    fixed = apply_fixes(df, schema)
    return fixed, schema.after_fixes(), list(fixed.attrs.get(FINDINGS_ATTR, []))


def _write(
    frame: pd.DataFrame,
    path: str,
    database: str,
    table: str,
    *,
    mode: str,
    dtype: dict[str, str],
    session: boto3.Session,
) -> None:
    """Write ``frame`` as snappy Parquet and catalogue it, refusing to mix with other data."""
    try:
        wr.catalog.create_database(database, exist_ok=True, boto3_session=session)
        exists = wr.catalog.does_table_exist(database, table, boto3_session=session)
        if exists and mode == "error":
            location = wr.catalog.get_table_location(database, table, boto3_session=session)
            raise _errors.TableExistsError(
                f"Glue table {database}.{table} already exists (data at {location}); pass "
                "mode='overwrite' to replace its files and definition, or choose another "
                "table name.",
                database=database,
                table=table,
            )
        if not exists and mode == "error":
            n = _s3_file.count_objects(path, session)
            if n:
                raise _errors.TableExistsError(
                    f"{path} already holds files ({n}{'+' if n >= 5 else ''} objects) but no "
                    f"table {database}.{table} points at it; writing there would mix old and new "
                    "data. Pass mode='overwrite' to delete them, or choose an empty path.",
                    database=database,
                    table=table,
                )
        wr.s3.to_parquet(
            frame,
            path,
            dataset=True,
            database=database,
            table=table,
            mode="overwrite" if mode == "overwrite" else "append",
            compression="snappy",
            dtype=dtype or None,
            index=False,
            boto3_session=session,
        )
    except _errors.CleanroomNbError:
        raise
    except _client.call_errors() as exc:
        raise _client.translate(exc, what=f"writing {database}.{table} to {path}") from exc


@reports_progress("Writing {database}.{table} to {path}")
def register_dataframe(
    df: pd.DataFrame,
    path: str,
    database: str,
    table: str,
    *,
    schema: TrainingSchema | None = None,
    mode: Literal["error", "overwrite"] = "error",
    progress: bool = True,
    boto3_session: boto3.Session | None = None,
) -> TrainingSchema:
    """Write ``df`` as a snappy Parquet Glue table that Clean Rooms ML can read.

    The schema's fix plan is applied first (:func:`cleanroom_nb.apply_fixes`: text times parsed,
    float ids made integers, raw e-mails and phone numbers hashed, rows without USER_ID, ITEM_ID
    or TIMESTAMP dropped); then the TIMESTAMP column becomes int64 Unix epoch seconds, every
    column gets a type its role accepts, columns are named as Glue keeps them (lowercase, other
    characters ``_``), and the database is created when missing. ``df`` is not modified.

    Parameters
    ----------
    df
        The interactions.
    path
        The S3 prefix for the table's files, e.g. ``"s3://bucket/interactions/"``.
    database, table
        The Glue table to create.
    schema
        The roles and fix plan (default: :func:`cleanroom_nb.infer_schema` of ``df``); roles
        set by hand are kept.
    mode
        ``"error"`` (default) refuses to touch an existing table or a non-empty path;
        ``"overwrite"`` replaces the table's files and definition.
    progress
        Show progress (fixes, upload, catalog) when it takes more than a second.
    boto3_session
        The session (region, credentials).

    Returns
    -------
    TrainingSchema
        The same roles with Glue's column names and types (``glue_names=True``) and nothing
        left to fix, its ``source`` the new table's :class:`~cleanroom_nb.GlueTableInfo`
        (``findings`` say how many rows were dropped): ready for
        ``build_request(..., database=database, table=table, schema=...)``.

    Raises
    ------
    TableExistsError
        The table exists (or the path holds files) and ``mode`` is ``"error"``.
    InvalidFrameError, SchemaError
        The frame cannot be written as it is (the message says what to rename or convert).
    AwsError
        Writing failed (access denied, unreachable endpoint, ...): cause and fix.

    Examples
    --------
    >>> schema = register_dataframe(df, "s3://bucket/interactions/", "sales", "interactions")
    ... # doctest: +SKIP
    >>> schema.to_api()[:1]  # doctest: +SKIP
    [{'columnName': 'customer_id', 'columnTypes': ['USER_ID']}]
    """
    from cleanroom_nb.glue._catalog import glue_table_info
    from cleanroom_nb.glue._findings import table_findings
    from cleanroom_nb.infer._frame import check_frame, infer_schema

    if mode not in ("error", "overwrite"):
        raise _errors.InvalidArgumentError(f"mode must be 'error' or 'overwrite', not {mode!r}")
    check_frame(df)
    if not path.startswith("s3://"):
        raise _errors.InvalidArgumentError(
            f"path must be an S3 prefix such as 's3://bucket/table/', not {path!r}"
        )
    if not path.endswith("/"):
        path += "/"
    inferred = schema is None
    if schema is None:
        schema = infer_schema(df)
    stage("applying the fix plan")
    fixed, as_written, dropped = _apply_plan(df, schema)
    frame, names, dtype = prepare_frame(fixed, as_written)
    session = _client.session(boto3_session)
    stage(f"writing {len(frame):,} rows as snappy Parquet")
    _write(frame, path, database, table, mode=mode, dtype=dtype, session=session)
    stage("reading the new table back from Glue")
    info, glue_types, _ = glue_table_info(database, table, boto3_session=session)
    info = replace(info, compression="snappy")
    extra: list[Finding] = [*table_findings(info, glue_types), *dropped]
    # Suggest again on what was written: the fixes and casts changed the values and types.
    written = infer_schema(frame)
    if inferred:
        return TrainingSchema.from_columns(
            [replace(c, glue_type=glue_types.get(c.name, c.glue_type)) for c in written.columns],
            missing=written.missing,
            source=info,
            extra_findings=extra,
            glue_names=True,
        )
    return TrainingSchema.from_columns(
        _carried(df, schema, written, names, glue_types),
        missing=schema.missing,
        source=info,
        extra_findings=extra,
        glue_names=True,
    )


def _carried(
    df: pd.DataFrame,
    schema: TrainingSchema,
    written: TrainingSchema,
    names: dict[str, str],
    glue_types: dict[str, str],
) -> list[ColumnSchema]:
    """The written columns (fresh profiles, Glue types) with the roles of ``schema``.

    Columns of the frame the schema does not name are left out.
    """
    fixes = {f.column: f for f in schema.fixes}
    by_glue = {c.name: c for c in written.columns}
    cols: list[ColumnSchema] = []
    for c in schema.columns:
        found = _find_column(df, c.name)
        gname = None if found is None else names.get(str(found))
        if gname is None:
            continue
        w = by_glue.pop(gname)
        cols.append(
            replace(
                c,
                name=gname,
                glue_type=glue_types.get(gname, w.glue_type),
                profile=w.profile,
                reason=_written_reason(c, fixes.get(c.name)),
            )
        )
    for gname, w in by_glue.items():
        cols.append(
            ColumnSchema(
                gname,
                glue_types.get(gname, w.glue_type),
                None,
                0.0,
                "not in the given schema: left out",
            )
        )
    return cols


def _written_reason(c: ColumnSchema, fix: Fix | None) -> str:
    """``c``'s reason in the written table: a fixed column's says what it is stored as now."""
    if fix is not None:
        return f"written as {fix.after}"
    return _written_note(c) + c.reason


def _written_note(c: ColumnSchema) -> str:
    """What writing did to ``c``'s values, as the start of its reason ('' when nothing)."""
    if c.role != _roles.TIMESTAMP:
        return ""
    if c.profile is not None and c.profile.time_unit not in (None, "s"):
        return f"written as epoch seconds (was {c.profile.time_unit}); "
    if _roles.base_glue_type(c.glue_type) != "bigint":
        return f"written as bigint epoch seconds (was {c.glue_type}); "
    return ""
