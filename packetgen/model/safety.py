"""The page-1 safety lists (allergies, medications, risks): entries or an explicit ``none_known``, never
an empty list that a responder would read as "none".
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, model_validator

from packetgen.model.fields import PastDate, Text
from packetgen.model.provenance import Sourced
from packetgen.model.sharing import Section


class NoneKnown(Sourced):
    verified_on: PastDate = Field(description="Date someone checked that there are none (not after the build date).")
    verified_by: Text = Field(description="Role of the person who checked, e.g. 'RN', 'house supervisor'.")


class Alert(Sourced):
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


EMPTY_LIST = (
    "empty list: an empty list reads as 'none' on a responder sheet. List the entries, "
    "or remove 'items' and write none_known: {verified_on: YYYY-MM-DD, verified_by: ROLE}"
)


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
            raise ValueError(
                "empty list: an empty list reads as 'none' on a responder sheet. List the entries "
                "under 'items:', or write none_known: {verified_on: YYYY-MM-DD, verified_by: ROLE}"
            )
        if isinstance(value, list):
            raise ValueError(
                "the entries must go under 'items:': write items: on the next line, indented, then the entries under it"
            )
        if value is None or isinstance(value, (str, int, float, bool)):
            raise ValueError(
                "not recorded: list the entries under 'items:', or, if there are none, write "
                "none_known: {verified_on: YYYY-MM-DD, verified_by: ROLE} (a single word cannot "
                "say who checked, or when)"
            )
        return value

    @model_validator(mode="after")
    def _items_or_none_known(self) -> SafetyList:
        items = self.items
        if items is not None and len(items) == 0:
            raise ValueError(EMPTY_LIST)
        if items is None and self.none_known is None:
            raise ValueError("not recorded: add 'items', or none_known: {verified_on: YYYY-MM-DD, verified_by: ROLE}")
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
