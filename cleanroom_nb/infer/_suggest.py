"""The one role suggester: from a sample and Glue types to a :class:`TrainingSchema`.

Used for DataFrames (:func:`cleanroom_nb.infer_schema`) and Glue tables alike. It scores every
column for USER_ID, ITEM_ID and TIMESTAMP by name *and* values, picks the best joint
assignment (no column takes two roles), then decides the features by meaning.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from typing import Any

import pandas as pd

from cleanroom_nb import _roles
from cleanroom_nb._findings import Finding
from cleanroom_nb.infer._columns import (
    Col,
    glue_name,
    never_null,
)
from cleanroom_nb.infer._features import (
    decide_features,
)
from cleanroom_nb.infer._names import name_evidence
from cleanroom_nb.infer._profile import profile_column
from cleanroom_nb.infer._schema import (
    ColumnProfile,
    ColumnSchema,
    TrainingSchema,
)
from cleanroom_nb.infer._scope import SampleScope
from cleanroom_nb.infer._scores import (
    assign,
    by_elimination,
    missing_reasons,
    score_item,
    score_time,
    score_user,
)


def suggest_schema(
    sample: pd.DataFrame,
    glue_types: Mapping[str, str],
    *,
    partition_keys: Collection[str] = (),
    nullable: Mapping[str, bool] | None = None,
    total_rows: int | None = None,
    source: Any = None,
    extra_findings: Iterable[Finding] = (),
    glue_names: bool = False,
    scope: SampleScope | None = None,
) -> TrainingSchema:
    """Suggest a role (or none) for every column, with a confidence and a reason.

    Parameters
    ----------
    sample
        Sampled rows (may be small or empty); its columns are looked up by name.
    glue_types
        Every column's Glue type, in table order; columns missing from ``sample`` still get
        an entry (judged by name and type only).
    partition_keys
        Columns that are partition keys of a Glue table.
    nullable
        Column name to whether it can hold nulls (default: nulls seen, or a dtype that
        can hold them).
    total_rows
        Rows in the whole table (default: the sample's length); scales the estimates.
    source, extra_findings, glue_names
        Passed to :meth:`TrainingSchema.from_columns`.
    scope
        What the sample is of (rows, objects, partitions); None: the sample is all there is.

    Returns
    -------
    TrainingSchema
        Checked schema; roles no column fits are in ``.missing`` with the reason.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({
    ...     "customer_id": [f"c{i % 40}" for i in range(200)],
    ...     "sku": [f"p{i % 70}" for i in range(200)],
    ...     "event_time": [1_700_000_000 + 37 * i for i in range(200)],
    ...     "price": [1.5 + i % 9 for i in range(200)],
    ... })
    >>> types = {"customer_id": "string", "sku": "string", "event_time": "bigint",
    ...          "price": "double"}
    >>> suggest_schema(df, types).roles  # doctest: +NORMALIZE_WHITESPACE
    {'customer_id': 'USER_ID', 'sku': 'ITEM_ID', 'event_time': 'TIMESTAMP',
     'price': 'NUMERICAL_FEATURE'}
    """
    cols = _columns_of(sample, glue_types, partition_keys, total_rows, glue_names, scope)
    for c in cols:
        score_user(c)
        score_item(c)
        score_time(c)
    assignment = by_elimination(cols, assign(cols))
    missing = missing_reasons(cols, assignment)
    decisions = decide_features(cols, assignment)
    parts = set(partition_keys)
    out = [_column_schema(c, decisions[c.name], nullable, c.name in parts) for c in cols]
    return TrainingSchema.from_columns(
        out, missing=missing, source=source, extra_findings=extra_findings, glue_names=glue_names
    )


def _columns_of(
    sample: pd.DataFrame,
    glue_types: Mapping[str, str],
    partition_keys: Collection[str],
    total_rows: int | None,
    glue_names: bool,
    scope: SampleScope | None = None,
) -> list[Col]:
    """Every column with its profile (when sampled), name evidence and API-name checks."""
    from cleanroom_nb.aws import _service_model

    limits = _service_model.metadata(_service_model.COLUMN_NAME_PATH)
    name_min, name_max = int(limits.get("min", 1)), int(limits.get("max", 128))
    n_sample = len(sample)
    total = total_rows if total_rows is not None else n_sample
    sample_names = {str(c): i for i, c in reversed(list(enumerate(sample.columns)))}
    cols: list[Col] = []
    taken: dict[str, str] = {}
    position = 0
    for name, glue_type in glue_types.items():
        name = str(name)
        profile: ColumnProfile | None = None
        sorted_run = False
        if name in sample_names and n_sample:
            values = sample.iloc[:, sample_names[name]]
            profile = profile_column(values, total_rows=total)
            sorted_run = _sorted_run(values, profile)
        ev = name_evidence(name)
        hashed = ""
        if ev.hint == "pii" and profile is not None and profile.kind == "string":
            hashed = hashed_values(values)
        api = name if glue_names else glue_name(name)
        api_ok = _service_model.matches(_service_model.COLUMN_NAME_PATH, api) and (
            name_min <= len(api) <= name_max
        )
        clash = _name_clash(name, api, taken, glue_names)
        taken.setdefault(api.lower(), name)
        cols.append(
            Col(
                name=name,
                glue_type=str(glue_type),
                base=_roles.base_glue_type(str(glue_type)),
                profile=profile,
                ev=ev,
                api_ok=api_ok and not clash,
                name_clash=clash,
                partition_key=name in set(partition_keys),
                position=position,
                sorted_run=sorted_run,
                scope=scope,
                hashed=hashed,
            )
        )
        if not (ev.entity or (profile is not None and profile.sequential)):
            position += 1
    return cols


_HEX_DIGEST = r"^(?:0x)?[0-9a-fA-F]{8,128}$"


def hashed_values(values: pd.Series, rows: int = 2000) -> str:
    """How the values are hashed ("hex digests of 8 characters"), or "" when they are not.

    Hex digests of 8 or more characters (hashed IPs are often 8, MD5 32, SHA-1 40, SHA-256
    64): at least 90% of the first non-null values, half of them with a letter a-f (so plain
    numbers are not taken for hashes).

    Examples
    --------
    >>> import pandas as pd
    >>> hashed_values(pd.Series(["0a1b2c3d", "ffe01234", "9c0d1e2f"]))
    'hex digests of 8 characters'
    >>> hashed_values(pd.Series(["10.0.0.1", "192.168.1.20"]))
    ''
    """
    strs = values.dropna().astype(str).str.strip().iloc[:rows]
    if strs.empty:
        return ""
    hexes = strs[strs.str.match(_HEX_DIGEST)]
    if len(hexes) < 0.9 * len(strs) or hexes.str.contains(r"[a-fA-F]").mean() <= 0.5:
        return ""
    lengths = hexes.str.len() - hexes.str.startswith("0x").astype(int) * 2
    lo, hi = int(lengths.min()), int(lengths.max())
    return f"hex digests of {lo} characters" if lo == hi else f"hex digests of {lo}-{hi} characters"


def _sorted_run(values: pd.Series, profile: ColumnProfile) -> bool:
    """Whether the sample's values never go down in row order (the rows look sorted by it).

    Only columns with at least two values and some repeats count: a constant proves nothing
    and a unique increasing key is a row number.
    """
    non_null = profile.sample_rows * (1 - profile.null_ratio)
    if profile.distinct < 2 or profile.distinct >= non_null:
        return False
    if profile.kind not in ("int", "float", "string", "datetime"):
        return False
    try:
        return bool(values.dropna().is_monotonic_increasing)
    except TypeError:
        return False


def _column_schema(
    c: Col,
    decision: tuple[str | None, float, str],
    nullable: Mapping[str, bool] | None,
    partition_key: bool,
) -> ColumnSchema:
    role, confidence, reason = decision
    p = c.profile
    if nullable is not None and c.name in nullable:
        can_null = bool(nullable[c.name])
    elif p is not None:
        can_null = p.null_ratio > 0 or not never_null(p.dtype)
    else:
        can_null = True
    return ColumnSchema(
        name=c.name,
        glue_type=c.glue_type,
        role=role,
        confidence=round(max(0.0, min(1.0, confidence)), 2),
        reason=reason,
        nullable=can_null,
        is_partition_key=partition_key,
        profile=p,
        suggested_role=role,
    )


def _name_clash(name: str, api: str, taken: Mapping[str, str], glue_names: bool) -> str:
    """Why Glue cannot keep this column under its own name ("" when it can).

    Glue lowercases names and turns other characters into ``_``: two columns can end up with
    one name (``"&&"`` and a name of control characters both become ``"_"``), and
    ``register_dataframe`` refuses such a frame. The first column keeps the name; later ones
    are left out with this reason, so ``to_api()`` never lists a name twice.
    """
    if glue_names:
        return ""
    if not any(ch.isalnum() for ch in api):
        return (
            f"its name has no letters or digits, so Glue would call it {api!r}; rename it to use it"
        )
    first = taken.get(api.lower())
    if first is not None:
        return (
            f"Glue would name it {api!r}, the name of column {first!r}; rename one of them to "
            "use it"
        )
    return ""
