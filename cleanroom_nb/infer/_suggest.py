"""The one role suggester: from a sample and Glue types to a :class:`TrainingSchema`.

Used for DataFrames (:func:`cleanroom_nb.infer_schema`) and Glue tables alike. It scores every
column for USER_ID, ITEM_ID and TIMESTAMP by name *and* values, picks the best joint
assignment (no column takes two roles), then decides the features by meaning.
"""

from __future__ import annotations

import itertools
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from cleanroom_nb import _roles
from cleanroom_nb._findings import Finding
from cleanroom_nb.infer._names import CATEGORICAL_WORDS, NameEvidence, name_evidence
from cleanroom_nb.infer._profile import estimate_text, profile_column
from cleanroom_nb.infer._schema import (
    ALL_NULL,
    BYTES,
    CONSTANT,
    DATE_STRING,
    DATETIME,
    DICT,
    EMAIL,
    EPOCH_UNITS,
    FREE_TEXT,
    HEX_HASH,
    ISO_DATETIME,
    LIST,
    MIXED,
    PERSON_NAME,
    PHONE,
    UUID,
    ColumnProfile,
    ColumnSchema,
    TrainingSchema,
)

MIN_ROLE_SCORE = 0.4
"""A column needs at least this score to get a required role."""
MIN_ID_VALUES = 20
"""An ID column has at least this many distinct values (unless every sampled row differs)."""
TOP_CANDIDATES = 6
"""Candidates per required role tried in the joint assignment."""
MAX_CATEGORY_VALUES = 1000
"""More distinct values than this (and few rows each) make an identifier, not a category."""

_ID_TYPES = frozenset({"string", "int", "bigint"})
_NO_FEATURE_TYPES = {
    "binary": "bytes",
    "struct": "structs (dicts)",
    "map": "maps (dicts)",
    "date": "dates",
    "decimal": "decimals",
    "tinyint": "tinyint (pandas int8)",
    "smallint": "smallint (pandas int16)",
    "timestamp": "datetimes",
    "unknown": "values awswrangler cannot type",
}
_CATEGORY_HEADS = CATEGORICAL_WORDS - {"code"}
_ROLE_NOUN = {_roles.USER_ID: "user", _roles.ITEM_ID: "item", _roles.TIMESTAMP: "time"}


@dataclass
class _Col:
    name: str
    glue_type: str
    base: str
    profile: ColumnProfile | None
    ev: NameEvidence
    api_ok: bool
    scores: dict[str, float] = field(default_factory=dict)
    names: dict[str, float] = field(default_factory=dict)
    facts: dict[str, str] = field(default_factory=dict)
    near_miss: dict[str, str] = field(default_factory=dict)
    partition_key: bool = False

    @property
    def p(self) -> ColumnProfile:
        assert self.profile is not None
        return self.profile

    def has(self, *patterns: str) -> bool:
        return self.profile is not None and any(self.profile.has(x) for x in patterns)


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
    from cleanroom_nb.aws import _service_model

    limits = _service_model.metadata(_service_model.COLUMN_NAME_PATH)
    name_min, name_max = int(limits.get("min", 1)), int(limits.get("max", 128))
    n_sample = len(sample)
    total = total_rows if total_rows is not None else n_sample
    sample_names = {str(c): i for i, c in reversed(list(enumerate(sample.columns)))}
    cols: list[_Col] = []
    for name, glue_type in glue_types.items():
        name = str(name)
        profile: ColumnProfile | None = None
        if name in sample_names and n_sample:
            profile = profile_column(sample.iloc[:, sample_names[name]], total_rows=total)
        api = name if glue_names else _glue_name(name)
        api_ok = _service_model.matches(_service_model.COLUMN_NAME_PATH, api) and (
            name_min <= len(api) <= name_max
        )
        cols.append(
            _Col(
                name=name,
                glue_type=str(glue_type),
                base=_roles.base_glue_type(str(glue_type)),
                profile=profile,
                ev=name_evidence(name),
                api_ok=api_ok,
                partition_key=name in set(partition_keys),
            )
        )
    for c in cols:
        _score_user(c)
        _score_item(c)
        _score_time(c)
    assignment = _assign(cols)
    missing = _missing_reasons(cols, assignment)
    decisions = _features(cols, assignment)

    out: list[ColumnSchema] = []
    parts = set(partition_keys)
    for c in cols:
        role, confidence, reason = decisions[c.name]
        p = c.profile
        if nullable is not None and c.name in nullable:
            can_null = bool(nullable[c.name])
        elif p is not None:
            can_null = p.null_ratio > 0 or not _never_null(p.dtype)
        else:
            can_null = True
        out.append(
            ColumnSchema(
                name=c.name,
                glue_type=c.glue_type,
                role=role,
                confidence=round(max(0.0, min(1.0, confidence)), 2),
                reason=reason,
                nullable=can_null,
                is_partition_key=c.name in parts,
                profile=p,
                suggested_role=role,
            )
        )
    return TrainingSchema.from_columns(
        out, missing=missing, source=source, extra_findings=extra_findings, glue_names=glue_names
    )


# --------------------------------------------------------------------------- helpers
def _glue_name(name: str) -> str:
    from cleanroom_nb.infer._schema import glue_column_name

    try:
        return glue_column_name(name)
    except Exception:
        return name


def _never_null(dtype: str) -> bool:
    return dtype.startswith(("int", "uint", "bool")) and "[" not in dtype


def _type_text(c: _Col) -> str:
    p = c.profile
    if p is None:
        return c.glue_type
    if c.base == "unknown":
        return f"pandas dtype {p.dtype}"
    if p.kind in ("string", "int", "float", "bool") and c.base in ("string", "bigint", "double"):
        return {"string": "string", "bigint": "integer", "double": "float", "int": "integer"}.get(
            c.base, c.glue_type
        )
    return c.glue_type


def _values_text(c: _Col) -> str:
    p = c.profile
    if p is None:
        return "no sample values"
    text = estimate_text(p)
    if p.null_ratio >= 0.005:
        text += f", {p.null_ratio:.0%} null"
    return text


def _pattern_text(c: _Col) -> str:
    p = c.profile
    if p is None or not p.patterns:
        return ""
    names = {
        UUID: "UUIDs",
        HEX_HASH: "hex hashes",
        EMAIL: "e-mail addresses",
        PHONE: "phone numbers",
        PERSON_NAME: "person names",
        ISO_DATETIME: "ISO date-times as text",
        DATE_STRING: "dates as text",
        DATETIME: "datetimes",
        FREE_TEXT: "free text",
        LIST: "lists",
        DICT: "dicts",
        BYTES: "bytes",
        MIXED: "mixed value types",
    }
    out = []
    for x in p.patterns:
        if x in EPOCH_UNITS:
            out.append(f"Unix epoch {EPOCH_UNITS[x]}")
        elif x in names:
            out.append(names[x])
    return ", ".join(out)


def _reason(c: _Col, head: str) -> str:
    parts = [head] if head else []
    parts.append(_values_text(c))
    pat = _pattern_text(c)
    if pat and pat not in head:
        parts.append(pat)
    parts.append(_type_text(c))
    return "; ".join(parts)


def _time_values(c: _Col) -> str | None:
    """How the column holds times, or None."""
    p = c.profile
    if p is None:
        return None
    if p.time_unit and p.kind in ("int", "float", "string"):
        return "epoch"
    if p.has(DATETIME):
        return "datetime"
    if p.has(ISO_DATETIME) or p.has(DATE_STRING):
        return "text"
    return None


def _id_values(c: _Col, role: str) -> tuple[float, str | None]:
    """Value score of a column for an ID role, or a veto reason."""
    p = c.profile
    if p is None:
        return 0.5, None
    if p.has(ALL_NULL):
        return 0.0, "all values are null"
    if p.has(CONSTANT):
        return 0.0, "it holds one value"
    if p.kind in ("list", "dict", "bytes", "mixed", "other", "timedelta", "bool", "empty"):
        return 0.0, f"it holds {p.kind} values"
    if p.has(FREE_TEXT) or p.mean_length > 120:
        return 0.0, "it holds free text"
    if p.has(DATETIME, ISO_DATETIME, DATE_STRING):
        return 0.0, "it holds dates"
    if p.has(PERSON_NAME):
        return 0.0, "it holds person names"
    if role == _roles.ITEM_ID and p.has(EMAIL, PHONE):
        return 0.0, "it holds personal contact data"
    d = p.est_distinct or p.distinct
    if d < MIN_ID_VALUES and d < p.sample_rows:
        return 0.0, f"it has only {d} distinct value{'s' if d != 1 else ''}, too few for ids"
    if p.kind == "float" and not p.integral:
        return 0.0, "it holds fractional numbers"
    card = min(1.0, max(0.2, _log10(d) / 3))
    rpv = p.est_rows_per_value or p.rows_per_value
    if role == _roles.USER_ID:
        repeat = 1.0 if rpv >= 1.5 else 0.85 if rpv >= 1.15 else 0.5
    else:
        repeat = 1.0 if rpv >= 1.3 else 0.7
    v = card * repeat * (1 - 0.4 * min(p.null_ratio, 1.0))
    if p.time_unit and c.ev.time:
        return 0.0, "it holds Unix epoch times"
    if p.time_unit:
        v *= 0.6
    if role == _roles.USER_ID and p.has(EMAIL, PHONE):
        v *= 0.8
    return v, None


def _log10(x: float) -> float:
    import math

    return math.log10(x) if x > 0 else 0.0


def _score_id(c: _Col, role: str, name_score: float, word: str) -> None:
    noun = _ROLE_NOUN[role]
    if c.ev.entity:
        return
    if name_score <= 0 and not (c.has(HEX_HASH, UUID) and role == _roles.USER_ID):
        return
    if c.base not in _ID_TYPES:
        if name_score >= 0.5 and c.base not in ("unknown",):
            fix = (
                "cast it to Int64 or string"
                if c.base in ("double", "float")
                else ("cast it to int32, int64 or string")
            )
            if c.base in ("tinyint", "smallint"):
                fix = "cast it to int32 or int64"
            c.names[role] = name_score
            c.near_miss[role] = (
                f"{c.name!r} matches by name ('{word}') but its Glue type {c.glue_type} is not "
                f"accepted ({role} takes {_roles.accepted_types_text(role)}); {fix}"
            )
        return
    v, veto = _id_values(c, role)
    if veto:
        if name_score >= 0.5:
            c.near_miss[role] = f"{c.name!r} matches by name ('{word}') but {veto}"
        return
    if name_score > 0:
        score = 0.5 * name_score + 0.5 * v
        head = f"name matches '{word}'"
    else:
        score = 0.4 * v
        head = f"values look like hashed {noun} ids"
    c.scores[role] = score
    c.names[role] = name_score
    c.facts[role] = head


def _score_user(c: _Col) -> None:
    _score_id(c, _roles.USER_ID, c.ev.user, c.ev.user_word)


def _score_item(c: _Col) -> None:
    _score_id(c, _roles.ITEM_ID, c.ev.item, c.ev.item_word)


def _score_time(c: _Col) -> None:
    ev, p = c.ev, c.profile
    role = _roles.TIMESTAMP
    if ev.not_time:
        return
    kind = _time_values(c)
    n = ev.time
    if p is None:
        if n >= 0.6 and c.base in ("bigint", "int", "timestamp"):
            c.scores[role] = 0.5 * n
            c.facts[role] = f"name matches '{ev.time_word}' (no sample values to check)"
        return
    if kind is None:
        if n >= 0.6 and not p.has(ALL_NULL):
            lo, hi = p.min_value, p.max_value
            rng = f" ({lo:,} .. {hi:,})" if isinstance(lo, (int, float)) else ""
            hint = ""
            if (
                isinstance(lo, int)
                and isinstance(hi, int)
                and lo >= 19_000_101
                and hi <= 21_001_231
            ):
                hint = (
                    "; they look like YYYYMMDD dates: convert them with cleanroom_nb."
                    f"to_epoch_seconds(df[{c.name!r}].astype(str)) (ISO dates are read too)"
                )
            c.near_miss[role] = (
                f"{c.name!r} matches by name ('{ev.time_word}') but its values{rng} are not "
                f"Unix epoch times or datetimes{hint}"
            )
        return
    if p.has(CONSTANT) or (p.est_distinct or p.distinct) < 2:
        return
    if n <= 0 and (ev.id_like or ev.user >= 0.3 or ev.item >= 0.3 or ev.hint == "numerical"):
        return
    accepted = c.base in ("bigint", "int", "timestamp")
    if kind == "epoch" and c.base in ("bigint", "int"):
        v = 1.0 if p.time_unit == "s" else 0.9
    elif kind in ("datetime", "text") and c.base == "timestamp":
        v = 0.85
    else:
        accepted = False
        v = 0.0
    if not accepted:
        how = {
            "epoch": f"Unix epoch {p.time_unit} stored as {c.glue_type}",
            "datetime": f"dates stored as {c.glue_type}",
            "text": "dates as strings",
        }[kind]
        c.near_miss[role] = (
            f"{c.name!r} holds {how}, which TIMESTAMP does not accept (it takes "
            f"{_roles.accepted_types_text(role)} with Unix epoch seconds); convert it with "
            f"cleanroom_nb.to_epoch_seconds(df[{c.name!r}])"
        )
        return
    score = 0.45 * n + 0.55 * v if n > 0 else 0.5 * v
    unit = f"Unix epoch {p.time_unit}" if kind == "epoch" else "datetimes"
    head = f"name matches '{ev.time_word}'; " if n > 0 else ""
    c.scores[role] = score
    c.facts[role] = f"{head}values are {unit}"


def _assign(cols: list[_Col]) -> dict[str, _Col]:
    """The best joint assignment of the three required roles (no column twice)."""
    options: dict[str, list[_Col | None]] = {}
    for role in _roles.REQUIRED_ROLES:
        # A column whose name fits much better but whose type does not (a float 'user_id')
        # keeps weaker names ('session_id') from being guessed in its place.
        near = max((c.names.get(role, 0.0) for c in cols if role in c.near_miss), default=0.0)
        cands = [
            c
            for c in cols
            if c.scores.get(role, 0.0) >= MIN_ROLE_SCORE
            and c.api_ok
            and (role == _roles.TIMESTAMP or c.names.get(role, 0.0) >= near - 0.3)
        ]
        cands.sort(key=lambda c: -c.scores[role])
        options[role] = [*cands[:TOP_CANDIDATES], None]
    best: tuple[float, tuple[_Col | None, ...]] = (-1.0, (None, None, None))
    for combo in itertools.product(*(options[r] for r in _roles.REQUIRED_ROLES)):
        chosen = [c.name for c in combo if c is not None]
        if len(chosen) != len(set(chosen)):
            continue
        total = sum(
            c.scores[r] for c, r in zip(combo, _roles.REQUIRED_ROLES, strict=True) if c is not None
        )
        if total > best[0] + 1e-9:
            best = (total, combo)
    return {r: c for r, c in zip(_roles.REQUIRED_ROLES, best[1], strict=True) if c is not None}


def _missing_reasons(cols: list[_Col], assignment: Mapping[str, _Col]) -> dict[str, str]:
    out: dict[str, str] = {}
    taken = {c.name: r for r, c in assignment.items()}
    for role in _roles.REQUIRED_ROLES:
        if role in assignment:
            continue
        near = [c.near_miss[role] for c in cols if role in c.near_miss and c.name not in taken]
        if near:
            out[role] = "; ".join(near[:2])
            continue
        other = [
            f"{c.name!r} fits it too but is {taken[c.name]}"
            for c in cols
            if c.name in taken and c.scores.get(role, 0.0) >= MIN_ROLE_SCORE
        ]
        bad_names = [c.name for c in cols if not c.api_ok and c.scores.get(role, 0) > 0]
        if bad_names:
            out[role] = (
                f"{bad_names[0]!r} fits by name and values but its name breaks the API's "
                "column-name pattern; rename it"
            )
        elif other:
            out[role] = other[0]
        elif role == _roles.TIMESTAMP:
            out[role] = "no column holds Unix epoch times or datetimes"
        else:
            noun = _ROLE_NOUN[role]
            article = "an" if noun[0] in "aeiou" else "a"
            out[role] = (
                f"no column looks like {article} {noun} id (a name such as '{noun}_id' and "
                "many distinct values)"
            )
    return out


def _features(
    cols: list[_Col], assignment: Mapping[str, _Col]
) -> dict[str, tuple[str | None, float, str]]:
    """Role, confidence and reason for every column."""
    out: dict[str, tuple[str | None, float, str]] = {}
    feats: list[tuple[float, _Col, str, float, str]] = []
    taken = {c.name: r for r, c in assignment.items()}
    for c in cols:
        if c.name in taken:
            role = taken[c.name]
            score = c.scores[role]
            runner = max((o.scores.get(role, 0.0) for o in cols if o is not c), default=0.0)
            conf = score * (1.0 - 0.3 * max(0.0, 1.0 - (score - runner) / 0.3)) if runner else score
            out[c.name] = (role, max(conf, 0.3), _reason(c, c.facts[role]))
            continue
        role_f, useful, conf, why = _feature_of(c, assignment)
        if role_f is None:
            out[c.name] = (None, conf, _reason(c, why))
        else:
            feats.append((useful, c, role_f, conf, why))
    feats.sort(key=lambda t: -t[0])
    for rank, (_useful, c, role_f, conf, why) in enumerate(feats):
        if rank < _roles.MAX_FEATURES:
            out[c.name] = (role_f, conf, _reason(c, why))
        else:
            out[c.name] = (
                None,
                0.5,
                _reason(
                    c,
                    f"left out: more than {_roles.MAX_FEATURES} features fit, and this one is "
                    f"less useful than those kept (would be {role_f})",
                ),
            )
    return out


def _feature_of(c: _Col, assignment: Mapping[str, _Col]) -> tuple[str | None, float, float, str]:
    """(role or None, usefulness, confidence, reason head) for a non-required column."""
    ev, p = c.ev, c.profile
    cat, num = _roles.CATEGORICAL_FEATURE, _roles.NUMERICAL_FEATURE
    for role in _roles.REQUIRED_ROLES:
        if role in c.near_miss:
            used = assignment.get(role)
            instead = f" ({used.name!r} was suggested instead)" if used is not None else ""
            return None, 0.0, 0.8, "left out: " + c.near_miss[role] + instead
    if not c.api_ok:
        return (
            None,
            0.0,
            0.9,
            "left out: its name does not fit the API's column-name rule (1-128 letters, "
            "digits, '_', inner spaces or hyphens); rename it to use it",
        )
    if c.partition_key and (ev.time > 0 or ev.not_time or _time_values(c) is not None):
        return (
            None,
            0.0,
            0.7,
            "left out: a date partition key (it splits the files, it does not describe the "
            "interaction); set it by hand if you want it as a feature",
        )
    if c.base == "timestamp" and (p is None or not p.has(ALL_NULL)):
        used = assignment.get(_roles.TIMESTAMP)
        other = f" ({used.name!r} is the TIMESTAMP)" if used is not None else ""
        return (
            None,
            0.0,
            0.8,
            f"left out: a second time column{other}; features cannot hold datetimes",
        )
    if c.base in _NO_FEATURE_TYPES or c.base not in _roles.ACCEPTED_GLUE_TYPES[cat] | {"array"}:
        what = _NO_FEATURE_TYPES.get(c.base, c.glue_type)
        fix = _type_fix(c)
        return None, 0.0, 0.9, f"left out: Glue type {c.glue_type} ({what}) fits no feature; {fix}"
    if p is not None:
        if p.has(ALL_NULL):
            return None, 0.0, 0.95, "left out: all values are null"
        if p.has(CONSTANT):
            return None, 0.0, 0.9, "left out: one value only (constant)"
        if p.kind == "mixed" or p.has(MIXED):
            return (
                None,
                0.0,
                0.9,
                f"left out: {p.note or 'mixed value types'}; cast it to one type "
                "(e.g. .astype('string'))",
            )
        if p.has(DICT):
            return None, 0.0, 0.9, "left out: dict/struct values"
        if p.has(BYTES):
            return None, 0.0, 0.9, "left out: bytes"
        if p.has(LIST) or c.base == "array":
            return (
                None,
                0.0,
                0.6,
                "left out: list values; CATEGORICAL_FEATURE accepts arrays, set it by hand "
                "if the lists are categories",
            )
    if ev.entity:
        return (
            None,
            0.0,
            0.85,
            f"left out: a row-level id ('{ev.entity}'), neither user nor item and no use as "
            "a feature",
        )
    pii = (ev.hint == "pii" and (p is None or p.kind in ("string", "int"))) or (
        p is not None and p.has(EMAIL, PHONE, PERSON_NAME)
    )
    if pii:
        what = ev.hint_word if ev.hint == "pii" else _pattern_text(c)
        return (
            None,
            0.0,
            0.9,
            f"left out: raw personal data ({what}); hash it with "
            "cleanroom_nb.hash_identifier if you need it",
        )
    if p is not None and p.has(FREE_TEXT):
        return None, 0.0, 0.9, "left out: free text"
    tv = _time_values(c)
    if tv is not None and not ev.not_time and (ev.time > 0 or tv != "epoch" or not ev.hint):
        used = assignment.get(_roles.TIMESTAMP)
        other = f" ({used.name!r} is the TIMESTAMP)" if used is not None else ""
        return None, 0.0, 0.8, f"left out: a second time column{other}"
    if p is not None and p.has(UUID, HEX_HASH):
        return None, 0.0, 0.85, "left out: hashed identifiers, not a useful feature"
    if ev.hint == "text" and (p is None or p.kind == "string"):
        return None, 0.0, 0.7, f"left out: text ('{ev.hint_word}')"
    for role in (_roles.USER_ID, _roles.ITEM_ID):
        used = assignment.get(role)
        if c.scores.get(role, 0.0) >= MIN_ROLE_SCORE and used is not None and _many(p):
            noun = _ROLE_NOUN[role]
            return (
                None,
                0.0,
                0.75,
                f"left out: another {noun}-like id with many values ({used.name!r} is the {role})",
            )
    null_keep = 1.0 - 0.7 * (p.null_ratio if p is not None else 0.0)
    hint = ev.hint
    word = f"'{ev.hint_word}'"
    if c.base == "boolean" or (p is not None and p.kind == "bool"):
        return cat, 0.75 * null_keep, 0.9, "a yes/no flag"
    d = (p.est_distinct or p.distinct) if p is not None else 0
    id_limit = MAX_CATEGORY_VALUES if ev.hint_word in _CATEGORY_HEADS else 100
    if c.base == "string":
        if ev.id_like and p is not None and d > id_limit and (p.est_rows_per_value or 1) < 50:
            return (
                None,
                0.0,
                0.7,
                f"left out: an identifier ('{ev.core[-1] if ev.core else c.name}') with many "
                "distinct values, not a useful feature",
            )
        if p is not None and d > MAX_CATEGORY_VALUES and (p.est_rows_per_value or 1) < 20:
            kind = "an identifier" if ev.id_like or ev.user or ev.item else "a string"
            return (
                None,
                0.0,
                0.7,
                f"left out: {kind} with too many distinct values to be a useful category",
            )
        head = f"name matches {word}" if hint == "categorical" else "a small set of labels"
        if p is None:
            head = f"name matches {word}" if hint == "categorical" else "a string"
        useful = (0.8 if hint == "categorical" else 0.65) * null_keep * _card_use(d)
        return cat, useful, 0.85 if hint == "categorical" else 0.7, head
    integral = c.base in ("int", "bigint") or (p is not None and p.integral)
    if hint == "numerical":
        return num, 0.85 * null_keep, 0.85, f"name matches {word} (a measure)"
    if integral and p is not None and d <= 2 and p.min_value in (0, 1) and p.max_value in (0, 1):
        return cat, 0.7 * null_keep, 0.85, "a 0/1 flag"
    if hint == "categorical" and integral:
        if p is not None and d > id_limit and (p.est_rows_per_value or 1) < 50:
            return (
                None,
                0.0,
                0.7,
                "left out: an identifier with many distinct values, not a useful feature",
            )
        return cat, 0.8 * null_keep * _card_use(d), 0.85, f"name matches {word} (integer codes)"
    if c.base in ("int", "bigint") and p is not None and d <= 20:
        return cat, 0.55 * null_keep, 0.6, "a small set of integer codes"
    if ev.id_like and integral:
        return None, 0.0, 0.6, "left out: an identifier, not a useful feature"
    if c.base in ("double", "float"):
        return num, 0.6 * null_keep, 0.7, "a measure (fractional numbers)"
    return num, 0.5 * null_keep, 0.55, "a count or measure (integers with many values)"


def _many(p: ColumnProfile | None) -> bool:
    return p is None or (p.est_distinct or p.distinct) > 50


def _card_use(d: int) -> float:
    if d <= 1:
        return 0.0
    if d <= 200:
        return 1.0
    return 0.8


def _type_fix(c: _Col) -> str:
    p = c.profile
    dtype = p.dtype if p is not None else ""
    if c.base in ("tinyint", "smallint"):
        return "cast it to int32 or int64 to use it (df[col].astype('int32'))"
    if c.base == "timestamp":
        return "only TIMESTAMP takes datetimes"
    if c.base == "date":
        return "convert it with cleanroom_nb.to_epoch_seconds to use it as TIMESTAMP"
    if c.base == "decimal":
        return "cast it to float64 to use it as a feature"
    if "timedelta" in dtype or "duration" in dtype:
        return "convert it to seconds (series.dt.total_seconds()) to use it"
    if "uint64" in dtype:
        return "cast it to int64 (awswrangler cannot write uint64)"
    if p is not None and p.has(ALL_NULL):
        return "all values are null; drop it or give it a type (e.g. .astype('string'))"
    if p is not None and (p.kind == "mixed" or p.has(MIXED)):
        return "it mixes value types; cast it to one type (e.g. .astype('string'))"
    return "cast it to a supported type to use it"
