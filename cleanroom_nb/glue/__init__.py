"""Glue tables: catalog facts, a bounded S3 sample, writing a DataFrame, fixing a table in Athena,
and what an Athena query over a table will scan and cost."""

from __future__ import annotations

from cleanroom_nb.glue._catalog import GlueTableInfo
from cleanroom_nb.glue._fix_table import fix_glue_table, fix_glue_table_sql
from cleanroom_nb.glue._infer import infer_schema_from_glue
from cleanroom_nb.glue._register import register_dataframe
from cleanroom_nb.glue._scan_estimate import ScanEstimate, estimate_athena_scan

__all__ = [
    "GlueTableInfo",
    "ScanEstimate",
    "estimate_athena_scan",
    "fix_glue_table",
    "fix_glue_table_sql",
    "infer_schema_from_glue",
    "register_dataframe",
]
