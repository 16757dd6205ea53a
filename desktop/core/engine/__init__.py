"""Inference engines: the Engine protocol, llama.cpp in-process; shared event types."""

from desktop.core.engine.protocol import Engine
from desktop.core.engine.types import (
    IN_PROCESS,
    Capabilities,
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
    "IN_PROCESS", "Capabilities", "Engine", "EngineConfig", "EngineError", "Finished", "GenerationStats",
    "ModelInfo", "ModelLoadError", "PromptTooLongError", "TokenEvent",
]
