"""The versions installed are ones pyproject accepts; in CI's floor venv, exactly its floors.

``.ci/run`` builds a second venv with ``uv pip install --resolution lowest-direct`` and sets
``CLEANROOM_NB_FLOOR=1`` there: this test then proves the venv really holds the lowest version
of every runtime dependency (boto3 1.34.0 *and* botocore 1.34.0, pandas 2.2.0, ...), so the
suites that run in it test the declared floors and not something newer.
"""

from __future__ import annotations

import importlib.metadata as md
import os

import pytest
from packaging.requirements import Requirement
from packaging.version import Version


def _runtime_requirements() -> list[Requirement]:
    reqs = [Requirement(r) for r in md.requires("cleanroom_nb") or []]
    return [r for r in reqs if r.marker is None]


def test_every_runtime_dependency_has_a_floor_and_is_within_it() -> None:
    reqs = _runtime_requirements()
    assert {r.name for r in reqs} >= {"boto3", "botocore", "pandas", "pyarrow", "awswrangler"}
    for req in reqs:
        floors = [s.version for s in req.specifier if s.operator == ">="]
        assert floors, f"{req} declares no floor"
        installed = md.version(req.name)
        assert req.specifier.contains(installed, prereleases=True), (req, installed)


def _release(version: str) -> tuple[int, ...]:
    parts = list(Version(version).release)
    return tuple(parts + [0] * (3 - len(parts)))  # a floor written "2.2" is release 2.2.0


@pytest.mark.skipif(os.environ.get("CLEANROOM_NB_FLOOR") != "1", reason="CI's floor venv only")
def test_the_floor_venv_holds_the_floors() -> None:
    held = {}
    for req in _runtime_requirements():
        (floor,) = [s.version for s in req.specifier if s.operator == ">="]
        held[req.name] = (md.version(req.name), floor)
    print(held)
    wrong = {n: vf for n, vf in held.items() if _release(vf[0]) != _release(vf[1])}
    assert not wrong, f"not at their floors (installed, floor): {wrong}"
