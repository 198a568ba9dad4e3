{{ select_typed(source('raw', 'rp_dossier_complet_2022')) }}
