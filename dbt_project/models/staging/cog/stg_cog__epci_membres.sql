{{ select_typed(source('raw', 'cog_epci_membres')) }}
