{{ config(tags=["apres_graphe"], materialized="ephemeral") }}

{#-
  The graph's missing links (marts.liens_manquants) that bear on each lead, once per lead even when
  several of its territories see the same link, with the order in which they are cited
  (pertinence 1 first):
    1  a rule of the lead's domain (operateurs_sans_lien, besoin_eleve_offre_non_coordonnee...) on
       one of the lead's territories, one of their communes, or the whole département;
    2  an expected partner absent (partenaire_attendu_absent) from an instance of a dispositif
       related to the domain (seed priorites_modeles_pistes.dispositifs_lies) covering one of the
       territories or the département;
    3  for axis A2, an insertion actor of the territories without any tie to France Travail nor to
       the PDI/PTI (insertion_sans_lien_ft_pdi).
  Shared by marts.pistes_preuves (evidence) and marts.pistes_acteurs (missing partners).
-#}

with selection as (
    select * from {{ ref('pistes_selection') }}
),

pistes as (
    select distinct id_piste, code_departement, code_axe, code_domaine, dispositifs_lies from selection
),

communes as (
    select code_territoire as code_commune, code_departement, coalesce(code_ept, code_epci) as code_infra
    from {{ ref('territoires') }}
    where niveau = 'commune'
),

liens_manquants as (
    select l.*, {{ id_lien_manquant('l') }} as id_lien_manquant
    from {{ source('graphe', 'liens_manquants') }} as l
),

dispositifs as (
    select id_noeud, code_dispositif
    from {{ source('graphe', 'acteurs') }}
    where type_noeud = 'dispositif' and not coalesce(historique, false)
),

sur_le_territoire as (
    -- (lead, missing link) pairs whose territory is one of the lead's, one of their communes, or the département
    select distinct s.id_piste, l.id_lien_manquant
    from selection as s
    inner join liens_manquants as l on l.code_departement = s.code_departement
    where (l.niveau = s.niveau and l.code_territoire = s.code_territoire)
       or (l.niveau = 'departement' and l.code_territoire = s.code_departement)
       or l.niveau is null
       or (l.niveau = 'commune' and l.code_territoire in (
            select code_commune from communes as c
            where (s.echelle = 'infra' and c.code_infra = s.code_territoire)
               or (s.echelle = 'departement' and c.code_departement = s.code_territoire)))
),

candidats as (
    select p.id_piste, l.*,
        case
            when l.code_domaine = p.code_domaine then 1
            when l.regle = 'partenaire_attendu_absent' and exists (
                select 1 from dispositifs as d
                where d.id_noeud = l.id_source
                  and list_contains(string_split(p.dispositifs_lies, '|'), d.code_dispositif)) then 2
            when l.regle = 'insertion_sans_lien_ft_pdi' and p.code_axe = 'A2' then 3
        end as pertinence
    from pistes as p
    inner join sur_le_territoire as t using (id_piste)
    inner join liens_manquants as l using (id_lien_manquant)
)

select *,
    -- down to the link's own id: rows of one rule without source or target (several territories)
    -- would otherwise tie, and a tie is numbered in the order rows arrive, differently from run to run
    row_number() over (partition by id_piste
                       order by pertinence, niveau = 'commune', regle, id_source, id_cible, code_territoire,
                                code_domaine, id_lien_manquant) as ordre
from candidats
where pertinence is not null
