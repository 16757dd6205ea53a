"""A scripted Engine: deterministic UI and cancel tests without a model."""

import threading
import time
from collections.abc import Iterator
from pathlib import Path

from desktop.core.engine.types import (
    IN_PROCESS, Capabilities, EngineConfig, Finished, GenerationStats, ModelInfo, ModelLoadError, TokenEvent,
)
from desktop.core.probability.sampling import SamplerSettings
from desktop.core.probability.trace import TokenRecord, TopToken

SCRIPT = ["The", " capital", " of", " France", " is", " **Paris**", "."] + [" More"] * 200
ALT_BASE = 1000  # alternative k at position i has id ALT_BASE + 10 * i + k; a script piece's id is its index
EOG_ID = 999  # the fake's end-of-generation token


class FakeEngine:
    """Streams SCRIPT one piece at a time, `delay` seconds apart; remembers what it was asked."""

    instances: list["FakeEngine"] = []

    def __init__(self, path, config: EngineConfig = EngineConfig(), delay: float = 0.002, script=None,
                 capabilities: Capabilities = IN_PROCESS):
        if "broken" in str(path):
            raise ModelLoadError(f"{Path(path).name} is not a GGUF model file (it does not start with the GGUF signature)")
        self.delay = delay
        self.capabilities = capabilities  # pass a weaker set to play a remote engine
        self.script = script or SCRIPT[:7]
        self.info = ModelInfo(Path(path), "Fake model", config.n_ctx or 2048, 8192, 100, "template")
        self.rendered: list[list[dict]] = []
        self.settings: list[SamplerSettings] = []
        self.closed = False
        FakeEngine.instances.append(self)

    def render(self, messages: list[dict[str, str]]) -> str:
        self.rendered.append(messages)
        return "\n".join(f"{m['role']}: {m['content']}" for m in messages)

    def tokenize(self, text: str) -> list[int]:
        return [len(word) for word in text.split()]  # one made-up id per word

    def stream(
        self,
        prompt_tokens: list[int],
        settings: SamplerSettings,
        *,
        top_logprobs: int = 10,
        cancel: threading.Event | None = None,
    ) -> Iterator[TokenEvent | Finished]:
        self.settings.append(settings)
        cancel = cancel or threading.Event()
        count, finish = 0, "stop"
        for index, piece in enumerate(self.script):
            time.sleep(self.delay)
            if cancel.is_set():
                finish = "cancelled"
                break
            top = tuple(TopToken(ALT_BASE + index * 10 + k, f"alt{k}", -1.0 - k) for k in range(1, top_logprobs))
            top = (TopToken(index, piece, -0.5),) + top if top_logprobs else ()
            record = TokenRecord(index, piece, -0.5, 0.9, 1.2, top)
            yield TokenEvent(index, index, piece, record, False)
            count += 1
        stats = GenerationStats(len(prompt_tokens), count, 5.0, 100.0, settings.seed or 0, self.info.n_ctx)
        yield Finished(finish, stats)

    def token_text(self, token_id: int) -> str:
        return "<eog>" if token_id == EOG_ID else self.token_piece(token_id).decode()

    def token_piece(self, token_id: int) -> bytes:
        if token_id == EOG_ID:
            return b""
        if token_id < ALT_BASE:
            return self.script[token_id].encode()
        return f"alt{(token_id - ALT_BASE) % 10}".encode()

    def token_bytes(self, token_id: int) -> bytes:
        # The made-up prompt ids stand for no text, so prompt records lay the prompt out as estimated.
        return b""

    def is_eog(self, token_id: int) -> bool:
        return token_id == EOG_ID

    def close(self) -> None:
        self.closed = True


def slow_fake(path, config=EngineConfig()):
    """A long, slow reply for stopping mid-way."""
    return FakeEngine(path, config, delay=0.02, script=SCRIPT)
