"""pytest fixtures for your own tests: a local Clean Rooms ML emulator (and moto) per test.

Use them from your ``conftest.py``::

    pytest_plugins = ["cleanroom_nb.testing"]

then ask for ``cleanrooms`` in a test. It yields a running
:class:`~cleanroom_nb.CleanRoomsMLEmulator` (one per test session, emptied before each test)
and points ``AWS_ENDPOINT_URL_CLEANROOMSML`` at it for the duration of the test. Combine it
with moto (``AWS_ENDPOINT_URL``) for Glue, S3, IAM and STS, or use
:func:`cleanroom_nb.local_aws`, which starts both.

Examples
--------
A test using the fixture::

    def test_submit(cleanrooms):
        arn = crn.create_training_dataset(request)
        assert arn in cleanrooms.datasets
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from cleanroom_nb.local.cleanroomsml import ENDPOINT_ENV, CleanRoomsMLEmulator


@pytest.fixture(scope="session")
def cleanrooms_emulator() -> Iterator[CleanRoomsMLEmulator]:
    """A Clean Rooms ML emulator on 127.0.0.1, started once per test session."""
    with CleanRoomsMLEmulator() as emu:
        yield emu


@pytest.fixture
def cleanrooms(
    cleanrooms_emulator: CleanRoomsMLEmulator, monkeypatch: pytest.MonkeyPatch
) -> Iterator[CleanRoomsMLEmulator]:
    """The session's emulator, emptied, with ``AWS_ENDPOINT_URL_CLEANROOMSML`` pointing at it."""
    cleanrooms_emulator.reset()
    monkeypatch.setenv(ENDPOINT_ENV, cleanrooms_emulator.url)
    yield cleanrooms_emulator
    cleanrooms_emulator.reset()
