"""Personal data: the pseudonymiser on generated written forms, and the independent detector.

Property-based: phone numbers in every French and international written form (separators
``.``, ``/``, ``-``, ``_``, spaces, brackets, ``+33``, ``(+33)``, ``0033``, ``00 33``, ``(0)``,
irregular groups), e-mails (plain and obfuscated), NIR with key (Corsica included), IBAN
(FR, DE) and postal addresses. For each generated form: the detector sees it in the raw text,
the pseudonymiser leaves nothing the detector sees, and every form of one phone line gets
the same pseudonym.
"""

from __future__ import annotations

import ast
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.documents import balayage, detection
from ingest.documents.balayage import scan_files, scan_warehouse
from ingest.documents.detection import find_personal_data
from ingest.documents.pseudonymisation import Pseudonymiser
from ingest.documents.stockage import ensure_tables

PSEUDO = Pseudonymiser(b"sel-des-tests")
SEPARATORS = ["", " ", ".", "/", "-", "_", " - ", "  ", " / ", "\u00a0"]
CONTEXTS = [
    "Tél. : {} .",
    "la joindre au {}, merci",
    "({})",
    "{}",
    "Portable:{}\nFixe : aucun",
    "« {} »",
    "appeler le {} avant 18 h",
]
DIGITS = st.sampled_from("0123456789")
PROFILE = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def french_phones(draw) -> tuple[str, str]:
    """(written form, national form ``0XXXXXXXXX``)."""
    nine = draw(st.sampled_from("123456789")) + "".join(draw(st.lists(DIGITS, min_size=8, max_size=8)))
    groups, cursor = [], 0
    while cursor < 9:  # irregular groups of 1 to 4 digits (« 06 71 284 590 », « 0 6712 8459 0 »)
        size = draw(st.integers(1, min(4, 9 - cursor)))
        groups.append(nine[cursor : cursor + size])
        cursor += size
    mixed = draw(st.booleans())
    first = draw(st.sampled_from(SEPARATORS))
    body = groups[0]
    for group in groups[1:]:
        body += (draw(st.sampled_from(SEPARATORS[1:])) if mixed else first) + group
    prefix = draw(
        st.sampled_from(["0", "0", "+33", "+33 (0)", "+33(0)", "(+33)", "(+33) (0)", "0033", "00 33"])
    )
    if prefix == "0":
        written = "0" + draw(st.sampled_from(["", "", "", " "])) + body
    else:
        written = prefix + draw(st.sampled_from(["", " ", ".", "-"])) + body
    return written, "0" + nine


@st.composite
def international_phones(draw) -> str:
    country, size = draw(
        st.sampled_from([("44", 10), ("32", 9), ("49", 10), ("1", 10), ("212", 9), ("41", 9)])
    )
    digits = "".join(draw(st.lists(DIGITS, min_size=size, max_size=size)))
    digits = draw(st.sampled_from("23456789")) + digits[1:]
    step = draw(st.sampled_from([2, 3, 4]))
    sep = draw(st.sampled_from([" ", ".", "-"]))
    grouped = sep.join(digits[i : i + step] for i in range(0, size, step))
    return draw(st.sampled_from(["+", "00"])) + country + " " + grouped


@st.composite
def emails(draw) -> str:
    word = st.text("abcdefghijklmnopqrstuvwxyz", min_size=2, max_size=8)
    local = draw(word) + draw(st.sampled_from(["", ".", "-", "_"])) + draw(word)
    domain = draw(word) + draw(st.sampled_from(["", "-"])) + draw(word)
    tld = draw(st.sampled_from(["fr", "com", "org", "gouv.fr", "net"]))
    form = draw(st.sampled_from(["plain", "spaced", "at", "arobase", "brackets"]))
    if form == "plain":
        return f"{local}@{domain}.{tld}"
    if form == "spaced":
        return f"{local} @ {domain}.{tld}"
    if form == "at":
        return f"{local} [at] {domain} [dot] {tld.replace('.', ' [dot] ')}"
    if form == "arobase":
        return f"{local} arobase {domain}.{tld}"
    return f"{local}(at){domain}(dot){tld.replace('.', '(dot)')}"


@st.composite
def nirs(draw) -> str:
    sex = draw(st.sampled_from("12"))
    year = f"{draw(st.integers(0, 99)):02d}"
    month = f"{draw(st.integers(1, 12)):02d}"
    dept = draw(st.sampled_from(["75", "93", "13", "2A", "2B", "59", "01"]))
    commune = f"{draw(st.integers(1, 999)):03d}"
    order = f"{draw(st.integers(1, 999)):03d}"
    number = sex + year + month + dept + commune + order
    key = 97 - int(number.replace("2A", "19").replace("2B", "18")) % 97
    sep = draw(st.sampled_from([" ", ".", "-", ""]))
    return sep.join([sex, year, month, dept, commune, order, f"{key:02d}"])


def _iban(country: str, bban: str) -> str:
    rearranged = bban + country + "00"
    check = 98 - int("".join(str(int(c, 36)) for c in rearranged)) % 97
    return f"{country}{check:02d}{bban}"


@st.composite
def ibans(draw) -> str:
    if draw(st.booleans()):
        bban = "".join(draw(st.lists(DIGITS, min_size=10, max_size=10)))
        bban += "".join(draw(st.lists(st.sampled_from("0123456789ABCDEFGHJK"), min_size=11, max_size=11)))
        bban += "".join(draw(st.lists(DIGITS, min_size=2, max_size=2)))
        iban = _iban("FR", bban)
    else:
        iban = _iban("DE", "".join(draw(st.lists(DIGITS, min_size=18, max_size=18))))
    if draw(st.booleans()):
        return " ".join(iban[i : i + 4] for i in range(0, len(iban), 4))
    return iban


@st.composite
def addresses(draw) -> str:
    number = str(draw(st.integers(1, 250))) + draw(st.sampled_from(["", " bis", " ter"]))
    street = draw(
        st.sampled_from(["rue", "avenue", "boulevard", "allée", "impasse", "chemin", "quai", "square"])
    )
    name = draw(
        st.sampled_from(["des Lilas", "Jean Jaurès", "du 8 Mai 1945", "de la République", "Gabriel Péri"])
    )
    town = draw(
        st.sampled_from(
            ["", ", 93200 Saint-Denis", " 93000 Bobigny", "\n93 140 Bondy", ", 75011 Paris Cedex 11"]
        )
    )
    return f"{number} {street} {name}{town}"


def _kinds(text: str) -> set[str]:
    return {f.kind for f in find_personal_data(text)}


@PROFILE
@given(french_phones(), st.sampled_from(CONTEXTS))
def test_french_phone_forms_are_seen_and_pseudonymised_alike(phone, context):
    written, national = phone
    text = context.format(written)
    assert "telephone" in _kinds(text), text
    out = PSEUDO.text(text)
    assert PSEUDO.phone(national) in out, (text, out)
    assert find_personal_data(out) == [], (text, out)


def _seen_then_replaced(text: str, kind: str, token: str) -> str:
    """The detector sees a ``kind`` in ``text``; the pseudonymiser writes ``token`` in its place and the
    detector sees nothing left in what it wrote, which is returned."""
    assert kind in _kinds(text), text
    out = PSEUDO.text(text)
    assert token in out and find_personal_data(out) == [], (text, out)
    return out


@pytest.mark.parametrize(
    ("values", "kind", "token"),
    [
        (international_phones(), "telephone", "[TEL_"),
        (emails(), "email", "[EMAIL_"),  # plain or obfuscated
        (nirs(), "nir", "[NIR]"),  # social-security numbers
        (ibans(), "iban", "[IBAN]"),
    ],
    ids=["telephone_international", "email", "nir", "iban"],
)
def test_identifiers_are_seen_and_pseudonymised(values, kind, token):
    @PROFILE
    @given(values, st.sampled_from(CONTEXTS))
    def check(value, context):
        _seen_then_replaced(context.format(value), kind, token)

    check()


@PROFILE
@given(addresses())
def test_postal_addresses(address):
    text = f"Elle habite au {address}. Elle viendra au rendez-vous."
    out = _seen_then_replaced(text, "adresse", "[ADRESSE]")
    for secret in ("Lilas", "Jaurès", "République", "Péri", "93200", "93 140", "75011"):
        assert secret not in out


@pytest.mark.parametrize(
    "text",
    [
        "Budget 2019-2024 : 2 000 000 €, 123 456 789 € ; article L. 262-16 du CASF ; arrêté du 01/02/2020.",
        "Identifiant 93-0612345678abcdef, empreinte 0612345678ab9f3e.",
        "Madame, Monsieur, Madame la Présidente et Monsieur le Préfet.",
        "3 cours collectifs et 2 places en crèche ; suivre @CAF93.",
        "Appeler le 3949 ou le 39 49 ; SIRET 130 025 265 00013.",
        "Rencontre avec [PERSONNE_0a1b2c3d] ([TEL_06123456], [EMAIL_deadbeef]) au [ADRESSE].",
        # met in the files of a real build of the 93 (dates, decimals, coordinates, street names)
        "Produit le 05/12/2026 06:55 ; le 5/1/2026 à 10 h.",
        "taux_chomage_15_64;2022;15,82;127163,6298686943;803809,0397991965;non",
        '{"latitude": 48.8908166042527, "longitude": 2.48995054659587, "typologie": "RFS"}',
        "Rue DU DR JEAN VAQUIER, place du Docteur Roux",
    ],
)
def test_detector_leaves_ordinary_text_and_pseudonyms_alone(text):
    assert find_personal_data(text) == []


def test_the_forms_reported_by_the_trials_are_caught():
    text = (
        "Joindre Mme Delaunay au 01/48/30/20/11, au (+33) 6 71 28 45 90, au 00 33 6 71 28 45 90, "
        "au 06 71 284 590 ou au 06_71_28_45_90."
    )
    kinds = [f.kind for f in find_personal_data(text)]
    assert kinds.count("telephone") == 5 and "personne" in kinds
    out = PSEUDO.text(text)
    assert find_personal_data(out) == []
    assert out.count(PSEUDO.phone("0671284590")) == 4


@pytest.mark.parametrize("module", [detection, balayage], ids=["detecteur", "balayage"])
def test_detector_shares_no_code_with_the_pseudonymiser(module):
    tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
    imported = {
        node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module
    } | {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    assert not any("pseudonymisation" in name or "phonenumbers" in name for name in imported)


def _raw_warehouse(path: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(path))
    ensure_tables(con)
    return con


def _insert(con, table: str, row: dict) -> None:
    frame = pd.DataFrame([row])  # noqa: F841 - used by DuckDB's replacement scan
    columns = ", ".join(row)
    con.execute(f"insert into raw.{table} ({columns}) select {columns} from frame")


@pytest.mark.parametrize(
    ("categorie", "texte"),
    [
        ("entretien", "Rappeler au 01/48/30/20/11 demain."),
        ("entretien", "Son portable : (+33) 6 71 28 45 90."),
        ("document", "Contact : 06 71 284 590."),
        ("document", "RIB : FR76 3000 6000 0112 3456 7890 189."),
    ],
)
def test_blocking_check_scans_every_raw_document_table(tmp_path, categorie, texte):
    from orchestration.manifest import ensure_manifest

    ensure_manifest()  # the module builds its job from the dbt manifest
    from orchestration.assets.documents import personal_data_left

    con = _raw_warehouse(tmp_path / "w.duckdb")
    _insert(
        con,
        "documents_fichiers",
        {
            "code_departement": "93",
            "id_document": "93-a",
            "categorie": categorie,
            "checksum": "c1",
            "chemin": "x.md",
        },
    )
    _insert(
        con,
        "documents_passages",
        {"code_departement": "93", "id_document": "93-a", "id_passage": "93-a-p1", "texte": texte},
    )
    found = personal_data_left(con, "93")
    assert found and "raw.documents_passages.texte" in found[0]
    assert personal_data_left(con, "974") == []  # another département's rows are not its fault
    con.close()


def test_scan_of_dbt_models_found_in_the_manifest(tmp_path):
    manifest = tmp_path / "manifest.json"
    manifest.write_text(
        '{"sources": {"source.p.raw.documents_passages": {"schema": "raw", "name": "documents_passages"}},'
        ' "child_map": {"source.p.raw.documents_passages": ["model.p.passages"], "model.p.passages": []},'
        ' "nodes": {"model.p.passages": {"resource_type": "model", "schema": "marts", "name": "passages",'
        ' "alias": "passages"}}}'
    )
    con = _raw_warehouse(tmp_path / "w.duckdb")
    con.execute("create schema if not exists marts")
    con.execute("create table marts.passages as select 'Écrire à jeanne.exemple@exemple.fr' as texte")
    con.execute("create table marts.autre as select 'Écrire à jeanne.exemple@exemple.fr' as texte")
    assert scan_warehouse(con, manifest) == ["adresse e-mail dans marts.passages.texte (1)"]
    con.close()


def test_scan_of_files_written_for_people(tmp_path):
    from openpyxl import Workbook

    out = tmp_path / "sortie" / "93"
    (out / "exports").mkdir(parents=True)
    (out / "kit").mkdir()
    con = duckdb.connect()
    target = (out / "exports" / "passages.parquet").as_posix()
    con.execute(f"copy (select 'Appeler le 06_71_28_45_90' as texte) to '{target}' (format parquet)")
    con.close()
    book = Workbook()
    book.active.append(["Passage", "Rappeler Mme Delaunay au 00 33 6 71 28 45 90"])
    book.save(out / "kit" / "diagnostic_93.xlsx")
    (out / "rapport_diagnostic.html").write_text(
        "<html><body><p>Contact : <a href='mailto:a.b@exemple.fr'>écrire</a></p></body></html>",
        encoding="utf-8",
    )
    (out / "reseau_acteurs.html").write_text(
        '<script id="donnees" type="application/json">{"liens": [{"preuve": "appeler le 06.71.28.45.90"}]}'
        "</script><script>var x = 0612345678;</script>",
        encoding="utf-8",
    )
    found = scan_files(tmp_path / "sortie")
    assert "numéro de téléphone dans 93/reseau_acteurs.html (1)" in found  # the data island, not the code
    assert any("93/exports/passages.parquet" in f and "téléphone" in f for f in found)
    assert any("93/kit/diagnostic_93.xlsx" in f and "téléphone" in f for f in found)
    assert any("93/kit/diagnostic_93.xlsx" in f and "civilité" in f for f in found)
    assert any("93/rapport_diagnostic.html" in f and "e-mail" in f for f in found)
    clean = tmp_path / "propre"
    clean.mkdir()
    (clean / "rapport.html").write_text(
        "<p>Rencontre avec [PERSONNE_0a1b2c3d] le 3 mars.</p>", encoding="utf-8"
    )
    assert scan_files(clean) == []


def test_workbook_texts_are_the_ones_openpyxl_reads(tmp_path):
    """The workbook is read from its XML (fast): the same strings as openpyxl's values, with shared
    strings, inline strings (write-only mode), formulas, rich text and escaped characters."""
    from collections import Counter

    from openpyxl import Workbook, load_workbook
    from openpyxl.cell.rich_text import CellRichText, TextBlock
    from openpyxl.cell.text import InlineFont

    from ingest.documents.balayage import _xlsx_texts

    shared = Workbook()
    sheet = shared.active
    sheet.append(["Commune", "Taux", "Note <à> & « revoir »"])
    sheet.append(["Saint-Denis", 35.7, "=A2&\" (93)\""])
    sheet.append([None, True, "  espace  "])
    sheet["D1"] = CellRichText(["Appeler ", TextBlock(InlineFont(b=True), "Mme Delaunay")])
    second = shared.create_sheet("Deux")
    second.append(["Saint-Denis", "ligne 2\nsuite"])
    shared.save(tmp_path / "partage.xlsx")
    streamed = Workbook(write_only=True)
    feuille = streamed.create_sheet("Flux")
    feuille.append(["Passage", "Rappeler Mme Delaunay au 06 71 28 45 90", 12, None])
    feuille.append(["Passage", "d'accord"])
    streamed.save(tmp_path / "flux.xlsx")
    for name in ("partage.xlsx", "flux.xlsx"):
        book = load_workbook(tmp_path / name, read_only=True)
        expected = Counter(
            str(v) for s in book.worksheets for row in s.iter_rows(values_only=True) for v in row
            if isinstance(v, str)
        )
        book.close()
        assert Counter(_xlsx_texts(tmp_path / name)) == expected, name


def test_scan_counts_every_occurrence_and_skips_the_folders_asked(tmp_path):
    out = tmp_path / "sortie"
    for code in ("93", "59"):
        (out / code).mkdir(parents=True)
        (out / code / "notes.csv").write_text(
            "Appeler le 06 71 28 45 90\nAppeler le 06 71 28 45 90\nrien\n", encoding="utf-8"
        )
    found = scan_files(out)
    assert "numéro de téléphone dans 93/notes.csv (2)" in found
    assert "numéro de téléphone dans 59/notes.csv (2)" in found
    assert scan_files(out, skip=["93"]) == ["numéro de téléphone dans 59/notes.csv (2)"]


def test_command_line_on_a_build_output(tmp_path, capsys):
    (tmp_path / "93").mkdir()
    (tmp_path / "93" / "note.md").write_text("Portable : 06.71.28.45.90\n", encoding="utf-8")
    assert balayage.main(["--sorties", str(tmp_path)]) == 1
    assert "numéro de téléphone dans 93/note.md (1)" in capsys.readouterr().out
    (tmp_path / "93" / "note.md").write_text("Portable : [TEL_0a1b2c3d]\n", encoding="utf-8")
    assert balayage.main(["--sorties", str(tmp_path)]) == 0


@pytest.mark.parametrize(
    ("titre", "auteur", "flagged"),
    [
        ("Claire LEBLANC", "Conseil départemental", {"titre"}),
        ("Convocation RSA", "jdupont", {"auteur"}),
        ("Madame,", "m.durand", {"auteur"}),  # a salutation has no name: the login is what is flagged
        ("LEBLANC, Claire", "Jean-Pierre DURAND", {"titre", "auteur"}),
        ("data.insertion", "DGEFP", set()),
        ("Chapitre III", "France TRAVAIL", set()),
        ("EA Entreprise Adaptée", "Convocation RSA", set()),
    ],
)
def test_person_or_login_as_title_or_author_is_flagged(tmp_path, titre, auteur, flagged):
    con = _raw_warehouse(tmp_path / "w.duckdb")
    row = {"code_departement": "93", "id_document": "93-a", "categorie": "document", "checksum": "c1"}
    _insert(con, "documents_fichiers", {**row, "chemin": "lettre.docx", "titre": titre, "auteur": auteur})
    found = scan_warehouse(con, None, "93")
    columns = {line.split("raw.documents_fichiers.")[1].split(" ")[0] for line in found}
    assert columns == flagged, found
    con.close()


def test_digits_in_a_web_address_are_no_phone_number():
    """A food-aid point's page (Nord) once stopped the build: its path looks like a phone number."""
    from ingest.documents.detection import find_personal_data

    assert find_personal_data("https://andes-france.com/lieu/06-09-21-26-92/") == []
    assert find_personal_data("www.exemple.fr/06.09.21.26.92") == []
    # a number beside the address is still found
    found = find_personal_data("voir https://exemple.fr/page ou appeler le 06 09 21 26 92")
    assert [f.kind for f in found] == ["telephone"]


def test_hexadecimal_ids_are_not_ibans_but_real_ibans_of_each_shape_are():
    """A build with 100 000 local services stopped at publication: 8 of its 461 152 tie ids
    (16 hexadecimal characters) had the length and the mod-97 key of a Belgian IBAN. A Belgian account
    is digits only (ISO 13616), so none of them is one."""
    from ingest.documents.detection import find_personal_data

    ids = ["be0479ecd3403e78", "be49e9e5cd3ee628", "be62c0f851eab221", "be745d1225d99715",
           "be164cd91567f6de", "be29985d7cdd9db2", "be49241257db16ac", "be69b35eef9eeaa7"]  # fmt: skip
    assert [i for i in ids if any(f.kind == "iban" for f in find_personal_data(i))] == []
    real = [_iban("BE", "539007547034"), _iban("GB", "NWBK60161331926819"),
            _iban("FR", "20041010050500013M02606"), _iban("DE", "370400440532013000"),
            _iban("IT", "X0542811101000000123456")]  # fmt: skip
    assert all(any(f.kind == "iban" for f in find_personal_data(f"virement sur {r} merci")) for r in real)


def test_a_scan_of_files_split_in_two_finds_what_the_whole_scan_finds(tmp_path):
    """``skip=X`` then ``only=X`` (the publication's two processes) scan each file once: together they
    find exactly what one scan of every file finds."""
    out = tmp_path / "sortie"
    for dossier, texte in (
        ("93/kit", "Rappeler Mme Delaunay au 06 71 28 45 90"),
        ("93/exports", "écrire à jeanne.exemple@exemple.fr"),
        ("93", "Appeler le 06.71.28.45.90"),
        ("apercu", "Mme Delaunay, 06 71 28 45 90"),
        ("59/kit", "écrire à paul.exemple@exemple.fr"),
    ):
        (out / dossier).mkdir(parents=True, exist_ok=True)
        (out / dossier / "page.html").write_text(f"<p>{texte}</p>", encoding="utf-8")
    entier = scan_files(out, skip=["59"])
    kit = scan_files(out, skip=["59"], only=["93/kit"])
    reste = scan_files(out, skip=["59", "93/kit"])
    assert kit and reste and set(kit).isdisjoint(reste)
    assert sorted(kit + reste) == sorted(entier) and not any("59/" in f for f in entier)
    assert all("93/kit" in f for f in kit) and not any("93/kit" in f for f in reste)
