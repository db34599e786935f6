"""The README's table of bad input and the message each gets is checked row by row, so it cannot drift:
each row's edit is made to a copy of the demo and `packetgen check` must print the row's message."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import REPO
from input_edits import ROSA, check, demo_copy, replace


def table_rows() -> list[tuple[str, str, str]]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    table = text.split("<!-- bad-input-table", 1)[1].split("<!-- /bad-input-table -->", 1)[0]
    rows = []
    for line in table.splitlines()[1:]:
        if not line.startswith("|") or line.startswith(("| bad input", "|---")):
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split(" | ")]
        assert len(cells) == 3, line
        rows.append((cells[0], cells[1], _code(cells[2])))
    return rows


def _code(cell: str) -> str:
    """The text of a Markdown code span (single or double backticks)."""
    found = re.fullmatch(r"``\s?(.*?)\s?``", cell) or re.fullmatch(r"`([^`]*)`", cell)
    assert found, cell
    return found.group(1)


def _spans(cell: str) -> list[str]:
    return re.findall(r"`([^`]*)`", cell)


def key_line(root: Path, new: str) -> None:
    """``key: value``: the one line of Rosa's profile starting with that key gets the new value."""
    key = new.split(":", 1)[0]
    path = root / ROSA
    rows = path.read_text(encoding="utf-8").split("\n")
    matches = [i for i, row in enumerate(rows) if row.lstrip().startswith(f"{key}:")]
    assert len(matches) == 1, (key, matches)
    row = rows[matches[0]]
    rows[matches[0]] = row[: len(row) - len(row.lstrip())] + new
    path.write_text("\n".join(rows), encoding="utf-8")


def replace_block(root: Path, section: str, new: str) -> None:
    path = root / ROSA
    text = path.read_text(encoding="utf-8")
    start = text.index(f"\n{section}:\n") + 1
    end = text.index("\n\n", start) + 2
    path.write_text(text[:start] + new + text[end:], encoding="utf-8")


def laughs(root: Path) -> None:
    rows = ['lol0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    rows += [f"lol{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 9) + "]" for i in range(1, 6)]
    bomb = "\n".join(rows) + "\n"
    assert len(bomb) < 4096
    path = root / ROSA
    path.write_text(path.read_text(encoding="utf-8") + bomb, encoding="utf-8")


def pad_to_5_mb(root: Path) -> None:
    path = root / ROSA
    data = path.read_bytes() + b"# "
    path.write_bytes(data + b"x" * (5_000_000 - len(data) - 1) + b"\n")


def latin1(root: Path) -> None:
    path = replace(root, ROSA, "legal_name: Rosa Elena Marquez", "legal_name: Rosa Elena Márquez")
    path.write_bytes(path.read_text(encoding="utf-8").encode("latin-1"))


def utf16(root: Path) -> None:
    path = root / ROSA
    path.write_bytes(path.read_text(encoding="utf-8").encode("utf-16"))


def write(relative: str, content: str | None = None) -> Callable[[Path], None]:
    def edit(root: Path) -> None:
        target = root / "people" / "rosa-m" / relative
        target.write_text(content if content is not None else (root / ROSA).read_text(encoding="utf-8"))

    return edit


NAMED: dict[str, Callable[[Path], object]] = {  # what an edit returns is not used
    "the `allergies:` block replaced by `allergies: none`": lambda r: replace_block(
        r, "allergies", "allergies: none\n\n"
    ),
    "the `medications:` block replaced by `medications: []`": lambda r: replace_block(
        r, "medications", "medications: []\n\n"
    ),
    "the `medications:` block deleted": lambda r: replace_block(r, "medications", ""),
    "the `allergies:` block replaced by `allergies: {<<: {items: [Penicillin]}, items: [Latex]}`": lambda r: (
        replace_block(r, "allergies", "allergies: {<<: {items: [Penicillin]}, items: [Latex]}\n\n")
    ),
    "added at the end of the file": laughs,
    "`pronouns:` followed by 500 `[` and 500 `]`": lambda r: key_line(r, "pronouns: " + "[" * 500 + "]" * 500),
    "padded to 5,000,000 bytes": pad_to_5_mb,
    "U+202E in the middle of `preferred_name`": lambda r: replace(
        r, ROSA, "preferred_name: Rosa", "preferred_name: Ro\u202esa"
    ),
    "a NUL after `Rosa` in `legal_name`": lambda r: replace(r, ROSA, "legal_name: Rosa ", "legal_name: Rosa\x00 "),
    "`Márquez` in `legal_name`, file saved as Latin-1": latin1,
    "file saved as UTF-16": utf16,
    "a tab instead of the spaces before `language:`": lambda r: replace(r, ROSA, "  language:", "\tlanguage:"),
    "the file emptied": lambda r: (r / ROSA).write_text(""),
    "a copy saved as `profile.yml`": write("profile.yml"),
    "a file `events/2026-11-29-ed-visit.txt`": write("events/2026-11-29-ed-visit.txt", "notes"),
}


def apply(root: Path, edit: str) -> None:
    if edit in NAMED:
        NAMED[edit](root)
        return
    spans = _spans(edit)
    if "→" in edit:
        assert len(spans) == 2, edit
        replace(root, ROSA, spans[0], spans[1])
    else:
        assert len(spans) == 1 and edit == f"`{spans[0]}`", f"no way to make this edit: {edit}"
        key_line(root, spans[0])


ROWS = table_rows()


def test_the_table_covers_every_kind_of_bad_input() -> None:
    assert len(ROWS) >= 30
    kinds = " ".join(row[0] for row in ROWS)
    for kind in (
        "date",
        "phone",
        "blank",
        "alias",
        "merge",
        "tag",
        "nested",
        "5 MB",
        "invisible",
        "NUL",
        "Latin-1",
        "UTF-16",
        "tab",
        "missing section",
        "not read",
    ):
        assert kind in kinds, kind


@pytest.mark.parametrize("kind, edit, message", ROWS, ids=[row[0] for row in ROWS])
def test_readme_row_gives_its_message(tmp_path: Path, kind: str, edit: str, message: str) -> None:
    root = demo_copy(tmp_path)
    apply(root, edit)
    _, lines = check(root)
    assert message in lines, "\n".join(line for line in lines if line.startswith("people/rosa-m/"))
