"""Models on this machine: the bundled ones, and the library of GGUF files found read-only where other apps keep them."""

from desktop.core.models.bundled import (
    REPO_MODELS_DIR,
    BundledModel,
    bundled_models,
    default_chat_model,
    display_name,
    models_dir,
)

__all__ = ["REPO_MODELS_DIR", "BundledModel", "bundled_models", "default_chat_model", "display_name", "models_dir"]
