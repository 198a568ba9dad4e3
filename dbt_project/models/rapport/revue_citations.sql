{#-
  The passages of the reviewed documents (mart revue_documents) that cite a dispositif of var
  revue_dispositifs (CALPAE, SPIE, poverty strategy), per département: the first 20 by dispositif and passage (rang).
-#}
with citations as (
    select distinct
        m.code_departement,
        p.id_passage,
        p.texte,
        p.page,
        d.titre as titre_document,
        d.nom_fichier,
        m.code_entite as code_dispositif
    from {{ ref('mentions') }} as m
    inner join {{ ref('passages') }} as p using (id_passage)
    inner join {{ ref('revue_documents') }} as d on d.id_document = p.id_document and d.revu
    where m.type_entite = 'dispositif' and upper(m.code_entite) in ({{ "'" ~ var('revue_dispositifs') | join("', '") ~ "'" }})
)

select *
from (
    select *, row_number() over (partition by code_departement order by code_dispositif, id_passage) as rang
    from citations
)
where rang <= 20
