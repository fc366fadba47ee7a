"""The LDPC decoder (sum-product belief propagation on gr-fec's alist matrices) against coding theory."""

import numpy as np
import pytest
from gnuradio.semsat.phy.belief_propagation import BeliefPropagation, read_alist
from gnuradio.semsat.phy.ldpc import LLR_MAX, LdpcCode, alist_path

# Density evolution of the (3, 6)-regular ensemble under BP on the binary-input AWGN channel: decoding
# succeeds for noise sigma below 0.8809 (Richardson & Urbanke, "Modern Coding Theory"), i.e.
# Eb/N0 = 1 / (2 R sigma^2) = 1.10 dB at R = 1/2.
THRESHOLD_EBN0_DB = 1.10


def bpsk_llrs(code: LdpcCode, info: np.ndarray, ebn0_db: float, rng: np.random.Generator) -> np.ndarray:
    """Channel LLRs (positive = bit 1) of BPSK over AWGN at Eb/N0 for this code's rate."""
    n0 = 1.0 / (10 ** (ebn0_db / 10) * code.rate)
    y = 2.0 * code.encode(info) - 1.0 + np.sqrt(n0 / 2) * rng.standard_normal(code.n)
    return 4.0 * y / n0


@pytest.mark.parametrize("name", ["n_1800_k_0902_gap_28.alist", "n_0300_k_0152_gap_03.alist"])
def test_alist_matrix_holds_for_gr_fec_codewords(name):
    n, m, checks, variables = read_alist(alist_path(name))
    degrees = np.bincount(variables, minlength=n)
    assert checks.size == degrees.sum() and degrees.min() >= 2 and checks.max() == m - 1
    code = LdpcCode(name)
    decoder = BeliefPropagation(n, m, checks, variables)
    rng = np.random.default_rng(4)
    for _ in range(5):
        codeword = code.encode(rng.integers(0, 2, code.k, dtype=np.uint8))
        assert decoder.is_codeword(codeword)
        codeword[rng.integers(0, n)] ^= 1
        assert not decoder.is_codeword(codeword)


def test_default_code_fails_below_and_decodes_above_the_bp_threshold():
    """n = 1800 is finite, so the waterfall sits a little above the ensemble's 1.10 dB: 0.5 dB below the
    threshold nearly every codeword fails, 1.4 dB above it none of 300 does."""
    code = LdpcCode()
    rng = np.random.default_rng(8)

    def errors(ebn0_db: float, frames: int) -> int:
        count = 0
        for _ in range(frames):
            info = rng.integers(0, 2, code.k, dtype=np.uint8)
            count += not np.array_equal(code.decode(bpsk_llrs(code, info, ebn0_db, rng))[0], info)
        return count

    assert errors(THRESHOLD_EBN0_DB - 0.5, 40) >= 36
    assert errors(THRESHOLD_EBN0_DB + 1.4, 300) == 0


@pytest.mark.parametrize(("info_bits", "erased"), [(18, 0.5), (100, 0.4)])
def test_shortened_codeword_with_erased_carriers_decodes(info_bits, erased):
    """The second codeword of a 107..110-byte packet: a few information bits, the rest known zeros (LLR
    -LLR_MAX), and in a frequency-selective fade many code bits on faded carriers (LLR 0). The unerased bits
    carry about 0.5 x 898 bits of information for at most 100 unknowns, far inside the erasure channel's
    capacity. gr-fec 3.10.5's awgn_bp lost 13 % and 21 % of these codewords (all-zero collapse), and so
    packets over NTN-TDL-A in mild fades. Belief propagation in the LLR domain must decode every one."""
    code = LdpcCode()
    rng = np.random.default_rng(info_bits)
    failures = 0
    for _ in range(100):
        info = np.zeros(code.k, dtype=np.uint8)
        info[:info_bits] = rng.integers(0, 2, info_bits)
        llrs = bpsk_llrs(code, info, 6.0, rng)
        llrs[rng.random(code.n) < erased] = 0.0
        llrs[code.n - code.k + info_bits :] = -LLR_MAX
        failures += not np.array_equal(code.decode(llrs)[0], info)
    assert failures == 0


def test_bad_input_is_a_clear_error(tmp_path):
    decoder = BeliefPropagation.from_alist(alist_path("n_0300_k_0152_gap_03.alist"))
    with pytest.raises(ValueError, match="expected 300 LLRs"):
        decoder.decode(np.zeros(299))
    with pytest.raises(ValueError, match="max_iterations"):
        BeliefPropagation.from_alist(alist_path("n_0300_k_0152_gap_03.alist"), max_iterations=0)
    broken = tmp_path / "broken.alist"
    # Column 1 claims degree 2 but lists one row.
    broken.write_text("3 2\n2 2\n1 2 1\n2 2\n1 0\n1 0\n2 0\n1 2\n2 3\n")
    with pytest.raises(ValueError, match="column 1"):
        read_alist(broken)
