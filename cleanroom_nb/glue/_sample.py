"""Reading one object's share of a spread Glue sample: Parquet row groups or a text prefix.

:func:`read_one` reads one object of the objects :mod:`cleanroom_nb.glue._listing` picked, with
its share of the byte budget (:mod:`cleanroom_nb.glue._parquet_sample` for Parquet, a ranged
prefix through :mod:`cleanroom_nb.glue._text_sample` for CSV/JSON lines), parsed into the
table's columns; :mod:`cleanroom_nb.glue._infer` puts the shares together.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from cleanroom_nb._findings import Finding
from cleanroom_nb.glue import _parquet_sample, _s3_file, _text_sample
from cleanroom_nb.glue._catalog import GlueTableInfo, serde_csv_options, skip_header_lines
from cleanroom_nb.glue._findings import csv_header_findings


@dataclass
class Read:
    """What reading one data object gave: its rows as read, and the facts of the read."""

    frame: pd.DataFrame
    stats: _s3_file.IoStats
    rows: int
    bytes_of_rows: int
    codecs: dict[str, str]
    compression: str
    findings: list[Finding] = field(default_factory=list)


def _read_parquet(
    s3: Any, obj: _s3_file.S3Object, sample_rows: int, prefetch_bytes: int, fit_only: bool
) -> Read:
    ps = _parquet_sample.read_parquet_sample(
        s3, obj, sample_rows=sample_rows, prefetch_bytes=prefetch_bytes, fit_only=fit_only
    )
    frame = ps.frame
    frame.columns = [str(c).lower() for c in frame.columns]
    comps = {c.lower() for c in ps.codecs.values()} - {"uncompressed"}
    compression = (
        "zstd"
        if "zstd" in comps
        else (sorted(comps)[0] if len(comps) == 1 else ",".join(sorted(comps)) or "none")
    )
    return Read(frame, ps.stats, ps.num_rows, obj.size, ps.codecs, compression)


def _read_text(
    info: GlueTableInfo,
    raw: Mapping[str, Any],
    data_columns: list[str],
    s3: Any,
    obj: _s3_file.S3Object,
    *,
    sample_bytes: int,
    compression: str,
    first: bool,
) -> Read:
    head = _text_sample.read_text_head(s3, obj, sample_bytes=sample_bytes, compression=compression)
    rows = bytes_of_rows = 0
    if compression in ("none", "uncompressed") and head.stats.bytes_fetched:
        bytes_of_rows = len(head.text.encode("utf-8", errors="replace"))
        rows = head.text.count("\n")
    findings: list[Finding] = []
    if info.data_format == "csv":
        delim, quote, escape = serde_csv_options(raw)
        skip = skip_header_lines(raw)
        frame = _text_sample.parse_csv_sample(
            head.text,
            data_columns,
            delimiter=delim,
            quotechar=quote or '"',
            escapechar=escape if quote else None,
            skip_header_lines=skip,
        )
        if first:
            findings.extend(csv_header_findings(head.text, data_columns, delim, skip, info))
    else:
        frame = _text_sample.parse_json_lines_sample(head.text, data_columns)
    return Read(frame, head.stats, rows, bytes_of_rows, {}, compression, findings)


MIN_TEXT_SHARE = 4096
"""Bytes each CSV/JSON object gets at least: fewer objects are read from a small budget."""
FOOTER_READ = 64 << 10
"""pyarrow's first read of a Parquet file: its last 64 KiB (the whole of a smaller file)."""


def read_one(
    info: GlueTableInfo,
    raw: Mapping[str, Any],
    data_columns: list[str],
    s3: Any,
    obj: _s3_file.S3Object,
    *,
    index: int,
    share: int,
    rows_share: int,
) -> Read | str:
    """Read one object's share; a message instead when its text cannot be streamed."""
    if info.data_format == "parquet":
        return _read_parquet(s3, obj, rows_share, share, fit_only=index > 0)
    compression = _text_sample.text_compression(obj.key, info.compression)
    if compression not in _text_sample.READABLE_TEXT_COMPRESSIONS:
        return compression
    return _read_text(
        info,
        raw,
        data_columns,
        s3,
        obj,
        sample_bytes=share,
        compression=compression,
        first=index == 0,
    )
