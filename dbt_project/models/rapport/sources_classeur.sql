{#-
  The « Sources » part of the workbook's read-me: per département, the use and the publisher and
  dataset of the data its sheets hold, from the marts themselves, in the read-me's order (territories,
  need indicators, offer lists, coordination, documents, interviews).
-#}
with departements as (
    select code_territoire as code_departement
    from {{ ref('territoires') }}
    where niveau = 'departement'
),

cog as (
    select vintage
    from {{ ref('chargements') }}
    where table_name = 'cog_communes' and coalesce(vintage, '') <> ''
),

lignes as (
    select d.code_departement, 1 as ordre_bloc, 'Territoires' as usage,
        'INSEE, Code officiel géographique (' || cog.vintage || ')' as publication, '' as ordre
    from departements as d cross join cog

    union all
    select distinct i.code_departement, 2, 'Indicateurs de besoin', c.source, c.source
    from {{ ref('indicateurs') }} as i
    inner join {{ ref('indicateurs_catalogue') }} as c using (code_indicateur)
    where i.code_departement is not null and c.source is not null

    union all
    select distinct s.code_departement, 3, 'Offre de services', o.libelle, o.libelle
    from {{ ref('services') }} as s
    inner join {{ ref('offre_sources') }} as o using (table_source)
    where s.code_departement is not null

    union all
    select distinct a.code_departement, 4, 'Coordination',
        'Registre des acteurs et dispositifs du projet : sources publiques citées acteur par acteur '
        || '(feuille « Acteurs et dispositifs », colonne « Source publique »)', '1'
    from {{ source('graphe', 'acteurs') }} as a
    where a.code_departement is not null and a.source_publique is not null

    union all
    select d.code_departement, 4, 'Coordination',
        'Modèle national des dispositifs du Pacte (feuille « Modèle des dispositifs ») et catalogue '
        || 'de l''offre ci-dessus', '2'
    from departements as d

    union all
    select code_departement, 5, 'Documents déposés',
        '« ' || titre || ' »' || coalesce(', ' || nullif(concat_ws(', ',
            nullif(coalesce(editeur_manifeste, auteur), ''), nullif(coalesce(date_manifeste, date_document), '')
        ), ''), ''),
        titre
    from {{ ref('documents') }}
    where categorie = 'document' and code_departement is not null

    union all
    select code_departement, 6, 'Entretiens',
        count(*) || ' note(s) d''entretien déposée(s), pseudonymisées', ''
    from {{ ref('documents') }}
    where categorie = 'entretien' and code_departement is not null
    group by code_departement
)

select code_departement, usage, publication, ordre_bloc, ordre
from lignes
