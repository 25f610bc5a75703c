"""Compare an existing training dataset with a request: what is create-only, what are tags.

The CloudFormation resource ``AWS::CleanRoomsML::TrainingDataset`` lists Description, Name,
RoleArn and TrainingData as create-only ("Update requires: Replacement"); Tags are updated in
place through ``cleanrooms-ml:TagResource`` and ``cleanrooms-ml:UntagResource``. So a dataset
whose create-only definition equals a request can be reused, its tags brought up to date.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from cleanroom_nb.request._rules import user_tags


def _normal_definition(d: Mapping[str, Any]) -> dict[str, Any]:
    """What makes two training datasets the same: role, data (columns in any order), text, tags."""
    data = []
    for item in d.get("trainingData") or []:
        item = dict(item)
        config = dict(item.get("inputConfig") or {})
        schema = config.get("schema") or []
        config["schema"] = sorted(
            (
                {"columnName": c.get("columnName"), "columnTypes": list(c.get("columnTypes") or [])}
                for c in schema
            ),
            key=lambda c: str(c["columnName"]),
        )
        item["inputConfig"] = config
        data.append(item)
    return {
        "roleArn": d.get("roleArn"),
        "trainingData": data,
        "description": d.get("description") or None,
        "tags": user_tags(d.get("tags")),
    }


def definition_differences(existing: Mapping[str, Any], request: Mapping[str, Any]) -> list[str]:
    """How the definition of ``request`` differs from an existing dataset's (empty: the same).

    Compared: ``roleArn``, ``trainingData`` (type, Glue source, columns and their types, in
    any column order), ``description`` and ``tags``.

    Examples
    --------
    >>> definition_differences({"roleArn": "a", "tags": {"x": "1"}},
    ...                        {"roleArn": "b", "tags": {"x": "1"}})
    ["roleArn: the existing dataset has 'a', this request has 'b'"]
    """
    out = create_only_differences(existing, request)
    changes = tag_changes(existing.get("tags"), request.get("tags"))
    if changes:
        a, b = _normal_definition(existing), _normal_definition(request)
        out.append(
            f"tags: the existing dataset has {_shown(a['tags'])}, this request has {_shown(b['tags'])}"
        )
    return out


def create_only_differences(existing: Mapping[str, Any], request: Mapping[str, Any]) -> list[str]:
    """How the create-only part (role, data, description) of ``request`` differs ([]: same).

    Examples
    --------
    >>> create_only_differences({"roleArn": "a", "tags": {"x": "1"}}, {"roleArn": "a"})
    []
    """
    a, b = _normal_definition(existing), _normal_definition(request)
    out = []
    for key in ("roleArn", "description"):
        if a[key] != b[key]:
            out.append(
                f"{key}: the existing dataset has {_shown(a[key])}, "
                f"this request has {_shown(b[key])}"
            )
    if a["trainingData"] != b["trainingData"]:
        out.extend(_data_differences(a["trainingData"], b["trainingData"]))
    return out


def _shown(value: Any) -> str:
    return "none" if value in (None, {}) else repr(value)


def _data_differences(a: list[Any], b: list[Any]) -> list[str]:
    if len(a) != 1 or len(b) != 1:
        return [f"trainingData: the existing dataset has {a!r}, this request has {b!r}"]
    out = []
    ia, ib = a[0], b[0]
    if ia.get("type") != ib.get("type"):
        out.append(f"trainingData type: existing {ia.get('type')!r}, request {ib.get('type')!r}")
    sa = ia["inputConfig"].get("dataSource")
    sb = ib["inputConfig"].get("dataSource")
    if sa != sb:
        out.append(f"data source: existing {sa!r}, request {sb!r}")
    ca = {c["columnName"]: c["columnTypes"] for c in ia["inputConfig"]["schema"]}
    cb = {c["columnName"]: c["columnTypes"] for c in ib["inputConfig"]["schema"]}
    if ca != cb:
        only_a = sorted(set(ca) - set(cb))
        only_b = sorted(set(cb) - set(ca))
        changed = sorted(k for k in set(ca) & set(cb) if ca[k] != cb[k])
        parts = []
        if only_a:
            parts.append(f"columns only in the existing dataset: {', '.join(only_a)}")
        if only_b:
            parts.append(f"columns only in this request: {', '.join(only_b)}")
        parts.extend(f"column {k}: existing {ca[k]}, request {cb[k]}" for k in changed)
        out.append("schema: " + "; ".join(parts))
    return out


@dataclass(frozen=True)
class TagChanges:
    """What to send to make a dataset's tags equal the wanted ones."""

    added: dict[str, str] = field(default_factory=dict)
    changed: dict[str, str] = field(default_factory=dict)
    removed: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.added or self.changed or self.removed)

    def to_tag(self) -> dict[str, str]:
        """The tags for TagResource (added and changed)."""
        return {**self.added, **self.changed}

    def __str__(self) -> str:
        parts = []
        if self.added:
            parts.append("added " + ", ".join(f"{k}={v}" for k, v in self.added.items()))
        if self.changed:
            parts.append("changed " + ", ".join(f"{k}={v}" for k, v in self.changed.items()))
        if self.removed:
            parts.append("removed " + ", ".join(self.removed))
        return "; ".join(parts) or "no change"


def tag_changes(existing: Mapping[str, str] | None, wanted: Mapping[str, str] | None) -> TagChanges:
    """The tags to add, change and remove to turn ``existing`` into ``wanted``.

    Keys starting with ``aws:`` are AWS's: never removed, whatever ``wanted`` says.

    Examples
    --------
    >>> str(tag_changes({"a": "1", "b": "2", "aws:x": "y"}, {"a": "9", "c": "3"}))
    'added c=3; changed a=9; removed b'
    """
    old, new = user_tags(existing), dict(wanted or {})
    return TagChanges(
        added={k: v for k, v in new.items() if k not in old},
        changed={k: v for k, v in new.items() if k in old and old[k] != v},
        removed=sorted(k for k in old if k not in new),
    )
