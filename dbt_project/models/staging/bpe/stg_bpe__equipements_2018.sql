-- BPE 2018: number of equipments per commune (COG 2018; Paris, Lyon and Marseille by
-- arrondissement) and equipment type, all France.
{{ select_typed(source('raw', 'bpe_2018_equipements')) }}
