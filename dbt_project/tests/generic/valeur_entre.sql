{#- Fails on every non-NULL value of `column_name` outside [min_value, max_value]
    (either bound may be omitted), optionally restricted by `where_clause`. -#}
{% test valeur_entre(model, column_name, min_value=none, max_value=none, where_clause=none) %}
select *
from {{ model }}
where {{ column_name }} is not null
{% if where_clause %} and ({{ where_clause }}){% endif %}
    and (
        false
        {% if min_value is not none %} or {{ column_name }} < {{ min_value }}{% endif %}
        {% if max_value is not none %} or {{ column_name }} > {{ max_value }}{% endif %}
    )
{% endtest %}
