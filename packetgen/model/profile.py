"""The profile schema: one typed model that both validates profiles and emits the JSON Schema.

Keeping validation and the published schema in one set of classes means they cannot drift: the
JSON Schema in ``schema/profile.schema.json`` is generated from these classes and a test fails if
the committed copy is stale.

Field docstrings (``description=``) are what editors show as hover help, so they are written for
the supervisor who edits the YAML, not for programmers.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, ValidationInfo, field_validator, model_validator

from packetgen.model.copies import Copies
from packetgen.model.eif import (
    Avoid,
    BaselineVitals,
    CareProviders,
    Conditions,
    Devices,
    HomeAccess,
    Immunizations,
)
from packetgen.model.fields import BirthDate, ContactPhone, Date, PastDate, Phone, Text, WholeNumber
from packetgen.model.safety import Allergies, Medications, Risks
from packetgen.model.sharing import (
    RecipientClass,
    Section,
    SectionName,
    SharingClass,
    Strict,
)


class Identity(Strict):
    preferred_name: Text = Field(description="The name the person answers to.")
    legal_name: Text = Field(description="Full legal name, as on ID and insurance cards.")
    date_of_birth: BirthDate = Field(description="YYYY-MM-DD.")
    pronouns: Text | None = Field(default=None, description="For example she/her, he/him, they/them.")
    language: Text = Field(description="Language the person uses day to day.")
    interpreter_needed: bool = Field(description="true if an interpreter is needed for medical conversations.")
    photo: Text | None = Field(
        default=None,
        max_length=255,
        description="Optional photo file in this person's folder, named relative to this profile: "
        "PNG, JPEG or SVG (judged by its content), at most 5 MiB.",
    )


class Person(Strict):
    name: Text
    phone: Phone


class PlanInfo(Strict):
    version: WholeNumber = Field(ge=1, description="Plan version number; raise it whenever the plan changes.")
    effective: PastDate = Field(description="Date this version took effect (not after the build date).")
    last_reviewed: PastDate = Field(description="Date the plan was last reviewed (not after the build date).")
    next_review: Date | None = Field(
        default=None,
        description="Next review date. Defaults to six months after last_reviewed "
        "(the Smart911 / NHS hospital passport cadence).",
    )
    supervisor: Person = Field(description="Supervisor responsible for this plan, with a phone number.")

    @field_validator("next_review")
    @classmethod
    def _review_after_last(cls, next_review: Date | None, info: ValidationInfo) -> Date | None:
        last = info.data.get("last_reviewed")
        if next_review is not None and last is not None and next_review < last:
            raise ValueError("next_review is before last_reviewed: check both dates")
        return next_review


class Communication(Section):
    how_i_communicate: Text = Field(description="How the person expresses themselves (speech, signs, device...).")
    how_i_understand: Text = Field(description="What helps the person understand you.")
    how_i_say_no: Text | None = Field(default=None, description="How the person refuses or says stop.")
    how_i_show_pain: Text | None = Field(default=None, description="How pain or distress shows.")


class Baseline(Section):
    typical_presentation: Text = Field(description="What the person is usually like on a good day: observable facts.")
    signs_of_change: Text = Field(description="What a change from baseline looks like: observable facts.")


class DecisionMaker(Section):
    decides_for_self: bool = Field(description="true if the person makes their own medical decisions.")
    name: Text | None = Field(default=None, description="Guardian, health care agent or other decision-maker.")
    relationship: Text | None = None
    phone: Phone | None = None
    authority: Text | None = Field(default=None, description="E.g. 'court-appointed guardian', 'health care proxy'.")
    code_status: Text = Field(description="E.g. 'Full code', 'DNR: MOLST form on fridge'.")
    advance_directive: Text = Field(
        description="Which directives exist and where the paper copy is, or 'none on file'."
    )

    @model_validator(mode="after")
    def _someone_decides(self) -> DecisionMaker:
        if not self.decides_for_self and not (self.name and self.phone):
            raise ValueError("decides_for_self is false: give the decision-maker's name and phone")
        return self


class Contact(Strict):
    role: Text = Field(description="E.g. 'Guardian', 'Sister', 'Case manager', 'On-call supervisor'.")
    name: Text
    phone: ContactPhone
    when_to_call: Text
    sharing: SharingClass | None = Field(
        default=None, description="Override who may see this one contact (defaults to the section's class)."
    )


class Contacts(Section):
    people: list[Contact] = Field(min_length=1, description="Who to call, most important first.")


class EscalationStep(Strict):
    step: Text
    role: Text = Field(description="The named role who does this step, e.g. 'shift lead', 'on-call supervisor'.")


class CrisisPlan(Section):
    triggers: list[Text] = Field(min_length=1)
    early_warning_signs: list[Text] = Field(min_length=1)
    what_helps: list[Text] = Field(min_length=1)
    what_to_avoid: list[Text] = Field(min_length=1)
    escalation_steps: list[EscalationStep] = Field(min_length=1)
    step_down_criteria: list[Text] = Field(
        min_length=1, description="Observable evidence that extra support can safely be reduced."
    )


class FreeText(Section):
    text: Text = Field(description="Markdown; raw HTML is not rendered.")


class Consent(Strict):
    id: Text = Field(pattern=r"^[A-Za-z0-9._-]+$", description="Short id, shown in manifests.")
    recipient: RecipientClass
    sections: list[SectionName] = Field(min_length=1, description="Profile section names this consent covers.")
    authority: Literal["person", "guardian", "court-order", "other-documented"]
    granted: Date = Field(
        description="Date the consent takes effect; a consent signed to start later is "
        "not in force until then (documents withhold what it covers until that day)."
    )
    expires: Date = Field(description="First day the consent no longer applies.")
    recorded_by: Text
    document_ref: Text = Field(description="Where the signed document is kept.")

    @field_validator("expires")
    @classmethod
    def _expiry_after_grant(cls, expires: Date, info: ValidationInfo) -> Date:
        # A field validator (not a model one) so the error points at the expires line.
        granted = info.data.get("granted")
        if granted is not None and expires <= granted:
            raise ValueError("expires is on or before granted: check both dates")
        return expires


class Profile(Strict):
    """One person's crisis information. Every section name here can be named in a consent record."""

    fictional: bool = Field(default=False, description="true for demo and test people; printed on every page.")
    identity: Identity
    plan: PlanInfo
    communication: Communication
    baseline: Baseline
    allergies: Allergies
    medications: Medications
    risks: Risks
    decision_maker: DecisionMaker
    contacts: Contacts
    crisis_plan: CrisisPlan
    health_history: FreeText | None = Field(default=None, description="Diagnoses and history (care-team by default).")
    behavioral_health: FreeText | None = Field(
        default=None, description="Psychiatric history and advance directive details (consent by default)."
    )
    internal_notes: FreeText | None = Field(default=None, description="Stays inside the provider.")
    # The emergency-information sections (model/eif.py): optional, so profiles written before them
    # keep building; documents print "not recorded" where one is missing.
    conditions: Conditions | None = Field(default=None, description="Diagnoses: entries or none_known.")
    devices: Devices | None = Field(default=None, description="Medical devices and equipment: entries or none_known.")
    baseline_vitals: BaselineVitals | None = Field(default=None, description="Usual vital signs, each with its date.")
    avoid: Avoid | None = Field(default=None, description="Procedures and medications to avoid, each with the reason.")
    care_providers: CareProviders | None = Field(
        default=None, description="Primary physician, specialists, pharmacy, preferred hospital."
    )
    home_access: HomeAccess | None = Field(
        default=None, description="How responders get in and what is inside. Never door codes."
    )
    immunizations: Immunizations | None = Field(default=None, description="Vaccines given, with dates.")
    consents: list[Consent] = Field(default_factory=list)
    copies: Copies | None = Field(
        default=None, description="Where printed copies are kept (always internal: no document shows it)."
    )
