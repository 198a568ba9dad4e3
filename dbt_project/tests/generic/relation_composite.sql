{#- Fails on every row whose `columns` (all non-NULL) have no row in `to` with the same values in
    `to_columns` (a foreign key over several columns). -#}
{% test relation_composite(model, columns, to, to_columns) %}
select {% for c in columns %}enfant.{{ c }}{{ ', ' if not loop.last }}{% endfor %}
from {{ model }} as enfant
left join {{ to }} as parent
    on {% for c in columns %}enfant.{{ c }} = parent.{{ to_columns[loop.index0] }}{{ ' and ' if not loop.last }}{% endfor %}
where {% for c in columns %}enfant.{{ c }} is not null and {% endfor %}
    parent.{{ to_columns[0] }} is null
{% endtest %}
