"""The profile schema: one typed model that both validates profiles and emits the JSON Schema.

Keeping validation and the published schema in one set of classes means they cannot drift: the
JSON Schema in ``schema/profile.schema.json`` is generated from these classes and a test fails if
the committed copy is stale.

Field docstrings (``description=``) are what editors show as hover help, so they are written for
the supervisor who edits the YAML, not for programmers.
"""

from __future__ import annotations

from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from packetgen.model.copies import Copies
from packetgen.model.fields import BirthDate, ContactPhone, Date, PastDate, Phone, Text, WholeNumber

SharingClass = Literal["responder", "care-team", "consent", "internal"]
"""Who may see a section. See ``packetgen/audiences.py`` for what each class reaches."""

RecipientClass = Literal[
    "emergency-responders",
    "mobile-crisis",
    "case-manager",
    "clinicians",
    "protective-services",
    "family",
    "care-team",
    "internal-staff",
]
"""The people a document is handed to. Consent records name one of these."""

SectionName = Literal[
    "communication",
    "baseline",
    "allergies",
    "medications",
    "risks",
    "decision_maker",
    "contacts",
    "crisis_plan",
    "health_history",
    "behavioral_health",
    "internal_notes",
]
"""Profile sections that carry a sharing class and can be named in a consent record."""


class Strict(BaseModel):
    """Base for every profile block: unknown keys are errors, so a typo is never silently ignored."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Section(Strict):
    """A block of the profile that carries its own sharing class."""

    sharing: SharingClass | None = Field(
        default=None,
        description="Who may see this section: responder, care-team, consent or internal. "
        "Leave out to use the section's default.",
    )


# --- identity and plan ------------------------------------------------------------------------


class Identity(Strict):
    preferred_name: Text = Field(description="The name the person answers to.")
    legal_name: Text = Field(description="Full legal name, as on ID and insurance cards.")
    date_of_birth: BirthDate = Field(description="YYYY-MM-DD.")
    pronouns: Text | None = Field(default=None, description="For example she/her, he/him, they/them.")
    language: Text = Field(description="Language the person uses day to day.")
    interpreter_needed: bool = Field(description="true if an interpreter is needed for medical conversations.")
    photo: Text | None = Field(
        default=None, max_length=255,
        description="Optional photo file in this person's folder, named relative to this profile: "
        "PNG, JPEG or SVG (judged by its content), at most 5 MiB."
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


# --- what responders need -----------------------------------------------------------------------


class Communication(Section):
    how_i_communicate: Text = Field(description="How the person expresses themselves (speech, signs, device...).")
    how_i_understand: Text = Field(description="What helps the person understand you.")
    how_i_say_no: Text | None = Field(default=None, description="How the person refuses or says stop.")
    how_i_show_pain: Text | None = Field(default=None, description="How pain or distress shows.")


class Baseline(Section):
    typical_presentation: Text = Field(description="What the person is usually like on a good day: observable facts.")
    signs_of_change: Text = Field(description="What a change from baseline looks like: observable facts.")


class NoneKnown(Strict):
    verified_on: PastDate = Field(description="Date someone checked that there are none (not after the build date).")
    verified_by: Text = Field(description="Role of the person who checked, e.g. 'RN', 'house supervisor'.")


class Alert(Strict):
    confirmed: bool = Field(
        default=True, description="false if reported but not confirmed; the packet marks it 'unconfirmed'."
    )


class Allergy(Alert):
    substance: Text
    reaction: Text
    severity: Literal["mild", "moderate", "severe", "unknown"]


class Medication(Alert):
    name: Text
    dose: Text
    route: Text = Field(description="For example by mouth, inhaled, injection, patch.")
    schedule: Text = Field(description="When it is taken, e.g. '8 am and 8 pm', 'as needed for seizures'.")
    purpose: Text
    high_alert: bool = Field(
        default=False,
        description="true for a medication responders must know about at once (blood thinner, insulin, opioid, "
        "seizure rescue ...): listed first on page 1 and marked HIGH ALERT. `packetgen check` suggests it.",
    )


class Risk(Alert):
    risk: Text = Field(description="What the risk is, in observable terms.")
    what_to_do: Text | None = Field(default=None, description="What responders should do about it.")


EMPTY_LIST = ("empty list: an empty list reads as 'none' on a responder sheet. List the entries, "
              "or remove 'items' and write none_known: {verified_on: YYYY-MM-DD, verified_by: ROLE}")


class SafetyList(Section):
    """A safety-critical list: it must hold entries or say, with evidence, that there are none.

    A blank allergy box on an EMS sheet reads as "no allergies"; the HL7 International Patient
    Summary makes the same distinction between "none known" and "not recorded".
    """

    items: list[Any] | None = None
    """Each subclass narrows this to its own entry type."""
    none_known: NoneKnown | None = Field(
        default=None, description="Use instead of items when there are none: who checked and when."
    )

    @model_validator(mode="before")
    @classmethod
    def _a_block(cls, value: Any) -> Any:
        """``medications: []`` or ``allergies: none`` are the commonest slips; say what they mean here."""
        if isinstance(value, list) and not value:
            raise ValueError("empty list: an empty list reads as 'none' on a responder sheet. List the entries "
                             "under 'items:', or write none_known: {verified_on: YYYY-MM-DD, verified_by: ROLE}")
        if isinstance(value, list):
            raise ValueError("the entries must go under 'items:': write items: on the next line, indented, "
                             "then the entries under it")
        if value is None or isinstance(value, (str, int, float, bool)):
            raise ValueError("not recorded: list the entries under 'items:', or, if there are none, write "
                             "none_known: {verified_on: YYYY-MM-DD, verified_by: ROLE} (a single word cannot "
                             "say who checked, or when)")
        return value

    @model_validator(mode="after")
    def _items_or_none_known(self) -> SafetyList:
        items = self.items
        if items is not None and len(items) == 0:
            raise ValueError(EMPTY_LIST)
        if items is None and self.none_known is None:
            raise ValueError(
                "not recorded: add 'items', or none_known: {verified_on: YYYY-MM-DD, verified_by: ROLE}"
            )
        if items is not None and self.none_known is not None:
            raise ValueError("has both 'items' and 'none_known': keep only one")
        return self


class Allergies(SafetyList):
    items: list[Allergy] | None = None


class Medications(SafetyList):
    items: list[Medication] | None = None


class RiskList(SafetyList):
    items: list[Risk] | None = None


class Risks(Section):
    mobility: RiskList = Field(description="Walking, transfers, wheelchair, lifting.")
    swallowing: RiskList = Field(description="Choking, texture-modified diet, nothing by mouth.")
    seizures: RiskList = Field(description="Seizure types and what to do.")
    falls: RiskList = Field(description="Fall history and precautions.")


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


# --- care-team and restricted sections ----------------------------------------------------------


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
    granted: Date = Field(description="Date the consent takes effect; a consent signed to start later is "
                          "not in force until then (documents withhold what it covers until that day).")
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

    fictional: bool = Field(
        default=False, description="true for demo and test people; printed on every page."
    )
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
    consents: list[Consent] = Field(default_factory=list)
    copies: Copies | None = Field(
        default=None, description="Where printed copies are kept (always internal: no document shows it).")


SECTION_DEFAULTS: dict[str, SharingClass] = {
    "communication": "responder",
    "baseline": "responder",
    "allergies": "responder",
    "medications": "responder",
    "risks": "responder",
    "decision_maker": "responder",
    "contacts": "responder",
    "crisis_plan": "care-team",
    "health_history": "care-team",
    "behavioral_health": "consent",
    "internal_notes": "internal",
}
"""Default sharing class per section. identity and plan have none: every document must say who
and which plan version it is about, so they always travel with it."""

SECTION_NAMES: tuple[str, ...] = get_args(SectionName)
if set(SECTION_NAMES) != set(SECTION_DEFAULTS):
    raise ImportError("every section needs a default sharing class")


def class_of(section: Any, name: str) -> SharingClass:
    """The sharing class in force for a section: its own ``sharing:`` override, else the default."""
    override = getattr(section, "sharing", None) if section is not None else None
    return override or SECTION_DEFAULTS[name]


def classes_used(section: Any, name: str) -> set[SharingClass]:
    """Every sharing class used in a section: its own, plus per-contact overrides."""
    classes = {class_of(section, name)}
    if name == "contacts" and section is not None:
        classes |= {c.sharing for c in section.people if c.sharing}
    return classes
