"""How the form's state is put together: each part holds one job, the facade delegates to it.

:class:`Part` is the base of the parts (source, schema edits, fields, validation, checks, fixes,
the service role, submission). :class:`Via` is the descriptor with which the facade
:class:`~cleanroom_nb.form._state.FormState` shows a part's attribute or method as its own, so
``state.name`` reads and writes ``state.fields.name``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar, overload

if TYPE_CHECKING:
    from cleanroom_nb.form._state import FormState

T = TypeVar("T")


class Part:
    """One part of the form's state; ``self.form`` is the facade it belongs to.

    Parts reach each other and the shared values (the schema, the session, the observers)
    through the facade, never through a module-level lookup.
    """

    part_name: ClassVar[str] = ""
    """The facade attribute that holds the part (``state.<name>``)."""

    def __init__(self, form: FormState) -> None:
        self.form = form


class Via(Generic[T]):
    """A facade attribute that is really the attribute of the same name on one part.

    Reading through the class gives the part's own member (so ``help(FormState.submit)``
    shows the part's docstring).
    """

    def __init__(self, part: type[Part]) -> None:
        self.part = part
        self.attr = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self.attr = name
        self.__doc__ = getattr(getattr(self.part, name, None), "__doc__", None)

    @overload
    def __get__(self, obj: None, owner: type | None = None) -> Any: ...
    @overload
    def __get__(self, obj: object, owner: type | None = None) -> T: ...
    def __get__(self, obj: object | None, owner: type | None = None) -> Any:
        if obj is None:
            return getattr(self.part, self.attr, self)
        return getattr(obj.__dict__[self.part.part_name], self.attr)

    def __set__(self, obj: object, value: T) -> None:
        setattr(obj.__dict__[self.part.part_name], self.attr, value)
