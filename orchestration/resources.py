"""Dagster resources: the DuckDB warehouse and the run settings, from environment variables."""

from __future__ import annotations

import sys
from collections.abc import Callable, Hashable
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import ClassVar, Protocol, TypeVar

import duckdb
from dagster import ConfigurableResource, InitResourceContext
from pydantic import PrivateAttr

from ingest.warehouse import connect
from socle.settings import load_settings

__all__ = ["WarehouseResource", "PacteSettingsResource", "default_resources", "EntrepotTenu", "LecteurAPart"]

T = TypeVar("T")


class LecteurAPart(Protocol):
    """Another process reading the warehouse read-only (the kit's workbook:
    :class:`orchestration.classeur_a_part.ClasseurAPart`)."""

    def attendre(self) -> None:
        """Return once the process has ended (it no longer holds the file)."""

    def arreter(self) -> None:
        """Stop the process if it still runs."""


L = TypeVar("L", bound=LecteurAPart)


class WarehouseResource(ConfigurableResource):
    """The DuckDB file. Each step opens its connection and closes it, so that dbt (a separate
    process) can take the write lock; :class:`EntrepotTenu` keeps one open across a run's steps.

    dagster-duckdb's ``DuckDBResource`` is not used: it opens a read-write connection per call and
    retries a locked file for seconds, where a step here needs read-only opening, one connection
    held across steps, and an immediate, named lock error (docs/architecture.md, « DuckDB connection »).
    """

    path: str
    _lu: dict = PrivateAttr(default_factory=dict)
    _lecteurs: list = PrivateAttr(default_factory=list)
    #: Whether the run's end stops the reader processes still running (:class:`EntrepotTenu`, the
    #: resource of ``pacte build``); this one has no teardown: a step that starts one waits for it.
    lecteurs_arretes_en_fin_de_run: ClassVar[bool] = False

    @contextmanager
    def connect(self, read_only: bool = False):
        if not read_only:
            self.attendre_lecteurs()
        with connect(Path(self.path), read_only=read_only) as con:
            yield con

    def release(self) -> None:
        """Free the file for another process that writes it (dbt): wait for the processes reading it
        (:meth:`lecteur_a_part`), close the connection held across steps if any."""
        self.attendre_lecteurs()

    def lecteur_a_part(self, lancer: Callable[[], L]) -> L:
        """Start ``lancer()``, a process that opens the file read-only, once this run holds no
        read-write connection (DuckDB refuses a reader beside a writer process and the reverse).

        Until it ends, the run's steps read through read-only connections beside it, and whatever
        needs to write waits for its end first: :meth:`connect` for writing, :meth:`release`
        (before a dbt step). A wait on the process, never a delay: no lock error by a race.
        :meth:`arreter_lecteurs` stops it (the end of a run that did not wait for it)."""
        self._fermer()
        lecteur = lancer()
        self._lecteurs.append(lecteur)
        return lecteur

    def attendre_lecteurs(self) -> None:
        """Return once every process of :meth:`lecteur_a_part` has ended."""
        while self._lecteurs:
            self._lecteurs[0].attendre()
            self._lecteurs.pop(0)

    def arreter_lecteurs(self) -> None:
        """Stop the processes of :meth:`lecteur_a_part` still running."""
        while self._lecteurs:
            self._lecteurs[0].arreter()
            self._lecteurs.pop(0)

    def _fermer(self) -> None:
        """Close the connection held across steps, if any (none here: one per step)."""

    def lu_une_fois(self, cle: Hashable, lire: Callable[[], T]) -> T:
        """``lire()``, a read of the warehouse, done once for ``cle`` within the run.

        Dagster sets a resource up once per run (in-process executor), so two steps of a run share
        what one read; only the latest key is kept. The caller's key must change whenever the
        warehouse may have changed between the steps that share it.
        """
        if cle not in self._lu:
            valeur = lire()
            self._lu.clear()
            self._lu[cle] = valeur
        return self._lu[cle]


class EntrepotTenu(WarehouseResource):
    """The warehouse of ``pacte build``: one connection open across the steps of the run, released
    before each dbt step (dbt is another process) and closed when the run ends.

    Opening the warehouse costs about 0.1-0.2 s (its catalogue holds hundreds of tables) and closing
    it checkpoints: a build of ~100 steps spent 15-30 s on that alone. The runs of the interface and
    the tests materialising assets keep :class:`WarehouseResource` (its teardown-free form also lets
    a test build an asset context without a ``with`` block).
    """

    _tenue: duckdb.DuckDBPyConnection | None = PrivateAttr(default=None)
    lecteurs_arretes_en_fin_de_run: ClassVar[bool] = True
    _tenue_en_lecture: bool = PrivateAttr(default=False)

    @contextmanager
    def connect(self, read_only: bool = False):
        if not read_only:
            self.attendre_lecteurs()
            if self._tenue_en_lecture:  # held read-only beside a reader process, which has ended
                self._fermer()
        if self._tenue is None:
            # read-only while another process reads the file (lecteur_a_part), read-write otherwise
            self._tenue_en_lecture = bool(self._lecteurs)
            if not self._tenue_en_lecture:
                Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            self._tenue = duckdb.connect(self.path, read_only=self._tenue_en_lecture)
        cursor = self._tenue.cursor()  # read_only is not enforced on a held read-write connection
        try:
            yield cursor
        finally:
            cursor.close()

    def release(self) -> None:
        self.attendre_lecteurs()
        self._fermer()

    def _fermer(self) -> None:
        if self._tenue is not None:
            tenue, self._tenue = self._tenue, None
            tenue.close()
        self._tenue_en_lecture = False

    def teardown_after_execution(self, context: InitResourceContext) -> None:  # noqa: ARG002
        self._lu.clear()
        # a run that ends normally has waited for its reader processes (the publication, the kit's
        # check); one still running here belongs to a failed or cancelled run: stopped, not awaited
        self.arreter_lecteurs()
        self._fermer()


class PacteSettingsResource(ConfigurableResource):
    """Snapshot folder, output folder, inbox and live-source options."""

    data_dir: str
    output_dir: str
    inbox_dir: str
    insee_mode: str = "snapshot"
    live_timeout: float = 20.0
    full_refresh: bool = False
    stale_sources: bool = False  # PACTE_SOURCES_PERIMEES: a refused source keeps its last load, marked stale

    def output_for(self, departement: str) -> Path:
        path = Path(self.output_dir) / departement
        path.mkdir(parents=True, exist_ok=True)
        return path


@lru_cache(maxsize=1)
def _dbt_resource_class():
    """dagster-dbt's ``DbtCliResource`` without two costs this project never uses.

    Before each ``dbt build``, dagster-dbt (0.29) runs ``dbt --version`` in a subprocess to learn
    the CLI's version (a dbt start-up, 3-5 s) and builds an in-process dbt adapter, loading every
    macro (1-2 s), that only serves ``fetch_row_counts`` / ``fetch_column_metadata``. Here the
    version is read from the installed dbt-core package (the same one the ``dbt`` executable of
    this environment runs) and no adapter is built. Both are private hooks of dagster-dbt: a new
    release may need this revisited (tests/unit/test_dbt_resource.py fails if they disappear).
    """
    from functools import cached_property
    from importlib.metadata import version as installed_version

    from dagster_dbt import DbtCliResource
    from packaging import version

    class PacteDbtCliResource(DbtCliResource):
        @cached_property
        def _cli_version(self) -> version.Version:
            return version.parse(installed_version("dbt-core"))

        def _initialize_dbt_core_adapter(self, args):  # noqa: ARG002 (dagster-dbt's signature)
            return None

    return PacteDbtCliResource


def default_resources() -> dict[str, object]:
    """Resources built from the current environment (see socle.settings)."""

    from orchestration.dbt_project import dbt_project

    settings = load_settings()
    return {
        "warehouse": WarehouseResource(path=str(settings.warehouse)),
        "settings": PacteSettingsResource(
            data_dir=str(settings.data_dir),
            output_dir=str(settings.output_dir),
            inbox_dir=str(settings.inbox_dir),
            insee_mode=settings.insee_mode,
            live_timeout=settings.live_timeout,
            full_refresh=settings.full_refresh,
            stale_sources=settings.stale_sources,
        ),
        "dbt": _dbt_resource_class()(
            project_dir=dbt_project,
            profiles_dir=str(dbt_project.project_dir),
            # dbt dies with the build that started it (orchestration/dbt_lie.py)
            dbt_executable=str(Path(sys.executable).with_name("pacte-dbt")),
        ),
    }
