"""Sum-product belief propagation in the LLR domain, vectorised over the Tanner graph's edges.

Why not gr-fec's decoder: gr-fec 3.10.5's awgn_bp multiplies likelihood ratios in double precision; they
overflow, NaNs spread and the decision collapses to the all-zero word (a codeword, so it "succeeds"). It
does so most on heavily shortened codewords (the second codeword of a 107..110-byte packet: 2-26
information bits, the rest known zeros) with code bits on faded carriers: 13-21 % of such codewords at a
rate far below capacity (qa_phy_belief_propagation.py); over NTN-TDL-A it lost packets in mild fades that
this decoder gets (docs/digital-path.md). In the LLR domain the check-node rule is exact and bounded: with
phi(x) = -ln tanh(x / 2) (its own inverse), a check sends each neighbour
sign(prod of the others' messages) * phi(sum of phi(|others|)).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import numpy.typing as npt

# phi's argument is clipped: phi(1e-9) = 21.4 bounds every check-to-variable message, and phi(40) ~ 8e-18
# keeps the logarithm finite. Messages stay finite whatever the input.
_PHI_ARG_MIN = 1e-9
_PHI_ARG_MAX = 40.0


def _phi(x: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    x = np.clip(x, _PHI_ARG_MIN, _PHI_ARG_MAX)
    return -np.log(np.tanh(0.5 * x))


def read_alist(path: str | Path) -> tuple[int, int, npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """(n, m, check index, variable index) of every 1 in an alist parity-check matrix (MacKay's format:
    sizes, maximum degrees, column and row degrees, then each column's 1-based rows; zero padding ignored)."""
    values = np.array(Path(path).read_text().split(), dtype=np.int64)
    n, m = int(values[0]), int(values[1])
    col_degrees = values[4 : 4 + n]
    pos = 4 + n + m
    checks, variables = [], []
    max_col_degree = int(values[2])
    padded = values.size >= pos + n * max_col_degree + m * int(values[3])
    for v, degree in enumerate(col_degrees):
        width = max_col_degree if padded else int(degree)
        rows = values[pos : pos + width]
        pos += width
        rows = rows[rows > 0]
        if rows.size != degree or rows.max(initial=0) > m:
            raise ValueError(f"{path}: column {v} does not match its degree {degree}")
        checks.extend(rows - 1)
        variables.extend([v] * rows.size)
    return n, m, np.asarray(checks, dtype=np.int64), np.asarray(variables, dtype=np.int64)


class BeliefPropagation:
    """Flooding sum-product decoder of one binary code given by the edges (check, variable) of H."""

    def __init__(
        self,
        n: int,
        m: int,
        checks: npt.ArrayLike,
        variables: npt.ArrayLike,
        max_iterations: int = 50,
    ) -> None:
        if max_iterations < 1:
            raise ValueError(f"max_iterations must be >= 1, got {max_iterations}")
        checks = np.asarray(checks, dtype=np.int64)
        variables = np.asarray(variables, dtype=np.int64)
        order = np.lexsort((variables, checks))  # edges grouped by check, as reduceat needs
        self.n, self.m, self.max_iterations = n, m, max_iterations
        self._check = checks[order]
        self._var = variables[order]
        if np.unique(self._check).size != m:
            raise ValueError("every check must have at least one variable")
        self._check_start = np.flatnonzero(np.r_[True, np.diff(self._check) != 0])

    @classmethod
    def from_alist(cls, path: str | Path, max_iterations: int = 50) -> BeliefPropagation:
        return cls(*read_alist(path), max_iterations=max_iterations)

    def decode(self, llr: npt.ArrayLike) -> tuple[npt.NDArray[np.uint8], int]:
        """Hard decisions of one codeword from its channel LLRs (positive = bit 1, gr-fec's convention) and
        the iterations run: 0 when the input's own decisions are a codeword, max_iterations when BP did
        not converge (the decisions are then returned anyway; the caller's CRC decides)."""
        # Internally L = ln P(0) / P(1), where a check's outgoing sign is the product of the others' signs.
        channel = -np.asarray(llr, dtype=np.float64)
        if channel.shape != (self.n,):
            raise ValueError(f"expected {self.n} LLRs, got shape {channel.shape}")
        bits = (channel < 0).astype(np.uint8)
        if self.is_codeword(bits):
            return bits, 0
        check, var, start = self._check, self._var, self._check_start
        to_var = np.zeros(check.size)
        for iteration in range(1, self.max_iterations + 1):
            posterior = channel + np.bincount(var, to_var, self.n)
            to_check = posterior[var] - to_var
            negative = to_check < 0
            phis = _phi(np.abs(to_check))
            others = np.add.reduceat(phis, start)[check] - phis
            # Parity of the negative messages on the check, without this edge's own.
            flips = (np.add.reduceat(negative.astype(np.int64), start)[check] - negative) & 1
            to_var = np.where(flips == 1, -1.0, 1.0) * _phi(others)
            posterior = channel + np.bincount(var, to_var, self.n)
            bits = (posterior < 0).astype(np.uint8)
            if self.is_codeword(bits):
                return bits, iteration
        return bits, self.max_iterations

    def is_codeword(self, bits: npt.NDArray[np.uint8]) -> bool:
        """Whether every parity check holds."""
        parity = np.bincount(self._check, bits[self._var], self.m).astype(np.int64) & 1
        return not parity.any()
