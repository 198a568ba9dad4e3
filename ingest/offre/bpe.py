"""Reader for the INSEE Base permanente des équipements (BPE) 2018, all France.

Files (PROVENANCE.md §12, ``bpe/``):

``doremifasolData_bpe_ens_2018.rda``            the original (INSEE's R data package): object
                                                ``bpe_ens_2018``, 1 035 564 rows (REG, DEP,
                                                DEPCOM, DCIRIS, AN, TYPEQU, NB_EQUIP), one per
                                                IRIS (or commune) × equipment type.
``bpe18_ensemble_commune_typequ_long.parquet``  the same summed from IRIS to commune (REG, DEP,
                                                DEPCOM, TYPEQU, NB_EQUIP), made for the snapshot.

``raw.bpe_2018_equipements`` has one row per commune (COG 2018, Paris, Lyon and Marseille by
arrondissement) × equipment type with the number of equipments. The reader takes the Parquet
when it is there and the ``.rda`` otherwise: reading the original with the PyPI package
``rdata`` takes about 100 s of CPU (6.5 min of wall time on the loaded build machine) and a peak
of 2.7 GB (measured 2026-12-05, above the build's 2 GB memory target), for the same 650 630
commune × type rows once summed (:func:`read_bpe_2018_rda` sums the IRIS;
``scripts/verifier_bpe_2018.py`` compares the two: identical on the snapshot).

Checks per row (quarantine with the row number, the field and the reason): a commune code of
the INSEE shape, a type code of the BPE shape (a letter A-G and three digits), a whole,
non-negative number of equipments, a département equal to the start of the commune code, a
commune × type given once.
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import pandas as pd

from ingest.core import (
    COMMUNE_CODE,
    QuarantineRow,
    ReadResult,
    SourceInfo,
    file_checksum,
)

__all__ = [
    "BPE_PARQUET",
    "BPE_RDA",
    "BPE_TABLE",
    "check_bpe_frame",
    "read_bpe_2018",
    "read_bpe_2018_parquet",
    "read_bpe_2018_rda",
]

BPE_TABLE = "bpe_2018_equipements"
BPE_PARQUET = Path("bpe") / "bpe18_ensemble_commune_typequ_long.parquet"
BPE_RDA = Path("bpe") / "doremifasolData_bpe_ens_2018.rda"
BPE_VINTAGE = "INSEE, Base permanente des équipements 2018 (COG 2018), par commune et type d'équipement"
TYPE_EQUIPEMENT = re.compile(r"^[A-G]\d{3}$")
COLUMNS = [
    "_line",
    "code_region",
    "code_departement",
    "code_commune_2018",
    "type_equipement",
    "nb_equipements",
]


def check_bpe_frame(
    frame: pd.DataFrame, source_file: str, key: str = "DEPCOM"
) -> tuple[pd.DataFrame, list[QuarantineRow]]:
    """Typed rows (``COLUMNS``) and the quarantine of the bad ones.

    ``frame`` has REG, DEP, DEPCOM, TYPEQU, NB_EQUIP and ``_line`` (row number in the source);
    a row repeating the ``key`` × type of an earlier row is a duplicate (``key`` is ``DCIRIS``
    for the IRIS rows of the original).

    Examples
    --------
    >>> f = pd.DataFrame({"_line": [1, 2, 3, 4], "REG": ["11"] * 4, "DEP": ["93", "93", "93", "59"],
    ...                   "DEPCOM": ["93066", "9306", "93066", "93066"], "TYPEQU": ["D502"] * 4,
    ...                   "NB_EQUIP": [3.0, 1.0, 2.5, 1.0]})
    >>> rows, bad = check_bpe_frame(f, "f")
    >>> rows.nb_equipements.tolist(), [(q.line, q.field) for q in bad]
    ([3], [(2, 'DEPCOM'), (3, 'NB_EQUIP'), (4, 'DEP')])
    """
    work = frame.reset_index(drop=True)
    text = {
        c: work[c].astype("string").str.strip().str.upper().fillna("")
        for c in ("REG", "DEP", "DEPCOM", "TYPEQU")
    }
    unit = work[key].astype("string").str.strip().str.upper().fillna("") if key in work else text["DEPCOM"]
    number = pd.to_numeric(work["NB_EQUIP"], errors="coerce")
    expected_dep = text["DEPCOM"].where(~text["DEPCOM"].str.startswith("97"), text["DEPCOM"].str[:3])
    expected_dep = expected_dep.where(text["DEPCOM"].str.startswith("97"), text["DEPCOM"].str[:2])
    problems = [
        (
            "DEPCOM",
            ~text["DEPCOM"].str.match(COMMUNE_CODE.pattern),
            lambda r: f"not an INSEE commune code: {r['DEPCOM']!r}",
        ),
        (
            "TYPEQU",
            ~text["TYPEQU"].str.match(TYPE_EQUIPEMENT.pattern),
            lambda r: f"not a BPE equipment type: {r['TYPEQU']!r}",
        ),
        (
            "NB_EQUIP",
            number.isna() | (number < 0) | (number.fillna(0) % 1 != 0),
            lambda r: f"not a whole non-negative count: {r['NB_EQUIP']}",
        ),
        (
            "DEP",
            text["DEP"] != expected_dep,
            lambda r: f"département {r['DEP']!r} does not match commune {r['DEPCOM']}",
        ),
    ]
    rejected = pd.Series(False, index=work.index)
    reasons: dict[int, tuple[str, str]] = {}
    for field_name, mask, reason in problems:
        new = mask.fillna(True) & ~rejected
        for i in new[new].index:
            reasons[i] = (field_name, reason(work.loc[i]))
        rejected |= new
    duplicate = pd.DataFrame({"u": unit, "t": text["TYPEQU"]})[~rejected].duplicated(keep="first")
    first_line = (
        pd.DataFrame({"u": unit, "t": text["TYPEQU"], "l": work["_line"]})[~rejected]
        .groupby(["u", "t"])["l"]
        .transform("min")
    )
    for i in duplicate[duplicate].index:
        reasons[i] = (
            key,
            f"duplicate {key} × type {unit[i]} {text['TYPEQU'][i]} (first seen at row {first_line[i]})",
        )
        rejected[i] = True
    quarantine = [
        QuarantineRow(
            BPE_TABLE,
            source_file,
            int(work.loc[i, "_line"]),
            field_name,
            reason,
            ";".join(str(work.loc[i, c]) for c in ("REG", "DEP", "DEPCOM", "TYPEQU", "NB_EQUIP")),
        )
        for i, (field_name, reason) in sorted(reasons.items())
    ]
    ok = ~rejected
    rows = pd.DataFrame(
        {
            "_line": work.loc[ok, "_line"].astype("int64"),
            "code_region": text["REG"][ok].replace("", None).astype(object),
            "code_departement": text["DEP"][ok].astype(object),
            "code_commune_2018": text["DEPCOM"][ok].astype(object),
            "type_equipement": text["TYPEQU"][ok].astype(object),
            "nb_equipements": number[ok].astype("int64"),
        },
        columns=COLUMNS,
    ).reset_index(drop=True)
    return rows, quarantine


def _failure(path: Path, checksum: str, reason: str) -> ReadResult:
    return ReadResult(
        BPE_TABLE,
        pd.DataFrame({c: pd.Series(dtype="object") for c in COLUMNS}),
        SourceInfo(str(path), checksum, BPE_VINTAGE),
        [QuarantineRow(BPE_TABLE, str(path), 0, "", reason)],
    )


def read_bpe_2018_parquet(path: Path) -> ReadResult:
    """The commune × type Parquet (rows numbered from 1)."""
    path = Path(path)
    if not path.exists():
        return _failure(path, "", f"file not found: {path}")
    checksum = file_checksum(path)
    try:
        frame = pd.read_parquet(path)
    except Exception as exc:  # noqa: BLE001 (any unreadable file is one quarantine entry)
        return _failure(path, checksum, f"unreadable Parquet file: {exc}")
    missing = [c for c in ("REG", "DEP", "DEPCOM", "TYPEQU", "NB_EQUIP") if c not in frame.columns]
    if missing:
        return _failure(path, checksum, f"missing column(s) {', '.join(missing)}")
    frame = frame.reset_index(drop=True)
    frame["_line"] = frame.index + 1
    rows, quarantine = check_bpe_frame(frame, str(path))
    return ReadResult(BPE_TABLE, rows, SourceInfo(str(path), checksum, BPE_VINTAGE), quarantine)


def read_bpe_2018_rda(path: Path, object_name: str = "bpe_ens_2018") -> ReadResult:
    """The original ``.rda`` (IRIS × type), summed to commune × type.

    Row checks apply to the IRIS rows (row numbers of the R data frame, from 1) before the sum.
    """
    import rdata  # only here: parsing the full file is slow (see the module's docstring)

    path = Path(path)
    if not path.exists():
        return _failure(path, "", f"file not found: {path}")
    checksum = file_checksum(path)
    try:
        with warnings.catch_warnings():
            # the data frame carries readr's column-spec attributes (R classes `collector_*`,
            # `col_spec`) that rdata has no constructor for: harmless, the columns are plain vectors
            warnings.filterwarnings("ignore", message="Missing constructor for R class", category=UserWarning)
            objects = rdata.read_rda(path)
    except Exception as exc:  # noqa: BLE001 (any unreadable file is one quarantine entry)
        return _failure(path, checksum, f"unreadable R data file: {exc}")
    if object_name not in objects:
        return _failure(path, checksum, f"object {object_name!r} absent (found: {', '.join(objects)})")
    frame = pd.DataFrame(objects[object_name]).reset_index(drop=True)
    missing = [c for c in ("REG", "DEP", "DEPCOM", "TYPEQU", "NB_EQUIP") if c not in frame.columns]
    if missing:
        return _failure(path, checksum, f"missing column(s) {', '.join(missing)}")
    if "DCIRIS" not in frame.columns:
        frame["DCIRIS"] = frame["DEPCOM"]
    frame["_line"] = frame.index + 1
    frame = frame[["_line", "REG", "DEP", "DEPCOM", "DCIRIS", "TYPEQU", "NB_EQUIP"]].astype(object)
    rows, quarantine = check_bpe_frame(frame, str(path), key="DCIRIS")
    summed = (
        rows.groupby(
            ["code_region", "code_departement", "code_commune_2018", "type_equipement"],
            as_index=False,
            dropna=False,
        )
        .agg(_line=("_line", "min"), nb_equipements=("nb_equipements", "sum"))
        .sort_values("_line", kind="stable")
    )[COLUMNS].reset_index(drop=True)
    return ReadResult(BPE_TABLE, summed, SourceInfo(str(path), checksum, BPE_VINTAGE), quarantine)


def read_bpe_2018(data_dir: Path) -> ReadResult:
    """``raw.bpe_2018_equipements``: the commune × type Parquet, or the original ``.rda`` without it."""
    parquet = Path(data_dir) / BPE_PARQUET
    if parquet.exists():
        return read_bpe_2018_parquet(parquet)
    return read_bpe_2018_rda(Path(data_dir) / BPE_RDA)
