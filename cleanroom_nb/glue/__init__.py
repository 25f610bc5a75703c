"""Glue tables: catalog facts, a bounded S3 sample, and writing a DataFrame as a Glue table."""

from __future__ import annotations

from cleanroom_nb.glue._catalog import GlueTableInfo, infer_schema_from_glue
from cleanroom_nb.glue._register import register_dataframe

__all__ = ["GlueTableInfo", "infer_schema_from_glue", "register_dataframe"]
