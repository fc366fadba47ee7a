"""semsat-link end to end, as users run it: the bundled GRID clip through the real flowgraph (semantic and
digital encoders, OFDM, bulk Doppler, uplink and downlink NTN-TDL-A, pre-compensation, OFDM receiver,
decoders) into the separate semsat-reconstruct process, scored by the report against the original clip.

High SNR (20 dB) must meet issue 4's clean-feature bars "within 20%", read as: every bar loosened by a fifth
of itself in the failing direction, an upper bound times 1.2 (V2A AKD <= 1.2 x 1.2 = 1.44 px, mouth AKD
<= 1.44 px and <= 0.5 x 1.2 = 0.6 of the frozen mouth AKD, identity distance < 0.35 x 1.2 = 0.42, A2V AKD
<= 0.7 x 1.2 = 0.84 of frozen, A2V WER at most 0.10 x 1.2 = 0.12 above the original speech's), a lower bound
divided by 1.2 (PSNR >= 28 / 1.2 = 23.3 dB, SSIM >= 0.85 / 1.2 = 0.71), the A2V audio-video offset within
2 frames (2.4 rounded down: offsets are whole frames). The output must also beat the frozen baseline on
AKD and PSNR. 0 dB must complete, give every frame and score worse than 20 dB.
"""

import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from gnuradio.semsat.effect.akd import frame_landmarks
from gnuradio.semsat.effect.av_offset import av_offset
from gnuradio.semsat.media.clip import read_clip
from gnuradio.semsat.media.face_crop import crop_frames
from gnuradio.semsat.media.writer import write_clip
from gnuradio.semsat.semantic.codec.bursts import DEFAULT_BURSTS, effective_bursts
from gnuradio.semsat.semantic.codec.streams import stream_spec, text_to_ids
from gnuradio.semsat.semantic.extract.face_track import track_face

LINK = Path(sys.prefix) / "bin" / "semsat-link"
CLIP = Path(__file__).resolve().parents[1] / "examples" / "media" / "grid_bbaf2n.mpg"
TRANSCRIPT = "bin blue at f two now"
RUN_S = 600
WITHIN = 1.2  # "within 20%"


def semsat_link(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(LINK), *args, "--quiet"], capture_output=True, text=True, timeout=RUN_S
    )


@pytest.fixture(scope="module")
def kb_dir(tmp_path_factory) -> Path:
    """Both ends' knowledge bases, kept across the module's runs: the first run's update serves the rest."""
    return tmp_path_factory.mktemp("kb")


def link_run(out: Path, kb_dir: Path, mode: str, snr: float, *extra: str) -> tuple[dict, Path]:
    output = out / f"{mode}-{snr:g}.mp4"
    report = out / f"{mode}-{snr:g}.json"
    done = semsat_link(
        str(CLIP), "--mode", mode, "--snr", str(snr), "--altitude", "600", "--channel", "A",
        "--elevation", "45", "--seed", "1", "--transcript", TRANSCRIPT, "--kb-dir", str(kb_dir),
        "-o", str(output), "--report", str(report), *extra,
    )  # fmt: skip
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr[-2000:]
    result = json.loads(report.read_text())
    r = result["runtime"]
    print(
        f"{mode} {snr:g} dB: link {r['link_ms_per_frame']:.1f} ms/frame "
        f"({r['link_realtime_factor']:.2f}x real time at {result['fps']:g} fps), "
        f"reconstruction {r['reconstruction_ms_per_frame']:.1f} ms/frame, "
        f"end to end {r['end_to_end_realtime_factor']:.2f}x real time; "
        f"metrics {json.dumps(result['metrics'])}"
    )
    return result, output


@pytest.fixture(scope="module")
def v2a_high(tmp_path_factory, kb_dir):
    out = tmp_path_factory.mktemp("v2a-high")
    report, output = link_run(
        out, kb_dir, "v2a", 20.0, "--side-by-side", str(out / "side.png"), "--asr-grammar", "grid"
    )
    return report, output, out / "side.png"


@pytest.fixture(scope="module")
def a2v_high(tmp_path_factory, kb_dir, v2a_high):
    return link_run(tmp_path_factory.mktemp("a2v-high"), kb_dir, "a2v", 20.0, "--asr-grammar", "grid")


def value(report: dict, metric: str, column: str = "output") -> float:
    return report["metrics"][metric][column]


def test_v2a_at_high_snr_meets_the_clean_feature_bars_within_20_percent(v2a_high):
    report, _, _ = v2a_high
    assert value(report, "akd_px") <= 1.2 * WITHIN
    assert value(report, "akd_px") < value(report, "akd_px", "frozen")
    assert value(report, "mouth_akd_px") <= 1.2 * WITHIN
    assert value(report, "mouth_akd_px") <= 0.5 * WITHIN * value(report, "mouth_akd_px", "frozen")
    assert value(report, "psnr_db") >= 28.0 / WITHIN
    assert value(report, "psnr_db") > value(report, "psnr_db", "frozen")
    assert value(report, "ssim") >= 0.85 / WITHIN
    assert value(report, "identity_distance") < 0.35 * WITHIN


def test_a2v_at_high_snr_meets_the_clean_feature_bars_within_20_percent(a2v_high):
    """Video AKD against the frozen baseline; sync as issue 4 measures it: the synthesized speech against
    the original lips."""
    report, output = a2v_high
    assert report["text_received"] == report["text_sent"]
    assert value(report, "akd_px") <= 0.7 * WITHIN * value(report, "akd_px", "frozen")
    original, received = read_clip(CLIP), read_clip(output)
    lips = frame_landmarks(crop_frames(original.frames, track_face(original).crop_boxes))
    offset = av_offset(lips, received.audio, received.sample_rate, received.fps)
    print(f"A2V speech against the original lips: {offset.lag_frames} frames (r {offset.peak_correlation})")
    assert offset.lag_frames is not None and abs(offset.lag_frames) <= 2


def test_a2v_speech_at_high_snr_is_as_intelligible_as_the_original_within_20_percent(a2v_high):
    """WER with the ASR held to GRID's grammar (the fair score on GRID); the frozen column's WER is the ASR
    on the original speech. (Before the codec's retrained duration model the synthesized 'f' was heard as
    'a': WER 0.17; since then the speech is heard as sent in every run.)"""
    report, _ = a2v_high
    assert value(report, "wer") <= value(report, "wer", "frozen") + 0.10 * WITHIN


def test_v2a_speech_at_high_snr_is_as_intelligible_as_the_original_within_20_percent(v2a_high):
    report, _, _ = v2a_high
    assert value(report, "wer") <= value(report, "wer", "frozen") + 0.10 * WITHIN


def test_the_output_and_the_side_by_side_image(v2a_high):
    report, output, side = v2a_high
    clip, original = read_clip(output), read_clip(CLIP)
    assert clip.n_frames == original.n_frames == report["frames"]
    assert clip.frames.shape[1:] == (256, 256, 3)
    assert np.sqrt(np.mean(clip.audio**2)) > 0.01  # speech, not silence
    import cv2

    image = cv2.imread(str(side))
    assert image is not None and image.shape[1] == 3 * 256 and image.shape[0] % 256 == 0


def test_the_report_counts_what_was_sent(v2a_high):
    """Symbols per stream are what the codec's budget says the PDUs cost; the KB update (first contact)
    crossed the digital path, cost at least update_cost's estimate (its packets add headers and round up
    to whole LDPC codewords) and arrived."""
    report, _, _ = v2a_high
    symbols, pdus = report["symbols"]["per_stream"], report["symbols"]["pdus_per_stream"]
    frames = report["frames"]
    assert symbols["face"] == frames * stream_spec("face").symbols_per_item
    assert symbols["text"] == len(text_to_ids(report["text_sent"])) * stream_spec("text").symbols_per_item
    # One 1 s codec window per second of video, each time-interleaved over its bursts (one PDU each).
    face_bursts = effective_bursts(DEFAULT_BURSTS, stream_spec("face").symbols_per_item)
    text_bursts = effective_bursts(DEFAULT_BURSTS, stream_spec("text").symbols_per_item)
    assert pdus["face"] == math.ceil(frames / round(report["fps"])) * face_bursts
    assert pdus["text"] == text_bursts
    kb = report["kb"]
    assert kb["update"] and kb["delivered"] and kb["packets"] == pdus["kb_update"]
    estimate = kb["update_cost_estimate_symbols"]
    assert estimate <= symbols["kb_update"] <= 1.1 * estimate
    assert report["symbols"]["total"] == sum(symbols.values())
    assert report["symbols"]["semantic_total"] == symbols["face"] + symbols["text"]
    assert report["symbols"]["kb_update"] == symbols["kb_update"]
    for metric in ("akd_px", "psnr_db", "csim", "wer", "av_offset_frames"):
        assert set(report["metrics"][metric]) >= {"output", "frozen"}
    assert set(report["metrics"]["speech_vs_original_lips"]) >= {"lag_frames", "peak_correlation"}
    for key in ("link_ms_per_frame", "reconstruction_ms_per_frame", "link_realtime_factor"):
        assert report["runtime"][key] > 0
    decoders = report["receiver"]["semantic_decoders"]
    assert decoders["face"]["received"] == pdus["face"]  # every burst reached the face decoder
    assert decoders["face"]["decoded"] + decoders["face"]["concealed"] == pdus["face"] // face_bursts


def test_at_0_db_the_link_completes_and_degrades(tmp_path, kb_dir, v2a_high):
    high, _, _ = v2a_high
    low, output = link_run(tmp_path, kb_dir, "v2a", 0.0, "--no-wer")
    assert not low["kb"]["update"], "the receiver already holds the speaker (the 20 dB run's update)"
    assert read_clip(output).n_frames == high["frames"]
    assert value(low, "akd_px") > value(high, "akd_px")
    assert value(low, "psnr_db") < value(high, "psnr_db")


def test_a_tle_pass(tmp_path, kb_dir, v2a_high):
    """--pass: the ISS over Munich from its TLE's epoch; the Doppler follows the pass, the terminal
    pre-compensates it from an ephemeris read 0.5 s late, and the clip comes through."""
    tle = tmp_path / "iss.tle"
    tle.write_text(
        "ISS (ZARYA)\n1 25544U 98067A   19343.69339541  .00001764  00000-0  38792-4 0  9991\n"
        "2 25544  51.6439 211.2001 0007417  17.6667  85.6398 15.50103472202482\n"
    )
    output, report = tmp_path / "pass.mp4", tmp_path / "pass.json"
    done = semsat_link(
        str(CLIP), "--mode", "v2a", "--snr", "12", "--pass", str(tle), "--kb-dir", str(kb_dir),
        "--transcript", TRANSCRIPT, "--no-wer", "-o", str(output), "--report", str(report),
    )  # fmt: skip
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr[-2000:]
    result = json.loads(report.read_text())
    channel = result["channel"]
    print(f"TLE pass: {channel['geometry']}, Doppler {channel['doppler_hz']} Hz, residual "
          f"{channel['residual_doppler_hz']:.0f} Hz, AKD {value(result, 'akd_px'):.2f} px")  # fmt: skip
    assert "ISS" in channel["geometry"] and channel["elevation_deg"] >= 10.0
    assert 0.0 < channel["residual_doppler_hz"] < 1000.0
    assert read_clip(output).n_frames == result["frames"]
    assert value(result, "akd_px") < value(result, "akd_px", "frozen")


def first_error_line(done: subprocess.CompletedProcess) -> str:
    assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
    errors = [line for line in done.stderr.splitlines() if line.startswith("semsat-link: error:")]
    assert len(errors) == 1, done.stderr
    return errors[0]


@pytest.mark.parametrize(
    "args, says",
    [
        (["/nonexistent/clip.mp4", "--mode", "v2a"], "no such file"),
        (["/nonexistent/clip.mp4", "--mode", "h265"], "no such file"),
        ([str(CLIP), "--mode", "svc", "--elevation", "5"], "elevation"),
        ([str(CLIP), "--mode", "v2a", "--elevation", "5"], "elevation"),
        ([str(CLIP), "--mode", "v2a", "--altitude", "100"], "altitude"),
        ([str(CLIP), "--mode", "v2a", "--snr", "90"], "--snr"),
        ([str(CLIP), "--mode", "v2a", "--altitude", "600", "--pass", "x.tle"], "exclude"),
    ],
)
def test_bad_parameters_get_one_clear_line(tmp_path, args, says):
    done = semsat_link(*args, "-o", str(tmp_path / "out.mp4"))
    assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
    assert says in done.stderr.strip().splitlines()[-1]


def test_an_unreadable_file_and_a_clip_without_a_face(tmp_path):
    junk = tmp_path / "junk.mp4"
    junk.write_bytes(b"not a video at all" * 100)
    assert "junk.mp4" in first_error_line(
        semsat_link(str(junk), "--mode", "v2a", "-o", str(tmp_path / "a.mp4"))
    )
    blank = tmp_path / "blank.mp4"
    t = np.arange(16000) / 16000
    write_clip(
        blank,
        np.full((25, 288, 360, 3), 90, np.uint8),
        25.0,
        (0.1 * np.sin(2 * np.pi * 220 * t)).astype(np.float32),
        16000,
    )
    line = first_error_line(
        semsat_link(str(blank), "--mode", "v2a", "--transcript", "hello", "-o", str(tmp_path / "b.mp4"))
    )
    assert "face" in line
