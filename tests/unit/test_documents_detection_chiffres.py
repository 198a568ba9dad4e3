"""The digit scan of the personal-data detector (ingest/documents/detection.py) finds exactly what
it found before its runs were shared by the NIR and phone finders and those finders skipped the
runs too short for them: the former functions are copied below as they were (main e13599b) and
compared with the current ones on generated strings (unicode digits, every separator, long runs,
dates, decimals, phone and NIR shapes, pseudonyms) and on every line of the text fixtures. On the
texts of a build of the Nord the findings were compared too (benchmarks/NOTES.md)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.documents import detection
from ingest.documents.detection import (
    _RUN_SEPARATORS,
    Finding,
    _day_month,
    _in_pseudonym,
    _is_french_phone,
    _nir_key_ok,
    mask_value,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
PROFIL = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# ------------------------------------------------------------------ the former functions, verbatim
def ancien_digit_runs(text: str) -> Iterator[tuple[list[tuple[int, str]], bool]]:
    """Runs of digit groups ``([(start, digits)…], written after '+')``.

    Digits glued to letters (identifiers, checksums, « L262 ») belong to no run, nor do the
    decimals of a number (« 803809,0397991965 », « 48.8908166 ») or a date (« 05/12/2026 »)."""
    i, n = 0, len(text)
    while i < n:
        if not text[i].isdigit():
            i += 1
            continue
        if (i > 0 and text[i - 1].isalpha()) or (i > 1 and text[i - 1] in ".," and text[i - 2].isdigit()):
            while i < n and text[i].isalnum():
                i += 1
            continue
        back = i - 1
        while back >= 0 and back >= i - 3 and text[back] in " \t\u00a0(":
            back -= 1
        plus = back >= 0 and text[back] == "+"
        groups: list[tuple[int, str]] = []
        seps: list[str] = []
        j = i
        while j < n:
            start = j
            while j < n and text[j].isdigit():
                j += 1
            groups.append((start, text[start:j]))
            gap = j
            while gap < n and gap - j < 3 and text[gap] in _RUN_SEPARATORS:
                gap += 1
            if not (j < gap < n and text[gap].isdigit()):
                break
            after = gap
            while after < n and text[after].isdigit():
                after += 1
            separator, next_size = text[j:gap], after - gap
            prefix = "".join(g for _, g in groups) in ({"33", "0033"} if plus else {"0033"})  # « 00 33.6… »
            if separator == "." and next_size > 4 and not prefix:
                break  # a decimal number, not a grouping
            year = text[gap:after]
            if (
                separator == "/"
                and next_size == 4
                and 1900 <= int(year) <= 2100
                and len(groups) >= 2
                and seps[-1] == "/"
                and (len(groups) == 2 or seps[-2] != "/")  # exactly day/month/year, no more slashes
                and not (after + 1 < n and text[after] == "/" and text[after + 1].isdigit())
                and _day_month(groups[-2][1], groups[-1][1])
            ):
                groups = groups[:-2]  # day and month of a date (« 05/12/2026 »); its year is skipped too
                j = after
                break
            seps.append(separator)
            j = gap
        if j < n and text[j].isalpha():
            groups = groups[:-1]  # the last group belongs to an identifier (« 93-0612345678abcdef »)
        if groups:
            yield groups, plus
        while j < n and text[j].isalnum():
            j += 1
        i = j + 1


def ancien_phones(text: str) -> Iterator[Finding]:
    for groups, plus in ancien_digit_runs(text):
        if _in_pseudonym(text, groups[0][0]):
            continue
        values = [g for _, g in groups]
        for a in range(len(values)):
            joined = ""
            for b in range(a, len(values)):
                joined += values[b]
                if len(joined) > 15:
                    break
                international = (plus and a == 0) or joined.startswith("0033")
                other_country = (plus and a == 0 and 8 <= len(joined) <= 15) or (
                    joined.startswith("00")
                    and len(joined) > 2
                    and joined[2] != "0"
                    and 8 <= len(joined) - 2 <= 15
                )
                if _is_french_phone(joined, international) or other_country:
                    yield Finding("telephone", mask_value(joined))
                    break


def ancien_nirs(text: str) -> Iterator[Finding]:
    corsica = text.replace("2A", "19").replace("2B", "18").replace("2a", "19").replace("2b", "18")
    for groups, _ in ancien_digit_runs(corsica):
        digits = "".join(g for _, g in groups)
        sizes = [len(g) for _, g in groups]
        if len(digits) == 15:
            shaped = _nir_key_ok(digits[:13], digits[13:])
        elif len(digits) == 13:  # without its key: only when written as one block or grouped like a NIR
            shaped = sizes in ([13], [1, 2, 2, 2, 3, 3], [1, 2, 2, 5, 3])
        else:
            continue
        month = int(digits[3:5])
        if shaped and digits[0] in "123478" and (1 <= month <= 12 or month >= 20):
            yield Finding("nir", mask_value(digits))


# ------------------------------------------------------------------ comparison
def _issue(fonction, *args):
    """What a call gives: its list, or the type of the exception it raises."""
    try:
        return list(fonction(*args))
    except ValueError as exc:
        return type(exc)


def _memes(texte: str) -> None:
    detection._runs_of.cache_clear()
    if any(c.isdigit() and not c.isdecimal() for c in texte):
        # a superscript or circled « digit » (« ² », « ① »): the former loop took it for a digit and
        # int() could fail on it (« 01/02/²⁰²⁰ »); the scan now reads it as a character like any other
        for fonction in (detection._runs_of, detection._phones, detection._nirs):
            detection._runs_of.cache_clear()
            assert isinstance(_issue(fonction, texte), list), texte
        return
    assert _issue(detection._runs_of, texte) == _issue(ancien_digit_runs, texte), texte
    assert _issue(detection._phones, texte) == _issue(ancien_phones, texte), texte
    detection._runs_of.cache_clear()
    assert _issue(detection._nirs, texte) == _issue(ancien_nirs, texte), texte


# digits of every kind str.isdigit accepts (ASCII, Arabic-Indic, superscript, circled, mathematical
# beyond the Basic Multilingual Plane, Kharoshthi), characters that are not (« ½ », an emoji, « Ⅻ »)
CHIFFRES = "0123456789" + "٣۵߁९²³¹⁰⁴₉①⑨❶" + "\U0001d7d7\U0001d7ce\U00010a40"
AUTRES = "½Ⅻ\U0001f600\U00020000aAzZéÉ_[],;:'\"\n«»’"
MORCEAUX = [
    "+33 6 12 34 56 78", "0033 (0)6.12.34.56.78", "00 33.612345678", "06-12-34-56-78", "+44 20 7946 0958",
    "0612345678abcdef", "93-0612345678abcdef", "L262", "n°12 345", "05/12/2026", "5/12/2026/3",
    "31/13/2026", "01/01/1899", "12/03/2100", "803809,0397991965", "48.8908166", "1 85 05 78 006 084 36",
    "2A 05 78 006 084", "1850578006084", "185057800608436", "[TEL_0a1b2c3d]", "1" * 40,
    "[PERSONNE_66c292d3] 0612345678", "12 34 56 78 90 12 34 56 78", "+12345678", "+ 123456789",
    "001234567", "+ ( 0612345678", "+    0612345678", "(+33) 612345678", "2b", "2 85 05 78006 084",
    "1 85 05 78 006 084",
]  # fmt: skip
_texte = st.lists(
    st.one_of(
        st.sampled_from(MORCEAUX),
        st.text(alphabet=CHIFFRES + "".join(sorted(_RUN_SEPARATORS)) + AUTRES + "+.,/", max_size=12),
        st.text(alphabet="0123456789 ./-+", min_size=1, max_size=30),
    ),
    max_size=8,
).map("".join)


@PROFIL
@given(_texte)
def test_the_digit_scan_finds_what_the_former_loop_found(texte):
    _memes(texte)


def test_the_digit_scan_finds_what_the_former_loop_found_in_the_text_fixtures():
    """Every line of the text fixtures (documents, labelled passages, interviews, offer lists with
    their phone numbers): the same runs, phones and NIRs, some of them found."""
    trouves = 0
    for chemin in sorted(FIXTURES.rglob("*")):
        if chemin.suffix not in {".txt", ".md", ".csv", ".jsonl", ".json", ".html"}:
            continue
        for ligne in chemin.read_text(encoding="utf-8", errors="replace").splitlines():
            _memes(ligne)
            trouves += len(list(ancien_phones(ligne)))
    assert trouves > 0  # the fixtures hold phone numbers: the comparison is not between empty lists


def test_a_superscript_or_circled_digit_is_scanned_like_any_character():
    """« ² » or « ① » is a digit for str.isdigit but not for int(): it made the scan fail on a date
    such as « 01/02/²⁰²⁰ »; the phone number beside it is still found."""
    texte = "m² : relevé du 01/02/²⁰²⁰ ①, rappeler le 06 12 34 56 78"
    kinds = {f.kind for f in detection.find_personal_data(texte)}
    assert "telephone" in kinds
    assert list(detection._runs_of("01/02/²⁰²⁰")) == [([(0, "01"), (3, "02")], False)]


def test_an_accented_capital_or_a_superscript_after_an_iban_country_code_does_not_stop_the_scan():
    """« CH12 Écoles » looked like the start of a Swiss IBAN: « É » went into the candidate and base 36
    could not read it, which stopped the scan of the whole publication; a real IBAN is still found."""
    for texte in (
        "Accueil au CH12 Écoles maternelles du quartier",
        "Code LU28 Établissements scolaires",
        "IT²³ ÀÇÉÈ Œuvres",
    ):
        assert detection.find_personal_data(texte) == []
    trouves = detection.find_personal_data("Virement : FR76 3000 6000 0112 3456 7890 189, merci")
    assert [f.kind for f in trouves] == ["iban"]
