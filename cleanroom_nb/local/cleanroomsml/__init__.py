"""The Clean Rooms ML emulator, laid out like a moto service.

``_backend`` (state and the rules AWS documents), ``_wire`` (routes and parameters from
botocore's service model), ``_exceptions`` (error answers), ``_server`` (threaded HTTP) and
``_emulator`` (the :class:`CleanRoomsMLEmulator` facade and its test knobs).
"""

from __future__ import annotations

from cleanroom_nb.local.cleanroomsml._emulator import (
    DEFAULT_ACCOUNT_ID,
    DEFAULT_REGION,
    ENDPOINT_ENV,
    EXPIRED_SESSION_TOKEN,
    Call,
    CleanRoomsMLEmulator,
    running,
)

__all__ = [
    "DEFAULT_ACCOUNT_ID",
    "DEFAULT_REGION",
    "ENDPOINT_ENV",
    "EXPIRED_SESSION_TOKEN",
    "Call",
    "CleanRoomsMLEmulator",
    "running",
]
