-- The comité's corrections of the network as read from the « acteurs et liens » workbooks (ingest/suivi.py,
-- read before this step); read by the graph (graph/comite.py) and by marts.reseau_corrections.
-- A view with no data test: its content follows the raw table without a rebuild, so a new workbook does
-- not make the first dbt step build the national marts again (orchestration/dbt_etat.py counts a source
-- read only by views by its columns); the tests are the mart's, in the priorities' step.
select * from {{ source('suivi', 'reseau_corrections') }}
