"""Send the request to Clean Rooms ML and manage what it created (get, list, find, tag, delete)."""

from __future__ import annotations

from cleanroom_nb.submit._create import TagsUpdatedWarning, create_training_dataset
from cleanroom_nb.submit._delete import delete_training_dataset
from cleanroom_nb.submit._describe import (
    find_training_dataset,
    get_training_dataset,
    list_training_datasets,
)
from cleanroom_nb.submit._tags import (
    list_training_dataset_tags,
    tag_training_dataset,
    untag_training_dataset,
)

__all__ = [
    "TagsUpdatedWarning",
    "create_training_dataset",
    "delete_training_dataset",
    "find_training_dataset",
    "get_training_dataset",
    "list_training_dataset_tags",
    "list_training_datasets",
    "tag_training_dataset",
    "untag_training_dataset",
]
