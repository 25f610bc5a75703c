"""Local AWS emulation: moto's server (S3, Glue, IAM, STS), the Clean Rooms ML emulator and a
local Athena that runs SQL on DuckDB over moto's Glue and S3.

:func:`local_aws` starts all three on 127.0.0.1 and points every boto3/awswrangler client of this
process at them through the environment; ``python -m cleanroom_nb local`` (:func:`main_local`)
starts them in a process of their own and prints the ``export`` lines a shell or a notebook
kernel needs.

Examples
--------
>>> import boto3
>>> with local_aws() as local:
...     boto3.client("s3").create_bucket(Bucket="demo")["ResponseMetadata"]["HTTPStatusCode"]
200
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import shlex
import signal
import sys
import threading
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TextIO

from cleanroom_nb.local.cleanroomsml import DEFAULT_ACCOUNT_ID, ENDPOINT_ENV, CleanRoomsMLEmulator

if TYPE_CHECKING:
    from cleanroom_nb.local.athena import LocalAthena

ATHENA_ENDPOINT_ENV = "AWS_ENDPOINT_URL_ATHENA"
"""The environment variable botocore reads for the Athena endpoint (the local Athena)."""

FAKE_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
}
"""The fake credentials the local emulation uses (moto accepts any)."""

_CLEARED = ("AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_PROFILE")


@dataclass
class LocalAws:
    """The running local emulation: where it listens and the environment that points at it.

    Attributes
    ----------
    moto_url
        moto's server (S3, Glue, IAM, STS, ...).
    cleanrooms_url
        The Clean Rooms ML emulator.
    env
        The environment variables that point boto3 and awswrangler here (endpoints, fake
        credentials, region).
    emulator
        The :class:`~cleanroom_nb.CleanRoomsMLEmulator` itself (for its test knobs).
    athena
        The local Athena (:class:`~cleanroom_nb.local.athena.LocalAthena`): Athena's API,
        running SQL on DuckDB over moto's Glue and S3.
    """

    moto_url: str
    cleanrooms_url: str
    env: dict[str, str]
    emulator: CleanRoomsMLEmulator
    region: str
    account_id: str = DEFAULT_ACCOUNT_ID
    _moto: Any = field(default=None, repr=False)
    athena: LocalAthena | None = None

    @property
    def athena_url(self) -> str | None:
        """The local Athena's URL (``AWS_ENDPOINT_URL_ATHENA``)."""
        return self.athena.url if self.athena is not None else None

    def reset(self) -> None:
        """Forget every resource in moto, the Clean Rooms ML emulator and the local Athena."""
        req = urllib.request.Request(f"{self.moto_url}/moto-api/reset", method="POST")
        with urllib.request.urlopen(req, timeout=10):
            pass
        self.emulator.reset()
        if self.athena is not None:
            self.athena.reset()

    def export_lines(self) -> list[str]:
        """``export NAME=value`` lines for a POSIX shell (paste them before starting Jupyter).

        Examples
        --------
        >>> with local_aws(set_env=False) as local:
        ...     local.export_lines()[-1]
        'unset AWS_SESSION_TOKEN AWS_SECURITY_TOKEN AWS_PROFILE'
        """
        lines = [f"export {k}={shlex.quote(v)}" for k, v in self.env.items()]
        return [*lines, "unset " + " ".join(_CLEARED)]

    def notebook_snippet(self) -> str:
        """Python lines that point a running notebook kernel at the local emulation."""
        body = "".join(f"os.environ[{k!r}] = {v!r}\n" for k, v in self.env.items())
        cleared = "".join(f"os.environ.pop({k!r}, None)\n" for k in _CLEARED)
        return "import os\nimport boto3\n" + body + cleared + "boto3.DEFAULT_SESSION = None\n"


def _start_moto(host: str, port: int) -> tuple[Any, str]:
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address=host, port=port, verbose=False)
    server.start()
    mhost, mport = server.get_host_and_port()
    return server, f"http://{mhost}:{mport}"


@contextlib.contextmanager
def local_aws(
    *,
    region: str = "us-east-1",
    account_id: str = DEFAULT_ACCOUNT_ID,
    moto_port: int = 0,
    cleanrooms_port: int = 0,
    athena_port: int = 0,
    set_env: bool = True,
) -> Iterator[LocalAws]:
    """Start moto's server, the Clean Rooms ML emulator and the local Athena on 127.0.0.1 and
    point AWS at them.

    While the block runs, ``AWS_ENDPOINT_URL`` names moto, ``AWS_ENDPOINT_URL_CLEANROOMSML``
    the emulator, ``AWS_ENDPOINT_URL_ATHENA`` the local Athena, and fake credentials and
    ``AWS_DEFAULT_REGION`` are set, so every boto3, awswrangler and cleanroom_nb call of this
    process talks to them. On exit the environment is restored exactly and every server stops.

    Parameters
    ----------
    region
        The region to set (``AWS_DEFAULT_REGION`` and ``AWS_REGION``).
    account_id
        The caller account of the Clean Rooms ML emulator; moto's default account is
        ``123456789012``, so keep the default unless you know why.
    moto_port, cleanrooms_port, athena_port
        Ports to listen on (0 picks free ones).
    set_env
        Set (and afterwards restore) the environment; with False only :attr:`LocalAws.env`
        tells the settings.

    Yields
    ------
    LocalAws
        ``.env``, ``.moto_url``, ``.cleanrooms_url``, ``.emulator`` and ``.athena``.

    Examples
    --------
    >>> import os
    >>> with local_aws() as local:
    ...     os.environ["AWS_ENDPOINT_URL"] == local.moto_url
    True
    """
    moto, moto_url = _start_moto("127.0.0.1", moto_port)
    emulator = CleanRoomsMLEmulator(port=cleanrooms_port, account_id=account_id, region=region)
    from cleanroom_nb.local.athena import LocalAthena

    athena = LocalAthena(moto_url=moto_url, port=athena_port, region=region)
    try:
        emulator.start()
        athena.start()
        env = {
            "AWS_ENDPOINT_URL": moto_url,
            ENDPOINT_ENV: emulator.url,
            ATHENA_ENDPOINT_ENV: athena.url,
            **FAKE_CREDENTIALS,
            "AWS_DEFAULT_REGION": region,
            "AWS_REGION": region,
        }
        local = LocalAws(
            moto_url, emulator.url, env, emulator, region, account_id, moto, athena=athena
        )
        if set_env:
            with _patched_env(env, clear=_CLEARED), _fresh_default_session():
                yield local
        else:
            yield local
    finally:
        athena.stop()
        emulator.stop()
        moto.stop()


@contextlib.contextmanager
def _fresh_default_session() -> Iterator[None]:
    """Let boto3's default session (which caches credentials) be made anew inside, and after."""
    import boto3

    saved = boto3.DEFAULT_SESSION
    boto3.DEFAULT_SESSION = None
    try:
        yield
    finally:
        boto3.DEFAULT_SESSION = saved


@contextlib.contextmanager
def _patched_env(values: Mapping[str, str], *, clear: Sequence[str] = ()) -> Iterator[None]:
    """Set ``values`` and unset ``clear`` in ``os.environ``; restore everything afterwards."""
    names = list(values) + [n for n in clear if n not in values]
    saved = {n: os.environ.get(n) for n in names}
    try:
        for n in clear:
            os.environ.pop(n, None)
        os.environ.update(values)
        yield
    finally:
        for n, old in saved.items():
            if old is None:
                os.environ.pop(n, None)
            else:
                os.environ[n] = old


def main_local(argv: Sequence[str] | None = None, *, out: TextIO | None = None) -> int:
    """``python -m cleanroom_nb local``: serve the local emulation until Ctrl-C (or SIGTERM).

    Prints the ``export`` lines for a shell and the equivalent Python lines for a running
    notebook kernel, then waits. All servers are threads of this process, so stopping it
    leaves nothing behind.

    Returns the exit status (0).
    """
    parser = argparse.ArgumentParser(
        prog="python -m cleanroom_nb local",
        description="Serve moto (S3, Glue, IAM, STS), a Clean Rooms ML emulator and a local "
        "Athena (SQL on DuckDB) on 127.0.0.1 until Ctrl-C, and print the settings that point "
        "AWS clients at them.",
    )
    parser.add_argument("--region", default="us-east-1")
    parser.add_argument("--moto-port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--cleanrooms-port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--athena-port", type=int, default=0, help="0 picks a free port")
    args = parser.parse_args(list(argv) if argv is not None else None)
    stream = out or sys.stdout
    stop = threading.Event()

    def _stop(_signum: int, _frame: Any) -> None:
        stop.set()

    previous = {}
    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGINT, signal.SIGTERM):
            previous[sig] = signal.signal(sig, _stop)
    try:
        with local_aws(
            region=args.region,
            moto_port=args.moto_port,
            cleanrooms_port=args.cleanrooms_port,
            athena_port=args.athena_port,
            set_env=False,
        ) as local:
            print(
                "# Local AWS emulation is running. In a shell, before starting Jupyter:",
                file=stream,
            )
            for line in local.export_lines():
                print(line, file=stream)
            print("# Or, in a running notebook, execute:", file=stream)
            for line in local.notebook_snippet().splitlines():
                print("#   " + line, file=stream)
            print("# Ctrl-C stops it.", file=stream, flush=True)
            while not stop.is_set():
                stop.wait(0.5)
            print("# stopping the local AWS emulation", file=stream, flush=True)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return 0
