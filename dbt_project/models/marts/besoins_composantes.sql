-- The components of the need index, one row per territory × domain × indicator: the latest year
-- with a value (a year with a France value of the same year first), the France value of that
-- same year, and the component index (100 = France; France / value × 100 when a rise is
-- favourable). A component without a France value of the same year, or of neutral direction,
-- is listed but not counted in the index (`motif_exclusion`). So that the index stays comparable
-- across communes, EPCI and départements, only indicators the catalogue declares at all three
-- levels are counted; the others (département-only sources) are listed with their index. A value
-- covering less than `couverture_minimale_indice` (var, default 0.3) of the territory's population
-- (CAF sums over the communes without a secret IRIS) is listed but not counted either.
with catalogue as (
    select * from {{ ref('indicateurs_catalogue') }} where code_domaine is not null
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

choisies as (
    select i.niveau, i.code_territoire, i.code_departement, i.code_indicateur, i.annee, i.valeur,
        i.couverture, f.valeur_france_meme_annee
    from indicateurs as i
    inner join catalogue as c on c.code_indicateur = i.code_indicateur
    left join france as f on f.code_indicateur = i.code_indicateur and f.annee = i.annee
    qualify row_number() over (
        partition by i.niveau, i.code_territoire, i.code_indicateur
        order by (f.valeur_france_meme_annee is not null) desc, i.annee desc
    ) = 1
),

final as (
    select
        ch.niveau,
        ch.code_territoire,
        ch.code_departement,
        c.code_axe,
        c.code_domaine,
        ch.code_indicateur,
        ch.annee,
        ch.valeur,
        ch.couverture,
        ch.valeur_france_meme_annee as valeur_france,
        c.sens,
        case
            when c.sens = 'neutre' or coalesce(ch.valeur_france_meme_annee, 0) = 0 then null
            when c.sens = 'hausse_favorable' then
                case when ch.valeur > 0 then round(100 * ch.valeur_france_meme_annee / ch.valeur, 2) end
            else round(100 * ch.valeur / ch.valeur_france_meme_annee, 2)
        end as indice,
        case
            when c.sens = 'neutre' then 'sens neutre : pas un signal de besoin'
            when not (list_contains(string_split(c.niveaux, '|'), 'commune')
                and list_contains(string_split(c.niveaux, '|'), 'epci')
                and list_contains(string_split(c.niveaux, '|'), 'departement'))
                then 'indicateur absent d''un des niveaux commune, EPCI, département : indice non comparable'
            when ch.valeur_france_meme_annee is null then 'pas de valeur France de la même année'
            when ch.couverture < {{ var('couverture_minimale_indice', 0.3) }}
                then 'couverture du territoire insuffisante pour l''indice'
            when ch.valeur_france_meme_annee = 0 then 'valeur France nulle'
            when c.sens = 'hausse_favorable' and ch.valeur <= 0 then 'valeur nulle, indice non défini'
        end as motif_exclusion
    from choisies as ch
    inner join catalogue as c on c.code_indicateur = ch.code_indicateur
)

select *, motif_exclusion is null as inclus_dans_indice from final
