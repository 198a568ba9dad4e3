-- Need index per territory and domain: mean of the component indices (100 = France of the same
-- year), comparable across communes, EPCI, EPT and départements. Every component, counted or
-- not, is listed in `composantes` (a native list of structs) and in marts.besoins_composantes.
with final as (
    select
        c.niveau,
        c.code_territoire,
        any_value(c.code_departement) as code_departement,
        c.code_axe,
        c.code_domaine,
        any_value(d.libelle_domaine) as libelle_domaine,
        round(avg(c.indice) filter (where c.inclus_dans_indice), 1) as indice_besoin,
        cast(count(*) filter (where c.inclus_dans_indice) as integer) as nb_composantes,
        cast(count(*) filter (where not c.inclus_dans_indice) as integer) as nb_composantes_exclues,
        list(struct_pack(
            code_indicateur := c.code_indicateur,
            annee := c.annee,
            valeur := c.valeur,
            couverture := c.couverture,
            valeur_france := c.valeur_france,
            indice := c.indice,
            inclus := c.inclus_dans_indice,
            motif_exclusion := c.motif_exclusion
        ) order by c.code_indicateur) as composantes
    from {{ ref('besoins_composantes') }} as c
    inner join {{ ref('axes_domaines') }} as d on d.code_domaine = c.code_domaine
    group by c.niveau, c.code_territoire, c.code_axe, c.code_domaine
)

select * from final
