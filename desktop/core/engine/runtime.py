"""What llama.cpp is and what it actually did: its devices from ggml's backend registry, and a load's own report."""

import ctypes
import re
from dataclasses import asdict, dataclass, field

from desktop.core.words import Words, joined, translate

# ggml_backend_dev_type (ggml-backend.h)
DEVICE_KINDS = {0: "CPU", 1: "GPU", 2: "integrated GPU", 3: "accelerator", 4: "meta"}
MIB = 2**20


@dataclass(frozen=True)
class Device:
    """One device ggml's registry lists: CPU, or a GPU of a CUDA/Vulkan/Metal build (names like CUDA0, Vulkan1)."""

    name: str
    description: str
    kind: str
    free: int  # bytes, as the backend reports them
    total: int

    @property
    def is_gpu(self) -> bool:
        return self.kind in ("GPU", "integrated GPU")


def _ggml(name: str, restype, *argtypes):
    # Not wrapped by llama-cpp-python; libllama's handle also finds the symbols of the libggml it links.
    from llama_cpp import llama_cpp as bindings  # loads the library: only when asked

    function = getattr(bindings._lib, name)
    function.restype, function.argtypes = restype, list(argtypes)
    return function


def devices() -> list[Device]:
    """Every device of this llama.cpp build, as its backends see them now (after CUDA_VISIBLE_DEVICES and the like)."""
    count = _ggml("ggml_backend_dev_count", ctypes.c_size_t)
    get = _ggml("ggml_backend_dev_get", ctypes.c_void_p, ctypes.c_size_t)
    name = _ggml("ggml_backend_dev_name", ctypes.c_char_p, ctypes.c_void_p)
    description = _ggml("ggml_backend_dev_description", ctypes.c_char_p, ctypes.c_void_p)
    kind = _ggml("ggml_backend_dev_type", ctypes.c_int, ctypes.c_void_p)
    memory = _ggml("ggml_backend_dev_memory", None, ctypes.c_void_p, ctypes.POINTER(ctypes.c_size_t),
                   ctypes.POINTER(ctypes.c_size_t))
    found = []
    for index in range(count()):
        device = get(index)
        free, total = ctypes.c_size_t(), ctypes.c_size_t()
        memory(device, ctypes.byref(free), ctypes.byref(total))
        found.append(Device(name(device).decode(), (description(device) or b"").decode(errors="replace"),
                            DEVICE_KINDS.get(kind(device), "other"), free.value, total.value))
    return found


def gpu_offload_supported() -> bool:
    import llama_cpp

    return bool(llama_cpp.llama_supports_gpu_offload())


@dataclass(frozen=True)
class LoadReport:
    """What llama.cpp did with one load, from its own log and context: never what was merely asked for."""

    threads: int  # llama_n_threads: decoding one token
    threads_batch: int  # llama_n_threads_batch: reading a prompt
    layers_by_device: dict = field(default_factory=dict)  # device name -> repeating layers placed there
    flash_attention: bool | None = None
    kv_types: tuple[str, str] | None = None  # (K, V)
    kv_bytes: int = 0
    weights_by_buffer: dict = field(default_factory=dict)  # buffer type (CPU_Mapped, CUDA0…) -> bytes
    compute_by_buffer: dict = field(default_factory=dict)
    gpu_build: bool = False

    @property
    def layers(self) -> int:
        return sum(self.layers_by_device.values())

    @property
    def offloaded(self) -> int:
        return sum(n for device, n in self.layers_by_device.items() if not device.upper().startswith("CPU"))

    def describe(self) -> Words:
        """In words, for the window (translated there) and `inkling about` (English)."""
        if self.gpu_build:
            offload = translate("core", "{offloaded}/{layers} layers on a GPU ({devices})").format(
                offloaded=self.offloaded, layers=self.layers, devices=_listing(self.layers_by_device, "layers"))
        else:
            offload = translate("core", "all {layers} layers on the CPU (CPU build: no GPU offload)").format(layers=self.layers)
        unknown = translate("core", "unknown")
        kv = f"K {self.kv_types[0]}, V {self.kv_types[1]}" if self.kv_types else unknown
        flash = {True: translate("core", "on"), False: translate("core", "off"), None: unknown}[self.flash_attention]
        threads = (translate("core", "{threads} thread (prompt {batch})") if self.threads == 1
                   else translate("core", "{threads} threads (prompt {batch})")).format(threads=self.threads, batch=self.threads_batch)
        return joined(" · ", [
            threads, offload, translate("core", "flash attention {state}").format(state=flash),
            translate("core", "KV cache {types}, {size} MiB").format(types=kv, size=f"{self.kv_bytes / MIB:.1f}"),
            translate("core", "weights in {buffers}").format(buffers=_listing(self.weights_by_buffer, "MiB")),
            translate("core", "working buffers {buffers}").format(buffers=_listing(self.compute_by_buffer, "MiB")),
        ])

    def to_json(self) -> dict:
        return {**asdict(self), "layers": self.layers, "offloaded": self.offloaded, "described": self.describe()}


def _listing(values: dict, unit: str) -> str:
    if unit == "MiB":
        return ", ".join(f"{name} {size / MIB:.1f} MiB" for name, size in values.items()) or translate("core", "unknown")
    return ", ".join(f"{name} {count}" for name, count in values.items()) or translate("core", "none")


_LAYER = re.compile(r"load_tensors: layer +\d+ assigned to device (\S+?),")
_WEIGHTS = re.compile(r"load_tensors: +(\S+) model buffer size = +([\d.]+) MiB")
_COMPUTE = re.compile(r"(?:sched_reserve|llama_context): +(\S+) compute buffer size = +([\d.]+) MiB")
_FLASH = re.compile(r"llama_context: flash_attn += (\w+)")
_FLASH_AUTO = re.compile(r"Flash Attention (enabled|not supported)")
_KV = re.compile(r"llama_kv_cache: size = +([\d.]+) MiB .*K \((\w+)\): .*V \((\w+)\)")


def parse_load_log(text: str) -> dict:
    """The facts a load's log states (LoadReport fields). A sliding-window model has two caches: their sizes add up."""
    layers: dict[str, int] = {}
    for device in _LAYER.findall(text):
        layers[device] = layers.get(device, 0) + 1
    flash = None
    if match := _FLASH.search(text):
        flash = {"enabled": True, "disabled": False}.get(match[1])
    if match := _FLASH_AUTO.search(text):  # "auto", resolved by a probe
        flash = match[1] == "enabled"
    caches = _KV.findall(text)
    return {
        "layers_by_device": layers,
        "flash_attention": flash,
        "kv_types": (caches[0][1], caches[0][2]) if caches else None,
        "kv_bytes": int(sum(float(size) for size, _, _ in caches) * MIB),
        "weights_by_buffer": {name: int(float(size) * MIB) for name, size in _WEIGHTS.findall(text)},
        "compute_by_buffer": {name: int(float(size) * MIB) for name, size in _COMPUTE.findall(text)},
    }
