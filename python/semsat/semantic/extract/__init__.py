"""Semantic extraction from real media: face parameters, landmarks, identity, text, phonemes, prosody."""
