"""Sharded builds: one build split over machines (a CI matrix, a Slurm array, a Kubernetes indexed Job).

``packetgen build --shard K/N`` builds only the people whose id falls in shard K of N; shards are
numbered from 1, like a CI matrix written ``shard: [1, 2, 3, 4]``. Which shard a person is in
depends on their id alone: ``int(sha256(id))`` modulo N, plus 1. Python's ``hash()`` would not do:
it is salted per process, so two machines would disagree.

Each shard writes its own part of the build cache, ``build/.packetgen-cache/shard-K-of-N.json``,
holding only its own people's entries, so shards writing into one shared folder (or into separate
folders later copied together) never overwrite each other's. A shard leaves the project-wide
pages alone (``index.html``, and removing the output of people no longer in people/): a final
``packetgen build --index-only`` reads every part, writes the index, folds the parts into the main
cache (``build/.packetgen-cache.json``) and removes them. Any later build does the same folding,
so a plain ``packetgen build`` after sharded ones skips what the shards built.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from packetgen.builder.cache import CACHE_NAME, CACHE_SCHEMA, BuildCache
from packetgen.pipeline.output import write_text

log = logging.getLogger(__name__)

PARTS_DIR = ".packetgen-cache"
"""Beside ``.packetgen-cache.json``: one cache part per shard."""

_SHARD = re.compile(r"\s*(\d{1,6})\s*/\s*(\d{1,6})\s*")


@dataclass(frozen=True)
class Shard:
    """Shard ``index`` of ``count``, 1-based."""

    index: int
    count: int

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"

    def holds(self, person_id: str) -> bool:
        return shard_of(person_id, self.count) == self.index

    @property
    def part_name(self) -> str:
        return f"shard-{self.index}-of-{self.count}.json"


def shard_of(person_id: str, count: int) -> int:
    """The shard (1..count) a person belongs to: the same on every machine, run and Python version."""
    return int.from_bytes(hashlib.sha256(person_id.encode("utf-8")).digest(), "big") % count + 1


def parse_shard(text: str) -> Shard:
    """``"K/N"`` as a Shard; anything else is a ValueError whose message says what to write instead."""
    found = _SHARD.fullmatch(text)
    if found is None:
        raise ValueError(f"--shard: {text}: write it as K/N, e.g. 2/4 for the second of four shards")
    index, count = int(found[1]), int(found[2])
    if count < 1:
        raise ValueError(f"--shard: {text}: N must be at least 1")
    if not 1 <= index <= count:
        raise ValueError(f"--shard: {text}: K must be between 1 and N (shards are numbered from 1)")
    return Shard(index, count)


def select_people(ids: list[str], shard: Shard | None) -> list[str]:
    return ids if shard is None else [pid for pid in ids if shard.holds(pid)]


def _owner(stem: str) -> str:
    return stem.split("/", 1)[0]


def part_paths(build_dir: Path) -> list[Path]:
    """Every shard's cache part, oldest first (a newer part's entries win over an older one's)."""
    folder = build_dir / PARTS_DIR
    if not folder.is_dir():
        return []
    found = []
    for path in folder.glob("shard-*.json"):
        try:
            found.append((path.stat().st_mtime_ns, path.name, path))
        except OSError:
            continue
    return [path for _, _, path in sorted(found)]


def _read(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        log.warning("%s unreadable (%s): its people are rebuilt", path, exc)
        return None
    return data if isinstance(data, dict) and data.get("schema") == CACHE_SCHEMA else None


class ShardedCache(BuildCache):
    """The main cache with every shard's part folded in (a part is newer than the main cache).

    Saved as a shard's part (only that shard's people) when ``shard`` is given; else as the main
    cache, after which the parts it absorbed are removed."""

    def __init__(self, build_dir: Path, data: dict[str, Any] | None, shard: Shard | None, parts: list[Path]) -> None:
        super().__init__(build_dir, data)
        self.shard = shard
        self.parts = parts

    def save(self) -> None:
        if self.shard is None:
            super().save()
            for path in self.parts:
                path.unlink(missing_ok=True)
            if self.parts:
                try:
                    (self.build_dir / PARTS_DIR).rmdir()
                except OSError:  # a shard wrote a new part meanwhile: it is folded in next time
                    pass
            self.parts = []
            return
        holds = self.shard.holds
        data = {
            "schema": CACHE_SCHEMA,
            "shard": str(self.shard),
            "jobs": {stem: entry for stem, entry in self.jobs.items() if holds(_owner(stem))},
            "people": {pid: entry for pid, entry in self.people.items() if holds(pid)},
        }
        write_text(
            self.build_dir / PARTS_DIR / self.shard.part_name,
            json.dumps(data, separators=(",", ":"), sort_keys=True),
            durable=False,
        )


def load_cache(build_dir: Path, shard: Shard | None) -> BuildCache:
    """The build cache for a build of ``shard`` (None: the whole project), parts folded in.

    A part's entries replace the main cache's for that part's people (jobs and index rows alike),
    and so does a newer part's over an older one's: each part holds whole people."""
    base = BuildCache.load(build_dir)
    parts = part_paths(build_dir)
    cache = ShardedCache(
        build_dir, {"schema": CACHE_SCHEMA, "jobs": base.jobs, "people": base.people, "index": base.index}, shard, parts
    )
    for path in parts:
        data = _read(path)
        if data is None:
            continue
        try:
            owner = parse_shard(str(data.get("shard"))).holds
        except ValueError:
            continue
        # Every entry of the part's people goes, even one the part no longer has (a person whose
        # build failed in that shard has no entry there, and must not keep an older one here).
        for stem in [s for s in cache.jobs if owner(_owner(s))]:
            del cache.jobs[stem]
        for pid in [p for p in cache.people if owner(p)]:
            del cache.people[pid]
        cache.jobs.update(data.get("jobs", {}))
        cache.people.update(data.get("people", {}))
    return cache


__all__ = ["CACHE_NAME", "PARTS_DIR", "Shard", "ShardedCache", "load_cache", "parse_shard", "select_people", "shard_of"]
