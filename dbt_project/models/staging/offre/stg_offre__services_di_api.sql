-- Services of the raw table raw.offre_services__di_api (data·inclusion API v1). As for the
-- structures, the recorded mock answers of the snapshot are left out; live answers are kept.
{{ offre_staging_services('di_api', condition="coalesce(cast(_source_file as varchar), '') not like '%api-v1-mocks%'") }}
