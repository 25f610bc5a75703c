"""Does the data meet Clean Rooms ML's figures? In-process for a DataFrame, in Athena for Glue."""

from __future__ import annotations

from cleanroom_nb.readiness._check_data import check_data
from cleanroom_nb.readiness._readiness import ReadinessReport, readiness, readiness_from_athena

__all__ = ["ReadinessReport", "check_data", "readiness", "readiness_from_athena"]
