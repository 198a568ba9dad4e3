{{ select_typed(source('raw', 'cog_departements')) }}
