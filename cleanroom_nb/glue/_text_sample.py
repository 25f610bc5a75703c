"""A bounded CSV / JSON-lines sample: the first bytes of ONE object, parsed and typed.

The first ``sample_bytes`` of one object are read with a single ranged ``GetObject``; the
partial last line is dropped, then pandas parses the rest (gzip and bzip2 prefixes are
decompressed as a stream). :func:`cast_to_glue_types` gives the text columns the dtypes their
Glue types imply, as Athena would read them.
"""

from __future__ import annotations

import bz2
import io
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from cleanroom_nb._errors import DataFileError
from cleanroom_nb.glue._s3_file import (
    DEFAULT_SAMPLE_BYTES,
    MAX_SAMPLE_BYTES,
    IoStats,
    S3Object,
    S3RangedFile,
)


@dataclass
class TextSample:
    """The complete lines at the start of one CSV/JSON object.

    ``text`` ends at the last complete line; ``truncated`` tells whether the object holds more.
    """

    text: str
    truncated: bool
    stats: IoStats = field(default_factory=IoStats)


def _decompressor(compression: str) -> Any:
    if compression == "gzip":
        return zlib.decompressobj(16 + zlib.MAX_WBITS)
    if compression == "bzip2":
        return bz2.BZ2Decompressor()
    return None


def text_compression(key: str, declared: str | None = None) -> str:
    """The compression of a text object: from its key's suffix, else the table's declaration.

    Examples
    --------
    >>> text_compression("t/part.csv.gz"), text_compression("t/p.json", "none")
    ('gzip', 'none')
    """
    k = key.lower()
    for suffix, name in (
        (".gz", "gzip"),
        (".gzip", "gzip"),
        (".bz2", "bzip2"),
        (".snappy", "snappy"),
        (".zst", "zstd"),
        (".lz4", "lz4"),
        (".deflate", "deflate"),
    ):
        if k.endswith(suffix):
            return name
    d = (declared or "none").strip().lower()
    return {"gz": "gzip", "bz2": "bzip2", "": "none"}.get(d, d)


READABLE_TEXT_COMPRESSIONS = ("none", "uncompressed", "gzip", "bzip2")


def read_text_head(
    s3_client: Any,
    obj: S3Object,
    *,
    sample_bytes: int = DEFAULT_SAMPLE_BYTES,
    compression: str = "none",
    encoding: str = "utf-8",
) -> TextSample:
    """The complete lines in the first ``sample_bytes`` of ``obj`` (ONE ranged GetObject).

    gzip and bzip2 prefixes are decompressed as a stream (the decompressed text is cut at
    ``4 * sample_bytes``). The partial last line is dropped unless the whole object was read.

    Raises
    ------
    DataFileError
        For a compression that cannot be streamed (snappy, zstd, lz4, ...).
    """
    sample_bytes = max(1, min(int(sample_bytes), MAX_SAMPLE_BYTES))
    stats = IoStats()
    f = S3RangedFile(s3_client, obj.bucket, obj.key, obj.size, stats)
    raw = f.read_range(0, sample_bytes)
    whole = len(raw) >= obj.size
    comp = "none" if compression == "uncompressed" else compression
    if comp != "none":
        dec = _decompressor(comp)
        if dec is None:
            raise DataFileError(
                f"{obj.uri} is {comp}-compressed text, which cannot be sampled with a ranged read"
            )
        try:
            data = dec.decompress(raw, 4 * sample_bytes) if comp == "gzip" else dec.decompress(raw)
        except (OSError, EOFError, zlib.error) as exc:
            raise DataFileError(f"{obj.uri}: not valid {comp} data ({exc})") from exc
        data = data[: 4 * sample_bytes]
        finished = bool(getattr(dec, "eof", False)) and whole
    else:
        data = raw
        finished = whole
    if not finished:
        cut = data.rfind(b"\n")
        data = data[: cut + 1] if cut >= 0 else b""
    text = data.decode(encoding, errors="replace")
    if text.startswith("\ufeff"):
        text = text[1:]
    return TextSample(text, not finished, stats)


def parse_csv_sample(
    text: str,
    columns: Sequence[str],
    *,
    delimiter: str = ",",
    quotechar: str | None = '"',
    escapechar: str | None = None,
    skip_header_lines: int = 0,
    null_values: Sequence[str] = ("\\N", ""),
) -> pd.DataFrame:
    """Parse CSV text as strings into the Glue ``columns`` (extra fields are dropped).

    Examples
    --------
    >>> parse_csv_sample("a,1\\nb,2\\n", ["u", "n"])
    ... # doctest: +NORMALIZE_WHITESPACE
       u  n
    0  a  1
    1  b  2
    """
    if not text.strip():
        return pd.DataFrame({c: pd.Series([], dtype="str") for c in columns})
    kwargs: dict[str, Any] = {}
    if quotechar:
        kwargs["quotechar"] = quotechar
    else:
        kwargs["quoting"] = 3  # csv.QUOTE_NONE
    if escapechar:
        kwargs["escapechar"] = escapechar
    n = len(columns)
    df = pd.read_csv(
        io.StringIO(text),
        sep=delimiter,
        header=None,
        names=list(range(n)),
        usecols=list(range(n)),
        skiprows=skip_header_lines,
        dtype=str,
        keep_default_na=False,
        na_values=list(null_values),
        on_bad_lines="skip",
        engine="python" if len(delimiter) > 1 else "c",
        **kwargs,
    )
    df.columns = list(columns)
    return df


def parse_json_lines_sample(text: str, columns: Sequence[str]) -> pd.DataFrame:
    """Parse JSON lines; keys are matched to the Glue ``columns`` case-insensitively.

    Examples
    --------
    >>> df = parse_json_lines_sample('{"User": "a", "n": 1}\\n', ["user", "n", "gone"])
    >>> list(df.columns), df["user"].iloc[0], df["gone"].isna().all()
    (['user', 'n', 'gone'], 'a', np.True_)
    """
    lines = [ln for ln in text.splitlines() if ln.strip()]
    if not lines:
        return pd.DataFrame({c: pd.Series([], dtype="object") for c in columns})
    df = pd.read_json(io.StringIO("\n".join(lines)), lines=True, dtype=False)
    by_lower: dict[str, Any] = {}
    for c in df.columns:
        by_lower.setdefault(str(c).lower(), c)
    out = {}
    for c in columns:
        src = by_lower.get(c.lower())
        out[c] = df[src] if src is not None else pd.Series([None] * len(df), dtype="object")
    return pd.DataFrame(out)


# ---------------------------------------------------------------------------------- typing
_INT_DTYPES = {
    "tinyint": "Int8",
    "smallint": "Int16",
    "int": "Int32",
    "integer": "Int32",
    "bigint": "Int64",
}


def cast_to_glue_types(frame: pd.DataFrame, glue_types: Mapping[str, str]) -> pd.DataFrame:
    """Give text-parsed sample columns the pandas dtype their Glue type implies.

    Values that do not parse become null (Athena reads them as null too).

    Examples
    --------
    >>> df = pd.DataFrame({"n": ["1", "x"], "f": ["1.5", "2"], "b": ["true", "false"]})
    >>> types = {"n": "bigint", "f": "double", "b": "boolean"}
    >>> cast_to_glue_types(df, types).dtypes.astype(str).tolist()
    ['Int64', 'float64', 'boolean']
    """
    out = {}
    for name in frame.columns:
        s = frame[name]
        t = (glue_types.get(name) or "string").strip().lower()
        base = t.split("(")[0].split("<")[0].strip()
        try:
            if base in _INT_DTYPES:
                num = pd.to_numeric(s, errors="coerce")
                try:
                    target: Any = _INT_DTYPES[base]
                    out[name] = num.astype(target)
                except (TypeError, ValueError, OverflowError):
                    out[name] = num.astype("Float64").round().astype("Int64")
            elif base in ("double", "float", "real", "decimal"):
                out[name] = pd.to_numeric(s, errors="coerce").astype("float64")
            elif base in ("boolean", "bool"):
                if s.dtype == bool or str(s.dtype) == "boolean":
                    out[name] = s.astype("boolean")
                else:
                    low = s.astype("str").str.strip().str.lower()
                    out[name] = low.map(
                        {"true": True, "false": False, "1": True, "0": False}
                    ).astype("boolean")
            elif base in ("timestamp", "date"):
                out[name] = pd.to_datetime(s, errors="coerce", format="mixed")
            elif base in ("string", "varchar", "char"):
                out[name] = s if isinstance(s.dtype, pd.StringDtype) else s.astype("str")
            else:
                out[name] = s
        except (TypeError, ValueError):
            out[name] = s
    return pd.DataFrame(out, index=frame.index)
