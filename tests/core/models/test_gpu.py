"""The GPU device choice: a device name mapped to its backend's visible-devices variable at start; the user's own wins."""

import pytest

from desktop.core.models.gpu import apply_chosen_device, choose_device, chosen_device, visible_devices
from desktop.core.store import open_store


@pytest.fixture
def store(tmp_path):
    opened = open_store(tmp_path / "inkling.db")
    yield opened
    opened.close()


def test_device_names_map_to_their_backends_variable():
    assert visible_devices("CUDA0") == ("CUDA_VISIBLE_DEVICES", "0")
    assert visible_devices("CUDA12") == ("CUDA_VISIBLE_DEVICES", "12")
    assert visible_devices("Vulkan1") == ("GGML_VK_VISIBLE_DEVICES", "1")
    for name in ("CPU", "Metal", "CUDA", "SYCL0", "CUDA-1"):
        with pytest.raises(ValueError, match="not a CUDA or Vulkan device"):
            visible_devices(name)


def test_the_choice_is_remembered_and_applied_before_llama_cpp_starts_unless_the_user_set_the_variable(store):
    environ = {}
    assert apply_chosen_device(store, environ) is None and environ == {}  # no choice: every device
    choose_device(store, "Vulkan1")
    assert chosen_device(store) == "Vulkan1"
    assert apply_chosen_device(store, environ) == "GGML_VK_VISIBLE_DEVICES=1" and environ == {"GGML_VK_VISIBLE_DEVICES": "1"}
    theirs = {"GGML_VK_VISIBLE_DEVICES": "0"}
    assert apply_chosen_device(store, theirs) is None and theirs == {"GGML_VK_VISIBLE_DEVICES": "0"}
    with pytest.raises(ValueError):
        choose_device(store, "CPU")
    assert chosen_device(store) == "Vulkan1"
    store.set_setting("gpu_device", "Metal0")  # saved by another build: nothing to map it to here
    assert apply_chosen_device(store, environ := {}) is None and environ == {}
    choose_device(store, None)
    assert chosen_device(store) is None
