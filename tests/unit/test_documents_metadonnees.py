"""Documents' metadata without personal data (issue: letters whose title was « Madame, » and whose
author was the login of the template's creator), on real-format letters (tests/fixtures/documents/
lettres, made by generer.py there): a DOCX whose core properties name a login as author, a PDF
opening with the salutation « Madame, » with a login as author."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest
from _boite_documents import boite_avec_manifeste

from ingest import cog, qpv
from ingest.documents.balayage import RAW_DOCUMENT_TABLES, scan_warehouse
from ingest.documents.extraction import extract
from ingest.documents.metadonnees import looks_like_person, not_a_title, organisation_of
from ingest.documents.pipeline import ingest_departement
from ingest.warehouse import write_raw

LETTRES = Path(__file__).resolve().parent.parent / "fixtures" / "documents" / "lettres"
SALT = {"PACTE_PSEUDO_SALT": "sel-des-tests"}
SECRETS = (
    "Martineau",
    "Jeanne",
    "Vasseur",
    "Coralie",
    "LEBLANC",
    "Leblanc",
    "Girardin",
    "Lilas",
    "93200 Saint-Denis",
    "01/48/30/20/11",
    "71 28 45 90",
    "284 590",
    "c.vasseur",
    "jdupont",
    "m.durand",
)


@pytest.fixture(scope="module")
def base_warehouse(data_dir, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("base") / "base.duckdb"
    con = duckdb.connect(str(path))
    for reader in (cog.read_communes, cog.read_epci, cog.read_departements, cog.read_regions):
        write_raw(con, reader(data_dir))
    write_raw(con, qpv.read_qpv_communes_2024(data_dir))
    con.close()
    return path


@pytest.fixture
def ingested(base_warehouse, tmp_path, data_dir):
    """The two letters ingested as the documents of the 93; yields the connection."""
    folder = tmp_path / "inbox" / "93" / "documents"
    folder.mkdir(parents=True)
    for name in ("courrier_convocation_rsa.docx", "courrier_relance.pdf"):
        shutil.copy(LETTRES / name, folder)
    path = tmp_path / "w.duckdb"
    shutil.copy(base_warehouse, path)
    con = duckdb.connect(str(path))
    try:
        ingest_departement(con, "93", tmp_path / "inbox", data_dir, environ=SALT)
        yield con, folder
    finally:
        con.close()


def _files(con) -> dict[str, tuple]:
    return {
        row[0]: row[1:]
        for row in con.execute(
            "select nom_fichier, titre, auteur, auteur_source from raw.documents_fichiers"
        ).fetchall()
    }


def test_titles_are_the_real_titles_never_a_salutation(ingested):
    con, _ = ingested
    files = _files(con)
    assert files["courrier_convocation_rsa.docx"][0] == "Convocation à un rendez-vous d'orientation RSA"
    # no title, no « Objet : »: the file name, never « Madame, » (its first line and its Title property)
    assert files["courrier_relance.pdf"][0] == "courrier relance"


def test_authors_are_organisations_never_a_login(ingested):
    con, _ = ingested
    files = _files(con)
    docx_author, docx_source = files["courrier_convocation_rsa.docx"][1:]
    assert (docx_author, docx_source) == ("Conseil départemental", "texte")  # named in the letterhead
    assert not looks_like_person(docx_author)
    assert organisation_of(docx_author) == docx_author  # the letterhead's organisation
    assert files["courrier_relance.pdf"][1:] == (None, None)  # nothing better than a login: empty


def test_the_manifest_publisher_is_the_author_when_the_file_names_a_person(
    base_warehouse, tmp_path, data_dir
):
    manifeste = "path,title,publisher\ncourrier_relance.pdf,Relance CER,Département de la Seine-Saint-Denis\n"
    inbox = boite_avec_manifeste(tmp_path, LETTRES / "courrier_relance.pdf", manifeste)
    path = tmp_path / "w.duckdb"
    shutil.copy(base_warehouse, path)
    con = duckdb.connect(str(path))
    try:
        ingest_departement(con, "93", inbox, data_dir, environ=SALT)
        assert _files(con)["courrier_relance.pdf"][1:] == ("Département de la Seine-Saint-Denis", "manifeste")
    finally:
        con.close()


def test_no_person_nor_contact_reaches_any_raw_table(ingested):
    con, _ = ingested
    columns = con.execute(
        "select table_schema, table_name, column_name from information_schema.columns "
        "where data_type like 'VARCHAR%' and (table_schema = 'quarantine' or table_name in "
        "(select unnest(?::varchar[])))",
        [list(RAW_DOCUMENT_TABLES)],
    ).fetchall()
    assert len({t for _, t, _ in columns}) >= len(RAW_DOCUMENT_TABLES)
    for schema, table, column in columns:
        values = con.execute(f'select distinct cast("{column}" as varchar) from {schema}.{table}').fetchall()
        text = "\n".join(v for (v,) in values if v)
        for secret in SECRETS:
            assert secret not in text, f"{secret!r} in {schema}.{table}.{column}"
    assert scan_warehouse(con, None, "93") == []
    passages = "\n".join(t for (t,) in con.execute("select texte from raw.documents_passages").fetchall())
    assert "[PERSONNE_" in passages and "[TEL_" in passages and "[EMAIL_" in passages


def test_stored_text_is_pseudonymised_before_passages_are_cut(ingested):
    con, _ = ingested
    rows = con.execute(
        "select p.texte, g.texte, p.debut, p.fin from raw.documents_passages p "
        "join raw.documents_fichiers f using (code_departement, id_document) "
        "join raw.documents_pages g on g.checksum = f.checksum and g.page = p.page"
    ).fetchall()
    assert rows
    for passage, page, start, end in rows:
        assert page[start:end].split()[:2] == passage.split()[:2]


@pytest.mark.parametrize(
    ("title", "refused"),
    [
        ("Madame,", True),
        ("Monsieur le Directeur,", True),
        ("Claire LEBLANC", True),
        ("LEBLANC, Claire", True),
        ("Mme Martineau", True),
        ("Chapitre III", False),
        ("Article PREMIER", False),
        ("Règlement départemental du RSA", False),
        ("data.insertion", False),
        ("France Travail", False),
        ("Convocation RSA", False),
        ("Contrat CER", False),
        ("Clément DUVAL", True),
        ("EA Entreprise Adaptée", False),  # a glossary line of the real PDF, not a person
        ("J. Durand", True),
    ],
)
def test_title_candidates(title, refused):
    assert not_a_title(title) is refused


@pytest.mark.parametrize(
    ("author", "organisation"),
    [
        ("jdupont", None),
        ("josephine.labroue", None),
        ("Thierry ROBERT", None),
        ("linda baitech", None),
        ("PERRILLAT-CHARLAZ, Antoine (DGEFP)", "DGEFP"),
        ("Conseil départemental de la Seine-Saint-Denis", "Conseil départemental de la Seine-Saint-Denis"),
        ("DGEFP / DDETS", "DGEFP / DDETS"),
    ],
)
def test_author_candidates(author, organisation):
    assert organisation_of(author) == organisation


def test_extraction_alone_already_refuses_the_salutation():
    assert extract(LETTRES / "courrier_relance.pdf").titre == "courrier relance"


def test_a_new_pseudonymisation_reads_the_files_again(ingested, data_dir):
    """The stored text is pseudonymised: a text stored by an older version is not reused."""
    con, folder = ingested
    con.execute("update raw.documents_pages set texte = 'texte stocké par une version ancienne'")
    con.execute("update raw.documents_fichiers set version_analyse = 'documents-1' || ':x:' || ?", ["abc"])
    ingest_departement(con, "93", folder.parent.parent, data_dir, environ=SALT)
    texts = [t for (t,) in con.execute("select texte from raw.documents_pages").fetchall()]
    assert texts and not any("version ancienne" in t for t in texts)
    assert any("[PERSONNE_" in t for t in texts)


def test_a_declared_name_left_in_a_document_fails_the_check(base_warehouse, tmp_path, data_dir):
    """An interviewee's name (declared by the interview's header) written without a civility in an
    ordinary document is not pseudonymised there: the blocking check names the place, never the name."""
    inbox = tmp_path / "inbox"
    (inbox / "93" / "documents").mkdir(parents=True)
    (inbox / "93" / "entretiens").mkdir()
    shutil.copy(
        LETTRES.parent / "inbox" / "93" / "entretiens" / "2025-03-12_ccas_montreuil.md",
        inbox / "93" / "entretiens",
    )
    (inbox / "93" / "documents" / "compte_rendu.txt").write_text(
        "Compte rendu du comité\n\nGwenaëlle Kerbrat-Ostrowski présente le bilan du CCAS.\n", encoding="utf-8"
    )
    path = tmp_path / "w.duckdb"
    shutil.copy(base_warehouse, path)
    con = duckdb.connect(str(path))
    try:
        report = ingest_departement(con, "93", inbox, data_dir, environ=SALT)
        assert "Gwenaëlle Kerbrat-Ostrowski" in report.noms_declares
        assert "noms_declares" not in str(report.as_metadata())
        # what the blocking check (orchestration.assets.documents.personal_data_left) runs
        found = scan_warehouse(con, None, "93", names=report.noms_declares)
        assert any("personne déclarée" in line and "raw.documents_passages.texte" in line for line in found)
        assert not any("Kerbrat" in line for line in found)
        assert not any("déclarée" in line for line in scan_warehouse(con, None, "93"))  # the names decide
    finally:
        con.close()
