-- Structures of the raw table raw.offre_structures__ft_agences (France Travail sites), in the
-- catalogue's shape. Only the local agencies (`ALE`) are offer open to the public: the regional
-- and territorial directions (`DRA`, `DDA`) are left out.
{{ offre_staging_structures('ft_agences', condition="coalesce(upper(cast(type_site as varchar)), 'ALE') = 'ALE'") }}
