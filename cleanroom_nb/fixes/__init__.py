"""Fixes: one definition per fix kind, used by every path (pandas, shown code, Athena SQL).

The stage sits under inference: it knows columns only through their role, Glue type and
profile. It owns the time formats (``_timeformat``: detect, read in pandas, read in Athena SQL),
which inference's profiles use.
"""

from __future__ import annotations

from cleanroom_nb.fixes import kinds as _kinds  # noqa: F401  (registers every kind)
from cleanroom_nb.fixes._convert import (
    UNIT_FACTORS,
    ConversionError,
    epoch_unit,
    hash_identifier,
    to_epoch_seconds,
)
from cleanroom_nb.fixes._fix import Fix
from cleanroom_nb.fixes._normalise import (
    TRIM_CHARACTERS,
    normalise,
    sha256_hex,
    sql_normalised,
    sql_sha256_hex,
)
from cleanroom_nb.fixes._registry import KINDS, FixKind, convert, kind_of, plan_column, register
from cleanroom_nb.fixes.kinds.float_id import whole_ids

__all__ = [
    "KINDS",
    "TRIM_CHARACTERS",
    "UNIT_FACTORS",
    "ConversionError",
    "Fix",
    "FixKind",
    "convert",
    "epoch_unit",
    "hash_identifier",
    "kind_of",
    "normalise",
    "plan_column",
    "register",
    "sha256_hex",
    "sql_normalised",
    "sql_sha256_hex",
    "to_epoch_seconds",
    "whole_ids",
]
