"""Live client of the data·inclusion API v1, and the ``di_api`` readers that use it.

The API (https://api.data.inclusion.gouv.fr, code in gip-inclusion/data-inclusion,
``api/``) serves ``/api/v1/structures``, ``/api/v1/services`` and
``/api/v1/search/services``. Every call needs a bearer token; lists are paged with the
query parameters ``page`` (from 1) and ``size`` (at most 10 000) and answer
``{"items": [...], "total": n, "page": p, "size": len(items), "pages": m}``; the lists
are filtered here by ``code_departement``. Search answers wrap each service as
``{"service": {..., "structure": {...}}, "distance": metres}``.

Configuration (environment, read by :meth:`ApiConfig.from_env` and :func:`offre_mode`):

``DATA_INCLUSION_API_TOKEN``  the token (required in live mode)
``DATA_INCLUSION_API_URL``    base URL (default :data:`DEFAULT_BASE_URL`)
``PACTE_OFFRE_MODE``          ``snapshot`` (default: the ``di_api`` tables come from the
                              recorded answers in ``data-inclusion/api-v1-mocks``) or
                              ``live`` (the API is called; when it cannot be reached the
                              snapshot is used, marked ``stale`` with a message)

Calls are bounded: a timeout per call, at most ``max_attempts`` tries on 429 and 5xx
answers, timeouts, connection and other transport errors, with exponential backoff (or the server's
``Retry-After``). A refused token (401/403) and other 4xx answers fail at once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import requests

from ingest.core import ReadResult, SourceInfo
from ingest.offre.data_inclusion import (
    API_MOCKS_DIR,
    api_services_result,
    api_structures_result,
    read_api_snapshot_services,
    read_api_snapshot_structures,
)
from socle.settings import environment

__all__ = [
    "DEFAULT_BASE_URL",
    "TOKEN_ENV",
    "URL_ENV",
    "MODE_ENV",
    "ApiConfig",
    "DataInclusionApiError",
    "MissingTokenError",
    "DataInclusionClient",
    "offre_mode",
    "read_structures_live",
    "read_services_live",
    "read_di_api_structures",
    "read_di_api_services",
]

DEFAULT_BASE_URL = "https://api.data.inclusion.gouv.fr"
TOKEN_ENV = "DATA_INCLUSION_API_TOKEN"
URL_ENV = "DATA_INCLUSION_API_URL"
MODE_ENV = "PACTE_OFFRE_MODE"
STRUCTURES_PATH = "/api/v1/structures"
SERVICES_PATH = "/api/v1/services"
SEARCH_PATH = "/api/v1/search/services"
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
MAX_PAGE_SIZE = 10_000


class DataInclusionApiError(RuntimeError):
    """The API could not give an answer (after the allowed retries) or refused the call."""


class MissingTokenError(DataInclusionApiError):
    """Live mode without ``DATA_INCLUSION_API_TOKEN``."""


@dataclass(frozen=True)
class ApiConfig:
    """Where and how to call the API.

    Examples
    --------
    >>> c = ApiConfig.from_env({"DATA_INCLUSION_API_TOKEN": "t", "DATA_INCLUSION_API_URL": "http://x/"})
    >>> c.base_url, c.token, c.page_size
    ('http://x', 't', 1000)
    >>> ApiConfig.from_env({}).base_url
    'https://api.data.inclusion.gouv.fr'
    """

    token: str | None
    base_url: str = DEFAULT_BASE_URL
    timeout: float = 20.0
    page_size: int = 1000
    max_attempts: int = 4
    backoff: float = 1.0
    max_backoff: float = 30.0
    max_pages: int = 10_000

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, timeout: float = 20.0) -> ApiConfig:
        """Token and URL from the environment (see the module docstring)."""
        env = environment() if environ is None else environ
        token = (env.get(TOKEN_ENV) or "").strip() or None
        base_url = ((env.get(URL_ENV) or "").strip() or DEFAULT_BASE_URL).rstrip("/")
        return cls(token=token, base_url=base_url, timeout=timeout)


def offre_mode(environ: Mapping[str, str] | None = None) -> str:
    """``snapshot`` (default) or ``live``, from ``PACTE_OFFRE_MODE``.

    Examples
    --------
    >>> offre_mode({}), offre_mode({"PACTE_OFFRE_MODE": " LIVE "})
    ('snapshot', 'live')
    >>> offre_mode({"PACTE_OFFRE_MODE": "online"})
    Traceback (most recent call last):
    ...
    ValueError: PACTE_OFFRE_MODE must be 'snapshot' or 'live', not 'online'
    """
    env = environment() if environ is None else environ
    mode = (env.get(MODE_ENV) or "snapshot").strip().lower()
    if mode not in {"snapshot", "live"}:
        raise ValueError(f"{MODE_ENV} must be 'snapshot' or 'live', not {mode!r}")
    return mode


def _retry_after(response: requests.Response) -> float | None:
    value = response.headers.get("Retry-After")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None


class DataInclusionClient:
    """Small, bounded client of the API v1 (``requests``; no other dependency).

    ``sleep`` is injectable so that tests never wait.
    """

    def __init__(
        self,
        config: ApiConfig,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ):
        if not config.token:
            raise MissingTokenError(
                f"no data·inclusion API token: set {TOKEN_ENV} (a token is requested from the "
                f"GIP de l'inclusion), or use {MODE_ENV}=snapshot"
            )
        if not 1 <= config.page_size <= MAX_PAGE_SIZE:
            raise ValueError(f"page_size must be between 1 and {MAX_PAGE_SIZE}")
        self.config = config
        self.session = session or requests.Session()
        self.sleep = sleep

    def get(self, path: str, params: Mapping[str, Any]) -> Any:
        """GET ``path`` with bounded retries; returns the decoded JSON body."""
        url = f"{self.config.base_url}{path}"
        headers = {"Authorization": f"Bearer {self.config.token}", "Accept": "application/json"}
        problem = ""
        for attempt in range(1, self.config.max_attempts + 1):
            wait = min(self.config.max_backoff, self.config.backoff * 2 ** (attempt - 1))
            try:
                response = self.session.get(
                    url, params=dict(params), headers=headers, timeout=self.config.timeout
                )
            except requests.Timeout:
                problem = f"no answer within {self.config.timeout:g} s"
            except requests.ConnectionError as exc:
                problem = f"connection failed ({exc.__class__.__name__})"
            except requests.RequestException as exc:
                problem = f"request failed ({exc.__class__.__name__})"
            else:
                status = response.status_code
                if status in (401, 403):
                    raise DataInclusionApiError(
                        f"{url}: the API refused the token (HTTP {status}); check {TOKEN_ENV}"
                    )
                if status in RETRY_STATUSES:
                    problem = f"HTTP {status}"
                    retry_after = _retry_after(response)
                    if retry_after is not None:
                        wait = min(self.config.max_backoff, retry_after)
                elif status >= 400:
                    raise DataInclusionApiError(f"{url}: HTTP {status}: {response.text[:200]}")
                else:
                    try:
                        return response.json()
                    except ValueError:
                        raise DataInclusionApiError(f"{url}: the answer is not JSON") from None
            if attempt < self.config.max_attempts:
                self.sleep(wait)
        raise DataInclusionApiError(
            f"{url}: gave up after {self.config.max_attempts} attempts (last: {problem})"
        )

    def pages(self, path: str, params: Mapping[str, Any] | None = None) -> Iterator[tuple[int, list[Any]]]:
        """Yield ``(page, items)`` until the last page (``pages``, else ``total``, else a short page)."""
        size = self.config.page_size
        page = 1
        while True:
            body = self.get(path, {**(params or {}), "page": page, "size": size})
            if not isinstance(body, Mapping) or not isinstance(body.get("items"), list):
                raise DataInclusionApiError(
                    f"{self.config.base_url}{path}: unexpected answer (no 'items' list) on page {page}"
                )
            items = body["items"]
            yield page, items
            pages = body.get("pages")
            if not isinstance(pages, int):
                total = body.get("total")
                pages = math.ceil(total / size) if isinstance(total, int) else None
            if not items or (pages is not None and page >= pages) or (pages is None and len(items) < size):
                return
            page += 1
            if page > self.config.max_pages:
                raise DataInclusionApiError(f"{path}: more than {self.config.max_pages} pages, stopped")

    def list_all(self, path: str, params: Mapping[str, Any] | None = None) -> list[Any]:
        """Every item of a paged list."""
        return [item for _, items in self.pages(path, params) for item in items]

    def structures(self, code_departement: str | None = None, **filters: Any) -> list[Any]:
        """``/api/v1/structures``, optionally for one département."""
        params = dict(filters)
        if code_departement:
            params["code_departement"] = code_departement
        return self.list_all(STRUCTURES_PATH, params)

    def services(self, code_departement: str | None = None, **filters: Any) -> list[Any]:
        """``/api/v1/services``, optionally for one département."""
        params = dict(filters)
        if code_departement:
            params["code_departement"] = code_departement
        return self.list_all(SERVICES_PATH, params)

    def search_services(
        self, code_commune: str, **filters: Any
    ) -> list[tuple[dict, dict | None, int | None]]:
        """``/api/v1/search/services`` around a commune: ``(service, structure, distance)``."""
        results = []
        for item in self.list_all(SEARCH_PATH, {"code_commune": code_commune, **filters}):
            if not isinstance(item, Mapping) or not isinstance(item.get("service"), Mapping):
                raise DataInclusionApiError(f"{SEARCH_PATH}: unexpected search result {str(item)[:100]}")
            service = dict(item["service"])
            structure = service.pop("structure", None)
            results.append((service, structure, item.get("distance")))
        return results


def _live_info(config: ApiConfig, path: str, departements: Sequence[str], items: list[Any]) -> SourceInfo:
    payload = json.dumps(items, sort_keys=True, ensure_ascii=False, default=str).encode("utf-8")
    fetched = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    deps = ",".join(departements)
    return SourceInfo(
        source_file=f"{config.base_url}{path}?code_departement={deps}",
        checksum=hashlib.sha256(payload).hexdigest(),
        vintage=f"data·inclusion API v1, fetched {fetched}",
        mode="live",
    )


def _fetch(client: DataInclusionClient, path: str, departements: Sequence[str]) -> list[tuple[int, Any]]:
    items: list[tuple[int, Any]] = []
    for departement in departements:
        for item in client.list_all(path, {"code_departement": departement}):
            items.append((len(items) + 1, item))
    return items


def _live_reader(
    path: str, result: Callable[[list[tuple[int, Any]], SourceInfo], ReadResult], table: str
) -> Callable[..., ReadResult]:
    """The live reader of one API list: every item of ``path`` for the départements, read by ``result``."""

    def read_live(
        departements: Sequence[str],
        config: ApiConfig,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> ReadResult:
        client = DataInclusionClient(config, session, sleep)
        items = _fetch(client, path, departements)
        return result(items, _live_info(config, path, departements, [i for _, i in items]))

    read_live.__doc__ = f"``raw.{table}`` from the live API (``line`` = item number)."
    return read_live


read_structures_live = _live_reader(STRUCTURES_PATH, api_structures_result, "offre_structures__di_api")
read_services_live = _live_reader(SERVICES_PATH, api_services_result, "offre_services__di_api")


def _with_fallback(
    live: Callable[[], ReadResult], snapshot: Callable[[], ReadResult], data_dir: Path
) -> ReadResult:
    try:
        return live()
    except MissingTokenError:
        raise
    except DataInclusionApiError as exc:
        result = snapshot()
        message = (
            f"API data·inclusion injoignable ({exc}) : la table est lue dans l'instantané "
            f"{Path(data_dir) / API_MOCKS_DIR} (données non à jour)"
        )
        result.source = replace(result.source, mode="live", stale=True, message=message)
        return result


def _read_di_api(
    live: Callable[..., ReadResult],
    snapshot: Callable[[Path], ReadResult],
    data_dir: Path,
    mode: str,
    departements: Sequence[str],
    config: ApiConfig | None,
    session: requests.Session | None,
    sleep: Callable[[float], None],
) -> ReadResult:
    if mode == "snapshot":
        return snapshot(data_dir)
    if not departements:
        raise ValueError("live mode needs at least one département code")
    config = config or ApiConfig.from_env()
    return _with_fallback(
        lambda: live(departements, config, session, sleep), lambda: snapshot(data_dir), data_dir
    )


def _di_api_reader(
    live: Callable[..., ReadResult], snapshot: Callable[[Path], ReadResult], table: str
) -> Callable[..., ReadResult]:
    """The reader of one API table in either mode (``live`` or its ``snapshot``)."""

    def read_di_api(
        data_dir: Path,
        mode: str = "snapshot",
        departements: Sequence[str] = (),
        config: ApiConfig | None = None,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> ReadResult:
        return _read_di_api(live, snapshot, data_dir, mode, departements, config, session, sleep)

    read_di_api.__doc__ = (
        f"``raw.{table}``: the snapshot, or the live API with a stale fallback.\n\n"
        "In live mode a missing token raises :class:`MissingTokenError` (a configuration error, not an\n"
        "outage); any other API failure falls back to the snapshot."
    )
    return read_di_api


read_di_api_structures = _di_api_reader(
    read_structures_live, read_api_snapshot_structures, "offre_structures__di_api"
)
read_di_api_services = _di_api_reader(
    read_services_live, read_api_snapshot_services, "offre_services__di_api"
)
