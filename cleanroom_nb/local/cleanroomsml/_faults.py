"""Faults the emulator can be told to have: what a network or a server does, never a new rule.

Each fault hits the next ``count`` requests (of one operation, or of any) and is one of

* an error answer — ThrottlingException (429) refuses the request, as AWS does when a caller
  exceeds its rate; a 5xx (InternalServiceException) is a server failure;
* a dropped connection — the server reads the request and closes the connection without an
  answer, as a reset or a load balancer timeout does.

``after_applying`` says whether the request was applied before the fault: a server can fail, or
a connection can drop, after the change was made. That is exactly why a client must not send a
change again without looking first; the service's rules for a request it answers are unchanged.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Literal

from cleanroom_nb.local.cleanroomsml._server import DROPPED, Answer


@dataclass
class Fault:
    """One injected fault and how many more requests it hits."""

    kind: Literal["error", "drop"]
    remaining: int
    operation: str | None = None
    after_applying: bool = False
    code: str = ""
    message: str = ""
    status: int = 0

    def answer(self) -> Answer:
        """What the client gets: the error, or no answer at all."""
        if self.kind == "drop":
            return DROPPED
        return (self.status, {"message": self.message}, self.code)

    def describe(self, applied: bool) -> str:
        """What happened, for :class:`~._emulator.Call` (e.g. "dropped after applying")."""
        what = "dropped the connection" if self.kind == "drop" else f"answered {self.code}"
        if not self.after_applying:
            return f"{what} before applying"
        return f"{what} after applying" if applied else f"{what}; the request was refused"


class Faults:
    """The pending faults, thread-safe, oldest first."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pending: list[Fault] = []

    def add(self, fault: Fault) -> None:
        with self._lock:
            self._pending.append(fault)

    def take(self, operation: str) -> Fault | None:
        """The first pending fault for ``operation`` (one of its ``count`` is used up)."""
        with self._lock:
            for fault in self._pending:
                if fault.remaining > 0 and fault.operation in (None, operation):
                    fault.remaining -= 1
                    self._pending = [f for f in self._pending if f.remaining > 0]
                    return fault
        return None

    def clear(self) -> None:
        with self._lock:
            self._pending.clear()
