"""Issue 13's bound: for any bytes, an answer within 2 seconds and 300 MiB per file.

Each hostile file is loaded and validated in a fresh process (peak memory is per process), which
reports its own time and the growth of its peak resident memory over the baseline after imports.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

MIB = 1024 * 1024
ROW = "x: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]\n"

HOSTILE: dict[str, bytes] = {
    "nine levels of aliases": (
        "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
        + "".join(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]\n" for i in range(1, 9))
    ).encode(),
    "a million brackets": b"a: " + b"[" * (MIB - 8),
    "half a million list entries": b"a: [" + b"1," * (MIB // 2 - 4) + b"]",
    "a 1 MiB key": b"x" * (MIB - 8) + b": 1\n",
    "a 1 MiB value": b"a: " + "é".encode() * (MIB // 2 - 4) + b"\n",
    "a 1 MiB scalar alone": b"a" * MIB,
    "19,000 unknown keys": "".join(f"key{i}: v\n" for i in range(19_000)).encode(),
    "19,000 duplicate keys": b"a: 1\n" * 19_000,
    "1 MiB of comments": b"# comment\n" * (MIB // 10),
    "1 MiB of zero-width spaces": "\u200b".encode() * (MIB // 3),
    "400 nested blocks": b"".join(b"  " * i + b"a:\n" for i in range(400)),
    "1 MiB of short rows": ROW.encode() * (MIB // len(ROW)),
    "a 50 MiB file": b"a: b\n" * (10 * MIB),
}

SCRIPT = r"""
import json, resource, sys, time, datetime as dt
from pathlib import Path
from packetgen.pipeline.load import load_yaml
from packetgen.pipeline.validate import validate_profile
path = Path(sys.argv[1])
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
started = time.perf_counter()
doc = load_yaml(path, Path("people/x/profile.yaml"))
profile, problems = validate_profile(doc, path.parent, dt.date(2026, 11, 23))
seconds = time.perf_counter() - started
grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) * 1024
print(json.dumps({"seconds": seconds, "grown": grown, "problems": [str(p) for p in problems][:3],
                  "lines": [p.line for p in problems if p.severity == "error"][:3]}))
"""


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_file_is_answered_within_2_s_and_300_mib(tmp_path: Path, name: str) -> None:
    path = tmp_path / "profile.yaml"
    path.write_bytes(HOSTILE[name])
    done = subprocess.run([sys.executable, "-c", SCRIPT, str(path)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["problems"] and all(report["lines"]), report
    assert "Input should" not in " ".join(report["problems"]) and "maximum nesting" not in report["problems"][0]
    assert report["seconds"] < 2, report
    assert report["grown"] < 300 * MIB, report
