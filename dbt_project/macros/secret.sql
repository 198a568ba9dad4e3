{#- True when the raw row carried a secrecy marker (`s`, or an empty cell where the publisher
    uses it for secrecy) in `column`; the readers list those column names in `_secret`. -#}
{% macro est_secret(column) -%}
    coalesce(list_contains(_secret, '{{ column }}'), false)
{%- endmacro %}

{#- True when the raw row carried a "not available" marker (`nd`, ...) in `column`. -#}
{% macro est_indisponible(column) -%}
    coalesce(list_contains(_indisponible, '{{ column }}'), false)
{%- endmacro %}
