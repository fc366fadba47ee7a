"""Media I/O: clips in (any FFmpeg format) as 25 fps RGB frames and 16 kHz mono audio, mp4 out."""
