"""The ground receiver's reconstruction side: decoded semantics arrive over ZMQ as PMT-serialized PDUs,
are validated (messages), reassembled into whole clips (assembler) and rebuilt into video and speech
(reconstruct) by the ``semsat-reconstruct`` process (subscriber)."""
