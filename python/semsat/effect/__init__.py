"""Effectiveness metrics: how well a reconstructed talking-head clip matches its reference (DESIGN.md,
"Effectiveness metrics").

- ``akd``: average keypoint distance of dlib's 68 points (FOMM's definition), whole face and mouth.
- ``image_quality``: PSNR and SSIM per frame.
- ``identity``: dlib identity distance and CSIM on a frame subsample.
- ``speech_quality``: WER (ASR on the output), PESQ wideband and STOI.
- ``av_offset``: audio-video offset from mouth opening against the speech envelope.
- ``evaluate``: all of them for an output clip and for the "frozen" baseline beside it (``semsat-eval``).
"""
