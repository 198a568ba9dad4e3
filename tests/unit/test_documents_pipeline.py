"""One département's inbox through ingest.documents.pipeline, on a temporary DuckDB.

Covers the quarantine (corrupt PDF, encrypted PDF, empty file, 200 MB file, unsupported
format), checksums (unchanged files not re-read, changed files replacing their facts,
removed files dropped, a rule change re-analysing from the stored text), the folder
configuration and the absence of personal data in every table.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb
import pytest
from _boite_documents import boite_avec_manifeste

from ingest import cog, qpv
from ingest.documents import pipeline
from ingest.documents.pipeline import ingest_departement
from ingest.documents.sources import resolve_sources
from ingest.warehouse import write_raw

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "documents"
FORMATS = FIXTURES / "formats"
SALT = {"PACTE_PSEUDO_SALT": "sel-des-tests"}


@pytest.fixture(scope="module")
def base_warehouse(data_dir, tmp_path_factory) -> Path:
    """A warehouse holding the raw COG and QPV tables (the territory gazetteer's source)."""
    path = tmp_path_factory.mktemp("base") / "base.duckdb"
    con = duckdb.connect(str(path))
    for reader in (
        cog.read_communes,
        cog.read_epci,
        cog.read_departements,
        cog.read_regions,
        qpv.read_qpv_communes_2024,
    ):
        write_raw(con, reader(data_dir))
    con.close()
    return path


@pytest.fixture
def warehouse(base_warehouse, tmp_path):
    path = tmp_path / "warehouse.duckdb"
    shutil.copy(base_warehouse, path)
    con = duckdb.connect(str(path))
    yield con
    con.close()


def _run(con, inbox: Path, data_dir: Path, code: str = "93", **extra):
    return ingest_departement(
        con, code, inbox, data_dir, environ={**SALT, **extra.pop("environ", {})}, **extra
    )


def _encrypted_pdf(source: Path, target: Path) -> None:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for page in PdfReader(str(source)).pages:
        writer.add_page(page)
    writer.encrypt(
        user_password="secret-utilisateur", owner_password="secret-proprietaire", algorithm="AES-256"
    )
    with open(target, "wb") as handle:
        writer.write(handle)


def test_unreadable_files_are_quarantined_and_the_others_processed(
    warehouse, tmp_path, data_dir, monkeypatch
):
    folder = tmp_path / "inbox" / "93" / "documents"
    folder.mkdir(parents=True)
    shutil.copy(FORMATS / "pdi_exemple.pdf", folder)
    shutil.copy(FORMATS / "sdsf_exemple.docx", folder)
    (folder / "corrompu.pdf").write_bytes(
        b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R\n" + os.urandom(2000)
    )
    _encrypted_pdf(FORMATS / "pdi_exemple.pdf", folder / "chiffre.pdf")
    (folder / "vide.txt").write_bytes(b"")
    with open(folder / "enorme.pdf", "wb") as handle:  # sparse: 200 MB on paper, nothing on disk
        handle.truncate(200 * 1024 * 1024)
    (folder / "tableau.xlsx").write_bytes(b"PK\x03\x04 pas un document texte")
    hashed: list[str] = []
    real_checksum = pipeline.file_checksum
    monkeypatch.setattr(
        pipeline, "file_checksum", lambda path: hashed.append(Path(path).name) or real_checksum(path)
    )

    report = _run(warehouse, tmp_path / "inbox", data_dir)

    reasons = dict(
        warehouse.execute(
            "select regexp_extract(source_file, '[^/]+$'), reason from quarantine.rejets "
            "where table_name = 'documents_fichiers'"
        ).fetchall()
    )
    assert set(reasons) == {"corrompu.pdf", "chiffre.pdf", "vide.txt", "enorme.pdf", "tableau.xlsx"}
    assert "PDF illisible ou corrompu" in reasons["corrompu.pdf"]
    assert "PDF chiffré" in reasons["chiffre.pdf"] and "mot de passe" in reasons["chiffre.pdf"]
    assert reasons["vide.txt"] == "fichier vide (0 octet)"
    assert "trop volumineux : 200,0 Mo > limite de 50,0 Mo" in reasons["enorme.pdf"]
    assert "format non pris en charge (.xlsx)" in reasons["tableau.xlsx"]
    assert "enorme.pdf" not in hashed  # the size is checked before anything is read
    kinds = dict(
        warehouse.execute("select nom_fichier, type_document from raw.documents_fichiers").fetchall()
    )
    assert kinds == {"pdi_exemple.pdf": "pdi", "sdsf_exemple.docx": "schema"}
    counts = dict(
        warehouse.execute(
            "select f.nom_fichier, count(*) from raw.documents_passages p join "
            "raw.documents_fichiers f using (id_document) group by 1"
        ).fetchall()
    )
    # the two-page PDF's running header and « Page N » footers are no passages (issue 14): three are left
    assert counts["pdi_exemple.pdf"] == 3 and counts["sdsf_exemple.docx"] >= 5
    texts = [t for (t,) in warehouse.execute("select texte from raw.documents_passages").fetchall()]
    assert not any(
        t.startswith("Programme départemental d'insertion 2024-2028") or t == "Page 1" for t in texts
    )
    assert report.rejetes == 5 and report.documents == 2


def test_size_limit_is_configurable(warehouse, tmp_path, data_dir):
    folder = tmp_path / "inbox" / "93" / "documents"
    folder.mkdir(parents=True)
    shutil.copy(FORMATS / "sdsf_exemple.docx", folder)
    _run(warehouse, tmp_path / "inbox", data_dir, environ={"PACTE_DOCUMENTS_TAILLE_MAX_MO": "0,01"})
    reason = warehouse.execute("select reason from raw.documents_rejets").fetchone()[0]
    assert "limite de 0,0 Mo" in reason or "limite de 0,01 Mo" in reason.replace("0,0 Mo", "0,01 Mo")


def test_unchanged_files_are_not_read_again_and_changes_replace_facts(
    warehouse, tmp_path, data_dir, monkeypatch
):
    folder = tmp_path / "inbox" / "93" / "documents"
    folder.mkdir(parents=True)
    for name in ("calpae_exemple.md", "ctg_exemple.odt", "abs_exemple.txt"):
        shutil.copy(FORMATS / name, folder)
    first = _run(warehouse, tmp_path / "inbox", data_dir)
    assert first.nouveaux == 3 and first.inchanges == 0
    before = dict(warehouse.execute("select nom_fichier, id_document from raw.documents_fichiers").fetchall())

    def no_reading(path):
        raise AssertionError(f"{path} was read again")

    monkeypatch.setattr(pipeline, "extract", no_reading)
    second = _run(warehouse, tmp_path / "inbox", data_dir)
    assert (second.nouveaux, second.inchanges, second.relus_du_texte) == (0, 3, 0)
    assert second.passages == first.passages
    monkeypatch.undo()

    (folder / "calpae_exemple.md").write_text(
        (FORMATS / "calpae_exemple.md").read_text(encoding="utf-8").replace("42 actions", "57 actions"),
        encoding="utf-8",
    )
    (folder / "abs_exemple.txt").unlink()
    third = _run(warehouse, tmp_path / "inbox", data_dir)
    assert (third.nouveaux, third.inchanges, third.supprimes) == (1, 1, 1)
    after = dict(warehouse.execute("select nom_fichier, id_document from raw.documents_fichiers").fetchall())
    assert set(after) == {"calpae_exemple.md", "ctg_exemple.odt"}
    assert after["calpae_exemple.md"] != before["calpae_exemple.md"]
    for table in ("documents_passages", "documents_mentions"):
        old = warehouse.execute(
            f"select count(*) from raw.{table} where id_document in (?, ?)",
            [before["calpae_exemple.md"], before["abs_exemple.txt"]],
        ).fetchone()[0]
        assert old == 0, table
    texts = [t for (t,) in warehouse.execute("select texte from raw.documents_passages").fetchall()]
    assert any("57 actions" in t for t in texts) and not any("42 actions" in t for t in texts)
    assert warehouse.execute("select count(distinct checksum) from raw.documents_pages").fetchone()[0] == 2


def test_a_vocabulary_change_reanalyses_from_the_stored_text(warehouse, tmp_path, data_dir, monkeypatch):
    from ingest.documents.lexiques import SEEDS_DIR

    folder = tmp_path / "inbox" / "93" / "documents"
    folder.mkdir(parents=True)
    shutil.copy(FORMATS / "pdi_exemple.pdf", folder)
    _run(warehouse, tmp_path / "inbox", data_dir)
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS_DIR, seeds)
    with open(seeds / "vocabulaire_axes.csv", "a", encoding="utf-8") as handle:
        handle.write("plateforme de mobilité,A4,mobilite_solidaire,3,false\n")
    monkeypatch.setattr(pipeline, "extract", lambda path: pytest.fail(f"{path} was read again"))
    report = _run(warehouse, tmp_path / "inbox", data_dir, seeds_dir=seeds)
    assert report.relus_du_texte == 1
    terms = warehouse.execute(
        "select termes from raw.documents_passages where texte like '%plateforme%'"
    ).fetchone()
    assert "plateforme de mobilité" in terms[0]


def test_folders_from_variable_sources_yml_and_default(tmp_path, data_dir):
    shared = tmp_path / "shared"
    (shared / "documents").mkdir(parents=True)
    (shared / "data").mkdir()
    shutil.copy(FORMATS / "ctg_exemple.odt", shared / "documents")
    (shared / "documents" / "manifest.csv").write_text("path,title\nctg_exemple.odt,CTG\n", encoding="utf-8")
    (shared / "documents" / "PROVENANCE.md").write_text("# notes", encoding="utf-8")
    inbox = tmp_path / "inbox"
    # default: the snapshot's documents folder for the 93, nothing for another département
    default = resolve_sources("93", inbox, shared / "data", {})
    assert [f.path.name for f in default.files] == ["ctg_exemple.odt"]
    assert resolve_sources("974", inbox, shared / "data", {}).files == []
    # an inbox pointing to ../shared/documents through sources.yml
    (inbox / "974").mkdir(parents=True)
    (inbox / "974" / "sources.yml").write_text("documents:\n  - ../../shared/documents\n", encoding="utf-8")
    pointed = resolve_sources("974", inbox, shared / "data", {})
    assert [f.path.name for f in pointed.files] == ["ctg_exemple.odt"]
    assert "sources.yml" in pointed.document_folders[0][1]
    # the variable wins over everything
    other = tmp_path / "autre"
    other.mkdir()
    shutil.copy(FORMATS / "abs_exemple.txt", other)
    variable = resolve_sources("974", inbox, shared / "data", {"PACTE_DOCUMENTS_974": str(other)})
    assert [f.path.name for f in variable.files] == ["abs_exemple.txt"]


def test_manifest_is_metadata_only(warehouse, tmp_path, data_dir):
    manifeste = (
        "path,title,publisher,document_date,doc_type\nabs_exemple.txt,Titre du manifeste,CCAS,2021,pdi\n"
    )
    _run(warehouse, boite_avec_manifeste(tmp_path, FORMATS / "abs_exemple.txt", manifeste), data_dir)
    row = warehouse.execute(
        "select type_document, titre, titre_manifeste, editeur_manifeste from raw.documents_fichiers"
    ).fetchone()
    assert row == ("abs", "Analyse des besoins sociaux du CCAS de Pantin", "Titre du manifeste", "CCAS")


def test_no_name_email_or_phone_of_the_fixture_people_in_any_table(warehouse, tmp_path, data_dir):
    from tests.unit._documents_personnes import personal_strings, scan_warehouse

    shutil.copytree(FIXTURES / "inbox", tmp_path / "inbox")
    empty = tmp_path / "aucun_document"
    empty.mkdir()
    report = _run(warehouse, tmp_path / "inbox", data_dir, environ={"PACTE_DOCUMENTS_93": str(empty)})
    assert report.documents == 2 and report.reponses == 27 and report.rejetes == 1
    strings = personal_strings(FIXTURES / "inbox" / "93")
    assert {
        "Kerbrat-Ostrowski",
        "Gwenaëlle Kerbrat-Ostrowski",
        "Anatole Brisebarre",
        "Malbranque",
        "ABGRALL",
        "0757975432",
        "06 71 28 45 90",
        "sidonie.pendreff@ml-exemple.org",
    } <= set(strings)
    assert len(strings) > 150
    assert scan_warehouse(warehouse, strings, skip_prefixes=("cog_", "qpv_")) == []
    # the scan does find what it looks for
    warehouse.execute("create table raw.temoin as select 'Note : voir Mme Malbranque' as texte")
    assert scan_warehouse(warehouse, strings, skip_prefixes=("cog_", "qpv_")) == [
        ("raw.temoin", "Malbranque")
    ]


def test_a_vanished_folder_or_an_unreadable_configuration_never_empties_the_documents(
    warehouse, tmp_path, data_dir
):
    """Issue 15 point 1, the documents' inbox: refused at delivery, the last good load kept."""
    from ingest.livraison import LivraisonRefusee

    partage = tmp_path / "partage"
    partage.mkdir()
    for name in ("calpae_exemple.md", "abs_exemple.txt"):
        shutil.copy(FORMATS / name, partage)
    inbox = tmp_path / "inbox"
    environ = {"PACTE_DOCUMENTS_93": str(partage)}
    assert _run(warehouse, inbox, data_dir, environ=environ).documents == 2

    def counts():
        return [warehouse.execute(f"select count(*) from raw.{t}").fetchone()[0]
                for t in ("documents_fichiers", "documents_passages", "documents_mentions")]

    before = counts()
    shutil.move(partage, tmp_path / "ailleurs")  # an unmounted share
    with pytest.raises(LivraisonRefusee, match=r"boîte de dépôt du 93 .* refusée à la livraison : dossier "
                       r".*partage .*introuvable, 2 documents lus auparavant seraient retirés"):
        _run(warehouse, inbox, data_dir, environ=environ)
    assert counts() == before

    (inbox / "93").mkdir(parents=True)
    (inbox / "93" / "sources.yml").write_text("documents: [../partage\n", encoding="utf-8")
    with pytest.raises(LivraisonRefusee, match="configuration illisible"):
        _run(warehouse, inbox, data_dir)
    assert counts() == before

    # files the analysts take out of a folder that is still there: a withdrawal, not a refusal
    shutil.move(tmp_path / "ailleurs", partage)
    (partage / "abs_exemple.txt").unlink()
    assert _run(warehouse, inbox, data_dir, environ=environ).supprimes == 1


def test_scanned_pages_of_a_mixed_pdf_without_tesseract_are_named_in_the_quarantine(
    warehouse, tmp_path, data_dir
):
    """A text page then a scanned page, Tesseract absent (a command that does not exist): the text
    page is read, the scanned page is named in a French quarantine row, again on the next run
    (the file unchanged), and the file is not counted as refused."""
    folder = tmp_path / "inbox" / "93" / "documents"
    folder.mkdir(parents=True)
    shutil.copy(FIXTURES / "reels" / "deliberation_mixte.pdf", folder)
    absent = str(tmp_path / "pas-de-tesseract")
    for run in (1, 2):
        report = _run(warehouse, tmp_path / "inbox", data_dir, tesseract=absent)
        rows = warehouse.execute(
            "select source_file, line, field, reason, content from quarantine.rejets "
            "where table_name = 'documents_fichiers'"
        ).fetchall()
        assert len(rows) == 1, (run, rows)
        source, line, field, reason, content = rows[0]
        assert source.endswith("deliberation_mixte.pdf") and (line, field, content) == (2, "pages", "2")
        assert reason.startswith("page scannée non lue (2) : la reconnaissance de caractères est impossible")
        assert "Tesseract n'est pas installé" in reason and "le reste du fichier est lu" in reason
        assert report.rejetes == 0 and report.documents == 1
        texts = [t for (t,) in warehouse.execute("select texte from raw.documents_passages").fetchall()]
        assert any("programme départemental d'insertion est reconduit" in t for t in texts)
