{#- Identifier of a row of the graph's marts.liens_manquants, which has no key column of its own:
    a digest of the columns that tell one missing link from another. Used by marts.pistes_preuves
    (evidence keys) and by the tests that resolve them (rapport.preuves.ID_LIEN_MANQUANT_SQL). -#}
{% macro id_lien_manquant(alias) -%}
    md5(concat_ws('|', {{ alias }}.code_departement, {{ alias }}.regle, {{ alias }}.id_source,
        coalesce({{ alias }}.id_cible, ''), coalesce({{ alias }}.niveau, ''),
        coalesce({{ alias }}.code_territoire, ''), coalesce({{ alias }}.code_domaine, ''),
        -- the expected type: one dispositif can miss several types with no single candidate (concat_ws
        -- skips NULL, so the rows of the other rules keep their id)
        json_extract_string({{ alias }}.details, '$.type_acteur')))
{%- endmacro %}

{#- A number written the French way, as the report writes it (rapport.cartes.format_nombre): narrow
    no-break space (U+202F) between thousands, decimal comma, `decimales` digits; NULL stays NULL. -#}
{% macro nombre_fr(expression, decimales=1) -%}
    case when ({{ expression }}) is not null
         then replace(replace(format('{:,.{{ decimales }}f}', cast({{ expression }} as double)), ',', chr(8239)), '.', ',')
    end
{%- endmacro %}
