"""Semantics of a talking-head clip: extraction, container, codec and generation."""
