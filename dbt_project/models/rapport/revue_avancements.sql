{#-
  The statements of progress the report's review of the CALPAE / SPIE actions shows, per
  département: those of the documents the review reads (mart revue_actions), those about the
  dispositifs of var revue_dispositifs (CALPAE, SPIE, poverty strategy) first, then by year and status; the first 40 (rang).
-#}
select
    code_departement,
    objet_libelle,
    objet_code,
    statut_avancement,
    libelle_statut,
    annee,
    texte_trouve,
    page,
    titre_document,
    nom_fichier,
    id_passage,
    rang
from (
    select
        *,
        row_number() over (
            partition by code_departement
            order by
                upper(coalesce(objet_code, '')) in ({{ "'" ~ var('revue_dispositifs') | join("', '") ~ "'" }}) desc,
                annee nulls last,
                ordre_statut,
                id_mention
        ) as rang
    from {{ ref('revue_actions') }}
)
where rang <= 40
