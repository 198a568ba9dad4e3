"""Checks on the report (there, offline), its PDF (printed, or why not) and the read-only copy."""

from __future__ import annotations

import threading
import time
from concurrent.futures import Future
from pathlib import Path

import duckdb
from dagster import DagsterInstance, asset, materialize

from orchestration.assets import checks_livrables as cl
from orchestration.partitions import departement_partitions
from orchestration.resources import PacteSettingsResource, WarehouseResource

PAGE = "<html><head><style>body{font:12pt serif}</style></head><body><img src='data:image/png;base64,AA'>" \
       "<a href='https://www.insee.fr/fr/statistiques'>INSEE</a></body></html>"


def _evaluations(tmp_path: Path, html: str | None, pdf: bytes | None, en_arriere_plan: bool = False):
    out = tmp_path / "out"

    @asset(key=cl.RAPPORT, partitions_def=departement_partitions)
    def rapport_diagnostic() -> None:
        (out / "974").mkdir(parents=True, exist_ok=True)
        if html is not None:
            (out / "974" / "rapport_diagnostic.html").write_text(html, encoding="utf-8")
        if pdf is None:
            return
        cible = out / "974" / "rapport_diagnostic.pdf"
        if not en_arriere_plan:
            cible.write_bytes(pdf)
            return
        # as the report step does: the PDF is written by a printing still running when the step ends
        from orchestration.assets import rapport

        impression: Future = Future()
        rapport._IMPRESSIONS[str(cible)] = impression

        def imprimer() -> None:
            time.sleep(0.5)
            cible.write_bytes(pdf)
            impression.set_result(True)

        threading.Thread(target=imprimer).start()

    settings = PacteSettingsResource(data_dir=str(tmp_path), output_dir=str(out), inbox_dir=str(tmp_path))
    with DagsterInstance.ephemeral() as instance:
        result = materialize([rapport_diagnostic, cl.rapport_present_hors_ligne, cl.rapport_imprime_en_pdf],
                             partition_key="974", resources={"settings": settings}, instance=instance)
    return {e.check_name: e for e in result.get_asset_check_evaluations()}


def _pdf(tmp_path: Path) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.add_blank_page(595, 842)
    path = tmp_path / "deux_pages.pdf"
    with open(path, "wb") as handle:
        writer.write(handle)
    return path.read_bytes()


def test_an_offline_report_and_its_pdf_pass(tmp_path):
    evaluations = _evaluations(tmp_path, PAGE, _pdf(tmp_path))
    assert evaluations["rapport_present_hors_ligne"].passed
    assert evaluations["rapport_imprime_en_pdf"].passed
    assert evaluations["rapport_imprime_en_pdf"].description == "Rapport imprimé en PDF : 2 pages."


def test_the_pdf_check_waits_for_the_printing_the_report_step_left_running(tmp_path):
    evaluation = _evaluations(tmp_path, PAGE, _pdf(tmp_path), en_arriere_plan=True)["rapport_imprime_en_pdf"]
    assert evaluation.passed and evaluation.description == "Rapport imprimé en PDF : 2 pages."


def test_a_report_loading_from_elsewhere_fails_and_a_missing_pdf_says_why(tmp_path):
    html = PAGE.replace("</head>", "<link rel='stylesheet' href='https://cdn.example.org/a.css'></head>")
    evaluations = _evaluations(tmp_path, html, None)
    hors_ligne = evaluations["rapport_present_hors_ligne"]
    assert not hors_ligne.passed and hors_ligne.severity.value == "ERROR"
    assert "https://cdn.example.org/a.css" in hors_ligne.description
    pdf = evaluations["rapport_imprime_en_pdf"]
    assert not pdf.passed and pdf.severity.value == "WARN"
    assert pdf.description.startswith("PDF du rapport non produit : ")
    assert "--departement 974" in pdf.description


def test_a_missing_report_fails(tmp_path):
    evaluation = _evaluations(tmp_path, None, None)["rapport_present_hors_ligne"]
    assert not evaluation.passed and "Le rapport du département 974 est absent" in evaluation.description


def _warehouse(path: Path, marts: dict[str, int]) -> None:
    con = duckdb.connect(str(path))
    try:
        con.execute("create schema marts")
        for name, rows in marts.items():
            con.execute(f"create table marts.{name} as select range as x from range({rows})")
    finally:
        con.close()


def _copy_check(tmp_path: Path, warehouse: dict[str, int], copy: dict[str, int]):
    from dagster import build_asset_check_context

    path = tmp_path / "w.duckdb"
    _warehouse(path, warehouse)
    _warehouse(tmp_path / "w_lecture.duckdb", copy)
    resource = WarehouseResource(path=str(path))
    return cl.copie_lecture_conforme(build_asset_check_context(resources={"warehouse": resource}))


def test_the_read_only_copy_holds_the_same_marts(tmp_path):
    result = _copy_check(tmp_path, {"territoires": 3, "besoins": 2}, {"territoires": 3, "besoins": 2})
    assert result.passed, result.description
    assert result.description == "Copie ouverte en lecture seule : 2 tables publiées, identiques à l'entrepôt."


def test_a_copy_that_lost_rows_or_a_mart_fails(tmp_path):
    result = _copy_check(tmp_path, {"territoires": 3, "besoins": 2}, {"territoires": 1})
    assert not result.passed
    assert "« besoins » manque dans la copie" in result.description
    assert "« territoires » : 1 lignes dans la copie, 3 dans l’entrepôt" in result.description
