-- Share of households without a car, 411 communes of the Nord and the Pas-de-Calais. Derived by a
-- third party from INSEE census files (1 − households with at least one car / households);
-- values unchanged, in percent.
{{ select_typed(source('raw', 'te_cadre_urbain_59_62')) }}
