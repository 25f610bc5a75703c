"""Notebook views of what the service describes: one training dataset, or a list of them."""

from __future__ import annotations

import datetime as dt
import html
from typing import Any


def _cell(value: Any) -> str:
    if isinstance(value, dt.datetime):
        value = value.isoformat(timespec="seconds")
    return html.escape("" if value is None else str(value))


class TrainingDatasetInfo(dict[str, Any]):
    """The description of one training dataset (a plain ``dict``) with a notebook view.

    Examples
    --------
    >>> info = TrainingDatasetInfo({"name": "shoppers", "status": "ACTIVE"})
    >>> info["status"], "shoppers" in info._repr_html_()
    ('ACTIVE', True)
    """

    def _repr_html_(self) -> str:
        rows = [
            (k, self.get(k))
            for k in (
                "name",
                "status",
                "trainingDatasetArn",
                "roleArn",
                "description",
                "createTime",
                "updateTime",
            )
            if self.get(k) is not None
        ]
        data = (self.get("trainingData") or [{}])[0]
        config = data.get("inputConfig") or {}
        glue = (config.get("dataSource") or {}).get("glueDataSource") or {}
        if glue:
            rows.append(("Glue table", f"{glue.get('databaseName')}.{glue.get('tableName')}"))
        columns = ", ".join(
            f"{c.get('columnName')} ({'/'.join(c.get('columnTypes') or [])})"
            for c in config.get("schema") or []
        )
        if columns:
            rows.append(("columns", columns))
        if self.get("tags"):
            rows.append(("tags", ", ".join(f"{k}={v}" for k, v in self["tags"].items())))
        body = "".join(
            f"<tr><th style='text-align:left'>{_cell(k)}</th>"
            f"<td style='text-align:left'>{_cell(v)}</td></tr>"
            for k, v in rows
        )
        return f"<table>{body}</table>"


class TrainingDatasetList(list[dict[str, Any]]):
    """Training datasets as listed (a plain ``list`` of dicts) with a notebook view.

    Examples
    --------
    >>> TrainingDatasetList([])._repr_html_()
    '<p>no training datasets</p>'
    """

    def _repr_html_(self) -> str:
        if not self:
            return "<p>no training datasets</p>"
        keys = ("name", "status", "createTime", "trainingDatasetArn")
        head = "".join(f"<th>{k}</th>" for k in keys)
        body = "".join(
            "<tr>"
            + "".join(f"<td style='text-align:left'>{_cell(d.get(k))}</td>" for k in keys)
            + "</tr>"
            for d in self
        )
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
