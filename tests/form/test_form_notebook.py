"""notebooks/03_form.ipynb executed by a real Jupyter kernel against moto and the emulator."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import boto3
import nbformat
import pytest
from form_helpers import DATABASE, ROLE_ARN, TABLE, make_glue_table, make_roles
from nbclient import NotebookClient

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "03_form.ipynb"

DRIVE = f"""
form.database.value = {DATABASE!r}
form.table.value = {TABLE!r}
roles = {{"user_id": "USER_ID", "item_id": "ITEM_ID", "event_time": "TIMESTAMP",
         "email": "leave out", "device": "leave out"}}
for column, role in roles.items():
    form.role_dropdowns[column].value = role
form.name.value = "notebook-dataset"
form.role_arn.value = {ROLE_ARN!r}
if not form.acknowledge.disabled:
    form.acknowledge.value = True
form.submit.click()
import json
print(json.dumps({{"arn": form.state.submit.result_arn, "error": form.state.error_message,
                  "blockers": form.state.submit.blockers}}))
"""


@pytest.mark.notebook
def test_form_notebook_runs_in_a_kernel_and_submits(
    boto3_session: boto3.Session, cleanrooms: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_glue_table(boto3_session)
    make_roles(boto3_session)
    monkeypatch.delenv("CLEANROOM_NB_DATABASE", raising=False)
    monkeypatch.delenv("CLEANROOM_NB_TABLE", raising=False)
    nb = nbformat.read(NOTEBOOK, as_version=4)
    n_cells = len(nb.cells)
    nb.cells.append(nbformat.v4.new_code_cell(DRIVE))
    # the kernel inherits this process's environment: moto and the emulator's endpoints
    NotebookClient(
        nb,
        kernel_name="python3",
        timeout=120,
        resources={"metadata": {"path": str(NOTEBOOK.parent)}},
    ).execute()

    form_outputs = [o for c in nb.cells[:n_cells] if c.cell_type == "code" for o in c.outputs]
    assert any(o.get("output_type") == "error" for o in form_outputs) is False
    views = [
        o for o in form_outputs if "application/vnd.jupyter.widget-view+json" in o.get("data", {})
    ]
    assert len(views) == 1, form_outputs  # the cell's last line displays the form
    notes = [
        o["data"]["text/markdown"] for o in form_outputs if "text/markdown" in o.get("data", {})
    ]
    assert notes == [
        f"Talking to the local AWS emulation at `{os.environ['AWS_ENDPOINT_URL']}` "
        "(no real AWS account is used)."
    ]
    text = "".join(o.get("text", "") for o in nb.cells[-1].outputs if o.output_type == "stream")
    result = json.loads(text.strip().splitlines()[-1])
    assert result["error"] == "" and result["blockers"] == [], result
    assert result["arn"] in cleanrooms.datasets
    sent = cleanrooms.datasets[result["arn"]]
    assert sent["name"] == "notebook-dataset"
    columns = {c["columnName"] for c in sent["trainingData"][0]["inputConfig"]["schema"]}
    assert "device" not in columns and "email" not in columns


@pytest.mark.notebook
@pytest.mark.parametrize(
    ("env", "says"),
    [
        ({"CLEANROOM_NB_DEMO": "1", "AWS_ENDPOINT_URL": "http://127.0.0.1:1"}, "already running"),
        ({}, "python -m cleanroom_nb local"),
    ],
)
def test_the_intro_says_the_right_thing_in_each_context(
    env: dict[str, str], says: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 13, item 7: inside the demo the emulation runs already; elsewhere, how to start it."""
    for name in ("CLEANROOM_NB_DEMO", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    nb = nbformat.read(NOTEBOOK, as_version=4)
    note_cell = next(c for c in nb.cells if c.cell_type == "code" and "Markdown(note)" in c.source)
    nb.cells = [note_cell]
    NotebookClient(nb, kernel_name="python3", timeout=60).execute()
    shown = [o["data"]["text/markdown"] for o in nb.cells[0].outputs if "data" in o]
    assert len(shown) == 1 and says in shown[0], shown
