"""Gates: what must be true before an event's coordination form may say it is complete, and which forms
an event makes. One implementation that the forms, ``status``, ``check`` and the audit all call.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from packetgen.model.event import Event


@dataclass(frozen=True)
class Gate:
    """A "cannot proceed without" item that is missing. Documents named here render INCOMPLETE."""

    code: str
    message: str
    field: tuple[str | int, ...]
    documents: tuple[str, ...]


NO_SUPERVISOR = "no-supervisor"


SUPPORT_BEYOND_SCOPE = "support-beyond-scope"


SUPPORT_PAST_WINDOW = "support-past-window"


NO_RESPONSE = "no-response"


GAP_WITHOUT_OWNER = "gap-without-owner"


NO_RETURN_CHECKLIST = "no-return-checklist"


NO_PLAN_DECISION = "no-plan-decision"

"""Gate codes: what ``status``, the forms' INCOMPLETE banners and the audit all key on."""


CM_UPDATE = "case-manager-update"


SUPPORT_REQUEST = "support-request"


GOVERNANCE_UPDATE = "governance-update"


PARTNERSHIP_REVIEW = "partnership-review"


RETURN_CHECKLIST = "return-checklist"


def support_past_window(event: Event, as_of: dt.date) -> bool:
    """Temporary support still running (or that ran) past the agreed stabilization window."""
    support = event.temporary_support
    if support is None or not support.increase or support.window_ends is None:
        return False
    last_day = support.ended or as_of
    return last_day > support.window_ends


def event_gates(event: Event, as_of: dt.date) -> list[Gate]:
    """Missing "cannot proceed without" items for one event, with the documents each blocks."""
    gates = []
    updates = (CM_UPDATE, GOVERNANCE_UPDATE)
    if not event.next_update.supervisor:
        gates.append(
            Gate(
                NO_SUPERVISOR,
                "no named supervisor responsible for the next update: add next_update.supervisor",
                ("next_update", "supervisor"),
                updates,
            )
        )
    support = event.temporary_support
    support_docs = (SUPPORT_REQUEST, GOVERNANCE_UPDATE)
    if support is not None and support.increase:
        if support.beyond_authorized_scope and event.case_manager.notified_at is None:
            gates.append(
                Gate(
                    SUPPORT_BEYOND_SCOPE,
                    "temporary support exceeds the normal authorized scope and the "
                    "case manager has not been notified: notify them and record case_manager.notified_at",
                    ("temporary_support", "beyond_authorized_scope"),
                    support_docs,
                )
            )
        if support_past_window(event, as_of) and support.extension_notified_at is None:
            gates.append(
                Gate(
                    SUPPORT_PAST_WINDOW,
                    f"temporary support continues past the agreed stabilization "
                    f"window (ended {support.window_ends}) without case manager visibility: tell them and "
                    "record temporary_support.extension_notified_at",
                    ("temporary_support", "window_ends"),
                    support_docs,
                )
            )
    if event.case_manager.requested_action and event.case_manager.response is None:
        gates.append(
            Gate(
                NO_RESPONSE,
                "requested case manager action has no recorded response (a message sent "
                "is not coordination completed): record case_manager.response",
                ("case_manager", "requested_action"),
                (CM_UPDATE, SUPPORT_REQUEST, GOVERNANCE_UPDATE),
            )
        )
    for i, partner in enumerate(event.partners):
        if partner.communication_gap and not (partner.action_owner and partner.validation_date):
            gates.append(
                Gate(
                    GAP_WITHOUT_OWNER,
                    f"communication gap with {partner.partner} has no action owner "
                    "and validation date: add partners[].action_owner and validation_date",
                    ("partners", i, "communication_gap"),
                    (PARTNERSHIP_REVIEW,),
                )
            )
        checklist = partner.return_checklist
        if checklist is None:
            gates.append(
                Gate(
                    NO_RETURN_CHECKLIST,
                    f"no return-from-partner checklist recorded for {partner.partner}: add partners[].return_checklist",
                    ("partners", i),
                    (RETURN_CHECKLIST,),
                )
            )
        elif checklist.crisis_plan_update_needed is None:
            gates.append(
                Gate(
                    NO_PLAN_DECISION,
                    f"return checklist for {partner.partner} does not say whether the "
                    "crisis plan needs updating: set crisis_plan_update_needed to true or false",
                    ("partners", i, "return_checklist"),
                    (RETURN_CHECKLIST,),
                )
            )
    # Name only documents this event actually produces (no support request without a support change).
    made = event_documents(event)
    return [Gate(g.code, g.message, g.field, tuple(d for d in g.documents if d in made)) for g in gates]


def gates_for(gates: list[Gate], document: str) -> list[Gate]:
    return [g for g in gates if document in g.documents]


def event_documents(event: Event) -> tuple[str, ...]:
    """Which coordination documents an event produces."""
    docs = [CM_UPDATE, GOVERNANCE_UPDATE]
    if event.temporary_support is not None and event.temporary_support.increase:
        docs.append(SUPPORT_REQUEST)
    if event.partners:
        docs += [PARTNERSHIP_REVIEW, RETURN_CHECKLIST]
    return tuple(docs)
