"""Precision and recall of the document analysis on the labelled passages of the real documents.

Run: ``uv run --frozen --no-sync python benchmarks/documents_precision.py [--erreurs]``. Analyses
each labelled passage of ``tests/fixtures/documents/etiquettes/passages_etiquetes.jsonl`` (text only)
and rewrites the table between the markers of ``docs/documents.md``; ``--erreurs`` prints what the
analysis got wrong (to read, never to edit the labels after).
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from ingest.documents.evaluation import TARGETS, evaluate, load_labels  # noqa: E402

DOC = REPO / "docs" / "documents.md"
START, END = "<!-- precision:debut -->", "<!-- precision:fin -->"
NAMES = {
    "acteur": "Mentions d'acteurs",
    "dispositif": "Mentions de dispositifs",
    "domaine": "Domaine des passages (tous domaines)",
    "lien": "Liens entre entités",
}


def _number(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}".replace(".", ",")


def table() -> tuple[str, list[str]]:
    labels = load_labels()
    result = evaluate(labels)
    lines = [
        f"{result.passages} passages de {result.documents} documents réels, étiquetés à la main.",
        "",
        "| Classe | VP | FP | FN | Précision | Rappel | Cible |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for name, tp, fp, fn, precision, recall in result.table():
        label = NAMES.get(name, name.replace("domaine ", "Domaine "))
        target = ""
        if name in TARGETS:
            p, r = TARGETS[name]
            target = f"précision ≥ {_number(p)}" + (f", rappel ≥ {_number(r)}" if r else "")
        lines.append(
            f"| {label} | {tp} | {fp} | {fn} | {_number(precision)} | {_number(recall)} | {target} |"
        )
    missed = result.missed_targets()
    lines += ["", "Cibles atteintes." if not missed else "Cibles manquées : " + " ; ".join(missed)]
    return "\n".join(lines), result.erreurs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Précision et rappel de l'analyse des documents.")
    parser.add_argument("--erreurs", action="store_true", help="afficher les erreurs de l'analyse")
    args = parser.parse_args(argv)
    text, errors = table()
    print(text)
    if args.erreurs:
        print("\n".join(errors))
    content = DOC.read_text(encoding="utf-8")
    block = f"{START}\n{text}\n{END}"
    if START in content:
        content = re.sub(re.escape(START) + r".*?" + re.escape(END), lambda _: block, content, flags=re.S)
    else:
        content = content.rstrip("\n") + "\n\n" + block + "\n"
    DOC.write_text(content, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
