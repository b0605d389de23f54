"""dpgkg — the linked-data knowledge graph of the Digital Public Goods ecosystem."""

__version__ = "0.1.0"
