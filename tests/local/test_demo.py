"""README command 1: ``python -m cleanroom_nb demo`` (headless and served), end to end."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARN = re.compile(r"^arn:aws:cleanrooms-ml:[a-z0-9-]+:\d{12}:configured-audience-model/\S+$")
DATASET = re.compile(
    r"^training dataset: arn:aws:cleanrooms-ml:[a-z0-9-]+:\d{12}:training-dataset/"
)
MODEL = re.compile(
    r"^audience model: arn:aws:cleanrooms-ml:[a-z0-9-]+:\d{12}:audience-model/\S+ \(ACTIVE, "
    r"trained on 2024-01-01 \.\. 2024-03-30\)$"
)


def _clean_env() -> dict[str, str]:
    """The demo needs no endpoint and no credentials: give it none."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("AWS_") or k in ("AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE")
    }
    env["PYTHONUNBUFFERED"] = "1"
    return env


def test_headless_demo_prints_the_configured_model_arn_last() -> None:
    """README command 1 without a browser: training dataset, audience model (trained by the
    emulator for a few seconds, statuses shown), output role, configured audience model."""
    proc = subprocess.run(
        [sys.executable, "-m", "cleanroom_nb", "demo", "--headless"],
        cwd=ROOT,
        env=_clean_env(),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    lines = [line for line in proc.stdout.splitlines() if line.strip()]
    assert ARN.match(lines[-1]), lines[-5:]
    assert any(DATASET.match(line) for line in lines), lines[-8:]
    assert any(MODEL.match(line) for line in lines), lines[-8:]
    assert "output role: arn:aws:iam::123456789012:role/cleanrooms-ml-demo-segments" in lines
    # the training's statuses were shown while waiting (progress goes to stderr)
    assert "CREATE_PENDING → CREATE_IN_PROGRESS → ACTIVE" in proc.stderr
    # it really inferred and checked: the suggested roles are printed on the way
    assert "USER_ID" in proc.stdout and "TIMESTAMP" in proc.stdout
    # and the local Athena ran the readiness query on the Glue table (real figures)
    assert "Readiness of Athena cleanroom_nb_demo.interactions: ready" in proc.stdout
    assert "rows: 1,200,000" in proc.stdout and "Athena scanned" in proc.stdout


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _descendants(pid: int) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True)
    kids = [int(x) for x in out.stdout.split()]
    return kids + [d for k in kids for d in _descendants(k)]


def test_served_demo_serves_the_form_and_stops_cleanly_on_ctrl_c() -> None:
    port = _free_port()
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
        env=_clean_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert proc.stdout is not None
    seen = []
    try:
        deadline = time.monotonic() + 240
        url = None
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            seen.append(line)
            m = re.search(r"http://127\.0\.0\.1:\d+/", line)
            if m:
                url = m.group(0)
                break
        assert url, "".join(seen)[-3000:]
        body = ""
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(url, timeout=60) as resp:
                    body = resp.read().decode("utf-8", "replace")
                    break
            except OSError:
                time.sleep(0.5)
        assert "voila" in body.lower() or "jupyter" in body.lower()
        kids = _descendants(proc.pid)
        assert kids, "Voilà should run as a child process"
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=60)
        time.sleep(0.5)
        for kid in kids:
            with pytest.raises(ProcessLookupError):
                os.kill(kid, 0)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
