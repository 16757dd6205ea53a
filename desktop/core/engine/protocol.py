"""What a reply needs from any engine: the Engine protocol and the Capabilities an engine declares."""

import threading
from collections.abc import Iterator
from typing import Protocol, runtime_checkable

from desktop.core.engine.types import Capabilities, Finished, ModelInfo, TokenEvent
from desktop.core.probability.sampling import SamplerSettings


@runtime_checkable
class Engine(Protocol):
    """One loaded model behind a single consumer (the engine worker thread, or the CLI).

    Everything above the engine package (prompt building, prompt records, replies, branches, the
    worker) uses only this surface, so nothing there may assume llama.cpp. Tests and benchmarks may
    use an engine's own extras (LlamaEngine.clear_cache), which are not part of it.
    """

    info: ModelInfo
    capabilities: Capabilities

    def render(self, messages: list[dict[str, str]]) -> str:
        """Messages ({"role", "content"}) -> prompt text: the chat template, or a plain document for a base model."""
        ...

    def tokenize(self, text: str) -> list[int]:
        """Rendered prompt text -> token ids, special tokens parsed, BOS added once if the model wants it."""
        ...

    def token_text(self, token_id: int) -> str:
        """How a token reads in a list of alternatives (special tokens by their name)."""
        ...

    def token_piece(self, token_id: int) -> bytes:
        """The bytes a token adds to the reply's text (special tokens add none)."""
        ...

    def token_bytes(self, token_id: int) -> bytes:
        """The bytes a token stands for in a prompt, special tokens included."""
        ...

    def is_eog(self, token_id: int) -> bool:
        """Whether drawing this token ends the reply."""
        ...

    def stream(
        self,
        prompt_tokens: list[int],
        settings: SamplerSettings,
        *,
        top_logprobs: int = 10,
        cancel: threading.Event | None = None,
    ) -> Iterator[TokenEvent | Finished]:
        """Yield a TokenEvent per drawn token (a record when top_logprobs > 0), then one Finished."""
        ...

    def close(self) -> None:
        """Free the model; the engine is unusable afterwards."""
        ...
