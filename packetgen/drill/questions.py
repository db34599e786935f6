"""The drill's question bank: what a drill asks, and which of the packet's answer keys (``data-field``)
a person's packet actually shows, so a drill never asks for a withheld fact.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from packetgen.model.documents import BY_NAME, DocumentKind

log = logging.getLogger(__name__)


DRILL_KIND: DocumentKind = BY_NAME["responder-packet"]

"""Drills always use the EMS sheet: the packet a responder is actually handed."""
if DRILL_KIND.audience != "emergency-responders":
    raise ImportError("drills must use the emergency responders' packet")


@dataclass(frozen=True)
class Question:
    field: str
    """The packet's ``data-field`` that holds the answer: the answer key."""
    text: str
    where: str
    """Where a coordinator should see the participant point, for the paper answer key."""
    section: str | None = None
    """Profile section that must be shown on the packet for the question to be asked."""
    detail: str | None = None
    """An optional attribute of that section that must be filled in, too."""
    also: tuple[str, ...] = ()
    """Other places that hold the same answer (a medication list continued on page 2)."""

    @property
    def accepts(self) -> list[str]:
        return [self.field, *self.also]


QUESTION_BANK: tuple[Question, ...] = (
    Question("allergies", "What is this person allergic to?", "Allergies box, top left", "allergies"),
    Question("code_status", "What is this person's code status?", "Code status box, top right", "decision_maker"),
    Question(
        "advance_directive",
        "Is there an advance directive, and where is the copy?",
        "Code status box, top right",
        "decision_maker",
    ),
    Question("decision_maker", "Who is the decision-maker?", "Decision-maker, left column", "decision_maker"),
    Question("communication", "How does this person communicate?", "How I communicate, left column", "communication"),
    Question(
        "how_i_say_no",
        "How does this person say no?",
        "How I communicate, left column",
        "communication",
        "how_i_say_no",
    ),
    Question(
        "how_i_show_pain",
        "How does this person show pain or distress?",
        "How I communicate, left column",
        "communication",
        "how_i_show_pain",
    ),
    Question(
        "baseline", "What is this person usually like on a good day?", "My usual baseline, left column", "baseline"
    ),
    Question(
        "signs_of_change",
        "What does a change from their baseline look like?",
        "My usual baseline, left column",
        "baseline",
    ),
    Question("mobility", "What is their usual mobility?", "Risks: mobility, right column", "risks"),
    Question("swallowing", "Is there a swallowing or choking risk?", "Risks: swallowing, right column", "risks"),
    Question(
        "seizures", "Does this person have seizures, and what should you do?", "Risks: seizures, right column", "risks"
    ),
    Question("falls", "Is this person at risk of falling?", "Risks: falls, right column", "risks"),
    Question(
        "medications",
        "What medications does this person take?",
        "Medications, right column",
        "medications",
        also=("medications_continued",),
    ),
    Question("contacts", "Who should you call, and at what number?", "Who to call, right column", "contacts"),
    Question("language", "What language does this person use, and is an interpreter needed?", "Header, under the name"),
    Question("plan", "Which plan version is this, and when is its next review?", "Header, plan line"),
)


BANK: dict[str, Question] = {q.field: q for q in QUESTION_BANK}


def questions_for(view: dict[str, Any], packet_html: str) -> list[Question]:
    """The questions this person's packet can answer: the section is shown to responders (not
    withheld by consent), any detail is filled in, and the answer key is really in the HTML."""
    asked = []
    for question in QUESTION_BANK:
        if question.section is not None:
            value = view.get(question.section)
            if value is None or (question.detail and not getattr(value, question.detail, None)):
                continue
        if f'data-field="{question.field}"' not in packet_html:
            log.warning("question %s skipped: the packet template has no data-field for it", question.field)
            continue
        asked.append(question)
    return asked
