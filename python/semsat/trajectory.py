"""Trajectory files: the delay, Doppler and SNR time series that drive the Doppler block and the NTN channel.

A trajectory is a CSV file with '#' header lines (`# carrier_hz=...`, `# altitude_m=...`, `# generator=...`)
followed by the columns in `COLUMNS`; snr_db is NaN where no link budget was applied. `control_messages` turns
it into the PMT dicts that the C++ blocks accept on their "ctrl" message port.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pmt

from .control import control_message
from .link_budget import LinkBudget
from .orbit import FloatArray, Pass

COLUMNS = ("time_s", "elevation_deg", "slant_range_m", "delay_s", "doppler_hz", "doppler_rate_hz_s", "snr_db")
CONTROL_FIELDS = ("doppler", "doppler_rate", "snr_db")
FORMAT_LINE = "# semsat trajectory"


# eq=False: comparing numpy array fields with == is ambiguous, so trajectories compare by identity.
@dataclass(frozen=True, eq=False)
class Trajectory:
    """Sampled pass as the channel sees it; times in s, Doppler positive while approaching."""

    time_s: FloatArray
    elevation_deg: FloatArray
    slant_range_m: FloatArray
    delay_s: FloatArray
    doppler_hz: FloatArray
    doppler_rate_hz_s: FloatArray
    snr_db: FloatArray
    carrier_hz: float
    altitude_m: float = math.nan

    def __post_init__(self) -> None:
        lengths = {column: len(getattr(self, column)) for column in COLUMNS}
        if len(set(lengths.values())) != 1 or lengths["time_s"] == 0:
            raise ValueError(f"trajectory columns must be non-empty and of equal length, got {lengths}")
        if not self.carrier_hz > 0.0:
            raise ValueError(f"carrier_hz must be positive, got {self.carrier_hz}")

    @classmethod
    def from_pass(cls, satellite_pass: Pass, link: LinkBudget | None = None) -> Trajectory:
        """Trajectory of a pass; snr_db comes from `link`, or is NaN without one."""
        if link is None:
            snr = np.full_like(satellite_pass.time_s, np.nan)
        else:
            snr = np.asarray(link.snr_db(satellite_pass.slant_range_m, satellite_pass.carrier_hz))
        return cls(
            time_s=satellite_pass.time_s,
            elevation_deg=satellite_pass.elevation_deg,
            slant_range_m=satellite_pass.slant_range_m,
            delay_s=satellite_pass.delay_s,
            doppler_hz=satellite_pass.doppler_hz,
            doppler_rate_hz_s=satellite_pass.doppler_rate_hz_s,
            snr_db=snr,
            carrier_hz=satellite_pass.carrier_hz,
            altitude_m=satellite_pass.altitude_m,
        )

    def write(self, path: str | Path, generator: str = "gnuradio.semsat.trajectory") -> None:
        """Write the CSV file; values use repr() so that reading back gives the same floats."""
        # The generator note must stay on its single header line.
        generator_line = " ".join(generator.split())
        lines = [
            FORMAT_LINE,
            f"# carrier_hz={self.carrier_hz!r}",
            f"# altitude_m={self.altitude_m!r}",
            f"# generator={generator_line}",
            ",".join(COLUMNS),
        ]
        table = np.column_stack([getattr(self, column) for column in COLUMNS])
        lines.extend(",".join(repr(float(value)) for value in row) for row in table)
        Path(path).write_text("\n".join(lines) + "\n")

    @classmethod
    def read(cls, path: str | Path) -> Trajectory:
        """Read and validate a trajectory file; errors name the file and line."""
        header: dict[str, str] = {}
        columns: list[str] | None = None
        rows: list[dict[str, float]] = []
        for line_number, line in enumerate(Path(path).read_text().splitlines(), start=1):
            text = line.strip()
            if not text:
                continue
            if text.startswith("#"):
                key, separator, value = text[1:].partition("=")
                if separator:
                    header[key.strip()] = value.strip()
                continue
            fields = [field.strip() for field in text.split(",")]
            if columns is None:
                _check_columns(path, line_number, fields)
                columns = fields
                continue
            row = _parse_row(path, line_number, columns, fields)
            if rows and not row["time_s"] > rows[-1]["time_s"]:
                raise ValueError(
                    f"{path}:{line_number}: time_s {row['time_s']} does not increase "
                    f"(previous row: {rows[-1]['time_s']}); times must be strictly increasing"
                )
            rows.append(row)
        if not rows:
            raise ValueError(f"{path}: no data rows; expected a header line {','.join(COLUMNS)} and values")
        carrier_hz = _header_number(path, header, "carrier_hz")
        altitude_m = _header_number(path, header, "altitude_m") if "altitude_m" in header else math.nan
        try:
            return cls(
                **{column: np.array([row[column] for row in rows]) for column in COLUMNS},
                carrier_hz=carrier_hz,
                altitude_m=altitude_m,
            )
        except ValueError as error:
            raise ValueError(f"{path}: {error}") from None

    def doppler_at(self, time_s: npt.ArrayLike) -> FloatArray:
        """Doppler in Hz, linearly interpolated; held at the end values outside the trajectory."""
        return np.interp(time_s, self.time_s, self.doppler_hz)

    def doppler_rate_at(self, time_s: npt.ArrayLike) -> FloatArray:
        """Doppler rate in Hz/s, linearly interpolated; held at the end values outside the trajectory."""
        return np.interp(time_s, self.time_s, self.doppler_rate_hz_s)

    def snr_db_at(self, time_s: npt.ArrayLike) -> FloatArray:
        """SNR in dB, linearly interpolated (NaN next to NaN samples); held at the ends outside."""
        return np.interp(time_s, self.time_s, self.snr_db)


def control_messages(
    trajectory: Trajectory,
    samp_rate: float,
    fields: tuple[str, ...] = CONTROL_FIELDS,
    time_offset_s: float = 0.0,
    sign: int = +1,
) -> list[pmt.pmt_base]:
    """One "ctrl" port PMT dict per trajectory point, for the semsat Doppler and channel blocks.

    Each dict has "offset" (uint64 input sample index where the values apply: the first point lands at
    round(time_offset_s * samp_rate)) and the requested `fields`: "doppler" (Hz) and "doppler_rate" (Hz/s),
    both multiplied by `sign` (-1 pre-compensates the Doppler instead of applying it), and "snr_db", left out
    of points where it is NaN.
    """
    if not samp_rate > 0.0:
        raise ValueError(f"samp_rate must be positive, got {samp_rate}")
    unknown = [field for field in fields if field not in CONTROL_FIELDS]
    if unknown:
        raise ValueError(f"unknown control field(s) {unknown}; choose from {list(CONTROL_FIELDS)}")
    if sign not in (1, -1):
        raise ValueError(f"sign must be +1 (apply the Doppler) or -1 (pre-compensate it), got {sign}")
    offsets = [
        round(value) for value in (trajectory.time_s - trajectory.time_s[0] + time_offset_s) * samp_rate
    ]
    if offsets[0] < 0:
        raise ValueError(
            f"time_offset_s={time_offset_s} puts the first message before sample 0; it must be >= 0"
        )
    values = {
        "doppler": sign * trajectory.doppler_hz,
        "doppler_rate": sign * trajectory.doppler_rate_hz_s,
        "snr_db": trajectory.snr_db,
    }
    messages = []
    for index, offset in enumerate(offsets):
        finite = {field: float(values[field][index]) for field in fields}
        messages.append(control_message(offset, **{k: v for k, v in finite.items() if math.isfinite(v)}))
    return messages


def _check_columns(path: str | Path, line_number: int, columns: list[str]) -> None:
    missing = [column for column in COLUMNS if column not in columns]
    if missing:
        raise ValueError(
            f"{path}:{line_number}: missing column(s) {','.join(missing)}; "
            f"a trajectory needs the columns {','.join(COLUMNS)}"
        )


def _parse_row(path: str | Path, line_number: int, columns: list[str], fields: list[str]) -> dict[str, float]:
    if len(fields) != len(columns):
        raise ValueError(f"{path}:{line_number}: {len(fields)} values for {len(columns)} columns")
    row = {}
    for column, text in zip(columns, fields, strict=True):
        if column not in COLUMNS:
            continue
        try:
            value = float(text)
        except ValueError:
            raise ValueError(f"{path}:{line_number}: {column} value {text!r} is not a number") from None
        # A pass without a link budget has no SNR; every other value must be a real number.
        if not math.isfinite(value) and not (column == "snr_db" and math.isnan(value)):
            raise ValueError(f"{path}:{line_number}: {column} is {text!r}; it must be finite")
        row[column] = value
    return row


def _header_number(path: str | Path, header: dict[str, str], key: str) -> float:
    if key not in header:
        raise ValueError(f"{path}: missing header line '# {key}=<value>'")
    try:
        return float(header[key])
    except ValueError:
        raise ValueError(f"{path}: header {key}={header[key]!r} is not a number") from None
