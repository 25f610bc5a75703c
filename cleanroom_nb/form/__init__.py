"""The ipywidgets form: one folder per step (a traitlets model and a thin view bound to it).

``FormState`` (the models, wired one line per slice) loads without ipywidgets;
``TrainingDatasetForm`` (the views) loads on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cleanroom_nb.form._state import FormState

if TYPE_CHECKING:
    from cleanroom_nb.form._view import TrainingDatasetForm

__all__ = ["FormState", "TrainingDatasetForm"]


def __getattr__(name: str) -> Any:
    if name == "TrainingDatasetForm":
        from cleanroom_nb.form._view import TrainingDatasetForm

        return TrainingDatasetForm
    raise AttributeError(f"module 'cleanroom_nb.form' has no attribute {name!r}")
