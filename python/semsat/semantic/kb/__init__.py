"""The knowledge base both ends keep (identities: reference frames, meshes, embeddings, voice profiles), the
transmitter's L0-L3 update policy and the cost of an update on the digital path."""

from .policy import UpdateDecision, UpdateLevel, UpdatePolicy, decide, frozen_reconstruction
from .record import IdentityRecord, RecordError
from .reference import reference_index, reference_record
from .store import KnowledgeBase, KnowledgeBaseError
from .update_cost import UpdateCost, as_received, update_symbols

__all__ = [
    "IdentityRecord",
    "KnowledgeBase",
    "KnowledgeBaseError",
    "RecordError",
    "UpdateCost",
    "UpdateDecision",
    "UpdateLevel",
    "UpdatePolicy",
    "as_received",
    "decide",
    "frozen_reconstruction",
    "reference_index",
    "reference_record",
    "update_symbols",
]
