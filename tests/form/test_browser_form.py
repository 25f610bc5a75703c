"""The form end to end in a real browser: Voilà serves notebooks/03_form.ipynb the way the demo
does, Debian's chromium (driven by Playwright) uses it, and the kernel talks to moto, the local
Athena and the Clean Rooms ML emulator.

Screenshots of every step are saved under ``artifacts/screenshots/voila_*.png``; with
``CLEANROOM_NB_UPDATE_DOCS=1`` the one showing the created dataset is also copied to
``docs/form.png`` for the README (so an ordinary run leaves the tree clean).
"""

from __future__ import annotations

import contextlib
import http.client
import os
import re
import shutil
import signal
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from browser_helpers import (
    NOTEBOOK,
    ROOT,
    SHOTS,
    TIMEOUT_MS,
    first_day,
    free_port,
    kernel_env,
    local_page,
    scaled_minimums_env,
    shot,
    stop,
    train_audience_model,
    wait_for_log,
    wait_submit_ready,
)
from form_helpers import (
    DATABASE,
    ROLE_ARN,
    TABLE,
    interactions_frame,
    make_glue_table,
    make_roles,
    raw_frame,
)

from cleanroom_nb.__main__ import voila_command, wait_until_answering

pytestmark = pytest.mark.browser

DOCS_SHOT = ROOT / "docs" / "form.png"
RAW_PATTERN = re.compile(r"\\u[0-9A-Fa-f]{4}|\(\?|\[0-9\]|\{\d+\}|\[-a-z\]")
"""What a regular expression looks like on screen (issue 13, item 4: never shown)."""


@contextlib.contextmanager
def serve_voila(tmp_path: Path, env: dict[str, str]) -> Iterator[tuple[str, int]]:
    """Voilà started as the demo starts it (``voila_command``); yields its URL and port."""
    port = free_port()
    voila_exe = str(Path(sys.executable).with_name("voila"))
    log = (tmp_path / "voila.log").open("w")
    proc = subprocess.Popen(
        [*voila_command(voila_exe, NOTEBOOK, port), "--show_tracebacks=True"],
        env=env,
        cwd=tmp_path,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        if not wait_until_answering(port, proc, timeout=120):
            raise AssertionError("voila did not answer:\n" + (tmp_path / "voila.log").read_text())
        yield f"http://127.0.0.1:{port}/", port
    finally:
        stop(proc)
        log.close()


@pytest.fixture
def voila(
    boto3_session: boto3.Session, cleanrooms: Any, local_athena: Any, tmp_path: Path
) -> Iterator[tuple[str, int]]:
    """Voilà serving the form on a table with text times and float ids (fixes to make)."""
    make_glue_table(boto3_session, raw_frame())
    make_roles(boto3_session)
    with serve_voila(tmp_path, kernel_env(tmp_path, cleanrooms, local_athena)) as served:
        yield served


@pytest.fixture
def voila_audience(
    boto3_session: boto3.Session, cleanrooms: Any, local_athena: Any, tmp_path: Path
) -> Iterator[tuple[str, int]]:
    """Voilà serving the form on a ready table, its kernel with the data minimums scaled down
    (``scaled_minimums_env``) so that an audience model can train on 400 rows."""
    make_glue_table(boto3_session)
    make_roles(boto3_session)
    env = scaled_minimums_env(tmp_path, kernel_env(tmp_path, cleanrooms, local_athena))
    with serve_voila(tmp_path, env) as served:
        yield served


def test_voila_refuses_other_origins(voila: tuple[str, int]) -> None:
    """Issue 13, item 9: no ``allow_origin: '*'``. A page of another origin cannot open the
    kernel's websocket; the form's own origin can."""
    url, port = voila
    with urllib.request.urlopen(url, timeout=120) as resp:  # Voilà starts the page's kernel
        page = resp.read().decode()
    kernel_id = re.search(r"kernelId[^0-9a-f]+([0-9a-f-]{36})", page)
    assert kernel_id, page[:2000]

    def upgrade(origin: str) -> int:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            conn.request(
                "GET",
                f"/api/kernels/{kernel_id[1]}/channels",
                headers={
                    "Origin": origin,
                    "Connection": "Upgrade",
                    "Upgrade": "websocket",
                    "Sec-WebSocket-Version": "13",
                    "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
                },
            )
            return conn.getresponse().status
        finally:
            conn.close()

    assert upgrade("http://evil.example") == 403
    assert upgrade(f"http://127.0.0.1:{port}") != 403
    assert "allow_origin" not in " ".join(voila_command("voila", NOTEBOOK, port))


def _text_input(page: Any, label: str) -> Any:
    return page.locator(
        ".widget-text", has=page.locator("label", has_text=re.compile(f"^{label}$"))
    ).locator("input")


def _pin_roles(page: Any) -> str:
    from playwright.sync_api import expect

    device = page.locator(".crn-role-device select")
    new_label = "CATEGORICAL_FEATURE" if device.input_value() == "(leave out)" else "(leave out)"
    device.select_option(label=new_label)
    expect(page.get_by_text("set by hand").first).to_be_visible()
    for column, label in (
        ("user_id", "USER_ID"),
        ("item_id", "ITEM_ID"),
        ("event_time", "TIMESTAMP"),
    ):
        select = page.locator(f".crn-role-{column} select")
        if select.input_value() != label:
            select.select_option(label=label)
            expect(select).to_have_value(label)
    return new_label


def test_messages_are_plain_words_in_chromium(browser: Any, voila: tuple[str, int]) -> None:
    """Issue 13, item 4: one message per problem, in words; never a raw pattern on screen."""
    from playwright.sync_api import expect

    url, _ = voila
    page, _ = local_page(browser, url)
    try:
        page.goto(url, timeout=TIMEOUT_MS)
        page.locator(".crn-form").wait_for()
        name = _text_input(page, "Name")
        arn_input = _text_input(page, "Role ARN")
        name.fill("x")
        name.fill("")
        arn_input.fill("arn:aws:iam::123:role/x")
        name_box = page.locator(".widget-hbox", has=name)
        expect(name_box.locator(".crn-finding").first).to_be_visible()
        shot(page, "voila_messages_in_words")
        shown = name_box.locator(".crn-finding").all_inner_texts()
        assert len(shown) == 1, shown
        shown += (
            page.locator(".widget-hbox", has=arn_input).locator(".crn-finding").all_inner_texts()
        )
        assert not [t for t in shown if RAW_PATTERN.search(t)], shown
    finally:
        page.close()


def test_form_in_chromium(browser: Any, voila: tuple[str, int], cleanrooms: Any) -> None:
    from playwright.sync_api import expect

    url, _ = voila
    page, outside = local_page(browser, url)
    try:
        page.goto(url, timeout=TIMEOUT_MS)
        page.locator(".crn-form").wait_for()

        # 1. choose the Glue table: the name is suggested at once (item 8)
        page.locator(".widget-dropdown", has_text="Glue database").locator("select").select_option(
            DATABASE
        )
        table = page.locator(".widget-dropdown", has_text="Glue table").locator("select")
        table.select_option(TABLE)
        page.locator(".crn-role-user_id select").wait_for()
        name = _text_input(page, "Name")
        expect(name).to_have_value(re.compile(r"^interactions-\d{4}-\d{2}-\d{2}$"))
        expect(page.locator(".crn-fixes")).to_contain_text("2 columns need a fix")
        # issue 20: what each Athena button will scan and cost, before it runs
        expect(page.locator(".crn-rewrite-note")).to_contain_text("Athena will scan")
        expect(page.locator(".crn-rewrite-note")).to_contain_text("$")
        expect(page.locator(".crn-scan-estimate")).to_contain_text("Athena will scan")
        shot(page, "voila_01_table_chosen")

        # 2. the fix button of a Glue source: rewrite with Athena, then the form uses the new table
        page.get_by_role("button", name="Rewrite with Athena").click()
        expect(table).to_have_value("interactions_fixed", timeout=TIMEOUT_MS)
        expect(name).to_have_value(re.compile(r"^interactions_fixed-\d{4}-\d{2}-\d{2}$"))
        expect(page.get_by_role("button", name="Rewrite with Athena")).to_be_hidden()
        expect(page.locator(".widget-gridbox")).to_contain_text("bigint")  # the new types
        expect(page.locator(".crn-fix-done")).to_contain_text("rewritten as interactions_fixed")
        expect(page.locator(".crn-fix-done")).to_contain_text("Athena scanned")
        shot(page, "voila_02_rewritten_with_athena")
        new_label = _pin_roles(page)
        shot(page, "voila_03_roles")

        # 3. messages at their fields (in words: see test_messages_are_plain_words_in_chromium)
        name.fill("")
        arn_input = _text_input(page, "Role ARN")
        arn_input.fill("arn:aws:iam::123:role/x")
        expect(page.locator(".widget-hbox", has=name).locator(".crn-finding").first).to_be_visible()
        expect(
            page.locator(".widget-hbox", has=arn_input).locator(".crn-finding").first
        ).to_be_visible()
        shot(page, "voila_05_messages")

        # 4. create the service role from the form (item 3): policies shown, then selected
        arn_input.fill("arn:aws:iam::123456789012:role/")
        page.get_by_text("Trust policy it gets").click()
        expect(page.locator(".crn-role-create pre.crn-code-json").first).to_contain_text(
            "cleanrooms-ml.amazonaws.com"
        )
        shot(page, "voila_06_role_policies")
        page.get_by_role("button", name="Create service role").click()
        made = "arn:aws:iam::123456789012:role/cleanrooms-ml-interactions_fixed"
        expect(arn_input).to_have_value(made)
        expect(page.locator(".crn-role-note")).to_contain_text("Created")
        expect(page.locator(".crn-role-create pre.crn-code-json").first).to_contain_text(
            "sts:AssumeRole"
        )
        shot(page, "voila_07_role_created")

        # 5. the boto3 code: monospace, highlighted, keyword arguments (item 5)
        name.fill("browser-dataset")
        page.get_by_text("boto3 code").click()
        code = page.locator("pre.crn-code-python")
        expect(code).to_contain_text('name="browser-dataset"')
        expect(code).to_contain_text("client.create_training_dataset(")
        font = code.evaluate("e => getComputedStyle(e).fontFamily")
        assert "monospace" in font, font
        assert code.locator("span").count() > 10  # Pygments' highlighting
        shot(page, "voila_08_code")

        # 6. submit and read the ARN the page shows
        form = page.locator(".crn-form")
        wait_submit_ready(page, form)
        page.get_by_role("button", name="Create training dataset").click()
        shown_arn = page.locator(".crn-arn")
        shown_arn.wait_for()
        arn = shown_arn.inner_text().strip()
        assert arn in cleanrooms.datasets
        sent = cleanrooms.datasets[arn]
        assert sent["roleArn"] == made
        source = sent["trainingData"][0]["inputConfig"]["dataSource"]["glueDataSource"]
        assert source["tableName"] == "interactions_fixed"
        roles = {
            c["columnName"]: c["columnTypes"][0]
            for c in sent["trainingData"][0]["inputConfig"]["schema"]
        }
        assert ("device" in roles) == (new_label != "(leave out)")
        path = shot(page, "voila_09_created")
        if os.environ.get("CLEANROOM_NB_UPDATE_DOCS") == "1":
            DOCS_SHOT.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, DOCS_SHOT)

        # 7. the same name again: the conflict message, and an offer to reuse
        page.get_by_role("button", name="Create training dataset").click()
        error = page.locator(".crn-error")
        error.wait_for()
        message = error.inner_text()
        assert "browser-dataset" in message and "exist" in message.lower(), message
        expect(page.get_by_role("button", name="Use the existing dataset")).to_be_visible()
        expect(name).to_have_value("browser-dataset")
        shot(page, "voila_10_conflict")
        assert len(cleanrooms.datasets) == 1

        # 8. an invalid name: submit is disabled and the message says why
        name.fill("n" * 64)
        expect(page.get_by_role("button", name="Create training dataset")).to_be_disabled()
        expect(page.locator(".crn-finding", has_text="63").first).to_be_visible()
        expect(page.get_by_role("button", name="Use the existing dataset")).to_be_hidden()
        shot(page, "voila_11_invalid_name")
        # 9. count rows with Athena: a small table, each rule with its figure and result
        name.fill("browser-dataset")
        page.get_by_role("button", name="Count rows (Athena)").click()
        readiness = page.locator(".crn-readiness-table")
        readiness.wait_for()
        text = readiness.inner_text()
        assert "rows" in text and "399" in text and "fail" in text and "pass" in text, text
        scanned = page.locator(
            ".crn-bytes-scanned"
        ).first  # the checks' (the audience step's later)
        expect(scanned).to_contain_text("Athena scanned")
        expect(scanned).to_contain_text("estimated")
        # issue 20: the charts, an inline PNG (offline), drawn by the browser
        charts = page.locator(".crn-charts img.crn-readiness-charts")
        expect(charts).to_be_visible()
        assert (charts.get_attribute("src") or "").startswith("data:image/png;base64,")
        assert charts.evaluate("e => e.complete && e.naturalWidth") > 300
        charts.scroll_into_view_if_needed()
        shot(page, "voila_12_athena_count")

        assert outside == [] or all(not u.startswith(url) for u in outside)
    except Exception:
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / "voila_failure.png"), full_page=True)
        raise
    finally:
        page.close()


def test_audience_steps_in_chromium(
    browser: Any, voila_audience: tuple[str, int], cleanrooms: Any
) -> None:
    """Issue 19: after "Created", train an audience model on the dataset and configure it."""
    from playwright.sync_api import expect

    url, _ = voila_audience
    page, outside = local_page(browser, url)
    try:
        page.goto(url, timeout=TIMEOUT_MS)
        page.locator(".crn-form").wait_for()
        page.locator(".widget-dropdown", has_text="Glue database").locator("select").select_option(
            DATABASE
        )
        page.locator(".widget-dropdown", has_text="Glue table").locator("select").select_option(
            TABLE
        )
        page.locator(".crn-role-user_id select").wait_for()
        _pin_roles(page)
        email = page.locator(".crn-role-email select")
        email.select_option(label="(leave out)")
        expect(email).to_have_value("(leave out)")
        _text_input(page, "Role ARN").fill(ROLE_ARN)
        _text_input(page, "Name").fill("audience-dataset")
        wait_submit_ready(page, page.locator(".crn-form"))
        page.get_by_role("button", name="Create training dataset").click()
        page.locator(".crn-arn").wait_for()
        expect(page.locator(".crn-audience")).to_be_visible()
        train_audience_model(
            page,
            cleanrooms,
            "audience-dataset",
            first_day(interactions_frame()),
            lambda name: shot(page, f"voila_audience_{name}", container=".crn-audience"),
        )
        assert outside == [] or all(not u.startswith(url) for u in outside)
    except Exception:
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / "voila_audience_failure.png"), full_page=True)
        raise
    finally:
        page.close()


def test_demo_newcomer_in_chromium(browser: Any, tmp_path: Path) -> None:
    """Issue 13, items 1, 3 and 8, as a newcomer meets them: ``python -m cleanroom_nb demo``
    prints its URL only once Voilà answers; the form opens on the demo table with a suggested
    name and the demo's service role selected, so typing a name and pressing Create is all."""
    from playwright.sync_api import expect

    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "CLEANROOM_NB_"))}
    env.update(PYTHONUNBUFFERED="1", JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"))
    log_path = tmp_path / "demo.log"
    log = log_path.open("w")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "cleanroom_nb",
            "demo",
            f"--port={port}",
            "--rows=20000",
            "--users=4000",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        text = wait_for_log(log_path, "The form is served at", proc, timeout=300)
        url = re.search(r"http://127\.0\.0\.1:\d+/", text.split("The form is served at")[1])
        assert url, text[-2000:]
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.request("HEAD", "/")  # at once, no retry: the URL answers when it is printed
        assert conn.getresponse().status < 500
        conn.close()
        page, _ = local_page(browser, url[0])
        try:
            page.goto(url[0], timeout=TIMEOUT_MS)
            page.locator(".crn-role select").first.wait_for()
            expect(page.get_by_text("the local AWS emulation is already running")).to_be_visible()
            role = "arn:aws:iam::123456789012:role/cleanrooms-ml-interactions"
            expect(_text_input(page, "Role ARN")).to_have_value(role)
            name = _text_input(page, "Name")
            expect(name).to_have_value(re.compile(r"^interactions-\d{4}-\d{2}-\d{2}$"))
            shot(page, "demo_01_opened")
            name.fill("newcomer-dataset")
            wait_submit_ready(page, page.locator(".crn-form"))
            page.get_by_role("button", name="Create training dataset").click()
            arn = page.locator(".crn-arn")
            arn.wait_for()
            assert ":training-dataset/" in arn.inner_text()
            shot(page, "demo_02_created")
        except Exception:
            SHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SHOTS / "demo_failure.png"), full_page=True)
            raise
        finally:
            page.close()
    finally:
        os.killpg(proc.pid, signal.SIGINT)
        try:
            proc.wait(60)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(10)
        log.close()
