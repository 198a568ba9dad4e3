-- Filosofi 2021 by IRIS: DECLARED income (before taxes and benefits), not the disposable-income
-- poverty rate. Kept for local analyses; not used by the need indicators.
{{ select_typed(source('raw', 'filosofi_iris_2021')) }}
