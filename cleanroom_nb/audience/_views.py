"""Notebook views of audience models and configured audience models (plain dicts and lists)."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

_STATUS_COLOURS = {"ACTIVE": "#1a7f37", "CREATE_FAILED": "#cf222e", "DELETE_FAILED": "#cf222e"}


def _text(value: Any) -> str:
    if isinstance(value, dt.datetime):
        value = value.isoformat(timespec="seconds")
    if isinstance(value, list | tuple):
        value = ", ".join(str(v) for v in value)
    return html.escape("" if value is None else str(value))


def _status(value: Any) -> str:
    colour = _STATUS_COLOURS.get(str(value), "#9a6700")
    return f"<b style='color:{colour}'>{_text(value)}</b>"


def _rows(rows: Iterable[tuple[str, Any]], *, raw: Sequence[str] = ()) -> str:
    body = "".join(
        f"<tr><th style='text-align:left'>{_text(k)}</th>"
        f"<td style='text-align:left'>{v if k in raw else _text(v)}</td></tr>"
        for k, v in rows
        if v not in (None, "", [], {})
    )
    return f"<table>{body}</table>"


def _code(value: Any) -> str:
    return f"<code>{_text(value)}</code>" if value else ""


def _tags(tags: Mapping[str, str] | None) -> str:
    return ", ".join(f"{k}={v}" for k, v in (tags or {}).items())


class AudienceModelInfo(dict[str, Any]):
    """The description of one audience model (a plain ``dict``) with a notebook view.

    Examples
    --------
    >>> info = AudienceModelInfo({"name": "lookalike", "status": "ACTIVE"})
    >>> info["status"], "lookalike" in info._repr_html_()
    ('ACTIVE', True)
    """

    def _repr_html_(self) -> str:
        details = self.get("statusDetails") or {}
        window = ""
        if self.get("trainingDataStartTime") or self.get("trainingDataEndTime"):
            window = (
                f"{_text(self.get('trainingDataStartTime'))} .. "
                f"{_text(self.get('trainingDataEndTime'))}"
            )
        failure = " ".join(str(details.get(k, "")) for k in ("statusCode", "message")).strip()
        return _rows(
            [
                ("audience model", self.get("name")),
                ("status", _status(self.get("status"))),
                ("why", failure),
                ("ARN", _code(self.get("audienceModelArn"))),
                ("training dataset", _code(self.get("trainingDatasetArn"))),
                ("training window", window),
                ("KMS key", _code(self.get("kmsKeyArn"))),
                ("description", self.get("description")),
                ("created", self.get("createTime")),
                ("updated", self.get("updateTime")),
                ("tags", _tags(self.get("tags"))),
            ],
            raw=("status", "ARN", "training dataset", "KMS key", "training window"),
        )


def output_location(described: Mapping[str, Any]) -> str | None:
    """The S3 URI a configured audience model writes lookalike segments to.

    Examples
    --------
    >>> output_location({"outputConfig": {"destination": {"s3Destination": {"s3Uri": "s3://b/"}}}})
    's3://b/'
    """
    config = described.get("outputConfig") or {}
    return ((config.get("destination") or {}).get("s3Destination") or {}).get("s3Uri")


class ConfiguredAudienceModelInfo(dict[str, Any]):
    """The description of one configured audience model (a plain ``dict``) with a notebook view
    that shows where its lookalike segments go.

    Examples
    --------
    >>> info = ConfiguredAudienceModelInfo({"name": "shared", "outputConfig": {
    ...     "destination": {"s3Destination": {"s3Uri": "s3://bkt/segments/"}}, "roleArn": "r"}})
    >>> info.output_location, "s3://bkt/segments/" in info._repr_html_()
    ('s3://bkt/segments/', True)
    """

    @property
    def output_location(self) -> str | None:
        """Where the lookalike segments are written (``s3://...``)."""
        return output_location(self)

    def _repr_html_(self) -> str:
        sizes = self.get("audienceSizeConfig") or {}
        bins = ""
        if sizes:
            unit = "%" if sizes.get("audienceSizeType") == "PERCENTAGE" else ""
            bins = ", ".join(f"{b:,}{unit}" for b in sizes.get("audienceSizeBins") or [])
            bins = f"{bins} ({str(sizes.get('audienceSizeType', '')).lower()})"
        return _rows(
            [
                ("configured audience model", self.get("name")),
                ("status", _status(self.get("status"))),
                ("ARN", _code(self.get("configuredAudienceModelArn"))),
                ("audience model", _code(self.get("audienceModelArn"))),
                ("output location", _code(self.output_location)),
                ("output role", _code((self.get("outputConfig") or {}).get("roleArn"))),
                ("shared metrics", self.get("sharedAudienceMetrics")),
                ("min matching seed size", self.get("minMatchingSeedSize")),
                ("audience sizes", bins),
                ("child resource tags", self.get("childResourceTagOnCreatePolicy")),
                ("description", self.get("description")),
                ("created", self.get("createTime")),
                ("updated", self.get("updateTime")),
                ("tags", _tags(self.get("tags"))),
            ],
            raw=("status", "ARN", "audience model", "output location", "output role"),
        )


class ResourceList(list[dict[str, Any]]):
    """Listed resources (a plain ``list`` of dicts) with a notebook table.

    Examples
    --------
    >>> ResourceList([], what="audience models")._repr_html_()
    '<p>no audience models</p>'
    """

    def __init__(
        self, items: Iterable[dict[str, Any]] = (), *, what: str, keys: Sequence[str] = ()
    ) -> None:
        super().__init__(items)
        self.what = what
        self.keys = tuple(keys) or ("name", "status", "createTime")

    def _repr_html_(self) -> str:
        if not self:
            return f"<p>no {html.escape(self.what)}</p>"
        head = "".join(f"<th>{_text(_HEADERS.get(k, k))}</th>" for k in self.keys)
        body = "".join(
            "<tr>"
            + "".join(f"<td style='text-align:left'>{_cell(k, item)}</td>" for k in self.keys)
            + "</tr>"
            for item in self
        )
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


_HEADERS = {
    "audienceModelArn": "ARN",
    "configuredAudienceModelArn": "ARN",
    "trainingDatasetArn": "training dataset",
    "createTime": "created",
}


def _cell(key: str, item: Mapping[str, Any]) -> str:
    if key == "status":
        return _status(item.get(key))
    if key == "output location":
        return _code(output_location(item))
    if key.endswith("Arn"):
        return _code(item.get(key))
    return _text(item.get(key))
