"""The emulator's knobs for audience models: training time, a failing training, snapshots."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cleanroom_nb.local.cleanroomsml._backend import Backend


class AudienceKnobs:
    """Mixed into :class:`~cleanroom_nb.CleanRoomsMLEmulator` (which holds ``backend``)."""

    backend: Backend

    @property
    def training_seconds(self) -> float:
        """How long a new audience model trains: CREATE_PENDING for the first quarter, then
        CREATE_IN_PROGRESS, then ACTIVE (or CREATE_FAILED). 0 (the default, and after
        :meth:`reset`) makes it ACTIVE at once; the demo uses a few seconds.

        Examples
        --------
        >>> from cleanroom_nb.local.cleanroomsml import CleanRoomsMLEmulator
        >>> emu = CleanRoomsMLEmulator()
        >>> emu.training_seconds = 3.0
        """
        return self.backend.audience.training_seconds

    @training_seconds.setter
    def training_seconds(self, value: float) -> None:
        if value < 0:
            raise ValueError("training_seconds must be 0 or more")
        self.backend.audience.training_seconds = float(value)

    def fail_next_training(self, message: str, *, status_code: str | None = None) -> None:
        """Make the next audience model's training end in CREATE_FAILED, with ``statusDetails``
        ``{"statusCode": status_code, "message": message}`` (as GetAudienceModel answers)."""
        self.backend.audience.fail_next_training(message, status_code)

    def add_audience_model(self, training_dataset_arn: str, name: str = "audience-model") -> str:
        """Store an ACTIVE audience model trained on a dataset, as CreateAudienceModel would
        after training; returns its ARN.

        While it exists, DeleteTrainingDataset of that dataset answers ConflictException, as the
        service model documents. It is listed, described and deleted like any audience model.
        """
        return self.backend.audience.add_audience_model(training_dataset_arn, name)

    @property
    def audience_models(self) -> dict[str, dict[str, Any]]:
        """A snapshot of the audience models, by ARN, as GetAudienceModel describes them now."""
        audience = self.backend.audience
        return {arn: audience.get_model(arn) for arn in list(audience.models)}

    @property
    def configured_audience_models(self) -> dict[str, dict[str, Any]]:
        """A snapshot of the configured audience models, by ARN, as GetConfiguredAudienceModel
        describes them."""
        audience = self.backend.audience
        return {arn: audience.get_configured(arn) for arn in list(audience.configured)}
