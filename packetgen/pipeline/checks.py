"""Checks that span fields, run on whatever parts of a file validated, so all problems come at once.

Each check takes the file's *parts*: its top-level fields that passed type validation on their own
(``packetgen/pipeline/validate.py`` validates each one separately when the whole file fails). A check whose
inputs did not validate is skipped: a bad value gets one message, never a cascade (MkDocs learned
the same in its PR #3437), but a type error in ``identity`` no longer hides a duplicate consent id.
"""

from __future__ import annotations

from typing import Any

from packetgen.model.errors import Problem
from packetgen.model.sharing import class_of, classes_used
from packetgen.pipeline.load import Document

Parts = dict[str, Any]


def profile_checks(parts: Parts, doc: Document) -> list[Problem]:
    return _consent_checks(parts, doc) + _plan_dates(parts, doc)


def _consent_checks(parts: Parts, doc: Document) -> list[Problem]:
    problems: list[Problem] = []
    seen_ids: set[str] = set()
    for i, consent in enumerate(parts.get("consents") or []):
        if consent.id in seen_ids:
            problems.append(
                Problem(
                    doc.path,
                    doc.line_of(("consents", i, "id")),
                    f"consents[{i}].id",
                    f"consent id '{consent.id}' is used twice: give each record its own id",
                )
            )
        seen_ids.add(consent.id)
        for j, name in enumerate(consent.sections):
            if name not in parts:
                continue  # that section has its own errors; its sharing class is unknown
            if "consent" not in classes_used(parts[name], name):
                problems.append(
                    Problem(
                        doc.path,
                        doc.line_of(("consents", i, "sections", j)),
                        f"consents[{i}].sections[{j}]",
                        f"section '{name}' has sharing class '{class_of(parts[name], name)}', not 'consent': "
                        "this record changes nothing for it",
                        severity="warning",
                    )
                )
    return problems


def _plan_dates(parts: Parts, doc: Document) -> list[Problem]:
    identity, plan = parts.get("identity"), parts.get("plan")
    if identity is None or plan is None or plan.effective >= identity.date_of_birth:
        return []
    return [
        Problem(
            doc.path,
            doc.line_of(("plan", "effective")),
            "plan.effective",
            "is before the person's date of birth: check both dates",
        )
    ]


def event_checks(parts: Parts, doc: Document) -> list[Problem]:
    """Times that contradict each other would make the timeliness figures wrong."""
    problems = []
    occurred, cm = parts.get("occurred_at"), parts.get("case_manager")
    if cm is not None:
        if occurred is not None and cm.notified_at is not None and cm.notified_at < occurred:
            problems.append(
                Problem(
                    doc.path,
                    doc.line_of(("case_manager", "notified_at")),
                    "case_manager.notified_at",
                    "notified before the event happened: check both times",
                )
            )
        if cm.response is not None:
            if cm.notified_at is None:
                problems.append(
                    Problem(
                        doc.path,
                        doc.line_of(("case_manager", "response")),
                        "case_manager.response",
                        "a response is recorded but not when the case manager was notified: "
                        "add case_manager.notified_at",
                    )
                )
            elif cm.response.received_at < cm.notified_at:
                problems.append(
                    Problem(
                        doc.path,
                        doc.line_of(("case_manager", "response", "received_at")),
                        "case_manager.response.received_at",
                        "response received before the notification was sent: check both times",
                    )
                )
    for i, partner in enumerate(parts.get("partners") or []):
        if occurred is not None and partner.handoff_at.date() < occurred.date():
            problems.append(
                Problem(
                    doc.path,
                    doc.line_of(("partners", i, "handoff_at")),
                    f"partners[{i}].handoff_at",
                    "handoff is dated before the event: check the date",
                    "warning",
                )
            )
    kind = parts.get("type")
    if kind == "mobile-crisis-contact" and "partners" in parts and not parts["partners"]:
        problems.append(
            Problem(
                doc.path,
                doc.line_of(("type",)),
                "partners",
                "a mobile crisis contact with no partners recorded: add the mobile crisis team "
                "under partners so a partnership review and return checklist are made",
                "warning",
            )
        )
    if kind == "temporary-support-increase" and "temporary_support" in parts and parts["temporary_support"] is None:
        problems.append(
            Problem(
                doc.path,
                doc.line_of(("type",)),
                "temporary_support",
                "type is temporary-support-increase but there is no temporary_support block: add it",
            )
        )
    return problems
