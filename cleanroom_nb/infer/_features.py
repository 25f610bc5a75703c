"""Decide the features: which non-required columns are useful, and as what."""

from __future__ import annotations

from collections.abc import Mapping

from cleanroom_nb import _roles
from cleanroom_nb.infer._columns import (
    CATEGORY_HEADS,
    MAX_CATEGORY_VALUES,
    MIN_ROLE_SCORE,
    NO_FEATURE_TYPES,
    ROLE_NOUN,
    Col,
    column_reason,
    holds_labels,
    may_be_slice,
    pattern_text,
    sample_text,
    time_values,
)
from cleanroom_nb.infer._patterns import (
    ALL_NULL,
    BYTES,
    CONSTANT,
    DICT,
    EMAIL,
    FREE_TEXT,
    HEX_HASH,
    LIST,
    MIXED,
    PERSON_NAME,
    PHONE,
    UUID,
)
from cleanroom_nb.infer._schema import ColumnProfile


def decide_features(
    cols: list[Col], assignment: Mapping[str, Col]
) -> dict[str, tuple[str | None, float, str]]:
    """Role, confidence and reason for every column."""
    out: dict[str, tuple[str | None, float, str]] = {}
    feats: list[tuple[float, Col, str, float, str]] = []
    taken = {c.name: r for r, c in assignment.items()}
    for c in cols:
        if c.name in taken:
            role = taken[c.name]
            score = c.scores[role]
            runner = max((o.scores.get(role, 0.0) for o in cols if o is not c), default=0.0)
            conf = score * (1.0 - 0.3 * max(0.0, 1.0 - (score - runner) / 0.3)) if runner else score
            if role in c.few:
                conf = min(conf, 0.5)  # kept by name and values; the sample cannot count them
            head = c.facts[role] + _decided(c, role, cols, taken)
            out[c.name] = (role, max(conf, 0.3), column_reason(c, head))
            continue
        role_f, useful, conf, why = _feature_of(c, assignment)
        if role_f is None:
            out[c.name] = (None, conf, column_reason(c, why))
        else:
            feats.append((useful, c, role_f, conf, why))
    feats.sort(key=lambda t: -t[0])
    for rank, (_useful, c, role_f, conf, why) in enumerate(feats):
        if rank < _roles.MAX_FEATURES:
            out[c.name] = (role_f, conf, column_reason(c, why))
        else:
            out[c.name] = (
                None,
                0.5,
                column_reason(
                    c,
                    f"left out: more than {_roles.MAX_FEATURES} features fit, and this one is "
                    f"less useful than those kept (would be {role_f})",
                ),
            )
    return out


def _decided(c: Col, role: str, cols: list[Col], taken: Mapping[str, str]) -> str:
    """What the joint assignment weighed against the strongest other candidate, in words."""
    others = [o for o in cols if o is not c and o.scores.get(role, 0.0) >= MIN_ROLE_SCORE]
    if not others:
        return ""
    rival = max(others, key=lambda o: o.scores[role])
    if rival.name in taken:
        why = f"it is the {taken[rival.name]}"
    elif c.names.get(role, 0.0) > rival.names.get(role, 0.0) + 0.1:
        why = "a weaker name match"
    elif "fix attached" in rival.facts.get(role, "") and "fix attached" not in c.facts[role]:
        why = "its storage needs a fix"
    elif abs(c.scores[role] - rival.scores[role]) < 0.01:
        why = "an equal fit: the first column wins; set the other by hand if it is the one"
    elif c.scores[role] > rival.scores[role]:
        why = "its values fit less well (fewer distinct values or repeats)"
    else:
        why = "the other roles took better columns"
    return f"; chosen over {rival.name!r} ({why})"


def _feature_of(c: Col, assignment: Mapping[str, Col]) -> tuple[str | None, float, float, str]:
    """(role or None, usefulness, confidence, reason head) for a non-required column."""
    return (
        _left_out_by_storage(c, assignment)
        or _left_out_by_meaning(c, assignment)
        or _feature_role(c)
    )


def _left_out_by_storage(
    c: Col, assignment: Mapping[str, Col]
) -> tuple[str | None, float, float, str] | None:
    """Left out for its role elsewhere, its name, its type or its values (else None)."""
    ev, p = c.ev, c.profile
    cat = _roles.CATEGORICAL_FEATURE
    for role in _roles.REQUIRED_ROLES:
        if role in c.near_miss:
            used = assignment.get(role)
            instead = f" ({used.name!r} was suggested instead)" if used is not None else ""
            return None, 0.0, 0.8, "left out: " + c.near_miss[role] + instead
    if c.name_clash:
        return None, 0.0, 0.9, f"left out: {c.name_clash}"
    if not c.api_ok:
        return (
            None,
            0.0,
            0.9,
            "left out: its name does not fit the API's column-name rule (1-128 letters, "
            "digits, '_', inner spaces or hyphens); rename it to use it",
        )
    if c.partition_key and (ev.time > 0 or ev.not_time or time_values(c) is not None):
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
    if c.base in NO_FEATURE_TYPES or c.base not in _roles.ACCEPTED_GLUE_TYPES[cat] | {"array"}:
        what = NO_FEATURE_TYPES.get(c.base, c.glue_type)
        fix = _type_fix(c)
        return None, 0.0, 0.9, f"left out: Glue type {c.glue_type} ({what}) fits no feature; {fix}"
    if p is not None:
        if p.has(ALL_NULL):
            return None, 0.0, 0.95, "left out: all values are null"
        if p.has(CONSTANT) and may_be_slice(c):
            return (
                None,
                0.0,
                0.6,
                f"left out: one value in {sample_text(c)}, which may be one slice of the "
                "table; set it by hand if it varies across the table",
            )
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
    return None


def _left_out_by_meaning(
    c: Col, assignment: Mapping[str, Col]
) -> tuple[str | None, float, float, str] | None:
    """Left out for what it means: a row id, personal data, text, a second time (else None)."""
    ev, p = c.ev, c.profile
    if ev.entity:
        return (
            None,
            0.0,
            0.85,
            f"left out: a row-level id ('{ev.entity}'), neither user nor item and no use as "
            "a feature",
        )
    raw_values = p is not None and (
        p.has(EMAIL, PHONE) or (p.has(PERSON_NAME) and not holds_labels(c))
    )
    if ev.hint == "pii" and c.hashed and not raw_values:
        return (
            None,
            0.0,
            0.8,
            f"left out: its values are hashed ({c.hashed}), so it is not raw personal data "
            f"('{ev.hint_word}'); hashed identifiers are not a useful feature",
        )
    pii = (ev.hint == "pii" and (p is None or p.kind in ("string", "int"))) or raw_values
    if pii:
        what = ev.hint_word if ev.hint == "pii" else pattern_text(c)
        return (
            None,
            0.0,
            0.9,
            f"left out: raw personal data ({what}); hash it with "
            "cleanroom_nb.hash_identifier if you need it",
        )
    if p is not None and p.has(FREE_TEXT):
        return None, 0.0, 0.9, "left out: free text"
    tv = time_values(c)
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
            noun = ROLE_NOUN[role]
            return (
                None,
                0.0,
                0.75,
                f"left out: another {noun}-like id with many values ({used.name!r} is the {role})",
            )
    return None


def _feature_role(c: Col) -> tuple[str | None, float, float, str]:
    """The feature role (categorical or numerical) by name, type and values."""
    ev, p = c.ev, c.profile
    cat, num = _roles.CATEGORICAL_FEATURE, _roles.NUMERICAL_FEATURE
    null_keep = 1.0 - 0.7 * (p.null_ratio if p is not None else 0.0)
    hint = ev.hint
    word = f"'{ev.hint_word}'"
    if c.base == "boolean" or (p is not None and p.kind == "bool"):
        return cat, 0.75 * null_keep, 0.9, "a yes/no flag"
    d = (p.est_distinct or p.distinct) if p is not None else 0
    id_limit = MAX_CATEGORY_VALUES if ev.hint_word in CATEGORY_HEADS else 100
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
    if ev.id_like and integral and _one_row_each(p):
        return (
            None,
            0.0,
            0.7,
            "left out: an identifier with a different value on every sampled row (a row key), "
            "not a useful feature",
        )
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


def _one_row_each(p: ColumnProfile | None) -> bool:
    """Every one of at least 50 sampled non-null values differs (a row key in the sample)."""
    if p is None:
        return False
    rows = round(p.sample_rows * (1 - p.null_ratio))
    return rows >= 50 and p.distinct >= rows


def _many(p: ColumnProfile | None) -> bool:
    return p is None or (p.est_distinct or p.distinct) > 50


def _card_use(d: int) -> float:
    if d <= 1:
        return 0.0
    if d <= 200:
        return 1.0
    return 0.8


def _type_fix(c: Col) -> str:
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
