{#- Offer side (issue 3): helpers that read the raw offer tables whatever their exact shape.

    The raw tables `raw.offre_structures__<src>` and `raw.offre_services__<src>` are written
    by the offer readers (a services table only for the sources of `offre_tables_services`:
    the national lists have none), and a reader may write a list column as text (`{a,b}`,
    `a|b`) or as VARCHAR[]. The staging models therefore ask
    the warehouse, at run time, which columns exist and with which type, and fall back to a
    typed NULL (or to an empty table) instead of failing. The dependency on the source is
    still declared (`source()`), so that Dagster runs the readers first. -#}

{#- The raw offer tables: one structures table per source family (the dbt var `offre_sources`). -#}
{% macro offre_tables_sources() -%}
    {{ return(var('offre_sources') | map(attribute='table_source') | list) }}
{%- endmacro %}

{#- The source families that also describe services (a reader writes `raw.offre_services__<src>`);
    the national lists have none. -#}
{% macro offre_tables_services() -%}
    {{ return(var('offre_sources') | selectattr('a_des_services', 'equalto', 'oui')
              | map(attribute='table_source') | list) }}
{%- endmacro %}

{#- Column name → lower-case data type of a relation, or {} when it does not exist (or at parse time). -#}
{% macro offre_colonnes(relation) -%}
    {%- set colonnes = {} -%}
    {%- if execute -%}
        {%- set existante = adapter.get_relation(database=relation.database, schema=relation.schema,
                                                 identifier=relation.identifier) -%}
        {%- if existante is not none -%}
            {%- for colonne in adapter.get_columns_in_relation(existante) -%}
                {%- do colonnes.update({colonne.name | lower: colonne.data_type | lower}) -%}
            {%- endfor -%}
        {%- endif -%}
    {%- endif -%}
    {{ return(colonnes) }}
{%- endmacro %}

{#- Text column: trimmed, empty → NULL; typed NULL when absent. -#}
{% macro offre_texte(colonnes, nom) -%}
    {%- if nom in colonnes -%}
        nullif(trim(cast("{{ nom }}" as varchar)), '')
    {%- else -%}
        cast(null as varchar)
    {%- endif -%}
{%- endmacro %}

{#- Number column: accepts doubles or text with a decimal comma; unreadable → NULL. -#}
{% macro offre_nombre(colonnes, nom) -%}
    {%- if nom in colonnes -%}
        {%- if colonnes[nom] in ('double', 'float', 'real', 'integer', 'bigint', 'smallint', 'hugeint')
              or colonnes[nom].startswith('decimal') -%}
            cast("{{ nom }}" as double)
        {%- else -%}
            try_cast(replace(trim(cast("{{ nom }}" as varchar)), ',', '.') as double)
        {%- endif -%}
    {%- else -%}
        cast(null as double)
    {%- endif -%}
{%- endmacro %}

{#- Boolean column; text `true/oui/1` accepted. -#}
{% macro offre_booleen(colonnes, nom) -%}
    {%- if nom in colonnes -%}
        {%- if colonnes[nom] == 'boolean' -%}
            coalesce("{{ nom }}", false)
        {%- else -%}
            coalesce(lower(trim(cast("{{ nom }}" as varchar))) in ('true', 't', 'oui', '1', 'vrai'), false)
        {%- endif -%}
    {%- else -%}
        false
    {%- endif -%}
{%- endmacro %}

{#- List column as VARCHAR[] of trimmed, non-empty, distinct values. A text column is split on
    `,`, `|` or `;` after removing Postgres braces and quotes; NULL when absent or empty. -#}
{% macro offre_liste(colonnes, nom) -%}
    {%- if nom in colonnes -%}
        {%- if colonnes[nom].endswith('[]') -%}
            {%- set brut = 'cast("' ~ nom ~ '" as varchar[])' -%}
        {%- else -%}
            {%- set brut = "string_split_regex(regexp_replace(trim(cast(\"" ~ nom ~ "\" as varchar)), '^\\{|\\}$', '', 'g'), '[,|;]')" -%}
        {%- endif -%}
        nullif(list_sort(list_distinct(list_filter(
            list_transform({{ brut }}, lambda x: nullif(trim(trim(x), '"'), '')),
            lambda x: x is not null))), [])
    {%- else -%}
        cast(null as varchar[])
    {%- endif -%}
{%- endmacro %}

{#- The key two names are compared on: `œ` spelled `oe`, accents stripped, lower case, every run
    of characters other than a-z0-9 as one space, `st`/`ste` spelled out, trimmed. Its Python twin
    is `ingest.vocabulaires.normaliser_nom` (tests/unit/test_vocabulaires.py checks they agree). -#}
{% macro normaliser_nom(expression) -%}
    trim(regexp_replace(regexp_replace(regexp_replace(regexp_replace(
        lower(strip_accents(replace(replace(cast({{ expression }} as varchar), 'œ', 'oe'), 'Œ', 'OE'))),
        '[^a-z0-9]+', ' ', 'g'),
        '\bste\b', 'sainte', 'g'),
        '\bst\b', 'saint', 'g'),
        '\s+', ' ', 'g'))
{%- endmacro %}

{#- A commune name for matching: `normaliser_nom`, then `cedex ...` and arrondissement suffixes
    (`Paris 15e`, `MARSEILLE 13`, `Lyon 3e Arrondissement`) removed. -#}
{% macro offre_normaliser_nom(expression) -%}
    trim(regexp_replace(regexp_replace({{ normaliser_nom(expression) }},
        '\bcedex\b.*$', '', 'g'),
        '(\s|^)\d+\s*(e|er|eme)?\s*(arrondissement)?\s*$', '', 'g'))
{%- endmacro %}

{#- Staging of one raw structures table, in the catalogue's column order. `condition` (SQL on the
    raw columns) keeps only the rows that are offer open to the public. -#}
{% macro offre_staging_structures(table_source, condition=none) -%}
{%- set relation = source('raw', 'offre_structures__' ~ table_source) -%}
{%- set c = offre_colonnes(relation) -%}
with source as (
    {% if c %}select * from {{ relation }}{% if condition %} where {{ condition }}{% endif %}
    {% else %}select 1 as _absente where false{% endif %}
),

renamed as (
    select
        '{{ table_source }}' as table_source,
        {{ offre_texte(c, 'source') }} as source,
        {{ offre_texte(c, 'id') }} as id_source,
        {{ offre_texte(c, 'nom') }} as nom,
        -- checked once, by the reader (ingest.offre._common.check_siret: 14 digits, Luhn key, La Poste):
        -- a bad SIRET is NULL in the raw table and a line of the quarantine
        {{ offre_texte(c, 'siret') }} as siret,
        upper({{ offre_texte(c, 'code_insee') }}) as code_insee,
        {{ offre_texte(c, 'commune') }} as commune,
        {{ offre_texte(c, 'code_postal') }} as code_postal,
        {{ offre_texte(c, 'adresse') }} as adresse,
        {{ offre_nombre(c, 'longitude') }} as longitude,
        {{ offre_nombre(c, 'latitude') }} as latitude,
        {{ offre_booleen(c, 'coordonnees_corrigees') }} as coordonnees_corrigees,
        {{ offre_texte(c, 'typologie') }} as typologie,
        {{ offre_liste(c, 'reseaux_porteurs') }} as reseaux_porteurs,
        {{ offre_texte(c, 'site_web') }} as site_web,
        try_cast(left({{ offre_texte(c, 'date_maj') }}, 10) as date) as date_maj,
        {{ offre_nombre(c, 'capacite') }} as capacite,
        upper({{ offre_texte(c, 'departement') }}) as departement,
        {{ offre_nombre(c, 'nb_conseillers') }} as nb_conseillers
    from source
),

final as (
    select
        table_source || '--' || id_source as cle_structure,
        *
    from renamed
    where id_source is not null
)

select * from final
{%- endmacro %}

{#- Staging of one raw services table (empty when the source has none); `condition` as for structures. -#}
{% macro offre_staging_services(table_source, condition=none) -%}
{%- set relation = source('raw', 'offre_services__' ~ table_source) -%}
{%- set c = offre_colonnes(relation) -%}
with source as (
    {% if c %}select * from {{ relation }}{% if condition %} where {{ condition }}{% endif %}
    {% else %}select 1 as _absente where false{% endif %}
),

renamed as (
    select
        '{{ table_source }}' as table_source,
        {{ offre_texte(c, 'source') }} as source,
        {{ offre_texte(c, 'id') }} as id_source,
        {{ offre_texte(c, 'structure_id') }} as structure_id_source,
        {{ offre_texte(c, 'nom') }} as nom,
        {{ offre_texte(c, 'description') }} as description,
        {{ offre_liste(c, 'types') }} as types,
        {{ offre_liste(c, 'thematiques') }} as thematiques,
        {{ offre_liste(c, 'frais') }} as frais,
        {{ offre_liste(c, 'publics') }} as publics,
        {{ offre_liste(c, 'modes_accueil') }} as modes_accueil,
        {{ offre_liste(c, 'zone_eligibilite') }} as zone_eligibilite,
        upper({{ offre_texte(c, 'code_insee') }}) as code_insee,
        {{ offre_texte(c, 'commune') }} as commune,
        {{ offre_texte(c, 'code_postal') }} as code_postal,
        {{ offre_texte(c, 'adresse') }} as adresse,
        {{ offre_nombre(c, 'longitude') }} as longitude,
        {{ offre_nombre(c, 'latitude') }} as latitude,
        try_cast(left({{ offre_texte(c, 'date_maj') }}, 10) as date) as date_maj
    from source
),

final as (
    select
        table_source || '--' || id_source as cle_service,
        -- a service without a structure id gets a structure of its own (rebuilt from its place)
        table_source || '--' || coalesce(structure_id_source, 'sans-structure--' || id_source) as cle_structure,
        *
    from renamed
    where id_source is not null
)

select * from final
{%- endmacro %}
