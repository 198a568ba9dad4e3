"""Check that the BPE 2018 commune Parquet of the snapshot is the original .rda summed by commune.

The build reads the Parquet (ingest/offre/bpe.py): parsing the original R file takes about 100 s
and 2.7 GB. Run this once per snapshot:

    uv run --frozen --no-sync python scripts/verifier_bpe_2018.py [data_dir]

Exit status 0 when both give the same commune × type counts, 1 otherwise.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from ingest.offre import bpe
from socle.settings import load_settings


def main(argv: list[str]) -> int:
    data_dir = Path(argv[0]) if argv else load_settings().data_dir
    start = time.perf_counter()
    original = bpe.read_bpe_2018_rda(data_dir / bpe.BPE_RDA)
    lu = time.perf_counter() - start
    derive = bpe.read_bpe_2018_parquet(data_dir / bpe.BPE_PARQUET)
    cles = ["code_commune_2018", "type_equipement"]
    a = original.frame.set_index(cles)["nb_equipements"].sort_index()
    b = derive.frame.set_index(cles)["nb_equipements"].sort_index()
    print(f"Fichier d'origine : {len(a)} lignes commune × type (lu en {lu:.0f} s), "
          f"{len(original.quarantine)} ligne(s) en quarantaine.")
    print(f"Parquet de l'instantané : {len(b)} lignes, {len(derive.quarantine)} ligne(s) en quarantaine.")
    if a.equals(b):
        print("Les deux fichiers donnent les mêmes nombres d'équipements.")
        return 0
    ecarts = a.to_frame("origine").join(b.to_frame("parquet"), how="outer")
    ecarts = ecarts[ecarts["origine"].ne(ecarts["parquet"])]
    print(f"{len(ecarts)} ligne(s) diffèrent, par exemple :\n{ecarts.head(10)}")
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
