"""Benchmark: ingest of a realistic 2,000-page scan, against the floor measured in the same run.

Builds a throw-away SQLite instance with one round of N entries (4 answer pages) and a vault,
prints the kits, turns them into MFP-like scans (200 dpi greyscale JPEG pages in one PDF, skewed
up to ±3°, ~10% upside down, noise, blur, shuffled; generated in parallel slices, then merged and
shuffled again), and keeps, for every scanned page, the kit page it shows. Then it measures:

* the floor: every page extracted and its codes decoded (``reader.load_page`` +
  ``reader.find_codes``) in ``--workers`` processes, nothing else; measured before and after the
  ingest, and the two times averaged, so that a machine slowing down or speeding up during the
  run (a shared VM does) moves both sides of the ratio alike;
* end to end: ``create_upload`` (store, encrypt) + ``process_upload`` with ``--workers``, committing;
* the CPU time per page of both (this process and its joined children), which the neighbours move
  less than the clock;
* the peak RSS of the ingest process and its children (sampled every 50 ms);
* correctness against the ground truth: misassigned pages and the share identified without a person.

Prints a table and exits 1 if a target fails (≥ 50 pages/s, ≥ half the floor, < 600 MB, no
misassigned page, ≥ 99.5% identified).

    .venv/bin/python scripts/bench_ingest.py [--booklets 400] [--workers 2] [--seed 1]
        [--scan-processes 2] [--keep DIR]
"""

from __future__ import annotations

import argparse
import concurrent.futures
import io
import multiprocessing
import os
import random
import resource
import shutil
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium  # type: ignore[import-untyped]

from integrity.scans.domain import reader
from integrity.scans.domain.codes import CodeType
from integrity.scans.domain.pagestore import REOPEN_EVERY
from integrity.scans.domain.simulate import (
    Degradation,
    ScanPdfWriter,
    rasterise_page,
    simulate_scans,
)

ANSWER_PAGES = 4
Truth = tuple[int, int, int]  # code type, serial, page number (0: cover)


def scan_slice(
    kit: str, pages: list[int], out: str, seed: int
) -> tuple[list[int], dict[int, Truth]]:
    """Scan some kit pages into ``out``; also read each clean kit page's codes (the ground truth)."""
    plan = simulate_scans(Path(kit), Path(out), random.Random(seed), Degradation(), pages=pages)
    truth: dict[int, Truth] = {}
    pdf = pdfium.PdfDocument(kit)
    try:
        for k in pages:
            image = rasterise_page(pdf, k, 200)
            payload = reader.interpret(reader.find_codes(image), image.size).payload
            assert payload is not None, f"kit page {k} unreadable"
            truth[k] = (int(payload.code_type), payload.serial, payload.page)
    finally:
        pdf.close()
    return plan.source_pages, truth


def merge_slices(parts: list[str], counts: list[int], out: str, seed: int) -> list[tuple[int, int]]:
    """Merge the slices into ``out`` in a fresh shuffle, copying each page's JPEG bytes (never
    re-encoded); return, per output page, (slice, page of the slice). Runs in a child process:
    pdfium keeps what it parsed until a document closes, and that memory is not the ingest's."""
    order = [(s, i) for s, count in enumerate(counts) for i in range(count)]
    random.Random(seed).shuffle(order)
    docs = [pdfium.PdfDocument(part) for part in parts]
    with open(out, "wb") as handle, ScanPdfWriter(handle) as writer:
        for s, i in order:
            page = docs[s][i]
            (image,) = page.get_objects(filter=(pdfium.raw.FPDF_PAGEOBJ_IMAGE,), max_depth=1)
            assert image.get_filters() == ["DCTDecode"]
            buffer = io.BytesIO()
            image.extract(buffer)
            meta = image.get_metadata()
            writer.add_jpeg_page(buffer.getvalue(), meta.width, meta.height, 200)
            page.close()
    for doc in docs:
        doc.close()
    return order


def make_scans(kit: Path, count: int, out: Path, processes: int, seed: int) -> list[Truth]:
    """Scan the ``count`` kit pages in parallel slices and merge them into ``out`` (in child
    processes); return the truth for every output page."""
    slices = [list(range(count))[s::processes] for s in range(processes)]
    parts = [str(out.with_name(f"slice-{s}.pdf")) for s in range(processes)]
    context = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(processes, mp_context=context) as pool:
        futures = [
            pool.submit(scan_slice, str(kit), pages, part, seed * 1000 + s)
            for s, (pages, part) in enumerate(zip(slices, parts, strict=True))
        ]
        results = [f.result() for f in futures]
        counts = [len(sources) for sources, _ in results]
        order = pool.submit(merge_slices, parts, counts, str(out), seed).result()
    for part in parts:
        Path(part).unlink()
    by_kit: dict[int, Truth] = {k: t for _, truth in results for k, t in truth.items()}
    # The kit is booklet after booklet, cover then pages 1..4: check before relying on it.
    for k, (kind, serial, page) in by_kit.items():
        assert page == k % (ANSWER_PAGES + 1) and (kind == CodeType.COVER) == (page == 0), k
        assert serial == by_kit[k - page][1], k
    assert len(by_kit) == count == len(order)
    return [by_kit[results[s][0][i]] for s, i in order]


_floor_pages: Any = None


def floor_open(path: str) -> None:
    """The floor reads pages exactly as the ingest does (the same reopening), and nothing more."""
    global _floor_pages
    _floor_pages = reader.reopening(Path(path), REOPEN_EVERY)


def floor_page(index: int) -> int:
    _, source = next(_floor_pages)
    return len(reader.find_codes(reader.load_page(source, index)))


def measure_floor(path: Path, pages: int, workers: int) -> tuple[float, float, int]:
    """Seconds and CPU seconds to extract and decode every page in ``workers`` processes; pages
    with no code."""
    cpu, started = cpu_s(), time.perf_counter()
    context = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(
        workers, mp_context=context, initializer=floor_open, initargs=(str(path),)
    ) as pool:
        found = list(pool.map(floor_page, range(pages), chunksize=4))
    return time.perf_counter() - started, cpu_s() - cpu, sum(1 for n in found if n == 0)


def _children_by_scan() -> dict[int, list[int]]:
    """Every process's children, from every /proc/N/stat (slow: the whole machine's processes)."""
    children: dict[int, list[int]] = defaultdict(list)
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            children[int(stat.rsplit(")", 1)[1].split()[1])].append(int(entry))
    return children


def _children_of(pid: int) -> list[int]:
    """A process's children, from /proc/PID/task/TID/children: reads only our own tree."""
    found: list[int] = []
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            found.extend(
                int(c) for c in Path(f"/proc/{pid}/task/{tid}/children").read_text().split()
            )
        except FileNotFoundError:  # the thread has just ended
            continue
    return found


CHILDREN_FILES = Path(f"/proc/{os.getpid()}/task/{os.getpid()}/children").exists()


def tree_rss_kb(root: int) -> int:
    """VmRSS of ``root`` and all its descendants, in kB. Sampled every 50 ms while the ingest runs,
    so it must cost little: scanning all of /proc took 3.4 ms a sample, about 3% of a 2-core
    machine taken from the ingest alone (the floor runs unwatched)."""
    scanned = None if CHILDREN_FILES else _children_by_scan()
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        try:
            todo.extend(scanned.get(pid, []) if scanned is not None else _children_of(pid))
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total


def cpu_s() -> float:
    """CPU seconds of this process and of its children that have ended (pools are joined)."""
    own, ended = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return own.ru_utime + own.ru_stime + ended.ru_utime + ended.ru_stime


class PeakRss(threading.Thread):
    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.start_kb = self.peak_kb = tree_rss_kb(os.getpid())
        self._done = threading.Event()

    def run(self) -> None:
        while not self._done.wait(0.05):
            self.peak_kb = max(self.peak_kb, tree_rss_kb(os.getpid()))

    def stop(self) -> float:
        self._done.set()
        self.join()
        return max(self.peak_kb, tree_rss_kb(os.getpid())) / 1024


def build_round(session: Any, booklets: int, seed: int) -> Any:
    """An event with one subject, one round of ``booklets`` entries (4 answer pages) and a vault."""
    from integrity.audit.domain.chain import Actor
    from integrity.demo.domain.generator import MIN_PARTICIPANTS, generate
    from integrity.registry.domain.kinds import EventKind, Stage
    from integrity.registry.services import catalogue, people, places
    from integrity.vault.services import create_vault

    actor = Actor(None, "bench")
    event = catalogue.create_event(
        session, actor=actor, title_kk="Облыстық олимпиада", title_ru="Областная олимпиада",
        title_en=None, kind=EventKind.SUBJECT_OLYMPIAD, stage=Stage.REGIONAL,
        academic_year="2026-2027",
    )  # fmt: skip
    subject = catalogue.add_subject(
        session, actor=actor, event=event, code="MATH", name_kk="Математика",
        name_ru="Математика", name_en="Mathematics", grade_min=1, grade_max=12,
    )  # fmt: skip
    round_ = catalogue.add_round(session, actor=actor, subject=subject, answer_pages=ANSWER_PAGES)
    district = places.add_district(session, actor=actor, name_kk="Байзақ", name_ru="Байзак")
    school = places.add_school(
        session, actor=actor, district=district, name_kk="№1 мектеп", name_ru="Школа №1"
    )
    pupils = generate(
        random.Random(seed), participants=max(booklets, MIN_PARTICIPANTS)
    ).participants
    for pupil in pupils[:booklets]:
        participant = people.register_participant(
            session, actor=actor, iin=pupil.iin, surname=pupil.surname,
            given_name=pupil.given_name, patronymic=pupil.patronymic, grade=pupil.grade,
            school=school,
        )  # fmt: skip
        people.enter_participant(session, actor=actor, round_=round_, participant=participant)
    create_vault(session, actor=actor, event=event, passphrase="bench passphrase", n_log2=10)
    session.commit()
    return round_


def check(session: Any, upload_id: int, lines: list[Any], truth: list[Truth]) -> tuple[int, int]:
    """Misassigned pages and pages identified without a person (cover or answer, and right)."""
    from sqlalchemy import select

    from integrity.scans.models import ScanPage

    wrong: set[int] = set()
    for line in lines:
        kind, serial, page = truth[line.index]
        if line.status in ("cover", "answer", "duplicate", "foreign") and (
            (line.serial, line.page) != (serial, page)
            or (line.status == "cover") != (kind == CodeType.COVER)
        ):
            wrong.add(line.index)
    rows = session.execute(
        select(ScanPage.index, ScanPage.work_id, ScanPage.page_no).where(
            ScanPage.upload_id == upload_id, ScanPage.work_id.isnot(None)
        )
    ).all()
    by_work: dict[int, list[int]] = defaultdict(list)
    works_of: dict[int, set[int]] = defaultdict(set)
    for index, work_id, page_no in rows:
        by_work[work_id].append(index)
        works_of[truth[index][1]].add(work_id)
        if page_no != truth[index][2]:
            wrong.add(index)
    for indices in by_work.values():  # every page of a work comes from one booklet...
        owner = Counter(truth[i][1] for i in indices).most_common(1)[0][0]
        wrong.update(i for i in indices if truth[i][1] != owner)
    split = {serial for serial, works in works_of.items() if len(works) > 1}
    wrong.update(i for i, _, _ in rows if truth[i][1] in split)  # ...and a booklet has one work
    identified = sum(
        1 for line in lines if line.status in ("cover", "answer") and line.index not in wrong
    )
    return len(wrong), identified


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--booklets", type=int, default=400)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--scan-processes", type=int, default=2)
    parser.add_argument("--keep", type=Path, help="keep the generated files in this folder")
    args = parser.parse_args()

    from flask_migrate import upgrade

    from integrity import create_app
    from integrity.audit.domain.chain import Actor
    from integrity.extensions import db
    from integrity.scans.services.ingest import create_upload
    from integrity.scans.services.kits import print_kits
    from integrity.scans.services.runner import run_ingest
    from integrity.settings import settings_of

    actor = Actor(None, "bench")
    with tempfile.TemporaryDirectory(prefix="bench-ingest-") as folder:
        instance = Path(folder)
        config = {"ENV": "testing", "SECRET_KEY": "bench-ingest", "LOG_LEVEL": "WARNING",
                  "DATABASE_URL": f"sqlite:///{instance / 'bench.sqlite3'}"}  # fmt: skip
        app = create_app(config, instance_path=str(instance))
        settings = settings_of(app)
        with app.app_context():
            upgrade()
            round_ = build_round(db.session, args.booklets, args.seed)
            run, pdf = print_kits(db.session, actor=actor, round_=round_, settings=settings)
            db.session.commit()
            kit, scan = instance / "kits.pdf", instance / "scans.pdf"
            kit.write_bytes(pdf)
            started = time.perf_counter()
            truth = make_scans(kit, run.pages, scan, args.scan_processes, args.seed)
            generation_s = time.perf_counter() - started
            pages, size_mb = len(truth), scan.stat().st_size / 2**20
            print(f"{pages} pages, {size_mb:.0f} MB, generated in {generation_s:.0f} s", flush=True)

            before_s, before_cpu, floor_blank = measure_floor(scan, pages, args.workers)
            print(f"floor before: {pages / before_s:.1f} pages/s", flush=True)

            monitor = PeakRss()
            monitor.start()
            cpu, started = cpu_s(), time.perf_counter()
            with scan.open("rb") as stream:
                upload, _ = create_upload(
                    db.session, actor=actor, round_=round_, stream=stream, filename=scan.name,
                    settings=settings,
                )  # fmt: skip
            db.session.commit()
            stored_s = time.perf_counter() - started
            # The same path as the upload page's job and the ingest command.
            report = run_ingest(upload.id, actor, settings=settings, workers=args.workers)
            ingest_s, ingest_cpu = time.perf_counter() - started, cpu_s() - cpu
            print(f"stored in {stored_s:.1f} s, read in {ingest_s - stored_s:.1f} s", flush=True)
            peak_mb, start_mb = monitor.stop(), monitor.start_kb / 1024
            misassigned, identified = check(db.session, upload.id, report.lines, truth)
            totals = report.totals()
            db.session.remove()
            after_s, after_cpu, _ = measure_floor(scan, pages, args.workers)
            print(f"floor after: {pages / after_s:.1f} pages/s", flush=True)
            floor_s, floor_cpu = (before_s + after_s) / 2, (before_cpu + after_cpu) / 2
        if args.keep:
            args.keep.mkdir(parents=True, exist_ok=True)
            for path in (kit, scan):
                shutil.copy2(path, args.keep / path.name)

    floor_rate, rate = pages / floor_s, pages / ingest_s
    share = 100 * identified / pages
    rows = [
        ("pages", f"{pages}", None),
        ("file MB", f"{size_mb:.0f}", None),
        ("generation s", f"{generation_s:.0f}", None),
        ("floor pages/s", f"{floor_rate:.1f}", None),
        ("  before, after", f"{pages / before_s:.0f}, {pages / after_s:.0f}", None),
        ("end-to-end pages/s", f"{rate:.1f}", rate >= 50),
        ("ratio to floor", f"{rate / floor_rate:.2f}", rate / floor_rate >= 0.5),
        # The work itself, less moved by the neighbours than the clock: CPU time per page.
        ("CPU ms/page: floor", f"{1000 * floor_cpu / pages:.1f}", None),
        ("CPU ms/page: ingest", f"{1000 * ingest_cpu / pages:.1f}", None),
        ("CPU ratio", f"{floor_cpu / ingest_cpu:.2f}", None),
        ("peak RSS MB", f"{peak_mb:.0f}", peak_mb < 600),
        ("misassigned", f"{misassigned}", misassigned == 0),
        ("identified %", f"{share:.2f}", share >= 99.5),
    ]
    print(f"\nworkers {args.workers}; statuses {dict(sorted(totals.items()))}", end="")
    print(f"; floor pages without a code: {floor_blank}; RSS at ingest start {start_mb:.0f} MB")
    print("load average at the end (1, 5, 15 min): {:.1f} {:.1f} {:.1f}\n".format(*os.getloadavg()))
    print(f"{'measure':<22}{'value':>10}  target")
    for label, value, ok in rows:
        print(f"{label:<22}{value:>10}  {'' if ok is None else 'PASS' if ok else 'FAIL'}")
    return 0 if all(ok is not False for _, _, ok in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
