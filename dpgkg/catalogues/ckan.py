"""CKAN Action API (``package_search``) as DCAT, the way ckanext-dcat's profiles map it.

A page is a ``package_search`` response (``{"success", "result": {"count", "results"}}``);
a ``package_show`` response, a bare ``result`` (the HDX fixtures), one package or a list of
packages are read too. Both CKAN styles are understood: first-level scheming fields
(``theme``, ``publisher``, ``temporal_coverage`` …) and legacy ``extras`` key/value pairs
(lists JSON-encoded). Personal data never reaches the graph: ``author``, ``maintainer``,
``contact`` and every ``*_email`` are not mapped, creators and publishers typed ``person``
are dropped, and those names and any e-mail address are scrubbed from the text that is.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from dpgkg.catalogues.jsonmap import (
    JSON_MEDIA,
    Emit,
    as_list,
    clean,
    country_iri,
    head_text,
    media_type_iri,
    page_json,
    pointer,
    scrubber,
    slug,
    url_or_none,
)
from dpgkg.catalogues.kinds import CatalogueOut, Page
from dpgkg.namespaces import DCAT, DCTERMS, FOAF, SKOS, XSD

_ACTION = re.compile(r"/api/(?:3/)?action/[\w-]+/?$")
_SEARCH = re.compile(r"/api/(?:3/)?action/package_search/?$")
_PERSON_TYPES = {"person", "individual", "foaf:person"}
# CKAN package types that are datasets (ckanext-scheming adds its own "*dataset*" types).
_DATASET_TYPES = {"dataset", "dataset_series", "series", "harvest_dataset"}
# Scheming/extras keys holding contact data: never mapped, their names are scrubbed.
_PERSON_KEYS = ("author", "maintainer", "contact_name", "dcat_creator_name",
                "creator_name", "package_creator")


def portal_of(url: str) -> str | None:
    """The CKAN portal root of an API URL ("https://x.org/api/3/action/…" → "https://x.org")."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    path = _ACTION.sub("", parts.path).rstrip("/")
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))


class CkanKind:
    """The CKAN Action API source kind."""

    name = "ckan"
    accepts: tuple[str, ...] = JSON_MEDIA

    def sniff(self, url: str, content_type: str, head: bytes) -> bool:
        text = head_text(head)
        if _ACTION.search(urlsplit(url).path):
            return text.startswith("{") or not text
        if not text.startswith(("{", "[")):
            return False
        packagey = any(k in text for k in ('"num_resources"', '"license_id"', '"notes"',
                                           '"metadata_modified"', "package_search"))
        envelope = '"success"' in text and '"result"' in text
        return packagey and (envelope or ('"count"' in text and '"results"' in text)
                             or '"resources"' in text)

    def first_url(self, source: str, page_size: int) -> str:
        parts = urlsplit(source)
        if parts.scheme in ("http", "https"):
            if _SEARCH.search(parts.path):  # keep the caller's q / fq / sort
                keep = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                        if k not in ("rows", "start")]
                query = urlencode([*keep, ("rows", str(page_size)), ("start", "0")])
                return urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))
            root = urlunsplit((parts.scheme, parts.netloc, parts.path.rstrip("/"), "", ""))
            return f"{root}/api/3/action/package_search?rows={page_size}&start=0"
        if parts.scheme == "file":
            return source
        return Path(source).resolve().as_uri()  # a local package_search response

    def next_url(self, page: Page, datasets_on_page: int, page_size: int) -> str | None:
        """start += rows while start < count. When a portal caps rows (ckan.search.rows_max)
        a full page holds fewer results than asked, so the step is what the page held."""
        parts = urlsplit(page.url)
        if parts.scheme not in ("http", "https"):
            return None  # a local file is the whole source
        try:
            doc = page_json(page)
        except ValueError:
            return None
        result = doc.get("result") if isinstance(doc, dict) and "result" in doc else doc
        if not isinstance(doc, dict) or doc.get("success") is False or not isinstance(
                result, dict):
            return None
        count, results = result.get("count"), result.get("results")
        if not isinstance(count, int) or not isinstance(results, list) or not results:
            return None
        params = parse_qsl(parts.query, keep_blank_values=True)
        start = _int(dict(params).get("start"), 0)
        rows = _int(dict(params).get("rows"), page_size) or len(results)
        step = len(results) if len(results) < rows else rows
        if start + step >= count:
            return None
        query = [(k, v) for k, v in params if k != "start"] + [("start", str(start + step))]
        return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))

    def map_page(self, page: Page, out: CatalogueOut) -> int:
        packages = _packages(page_json(page))
        portal = portal_of(page.url)
        if portal is None and not out.catalogue.startswith(out.graph):
            portal = portal_of(out.catalogue)  # a local file of a known portal
        base = portal or out.graph
        emit = Emit(out, page)
        emit.catalogue(urlsplit(portal).netloc if portal else None, portal, portal)
        # Showcases, harvest sources …: CKAN packages that are no datasets are left out.
        datasets = [(where, p) for where, p in packages
                    if not (isinstance(p, dict) and _not_dataset(p))]
        return emit.records(datasets, lambda where, p: _Package(emit, p, where, base).map(),
                            "a CKAN package")


KIND = CkanKind()


def _int(value: Any, default: int) -> int:
    try:
        return int(value) if value not in (None, "") else default
    except (TypeError, ValueError):
        return default


def _packages(doc: Any) -> list[tuple[str, Any]]:
    """(JSON pointer, package) pairs of a response, or ValueError when it holds none."""
    if isinstance(doc, list):
        if doc and not any(isinstance(p, dict) for p in doc):
            raise ValueError("no CKAN packages: a list of non-objects")
        return [(pointer(i), p) for i, p in enumerate(doc)]
    if not isinstance(doc, dict):
        raise ValueError("not a CKAN API response (a JSON object was expected)")
    if doc.get("success") is False:
        error = doc.get("error")
        detail = error.get("message") or error.get("__type") if isinstance(error, dict) else ""
        raise ValueError(f"CKAN API error (success: false){': ' + str(detail) if detail else ''}")
    prefix: tuple[str, ...] = ()
    if "result" in doc and ("success" in doc or "help" in doc):
        doc, prefix = doc["result"], ("result",)
    if isinstance(doc, dict) and isinstance(doc.get("results"), list):
        return [(pointer(*prefix, "results", i), p) for i, p in enumerate(doc["results"])]
    if isinstance(doc, dict) and ("name" in doc or "id" in doc) and not _not_dataset(doc):
        return [(pointer(*prefix), doc)]
    raise ValueError("no CKAN packages: expected a package_search or package_show result")


class _Package:
    """One CKAN package dict mapped to a dcat:Dataset."""

    def __init__(self, emit: Emit, pkg: dict[str, Any], where: str, base: str) -> None:
        self.e, self.pkg, self.where, self.base = emit, pkg, where, base
        self.extras: dict[str, Any] = {}
        for extra in pkg.get("extras") or []:
            if isinstance(extra, dict) and isinstance(extra.get("key"), str):
                self.extras[extra["key"]] = extra.get("value")

    def get(self, *keys: str) -> Any:
        """The first non-empty value of KEYS, first-level fields before extras."""
        for key in keys:
            for source in (self.pkg, self.extras):
                value = source.get(key)
                if value not in (None, "", [], {}) and (not isinstance(value, str)
                                                        or clean(value)):
                    return value
        return None

    def map(self) -> bool:
        e, pkg = self.e, self.pkg
        name = clean(pkg.get("name")) or clean(pkg.get("id"))
        ds = url_or_none(self.get("uri"))
        if ds is None and name is None:
            e.problem(self.where, "package without name, id or uri: skipped")
            return False
        ds = ds or f"{self.base}/dataset/{slug(str(name))}"
        org: dict[str, Any] = pkg["organization"] if isinstance(pkg.get("organization"),
                                                                 dict) else {}
        publishers = [p for p in as_list(self.get("publisher")) if isinstance(p, dict)]
        e.scrub = scrubber(self._people(publishers),
                           [org.get("name"), org.get("title"), self.get("publisher_name"),
                            self.get("dcat_publisher_name"), *(p.get("name") for p in publishers)])
        e.dataset(ds)
        e.text(ds, DCTERMS.title, pkg.get("title") or name)
        e.text(ds, DCTERMS.description, pkg.get("notes"))
        for tag in as_list(pkg.get("tags")):
            e.text(ds, DCAT.keyword, tag.get("name") or tag.get("display_name")
                   if isinstance(tag, dict) else tag)
        self._themes(ds)
        e.url(ds, DCAT.landingPage, pkg.get("url"), self.where + "/url",
              "not a URL: no dcat:landingPage")
        e.text(ds, DCAT.version, pkg.get("version"))
        self._identifiers(ds)
        e.date(ds, DCTERMS.issued, self.get("issued", "dcat_issued", "metadata_created"))
        e.date(ds, DCTERMS.modified, self.get("modified", "dcat_modified", "metadata_modified"))
        if not e.licence(ds, pkg.get("license_url")):
            e.licence(ds, self.get("license", "license_id"))
        for lang in self._languages(self.get("language")):
            e.language(ds, lang)
        freq = self.get("frequency")
        if not e.link(ds, DCTERMS.accrualPeriodicity, freq):
            e.text(ds, DCTERMS.accrualPeriodicity, freq)
        for key, prop in (("documentation", FOAF.page), ("conforms_to", DCTERMS.conformsTo),
                          ("is_referenced_by", DCTERMS.isReferencedBy)):
            for value in as_list(self.get(key)):
                e.link(ds, prop, value)
        self._agents(ds, org, publishers)
        self._space_and_time(ds)
        for i, res in enumerate(as_list(pkg.get("resources"))):
            if isinstance(res, dict):
                self._resource(ds, i, res)
        return True

    def _people(self, publishers: list[dict[str, Any]]) -> list[Any]:
        names = [self.get(k) for k in _PERSON_KEYS]
        names += [c.get("name") for c in as_list(self.get("contact")) if isinstance(c, dict)]
        # A creator is mapped only when typed as a non-person (public_body, …): any other
        # creator may be a person, so its name is scrubbed.
        names += [c.get("name") for c in as_list(self.get("creator"))
                  if isinstance(c, dict) and (_is_person(c) or not clean(c.get("type")))]
        names += [p.get("name") for p in publishers if _is_person(p)]
        if str(self.get("publisher_type") or "").lower() in _PERSON_TYPES:
            names.append(self.get("publisher_name"))
        return names

    def _themes(self, ds: str) -> None:
        e = self.e
        for theme in as_list(self.get("theme")):
            e.theme(ds, theme)
        for group in as_list(self.pkg.get("groups")):
            if not isinstance(group, dict) or not clean(group.get("name")):
                continue
            label = group.get("title") or group.get("display_name")
            concept = f"{self.base}/group/{slug(str(group['name']))}"
            e.w.rel(ds, str(DCAT.theme), concept)
            e.a(concept, SKOS.Concept)
            e.text(concept, SKOS.prefLabel, label or group["name"])
            e.text(concept, SKOS.notation, group["name"])
            country = country_iri(group["name"], label)  # HDX groups are ISO3 countries
            if country:
                e.w.rel(ds, str(DCTERMS.spatial), country)

    def _identifiers(self, ds: str) -> None:
        e = self.e
        e.identifier(ds, self.get("identifier", "guid") or self.pkg.get("id"))
        for alt in as_list(self.get("alternate_identifier")):
            e.identifier(ds, alt)
        e.identifier(ds, self.get("doi"))

    @staticmethod
    def _languages(value: Any) -> list[Any]:
        if isinstance(value, str) and not value.strip().startswith("["):
            return [v for v in value.split(",") if v.strip()]
        return as_list(value)

    def _agents(self, ds: str, org: dict[str, Any], publishers: list[dict[str, Any]]) -> None:
        """Publisher: the scheming field or the publisher_* extras, else the organization
        (ckanext-dcat's order). Creators only when typed as a non-person."""
        e = self.e
        done = False
        for pub in publishers:
            name = clean(pub.get("name"))
            if name and not _is_person(pub):
                iri = e.agent_iri(name, pub.get("uri") or pub.get("identifier"))
                e.agent(ds, str(DCTERMS.publisher), iri, name, pub.get("url"))
                done = True
        name = clean(self.get("publisher_name", "dcat_publisher_name"))
        person = str(self.get("publisher_type") or "").lower() in _PERSON_TYPES
        if not done and name and not person:
            iri = e.agent_iri(name, self.get("publisher_uri"))
            e.agent(ds, str(DCTERMS.publisher), iri, name, self.get("publisher_url"))
            done = True
        if not done and clean(org.get("name")):
            iri = f"{self.base}/organization/{slug(str(org['name']))}"
            e.agent(ds, str(DCTERMS.publisher), iri, org.get("title") or org["name"],
                    org.get("url") or org.get("homepage"))
        for creator in as_list(self.get("creator")):
            if isinstance(creator, dict) and clean(creator.get("name")) and clean(
                    creator.get("type")) and not _is_person(creator):
                cname = str(creator["name"]).strip()
                iri = e.agent_iri(cname, creator.get("uri") or creator.get("identifier"))
                e.agent(ds, str(DCTERMS.creator), iri, cname, creator.get("url"))

    def _space_and_time(self, ds: str) -> None:
        e = self.e
        e.link(ds, DCTERMS.spatial, self.get("spatial_uri"))
        e.location(ds, "0", self.get("spatial_text"), self.get("spatial"),
                   self.get("spatial_bbox"), self.get("spatial_centroid"))
        for i, cov in enumerate(as_list(self.get("spatial_coverage")), start=1):
            if isinstance(cov, dict):
                e.link(ds, DCTERMS.spatial, cov.get("uri"))
                e.location(ds, str(i), cov.get("text"), cov.get("geom"), cov.get("bbox"),
                           cov.get("centroid"))
        e.period(ds, "0", self.get("temporal_start"), self.get("temporal_end"))
        for i, cov in enumerate(as_list(self.get("temporal_coverage")), start=1):
            if isinstance(cov, dict):
                e.period(ds, str(i), cov.get("start"), cov.get("end"))

    def _resource(self, ds: str, i: int, res: dict[str, Any]) -> None:
        e = self.e
        where = f"{self.where}/resources/{i}"
        dist = url_or_none(res.get("uri")) or f"{ds}/distribution/{i}"
        e.distribution(ds, dist)
        e.text(dist, DCTERMS.title, res.get("name"))
        e.text(dist, DCTERMS.description, res.get("description"))
        for key, prop in (("access_url", DCAT.accessURL), ("url", DCAT.accessURL),
                          ("download_url", DCAT.downloadURL)):
            e.url(dist, prop, res.get(key), f"{where}/{key}")
        if res.get("url_type") == "upload":  # a file stored by CKAN: the URL downloads it
            e.link(dist, DCAT.downloadURL, res.get("url"))
        fmt = clean(res.get("format"))
        e.text(dist, DCTERMS["format"], fmt)
        if not e.media_type(dist, res.get("mimetype")) and fmt and media_type_iri(fmt):
            e.media_type(dist, fmt)  # ckanext-dcat: a format like "text/csv" is a media type
        size = _int(res.get("size"), -1)
        if size >= 0:
            e.w.text(dist, str(DCAT.byteSize), str(size), str(XSD.nonNegativeInteger))
        e.licence(dist, res.get("license"))
        e.date(dist, DCTERMS.issued, res.get("issued") or res.get("created"))
        e.date(dist, DCTERMS.modified, res.get("modified") or res.get("last_modified")
               or res.get("metadata_modified"))
        for lang in as_list(res.get("language")):
            e.language(dist, lang)


def _not_dataset(pkg: dict[str, Any]) -> bool:
    kind = str(pkg.get("type") or "dataset").lower()
    return bool(pkg.get("is_organization")) or not (kind.startswith("dataset")
                                                   or kind in _DATASET_TYPES)


def _is_person(agent: dict[str, Any]) -> bool:
    return str(agent.get("type") or "").strip().lower() in _PERSON_TYPES
