"""DataFrame -> TrainingSchema: profile the columns, read their names, suggest roles, plan fixes."""

from __future__ import annotations

from cleanroom_nb.fixes import ConversionError, Fix, hash_identifier, to_epoch_seconds
from cleanroom_nb.infer._apply import apply_fix, apply_fixes, preview_fix
from cleanroom_nb.infer._frame import infer_schema
from cleanroom_nb.infer._schema import ColumnProfile, ColumnSchema, TrainingSchema

__all__ = [
    "ColumnProfile",
    "ColumnSchema",
    "ConversionError",
    "Fix",
    "TrainingSchema",
    "apply_fix",
    "apply_fixes",
    "hash_identifier",
    "infer_schema",
    "preview_fix",
    "to_epoch_seconds",
]
