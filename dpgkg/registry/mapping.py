"""Maps registry records to RDF (N-Quads) with the dpgkg ontology.

Everything export needs to rebuild the JSON is stated as triples: order as schema:position,
prose lists as rdf:List, as-declared values beside normalised ones. Shared things
(organisations, licences, countries, sectors) get IRIs of their own, described once.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from dpgkg.licences import check_licence
from dpgkg.namespaces import (
    DCTERMS,
    DPG,
    FOAF,
    PROV,
    RDF,
    RDFS,
    SCHEMA,
    SDG,
    SKOS,
    SPDX_LICENSE,
    IRIs,
)
from dpgkg.problems import ProblemLog, Severity
from dpgkg.rdfterms import QuadWriter, integer, iri, literal
from dpgkg.registry.fields import (
    ANSWER_IRIS,
    KIND_CLASSES,
    ORG_ROLES,
    SCREENING_FIELDS,
    STAGES,
    Kind,
    ScreeningField,
)
from dpgkg.registry.normalise import (
    eu_country_iri,
    is_blank,
    normalise_licence,
    parse_url_field,
    resolve_country,
)
from dpgkg.registry.privacy import Scrubber
from dpgkg.registry.reader import RegistryRecord, SourceFile

# Predicate and class IRIs as plain strings: building them per quad was a third of
# the mapping time.
DCTERMS_IDENTIFIER = str(DCTERMS.identifier)
DCTERMS_LICENSE = str(DCTERMS.license)
DCTERMS_LICENSEDOCUMENT = str(DCTERMS.LicenseDocument)
DPG_ALPHA2 = str(DPG.alpha2)
DPG_ALPHA3 = str(DPG.alpha3)
DPG_COUNTRY = str(DPG.Country)
DPG_DECLAREDLICENSEID = str(DPG.declaredLicenseId)
DPG_DECLAREDNAME = str(DPG.declaredName)
DPG_DIGITALPRODUCT = str(DPG.DigitalProduct)
DPG_EVIDENCETEXT = str(DPG.evidenceText)
DPG_EVIDENCEURL = str(DPG.evidenceURL)
DPG_LICENSE = str(DPG.License)
CLS_LICENSEDECLARATION = str(DPG.LicenseDeclaration)
DPG_LICENSEDECLARATION = str(DPG.licenseDeclaration)
DPG_LICENSEURL = str(DPG.licenseURL)
DPG_NUMERICCODE = str(DPG.numericCode)
CLS_ORGANIZATION = str(DPG.Organization)
DPG_ORGANIZATION = str(DPG.organization)
CLS_ORGANIZATIONROLE = str(DPG.OrganizationRole)
DPG_ORGANIZATIONROLE = str(DPG.organizationRole)
DPG_RECOGNITIONSTATUS = str(DPG.recognitionStatus)
DPG_RELEVANTTOSDG = str(DPG.relevantToSDG)
CLS_REPOSITORY = str(DPG.Repository)
DPG_REPOSITORY = str(DPG.repository)
DPG_REPOSITORYURL = str(DPG.repositoryURL)
DPG_ROLETYPE = str(DPG.roleType)
DPG_SAMESCREENINGAS = str(DPG.sameScreeningAs)
CLS_SCREENING = str(DPG.Screening)
DPG_SCREENING = str(DPG.screening)
DPG_SDG = str(DPG.sdg)
CLS_SDGRELEVANCE = str(DPG.SDGRelevance)
DPG_SDGRELEVANCE = str(DPG.sdgRelevance)
DPG_SECTOR = str(DPG.sector)
DPG_SHA256 = str(DPG.sha256)
DPG_SPDXID = str(DPG.spdxId)
DPG_SPDXLICENSE = str(DPG.spdxLicense)
DPG_WEBSITE = str(DPG.website)
FOAF_NAME = str(FOAF.name)
PROV_WASDERIVEDFROM = str(PROV.wasDerivedFrom)
RDFS_LABEL = str(RDFS.label)
RDF_TYPE = str(RDF.type)
SCHEMA_ALTERNATENAME = str(SCHEMA.alternateName)
SCHEMA_CODEREPOSITORY = str(SCHEMA.codeRepository)
SCHEMA_DESCRIPTION = str(SCHEMA.description)
SCHEMA_NAME = str(SCHEMA.name)
SCHEMA_POSITION = str(SCHEMA.position)
SKOS_CONCEPT = str(SKOS.Concept)
SKOS_EXACTMATCH = str(SKOS.exactMatch)
SKOS_INSCHEME = str(SKOS.inScheme)
SKOS_PREFLABEL = str(SKOS.prefLabel)
DPG_APPROVEDFOR = str(DPG.approvedFor)
#: Kinds whose approval is a property of one licence (an AI model's is a rule over a set).
_APPROVAL_KINDS = {k: str(DPG[KIND_CLASSES[k]]) for k in ("software", "data", "content",
                                                           "standard")}
TYPE = RDF_TYPE
POSITION = SCHEMA_POSITION
LABEL = RDFS_LABEL
_KIND_IRIS = {code: str(DPG[cls]) for code, cls in KIND_CLASSES.items()}
_STAGE_IRIS = {code: str(DPG[ind]) for code, ind in STAGES.items()}
_ROLE_IRIS = {code: (str(DPG[role]), str(DPG[prop])) for code, (role, prop) in ORG_ROLES.items()}
_SLUG = re.compile(r"[^a-z0-9]+")
#: rdf:_1, rdf:_2 ... and schema:position values 1, 2 ..., made once: the build writes
#: them for every list item.
_MEMBERS = [f"{RDF}_{i}" for i in range(1, 65)]
_POSITIONS = [integer(i) for i in range(1, 65)]


def _member(i: int) -> str:
    return _MEMBERS[i - 1] if i <= len(_MEMBERS) else f"{RDF}_{i}"


def _position(i: int) -> str:
    return _POSITIONS[i - 1] if i <= len(_POSITIONS) else integer(i)


def _screening_plan() -> tuple[tuple[tuple[str, ...], tuple[tuple[str, ScreeningField], ...]],
                               ...]:
    """SCREENING_FIELDS grouped by the object that holds them, in table order.

    Walking each section once instead of each field's whole path halves the lookups; the
    table lists a section's fields together, so the quads come out in the same order.
    """
    plan: list[tuple[tuple[str, ...], list[tuple[str, ScreeningField]]]] = []
    for fld in SCREENING_FIELDS:
        parent, key = fld.path[:-1], fld.path[-1]
        if not plan or plan[-1][0] != parent:
            plan.append((parent, []))
        plan[-1][1].append((key, fld))
    return tuple((parent, tuple(fields)) for parent, fields in plan)


_SCREENING_PLAN = _screening_plan()


def _blank(value: object) -> bool:
    """``is_blank`` with the common case (a string) inlined: it runs for every value."""
    if type(value) is str:
        return not value or value.isspace()
    return is_blank(value)


@functools.lru_cache(maxsize=65536)  # sector and organisation names repeat across records
def slug(text: str) -> str:
    """A stable IRI key: ASCII-folded, lower-case, non-alphanumerics collapsed to '-'."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return _SLUG.sub("-", folded.lower()).strip("-")


@dataclass
class MapContext:
    """State shared across one batch: the writer, what was described already, findings."""

    iris: IRIs
    out: QuadWriter
    problems: ProblemLog
    described: set[str] = field(default_factory=set)
    org_labels: dict[str, str] = field(default_factory=dict)
    stats: Counter[str] = field(default_factory=Counter)

    def once(self, entity: str) -> bool:
        """True the first time ENTITY is seen, so shared things are described once."""
        if entity in self.described:
            return False
        self.described.add(entity)
        return True


class _RecordMapper:
    """Maps one record; holds the record's scrubber and file name for messages."""

    def __init__(self, ctx: MapContext, rec: RegistryRecord) -> None:
        self.ctx = ctx
        self.out = ctx.out
        self.rec = rec
        self.subject = ctx.iris.record(rec.record_id)
        nominee = rec.nominee.data if rec.nominee else None
        self.scrub: Callable[[str], str] = Scrubber(nominee)
        self.file = rec.nominee.rel_path if rec.nominee else ""

    # -- small writers --------------------------------------------------------------
    def text(self, s: str, p: str, value: Any, pointer: str) -> None:
        if _blank(value):
            return
        clean = self.scrub(value)
        if clean != value:
            self.ctx.stats["personal-data-removed"] += 1
            self.ctx.problems.add(self.file, pointer, "personal data removed from text",
                                  Severity.INFO, "personal-data-removed")
        self.out.text(s, p, clean)

    def url(self, s: str, p: str, value: Any, pointer: str) -> tuple[str, ...]:
        """A URL field: the IRI when clean, else the prose kept as text plus the IRIs in it.
        Returns the IRIs written."""
        if _blank(value):
            return ()
        parsed = parse_url_field(self.scrub(value))
        for found in parsed.iris:
            self.out.rel(s, p, found)
        if not parsed.is_single_iri:
            self.out.text(s, p + "Text", parsed.text)
            self.ctx.problems.add(self.file, pointer, f"not a single URL; kept as text with "
                                  f"{len(parsed.iris)} URL(s) extracted", Severity.INFO,
                                  "prose-url")
        return parsed.iris

    def string_list(self, s: str, p: str, values: list[Any], pointer: str) -> None:
        """An ordered list of prose as an rdf:Seq at an IRI of its own (``<s>/<field>``).

        rdf:Seq costs one quad per item where rdf:List costs two, and a skolem IRI keeps
        the container addressable and safe to load in separate chunks.
        """
        items = [v for v in values if not _blank(v)]
        if not items:
            return
        seq = f"{s}/{p.rsplit('#', 1)[-1]}"
        out, scrub = self.out, self.scrub
        out.rel(s, p, seq)
        for i, value in enumerate(items, start=1):
            clean = scrub(value)
            if clean != value:
                self.ctx.problems.add(self.file, f"{pointer}/{i - 1}", "personal data removed "
                                      "from text", Severity.INFO, "personal-data-removed")
            out.text(seq, _member(i), clean)

    def provenance(self, s: str, source: SourceFile) -> None:
        """Link S to its source file; the file's IRI carries its path, the quad its hash."""
        entity = self.ctx.iris.source_file(source.rel_path)
        self.out.rel(s, PROV_WASDERIVEDFROM, entity)
        self.out.text(entity, DPG_SHA256, source.sha256)

    # -- the nominee half -------------------------------------------------------------
    def nominee(self, data: dict[str, Any]) -> None:
        s, out = self.subject, self.out
        for code in data.get("type") or []:
            if code in _KIND_IRIS:
                out.rel(s, TYPE, _KIND_IRIS[code])
        self.text(s, SCHEMA_NAME, data.get("name"), "/name")
        self.text(s, LABEL, data.get("name"), "/name")
        for i, alias in enumerate(data.get("aliases") or []):
            self.text(s, SCHEMA_ALTERNATENAME, alias, f"/aliases/{i}")
        self.text(s, SCHEMA_DESCRIPTION, data.get("description"), "/description")
        self.url(s, DPG_WEBSITE, data.get("website"), "/website")
        # isinstance guards: in lenient (validation) mode a bad item is pruned to None.
        for i, lic in enumerate(data.get("license") or []):
            if isinstance(lic, dict):
                self.licence(i, lic)
        for i, sdg in enumerate(data.get("SDGs") or []):
            if isinstance(sdg, dict):
                self.sdg(i, sdg)
        for sector in data.get("sectors") or []:
            if isinstance(sector, str) and not _blank(sector):
                self.sector(sector)
        for i, repo in enumerate(data.get("repositories") or []):
            if isinstance(repo, dict):
                self.repository(i, repo)
        for i, org in enumerate(data.get("organizations") or []):
            if isinstance(org, dict):
                self.organization(i, org)
        stage = data.get("stage")
        if stage in _STAGE_IRIS:
            out.rel(s, DPG_RECOGNITIONSTATUS, _STAGE_IRIS[stage])

    def licence(self, i: int, lic: dict[str, Any]) -> None:
        node = f"{self.subject}/license/{i + 1}"
        declared = lic.get("spdx", "")
        info = normalise_licence(declared)
        self.out.rel(self.subject, DPG_LICENSEDECLARATION, node)
        self.out.rel(node, TYPE, CLS_LICENSEDECLARATION)
        self.out.add(iri(node), POSITION, _position(i + 1))
        self.out.text(node, DPG_DECLAREDLICENSEID, declared)
        self.url(node, DPG_LICENSEURL, lic.get("licenseURL"), f"/license/{i}/licenseURL")
        if info is None:  # the checker rejects these; kept defensive for direct callers
            return
        if info.deprecated:
            self.ctx.problems.add(self.file, f"/license/{i}/spdx", f"deprecated SPDX id "
                                  f"{declared!r} normalised to {info.spdx_id!r}", Severity.INFO,
                                  "deprecated-spdx")
        lic_iri = self.ctx.iris.license(info.spdx_id)
        self.out.rel(node, DCTERMS_LICENSE, lic_iri)
        self.out.rel(self.subject, DCTERMS_LICENSE, lic_iri)
        if self.ctx.once(lic_iri):
            self.out.rel(lic_iri, TYPE, DPG_LICENSE)
            self.out.rel(lic_iri, TYPE, DCTERMS_LICENSEDOCUMENT)
            self.out.text(lic_iri, LABEL, info.name)
            self.out.text(lic_iri, DPG_SPDXID, info.spdx_id)
            if not info.spdx_id.startswith("LicenseRef-"):  # not on the SPDX list
                self.out.rel(lic_iri, DPG_SPDXLICENSE, f"{SPDX_LICENSE}{info.spdx_id}")
            # Indicator 2 needs to know which kinds a licence is approved for; the rules
            # live in dpgkg/licences.py (SPDX list + the DPG help centre).
            for kind, cls in _APPROVAL_KINDS.items():
                if check_licence(declared, kind).approved:
                    self.out.rel(lic_iri, DPG_APPROVEDFOR, cls)

    def sdg(self, i: int, item: dict[str, Any]) -> None:
        number = item.get("SDGNumber")
        if not isinstance(number, int) or not 1 <= number <= 17:
            return  # only reachable in lenient (validation) mode: the problem is reported
        node = f"{self.subject}/sdg-relevance/{i + 1}"
        goal = f"{SDG}{number}"
        self.out.rel(self.subject, DPG_SDGRELEVANCE, node)
        self.out.rel(self.subject, DPG_RELEVANTTOSDG, goal)
        self.out.rel(node, TYPE, CLS_SDGRELEVANCE)
        self.out.add(iri(node), POSITION, _position(i + 1))
        self.out.rel(node, DPG_SDG, goal)
        self.text(node, DPG_EVIDENCETEXT, item.get("evidenceText"), f"/SDGs/{i}/evidenceText")
        self.url(node, DPG_EVIDENCEURL, item.get("evidenceURL"), f"/SDGs/{i}/evidenceURL")

    def sector(self, name: str) -> None:
        node = self.ctx.iris.sector(slug(name) or "unnamed")
        self.out.rel(self.subject, DPG_SECTOR, node)
        if self.ctx.once(node):
            self.out.rel(node, TYPE, SKOS_CONCEPT)
            self.out.rel(node, SKOS_INSCHEME, self.ctx.iris.sector_scheme())
            self.out.add(iri(node), SKOS_PREFLABEL, literal(name, lang="en"))

    def repository(self, i: int, repo: dict[str, Any]) -> None:
        node = f"{self.subject}/repository/{i + 1}"
        self.out.rel(self.subject, DPG_REPOSITORY, node)
        self.out.rel(node, TYPE, CLS_REPOSITORY)
        self.out.add(iri(node), POSITION, _position(i + 1))
        self.text(node, SCHEMA_NAME, repo.get("name"), f"/repositories/{i}/name")
        for found in self.url(node, DPG_REPOSITORYURL, repo.get("url"),
                              f"/repositories/{i}/url"):
            self.out.rel(self.subject, SCHEMA_CODEREPOSITORY, found)

    def organization(self, i: int, org: dict[str, Any]) -> None:
        node = f"{self.subject}/organization-role/{i + 1}"
        self.out.rel(self.subject, DPG_ORGANIZATIONROLE, node)
        self.out.rel(node, TYPE, CLS_ORGANIZATIONROLE)
        self.out.add(iri(node), POSITION, _position(i + 1))
        raw = org.get("name")
        # A person can stand in as the organisation ("Jane Doe (person)"): when the
        # record names the same person as contact, the name is personal data too.
        name = self.scrub(raw) if isinstance(raw, str) else ""
        role = _ROLE_IRIS.get(org.get("org_type") or "")
        if role is not None:
            self.out.rel(node, DPG_ROLETYPE, role[0])
        self.url(node, DPG_WEBSITE, org.get("website"), f"/organizations/{i}/website")
        if _blank(name):
            return
        key = slug(name) or "unnamed"
        org_iri = self.ctx.iris.organization(key)
        self.out.rel(node, DPG_ORGANIZATION, org_iri)
        if role is not None:
            self.out.rel(self.subject, role[1], org_iri)
        label = self.ctx.org_labels.setdefault(key, name)
        if label != name:
            self.out.text(node, DPG_DECLAREDNAME, name)
        if self.ctx.once(org_iri):
            self.out.rel(org_iri, TYPE, CLS_ORGANIZATION)
            self.out.text(org_iri, LABEL, name)
            self.out.text(org_iri, FOAF_NAME, name)

    # -- the screening half -----------------------------------------------------------
    def screening(self, data: dict[str, Any]) -> None:
        assert self.rec.screening is not None
        q = self.ctx.iris.screening(self.rec.record_id)
        self.file = self.rec.screening.rel_path
        self.out.rel(self.subject, DPG_SCREENING, q)
        self.out.rel(q, TYPE, CLS_SCREENING)
        self.text(q, LABEL, data.get("name"), "/name")
        self.provenance(q, self.rec.screening)
        rel, answers = self.out.rel, ANSWER_IRIS
        for parent, fields in _SCREENING_PLAN:
            node: Any = data
            for part in parent:
                node = node.get(part) if isinstance(node, dict) else None
            if not isinstance(node, dict):
                continue
            for key, fld in fields:
                value = node.get(key)
                if value is None:
                    continue
                kind = fld.kind
                if kind is Kind.ANSWER:  # most fields: handled here, without a call
                    # The checks only let "Yes"/"No"/"Unknown"/"" through.
                    if type(value) is str and value in answers:
                        rel(q, fld.prop, answers[value])
                elif kind is Kind.LIST:  # skips blank items itself: no is_blank pass first
                    self.string_list(q, fld.prop, value, fld.pointer)
                elif kind is Kind.COUNTRIES:  # likewise
                    self.countries(fld, value)
                elif not _blank(value):
                    self.screening_field(q, fld, value)

    def screening_field(self, q: str, fld: ScreeningField, value: Any) -> None:
        if fld.kind is Kind.ANSWER:
            if type(value) is str and value in ANSWER_IRIS:
                self.out.rel(q, fld.prop, ANSWER_IRIS[value])
        elif fld.kind is Kind.TEXT:
            self.text(q, fld.prop, value, fld.pointer)
        elif fld.kind is Kind.URL:
            self.url(q, fld.prop, value, fld.pointer)
        elif fld.kind is Kind.LIST:
            self.string_list(q, fld.prop, value, fld.pointer)
        else:
            self.countries(fld, value)

    def countries(self, fld: ScreeningField, names: list[Any]) -> None:
        seen: set[str] = set()
        for i, name in enumerate(names):
            if _blank(name):
                continue
            country = resolve_country(name)
            if country is None:
                self.ctx.problems.add(self.file, f"{fld.pointer}/{i}", f"unknown country "
                                      f"{name!r}; kept as text", Severity.WARNING,
                                      "unknown-country")
                self.out.text(self.subject, fld.prop + "Text", name)
                continue
            if country.alpha3 in seen:
                self.ctx.problems.add(self.file, f"{fld.pointer}/{i}", f"duplicate country "
                                      f"{name!r} dropped", Severity.INFO, "duplicate-country")
                continue
            seen.add(country.alpha3)
            node = self.ctx.iris.country(country.alpha3)
            self.out.rel(self.subject, fld.prop, node)
            if self.ctx.once(node):
                self.out.rel(node, TYPE, DPG_COUNTRY)
                self.out.add(iri(node), LABEL, literal(country.name, lang="en"))
                self.out.text(node, DPG_ALPHA3, country.alpha3)
                if country.alpha2:
                    self.out.text(node, DPG_ALPHA2, country.alpha2)
                if country.numeric:
                    self.out.text(node, DPG_NUMERICCODE, country.numeric)
                eu = eu_country_iri(country)
                if eu:
                    self.out.rel(node, SKOS_EXACTMATCH, eu)


def map_record(ctx: MapContext, rec: RegistryRecord) -> None:
    """Write one record's quads into CTX.out."""
    mapper = _RecordMapper(ctx, rec)
    s = mapper.subject
    ctx.out.rel(s, TYPE, DPG_DIGITALPRODUCT)
    ctx.out.text(s, DCTERMS_IDENTIFIER, rec.record_id)
    if rec.nominee is not None and rec.nominee.data is not None:
        mapper.provenance(s, rec.nominee)
        mapper.nominee(rec.nominee.data)
        ctx.stats["nominee"] += 1
    if rec.screening is not None and rec.screening.data is not None:
        mapper.screening(rec.screening.data)
        ctx.stats["screening"] += 1
    ctx.stats["records"] += 1


def map_shared_screenings(ctx: MapContext, shared: dict[str, list[str]]) -> None:
    """Link screenings that are one upstream file (known only once every file was read)."""
    for rid, others in sorted(shared.items()):
        for other in others:
            ctx.out.rel(ctx.iris.screening(rid), DPG_SAMESCREENINGAS, ctx.iris.screening(other))
