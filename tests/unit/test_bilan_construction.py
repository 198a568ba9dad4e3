"""The end of ``pacte build`` when checks fail: blocking failures first, in French, no table names."""

from __future__ import annotations

from types import SimpleNamespace

from orchestration import cli
from orchestration.progression import bilan_controles, noms_des_tables


def _evaluation(step, name, passed, severity, description):
    data = SimpleNamespace(passed=passed, severity=SimpleNamespace(value=severity), description=description,
                           check_name=name, blocking=severity == "ERROR")
    return SimpleNamespace(event_type_value="ASSET_CHECK_EVALUATION", event_specific_data=data,
                           step_key=step, message="")


def _failure(step, message):
    return SimpleNamespace(event_type_value="STEP_FAILURE", step_key=step, message="",
                           event_specific_data=SimpleNamespace(error=SimpleNamespace(message=message)))


EVENTS = [
    _evaluation("pacte_dbt_models", "offre_thematiques_inconnues", False, "WARN",
                "3 valeurs inconnues dans marts.thematiques_non_rattachees"),
    _evaluation("intermediate__int_offre__services_unis_conformite", "conformite_schema_data_inclusion", False,
                "WARN", "12 structures sur 300 s'écartent du schéma v1 (détail : quarantine.offre_non_conforme)"),
    _evaluation("raw__cog_regions_attentes_great_expectations", "attentes_great_expectations", False, "ERROR",
                "raw.cog_regions : 2 attente(s) sur 7 en échec (18 lignes).\n- reg unique : 1 doublon"),
    _failure("raw__cog_regions_attentes_great_expectations", "dagster.Failure: contrôle bloquant"),
    _failure("rapport__rapport_diagnostic", "dagster._core.errors.Failure: Chromium absent\nTraceback …"),
    _evaluation("raw__neet_attentes_great_expectations", "attentes_great_expectations", True, "ERROR", "ok"),
]


def test_checks_are_told_in_french_without_table_names():
    bilan = bilan_controles(EVENTS, noms_des_tables())
    assert bilan.controles_reussis == 1 and bilan.etapes_echouees == 2
    assert bilan.echecs == [
        "« INSEE : Code officiel géographique 2026 : régions » : 2 attente(s) sur 7 en échec (18 lignes)."
    ]
    assert bilan.avertissements == [
        "3 valeurs inconnues dans « Thématiques non rattachées »",
        "12 structures sur 300 s'écartent du schéma v1",
    ]
    # the check step's failure is told by its check; the report's step by its stage
    assert bilan.etapes_en_echec == ["Rapport, kit du comité et exports : Chromium absent"]


def test_the_summary_leads_with_blocking_failures(tmp_path, capsys):
    settings = SimpleNamespace(warehouse=tmp_path / "w.duckdb", output_dir=tmp_path / "out",
                               output_for=lambda code: tmp_path / "out" / code)
    result = SimpleNamespace(all_events=EVENTS, success=False)
    assert cli._summary(result, settings, "93", "Seine-Saint-Denis (93)", 75.0) == 1
    lines = capsys.readouterr().err.splitlines()
    assert lines[0] == "pacte : ÉCHEC de la construction pour Seine-Saint-Denis (93) en 1 min 15 s"
    kinds = [line.strip().split(" : ")[0] for line in lines if line.startswith("    ")]
    assert kinds[:4] == ["contrôle bloquant en échec", "étape en échec", "avertissement", "avertissement"]
    text = "\n".join(lines)
    for technical in ("raw.", "marts.", "quarantine.", "blocking", "step ", "Traceback"):
        assert technical not in text, technical


def test_a_dbt_test_without_text_is_told_by_its_checks_french_description():
    """dagster-dbt's results carry no text: the summary quotes the check's description (the one the
    UI shows, from the dbt yml), never the dbt test's name; the name stays only when nothing describes it."""
    nom = "expression_is_true_stg_rp__comparateur_2021_population_15_64_population__population_15_64_is_not_null"
    events = [_evaluation("pacte_dbt", nom, False, "WARN", None)]
    decrit = {nom: "La population de 15 à 64 ans ne dépasse pas la population de la commune."}
    assert bilan_controles(events, {}, decrit).avertissements == [decrit[nom]]
    assert bilan_controles(events, {}).avertissements == [nom]
