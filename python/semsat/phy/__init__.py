"""Pure (GNU Radio-free where possible) pieces of the digital path: Gray QAM with max-log soft demapping,
LDPC coding through gr-fec, the framing (length, CRC-32, shortening, interleaving) that joins them, and the
time interleaving of a packet over bursts (packet_bursts.py, burst_gatherer.py).

The GNU Radio blocks built on them are ``gnuradio.semsat.digital_encoder`` and ``digital_decoder``.
"""
