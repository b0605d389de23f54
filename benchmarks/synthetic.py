"""A synthetic DPG registry: N records shaped like the real ones, for benchmarks.

Field frequencies, list lengths and text lengths follow the real registry snapshot
(2023-01: 228 nominees, 166 screening files); values are random but reproducible (seeded).
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path
from typing import Any

import pycountry

LICENCES = ["MIT", "GPL-3.0", "Apache-2.0", "AGPL-3.0", "BSD-3-Clause", "CC-BY-SA-4.0",
            "MPL-2.0", "CC-BY-4.0", "LGPL-3.0", "CC0-1.0", "GPL-2.0", "ODbL-1.0"]
TYPES = ["software"] * 17 + ["content"] * 2 + ["data"] * 2 + ["aimodel", "standard"]
SECTORS = ["Health", "Education", "Agriculture", "Climate", "Governance", "Humanitarian",
           "Economics/Finance", "Digital/Data/Tech", "Environment", "Justice"]
WORDS = [
    "open", "data", "health", "platform", "community", "government", "system", "users",
    "privacy", "security", "access", "national", "deployment", "support", "project",
    "development", "digital", "public", "good", "information", "service", "country",
    "records", "children", "learning",
]
COUNTRIES = [c.name for c in pycountry.countries]
ANSWERS = ["Yes"] * 8 + ["No", "Unknown"]


def _text(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def _url(rng: random.Random, host: str) -> str:
    return f"https://{host}.example.org/{rng.choice(WORDS)}/{rng.randrange(10**6)}"


def nominee(rng: random.Random, i: int, orgs: list[str]) -> dict[str, Any]:
    name = f"Synthetic Product {i}"
    host = f"p{i}"
    rec: dict[str, Any] = {
        "name": name,
        "aliases": [f"SP{i}"] if rng.random() < 0.75 else [],
        "description": _text(rng, 30),
        "website": _url(rng, host),
        "license": [{"spdx": rng.choice(LICENCES), "licenseURL": _url(rng, host)}
                    for _ in range(1 if rng.random() < 0.9 else 2)],
        "SDGs": [],
        "sectors": rng.sample(SECTORS, rng.randint(1, 3)),
        "type": sorted({rng.choice(TYPES) for _ in range(rng.choice([1, 1, 1, 2]))}),
        "repositories": [{"name": "main", "url": f"https://git.example.org/{host}/core"}],
        "organizations": [],
        "stage": "DPG" if rng.random() < 0.72 else "nominee",
    }
    for goal in rng.sample(range(1, 18), rng.randint(1, 4)):
        item: dict[str, Any] = {"SDGNumber": goal}
        if rng.random() < 0.8:
            item["evidenceText"] = _text(rng, 60)
        if rng.random() < 0.7:
            item["evidenceURL"] = _url(rng, host)
        rec["SDGs"].append(item)
    for role in ["owner"] + (["funder"] if rng.random() < 0.2 else []):
        rec["organizations"].append({
            "name": rng.choice(orgs), "website": _url(rng, "org"), "org_type": role,
            "contact_name": "Synthetic Person", "contact_email": f"person{i}@example.org"})
    if not rec["aliases"]:
        del rec["aliases"]
    return rec


def screening(rng: random.Random, name: str) -> dict[str, Any]:
    def a() -> str:
        return rng.choice(ANSWERS)

    def lst(n: int) -> list[str]:
        return [_text(rng, 12) for _ in range(rng.randint(1, n))]

    return {
        "name": name,
        "clearOwnership": {"isOwnershipExplicit": a(), "copyrightURL": _url(rng, "c")},
        "platformIndependence": {"mandatoryDepsCreateMoreRestrictions": "No",
                                 "isSoftwarePltIndependent": "", "pltIndependenceDesc": ""},
        "documentation": {"isDocumentationAvailable": a(), "documentationURL": [_url(rng, "d")]},
        "NonPII": {"collectsNonPII": a(), "checkNonPIIAccessMechanism": a(),
                   "nonPIIAccessMechanism": _text(rng, 25)},
        "privacy": {"isPrivacyCompliant": a(), "privacyComplianceList": lst(2),
                    "adherenceSteps": lst(2)},
        "standards": {"supportStandards": a(), "standardsList": ["FHIR", "WCAG 2.1"],
                      "evidenceStandardSupport": [_url(rng, "s")], "implementBestPractices": a(),
                      "bestPracticesList": lst(2)},
        "doNoHarm": {
            "preventHarm": {"stepsToPreventHarm": a(),
                            "additionalInfoMechanismProcessesPolicies": _text(rng, 40)},
            "dataPrivacySecurity": {"collectsPII": a(), "typesOfDataCollected": lst(4),
                                    "thirdPartyDataSharing": a(), "dataSharingCircumstances": [""],
                                    "ensurePrivacySecurity": a(),
                                    "privacySecurityDescription": _text(rng, 40)},
            "inappropriateIllegalContent": {"collectStoreDistribute": a(), "type": "",
                                            "contentFilter": "", "illegalContentDetection": "",
                                            "illegalContentDetectionMechanism": ""},
            "protectionFromHarassment": {"userInteraction": a(),
                                         "addressSafetySecurityUnderageUsers": a(),
                                         "stepsAddressRiskPreventSafetyUnderageUsers": lst(2),
                                         "griefAbuseHarassmentProtection": a(),
                                         "harassmentProtectionSteps": lst(2)},
        },
        "locations": {"developmentCountries": rng.sample(COUNTRIES, rng.randint(1, 2)),
                      "deploymentCountries": rng.sample(COUNTRIES, rng.randint(1, 12))},
    }


def generate(out: Path, n: int, seed: int = 2023) -> Path:
    """Write N records into OUT (nominees/ and, for 73% of them, digitalpublicgoods/)."""
    rng = random.Random(seed)
    orgs = [f"Synthetic Organisation {k}" for k in range(max(10, n // 3))]
    (out / "nominees").mkdir(parents=True, exist_ok=True)
    (out / "digitalpublicgoods").mkdir(parents=True, exist_ok=True)
    for i in range(n):
        rec = nominee(rng, i, orgs)
        rid = f"synthetic-product-{i}"
        (out / "nominees" / f"{rid}.json").write_text(json.dumps(rec, indent=2))
        if rec["stage"] == "DPG" or rng.random() < 0.05:
            (out / "digitalpublicgoods" / f"{rid}.json").write_text(
                json.dumps(screening(rng, rec["name"]), indent=2))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", type=Path)
    parser.add_argument("-n", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=2023)
    args = parser.parse_args()
    generate(args.out, args.n, args.seed)


if __name__ == "__main__":
    main()
