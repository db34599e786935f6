"""What a build leaves behind and links to: only its own temp files are cleaned; free text makes no links.

- Temp files: ``write_atomic`` names them ``.<name>.packetgen-XXXXXXXX.tmp``; the cleaner removes
  only regular files named so, only in the folders a build writes (the build folder, its direct
  subfolders, ``<person>/events/<event>/``, ``assets/fonts``), so ``--out`` into an existing folder
  never deletes anyone else's ``.tmp`` files, and a folder named ``.x.tmp`` breaks nothing.
- Links: no document turns profile or event free text into a link, whatever the scheme; the
  address is printed as text.
"""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

import pytest
from conftest import AS_OF, attr, html_soup, run_cli, visible_text
from events import event_data, write_event
from profiles import marked_profile, write_profile
from pypdf import PdfReader


def old(path: Path) -> Path:
    """An hour old: any cleaner would consider it stale."""
    stamp = time.time() - 3600
    os.utime(path, (stamp, stamp))
    return path


def file_at(path: Path, data: bytes = b"someone else's work") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return old(path)


def test_out_into_an_existing_folder_removes_only_packetgen_temp_files(project: Path, tmp_path: Path) -> None:
    write_profile(project, "testa", marked_profile())
    out = tmp_path / "shared-drive"
    others = [
        file_at(out / "notes" / ".draft.tmp"),
        file_at(out / ".report.pdf.abc123.tmp"),  # another program's, same shape as ours was
        file_at(out / "testa" / ".mine.tmp"),  # in a folder we write, not our name
        file_at(out / "deep" / "er" / ".index.html.packetgen-abcd1234.tmp"),  # our name, not a folder we write
        file_at(out / ".x.tmp" / "inside.txt"),
    ]
    old(out / ".x.tmp")
    (out / "testa" / ".link.packetgen-abcd1234.tmp").symlink_to(out / "notes" / ".draft.tmp")
    ours = [
        file_at(out / ".index.html.packetgen-k2j4m6p8.tmp", b"<html>partial"),
        file_at(out / "testa" / ".responder-packet.pdf.packetgen-a1b2c3d4.tmp", b"%PDF partial"),
        file_at(out / "assets" / "fonts" / ".x.ttf.packetgen-zz99zz99.tmp", b"partial"),
    ]

    result = run_cli("build", "--root", str(project), "--out", str(out), "--as-of", AS_OF, "--format", "html")
    assert result.exit_code == 0, result.output
    assert all(path.is_file() for path in others), [p for p in others if not p.exists()]
    assert (out / ".x.tmp").is_dir() and (out / "testa" / ".link.packetgen-abcd1234.tmp").is_symlink()
    assert not any(path.exists() for path in ours)
    assert (out / "testa" / "responder-packet.html").is_file()


def test_write_atomic_names_its_temp_file_the_way_the_cleaner_looks_for(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from packetgen.pipeline import output

    seen: list[str] = []
    real = os.replace

    def recording(src: str, dst: str) -> None:
        seen.append(Path(src).name)
        real(src, dst)

    monkeypatch.setattr(os, "replace", recording)  # the os module output.write_atomic calls
    output.write_atomic(tmp_path / "index.html", b"<html></html>")
    (name,) = seen
    assert re.fullmatch(r"\.index\.html\.packetgen-[a-z0-9_]{8}\.tmp", name), name
    assert output.is_own_temp(name)
    assert not output.is_own_temp(".index.html.abc123.tmp") and not output.is_own_temp(".x.tmp")


LINKS = "Read [the plan](http://example.com/plan) or <https://evil.example/x>, call [line](tel:5550100)"


def digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def test_free_text_links_are_shown_as_text_never_as_links(project: Path) -> None:
    data = marked_profile()
    data["communication"]["how_i_communicate"] = f"Speaks. {LINKS}"
    data["crisis_plan"]["what_helps"] = [f"Music. {LINKS}"]
    data["contacts"]["people"][0]["when_to_call"] = f"Any time. {LINKS}"
    data["health_history"]["text"] = f"History. {LINKS}"
    data["consents"] = [
        {
            "id": "c1",
            "recipient": "mobile-crisis",
            "sections": ["behavioral_health"],
            "authority": "person",
            "granted": "2026-01-05",
            "expires": "2027-01-05",
            "recorded_by": "Sam Super",
            "document_ref": "Binder 1",
        }
    ]
    data["behavioral_health"] |= {"sharing": "consent", "text": f"Behavioral. {LINKS}"}
    write_profile(project, "testa", data)
    write_event(project, "testa", "2026-11-02-escalation", event_data(summary=f"Summary. {LINKS}"))
    result = run_cli("build", "--root", str(project), "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    assert run_cli("drill", "testa", "--root", str(project), "--as-of", AS_OF).exit_code == 0
    build = project / "build"
    pages = [p for p in build.rglob("*.html") if p.name != "index.html" and "assets" not in p.parts]
    assert len(pages) >= 6
    for page in pages:
        soup = html_soup(page)
        # Only the typed, validated phone fields are links (tel:, so a tap at the door dials them).
        links = [
            a
            for a in soup.find_all("a")
            if not (
                a.get("class") == ["phone"]
                and attr(a, "href").startswith("tel:")
                and digits(attr(a, "href")) == digits(a.get_text())
            )
        ]
        assert links == [], page
        text = visible_text(page)
        if "http://example.com/plan" in text:
            assert "the plan (http://example.com/plan)" in text and "https://evil.example/x" in text, page
    packet = visible_text(build / "testa" / "responder-packet.html")
    assert "the plan (http://example.com/plan) or https://evil.example/x, call line (tel:5550100)" in packet
    for pdf in build.rglob("*.pdf"):
        for pdf_page in PdfReader(pdf).pages:
            annotations = [a.get_object() for a in pdf_page.get("/Annots", [])]
            assert not [a for a in annotations if "/A" in a and "/URI" in a["/A"]], pdf
