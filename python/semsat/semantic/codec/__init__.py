"""Temporal semantic codec: per stream a Transformer encoder to unit-power complex symbols and a decoder that
reads the received symbols with their noise variances (DESIGN.md, Semantic layer).

streams.py (what an item is, symbols per item), runtime.py (onnxruntime encode/decode, numpy only),
channel.py (AWGN and Rayleigh block fading for tests), metrics.py (NMSE, accuracies), budget.py (symbols per
stream and second); model.py and training.py need torch and serve `semsat-train codec` only.
"""
