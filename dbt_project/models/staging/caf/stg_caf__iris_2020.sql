-- CAF recipients by IRIS at 31/12/2020 (IRIS geography 2020). Empty cells are secret.
{{ select_typed(source('raw', 'caf_iris_2020')) }}
