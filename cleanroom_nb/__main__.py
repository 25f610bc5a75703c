"""Command line: ``python -m cleanroom_nb demo [--headless]`` and ``python -m cleanroom_nb local``.

``demo`` starts the local AWS emulation (moto's server for S3/Glue/IAM/STS/Athena plus the Clean
Rooms ML emulator), registers a generated sample interactions dataset in Glue and serves the form
notebook with Voilà. ``demo --headless`` runs the whole flow without a browser: training dataset,
an audience model trained on it (the emulator trains for a few seconds), its output role and a
configured audience model, whose ARN is the last line printed. ``local`` only starts the emulation
and prints the settings a notebook needs.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

DEMO_BUCKET = "cleanroom-nb-demo"
DEMO_DATABASE = "cleanroom_nb_demo"
DEMO_TABLE = "interactions"
DEMO_ROLE = "cleanrooms-ml-interactions"
"""The role the demo creates: the name the form proposes for the table, so it is selected."""
DEMO_NAME = "demo-lookalike-training"
DEMO_ATHENA_OUTPUT = f"s3://{DEMO_BUCKET}/athena-results/"
DEMO_MODEL = "demo-lookalike-model"
DEMO_CONFIGURED = "demo-lookalike-shared"
DEMO_OUTPUT_ROLE = "cleanrooms-ml-demo-segments"
DEMO_SEGMENTS = f"s3://{DEMO_BUCKET}/lookalike-segments/"
DEMO_TRAINING_SECONDS = 3.0
"""How long the emulator trains the demo's audience model (AWS: "several hours to 2 days")."""


def _say(msg: str) -> None:
    print(msg, flush=True)


def prepare_demo_data(*, n_rows: int, n_users: int, boto3_session: Any = None) -> Any:
    """Register the sample interactions in the local Glue catalog; return the Glue schema."""
    import cleanroom_nb as crn
    from cleanroom_nb.aws import _client
    from cleanroom_nb.local._sample_data import sample_interactions

    t0 = time.perf_counter()
    df = sample_interactions(n_rows=n_rows, n_users=n_users, seed=0)
    _say(f"generated {len(df):,} sample interactions in {time.perf_counter() - t0:.1f} s")
    schema = crn.infer_schema(df)
    _say(repr(schema))
    # Only the columns with a role go to S3: left-out raw PII (the e-mail) never leaves memory.
    used = [c.name for c in schema.columns if c.role is not None]
    df = df[used]
    s3 = _client.client("s3", boto3_session)
    s3.create_bucket(Bucket=DEMO_BUCKET)
    t0 = time.perf_counter()
    glue_schema = crn.register_dataframe(
        df,
        f"s3://{DEMO_BUCKET}/{DEMO_TABLE}/",
        DEMO_DATABASE,
        DEMO_TABLE,
        schema=schema,
        mode="overwrite",
        boto3_session=boto3_session,
    )
    _say(f"registered Glue table {DEMO_DATABASE}.{DEMO_TABLE} in {time.perf_counter() - t0:.1f} s")
    report = crn.readiness(df, glue_schema)
    _say(str(report))
    return glue_schema


def run_headless(args: argparse.Namespace) -> int:
    """The whole flow without a browser; the last printed line is the configured audience
    model's ARN (the training dataset's and the audience model's are printed before it)."""
    import cleanroom_nb as crn

    with crn.local_aws() as local:
        _say(
            f"local AWS emulation: moto {local.moto_url}, Clean Rooms ML {local.cleanrooms_url}, "
            f"Athena {local.athena_url}"
        )
        prepare_demo_data(n_rows=args.rows, n_users=args.users)
        schema = crn.infer_schema_from_glue(DEMO_DATABASE, DEMO_TABLE)
        _say(repr(schema))
        # The same figures again, from ONE SQL query run by the local Athena on the Glue table.
        report = crn.readiness_from_athena(
            DEMO_DATABASE, DEMO_TABLE, schema, s3_output=DEMO_ATHENA_OUTPUT, progress=False
        )
        _say(str(report))
        role_arn = crn.create_role(
            DEMO_ROLE,
            database=DEMO_DATABASE,
            table=DEMO_TABLE,
            s3_location=f"s3://{DEMO_BUCKET}/{DEMO_TABLE}/",
        )
        _say(f"service role: {role_arn}")
        request = crn.build_request(
            name=DEMO_NAME,
            role_arn=role_arn,
            database=DEMO_DATABASE,
            table=DEMO_TABLE,
            schema=schema,
            description="Sample interactions registered by `python -m cleanroom_nb demo`",
            tags={"project": "cleanroom_nb-demo"},
        )
        findings = crn.validate_request(request, boto3_session=None)
        _say(str(findings))
        arn = crn.create_training_dataset(request, wait=True, if_exists="reuse", timeout=60)
        _say(f"training dataset: {arn}")
        local.emulator.training_seconds = DEMO_TRAINING_SECONDS
        carn = train_and_configure(arn)
        _say(carn)
    return 0


def train_and_configure(training_dataset_arn: str, boto3_session: Any = None) -> str:
    """Train an audience model on the dataset (window from the data, checked with ONE Athena
    query), create the output role, configure the model; return the configured model's ARN."""
    import cleanroom_nb as crn

    model_arn = crn.create_audience_model(
        training_dataset_arn,
        DEMO_MODEL,
        description="Trained on the demo's sample interactions (window: the data's span)",
        tags={"project": "cleanroom_nb-demo"},
        wait=True,
        timeout=120,
        poll_interval=0.5,
        if_exists="reuse",
        s3_output=DEMO_ATHENA_OUTPUT,
        boto3_session=boto3_session,
    )
    model = crn.get_audience_model(model_arn, boto3_session=boto3_session)
    _say(
        f"audience model: {model_arn} ({model['status']}, trained on "
        f"{model['trainingDataStartTime']:%Y-%m-%d} .. {model['trainingDataEndTime']:%Y-%m-%d})"
    )
    role_arn = crn.create_output_role(
        DEMO_OUTPUT_ROLE,
        output_s3_uri=DEMO_SEGMENTS,
        if_exists="update",
        boto3_session=boto3_session,
    )
    _say(f"output role: {role_arn}")
    return crn.create_configured_audience_model(
        model_arn,
        DEMO_CONFIGURED,
        output_s3_uri=DEMO_SEGMENTS,
        role_arn=role_arn,
        shared_audience_metrics="ALL",
        description="The demo's lookalike model, ready for a collaboration",
        if_exists="reuse",
        boto3_session=boto3_session,
    )


def voila_command(voila: str, notebook: Path, port: int) -> list[str]:
    """How the demo starts Voilà: on 127.0.0.1 only, with Jupyter's same-origin checks.

    No ``allow_origin``: a web page of another origin visited while the demo runs cannot
    drive the form's kernel (its websocket is refused).
    """
    return [voila, str(notebook), "--no-browser", f"--port={port}", "--Voila.ip=127.0.0.1"]


def wait_until_answering(
    port: int, proc: subprocess.Popen[Any], *, timeout: float = 300.0, stop: Any = None
) -> bool:
    """Wait until the server on ``port`` answers HTTP; False if ``proc`` exits or time runs out.

    It asks ``HEAD /``, which Voilà answers without starting a kernel.
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        if stop is not None and stop.is_set():
            return False
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        try:
            conn.request("HEAD", "/")
            conn.getresponse().read()
            return True
        except OSError:
            time.sleep(0.25)
        finally:
            conn.close()
    return False


def create_demo_role(boto3_session: Any = None) -> str:
    """The demo's service role for its table (so the form's role dropdown offers it)."""
    import cleanroom_nb as crn

    return crn.create_role(
        DEMO_ROLE,
        database=DEMO_DATABASE,
        table=DEMO_TABLE,
        s3_location=f"s3://{DEMO_BUCKET}/{DEMO_TABLE}/",
        if_exists="update",
        boto3_session=boto3_session,
    )


def run_served(args: argparse.Namespace) -> int:
    """Start the emulation, register the data and serve the form notebook with Voilà."""
    import cleanroom_nb as crn

    notebook = Path(__file__).resolve().parent.parent / "notebooks" / "03_form.ipynb"
    if not notebook.exists():
        _say(f"cannot find the form notebook at {notebook}; run the demo from a clone of the repo")
        return 2
    voila = shutil.which("voila", path=os.path.dirname(sys.executable)) or shutil.which("voila")
    if voila is None:
        _say("Voilà is not installed: pip install 'cleanroom_nb[demo]' (or use --headless)")
        return 2
    stop = threading.Event()

    def _stop(_signum: int, _frame: Any) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, _stop)
    with crn.local_aws() as local:
        local.emulator.training_seconds = DEMO_TRAINING_SECONDS
        prepare_demo_data(n_rows=args.rows, n_users=args.users)
        _say(f"service role: {create_demo_role()}")
        env = {
            **os.environ,
            **local.env,
            "CLEANROOM_NB_DATABASE": DEMO_DATABASE,
            "CLEANROOM_NB_TABLE": DEMO_TABLE,
            "CLEANROOM_NB_DEMO": "1",
            "CLEANROOM_NB_ATHENA_OUTPUT": DEMO_ATHENA_OUTPUT,
        }
        proc = subprocess.Popen(
            voila_command(voila, notebook, args.port), env=env, start_new_session=True
        )
        try:
            _say("starting Voilà ...")
            if wait_until_answering(args.port, proc, stop=stop):
                _say(
                    f"\nThe form is served at http://127.0.0.1:{args.port}/  (Ctrl-C stops the demo)"
                )
                while not stop.is_set() and proc.poll() is None:
                    stop.wait(0.5)
            elif not stop.is_set():
                _say(f"Voilà did not answer on port {args.port} (exit code {proc.poll()})")
                return 1
        except KeyboardInterrupt:
            pass
        finally:
            _terminate(proc)
    _say("demo stopped")
    return 0


def _terminate(proc: subprocess.Popen[Any]) -> None:
    """Stop a child process group, politely first."""
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=10)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=5)


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``python -m cleanroom_nb``."""
    parser = argparse.ArgumentParser(prog="python -m cleanroom_nb", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    demo = sub.add_parser("demo", help="run the whole flow on the local AWS emulation")
    demo.add_argument(
        "--headless",
        action="store_true",
        help="no browser: train, configure and print the configured audience model's ARN",
    )
    demo.add_argument("--port", type=int, default=8866, help="port for Voilà (default 8866)")
    demo.add_argument("--rows", type=int, default=1_200_000, help="sample rows to generate")
    demo.add_argument("--users", type=int, default=150_000, help="distinct users to generate")
    sub.add_parser("local", help="start the local AWS emulation and print its settings")
    args, rest = parser.parse_known_args(argv)
    try:
        if args.command == "local":
            from cleanroom_nb.local._stack import main_local

            return main_local(rest)
        if rest:
            parser.error(f"unrecognized arguments: {' '.join(rest)}")
        return run_headless(args) if args.headless else run_served(args)
    except KeyboardInterrupt:
        _say("interrupted")
        return 130


if __name__ == "__main__":
    sys.exit(main())
