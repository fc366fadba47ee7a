"""The ZMQ SUB side against GNU Radio's own zeromq.pub_msg_sink in a running flowgraph, and against the
test publisher through a publisher restart."""

import threading
import time

import numpy as np
import pmt
from gnuradio import blocks, gr, zeromq
from gnuradio.semsat.receiver.assembler import Assembler
from gnuradio.semsat.receiver.clip_messages import clip_messages
from gnuradio.semsat.receiver.messages import SemanticMessage, parse
from gnuradio.semsat.receiver.publisher import Faults, Publisher
from gnuradio.semsat.receiver.subscriber import Subscriber
from gnuradio.semsat.receiver.testing_clips import synthetic_features

DEADLINE_S = 10.0


def test_gnuradio_pub_msg_sink_interoperates():
    features = synthetic_features(20)
    messages = clip_messages(features, "gr-clip", chunk_frames=4, epoch=7)
    tb = gr.top_block()
    sink = zeromq.pub_msg_sink("tcp://127.0.0.1:*", 100, True)
    # The strobe repeats the first PDU until the subscriber has joined (ZMQ drops messages before that).
    strobe = blocks.message_strobe(messages[0].to_pdu(), 20)
    tb.msg_connect(strobe, "strobe", sink, "in")
    tb.start()
    try:
        with Subscriber(sink.last_endpoint()) as subscriber:
            first = _receive(subscriber)
            assert _same(first, messages[0]) and first.epoch == 7
            for message in messages:
                sink.to_basic_block()._post(pmt.intern("in"), message.to_pdu())
            assembler = Assembler()
            clips = assembler.feed(first, time.monotonic())
            deadline = time.monotonic() + DEADLINE_S
            while not clips and time.monotonic() < deadline:
                raw = subscriber.receive(0.1)
                if raw is not None:
                    clips = assembler.feed(parse(raw), time.monotonic())
    finally:
        tb.stop()
        tb.wait()
    (clip,) = clips
    np.testing.assert_array_equal(clip.face_params, features.face_params)
    assert clip.text == features.text and clip.counters.finished_by == "complete"
    assert assembler.totals.rejected == 0 and clip.counters.duplicates >= 1  # the strobe's first PDU


def test_publisher_restart_loses_nothing():
    messages = clip_messages(synthetic_features(20), "p", chunk_frames=2)
    received: list[bytes] = []
    with Publisher() as publisher, Subscriber(publisher.endpoint) as subscriber:
        # The subscriber must be read meanwhile (as the receiver does) for ZMQ to reconnect it.
        reader = threading.Thread(target=_read_all, args=(subscriber, len(messages), received))
        reader.start()
        publisher.wait_for_subscriber(DEADLINE_S)
        epoch = publisher.epoch
        report = publisher.publish(messages, Faults(restart_at=5), timeout_s=DEADLINE_S)
        reader.join(DEADLINE_S)
    parsed = [parse(raw) for raw in received]
    assert report.restarts == 1 and report.frames_sent == len(messages) == len(parsed)
    assert [m.epoch for m in parsed] == [epoch] * 5 + [epoch + 1] * (len(messages) - 5)
    assert all(_same(a, b) for a, b in zip(parsed, messages, strict=True))


def _read_all(subscriber: Subscriber, count: int, into: list[bytes]) -> None:
    deadline = time.monotonic() + DEADLINE_S
    while len(into) < count and time.monotonic() < deadline:
        raw = subscriber.receive(0.05)
        if raw is not None:
            into.append(raw)


def _receive(subscriber: Subscriber) -> SemanticMessage:
    raw = subscriber.receive(DEADLINE_S)
    assert raw is not None, "no message within the deadline"
    message = parse(raw)
    assert isinstance(message, SemanticMessage), message
    return message


def _same(a: SemanticMessage, b: SemanticMessage) -> bool:
    """Equal apart from the epoch (numpy payloads compared by value)."""
    return (a.stream, a.clip, a.seq, a.frame, a.n_frames) == (
        b.stream,
        b.clip,
        b.seq,
        b.frame,
        b.n_frames,
    ) and (
        np.array_equal(a.payload, b.payload) if isinstance(a.payload, np.ndarray) else a.payload == b.payload
    )
