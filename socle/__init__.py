"""The ground floor, below ingest < graph < rapport < orchestration: imports none of them, nor Dagster.

settings      the run-time settings, the only module that reads the environment
departements  the département codes of the COG (validation, names)
ponderations  the weights of the priorities (``config/priorites.yml``), validated, as dbt vars
ecriture      atomic writes of the files for people
"""
