"""The :class:`Fix` record: one change a column needs, as the plan carries it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Fix:
    """One change a column needs before Clean Rooms ML can use it.

    Attributes
    ----------
    column
        The column as named in the schema (the DataFrame's name; the Glue name for Glue
        schemas).
    kind
        ``"to_epoch_seconds"``, ``"to_int_id"``, ``"hash_email"``, ``"hash_phone"`` or
        ``"cast"``.
    what
        What the fix does, in words.
    why
        The finding it resolves, in words.
    code
        The code of the finding it resolves (``"timestamp_text"``, ``"float_id"``,
        ``"raw_pii"``, ``"glue_type"``, ``"timestamp_unit"``, ``"timestamp_datetime"``).
    pandas
        The pandas code a person would write for it.
    sql
        The Athena (Trino) SQL expression computing the new value from the quoted Glue column;
        values that cannot be converted give NULL.
    new_glue_type
        The column's Glue type after the fix.
    params
        What the fix needs to run: ``{"format": "%m/%d/%Y %H:%M", "tz": "UTC"}``,
        ``{"unit": "ms"}``, ``{"to": "bigint"}`` ...

    Examples
    --------
    >>> import pandas as pd
    >>> import cleanroom_nb as crn
    >>> df = pd.DataFrame({"user_id": [f"u{i % 30}" for i in range(300)],
    ...                    "item_id": [i % 41 for i in range(300)],
    ...                    "t_dat": [f"2018-09-{1 + i % 28:02d}" for i in range(300)]})
    >>> fix = crn.infer_schema(df).fixes[0]
    >>> fix.column, fix.kind, fix.params["format"]
    ('t_dat', 'to_epoch_seconds', '%Y-%m-%d')
    >>> fix.sql.startswith('CAST(floor(to_unixtime(try(date_parse(regexp_replace("t_dat"')
    True
    >>> fix.pandas
    "df['t_dat'] = crn.to_epoch_seconds(df['t_dat'], format='%Y-%m-%d', errors='coerce')"
    """

    column: str
    kind: str
    what: str
    why: str
    code: str
    pandas: str
    sql: str
    new_glue_type: str
    params: Mapping[str, Any] = field(default_factory=dict)
    definition: str = ""
    """The registered fix kind that made it (``"text_time"``, ``"hash_email"``, ...): the one
    definition its pandas code, SQL, implementation and preview come from."""
    after: str = ""
    """The column's storage after the fix, in words (the new schema's reason)."""

    def _repr_html_(self) -> str:
        import html

        return (
            f"<div><b>{html.escape(self.column)}</b>: {html.escape(self.what)}<br>"
            f"<small>{html.escape(self.why)}</small><br>"
            f"<code>{html.escape(self.pandas)}</code><br><code>{html.escape(self.sql)}</code>"
            "</div>"
        )
