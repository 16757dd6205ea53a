"""Will it fit? The memory a model needs at a context length (weights, KV cache, compute buffers) against free memory."""

from dataclasses import dataclass

from desktop.core.models.facts import ModelFacts
from desktop.core.words import translate

# bytes per cached element: q8_0 stores 32 values in 34 bytes
KV_BYTES = {"f16": 2.0, "q8_0": 34 / 32}
TIGHT = 0.8  # more than this share of free memory: the system will page other programs out
# the verdicts read as text in the CLI and, translated, in the model library
FITS, IS_TIGHT, WONT_FIT, UNKNOWN = (translate("core", "fits"), translate("core", "tight"), translate("core", "won't fit"),
                                    translate("core", "free memory unknown"))


@dataclass(frozen=True)
class Fit:
    verdict: str  # FITS | IS_TIGHT | WONT_FIT | UNKNOWN
    needed: int  # bytes
    available: int  # bytes
    weights: int
    kv_cache: int
    compute: int  # estimated, from llama.cpp's largest buffers

    def describe(self) -> str:
        return translate(
            "core", "{verdict}: needs about {needed} (weights {weights}, KV cache {kv_cache}, working buffers ~{compute}) "
                    "of {available} free"
        ).format(verdict=self.verdict, needed=gib(self.needed), weights=gib(self.weights), kv_cache=gib(self.kv_cache),
                 compute=gib(self.compute), available=gib(self.available))

    def to_json(self) -> dict:
        return {
            "verdict": self.verdict, "needed_bytes": self.needed, "available_bytes": self.available,
            "weights_bytes": self.weights, "kv_cache_bytes": self.kv_cache, "compute_bytes_estimated": self.compute,
        }


def gib(size: int) -> str:
    return f"{size / 2**30:.2f} GiB" if size >= 2**30 else f"{size / 2**20:.0f} MiB"


def kv_cache_bytes(facts: ModelFacts, n_ctx: int, kv_type: str = "f16") -> int:
    """Keys and values for every layer at every position (sliding-window layers too: Inkling keeps their full cache)."""
    per_position = sum(facts.kv_heads) * ((facts.key_length or 0) + (facts.value_length or 0))
    return int(per_position * n_ctx * KV_BYTES[kv_type])


def compute_bytes(facts: ModelFacts, n_ctx: int, n_batch: int, flash_attention: bool) -> int:
    """llama.cpp's CPU compute buffer: the widest of the batch's output logits and (without flash attention) its scores.

    Checked against llama.cpp's own report at n_ctx 4096, batch 512: SmolLM2 99 MiB (estimate 96), Gemma 3 514 (512).
    """
    widest = facts.vocabulary or 0
    if not flash_attention:
        widest = max(widest, (facts.heads or 0) * n_ctx)
    return 4 * min(n_batch, n_ctx) * widest


def available_memory() -> int:
    """MemAvailable from /proc/meminfo (what the kernel can give without swapping); 0 when unknown."""
    try:
        with open("/proc/meminfo") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def estimate_fit(
    facts: ModelFacts, size_on_disk: int, n_ctx: int, *, kv_type: str = "f16", n_batch: int = 512,
    flash_attention: bool = False, memory_limit: int | None = None,
) -> Fit:
    """The verdict for one setting; `memory_limit` replaces the machine's free memory (tests, a user's cap)."""
    available = available_memory() if memory_limit is None else memory_limit
    kv = kv_cache_bytes(facts, n_ctx, kv_type)
    compute = compute_bytes(facts, n_ctx, n_batch, flash_attention)
    needed = size_on_disk + kv + compute
    if not available:
        verdict = UNKNOWN
    elif needed > available:
        verdict = WONT_FIT
    elif needed > TIGHT * available:
        verdict = IS_TIGHT
    else:
        verdict = FITS
    return Fit(verdict, needed, available, size_on_disk, kv, compute)


def gpu_layers_that_fit(
    facts: ModelFacts, n_ctx: int, free_vram: int, *, kv_type: str = "f16", n_batch: int = 512,
    flash_attention: bool = False,
) -> int:
    """Estimated n_gpu_layers for a GPU with `free_vram` bytes free; llama.cpp counts the blocks, then the output layer.

    The GPU holds the working buffers (compute_bytes), then per offloaded block its weights (the header's tensor
    sizes, spread evenly over the blocks) and its share of the KV cache; the token embeddings stay on the CPU.
    Returns layers + 1 ("all") when the output layer fits too. An estimate: backends add a little of their own.
    """
    layers = facts.layers or 0
    if not layers or not facts.block_bytes:
        return 0
    per_block = (facts.block_bytes + kv_cache_bytes(facts, n_ctx, kv_type)) / layers
    room = free_vram - compute_bytes(facts, n_ctx, n_batch, flash_attention)
    if room < per_block:
        return 0
    blocks = min(layers, int(room // per_block))
    return layers + 1 if blocks == layers and room - layers * per_block >= facts.output_bytes else blocks
