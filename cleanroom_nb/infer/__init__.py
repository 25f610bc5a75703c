"""DataFrame -> TrainingSchema: profile the columns, read their names, suggest roles, plan fixes."""

from __future__ import annotations

from cleanroom_nb.infer._fix import hash_identifier, to_epoch_seconds
from cleanroom_nb.infer._frame import infer_schema
from cleanroom_nb.infer._schema import ColumnProfile, ColumnSchema, TrainingSchema

__all__ = [
    "ColumnProfile",
    "ColumnSchema",
    "TrainingSchema",
    "hash_identifier",
    "infer_schema",
    "to_epoch_seconds",
]
