"""Helpers of the form's end-to-end browser tests (Voilà and JupyterLab): Debian's chromium
driven by Playwright, every request to another host aborted, and screenshots.

Screenshots of every step go to ``artifacts/screenshots/`` (gitignored).
"""

from __future__ import annotations

import os
import socket
import subprocess
import time
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
