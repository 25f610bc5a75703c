"""hash_phone: a USER_ID of raw phone numbers -> SHA-256 hex of their digits."""

from __future__ import annotations

from typing import Any

from cleanroom_nb.fixes._registry import register
from cleanroom_nb.fixes.kinds._hashing import EMAIL, PHONE, HashKind


@register
class HashPhone(HashKind):
    """Phone numbers: the digits 0-9 only (a leading '+' dropped), then hashed."""

    name = "hash_phone"
    kind = "hash_phone"
    priority = 41
    normal = "phone"
    label = "phone numbers"

    def wanted(self, p: Any) -> bool:
        return bool(p.has(PHONE)) and not p.has(EMAIL)
