"""The local emulation of AWS: moto's server, the Clean Rooms ML emulator, sample data.

The library never imports this package; the command line, the pytest plugin
(:mod:`cleanroom_nb.testing`) and ``crn.local_aws`` (loaded on first use) do.
"""

from __future__ import annotations

from cleanroom_nb.local._sample_data import sample_interactions
from cleanroom_nb.local._stack import LocalAws, local_aws
from cleanroom_nb.local.cleanroomsml import CleanRoomsMLEmulator

__all__ = ["CleanRoomsMLEmulator", "LocalAws", "local_aws", "sample_interactions"]
