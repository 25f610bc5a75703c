"""Does the data meet Clean Rooms ML's figures? In-process for a DataFrame, in Athena for Glue."""

from __future__ import annotations

from cleanroom_nb.readiness._athena import readiness_from_athena
from cleanroom_nb.readiness._check_data import check_data
from cleanroom_nb.readiness._pandas import readiness
from cleanroom_nb.readiness._report import ReadinessReport
from cleanroom_nb.readiness._window import TimeWindow

__all__ = ["ReadinessReport", "TimeWindow", "check_data", "readiness", "readiness_from_athena"]
