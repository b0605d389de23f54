"""Turns findings into per-record, per-indicator verdicts and the three output formats.

JSON (a contract): {"conforms": bool, "records": [{"record": id, "conforms": bool,
"indicators": {"1": "pass"|"fail"|"warning"|"not-assessed", … "9": …},
"results": [{"indicator", "severity", "focus", "path", "value", "message", "shape"}]}]}
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from dpgkg.namespaces import DPG, RDF, SH, XSD
from dpgkg.rdfterms import QuadWriter, literal
from dpgkg.validation.engine import Finding
from dpgkg.validation.subgraphs import owner_of

INDICATORS = tuple(str(n) for n in range(1, 10))
#: Indicators that need the screening answers (3-9) or the nominee record (1-2).
SCREENING_INDICATORS = frozenset(INDICATORS[2:])
NOMINEE_INDICATORS = frozenset(INDICATORS[:2])
SCHEMA_SHAPE = "https://w3id.org/dpgkg/shapes#RegistrySchema"


@dataclass
class Result:
    indicator: str
    severity: str
    focus: str
    path: str
    value: str
    message: str
    shape: str

    def as_dict(self) -> dict[str, str]:
        return {"indicator": self.indicator, "severity": self.severity, "focus": self.focus,
                "path": self.path, "value": self.value, "message": self.message,
                "shape": self.shape}


@dataclass
class RecordReport:
    record: str  # record id
    iri: str
    has_nominee: bool = True
    has_screening: bool = True
    results: list[Result] = field(default_factory=list)

    @property
    def conforms(self) -> bool:
        return not any(r.severity == "Violation" for r in self.results)

    def indicators(self) -> dict[str, str]:
        out = {}
        for code in INDICATORS:
            mine = [r for r in self.results if r.indicator == code]
            if any(r.severity == "Violation" for r in mine):
                out[code] = "fail"
            elif any(r.severity == "Warning" for r in mine):
                out[code] = "warning"
            elif (code in SCREENING_INDICATORS and not self.has_screening) or (
                    code in NOMINEE_INDICATORS and not self.has_nominee):
                out[code] = "not-assessed"
            else:
                out[code] = "pass"
        return out

    def as_dict(self) -> dict[str, object]:
        return {"record": self.record, "conforms": self.conforms,
                "indicators": self.indicators(),
                "results": [r.as_dict() for r in self.results]}


@dataclass
class ValidationReport:
    records: list[RecordReport]

    @property
    def conforms(self) -> bool:
        return all(r.conforms for r in self.records)

    def as_dict(self) -> dict[str, object]:
        return {"conforms": self.conforms, "records": [r.as_dict() for r in self.records]}

    def text(self) -> str:
        """A per-record table of indicators 1-9, then the messages."""
        marks = {"pass": "ok", "fail": "FAIL", "warning": "warn", "not-assessed": "-"}
        width = max([len(r.record) for r in self.records] + [6])
        lines = [f"{'record':{width}}  " + " ".join(f"{c:>4}" for c in INDICATORS)]
        for rec in self.records:
            ind = rec.indicators()
            lines.append(f"{rec.record:{width}}  " + " ".join(f"{marks[ind[c]]:>4}"
                                                            for c in INDICATORS))
        lines.append("")
        for rec in self.records:
            for r in rec.results:
                where = r.path.rsplit("#", 1)[-1] if r.path else ""
                lines.append(f"{rec.record}: indicator {r.indicator or '-'} {r.severity}: "
                             f"{r.message}" + (f" [{where}]" if where else ""))
        total = len(self.records)
        failing = sum(not r.conforms for r in self.records)
        lines.append(f"{total} records, {total - failing} conform, {failing} with violations")
        return "\n".join(lines) + "\n"

    def quads(self, graph: str | None, report_iri: str) -> QuadWriter:
        """The sh:ValidationReport as N-Quads in GRAPH, or N-Triples for None (results get
        IRIs of their own), each result also linked to its record and indicator."""
        items = []
        for rec in self.records:
            for r in rec.results:
                links = [(str(DPG.aboutRecord), rec.iri)]
                if r.indicator:
                    links.append((str(DPG.assessesIndicator), f"{DPG}Indicator{r.indicator}"))
                items.append((r, f"<{r.focus or rec.iri}>", links))
        return report_quads(QuadWriter(graph), report_iri, items)


def report_quads(out: QuadWriter, report_iri: str,
                 items: Iterable[tuple[Result, str, list[tuple[str, str]]]]) -> QuadWriter:
    """Write a SHACL sh:ValidationReport: one sh:ValidationResult per (result, focus node as
    a written term, extra (predicate, IRI) links). Shared by record and graph reports."""
    items = list(items)
    out.rel(report_iri, str(RDF.type), str(SH.ValidationReport))
    # SHACL's sh:conforms: false as soon as there is any result, warnings included
    # (the JSON "conforms" is dpgkg's: no Violation).
    out.add(f"<{report_iri}>", str(SH.conforms),
            literal("false" if items else "true", str(XSD.boolean)))
    for n, (r, focus, links) in enumerate(items, 1):
        node = f"{report_iri}/result/{n}"
        out.rel(report_iri, str(SH.result), node)
        out.rel(node, str(RDF.type), str(SH.ValidationResult))
        out.add(f"<{node}>", str(SH.focusNode), focus)
        out.rel(node, str(SH.resultSeverity), str(SH[r.severity]))
        if r.shape:
            out.rel(node, str(SH.sourceShape), r.shape)
        if r.path.startswith(("http://", "https://")) and " " not in r.path:
            out.rel(node, str(SH.resultPath), r.path)
        if r.value:
            out.text(node, str(SH.value), r.value)
        out.text(node, str(SH.resultMessage), r.message)
        for predicate, obj in links:
            out.rel(node, predicate, obj)
    return out


def record_id(iri: str) -> str:
    """The registry id of a record IRI (…/id/dpg/<id>)."""
    return iri.rsplit("/id/dpg/", 1)[-1].split("/", 1)[0]


def assemble(record_iris: Iterable[str], findings: Iterable[Finding],
             indicator_of: dict[str, str], screened: set[str], nominated: set[str]
             ) -> ValidationReport:
    """Group findings under their records, each mapped to its indicator by its shape."""
    records = {iri: RecordReport(record_id(iri), iri, iri in nominated, iri in screened)
               for iri in sorted(record_iris)}
    for f in findings:
        owner = owner_of(f.focus, records)
        if owner is None:
            continue
        rec = records[owner]
        rec.results.append(Result(indicator_of.get(f.shape, ""), f.severity, f.focus, f.path,
                                  f.value, f.message, f.shape))
    for rec in records.values():
        # A missing answer trips both sh:minCount and sh:hasValue: one line is enough.
        unique = {(r.indicator, r.severity, r.focus, r.path, r.value, r.message, r.shape): r
                  for r in rec.results}
        rec.results = list(unique.values())
        rec.results.sort(key=lambda r: (r.indicator, r.severity, r.focus, r.path, r.message))
    return ValidationReport(list(records.values()))
