"""The value patterns a column profile can report (see ``ColumnProfile.patterns``)."""

from __future__ import annotations

# Value patterns a profile can report (see ColumnProfile.patterns).
EPOCH_S, EPOCH_MS, EPOCH_US, EPOCH_NS = "epoch_s", "epoch_ms", "epoch_us", "epoch_ns"
EPOCH_UNITS = {EPOCH_S: "s", EPOCH_MS: "ms", EPOCH_US: "us", EPOCH_NS: "ns"}
ISO_DATETIME, DATE_STRING, DATETIME = "iso_datetime", "date_string", "datetime"
HEX_HASH, UUID, EMAIL, PHONE, PERSON_NAME = "hex_hash", "uuid", "email", "phone", "person_name"
LIST, DICT, BYTES, FREE_TEXT, MIXED, CONSTANT, ALL_NULL = (
    "list",
    "dict",
    "bytes",
    "free_text",
    "mixed",
    "constant",
    "all_null",
)
PII_PATTERNS = (EMAIL, PHONE, PERSON_NAME)
