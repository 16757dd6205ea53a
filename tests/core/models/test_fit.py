"""Will it fit: KV cache sizes against llama.cpp's own report, verdicts against a memory limit given to the test."""

from desktop.core.engine.gguf import read_header
from desktop.core.models.facts import read_facts
from desktop.core.models.fit import (
    FITS, IS_TIGHT, UNKNOWN, WONT_FIT, compute_bytes, estimate_fit, gpu_layers_that_fit, kv_cache_bytes,
)
from desktop.core.models.library import ModelLibrary

MIB = 2**20


def bundled(path):
    return next(m for m in ModelLibrary("/nonexistent-home", env={}).scan().models if m.path == path)


def test_kv_cache_matches_what_llama_cpp_allocates(smollm2_path, gemma_path):
    # llama.cpp's log at n_ctx 4096, f16: "KV buffer size = 90.00 MiB" (SmolLM2), 12 + 60 MiB (Gemma 3, swa_full)
    assert kv_cache_bytes(bundled(smollm2_path).facts, 4096) == 90 * MIB
    assert kv_cache_bytes(bundled(gemma_path).facts, 4096) == 72 * MIB
    assert kv_cache_bytes(bundled(smollm2_path).facts, 4096, "q8_0") == 90 * MIB * 17 // 32


def test_a_context_that_cannot_fit_the_memory_limit_is_wont_fit(smollm2_path):
    model = bundled(smollm2_path)
    limit = 300 * MIB
    small = estimate_fit(model.facts, model.size, 512, memory_limit=limit)
    large = estimate_fit(model.facts, model.size, 8192, memory_limit=limit)
    assert small.verdict == FITS and small.needed < 0.8 * limit
    assert large.verdict == WONT_FIT and large.needed > limit
    assert large.kv_cache == 180 * MIB and large.weights == model.size
    tight = estimate_fit(model.facts, model.size, 512, memory_limit=int(small.needed / 0.9))
    assert tight.verdict == IS_TIGHT
    assert estimate_fit(model.facts, model.size, 512, memory_limit=0).verdict == UNKNOWN
    assert "won't fit: needs about" in large.describe()


def test_flash_attention_and_a_quantized_cache_need_less(gemma_path):
    model = bundled(gemma_path)
    plain = estimate_fit(model.facts, model.size, 32768, memory_limit=2**34)
    lean = estimate_fit(model.facts, model.size, 32768, kv_type="q8_0", flash_attention=True, memory_limit=2**34)
    assert lean.kv_cache < plain.kv_cache and lean.compute <= plain.compute


def test_the_headers_tensor_sizes_add_up_to_the_files_data(smollm2_path, gemma_path):
    for path in (smollm2_path, gemma_path):  # both tie their output layer to the embeddings
        header = read_header(path)
        data = sum(header.tensor_bytes.values())
        assert path.stat().st_size - 8 * 2**20 < data < path.stat().st_size  # everything after the header
        facts = read_facts(path)
        assert facts.block_bytes == header.tensor_bytes["blocks"] > 0
        assert facts.output_bytes == header.tensor_bytes["token_embd"]  # tied: the output layer is the embeddings again


def test_gpu_layers_that_fit_a_given_memory(smollm2_path):
    """The pure figure a GPU build shows; this machine has no GPU, so it is checked against its own terms."""
    facts = read_facts(smollm2_path)
    layers, n_ctx = facts.layers, 4096
    buffers = compute_bytes(facts, n_ctx, 512, False)
    per_block = (facts.block_bytes + kv_cache_bytes(facts, n_ctx, "f16")) / layers
    assert gpu_layers_that_fit(facts, n_ctx, 0) == 0
    assert gpu_layers_that_fit(facts, n_ctx, buffers) == 0  # the working buffers come first
    assert gpu_layers_that_fit(facts, n_ctx, int(buffers + 7.5 * per_block)) == 7
    assert gpu_layers_that_fit(facts, n_ctx, int(buffers + layers * per_block) + 1) == layers  # every block, not the output
    assert gpu_layers_that_fit(facts, n_ctx, int(buffers + layers * per_block + facts.output_bytes) + 1) == layers + 1  # all
    figures = [gpu_layers_that_fit(facts, n_ctx, mib * 2**20) for mib in range(0, 400, 10)]
    assert figures == sorted(figures) and figures[-1] == layers + 1
    tight = 180 * 2**20
    assert gpu_layers_that_fit(facts, n_ctx, tight, kv_type="q8_0") > gpu_layers_that_fit(facts, n_ctx, tight)
    assert gpu_layers_that_fit(facts, 1024, tight) > gpu_layers_that_fit(facts, n_ctx, tight)
