"""The emergency-information sections: what the AAP/ACEP Emergency Information Form and the HL7 FHIR
International Patient Summary carry beyond the page-1 safety lists.

Every one of these sections is optional, because hundreds of profiles were written before they
existed and must keep building: a profile without one is valid, and its documents say "not recorded"
(never a blank that reads as "none"). Once a section is present its own rules apply: ``conditions``
and ``devices`` hold entries or an explicit ``none_known``, and no list may be empty.

An entry read from a health record by ``packetgen import ips`` carries ``source`` (the bundle it came
from and that bundle's date), so a fact that drifts from the record can be traced back to it.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, model_validator

from packetgen.model.fields import ContactPhone, PastDate, Text
from packetgen.model.provenance import Sourced
from packetgen.model.safety import SafetyList
from packetgen.model.sharing import Section, SharingClass, Strict


class EntriesSection(Section):
    """A section that is a list of entries under ``items:`` (at least one: remove the section instead)."""

    @model_validator(mode="before")
    @classmethod
    def _a_block(cls, value: Any) -> Any:
        """``avoid:`` followed straight by the entries is the commonest slip; say where they go."""
        if isinstance(value, list):
            raise ValueError(
                "the entries must go under 'items:': write items: on the next line, indented, then the entries"
            )
        return value


class Condition(Sourced):
    name: Text = Field(description="The diagnosis, in plain words, e.g. 'Epilepsy (focal seizures)'.")
    note: Text | None = Field(default=None, description="What responders should know about it.")
    confirmed: bool = Field(default=True, description="false if suspected or not confirmed.")


class Conditions(SafetyList):
    """Diagnoses. The IPS makes problems mandatory: entries, or none_known with who checked and when."""

    items: list[Condition] | None = None


class Device(Sourced):
    name: Text = Field(description="E.g. 'G-tube', 'VNS (vagus nerve stimulator)', 'insulin pump', 'home oxygen'.")
    what_to_do: Text = Field(
        description="What responders must do or not do with it, e.g. 'Do not remove; swipe magnet for a seizure'."
    )


class Devices(SafetyList):
    """Medical devices and equipment ("advanced technology" on the EIF)."""

    items: list[Device] | None = None


class Measurement(Sourced):
    value: Text = Field(description="The usual value with its unit, e.g. '72 per minute', '118/76 mmHg', '94%'.")
    measured: PastDate = Field(description="Date it was measured (not after the build date).")


VITALS = (
    ("heart_rate", "Heart rate"),
    ("breathing_rate", "Breathing rate"),
    ("blood_pressure", "Blood pressure"),
    ("oxygen_saturation", "Oxygen saturation"),
    ("temperature", "Temperature"),
    ("weight", "Weight"),
    ("neurological_status", "Neurological status"),
)
"""The baseline measurements, in the order the documents print them, with their printed labels."""


class BaselineVitals(Section):
    heart_rate: Measurement | None = None
    breathing_rate: Measurement | None = None
    blood_pressure: Measurement | None = None
    oxygen_saturation: Measurement | None = None
    temperature: Measurement | None = None
    weight: Measurement | None = None
    neurological_status: Measurement | None = Field(
        default=None, description="Usual neurological status, e.g. 'non-verbal, follows one-step commands, GCS 13'."
    )

    @model_validator(mode="after")
    def _something_measured(self) -> BaselineVitals:
        if not any(getattr(self, name) is not None for name, _ in VITALS):
            raise ValueError(
                "no measurement: give at least one of "
                + ", ".join(name for name, _ in VITALS)
                + ", or remove the section"
            )
        return self


class AvoidItem(Strict):
    what: Text = Field(description="The procedure or medication to avoid, e.g. 'Prone restraint', 'Haloperidol'.")
    reason: Text = Field(description="Why, e.g. 'history of positional asphyxia risk', 'dystonia'.")


class Avoid(EntriesSection):
    """Procedures and medications to avoid: a page-1 alert on the responder packet."""

    items: list[AvoidItem] = Field(min_length=1, description="Each thing to avoid, with the reason.")


ProviderRole = Literal["primary-physician", "specialist", "pharmacy", "preferred-hospital", "dentist", "other"]


class CareProvider(Strict):
    role: ProviderRole = Field(
        description="primary-physician, specialist, pharmacy, preferred-hospital, dentist or other."
    )
    name: Text
    phone: ContactPhone
    detail: Text | None = Field(default=None, description="Specialty, address or what they are seen for.")
    sharing: SharingClass | None = Field(
        default=None, description="Override who may see this one entry (defaults to the section's class)."
    )


class CareProviders(EntriesSection):
    items: list[CareProvider] = Field(min_length=1, description="Physicians, pharmacy and preferred hospital.")


class HomeAccess(Section):
    """How responders get in and what they find inside (the Smart911 safety profile). Never door codes:
    the packet is handed over and left behind, and `packetgen check` warns about anything that looks like one."""

    entry: Text = Field(description="How responders get in, e.g. 'side door on the driveway; ramp at the back'.")
    keys: Text | None = Field(default=None, description="Who holds keys, e.g. 'staff on shift; lockbox: ask dispatch'.")
    pets: Text | None = None
    oxygen_in_use: bool | None = Field(default=None, description="true if oxygen is used in the home.")
    stairs_or_lifts: Text | None = Field(default=None, description="Stairs, lifts, hoists on the way to the person.")
    hazards: Text | None = Field(default=None, description="Anything else responders should know before entering.")


class Immunization(Sourced):
    vaccine: Text
    date: PastDate = Field(description="Date given (not after the build date).")


class Immunizations(EntriesSection):
    items: list[Immunization] = Field(min_length=1)


EIF_SECTIONS: dict[str, str] = {
    "avoid": "what to avoid",
    "conditions": "conditions",
    "devices": "devices",
    "care_providers": "care providers",
    "baseline_vitals": "usual vital signs",
    "home_access": "how to get in",
    "immunizations": "immunizations",
}
"""The sections added for the EIF and IPS, in printed order, as the "Not recorded on this sheet" line names them."""


def preferred_hospitals(view: dict[str, Any]) -> list[CareProvider]:
    """The care providers shown that are a preferred hospital (the packet prints only these)."""
    return [p for p in view.get("care_providers") or [] if p.role == "preferred-hospital"]


def not_recorded(view: dict[str, Any], sections: tuple[str, ...], packet: bool) -> list[str]:
    """What a document with ``sections`` could carry but does not, in printed words.

    A section missing from the profile and one this audience may not see read the same (the select
    stage's rule), so the line tells no one that withheld data exists. The packets print only the
    preferred hospital of the care providers, so there it is the hospital that is or is not recorded."""
    out = []
    for name, words in EIF_SECTIONS.items():
        if name not in sections:
            continue
        if packet and name == "care_providers":
            if not preferred_hospitals(view):
                out.append("preferred hospital")
        elif not view.get(name):
            out.append(words)
    return out
