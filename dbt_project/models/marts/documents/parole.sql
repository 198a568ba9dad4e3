{#-
    What the people met say, per axis and domain: interview passages (quotes flagged by `>` in the notes,
    and classified extracts) and questionnaire aggregates (awareness, use, satisfaction, non-take-up
    reasons) with the suppression of groups of fewer than 5 respondents.
-#}
with dispositifs as (
    select code_dispositif, min(libelle_dispositif) as libelle_dispositif
    from {{ ref('gazetteer_dispositifs') }} group by 1
),
axes as (select distinct code_axe, libelle_axe from {{ ref('axes_domaines') }}),

dispositif_passage as (
    select id_passage, arg_min(code_entite, debut) as code_dispositif
    from {{ ref('stg_documents__mentions') }} as mentions where type_entite = 'dispositif' group by 1
),

extraits as (
    select
        'E-' || p.id_passage as id_parole, p.code_departement, 'entretien' as source,
        case when p.est_citation then 'citation' else 'extrait' end as type_parole,
        p.id_document as id_source, p.id_passage, p.page, 'passage' as niveau_agregation,
        p.code_axe, p.code_domaine, dp.code_dispositif, d.libelle_dispositif,
        e.niveau_territoire, e.code_territoire, e.territoire as libelle_territoire,
        e.acteur, e.role, null::varchar as mesure, null::varchar as modalite,
        null::bigint as nb_repondants, null::bigint as effectif, null::double as taux,
        null::double as note_moyenne, false as secret, null::varchar as motif_secret, p.texte
    from {{ ref('passages') }} as p
    inner join {{ ref('stg_documents__entretiens') }} as e using (code_departement, id_document)
    left join dispositif_passage as dp using (id_passage)
    left join dispositifs as d using (code_dispositif)
    where p.categorie = 'entretien' and (p.est_citation or p.code_axe is not null)
        and p.texte <> coalesce(p.intitule_section, '')
),

agreges as (
    select
        a.*,
        coalesce(d.libelle_dispositif, a.dispositif_reponse) as libelle_dispositif,
        q.fichier,
        case a.niveau_agregation
            when 'ensemble' then 'ensemble des répondants'
            when 'axe' then 'axe ' || a.code_axe || coalesce(' (' || ax.libelle_axe || ')', '')
            when 'dispositif' then 'dispositif ' || coalesce(d.libelle_dispositif, a.dispositif_reponse)
            when 'territoire' then 'territoire ' || coalesce(a.libelle_territoire, a.cle_groupe)
        end as groupe
    from {{ ref('int_questionnaires__agregats') }} as a
    left join dispositifs as d using (code_dispositif)
    left join axes as ax on ax.code_axe = a.code_axe and a.niveau_agregation = 'axe'
    left join {{ ref('stg_questionnaires__fichiers') }} as q using (code_departement, id_questionnaire)
),

questionnaires_parole as (
    select
        'Q-' || substr(md5(concat_ws('|', id_questionnaire, niveau_agregation, cle_groupe, mesure, lower(modalite))),
            1, 16) as id_parole,
        code_departement, 'questionnaire' as source, mesure as type_parole, id_questionnaire as id_source,
        null::varchar as id_passage, null::integer as page, niveau_agregation, code_axe, code_domaine,
        code_dispositif, libelle_dispositif, niveau_territoire, code_territoire, libelle_territoire,
        null::varchar as acteur, 'questionnaire usagers' as role, mesure, nullif(modalite, '') as modalite,
        nb_repondants, effectif, taux, note_moyenne, secret, motif_secret,
        'Questionnaire — ' || groupe || ' : ' || case
            when secret then 'résultat masqué (' || motif_secret || ').'
            when mesure = 'connaissance' then
                cast(round(100 * taux) as integer) || ' % des ' || nb_repondants
                || ' répondants connaissent le dispositif.'
            when mesure = 'utilisation' then
                cast(round(100 * taux) as integer) || ' % des ' || nb_repondants
                || ' répondants l''ont utilisé.'
            when mesure = 'satisfaction' then
                cast(round(100 * taux) as integer) || ' % des ' || nb_repondants
                || ' répondants ayant donné leur avis sont satisfaits'
                || coalesce(' (note moyenne ' || replace(cast(round(10 * note_moyenne, 1) as varchar), '.', ',')
                    || '/10)', '') || '.'
            when mesure = 'non_recours' then
                cast(round(100 * taux) as integer) || ' % des ' || nb_repondants
                || ' répondants qui n''y ont pas eu recours citent « ' || modalite || ' ».'
        end as texte
    from agreges
),

final as (
    select * from extraits
    union all by name
    select * from questionnaires_parole
)

select * from final
