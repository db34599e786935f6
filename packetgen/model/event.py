"""The event schema: one YAML file per crisis event under ``people/<id>/events/``.

Like the profile model, these classes both validate event files and emit
``schema/event.schema.json``, so editors and the code agree. The fields are the ones the two
source articles ask for (case manager update, authorization request, governance update,
partnership review, return-from-partner checklist), plus the times a later quality audit needs:
when the case manager was notified and when their response arrived ("a message sent is not
coordination completed").

Times are local times at the service, written ``YYYY-MM-DD HH:MM`` without a time zone: the
people reading them are in the same place, and mixing zones would make "within 24 hours" wrong.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from packetgen.model.fields import Date, LocalTime, PastDate, PastTime, Text
from packetgen.model.sharing import Strict

EventType = Literal[
    "ed-visit",
    "mobile-crisis-contact",
    "police-ems",
    "self-harm-risk",
    "injury",
    "medication-disruption",
    "escalation",
    "major-family-concern",
    "temporary-support-increase",
    "hospital-return",
    "other",
]
"""What happened. See ``packetgen/pipeline/rules.py`` for which types require case manager notification."""

EVENT_TYPE_LABELS: dict[str, str] = {
    "ed-visit": "Emergency department visit",
    "mobile-crisis-contact": "Mobile crisis contact",
    "police-ems": "Police or EMS involvement",
    "self-harm-risk": "Self-harm risk",
    "injury": "Injury",
    "medication-disruption": "Medication disruption",
    "escalation": "Escalation",
    "major-family-concern": "Major family concern",
    "temporary-support-increase": "Temporary support increase",
    "hospital-return": "Hospital or inpatient return",
    "other": "Other",
}


class TemporarySupport(Strict):
    """What support changed for now, why, and the evidence that will let it step down."""

    changes: list[Text] = Field(
        min_length=1,
        description="Each temporary support change, e.g. 'evening check-ins every 30 minutes'.",
    )
    increase: bool = Field(default=True, description="true if support went up (this makes an authorization request).")
    reason: Text = Field(description="Why support is higher than usual: the evidence, not general concern.")
    start: Date = Field(description="First day of the temporary support.")
    expected_review: Date = Field(description="When the temporary support will be reviewed.")
    window_ends: Date | None = Field(
        default=None,
        description="Last day of the agreed stabilization window. Past it, the case manager must be told again.",
    )
    ended: PastDate | None = Field(default=None, description="Day the temporary support ended, once it has.")
    affects_authorization: bool = Field(
        default=False,
        description="true if the increase affects funded hours or authorization (case manager must be notified).",
    )
    beyond_authorized_scope: bool = Field(
        default=False, description="true if the support exceeds the provider's normal authorized scope."
    )
    extension_notified_at: PastTime | None = Field(
        default=None, description="When the case manager was told the support continues past the window."
    )
    outcome_indicators: list[Text] = Field(
        min_length=1,
        description="What the extra support protects: outcomes to watch.",
    )
    staffing_impact: Text = Field(description="Extra hours, staff moved, familiar staff assigned, and so on.")
    step_down_evidence: list[Text] = Field(
        min_length=1, description="Observable evidence that will allow the support to be reduced."
    )
    requested_authorization: Text | None = Field(
        default=None,
        description="What is asked of the case manager: authorization adjustment, flex of funded hours, ...",
    )

    @model_validator(mode="after")
    def _dates_in_order(self) -> TemporarySupport:
        if self.expected_review < self.start:
            raise ValueError("expected_review is before start: check both dates")
        if self.window_ends is not None and self.window_ends < self.start:
            raise ValueError("window_ends is before start: check both dates")
        return self


class FamilyContact(Strict):
    """Whether family or natural supports were told, and what they said."""

    contacted: bool = Field(description="true if family or natural supports were contacted about this event.")
    who: Text | None = Field(default=None, description="Role, e.g. 'mother (guardian)'. Use roles, not phone numbers.")
    at: PastTime | None = Field(default=None, description="When they were contacted.")
    summary: Text = Field(description="What was said, whether they are worried, or why nobody was contacted.")
    major_concern: bool = Field(default=False, description="true if the family raised a major concern.")
    part_of_trigger: bool = Field(
        default=False,
        description="true if family contact was part of what set off the event.",
    )


class ReturnChecklist(Strict):
    """What the supervisor confirms before the partner leaves or the call ends."""

    confirmed_by: Text = Field(description="Supervisor who went through the checklist with the partner.")
    current_risk: Text
    recommended_actions: list[Text] = Field(
        min_length=1,
        description="Recommended support actions, as next-shift instructions.",
    )
    warning_signs: list[Text] = Field(min_length=1, description="Warning signs to watch for after the partner leaves.")
    follow_up_timing: Text = Field(
        description="When and by whom follow-up happens, e.g. 'clinician calls tomorrow 10 am'.",
    )
    crisis_plan_update_needed: bool | None = Field(
        default=None, description="true or false once decided. Left out, the checklist is incomplete."
    )
    crisis_plan_update_note: Text | None = Field(
        default=None,
        description="What in the crisis plan changes, if anything.",
    )


class Partner(Strict):
    """One external partner involved in the event (partnership review fields)."""

    partner: Text = Field(
        description="Who: 'Riverside mobile crisis team', 'County EMS'. Agency or role, not a private person.",
    )
    reason: Text = Field(description="Reason for involvement.")
    information_shared: Text = Field(
        description="What information was handed over (the packet, the medication list...).",
    )
    handoff_at: PastTime = Field(description="Handoff time: when responsibility or information passed.")
    decision_owner: Text = Field(description="Who owned decisions during the involvement.")
    follow_up_responsibility: Text = Field(description="Who follows up, and how it returns to the provider.")
    communication_gap: Text | None = Field(
        default=None, description="Communication gap identified, or leave out if none was found."
    )
    action_owner: Text | None = Field(default=None, description="Who owns the action that closes the gap.")
    action: Text | None = Field(default=None, description="The action agreed.")
    validation_date: Date | None = Field(
        default=None,
        description="When the action is checked (a drill or a later event).",
    )
    validated_on: PastDate | None = Field(
        default=None,
        description="When the action was actually checked and found to work. A validation date that has "
        "passed without this is an open follow-through finding in `packetgen audit`.",
    )
    validation_evidence: Text | None = Field(
        default=None, description="How it was checked, e.g. 'drill 12 Nov: baseline found in 4 s'."
    )
    return_checklist: ReturnChecklist | None = Field(
        default=None, description="The return-from-partner checklist, once filled in."
    )


class CaseManagerResponse(Strict):
    text: Text = Field(description="What the case manager answered or decided.")
    received_at: PastTime = Field(description="When the response was received.")
    by: Text | None = Field(default=None, description="Who responded (role).")


class CaseManagerContact(Strict):
    """The notification itself: when, how, what was asked, and what came back."""

    notified_at: PastTime | None = Field(
        default=None,
        description="When the case manager was notified. Leave out until done.",
    )
    notified_by: Text | None = Field(default=None, description="Who notified them.")
    method: Text | None = Field(default=None, description="Phone, email, secure message...")
    requested_action: Text | None = Field(
        default=None, description="What the provider asks the case manager to do, or leave out if informational."
    )
    response: CaseManagerResponse | None = Field(
        default=None,
        description="The case manager's response. A requested action without one keeps the update incomplete.",
    )


class NextUpdate(Strict):
    supervisor: Text | None = Field(
        default=None, description="Named supervisor responsible for the next stabilization update or escalation notice."
    )
    due: LocalTime | None = Field(default=None, description="When the next update is due.")


class ReviewPoint(Strict):
    date: Date = Field(description="Date of the next review point.")
    what: Text = Field(description="What will be reviewed, and by whom.")


class Event(Strict):
    """One crisis event, partner contact or support change. Event files are append-only history."""

    occurred_at: PastTime = Field(description="Date and time of the event, YYYY-MM-DD HH:MM (local time).")
    type: EventType
    crisis_contact: bool | None = Field(
        default=None,
        description="Counts toward '3 crisis contacts within 30 days'. Leave out to decide by type "
        "(escalation, mobile crisis, ED, police/EMS and self-harm risk count).",
    )
    repeated_escalation: bool = Field(
        default=False, description="true if the person escalated again after first de-escalating, within this event."
    )
    summary: Text = Field(description="Event summary in two or three sentences: observable facts.")
    presenting_risk: Text
    immediate_response: Text
    current_presentation: Text = Field(description="How the person is now: sleep, eating, mood, routines.")
    current_risk: Text = Field(
        description="Current risk status, e.g. 'Moderate: calmer, still fragile in the evenings'.",
    )
    stabilization_actions: list[Text] = Field(min_length=1)
    temporary_support: TemporarySupport | None = Field(
        default=None, description="Temporary support changes. Leave out if support did not change."
    )
    family_contact: FamilyContact
    partners: list[Partner] = Field(default_factory=list, description="External partners involved.")
    clinical_follow_up: Text = Field(description="Clinical follow-up booked or needed, and any barrier.")
    case_manager: CaseManagerContact = Field(default_factory=CaseManagerContact)
    next_update: NextUpdate = Field(default_factory=NextUpdate)
    next_review: ReviewPoint
    support_plan_changed: bool = Field(default=False, description="true if this event changed the support plan.")
    service_planning_issue: Text | None = Field(
        default=None, description="A service-planning issue beyond the provider's control, if staff identified one."
    )
    internal_notes: Text | None = Field(
        default=None,
        description="Stays inside the provider: shown on internal documents only, never to the case manager.",
    )
