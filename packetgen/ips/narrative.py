"""Narrative stage: the human-readable text every exported resource and section carries.

FHIR requires each resource to say in XHTML what its data says, so that a receiver who cannot read
the codes can still read the facts. The narrative is built from the same values as the coded data,
never more: it is the data, in words, escaped. A section the audience does not get has one fixed
text, the same whether the profile lacks it or withholds it."""

from __future__ import annotations

from html import escape

XHTML = "http://www.w3.org/1999/xhtml"


def div(inner: str) -> dict[str, str]:
    """A generated narrative around already-escaped XHTML."""
    return {"status": "generated", "div": f'<div xmlns="{XHTML}">{inner}</div>'}


def text(*parts: tuple[str, object]) -> dict[str, str]:
    """``("Substance", "Penicillin"), ("Reaction", "Hives")`` -> one paragraph of labelled facts."""
    shown = [f"<b>{escape(label)}</b>: {escape(str(value))}" for label, value in parts if value not in (None, "")]
    return div("<p>" + "; ".join(shown) + "</p>")


def listing(title: str, lines: list[str]) -> dict[str, str]:
    """A section's narrative: its title and one list item per entry (``lines`` are plain text)."""
    items = "".join(f"<li>{escape(line)}</li>" for line in lines)
    return div(f"<h3>{escape(title)}</h3><ul>{items}</ul>")


def not_shared(title: str, audience_label: str) -> dict[str, str]:
    """The one text for a section this document does not show (see ``pipeline/select.not_shared``)."""
    return div(f"<p>{escape(title)}: not shared with {escape(audience_label)}</p>")


def summary_line(parts: list[tuple[str, object]]) -> str:
    """The plain-text form of ``text``'s parts, for a section's list."""
    return "; ".join(f"{label}: {value}" for label, value in parts if value not in (None, ""))
