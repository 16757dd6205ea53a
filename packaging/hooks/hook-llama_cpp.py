"""PyInstaller hook: llama-cpp-python loads libllama/libggml* with ctypes, which PyInstaller cannot see."""

from PyInstaller.utils.hooks import collect_dynamic_libs

# Kept in llama_cpp/lib/, where llama_cpp looks for them (and, in a GGML_BACKEND_DL build, its CPU variants).
binaries = collect_dynamic_libs("llama_cpp")
