"""Training of one stream's codec end to end through a differentiable channel, and its ONNX export.

The channel is drawn per example: SNR uniform in 0-20 dB (Es/N0), half the examples AWGN and half Rayleigh
block fading (blocks of 4-32 symbols, perfect CSI, zero-forcing), the decoder getting each symbol's true
noise variance. 15 % of the batches also leave out the trailing symbols of every item (a smaller
budget), renormalizing the kept ones to unit power and marking the dropped ones with MAX_NOISE_VAR, so one
model serves every budget from 1 to ``symbols_per_item`` symbols per item.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path

import numpy as np
import numpy.typing as npt
import torch

from .model import MAX_NOISE_VAR, StreamCodecNet
from .runtime import DECODER_INPUTS, DECODER_OUTPUT, ENCODER_INPUT, ENCODER_OUTPUT
from .streams import StreamKind

SNR_RANGE_DB = (0.0, 20.0)
FADING_SHARE = 0.5
TRUNCATED_SHARE = 0.15
LEARNING_RATE = 2e-3
WEIGHT_DECAY = 1e-4

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


def channel(symbols: torch.Tensor, generator: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    """Equalized received symbols and their noise variances (see the module docstring). The randomness is
    drawn on the CPU whatever the device, so a GPU run sees the same channels as a CPU run."""
    b, n, _ = symbols.shape
    snr_db = SNR_RANGE_DB[0] + (SNR_RANGE_DB[1] - SNR_RANGE_DB[0]) * torch.rand(b, 1, generator=generator)
    n0 = 10.0 ** (-snr_db / 10.0)
    block = int(torch.randint(4, 33, (1,), generator=generator))
    gains = torch.randn(b, -(-n // block), 2, generator=generator) / math.sqrt(2.0)
    power = (gains**2).sum(dim=2).repeat_interleave(block, dim=1)[:, :n]
    fading = torch.rand(b, 1, generator=generator) < FADING_SHARE
    noise_var = torch.clamp(n0 / torch.where(fading, power, torch.ones_like(power)), max=MAX_NOISE_VAR)
    noise = torch.randn(b, n, 2, generator=generator) * torch.sqrt(noise_var / 2.0).unsqueeze(2)
    return symbols + noise.to(symbols.device), noise_var.to(symbols.device)


def loss_of(net: StreamCodecNet, items: torch.Tensor, decoded: torch.Tensor) -> torch.Tensor:
    if net.spec.kind is StreamKind.FLOATS:
        # In standardized units, so that every dimension weighs alike (as in the NMSE the codec is scored on).
        return torch.mean(((decoded - items) / net.standardizer.std) ** 2)
    return torch.nn.functional.cross_entropy(decoded.reshape(-1, net.spec.width), items.reshape(-1))


def train_codec(
    net: StreamCodecNet, sample: Sampler, steps: int, seed: int, log: Callable[[str], None] = print
) -> StreamCodecNet:
    """Fits ``net`` on batches from ``sample`` (AdamW, one-cycle learning rate, fixed seeds), on the GPU when
    there is one; returns it on the CPU in eval mode."""
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
            received, noise_var = channel(symbols, generator)
            received = torch.where(kept.unsqueeze(2), received, 0.0)
            noise_var = torch.where(kept, noise_var, MAX_NOISE_VAR)
        else:
            received, noise_var = channel(symbols, generator)
        loss = loss_of(net, items, net.decoder(received, noise_var))
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


def export_codec(net: StreamCodecNet, folder: Path) -> tuple[Path, Path]:
    """The encoder and decoder as ONNX (opset 17, dynamic batch and item axes, weights inlined)."""
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
    return encoder_path, decoder_path
