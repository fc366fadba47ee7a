"""The gr-digital OFDM reference link (ofdm_tx -> channel_model -> ofdm_rx) used by benchmarks."""

from gnuradio.semsat import phy_reference_gr_digital as ref


def test_round_trip_at_high_snr():
    result = ref.run_link(n_packets=50, payload_bytes=96, snr_db=25.0, gap_samples=400)
    assert result.packets_sent == 50
    assert result.packets_received == 50
    assert result.bit_errors == 0
    # 96 payload + 4 CRC bytes in QPSK on 48 carriers: 9 OFDM symbols of 96 bits, + 2 sync + 1 header, of
    # 80 samples each; plus the gaps and the guard silence before and after, less channel_model's resampler
    # history (8 samples).
    assert result.samples == 50 * ((9 + 3) * 80 + 400) + 2 * 8 * 80 - 8
    assert result.seconds > 0


def test_carrier_offset_range():
    """Schmidl & Cox takes the fractional part (+-1 subcarrier), the header's channel estimator the even
    integer part, within a few subcarriers: 1.7 subcarriers (-0.3 + 2) is received, 6 is beyond the search."""
    near = ref.run_link(n_packets=40, snr_db=30.0, cfo_subcarriers=1.7, gap_samples=400)
    assert near.packets_received >= 38 and near.bit_errors == 0
    far = ref.run_link(n_packets=40, snr_db=30.0, cfo_subcarriers=6.0, gap_samples=400)
    assert far.packets_received <= 4


def test_throughput_counts_samples():
    tx, rx = ref.measure_throughput(n_packets=20)
    assert tx.samples == 20 * (9 + 3) * 80
    assert rx.samples == tx.samples + 2 * 8 * 80 - 8
    assert tx.samples_per_s > 0 and rx.samples_per_s > 0
