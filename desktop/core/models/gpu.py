"""The GPU a GPU build of llama.cpp may use: a device name (CUDA1, Vulkan0) mapped to its backend's visible-devices variable."""

import re
from collections.abc import MutableMapping

from desktop.core.store import Store

GPU_DEVICE_KEY = "gpu_device"  # a device name from ggml's registry as listed with every device visible; None: all
# The backends' own variables, read once when the backend starts (so a change applies from the next start)
VISIBLE_DEVICES = {"CUDA": "CUDA_VISIBLE_DEVICES", "Vulkan": "GGML_VK_VISIBLE_DEVICES"}
_NAME = re.compile(r"^(?P<backend>[A-Za-z]+)(?P<index>\d+)$")


def visible_devices(device: str) -> tuple[str, str]:
    """("CUDA_VISIBLE_DEVICES", "1") for "CUDA1"; ValueError for a name no known backend gives its devices."""
    match = _NAME.match(device)
    if match is None or match["backend"] not in VISIBLE_DEVICES:
        raise ValueError(f"{device!r} is not a CUDA or Vulkan device (choosing one needs CUDA or Vulkan)")
    return VISIBLE_DEVICES[match["backend"]], str(int(match["index"]))


def chosen_device(store: Store) -> str | None:
    value = store.get_setting(GPU_DEVICE_KEY)
    return value if isinstance(value, str) else None


def choose_device(store: Store, device: str | None) -> None:
    if device is not None:
        visible_devices(device)  # refuses a name that would mean nothing at the next start
    store.set_setting(GPU_DEVICE_KEY, device)


def apply_chosen_device(store: Store, environ: MutableMapping[str, str]) -> str | None:
    """Before llama.cpp starts its backends: the chosen device as its backend's variable, unless the user set that
    variable (theirs wins). Returns what was set ("CUDA_VISIBLE_DEVICES=1"), or None."""
    device = chosen_device(store)
    if device is None:
        return None
    try:
        variable, value = visible_devices(device)
    except ValueError:
        return None  # a setting from another build: nothing to map it to
    if variable in environ:
        return None
    environ[variable] = value
    return f"{variable}={value}"
