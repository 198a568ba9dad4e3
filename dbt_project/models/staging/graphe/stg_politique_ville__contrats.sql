-- The contrats de ville 2015-2023 as read; read by the graph (historical dispositifs).
select * from {{ source('raw', 'politique_ville_contrats') }}
