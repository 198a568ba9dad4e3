{{ config(meta={'dagster': {'ref': {'name': 'services'}}}) }}
-- Fails on every structure or service whose coordinates lie outside the bounding box (widened by
-- 0.05°) of every département of metropolitan France and the DROM.
with points as (
    select 'structure' as type_lieu, id_structure as cle, longitude, latitude
    from {{ ref('structures') }} where longitude is not null
    union
    select 'service', id_service, longitude, latitude
    from {{ ref('services') }} where longitude is not null
),

emprises as (
    select xmin - 0.05 as xmin, xmax + 0.05 as xmax, ymin - 0.05 as ymin, ymax + 0.05 as ymax
    from {{ source('raw', 'geo_departements') }}
)

select p.*
from points as p
where not exists (
    select 1 from emprises as e
    where p.longitude between e.xmin and e.xmax and p.latitude between e.ymin and e.ymax
)
