"""The form in JupyterLab, where most users meet it (issue 13, item 11): JupyterLab serves a copy
of notebooks/03_form.ipynb (plus one cell with a DataFrame form), Debian's chromium opens it,
runs the cells and uses both forms; the kernel talks to moto, the local Athena and the Clean
Rooms ML emulator. Screenshots: ``artifacts/screenshots/lab_*.png``.
"""

from __future__ import annotations

import re
import secrets
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import nbformat
import pytest
from browser_helpers import (
    NOTEBOOK,
    SHOTS,
    TIMEOUT_MS,
    first_day,
    free_port,
    kernel_env,
    local_page,
    scaled_minimums_env,
    stop,
    train_audience_model,
    wait_submit_ready,
)
from form_helpers import DATABASE, TABLE, interactions_frame, make_glue_table, make_roles

from cleanroom_nb.__main__ import wait_until_answering

pytestmark = pytest.mark.browser

FRAME_CELL = """import numpy as np
import pandas as pd

rng = np.random.default_rng(0)
times = 1_700_000_000 + np.sort(rng.integers(0, 2_592_000, 400))
frame = pd.DataFrame(
    {
        "user_id": [f"user{u}" for u in rng.integers(0, 60, 400)],
        "item_id": rng.integers(1000, 1200, 400).astype(float),
        "event_time": pd.to_datetime(times, unit="s").strftime("%m/%d/%Y %H:%M"),
    }
)
frame.loc[3, "item_id"] = np.nan  # float ids with a gap, times as text: two fixes
crn.TrainingDatasetForm(frame)"""


@pytest.fixture
def lab(
    boto3_session: boto3.Session, cleanrooms: Any, local_athena: Any, tmp_path: Path
) -> Iterator[str]:
    """JupyterLab on 127.0.0.1 serving a copy of the form notebook; yields the notebook's URL."""
    make_glue_table(boto3_session)
    make_roles(boto3_session)
    root = tmp_path / "lab"
    root.mkdir()
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(FRAME_CELL))
    nbformat.write(nb, root / NOTEBOOK.name)
    env = scaled_minimums_env(tmp_path, kernel_env(tmp_path, cleanrooms, local_athena))
    env.update(
        CLEANROOM_NB_DATABASE=DATABASE,
        CLEANROOM_NB_TABLE=TABLE,
        JUPYTER_CONFIG_DIR=str(tmp_path / "config"),
        JUPYTER_DATA_DIR=str(tmp_path / "data"),
    )
    port, token = free_port(), secrets.token_hex(16)
    log = (tmp_path / "lab.log").open("w")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "jupyterlab",
            "--no-browser",
            f"--port={port}",
            "--ServerApp.ip=127.0.0.1",
            f"--IdentityProvider.token={token}",
            f"--ServerApp.root_dir={root}",
            "--LabApp.news_url=",
            "--allow-root",
            "--LabServerApp.extension_manager=readonly",
        ],
        env=env,
        cwd=root,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        if not wait_until_answering(port, proc, timeout=120):
            raise AssertionError(
                "JupyterLab did not answer:\n" + (tmp_path / "lab.log").read_text()
            )
        yield f"http://127.0.0.1:{port}/lab/tree/{NOTEBOOK.name}?token={token}"
    finally:
        stop(proc)
        log.close()


def lab_shot(page: Any, name: str, show: Any = None) -> None:
    """The page (JupyterLab scrolls inside the notebook: ``show`` is scrolled into view)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    if show is not None:
        show.scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_form_in_jupyterlab(browser: Any, lab: str, cleanrooms: Any) -> None:
    from playwright.sync_api import expect

    base = lab.split("/lab/")[0]
    # tall: JupyterLab renders only the cells in view, and both forms must be there
    page, outside = local_page(browser, base, height=4200)
    # On a loaded machine JupyterLab may fail to start the notebook's kernel in time; it then asks
    # which kernel to use ("Select Kernel", a modal over the notebook). A user keeps the
    # preferred one, Python 3: so does the test, whenever the dialog is in the way.
    page.add_locator_handler(
        page.locator(".jp-Dialog", has_text="Select Kernel"),
        lambda dialog: dialog.locator(".jp-Dialog-button.jp-mod-accept").click(),
    )
    try:
        page.goto(lab, timeout=TIMEOUT_MS)
        page.locator(".jp-Notebook").wait_for()
        page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']").wait_for()
        lab_shot(page, "lab_01_opened")

        # run the cells, as a user does from the Run menu. JupyterLab applies notebook commands
        # to the current widget: click into the notebook first, so that it is the current one
        # (right after loading, "Run All Cells" can otherwise go nowhere).
        # On a loaded machine the first command can still go nowhere: try again (at most 3 times)
        # until the first code cell is queued or has run.
        prompt = page.locator(".jp-CodeCell .jp-InputArea-prompt").first
        for attempt in range(3):
            page.locator(".jp-Notebook .jp-Cell").first.click()
            page.get_by_role("menuitem", name="Run", exact=True).click()
            page.get_by_role("menuitem", name=re.compile("^Run All Cells")).click()
            try:
                expect(prompt).to_have_text(re.compile(r"\[(\*|\d+)\]"), timeout=15_000)
                break
            except AssertionError:
                if attempt == 2:
                    raise
        forms = page.locator(".crn-form")
        expect(forms).to_have_count(2, timeout=TIMEOUT_MS)
        glue_form, frame_form = forms.nth(0), forms.nth(1)
        glue_form.locator(".crn-role-user_id select").wait_for()
        expect(
            page.locator(".jp-RenderedMarkdown", has_text="Talking to the local AWS")
        ).to_be_visible()
        name = glue_form.locator(".widget-text", has_text="Name").locator("input").first
        expect(name).to_have_value(re.compile(r"^interactions-\d{4}-\d{2}-\d{2}$"))
        lab_shot(page, "lab_02_ran")

        # the Glue form: create the service role, read the code, create the dataset
        glue_form.get_by_role("button", name="Create service role").click()
        arn_input = glue_form.locator(".widget-text", has_text="Role ARN").locator("input")
        made = "arn:aws:iam::123456789012:role/cleanrooms-ml-interactions"
        expect(arn_input).to_have_value(made)
        glue_form.locator(".crn-role-email select").select_option(label="(leave out)")
        glue_form.get_by_text("boto3 code").click()
        code = glue_form.locator("pre.crn-code-python")
        expect(code).to_contain_text("client.create_training_dataset(")
        assert "monospace" in code.evaluate("e => getComputedStyle(e).fontFamily")
        wait_submit_ready(page, glue_form)
        lab_shot(page, "lab_03_role_and_code")
        glue_form.get_by_role("button", name="Create training dataset").click()
        shown = glue_form.locator(".crn-arn")
        shown.wait_for()
        arn = shown.inner_text().strip()
        assert arn in cleanrooms.datasets
        assert cleanrooms.datasets[arn]["roleArn"] == made
        assert cleanrooms.datasets[arn]["name"] == name.input_value()
        lab_shot(page, "lab_04_created")

        # issue 20: the estimate before "Count rows (Athena)", the charts and the bytes after
        estimate = glue_form.locator(".crn-scan-estimate").first  # the audience step has one too
        expect(estimate).to_contain_text("Athena will scan")
        glue_form.get_by_role("button", name="Count rows (Athena)").click()
        expect(glue_form.locator(".crn-bytes-scanned").first).to_contain_text(
            "Athena scanned", timeout=TIMEOUT_MS
        )
        charts = glue_form.locator(".crn-charts img.crn-readiness-charts")
        expect(charts).to_be_visible()
        assert charts.evaluate("e => e.complete && e.naturalWidth") > 300
        lab_shot(page, "lab_04b_counted_with_charts", charts)

        # the DataFrame form: a fix button shows values before and after, then applies the fix
        fixes = frame_form.locator(".crn-fixes")
        expect(fixes).to_contain_text("2 columns need a fix")
        preview = fixes.locator(".crn-fix-preview").last
        expect(preview).to_contain_text("before")
        lab_shot(page, "lab_05_fix_buttons", fixes)
        frame_form.locator(".crn-fix-event_time button, button.crn-fix-event_time").first.click()
        expect(fixes).to_contain_text("done: event_time")
        expect(fixes).to_contain_text("1 column needs a fix")
        lab_shot(page, "lab_06_fixed", fixes)
        frame_form.get_by_text("Readiness charts").click()  # drawn when opened
        frame_charts = frame_form.locator(".crn-charts img.crn-readiness-charts")
        expect(frame_charts).to_be_visible()  # a DataFrame is counted in memory, charts too
        lab_shot(page, "lab_07_frame_charts", frame_charts)

        # the Glue form's dataset: train an audience model, then configure it (issue 19)
        audience = glue_form.locator(".crn-audience")
        train_audience_model(
            page,
            cleanrooms,
            name.input_value(),
            first_day(interactions_frame()),
            lambda shot: lab_shot(page, f"lab_{shot}", audience),
        )
        assert all(not u.startswith(base) for u in outside)
    except Exception:
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / "lab_failure.png"), full_page=True)
        raise
    finally:
        page.close()
