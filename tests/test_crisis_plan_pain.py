"""The crisis plan shows how the person shows pain or distress, as the responder packet does.

The crisis plan's communication block is the responder packet's (templates/partials/sections.html.j2);
an earlier copy of it dropped ``communication.how_i_show_pain``. The expected texts are restated
here from the demo profiles (people/<id>/profile.yaml), not read from them."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import html_soup

HOW_I_SHOW_PAIN = {
    "jay-t": "Presses his fist against the sore spot and rocks.",
    "dana-k": "Says so directly when calm; when distressed may deny pain.",
    "rosa-m": "Rubs her hip or knee and goes quiet.",
}


@pytest.mark.parametrize("person_id", sorted(HOW_I_SHOW_PAIN))
def test_crisis_plan_shows_how_i_show_pain(demo_build: Path, person_id: str) -> None:
    soup = html_soup(demo_build / person_id / "crisis-plan.html")
    communication = soup.select_one('[data-field="communication"]')
    assert communication is not None, "the crisis plan has no communication section"
    pain = communication.select_one('[data-field="how_i_show_pain"]')
    assert pain is not None, "the communication section has no how_i_show_pain line"
    text = " ".join(pain.get_text(" ", strip=True).split())
    assert text == f"Pain or distress: {HOW_I_SHOW_PAIN[person_id]}"
