"""Pure (GNU Radio-free where possible) pieces of the digital path: Gray QAM with max-log soft demapping,
LDPC coding through gr-fec, and the framing (length, CRC-32, shortening, interleaving) that joins them.

The GNU Radio blocks built on them are ``gnuradio.semsat.digital_encoder`` and ``digital_decoder``.
"""
