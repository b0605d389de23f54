"""dpgkg — the linked-data knowledge graph of the Digital Public Goods ecosystem."""

__version__ = "0.1.0"

#: How dpgkg names itself to every server it fetches from (registry archives, catalogues,
#: SPARQL endpoints such as Wikidata's, which refuses anonymous clients).
USER_AGENT = f"dpgkg/{__version__} (+https://w3id.org/dpgkg)"
