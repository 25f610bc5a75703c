"""Audience models: train a lookalike model on a training dataset, configure it, delete them.

The stage after :mod:`cleanroom_nb.submit`: :func:`create_audience_model` (the training window
checked against the data first), :func:`wait_for_audience_model`,
:func:`create_configured_audience_model` (output location and output role checked first),
their get/list/update/delete, and :func:`check_training_window`. Every request that changes
something goes through one seam, :mod:`cleanroom_nb.audience._send`.
"""

from __future__ import annotations

from cleanroom_nb.audience._configured import (
    create_configured_audience_model,
    delete_configured_audience_model,
    update_configured_audience_model,
)
from cleanroom_nb.audience._describe import (
    get_audience_model,
    get_configured_audience_model,
    list_audience_models,
    list_configured_audience_models,
)
from cleanroom_nb.audience._model import create_audience_model, delete_audience_model
from cleanroom_nb.audience._wait import wait_for_audience_model
from cleanroom_nb.audience._window import check_training_window

__all__ = [
    "check_training_window",
    "create_audience_model",
    "create_configured_audience_model",
    "delete_audience_model",
    "delete_configured_audience_model",
    "get_audience_model",
    "get_configured_audience_model",
    "list_audience_models",
    "list_configured_audience_models",
    "update_configured_audience_model",
    "wait_for_audience_model",
]
