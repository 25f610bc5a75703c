"""Send the request to Clean Rooms ML and manage what it created (get, list, find, delete)."""

from __future__ import annotations

from cleanroom_nb.submit._submit import (
    create_training_dataset,
    delete_training_dataset,
    find_training_dataset,
    get_training_dataset,
    list_training_datasets,
)

__all__ = [
    "create_training_dataset",
    "delete_training_dataset",
    "find_training_dataset",
    "get_training_dataset",
    "list_training_datasets",
]
