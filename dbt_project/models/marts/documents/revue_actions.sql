{#-
  The statements of progress (prévu, en cours, réalisé, abandonné) that the review of the CALPAE /
  SPIE actions reports: only those of the documents it reads (marts.revue_documents), with the
  status in words (seed documents_statuts_avancement).
-#}

select
    m.id_mention,
    m.code_departement,
    m.id_document,
    r.titre as titre_document,
    r.nom_fichier,
    r.libelle_type_document,
    m.id_passage,
    m.page,
    m.objet_type,
    m.objet_code,
    m.objet_libelle,
    m.statut_avancement,
    s.libelle_statut,
    s.ordre as ordre_statut,
    m.annee,
    m.texte_trouve
from {{ ref('mentions') }} as m
inner join {{ ref('revue_documents') }} as r on r.id_document = m.id_document and r.revu
left join {{ ref('documents_statuts_avancement') }} as s on s.statut = m.statut_avancement
where m.type_entite = 'avancement'
