"""Audience models and configured audience models in the emulator: state, rules and timing.

Only what AWS documents is enforced (citations in ``tests/local/test_emulator_audience.py``):

* every constraint of botocore's service model (checked by the wire layer before calling here);
* CreateAudienceModel of a training dataset that does not exist, and CreateConfiguredAudience
  Model / UpdateConfiguredAudienceModel of an audience model that does not exist: the documented
  ``ResourceNotFoundException`` ("The resource you are requesting does not exist");
* an audience model trains: ``AudienceModelStatus`` (service model) goes CREATE_PENDING →
  CREATE_IN_PROGRESS → ACTIVE, or CREATE_FAILED with ``statusDetails``. The time it takes is
  :attr:`AudienceModels.training_seconds` (0: ACTIVE at once; the user guide says "several hours
  to 2 days"); :meth:`AudienceModels.fail_next_training` makes the next training fail;
* "You can't delete an audience model if there are any configured audience models that depend
  on the audience model" (DeleteAudienceModel): ConflictException; the training dataset's own
  rule (DeleteTrainingDataset) counts these audience models;
* ``minMatchingSeedSize``: "The default value is 500" (CreateConfiguredAudienceModel);
* ``ConfiguredAudienceModelStatus`` has one value, ACTIVE;
* ``iam:PassRole`` on the output role (Service Authorization Reference, CreateConfiguredAudience
  Model and UpdateConfiguredAudienceModel): refused for roles told with ``deny_pass_role``;
* the training dataset's tag rules, in one place (:func:`._backend.check_tags`, and
  ``Backend.tag`` / ``untag`` for TagResource and UntagResource on every resource): at most 50
  tags of the caller's own, ``aws:`` keys neither set nor removed by callers and not counted (the
  operations' ``tags`` documentation).

Names are not made unique: the documents ask it of training datasets ("This name must be unique
in your account and region") but not of audience models or configured audience models. Deletion
removes a resource at once.
"""

from __future__ import annotations

import copy
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

from cleanroom_nb.aws._service_role import partition
from cleanroom_nb.local.cleanroomsml import _exceptions as errors
from cleanroom_nb.local.cleanroomsml._backend import check_tags, iso, page

if TYPE_CHECKING:
    from cleanroom_nb.local.cleanroomsml._backend import Backend

ACTIVE = "ACTIVE"
DEFAULT_MIN_MATCHING_SEED_SIZE = 500
"""CreateConfiguredAudienceModel, ``minMatchingSeedSize``: "The default value is 500"."""
PENDING_SHARE = 0.25
"""The share of the training time an audience model spends in CREATE_PENDING."""


def _iso_time(value: Any) -> str:
    """A timestamp as the wire carries it (ISO 8601 or epoch seconds), in the answer's form."""
    if isinstance(value, int | float):
        return iso(float(value))
    return iso(pd.Timestamp(value).timestamp())


@dataclass
class AudienceModel:
    """One audience model: what CreateAudienceModel was given, and its training's timing."""

    arn: str
    name: str
    training_dataset_arn: str
    account: str
    region: str
    seq: int
    created: float
    training_seconds: float
    failure: dict[str, str] | None = None
    params: dict[str, Any] = field(default_factory=dict)
    tags: dict[str, str] = field(default_factory=dict)

    def status(self, now: float) -> tuple[str, float]:
        """The status at ``now`` and when it began (epoch seconds)."""
        pending_until = self.created + self.training_seconds * PENDING_SHARE
        done_at = self.created + self.training_seconds
        if now < pending_until:
            return "CREATE_PENDING", self.created
        if now < done_at:
            return "CREATE_IN_PROGRESS", pending_until
        return ("CREATE_FAILED" if self.failure else ACTIVE), done_at

    def summary(self, now: float) -> dict[str, Any]:
        """As ListAudienceModels answers (AudienceModelSummary)."""
        status, since = self.status(now)
        out = {
            "createTime": iso(self.created),
            "updateTime": iso(since),
            "audienceModelArn": self.arn,
            "name": self.name,
            "trainingDatasetArn": self.training_dataset_arn,
            "status": status,
        }
        if self.params.get("description") is not None:
            out["description"] = self.params["description"]
        return out

    def describe(self, now: float) -> dict[str, Any]:
        """As GetAudienceModel answers."""
        out = self.summary(now)
        for member in ("trainingDataStartTime", "trainingDataEndTime"):
            if self.params.get(member) is not None:
                out[member] = _iso_time(self.params[member])
        if self.params.get("kmsKeyArn") is not None:
            out["kmsKeyArn"] = self.params["kmsKeyArn"]
        if out["status"] == "CREATE_FAILED" and self.failure:
            out["statusDetails"] = dict(self.failure)
        out["tags"] = dict(self.tags)
        return out


CONFIGURED_MEMBERS = (
    "audienceModelArn",
    "outputConfig",
    "description",
    "sharedAudienceMetrics",
    "minMatchingSeedSize",
    "audienceSizeConfig",
    "childResourceTagOnCreatePolicy",
)
"""The members of a configured audience model the service keeps and answers."""
UPDATABLE_MEMBERS = (
    "outputConfig",
    "audienceModelArn",
    "sharedAudienceMetrics",
    "minMatchingSeedSize",
    "audienceSizeConfig",
    "description",
)
"""The members UpdateConfiguredAudienceModel takes (its input, besides the ARN)."""


@dataclass
class ConfiguredAudienceModel:
    """One configured audience model (its only status is ACTIVE)."""

    arn: str
    name: str
    account: str
    region: str
    seq: int
    created: float
    updated: float
    values: dict[str, Any]
    tags: dict[str, str] = field(default_factory=dict)

    def summary(self) -> dict[str, Any]:
        """As ListConfiguredAudienceModels answers (ConfiguredAudienceModelSummary)."""
        out = {
            "createTime": iso(self.created),
            "updateTime": iso(self.updated),
            "name": self.name,
            "audienceModelArn": self.values["audienceModelArn"],
            "outputConfig": copy.deepcopy(self.values["outputConfig"]),
            "configuredAudienceModelArn": self.arn,
            "status": ACTIVE,
        }
        if self.values.get("description") is not None:
            out["description"] = self.values["description"]
        return out

    def describe(self) -> dict[str, Any]:
        """As GetConfiguredAudienceModel answers."""
        out = self.summary()
        for member in CONFIGURED_MEMBERS:
            if self.values.get(member) is not None:
                out[member] = copy.deepcopy(self.values[member])
        out["tags"] = dict(self.tags)
        return out


class AudienceModels:
    """The audience models and configured audience models of one emulator (thread-safe)."""

    def __init__(self, backend: Backend) -> None:
        self.backend = backend
        self.models: dict[str, AudienceModel] = {}
        self.configured: dict[str, ConfiguredAudienceModel] = {}
        self.training_seconds = 0.0
        self._failures: list[dict[str, str]] = []
        self._seq = 0
        self._lock = threading.RLock()
        self.clock: Callable[[], float] = time.time

    # ------------------------------------------------------------------ knobs

    def reset(self) -> None:
        """Forget every model, configured model and planned failure; training is immediate and
        the clock is the wall clock again (a test's stepped clock does not outlive the test)."""
        with self._lock:
            self.models.clear()
            self.configured.clear()
            self._failures.clear()
            self.training_seconds = 0.0
            self.clock = time.time

    def fail_next_training(self, message: str, status_code: str | None = None) -> None:
        """The next audience model created ends in CREATE_FAILED with this ``statusDetails``."""
        details = {"message": message}
        if status_code is not None:
            details["statusCode"] = status_code
        with self._lock:
            self._failures.append(details)

    def add_audience_model(self, training_dataset_arn: str, name: str) -> str:
        """Store an ACTIVE audience model of ``training_dataset_arn`` (no training); its ARN."""
        ds = self.backend.find(training_dataset_arn)
        params = {"name": name, "trainingDatasetArn": ds.arn}
        with self._lock:
            return self._new_model(params, ds.account, ds.region, training_seconds=0.0, fail=None)

    def users_of_dataset(self, training_dataset_arn: str) -> list[str]:
        """The names of the audience models trained on a training dataset."""
        with self._lock:
            return [
                m.name
                for m in self.models.values()
                if m.training_dataset_arn == training_dataset_arn
            ]

    def tagged(self, arn: str) -> AudienceModel | ConfiguredAudienceModel | None:
        """The audience model or configured audience model ``arn`` (None: neither)."""
        with self._lock:
            return self.models.get(arn) or self.configured.get(arn)

    # --------------------------------------------------------- audience models

    def _arn(self, kind: str, account: str, region: str) -> str:
        return f"arn:{partition(region)}:cleanrooms-ml:{region}:{account}:{kind}/{uuid.uuid4()}"

    def _new_model(
        self,
        params: Mapping[str, Any],
        account: str,
        region: str,
        *,
        training_seconds: float,
        fail: dict[str, str] | None,
    ) -> str:
        self._seq += 1
        arn = self._arn("audience-model", account, region)
        self.models[arn] = AudienceModel(
            arn=arn,
            name=str(params["name"]),
            training_dataset_arn=str(params["trainingDatasetArn"]),
            account=account,
            region=region,
            seq=self._seq,
            created=self.clock(),
            training_seconds=training_seconds,
            failure=fail,
            params={k: v for k, v in params.items() if k != "tags"},
            tags=dict(params.get("tags") or {}),
        )
        return arn

    def _model(self, arn: str) -> AudienceModel:
        found = self.models.get(arn)
        if found is None:
            raise errors.not_found("Audience model", arn)
        return found

    def create_model(self, params: Mapping[str, Any], account: str, region: str) -> dict[str, Any]:
        """CreateAudienceModel: the training dataset must exist; training starts now."""
        check_tags(dict(params.get("tags") or {}))
        self.backend.find(str(params["trainingDatasetArn"]))  # ResourceNotFoundException
        with self._lock:
            fail = self._failures.pop(0) if self._failures else None
            arn = self._new_model(
                params, account, region, training_seconds=self.training_seconds, fail=fail
            )
        return {"audienceModelArn": arn}

    def get_model(self, arn: str) -> dict[str, Any]:
        """GetAudienceModel."""
        with self._lock:
            return self._model(arn).describe(self.clock())

    def list_models(self, params: Mapping[str, Any], account: str, region: str) -> dict[str, Any]:
        """ListAudienceModels: this account and region, oldest first, in pages."""
        with self._lock:
            now = self.clock()
            mine = [m for m in self.models.values() if (m.account, m.region) == (account, region)]
            items, token = page(mine, params, self.backend.default_page_size)
            out: dict[str, Any] = {"audienceModels": [m.summary(now) for m in items]}
        if token is not None:
            out["nextToken"] = token
        return out

    def delete_model(self, arn: str) -> dict[str, Any]:
        """DeleteAudienceModel; refused while configured audience models depend on it."""
        with self._lock:
            self._model(arn)
            users = [
                c.name for c in self.configured.values() if c.values["audienceModelArn"] == arn
            ]
            if users:
                raise errors.conflict(
                    "You can't complete this action because another resource depends on this "
                    f"resource: configured audience model(s) {', '.join(users)} use audience "
                    f"model {arn}"
                )
            del self.models[arn]
        return {}

    # ----------------------------------------------- configured audience models

    def _pass_role(self, params: Mapping[str, Any], account: str, region: str) -> None:
        role = str((params.get("outputConfig") or {}).get("roleArn", ""))
        if role and role in self.backend.denied_roles:
            raise errors.access_denied(
                f"User: arn:{partition(region)}:sts::{account}:assumed-role/caller is not "
                f"authorized to perform: iam:PassRole on resource: {role}"
            )

    def _configured(self, arn: str) -> ConfiguredAudienceModel:
        found = self.configured.get(arn)
        if found is None:
            raise errors.not_found("Configured audience model", arn)
        return found

    def create_configured(
        self, params: Mapping[str, Any], account: str, region: str
    ) -> dict[str, Any]:
        """CreateConfiguredAudienceModel: the audience model must exist; the role be passable."""
        check_tags(dict(params.get("tags") or {}))
        with self._lock:
            self._model(str(params["audienceModelArn"]))
            self._pass_role(params, account, region)
            self._seq += 1
            arn = self._arn("configured-audience-model", account, region)
            values = {m: copy.deepcopy(params[m]) for m in CONFIGURED_MEMBERS if m in params}
            values.setdefault("minMatchingSeedSize", DEFAULT_MIN_MATCHING_SEED_SIZE)
            now = self.clock()
            self.configured[arn] = ConfiguredAudienceModel(
                arn, str(params["name"]), account, region, self._seq, now, now, values,
                dict(params.get("tags") or {}),
            )  # fmt: skip
        return {"configuredAudienceModelArn": arn}

    def get_configured(self, arn: str) -> dict[str, Any]:
        """GetConfiguredAudienceModel."""
        with self._lock:
            return self._configured(arn).describe()

    def list_configured(
        self, params: Mapping[str, Any], account: str, region: str
    ) -> dict[str, Any]:
        """ListConfiguredAudienceModels: this account and region, oldest first, in pages."""
        with self._lock:
            mine = [
                c for c in self.configured.values() if (c.account, c.region) == (account, region)
            ]
            items, token = page(mine, params, self.backend.default_page_size)
            out: dict[str, Any] = {"configuredAudienceModels": [c.summary() for c in items]}
        if token is not None:
            out["nextToken"] = token
        return out

    def update_configured(
        self, params: Mapping[str, Any], account: str, region: str
    ) -> dict[str, Any]:
        """UpdateConfiguredAudienceModel: replaces the members given."""
        arn = str(params["configuredAudienceModelArn"])
        with self._lock:
            found = self._configured(arn)
            if "audienceModelArn" in params:
                self._model(str(params["audienceModelArn"]))
            self._pass_role(params, account, region)
            for member in UPDATABLE_MEMBERS:
                if member in params:
                    found.values[member] = copy.deepcopy(params[member])
            found.updated = self.clock()
        return {"configuredAudienceModelArn": arn}

    def delete_configured(self, arn: str) -> dict[str, Any]:
        """DeleteConfiguredAudienceModel."""
        with self._lock:
            self._configured(arn)
            del self.configured[arn]
        return {}


Handler = Callable[["Backend", dict[str, Any], str, str], dict[str, Any]]

HANDLERS: dict[str, Handler] = {
    "CreateAudienceModel": lambda b, p, a, r: b.audience.create_model(p, a, r),
    "GetAudienceModel": lambda b, p, a, r: b.audience.get_model(p["audienceModelArn"]),
    "ListAudienceModels": lambda b, p, a, r: b.audience.list_models(p, a, r),
    "DeleteAudienceModel": lambda b, p, a, r: b.audience.delete_model(p["audienceModelArn"]),
    "CreateConfiguredAudienceModel": lambda b, p, a, r: b.audience.create_configured(p, a, r),
    "GetConfiguredAudienceModel": lambda b, p, a, r: b.audience.get_configured(
        p["configuredAudienceModelArn"]
    ),
    "ListConfiguredAudienceModels": lambda b, p, a, r: b.audience.list_configured(p, a, r),
    "UpdateConfiguredAudienceModel": lambda b, p, a, r: b.audience.update_configured(p, a, r),
    "DeleteConfiguredAudienceModel": lambda b, p, a, r: b.audience.delete_configured(
        p["configuredAudienceModelArn"]
    ),
}
"""The audience-model operations the emulator implements (added to the wire's handlers)."""
