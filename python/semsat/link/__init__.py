"""The end-to-end link of `semsat-link` (docs/link.md): a clip's semantics through one GNU Radio flowgraph
(semantic and digital encoders, OFDM, Doppler, uplink and downlink NTN channels, OFDM receiver, decoders) to
the ZMQ wire of the separate reconstruction process, and the report of what it cost and what came back."""
