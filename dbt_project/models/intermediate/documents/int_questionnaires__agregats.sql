{#-
    Questionnaire answers aggregated per group and measure.

    Groups: the whole questionnaire (`ensemble`), each axis, each dispositif and each territory named
    by the respondents. Measures: awareness (`connaissance`), use (`utilisation`), satisfaction and each
    non-take-up reason (`non_recours`, one row per reason). Every figure computed on fewer than 5
    respondents is suppressed (NULL + `secret`). Then, per level and measure, the hidden respondents
    (those of suppressed groups plus those who gave no axis / dispositif / territory) could be
    recovered by subtracting the published groups from the whole questionnaire's figure: when they
    number 1 to 4, the smallest published group of the level is suppressed too (`secret secondaire`).
-#}
with reponses as (select * from {{ ref('stg_questionnaires__reponses') }}),

groupes as (
    select *, 'ensemble' as niveau_agregation, 'ensemble' as cle_groupe from reponses
    union all by name
    select *, 'axe' as niveau_agregation, code_axe as cle_groupe from reponses where code_axe is not null
    union all by name
    select *, 'dispositif' as niveau_agregation,
        coalesce(code_dispositif, 'reponse:' || lower(trim(dispositif_reponse))) as cle_groupe
    from reponses
    where code_dispositif is not null or nullif(trim(dispositif_reponse), '') is not null
    union all by name
    select *, 'territoire' as niveau_agregation,
        coalesce(code_territoire, 'reponse:' || lower(trim(territoire_reponse))) as cle_groupe
    from reponses
    where code_territoire is not null or nullif(trim(territoire_reponse), '') is not null
),

attributs as (
    select
        code_departement, id_questionnaire, niveau_agregation, cle_groupe,
        count(distinct id_repondant) as nb_repondants_groupe,
        case niveau_agregation
            when 'axe' then cle_groupe
            when 'dispositif' then mode(code_axe)
        end as code_axe,
        case when niveau_agregation = 'dispositif' then mode(code_domaine) end as code_domaine,
        case when niveau_agregation = 'dispositif' and cle_groupe not like 'reponse:%' then cle_groupe end
            as code_dispositif,
        case when niveau_agregation = 'dispositif' then mode(dispositif_reponse) end as dispositif_reponse,
        case when niveau_agregation = 'territoire' then mode(niveau_territoire) end as niveau_territoire,
        case when niveau_agregation = 'territoire' and cle_groupe not like 'reponse:%' then cle_groupe end
            as code_territoire,
        case when niveau_agregation = 'territoire' then coalesce(mode(libelle_territoire), mode(territoire_reponse))
        end as libelle_territoire
    from groupes
    group by code_departement, id_questionnaire, niveau_agregation, cle_groupe
),

mesures_simples as (
    select code_departement, id_questionnaire, niveau_agregation, cle_groupe, 'connaissance' as mesure,
        '' as modalite, count(connaissance) as nb_repondants, count(*) filter (where connaissance) as effectif,
        null::double as note_moyenne
    from groupes group by code_departement, id_questionnaire, niveau_agregation, cle_groupe
    union all
    select code_departement, id_questionnaire, niveau_agregation, cle_groupe, 'utilisation', '',
        count(utilisation), count(*) filter (where utilisation), null::double
    from groupes group by code_departement, id_questionnaire, niveau_agregation, cle_groupe
    union all
    select code_departement, id_questionnaire, niveau_agregation, cle_groupe, 'satisfaction', '',
        count(satisfait), count(*) filter (where satisfait), avg(note_satisfaction)
    from groupes group by code_departement, id_questionnaire, niveau_agregation, cle_groupe
),

avec_raison as (
    select code_departement, id_questionnaire, niveau_agregation, cle_groupe,
        count(distinct id_repondant) as nb_repondants
    from groupes
    where len(raisons_non_recours) > 0
    group by code_departement, id_questionnaire, niveau_agregation, cle_groupe
),

raisons as (
    select code_departement, id_questionnaire, niveau_agregation, cle_groupe, id_repondant,
        unnest(raisons_non_recours) as raison
    from groupes
),

mesures_raisons as (
    select r.code_departement, r.id_questionnaire, r.niveau_agregation, r.cle_groupe, 'non_recours' as mesure,
        min(r.raison) as modalite, any_value(a.nb_repondants) as nb_repondants,
        count(distinct r.id_repondant) as effectif, null::double as note_moyenne
    from raisons as r
    inner join avec_raison as a using (code_departement, id_questionnaire, niveau_agregation, cle_groupe)
    group by r.code_departement, r.id_questionnaire, r.niveau_agregation, r.cle_groupe, lower(trim(r.raison))
),

mesures as (
    select * from mesures_simples where nb_repondants > 0
    union all
    select * from mesures_raisons
),

primaire as (
    select m.*, a.* exclude (code_departement, id_questionnaire, niveau_agregation, cle_groupe),
        (a.nb_repondants_groupe < 5 or m.nb_repondants < 5) as secret_primaire
    from mesures as m
    inner join attributs as a using (code_departement, id_questionnaire, niveau_agregation, cle_groupe)
),

-- respondents of the questionnaire in no group of a level (no axis, dispositif or territory given):
-- they are not published, but "whole questionnaire minus the groups" would reveal them
reste as (
    select g.code_departement, g.id_questionnaire, g.niveau_agregation, g.mesure, lower(g.modalite) as cle_modalite,
        any_value(e.nb_repondants) - sum(g.nb_repondants) as nb_reste
    from primaire as g
    inner join primaire as e
        on e.niveau_agregation = 'ensemble' and e.code_departement = g.code_departement
        and e.id_questionnaire = g.id_questionnaire and e.mesure = g.mesure
        and lower(e.modalite) = lower(g.modalite)
    where g.niveau_agregation <> 'ensemble'
    group by g.code_departement, g.id_questionnaire, g.niveau_agregation, g.mesure, lower(g.modalite)
),

secondaire as (
    select p.*,
        sum(case when p.secret_primaire then p.nb_repondants else 0 end) over niveau
            + greatest(coalesce(r.nb_reste, 0), 0) as nb_caches_niveau,
        row_number() over (
            partition by p.code_departement, p.id_questionnaire, p.niveau_agregation, p.mesure, lower(p.modalite),
                p.secret_primaire
            order by p.nb_repondants, p.cle_groupe
        ) as rang_taille
    from primaire as p
    left join reste as r
        on r.code_departement = p.code_departement and r.id_questionnaire = p.id_questionnaire
        and r.niveau_agregation = p.niveau_agregation and r.mesure = p.mesure
        and r.cle_modalite = lower(p.modalite)
    window niveau as (
        partition by p.code_departement, p.id_questionnaire, p.niveau_agregation, p.mesure, lower(p.modalite)
    )
),

final as (
    select
        code_departement, id_questionnaire, niveau_agregation, cle_groupe, mesure, modalite, code_axe,
        code_domaine, code_dispositif, dispositif_reponse, niveau_territoire, code_territoire, libelle_territoire,
        secret_primaire
        or (niveau_agregation <> 'ensemble' and nb_caches_niveau between 1 and 4 and rang_taille = 1) as secret,
        case
            when secret_primaire then 'moins de 5 répondants'
            when niveau_agregation <> 'ensemble' and nb_caches_niveau between 1 and 4 and rang_taille = 1
                then 'secret secondaire : empêche de déduire un groupe de moins de 5 répondants'
        end as motif_secret,
        nb_repondants_groupe, nb_repondants, effectif, note_moyenne
    from secondaire
)

select
    code_departement, id_questionnaire, niveau_agregation, cle_groupe, mesure, modalite, code_axe, code_domaine,
    code_dispositif, dispositif_reponse, niveau_territoire, code_territoire, libelle_territoire, secret,
    motif_secret,
    case when not secret then nb_repondants_groupe end as nb_repondants_groupe,
    case when not secret then nb_repondants end as nb_repondants,
    case when not secret then effectif end as effectif,
    case when not secret then round(effectif / nb_repondants, 4) end as taux,
    case when not secret then round(note_moyenne, 4) end as note_moyenne
from final
