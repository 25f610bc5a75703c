"""A local Athena for the emulation: Athena's SQL on DuckDB over moto's Glue and S3.

:class:`LocalAthena` speaks Athena's JSON 1.1 protocol on 127.0.0.1, so boto3 and awswrangler
run unchanged once ``AWS_ENDPOINT_URL_ATHENA`` points at it. It runs SELECT, CTAS and DROP
TABLE (Trino SQL translated by sqlglot), reads Glue tables' Parquet, text and JSON objects from
moto's S3, and writes result files where Athena writes them.
"""

from __future__ import annotations

from cleanroom_nb.local.athena._errors import ApiError, QueryError
from cleanroom_nb.local.athena._server import ENDPOINT_ENV, LocalAthena

__all__ = ["ENDPOINT_ENV", "ApiError", "LocalAthena", "QueryError"]
