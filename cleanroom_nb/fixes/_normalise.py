"""The one normalisation of identifiers before hashing, in pandas/Arrow and in Athena SQL.

The rule (the README states it for partners hashing a seed audience):

1. trim, at both ends, every character for which Python's ``str.isspace()`` is true, plus
   U+200B (zero width space) and U+FEFF (byte order mark);
2. Unicode NFC;
3. lower case per code point (simple case mapping, as Trino's ``lower`` and Arrow's
   ``utf8_lower`` do; U+0130 'İ' becomes 'i');
4. phone numbers keep the ASCII digits 0-9 only (a leading ``+`` is dropped, so
   ``"+1 (415) 555-0101"`` and ``"1-415-555-0101"`` are one number);
5. a value that is empty after this is null (and stays null);
6. the digest is the lowercase hex SHA-256 of the UTF-8 bytes.

Trino's ``trim`` removes only what Java's ``Character.isWhitespace`` calls whitespace (not
U+00A0 NBSP, U+2007, U+202F, U+200B or U+FEFF), so the SQL trims with ``regexp_replace``
over the exact set instead.
"""

from __future__ import annotations

import hashlib
import sys
from typing import Literal

import numpy as np
import pandas as pd

TRIM_CHARACTERS = (
    "".join(chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()) + "\u200b\ufeff"
)
"""The characters trimmed at both ends of an identifier (``str.isspace()`` + U+200B + U+FEFF)."""

_DOTTED_I = "\u0130"
"""The one code point whose full lower case (Arrow, Python) differs from its simple one."""

Kind = Literal["email", "phone", "id"]


def _arrow(values: pd.Series):  # type: ignore[no-untyped-def]
    """The values as an Arrow string array; nulls (None, NaN, NA) null, other values as text."""
    import pyarrow as pa

    s = values
    if isinstance(s.dtype, pd.CategoricalDtype):
        s = s.astype(s.dtype.categories.dtype)
    isna = np.asarray(s.isna(), dtype=bool)
    if isinstance(s.dtype, pd.StringDtype):
        return pa.array(s, type=pa.large_string(), from_pandas=True)
    objects = s.to_numpy(dtype=object)
    try:  # text and nulls only (the usual case): Arrow converts it in C
        return pa.array(objects, type=pa.large_string(), from_pandas=True)
    except (pa.ArrowException, TypeError, ValueError):
        pass
    text = [
        None if missing else v if isinstance(v, str) else str(v)
        for v, missing in zip(objects.tolist(), isna.tolist(), strict=True)
    ]
    return pa.array(text, type=pa.large_string())


def _nfc(arr):  # type: ignore[no-untyped-def]
    """Unicode NFC of an Arrow string array; ASCII values (already NFC) are left as they are.

    Python's ``unicodedata`` does it: pyarrow's ``utf8_normalize(form="NFC")`` gave NFD in
    pyarrow 25 (``"\u00e9"`` became ``"e\u0301"``), so it is not used.
    """
    import unicodedata

    import pyarrow as pa
    import pyarrow.compute as pc

    ascii_ = pc.fill_null(pc.string_is_ascii(arr), True)
    if pc.all(ascii_).as_py():
        return arr
    values = arr.to_pylist()
    flags = ascii_.to_pylist()
    done = [
        v if ok or v is None else unicodedata.normalize("NFC", v)
        for v, ok in zip(values, flags, strict=True)
    ]
    return pa.array(done, type=arr.type)


def normalise(values: pd.Series, kind: Kind = "email") -> pd.Series:
    """``values`` normalised by the rule above (``kind="id"``: trim + NFC, case kept).

    Examples
    --------
    >>> import pandas as pd
    >>> normalise(pd.Series(["\\u00a0Ann@X.org\\t", "ANN@X.ORG\\r\\n", " ", None])).tolist()
    ['ann@x.org', 'ann@x.org', None, None]
    >>> normalise(pd.Series(["+1 (415) 555-0101"]), "phone").tolist()
    ['14155550101']
    """
    import pyarrow.compute as pc

    arr = _arrow(values)
    if kind == "phone":
        out = pc.replace_substring_regex(arr, pattern="[^0-9]", replacement="")
    else:
        out = _nfc(pc.utf8_trim(arr, characters=TRIM_CHARACTERS))
        if kind == "email":
            out = pc.utf8_lower(pc.replace_substring(out, pattern=_DOTTED_I, replacement="i"))
    text = out.to_pandas().to_numpy(dtype=object)
    empty = np.asarray(pd.isna(text), dtype=bool) | (text == "")
    text[empty] = None
    return pd.Series(text, index=values.index, name=values.name, dtype=object)


def trimmed(values: pd.Series) -> pd.Series:
    """Text values trimmed of :data:`TRIM_CHARACTERS` at both ends (nulls stay null).

    The first step of the rule; times are trimmed of the same characters before they are parsed
    (``fixes/_timeformat``). Trino's ``trim`` keeps NBSP, so the SQL trims with a regex.
    """
    import pyarrow.compute as pc

    out = pc.utf8_trim(_arrow(values), characters=TRIM_CHARACTERS)
    return pd.Series(
        out.to_pandas().to_numpy(dtype=object), index=values.index, name=values.name, dtype=object
    )


def sha256_hex(values: pd.Series) -> pd.Series:
    """Lowercase hex SHA-256 of the UTF-8 bytes of each value; nulls stay null (object dtype)."""
    out = [
        None if v is None else hashlib.sha256(v.encode("utf-8")).hexdigest()
        for v in values.tolist()
    ]
    return pd.Series(out, index=values.index, name=values.name, dtype=object)


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _class() -> str:
    # Literal characters inside one regular-expression class (none of them is special there);
    # Trino's Joni and DuckDB's RE2 read them alike.
    return "[" + TRIM_CHARACTERS + "]"


def sql_trimmed(column_sql: str) -> str:
    """Trino SQL trimming :data:`TRIM_CHARACTERS` at both ends of ``column_sql``."""
    cls = _class()
    return f"regexp_replace({column_sql}, {_literal(f'^{cls}+|{cls}+$')}, '')"


def sql_normalised(column_sql: str, kind: Kind = "email") -> str:
    """The Athena (Trino) expression of :func:`normalise` (empty gives NULL).

    Examples
    --------
    >>> sql_normalised('"p"', "phone")
    'nullif(regexp_replace("p", \\'[^0-9]\\', \\'\\'), \\'\\')'
    """
    if kind == "phone":
        return f"nullif(regexp_replace({column_sql}, '[^0-9]', ''), '')"
    text = f"normalize({sql_trimmed(column_sql)}, NFC)"
    if kind == "email":
        text = f"lower({text})"
    return f"nullif({text}, '')"


def sql_sha256_hex(text_sql: str) -> str:
    """The Athena (Trino) expression of :func:`sha256_hex` (NULL stays NULL)."""
    return f"lower(to_hex(sha256(to_utf8({text_sql}))))"
