"""Clip reassembly: duplicates, reordering, gaps (concealed), lost ends, timeouts and publisher restarts,
each with exact counters."""

import dataclasses

import numpy as np
from gnuradio.semsat.receiver.assembler import Assembler
from gnuradio.semsat.receiver.clip_messages import clip_messages
from gnuradio.semsat.receiver.conceal import conceal
from gnuradio.semsat.receiver.messages import Rejection
from gnuradio.semsat.receiver.testing_clips import synthetic_features

T = 20


def messages(clip="a", mode="V2A", epoch=0, seed=0):
    """T face messages (one frame each), text, end of clip."""
    return clip_messages(synthetic_features(T, seed), clip, mode, epoch, chunk_frames=1)


def run(sequence, assembler=None, now=0.0):
    assembler = assembler or Assembler(window=8, timeout_s=1.0)
    clips = [c for m in sequence for c in assembler.feed(m, now)]
    return assembler, clips


def test_clean_clip_is_complete_and_exact():
    assembler, (clip,) = run(messages())
    np.testing.assert_array_equal(clip.face_params, synthetic_features(T).face_params)
    assert clip.text == "bin blue" and clip.n_frames == T and not clip.concealed.any()
    c = clip.counters
    assert (c.received, c.duplicates, c.reordered, c.gaps, c.concealed_frames) == (T + 2, 0, 0, 0, 0)
    assert c.finished_by == "complete" and assembler.totals.clips == 1


def test_duplicates_and_reordering_are_counted_and_absorbed():
    m = messages()
    sequence = [m[0], m[0], m[2], m[1], m[3], m[3], m[5], m[4], *m[6:], m[-1]]
    assembler, (clip,) = run(sequence)
    np.testing.assert_array_equal(clip.face_params, synthetic_features(T).face_params)
    assert (clip.counters.duplicates, clip.counters.reordered) == (2, 2)
    assert assembler.totals.duplicates == 3  # the repeated end of clip came after the clip was emitted
    assert assembler.totals.late == 0


def test_gaps_are_concealed_and_counted():
    m = messages()
    lost = {3, 4, 10, T}  # two runs of face frames and the text
    assembler, (clip,) = run([x for i, x in enumerate(m) if i not in lost] + m[:1] * 8)
    truth = synthetic_features(T).face_params
    assert clip.counters.concealed_frames == 3 and clip.counters.gaps == 3
    assert clip.counters.missing_streams == ("text",) and clip.text is None
    assert clip.counters.finished_by == "end+window"
    np.testing.assert_array_equal(np.flatnonzero(clip.concealed), [3, 4, 10])
    np.testing.assert_allclose(clip.face_params[10], (truth[9] + truth[11]) / 2, rtol=1e-6)
    np.testing.assert_allclose(clip.face_params[3], truth[2] + (truth[5] - truth[2]) / 3, rtol=1e-5)
    assert (assembler.totals.gaps, assembler.totals.concealed_frames) == (3, 3)


def test_lost_end_of_clip_finishes_after_the_window_and_by_timeout():
    a, b = messages("a"), messages("b", seed=1)
    assembler, clips = run(a[:-1] + b[:8])
    assert [(c.clip, c.counters.finished_by) for c in clips] == [("a", "window")]
    assert clips[0].counters.missing_streams == ("control",) and clips[0].counters.gaps == 1
    (late,) = assembler.poll(now=1.5)
    assert late.clip == "b" and late.counters.finished_by == "timeout"
    assert late.counters.concealed_frames == T - 8 and late.counters.gaps == 3


def test_publisher_restart_continuing_or_resending_a_clip():
    m = messages(epoch=1)
    resumed = [x.with_epoch(2) for x in m[10:]]
    assembler, (clip,) = run(m[:10] + resumed)
    assert assembler.totals.restarts == 1 and clip.counters.finished_by == "complete"
    assert clip.counters.concealed_frames == 0
    resent = [x.with_epoch(3) for x in m]  # a restarted publisher starting the clip again from seq 0
    assembler, (clip,) = run(m[:10] + resent)
    assert assembler.totals.restarts == 1 and clip.counters.duplicates == 10
    np.testing.assert_array_equal(clip.face_params, synthetic_features(T).face_params)


def test_messages_for_emitted_clips_and_bad_messages_are_counted():
    m = messages()
    extra = dataclasses.replace(m[0], seq=99)
    inconsistent = dataclasses.replace(messages("b")[0], clip_frames=T + 1)
    assembler, clips = run(
        [messages("b")[1], *m, m[5], extra, Rejection("oversized: 2000000 bytes"), inconsistent],
        Assembler(window=100, timeout_s=1.0),
    )
    totals = assembler.totals
    assert [c.clip for c in clips] == ["a"]
    assert (totals.received, totals.duplicates, totals.late, totals.rejected) == (T + 7, 1, 1, 2)
    assert totals.reasons == {"oversized": 1, "inconsistent with earlier messages of clip b": 1}
    (b,) = assembler.flush()
    assert b.clip == "b" and b.counters.finished_by == "flush" and b.counters.concealed_frames == T - 1


def test_a2v_clip_has_no_face_stream():
    assembler, (clip,) = run(messages(mode="A2V"))
    assert clip.face_params is None and not clip.concealed.any()
    np.testing.assert_array_equal(clip.durations, synthetic_features(T).durations)


def test_conceal_holds_edges_and_falls_back_to_neutral():
    values = np.arange(10, dtype=np.float32).reshape(5, 2)
    received = np.array([False, True, False, True, False])
    np.testing.assert_array_equal(conceal(values, received)[:, 0], [2, 2, 4, 6, 6])
    assert not conceal(values, np.zeros(5, bool)).any()


def with_eyelids(sequence, openings):
    """The V2A messages plus one eyelids message per face message (same frames), before the end of clip."""
    faces = [m for m in sequence if m.stream == "face_params"]
    eyes = [
        dataclasses.replace(m, stream="eyelids", payload=openings[m.frame : m.frame + m.n_frames])
        for m in faces
    ]
    return [*sequence[:-1], *eyes, sequence[-1]]


def test_eyelids_are_optional_and_their_gaps_interpolated_without_counting():
    openings = np.linspace(0.4, 0.2, T).astype(np.float32)
    full = with_eyelids(messages(), openings)
    _, (clip,) = run(full)
    np.testing.assert_array_equal(clip.eyelids, openings)
    lost = [m for m in full if not (m.stream == "eyelids" and m.frame in (5, 6))]
    _, (clip,) = run(lost)
    np.testing.assert_allclose(clip.eyelids, openings, rtol=1e-6)  # linear: interpolation is exact
    assert clip.counters.gaps == 0 and clip.counters.finished_by == "complete"
    _, (clip,) = run(messages())
    assert clip.eyelids is None and clip.counters.finished_by == "complete"
