"""Captures of the comité's workbooks for docs/kit_comite.md (issue 17).

    uv run --frozen --no-sync python scripts/captures_suivi.py CLASSEUR FEUILLE SORTIE.png [LIGNES] [EN-TÊTES]

Keeps one sheet of a copy of the workbook (its first LIGNES rows, 25 by default), sets it to print
landscape on one page wide with the grid, prints it with LibreOffice headless (French locale) and
turns the first page into a PNG with pdftoppm. Hidden columns (the stable keys) are not printed,
nor the columns whose headers are listed in EN-TÊTES (separated by « | »), to fit a page.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from openpyxl import load_workbook


def capturer(classeur: Path, feuille: str, sortie: Path, lignes: int = 25, masquer: tuple = ()) -> Path:
    with tempfile.TemporaryDirectory(prefix="captures-suivi-") as tmp:
        tmp = Path(tmp)
        wb = load_workbook(classeur)
        for nom in list(wb.sheetnames):
            if nom != feuille:
                del wb[nom]
        ws = wb[feuille]
        if ws.max_row > lignes:
            ws.delete_rows(lignes + 1, ws.max_row - lignes)
        for cellule in ws[1]:
            if cellule.value in masquer:
                ws.column_dimensions[cellule.column_letter].hidden = True
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.print_options.gridLines = True
        copie = tmp / "capture.xlsx"
        wb.save(copie)
        env = {"HOME": str(tmp), "LANG": "fr_FR.UTF-8", "PATH": "/usr/bin:/bin"}
        subprocess.run(
            ["libreoffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp), str(copie)],
            check=True,
            capture_output=True,
            env=env,
            timeout=180,
        )
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "110",
                "-f",
                "1",
                "-l",
                "1",
                str(tmp / "capture.pdf"),
                str(tmp / "page"),
            ],
            check=True,
            capture_output=True,
            timeout=60,
        )
        page = next(tmp.glob("page*.png"))
        sortie.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(page, sortie)
    return sortie


if __name__ == "__main__":
    n = int(sys.argv[4]) if len(sys.argv) > 4 else 25
    masquer = tuple(sys.argv[5].split("|")) if len(sys.argv) > 5 else ()
    print(capturer(Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3]), n, masquer))
