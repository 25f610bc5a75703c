"""One module per fix kind; importing this package registers them, in the plan's order."""

from __future__ import annotations

from cleanroom_nb.fixes.kinds import (  # noqa: F401  (registration order = plan order)
    text_time,
    datetimes,
    epoch_unit,
    hash_email,
    hash_phone,
    float_id,
    type_cast,
)
