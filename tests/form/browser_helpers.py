"""Helpers of the form's end-to-end browser tests (Voilà and JupyterLab): Debian's chromium
driven by Playwright, every request to another host aborted, and screenshots.

Screenshots of every step go to ``artifacts/screenshots/`` (gitignored).
"""

from __future__ import annotations

import datetime
import os
import re
import socket
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from form_helpers import BUCKET

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "artifacts" / "screenshots"
NOTEBOOK = ROOT / "notebooks" / "03_form.ipynb"
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


def no_browser(reason: str) -> None:
    """Skip, or fail when ``CLEANROOM_NB_REQUIRE_BROWSER=1`` (CI) requires the browser tests."""
    if os.environ.get("CLEANROOM_NB_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason} (CLEANROOM_NB_REQUIRE_BROWSER=1 requires the browser tests)")
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def local_page(browser: Any, base: str, *, height: int = 900) -> tuple[Any, list[str]]:
    """A page that may only load ``base``; requests elsewhere are aborted and listed."""
    page = browser.new_page(viewport={"width": 1280, "height": height})
    outside: list[str] = []

    def only_local(route: Any) -> None:
        if route.request.url.startswith(base):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", only_local)
    page.set_default_timeout(TIMEOUT_MS)
    return page, outside


def shot(page: Any, name: str, *, container: str = ".crn-form") -> Path:
    """Save the whole form as ``artifacts/screenshots/<name>.png``.

    Voilà and JupyterLab scroll inside their own containers: grow the viewport to the form.
    """
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    form = page.locator(container).last
    height = form.evaluate("e => e.getBoundingClientRect().top + window.scrollY + e.scrollHeight")
    page.set_viewport_size({"width": 1280, "height": min(int(height) + 80, 6000)})
    form.scroll_into_view_if_needed()
    page.screenshot(path=str(path), full_page=True)
    return path


def wait_submit_ready(page: Any, scope: Any) -> None:
    """Wait until submit is enabled, ticking the warnings box when warnings are all that block."""
    page.wait_for_function(
        """(form) => {
          const b = [...form.querySelectorAll('button')]
            .find(x => x.textContent.includes('Create training dataset'));
          const p = form.querySelector('.crn-progress');
          return (b && !b.disabled) ||
                 (p && /Submit is disabled: acknowledge \\d+ warning/.test(p.textContent)
                    && !/fix \\d+ error/.test(p.textContent));
        }""",
        arg=scope.element_handle(),
        timeout=TIMEOUT_MS,
    )
    submit = scope.get_by_role("button", name="Create training dataset")
    if submit.is_disabled():
        scope.locator(".widget-checkbox input[type=checkbox]").check()
    page.wait_for_function(
        """(form) => [...form.querySelectorAll('button')]
              .some(x => x.textContent.includes('Create training dataset') && !x.disabled)""",
        arg=scope.element_handle(),
        timeout=TIMEOUT_MS,
    )


def stop(proc: subprocess.Popen[Any]) -> None:
    """Terminate a server started by a test, then kill it if it lingers."""
    proc.terminate()
    try:
        proc.wait(15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(5)


def wait_for_log(path: Path, pattern: str, proc: subprocess.Popen[Any], timeout: float) -> str:
    """Wait until the log at ``path`` holds ``pattern``; the log so far."""
    deadline = time.monotonic() + timeout
    while True:
        text = path.read_text() if path.exists() else ""
        if pattern in text:
            return text
        if proc.poll() is not None or time.monotonic() > deadline:
            raise AssertionError(f"{pattern!r} not seen; log:\n{text[-4000:]}")
        time.sleep(0.25)


def kernel_env(tmp_path: Path, cleanrooms: Any, local_athena: Any) -> dict[str, str]:
    """The environment of the served kernel: moto, the emulator and the local Athena."""
    env = dict(os.environ)  # fake credentials and region come from conftest
    env.update(
        AWS_ENDPOINT_URL=os.environ["AWS_ENDPOINT_URL"],
        AWS_ENDPOINT_URL_CLEANROOMSML=cleanrooms.url,
        AWS_ENDPOINT_URL_ATHENA=local_athena.url,
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_DEFAULT_REGION="us-east-1",
        CLEANROOM_NB_ATHENA_OUTPUT=f"s3://{BUCKET}/athena-results/",
        JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"),
    )
    for name in ("CLEANROOM_NB_DATABASE", "CLEANROOM_NB_TABLE", "CLEANROOM_NB_DEMO"):
        env.pop(name, None)
    return env


SCALED_MINIMUMS = """# Written by the browser tests (tests/form/browser_helpers.py), for their kernel only:
# Clean Rooms ML's minimums (1,000,000 rows; 100,000 users with 2+ interactions, user guide,
# "Training data requirements for Clean Rooms ML") scaled down to the tests' 400-row tables, so
# the audience step can train; the rule itself is the library's (tests/local/test_demo.py runs
# it at full size).
from cleanroom_nb import _roles

_roles.MIN_ROWS = 100
_roles.MIN_USERS_WITH_TWO_INTERACTIONS = 20
"""


def scaled_minimums_env(tmp_path: Path, env: dict[str, str]) -> dict[str, str]:
    """``env`` with an IPython profile whose startup file scales the data minimums down
    (:data:`SCALED_MINIMUMS`) in the served kernel."""
    startup = tmp_path / "ipython" / "profile_default" / "startup"
    startup.mkdir(parents=True, exist_ok=True)
    (startup / "00-scaled-minimums.py").write_text(SCALED_MINIMUMS)
    return {**env, "IPYTHONDIR": str(tmp_path / "ipython")}


def first_day(df: Any) -> str:
    """The UTC day of the first event of a frame of ``interactions_frame``'s epoch seconds."""
    return str(datetime.datetime.fromtimestamp(int(df["event_time"].min()), datetime.UTC).date())


def train_audience_model(
    page: Any, cleanrooms: Any, dataset: str, first: str, snap: Callable[[str], Any]
) -> None:
    """The audience steps after "Created" (issue 19): the window prefilled from the data with
    the events chart shaded, a window outside the data refused in words, Train with each
    status, then Configure with a created output role. ``snap(name)`` takes the screenshots
    (``12b_window_estimate`` .. ``16_configured``)."""
    from playwright.sync_api import expect

    cleanrooms.training_seconds = 8.0  # the statuses move while the page shows them
    audience = page.locator(".crn-audience").first
    audience.scroll_into_view_if_needed()
    expect(audience).to_be_visible()
    load = audience.get_by_role("button", name="Read the data's time range (Athena)")
    expect(load).to_be_visible()  # a Glue table: Athena bills the query, so it waits for a click
    # issue 20: what the query will scan and cost, before it runs; the bytes it scanned after
    expect(audience.locator(".crn-scan-estimate")).to_contain_text("Athena will scan")
    expect(audience.locator(".crn-scan-estimate")).to_contain_text("/TB")
    expect(audience.locator(".crn-bytes-scanned")).to_have_count(0)
    snap("12b_window_estimate")
    load.click()
    expect(audience.locator(".crn-bytes-scanned")).to_contain_text("Athena scanned")
    expect(audience.locator(".crn-bytes-scanned")).to_contain_text("estimated")
    chart = audience.locator("img.crn-window-chart")
    expect(chart).to_be_visible()
    assert chart.evaluate("e => e.naturalWidth") > 300
    start, last = audience.locator(".widget-datepicker input").all()
    expect(start).to_have_value(first)
    expect(audience).to_contain_text(f"The data spans {first}")
    name = audience.locator(".widget-text", has_text="Model name").locator("input")
    expect(name).to_have_value(f"{dataset}-model")
    check = audience.get_by_role("button", name="Check the window (Athena)")
    if check.is_visible():
        check.click()
    expect(audience).to_contain_text("In the window:")
    expect(audience.locator(".crn-audience-loading")).to_have_count(0)
    snap("13_window")

    # a window outside the data: refused, in words
    kept = last.input_value()
    last.fill("2022-01-31")
    start.fill("2022-01-01")
    expect(audience.locator(".crn-finding.crn-error").first).to_contain_text("holds no event")
    expect(audience.get_by_role("button", name="Train")).to_be_disabled()
    snap("14_window_outside")
    start.fill(first)
    last.fill(kept)
    expect(audience.locator(".crn-finding.crn-error")).to_have_count(0)

    train = audience.get_by_role("button", name="Train")
    expect(train).to_be_enabled()
    train.click()
    statuses = audience.locator(".crn-audience-statuses")
    expect(statuses).to_contain_text("CREATE_IN_PROGRESS", timeout=TIMEOUT_MS)
    expect(audience.get_by_role("button", name="Training...")).to_be_disabled()
    snap("15_training")
    expect(statuses).to_contain_text("ACTIVE", timeout=TIMEOUT_MS)
    expect(statuses).to_contain_text("CREATE_PENDING → CREATE_IN_PROGRESS → ACTIVE")
    model_arn = audience.locator(".crn-model-arn").inner_text().strip()
    assert cleanrooms.audience_models[model_arn]["status"] == "ACTIVE"

    # configure: the output location is suggested, the output role created from the form
    output = audience.locator(".widget-text", has_text="Output location").locator("input")
    expect(output).to_have_value(re.compile(r"^s3://.+/lookalike-segments/"))
    audience.get_by_text("Policies the new role gets").click()
    expect(audience.locator("pre.crn-code-json").first).to_contain_text("s3:PutObject")
    audience.get_by_role("button", name="Create output role").click()
    expect(audience.locator(".crn-role-note")).to_contain_text("Created")
    role = audience.locator(".widget-text", has_text="Output role").locator("input")
    expect(role).to_have_value(re.compile(r":role/cleanrooms-ml-output-"))
    configure = audience.get_by_role("button", name="Configure")
    expect(configure).to_be_enabled()
    configure.click()
    configured = audience.locator(".crn-configured-arn")
    configured.wait_for()
    carn = configured.inner_text().strip()
    sent = cleanrooms.configured_audience_models[carn]
    assert sent["audienceModelArn"] == model_arn
    assert sent["outputConfig"]["roleArn"] == role.input_value()
    assert len(cleanrooms.audience_models) == 1 and len(cleanrooms.configured_audience_models) == 1
    snap("16_configured")
