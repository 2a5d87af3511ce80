"""The demo's scan step: one round ingested and frozen (its ledger public), and one round whose
kits are printed and whose realistic scans wait in the data folder for a newcomer to upload."""

from __future__ import annotations

import random
import tempfile
from pathlib import Path

from flask import current_app

from integrity.audit.domain import Actor
from integrity.db import AnySession
from integrity.jury.services.conflicts import FREEZE_STEP
from integrity.registry.models import Event, Round
from integrity.scans.domain.simulate import Degradation, simulate_scans
from integrity.scans.services import ingest, kits, queue
from integrity.settings import settings_of
from integrity.vault.services import create_vault

DEMO_CHAIR_PASSPHRASE = "integrity-demo-chair"  # noqa: S105  (demo only; printed at start-up)
# The frozen round needs no realism (nobody uploads it by hand), so it is made quickly.
QUICK = Degradation(max_skew_deg=1.0, upside_down_share=0.05, noise_sigma=0.0, blur_radius=0.0)


def load_scan_demo(
    session: AnySession,
    *,
    event: Event,
    frozen: Round,
    waiting: Round,
    chair: Actor,
    it: Actor,
    upload_later: Path,
) -> None:
    """``upload_later``: where the waiting round's scans are left (``scans.wiring``)."""
    create_vault(session, actor=chair, event=event, passphrase=DEMO_CHAIR_PASSPHRASE)
    rng = random.Random(2026)
    with tempfile.TemporaryDirectory() as folder:
        kit_path, scan_path = Path(folder) / "kits.pdf", Path(folder) / "scans.pdf"
        _, pdf = kits.print_kits(
            session, actor=it, round_=frozen, settings=settings_of(current_app)
        )
        kit_path.write_bytes(pdf)
        simulate_scans(kit_path, scan_path, rng, QUICK)
        with scan_path.open("rb") as stream:
            upload, _ = ingest.create_upload(
                session,
                actor=it,
                round_=frozen,
                stream=stream,
                filename="mfp-0001.pdf",
                settings=settings_of(current_app),
            )
        ingest.process_upload(session, upload.id, actor=it, settings=settings_of(current_app))
        queue.freeze_round(
            session,
            actor=it,
            round_=frozen,
            steps=(FREEZE_STEP,),
            settings=settings_of(current_app),
        )

        _, pdf = kits.print_kits(
            session, actor=it, round_=waiting, settings=settings_of(current_app)
        )
        kit_path.write_bytes(pdf)
        upload_later.parent.mkdir(parents=True, exist_ok=True)
        simulate_scans(kit_path, upload_later, rng, Degradation(), duplicates=2, unreadable=3)
