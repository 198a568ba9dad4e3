{#- Fails on every combination of `columns` that appears more than once (NULLs count as values). -#}
{% test unique_combination(model, columns) %}
select {{ columns | join(', ') }}, count(*) as nb_lignes
from {{ model }}
group by {{ columns | join(', ') }}
having count(*) > 1
{% endtest %}
