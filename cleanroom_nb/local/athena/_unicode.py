"""Trino's Unicode string functions DuckDB spells differently.

Trino's ``normalize(string[, form])`` (NFC when no form is given,
https://trino.io/docs/current/functions/string.html#normalize) becomes DuckDB's
``nfc_normalize``; the other forms (NFD, NFKC, NFKD) have no DuckDB counterpart and are
refused rather than answered wrongly.
"""

from __future__ import annotations

from sqlglot import exp

from cleanroom_nb.local.athena._errors import QueryError


def translate_normalize(sql: str, tree: exp.Expr) -> None:
    """Replace ``normalize(x[, NFC])`` by ``nfc_normalize(x)`` in ``tree``, in place.

    Raises
    ------
    QueryError
        For a form other than NFC.
    """
    from cleanroom_nb.local.athena._trino import position

    for node in list(tree.find_all(exp.Normalize)):
        form = node.args.get("form")
        name = form.name.upper() if isinstance(form, exp.Expr) else "NFC"
        if name != "NFC":
            raise QueryError(
                f"NOT_SUPPORTED: {position(sql, node)}normalize(..., {name}) is not supported "
                "by the local Athena (DuckDB has NFC only)"
            )
        node.replace(exp.Anonymous(this="nfc_normalize", expressions=[node.this]))
