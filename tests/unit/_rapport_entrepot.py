"""A small hand-made warehouse shaped like the contract's marts, for the report and priority tests.

Three communes of Seine-Saint-Denis in two EPT, a few indicators (one secret), need, offer, gaps,
coordination, documents and priorities. Values are made up for the tests; codes are real so that
the 93 geometry of the snapshot draws them.
"""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import pandas as pd
from _dbt_sql import creer_perimetre, creer_tables_rapport

SEEDS = Path(__file__).resolve().parents[2] / "dbt_project" / "seeds"
DEP = "93"
EPT_PC, EPT_EE = "200057867", "200057875"
COMMUNES = [
    ("93066", "Saint-Denis", EPT_PC, 150000),
    ("93001", "Aubervilliers", EPT_PC, 90000),
    ("93008", "Bobigny", EPT_EE, 55000),
]


def _seed(name: str) -> pd.DataFrame:
    with open(SEEDS / f"{name}.csv", encoding="utf-8", newline="") as handle:
        return pd.DataFrame(list(csv.DictReader(handle)))


def charger_libelles(con: duckdb.DuckDBPyConnection) -> None:
    """The workbook's seeds (``classeur_*``) into schema ``rapport``, as ``dbt seed`` puts them there."""
    from rapport.classeur_libelles import SCHEMA
    from rapport.classeur_libelles import SEEDS as LIBELLES

    con.execute(f"create schema if not exists {SCHEMA}")
    for name in LIBELLES:
        # text columns, empty fields NULL (as dbt seeds them); « ordre » is the only integer column
        con.execute(
            f"create or replace table {SCHEMA}.{name} as "
            "select * from read_csv(?, header = true, all_varchar = true)",
            [str(SEEDS / f"{name}.csv")],
        )
        colonnes = {c for (c, *_) in con.execute(f"describe {SCHEMA}.{name}").fetchall()}
        if "ordre" in colonnes:
            con.execute(f"alter table {SCHEMA}.{name} alter ordre type integer")


def _offre_sources() -> pd.DataFrame:
    """The offer's source families of the dbt var ``offre_sources`` (mart offre_sources)."""
    import yaml

    projet = yaml.safe_load((SEEDS.parent / "dbt_project.yml").read_text(encoding="utf-8"))
    return pd.DataFrame(projet["vars"]["offre_sources"])[["table_source", "libelle", "priorite"]]


def entrees() -> dict[str, pd.DataFrame]:
    """The upstream marts (need, offer, graph, documents) as frames."""
    terr = [
        {
            "niveau": "commune",
            "code_territoire": c,
            "libelle": n,
            "code_epci": "200054781",
            "code_ept": e,
            "code_departement": DEP,
            "code_region": "11",
            "population": p,
            "annee_population": 2023,
            "grille_densite": "Grands centres urbains",
            "est_qpv": c != "93008",
        }
        for c, n, e, p in COMMUNES
    ]
    terr += [
        {
            "niveau": "ept",
            "code_territoire": EPT_PC,
            "libelle": "Plaine Commune",
            "code_departement": DEP,
            "code_region": "11",
            "population": 240000,
            "annee_population": 2023,
        },
        {
            "niveau": "ept",
            "code_territoire": EPT_EE,
            "libelle": "Est Ensemble",
            "code_departement": DEP,
            "code_region": "11",
            "population": 55000,
            "annee_population": 2023,
        },
        {
            "niveau": "departement",
            "code_territoire": DEP,
            "libelle": "Seine-Saint-Denis",
            "code_departement": DEP,
            "code_region": "11",
            "population": 295000,
            "annee_population": 2023,
        },
        {
            "niveau": "region",
            "code_territoire": "11",
            "libelle": "Île-de-France",
            "code_region": "11",
            "population": 12000000,
            "annee_population": 2023,
        },
        {
            "niveau": "france",
            "code_territoire": "FR",
            "libelle": "France",
            "population": 68000000,
            "annee_population": 2023,
        },
    ]
    territoires = pd.DataFrame(terr)
    ind = []
    for niveau, code, tp, qpv in [
        ("departement", DEP, 28.4, 38.0),
        ("ept", EPT_PC, 33.0, 55.0),
        ("ept", EPT_EE, 24.0, 10.0),
        ("commune", "93066", 36.0, 60.0),
        ("commune", "93001", 42.0, 70.0),
        ("commune", "93008", None, 0.0),
    ]:
        ind.append(
            {
                "niveau": niveau,
                "code_territoire": code,
                "code_indicateur": "taux_pauvrete",
                "annee": 2021,
                "valeur": tp,
                "secret": tp is None,
                "code_departement": DEP,
                "code_region": "11",
                "valeur_departement": 28.4,
                "valeur_region": 15.4,
                "valeur_france": 14.5,
                "ecart_france": None if tp is None else tp - 14.5,
            }
        )
        ind.append(
            {
                "niveau": niveau,
                "code_territoire": code,
                "code_indicateur": "part_population_qpv",
                "annee": 2018,
                "valeur": qpv,
                "secret": False,
                "code_departement": DEP,
                "code_region": "11",
                "valeur_departement": 38.0,
                "valeur_region": 12.0,
                "valeur_france": 8.0,
                "ecart_france": qpv - 8.0,
            }
        )
        ind.append(
            {
                "niveau": niveau,
                "code_territoire": code,
                "code_indicateur": "allocataires_rsa_pour_100_menages",
                "annee": 2020,
                # secret for Bobigny and, to test the tables, for Est Ensemble
                "valeur": tp / 3 if tp and code != EPT_EE else None,
                "secret": tp is None or code == EPT_EE,
                "code_departement": DEP,
                "code_region": "11",
                "valeur_departement": 9.5,
                "valeur_region": 5.0,
                "valeur_france": 4.2,
                "ecart_france": tp / 3 - 4.2 if tp and code != EPT_EE else None,
            }
        )
    indicateurs = pd.DataFrame(ind)
    domaines = _seed("axes_domaines")
    besoins, ecarts, offre, faiblesse, acces = [], [], [], [], []
    composantes, acces_synthese = [], []
    niveaux = [("departement", DEP), ("ept", EPT_PC), ("ept", EPT_EE)] + [
        ("commune", c) for c, *_ in COMMUNES
    ]
    for k, dom in enumerate(domaines.to_dict("records")):
        for j, (niveau, code) in enumerate(niveaux):
            if dom["code_domaine"] == "alimentation_durable":
                continue  # a domain without any data: must come out as insufficient, never as zero
            indice = 100 + 10 * ((k * 7 + j * 3) % 9)
            cle = {
                "niveau": niveau,
                "code_territoire": code,
                "code_departement": DEP,
                "code_axe": dom["code_axe"],
                "code_domaine": dom["code_domaine"],
            }
            besoins.append(
                {
                    **cle,
                    "libelle_domaine": dom["libelle_domaine"],
                    "indice_besoin": float(indice),
                    "nb_composantes": 2,
                }
            )
            composantes.append(
                {
                    **cle,
                    "code_indicateur": "taux_pauvrete",
                    "annee": 2021,
                    "valeur": indice * 0.145,
                    "valeur_france": 14.5,
                    "reference_indice": "france",
                    "valeur_reference": 14.5,
                    "indice": float(indice),
                    "inclus_dans_indice": True,
                }
            )
            if dom["code_domaine"] == "mobilite_solidaire" and niveau == "ept":
                continue  # need without offer measure: insufficient
            indice_offre = float(40 + 15 * ((k + j) % 6))
            services = 0 if (niveau == "commune" and code == "93008" and k % 2 == 0) else 3 + (k + j) % 4
            ecarts.append(
                {
                    **cle,
                    "indice_besoin": float(indice),
                    "indice_offre": indice_offre,
                    "ecart": indice - indice_offre,
                    "typologie": "besoin fort / offre faible",
                    "zone_blanche": services == 0,
                    "offre_observee": True,
                    "base_indice_offre": "public_cible",
                    "nb_services": services,
                    "population_cible": 1000,
                    "source_offre": "catalogue",
                    "unite_offre": "services",
                    "offre_mesuree": float(services),
                    "offre_pour_1000_public_cible": services * 1.0,
                }
            )
            if niveau != "commune":
                acces_synthese.append(
                    {
                        "niveau": niveau,
                        "code_territoire": code,
                        "code_departement": DEP,
                        "code_domaine": dom["code_domaine"],
                        "population": 1000,
                        "population_au_dela_5km": 100 * (j % 3),
                        "distance_max_km": 2.5 + j,
                    }
                )
            offre.append(
                {
                    **cle,
                    "nb_structures": services,
                    "nb_services": services,
                    "services_pour_10000_habitants": services / 3.0,
                    "public_cible": "population",
                    "population_cible": 1000,
                    "services_pour_1000_public_cible": services / 10,
                }
            )
            if niveau != "commune":
                faiblesse.append(
                    {
                        "niveau": niveau,
                        "code_territoire": code,
                        "code_departement": DEP,
                        "code_domaine": dom["code_domaine"],
                        "score": ((k + 2 * j) % 5) / 5,
                    }
                )
            else:
                acces.append(
                    {
                        "code_commune": code,
                        "code_departement": DEP,
                        "code_domaine": dom["code_domaine"],
                        "distance_km": 0.5 + j,
                    }
                )

    def noeud(id_noeud, type_noeud, libelle, **attrs):
        base = {
            "libelle_type_acteur": None,
            "code_departement": DEP,
            "id_noeud": id_noeud,
            "type_noeud": type_noeud,
            "libelle": libelle,
            "type_acteur": None,
            "code_dispositif": None,
            "niveau": None,
            "code_territoire": None,
            "code_commune": None,
            "code_domaine": None,
            "periode": None,
            "historique": False,
            "sources": '["registre"]',
        }
        return {**base, **attrs}

    noeuds = [
        noeud(
            "france_travail:93", "acteur", "France Travail Seine-Saint-Denis", type_acteur="france_travail"
        ),
        noeud(
            "conseil_departemental:93",
            "acteur",
            "Conseil départemental <b>93</b>",
            type_acteur="conseil_departemental",
        ),
        noeud(
            "structure:s1",
            "acteur",
            "Mission locale de Saint-Denis",
            type_acteur="mission_locale",
            libelle_type_acteur="Mission locale",
            code_commune="93066",
        ),
        noeud(
            "structure:s2",
            "acteur",
            "Épicerie solidaire d'Aubervilliers",
            type_acteur="association",
            libelle_type_acteur="Association",
            code_commune="93001",
        ),
        noeud(
            "ept:200057875",
            "acteur",
            "Établissement public territorial Est Ensemble",
            type_acteur="ept",
            niveau="ept",
            code_territoire=EPT_EE,
        ),
        noeud(
            "dispositif:pdi:departement:93",
            "dispositif",
            "PDI de la Seine-Saint-Denis",
            code_dispositif="pdi",
            niveau="departement",
            code_territoire=DEP,
        ),
        noeud(
            "dispositif:calpae:departement:93",
            "dispositif",
            "CALPAE 2019-2023",
            code_dispositif="calpae",
            niveau="departement",
            code_territoire=DEP,
            historique=True,
        ),
    ]
    liens = [
        {
            "code_departement": DEP,
            "source": "conseil_departemental:93",
            "cible": "dispositif:pdi:departement:93",
            "type_lien": "pilote",
        },
    ]
    offres = [
        ("structure:s1", "insertion_jeunes", "93066"),
        ("structure:s1", "accompagnement_emploi", "93066"),
        ("structure:s2", "aide_alimentaire", "93001"),
    ]
    offres += [("structure:s1", d, "93066") for d in domaines["code_domaine"]]
    for i, (structure, domaine, commune) in enumerate(offres):
        noeuds.append(
            noeud(f"service:sv{i}", "service", f"Service {i}", code_domaine=domaine, code_commune=commune)
        )
        liens.append(
            {"code_departement": DEP, "source": structure, "cible": f"service:sv{i}", "type_lien": "offre"}
        )
    acteurs = pd.DataFrame(noeuds)
    acteurs["periode"] = acteurs["periode"].astype("string")
    # the public source the registry cites for an actor (the graph's column of the contract)
    acteurs["source_publique"] = [
        "https://www.seinesaintdenis.fr" if i == "conseil_departemental:93" else None
        for i in acteurs["id_noeud"]
    ]
    # expected partner types of the PDI: two of three present (the report's governance table)
    coordination_dispositifs = pd.DataFrame(
        {
            "code_departement": [DEP] * 3,
            "id_dispositif": ["dispositif:pdi:departement:93"] * 3,
            "code_dispositif": ["pdi"] * 3,
            "type_acteur": ["conseil_departemental", "france_travail", "caf"],
            "present": [True, True, False],
            "taux_couverture_dispositif": [2 / 3] * 3,
        }
    )
    coordination_acteurs = pd.DataFrame(
        [
            {
                "code_departement": DEP,
                "id_noeud": "ept:200057875",
                "type_noeud": "acteur",
                "role_courtage": "gardien_representant",
                "intermediarite": 0.2,
            },
            {
                "code_departement": DEP,
                "id_noeud": "conseil_departemental:93",
                "type_noeud": "acteur",
                "role_courtage": "consultant",
                "intermediarite": 0.4,
            },
            {
                "code_departement": DEP,
                "id_noeud": "structure:s2",
                "type_noeud": "acteur",
                "role_courtage": "aucun",
                "intermediarite": 0.0,
            },
        ]
    )
    # the graph's columns of the contract: a stable id and the evidence (JSON list)
    for lien in liens:
        lien["id_lien"] = f"{lien['source']}>{lien['cible']}>{lien['type_lien']}"
        lien["preuves"] = '[{"origine": "registre", "reference": "https://example.org/registre"}]'
    liens = pd.DataFrame(liens)
    liens_manquants = pd.DataFrame(
        [
            {
                "code_departement": DEP,
                "regle": "insertion_sans_lien_ft_pdi",
                "id_source": "structure:s1",
                "libelle_source": "Mission locale de Saint-Denis",
                "id_cible": "france_travail:93",
                "libelle_cible": "France Travail Seine-Saint-Denis",
                "type_lien_attendu": "partenaire_de",
                "niveau": "ept",
                "code_territoire": EPT_EE,
                "code_axe": "A2",
                "code_domaine": "accompagnement_emploi",
                "raison": "acteur d'insertion sans lien avec France Travail ni avec le PDI",
                "details": "{}",
            },
            {
                "code_departement": DEP,
                "regle": "partenaire_attendu_absent",
                "id_source": "dispositif:pdi:departement:93",
                "libelle_source": "PDI de la Seine-Saint-Denis",
                "id_cible": None,
                "libelle_cible": None,
                "type_lien_attendu": "partenaire_de",
                "niveau": "departement",
                "code_territoire": DEP,
                "code_axe": "A2",
                "code_domaine": None,
                "raison": "aucune mission locale partenaire du PDI",
                "details": "{}",
            },
        ]
    )
    structures = pd.DataFrame(
        [
            {
                "id_structure": "s1",
                "nom": "Mission locale de Saint-Denis",
                "code_commune": "93066",
                "code_departement": DEP,
                "tables_sources": ["missions_locales", "di_api"],
            },
            {
                "id_structure": "s2",
                "nom": "Épicerie solidaire d'Aubervilliers",
                "code_commune": "93001",
                "code_departement": DEP,
                "tables_sources": ["di_api"],
            },
        ]
    )
    services = pd.DataFrame(
        [
            {
                "id_service": f"sv{i}",
                "id_structure": st,
                "code_domaine": dom,
                "code_axe": axe,
                "code_commune": com,
                "code_departement": DEP,
                "table_source": "missions_locales" if st == "s1" else "di_api",
            }
            for i, (st, dom, axe, com) in enumerate(
                [
                    ("s1", "insertion_jeunes", "A2", "93066"),
                    ("s1", "accompagnement_emploi", "A2", "93066"),
                    ("s2", "aide_alimentaire", "A3", "93001"),
                ]
                + [
                    ("s1", d, a, "93066")
                    for a, d in domaines[["code_axe", "code_domaine"]].itertuples(index=False)
                ]
            )
        ]
    )

    def mention(id_mention, type_entite, code_entite, **attrs):
        base = {
            "id_mention": id_mention,
            "id_passage": "p1",
            "id_document": "d1",
            "code_departement": DEP,
            "type_entite": type_entite,
            "code_entite": code_entite,
            "libelle_entite": None,
            "page": 3,
            "texte_trouve": None,
            "statut_avancement": None,
            "annee": None,
            "objet_code": None,
            "objet_libelle": None,
        }
        return {**base, **attrs}

    mentions = pd.DataFrame(
        [
            mention("m1", "territoire", "93066", libelle_entite="Saint-Denis"),
            mention("m2", "dispositif", "CALPAE", libelle_entite="CALPAE"),
            mention(
                "m3",
                "avancement",
                None,
                texte_trouve="a été mis en place",
                statut_avancement="realise",
                annee=2021,
                objet_code="CALPAE",
                objet_libelle="Le référent de parcours <i>unique</i>",
            ),
        ]
    )
    documents = pd.DataFrame(
        [
            {
                "id_document": "d1",
                "code_departement": DEP,
                "type_document": "calpae",
                "titre": "Bilan CALPAE 2022",
                "nom_fichier": "bilan_calpae_2022.pdf",
                "categorie": "document",
                "auteur": None,
                "date_document": "2023-03-01",
                "editeur_manifeste": "Département de la Seine-Saint-Denis",
                "date_manifeste": None,
            },
            {
                "id_document": "e1",
                "code_departement": DEP,
                "type_document": "entretien",
                "titre": None,
                "nom_fichier": "entretien_01.txt",
                "categorie": "entretien",
                "auteur": None,
                "date_document": None,
                "editeur_manifeste": None,
                "date_manifeste": None,
            },
        ]
    )
    passages = pd.DataFrame(
        [
            {
                "id_passage": "p1",
                "id_document": "d1",
                "code_departement": DEP,
                "page": 3,
                "debut": 0,
                "fin": 80,
                "texte": "L'accompagnement des allocataires du RSA reste insuffisant faute de "
                "référents en nombre <script>alert(1)</script>.",
                "code_axe": "A2",
                "code_domaine": "accompagnement_emploi",
                "score_classement": 3.0,
            },
        ]
    )
    parole = pd.DataFrame(
        [
            {
                "id_parole": "q1",
                "code_departement": DEP,
                "code_axe": "A2",
                "code_domaine": "accompagnement_emploi",
                "texte": "On attend des mois avant un premier rendez-vous.",
                "type_parole": "citation",
                "modalite": None,
                "role": "allocataire",
                "secret": False,
            },
        ]
    )
    revue_documents = pd.DataFrame(
        [
            {
                "id_document": "d1",
                "code_departement": DEP,
                "titre": "Bilan CALPAE 2022",
                "nom_fichier": "bilan_calpae_2022.pdf",
                "type_document": "rapport_calpae_spie",
                "libelle_type_document": "Rapport d'exécution CALPAE / SPIE",
                "type_revu": True,
                "nb_mentions_locales": 5,
                "revu": True,
                "motif_exclusion": None,
            },
            {
                "id_document": "d2",
                "code_departement": DEP,
                "titre": "Pacte national pour l'IAE",
                "nom_fichier": "pacte_iae.pdf",
                "type_document": "autre",
                "libelle_type_document": "Autre document",
                "type_revu": False,
                "nb_mentions_locales": 1,
                "revu": False,
                "motif_exclusion": "type non retenu pour la revue : Autre document",
            },
        ]
    )
    revue_actions = pd.DataFrame(
        [
            {
                "id_mention": "m3",
                "code_departement": DEP,
                "id_document": "d1",
                "titre_document": "Bilan CALPAE 2022",
                "nom_fichier": "bilan_calpae_2022.pdf",
                "libelle_type_document": "Rapport d'exécution CALPAE / SPIE",
                "id_passage": "p1",
                "page": 3,
                "objet_type": "action",
                "objet_code": "CALPAE",
                "objet_libelle": "Le référent de parcours <i>unique</i>",
                "statut_avancement": "realise",
                "libelle_statut": "réalisé",
                "ordre_statut": 1,
                "annee": 2021,
                "texte_trouve": "a été mis en place",
            },
        ]
    )
    return {
        "revue_documents": revue_documents,
        "revue_actions": revue_actions,
        "besoins_composantes": pd.DataFrame(composantes),
        "accessibilite_synthese": pd.DataFrame(acces_synthese),
        "coordination_acteurs": coordination_acteurs,
        "coordination_dispositifs": coordination_dispositifs,
        "territoires": territoires,
        "indicateurs": indicateurs,
        "axes_domaines": domaines,
        "indicateurs_catalogue": _seed("indicateurs_catalogue"),
        "grille_densite_niveaux": _seed("grille_densite_niveaux"),
        "acteurs_types": _seed("acteurs_types"),
        "besoins": pd.DataFrame(besoins),
        "ecarts": pd.DataFrame(ecarts),
        "offre": pd.DataFrame(offre),
        "accessibilite": pd.DataFrame(acces),
        "faiblesse_coordination": pd.DataFrame(faiblesse),
        "acteurs": acteurs,
        "liens": liens,
        "liens_manquants": liens_manquants,
        "structures": structures,
        "offre_sources": _offre_sources(),
        "sources_donnees": _seed("sources_donnees"),
        "vocabulaire_niveaux": _seed("vocabulaire_niveaux"),
        "services": services,
        "mentions": mentions,
        "documents": documents,
        "passages": passages,
        "parole": parole,
    }


def ecrire(path: Path, tables: dict[str, pd.DataFrame]) -> Path:
    """Write ``tables`` as ``marts.<name>`` into a new DuckDB file."""
    con = duckdb.connect(str(path))
    try:
        con.execute("create schema if not exists marts")
        con.execute("create schema if not exists raw")
        con.execute("""create table if not exists raw._chargements (table_name varchar, source_file varchar,
            checksum varchar, vintage varchar, mode varchar, stale boolean, message varchar,
            rows_loaded bigint, rows_quarantined bigint, loaded_at timestamp)""")
        con.execute(
            "insert into raw._chargements values ('filosofi_communes', '/x/cc_filosofi_2021_COM.csv', "
            "'abc', 'Filosofi 2021', 'snapshot', false, '', 34909, 0, now())"
        )
        charger_libelles(con)
        for name, frame in tables.items():
            con.register("_t", frame)
            con.execute(f"create or replace table marts.{name} as select * from _t")
            con.unregister("_t")
        if "territoires" in tables:
            creer_perimetre(con)  # the exporters' perimeter, by its real dbt model
        creer_tables_rapport(con)  # those the report reads, by their real dbt models
    finally:
        con.close()
    return path
