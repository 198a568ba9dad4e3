{{ select_typed(source('raw', 'anct_grille_ruralite')) }}
