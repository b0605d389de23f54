"""The registry's screening questions and how each maps to a dpgkg property.

One table drives mapping, export and the ontology contract tests, so the three cannot
drift apart. Paths are the screening schema's JSON paths (registry schema v0.7+).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property

from dpgkg.namespaces import DPG


class Kind(StrEnum):
    """How a screening value is represented in RDF."""

    ANSWER = "answer"  # "Yes" / "No" / "Unknown" -> dpg:Yes / dpg:No / dpg:Unknown
    TEXT = "text"  # free text -> literal
    URL = "url"  # one URL, or prose with URLs -> IRI(s) and, for prose, the text
    LIST = "list"  # array of strings -> rdf:List of literals (order matters: it is prose)
    COUNTRIES = "countries"  # array of country names -> country IRIs


@dataclass(frozen=True)
class ScreeningField:
    path: tuple[str, ...]
    local: str  # local name of the dpg: property
    kind: Kind
    indicator: str  # DPG Standard indicator ("3" … "9", "9a" … "9c"; "" for locations)
    label: str

    @cached_property
    def prop(self) -> str:
        return str(DPG[self.local])

    @cached_property  # asked for every mapped value
    def pointer(self) -> str:
        return "/" + "/".join(self.path)


def _f(path: str, local: str, kind: Kind, indicator: str, label: str) -> ScreeningField:
    return ScreeningField(tuple(path.split("/")), local, kind, indicator, label)


A, T, U, L, C = Kind.ANSWER, Kind.TEXT, Kind.URL, Kind.LIST, Kind.COUNTRIES

SCREENING_FIELDS: tuple[ScreeningField, ...] = (
    _f("clearOwnership/isOwnershipExplicit", "isOwnershipExplicit", A, "3",
       "ownership is explicit"),
    _f("clearOwnership/copyrightURL", "copyrightURL", U, "3", "copyright URL"),
    _f("platformIndependence/mandatoryDepsCreateMoreRestrictions",
       "mandatoryDepsCreateMoreRestrictions", A, "4",
       "mandatory dependencies create more restrictions"),
    _f("platformIndependence/isSoftwarePltIndependent", "isSoftwarePltIndependent", A, "4",
       "open components are platform independent"),
    _f("platformIndependence/pltIndependenceDesc", "pltIndependenceDesc", T, "4",
       "platform independence description"),
    _f("documentation/isDocumentationAvailable", "isDocumentationAvailable", A, "5",
       "documentation is available"),
    _f("documentation/documentationURL", "documentationURL", L, "5", "documentation URLs"),
    _f("NonPII/collectsNonPII", "collectsNonPII", A, "6", "collects non-PII data"),
    _f("NonPII/checkNonPIIAccessMechanism", "checkNonPIIAccessMechanism", A, "6",
       "has a non-PII access mechanism"),
    _f("NonPII/nonPIIAccessMechanism", "nonPIIAccessMechanism", T, "6",
       "non-PII access mechanism"),
    _f("privacy/isPrivacyCompliant", "isPrivacyCompliant", A, "7", "is privacy compliant"),
    _f("privacy/privacyComplianceList", "privacyComplianceList", L, "7",
       "privacy laws complied with"),
    _f("privacy/adherenceSteps", "adherenceSteps", L, "7", "privacy adherence steps"),
    _f("standards/supportStandards", "supportStandards", A, "8", "supports standards"),
    _f("standards/standardsList", "standardsList", L, "8", "standards supported"),
    _f("standards/evidenceStandardSupport", "evidenceStandardSupport", L, "8",
       "evidence of standards support"),
    _f("standards/implementBestPractices", "implementBestPractices", A, "8",
       "implements best practices"),
    _f("standards/bestPracticesList", "bestPracticesList", L, "8", "best practices followed"),
    _f("doNoHarm/preventHarm/stepsToPreventHarm", "stepsToPreventHarm", A, "9",
       "takes steps to prevent harm"),
    _f("doNoHarm/preventHarm/additionalInfoMechanismProcessesPolicies",
       "additionalInfoMechanismProcessesPolicies", T, "9",
       "harm-prevention mechanisms, processes and policies"),
    _f("doNoHarm/dataPrivacySecurity/collectsPII", "collectsPII", A, "9a",
       "collects personally identifiable information"),
    _f("doNoHarm/dataPrivacySecurity/typesOfDataCollected", "typesOfDataCollected", L, "9a",
       "types of PII collected"),
    _f("doNoHarm/dataPrivacySecurity/thirdPartyDataSharing", "thirdPartyDataSharing", A, "9a",
       "shares data with third parties"),
    _f("doNoHarm/dataPrivacySecurity/dataSharingCircumstances", "dataSharingCircumstances", L,
       "9a", "third-party data sharing circumstances"),
    _f("doNoHarm/dataPrivacySecurity/ensurePrivacySecurity", "ensurePrivacySecurity", A, "9a",
       "ensures privacy and security of data"),
    _f("doNoHarm/dataPrivacySecurity/privacySecurityDescription", "privacySecurityDescription",
       T, "9a", "privacy and security steps"),
    _f("doNoHarm/inappropriateIllegalContent/collectStoreDistribute", "collectStoreDistribute",
       A, "9b", "collects, stores or distributes content"),
    _f("doNoHarm/inappropriateIllegalContent/type", "contentTypes", T, "9b",
       "kinds of content handled"),
    _f("doNoHarm/inappropriateIllegalContent/contentFilter", "contentFilter", A, "9b",
       "has an inappropriate-content policy"),
    _f("doNoHarm/inappropriateIllegalContent/policyGuidelinesDocumentationLink",
       "policyGuidelinesDocumentationLink", U, "9b", "content policy link"),
    _f("doNoHarm/inappropriateIllegalContent/illegalContentDetection", "illegalContentDetection",
       A, "9b", "detects and moderates illegal content"),
    _f("doNoHarm/inappropriateIllegalContent/illegalContentDetectionMechanism",
       "illegalContentDetectionMechanism", T, "9b", "illegal-content moderation process"),
    _f("doNoHarm/protectionFromHarassment/userInteraction", "userInteraction", A, "9c",
       "facilitates user interaction"),
    _f("doNoHarm/protectionFromHarassment/addressSafetySecurityUnderageUsers",
       "addressSafetySecurityUnderageUsers", A, "9c", "addresses safety of underage users"),
    _f("doNoHarm/protectionFromHarassment/stepsAddressRiskPreventSafetyUnderageUsers",
       "stepsAddressRiskPreventSafetyUnderageUsers", L, "9c", "underage-user safety steps"),
    _f("doNoHarm/protectionFromHarassment/griefAbuseHarassmentProtection",
       "griefAbuseHarassmentProtection", A, "9c", "protects users against harassment"),
    _f("doNoHarm/protectionFromHarassment/harassmentProtectionSteps",
       "harassmentProtectionSteps", L, "9c", "harassment protection steps"),
    _f("locations/developmentCountries", "developmentCountry", C, "", "country of development"),
    _f("locations/deploymentCountries", "deploymentCountry", C, "", "country of deployment"),
)

ANSWERS = ("Yes", "No", "Unknown")

#: Registry ``type`` codes -> dpg: class local names (the DPG kinds).
KIND_CLASSES: dict[str, str] = {
    "software": "OpenSourceSoftware",
    "data": "OpenData",
    "content": "OpenContent",
    "standard": "OpenStandard",
    "aimodel": "OpenAIModel",
}

#: Registry ``stage`` codes -> dpg: recognition-status individuals.
STAGES: dict[str, str] = {
    "nominee": "StatusNominee", "DPG": "StatusDPG", "archive": "StatusArchived"}

#: Registry ``org_type`` codes -> (role individual, direct property) local names.
ORG_ROLES: dict[str, tuple[str, str]] = {
    "owner": ("OwnerRole", "owner"),
    "maintainer": ("MaintainerRole", "maintainer"),
    "funder": ("FunderRole", "funder"),
    "implementer": ("ImplementerRole", "implementer"),
}

#: Nominee fields that carry personal data; never mapped, never exported.
PERSONAL_FIELDS = ("contact_name", "contact_email")


#: Answer -> dpg: individual IRI, made once (rdflib's Namespace lookup per answer was a
#: noticeable share of the build's mapping time).
ANSWER_IRIS: dict[str, str] = {a: str(DPG[a]) for a in ANSWERS}


def answer_value(text: object) -> str | None:
    """The dpg: individual for a screening answer, or None when the text is not an answer."""
    return ANSWER_IRIS.get(text) if isinstance(text, str) else None
