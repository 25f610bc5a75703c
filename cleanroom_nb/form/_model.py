"""The base of the form's slice models: a traitlets ``HasTraits`` that knows its form.

Each feature slice of the form (``source``, ``columns``, ``fixes``, ``details``,
``service_role``, ``checks``, ``submit``) is one folder holding a ``_model.py`` (a
:class:`SliceModel`: state as traits, and the logic; no widget) and a ``_view.py`` (a thin
ipywidgets view bound to the model with ``link``/``dlink`` and ``observe``, with handlers named
``_on_<child>_<event>``). :class:`~cleanroom_nb.form._state.FormState` wires the slices, one
line each.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from traitlets import HasTraits

if TYPE_CHECKING:
    from cleanroom_nb.form._state import FormState


class SliceModel(HasTraits):
    """One slice of the form's state; ``self.form`` is the :class:`FormState` it belongs to.

    Slices reach each other and the shared values (the schema, the session, the actions)
    through the form (``self.form.source.table``), never through a module-level lookup.
    """

    def __init__(self, form: FormState, **kwargs: Any) -> None:
        self.form = form  # first: observers of the traits set below may need it
        super().__init__(**kwargs)
