"""Pseudonymisation at ingestion: e-mails, phones, names, addresses, salt."""

from __future__ import annotations

import os
import stat

import pytest

from ingest.documents.entretiens import read_interview
from ingest.documents.extraction import DocumentRejete
from ingest.documents.pseudonymisation import SALT_ENV, SALT_FILE, Pseudonymiser, load_salt

INTERVIEWS = os.path.join(
    os.path.dirname(__file__), "..", "fixtures", "documents", "inbox", "93", "entretiens"
)


@pytest.mark.parametrize(
    "phone",
    [
        "06 71 28 45 90",
        "06.71.28.45.90",
        "0671284590",
        "06-71-28-45-90",
        "+33 6 71 28 45 90",
        "+33 (0)6 71 28 45 90",
        "0033 6 71 28 45 90",
        "+33671284590",
    ],
)
def test_french_phone_formats_are_replaced_by_one_pseudonym(phone):
    p = Pseudonymiser(b"sel")
    out = p.text(f"Appeler le {phone} demain.")
    assert out == f"Appeler le {p.phone('06 71 28 45 90')} demain."


def test_emails_names_addresses_and_birth_dates():
    p = Pseudonymiser(b"sel", names=["Gwenaëlle Kerbrat-Ostrowski"])
    text = (
        "GWENAELLE KERBRAT-OSTROWSKI (g.kerbrat@ccas-exemple.fr) a reçu Mme Kerbrat-Ostrowski, "
        "M. Jean-Pierre DURAND, né le 12/03/1980, domicilié 12 bis rue de la République ; "
        "Madame la Préfète et Monsieur le Président restent nommés par leur fonction. "
        "Je m'appelle Paul Martin. NIR : 1 84 12 75 123 456 78."
    )
    out = p.text(text)
    for secret in (
        "KERBRAT",
        "Kerbrat",
        "GWENAELLE",
        "g.kerbrat",
        "DURAND",
        "Jean-Pierre",
        "12/03/1980",
        "République",
        "Paul Martin",
        "123 456",
    ):
        assert secret not in out
    assert out.count(p.person("Gwenaëlle Kerbrat-Ostrowski")) == 2
    assert "Madame la Préfète et Monsieur le Président" in out
    assert "[DATE_NAISSANCE]" in out and "[ADRESSE]" in out and "[NIR]" in out


def test_pseudonyms_are_stable_and_depend_on_the_salt():
    a, b = Pseudonymiser(b"sel-a"), Pseudonymiser(b"sel-b")
    assert a.person("Anatole Brisebarre") == a.person("BRISEBARRE Anatole") == a.person("anatole  brisebarre")
    assert a.person("Anatole Brisebarre") != b.person("Anatole Brisebarre")
    assert a.email("X@Exemple.fr") == a.email("x@exemple.fr")


def test_paths_lose_declared_names():
    p = Pseudonymiser(b"sel", names=["Sidonie Pendreff"])
    assert "pendreff" not in p.path("entretiens/2025_pendreff_sidonie.md").lower()


def test_salt_file_is_created_once_outside_the_warehouse(tmp_path, monkeypatch):
    monkeypatch.setenv(SALT_ENV, "jamais-lu")  # the caller passes the variable in; never read here
    first = load_salt(tmp_path / "inbox")
    assert (tmp_path / "inbox" / SALT_FILE).exists()
    assert stat.S_IMODE((tmp_path / "inbox" / SALT_FILE).stat().st_mode) == 0o600
    assert load_salt(tmp_path / "inbox") == first and len(first) == 64
    assert load_salt(tmp_path / "autre", "mon-sel") == b"mon-sel"
    assert not (tmp_path / "autre").exists()


def test_interview_front_matter_people_never_leave_the_reader():
    p = Pseudonymiser(b"sel")
    interview = read_interview(os.path.join(INTERVIEWS, "2025-03-12_ccas_montreuil.md"), p)
    text = "\n".join(page.texte for page in interview.extraction.pages)
    everything = " ".join(
        [
            text,
            interview.acteur or "",
            interview.role or "",
            interview.territoire or "",
            interview.extraction.titre or "",
            " ".join(interview.personnes),
        ]
    )
    for secret in (
        "Kerbrat",
        "Ostrowski",
        "Vasseur",
        "Lindqvist",
        "Malbranque",
        "Ermengarde",
        "Larrouturou",
        "Isidore",
        "g.kerbrat",
        "01 48 70 62 35",
        "06 71 28 45 90",
        "+33 6 12 98 33 41",
        "rue de Paris",
    ):
        assert secret not in everything, secret
    assert interview.acteur == "CCAS de Montreuil" and interview.date == "2025-03-12"
    assert p.person("Gwenaëlle Kerbrat-Ostrowski") in interview.personnes
    assert "> « On voit arriver des familles" in text


def test_interview_with_a_broken_front_matter_is_rejected():
    with pytest.raises(DocumentRejete, match="en-tête YAML"):
        read_interview(os.path.join(INTERVIEWS, "entretien_entete_casse.md"), Pseudonymiser(b"sel"))
