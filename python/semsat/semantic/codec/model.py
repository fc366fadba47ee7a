"""The temporal semantic codec in torch (training only; the receiver runs the ONNX export with onnxruntime).

Per stream, an encoder and a decoder network:
- encoder: items in (floats by a linear projection after standardization, tokens by an embedding lookup) to
  dimension E, learned positions, a pre-norm Transformer encoder over the window's items, a linear head to
  ``symbols_per_item`` complex symbols per item, then the whole window scaled to unit average power;
- decoder: per item its received symbols (scaled by 1 / (1 + noise variance), the linear MMSE gain for unit
  power symbols) and the log of each symbol's noise variance, a linear projection to E, learned positions, a
  Transformer encoder over the items, and a head to the floats (de-standardized) or to token logits.
Attention is written out with plain matmuls so the ONNX export has a dynamic item axis and no fused kernel.
"""

from __future__ import annotations

import math

import torch
from torch import nn

from .runtime import MAX_NOISE_VAR
from .streams import MAX_ITEMS, StreamKind, StreamSpec

EMBED = 64
HEADS = 4
LAYERS = 2
FEED_FORWARD = 128
# Noise variances are clipped to [MIN_NOISE_VAR, MAX_NOISE_VAR] before the log: a symbol as noisy as the
# maximum (a deep fade, or one left out by a smaller budget) carries nothing, and the clip keeps the
# decoder's inputs finite.
MIN_NOISE_VAR = 1e-5


class SelfAttention(nn.Module):
    def __init__(self, dim: int, heads: int) -> None:
        super().__init__()
        self.heads = heads
        self.scale = 1.0 / math.sqrt(dim // heads)
        self.qkv = nn.Linear(dim, 3 * dim)
        self.out = nn.Linear(dim, dim)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b, t, d = x.shape
        q, k, v = self.qkv(x).reshape(b, t, 3, self.heads, -1).permute(2, 0, 3, 1, 4).unbind(0)
        weights = torch.softmax(q @ k.transpose(-1, -2) * self.scale, dim=-1)
        return self.out((weights @ v).transpose(1, 2).reshape(b, t, d))


class TransformerLayer(nn.Module):
    """Pre-norm: stable without warm-up at this small size."""

    def __init__(self, dim: int, heads: int, feed_forward: int) -> None:
        super().__init__()
        self.norm1 = nn.LayerNorm(dim)
        self.attention = SelfAttention(dim, heads)
        self.norm2 = nn.LayerNorm(dim)
        self.feed_forward = nn.Sequential(
            nn.Linear(dim, feed_forward), nn.GELU(), nn.Linear(feed_forward, dim)
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x + self.attention(self.norm1(x))
        return x + self.feed_forward(self.norm2(x))


class Trunk(nn.Module):
    """Learned positions + Transformer layers + final norm, over [B, T, E]."""

    def __init__(self) -> None:
        super().__init__()
        self.positions = nn.Parameter(torch.randn(MAX_ITEMS, EMBED) * 0.02)
        self.layers = nn.ModuleList(TransformerLayer(EMBED, HEADS, FEED_FORWARD) for _ in range(LAYERS))
        self.norm = nn.LayerNorm(EMBED)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x + self.positions[: x.shape[1]]
        for layer in self.layers:
            x = layer(x)
        return self.norm(x)


class Standardizer(nn.Module):
    """Per-dimension mean and std of the training data, kept in the graph so both ends share them."""

    def __init__(self, width: int) -> None:
        super().__init__()
        self.register_buffer("mean", torch.zeros(width))
        self.register_buffer("std", torch.ones(width))

    def set(self, mean: torch.Tensor, std: torch.Tensor) -> None:
        self.mean.copy_(mean)
        self.std.copy_(std)


class SemanticEncoderNet(nn.Module):
    """items [B, T, D] float32 or [B, T] int64 → symbols [B, T * symbols_per_item, 2] (re, im), unit power."""

    def __init__(self, spec: StreamSpec, standardizer: Standardizer) -> None:
        super().__init__()
        self.spec = spec
        self.standardizer = standardizer
        if spec.kind is StreamKind.FLOATS:
            self.embed: nn.Module = nn.Linear(spec.width, EMBED)
        else:
            self.embed = nn.Embedding(spec.width, EMBED)
        self.trunk = Trunk()
        self.head = nn.Linear(EMBED, 2 * spec.symbols_per_item)
        # A linear path beside the Transformer: a plain analog mapping generalizes to speakers and offsets
        # the training clips never showed, and the Transformer only has to learn what it adds.
        self.linear = (
            nn.Linear(spec.width, 2 * spec.symbols_per_item) if spec.kind is StreamKind.FLOATS else None
        )

    def forward(self, items: torch.Tensor) -> torch.Tensor:
        if self.spec.kind is StreamKind.FLOATS:
            items = (items - self.standardizer.mean) / self.standardizer.std
        x = self.head(self.trunk(self.embed(items)))
        if self.linear is not None:
            x = x + self.linear(items)
        symbols = x.reshape(x.shape[0], -1, 2)
        power = (symbols**2).sum(dim=2).mean(dim=1, keepdim=True)
        return symbols / torch.sqrt(power + 1e-9).unsqueeze(2)


class SemanticDecoderNet(nn.Module):
    """symbols [B, N, 2] + noise_var [B, N] (N = T * symbols_per_item) → floats [B, T, D] or logits
    [B, T, V]."""

    def __init__(self, spec: StreamSpec, standardizer: Standardizer) -> None:
        super().__init__()
        self.spec = spec
        self.standardizer = standardizer
        self.embed = nn.Linear(3 * spec.symbols_per_item, EMBED)
        self.trunk = Trunk()
        self.head = nn.Linear(EMBED, spec.width)
        self.linear = nn.Linear(2 * spec.symbols_per_item, spec.width)  # the encoder's linear path, undone

    def forward(self, symbols: torch.Tensor, noise_var: torch.Tensor) -> torch.Tensor:
        noise_var = torch.clamp(noise_var, MIN_NOISE_VAR, MAX_NOISE_VAR)
        scaled = symbols / (1.0 + noise_var).unsqueeze(2)
        log_var = torch.log(noise_var).unsqueeze(2) / 5.0
        k = self.spec.symbols_per_item
        per_item = torch.cat([scaled, log_var], dim=2).reshape(symbols.shape[0], -1, 3 * k)
        out = self.head(self.trunk(self.embed(per_item))) + self.linear(
            scaled.reshape(symbols.shape[0], -1, 2 * k)
        )
        if self.spec.kind is StreamKind.FLOATS:
            return out * self.standardizer.std + self.standardizer.mean
        return out


class StreamCodecNet(nn.Module):
    """Encoder and decoder of one stream, sharing the standardization statistics."""

    def __init__(self, spec: StreamSpec) -> None:
        super().__init__()
        self.spec = spec
        self.standardizer = Standardizer(spec.width if spec.kind is StreamKind.FLOATS else 1)
        self.encoder = SemanticEncoderNet(spec, self.standardizer)
        self.decoder = SemanticDecoderNet(spec, self.standardizer)
