"""Runs the W3C SHACL test suite (core and SPARQL) through ``engine.validate_data``.

Loading. The root ``manifest.ttl`` is followed through ``mf:include`` to the per-test
manifests; every ``mf:entries`` member typed ``sht:Validate`` becomes a :class:`W3CTest`.
Files are parsed with pyoxigraph against the base ``urn:x-shacl-test:/<relative path>``
(the convention of the suite's EARL reports), so test ids do not depend on where the
suite lives, ``<>`` means the file itself, and lexical forms stay exactly as written
(rdflib would normalise ``"01"^^xsd:integer`` to ``"1"``). ``run_suite`` runs the tests
with ``mf:status sht:approved`` — what the W3C implementation report counts — and lists
the rest as skipped (none of the reachable 120 tests is proposed or rejected).

Running. Each file is re-serialised (pyoxigraph) as Turtle with absolute IRIs and the
file's own ``@prefix`` lines, and handed to ``validate_data`` as "turtle". Absolute IRIs
because ``validate_data`` takes no base IRI and resolves relative IRIs in the shapes
against one default base and in the data against another, which breaks the tests whose
data and shapes are one file. The prefixes because pySHACL resolves SPARQL prefixes from
the parsed graph's bindings where it does not follow ``sh:prefixes``/``owl:imports``
(sparql/node/prefixes-001 errors on N-Triples input); it is what a user passing the
file's Turtle would get.

Comparison rule (the suite asks for a report isomorphic to ``mf:result``; findings are
flattened strings, so this is the practical form of it):

* ``mf:result sht:Failure``: passes iff ``validate_data`` raises.
* otherwise ``sh:conforms`` must match, taken as the SHACL spec defines it: false when
  the engine says so or when there is any result at all (the pySHACL path of
  ``validate_data`` says true for a report holding only warnings); and the expected
  ``sh:result`` set and the
  findings must be equal as multisets (same size and a one-to-one matching), where one
  expected result matches one finding when all of these hold:

  - focusNode, value: a blank node matches anything (labels are not comparable); an
    IRI matches the same IRI; a literal matches its lexical form or its N-Triples form
    (for pySHACL also the form rdflib normalises it to, which is all that engine path can
    report); an absent value matches only an empty one.
  - resultPath: an IRI must be equal; a complex (blank-node) path matches anything, as
    pySHACL findings carry no complex paths; an absent path matches only an empty one.
  - resultSeverity and sourceConstraintComponent: compared by local name, since the
    ``shacl`` engine reports local names and pySHACL full IRIs.
  - sourceShape: an IRI must equal ``Finding.shape``; a blank node (or absence) matches
    anything, because ``Finding.shape`` is the nearest *named* shape, never a blank node.
  - resultMessage, sourceConstraint, resultPath structure and details: not compared (the
    suite leaves messages free; findings do not carry the rest).
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from dpgkg.validation.engine import ENGINES, Finding, validate_data

BASE = "urn:x-shacl-test:/"
MF = "http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#"
SHT = "http://www.w3.org/ns/shacl-test#"
SH = "http://www.w3.org/ns/shacl#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"

Term = ox.NamedNode | ox.BlankNode | ox.Literal
_Index = dict[tuple[Any, Any], list[Any]]


@dataclass(frozen=True)
class ExpectedResult:
    """One expected ``sh:result``; None where the property is absent."""

    focus: Term | None
    path: Term | None
    value: Term | None
    severity: Term | None
    shape: Term | None
    component: Term | None


@dataclass(frozen=True)
class ExpectedReport:
    """The test's ``mf:result``: a validation report, or ``sht:Failure``."""

    failure: bool
    conforms: bool
    results: tuple[ExpectedResult, ...]


@dataclass(frozen=True)
class W3CTest:
    id: str  # IRI, urn:x-shacl-test:/core/node/and-001
    key: str  # the id relative to the suite: core/node/and-001
    name: str  # rdfs:label
    data_file: Path
    shapes_file: Path
    data_iri: str  # the file's IRI, also its base IRI (sht:dataGraph)
    shapes_iri: str  # likewise for sht:shapesGraph
    expected: ExpectedReport
    status: str  # approved | proposed | rejected (local name of mf:status)


@dataclass(frozen=True)
class TestOutcome:
    __test__ = False  # not a pytest test class, despite the name

    passed: bool
    reason: str
    errored: bool = False  # the engine raised where a report was expected


# --- loading ----------------------------------------------------------------------------

def _iri(term: Any) -> str:
    return term.value if isinstance(term, ox.NamedNode) else ""


def _local(iri: str) -> str:
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _file_iri(root: Path, path: Path) -> str:
    return BASE + path.resolve().relative_to(root.resolve()).as_posix()


def _path_of(root: Path, iri: str) -> Path:
    if not iri.startswith(BASE):
        raise ValueError(f"{iri} is outside the test suite")
    return root / iri[len(BASE):]


@lru_cache(maxsize=256)
def _parse(path: Path, base: str) -> tuple[tuple[ox.Triple, ...], tuple[tuple[str, str], ...]]:
    """The file's triples (relative IRIs resolved against BASE) and its prefixes."""
    parser = ox.parse(path.read_bytes(), format=ox.RdfFormat.TURTLE, base_iri=base)
    triples = tuple(ox.Triple(q.subject, q.predicate, q.object) for q in parser)
    return triples, tuple(sorted(parser.prefixes.items()))


def _triples(path: Path, base: str) -> tuple[ox.Triple, ...]:
    return _parse(path, base)[0]


def _index(triples: Sequence[ox.Triple]) -> _Index:
    index: _Index = {}
    for t in triples:
        index.setdefault((t.subject, t.predicate), []).append(t.object)
    return index


def _one(index: _Index, subject: Any, predicate: str) -> Any:
    values = index.get((subject, ox.NamedNode(predicate)), [])
    return values[0] if values else None


def _all(index: _Index, subject: Any, predicate: str) -> list[Any]:
    return index.get((subject, ox.NamedNode(predicate)), [])


def _list(index: _Index, head: Any) -> Iterator[Any]:
    nil = ox.NamedNode(RDF + "nil")
    seen = 0
    while head is not None and head != nil and seen < 10_000:  # guard against cycles
        yield _one(index, head, RDF + "first")
        head, seen = _one(index, head, RDF + "rest"), seen + 1


def _expected(index: _Index, result: Any) -> ExpectedReport:
    if result == ox.NamedNode(SHT + "Failure"):
        return ExpectedReport(True, False, ())
    conforms = _one(index, result, SH + "conforms")
    results = tuple(
        ExpectedResult(*(_one(index, r, SH + p) for p in (
            "focusNode", "resultPath", "value", "resultSeverity", "sourceShape",
            "sourceConstraintComponent")))
        for r in _all(index, result, SH + "result"))
    return ExpectedReport(False, conforms is not None and conforms.value == "true", results)


def load_manifest(root: Path) -> list[W3CTest]:
    """Every ``sht:Validate`` entry reachable from ROOT/manifest.ttl, in manifest order."""
    tests: list[W3CTest] = []
    pending, seen = [root / "manifest.ttl"], set()
    while pending:
        path = pending.pop(0)
        if path.resolve() in seen:
            continue
        seen.add(path.resolve())
        iri = _file_iri(root, path)
        index = _index(_triples(path, iri))
        manifest = ox.NamedNode(iri)
        pending += [_path_of(root, _iri(i)) for i in _all(index, manifest, MF + "include")]
        for entry in _list(index, _one(index, manifest, MF + "entries")):
            if ox.NamedNode(SHT + "Validate") not in _all(index, entry, RDF + "type"):
                continue
            action = _one(index, entry, MF + "action")
            label = _one(index, entry, RDFS + "label")
            data_iri = _iri(_one(index, action, SHT + "dataGraph"))
            shapes_iri = _iri(_one(index, action, SHT + "shapesGraph"))
            tests.append(W3CTest(
                id=_iri(entry), key=_iri(entry)[len(BASE):],
                name=label.value if label is not None else _iri(entry),
                data_file=_path_of(root, data_iri), shapes_file=_path_of(root, shapes_iri),
                data_iri=data_iri, shapes_iri=shapes_iri,
                expected=_expected(index, _one(index, entry, MF + "result")),
                status=_local(_iri(_one(index, entry, MF + "status")))))
    return tests


# --- running and comparing ----------------------------------------------------------------

@lru_cache(maxsize=256)
def _turtle(path: Path, base: str) -> str:
    """The file as Turtle with absolute IRIs and its own prefixes (see module docstring)."""
    triples, prefixes = _parse(path, base)
    text = ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=dict(prefixes))
    return (text or b"").decode()  # bytes whenever no output file is given


def _term_matches(expected: Term | None, actual: str, via_rdflib: bool = False) -> bool:
    if expected is None:
        return actual == ""
    if isinstance(expected, ox.BlankNode):
        return True
    if isinstance(expected, ox.Literal):
        return (actual in (expected.value, str(expected))
                or (via_rdflib and actual == _rdflib_form(expected)))
    return actual == expected.value


@lru_cache(maxsize=1024)
def _rdflib_form(literal: ox.Literal) -> str:
    """LITERAL's lexical form once rdflib has read it.

    The pySHACL path of ``validate_data`` parses through rdflib, which normalises lexical
    forms ("none"^^xsd:boolean becomes "false"); the finding can only report that form.
    """
    import rdflib

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # rdflib warns about the ill-typed literals tested
        if literal.language:
            return str(rdflib.Literal(literal.value, lang=literal.language))
        return str(rdflib.Literal(literal.value, datatype=literal.datatype.value))


def _matches(expected: ExpectedResult, finding: Finding, via_rdflib: bool) -> bool:
    path_ok = isinstance(expected.path, ox.BlankNode) or _term_matches(expected.path,
                                                                       finding.path)
    shape_ok = (not isinstance(expected.shape, ox.NamedNode)
                or expected.shape.value == finding.shape)
    return (path_ok and shape_ok and _term_matches(expected.focus, finding.focus, via_rdflib)
            and _term_matches(expected.value, finding.value, via_rdflib)
            and _local(_iri(expected.severity)) == _local(finding.severity)
            and _local(_iri(expected.component)) == _local(finding.component))


def _matching(expected: Sequence[ExpectedResult], findings: Sequence[Finding],
              via_rdflib: bool) -> dict[int, int]:
    """A maximum one-to-one matching expected -> finding (Kuhn's augmenting paths).

    Greedy matching is not enough: blank-node wildcards let one expected result match
    several findings, and a greedy choice can take the finding another one needed.
    """
    edges = [[j for j, f in enumerate(findings) if _matches(e, f, via_rdflib)]
             for e in expected]
    owner: dict[int, int] = {}  # finding -> expected

    def augment(i: int, visited: set[int]) -> bool:
        for j in edges[i]:
            if j not in visited:
                visited.add(j)
                if j not in owner or augment(owner[j], visited):
                    owner[j] = i
                    return True
        return False

    for i in range(len(expected)):
        augment(i, set())
    return {i: j for j, i in owner.items()}


def _show(e: ExpectedResult) -> str:
    parts = [f"focus={e.focus}", f"path={e.path}", f"value={e.value}",
             f"{_local(_iri(e.severity))}", f"{_local(_iri(e.component))}"]
    return "(" + ", ".join(parts) + ")"


def compare(expected: ExpectedReport, conforms: bool, findings: Sequence[Finding],
            engine: str = "shacl") -> str:
    """Empty when the report matches EXPECTED under the module's rule, else why not.

    ENGINE "pyshacl" also accepts rdflib's normalised lexical forms (see _rdflib_form).
    """
    if expected.failure:
        return "expected a failure (sht:Failure), got a report"
    problems = []
    # SHACL 3.1: a graph conforms iff validation produced no results at all. The pySHACL
    # path of validate_data runs with allow_warnings=True and so reports conforms=True for
    # a report holding only warnings (core/misc/severity-001, sparql/node/sparql-003).
    conforms = conforms and not findings
    if conforms != expected.conforms:
        problems.append(f"conforms {conforms}, expected {expected.conforms}")
    match = _matching(expected.results, findings, via_rdflib=engine == "pyshacl")
    missing = [_show(e) for i, e in enumerate(expected.results) if i not in match]
    extra = [f"({f.focus}, {f.path}, {f.value}, {f.severity}, {f.component})"
             for j, f in enumerate(findings) if j not in set(match.values())]
    if missing:
        problems.append(f"{len(missing)} expected result(s) not reported: "
                        + "; ".join(missing))
    if extra:
        problems.append(f"{len(extra)} unexpected result(s): " + "; ".join(extra))
    return " | ".join(problems)


def run_test(test: W3CTest, engine: str = "shacl") -> TestOutcome:
    """Validate TEST's data graph with its shapes graph and compare with ``mf:result``."""
    try:
        data = _turtle(test.data_file, test.data_iri)
        shapes = _turtle(test.shapes_file, test.shapes_iri)
        conforms, findings = validate_data(data, "turtle", shapes, engine)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # pyo3 panics derive from BaseException, not Exception
        reason = f"{type(exc).__name__}: {str(exc).strip()[:300]}"
        if test.expected.failure:
            return TestOutcome(True, f"failed as expected ({reason})")
        return TestOutcome(False, reason, errored=True)
    problem = compare(test.expected, conforms, findings, engine)
    return TestOutcome(not problem, problem or "report matches")


def run_suite(root: Path, engine: str = "shacl") -> dict[str, Any]:
    """Run every approved test; counts, elapsed seconds and the failures with reasons."""
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r} (choose from {', '.join(ENGINES)})")
    tests = load_manifest(root)
    start = time.perf_counter()
    summary: dict[str, Any] = {"engine": engine, "total": len(tests), "passed": 0,
                               "failed": 0, "errored": 0, "skipped": 0, "failures": []}
    for test in tests:
        if test.status != "approved":
            summary["skipped"] += 1
            continue
        outcome = run_test(test, engine)
        if outcome.passed:
            summary["passed"] += 1
            continue
        summary["errored" if outcome.errored else "failed"] += 1
        summary["failures"].append({"test": test.key, "name": test.name,
                                    "errored": outcome.errored, "reason": outcome.reason})
    summary["seconds"] = round(time.perf_counter() - start, 3)
    return summary


def _default_root() -> Path | None:
    from dpgkg.config import shared_data_dir

    shared = shared_data_dir()
    return shared / "w3c-shacl" if shared is not None else None


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dpgkg.validation.w3c",
                                     description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("root", nargs="?", type=Path,
                        help="suite folder (default: <shared data>/w3c-shacl)")
    parser.add_argument("--engine", choices=[*ENGINES, "both"], default="both")
    args = parser.parse_args(argv)
    # The suite feeds ill-typed literals and odd shapes on purpose; rdflib and pySHACL log
    # a traceback for each, which would bury the summary. pySHACL resets its logger's
    # level on every call, hence ``disabled``.
    warnings.simplefilter("ignore")
    logging.getLogger("rdflib").setLevel(logging.CRITICAL)
    logging.getLogger("pyshacl-validate").disabled = True
    root = args.root or _default_root()
    if root is None or not (root / "manifest.ttl").exists():
        parser.error("W3C SHACL suite not found: pass ROOT or set DPGKG_SHARED_DATA")
    for engine in ENGINES if args.engine == "both" else (args.engine,):
        s = run_suite(root, engine)
        print(f"{engine}: {s['passed']}/{s['total']} passed, {s['failed']} failed, "
              f"{s['errored']} errored, {s['skipped']} skipped in {s['seconds']:.2f}s")
        for f in s["failures"]:
            kind = "ERROR" if f["errored"] else "FAIL"
            print(f"  {kind} {f['test']} ({f['name']}): {f['reason']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
