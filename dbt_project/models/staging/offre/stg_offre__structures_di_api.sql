-- Structures of the raw table raw.offre_structures__di_api (data·inclusion API v1), in the
-- catalogue's shape. The recorded answers of the snapshot (`api-v1-mocks`, test mocks of les
-- emplois de l'inclusion, partly synthetic) are read by the reader for its tests but are not offer:
-- they are left out here; live answers are kept.
{{ offre_staging_structures('di_api', condition="coalesce(cast(_source_file as varchar), '') not like '%api-v1-mocks%'") }}
