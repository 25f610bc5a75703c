"""The form's sections, one module each (sepal_ui style): each builds its widgets, wires them to
the view's ``_on_<child>_<event>`` handlers and copies the state into them in ``render``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ipywidgets as w

Setter = Callable[[w.Widget, str, Any], None]
"""``set_(widget, trait, value)``: set a trait only when it differs."""
