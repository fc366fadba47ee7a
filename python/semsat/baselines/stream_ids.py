"""stream_id of each baseline stream in the PHY header: apart from the digital path's 0, the semantic
streams' 1-4 (semantic/codec/streams.py) and the coded link's flush packets (255)."""

VIDEO = 8
AUDIO = 9
KEYPOINTS = 10
