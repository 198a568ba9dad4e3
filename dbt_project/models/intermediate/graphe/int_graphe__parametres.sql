-- The dbt vars the coordination graph uses, as this build of dbt resolved them (the value of
-- dbt_project.yml, or the one given with --vars): the graph reads them here (graph/vocabulaire.py),
-- so that dbt and the graph always apply the same threshold (issue 13, « every threshold once »).
{{ config(materialized='table') }}
select
    cast({{ var('offre_seuil_besoin_fort') }} as double) as seuil_besoin_fort
