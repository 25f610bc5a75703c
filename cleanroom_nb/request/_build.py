"""Build the ``create_training_dataset`` request from a schema and a Glue table (nothing checked).

:func:`build_request` turns a :class:`~cleanroom_nb.TrainingSchema` (or an API ``schema``
list) into exactly the keyword arguments of ``client.create_training_dataset(**request)``;
:func:`cleanroom_nb.validate_request` checks them.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from typing import Any

from cleanroom_nb.aws import _service_model
from cleanroom_nb.infer._schema import TrainingSchema


class TrainingDatasetRequest(dict[str, Any]):
    """The keyword arguments of ``create_training_dataset``, plus what they were built from.

    It *is* the plain ``dict`` to send (``client.create_training_dataset(**request)`` passes
    exactly its items); the attributes are kept beside it and never sent:

    Attributes
    ----------
    glue_types
        API column name to the Glue type the schema gave it (used by :func:`validate_request`
        to check types per role when no session is given).
    schema
        The :class:`TrainingSchema` the request was built from, or None.

    Examples
    --------
    >>> r = TrainingDatasetRequest({"name": "n"}, glue_types={"user_id": "string"})
    >>> r == {"name": "n"}, r.glue_types
    (True, {'user_id': 'string'})
    """

    def __init__(
        self,
        kwargs: Mapping[str, Any] = (),  # type: ignore[assignment]
        *,
        glue_types: Mapping[str, str] | None = None,
        schema: TrainingSchema | None = None,
    ) -> None:
        super().__init__(kwargs)
        self.glue_types: dict[str, str] = dict(glue_types or {})
        self.schema = schema

    def __deepcopy__(self, memo: dict[int, Any]) -> TrainingDatasetRequest:
        return TrainingDatasetRequest(
            copy.deepcopy(dict(self), memo), glue_types=self.glue_types, schema=self.schema
        )

    def to_dict(self) -> dict[str, Any]:
        """A plain deep copy of the keyword arguments."""
        return copy.deepcopy(dict(self))


def build_request(
    *,
    name: str,
    role_arn: str,
    database: str,
    table: str,
    schema: TrainingSchema | Sequence[Mapping[str, Any]],
    description: str | None = None,
    tags: Mapping[str, str] | None = None,
    catalog_id: str | None = None,
) -> TrainingDatasetRequest:
    """The keyword arguments of ``cleanroomsml.create_training_dataset`` for one Glue table.

    Nothing is checked here (see :func:`validate_request`); optional members that are None
    are left out, as boto3 expects.

    Parameters
    ----------
    name
        The training dataset's name (1-63 characters, unique per account and region).
    role_arn
        The service role Clean Rooms ML assumes to read the table.
    database, table
        The Glue database and table holding the data.
    schema
        A :class:`TrainingSchema` (its :meth:`~TrainingSchema.to_api` is used, and the Glue
        types are kept for validation) or an API list of
        ``{"columnName": ..., "columnTypes": [role]}``.
    description, tags, catalog_id
        Optional; ``catalog_id`` is the 12-digit account of the Glue catalog when it is not
        the caller's (by default the catalog the schema was read from, if it named one).

    Returns
    -------
    TrainingDatasetRequest
        A ``dict`` to pass as ``client.create_training_dataset(**request)``.

    Examples
    --------
    >>> req = build_request(
    ...     name="shoppers", role_arn="arn:aws:iam::123456789012:role/cleanrooms-ml-reader",
    ...     database="sales", table="interactions",
    ...     schema=[{"columnName": "user_id", "columnTypes": ["USER_ID"]}],
    ...     tags={"team": "growth"})
    >>> sorted(req)
    ['name', 'roleArn', 'tags', 'trainingData']
    >>> req["trainingData"][0]["inputConfig"]["dataSource"]
    {'glueDataSource': {'tableName': 'interactions', 'databaseName': 'sales'}}
    """
    glue_types: dict[str, str] = {}
    source_schema: TrainingSchema | None = None
    api_schema: Any
    if isinstance(schema, TrainingSchema):
        source_schema = schema
        source_catalog = getattr(schema.source, "catalog_id", None)
        if catalog_id is None and isinstance(source_catalog, str):
            catalog_id = source_catalog  # the schema was read from another account's catalog
        api_schema = schema.to_api()
        glue_types = {schema.api_name(c): c.glue_type for c in schema.columns if c.role}
    elif isinstance(schema, list | tuple):
        api_schema = [dict(c) if isinstance(c, Mapping) else c for c in schema]
        for c in api_schema:
            if isinstance(c, dict) and isinstance(c.get("columnTypes"), list | tuple):
                c["columnTypes"] = list(c["columnTypes"])
    else:
        api_schema = schema  # validate_request reports the wrong type
    glue: dict[str, Any] = {"tableName": table, "databaseName": database}
    if catalog_id is not None:
        glue["catalogId"] = catalog_id
    kwargs: dict[str, Any] = {
        "name": name,
        "roleArn": role_arn,
        "trainingData": [
            {
                "type": _service_model.metadata("trainingData.type")["enum"][0],
                "inputConfig": {"schema": api_schema, "dataSource": {"glueDataSource": glue}},
            }
        ],
    }
    if tags is not None:
        kwargs["tags"] = dict(tags)
    if description is not None:
        kwargs["description"] = description
    return TrainingDatasetRequest(kwargs, glue_types=glue_types, schema=source_schema)
