"""Benchmark packetgen's builds against a naive baseline measured in the same run.

    .venv/bin/python bench/bench.py                       # N = 200, 1000, 10000, PDFs for 200 people
    .venv/bin/python bench/bench.py --people 200 --pdf-people 50 --memory-pdf-people 200 600   # quicker
    .venv/bin/python bench/bench.py --quick               # a few minutes: every phase, small sizes

Generates N fictional people (seeded, varied sizes) in a temp project and prints one Markdown
table: cold PDF build vs a naive sequential loop (Jinja render + one WeasyPrint
``HTML(...).write_pdf()`` per document, fonts and CSS set up each time), no-op rebuilds, the time
from a profile save to its new PDF under ``watch`` vs the bare WeasyPrint time of that document,
the HTML-only build of N people, and peak memory (PSS of this process plus its workers, sampled
every 20 ms). PDF phases use the first ``--pdf-people`` people, because 1000
people x 4 documents take many minutes on 2 cores. The page-1 phase renders ``--pagination-people``
responder packets (every third at the top of the envelope) plain and paginated, to say what
measuring page 1 and rendering again costs (``--pagination-only`` runs just that phase).

Not a test: timings depend on the machine and on whatever else runs on it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from scale import scale_rows  # noqa: E402

from packetgen.builder.document import render_person_document  # noqa: E402
from packetgen.builder.jobs import plan_jobs  # noqa: E402
from packetgen.builder.records import load_people  # noqa: E402
from packetgen.builder.runner import build  # noqa: E402
from packetgen.pipeline.render import make_environment  # noqa: E402
from packetgen.project.folders import open_project  # noqa: E402
from packetgen.watch.watch import Watcher  # noqa: E402

AS_OF = dt.date(2026, 11, 23)
MIB = 1024 * 1024

FIRST = ["Ana", "Ben", "Cai", "Dee", "Eli", "Fay", "Gus", "Hana", "Ivo", "Jo", "Kim", "Lou", "Mo", "Nia", "Ola", "Pat"]
LAST = ["Abbott", "Baker", "Chen", "Diaz", "Evans", "Fox", "Garcia", "Huang", "Ibsen", "Jones", "Khan", "Lopez"]
MEDS = [
    ("Metformin", "500 mg", "diabetes"),
    ("Lisinopril", "10 mg", "blood pressure"),
    ("Sertraline", "50 mg", "mood"),
    ("Levetiracetam", "750 mg", "seizures"),
    ("Quetiapine", "100 mg", "sleep and mood"),
    ("Atorvastatin", "20 mg", "cholesterol"),
    ("Levothyroxine", "75 mcg", "thyroid"),
    ("Omeprazole", "20 mg", "reflux"),
    ("Lithium carbonate", "600 mg", "mood"),
    ("Apixaban", "5 mg", "blood thinner"),
    ("Baclofen", "10 mg", "muscle spasm"),
    ("Melatonin", "3 mg", "sleep"),
]
ALLERGENS = ["Penicillin", "Sulfa drugs", "Latex", "Peanuts", "Shellfish", "Haloperidol", "Codeine", "Iodine contrast"]
SENTENCES = [
    "Likes a calm room and a familiar voice.",
    "Needs time to answer questions.",
    "Uses short sentences and gestures.",
    "Walks with a cane outdoors.",
    "Becomes quiet when in pain.",
    "Enjoys music from the 1970s.",
    "Prefers staff to knock and wait.",
    "Carries a picture card for the bus.",
]


def fictional_person(rng: random.Random, index: int, full: bool = False) -> dict[str, Any]:
    """One invented person; the size of every list varies, as real profiles do."""
    size = "full" if full else rng.choice(["small", "medium", "large"])
    n = {"small": 1, "medium": 3, "large": 6, "full": 6}[size]
    none = {"verified_on": "2026-06-01", "verified_by": "RN"}

    def text(k: int) -> str:
        return " ".join(rng.choice(SENTENCES) for _ in range(k))

    def risk_list() -> dict[str, Any]:
        if rng.random() < 0.5:
            return {"none_known": none}
        count = 3 if full else rng.randint(1, 2)
        return {"items": [{"risk": text(1), "what_to_do": text(3 if full else 1)} for _ in range(count)]}

    meds = rng.sample(MEDS, k=len(MEDS) if full else min(len(MEDS), rng.randint(0, n * 2)))
    allergies = rng.sample(ALLERGENS, k=rng.randint(0, min(4, n)))
    return {
        "fictional": True,
        "identity": {
            "preferred_name": rng.choice(FIRST),
            "legal_name": f"{rng.choice(FIRST)} {rng.choice(LAST)}",
            "date_of_birth": f"{rng.randint(1940, 2004)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}",
            "language": rng.choice(["English", "Spanish", "Polish", "Vietnamese"]),
            "interpreter_needed": rng.random() < 0.2,
        },
        "plan": {
            "version": rng.randint(1, 9),
            "effective": "2026-06-01",
            "last_reviewed": "2026-06-01",
            "supervisor": {"name": f"{rng.choice(FIRST)} {rng.choice(LAST)}", "phone": f"555-01{index % 100:02d}"},
        },
        "communication": {"how_i_communicate": text(n), "how_i_understand": text(1), "how_i_say_no": text(1)},
        "baseline": {"typical_presentation": text(n), "signs_of_change": text(n)},
        "allergies": {
            "items": [
                {"substance": a, "reaction": "rash", "severity": rng.choice(["mild", "severe"])} for a in allergies
            ]
        }
        if allergies
        else {"none_known": none},
        "medications": {
            "items": [{"name": m, "dose": d, "route": "by mouth", "schedule": "8 am", "purpose": p} for m, d, p in meds]
        }
        if meds
        else {"none_known": none},
        "risks": {"mobility": risk_list(), "swallowing": risk_list(), "seizures": risk_list(), "falls": risk_list()},
        "decision_maker": {"decides_for_self": True, "code_status": "Full code", "advance_directive": "None on file"},
        "contacts": {
            "people": [
                {
                    "role": r,
                    "name": f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                    "phone": f"555-01{rng.randint(0, 99):02d}",
                    "when_to_call": text(1),
                }
                for r in ["On-call supervisor", "Family", "Case manager", "Nurse", "Day program"][:n]
            ]
        },
        "crisis_plan": {
            key: [text(1) for _ in range(rng.randint(1, n + 1))]
            for key in ("triggers", "early_warning_signs", "what_helps", "what_to_avoid", "step_down_criteria")
        }
        | {"escalation_steps": [{"step": text(1), "role": "Shift lead"} for _ in range(rng.randint(1, n + 1))]},
        "health_history": {"text": text(n * 2)},
        "internal_notes": {"text": text(1)},
    }


class _NoAliases(yaml.SafeDumper):
    """packetgen refuses anchors and aliases (PyYAML writes them for a value used twice)."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def generate(root: Path, count: int, seed: int, full_every: int = 0) -> list[str]:
    """``count`` people; with ``full_every``, every so many is at the top of the envelope (12
    medications, 3 risks per list with long "what to do"), whose page 1 spills and is measured."""
    rng = random.Random(seed)
    ids = []
    for i in range(count):
        person_id = f"person-{i:04d}"
        path = root / "people" / person_id / "profile.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        person = fictional_person(rng, i, bool(full_every) and i % full_every == 0)
        path.write_text("# FICTIONAL benchmark person\n" + yaml.dump(person, Dumper=_NoAliases, sort_keys=False))
        ids.append(person_id)
    return ids


SAMPLER = r"""
import os, select, sys
from pathlib import Path
parent, me, peak = int(sys.argv[1]), os.getpid(), 0
def rss(pid):
    if pid == me:
        return 0
    total = 0
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                total += int(line.split()[1]) * 1024
        for task in Path(f"/proc/{pid}/task").iterdir():
            for child in (task / "children").read_text().split():
                total += rss(int(child))
    except (OSError, ValueError):
        pass
    return total
while not select.select([sys.stdin], [], [], 0.02)[0]:
    peak = max(peak, rss(parent))
print(peak)
"""


class PeakMemory:
    """Peak memory of this process and its worker processes: the sum of their PSS (proportional set
    size: pages shared between forked workers counted once, not once per process as RSS would).

    Sampled every 20 ms by a separate process (not a thread: a thread here would change how the
    build starts its worker pool), which leaves itself out of the sum."""

    def __init__(self) -> None:
        self.peak = 0

    def __enter__(self) -> PeakMemory:
        import subprocess

        self._sampler = subprocess.Popen(
            [sys.executable, "-c", SAMPLER, str(os.getpid())], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        return self

    def __exit__(self, *exc: object) -> None:
        out, _ = self._sampler.communicate("")
        self.peak = int(out.strip() or 0)


def timed(action: Callable[[], Any]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def naive_pdf(html: str, styles: Path, out: Path, forms: bool = False) -> None:
    """What a first implementation does: one WeasyPrint call per document, fonts and CSS each time."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    css = CSS(filename=str(styles / "packet.css"), font_config=fonts)
    out.write_bytes(
        HTML(string=html, base_url=str(styles) + "/").write_pdf(
            stylesheets=[css], font_config=fonts, pdf_variant="pdf/ua-1", pdf_forms=forms
        )
    )


def naive_build(root: Path, out: Path) -> int:
    """Sequential: load, Jinja render, one ``write_pdf`` per document."""
    project = open_project(root, out)
    env = make_environment(project.look)
    stamp = {"fingerprint": "naive", "generated": "naive"}
    jobs = plan_jobs(load_people(project, as_of=AS_OF), AS_OF)
    for job in jobs:
        doc = render_person_document(
            env, job.record, job.kind, AS_OF, stamp, {"changes": None, "previous": None} | job.extra
        )
        target = out / f"{job.stem}.pdf"
        target.parent.mkdir(parents=True, exist_ok=True)
        naive_pdf(doc.print_html, project.styles_dir, target, job.kind.forms)
    return len(jobs)


def watch_latency(
    root: Path, people: list[str], workers: int | None, rounds: int
) -> tuple[list[float], list[float], list[float]]:
    """Save a profile, time until its responder packet PDF (and all its PDFs) are replaced."""
    project = open_project(root)
    watcher = Watcher(project, report=lambda line: None, as_of=AS_OF, workers=workers)
    watcher.warm_up()
    watcher.build_all()
    watcher.start()
    stop = threading.Event()
    thread = threading.Thread(target=watcher.run, args=(stop,), daemon=True)
    thread.start()
    first, every, bare = [], [], []
    env = make_environment(project.look)
    try:
        time.sleep(0.5)
        for person_id in people[:rounds]:
            folder = project.build_dir / person_id
            pdfs = [folder / "responder-packet.pdf"] + sorted(
                p for p in folder.glob("**/*.pdf") if p.name != "responder-packet.pdf"
            )
            before = {p: p.stat().st_mtime_ns for p in pdfs}
            profile = project.profile_path(person_id)
            text = profile.read_text().replace("version: ", "version: 1", 1)
            written = time.perf_counter()
            profile.write_text(text)
            seen: dict[Path, float] = {}
            deadline = written + 60
            while len(seen) < len(pdfs) and time.perf_counter() < deadline:
                for p in pdfs:
                    if p not in seen and p.stat().st_mtime_ns != before[p]:
                        seen[p] = time.perf_counter() - written
                time.sleep(0.002)
            first.append(seen[pdfs[0]])
            every.append(max(seen.values()))
            time.sleep(0.3)
            (record,) = load_people(project, [person_id], as_of=AS_OF)
            job = plan_jobs([record], AS_OF)[0]
            doc = render_person_document(
                env,
                record,
                job.kind,
                AS_OF,
                {"fingerprint": "x", "generated": "x"},
                {"changes": None, "previous": None},
            )
            bare.append(timed(lambda doc=doc: naive_pdf(doc.print_html, project.styles_dir, Path(os.devnull))))
    finally:
        stop.set()
        thread.join()
        watcher.stop()
    return first, every, bare


def pagination_cost(root: Path, people: list[str]) -> dict[str, float]:
    """What measuring page 1 costs (packetgen/pipeline/paginate.py), per responder packet, in one process:
    the plain render (one layout, written) against the paginated one, which renders again only for
    a packet whose page 1 spills (a tall measuring layout, the real page again, sometimes one more
    for a moved block or a pointer's page)."""
    from packetgen.pipeline.pdf import PdfRenderer

    project = open_project(root)
    env = make_environment(project.look)
    renderer = PdfRenderer(project.styles_dir, project.paper)
    plain, paged, extra, renders = [], [], [], []
    for record in load_people(project, people):
        job = plan_jobs([record], AS_OF)[0]
        doc = render_person_document(env, record, job.kind, AS_OF, {"fingerprint": "x", "generated": "x"})
        plain.append(timed(lambda doc=doc: renderer.render(doc.print_html)))
        facts: dict[str, Any] = {}

        def paginated(doc: Any = doc, facts: dict[str, Any] = facts) -> None:
            facts.update(renderer.render_paginated(doc.source, doc.plan())[1])

        paged.append(timed(paginated))
        renders.append(facts["renders"])
        if facts["renders"] > 1:
            extra.append(paged[-1] - plain[-1])
    return {
        "packets": len(plain),
        "plain": statistics.median(plain),
        "spilled": sum(r > 1 for r in renders),
        "renders": statistics.mean(r for r in renders if r > 1) if extra else 1.0,
        "extra": statistics.median(extra) if extra else 0.0,
        "overhead": sum(paged) / sum(plain) - 1,
    }


def pagination_rows(root: Path, count: int, seed: int) -> list[tuple[str, str, str, str]]:
    cost = pagination_cost(root, generate(root, count, seed, full_every=3))
    return [
        (
            f"page 1 measured: responder packets that spill and render again, of {cost['packets']:.0f}",
            f"{cost['spilled']:.0f} ({cost['renders']:.1f} renders each on average)",
            "",
            "",
        ),
        ("page 1 measured: one plain packet render (median)", f"{cost['plain']:.2f} s", "", ""),
        ("page 1 measured: extra time for a packet that renders again (median)", f"{cost['extra']:.2f} s", "", ""),
        ("page 1 measured: all responder packets, against plain renders", f"{cost['overhead']:+.0%}", "", ""),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, nargs="+", default=[200, 1000, 10000])
    parser.add_argument("--pdf-people", type=int, default=200, help="people in the PDF phases (3 documents each)")
    parser.add_argument("--seed", type=int, default=20261123)
    parser.add_argument("--workers", type=int, default=None, help="PDF worker processes (default: one per core)")
    parser.add_argument("--watch-rounds", type=int, default=3)
    parser.add_argument(
        "--pagination-people",
        type=int,
        default=40,
        help="responder packets rendered plain and paginated to measure the second render",
    )
    parser.add_argument("--pagination-only", action="store_true", help="run only the page-1 phase")
    parser.add_argument(
        "--memory-pdf-people",
        type=int,
        nargs="*",
        default=[200, 2000],
        help="people in the PDF builds whose peak memory is measured (cold, one build each)",
    )
    parser.add_argument("--shards", type=int, default=2, help="concurrent shards to compare (1: skip)")
    parser.add_argument("--no-dask", action="store_true", help="skip the Dask LocalCluster phase")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="a few minutes: 200 HTML people, 12 PDF people, memory at 12 and 40, no watch phase",
    )
    args = parser.parse_args()
    if args.quick:
        args.people, args.pdf_people, args.memory_pdf_people = [200], 12, [12, 40]
        args.watch_rounds, args.pagination_people = 0, 0
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1795000000")
    rows: list[tuple[str, str, str, str]] = []
    cores = len(os.sched_getaffinity(0))
    load = os.getloadavg()[0]

    with tempfile.TemporaryDirectory(prefix="packetgen-bench-") as tmp:
        for count in [] if args.pagination_only else args.people:
            root = Path(tmp) / f"n{count}"
            ids = generate(root, count, args.seed)
            project = open_project(root)
            with PeakMemory() as memory:
                started = time.perf_counter()
                result = build(project, formats=("html",), as_of=AS_OF)
                cold = time.perf_counter() - started
            noop = timed(lambda project=project: build(project, formats=("html",), as_of=AS_OF))
            rows.append(
                (
                    f"HTML-only build, {count} people ({len(result.rebuilt)} documents)",
                    f"{cold:.2f} s",
                    "< 3 s" if count >= 1000 else "",
                    _verdict(cold < 3) if count >= 1000 else "",
                )
            )
            rows.append(
                (
                    f"no-op rebuild, {count} people (HTML)",
                    f"{noop:.2f} s",
                    "< 1 s" if count >= 1000 else "",
                    _verdict(noop < 1) if count >= 1000 else "",
                )
            )
            rows.append(
                (
                    f"peak memory, HTML build of {count}",
                    f"{memory.peak / MIB:.0f} MiB",
                    "< 500 MiB",
                    _verdict(memory.peak < 500 * MIB),
                )
            )

        if args.pagination_only:
            rows += pagination_rows(Path(tmp) / "pagination", args.pagination_people, args.seed)
            print_table(rows, cores, load, args.seed)
            return
        pdf_count = min(args.pdf_people, max(args.people))
        root = Path(tmp) / "pdf"
        ids = generate(root, pdf_count, args.seed)
        started = time.perf_counter()
        docs = naive_build(root, Path(tmp) / "naive-out")
        naive = time.perf_counter() - started
        project = open_project(root)
        with PeakMemory() as memory:
            cold = timed(lambda: build(project, as_of=AS_OF, workers=args.workers))
        noop = timed(lambda: build(project, as_of=AS_OF))
        rows.append((f"naive baseline, {pdf_count} people ({docs} PDFs), sequential", f"{naive:.1f} s", "", ""))
        rows.append(
            (
                f"cold build, {pdf_count} people ({docs} PDF + HTML)",
                f"{cold:.1f} s = {cold / naive:.2f}x naive",
                "<= 0.6x",
                _verdict(cold / naive <= 0.6),
            )
        )
        rows.append((f"no-op rebuild, {pdf_count} people (HTML + PDF)", f"{noop:.2f} s", "", ""))
        rows.append(
            (
                f"peak memory, PDF build of {pdf_count} ({cores} workers)",
                f"{memory.peak / MIB:.0f} MiB",
                "< 500 MiB",
                _verdict(memory.peak < 500 * MIB),
            )
        )
        rows += scale_rows(root, Path(tmp), cold, project.build_dir, AS_OF, cores, args.shards, not args.no_dask)
        for count in args.memory_pdf_people:
            big = Path(tmp) / f"memory-{count}"
            generate(big, count, args.seed)
            with PeakMemory() as memory:
                seconds = timed(lambda big=big: build(open_project(big), as_of=AS_OF, workers=args.workers))
            rows.append(
                (
                    f"peak memory, PDF build of {count} people ({seconds:.0f} s)",
                    f"{memory.peak / MIB:.0f} MiB",
                    "< 500 MiB",
                    _verdict(memory.peak < 500 * MIB),
                )
            )
        if args.pagination_people:
            rows += pagination_rows(Path(tmp) / "pagination", args.pagination_people, args.seed)
        if not args.watch_rounds:
            print_table(rows, cores, load, args.seed)
            return
        first, every, bare = watch_latency(root, ids, args.workers, args.watch_rounds)
        ratio = statistics.median(first) / statistics.median(bare)
        rows.append(
            (
                "watch: save -> new responder packet PDF (median)",
                f"{statistics.median(first):.2f} s = {ratio:.2f}x bare WeasyPrint ({statistics.median(bare):.2f} s)",
                "<= 1.2x",
                _verdict(ratio <= 1.2),
            )
        )
        rows.append(("watch: save -> all that person's PDFs (median)", f"{statistics.median(every):.2f} s", "", ""))

    print_table(rows, cores, load, args.seed)


def print_table(rows: list[tuple[str, str, str, str]], cores: int, load: float, seed: int) -> None:
    print(
        f"\npacketgen benchmark: {cores} cores, load average {load:.1f} at start, seed {seed}, "
        f"Python {sys.version.split()[0]}\n"
    )
    print("| measure | result | target | |")
    print("|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")


def _verdict(ok: bool) -> str:
    return "met" if ok else "**missed**"


if __name__ == "__main__":
    main()
