"""Inference engines: llama.cpp in-process; shared event types."""

from desktop.core.engine.types import (
    EngineConfig,
    EngineError,
    Finished,
    GenerationStats,
    ModelInfo,
    ModelLoadError,
    PromptTooLongError,
    TokenEvent,
)

__all__ = [
    "EngineConfig", "EngineError", "Finished", "GenerationStats", "ModelInfo",
    "ModelLoadError", "PromptTooLongError", "TokenEvent",
]
