"""Table (c): the knowledge-base update policy L0-L3 over a sequence of sessions.

The sequence is the development clips in order, ``passes`` times (a speaker seen again in a later
session), with the speaker handle the MANIFEST's person (V3 speaks in two VoxCeleb2 clips). At each level
the sender starts with an empty KB and decides per session with the policy (semantic/kb.decide, as
link.sender.kb_decision does; the update record is computed once per clip); an update is assumed
delivered (its crossing and retransmissions are semsat-link's), so the receiver holds the sender's record.

Per level: updates per 100 sessions; the semantic symbols (V2A: face parameters and text) and the KB
symbols (the update's real packets on the digital path: CRC + LDPC + QPSK) per session; and V2A's AKD with
the record the receiver holds for the speaker, from the clean features (no channel: the KB's effect
alone), against the clip's crops.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from ..baselines.budget import payloads_symbols, v2a_symbols
from ..link.kb_update import update_packets
from ..link.sender import SenderClip, identity_update
from ..receiver.semantic_reconstructors import SpeakerModels
from ..semantic.extract.eyelids import eyelid_opening
from ..semantic.kb import IdentityRecord, KnowledgeBase, decide
from .corpus import BenchClip
from .scoring import Reference

LEVELS = (0, 1, 2, 3)


@dataclass(frozen=True)
class AblationRow:
    level: int
    sessions: int
    updates: int
    semantic_symbols: float  # per session
    kb_symbols: float  # per session
    akd_px: float  # mean over sessions
    frozen_akd_px: float  # mean over sessions: the frozen baseline (the clip's own first frame) beside

    @property
    def updates_per_100(self) -> float:
        return 100.0 * self.updates / self.sessions


def kb_ablation(
    clips: Sequence[BenchClip],
    senders: dict[str, SenderClip],
    references: dict[str, Reference],
    passes: int = 2,
) -> list[AblationRow]:
    as_person = {c.name: person_sender(senders[c.name], c.person) for c in clips}
    records = {c.name: identity_update(as_person[c.name]) for c in clips}
    packets = {name: payloads_symbols(len(p) for p in update_packets(r, 1)) for name, r in records.items()}
    rendered: dict[tuple[str, str], float] = {}  # (clip, clip whose record the receiver holds) -> AKD
    sequence = [c for _ in range(passes) for c in clips]
    rows = []
    for level in LEVELS:
        holds: dict[str, str] = {}  # person -> clip whose record the receiver holds
        updates, kb_symbols, akds = 0, 0, []
        with tempfile.TemporaryDirectory(prefix="semsat-bench-ablation-") as work:
            with KnowledgeBase(Path(work) / "sender.sqlite") as kb:
                for clip in sequence:
                    sender = as_person[clip.name]
                    if decide(kb, sender.features, sender.crops, level).update:
                        kb.put(records[clip.name])
                        holds[clip.person] = clip.name
                        updates += 1
                        kb_symbols += packets[clip.name]
                    key = (clip.name, holds[clip.person])
                    if key not in rendered:
                        rendered[key] = clean_akd(sender, records[key[1]], references[clip.name])
                    akds.append(rendered[key])
        rows.append(
            AblationRow(
                level,
                len(sequence),
                updates,
                float(np.mean([v2a_symbols(senders[c.name].features) for c in sequence])),
                kb_symbols / len(sequence),
                float(np.nanmean(akds)),
                float(np.mean([references[c.name].frozen.akd_px for c in sequence])),
            )
        )
    return rows


def person_sender(sender: SenderClip, person: str) -> SenderClip:
    """The clip with the MANIFEST's person as its speaker handle (the extraction names it by file)."""
    return replace(sender, features=replace(sender.features, speaker=person))


def clean_akd(sender: SenderClip, record: IdentityRecord, reference: Reference) -> float:
    """V2A's AKD from the clean features rendered with ``record`` (the receiver's KB entry)."""
    features = sender.features
    frames = SpeakerModels(record).render(features.face_params, eyelid_opening(features.mesh468))
    return reference.akd_px(frames)
