"""One module per fix kind; importing this package registers them (plan order: ``priority``)."""

from __future__ import annotations

from cleanroom_nb.fixes.kinds import (  # noqa: F401  (importing registers)
    datetimes,
    epoch_unit,
    float_id,
    hash_email,
    hash_phone,
    text_time,
    type_cast,
)
