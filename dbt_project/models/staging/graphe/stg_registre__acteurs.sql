-- The curated registry's acteurs as read (checked by graph/registre.py's reader); read by the graph.
select * from {{ source('raw', 'registre_acteurs') }}
