"""Raw assets of the actor graph: contrats de ville 2015-2023 and the curated actor registry.

The registry (``registre/<code>/acteurs.csv``, ``dispositifs.csv``, ``liens.csv`` in the
checkout) is read for every département at once; rejected rows (file, line, field, reason)
go to ``quarantine.rejets`` like any other source.
"""

from functools import partial

from ingest.paresseux import lecteurs
from orchestration.assets._raw import RawSource, raw_asset
from socle.settings import REPO_ROOT

__all__ = ["SOURCES", "ASSETS", "REGISTRE_ROOT"]

GROUP = "raw_graphe"
politique_ville = lecteurs("ingest.politique_ville")
REGISTRE_ROOT = REPO_ROOT / "registre"


def _registre(name: str, data_dir) -> object:
    from graph.registre import read_registre_table
    from ingest.cog import known_communes

    return read_registre_table(REGISTRE_ROOT, name, known_communes(data_dir))


SOURCES: list[RawSource] = [
    RawSource(
        "politique_ville_contrats",
        politique_ville.read_contrats_de_ville,
        "ANCT : contrats de ville 2015-2023 (signataire, département, point)",
        GROUP,
    ),
    RawSource(
        "registre_acteurs",
        partial(_registre, "acteurs.csv"),
        "Registre curé des acteurs (registre/<département>/acteurs.csv), sources publiques",
        GROUP,
    ),
    RawSource(
        "registre_dispositifs",
        partial(_registre, "dispositifs.csv"),
        "Registre curé des dispositifs (registre/<département>/dispositifs.csv)",
        GROUP,
    ),
    RawSource(
        "registre_liens",
        partial(_registre, "liens.csv"),
        "Registre curé des liens avec leurs preuves et leur confiance (registre/<département>/liens.csv)",
        GROUP,
    ),
]

ASSETS = [raw_asset(source) for source in SOURCES]
