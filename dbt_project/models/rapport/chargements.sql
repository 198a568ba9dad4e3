{#-
  The report's loads of the data (issue 13: the report reads rows made for it): the last load of
  each raw table (ingest/warehouse.py logs every load in raw._chargements and describes its
  columns), with the file names without their folders and whether a refused delivery kept an older
  copy (ingest/livraison.py writes « livraison refusée » at the start of the message of such a load).
-#}
select
    table_name,
    source_file,
    vintage,
    mode,
    stale,
    rows_loaded,
    rows_quarantined,
    loaded_at,
    coalesce(starts_with(message, 'livraison refusée'), false) as livraison_refusee,
    -- « /a/b.csv;/c/d.csv » → « b.csv; d.csv »
    coalesce(
        array_to_string(
            list_transform(string_split(source_file, ';'), lambda p: regexp_extract(p, '([^/]*)/*$', 1)),
            '; '
        ),
        ''
    ) as fichier
-- the journal by its name, not as a dbt source: every raw asset writes it, so as a source it would
-- be a Dagster asset that no step materialises (tests/unit/test_definitions.py)
from raw._chargements
qualify row_number() over (partition by table_name order by loaded_at desc) = 1
