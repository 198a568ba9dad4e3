-- The curated registry's dispositifs as read (checked by graph/registre.py's reader); read by the graph.
select * from {{ source('raw', 'registre_dispositifs') }}
