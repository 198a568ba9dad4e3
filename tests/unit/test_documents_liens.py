"""Symbolic links and paths outside their folder are refused by the inbox and the data readers,
with a quarantine row (file, reason); the content they point to reaches no table."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from ingest import cog, qpv
from ingest.core import ColumnSpec, FileSpec, read_csv, unsafe_path
from ingest.documents.pipeline import ingest_departement
from ingest.documents.sources import resolve_sources
from ingest.warehouse import write_raw

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "documents"
SALT = {"PACTE_PSEUDO_SALT": "sel-des-tests"}
PASSWD = Path("/etc/passwd")
pytestmark = pytest.mark.skipif(not PASSWD.is_file(), reason="needs /etc/passwd as the outside target")


def _passwd_marker() -> str:
    first = PASSWD.read_text(encoding="utf-8", errors="replace").splitlines()[0]
    return first.split(":")[0] + ":" + first.split(":")[1] + ":"  # « root:x: »


@pytest.fixture
def warehouse(tmp_path, data_dir):
    path = tmp_path / "w.duckdb"
    con = duckdb.connect(str(path))
    for reader in (cog.read_communes, cog.read_epci, cog.read_departements, cog.read_regions):
        write_raw(con, reader(data_dir))
    write_raw(con, qpv.read_qpv_communes_2024(data_dir))
    try:
        yield con
    finally:
        con.close()


@pytest.fixture
def hostile_inbox(tmp_path) -> Path:
    """An inbox whose documents, interviews and questionnaires folders hold links to /etc."""
    inbox = tmp_path / "inbox"
    documents = inbox / "93" / "documents"
    documents.mkdir(parents=True)
    shutil.copy(FIXTURES / "formats" / "abs_exemple.txt", documents)
    (documents / "notes.txt").symlink_to(PASSWD)
    (documents / "partage").symlink_to(PASSWD.parent, target_is_directory=True)
    entretiens = inbox / "93" / "entretiens"
    entretiens.mkdir()
    shutil.copy(FIXTURES / "inbox" / "93" / "entretiens" / "2025-03-12_ccas_montreuil.md", entretiens)
    (entretiens / "entretien_passwd.md").symlink_to(PASSWD)
    questionnaires = inbox / "93" / "questionnaires"
    shutil.copytree(FIXTURES / "inbox" / "93" / "questionnaires", questionnaires)
    (questionnaires / "export_passwd.csv").symlink_to(PASSWD)
    return inbox


def test_sources_refuse_links_and_never_list_them(hostile_inbox, data_dir):
    sources = resolve_sources("93", hostile_inbox, data_dir, {})
    listed = {f.path.name for f in sources.files}
    assert "abs_exemple.txt" in listed and "2025-03-12_ccas_montreuil.md" in listed
    assert not listed & {"notes.txt", "entretien_passwd.md", "export_passwd.csv", "passwd"}
    refused = {item.path.name: reason for item, reason in sources.refused}
    assert set(refused) == {"notes.txt", "partage", "entretien_passwd.md", "export_passwd.csv"}
    assert all(r.startswith("lien symbolique refusé") for r in refused.values())


def test_link_to_etc_passwd_reaches_no_table(hostile_inbox, warehouse, data_dir):
    ingest_departement(warehouse, "93", hostile_inbox, data_dir, environ=SALT)
    rows = warehouse.execute(
        "select source_file, reason from quarantine.rejets where reason like 'lien symbolique refusé%'"
    ).fetchall()
    assert {Path(f).name for f, _ in rows} == {
        "notes.txt",
        "partage",
        "entretien_passwd.md",
        "export_passwd.csv",
    }
    marker = _passwd_marker()
    columns = warehouse.execute(
        "select table_schema, table_name, column_name from information_schema.columns "
        "where data_type like 'VARCHAR%'"
    ).fetchall()
    for schema, table, column in columns:
        hit = warehouse.execute(
            f'select count(*) from "{schema}"."{table}" where cast("{column}" as varchar) like ?',
            [f"%{marker}%"],
        ).fetchone()[0]
        assert hit == 0, f"content of {PASSWD} in {schema}.{table}.{column}"
    # the real files beside the links are still read
    names = {n for (n,) in warehouse.execute("select nom_fichier from raw.documents_fichiers").fetchall()}
    assert "abs_exemple.txt" in names
    assert warehouse.execute("select count(*) from raw.questionnaires_reponses").fetchone()[0] > 0


def test_data_reader_refuses_a_link(tmp_path):
    folder = tmp_path / "donnees"
    folder.mkdir()
    (folder / "vrai.csv").write_text("code;valeur\n93001;1\n", encoding="utf-8")
    (folder / "lien.csv").symlink_to(PASSWD)
    spec = FileSpec(table="essai", vintage="2025", columns=[ColumnSpec("code"), ColumnSpec("valeur")])
    good = read_csv(folder / "vrai.csv", spec)
    assert len(good.frame) == 1 and not good.quarantine
    bad = read_csv(folder / "lien.csv", spec)
    assert bad.frame.empty
    assert [(q.line, q.reason.split(" :")[0]) for q in bad.quarantine] == [
        (0, "lien symbolique refusé (le fichier)")
    ]


def test_unsafe_path_cases(tmp_path):
    folder = tmp_path / "dossier"
    (folder / "sous").mkdir(parents=True)
    (folder / "sous" / "a.txt").write_text("a", encoding="utf-8")
    (folder / "raccourci").symlink_to(folder / "sous", target_is_directory=True)
    assert unsafe_path(folder / "sous" / "a.txt", folder) is None
    assert "un dossier de son chemin" in unsafe_path(folder / "raccourci" / "a.txt", folder)
    assert unsafe_path(tmp_path / "ailleurs.txt", folder).startswith("chemin hors du dossier")
