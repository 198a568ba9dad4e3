"""Reader of the contrats de ville 2015-2023 (politique de la ville), on a fixture in the real format."""

from __future__ import annotations

import pandas as pd

from ingest.politique_ville import read_contrats_de_ville


def test_contrats_de_ville_rows_and_quarantine(fixtures_dir):
    result = read_contrats_de_ville(fixtures_dir / "graph" / "data")
    assert result.table_name == "politique_ville_contrats"
    assert list(result.frame["code_cv"]) == ["CV349", "CV351", "CV907", "CV999", "CV366", "CV001"]
    assert result.frame.loc[result.frame["code_cv"] == "CV349", "pop"].iloc[0] == 290990.0
    # the Corsican contract has no département in the source: kept, placed later by its point
    corse = result.frame[result.frame["code_cv"] == "CV366"].iloc[0]
    assert pd.isna(corse["insee_dep"]) and corse["latitude"] == 41.975136
    assert result.frame.loc[result.frame["code_cv"] == "CV001", "insee_dep"].iloc[0] == "01"
    [rejected] = result.quarantine
    assert (rejected.line, rejected.field) == (8, "code_cv")
    assert result.source.checksum


def test_real_file_reads_whole(data_dir):
    result = read_contrats_de_ville(data_dir)
    assert result.rows == 434 and not result.quarantine
    assert (result.frame["insee_dep"] == "93").sum() == 12
