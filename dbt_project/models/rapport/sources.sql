{#-
  The report's « Sources » annex: the sources of the diagnostic as people name them (seed
  sources_donnees: part, publisher, dataset), one row per dataset, with the rows loaded and
  rejected, the last load date and whether an older copy stands in. A loaded table the seed does
  not name is grouped under « Autres sources » with its vintage, never under its table name.
-#}
with chargees as (
    select
        c.*,
        s.table_brute is not null as nommee,
        coalesce(s.theme, 'Autres sources') as theme,
        coalesce(s.producteur, '–') as producteur,
        coalesce(s.jeu_de_donnees, coalesce(nullif(c.vintage, ''), 'source non décrite')) as jeu_de_donnees
    from {{ ref('chargements') }} as c
    left join {{ ref('sources_donnees') }} as s on s.table_brute = c.table_name
)

select
    theme,
    producteur,
    jeu_de_donnees,
    coalesce(sum(rows_loaded), 0)::bigint as lignes,
    coalesce(sum(rows_quarantined), 0)::bigint as rejets,
    coalesce(strftime(max(loaded_at), '%d/%m/%Y'), '') as charge_le,
    coalesce(bool_or(stale), false) as ancienne_copie,
    -- stale because its last delivery was refused, not a live source that did not answer
    coalesce(bool_or(livraison_refusee), false) as livraison_refusee,
    coalesce(
        list_position(['Besoins', 'Offre', 'Acteurs et dispositifs', 'Documents et entretiens', 'Territoires'], theme),
        6
    ) as ordre_theme,
    list(table_name order by table_name) as tables_brutes
from chargees
group by theme, producteur, jeu_de_donnees
