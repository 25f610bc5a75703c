"""hash_email: a USER_ID of raw e-mails -> SHA-256 hex of the normalised e-mail."""

from __future__ import annotations

from typing import Any

from cleanroom_nb.fixes._registry import register
from cleanroom_nb.fixes.kinds._hashing import EMAIL, HashKind


@register
class HashEmail(HashKind):
    """E-mails: trimmed, NFC, lower case, then hashed."""

    name = "hash_email"
    kind = "hash_email"
    priority = 40
    normal = "email"
    label = "e-mails"

    def wanted(self, p: Any) -> bool:
        return bool(p.has(EMAIL))
