"""The form's audience steps: train an audience model on the created dataset, then configure it.

``AudienceStep`` and its ``ConfigureStep`` (traitlets models: state and logic, no widgets),
and ``AudienceStepView``
(the thin ipywidgets view bound to it, loaded on first use).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cleanroom_nb.form.audience._configure import ConfigureStep
from cleanroom_nb.form.audience._model import AudienceStep
from cleanroom_nb.form.audience._parts import AudienceActions

if TYPE_CHECKING:
    from cleanroom_nb.form.audience._view import AudienceStepView, attach

__all__ = ["AudienceActions", "AudienceStep", "AudienceStepView", "ConfigureStep", "attach"]


def __getattr__(name: str) -> Any:
    if name in ("AudienceStepView", "attach"):
        from cleanroom_nb.form.audience import _view

        return getattr(_view, name)
    raise AttributeError(f"module 'cleanroom_nb.form.audience' has no attribute {name!r}")
