-- NEET rates published at each level; codes are the 2021-2022 ones.
{{ select_typed(source('raw', 'neet')) }}
