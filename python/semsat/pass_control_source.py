"""Message source that drives the channel's (or Doppler block's) "ctrl" port along a whole satellite pass."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterator, Sequence

import numpy as np
import pmt

from .link_budget import DEFAULT_LINK_BUDGET
from .one_shot_source import one_shot_source
from .orbit import circular_pass
from .trajectory import CONTROL_FIELDS, Trajectory, control_messages


class pass_control_source(one_shot_source):  # noqa: N801 (GNU Radio block naming)
    """Publishes one sample-stamped control message per trajectory point on its "ctrl" port.

    The pass comes from `trajectory_file` (a CSV written by semsat-pass) when it is given, else from a
    circular orbit (`altitude_km`, `max_elevation_deg`, `min_elevation_deg`, sampled every `step_s`). SNR
    comes from the default link budget (circular pass) or the file's snr_db column; `use_link_budget=False`
    leaves SNR out of the messages. `sign=-1` pre-compensates the Doppler instead of applying it.

    `time_scale` plays the pass faster than real time: pass time t lands at signal time t / time_scale, and
    the Doppler rate is multiplied by time_scale so that it still joins consecutive points. `trajectory` is
    the pass in real time; `duration_s()` is the signal time from the first to the last message.

    All messages go out at once when the flowgraph starts, each with its absolute sample "offset", so the
    receiving block applies them sample-exactly whatever the scheduling.
    """

    def __init__(
        self,
        samp_rate: float,
        trajectory_file: str = "",
        altitude_km: float = 600.0,
        carrier_hz: float = 2e9,
        max_elevation_deg: float = 90.0,
        min_elevation_deg: float = 10.0,
        step_s: float = 1.0,
        use_link_budget: bool = True,
        sign: int = 1,
        fields: Sequence[str] = CONTROL_FIELDS,
        time_scale: float = 1.0,
    ) -> None:
        one_shot_source.__init__(self, "pass_control_source")
        if not (time_scale > 0.0 and math.isfinite(time_scale)):
            raise ValueError(f"time_scale must be a finite number > 0 (1 = real time), got {time_scale}")
        if isinstance(fields, str):
            raise ValueError(
                f"fields must be a list of field names such as {list(CONTROL_FIELDS)}, not a string"
            )
        if trajectory_file:
            self.trajectory = Trajectory.read(trajectory_file)
        else:
            satellite_pass = circular_pass(
                altitude_km * 1e3, carrier_hz, max_elevation_deg, min_elevation_deg, step_s
            )
            self.trajectory = Trajectory.from_pass(satellite_pass, DEFAULT_LINK_BUDGET)
        if not use_link_budget:
            fields = [field for field in fields if field != "snr_db"]
        self._time_scale = float(time_scale)
        self._messages = control_messages(self._signal_time_trajectory(), samp_rate, tuple(fields), sign=sign)
        self._port = pmt.intern("ctrl")
        self.message_port_register_out(self._port)

    def duration_s(self) -> float:
        """Signal time in seconds from the first control message to the last."""
        return float(np.ptp(self.trajectory.time_s)) / self._time_scale

    def messages(self) -> Iterator[tuple[pmt.pmt_base, pmt.pmt_base]]:
        return ((self._port, message) for message in self._messages)

    def _signal_time_trajectory(self) -> Trajectory:
        track = self.trajectory
        return dataclasses.replace(
            track,
            time_s=track.time_s / self._time_scale,
            doppler_rate_hz_s=track.doppler_rate_hz_s * self._time_scale,
        )
