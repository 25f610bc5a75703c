"""Progress for slow calls: ONE helper, a widget in a notebook and one line on stderr elsewhere.

Every call that can take more than a moment (an Athena query, writing a table, reading a
sample, waiting for a training dataset or an audience model) shows what it is doing through
:class:`Progress`:

- in a Jupyter kernel (JupyterLab, Notebook, Voilà): an ipywidgets bar and label, updated in
  place; when the call ends the widget gives way to one static line (kept in the saved notebook
  and in static HTML exports). Without ipywidgets, a plain display updated in place;
- elsewhere (a terminal, a script, a log): one line on stderr, rewritten in place on a terminal,
  or one line per change of state when stderr is a file or a pipe.

``progress=False`` on the calling function silences it (``enabled=False`` here). A bar stays
hidden for its first ``delay`` seconds, so quick calls print nothing; :meth:`Progress.note`
lines (such as the scan estimate of an Athena query) are shown at once and kept.

ipywidgets and IPython are imported only when a bar is shown in a kernel, never at
``import cleanroom_nb``. This module is at the package root so every stage can use it.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import html
import inspect
import sys
import threading
import time
from collections.abc import Callable, Iterator
from types import TracebackType
from typing import Any, ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")

TICK_SECONDS = 0.5
"""How often the elapsed time is refreshed while nothing else changes."""
DEFAULT_DELAY = 1.0
"""Seconds a generic bar waits before it shows (calls shorter than that print nothing)."""


def _in_kernel() -> bool:
    """Whether code runs in a Jupyter kernel (not a terminal IPython, not plain Python)."""
    if "IPython" not in sys.modules:  # never imported: certainly no kernel
        return False
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython half-installed
        return False
    ip = get_ipython()
    return ip is not None and getattr(ip, "kernel", None) is not None


def _fmt_seconds(seconds: float) -> str:
    """Elapsed time for people.

    Examples
    --------
    >>> _fmt_seconds(3.25), _fmt_seconds(125)
    ('3.2 s', '2 min 5 s')
    """
    if seconds < 60:
        return f"{seconds:.1f} s"
    return f"{int(seconds // 60)} min {int(seconds % 60)} s"


class Progress:
    """What a slow call is doing, shown in place (see the module docs).

    Parameters
    ----------
    title
        What the call does, e.g. ``"Athena readiness query on sales.events"``.
    enabled
        False: show nothing (the caller's ``progress=False``).
    total
        How many units the work has, when known (then a bar shows ``done / total``).
    unit
        The unit's name for the text (``"files"``).
    delay
        Seconds before the bar shows; :meth:`note` and :meth:`close` texts of a call that ran
        longer, or had notes, are always shown.

    Examples
    --------
    >>> with Progress("Counting", enabled=False, total=3, unit="files") as bar:
    ...     bar.note("3 files to read")
    ...     bar.advance()
    ...     bar.update("reading")
    >>> (bar.done, bar.text)
    (1.0, 'reading')
    """

    def __init__(
        self,
        title: str,
        enabled: bool = True,
        *,
        total: float | None = None,
        unit: str = "",
        delay: float = 0.0,
    ) -> None:
        self.title = title
        self.enabled = enabled
        self.total = total
        self.unit = unit
        self.delay = delay
        self.start = time.monotonic()
        self.text = ""
        self.done = 0.0
        self.notes: list[str] = []
        self.closed = False
        self.failed = False
        self._lock = threading.RLock()
        self._view: _View | None = None
        self._shown = False
        self._stop = threading.Event()
        self._ticker: threading.Thread | None = None
        self._token: contextvars.Token[Progress | None] | None = None
        parent = _CURRENT.get()
        if parent is not None and not parent.enabled:
            self.enabled = enabled = False  # progress=False on the outer call silences it all
        self._kernel = False
        if enabled:
            self._kernel = _in_kernel()
            # The ticker runs in a copy of the caller's context: a kernel that routes output by
            # context (ipykernel 7) puts what it shows in the calling cell.
            context = contextvars.copy_context()
            self._ticker = threading.Thread(
                target=context.run, args=(self._tick,), name="cleanroom_nb-progress", daemon=True
            )
            self._ticker.start()

    # ------------------------------------------------------------------ state
    @property
    def seconds(self) -> float:
        """Seconds since the bar was made."""
        return time.monotonic() - self.start

    def update(self, text: str) -> None:
        """Show a new state, e.g. ``"RUNNING, 1.2 GB scanned"``; tell the watchers too."""
        with self._lock:
            self.text = text
            self._render()
        for callback in _WATCHERS.get():
            callback(self.title, text)

    def count(self, done: float, total: float | None = None) -> None:
        """Show how much is done (of ``total`` units, when known)."""
        with self._lock:
            self.done = float(done)
            if total is not None:
                self.total = total
            self._render()

    def advance(self, n: float = 1) -> None:
        """Count ``n`` more units done."""
        with self._lock:
            self.done += n
            self._render()

    def note(self, text: str) -> None:
        """A line to keep (e.g. what a query will scan): shown at once, and kept at the end."""
        with self._lock:
            self.notes.append(text)
            if self.enabled and not self.closed:
                self._shown = True
                self._get_view().note(text)

    def close(self, text: str | None = None, *, failed: bool = False) -> None:
        """End the bar with a last state; the line is kept when anything was shown."""
        with self._lock:
            if self.closed:
                return
            if text is not None:
                self.text = text
            self.failed = failed
            self.closed = True
        self._stop.set()
        if self._ticker is not None and self._ticker is not threading.current_thread():
            self._ticker.join(timeout=2)
        with self._lock:
            if self.enabled and (self._shown or self.seconds >= self.delay):
                self._shown = True
                self._get_view().finish(self.line(), failed=failed)

    def __enter__(self) -> Progress:
        self._token = _CURRENT.set(self)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._token is not None:
            _CURRENT.reset(self._token)
            self._token = None
        if exc_type is None:
            self.close()
        else:
            self.close(f"failed ({exc_type.__name__})", failed=True)

    # ------------------------------------------------------------------ rendering
    def line(self) -> str:
        """``title: text (n / total unit, elapsed)`` as shown."""
        parts = []
        if self.total:
            parts.append(
                f"{self.done:,.0f} / {self.total:,.0f}{' ' + self.unit if self.unit else ''}"
            )
        parts.append(_fmt_seconds(self.seconds))
        return f"{self.title}: {self.text or 'starting'} ({', '.join(parts)})"

    def _get_view(self) -> _View:
        """The display, made when something is first shown (a quick call makes none)."""
        if self._view is None:
            self._view = _NotebookView() if self._kernel else _StreamView()
        return self._view

    def _render(self) -> None:
        if not self.enabled or self.closed:
            return
        if not self._shown and self.seconds < self.delay:
            return
        self._shown = True
        fraction = None
        if self.total:
            fraction = max(0.0, min(1.0, self.done / self.total))
        self._get_view().show(self.line(), fraction)

    def _tick(self) -> None:
        while not self._stop.wait(TICK_SECONDS):
            with self._lock:
                self._render()


_CURRENT: contextvars.ContextVar[Progress | None] = contextvars.ContextVar(
    "cleanroom_nb_progress", default=None
)
"""The bar of the call running in this context (see :func:`stage`)."""


_WATCHERS: contextvars.ContextVar[tuple[Callable[[str, str], None], ...]] = contextvars.ContextVar(
    "cleanroom_nb_progress_watchers", default=()
)
"""Who else hears the states of the bars made in this context (see :func:`watch`)."""


@contextlib.contextmanager
def watch(callback: Callable[[str, str], None]) -> Iterator[None]:
    """Also tell ``callback(title, text)`` every state a bar shows inside the block, even a bar
    silenced by ``progress=False`` (a front end, such as the form, shows them its own way).

    Examples
    --------
    >>> seen = []
    >>> with watch(lambda title, text: seen.append(text)):
    ...     with Progress("Waiting", enabled=False):
    ...         stage("CREATE_PENDING")
    >>> seen
    ['CREATE_PENDING']
    """
    token = _WATCHERS.set((*_WATCHERS.get(), callback))
    try:
        yield
    finally:
        _WATCHERS.reset(token)


def stage(text: str) -> None:
    """Tell the bar of the running call (if any) what it does now.

    Examples
    --------
    >>> stage("reading the catalog")  # outside a call with a bar: nothing happens
    """
    bar = _CURRENT.get()
    if bar is not None:
        bar.update(text)


def retitle(title: str) -> None:
    """Rename the bar of the running call (if any), e.g. once the resource's name is read.

    Examples
    --------
    >>> with Progress("Waiting for model 1a2b", enabled=False) as bar:
    ...     retitle("Training audience model 'spring'")
    >>> bar.title
    "Training audience model 'spring'"
    """
    bar = _CURRENT.get()
    if bar is not None:
        bar.title = title  # the next line drawn shows it


def reports_progress(title: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Give a function a bar: ``title`` formatted with its arguments, shown after
    :data:`DEFAULT_DELAY` seconds, silenced by its ``progress=False`` argument.

    The function tells what it does with :func:`stage`. Inside it, other calls' bars are
    silenced when it was called with ``progress=False``.

    Examples
    --------
    >>> @reports_progress("Loading {name}")
    ... def load(name: str, *, progress: bool = True) -> str:
    ...     stage("reading")
    ...     return name.upper()
    >>> load("events", progress=False)
    'EVENTS'
    """

    def decorate(fn: Callable[P, R]) -> Callable[P, R]:
        signature = inspect.signature(fn)

        @functools.wraps(fn)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            bound = signature.bind(*args, **kwargs)
            bound.apply_defaults()
            enabled = bool(bound.arguments.get("progress", True))
            try:
                text = title.format(**bound.arguments)
            except (AttributeError, IndexError, KeyError, TypeError, ValueError):
                text = title  # arguments the title cannot show: the call reports the problem
            with Progress(text, enabled, delay=DEFAULT_DELAY):
                return fn(*args, **kwargs)

        return wrapper

    return decorate


class _View:
    """Where a bar is drawn."""

    def show(self, line: str, fraction: float | None) -> None:
        raise NotImplementedError

    def note(self, text: str) -> None:
        raise NotImplementedError

    def finish(self, line: str, *, failed: bool) -> None:
        raise NotImplementedError


class _StreamView(_View):
    """stderr: one line rewritten in place on a terminal, else one line per change of state."""

    def __init__(self) -> None:
        self.stream = sys.stderr
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self._open = False  # a line without its newline is on screen
        self._last_state = ""

    def _write(self, text: str) -> None:
        try:
            self.stream.write(text)
            self.stream.flush()
        except (OSError, ValueError):  # a closed stream: progress is not worth failing for
            pass

    def show(self, line: str, fraction: float | None) -> None:
        if self.tty:
            bar = ""
            if fraction is not None:
                filled = round(fraction * 20)
                bar = "[" + "#" * filled + "." * (20 - filled) + "] "
            self._write("\r\x1b[2K" + bar + line)
            self._open = True
            return
        state = line.rsplit(" (", 1)[0]  # without the elapsed time: one line per change
        if state != self._last_state:
            self._last_state = state
            self._write(line + "\n")

    def note(self, text: str) -> None:
        self._write(("\r\x1b[2K" if self._open else "") + text + "\n")
        self._open = False

    def finish(self, line: str, *, failed: bool) -> None:
        if self.tty:
            self._write("\r\x1b[2K" + line + "\n")
        elif line.rsplit(" (", 1)[0] != self._last_state:
            self._write(line + "\n")
        self._open = False


class _NotebookView(_View):
    """An ipywidgets bar and label in the cell's output, or a plain display without ipywidgets.

    Made when the bar first shows, possibly in the ticker thread (which runs in the caller's
    context, so the display lands in the calling cell); updates may come from any thread.
    """

    def __init__(self) -> None:
        from IPython.display import display

        self._display = display
        self._notes: list[str] = []
        self._widget: Any = None
        self._handle: Any = None
        try:
            import ipywidgets as w
        except ImportError:
            self._handle = display({"text/plain": ""}, raw=True, display_id=True)
            return
        self._bar = w.FloatProgress(value=0.0, min=0.0, max=1.0, layout=w.Layout(width="160px"))
        self._bar.layout.display = "none"
        self._label = w.HTML()
        self._notes_html = w.HTML()
        self._widget = w.VBox([self._notes_html, w.HBox([self._bar, self._label])])
        self._widget.add_class("cleanroom-nb-progress")
        display(self._widget)

    def _html(self, line: str, colour: str = "#57606a") -> str:
        return f"<span style='color:{colour};font-family:monospace'>{html.escape(line)}</span>"

    def show(self, line: str, fraction: float | None) -> None:
        if self._widget is None:
            self._handle.update({"text/plain": "\n".join([*self._notes, line])}, raw=True)
            return
        if fraction is not None:
            self._bar.layout.display = ""
            self._bar.value = fraction
        self._label.value = "&#8987; " + self._html(line)

    def note(self, text: str) -> None:
        self._notes.append(text)
        if self._widget is None:
            self._handle.update({"text/plain": "\n".join(self._notes)}, raw=True)
            return
        self._notes_html.value = "<br>".join(self._html(n, "#24292f") for n in self._notes)

    def finish(self, line: str, *, failed: bool) -> None:
        lines = [*self._notes, line]
        text = "\n".join(lines)
        mark = "&#10007; " if failed else "&#10003; "
        body = "<br>".join(
            [*(self._html(n, "#24292f") for n in self._notes), mark + self._html(line)]
        )
        bundle = {"text/plain": text, "text/html": f"<div>{body}</div>"}
        if self._widget is None:
            self._handle.update(bundle, raw=True)
            return
        # The widget gives way to a static line: kept in the saved notebook and HTML exports.
        self._widget.close()
        self._display(bundle, raw=True)
