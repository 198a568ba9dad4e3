{{ select_typed(source('raw', 'cog_regions')) }}
