"""Bounded time for the live INSEE readers (:mod:`ingest.live_insee`): each live read runs in a
worker thread with a hard deadline; while it runs, every pynsee request gets a timeout within the
time left, one retry at most and a bounded rate-limiter wait, and a request started after the
deadline is refused."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

__all__ = [
    "CONNECT_TIMEOUT",
    "LiveSourceError",
    "LiveTimeout",
    "install_bounds",
    "run_with_deadline",
    "time_left",
]

CONNECT_TIMEOUT = 5.0


class LiveSourceError(RuntimeError):
    """The live source could not give a usable answer."""


class LiveTimeout(LiveSourceError):
    """The live source did not answer within the deadline."""


# --------------------------------------------------------------------------------------------
# Deadline: a worker thread, and pynsee's session bounded while it runs.
# --------------------------------------------------------------------------------------------

_local = threading.local()
_install_lock = threading.Lock()
_installed = False


def _bounded_retry():
    from urllib3.util.retry import Retry

    return Retry(
        total=1, backoff_factor=0.2, status_forcelist=(429, 502, 503, 504), respect_retry_after_header=False
    )


def time_left(what: str) -> float:
    """Seconds left to the current live worker; :class:`LiveTimeout` once it is told to stop.

    Outside a live worker thread there is no deadline (``inf``).
    """
    cancel = getattr(_local, "cancel", None)
    if cancel is None:
        return float("inf")
    remaining = _local.deadline - time.monotonic()
    if cancel.is_set() or remaining <= 0:
        raise LiveTimeout(f"délai dépassé {what}")
    return remaining


def install_bounds() -> None:
    """Wrap ``PynseeAPISession.request`` once; it is bounded only in live worker threads."""
    global _installed
    with _install_lock:
        if _installed:
            return
        from pynsee.utils.requests_session import PynseeAPISession

        original = PynseeAPISession.request

        def request(self, method, url, timeout=(10, 15), raise_if_not_ok=True, **kwargs):
            if getattr(_local, "cancel", None) is not None:
                remaining = time_left(f"avant l'appel de {url}")
                timeout = (min(CONNECT_TIMEOUT, remaining), remaining)
                for adapter in self.adapters.values():
                    adapter.max_retries = _bounded_retry()
                    if hasattr(adapter, "max_delay"):  # requests-ratelimiter: bounded wait
                        adapter.max_delay = remaining
            return original(self, method, url, timeout=timeout, raise_if_not_ok=raise_if_not_ok, **kwargs)

        request.__wrapped__ = original  # type: ignore[attr-defined]
        PynseeAPISession.request = request
        _installed = True


def run_with_deadline(func: Callable[..., Any], deadline: float, *args: Any) -> Any:
    """Run ``func(*args)`` in a worker thread and give up after ``deadline`` seconds.

    pynsee requests made by the worker are bounded by the time left (see module doc).
    Raises :class:`LiveTimeout` when the deadline passes; the worker is told to stop at
    its next request and is left to finish in the background (a daemon thread).

    Examples
    --------
    >>> run_with_deadline(lambda x: x * 2, 1.0, 21)
    42
    >>> try:
    ...     run_with_deadline(time.sleep, 0.05, 1)
    ... except LiveTimeout as exc:
    ...     print(exc)
    pas de réponse complète en 0.05 s
    """
    if deadline <= 0:
        raise ValueError(f"the live deadline must be positive, not {deadline!r}")
    cancel = threading.Event()
    box: dict[str, Any] = {}
    limit = time.monotonic() + deadline

    def target() -> None:
        _local.cancel = cancel
        _local.deadline = limit
        try:
            box["value"] = func(*args)
        except BaseException as exc:  # noqa: BLE001 - handed to the caller
            box["error"] = exc
        finally:
            _local.cancel = None

    worker = threading.Thread(
        target=target, name=f"pacte-live-{getattr(func, '__name__', 'call')}", daemon=True
    )
    worker.start()
    worker.join(deadline)
    if worker.is_alive():
        cancel.set()
        raise LiveTimeout(f"pas de réponse complète en {deadline:g} s")
    if "error" in box:
        raise box["error"]
    return box["value"]
