{#-
  The evidence of each lead (mart pistes_preuves) with, instead of the mart keys, where a person
  finds it: the indicator's source and year, the document's title and page, the kind of testimony.
  ordre_type: the order of the kinds of evidence on the lead's sheet.
-#}
select
    p.*,
    case p.type_preuve
        when 'indicateur' then c.source || coalesce(', ' || p.annee, '')
        when 'ecart' then 'indice de besoin et offre recensée du domaine'
        when 'lien_manquant' then 'graphe de coordination des acteurs'
        when 'passage' then coalesce(d.titre, d.nom_fichier) || coalesce(', p. ' || ps.page, '')
        when 'parole' then coalesce(pa.modalite, pa.type_parole, 'entretien ou questionnaire')
    end as origine,
    list_position(['indicateur', 'ecart', 'lien_manquant', 'passage', 'parole'], p.type_preuve) as ordre_type
from {{ ref('pistes_preuves') }} as p
left join {{ ref('indicateurs_catalogue') }} as c
    on p.type_preuve = 'indicateur' and c.code_indicateur = p.code_indicateur
left join {{ ref('passages') }} as ps on p.type_preuve = 'passage' and ps.id_passage = p.id_passage
left join {{ ref('documents') }} as d on d.id_document = ps.id_document
left join {{ ref('parole') }} as pa on p.type_preuve = 'parole' and pa.id_parole = p.id_parole
