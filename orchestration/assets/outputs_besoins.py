"""Per-département files for people from the need marts."""

from dagster import AssetExecutionContext, AssetKey, MaterializeResult, asset

from orchestration.partitions import departement_partitions
from orchestration.resources import PacteSettingsResource, WarehouseResource


@asset(
    key=AssetKey(["outputs", "fiche_departement"]),
    group_name="outputs",
    partitions_def=departement_partitions,
    deps=[AssetKey(["staging", "stg_cog__departements"])],
)
def fiche_departement(context: AssetExecutionContext, warehouse: WarehouseResource,
                      settings: PacteSettingsResource) -> MaterializeResult:
    code = context.partition_key
    with warehouse.connect(read_only=True) as con:
        row = con.execute("select * from staging.stg_cog__departements where code_departement = ?", [code]).fetchone()
    path = settings.output_for(code) / "departement.txt"
    path.write_text(str(row))
    return MaterializeResult(metadata={"path": str(path)})


ASSETS = [fiche_departement]
