"""Everything the Dagster UI describes is described, in French, without dbt's raw SQL.

Walks the code location as the UI loads it: every asset, asset check, job, schedule and sensor.
A description is refused when it is missing, when it holds a word that only English uses (outside
`code` spans, which quote column names and conditions), when it holds no French word at all, or
when it embeds dbt's « Raw SQL » block.
"""

from __future__ import annotations

import re

import pytest

#: Words of English that French never writes (French homographs such as « on », « an », « or » left out).
ANGLAIS = {
    "the", "of", "and", "from", "with", "for", "to", "is", "are", "each", "every", "which", "when",
    "where", "into", "by", "this", "that", "these", "its", "their", "be", "been", "per", "at", "in",
    "only", "all", "not", "since", "without", "after", "before", "than", "member", "members",
    "geography", "rows", "row", "runs", "run", "check", "checks", "first", "last", "then",
}
#: Small words of French, one of which any French sentence holds.
FRANCAIS = {
    "de", "du", "des", "le", "la", "les", "et", "un", "une", "par", "en", "au", "aux", "à", "sur",
    "pour", "dans", "d", "l", "est", "sont", "chaque",
}
_CODE = re.compile(r"`[^`]*`")
_MOT = re.compile(r"[^\W\d_]+", re.UNICODE)


def probleme(description: str | None) -> str:
    """What is wrong with a description for the UI ('' when nothing).

    >>> probleme("Bassins d'emploi par commune"), probleme(None)
    ('', 'sans description')
    >>> probleme("Monthly refresh of the départements")
    'mots anglais : of, the'
    >>> probleme("Toujours renseigné : code (`code_commune is not null`).")
    ''
    """
    if not (description or "").strip():
        return "sans description"
    if "Raw SQL" in description or "```sql" in description:
        return "contient le SQL brut de dbt"
    mots = [m.lower() for m in _MOT.findall(_CODE.sub(" ", description))]
    anglais = sorted(set(mots) & ANGLAIS)
    if anglais:
        return "mots anglais : " + ", ".join(anglais)
    if not set(mots) & FRANCAIS:
        return "aucun mot français"
    return ""


@pytest.fixture(scope="module")
def defs():
    from orchestration.definitions import defs

    return defs


def _descriptions(defs) -> dict[str, str | None]:
    graph = defs.resolve_asset_graph()
    found: dict[str, str | None] = {}
    for key in graph.get_all_asset_keys():
        found[f"asset {key.to_user_string()}"] = graph.get(key).description
    for check_key in graph.asset_check_keys:
        found[f"contrôle {check_key.asset_key.to_user_string()}:{check_key.name}"] = graph.get_check_spec(
            check_key
        ).description
    for job in defs.jobs or []:
        found[f"job {job.name}"] = job.description
    for schedule in defs.schedules or []:
        found[f"planification {schedule.name}"] = schedule.description
    for sensor in defs.sensors or []:
        found[f"capteur {sensor.name}"] = sensor.description
    return found


def test_every_description_of_the_ui_is_french(defs):
    found = _descriptions(defs)
    assert len(found) > 600  # assets, the dbt tests as checks, the job, the schedule, the sensor
    wrong = {name: why for name, text in sorted(found.items()) if (why := probleme(text))}
    assert wrong == {}, f"{len(wrong)} descriptions to write or translate: {wrong}"


def test_a_generic_dbt_test_is_described_from_its_column():
    from orchestration.descriptions_dbt import description_test

    manifest = {
        "nodes": {
            "model.pacte.territoires": {
                "name": "territoires", "resource_type": "model",
                "description": "Tous les territoires du diagnostic. Une ligne par territoire.",
                "columns": {"code_territoire": {"description": "Code officiel du territoire."}},
            },
        }
    }
    test = {
        "test_metadata": {"name": "relationships", "kwargs": {"column_name": "code_territoire",
                                                              "to": "ref('territoires')"}},
        "attached_node": "model.pacte.territoires", "config": {"severity": "warn"},
    }
    assert description_test(test, manifest) == (
        "Avertissement (non bloquant). Chaque valeur de code officiel du territoire "
        "existe dans la table de référence (tous les territoires du diagnostic)."
    )
    test["test_metadata"] = {"name": "inconnu", "kwargs": {}}
    assert description_test(test, manifest) == ""
