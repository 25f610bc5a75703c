"""What the two hashing kinds share: normalise (README's rule), then SHA-256 hex."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from cleanroom_nb import _roles
from cleanroom_nb.fixes._normalise import (
    Kind,
    normalise,
    sha256_hex,
    sql_normalised,
    sql_sha256_hex,
)
from cleanroom_nb.fixes._registry import Column, FixKind

EMAIL, PHONE = "email", "phone"
"""The profile's pattern names (``ColumnProfile.patterns``) that make a user id raw PII."""
_PII = (EMAIL, PHONE, "person_name")


class HashKind(FixKind):
    """A raw identifier column (USER_ID, text) replaced by the digest of its normal form."""

    kind = "hash_email"
    normal: Kind = "email"
    label = "e-mails"
    new_glue_type = "string"

    def wanted(self, p: Any) -> bool:
        """Whether the profile shows this kind of identifier."""
        raise NotImplementedError

    def plan(self, c: Column, quoted: str) -> Any:
        p = c.profile
        if c.role != _roles.USER_ID or p is None or not self.wanted(p):
            return None
        if _roles.base_glue_type(c.glue_type) != "string":
            return None
        return self.make(
            c,
            quoted,
            what=f"replace each value by the SHA-256 hex of the {self.describe()}",
            why=f"{c.name!r} is raw personal data ({self.label}); Clean Rooms ML needs a "
            "pseudonymous id",
            code="raw_pii",
            params={"normalise": self.normal},
        )

    def describe(self) -> str:
        """The normal form in words."""
        if self.normal == "phone":
            return "phone number's digits (0-9 only)"
        return "e-mail trimmed (Unicode whitespace, U+200B, U+FEFF), NFC, lower case"

    def convert(self, s: pd.Series, params: Mapping[str, Any]) -> pd.Series:
        codes, uniques = pd.factorize(s, use_na_sentinel=True)
        norm = normalise(pd.Series(uniques, dtype=object), self.normal)
        # Several raw values may share one normal form: hash each normal form once.
        ncodes, nuniques = pd.factorize(norm, use_na_sentinel=True)
        digests = sha256_hex(pd.Series(nuniques, dtype=object)).to_numpy(dtype=object)
        per_unique = pd.array(digests, dtype="str").take(ncodes, allow_fill=True)
        taken = per_unique.take(codes, allow_fill=True)
        return pd.Series(taken, index=s.index, name=s.name)

    def sql(self, quoted: str, params: Mapping[str, Any]) -> str:
        return sql_sha256_hex(sql_normalised(quoted, self.normal))

    def code(self, ref: str, params: Mapping[str, Any]) -> str:
        return f"crn.hash_identifier({ref}, kind={self.normal!r})"

    def after(self, c: Column, params: Mapping[str, Any]) -> str:
        return f"string: SHA-256 hex of the {self.describe()}, converted from raw {self.label}"

    def profile_after(self, profile: Any, params: Mapping[str, Any]) -> dict[str, Any]:
        kept = tuple(p for p in profile.patterns if p not in _PII)
        return {"patterns": (*kept, "hex_hash"), "kind": "string", "mean_length": 64.0}
