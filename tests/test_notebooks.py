"""Every numbered notebook runs top to bottom in a real Jupyter kernel on the local emulation."""

from __future__ import annotations

import json
import os
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
# 03_form.ipynb is executed by the form's own tests (tests/test_form_notebook.py).
PROSE_NOTEBOOKS = [
    "01_from_dataframe.ipynb",
    "02_from_glue_table.ipynb",
    "04_service_role.ipynb",
    "05_audience_model.ipynb",
]


@pytest.mark.notebook
@pytest.mark.parametrize("name", PROSE_NOTEBOOKS)
def test_notebook_runs_in_a_real_kernel(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    # The notebook starts its own local emulation when no endpoint is set: clear ours.
    for var in ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_CLEANROOMSML"):
        monkeypatch.delenv(var, raising=False)
    client = NotebookClient(nb, kernel_name="python3", timeout=300, allow_errors=False)
    client.execute(cwd=str(NOTEBOOKS))
    errors = [
        o
        for cell in nb.cells
        if cell.cell_type == "code"
        for o in cell.get("outputs", [])
        if o.get("output_type") == "error"
    ]
    assert not errors


@pytest.mark.parametrize("path", sorted(NOTEBOOKS.glob("*.ipynb")), ids=lambda p: p.name)
def test_notebooks_are_committed_without_outputs(path: Path) -> None:
    nb = json.loads(path.read_text())
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            assert cell.get("outputs") == [], f"{path.name}: strip outputs before committing"
            assert cell.get("execution_count") is None


def test_notebooks_explain_in_prose() -> None:
    for path in sorted(NOTEBOOKS.glob("0*.ipynb")):
        nb = json.loads(path.read_text())
        prose = sum(len("".join(c["source"])) for c in nb["cells"] if c["cell_type"] == "markdown")
        assert prose > 300, f"{path.name} needs prose explaining what the user does and why"


def test_no_credentials_needed() -> None:
    assert os.environ["AWS_ACCESS_KEY_ID"] == "testing"
