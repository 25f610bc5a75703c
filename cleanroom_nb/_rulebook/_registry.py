"""The registry of the rule book: which builder builds each :class:`FindingCode`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from cleanroom_nb._findings import FindingCode

F = TypeVar("F", bound=Callable[..., Any])

BUILDERS: dict[FindingCode, Callable[..., Any]] = {}
"""Each code's one builder (filled by :func:`rule` as the rule book's modules are imported)."""


def rule(*codes: FindingCode) -> Callable[[F], F]:
    """Register the decorated function as the one builder of ``codes``.

    Raises
    ------
    RuntimeError
        When a code already has a builder (each rule is built in exactly one place).
    """

    def register(func: F) -> F:
        for code in codes:
            if code in BUILDERS:
                raise RuntimeError(
                    f"{code.value!r} is built by {BUILDERS[code].__qualname__} already; "
                    f"{func.__qualname__} must call it instead"
                )
            BUILDERS[code] = func
        return func

    return register
