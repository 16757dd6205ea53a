"""How likely is this? Candidates scored token by token after a prompt, ranked by total log-probability."""

import threading
from dataclasses import dataclass

from desktop.core.engine.types import EngineError
from desktop.core.probability.summary import perplexity
from desktop.core.prompt.build import BuiltPrompt
from desktop.core.words import translate


@dataclass(frozen=True)
class ScoredText:
    text: str
    tokens: tuple  # ScoredPosition per token of the text
    logprob: float  # the sum over the text's tokens, in nats

    @property
    def perplexity(self) -> float:
        return perplexity(self.logprob / len(self.tokens)) if self.tokens else float("nan")

    def to_json(self) -> dict:
        return {
            "text": self.text,
            "logprob": self.logprob,
            "perplexity": self.perplexity,
            "tokens": [
                {"id": t.id, "text": t.text, "logprob": t.logprob, "rank": t.rank,
                 "top": [{"id": a.id, "text": a.text, "logprob": a.logprob} for a in t.top]}
                for t in self.tokens
            ],
        }


def score_texts(engine, prompt: BuiltPrompt, candidates: list[str], top: int = 10,
                cancel: threading.Event | None = None, exact: bool = False) -> list[ScoredText]:
    """Each candidate's probability after the prompt (teacher forcing, no sampling), best first.

    `exact`: a token at a time, the numbers generation would record (slower; see llama_scoring).
    """
    score = getattr(engine, "score_continuations", None)
    if score is None:
        raise EngineError(translate("core", "This engine cannot score a given text (it returns no log-probabilities for a prompt)."))
    candidates = [c for c in candidates if c]
    if not candidates:
        raise EngineError(translate("core", "Give at least one non-empty text to score."))
    token_lists = [engine.continuation_tokens(prompt.text, list(prompt.tokens), c) for c in candidates]
    if not all(token_lists):
        raise EngineError(translate("core", "A text to score adds no tokens after the prompt."))
    positions = score(list(prompt.tokens), token_lists, top=top, cancel=cancel, exact=exact)
    scored = [ScoredText(text, tuple(p), sum(t.logprob for t in p)) for text, p in zip(candidates, positions)]
    return sorted(scored, key=lambda s: s.logprob, reverse=True)
