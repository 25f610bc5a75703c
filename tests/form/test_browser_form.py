"""The form end to end in a real browser: Voilà serves notebooks/03_form.ipynb, Debian's chromium
(driven by Playwright) fills it in, and the kernel talks to moto plus the Clean Rooms ML emulator.

Screenshots of every step are saved under ``artifacts/screenshots/``; with
``CLEANROOM_NB_UPDATE_DOCS=1`` the one showing the created dataset is also copied to
``docs/form.png`` for the README (so an ordinary run leaves the tree clean).
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from form_helpers import DATABASE, ROLE_ARN, TABLE, make_glue_table, make_roles

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = ROOT / "notebooks" / "03_form.ipynb"
SHOTS = ROOT / "artifacts" / "screenshots"
DOCS_SHOT = ROOT / "docs" / "form.png"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
TIMEOUT_MS = 90_000


def _no_browser(reason: str) -> None:
    if os.environ.get("CLEANROOM_NB_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason} (CLEANROOM_NB_REQUIRE_BROWSER=1 requires the browser tests)")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's chromium, headless, through Playwright (skipped when either is missing)."""
    if not os.path.exists(CHROMIUM):
        _no_browser(f"{CHROMIUM} is missing; install it with `apt-get install -y chromium`")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _no_browser("playwright is not installed (pip install playwright)")
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def voila(boto3_session: boto3.Session, cleanrooms: Any, tmp_path: Path) -> Iterator[str]:
    """Voilà serving the form notebook; its kernel sees moto and the emulator through env vars."""
    make_glue_table(boto3_session)
    make_roles(boto3_session)
    port = _free_port()
    env = dict(os.environ)  # fake credentials and region come from conftest
    env.update(
        AWS_ENDPOINT_URL=os.environ["AWS_ENDPOINT_URL"],
        AWS_ENDPOINT_URL_CLEANROOMSML=cleanrooms.url,
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_DEFAULT_REGION="us-east-1",
        JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"),
    )
    for name in ("CLEANROOM_NB_DATABASE", "CLEANROOM_NB_TABLE"):
        env.pop(name, None)
    log = (tmp_path / "voila.log").open("w")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "voila",
            str(NOTEBOOK),
            "--no-browser",
            f"--port={port}",
            "--Voila.ip=127.0.0.1",
            "--show_tracebacks=True",
        ],
        env=env,
        cwd=tmp_path,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                raise AssertionError("voila exited:\n" + (tmp_path / "voila.log").read_text())
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise AssertionError(
                        "voila did not start:\n" + (tmp_path / "voila.log").read_text()
                    ) from None
                time.sleep(0.2)
        yield f"http://127.0.0.1:{port}/"
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)
        log.close()


def _shot(page: Any, name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    # Voilà scrolls inside its own container: grow the viewport to the whole form instead.
    height = page.evaluate("document.querySelector('.crn-form').scrollHeight")
    page.set_viewport_size({"width": 1280, "height": min(int(height) + 60, 4000)})
    page.evaluate("window.scrollTo(0, 0); document.querySelector('.crn-form').scrollIntoView()")
    page.screenshot(path=str(path), full_page=True)
    return path


def _submit_ready(page: Any) -> None:
    """Wait until submit is enabled, ticking the warnings box when warnings are all that block."""
    page.wait_for_function(
        """() => {
          const b = [...document.querySelectorAll('button')]
            .find(x => x.textContent.includes('Create training dataset'));
          const p = document.querySelector('.crn-progress');
          return (b && !b.disabled) ||
                 (p && /Submit is disabled: acknowledge \\d+ warning/.test(p.textContent)
                    && !/fix \\d+ error/.test(p.textContent));
        }""",
        timeout=TIMEOUT_MS,
    )
    submit = page.get_by_role("button", name="Create training dataset")
    if submit.is_disabled():
        page.locator(".widget-checkbox input[type=checkbox]").check()
    page.wait_for_function(
        """() => [...document.querySelectorAll('button')]
              .some(x => x.textContent.includes('Create training dataset') && !x.disabled)""",
        timeout=TIMEOUT_MS,
    )


def test_form_in_chromium(browser: Any, voila: str, cleanrooms: Any) -> None:
    from playwright.sync_api import expect

    page = browser.new_page(viewport={"width": 1280, "height": 900})
    outside: list[str] = []

    def only_local(route: Any) -> None:
        if route.request.url.startswith(voila):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", only_local)
    page.set_default_timeout(TIMEOUT_MS)
    try:
        page.goto(voila, timeout=TIMEOUT_MS)
        page.locator(".crn-form").wait_for()

        # 1. choose the Glue table
        db = page.locator(".widget-dropdown", has_text="Glue database").locator("select")
        db.select_option(DATABASE)
        table = page.locator(".widget-dropdown", has_text="Glue table").locator("select")
        table.select_option(TABLE)
        page.locator(".crn-role-user_id select").wait_for()
        _shot(page, "01_table_chosen")

        # 2. change one suggested role (and pin the ones the checks below rely on)
        device = page.locator(".crn-role-device select")
        suggested = device.input_value()
        new_label = "CATEGORICAL_FEATURE" if suggested == "(leave out)" else "(leave out)"
        device.select_option(label=new_label)
        expect(page.get_by_text("set by hand").first).to_be_visible()
        for column, label in (
            ("user_id", "USER_ID"),
            ("item_id", "ITEM_ID"),
            ("event_time", "TIMESTAMP"),
            ("email", "(leave out)"),
        ):
            select = page.locator(f".crn-role-{column} select")
            if select.input_value() != label:
                select.select_option(label=label)
                expect(select).to_have_value(label)
        _shot(page, "02_role_changed")

        # 3. fill in the name and the role ARN
        name = page.locator(
            ".widget-text", has=page.locator("label", has_text=re.compile("^Name$"))
        ).locator("input")
        name.fill("browser-dataset")
        arn_input = page.locator(
            ".widget-text", has=page.locator("label", has_text=re.compile("^Role ARN$"))
        ).locator("input")
        expect(arn_input).to_have_value("arn:aws:iam::123456789012:role/")
        arn_input.fill(ROLE_ARN)
        _submit_ready(page)
        _shot(page, "03_filled")

        # 4. submit and read the ARN the page shows
        page.get_by_role("button", name="Create training dataset").click()
        shown = page.locator(".crn-arn")
        shown.wait_for()
        arn = shown.inner_text().strip()
        assert arn.startswith("arn:aws:cleanrooms-ml:us-east-1:123456789012:training-dataset/")
        assert arn in cleanrooms.datasets
        sent = cleanrooms.datasets[arn]
        roles = {
            c["columnName"]: c["columnTypes"][0]
            for c in sent["trainingData"][0]["inputConfig"]["schema"]
        }
        if new_label == "(leave out)":
            assert "device" not in roles
        else:
            assert roles["device"] == "CATEGORICAL_FEATURE"
        path = _shot(page, "04_created")
        if os.environ.get("CLEANROOM_NB_UPDATE_DOCS") == "1":
            DOCS_SHOT.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, DOCS_SHOT)

        # 5. the same name again: the conflict message, and an offer to reuse
        page.get_by_role("button", name="Create training dataset").click()
        error = page.locator(".crn-error")
        error.wait_for()
        message = error.inner_text()
        assert "browser-dataset" in message and "exist" in message.lower(), message
        expect(page.get_by_role("button", name="Use the existing dataset")).to_be_visible()
        expect(name).to_have_value("browser-dataset")
        _shot(page, "05_conflict")
        assert len(cleanrooms.datasets) == 1

        # 6. an invalid name: submit is disabled and the message says why
        name.fill("n" * 64)
        expect(page.get_by_role("button", name="Create training dataset")).to_be_disabled()
        finding = page.locator(".crn-finding", has_text="63")
        expect(finding.first).to_be_visible()
        expect(page.get_by_role("button", name="Use the existing dataset")).to_be_hidden()
        _shot(page, "06_invalid_name")
        assert all(not u.startswith(("http://127.0.0.1", "http://localhost")) for u in outside)
    except Exception:
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / "failure.png"), full_page=True)
        raise
    finally:
        page.close()
