"""The one progress helper: stderr in a terminal or a log, a widget in a real Jupyter kernel,
silenced by ``progress=False``, and used by every slow call."""

from __future__ import annotations

import io
import sys
import time
from typing import Any

import boto3
import nbformat
import pytest
from nbclient import NotebookClient

import cleanroom_nb as crn
from cleanroom_nb import _progress
from cleanroom_nb._progress import Progress, reports_progress, stage
from cleanroom_nb.local._sample_data import sample_interactions
from cleanroom_nb.submit import _wait


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def no_delay(monkeypatch: pytest.MonkeyPatch) -> None:
    """Generic bars show at once (they wait a second by default)."""
    monkeypatch.setattr(_progress, "DEFAULT_DELAY", 0.0)


def test_a_log_gets_one_line_per_state(capsys: pytest.CaptureFixture[str]) -> None:
    with Progress("Copying", total=3, unit="files") as bar:
        bar.note("3 files, 1.2 MB to copy")
        bar.update("copying")
        bar.advance()
        bar.advance()
        bar.update("copying")  # the same state: no new line
        bar.advance()
        bar.update("checking")
    lines = capsys.readouterr().err.splitlines()
    assert lines[0] == "3 files, 1.2 MB to copy"
    assert [line.split(" (")[0] for line in lines[1:]] == ["Copying: copying", "Copying: checking"]
    assert lines[-1].startswith("Copying: checking (3 / 3 files, ")


def test_a_terminal_gets_one_line_rewritten_in_place(monkeypatch: pytest.MonkeyPatch) -> None:
    tty = Tty()
    monkeypatch.setattr(sys, "stderr", tty)
    with Progress("Copying", total=4, unit="files") as bar:
        bar.update("copying")
        bar.count(2)
    out = tty.getvalue()
    assert out.count("\n") == 1 and out.endswith(")\n")
    assert "\r\x1b[2K[##########..........] Copying: copying (2 / 4 files" in out


def test_progress_false_and_quick_calls_print_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    with Progress("Silent", enabled=False) as bar:
        bar.note("never shown")
        bar.update("working")
    with Progress("Quick", delay=5.0) as bar:
        bar.update("working")
    assert capsys.readouterr().err == ""
    with Progress("Slow", delay=0.3) as bar:
        bar.update("working")
        time.sleep(0.8)  # the ticker shows it once the delay has passed
        assert "Slow: working" in sys.stderr.getvalue()  # type: ignore[attr-defined]
    assert "Slow: working" in capsys.readouterr().err


def test_reports_progress_titles_stages_failures_and_silencing(
    capsys: pytest.CaptureFixture[str], no_delay: None
) -> None:
    @reports_progress("Loading {name} ({rows:,} rows)")
    def load(name: str, rows: int, *, fail: bool = False, progress: bool = True) -> str:
        stage("reading")
        inner()
        if fail:
            raise ValueError("bad file")
        return name

    @reports_progress("Inner step")
    def inner(*, progress: bool = True) -> None:
        stage("inner work")

    assert load("events", 1200) == "events"
    err = capsys.readouterr().err
    assert "Loading events (1,200 rows): reading" in err and "Inner step: inner work" in err
    with pytest.raises(ValueError, match="bad file"):
        load("events", 5, fail=True)
    assert "Loading events (5 rows): failed (ValueError)" in capsys.readouterr().err
    # progress=False on the outer call silences the calls it makes too.
    load("events", 5, progress=False)
    assert capsys.readouterr().err == ""
    stage("outside any call")  # no bar: nothing happens
    assert _progress._CURRENT.get() is None


def test_slow_calls_show_progress(
    boto3_session: boto3.Session,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    no_delay: None,
) -> None:
    """register_dataframe, infer_schema_from_glue, readiness(df) and the wait after a create
    all show what they do through the one helper; progress=False silences each."""
    boto3_session.client("s3").create_bucket(Bucket="lake")
    df = sample_interactions(3_000, 500, 50, seed=1)
    schema = crn.infer_schema(df)
    crn.register_dataframe(df, "s3://lake/events/", "shop", "events", boto3_session=boto3_session)
    err = capsys.readouterr().err
    assert "Writing shop.events to s3://lake/events/: writing 3,000 rows as snappy Parquet" in err
    crn.infer_schema_from_glue("shop", "events", boto3_session=boto3_session)
    err = capsys.readouterr().err
    assert "Reading shop.events (Glue catalog and a bounded sample): reading a bounded" in err
    crn.readiness(df, schema)
    assert "Counting the readiness figures of 3,000 rows: counting users" in (
        capsys.readouterr().err
    )
    monkeypatch.setattr(_wait, "get_training_dataset", lambda arn, **_: {"status": "ACTIVE"})
    _wait.wait_until_active("arn:aws:cleanrooms-ml:us-east-1:1:training-dataset/x")
    assert "Waiting for training dataset arn:" in capsys.readouterr().err

    crn.register_dataframe(
        df, "s3://lake/quiet/", "shop", "quiet", progress=False, boto3_session=boto3_session
    )
    crn.infer_schema_from_glue("shop", "quiet", progress=False, boto3_session=boto3_session)
    crn.readiness(df, schema, progress=False)
    _wait.wait_until_active("arn:x", progress=False)
    assert capsys.readouterr().err == ""


def test_a_fake_kernel_gets_a_widget_then_a_static_line(monkeypatch: pytest.MonkeyPatch) -> None:
    """In a kernel: an ipywidgets bar while it runs, one static line (html + text) after."""
    import IPython.display
    import ipywidgets

    shown: list[Any] = []
    monkeypatch.setattr(IPython.display, "display", lambda obj, **kw: shown.append(obj))
    monkeypatch.setattr(_progress, "_in_kernel", lambda: True)
    with Progress("Querying", total=2) as bar:
        bar.note("Athena will scan 1.0 MB")
        bar.update("RUNNING")
        bar.count(1)
        widget = shown[0]
        assert isinstance(widget, ipywidgets.VBox)
        label = widget.children[1].children[1].value
        assert (
            "Querying: RUNNING (1 / 2" in label and "Athena will scan" in widget.children[0].value
        )
        assert widget.children[1].children[0].value == 0.5
    final = shown[-1]
    assert final["text/plain"].splitlines()[0] == "Athena will scan 1.0 MB"
    assert "Querying: RUNNING (1 / 2" in final["text/plain"]
    assert "&#10003;" in final["text/html"]
    # Without ipywidgets: a plain display updated in place.
    monkeypatch.setitem(sys.modules, "ipywidgets", None)
    handles: list[Any] = []

    class Handle:
        def __init__(self) -> None:
            self.bundles: list[dict[str, str]] = []
            handles.append(self)

        def update(self, bundle: dict[str, str], **_: Any) -> None:
            self.bundles.append(bundle)

    monkeypatch.setattr(IPython.display, "display", lambda obj, **kw: Handle())
    with Progress("Plain") as bar:
        bar.update("working")
    assert handles[0].bundles[-1]["text/plain"].startswith("Plain: working (")


@pytest.mark.notebook
def test_a_real_kernel_shows_the_widget_the_charts_and_keeps_the_line() -> None:
    """In a real Jupyter kernel: the progress widget, then a static line kept in the saved
    notebook; the report shows its charts as an embedded PNG, and plot() shows itself."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell(
            "import time\n"
            "from cleanroom_nb._progress import Progress\n"
            "with Progress('Counting') as bar:\n"
            "    bar.note('Athena will scan 1.0 MB')\n"
            "    bar.update('step 1')\n"
            "    time.sleep(1.2)\n"
            "    bar.update('step 2')\n"
        ),
        nbformat.v4.new_code_cell(
            "from cleanroom_nb._progress import reports_progress, stage\n"
            "@reports_progress('Slow step')\n"
            "def slow(progress=True):\n"
            "    stage('waiting')\n"
            "    time.sleep(2.0)\n"
            "slow()\n"
        ),
        nbformat.v4.new_code_cell(
            "import cleanroom_nb as crn\n"
            "from cleanroom_nb.local._sample_data import sample_interactions\n"
            "df = sample_interactions(5_000, 1_000, 100, seed=2)\n"
            "report = crn.readiness(df, crn.infer_schema(df))\n"
            "report"
        ),
        nbformat.v4.new_code_cell("report.plot(window=('2024-02-01', '2024-02-15'))"),
    ]
    NotebookClient(nb, kernel_name="python3", timeout=120, allow_errors=False).execute()
    progress_out, delayed_out, report_out, plot_out = (c.outputs for c in nb.cells)
    kinds = [o.output_type for o in progress_out]
    assert "stream" not in kinds  # nothing on stderr in a notebook
    widget = [o for o in progress_out if "application/vnd.jupyter.widget-view+json" in o.data]
    assert widget, progress_out
    final = progress_out[-1].data
    assert "Counting: step 2" in final["text/plain"] and "Athena will scan" in final["text/html"]
    # A bar shown after its delay is drawn from the ticker thread: it lands in its own cell.
    assert any("application/vnd.jupyter.widget-view+json" in o.data for o in delayed_out)
    assert "Slow step: waiting" in delayed_out[-1].data["text/plain"]
    page = report_out[-1].data["text/html"]
    assert "<img" in page and "data:image/png;base64," in page
    assert "image/png" in plot_out[-1].data and len(plot_out[-1].data["image/png"]) > 1000
