-- COG 2023: the geography of Filosofi 2021.
{{ select_typed(source('raw', 'cog_communes_2023')) }}
