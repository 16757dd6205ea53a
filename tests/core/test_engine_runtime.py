"""What llama.cpp has and what it actually did: ggml's device registry, and a load's own report on the real models."""

import pytest

from desktop.core.engine.llama_engine import LlamaEngine
from desktop.core.engine.runtime import MIB, devices, gpu_offload_supported, parse_load_log
from desktop.core.engine.types import EngineConfig
from desktop.core.models.facts import read_facts
from desktop.core.models.fit import kv_cache_bytes

# Lines as llama.cpp prints them (a CUDA build's, for the offload and buffer names this CPU machine cannot produce)
GPU_LOG = """load_tensors: layer   0 assigned to device CPU, is_swa = 0
load_tensors: layer   1 assigned to device CUDA0, is_swa = 0
load_tensors: layer   2 assigned to device CUDA0, is_swa = 0
load_tensors: offloaded 2/3 layers to GPU
load_tensors:        CUDA0 model buffer size =    60.00 MiB
load_tensors:   CPU_Mapped model buffer size =    32.10 MiB
llama_context: flash_attn            = auto
llama_kv_cache: size =   16.00 MiB (  4096 cells,  18 layers,  1/1 seqs), K (q8_0):    8.50 MiB, V (q8_0):    7.50 MiB
llama_kv_cache: size =    2.00 MiB (   512 cells,   3 layers,  1/1 seqs), K (q8_0):    1.00 MiB, V (q8_0):    1.00 MiB
llama_context: Flash Attention enabled
sched_reserve:      CUDA0 compute buffer size =   300.00 MiB
sched_reserve:  CUDA_Host compute buffer size =    12.00 MiB
"""


def test_the_log_parser_reads_devices_offload_flash_attention_and_both_caches():
    facts = parse_load_log(GPU_LOG)
    assert facts["layers_by_device"] == {"CPU": 1, "CUDA0": 2}
    assert facts["flash_attention"] is True  # "auto", resolved by llama.cpp's probe
    assert facts["kv_types"] == ("q8_0", "q8_0") and facts["kv_bytes"] == 18 * MIB  # a sliding-window model's two caches
    assert facts["weights_by_buffer"] == {"CUDA0": 60 * MIB, "CPU_Mapped": int(32.1 * MIB)}
    assert facts["compute_by_buffer"] == {"CUDA0": 300 * MIB, "CUDA_Host": 12 * MIB}
    assert parse_load_log("") == {"layers_by_device": {}, "flash_attention": None, "kv_types": None, "kv_bytes": 0,
                                  "weights_by_buffer": {}, "compute_by_buffer": {}}


def test_this_build_lists_the_cpu_only_and_says_it_cannot_offload():
    found = devices()
    assert [d.kind for d in found] == ["CPU"] and found[0].name == "CPU"
    assert 0 < found[0].free <= found[0].total and not found[0].is_gpu
    assert gpu_offload_supported() is False


@pytest.mark.parametrize(("model", "config", "expected"), [
    ("smollm2", EngineConfig(n_ctx=512, n_threads=1, kv_type="q8_0"), (False, ("q8_0", "f16"), 31)),
    ("gemma", EngineConfig(n_ctx=1024, n_threads=2, flash_attention=True, kv_type="q8_0"), (True, ("q8_0", "q8_0"), 19)),
])
def test_a_load_reports_what_llama_cpp_used(model, config, expected, smollm2_path, gemma_path):
    path = {"smollm2": smollm2_path, "gemma": gemma_path}[model]
    engine = LlamaEngine(path, config)
    try:
        report = engine.info.runtime
    finally:
        engine.close()
    flash, kv_types, layers = expected
    assert (report.threads, report.threads_batch) == (config.n_threads, config.n_threads)
    assert (report.flash_attention, report.kv_types, report.layers, report.offloaded) == (flash, kv_types, layers, 0)
    assert report.layers_by_device == {"CPU": layers}  # the blocks and the output layer, as llama.cpp counts them
    # mapped weights, plus the copies llama.cpp repacks for its CPU kernels (Gemma: 12.7 MiB)
    assert sum(report.weights_by_buffer.values()) == pytest.approx(path.stat().st_size, rel=0.05)
    # the library's fit estimate of the KV cache against what llama.cpp allocated (V stays f16 without flash attention)
    facts = read_facts(path)
    estimate = (kv_cache_bytes(facts, config.n_ctx, "q8_0") + kv_cache_bytes(facts, config.n_ctx, kv_types[1])) / 2
    assert report.kv_bytes == pytest.approx(estimate, rel=0.01)
    assert "CPU build: no GPU offload" in report.describe()
