"""One column as the suggester sees it (name evidence, profile, scores) and its reason text."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from cleanroom_nb import _roles
from cleanroom_nb.infer._names import CATEGORICAL_WORDS, NameEvidence
from cleanroom_nb.infer._patterns import (
    BYTES,
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
)
from cleanroom_nb.infer._profile import estimate_text
from cleanroom_nb.infer._schema import ColumnProfile
from cleanroom_nb.infer._scope import SampleScope

MIN_ROLE_SCORE = 0.4
"""A column needs at least this score to get a required role."""
MIN_ID_VALUES = 20
"""An ID column has at least this many distinct values (unless every sampled row differs)."""
TOP_CANDIDATES = 6
"""Candidates per required role tried in the joint assignment."""
MAX_CATEGORY_VALUES = 1000
"""More distinct values than this (and few rows each) make an identifier, not a category."""

ID_TYPES = frozenset({"string", "int", "bigint"})
NO_FEATURE_TYPES = {
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
CATEGORY_HEADS = CATEGORICAL_WORDS - {"code"}
_DATED_UNITS = frozenset({"hour", "minute"})
ROLE_NOUN = {_roles.USER_ID: "user", _roles.ITEM_ID: "item", _roles.TIMESTAMP: "time"}


@dataclass
class Col:
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
    name_clash: str = ""
    position: int = 0
    """Place among the columns, row keys and index columns not counted."""
    sorted_run: bool = False
    """Its values never go down in row order (the rows look sorted by it)."""
    scope: SampleScope | None = None
    """What the sample is of (None: the sample is all there is)."""
    hashed: str = ""
    """How its values are hashed, when its name says personal data ("" otherwise)."""
    few: dict[str, str] = field(default_factory=dict)
    """Role -> why the sample shows too few values to judge (the role is kept, less sure)."""

    def __post_init__(self) -> None:
        # "hour" is a trap for hours of the day (0-23), but holding whole dates with their hour
        # (14102100, "2014-12-06 02" in ad logs; epoch seconds once fixed) it names the time.
        p = self.profile
        dated = p is not None and (p.time_format is not None or p.time_unit is not None)
        head = self.ev.core[-1] if self.ev.core else ""
        if dated and self.ev.not_time and head in _DATED_UNITS:
            self.ev = replace(self.ev, not_time=False, time=0.8, time_word=head)

    @property
    def p(self) -> ColumnProfile:
        assert self.profile is not None
        return self.profile

    def has(self, *patterns: str) -> bool:
        return self.profile is not None and any(self.profile.has(x) for x in patterns)


def glue_name(name: str) -> str:
    from cleanroom_nb.infer._schema import glue_column_name

    try:
        return glue_column_name(name)
    except Exception:
        return name


def never_null(dtype: str) -> bool:
    return dtype.startswith(("int", "uint", "bool")) and "[" not in dtype


def _type_text(c: Col) -> str:
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


def _values_text(c: Col) -> str:
    p = c.profile
    if p is None:
        return "no sample values"
    text = estimate_text(p)
    if p.null_ratio >= 0.005:
        text += f", {p.null_ratio:.0%} null"
    return text


def pattern_text(c: Col) -> str:
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
        if x == PERSON_NAME and holds_labels(c):
            continue  # capitalised labels ("United Kingdom", "Second Class"), not people
        if x in EPOCH_UNITS:
            out.append(f"Unix epoch {EPOCH_UNITS[x]}")
        elif x in names:
            out.append(names[x])
    return ", ".join(out)


def column_reason(c: Col, head: str) -> str:
    parts = [head] if head else []
    parts.append(_values_text(c))
    pat = pattern_text(c)
    if pat and pat not in head:
        parts.append(pat)
    parts.append(_type_text(c))
    return "; ".join(parts)


def time_values(c: Col) -> str | None:
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
    if p.time_format is not None and c.ev.time > 0:  # digits (20240131) named as a time
        return "text"
    return None


def holds_labels(c: Col) -> bool:
    """Capitalised words that name places, modes or segments, not people.

    A name such as ``country``, ``city``, ``ship_mode`` or ``segment`` says so, and so do a
    few values repeated over many rows (``"Second Class"``, ``"Home Office"``).
    """
    p = c.profile
    if c.ev.hint == "categorical" and c.ev.hint_word in CATEGORY_HEADS:
        return True
    if p is None:
        return False
    d = p.est_distinct or p.distinct
    return d <= 30 and (p.est_rows_per_value or p.rows_per_value) >= 10


def sample_text(c: Col) -> str:
    """The sample in words ("this sample of 5,000 rows"), for reasons."""
    if c.scope is not None:
        return c.scope.describe()
    rows = c.profile.sample_rows if c.profile is not None else 0
    return f"this sample of {rows:,} rows"


def may_be_slice(c: Col) -> bool:
    """The sample may be one slice of the table: sorted by this column, or one object/partition."""
    return c.sorted_run or (c.scope is not None and c.scope.one_slice)


def few_text(c: Col, count: int, noun: str) -> str:
    """Why a small count in the sample does not decide the role, in words."""
    plural = noun if count == 1 else noun + "s"
    why = ""
    if c.sorted_run:
        why = " (the rows look sorted by it, so the sample may be one slice of the table)"
    elif c.scope is not None and c.scope.one_slice:
        why = " (it may be one slice of the table)"
    return f"only {count:,} {plural} in {sample_text(c)}{why}; the readiness check counts the table"
