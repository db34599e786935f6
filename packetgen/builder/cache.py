"""Incremental builds: hash what each document is made from, and skip it when nothing changed.

Pelican's maintainers note that true incremental builds need to know which inputs feed which
outputs; this module tracks that explicitly. A job's key hashes:

- every source file in the person's folder (profile, events, photo: whatever sits there),
- the job's extra template data (an event, the "what changed" list),
- what the build date decides for that document (consent decisions, review status, age),
- the templates it uses (its own file plus everything it extends, includes or imports),
- the styles folder (CSS and fonts) and packetgen's own code and version.

Rendered bytes cannot be compared because every footer carries the generation time, so skipping
is decided on these input hashes alone. The cache lives in ``build/.packetgen-cache.json``,
written atomically after the outputs it describes: a build killed half-way leaves an older cache,
which only means some documents are rebuilt again.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, meta

from packetgen import __version__
from packetgen.pipeline.digest import combine, tree_digest
from packetgen.pipeline.output import write_text

log = logging.getLogger(__name__)

CACHE_NAME = ".packetgen-cache.json"
CACHE_SCHEMA = 1
PACKAGE_DIR = Path(__file__).resolve().parents[1]  # packetgen/, every stage package below it


@lru_cache(maxsize=1)
def code_digest() -> str:
    """packetgen's version plus its own source, so a code change (even without a release) rebuilds."""
    digest = hashlib.sha256(__version__.encode())
    code = [path for pattern in ("*.py", "*.yaml", "*.js") for path in PACKAGE_DIR.rglob(pattern)]
    for path in sorted(code):
        relative = path.relative_to(PACKAGE_DIR).as_posix()
        digest.update(relative.encode() + hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


class Digests:
    """The input hashes shared by every job of one build, each computed once."""

    def __init__(
        self, env: Environment, templates: Path | tuple[Path, ...], styles_dir: Path, settings: str = ""
    ) -> None:
        self.env = env
        self.code = combine(code_digest(), settings)
        """packetgen's own code and the project's settings (packetgen.yml): either changes every document."""
        self.styles = tree_digest(styles_dir)
        self.templates = combine(
            *(tree_digest(folder) for folder in (templates if isinstance(templates, tuple) else (templates,)))
        )
        self._template: dict[str, str] = {}

    def template(self, name: str) -> str:
        """Hash of a template and every template it extends, includes or imports."""
        if name not in self._template:
            seen: dict[str, str] = {}
            self._collect(name, seen)
            self._template[name] = combine(*(f"{n}:{seen[n]}" for n in sorted(seen)))
        return self._template[name]

    def _collect(self, name: str, seen: dict[str, str]) -> None:
        if name in seen:
            return
        assert self.env.loader is not None
        source, _, _ = self.env.loader.get_source(self.env, name)
        seen[name] = hashlib.sha256(source.encode()).hexdigest()
        for child in _references(self.env, seen[name], source):
            self._collect(child, seen)

    def environment(self, template: str) -> str:
        """Everything outside the person that a document made with ``template`` depends on."""
        return combine(self.code, self.styles, self.template(template))


_REFERENCES: dict[str, tuple[str, ...]] = {}


def _references(env: Environment, digest: str, source: str) -> tuple[str, ...]:
    """Templates a template source names, parsed once per distinct source (parsing is slow)."""
    if digest not in _REFERENCES:
        _REFERENCES[digest] = tuple(n for n in meta.find_referenced_templates(env.parse(source)) if n is not None)
    return _REFERENCES[digest]


class BuildCache:
    """What the last builds produced and from which inputs, per job stem and per person."""

    def __init__(self, build_dir: Path, data: dict[str, Any] | None = None) -> None:
        self.path = build_dir / CACHE_NAME
        self.build_dir = build_dir
        data = data if data and data.get("schema") == CACHE_SCHEMA else {}
        self.jobs: dict[str, dict[str, Any]] = data.get("jobs", {})
        self.people: dict[str, dict[str, Any]] = data.get("people", {})
        self.index: str | None = data.get("index")

    @classmethod
    def load(cls, build_dir: Path) -> BuildCache:
        """A missing or unreadable cache is an empty one: the build just does more work."""
        try:
            data = json.loads((build_dir / CACHE_NAME).read_text(encoding="utf-8"))
        except FileNotFoundError:
            data = None
        except (OSError, ValueError) as exc:
            log.warning("%s unreadable (%s): rebuilding everything", build_dir / CACHE_NAME, exc)
            data = None
        return cls(build_dir, data if isinstance(data, dict) else None)

    def outputs_exist(self, stem: str, suffixes: tuple[str, ...]) -> bool:
        return all((self.build_dir / f"{stem}{suffix}").is_file() for suffix in suffixes)

    def job_fresh(self, stem: str, key: str, suffixes: tuple[str, ...]) -> bool:
        """True when ``stem`` was last built from exactly these inputs and its outputs are still there."""
        entry = self.jobs.get(stem)
        return (
            entry is not None
            and entry.get("key") == key
            and set(suffixes) <= set(entry.get("outputs", ()))
            and self.outputs_exist(stem, suffixes)
        )

    def record_job(self, stem: str, key: str, suffixes: tuple[str, ...]) -> None:
        self.jobs[stem] = {"key": key, "outputs": sorted(suffixes)}

    def person_fresh(self, person_id: str, quick: str, suffixes: tuple[str, ...]) -> dict[str, Any] | None:
        """The cached index row if nothing about this person changed since the last build, else None.

        This is the fast path that lets a no-op build skip even parsing the profile."""
        entry = self.people.get(person_id)
        if entry is None or entry.get("quick") != quick:
            return None
        if not all(self.job_fresh(stem, self.jobs.get(stem, {}).get("key", ""), suffixes) for stem in entry["jobs"]):
            return None
        row: dict[str, Any] = entry["row"]
        return row

    def record_person(self, person_id: str, quick: str, stems: list[str], row: dict[str, Any]) -> None:
        self.people[person_id] = {"quick": quick, "jobs": stems, "row": row}

    def forget_person(self, person_id: str) -> None:
        self.people.pop(person_id, None)

    def forget_people_except(self, person_ids: set[str]) -> None:
        """Drop the index rows (names, consent ids) of people no longer in people/."""
        for person_id in [p for p in self.people if p not in person_ids]:
            self.forget_person(person_id)

    def save(self) -> None:
        data = {"schema": CACHE_SCHEMA, "jobs": self.jobs, "people": self.people, "index": self.index}
        write_text(self.path, json.dumps(data, separators=(",", ":"), sort_keys=True), durable=False)


STALE_TEMP_SECONDS = 60.0
"""A younger temp file may belong to a build running right now (say, ``watch`` in another terminal)."""


WRITTEN_FOLDERS = ("*", "*/events/*", "assets/fonts")
"""Where under the build folder (besides the folder itself: index, cache) packetgen writes files
(a person's documents, assets, audit, drills, history; event documents; fonts). The cleaner looks
only there, never deeper, so ``--out`` into a folder that holds other things leaves them alone."""


def clean_temp_files(build_dir: Path, older_than: float = STALE_TEMP_SECONDS) -> list[Path]:
    """Remove the temp files a killed build left behind: only regular files named the way
    ``write_atomic`` names them (``output.is_own_temp``), only in ``WRITTEN_FOLDERS``. Finished files
    are never temp files: they only appear through ``os.replace``, so this never touches a good output."""
    import stat
    import time

    from packetgen.pipeline.output import is_own_temp

    removed = []
    cutoff = time.time() - older_than
    folders = (
        {
            build_dir,
            *(
                folder
                for pattern in WRITTEN_FOLDERS
                for folder in build_dir.glob(pattern)
                if folder.is_dir() and not folder.is_symlink()
            ),
        }
        if build_dir.is_dir()
        else set()
    )
    for folder in sorted(folders):
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            if not is_own_temp(entry.name):
                continue
            try:
                info = entry.stat(follow_symlinks=False)
                if stat.S_ISREG(info.st_mode) and info.st_mtime <= cutoff:
                    os.unlink(entry.path)
                    removed.append(Path(entry.path))
            except OSError:
                continue
    if removed:
        log.info("removed %d temporary file(s) left by an interrupted build", len(removed))
    return removed
