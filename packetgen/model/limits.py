"""How big an input file may be: the bounds that keep one hostile or broken file from stopping a build.

A profile or event file is untrusted text written in a hurry. Without bounds, 4 KB of nested YAML
aliases took 20 s and 2.3 GB, and 500 nested brackets crashed the whole build. Each bound below is
checked while the file is read, so a file past one is refused with ``file:line`` in well under a
second, and every other person is still built.

The defaults are far above anything a hand-written file needs (the realistic envelope is about
20 KB, 6 levels of nesting, 600 values and 50-word fields), so only a mistake or an attack meets
them. They live here, in one place, so a project setting can override them later.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    """Bounds on one input file. Anchors and aliases need no bound: they are refused outright."""

    file_bytes: int = 1024 * 1024
    """Largest file read at all (1 MiB: about 50 times the largest realistic profile)."""
    depth: int = 24
    """Deepest nesting of blocks and lists (a profile uses 5)."""
    values: int = 20_000
    """Most keys, values and list entries in one file (a large profile has about 600)."""
    value_chars: int = 20_000
    """Longest single value, in characters (about 3,000 words: several printed pages)."""


LIMITS = Limits()
"""The limits in force for profiles and events."""
