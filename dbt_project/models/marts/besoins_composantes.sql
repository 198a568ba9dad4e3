-- The components of the need index, one row per territory × domain × indicator: the latest year
-- with a value (a year with a reference value of the same year first), the reference value of that
-- same year, and the component index (100 = reference; reference / value × 100 when a rise is
-- favourable). The reference is France, except for the indicators of a partial source that has no
-- France value (catalogue `reference_indice` = communes_couvertes): the ratio of the sums over every
-- commune the source covers. An indicator counts in its own domain (catalogue) and in the further
-- domains whose public it also measures (seed indicateurs_domaines_complementaires, via
-- marts.indicateurs_domaines). A component without a reference value of the same year, or of neutral
-- direction, is listed but not counted in the index (`motif_exclusion`). So that the index stays
-- comparable across communes, EPCI and départements, only indicators the catalogue declares at all
-- three levels are counted; the others (département-only sources) are listed with their index. A
-- value covering less than `couverture_minimale_indice` (var, default 0.3) of the territory's
-- population (CAF sums over the communes without a secret IRIS) is listed but not counted either.
with catalogue as (
    select * from {{ ref('indicateurs_catalogue') }}
),

domaines as (
    select * from {{ ref('indicateurs_domaines') }}
),

indicateurs as (
    select * from {{ ref('indicateurs') }}
    where niveau in ('commune', 'epci', 'ept', 'departement', 'region', 'france') and valeur is not null
),

france as (
    select code_indicateur, annee, valeur as valeur_france_meme_annee
    from {{ ref('indicateurs') }}
    where niveau = 'france' and valeur is not null
),

-- partial sources without a France value: ratio of the sums over every commune they cover
communes_couvertes as (
    select i.code_indicateur, i.annee, 100 * sum(i.numerateur) / nullif(sum(i.denominateur), 0) as valeur
    from {{ ref('int_indicateurs__communes') }} as i
    inner join catalogue as c on c.code_indicateur = i.code_indicateur
    where c.reference_indice = 'communes_couvertes' and i.valeur is not null
        and i.numerateur is not null and i.denominateur is not null
    group by i.code_indicateur, i.annee
),

references_indice as (
    select c.code_indicateur, f.annee, f.valeur_france_meme_annee as valeur_reference
    from catalogue as c
    inner join france as f on f.code_indicateur = c.code_indicateur
    where c.reference_indice = 'france'
    union all
    select code_indicateur, annee, valeur from communes_couvertes
),

choisies as (
    select i.niveau, i.code_territoire, i.code_departement, i.code_indicateur, i.annee, i.valeur,
        i.couverture, f.valeur_france_meme_annee, r.valeur_reference
    from indicateurs as i
    inner join catalogue as c on c.code_indicateur = i.code_indicateur
    left join france as f on f.code_indicateur = i.code_indicateur and f.annee = i.annee
    left join references_indice as r on r.code_indicateur = i.code_indicateur and r.annee = i.annee
    where exists (select 1 from domaines as d where d.code_indicateur = i.code_indicateur)
    qualify row_number() over (
        partition by i.niveau, i.code_territoire, i.code_indicateur
        order by (r.valeur_reference is not null) desc, i.annee desc
    ) = 1
),

final as (
    select
        ch.niveau,
        ch.code_territoire,
        ch.code_departement,
        d.code_axe,
        d.code_domaine,
        ch.code_indicateur,
        d.rattachement,
        ch.annee,
        ch.valeur,
        ch.couverture,
        ch.valeur_france_meme_annee as valeur_france,
        c.reference_indice,
        ch.valeur_reference,
        c.sens,
        case
            when c.sens = 'neutre' or coalesce(ch.valeur_reference, 0) = 0 then null
            when c.sens = 'hausse_favorable' then
                case when ch.valeur > 0 then round(100 * ch.valeur_reference / ch.valeur, 2) end
            else round(100 * ch.valeur / ch.valeur_reference, 2)
        end as indice,
        case
            when c.sens = 'neutre' then 'sens neutre : pas un signal de besoin'
            when not (list_contains(string_split(c.niveaux, '|'), 'commune')
                and list_contains(string_split(c.niveaux, '|'), 'epci')
                and list_contains(string_split(c.niveaux, '|'), 'departement'))
                then 'indicateur absent d''un des niveaux commune, EPCI, département : indice non comparable'
            when ch.valeur_reference is null and c.reference_indice = 'france'
                then 'pas de valeur France de la même année'
            when ch.valeur_reference is null then 'pas de valeur de référence de la même année'
            when ch.couverture < {{ var('couverture_minimale_indice', 0.3) }}
                then 'couverture du territoire insuffisante pour l''indice'
            when ch.valeur_reference = 0 then 'valeur de référence nulle'
            when c.sens = 'hausse_favorable' and ch.valeur <= 0 then 'valeur nulle, indice non défini'
        end as motif_exclusion
    from choisies as ch
    inner join catalogue as c on c.code_indicateur = ch.code_indicateur
    inner join domaines as d on d.code_indicateur = ch.code_indicateur
)

select *, motif_exclusion is null as inclus_dans_indice from final
