"""Linking external open-data catalogues (issue 5): harvest, link, align, validate.

Contracts between the modules here (and for anyone querying the graph):

* **Catalogue graphs.** ``dpgkg harvest SOURCE --name NAME`` writes one named graph,
  ``IRIs.catalogue_graph(NAME)`` = ``<base>graph/catalogue/<NAME>``, replaced atomically on
  re-harvest (``OxigraphStore.replace_graphs``). Whatever the source kind (DCAT RDF, CKAN
  Action API, data.json, schema.org), the graph holds DCAT 3: a ``dcat:Catalog`` with
  ``dcat:dataset`` / ``dcat:service`` links; ``dcat:Dataset`` with ``dcterms:title``,
  ``dcterms:description``, ``dcat:keyword``, ``dcat:theme``, ``dcterms:subject``,
  ``dcterms:publisher`` (a ``foaf:Agent`` with ``foaf:name`` and, when known,
  ``foaf:homepage``), ``dcat:landingPage``, ``dcterms:identifier`` (DOIs also as
  ``adms:identifier`` / ``owl:sameAs <https://doi.org/…>``), ``dcterms:issued``,
  ``dcterms:modified``, ``dcterms:license`` and ``dcat:distribution`` →
  ``dcat:Distribution`` (``dcterms:title``, ``dcat:accessURL``, ``dcat:downloadURL``,
  ``dcterms:format``, ``dcat:mediaType``); ``dcat:DataService`` for APIs. Blank nodes from
  sources are skolemised under the graph. The graph describes itself with PROV (source URL,
  time, pages, dataset count) like every other dpgkg graph.
* **Links graph.** ``IRIs.graph("links")`` holds every link made by a rule: a ``dpg:Link``
  resource (``IRIs.link(key)``) with the rule name, subject, predicate, object, evidence
  (matched field and text), confidence (0–1) and time, plus one plain triple
  ``subject predicate object`` for easy querying when the link is accepted. Low-confidence
  or conflicting links wait for review (``dpgkg links --review``).
* **Wikidata alignment.** ``dpgkg link wikidata`` records ``skos:exactMatch`` /
  ``skos:closeMatch`` from DPG records and organisations to Wikidata items, with the same
  link resources for evidence, in ``IRIs.graph("wikidata")``.
"""
