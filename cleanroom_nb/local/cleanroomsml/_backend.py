"""The emulator's state and rules: training datasets, their tags, and the audience models on them.

Only what AWS documents is enforced (RULES.md 8, 19):

* every constraint of botocore's service model (checked by the wire layer before calling here);
* a training dataset name is unique per account and region: ConflictException;
* a role of another account: AccessDeniedException ("Passing a role across AWS accounts is not
  allowed", API reference); a role the caller may not pass (told with
  :meth:`Backend.deny_pass_role`): AccessDeniedException. Nothing else about the role is
  checked at create time — the trust policy and the data are used only when an audience model
  trains;
* at most 50 tags per resource, no ``aws:`` prefix: such keys are AWS's, TagResource and
  UntagResource refuse them, and they do not count toward the 50 (API reference, ``tags`` of
  TagResource and CreateTrainingDataset: "You cannot edit or delete tag keys with this prefix
  ... Tags with only the key prefix of aws do not count against your tags per resource
  limit"); :meth:`Backend.add_aws_tags` puts them on as AWS does;
* a training dataset that audience models depend on cannot be deleted: ConflictException
  (DeleteTrainingDataset documentation). Audience models and configured audience models live in
  :mod:`._audience` (``Backend.audience``);
* ``TrainingDatasetStatus`` has one value, ACTIVE (service model and CloudFormation schema).

CreateTrainingDataset is marked ``idempotent`` in the service model, but its request has no
idempotency token and its name must be unique, so an identical repeat is answered like any
repeat of a name: ConflictException (the documented error; the library's
``if_exists="reuse"`` then finds the dataset).
"""

from __future__ import annotations

import base64
import copy
import datetime as dt
import threading
import time
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from cleanroom_nb.aws._service_role import partition
from cleanroom_nb.local.cleanroomsml import _exceptions as errors

MAX_TAGS = 50
"""The documented tag limit per resource (the service model's map allows 200)."""
ACTIVE = "ACTIVE"


def iso(t: float) -> str:
    """An ISO 8601 UTC time, as the service model asks (``timestampFormat: iso8601``)."""
    return (
        dt.datetime.fromtimestamp(t, dt.UTC)
        .isoformat(timespec="milliseconds")
        .replace("+00:00", "Z")
    )


@dataclass
class Dataset:
    """One stored training dataset."""

    arn: str
    name: str
    role_arn: str
    training_data: list[Any]
    description: str | None
    tags: dict[str, str]
    created: float
    account: str
    region: str
    seq: int
    status: str = ACTIVE

    def describe(self) -> dict[str, Any]:
        """As GetTrainingDataset answers."""
        out: dict[str, Any] = {
            "createTime": iso(self.created),
            "updateTime": iso(self.created),
            "trainingDatasetArn": self.arn,
            "name": self.name,
            "trainingData": copy.deepcopy(self.training_data),
            "status": self.status,
            "roleArn": self.role_arn,
            "tags": dict(self.tags),
        }
        if self.description is not None:
            out["description"] = self.description
        return out


def is_aws_tag(key: str) -> bool:
    """Whether a tag key is reserved for AWS (``aws:`` in any case)."""
    return key.lower().startswith("aws:")


def check_tags(tags: Mapping[str, str], *, existing: Mapping[str, str] | None = None) -> None:
    """The documented tag rules for tags a caller sets: no ``aws:`` prefix (in any case), and at
    most 50 tags of the caller's own on the resource (``existing`` ones included; AWS's own
    ``aws:`` tags do not count)."""
    reserved = sorted(k for k in tags if is_aws_tag(k))
    if reserved:
        raise errors.validation(
            f"Tag keys starting with 'aws:' are reserved for AWS use: {', '.join(reserved)}"
        )
    own = {k for k in {**dict(existing or {}), **tags} if not is_aws_tag(k)}
    if len(own) > MAX_TAGS:
        raise errors.validation(
            f"A resource can have at most {MAX_TAGS} tags; this request gives {len(own)}"
        )


def page(items: Sequence[Any], params: Mapping[str, Any], size: int) -> tuple[list[Any], Any]:
    """One page of ``items`` (each with ``.seq``) after ``nextToken``; and the next token."""
    after = 0
    if "nextToken" in params:
        try:
            after = int(base64.urlsafe_b64decode(str(params["nextToken"]).encode()).decode())
        except ValueError as exc:
            raise errors.validation("Invalid nextToken") from exc
    size = int(params.get("maxResults", size))
    rest = [i for i in items if i.seq > after]
    page = rest[:size]
    token = (
        base64.urlsafe_b64encode(str(page[-1].seq).encode()).decode() if len(rest) > size else None
    )
    return page, token


class Backend:
    """The in-memory state of one emulator; every method is thread-safe."""

    def __init__(self, default_page_size: int = 100) -> None:
        self.default_page_size = default_page_size
        self.lock = threading.RLock()
        self.datasets: dict[str, Dataset] = {}
        self.denied_roles: set[str] = set()
        self._seq = 0
        from cleanroom_nb.local.cleanroomsml._audience import AudienceModels

        self.audience = AudienceModels(self)

    def reset(self) -> None:
        """Forget every dataset, audience model and denied role."""
        with self.lock:
            self.datasets.clear()
            self.audience.reset()
            self.denied_roles.clear()

    def _next(self) -> int:
        self._seq += 1
        return self._seq

    # ------------------------------------------------------------------ knobs

    def deny_pass_role(self, role_arn: str) -> None:
        """Refuse creates with ``role_arn`` as when the caller lacks iam:PassRole on it."""
        with self.lock:
            self.denied_roles.add(role_arn)

    def add_audience_model(self, training_dataset_arn: str, name: str) -> str:
        """Store an ACTIVE audience model trained on ``training_dataset_arn``; returns its ARN."""
        return self.audience.add_audience_model(training_dataset_arn, name)

    def set_status(self, arn: str, status: str) -> None:
        """Make GetTrainingDataset report ``status`` for ``arn`` (any text, for tests)."""
        with self.lock:
            self.find(arn).status = status

    # ------------------------------------------------------------- datasets

    def find(self, arn: str) -> Dataset:
        """The dataset ``arn`` (ResourceNotFoundException when there is none)."""
        ds = self.datasets.get(arn)
        if ds is None:
            raise errors.not_found("Training dataset", arn)
        return ds

    def create(self, params: Mapping[str, Any], account: str, region: str) -> dict[str, Any]:
        """CreateTrainingDataset (the model's constraints were checked by the caller)."""
        tags = dict(params.get("tags") or {})
        check_tags(tags)
        role_arn = str(params["roleArn"])
        role_account = role_arn.split(":")[4]
        if role_account != account:
            raise errors.access_denied(
                f"Cross-account role passing is not allowed: the role {role_arn} is in account "
                f"{role_account}, the caller is in account {account}"
            )
        with self.lock:
            if role_arn in self.denied_roles:
                raise errors.access_denied(
                    f"User: arn:{partition(region)}:sts::{account}:assumed-role/caller is not "
                    f"authorized to perform: iam:PassRole on resource: {role_arn}"
                )
            name = str(params["name"])
            for other in self.datasets.values():
                if (other.name, other.account, other.region) == (name, account, region):
                    raise errors.conflict(f"A training dataset named {name!r} already exists")
            arn = (
                f"arn:{partition(region)}:cleanrooms-ml:{region}:{account}:"
                f"training-dataset/{uuid.uuid4()}"
            )
            self.datasets[arn] = Dataset(
                arn=arn,
                name=name,
                role_arn=role_arn,
                training_data=copy.deepcopy(params["trainingData"]),
                description=params.get("description"),
                tags=tags,
                created=time.time(),
                account=account,
                region=region,
                seq=self._next(),
            )
        return {"trainingDatasetArn": arn}

    def get(self, arn: str) -> dict[str, Any]:
        """GetTrainingDataset."""
        with self.lock:
            return self.find(arn).describe()

    def list(self, params: Mapping[str, Any], account: str, region: str) -> dict[str, Any]:
        """ListTrainingDatasets: this account and region, oldest first, in pages."""
        keys = ("createTime", "updateTime", "trainingDatasetArn", "name", "status", "description")
        with self.lock:
            mine = sorted(
                (d for d in self.datasets.values() if (d.account, d.region) == (account, region)),
                key=lambda d: d.seq,
            )
            found, token = page(mine, params, self.default_page_size)
            items = [{k: v for k, v in d.describe().items() if k in keys} for d in found]
        out: dict[str, Any] = {"trainingDatasets": items}
        if token is not None:
            out["nextToken"] = token
        return out

    def delete(self, arn: str) -> dict[str, Any]:
        """DeleteTrainingDataset; refused while audience models depend on the dataset."""
        with self.lock:
            ds = self.find(arn)
            users = self.audience.users_of_dataset(arn)
            if users:
                raise errors.conflict(
                    "You can't complete this action because another resource depends on this "
                    f"resource: audience model(s) {', '.join(users)} use training dataset {arn}"
                )
            del self.datasets[ds.arn]
        return {}

    # ------------------------------------------------------------------ tags

    def _tagged(self, arn: str) -> Any:
        found = self.datasets.get(arn) or self.audience.tagged(arn)
        if found is None:
            raise errors.not_found("Resource", arn)
        return found

    def tag(self, arn: str, tags: Mapping[str, str]) -> dict[str, Any]:
        """TagResource: add or replace tags (never ``aws:`` ones)."""
        with self.lock:
            res = self._tagged(arn)
            check_tags(tags, existing=res.tags)
            res.tags = {**res.tags, **tags}
        return {}

    def untag(self, arn: str, keys: Sequence[str]) -> dict[str, Any]:
        """UntagResource: remove tags by key (unknown keys are ignored, ``aws:`` ones refused)."""
        reserved = sorted(k for k in keys if is_aws_tag(k))
        if reserved:
            raise errors.validation(
                "You cannot edit or delete tag keys with the prefix 'aws:': " + ", ".join(reserved)
            )
        with self.lock:
            res = self._tagged(arn)
            for key in keys:
                res.tags.pop(key, None)
        return {}

    def add_aws_tags(self, arn: str, tags: Mapping[str, str]) -> None:
        """Put ``aws:`` tags on a resource, as AWS itself does (CloudFormation, for one)."""
        wrong = sorted(k for k in tags if not is_aws_tag(k))
        if wrong:
            raise ValueError(f"only keys starting with 'aws:' are AWS's; not {', '.join(wrong)}")
        with self.lock:
            res = self._tagged(arn)
            res.tags = {**res.tags, **tags}

    def tags_of(self, arn: str) -> dict[str, Any]:
        """ListTagsForResource."""
        with self.lock:
            return {"tags": dict(self._tagged(arn).tags)}

    # -------------------------------------------------------- audience models

    def delete_audience_model(self, arn: str) -> dict[str, Any]:
        """DeleteAudienceModel (see :mod:`._audience`)."""
        return self.audience.delete_model(arn)
