"""Training of one stream's codec end to end through a differentiable channel, and its ONNX export.

The channel is drawn per example as the OFDM demapper delivers it (equalized symbols, unbiased, with each
symbol's noise variance N0 / |H|²): SNR uniform in 0-20 dB (Es/N0 per data subcarrier), then AWGN (40 %),
burst fading (40 %) or Rayleigh block fading (20 %, blocks of 4-32 symbols: fades that vary along a frame).
Burst fading is what the time interleaver (bursts.py) meets over a slow satellite channel through the OFDM
PHY: the window's symbols spread over 1-4 bursts, each burst one OFDM frame through its own realisation of a
three-tap NTN-TDL-A channel (delay spread 0-300 ns: from flat to more selective than the 100 ns tested), its
symbols on the data subcarriers one after another as the mapper places them, so every symbol gets the gain
|H(f)|² of its subcarrier; and each burst lost outright (never detected: its symbols not received) with
probability BURST_LOSS. With ``burst_fading=False`` (the
face codec: see docs/codec.md, Training) the mix is the earlier one: half AWGN, half block fading.
15 % of the batches also leave out the trailing symbols of every item (a smaller budget), renormalizing the
kept ones to unit power and marking the dropped ones with MAX_NOISE_VAR, so one model serves every budget
from 1 to ``symbols_per_item`` symbols per item.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path

import numpy as np
import numpy.typing as npt
import torch

from .model import MAX_NOISE_VAR, StreamCodecNet
from .runtime import (
    ANCHOR_METADATA,
    DECODER_INPUTS,
    DECODER_OUTPUT,
    ENCODER_INPUT,
    ENCODER_OUTPUT,
    format_anchor,
)
from .streams import StreamKind

SNR_RANGE_DB = (0.0, 20.0)
CHANNEL_SHARES = (0.4, 0.4, 0.2)  # AWGN, burst fading, block fading
BURST_COUNTS = (1, 2, 3, 4)
BURST_COUNT_WEIGHTS = (0.1, 0.2, 0.2, 0.5)  # 4, the blocks' default, weighs most
BURST_LOSS = 0.05
# The mapper's default numerology (docs/phy.md): 212 occupied subcarriers 30 kHz apart, a pilot on every 6th
# and on the last, a burst's symbols on the other 175 in order (the next OFDM symbol after 175).
SUBCARRIER_HZ = 30e3
DATA_CARRIERS = torch.tensor([c for c in range(212) if c % 6 and c != 211], dtype=torch.float64)
# NTN-TDL-A (TR 38.811 §6.9.2): normalized tap delays and powers, scaled by the delay spread.
TDL_A_DELAYS = torch.tensor([0.0, 1.0811, 2.8416], dtype=torch.float64)
TDL_A_POWERS = 10.0 ** (torch.tensor([0.0, -4.675, -6.482], dtype=torch.float64) / 10.0)
DELAY_SPREAD_S = (0.0, 300e-9)  # uniform per example
BLOCK_FADING_SHARE = 0.5  # of the mix without burst fading
TRUNCATED_SHARE = 0.15
LEARNING_RATE = 2e-3
WEIGHT_DECAY = 1e-4
LOG_LOSS_FLOOR = 1e-3  # relative error (-30 dB) below which the log loss stops pushing

Sampler = Callable[[np.random.Generator], npt.NDArray]  # one batch of items [B, T, D] or [B, T]


def keep_symbols(symbols: torch.Tensor, per_item: int, keep: int) -> tuple[torch.Tensor, torch.Tensor]:
    """The first ``keep`` of ``per_item`` symbols of each item, renormalized to unit power, and their mask."""
    b = symbols.shape[0]
    grid = symbols.reshape(b, -1, per_item, 2)
    mask = torch.zeros(grid.shape[:3], dtype=torch.bool, device=symbols.device)
    mask[:, :, :keep] = True
    kept_power = (grid[:, :, :keep] ** 2).sum(dim=3).mean(dim=(1, 2))
    grid = torch.where(mask.unsqueeze(3), grid / torch.sqrt(kept_power + 1e-9)[:, None, None, None], 0.0)
    return grid.reshape(b, -1, 2), mask.reshape(b, -1)


def burst_owner(n: int, per_item: int, sent: int, n_bursts: int) -> torch.Tensor:
    """The burst of each of ``n`` symbols (``per_item`` per item, the first ``sent`` of them sent), as
    bursts.burst_of_symbols lays them out; the unsent ones are given burst 0 (they are masked anyway)."""
    b = min(n_bursts, sent)
    items = torch.arange(n // per_item)[:, None] + torch.arange(per_item)[None, :]
    return torch.where(torch.arange(per_item)[None, :] < sent, items % b, 0).reshape(-1)


def place_in_burst(owner: torch.Tensor, per_item: int, sent: int) -> torch.Tensor:
    """Each symbol's place in its burst (counting only the sent symbols), as bursts.split orders them."""
    was_sent = (torch.arange(owner.numel()) % per_item) < sent
    one_hot = torch.nn.functional.one_hot(owner, int(owner.max()) + 1) * was_sent[:, None]
    return (one_hot.cumsum(dim=0) - 1).gather(1, owner[:, None])[:, 0].clamp(min=0)


def ofdm_burst_power(
    b: int, owner: torch.Tensor, place: torch.Tensor, n_bursts: int, generator: torch.Generator
) -> torch.Tensor:
    """|H(f)|² of every symbol: per example and burst one draw of the NTN-TDL-A taps (unit total power),
    evaluated at the subcarrier the symbol rides on."""
    taps = torch.randn(b, n_bursts, len(TDL_A_DELAYS), 2, generator=generator, dtype=torch.float64)
    taps = taps * torch.sqrt(TDL_A_POWERS / TDL_A_POWERS.sum() / 2.0)[:, None]
    spread = DELAY_SPREAD_S[0] + (DELAY_SPREAD_S[1] - DELAY_SPREAD_S[0]) * torch.rand(
        b, 1, 1, generator=generator, dtype=torch.float64
    )
    frequency = SUBCARRIER_HZ * DATA_CARRIERS[place % len(DATA_CARRIERS)]
    phase = 2.0 * math.pi * frequency[None, :, None] * spread * TDL_A_DELAYS  # [B, n, taps]
    tap = taps[:, owner]  # [B, n, taps, 2]
    real = (tap[..., 0] * torch.cos(phase) + tap[..., 1] * torch.sin(phase)).sum(dim=2)
    imag = (tap[..., 1] * torch.cos(phase) - tap[..., 0] * torch.sin(phase)).sum(dim=2)
    return (real**2 + imag**2).float()


def fading_power(
    b: int, n: int, per_item: int, sent: int, generator: torch.Generator
) -> tuple[torch.Tensor, torch.Tensor]:
    """Per example and symbol the channel's power gain |H|² and whether the symbol's burst was lost."""
    choice = torch.multinomial(torch.tensor(CHANNEL_SHARES), b, replacement=True, generator=generator)
    block = int(torch.randint(4, 33, (1,), generator=generator))
    gains = torch.randn(b, -(-n // block), 2, generator=generator) / math.sqrt(2.0)
    block_power = (gains**2).sum(dim=2).repeat_interleave(block, dim=1)[:, :n]
    n_bursts = BURST_COUNTS[int(torch.multinomial(torch.tensor(BURST_COUNT_WEIGHTS), 1, generator=generator))]
    owner = burst_owner(n, per_item, sent, n_bursts)
    burst_power = ofdm_burst_power(
        b, owner, place_in_burst(owner, per_item, sent), min(n_bursts, sent), generator
    )
    burst_lost = (torch.rand(b, n_bursts, generator=generator) < BURST_LOSS)[:, owner]
    power = torch.where(
        (choice == 0)[:, None],
        torch.ones(b, n),
        torch.where((choice == 1)[:, None], burst_power, block_power),
    )
    return power, burst_lost & (choice == 1)[:, None]


def block_fading_power(b: int, n: int, generator: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    """|h|² of the mix without burst fading: half AWGN, half block fading; nothing lost."""
    block = int(torch.randint(4, 33, (1,), generator=generator))
    gains = torch.randn(b, -(-n // block), 2, generator=generator) / math.sqrt(2.0)
    power = (gains**2).sum(dim=2).repeat_interleave(block, dim=1)[:, :n]
    fading = torch.rand(b, 1, generator=generator) < BLOCK_FADING_SHARE
    return torch.where(fading, power, torch.ones_like(power)), torch.zeros(b, n, dtype=torch.bool)


def channel(
    symbols: torch.Tensor, generator: torch.Generator, per_item: int, sent: int, burst_fading: bool = True
) -> tuple[torch.Tensor, torch.Tensor]:
    """Equalized received symbols and their noise variances (see the module docstring). The randomness is
    drawn on the CPU whatever the device, so a GPU run sees the same channels as a CPU run."""
    b, n, _ = symbols.shape
    snr_db = SNR_RANGE_DB[0] + (SNR_RANGE_DB[1] - SNR_RANGE_DB[0]) * torch.rand(b, 1, generator=generator)
    n0 = 10.0 ** (-snr_db / 10.0)
    if burst_fading:
        power, lost = fading_power(b, n, per_item, sent, generator)
    else:
        power, lost = block_fading_power(b, n, generator)
    noise_var = torch.where(lost, MAX_NOISE_VAR, torch.clamp(n0 / power, max=MAX_NOISE_VAR))
    noise = torch.randn(b, n, 2, generator=generator) * torch.sqrt(noise_var / 2.0).unsqueeze(2)
    lost = lost.to(symbols.device).unsqueeze(2)
    received = torch.where(lost, 0.0, symbols + noise.to(symbols.device))
    return received, noise_var.to(symbols.device)


def loss_of(
    net: StreamCodecNet, items: torch.Tensor, decoded: torch.Tensor, relative: bool = False
) -> torch.Tensor:
    if net.spec.kind is StreamKind.FLOATS:
        # In standardized units, so that every dimension weighs alike (as in the NMSE the codec is scored on).
        error = torch.mean(((decoded - items) / net.standardizer.std) ** 2, dim=(1, 2))
        if not relative:
            return torch.mean(error)
        # Each window's error over its own mean square (plus one std²): a wild head turn of 10 std must not
        # drown a GRID window's 1 std of lip motion, yet a still window is not asked for the noise. Then in
        # dB (the log), as the NMSE is read: a plain mean is ruled by the low-SNR windows' large errors, and
        # the log gives a 20 dB window's error the same weight per dB as a 0 dB one's (through OFDM +
        # NTN-TDL-A at 12 dB it gained 0.7 dB, -14.66 -> -15.33, and 0.9 dB over AWGN).
        error = error / (1.0 + torch.mean((items / net.standardizer.std) ** 2, dim=(1, 2)))
        return torch.mean(torch.log(error + LOG_LOSS_FLOOR))
    return torch.nn.functional.cross_entropy(decoded.reshape(-1, net.spec.width), items.reshape(-1))


def train_codec(
    net: StreamCodecNet,
    sample: Sampler,
    steps: int,
    seed: int,
    log: Callable[[str], None] = print,
    burst_fading: bool = True,
    relative_loss: bool = False,
) -> StreamCodecNet:
    """Fits ``net`` on batches from ``sample`` (AdamW, one-cycle learning rate, fixed seeds), through the
    channel mix with or without burst fading, on the GPU when there is one; returns it on the CPU in eval
    mode. ``relative_loss``: each window's float error over its own mean square (see loss_of)."""
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    net.to(device)
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    generator = torch.Generator().manual_seed(seed)
    optimizer = torch.optim.AdamW(net.parameters(), lr=LEARNING_RATE, weight_decay=WEIGHT_DECAY)
    schedule = torch.optim.lr_scheduler.OneCycleLR(
        optimizer, LEARNING_RATE, total_steps=steps, pct_start=0.05
    )
    k = net.spec.symbols_per_item
    net.train()
    running = 0.0
    for step in range(steps):
        items = torch.from_numpy(sample(rng)).to(device)
        symbols = net.encoder(items)
        if k > 1 and float(torch.rand(1, generator=generator)) < TRUNCATED_SHARE:
            keep = int(torch.randint(1, k, (1,), generator=generator))
            symbols, kept = keep_symbols(symbols, k, keep)
            received, noise_var = channel(symbols, generator, k, keep, burst_fading)
            received = torch.where(kept.unsqueeze(2), received, 0.0)
            noise_var = torch.where(kept, noise_var, MAX_NOISE_VAR)
        else:
            received, noise_var = channel(symbols, generator, k, k, burst_fading)
        loss = loss_of(net, items, net.decoder(received, noise_var), relative_loss)
        optimizer.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(net.parameters(), 1.0)
        optimizer.step()
        schedule.step()
        running += loss.item()
        if (step + 1) % max(steps // 10, 1) == 0:
            log(f"  {net.spec.name}: step {step + 1}/{steps}, loss {running / max(steps // 10, 1):.4f}")
            running = 0.0
    return net.cpu().eval()


def export_codec(
    net: StreamCodecNet, folder: Path, default_anchor: npt.NDArray | None = None
) -> tuple[Path, Path]:
    """The encoder and decoder as ONNX (opset 17, dynamic batch and item axes, weights inlined); a model
    that codes its floats relative to an anchor carries ``default_anchor`` in both files' metadata."""
    spec = net.spec
    folder.mkdir(parents=True, exist_ok=True)
    items = 10
    if spec.kind is StreamKind.FLOATS:
        dummy = torch.zeros(1, items, spec.width)
    else:
        dummy = torch.zeros(1, items, dtype=torch.int64)
    n = items * spec.symbols_per_item
    encoder_path, decoder_path = folder / spec.encoder_file, folder / spec.decoder_file
    with torch.no_grad():
        torch.onnx.export(
            net.encoder,
            (dummy,),
            str(encoder_path),
            input_names=[ENCODER_INPUT],
            output_names=[ENCODER_OUTPUT],
            dynamic_axes={
                ENCODER_INPUT: {0: "batch", 1: "items"},
                ENCODER_OUTPUT: {0: "batch", 1: "symbols"},
            },
            opset_version=17,
            dynamo=False,
        )
        torch.onnx.export(
            net.decoder,
            (torch.zeros(1, n, 2), torch.ones(1, n)),
            str(decoder_path),
            input_names=list(DECODER_INPUTS),
            output_names=[DECODER_OUTPUT],
            dynamic_axes={
                DECODER_INPUTS[0]: {0: "batch", 1: "symbols"},
                DECODER_INPUTS[1]: {0: "batch", 1: "symbols"},
                DECODER_OUTPUT: {0: "batch", 1: "items"},
            },
            opset_version=17,
            dynamo=False,
        )
    if default_anchor is not None:
        for path in (encoder_path, decoder_path):
            write_anchor(path, default_anchor)
    return encoder_path, decoder_path


def write_anchor(path: Path, anchor: npt.NDArray) -> None:
    import onnx

    model = onnx.load(str(path))
    entry = model.metadata_props.add()
    entry.key, entry.value = ANCHOR_METADATA, format_anchor(anchor)
    onnx.save(model, str(path))
