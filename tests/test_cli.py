"""The smaller commands: new, schema, and how free text is rendered."""

from __future__ import annotations

from pathlib import Path

import yaml
from conftest import AS_OF, REPO, attr, html_soup, pdf_text, run_cli
from profiles import marked_profile, write_profile

from packetgen.model.profile import Profile


def test_new_writes_a_starter_with_every_section(project: Path) -> None:
    result = run_cli("new", "--root", str(project), "sam-k")
    assert result.exit_code == 0, result.output
    path = project / "people" / "sam-k" / "profile.yaml"
    text = path.read_text()
    data = yaml.safe_load(text)
    required = {name for name, field in Profile.model_fields.items() if field.is_required()}
    assert required <= set(data)
    for optional in ("health_history", "behavioral_health", "internal_notes", "next_review", "photo"):
        assert f"# {optional}:" in text or f"{optional}:" in text
    assert text.count("#") > 40, "every section is commented"


def test_starter_fails_check_until_every_todo_is_filled(project: Path) -> None:
    run_cli("new", "--root", str(project), "sam-k")
    result = run_cli("check", "--root", str(project))
    assert result.exit_code == 1
    problems = [line for line in result.output.splitlines() if line.startswith("people/sam-k/profile.yaml:")]
    todo = ": not filled in yet: replace the TODO with the real text"
    assert problems and all(line.endswith(todo) for line in problems), result.output
    assert any(" identity.date_of_birth: " in line for line in problems)


def test_new_refuses_to_overwrite_or_take_a_bad_id(project: Path) -> None:
    run_cli("new", "--root", str(project), "sam-k")
    again = run_cli("new", "--root", str(project), "sam-k")
    assert again.exit_code != 0 and "already exists" in again.output
    bad = run_cli("new", "--root", str(project), "Sam Kowalski")
    assert bad.exit_code != 0 and not (project / "people" / "Sam Kowalski").exists()


def test_committed_json_schema_matches_the_model() -> None:
    result = run_cli("schema", "--root", str(REPO), "--check")
    assert result.exit_code == 0, result.output


def test_injected_html_in_free_text_renders_inert(project: Path) -> None:
    data = marked_profile()
    data["communication"]["how_i_communicate"] = 'Hi <script>alert("x")</script> there'
    data["behavioral_health"]["sharing"] = "responder"
    data["behavioral_health"]["text"] = (
        '<img src=x onerror="alert(1)"> **bold** [link](javascript:alert(1)) ![pic](http://example.com/p.png)'
    )
    write_profile(project, "testa", data)
    assert run_cli("build", "--root", str(project), "--as-of", AS_OF).exit_code == 0
    path = project / "build" / "testa" / "responder-packet.html"
    soup = html_soup(path)
    assert soup.find("script") is None
    assert all(not tag.has_attr("onerror") for tag in soup.find_all(True))
    assert soup.find("img", src="x") is None and soup.find("img", src="http://example.com/p.png") is None
    assert all(not attr(a, "href").startswith("javascript:") for a in soup.find_all("a", href=True))
    assert '<script>alert("x")</script>' in soup.get_text()  # shown as text, not run
    assert soup.find("strong", string="bold") is not None  # Markdown still works
    assert "alert" in pdf_text(path.with_suffix(".pdf"))


def test_build_one_person_html_only_into_another_folder(project: Path, tmp_path: Path) -> None:
    write_profile(project, "testa", marked_profile())
    write_profile(project, "other", marked_profile())
    out = tmp_path / "elsewhere"
    result = run_cli("build", "--root", str(project), "--person", "testa", "--format", "html", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert (out / "testa" / "responder-packet.html").exists()
    assert not list(out.rglob("*.pdf"))
    assert not (out / "other").exists()
    assert not (project / "build").exists()
    index = html_soup(out / "index.html")
    assert {row["data-person"] for row in index.select("tr[data-person]")} == {"testa", "other"}


def test_build_unknown_person_is_a_usage_error(project: Path) -> None:
    result = run_cli("build", "--root", str(project), "--person", "nobody")
    assert result.exit_code == 2 and "no profile at people/nobody/profile.yaml" in result.output


def test_next_review_defaults_to_six_months_and_clamps_month_end() -> None:
    import datetime as dt

    from packetgen.pipeline.rules import add_months

    assert add_months(dt.date(2026, 8, 31), 6) == dt.date(2027, 2, 28)
    assert add_months(dt.date(2026, 3, 9), 6) == dt.date(2026, 9, 9)
    assert add_months(dt.date(2027, 8, 31), 6) == dt.date(2028, 2, 29)


def test_long_medication_list_continues_on_page_two(project: Path) -> None:
    """No fixed count: a dozen short medications stay on page 1; eighty continue, with a pointer on
    page 1 naming exactly the ones on page 2."""
    from pypdf import PdfReader

    def packet_pages(count: int) -> list[str]:
        data = marked_profile()
        data["medications"]["items"] = [
            {"name": f"Medicine{i}", "dose": "10 mg", "route": "by mouth", "schedule": "8 am", "purpose": "test"}
            for i in range(1, count + 1)
        ]
        write_profile(project, "testa", data)
        assert run_cli("build", "--root", str(project), "--as-of", AS_OF, "--person", "testa").exit_code == 0
        return [
            " ".join((p.extract_text() or "").split())
            for p in PdfReader(project / "build" / "testa" / "responder-packet.pdf").pages
        ]

    assert len(packet_pages(12)) == 1
    pages = packet_pages(80)
    assert len(pages) == 2
    assert "Allergies" in pages[0] and "MKallergies" in pages[0]
    on_first = [i for i in range(1, 81) if f"Medicine{i} " in pages[0]]
    first_moved = len(on_first) + 1
    assert on_first == list(range(1, first_moved))  # the list continues from where page 1 stops
    assert f"Medications {first_moved}-80: page 2" in pages[0]
    assert all(f"Medicine{i} " in pages[1] for i in range(first_moved, 81))
    assert f"Medications {first_moved}-80, continued from page 1" in pages[1]


def test_photo_is_embedded_with_alt_text(demo_build: Path) -> None:
    soup = html_soup(demo_build / "jay-t" / "responder-packet.html")
    img = soup.select_one(".photo img")
    assert (
        img is not None and img["alt"] == "Photo of Jay" and attr(img, "src").startswith("data:image/svg+xml;base64,")
    )
    from pypdf import PdfReader
    from pypdf.generic import DictionaryObject

    page = PdfReader(demo_build / "jay-t" / "responder-packet.pdf").pages[0]
    resources = page["/Resources"]
    assert isinstance(resources, DictionaryObject)
    assert "/XObject" in resources


def test_missing_photo_file_is_an_error(project: Path) -> None:
    data = marked_profile()
    data["identity"]["photo"] = "me.jpg"
    path = write_profile(project, "testa", data)
    out = run_cli("check", "--root", str(project)).output
    line = next(i for i, row in enumerate(path.read_text().splitlines(), 1) if "photo: me.jpg" in row)
    # The message names the field, not the file: a file name can carry a name or a diagnosis.
    assert (
        f"people/testa/profile.yaml:{line}: identity.photo: photo file not found next to the profile: "
        "add it or remove the line"
    ) in out.splitlines()
