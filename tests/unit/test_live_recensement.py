"""Live census readers (``rp_*`` tables of ingest.live_insee): insee.fr files, never the network.

INSEE publishes the two census files as zip archives on insee.fr; ``responses`` serves
archives built here in that layout: the data CSV (``base_cc_comparateur.csv``,
``dossier_complet.csv``: ``;``-separated, UTF-8, a header of INSEE variable names, one
row per commune) next to its metadata member (``meta_*.csv``, a stand-in here: the
readers do not open it). The data rows are the snapshot's own lines, unchanged. The
published dossier complet has some 1 900 columns: here four more INSEE variables (filled
from the comparateur snapshot) are put among the snapshot's 21, in another order. One
archive uses CRLF line ends, the other a UTF-8 BOM, so both conventions are read.

Any request that is not mocked is refused by ``responses`` (ConnectionError), and sockets
to anything but the loopback are refused too (``no_internet``).
"""

from __future__ import annotations

import io
import threading
import time
import zipfile
from dataclasses import replace
from pathlib import Path

import duckdb
import pandas as pd
import pytest
import responses
from _live_assets import HANG_GUARD, materialize_live, read_while_refused, wait_for_live_workers

from ingest import live_files, live_insee, recensement

COMPARATEUR_URL = "https://www.insee.fr/fr/statistiques/fichier/2521169/base_cc_comparateur_csv.zip"
DOSSIER_URL = "https://www.insee.fr/fr/statistiques/fichier/5359146/dossier_complet.zip"
EXTRA_DOSSIER_COLUMNS = ("P22_POP", "P22_POP1564", "P22_CHOM1564", "P22_ACT1564")

pytestmark = pytest.mark.usefixtures("pynsee_imported", "isolated_pynsee")


# ----------------------------------------------------------------- archives in INSEE's layout


def _snapshot_lines(data_dir: Path, name: str) -> list[str]:
    text = (data_dir / "insee-rp" / name).read_text(encoding="utf-8-sig")
    return [line for line in text.splitlines() if line.strip()]


def _archive(member: str, lines: list[str], newline: str = "\n", bom: bool = False) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        bundle.writestr(member, ("\ufeff" if bom else "") + newline.join(lines) + newline)
        bundle.writestr(f"meta_{member}", "COD_VAR;LIB_VAR\nCODGEO;Code géographique\n")
    return buffer.getvalue()


def comparateur_lines(data_dir: Path) -> list[str]:
    return _snapshot_lines(data_dir, "base_cc_comparateur_rp2022_dep93.csv")


def comparateur_zip(data_dir: Path, lines: list[str] | None = None) -> bytes:
    return _archive("base_cc_comparateur.csv", lines or comparateur_lines(data_dir), newline="\r\n")


def dossier_zip(data_dir: Path) -> bytes:
    """The snapshot's dossier complet rows with four more INSEE columns, columns reordered."""
    comparateur = [line.split(";") for line in comparateur_lines(data_dir)]
    extra = {row[0]: dict(zip(comparateur[0], row, strict=True)) for row in comparateur[1:]}
    dossier = [
        line.split(";") for line in _snapshot_lines(data_dir, "dossier_complet_extrait_rp2022_dep93.csv")
    ]
    snapshot_columns = dossier[0][1:]
    ages = [c for c in snapshot_columns if c.startswith("P22_POP")]
    others = [c for c in snapshot_columns if c not in ages][::-1]
    header = ["CODGEO", "P22_POP", *ages, *EXTRA_DOSSIER_COLUMNS[1:], *others]
    lines = [";".join(header)]
    for row in dossier[1:]:
        cells = dict(zip(dossier[0], row, strict=True)) | {c: extra[row[0]][c] for c in EXTRA_DOSSIER_COLUMNS}
        lines.append(";".join(cells[c] for c in header))
    return _archive("dossier_complet.csv", lines, bom=True)


@pytest.fixture
def insee_files(no_internet, data_dir):
    """insee.fr serving both census archives (strict: an unmocked URL raises ConnectionError)."""
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        rsps.add(
            responses.GET, COMPARATEUR_URL, body=comparateur_zip(data_dir), content_type="application/zip"
        )
        rsps.add(responses.GET, DOSSIER_URL, body=dossier_zip(data_dir), content_type="application/zip")
        yield rsps
    assert no_internet == []


def _serve(body, status: int = 200, url: str = COMPARATEUR_URL, **kwargs) -> responses.RequestsMock:
    """insee.fr answering ``body`` for one archive; any other request is refused."""
    rsps = responses.RequestsMock(assert_all_requests_are_fired=False)
    rsps.add(responses.GET, url, body=body, status=status, **kwargs)
    return rsps


def assert_fell_back(result, snapshot, *fragments: str) -> None:
    """Snapshot rows, flagged stale, with a French message naming the error and the snapshot file."""
    assert result.source.stale and result.source.mode == "snapshot"
    assert result.source.source_file == snapshot.source.source_file
    message = result.source.message
    assert message.startswith(f"Source INSEE en direct indisponible pour {snapshot.table_name}")
    assert f"Repli sur l'instantané {snapshot.source.source_file}" in message
    assert "PACTE_LIVE_TIMEOUT" in message
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} not in {message!r}"
    pd.testing.assert_frame_equal(result.frame, snapshot.frame)


# ----------------------------------------------------------------- live files read right


def assert_live_read(result, snapshot, source_file: str) -> None:
    """A live read of a published file: the snapshot's table and columns, nothing quarantined."""
    assert result.table_name == snapshot.table_name
    assert result.source.mode == "live" and not result.source.stale
    assert result.source.source_file == source_file
    assert result.quarantine == []
    assert list(result.frame.columns) == list(snapshot.frame.columns)


def test_live_comparateur_is_the_snapshot_table(insee_files, data_dir):
    result = live_insee.read_rp_comparateur_2022_live(data_dir, HANG_GUARD)
    snapshot = recensement.read_comparateur_2022(data_dir)
    assert_live_read(result, snapshot, f"{COMPARATEUR_URL} (base_cc_comparateur.csv)")
    assert result.source.vintage.startswith(recensement.RP_VINTAGE)
    assert "base_cc_comparateur.csv en ligne sur insee.fr le " in result.source.vintage
    assert result.frame.dtypes.equals(snapshot.frame.dtypes)
    pd.testing.assert_frame_equal(result.frame, snapshot.frame)  # values, secrets, published lines
    assert "40 communes ou arrondissements de 1 département(s)" in result.source.message
    assert [c.request.url for c in insee_files.calls] == [COMPARATEUR_URL]


def test_live_dossier_complet_keeps_the_snapshot_columns_of_the_published_file(insee_files, data_dir):
    result = live_insee.read_rp_dossier_complet_2022_live(data_dir, HANG_GUARD)
    snapshot = recensement.read_dossier_complet_2022(data_dir)
    assert_live_read(result, snapshot, f"{DOSSIER_URL} (dossier_complet.csv)")
    assert "p22_pop1564" not in result.frame.columns  # published columns outside the table are not kept
    pd.testing.assert_frame_equal(result.frame, snapshot.frame)
    assert "les 21 colonnes de l'instantané parmi les 25 du fichier" in result.source.message
    assert [c.request.url for c in insee_files.calls] == [DOSSIER_URL]


def test_unreadable_rows_are_quarantined_with_their_published_line(no_internet, data_dir):
    lines = comparateur_lines(data_dir)
    row = lines[1].split(";")
    bad_number = ";".join([row[0], "12x", *row[2:]])
    short_row = ";".join(row[:-3])
    bad_code = ";".join(["9300", *row[1:]])
    with _serve(comparateur_zip(data_dir, [*lines, bad_number, short_row, bad_code])):
        result = live_insee.read_rp_comparateur_2022_live(data_dir, HANG_GUARD)
    snapshot = recensement.read_comparateur_2022(data_dir)
    assert result.source.mode == "live" and not result.source.stale
    source = f"{COMPARATEUR_URL} (base_cc_comparateur.csv)"
    assert [(q.source_file, q.line, q.field) for q in result.quarantine] == [
        (source, 42, "P22_POP"),
        (source, 43, ""),
        (source, 44, "CODGEO"),
    ]
    assert result.quarantine[1].reason == "expected 32 fields, found 29"
    assert result.quarantine[1].content == short_row
    assert "not a number" in result.quarantine[0].reason
    pd.testing.assert_frame_equal(result.frame, snapshot.frame)  # the other rows untouched


# ----------------------------------------------------------------- failures fall back, in time


def test_another_vintage_falls_back_naming_the_columns_found(no_internet, data_dir):
    lines = comparateur_lines(data_dir)
    newer = [lines[0].replace("P22_", "P23_").replace("24;", "25;").replace("24\n", "25"), *lines[1:]]
    with _serve(comparateur_zip(data_dir, newer)):
        result = live_insee.read_rp_comparateur_2022_live(data_dir, HANG_GUARD)
    assert_fell_back(
        result,
        recensement.read_comparateur_2022(data_dir),
        "LiveSourceError",
        "base_cc_comparateur.csv publié sur insee.fr n'a pas",
        "P22_POP",
        "mais P23_POP, P23_MEN, NAISD25",
        "autre millésime que celui de la table rp_comparateur_2022",
    )


def test_a_page_instead_of_an_archive_falls_back(no_internet, data_dir):
    with _serve("<html><body>Page introuvable</body></html>", content_type="text/html"):
        result = live_insee.read_rp_comparateur_2022_live(data_dir, HANG_GUARD)
    assert_fell_back(result, recensement.read_comparateur_2022(data_dir), "n'est pas une archive zip")


def test_an_archive_without_the_member_falls_back(no_internet, data_dir):
    with _serve(_archive("autre_fichier.csv", comparateur_lines(data_dir))):
        result = live_insee.read_rp_comparateur_2022_live(data_dir, HANG_GUARD)
    assert_fell_back(
        result,
        recensement.read_comparateur_2022(data_dir),
        "base_cc_comparateur.csv absent de l'archive",
        "autre_fichier.csv",
    )


def test_a_file_in_another_encoding_falls_back(no_internet, data_dir):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as bundle:
        lines = comparateur_lines(data_dir)
        bundle.writestr("base_cc_comparateur.csv", "\n".join([lines[0], lines[1] + "é"]).encode("latin-1"))
    with _serve(buffer.getvalue()):
        result = live_insee.read_rp_comparateur_2022_live(data_dir, HANG_GUARD)
    assert_fell_back(result, recensement.read_comparateur_2022(data_dir), "illisible en utf-8-sig")


@pytest.mark.parametrize("status", [404, 503])
def test_http_errors_fall_back(no_internet, data_dir, status):
    with _serve("erreur", status=status, url=DOSSIER_URL) as rsps:
        result = live_insee.read_rp_dossier_complet_2022_live(data_dir, HANG_GUARD)
        calls = len(rsps.calls)
    assert_fell_back(result, recensement.read_dossier_complet_2022(data_dir), str(status))
    assert calls <= 2, "one retry at most, not pynsee's seven"


def test_unmocked_url_is_refused_and_falls_back(no_internet, data_dir):
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:  # nothing registered
        result = live_insee.read_rp_comparateur_2022_live(data_dir, HANG_GUARD)
        assert [c.request.url for c in rsps.calls] == [COMPARATEUR_URL]
    assert_fell_back(result, recensement.read_comparateur_2022(data_dir), "ConnectionError")
    assert no_internet == []


def test_an_oversized_answer_is_refused_before_it_is_read(no_internet, data_dir):
    class Untouched(io.RawIOBase):
        reads = 0

        def readable(self) -> bool:
            return True

        def readinto(self, buffer) -> int:
            Untouched.reads += 1
            return 0

    announced = str(2 * live_files.COMPARATEUR_FILE.max_bytes)
    with _serve(io.BufferedReader(Untouched()), headers={"Content-Length": announced}):
        result = live_insee.read_rp_comparateur_2022_live(data_dir, HANG_GUARD)
    assert_fell_back(result, recensement.read_comparateur_2022(data_dir), "annonce 128 Mo, au-delà des 64 Mo")
    assert Untouched.reads == 0


def test_a_download_growing_past_its_bound_is_stopped(no_internet, data_dir, monkeypatch):
    small = replace(live_files.COMPARATEUR_FILE, max_bytes=1024)
    monkeypatch.setattr(live_files, "COMPARATEUR_FILE", small)
    with _serve(b"PK" + b"\0" * 500_000):  # no Content-Length announced by a stream
        result = live_insee.read_rp_comparateur_2022_live(data_dir, HANG_GUARD)
    assert_fell_back(
        result, recensement.read_comparateur_2022(data_dir), "dépasse 0 Mo : téléchargement arrêté"
    )


class _Trickle(io.RawIOBase):
    """A body that sends 16 KiB every 0.25 s, forever: a download that never ends in time."""

    def __init__(self) -> None:
        self.reads = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        self.reads += 1
        time.sleep(0.25)
        size = min(len(buffer), 16 * 1024)
        buffer[:size] = b"\0" * size
        return size


def test_a_slow_download_falls_back_at_the_deadline_and_stops(no_internet, data_dir):
    """A download that never ends is cut by the deadline, and the worker stops reading.

    The body never ends, so only the deadline can end the call (its timeout is named in
    the message); then we wait for the worker thread to end (a condition) and check that
    the body is no longer read.
    """
    trickle = _Trickle()
    with _serve(io.BufferedReader(trickle)):
        result = live_insee.read_rp_comparateur_2022_live(data_dir, 1)
        wait_for_live_workers()  # the worker notices the deadline at its next chunk
        reads = trickle.reads
        threading.Event().wait(1)
        assert trickle.reads == reads, "the download went on after the deadline"
    assert_fell_back(result, recensement.read_comparateur_2022(data_dir), "LiveTimeout", "limite 1 s")


def test_a_hanging_server_falls_back_at_the_deadline(hanging_proxy, no_internet, data_dir):
    """The server never answers: only the deadline can end the call, and the message says so."""
    result = live_insee.read_rp_dossier_complet_2022_live(data_dir, 2)
    assert hanging_proxy, "the request did reach the (local) hanging server"
    assert_fell_back(result, recensement.read_dossier_complet_2022(data_dir), "Timeout", "limite 2 s")
    assert no_internet == []


def test_refused_connections_do_not_wait_for_the_deadline(no_internet, data_dir):
    """Refused: the fall back names the refusal, not the (10 min) deadline; one retry at most."""
    result, calls = read_while_refused(
        r"https://www\.insee\.fr/.*", lambda: live_insee.read_rp_comparateur_2022_live(data_dir, 600)
    )
    assert 1 <= calls <= 2, f"{calls} requests for one refused connection (one retry at most)"
    assert "Timeout" not in result.source.message
    assert_fell_back(result, recensement.read_comparateur_2022(data_dir), "Connection refused")


# ----------------------------------------------------------------- raw assets in live mode


def _materialize(table: str, data_dir: Path, tmp_path: Path, timeout: float):
    result, warehouse = materialize_live(table, data_dir, tmp_path, timeout)
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        table_modes = con.execute(f"select distinct _mode, _stale, _source_file from raw.{table}").fetchall()
        loads = con.execute(
            "select mode, stale, rows_loaded, message from raw._chargements where table_name = ?", [table]
        ).fetchall()
    finally:
        con.close()
    return result, table_modes, loads


def test_raw_census_assets_in_live_mode_load_the_published_files(insee_files, data_dir, tmp_path):
    for table, url in (("rp_comparateur_2022", COMPARATEUR_URL), ("rp_dossier_complet_2022", DOSSIER_URL)):
        result, modes, loads = _materialize(table, data_dir, tmp_path / table, HANG_GUARD)
        assert result.success
        assert len(modes) == 1 and modes[0][:2] == ("live", False) and modes[0][2].startswith(url)
        mode, stale, rows, message = loads[0]
        assert (
            (mode, stale) == ("live", False) and rows in (39, 40) and "lu en direct sur insee.fr" in message
        )


def test_raw_census_asset_marks_the_fallback_stale(no_internet, data_dir, tmp_path):
    with responses.RequestsMock(assert_all_requests_are_fired=False):
        result, modes, loads = _materialize("rp_dossier_complet_2022", data_dir, tmp_path, 3)
    assert result.success
    assert [m[:2] for m in modes] == [("snapshot", True)]
    mode, stale, rows, message = loads[0]
    assert (mode, stale, rows) == ("snapshot", True, 39) and "Repli sur l'instantané" in message
