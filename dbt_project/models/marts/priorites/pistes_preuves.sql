{{ config(tags=["apres_graphe"]) }}

{#-
  The evidence of each contractualisation lead, one row per element, each with the key of the
  mart row it comes from:
    indicateur    → marts.indicateurs (niveau, code_territoire, code_indicateur, annee)
    ecart         → marts.ecarts (niveau, code_territoire, code_domaine): the lead's territory and
                    its communes in zone blanche
    lien_manquant → marts.liens_manquants (id_lien_manquant: digest of the row, macro id_lien_manquant)
    passage       → marts.passages (id_passage), passages of the domain, those naming the territory first
    parole        → marts.parole (id_parole)
-#}
{%- set p = var('priorites', none) -%}
{%- set maxi = p['pistes']['preuves_max'] if p else 5 -%}

with selection as (
    -- one row per (lead, territory)
    select id_piste, code_departement, code_axe, code_domaine, niveau, code_territoire, echelle,
        rang_territoire
    from {{ ref('pistes_selection') }}
),

pistes as (
    -- one row per lead: the evidence that is not about one territory (links, passages, words)
    select distinct id_piste, code_departement, code_domaine from selection
),

catalogue as (
    select code_indicateur, libelle, nullif(code_domaine, '') as code_domaine, unite
    from {{ ref('indicateurs_catalogue') }}
),

domaines_mesures as (
    select distinct code_domaine from catalogue where code_domaine is not null
),

indicateurs as (
    select
        s.id_piste, s.code_departement, 'indicateur' as type_preuve,
        i.niveau, i.code_territoire, i.code_indicateur, i.annee, s.code_domaine,
        null::varchar as id_lien_manquant, null::varchar as id_passage, null::varchar as id_parole,
        'marts.indicateurs ' || i.niveau || ' ' || i.code_territoire || ' ' || i.code_indicateur || ' ' || i.annee
            as reference,
        c.libelle || ' : ' || replace(cast(round(i.valeur, 1) as varchar), '.', ',') || ' ' || coalesce(c.unite, '')
            || ' en ' || i.annee
            || coalesce(' (France : ' || replace(cast(round(i.valeur_france, 1) as varchar), '.', ',') || ')', '')
            as extrait,
        s.rang_territoire,
        row_number() over (partition by s.id_piste, i.niveau, i.code_territoire, i.code_indicateur
                           order by i.annee desc) as r
    from selection as s
    inner join {{ ref('indicateurs') }} as i
        on i.niveau = s.niveau and i.code_territoire = s.code_territoire
    inner join catalogue as c on c.code_indicateur = i.code_indicateur
    where i.valeur is not null and not coalesce(i.secret, false)
      and (c.code_domaine = s.code_domaine
           or (c.code_domaine is null and s.code_domaine not in (select code_domaine from domaines_mesures)))
),

communes_territoire as (
    select code_territoire as code_commune, code_departement,
        coalesce(code_ept, code_epci) as code_infra
    from {{ ref('territoires') }}
    where niveau = 'commune'
),

ecarts as (
    select
        s.id_piste, s.code_departement, 'ecart' as type_preuve,
        e.niveau, e.code_territoire, null::varchar as code_indicateur, null::integer as annee, e.code_domaine,
        null::varchar as id_lien_manquant, null::varchar as id_passage, null::varchar as id_parole,
        'marts.ecarts ' || e.niveau || ' ' || e.code_territoire || ' ' || e.code_domaine as reference,
        case when e.niveau = 'commune'
             -- read by people: the commune's name, whole indices (« 157 », never « 157.0 »)
             then 'Zone blanche : ' || coalesce((select t.libelle from {{ ref('territoires') }} as t
                                                   where t.niveau = 'commune' and t.code_territoire = e.code_territoire),
                                                  e.code_territoire)
                  || ', indice de besoin '
                  || coalesce(cast(cast(round(e.indice_besoin) as integer) as varchar), '–') || ', aucun service à portée'
             else 'Indice de besoin ' || coalesce(cast(cast(round(e.indice_besoin) as integer) as varchar), '–')
                  || ' pour un indice d''offre '
                  || coalesce(cast(cast(round(e.indice_offre) as integer) as varchar), '–')
                  || coalesce(' (' || e.typologie || ')', '') end as extrait,
        s.rang_territoire,
        row_number() over (partition by s.id_piste, e.niveau = 'commune'
                           order by e.indice_besoin desc nulls last, e.code_territoire) as r
    from selection as s
    inner join {{ ref('ecarts') }} as e on e.code_domaine = s.code_domaine
    where (e.niveau = s.niveau and e.code_territoire = s.code_territoire)
       or (e.niveau = 'commune' and coalesce(e.zone_blanche, false) and e.code_territoire in (
            select code_commune from communes_territoire as ct
            where (s.echelle = 'infra' and ct.code_infra = s.code_territoire)
               or (s.echelle = 'departement' and ct.code_departement = s.code_territoire)))
),

liens_manquants as (
    -- see pistes_liens_manquants for which missing links bear on a lead, and in which order
    select
        l.id_piste, s.code_departement, 'lien_manquant' as type_preuve,
        null::varchar as niveau, null::varchar as code_territoire, null::varchar as code_indicateur,
        null::integer as annee, s.code_domaine,
        l.id_lien_manquant, null::varchar as id_passage, null::varchar as id_parole,
        'marts.liens_manquants ' || l.regle || coalesce(' ' || l.id_source, '')
            || coalesce(' → ' || l.id_cible, '') || coalesce(' (' || l.niveau || ' ' || l.code_territoire || ')', '')
            as reference,
        l.raison as extrait,
        null::bigint as rang_territoire,
        l.ordre as r
    from {{ ref('pistes_liens_manquants') }} as l
    inner join pistes as s using (id_piste)
),

mentions_territoire as (
    select distinct m.id_passage, s.id_piste
    from selection as s
    inner join {{ ref('mentions') }} as m
        on m.code_departement = s.code_departement and m.type_entite = 'territoire'
    where m.code_entite = s.code_territoire
       or m.code_entite in (select code_commune from communes_territoire as ct
                            where (s.echelle = 'infra' and ct.code_infra = s.code_territoire)
                               or (s.echelle = 'departement' and ct.code_departement = s.code_territoire))
),

passages as (
    select
        s.id_piste, s.code_departement, 'passage' as type_preuve,
        null::varchar as niveau, null::varchar as code_territoire, null::varchar as code_indicateur,
        null::integer as annee, s.code_domaine,
        null::varchar as id_lien_manquant, pa.id_passage, null::varchar as id_parole,
        'marts.passages ' || pa.id_passage || ' (document ' || pa.id_document || ', page ' || coalesce(cast(pa.page as varchar), '?') || ')'
            as reference,
        left(pa.texte, 400) as extrait,
        null::bigint as rang_territoire,
        row_number() over (partition by s.id_piste
                           order by (mt.id_passage is null), pa.score_classement desc nulls last,
                                    length(pa.texte) desc, pa.id_passage) as r
    from pistes as s
    inner join {{ ref('passages') }} as pa
        on pa.code_departement = s.code_departement and pa.code_domaine = s.code_domaine
    left join mentions_territoire as mt on mt.id_passage = pa.id_passage and mt.id_piste = s.id_piste
    -- form labels and headings say nothing: a passage is evidence from 80 characters on
    where length(pa.texte) >= 80
),

parole as (
    select
        s.id_piste, s.code_departement, 'parole' as type_preuve,
        null::varchar as niveau, null::varchar as code_territoire, null::varchar as code_indicateur,
        null::integer as annee, s.code_domaine,
        null::varchar as id_lien_manquant, null::varchar as id_passage, pr.id_parole,
        'marts.parole ' || pr.id_parole as reference,
        left(pr.texte, 400) as extrait,
        null::bigint as rang_territoire,
        row_number() over (partition by s.id_piste order by pr.id_parole) as r
    from pistes as s
    inner join {{ ref('parole') }} as pr
        on pr.code_departement = s.code_departement and pr.code_domaine = s.code_domaine
    where not coalesce(pr.secret, false)
),

toutes as (
    -- latest year of each indicator of each territory; the territories' gap lines then their
    -- zone-blanche communes
    select * from indicateurs where r = 1
    union all by name select * from ecarts where r <= {{ maxi }}
    union all by name select * from liens_manquants where r <= {{ maxi }}
    union all by name select * from passages where r <= {{ maxi }}
    union all by name select * from parole where r <= {{ maxi }}
),

numerotees as (
    select *,
        row_number() over (partition by id_piste, type_preuve
                           order by (niveau = 'commune') nulls first, rang_territoire nulls first, r, reference)
            as ordre
    from toutes
)

select
    id_piste || '-' || type_preuve || '-' || ordre as id_preuve,
    id_piste,
    code_departement,
    type_preuve,
    ordre,
    niveau,
    code_territoire,
    code_indicateur,
    annee,
    code_domaine,
    id_lien_manquant,
    id_passage,
    id_parole,
    reference,
    extrait
from numerotees
where type_preuve <> 'indicateur' or ordre <= {{ maxi }} * 2
